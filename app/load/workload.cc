#include "app/load/workload.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "app/load/machine.h"
#include "app/load/python_program.h"
#include "app/load/server.h"
#include "app/load/server_python.h"
#include "app/load/suggest.h"
#include "app/load/text.h"
#include "app/load/units.h"
#include "models/program/expr.h"
#include "models/program/lower.h"
#include "models/threads/ablation.h"

namespace concsim::load {
namespace {

// threads.without: a mechanism's name or a list of them.
std::vector<std::string> read_mechanisms(const Node& n) {
  std::vector<Node> items;
  if (n.is_scalar()) {
    items.push_back(n);
  } else {
    items = n.items();
  }
  std::vector<std::string> out;
  for (const Node& item : items) {
    std::string name = item.as_string();
    models::MachineProfile probe;
    if (!models::switch_off(probe, name)) {
      std::string known;
      for (const std::string& m : models::mechanism_names()) known += (known.empty() ? "" : ", ") + m;
      item.fail("unknown mechanism \"" + name + "\"; known: " + known);
    }
    out.push_back(std::move(name));
  }
  return out;
}

using models::DurationSpec;
using models::ExceptClause;
using models::FunctionDef;
using models::SourceRef;
using models::Step;
using models::StepKind;
using models::Steps;
using models::SyncKind;
using models::TaskSpec;

// Every step, by the name it is written with. A bare `raise` is kReraise.
struct StepName {
  std::string_view name;
  StepKind kind;
};
constexpr std::array<StepName, 36> kStepNames{{
    {"cpu", StepKind::kCpu},
    {"block", StepKind::kBlock},
    {"sleep", StepKind::kSleep},
    {"io", StepKind::kIo},
    {"yield", StepKind::kYield},
    {"log", StepKind::kLog},
    {"set", StepKind::kSet},
    {"return", StepKind::kReturn},
    {"raise", StepKind::kRaise},
    {"call", StepKind::kCall},
    {"spawn", StepKind::kSpawn},
    {"await", StepKind::kAwait},
    {"gather", StepKind::kGather},
    {"wait", StepKind::kWait},
    {"as_completed", StepKind::kAsCompleted},
    {"wait_for", StepKind::kWaitFor},
    {"cancel", StepKind::kCancel},
    {"acquire", StepKind::kAcquire},
    {"release", StepKind::kRelease},
    {"set_event", StepKind::kEventSet},
    {"clear_event", StepKind::kEventClear},
    {"wait_event", StepKind::kEventWait},
    {"put", StepKind::kQueuePut},
    {"get", StepKind::kQueueGet},
    {"task_done", StepKind::kQueueTaskDone},
    {"join", StepKind::kQueueJoin},
    {"async_with", StepKind::kAsyncWith},
    {"async_for", StepKind::kAsyncFor},
    {"repeat", StepKind::kRepeat},
    {"loop", StepKind::kLoop},
    {"while", StepKind::kWhile},
    {"if", StepKind::kIf},
    {"break", StepKind::kBreak},
    {"continue", StepKind::kContinue},
    {"try", StepKind::kTry},
    {"run_in_executor", StepKind::kExecutor},
}};

// Every step name, for "did you mean" on a misspelt one.
const std::vector<std::string>& step_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const StepName& s : kStepNames) out.emplace_back(s.name);
    return out;
  }();
  return names;
}

// The name a step kind is written with.
std::string_view step_name(StepKind k) {
  if (k == StepKind::kReraise) k = StepKind::kRaise;
  for (const StepName& s : kStepNames) {
    if (s.kind == k) return s.name;
  }
  return "?";
}

bool is_step_name(std::string_view name) {
  return std::any_of(kStepNames.begin(), kStepNames.end(), [&](const StepName& s) { return s.name == name; });
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(s[0])) return false;
  return std::all_of(s.begin() + 1, s.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

// Words the expression language reads as constants or operators: a variable
// so named could never be read back.
bool is_reserved(std::string_view s) {
  static constexpr std::array<std::string_view, 9> kWords{"true", "True", "false", "False", "null",
                                                          "None", "and",  "or",    "not"};
  return std::find(kWords.begin(), kWords.end(), s) != kWords.end();
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += quote(names[i]);
  }
  return out;
}

// "unknown <what> "x"; did you mean "y"?", or the known names when none is
// close and there are few enough to list.
std::string unknown(std::string_view what, std::string_view got, const std::vector<std::string>& known) {
  std::string message = "unknown ";
  message.append(what);
  message += " " + quote(got);
  const std::string best = suggest(got, known);
  if (!best.empty()) {
    message += "; did you mean " + quote(best) + "?";
  } else if (known.empty()) {
    message += "; the workload defines none";
  } else if (known.size() <= 12) {
    message += "; known: " + quoted_list(known);
  }
  return message;
}

// Why `name` cannot name a `what`, or nullopt when it can.
std::optional<std::string> name_problem(std::string_view name, std::string_view what, bool variable) {
  std::string message = quote(name);
  if (!is_identifier(name)) {
    message += " is not a valid ";
    message.append(what);
    message += " name (use letters, digits and _, not starting with a digit)";
    return message;
  }
  if (variable && is_reserved(name)) {
    message += " is a reserved word of the expression language and cannot name a ";
    message.append(what);
    return message;
  }
  if (name.size() >= 2 && name.substr(0, 2) == "__") {
    // concsim's own names (a server's __connection, __process, ...) start
    // so; they are left out of the output.
    message += ": names starting with __ are reserved for concsim's own functions and variables";
    return message;
  }
  return std::nullopt;
}

// "[+-]digits" with '_' allowed: the plain scalars read as integers.
bool looks_like_integer(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '_'; });
}

// A number followed by a duration unit: text meant as a duration, so that a
// malformed one ("0.5ns") is reported rather than read as a string.
bool looks_like_duration(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  const std::size_t start = i;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  if (i == start) return false;
  while (i < s.size() && s[i] == ' ') ++i;
  const std::string_view unit = s.substr(i);
  return unit == "ns" || unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs" || unit == "ms" ||
         unit == "s" || unit == "m" || unit == "h";
}

// The expression text of an integer; the most negative one has no positive
// counterpart to negate.
std::string integer_text(std::int64_t v) {
  if (v == std::numeric_limits<std::int64_t>::min()) return "(-9223372036854775807 - 1)";
  return std::to_string(v);
}

// A duration as the expression parser's literal ("1.5ms"), so that any
// spelling load::parse_duration accepts ("10 ms", "1.5e" excluded) works.
std::string duration_text(sim::Duration d) {
  if (d >= 0) return format_duration_exact(d);
  if (d == std::numeric_limits<sim::Duration>::min()) {
    return "(-" + format_duration_exact(std::numeric_limits<sim::Duration>::max()) + " - 1ns)";
  }
  return "-" + format_duration_exact(-d);
}

// "function "f" has no parameter "x"" with a suggestion or the parameters.
std::string no_such_parameter(const std::string& function, const std::string& param,
                              const std::vector<std::string>& params) {
  std::string message = "function " + quote(function) + " has no parameter " + quote(param);
  const std::string best = suggest(param, params);
  if (params.empty()) {
    message += "; it takes none";
  } else if (!best.empty()) {
    message += "; did you mean " + quote(best) + "?";
  } else {
    message += "; its parameters are " + quoted_list(params);
  }
  return message;
}

const char* sync_kind_name(SyncKind k) {
  switch (k) {
    case SyncKind::kSemaphore:
      return "a semaphore";
    case SyncKind::kBoundedSemaphore:
      return "a bounded_semaphore";
    case SyncKind::kLock:
      return "a lock";
    case SyncKind::kEvent:
      return "an event";
    case SyncKind::kQueue:
      return "a queue";
  }
  return "a sync object";
}

// Saturating arithmetic for the size estimate, which must not wrap on a
// hostile file.
constexpr std::int64_t kSizeCap = std::int64_t{1} << 62;
std::int64_t sat_add(std::int64_t a, std::int64_t b) { return std::min(kSizeCap, a + b); }
std::int64_t sat_mul(std::int64_t a, std::int64_t b) {
  if (a == 0 || b == 0) return 0;
  if (a > kSizeCap / b) return kSizeCap;
  return std::min(kSizeCap, a * b);
}

