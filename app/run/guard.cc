#include "app/run/guard.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "app/run/runner.h"
#include "models/program/expr.h"
#include "sim/simulation.h"

namespace concsim::run {
namespace {

using models::Step;
using models::StepKind;
using models::Steps;
using models::TaskSpec;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::int64_t sat_add(std::int64_t a, std::int64_t b) { return a > kMax - b ? kMax : a + b; }
std::int64_t sat_mul(std::int64_t a, std::int64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kMax / b ? kMax : a * b;
}

// What a piece of program costs each time it runs.
struct Cost {
  std::int64_t tasks = 0;   // tasks it creates
  std::int64_t events = 0;  // events it needs, its tasks' included

  void add(const Cost& o) {
    tasks = sat_add(tasks, o.tasks);
    events = sat_add(events, o.events);
  }
  Cost times(std::int64_t n) const { return Cost{sat_mul(tasks, n), sat_mul(events, n)}; }
  void max_with(const Cost& o) {
    tasks = std::max(tasks, o.tasks);
    events = std::max(events, o.events);
  }
};

// "[-]digits": the count expressions the loader writes for literals.
std::optional<std::int64_t> integer_literal(std::string_view s) {
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

class Estimator {
 public:
  explicit Estimator(const load::Workload& w) {
    for (const models::FunctionDef& f : w.program.functions) {
      functions_.emplace(f.name, &f);
      assigned(f.steps);
    }
    // A shared variable the program never assigns is a constant
    // (connections, requests_per_connection): counts may use it.
    for (const models::SharedDef& s : w.program.shared) {
      if (assigned_.count(s.name) != 0) continue;
      models::Value v;
      if (evaluate(s.initial, &v)) {
        shared_.emplace(s.name, static_cast<std::uint32_t>(shared_values_.size()));
        shared_values_.push_back(v);
      }
    }
  }

  Estimate run(const load::Workload& w) {
    Estimate e;
    const Cost main = function("main");
    e.tasks = sat_add(1, main.tasks);
    e.events = sat_add(kEventsPerTask, main.events);
    // loop.processes: as many event loops, each running main on its share
    // (the first, with __process 0, has the largest).
    e.tasks = sat_mul(e.tasks, std::max<std::int64_t>(w.processes, 1));
    e.events = sat_mul(e.events, std::max<std::int64_t>(w.processes, 1));
    // A run stops at its own event budget: it cannot need more.
    e.events = std::min<std::int64_t>(
        e.events, static_cast<std::int64_t>(std::min<std::uint64_t>(w.max_events, static_cast<std::uint64_t>(kMax))));
    e.memory_bytes = sat_add(kBaseBytes, sat_mul(e.tasks, kBytesPerTask));
    e.exact_counts = exact_;
    e.largest_count = largest_at_;
    e.largest_count_value = largest_;
    return e;
  }

 private:
  // The names any step assigns.
  void assigned(const Steps& steps) {
    for (const Step& s : steps) {
      for (const auto& [name, value] : s.assignments) assigned_.insert(name);
      for (const std::string* name : {&s.into, &s.as, &s.done, &s.pending}) assigned_.insert(*name);
      for (const TaskSpec& t : s.tasks) assigned(t.steps);
      for (const Steps* body : {&s.body, &s.else_body, &s.exit_body, &s.finally_body}) assigned(*body);
      for (const models::ExceptClause& c : s.excepts) {
        assigned_.insert(c.as);
        assigned(c.steps);
      }
    }
  }

  // Evaluates an expression over the constant shared variables only; false
  // when it names anything else or fails.
  bool evaluate(const std::string& text, models::Value* out) {
    const models::NameResolver resolve = [this](std::string_view name) -> std::optional<models::VarRef> {
      const auto it = shared_.find(std::string(name));
      if (it == shared_.end()) return std::nullopt;
      return models::VarRef{true, it->second};
    };
    const std::optional<models::Expr> e = models::parse_expr(text, store_, resolve, nullptr);
    if (!e) return false;
    models::Value exc;
    const models::EvalContext context{store_, nullptr, shared_values_.data(), nullptr, 0};
    return models::eval_expr(*e, context, out, &exc);
  }

  // The value of a count, or 1 (and the estimate is a lower bound) when it
  // is computed at run time.
  std::int64_t count(const std::string& expr, const models::SourceRef& at) {
    models::Value v;
    if (!evaluate(expr, &v) || v.kind != models::ValueKind::kInt) {
      exact_ = false;
      return 1;
    }
    if (v.bits > largest_) {
      largest_ = v.bits;
      largest_at_ = at;
    }
    return std::max<std::int64_t>(v.bits, 0);
  }

  Cost function(const std::string& name) {
    if (const auto it = memo_.find(name); it != memo_.end()) return it->second;
    const auto def = functions_.find(name);
    // Recursion (a task that spawns its own function) is unbounded by
    // nature: it counts once, and the run-time guard watches the rest. So
    // does a chain of spawns deeper than kMaxDepth (calls nest at most 200
    // deep, but a chain of spawns is unlimited), which keeps this walk's
    // own recursion bounded.
    constexpr std::size_t kMaxDepth = 256;
    if (def == functions_.end() || active_.size() >= kMaxDepth || !active_.insert(name).second) {
      exact_ = exact_ && def == functions_.end();
      return Cost{};
    }
    const Cost c = steps(def->second->steps);
    active_.erase(name);
    memo_.emplace(name, c);
    return c;
  }

  Cost steps(const Steps& list) {
    Cost total;
    for (const Step& s : list) total.add(step(s));
    return total;
  }

  // Tasks a spec starts, with everything they do.
  Cost tasks(const TaskSpec& t, std::int64_t* started) {
    if (!t.ref.empty()) {
      *started = 0;
      return Cost{};
    }
    const std::int64_t n = t.count.empty() ? 1 : count(t.count, t.count_at);
    *started = n;
    Cost one = t.function.empty() ? steps(t.steps) : function(t.function);
    one.tasks = sat_add(one.tasks, 1);
    one.events = sat_add(one.events, kEventsPerTask);
    return one.times(n);
  }

  Cost step(const Step& s) {
    Cost c;
    switch (s.kind) {
      case StepKind::kCpu:
      case StepKind::kBlock:
      case StepKind::kSleep:
      case StepKind::kIo:
      case StepKind::kAcquire:
      case StepKind::kEventWait:
      case StepKind::kQueuePut:
      case StepKind::kQueueGet:
      case StepKind::kQueueJoin:
      case StepKind::kAwait:
      case StepKind::kArrive:
        c.events = kEventsPerWait;
        break;
      case StepKind::kYield:
        c.events = 1;
        break;
      case StepKind::kCall:
        c = function(s.tasks.at(0).function);
        break;
      case StepKind::kRepeat:
      case StepKind::kAsyncFor: {
        Cost body = steps(s.body);
        body.add(steps(s.else_body));
        body.events = sat_add(body.events, 1);
        c = body.times(count(s.expr, s.expr_at));
        break;
      }
      case StepKind::kLoop:
      case StepKind::kWhile:
        exact_ = false;
        c = steps(s.body);
        break;
      case StepKind::kIf: {
        c = steps(s.body);
        c.max_with(steps(s.else_body));
        break;
      }
      case StepKind::kTry: {
        c = steps(s.body);
        Cost handlers;
        for (const models::ExceptClause& e : s.excepts) handlers.max_with(steps(e.steps));
        c.add(handlers);
        c.add(steps(s.finally_body));
        break;
      }
      case StepKind::kAsyncWith:
        c = steps(s.else_body);
        c.add(steps(s.body));
        c.add(steps(s.exit_body));
        c.events = sat_add(c.events, kEventsPerWait);
        break;
      default:
        break;
    }
    // Steps that start tasks: spawn, gather, wait, wait_for, as_completed,
    // run_in_executor.
    if (s.kind != StepKind::kCall) {
      std::int64_t started_total = 0;
      for (const TaskSpec& t : s.tasks) {
        std::int64_t started = 0;
        c.add(tasks(t, &started));
        started_total = sat_add(started_total, started);
      }
      if (!s.tasks.empty()) c.events = sat_add(c.events, kEventsPerWait);
      // as_completed runs its body once per task.
      if (s.kind == StepKind::kAsCompleted) c.add(steps(s.body).times(std::max<std::int64_t>(started_total, 1)));
    }
    return c;
  }

  std::map<std::string, const models::FunctionDef*> functions_;
  std::set<std::string> assigned_;
  models::Store store_;
  std::map<std::string, std::uint32_t> shared_;  // constant shared variables: slot in shared_values_
  std::vector<models::Value> shared_values_;
  std::map<std::string, Cost> memo_;
  std::set<std::string> active_;
  bool exact_ = true;
  std::int64_t largest_ = 0;
  models::SourceRef largest_at_;
};

// The position of `ref` with the right file: values set with --set carry
// file "--set", which a SourceRef does not record, so the node at ref's path
// is looked up in the document; when it cannot be found the document's file
// is assumed.
load::SourcePos locate(const load::Document& doc, const models::SourceRef& ref) {
  load::SourcePos fallback{doc.name(), ref.line, ref.column};
  try {
    load::Node node = doc.root();
    std::string_view path = ref.path;
    while (!path.empty()) {
      const std::size_t end = path.find_first_of(".[");
      const std::string_view key = path.substr(0, end);
      if (!key.empty()) {
        auto next = node.is_map() ? node.get(key) : std::nullopt;
        if (!next) return fallback;
        node = *next;
      }
      path = end == std::string_view::npos ? std::string_view() : path.substr(end);
      while (!path.empty() && path[0] == '[') {
        const std::size_t close = path.find(']');
        if (close == std::string_view::npos || !node.is_seq()) return fallback;
        const auto index = integer_literal(path.substr(1, close - 1));
        if (!index || *index < 0 || static_cast<std::size_t>(*index) >= node.size()) return fallback;
        node = node.at(static_cast<std::size_t>(*index));
        path.remove_prefix(close + 1);
      }
      if (!path.empty() && path[0] == '.') path.remove_prefix(1);
    }
    const load::SourcePos pos = node.pos();
    if (pos.line == ref.line && pos.column == ref.column) return pos;
  } catch (const load::ConfigError&) {
    // A path that does not match the document's shape: keep the fallback.
  }
  return fallback;
}

// "about 1.2e+18" for figures too large to read as digits.
std::string about(std::int64_t n) {
  if (n < 10'000'000) return std::to_string(n);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", static_cast<double>(n));
  return buf;
}

// A size for messages, one decimal: "16.0GiB", "512.0MiB"; huge ones in
// bytes with an exponent.
std::string size_text(std::int64_t bytes) {
  char buf[48];
  if (bytes >= (std::int64_t{1} << 50)) {
    std::snprintf(buf, sizeof buf, "%.2g bytes", static_cast<double>(bytes));
  } else if (bytes >= (std::int64_t{1} << 30)) {
    std::snprintf(buf, sizeof buf, "%.1fGiB", static_cast<double>(bytes) / (1 << 30));
  } else {
    std::snprintf(buf, sizeof buf, "%.1fMiB", static_cast<double>(bytes) / (1 << 20));
  }
  return buf;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%gs", s);
  return buf;
}

// Resident and virtual bytes of this process, from /proc/self/statm; 0 when
// it cannot be read.
void process_memory(std::int64_t* resident, std::int64_t* virtual_size) {
  *resident = 0;
  *virtual_size = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return;
  long long size = 0;
  long long rss = 0;
  if (std::fscanf(f, "%lld %lld", &size, &rss) == 2) {
    const long page = ::sysconf(_SC_PAGESIZE);
    *resident = rss * page;
    *virtual_size = size * page;
  }
  std::fclose(f);
}

// The backstop's message, prepared before the signal can arrive: the
// handler may only call async-signal-safe functions.
char backstop_message[160];

extern "C" void backstop_handler(int) {
  const ssize_t ignored = ::write(STDERR_FILENO, backstop_message, std::strlen(backstop_message));
  (void)ignored;
  ::_exit(1);
}

}  // namespace

Estimate estimate(const load::Workload& w) {
  // A Python program has no counts to read ahead of the run: the run-time
  // guards bound it.
  if (w.python) return Estimate{};
  return Estimator(w).run(w);
}

std::int64_t address_space_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_AS, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return -1;
  return r.rlim_cur > static_cast<rlim_t>(kMax) ? -1 : static_cast<std::int64_t>(r.rlim_cur);
}

std::int64_t effective_memory_limit(const GuardLimits& limits) {
  const std::int64_t as = address_space_limit();
  return as < 0 ? limits.max_memory : std::min(limits.max_memory, as / 2);
}

bool sanitized_build() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

void limit_address_space(const GuardLimits& limits) {
  if (sanitized_build()) return;
  const std::int64_t wanted = sat_add(limits.max_memory, limits.max_memory / 4);
  const std::int64_t current = address_space_limit();
  if (current >= 0 && current <= wanted) return;
  rlimit r{};
  if (::getrlimit(RLIMIT_AS, &r) != 0) return;
  r.rlim_cur = static_cast<rlim_t>(wanted);
  ::setrlimit(RLIMIT_AS, &r);
}

void check_estimate(const Estimate& e, const GuardLimits& limits, const load::Workload& w,
                    const load::Document& doc) {
  const std::int64_t memory_limit = effective_memory_limit(limits);
  const bool memory = e.memory_bytes > memory_limit;
  const bool events = static_cast<std::uint64_t>(e.events) > limits.max_events;
  if (!memory && !events) return;

  std::string message = "the run would create ";
  message += e.exact_counts ? "about " : "at least ";
  message += about(e.tasks);
  message += e.tasks == 1 ? " task" : " tasks";
  if (memory) {
    message += " and need about " + size_text(e.memory_bytes) + " of simulator memory, over ";
    message += memory_limit == limits.max_memory ? "--max-memory " + size_text(limits.max_memory)
                                                 : "half the address-space limit (ulimit -v)";
  } else {
    message += " and need about " + about(e.events) + " simulator events, over --max-events " +
               about(static_cast<std::int64_t>(std::min<std::uint64_t>(limits.max_events, kMax)));
    message += " (limits.max_events caps a run's events)";
  }
  message += "; lower the count";
  message += memory ? " or raise --max-memory" : " or raise --max-events";

  // Point at the count that makes the run big, else at main.
  if (e.largest_count.line > 0 && e.largest_count_value > 1) {
    message.insert(0, "this count (" + about(e.largest_count_value) + ") is too large: ");
    throw load::ConfigError(locate(doc, e.largest_count), e.largest_count.path, message);
  }
  for (const models::FunctionDef& f : w.program.functions) {
    if (f.name == "main") throw load::ConfigError(locate(doc, f.at), f.at.path, message);
  }
  throw load::ConfigError(load::SourcePos{doc.name(), 1, 1}, "", message);
}

RunGuard::RunGuard(const GuardLimits& limits)
    : limits_(limits),
      memory_limit_(effective_memory_limit(limits)),
      address_limit_(address_space_limit()),
      start_(std::chrono::steady_clock::now()) {}

bool RunGuard::should_stop() {
  if (tripped()) return true;
  ++polls_;
  const std::uint64_t events = polls_ * sim::kShouldStopInterval;
  if (events >= limits_.max_events) {
    reason_ = "--max-events " + std::to_string(limits_.max_events) + " reached";
    return true;
  }
  return time_or_memory_passed(events);
}

void RunGuard::attach(RunOptions& options) {
  options.should_stop = [this] { return should_stop(); };
  options.should_stop_within_event = [this] { return should_stop_within_event(); };
}

bool RunGuard::should_stop_within_event() {
  if (tripped()) return true;
  return time_or_memory_passed(polls_ * sim::kShouldStopInterval);
}

bool RunGuard::time_or_memory_passed(std::uint64_t events) {
  if (limits_.timeout_seconds > 0) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    if (elapsed.count() >= limits_.timeout_seconds) {
      reason_ = "--timeout of " + seconds_text(limits_.timeout_seconds) + " reached after " +
                std::to_string(events) + " events";
      return true;
    }
  }
  // Reading /proc costs a few microseconds, nothing next to 2^16 events.
  std::int64_t resident = 0;
  std::int64_t virtual_size = 0;
  process_memory(&resident, &virtual_size);
  // Half of an address-space limit, so that collecting and writing the
  // partial results still fits under it.
  if (resident > memory_limit_) {
    reason_ = "the simulator's memory (" + size_text(resident) + " resident) passed " +
              (memory_limit_ == limits_.max_memory ? "--max-memory " : "half the address-space limit, ") +
              size_text(memory_limit_) + ", after " + std::to_string(events) + " events";
    return true;
  }
  if (address_limit_ > 0 && virtual_size > address_limit_ / 2) {
    reason_ = "the simulator's address space (" + size_text(virtual_size) +
              ") passed half the address-space limit (ulimit -v) after " + std::to_string(events) +
              " events";
    return true;
  }
  return false;
}

void RunGuard::mark(RunOutput& out) const {
  if (!tripped()) return;
  out.status = "interrupted";
  out.detail = reason_ + "; the results are partial";
  out.exit_code = 1;
}

void arm_timeout_backstop(double seconds, double grace_seconds) {
  if (!(seconds > 0)) return;
  const double total = seconds + std::max(grace_seconds, 0.0);
  std::snprintf(backstop_message, sizeof backstop_message,
                "concsim: the run interrupted: still running %gs after --timeout of %gs, within one "
                "step of the simulation; stopped without results\n",
                std::max(grace_seconds, 0.0), seconds);
  struct sigaction action {};
  action.sa_handler = backstop_handler;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGALRM, &action, nullptr);
  itimerval timer{};
  const double whole = std::floor(std::min(total, 1e9));
  timer.it_value.tv_sec = static_cast<time_t>(whole);
  timer.it_value.tv_usec = static_cast<suseconds_t>((std::min(total, 1e9) - whole) * 1e6);
  if (timer.it_value.tv_sec == 0 && timer.it_value.tv_usec == 0) timer.it_value.tv_usec = 1;
  ::setitimer(ITIMER_REAL, &timer, nullptr);
}

}  // namespace concsim::run
