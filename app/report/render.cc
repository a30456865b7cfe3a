#include "app/report/render.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <string_view>

#include "app/report/json.h"
#include "sim/time.h"

namespace concsim::report {
namespace {

// concsim's own shared variables (a server's __process, __processes): the
// loader reserves names starting with "__", and output leaves them out.
bool is_internal(const std::string& name) { return name.rfind("__", 0) == 0; }

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// Names and log lines come from the workload: in the text writers, control
// characters are shown escaped ("\n", "\x01") so that a name cannot start
// a row of its own or move the cursor.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7F) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

std::string time_or_dash(sim::Time t) { return t < 0 ? "-" : sim::format_seconds(t); }


// num * 100 would overflow for a run near the end of time (292 years of
// nanoseconds): there the denominator is scaled down instead.
std::string percent(std::int64_t num, std::int64_t den) {
  if (num > std::numeric_limits<std::int64_t>::max() / 100 || num < -std::numeric_limits<std::int64_t>::max() / 100) {
    return ratio(num, den / 100, 1) + "%";
  }
  return ratio(num * 100, den, 1) + "%";
}

// Core time over the run, cores * end, saturated.
std::int64_t core_time(const models::Metrics& m) {
  std::int64_t total = 0;
  if (!sim::checked_mul(m.end_ns, m.cpu.cores, &total)) total = std::numeric_limits<std::int64_t>::max();
  return total;
}

// Completed units per second after the warm-up, from integers.
std::string throughput(const models::Metrics& m) {
  const sim::Time span = m.end_ns - m.measured_from;
  return span > 0 ? fixed(static_cast<std::int64_t>(m.completed) * sim::kSecond, span, 1) : "0.0";
}

// The metrics every model reports, as summary rows.
void metric_rows(const run::RunOutput& r, std::vector<std::vector<std::string>>& rows) {
  const models::Metrics& m = r.metrics;
  rows.push_back({m.unit, "completed " + std::to_string(m.completed) + ", failed " + std::to_string(m.failed) +
                             (m.unit == "tasks" ? "" : "; tasks") + ", at most " + std::to_string(m.peak_tasks) +
                             " at once"});
  rows.push_back({"throughput", throughput(m) + " " + m.unit + "/s" +
                                    (m.measured_from > 0 ? " after a " + sim::format_duration(m.measured_from) + " warm-up" : "")});
  const models::LatencySummary& l = m.latency;
  if (l.count == 0) {
    // No sample (a warm-up longer than the run, say): not a latency of 0.
    rows.push_back({"latency", std::string("none measured (no ") + (m.unit == "requests" ? "request" : "task") +
                                   " completed in the measured window)"});
  } else if (!latency_measured(r)) {
    rows.push_back({"latency", "none: the run " + r.status + " (" + std::to_string(l.count) + " " + m.unit +
                                   " completed before it did)"});
  } else {
    rows.push_back({"latency", "mean " + sim::format_duration(l.mean) + ", p50 " + sim::format_duration(l.p50) +
                                   ", p90 " + sim::format_duration(l.p90) + ", p99 " + sim::format_duration(l.p99) +
                                   ", p99.9 " + sim::format_duration(l.p999) + ", max " + sim::format_duration(l.max)});
  }
  std::string kinds;
  for (const auto& [kind, bytes] : m.memory.by_kind) {
    if (bytes == 0) continue;
    kinds += (kinds.empty() ? "" : ", ") + kind + " " + human_size(bytes);
  }
  rows.push_back({"memory", "peak resident " + human_size(m.memory.peak_resident) + ", reserved " +
                                human_size(m.memory.peak_reserved) + (kinds.empty() ? "" : " (" + kinds + ")")});
  const std::int64_t total = core_time(m);
  rows.push_back({"cpu", "useful " + percent(m.cpu.useful_ns, total) + ", system " + percent(m.cpu.system_ns, total) +
                             ", switching " + percent(m.cpu.switch_ns, total) +
                             (m.cpu.swap_ns > 0 ? ", swapping " + percent(m.cpu.swap_ns, total) : "") + ", idle " +
                             percent(m.cpu.idle_ns, total) + " of " + std::to_string(m.cpu.cores) + " cores"});
  rows.push_back({"context switches", std::to_string(m.context_switches.voluntary) + " voluntary, " +
                                          std::to_string(m.context_switches.involuntary) + " involuntary"});
  rows.push_back({"limit hit", m.limit_hit ? m.limit_hit->which + " at " + sim::format_seconds(m.limit_hit->at_ns) +
                                                 " with " + std::to_string(m.limit_hit->threads) + " threads"
                                           : "none"});
}

// A simple left-aligned table with a header row.
void table(std::ostream& out, std::vector<std::vector<std::string>> rows, const std::string& indent) {
  for (auto& row : rows) {
    for (auto& cell : row) cell = printable(cell);
  }
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line = indent;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += i + 1 < row.size() ? pad(row[i], widths[i] + 2) : row[i];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

// A cell of a list cut to `width` characters (at a UTF-8 boundary) unless
// everything is asked for.
std::string cut(const std::string& s, bool details, std::size_t width = 100) {
  if (details || s.size() <= width) return s;
  std::size_t at = width - 3;
  while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
  return s.substr(0, at) + "...";
}

// "... 12 more (--details lists them)".
void more_line(std::ostream& out, std::size_t more, const std::string& where) {
  if (more > 0) out << "  ... " << more << " more (" << where << ")\n";
}

// The exceptions raised, by type, for the summary: "7 raised: ValueError 5,
// CancelledError 2".
std::string exception_summary(const models::ExceptionLog& log) {
  std::vector<std::pair<std::string, std::uint64_t>> by_type;
  for (const models::RaisedException& e : log.entries()) {
    auto it = std::find_if(by_type.begin(), by_type.end(), [&](const auto& t) { return t.first == e.type; });
    if (it == by_type.end()) {
      by_type.emplace_back(e.type, e.count);
    } else {
      it->second += e.count;
    }
  }
  std::stable_sort(by_type.begin(), by_type.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string text = std::to_string(log.total()) + " raised";
  for (std::size_t i = 0; i < by_type.size() && i < 3; ++i) {
    text += (i == 0 ? ": " : ", ") + by_type[i].first + " " + std::to_string(by_type[i].second);
  }
  if (by_type.size() > 3) text += ", ...";
  if (log.unlisted() > 0) text += " (" + std::to_string(log.unlisted()) + " at places not listed)";
  return text;
}

}  // namespace

bool latency_measured(const run::RunOutput& r) {
  if (r.metrics.latency.count == 0) return false;
  // A run that hung, ran away, was killed or interrupted measured what it
  // got to, not what the workload asked for.
  return r.status == "completed" || r.status == "horizon" || r.status == "event_budget" || r.status == "quiescent";
}

void write_table(std::ostream& out, const run::RunOutput& r, const TableOptions& options) {
  const bool all = options.details;
  const std::size_t cap = all ? std::numeric_limits<std::size_t>::max() : options.max_rows;
  const std::string see_all = "--details lists them";
  out << "concsim " << r.version << ": workload " << printable(r.workload) << ", model " << r.model
      << ", machine " << printable(r.machine) << ", seed " << r.seed << "\n\n";
  std::vector<std::vector<std::string>> summary{
      {"status", r.status + (r.detail.empty() ? "" : " (" + r.detail + ")")},
      {"end time", sim::format_seconds(r.end_time)},
      {"events", std::to_string(r.events)},
      {"main", r.main_state + (r.main_result.empty() ? "" : " -> " + cut(r.main_result, all))},
  };
  if (r.model == "threads" || r.model == "pool") {
    summary.push_back({"threads", "at most " + std::to_string(r.threads.peak_threads) + " at once, " +
                                      std::to_string(r.threads.max_runnable) + " runnable; " +
                                      std::to_string(r.threads.refused) + " refused, " +
                                      std::to_string(r.threads.queued) + " queued at a limit"});
  } else {
    summary.push_back({"loop", std::to_string(r.loop.iterations) + " iterations; busy " +
                                   sim::format_duration(r.loop.busy) + ", blocked " +
                                   sim::format_duration(r.loop.blocked) + ", idle " +
                                   sim::format_duration(r.loop_idle)});
    summary.push_back({"longest stall", r.loop.longest_stall == 0
                                            ? std::string("0s")
                                            : sim::format_duration(r.loop.longest_stall) + " (" +
                                                  r.tasks.at(r.loop.longest_stall_task).name + " at " +
                                                  sim::format_seconds(r.loop.longest_stall_at) + ")"});
  }
  metric_rows(r, summary);
  if (r.exceptions.total() > 0) summary.push_back({"exceptions", exception_summary(r.exceptions)});
  std::size_t shared_shown = 0;
  std::size_t shared_total = 0;
  for (const auto& [name, value] : r.shared) {
    if (is_internal(name)) continue;
    ++shared_total;
    if (shared_shown >= cap) continue;
    ++shared_shown;
    summary.push_back({"shared " + name, cut(value, all)});
  }
  table(out, summary, "");
  more_line(out, shared_total - shared_shown, "shared variables; " + see_all);

  if (!r.exceptions.entries().empty()) {
    out << "\nexceptions\n";
    std::vector<std::vector<std::string>> rows{{"where", "type", "message", "raised", "ended tasks", "failed requests"}};
    // The most raised first; ties in order of first raise.
    const auto& entries = r.exceptions.entries();
    std::vector<std::size_t> order(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return entries[a].count > entries[b].count; });
    for (std::size_t k = 0; k < order.size() && k < cap; ++k) {
      const std::size_t i = order[k];
      const models::RaisedException& e = entries[i];
      const std::string where = (i < r.exception_where.size() ? r.exception_where[i] + " " : std::string()) + e.path;
      rows.push_back({where, e.type, cut(e.message, all, 60), std::to_string(e.count), std::to_string(e.tasks_failed),
                      std::to_string(e.requests_failed)});
    }
    table(out, rows, "  ");
    more_line(out, entries.size() - std::min(entries.size(), cap), see_all);
  }
  if (!r.waiting.empty()) {
    out << "\nwaiting when the run stalled\n";
    std::vector<std::vector<std::string>> rows{{"task", "waits on"}};
    for (std::size_t i = 0; i < r.waiting.size() && i < cap; ++i) rows.push_back({r.waiting[i].task, r.waiting[i].waits_on});
    table(out, rows, "  ");
    more_line(out, r.waiting.size() - std::min(r.waiting.size(), cap), see_all);
  }
  if (!r.loop.blocking_calls.empty()) {
    out << "\nblocking calls\n";
    std::vector<std::vector<std::string>> rows{{"task", "start", "duration", "callbacks delayed", "max lateness"}};
    const auto& calls = r.loop.blocking_calls;
    for (std::size_t i = 0; i < calls.size() && i < cap; ++i) {
      const auto& b = calls[i];
      rows.push_back({r.tasks.at(b.task).name, sim::format_seconds(b.start), sim::format_duration(b.duration),
                      std::to_string(b.callbacks_delayed), sim::format_duration(b.max_lateness)});
    }
    table(out, rows, "  ");
    const std::size_t listed = std::min(calls.size(), cap);
    if (r.loop.blocking_count > listed) {
      more_line(out, r.loop.blocking_count - listed,
                calls.size() < r.loop.blocking_count
                    ? "the first " + std::to_string(calls.size()) + " are kept: --details, --format json"
                    : see_all);
    }
  }
  if (r.python) {
    if (!r.output.empty()) {
      out << "\noutput\n";
      std::vector<std::vector<std::string>> rows;
      for (const auto& l : r.output) {
        rows.push_back({sim::format_seconds(l.t), l.task, (l.stream == 2 ? "stderr: " : "") + printable(l.text)});
      }
      table(out, rows, "  ");
    }
    if (r.outcome.failed) out << "\n" << r.outcome.traceback;
  }
  std::size_t logs = 0;
  for (const auto& l : r.trace) logs += l.event.rfind("log: ", 0) == 0 ? 1 : 0;
  if (logs > 0 && !r.python) {
    out << "\noutput\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : r.trace) {
      if (rows.size() >= cap) break;
      if (l.event.rfind("log: ", 0) == 0) rows.push_back({sim::format_seconds(l.t), l.task, cut(l.event.substr(5), all)});
    }
    table(out, rows, "  ");
    more_line(out, logs - rows.size(), "lines; " + see_all);
  }
  out << "\ntasks\n";
  std::vector<std::vector<std::string>> rows{{"task", "start", "end", "state", "result"}};
  for (std::size_t i = 0; i < r.tasks.size() && i < cap; ++i) {
    const auto& t = r.tasks[i];
    rows.push_back({t.name, time_or_dash(t.start), time_or_dash(t.end), models::to_string(t.state), cut(t.result, all)});
  }
  table(out, rows, "  ");
  more_line(out, r.tasks.size() - std::min(r.tasks.size(), cap), see_all + "; --format json has them");
  const std::string tl = timeline(r, 60, all ? 40 : options.max_rows);
  if (!tl.empty()) out << "\ntimeline\n" << tl;
  if (r.trace_truncated) out << "\n(trace truncated at the recording limit)\n";
}

void write_json(std::ostream& out, const run::RunOutput& r, JsonDetail detail) {
  const bool full = detail != JsonDetail::kFiguresOnly;
  JsonWriter j(out);
  j.begin_object();
  j.field("concsim_version", r.version);
  j.field("workload", r.workload);
  j.field("model", r.model);
  j.field("machine", r.machine);
  if (!r.machine_hash.empty()) j.field("machine_hash", r.machine_hash);
  j.field("seed", r.seed);
  j.field("status", r.status);
  if (!r.detail.empty()) j.field("detail", r.detail);
  // What `concsim run` exits with: 1 when the run failed a check of its own.
  j.field("exit_code", r.exit_code);
  j.field("end_time_ns", static_cast<std::int64_t>(r.end_time));
  j.field("events_processed", r.events);
  j.key("main").begin_object().field("state", r.main_state).field("result", r.main_result).end_object();
  if (r.python) {
    // What the program printed, and how it ended: the fields the
    // differential test compares with CPython (tools/pydiff).
    j.key("output").begin_array();
    for (const auto& l : r.output) {
      j.begin_object()
          .field("t_ns", static_cast<std::int64_t>(l.t))
          .field("task", l.task)
          .field("stream", std::string(l.stream == 2 ? "stderr" : "stdout"))
          .field("text", l.text)
          .end_object();
    }
    j.end_array();
    j.key("python").begin_object();
    j.key("result");
    if (r.outcome.ran) {
      j.value(r.outcome.result);
    } else {
      j.null();
    }
    j.key("exception");
    if (r.outcome.failed) {
      j.begin_object().field("type", r.outcome.type).field("message", r.outcome.message);
      j.field("traceback_text", r.outcome.traceback);
      j.key("traceback").begin_array();
      for (const auto& f : r.outcome.frames) {
        j.begin_object().field("file", f.file).field("line", static_cast<std::int64_t>(f.line)).field("function", f.function).end_object();
      }
      j.end_array();
      j.end_object();
    } else {
      j.null();
    }
    j.end_object();
  }
  {
    const models::Metrics& m = r.metrics;
    j.key("metrics").begin_object();
    j.field("unit", m.unit).field("measured_from_ns", static_cast<std::int64_t>(m.measured_from));
    j.field("completed", m.completed).field("failed", m.failed);
    j.key("throughput_per_s").raw(throughput(m));
    j.field("peak_tasks", m.peak_tasks);
    j.key("latency_ns").begin_object();
    j.field("count", m.latency.count);
    // null, not 0, when nothing was measured (latency_measured).
    const bool measured = latency_measured(r);
    for (const auto& [name, v] : {std::pair<const char*, sim::Duration>{"mean", m.latency.mean},
                                  {"p50", m.latency.p50}, {"p90", m.latency.p90}, {"p99", m.latency.p99},
                                  {"p999", m.latency.p999}, {"max", m.latency.max}}) {
      j.key(name);
      if (measured) {
        j.value(static_cast<std::int64_t>(v));
      } else {
        j.null();
      }
    }
    j.end_object();
    j.key("memory_bytes").begin_object();
    j.field("peak_resident", m.memory.peak_resident).field("peak_reserved", m.memory.peak_reserved);
    j.key("by_kind").begin_object();
    for (const auto& [kind, bytes] : m.memory.by_kind) j.field(kind, bytes);
    j.end_object();
    j.end_object();
    const std::int64_t total = core_time(m);
    j.key("cpu").begin_object();
    j.field("cores", m.cpu.cores);
    j.key("useful_fraction").raw(ratio(m.cpu.useful_ns, total, 6));
    j.key("system_fraction").raw(ratio(m.cpu.system_ns, total, 6));
    j.key("switch_fraction").raw(ratio(m.cpu.switch_ns, total, 6));
    j.key("swap_fraction").raw(ratio(m.cpu.swap_ns, total, 6));
    j.key("idle_fraction").raw(ratio(m.cpu.idle_ns, total, 6));
    j.field("useful_ns", static_cast<std::int64_t>(m.cpu.useful_ns)).field("system_ns", static_cast<std::int64_t>(m.cpu.system_ns));
    j.field("switch_ns", static_cast<std::int64_t>(m.cpu.switch_ns)).field("swap_ns", static_cast<std::int64_t>(m.cpu.swap_ns));
    j.field("idle_ns", static_cast<std::int64_t>(m.cpu.idle_ns));
    j.end_object();
    j.key("context_switches").begin_object();
    j.field("voluntary", m.context_switches.voluntary).field("involuntary", m.context_switches.involuntary);
    j.end_object();
    j.key("limit_hit");
    if (m.limit_hit) {
      j.begin_object().field("which", m.limit_hit->which).field("at_ns", static_cast<std::int64_t>(m.limit_hit->at_ns));
      j.field("threads", m.limit_hit->threads).end_object();
    } else {
      j.null();
    }
    j.end_object();
  }
  // The thread model's figures (threads, pool), or the event loop's.
  const bool thread_model = r.model == "threads" || r.model == "pool";
  if (thread_model) {
    j.key("threads").begin_object();
    j.field("peak_threads", r.threads.peak_threads).field("max_runnable", r.threads.max_runnable);
    j.field("switches_in", r.threads.switches_in).field("refused", r.threads.refused).field("queued", r.threads.queued);
    j.field("swapped", r.threads.swapped).field("killed", r.threads.killed);
    j.end_object();
  }
  if (!thread_model) {
  j.key("loop").begin_object();
  j.field("iterations", r.loop.iterations);
  j.field("busy_ns", static_cast<std::int64_t>(r.loop.busy));
  j.field("blocked_ns", static_cast<std::int64_t>(r.loop.blocked));
  j.field("idle_ns", static_cast<std::int64_t>(r.loop_idle));
  j.field("longest_stall_ns", static_cast<std::int64_t>(r.loop.longest_stall));
  if (r.loop.longest_stall > 0) {
    j.field("longest_stall_task", r.tasks.at(r.loop.longest_stall_task).name);
    j.field("longest_stall_at_ns", static_cast<std::int64_t>(r.loop.longest_stall_at));
  }
  j.field("max_ready", r.loop.max_ready);
  j.field("executor_workers", r.executor_workers);
  j.field("blocking_calls_total", r.loop.blocking_count);
  j.field("blocking_max_lateness_ns", static_cast<std::int64_t>(r.loop.blocking_max_lateness));
  if (full) {
  // Listed one by one up to the model's bound; the flag says when the list
  // is shorter than the total.
  j.field("blocking_calls_truncated", r.loop.blocking_calls.size() < r.loop.blocking_count);
  j.key("blocking_calls").begin_array();
  for (const auto& b : r.loop.blocking_calls) {
    j.begin_object()
        .field("task", r.tasks.at(b.task).name)
        .field("start_ns", static_cast<std::int64_t>(b.start))
        .field("duration_ns", static_cast<std::int64_t>(b.duration))
        .field("callbacks_delayed", b.callbacks_delayed)
        .field("max_lateness_ns", static_cast<std::int64_t>(b.max_lateness))
        .end_object();
  }
  j.end_array();
  }
  j.end_object();
  }
  if (std::any_of(r.shared.begin(), r.shared.end(), [](const auto& v) { return !is_internal(v.first); })) {
    j.key("shared").begin_object();
    for (const auto& [name, value] : r.shared) {
      if (!is_internal(name)) j.field(name, value);
    }
    j.end_object();
  }
  if (!full && !r.waiting.empty()) j.field("waiting_total", static_cast<std::uint64_t>(r.waiting.size()));
  if (full && !r.waiting.empty()) {
    j.key("waiting").begin_array();
    for (const auto& w : r.waiting) j.begin_object().field("task", w.task).field("waits_on", w.waits_on).end_object();
    j.end_array();
  }
  {
    // Every entry in full; a sweep's point keeps the first few.
    const auto& entries = r.exceptions.entries();
    const std::size_t listed = full ? entries.size() : std::min<std::size_t>(entries.size(), 10);
    j.key("exceptions").begin_object();
    j.field("total", r.exceptions.total());
    j.field("unlisted", r.exceptions.unlisted());
    j.key("listed").begin_array();
    for (std::size_t i = 0; i < listed; ++i) {
      const models::RaisedException& e = entries[i];
      j.begin_object().field("type", e.type).field("message", e.message);
      j.field("where", i < r.exception_where.size() ? r.exception_where[i] : std::string());
      j.field("path", e.path);
      j.field("first_at_ns", static_cast<std::int64_t>(e.first_at));
      j.field("count", e.count).field("tasks_failed", e.tasks_failed).field("requests_failed", e.requests_failed);
      j.end_object();
    }
    j.end_array();
    if (listed < entries.size()) j.field("listed_truncated", true);
    j.end_object();
  }
  j.field("tasks_total", static_cast<std::uint64_t>(r.tasks.size()));
  if (!full) {
    j.end_object();
    return;
  }
  j.key("tasks").begin_array();
  for (const auto& t : r.tasks) {
    j.begin_object().field("name", t.name);
    j.key("start_ns");
    if (t.start < 0) j.null(); else j.value(static_cast<std::int64_t>(t.start));
    j.key("end_ns");
    if (t.end < 0) j.null(); else j.value(static_cast<std::int64_t>(t.end));
    j.field("state", models::to_string(t.state)).field("result", t.result);
    if (t.is_executor_job) j.field("executor", true);
    j.end_object();
  }
  j.end_array();
  if (detail == JsonDetail::kFull) {
    j.key("trace").begin_array();
    for (const auto& l : r.trace) {
      j.begin_object().field("t_ns", static_cast<std::int64_t>(l.t)).field("task", l.task).field("event", l.event).end_object();
    }
    j.end_array();
    j.field("trace_truncated", r.trace_truncated);
  }
  j.end_object();
}

void write_csv(std::ostream& out, const run::RunOutput& r) {
  auto cell = [](const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + "\"";
  };
  std::size_t done = 0;
  std::size_t failed = 0;
  std::size_t cancelled = 0;
  for (const auto& t : r.tasks) {
    done += t.state == models::TaskState::kDone;
    failed += t.state == models::TaskState::kFailed;
    cancelled += t.state == models::TaskState::kCancelled;
  }
  const models::Metrics& m = r.metrics;
  out << "workload,model,machine,seed,status,end_time_ns,events_processed,loop_iterations,loop_busy_ns,"
         "loop_blocked_ns,loop_idle_ns,longest_stall_ns,tasks,tasks_done,tasks_failed,tasks_cancelled,"
         "completed,failed,throughput_per_s,latency_mean_ns,latency_p50_ns,latency_p90_ns,latency_p99_ns,"
         "latency_p999_ns,latency_max_ns,peak_resident_bytes,peak_reserved_bytes,cpu_useful_ns,cpu_system_ns,"
         "cpu_switch_ns,cpu_swap_ns,cpu_idle_ns,voluntary_switches,involuntary_switches,limit_hit\n";
  out << cell(r.workload) << ',' << cell(r.model) << ',' << cell(r.machine) << ',' << r.seed << ','
      << cell(r.status) << ',' << r.end_time << ',' << r.events << ',' << r.loop.iterations << ','
      << r.loop.busy << ',' << r.loop.blocked << ',' << r.loop_idle << ',' << r.loop.longest_stall << ','
      << r.tasks.size() << ',' << done << ',' << failed << ',' << cancelled << ',' << m.completed << ','
      << m.failed << ',' << throughput(m) << ',';
  // Empty, not 0, when nothing was measured (latency_measured).
  const bool measured = latency_measured(r);
  for (const sim::Duration v : {m.latency.mean, m.latency.p50, m.latency.p90, m.latency.p99, m.latency.p999, m.latency.max}) {
    if (measured) out << v;
    out << ',';
  }
  out << m.memory.peak_resident << ',' << m.memory.peak_reserved << ',' << m.cpu.useful_ns << ','
      << m.cpu.system_ns << ',' << m.cpu.switch_ns << ',' << m.cpu.swap_ns << ',' << m.cpu.idle_ns << ','
      << m.context_switches.voluntary << ',' << m.context_switches.involuntary << ','
      << (m.limit_hit ? cell(m.limit_hit->which) : std::string()) << '\n';
}

void write_text_trace(std::ostream& out, const run::RunOutput& r) {
  std::size_t width = 4;
  for (const auto& l : r.trace) width = std::max(width, printable(l.task).size());
  for (const auto& l : r.trace) {
    out << pad(sim::format_seconds(l.t), 14) << pad(printable(l.task), width + 2) << printable(l.event) << '\n';
  }
  if (r.trace_truncated) out << "(trace truncated at the recording limit)\n";
}

std::string timeline(const run::RunOutput& r, int width, std::size_t max_rows) {
  if (r.end_time <= 0 || r.spans.empty()) return "";
  // Rows in order of first appearance; the loop's own pseudo-task is left out.
  std::vector<std::string> names;
  std::map<std::uint32_t, std::size_t> row_of;
  for (const auto& s : r.spans) {
    if (row_of.count(s.task_index) == 0) {
      row_of[s.task_index] = names.size();
      names.push_back(printable(s.task));
    }
  }
  if (names.size() > max_rows) return "";
  const auto w = static_cast<std::size_t>(width);
  // Per cell, the time spent in each state; the cell shows the longest one,
  // and running or blocked if present at all (they are the story).
  std::vector<std::vector<std::array<sim::Duration, 4>>> acc(names.size(),
                                                             std::vector<std::array<sim::Duration, 4>>(w, {0, 0, 0, 0}));
  // Column c covers [edge(c), edge(c + 1)).
  auto edge = [&](std::size_t c) { return static_cast<sim::Time>(static_cast<long double>(r.end_time) * c / w); };
  for (const auto& s : r.spans) {
    auto& row = acc[row_of[s.task_index]];
    // Only the columns a span can touch: from the first that ends after it
    // starts (found by bisection) to the last that begins at or before its
    // end. A run has a span per step, so visiting every column of every
    // span made the timeline cost more than many a run.
    std::size_t first = 0;
    for (std::size_t n = w; n > 0;) {
      const std::size_t half = n / 2;
      if (edge(first + half + 1) <= s.start) {
        first += half + 1;
        n -= half + 1;
      } else {
        n = half;
      }
    }
    for (std::size_t c = first; c < w && edge(c) <= s.end; ++c) {
      const sim::Time c0 = edge(c);
      const sim::Time c1 = edge(c + 1);
      const sim::Time lo = std::max(c0, s.start);
      const sim::Time hi = std::min(c1, s.end);
      if (hi > lo) row[c][static_cast<std::size_t>(s.kind)] += hi - lo;
      if (s.start == s.end && s.start >= c0 && s.start < c1 && s.kind == models::SpanKind::kRunning) {
        row[c][0] += 1;  // an instant of running still shows
      }
    }
  }
  static constexpr std::array<char, 4> kChar{'#', 'B', '.', '-'};
  std::size_t name_width = 4;
  for (const auto& n : names) name_width = std::max(name_width, n.size());
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string line = pad(names[i], name_width + 1) + "|";
    for (std::size_t c = 0; c < w; ++c) {
      const auto& a = acc[i][c];
      char ch = ' ';
      if (a[1] > 0) {
        ch = 'B';
      } else if (a[0] > 0) {
        ch = '#';
      } else if (a[2] > 0 || a[3] > 0) {
        ch = a[2] >= a[3] ? kChar[2] : kChar[3];
      }
      line += ch;
    }
    out += line + "|\n";
  }
  const std::string axis0 = "0s";
  const std::string axis1 = sim::format_seconds(r.end_time);
  std::string axis = std::string(name_width + 1, ' ') + "|" + axis0;
  const std::size_t fill = w > axis0.size() + axis1.size() ? w - axis0.size() - axis1.size() : 1;
  axis += std::string(fill, ' ') + axis1 + "|\n";
  out += axis;
  if (r.model == "threads" || r.model == "pool") {
    out += "  # running  B blocked in a blocking call  . waiting (a lock, a join, a queue, an await)  - ready\n";
  } else {
    out += "  # running  B blocked (loop frozen)  . waiting at an await  - ready\n";
  }
  return out;
}