// What a piece of the program compiles to: its size in steps, and how many
// returns and break/continues leave it (each one copies the finally blocks
// it crosses).
struct Size {
  std::int64_t steps = 0;
  std::int64_t returns = 0;
  std::int64_t jumps = 0;

  void add(const Size& o) {
    steps = sat_add(steps, o.steps);
    returns = sat_add(returns, o.returns);
    jumps = sat_add(jumps, o.jumps);
  }
  void add_times(const Size& o, std::int64_t times) {
    steps = sat_add(steps, sat_mul(o.steps, times));
    returns = sat_add(returns, sat_mul(o.returns, times));
    jumps = sat_add(jumps, sat_mul(o.jumps, times));
  }
};

class Loader {
 public:
  explicit Loader(const Document& doc) : doc_(doc) {}

  Workload run(bool compile) {
    compile_ = compile;
    const Node root = doc_.root();
    root.expect_document({"name", "description", "seed", "model", "machine", "connections", "shared", "sync",
                          "functions", "main", "server", "limits", "loop", "threads", "sweep", "python",
                          "engine"},
                         "workload");
    Workload w;
    w.name = std::filesystem::path(doc_.name()).stem().string();
    if (auto n = root.get("name")) w.name = non_empty_string(*n);
    if (auto n = root.get("description")) w.description = n->is_null() ? "" : n->as_string();
    if (auto n = root.get("seed")) {
      w.seed = static_cast<std::uint64_t>(n->as_int(0, std::numeric_limits<std::int64_t>::max()));
    }
    if (auto n = root.get("model")) {
      w.model = std::string(n->as_enum<std::string_view>(
          {{"async", "async"}, {"threads", "threads"}, {"async+executor", "async+executor"}, {"pool", "pool"}}));
    }
    if (auto n = root.get("engine")) {
      w.engine = std::string(n->as_enum<std::string_view>({{"steps", "steps"}, {"python", "python"}}));
      if (w.engine == "python") {
        if (root.has("python")) n->fail("engine applies to a program of YAML steps; this one is a Python file");
        if (root.has("server")) {
          n->fail("a server workload's connection loop is not lowered to Python; write its handler in "
                  "Python instead (handler: {python: FILE, function: NAME})");
        }
      }
    }
    if (auto n = root.get("machine")) {
      w.machine = non_empty_string(*n);
      // An unknown name is reported here, at the key, not later as if the
      // name were a file of its own.
      if (const std::optional<std::string> error = machine_file_error(w.machine)) n->fail(*error);
    }
    if (auto n = root.get("limits")) {
      n->expect_keys({"horizon", "max_events"});
      if (auto h = n->get("horizon")) w.horizon = h->as_duration(1, sim::kTimeMax);
      if (auto m = n->get("max_events")) {
        w.max_events = static_cast<std::uint64_t>(m->as_int(1, std::numeric_limits<std::int64_t>::max()));
      }
    }
    // threads.on_limit: what a spawn does at a thread limit of the machine
    // under the thread model: raise RuntimeError (refuse), or wait for a
    // thread to exit (queue).
    if (auto n = root.get("threads")) {
      n->expect_keys({"gil", "handoff", "on_limit", "pool", "working_set", "without"});
      if (auto k = n->get("gil")) w.gil = k->as_bool();
      if (auto k = n->get("pool")) w.pool_threads = k->as_int(1, kMaxPoolThreads);
      if (auto k = n->get("working_set")) w.thread_working_set = k->as_size(0, std::int64_t{1} << 30);
      if (auto k = n->get("without")) w.without = read_mechanisms(*k);
      if (auto k = n->get("handoff")) w.handoff_pipe = k->as_enum<bool>({{"futex", false}, {"pipe", true}});
      if (auto l = n->get("on_limit")) {
        w.on_thread_limit = std::string(l->as_enum<std::string_view>({{"refuse", "refuse"}, {"queue", "queue"}}));
      }
    }
    if (auto n = root.get("loop")) {
      n->expect_keys({"executor_workers", "processes"});
      if (auto e = n->get("executor_workers")) w.executor_workers = e->as_int(1, kMaxExecutorWorkers);
      if (auto p = n->get("processes")) {
        w.processes = p->as_int(1, kMaxProcesses);
        // Each process's loop thread has a core of its own (the runner
        // shares the machine's cores out among the processes), so there can
        // be no more processes than cores.
        if (w.processes > 1) {
          const std::int64_t cores = load_machine(w.machine).cores;
          if (w.processes > cores) {
            p->fail(std::to_string(w.processes) + " processes on machine " + quote(w.machine) + " of " +
                    std::to_string(cores) + " cores: each process's event loop has a core of its own; use at most " +
                    std::to_string(cores) + " (or a machine with more cores)");
          }
        }
      }
    }
    if (auto n = root.get("shared")) read_shared(*n, w.program);
    // `connections` is the knob every sweep turns (--connections N): the
    // program reads it as the shared variable `connections`.
    if (auto n = root.get("connections")) {
      w.connections = n->as_int(1, kMaxConnections);
      for (const models::SharedDef& s : w.program.shared) {
        if (s.name == "connections") {
          n->fail("the shared variable \"connections\" is set by the top-level key connections; remove one");
        }
      }
      w.program.shared.push_back(models::SharedDef{"connections", std::to_string(w.connections), ref(*n)});
    }
    if (auto n = root.get("sync")) read_sync(*n, w.program);

    if (auto n = root.get("python")) {
      // The program is a Python file: nothing of the step language applies.
      for (const char* key : {"main", "functions", "server", "shared", "sync"}) {
        if (root.has(key)) {
          root.fail_key(key, std::string("a workload whose program is a Python file (python:) has no ") + key +
                                 ": the Python file is the whole program");
        }
      }
      std::filesystem::path file = non_empty_string(*n);
      if (file.is_relative() && n->pos().file != "--set") {
        file = std::filesystem::path(n->pos().file).parent_path() / file;
      }
      w.python_file = file.lexically_normal().string();
      // A Python program makes its own threads and pools: under `threads`
      // its tasks and threads are the kernel's; `pool` and `async+executor`
      // describe how a server's connections are served, which a Python
      // program writes itself (concurrent.futures, run_in_executor).
      if (w.model != "async" && w.model != "threads") {
        root.fail_key("model", "a Python program runs under model async or threads, not " + quote(w.model) +
                                   ": it makes its own pools (concurrent.futures.ThreadPoolExecutor, "
                                   "loop.run_in_executor)");
      }
      if (compile) w.python = load_python_file(w.python_file);
      return w;
    }

    // Function names and parameters are read before any body, so that a
    // call to a function defined further down the file can be checked.
    const std::optional<Node> functions = root.get("functions");
    if (functions) declare_functions(*functions);
    const std::optional<Node> server = root.get("server");
    if (server && root.has("main")) {
      root.fail_key("main", "a server workload has no main: the server's own main opens the connections; "
                            "remove main or server");
    }
    const Node main = server ? *server : root.require("main");
    function_params_.emplace("main", std::vector<std::string>{});
    function_names_.push_back("main");
    if (server) {
      if (w.connections == 0) root.fail("a server workload needs connections: N");
      function_params_.emplace(kConnectionFunction, std::vector<std::string>{"connection"});
    }
    if (functions) {
      for (const auto& [name, def] : functions->entries()) {
        FunctionDef f;
        f.name = name;
        f.params = function_params_.at(name);
        f.steps = steps(def.require("steps"));
        f.at = ref(def);
        function_nodes_.emplace(name, def);
        w.program.functions.push_back(std::move(f));
      }
    }
    if (server) {
      read_server(*server, w);
    } else {
      FunctionDef m;
      m.name = "main";
      m.steps = steps(main);
      m.at = ref(main);
      function_nodes_.emplace("main", main);
      w.program.functions.push_back(std::move(m));
    }

    check_size(w.program);
    for (const FunctionDef& f : w.program.functions) find_executor_jobs(f.steps);
    w.file = doc_.name();
    w.other_files = other_files_;
    if (!compile) return w;

    models::CompileError error;
    if (!models::compile_program(w.program, &w.compiled, &error)) {
      SourcePos pos = root.pos();
      if (error.at.line > 0) pos = SourcePos{file_of(error.at), error.at.line, error.at.column};
      throw ConfigError(pos, error.at.path, error.message);
    }
    if (w.engine == "python") lower_to_vm(w, root);
    check_overrides_are_read(w);
    return w;
  }

 private:
  // `engine: python`: the program lowered to Python (with exact durations,
  // as the YAML's) and compiled by the Python front end.
  void lower_to_vm(Workload& w, const Node& root) {
    if (w.model != "async" && w.model != "threads") {
      root.fail_key("engine", "engine python runs under model async or threads, not " + quote(w.model));
    }
    models::LowerOptions options;
    options.title = w.file + ", lowered to Python (engine: python)";
    options.exact = true;
    std::string source;
    models::CompileError error;
    if (!models::lower_to_python(w.program, options, &source, &error)) {
      SourcePos pos = root.pos();
      if (error.at.line > 0) pos = SourcePos{file_of(error.at), error.at.line, error.at.column};
      throw ConfigError(pos, error.at.path, error.message);
    }
    // Tracebacks name the lowered text, which `concsim lower --exact` prints.
    w.python = compile_python(source, std::filesystem::path(w.file).filename().string() + " (lowered)");
  }

  // ---- positions ----

  // The compiler's SourceRef has no file; nearly everything comes from the
  // document's file, and the few pieces set with --set are remembered here.
  SourceRef ref(const Node& n) { return ref_at(n.pos(), n.path()); }
  SourceRef ref_at(const SourcePos& pos, const std::string& path) {
    if (pos.file != doc_.name()) other_files_[std::make_tuple(path, pos.line, pos.column)] = pos.file;
    return SourceRef{pos.line, pos.column, path};
  }
  std::string file_of(const SourceRef& at) const {
    const auto it = other_files_.find(std::make_tuple(at.path, at.line, at.column));
    return it == other_files_.end() ? doc_.name() : it->second;
  }

  // ---- names ----

  static std::string non_empty_string(const Node& n) {
    std::string s = n.as_string();
    if (s.empty()) n.fail("must not be empty");
    return s;
  }
  // A name given as a value ("into: x").
  static std::string name_value(const Node& n, std::string_view what, bool variable) {
    if (!n.is_scalar()) {
      std::string message = "expected a ";
      message.append(what);
      n.fail(message + " name, got " + n.describe());
    }
    std::string name = n.as_string();
    if (auto problem = name_problem(name, what, variable)) n.fail(*problem);
    return name;
  }
  static std::string variable(const Node& n) { return name_value(n, "variable", true); }
  static std::optional<std::string> optional_variable(const Node& map, std::string_view key) {
    if (auto n = map.get(key)) return variable(*n);
    return std::nullopt;
  }
  // A name given as a key ("set: {x: 1}"), reported at the key.
  static void check_key_name(const Node& map, const std::string& key, std::string_view what, bool variable) {
    if (auto problem = name_problem(key, what, variable)) map.fail_key(key, *problem);
  }

  std::string function_name(const Node& n) {
    std::string name = name_value(n, "function", false);
    if (function_params_.count(name) == 0) n.fail(unknown("function", name, function_names_));
    return name;
  }

  std::string sync_object(const Node& n, std::initializer_list<SyncKind> kinds, std::string_view what) {
    std::string name = name_value(n, "sync object", false);
    const auto it = sync_.find(name);
    if (it == sync_.end()) n.fail(unknown("sync object", name, sync_names_));
    if (std::find(kinds.begin(), kinds.end(), it->second) == kinds.end()) {
      std::string message = quote(name) + " is " + sync_kind_name(it->second) + ", not ";
      message.append(what);
      n.fail(message);
    }
    return name;
  }

  // A shared variable given a value by --set (or a sweep's --vary) that no
  // expression of the program reads has no effect: most likely a misspelled
  // name, which would otherwise run as if the knob had been turned. Reads
  // are the compiled program's kShared operands; `connections` (which also
  // sizes socket buffers) and concsim's own `__` variables are exempt.
  void check_overrides_are_read(const Workload& w) const {
    std::vector<bool> read(w.compiled.shared.size(), false);
    auto scan = [&](const models::Expr& e) {
      for (const models::ExprOp& op : e.code) {
        if (op.code == models::ExprOp::kShared && op.operand < read.size()) read[op.operand] = true;
      }
    };
    for (const models::Expr& e : w.compiled.exprs) scan(e);
    for (const models::Template& t : w.compiled.templates) {
      for (const models::Expr& e : t.holes) scan(e);
    }
    std::vector<std::string> used;
    for (std::size_t i = 0; i < read.size(); ++i) {
      if (read[i]) used.push_back(w.compiled.shared[i].name);
    }
    for (std::size_t i = 0; i < w.program.shared.size() && i < read.size(); ++i) {
      const models::SharedDef& s = w.program.shared[i];
      if (read[i] || s.name == "connections" || s.name.rfind("__", 0) == 0) continue;
      if (file_of(s.at) == doc_.name()) continue;  // the workload's own, unread: its business
      std::string message = "the workload never reads the shared variable " + quote(s.name) + ", so this value would "
                            "change nothing";
      const std::string best = suggest(s.name, used);
      if (!best.empty()) {
        message += "; did you mean " + quote(best) + "?";
      } else if (!used.empty() && used.size() <= 12) {
        message += "; it reads " + quoted_list(used);
      } else if (used.empty()) {
        message += "; it reads no shared variable";
      }
      throw ConfigError(SourcePos{file_of(s.at), s.at.line, s.at.column}, "shared." + s.name, message);
    }
  }

  // ---- top-level sections ----

  void read_shared(const Node& n, models::ProgramAst& program) {
    if (n.is_null()) return;
    for (const auto& [name, value] : n.entries()) {
      check_key_name(n, name, "variable", true);
      program.shared.push_back(models::SharedDef{name, value_expr(value), ref(value)});
    }
  }

  void read_sync(const Node& n, models::ProgramAst& program) {
    if (n.is_null()) return;
    for (const auto& [name, def] : n.entries()) {
      check_key_name(n, name, "sync object", false);
      def.expect_keys({"kind", "value", "maxsize"});
      models::SyncDef s;
      s.name = name;
      s.kind = def.require("kind").as_enum<SyncKind>({{"semaphore", SyncKind::kSemaphore},
                                                      {"bounded_semaphore", SyncKind::kBoundedSemaphore},
                                                      {"lock", SyncKind::kLock},
                                                      {"event", SyncKind::kEvent},
                                                      {"queue", SyncKind::kQueue}});
      const bool semaphore = s.kind == SyncKind::kSemaphore || s.kind == SyncKind::kBoundedSemaphore;
      if (def.has("value") && !semaphore) {
        def.fail_key("value", std::string("only semaphores take a value; this is ") + sync_kind_name(s.kind));
      }
      if (def.has("maxsize") && s.kind != SyncKind::kQueue) {
        def.fail_key("maxsize", std::string("only queues take a maxsize; this is ") + sync_kind_name(s.kind));
      }
      if (semaphore) s.value = def.has("value") ? def.require("value").as_int(0, kMaxSyncValue) : 1;
      if (s.kind == SyncKind::kQueue && def.has("maxsize")) {
        s.value = def.require("maxsize").as_int(0, kMaxSyncValue);
      }
      s.at = ref(def);
      sync_.emplace(name, s.kind);
      sync_names_.push_back(name);
      program.sync.push_back(std::move(s));
    }
  }