void write_chrome_trace(std::ostream& out, const run::RunOutput& r) {
  // Times in microseconds with nanosecond decimals, as the format expects.
  auto us = [](sim::Time t) { return fixed(t, 1000, 3); };
  JsonWriter j(out);
  j.begin_object();
  j.field("displayTimeUnit", "ns");
  j.key("otherData").begin_object().field("workload", r.workload).field("model", r.model).field("version", r.version).end_object();
  j.key("traceEvents").begin_array();
  std::map<std::uint32_t, std::string> threads;
  for (const auto& s : r.spans) threads.emplace(s.task_index, s.task);
  for (const auto& [tid, name] : threads) {
    j.begin_object().field("name", "thread_name").field("ph", "M").field("pid", 1).field("tid", static_cast<std::uint64_t>(tid));
    j.key("args").begin_object().field("name", name).end_object();
    j.end_object();
  }
  for (const auto& s : r.spans) {
    if (s.end <= s.start && s.kind != models::SpanKind::kRunning) continue;
    j.begin_object().field("name", models::to_string(s.kind)).field("cat", models::to_string(s.kind)).field("ph", "X");
    j.key("ts").raw(us(s.start));
    j.key("dur").raw(us(s.end - s.start));
    j.field("pid", 1).field("tid", static_cast<std::uint64_t>(s.task_index)).end_object();
  }
  std::map<std::string, std::uint32_t> tid_of;
  for (const auto& s : r.spans) tid_of.emplace(s.task, s.task_index);
  for (const auto& l : r.trace) {
    const auto it = tid_of.find(l.task);
    j.begin_object().field("name", l.event).field("ph", "i").field("s", it == tid_of.end() ? "p" : "t");
    j.key("ts").raw(us(l.t));
    j.field("pid", 1);
    if (it != tid_of.end()) j.field("tid", static_cast<std::uint64_t>(it->second));
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

}  // namespace concsim::report