  void declare_functions(const Node& n) {
    if (n.is_null()) return;
    for (const auto& [name, def] : n.entries()) {
      check_key_name(n, name, "function", false);
      if (name == "main") {
        n.fail_key(name, "\"main\" is the workload's top-level `main:`; give this function another name");
      }
      def.expect_keys({"params", "steps"});
      std::vector<std::string> params;
      if (auto p = def.get("params"); p && !p->is_null()) {
        if (!p->is_seq()) p->fail("expected a list of parameter names, got " + p->describe());
        for (const Node& item : p->items()) {
          std::string param = name_value(item, "parameter", true);
          if (std::find(params.begin(), params.end(), param) != params.end()) {
            item.fail("parameter " + quote(param) + " is listed twice");
          }
          params.push_back(std::move(param));
        }
      }
      function_params_.emplace(name, std::move(params));
      function_names_.push_back(name);
    }
  }

  // ---- server workloads ----

  // Reads and checks `server:` (app/load/server.h builds the program).
  void read_server(const Node& n, Workload& w) {
    n.expect_keys({"handler", "requests", "think_time", "arrivals", "warmup", "duration", "ramp"});
    ServerSpec s;
    s.at = ref(n);
    if (auto r = n.get("requests")) s.requests = r->as_int(1, kMaxRepeatLiteral);
    if (auto d = n.get("warmup")) w.warmup = d->as_duration(0, sim::kTimeMax);
    if (auto d = n.get("duration")) w.duration = d->as_duration(1, sim::kTimeMax);
    if (!s.requests && w.duration == sim::kTimeMax) {
      n.fail("a server workload needs requests (per connection) or duration (or both)");
    }
    if (w.warmup > 0 && w.duration != sim::kTimeMax && w.warmup >= w.duration) {
      n.fail_key("warmup", "the warm-up must end before the duration does");
    }
    if (auto r = n.get("ramp")) {
      s.ramp = r->as_duration(0, sim::kTimeMax);
      s.ramp_at = ref(*r);
    }
    const Node handler = n.require("handler");
    if (auto a = n.get("arrivals")) {
      read_arrivals(n, *a, handler, w, s);
    } else if (auto t = n.get("think_time")) {
      s.think_time = duration(*t);
    }
    if (handler.is_map() && handler.has("python")) {
      read_python_handler(handler, s, w);
    } else {
      s.handler = steps(handler);
    }
    build_server(s, w);
    // The synthesised functions are reported at the server section.
    function_nodes_.emplace(kConnectionFunction, n);
    function_nodes_.emplace("main", n);
  }

  // handler: {python: FILE, function: NAME}: the handler is a Python
  // function; the server's steps are built with an empty handler (the
  // thread models would run them; the loader refuses those models here).
  void read_python_handler(const Node& handler, const ServerSpec& s, Workload& w) {
    handler.expect_keys({"python", "function"});
    const Node file_node = handler.require("python");
    std::filesystem::path file = non_empty_string(file_node);
    if (file.is_relative() && file_node.pos().file != "--set") {
      file = std::filesystem::path(file_node.pos().file).parent_path() / file;
    }
    ServerHandler h;
    h.file = file.lexically_normal().string();
    h.function = "handle";
    std::optional<Node> function = handler.get("function");
    if (function) h.function = non_empty_string(*function);
    const std::string unsupported = server_python_unsupported(s, w);
    if (!unsupported.empty()) handler.fail(unsupported);
    w.server_python = true;
    w.python_file = h.file;
    if (!std::ifstream(h.file, std::ios::binary)) file_node.fail("cannot read the file " + quote(h.file));
    if (!compile_) return;
    std::string function_error;
    w.python = compile_server_python(s, w, h, &w.server_distributions, &function_error);
    if (!function_error.empty()) {
      if (function) function->fail(function_error);
      handler.fail(function_error);
    }
  }

  // Open-loop arrivals: {rate: R} (Poisson, R requests per second over the
  // server) or {times: [...]}.
  void read_arrivals(const Node& server, const Node& a, const Node& handler, const Workload& w, ServerSpec& s) {
    if (server.has("think_time")) {
      server.fail_key("arrivals", "give think_time (clients that wait for each answer) or arrivals (requests on a "
                                  "schedule of their own), not both");
    }
    a.expect_keys({"rate", "times"});
    if (a.has("rate") == a.has("times")) {
      a.fail("expected exactly one of rate (Poisson arrivals, requests per second) and times (a list of arrival "
             "times)");
    }
    if (auto rate = a.get("rate")) {
      const double r = rate->as_double(1e-9, 1e15);
      // Each connection's share of a Poisson stream of rate r is a Poisson
      // stream of rate r / connections: exponential gaps of this mean.
      const double mean = static_cast<double>(w.connections) * 1e9 / r;
      if (!(mean >= 1.0) || mean > static_cast<double>(sim::kTimeMax) / 4) {
        rate->fail("this rate gives each connection a request every " + std::to_string(mean) +
                   " ns on average; it must be from 1 ns to about 73 years");
      }
      s.arrivals = ServerSpec::Arrivals::kPoisson;
      s.poisson_mean_ns = mean;
      s.rate_at = ref(*rate);
      return;
    }
    if (server.has("ramp")) {
      server.fail_key("ramp", "the arrival times say when each request comes; ramp applies to rate and think_time");
    }
    const Node times = a.require("times");
    if (!times.is_seq() || times.size() == 0) times.fail("expected a non-empty list of arrival times");
    // Every arrival gets its own copy of the handler: bound the program
    // before building it (check_size counts exactly, afterwards).
    const std::int64_t per_arrival = steps_per_arrival(handler.is_seq() ? handler.size() : 1);
    if (static_cast<std::int64_t>(times.size()) > kMaxProgramSteps / per_arrival) {
      times.fail(std::to_string(times.size()) + " arrival times would compile to about " +
                 std::to_string(static_cast<std::int64_t>(times.size()) * per_arrival) + " steps, over the limit of " +
                 std::to_string(kMaxProgramSteps) + "; for long runs use rate (Poisson arrivals)");
    }
    s.arrivals = ServerSpec::Arrivals::kTimes;
    for (const Node& item : times.items()) {
      s.times.push_back(item.as_duration(0, sim::kTimeMax));
      s.time_at.push_back(ref(item));
      const std::size_t k = s.times.size();
      if (k > 1 && s.times[k - 1] < s.times[k - 2]) {
        item.fail("arrival times must not go back in time: " + duration_text(s.times[k - 1]) + " after " +
                  duration_text(s.times[k - 2]));
      }
    }
  }

  // ---- values ----

  // "$name" -> name, "${expression}" -> expression; nullopt for text that
  // does not start with '$'.
  static std::optional<std::string> dollar(const Node& n, const std::string& text) {
    if (text.empty() || text[0] != '$') return std::nullopt;
    if (text.size() >= 2 && text[1] == '{') {
      if (text.back() != '}' || text.size() < 3) {
        n.fail("unterminated \"${\" in " + quote(text) + ": write ${expression}");
      }
      std::string inner = text.substr(2, text.size() - 3);
      if (inner.find("${") != std::string::npos) {
        n.fail("write one ${...} around the whole expression, e.g. ${a + b}, not " + quote(text));
      }
      if (inner.find_first_not_of(' ') == std::string::npos) n.fail("empty ${}");
      return inner;
    }
    std::string name = text.substr(1);
    if (!is_identifier(name)) {
      std::string hint = "${";
      hint.append(name).append("}");
      n.fail(quote(text) +
             " is not a variable reference; write $name for a variable, or put an expression "
             "in ${...}: " +
             quote(hint));
    }
    return name;
  }

  // A string literal of the expression language, which has no escapes, so
  // the text must leave one of the two quote characters free.
  static std::string string_literal(const Node& n, const std::string& text) {
    std::string out;
    if (text.find('\'') == std::string::npos) {
      out.reserve(text.size() + 2);
      out.append("'").append(text).append("'");
    } else if (text.find('"') == std::string::npos) {
      out.reserve(text.size() + 2);
      out.append("\"").append(text).append("\"");
    } else {
      n.fail("a string cannot contain both ' and \" (expression strings have no escapes)");
    }
    return out;
  }

  // The expression a scalar in a value position stands for, or nullopt when
  // it is a literal: "$name" and "${expression}" when plain, and a whole
  // "${expression}" even when quoted, because YAML does not allow braces in a
  // plain scalar inside a flow collection ({n: ${n + 1}} is a syntax error).
  static std::optional<std::string> reference(const Node& n, const std::string& text) {
    if (!n.is_quoted()) return dollar(n, text);
    if (text.size() >= 3 && text.compare(0, 2, "${") == 0 && text.back() == '}') return dollar(n, text);
    return std::nullopt;
  }

  // VALUE: a value position; see configs/README.md.
  static std::string value_expr(const Node& n) {
    if (n.is_null()) return "None";
    // The one list with a literal in the expression language.
    if (n.is_seq() && n.size() == 0) return "[]";
    if (!n.is_scalar()) {
      n.fail(
          "expected a value (a number, duration, string, true/false, null, [], $variable or "
          "${expression}), got " +
          n.describe());
    }
    const std::string text = n.as_string();
    if (auto e = reference(n, text)) return *e;
    if (n.is_quoted()) return string_literal(n, text);
    if (looks_like_integer(text)) {
      return integer_text(
          n.as_int(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()));
    }
    if (text == "true" || text == "True" || text == "TRUE") return "true";
    if (text == "false" || text == "False" || text == "FALSE") return "false";
    if (text == "None") return "None";
    if (looks_like_duration(text)) {
      std::int64_t ns = 0;
      std::string why;
      if (models::parse_duration_literal(text, &ns, &why)) return text;
      const std::optional<sim::Duration> d = parse_duration(text, &why);
      if (!d) n.fail(why);
      return duration_text(*d);
    }
    return string_literal(n, text);
  }

  // A count (repeat times, async_for items): an integer literal in range, or
  // an expression checked when it runs.
  static std::string count_expr(const Node& n) {
    if (n.is_scalar()) {
      const std::string text = n.as_string();
      if (auto e = reference(n, text)) return *e;
      if (!n.is_quoted() && looks_like_integer(text)) return integer_text(n.as_int(0, kMaxRepeatLiteral));
    }
    n.fail("expected a whole number, $variable or ${expression}, got " + n.describe());
  }

  // EXPR: a condition, taken as written.
  static std::string cond_expr(const Node& n) {
    if (!n.is_scalar()) n.fail("expected a condition (an expression), got " + n.describe());
    std::string text = n.as_string();
    if (text.size() >= 3 && text.compare(0, 2, "${") == 0 && text.back() == '}') {
      text = text.substr(2, text.size() - 3);
    } else if (!text.empty() && text[0] == '$') {
      text.erase(0, 1);
    }
    return text;
  }

  // A template (log, task names, raise messages): text with {expression} holes.
  static std::string template_text(const Node& n) {
    if (!n.is_scalar()) n.fail("expected text, got " + n.describe());
    return n.as_string();
  }

  // TASKREF: a variable holding a task, or an expression.
  static std::string task_ref(const Node& n) {
    if (n.is_scalar()) {
      const std::string text = n.as_string();
      if (auto e = dollar(n, text)) return *e;
      if (is_identifier(text) && !is_reserved(text)) return text;
    }
    n.fail("expected a variable holding a task ($name or name) or ${expression}, got " + n.describe());
  }

  // ---- durations ----

  DurationSpec duration(const Node& n) {
    DurationSpec d;
    d.at = ref(n);
    if (n.is_map()) {
      d.kind = DurationSpec::Kind::kDistribution;
      d.distribution = distribution(n);
      return d;
    }
    if (n.is_scalar()) {
      if (auto e = dollar(n, n.as_string())) {
        d.kind = DurationSpec::Kind::kExpression;
        d.expression = *e;
        return d;
      }
    }
    d.constant = n.as_duration(0, sim::kTimeMax);
    return d;
  }

  static sim::Distribution distribution(const Node& n) {
    n.expect_keys({"constant", "uniform", "exponential", "normal", "lognormal", "empirical"});
    const auto entries = n.entries();
    if (entries.size() != 1) {
      n.fail("a distribution has exactly one key (its kind), got " + std::to_string(entries.size()));
    }
    const auto& [kind, p] = entries[0];
    constexpr sim::Duration kMax = sim::kTimeMax;
    const auto ns = [](sim::Duration d) { return static_cast<double>(d); };
    if (kind == "constant") return sim::Distribution::constant(ns(p.as_duration(0, kMax)));
    if (kind == "uniform") {
      p.expect_keys({"low", "high"});
      const sim::Duration low = p.require("low").as_duration(0, kMax);
      const sim::Duration high = p.require("high").as_duration(0, kMax);
      if (high < low) p.fail_key("high", "must be at least low (" + format_duration_exact(low) + ")");
      return sim::Distribution::uniform(ns(low), ns(high));
    }
    if (kind == "exponential") {
      p.expect_keys({"mean"});
      return sim::Distribution::exponential(ns(p.require("mean").as_duration(1, kMax)));
    }
    if (kind == "normal") {
      p.expect_keys({"mean", "sd"});
      const sim::Duration mean = p.require("mean").as_duration(0, kMax);
      const sim::Duration sd = p.require("sd").as_duration(0, kMax);
      return sim::Distribution::normal(ns(mean), ns(sd));
    }
    if (kind == "lognormal") {
      p.expect_keys({"median", "sigma"});
      const sim::Duration median = p.require("median").as_duration(1, kMax);
      const double sigma = p.require("sigma").as_double(0, 10);
      // The loading edge may use the library logarithm: mu is computed once
      // and every sample after it is portable.
      return sim::Distribution::lognormal(std::log(ns(median)), sigma);
    }
    // empirical
    p.expect_keys({"values", "weights"});
    const Node values = p.require("values");
    if (!values.is_seq() || values.size() == 0) {
      values.fail("expected a non-empty list of durations, got " + values.describe());
    }
    std::vector<double> v;
    for (const Node& item : values.items()) v.push_back(ns(item.as_duration(0, kMax)));
    std::vector<double> w(v.size(), 1.0);
    if (auto weights = p.get("weights")) {
      if (!weights->is_seq()) weights->fail("expected a list of weights, got " + weights->describe());
      if (weights->size() != v.size()) {
        weights->fail("has " + std::to_string(weights->size()) + " weights for " + std::to_string(v.size()) +
                      " values");
      }
      double total = 0;
      for (std::size_t i = 0; i < v.size(); ++i) {
        w[i] = weights->at(i).as_double(0, 1e12);
        total += w[i];
      }
      if (!(total > 0)) weights->fail("the weights must not all be 0");
    }
    return sim::Distribution::empirical(std::move(v), std::move(w));
  }

  // ---- tasks ----

  // TASKSPEC: a new task (a mapping) or a variable holding one (a string).
  TaskSpec task_spec(const Node& n) {
    if (n.is_scalar()) {
      TaskSpec t;
      t.ref = task_ref(n);
      t.at = ref(n);
      return t;
    }
    if (!n.is_map()) {
      n.fail("expected a task: a mapping with fn or steps, or a variable holding a task, got " +
             n.describe());
    }
    n.expect_keys({"name", "fn", "args", "steps", "count", "as"});
    TaskSpec t = task_from(n);
    // count: N starts N tasks from this one spec; `as` names the index
    // (0 .. N-1) that args and name may use.
    if (auto c = n.get("count")) {
      t.count = count_expr(*c);
      t.count_at = ref(*c);
      if (auto a = n.get("as")) {
        t.index_var = variable(*a);
      }
    } else if (n.has("as")) {
      n.fail_key("as", "\"as\" names the index of a task started with count; add count");
    }
    return t;
  }

  std::vector<TaskSpec> task_list(const Node& n) {
    if (!n.is_seq()) n.fail("expected a list of tasks, got " + n.describe());
    std::vector<TaskSpec> out;
    for (const Node& item : n.items()) out.push_back(task_spec(item));
    return out;
  }

  // The task described by map `m`'s name, fn, args and steps keys (the
  // caller has checked which keys are allowed).
  TaskSpec task_from(const Node& m) {
    TaskSpec t;
    const std::optional<Node> name = m.get("name");
    const std::optional<Node> fn = m.get("fn");
    const std::optional<Node> body = m.get("steps");
    if (fn && body) m.fail_key("steps", "give either fn (a function) or steps (an inline body), not both");
    if (!fn && !body) m.fail("missing \"fn\" (a function to run) or \"steps\" (an inline body)");
    if (name) t.name = template_text(*name);
    std::vector<std::string> params;
    if (fn) {
      t.function = function_name(*fn);
      params = function_params_.at(t.function);
    }
    const std::optional<Node> args = m.get("args");
    if (args && !args->is_null()) {
      if (!args->is_map()) args->fail("expected a mapping of parameter: value, got " + args->describe());
      for (const auto& [param, value] : args->entries()) {
        check_key_name(*args, param, "parameter", true);
        if (fn && std::find(params.begin(), params.end(), param) == params.end()) {
          args->fail_key(param, no_such_parameter(t.function, param, params));
        }
        t.args.emplace_back(param, value_expr(value));
        t.arg_at.push_back(ref(value));
      }
    }
    if (fn) {
      for (const std::string& param : params) {
        const bool given =
            std::any_of(t.args.begin(), t.args.end(), [&](const auto& a) { return a.first == param; });
        if (!given) {
          const Node& where = args && args->is_map() ? *args : m;
          where.fail("missing argument " + quote(param) + " for function " + quote(t.function));
        }
      }
    }
    if (body) t.steps = steps(*body);
    // The compiler reports name templates, recursion and arguments at t.at:
    // the name when there is one, else the function, else the task itself.
    t.at = name ? ref(*name) : fn ? ref(*fn) : ref(m);
    return t;
  }

  // ---- steps ----

  Steps steps(const Node& n) {
    Steps out;
    if (n.is_null()) return out;
    if (!n.is_seq()) n.fail("expected a list of steps (each item starting with \"- \"), got " + n.describe());
    out.reserve(n.size());
    for (const Node& item : n.items()) out.push_back(step(item));
    return out;
  }

  Step step(const Node& item) {
    if (++step_count_ > kMaxProgramSteps) {
      item.fail("the workload has more than " + std::to_string(kMaxProgramSteps) + " steps");
    }
    if (item.is_scalar()) {
      // The steps that need no operand may be written bare.
      static const std::map<std::string, StepKind, std::less<>> kBare{{"yield", StepKind::kYield},
                                                                      {"break", StepKind::kBreak},
                                                                      {"continue", StepKind::kContinue},
                                                                      {"raise", StepKind::kReraise},
                                                                      {"return", StepKind::kReturn}};
      const std::string name = item.as_string();
      const auto it = kBare.find(name);
      if (it == kBare.end()) {
        if (is_step_name(name)) {
          item.fail("step " + quote(name) + " needs a value: write \"" + name + ": ...\"");
        }
        item.fail(unknown("step", name, step_names()));
      }
      Step s;
      s.kind = it->second;
      s.at = ref(item);
      return s;
    }
    if (!item.is_map()) {
      item.fail(
          "expected a step (a mapping with one key such as \"sleep: 10ms\", or one of yield, break, "
          "continue, raise, return), got " +
          item.describe());
    }
    const auto entries = item.entries();
    if (entries.empty()) item.fail("empty step");
    if (entries.size() > 1) {
      std::vector<std::string> keys;
      for (const auto& e : entries) keys.push_back(e.first);
      std::string message =
          "a step has exactly one key, got " + std::to_string(keys.size()) + ": " + quoted_list(keys);
      if (entries[0].second.is_null() && is_step_name(keys[0])) {
        std::vector<std::string> rest(keys.begin() + 1, keys.end());
        message += " (should " + quoted_list(rest) + " be indented under " + quote(keys[0]) + "?)";
      } else {
        message += " (put each step in its own list item)";
      }
      item.fail(message);
    }
    const auto& [key, value] = entries[0];
    if (!is_step_name(key)) item.fail_key(key, unknown("step", key, step_names()));
    Step s;
    s.at = ref_at(item.pos(), value.path());
    s.expr_at = ref(value);
    build(s, key, value);
    return s;
  }

  static void no_value(const Node& value, const std::string& key) {
    if (!value.is_null()) value.fail(quote(key) + " takes no value");
  }

  void build(Step& s, const std::string& key, const Node& v) {
    if (key == "cpu" || key == "block" || key == "sleep" || key == "io") {
      s.kind = key == "cpu"     ? StepKind::kCpu
               : key == "block" ? StepKind::kBlock
               : key == "sleep" ? StepKind::kSleep
                                : StepKind::kIo;
      s.duration = duration(v);
    } else if (key == "yield" || key == "break" || key == "continue") {
      no_value(v, key);
      s.kind = key == "yield" ? StepKind::kYield : key == "break" ? StepKind::kBreak : StepKind::kContinue;
    } else if (key == "log") {
      s.kind = StepKind::kLog;
      s.text = template_text(v);
    } else if (key == "set") {
      s.kind = StepKind::kSet;
      if (!v.is_map() || v.entries().empty()) {
        v.fail("expected a mapping of variable: value, got " + v.describe());
      }
      for (const auto& [name, value] : v.entries()) {
        check_key_name(v, name, "variable", true);
        s.assignments.emplace_back(name, value_expr(value));
        s.assignment_at.push_back(ref(value));
      }
    } else if (key == "return") {
      s.kind = StepKind::kReturn;
      if (!v.is_null()) s.expr = value_expr(v);
    } else if (key == "raise") {
      build_raise(s, v);
    } else if (key == "call") {
      s.kind = StepKind::kCall;
      v.expect_keys({"fn", "args", "into"});
      v.require("fn");
      s.tasks.push_back(task_from(v));
      s.into = optional_variable(v, "into").value_or("");
    } else if (key == "spawn" || key == "run_in_executor") {
      s.kind = key == "spawn" ? StepKind::kSpawn : StepKind::kExecutor;
      if (key == "spawn") {
        v.expect_keys({"name", "fn", "args", "steps", "into"});
      } else {
        v.expect_keys({"fn", "args", "steps", "into"});
      }
      s.tasks.push_back(task_from(v));
      s.into = optional_variable(v, "into").value_or("");
    } else if (key == "await") {
      s.kind = StepKind::kAwait;
      if (v.is_map()) {
        v.expect_keys({"task", "into"});
        const Node task = v.require("task");
        s.expr = task_ref(task);
        s.expr_at = ref(task);
        s.into = optional_variable(v, "into").value_or("");
      } else {
        s.expr = task_ref(v);
      }
    } else if (key == "cancel") {
      s.kind = StepKind::kCancel;
      s.expr = task_ref(v);
    } else if (key == "gather") {
      s.kind = StepKind::kGather;
      v.expect_keys({"tasks", "return_exceptions", "into"});
      s.tasks = task_list(v.require("tasks"));
      if (auto r = v.get("return_exceptions")) s.return_exceptions = r->as_bool();
      s.into = optional_variable(v, "into").value_or("");
    } else if (key == "wait") {
      s.kind = StepKind::kWait;
      v.expect_keys({"tasks", "timeout", "return_when", "done", "pending"});
      s.tasks = task_list(v.require("tasks"));
      if (auto t = v.get("timeout")) {
        s.duration = duration(*t);
        s.has_timeout = true;
      }
      if (auto r = v.get("return_when")) {
        s.return_when =
            r->as_enum<models::ReturnWhen>({{"ALL_COMPLETED", models::ReturnWhen::kAllCompleted},
                                            {"FIRST_COMPLETED", models::ReturnWhen::kFirstCompleted},
                                            {"FIRST_EXCEPTION", models::ReturnWhen::kFirstException}});
      }
      s.done = optional_variable(v, "done").value_or("");
      s.pending = optional_variable(v, "pending").value_or("");
    } else if (key == "as_completed") {
      s.kind = StepKind::kAsCompleted;
      v.expect_keys({"tasks", "as", "steps"});
      s.tasks = task_list(v.require("tasks"));
      s.as = optional_variable(v, "as").value_or("");
      if (auto b = v.get("steps")) s.body = steps(*b);
    } else if (key == "wait_for") {
      s.kind = StepKind::kWaitFor;
      v.expect_keys({"task", "timeout", "into"});
      s.tasks.push_back(task_spec(v.require("task")));
      if (!s.tasks.back().count.empty()) v.require("task").fail_key("count", "wait_for waits for one task: no count");
      s.duration = duration(v.require("timeout"));
      s.has_timeout = true;
      s.into = optional_variable(v, "into").value_or("");
    } else if (key == "acquire" || key == "release") {
      s.kind = key == "acquire" ? StepKind::kAcquire : StepKind::kRelease;
      s.text = sync_object(v, {SyncKind::kSemaphore, SyncKind::kBoundedSemaphore, SyncKind::kLock},
                           "a semaphore or lock");
    } else if (key == "set_event" || key == "clear_event" || key == "wait_event") {
      s.kind = key == "set_event"     ? StepKind::kEventSet
               : key == "clear_event" ? StepKind::kEventClear
                                      : StepKind::kEventWait;
      s.text = sync_object(v, {SyncKind::kEvent}, "an event");
    } else if (key == "put") {
      s.kind = StepKind::kQueuePut;
      v.expect_keys({"queue", "item"});
      s.text = sync_object(v.require("queue"), {SyncKind::kQueue}, "a queue");
      const Node item = v.require("item");
      s.expr = value_expr(item);
      s.expr_at = ref(item);
    } else if (key == "get") {
      s.kind = StepKind::kQueueGet;
      v.expect_keys({"queue", "into"});
      s.text = sync_object(v.require("queue"), {SyncKind::kQueue}, "a queue");
      s.into = optional_variable(v, "into").value_or("");
    } else if (key == "task_done" || key == "join") {
      s.kind = key == "task_done" ? StepKind::kQueueTaskDone : StepKind::kQueueJoin;
      s.text = sync_object(v, {SyncKind::kQueue}, "a queue");
    } else if (key == "async_with") {
      s.kind = StepKind::kAsyncWith;
      v.expect_keys({"resource", "enter", "steps", "exit"});
      if (auto r = v.get("resource")) {
        if (v.has("enter")) v.fail_key("enter", "give either resource or enter/exit, not both");
        if (v.has("exit")) v.fail_key("exit", "give either resource or enter/exit, not both");
        s.text = sync_object(*r, {SyncKind::kSemaphore, SyncKind::kBoundedSemaphore, SyncKind::kLock},
                             "a semaphore or lock");
      } else if (!v.has("enter") && !v.has("exit")) {
        v.fail("missing \"resource\" (a semaphore or lock) or \"enter\"/\"exit\" steps");
      }
      if (auto e = v.get("enter")) s.else_body = steps(*e);
      s.body = steps(v.require("steps"));
      if (auto e = v.get("exit")) s.exit_body = steps(*e);
    } else if (key == "async_for") {
      s.kind = StepKind::kAsyncFor;
      v.expect_keys({"items", "fetch", "as", "steps"});
      const Node items = v.require("items");
      s.expr = count_expr(items);
      s.expr_at = ref(items);
      if (auto f = v.get("fetch")) s.else_body = steps(*f);
      s.as = optional_variable(v, "as").value_or("");
      s.body = steps(v.require("steps"));
    } else if (key == "repeat") {
      s.kind = StepKind::kRepeat;
      v.expect_keys({"times", "as", "steps"});
      const Node times = v.require("times");
      s.expr = count_expr(times);
      s.expr_at = ref(times);
      s.as = optional_variable(v, "as").value_or("");
      s.body = steps(v.require("steps"));
    } else if (key == "loop") {
      s.kind = StepKind::kLoop;
      s.body = steps(v);
    } else if (key == "while") {
      s.kind = StepKind::kWhile;
      v.expect_keys({"cond", "steps"});
      const Node cond = v.require("cond");
      s.expr = cond_expr(cond);
      s.expr_at = ref(cond);
      s.body = steps(v.require("steps"));
    } else if (key == "if") {
      s.kind = StepKind::kIf;
      v.expect_keys({"cond", "then", "else"});
      const Node cond = v.require("cond");
      s.expr = cond_expr(cond);
      s.expr_at = ref(cond);
      s.body = steps(v.require("then"));
      if (auto e = v.get("else")) s.else_body = steps(*e);
    } else if (key == "try") {
      build_try(s, v);
    }
  }

  void build_raise(Step& s, const Node& v) {
    if (v.is_null()) {
      s.kind = StepKind::kReraise;
      return;
    }
    s.kind = StepKind::kRaise;
    if (v.is_map()) {
      v.expect_keys({"type", "message"});
      s.text = name_value(v.require("type"), "exception type", false);
      if (auto m = v.get("message")) s.message = template_text(*m);
    } else {
      s.text = name_value(v, "exception type", false);
    }
  }

  void build_try(Step& s, const Node& v) {
    s.kind = StepKind::kTry;
    v.expect_keys({"steps", "except", "finally"});
    s.body = steps(v.require("steps"));
    if (auto ex = v.get("except")) {
      if (!ex->is_seq()) ex->fail("expected a list of except clauses, got " + ex->describe());
      for (const Node& c : ex->items()) {
        c.expect_keys({"type", "types", "as", "steps"});
        ExceptClause clause;
        clause.at = ref(c);
        if (auto t = c.get("type")) {
          if (c.has("types")) c.fail_key("types", "give either type or types, not both");
          clause.types.push_back(name_value(*t, "exception type", false));
        } else if (auto ts = c.get("types")) {
          if (!ts->is_seq() || ts->size() == 0) {
            ts->fail("expected a non-empty list of exception types, got " + ts->describe());
          }
          for (const Node& t : ts->items()) clause.types.push_back(name_value(t, "exception type", false));
        }
        clause.as = optional_variable(c, "as").value_or("");
        if (auto b = c.get("steps")) clause.steps = steps(*b);
        s.excepts.push_back(std::move(clause));
      }
    }
    if (auto f = v.get("finally")) {
      s.has_finally = true;
      s.finally_body = steps(*f);
    }
    if (s.excepts.empty() && !s.has_finally) v.fail("a try needs except clauses or a finally block");
  }

  // ---- executor jobs ----

  // A run_in_executor job runs on a worker thread, which has no event loop:
  // only steps that need no loop can run there. The model would raise
  // RuntimeError when the job reached one; saying so before the run is kinder.
  void find_executor_jobs(const Steps& steps) {
    for (const Step& s : steps) {
      if (s.kind == StepKind::kExecutor) {
        const TaskSpec& t = s.tasks.at(0);
        std::set<std::string> seen;
        if (t.function.empty()) {
          check_job(t.steps, s, seen);
        } else if (const auto def = defs_.find(t.function); def != defs_.end()) {
          seen.insert(t.function);
          check_job(def->second->steps, s, seen);
        }
      }
      for (const TaskSpec& t : s.tasks) find_executor_jobs(t.steps);
      for_each_body(s, [this](const Steps& body) { find_executor_jobs(body); });
    }
  }

  void check_job(const Steps& steps, const Step& origin, std::set<std::string>& seen) {
    for (const Step& s : steps) {
      if (!runs_in_executor(s)) {
        std::string message =
            "a run_in_executor job (started at " + origin.at.path + ") runs on a worker thread";
        message += ", which cannot \"";
        message +=
            s.kind == StepKind::kAsyncWith ? std::string_view("async_with a resource") : step_name(s.kind);
        message += "\": only cpu, block, sleep, io, yield, log, set, call and control flow run there";
        throw ConfigError(SourcePos{file_of(s.at), s.at.line, s.at.column}, s.at.path, message);
      }
      if (s.kind == StepKind::kCall && seen.insert(s.tasks.at(0).function).second) {
        if (const auto def = defs_.find(s.tasks.at(0).function); def != defs_.end()) {
          check_job(def->second->steps, origin, seen);
        }
      }
      for_each_body(s, [&](const Steps& body) { check_job(body, origin, seen); });
    }
  }

  static bool runs_in_executor(const Step& s) {
    switch (s.kind) {
      case StepKind::kSpawn:
      case StepKind::kAwait:
      case StepKind::kGather:
      case StepKind::kWait:
      case StepKind::kAsCompleted:
      case StepKind::kWaitFor:
      case StepKind::kCancel:
      case StepKind::kAcquire:
      case StepKind::kRelease:
      case StepKind::kEventSet:
      case StepKind::kEventClear:
      case StepKind::kEventWait:
      case StepKind::kQueuePut:
      case StepKind::kQueueGet:
      case StepKind::kQueueTaskDone:
      case StepKind::kQueueJoin:
      case StepKind::kExecutor:
        return false;
      case StepKind::kAsyncWith:
        return s.text.empty();  // a resource is acquired through the loop
      default:
        return true;
    }
  }

  template <class F>
  static void for_each_body(const Step& s, F&& f) {
    f(s.body);
    f(s.else_body);
    f(s.exit_body);
    for (const ExceptClause& c : s.excepts) f(c.steps);
    f(s.finally_body);
  }

  // ---- size ----

  // Rejects a program whose compiled form would not fit in memory: calls are
  // inlined and finally blocks copied to every exit, so a short file can
  // expand exponentially.
  void check_size(const models::ProgramAst& program) {
    for (const FunctionDef& f : program.functions) defs_.emplace(f.name, &f);
    std::int64_t total = 0;
    const FunctionDef* largest = nullptr;
    std::int64_t largest_size = -1;
    for (const FunctionDef& f : program.functions) {
      const std::int64_t size = function_size(f.name);
      total = sat_add(total, size);
      if (size > largest_size) {
        largest_size = size;
        largest = &f;
      }
    }
    if (total > kMaxProgramSteps && largest != nullptr) {
      const auto where = function_nodes_.find(largest->name);
      (where != function_nodes_.end() ? where->second : doc_.root())
          .fail("the workload would compile to about " + std::to_string(total) + " steps (" +
                quote(largest->name) + " alone to about " + std::to_string(largest_size) +
                "), over the limit of " + std::to_string(kMaxProgramSteps) +
                ": each call copies the called function's steps, and each way out of a try copies its "
                "finally");
    }
  }

  std::int64_t function_size(const std::string& name) {
    if (auto it = function_sizes_.find(name); it != function_sizes_.end()) return it->second;
    // A recursive call is the compiler's to report; count it as nothing here.
    if (!sizing_.insert(name).second) return 0;
    const int outer_depth = deepest_call_;
    deepest_call_ = 0;
    const auto def = defs_.find(name);
    const std::int64_t size = def == defs_.end() ? 0 : size_of(def->second->steps).steps;
    sizing_.erase(name);
    function_sizes_.emplace(name, size);
    call_depths_.emplace(name, deepest_call_);
    deepest_call_ = outer_depth;
    return size;
  }

  // The compiler inlines a call recursively, and so do the checks here: a
  // chain of calls thousands deep (small in a file) would overflow the
  // stack, so chains are capped, both while sizing (the recursion here) and
  // as measured (a chain sized from its far end recurses little here, but
  // fully in the compiler).
  static constexpr int kMaxCallDepth = 200;
  void check_call_depth(const Step& call) {
    const std::string& callee = call.tasks.at(0).function;
    const auto known = call_depths_.find(callee);
    deepest_call_ = std::max(deepest_call_, 1 + (known == call_depths_.end() ? 0 : known->second));
    if (static_cast<int>(sizing_.size()) + deepest_call_ > kMaxCallDepth) {
      std::string message = "calls nest more than ";
      message += std::to_string(kMaxCallDepth);
      message += " levels deep here: each call copies the called function's steps into the caller";
      throw ConfigError(SourcePos{file_of(call.at), call.at.line, call.at.column}, call.at.path, message);
    }
  }

  Size size_of(const Steps& steps) {
    Size total;
    for (const Step& s : steps) total.add(size_of(s));
    return total;
  }

  Size size_of(const Step& s) {
    Size r;
    // Roughly the instructions the compiler emits for the step itself: the
    // jumps and bookkeeping of structured steps, a spawn per new task, a set
    // per assignment or call argument.
    r.steps = 2 + static_cast<std::int64_t>(s.assignments.size() + 2 * s.tasks.size() + 4 * s.excepts.size());
    for (const TaskSpec& t : s.tasks) r.steps = sat_add(r.steps, static_cast<std::int64_t>(t.args.size()));
    if (s.kind == StepKind::kReturn) r.returns = 1;
    if (s.kind == StepKind::kBreak || s.kind == StepKind::kContinue) r.jumps = 1;
    // Inline task bodies become functions of their own, compiled where they
    // appear: their returns stay inside.
    for (const TaskSpec& t : s.tasks) r.steps = sat_add(r.steps, size_of(t.steps).steps);
    if (s.kind == StepKind::kCall) {
      if (static_cast<int>(sizing_.size()) >= kMaxCallDepth) check_call_depth(s);
      r.steps = sat_add(r.steps, function_size(s.tasks.at(0).function));
      check_call_depth(s);
    }
    switch (s.kind) {
      case StepKind::kRepeat:
      case StepKind::kLoop:
      case StepKind::kWhile:
      case StepKind::kAsyncFor:
      case StepKind::kAsCompleted: {
        Size body = size_of(s.body);
        body.add(size_of(s.else_body));
        r.steps = sat_add(r.steps, body.steps);
        r.returns = sat_add(r.returns, body.returns);
        break;
      }
      case StepKind::kIf:
        r.add(size_of(s.body));
        r.add(size_of(s.else_body));
        break;
      case StepKind::kTry: {
        Size inside = size_of(s.body);
        for (const ExceptClause& c : s.excepts) inside.add(size_of(c.steps));
        r.add(inside);
        if (s.has_finally) {
          r.add_times(size_of(s.finally_body), sat_add(2, sat_add(inside.returns, inside.jumps)));
        }
        break;
      }
      case StepKind::kAsyncWith: {
        r.add(size_of(s.else_body));
        const Size inside = size_of(s.body);
        r.add(inside);
        Size exit = s.text.empty() ? size_of(s.exit_body) : Size{1, 0, 0};
        r.add_times(exit, sat_add(2, sat_add(inside.returns, inside.jumps)));
        break;
      }
      default:
        break;
    }
    return r;
  }

  const Document& doc_;
  bool compile_ = true;
  std::map<std::tuple<std::string, int, int>, std::string> other_files_;
  std::map<std::string, std::vector<std::string>> function_params_;  // includes main
  std::vector<std::string> function_names_;                          // in file order
  std::map<std::string, Node> function_nodes_;
  std::map<std::string, SyncKind> sync_;
  std::vector<std::string> sync_names_;
  std::int64_t step_count_ = 0;
  std::map<std::string, const FunctionDef*> defs_;
  std::map<std::string, std::int64_t> function_sizes_;
  std::set<std::string> sizing_;
  std::map<std::string, int> call_depths_;  // the longest chain of calls below each function
  int deepest_call_ = 0;                    // of the function being sized, so far
};

}  // namespace

Workload load_workload(const Document& doc) { return Loader(doc).run(true); }

std::string Workload::located(int line, int column, const std::string& path) const {
  const auto it = other_files.find(std::make_tuple(path, line, column));
  return (it == other_files.end() ? file : it->second) + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Document load_program_document(const std::string& path) {
  if (std::filesystem::path(path).extension() == ".py") return python_document(path);
  return Document::load_file(path);
}

Document python_document(const std::string& path) {
  const std::filesystem::path p(path);
  // The name and file are YAML strings: quoted, so that any file name reads back.
  auto quoted = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  return Document::load_string("name: " + quoted(p.stem().string()) + "\npython: " + quoted(p.filename().string()) +
                                   "\n",
                               path);
}

Workload read_workload(const Document& doc) { return Loader(doc).run(false); }

}  // namespace concsim::load
