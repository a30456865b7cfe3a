#include "app/run/runner.h"

#include "app/load/machine.h"
#include "app/load/python_program.h"
#include "models/loop/loop.h"
#include "models/threads/thread_host.h"

#include <malloc.h>

#include <map>
#include <memory>
#include "models/threads/ablation.h"
#include "sim/check.h"

#ifndef CONCSIM_VERSION
#define CONCSIM_VERSION "0.0.0"
#endif

namespace concsim::run {
namespace {

// What every model's run reports the same way: how it ended, the tasks,
// shared variables, trace and spans. Model is EventLoop or ThreadModel, which
// share these accessors.
template <class Model>
void collect(Model& model, const sim::Simulation& simulation, const sim::RunResult& r, const load::Workload& w,
             RunOutput& out) {
  model.close_spans(model.finished() ? model.finish_time() : r.end_time);
  out.reason = r.reason;
  out.events = simulation.events_processed();
  out.waiting = r.waiting;
  out.detail = r.detail;
  out.end_time = model.finished() ? model.finish_time() : r.end_time;
  if (model.killed()) {
    out.status = "killed";  // the OOM killer: a result of the run, reported as a failure
  } else if (model.finished() && r.reason == sim::StopReason::kStopped && r.detail == Model::kFinishedDetail) {
    out.status = "completed";
    out.detail.clear();
  } else {
    out.status = sim::to_string(r.reason);
  }
  switch (r.reason) {
    case sim::StopReason::kStalled:
    case sim::StopReason::kTimeOverflow:
      out.exit_code = 1;
      break;
    case sim::StopReason::kStopped:
      out.exit_code = out.status == "completed" ? 0 : 1;
      break;
    default:
      break;
  }
  out.main_state = models::to_string(model.main_state());
  out.main_result = model.main_result();
  if (out.status == "completed" && model.main_state() == models::TaskState::kFailed) {
    out.exit_code = 1;
    out.detail = "main raised " + out.main_result;
  }
  out.tasks = model.task_summaries();
  out.metrics = model.metrics();
  out.exceptions = model.exceptions();
  for (std::size_t i = 0; i < w.compiled.shared.size(); ++i) {
    out.shared.emplace_back(w.compiled.shared[i].name, model.store().format(model.shared()[i], &model, true));
  }
  for (const models::TraceLine& l : model.recorder().lines()) {
    out.trace.push_back(NamedLine{l.t, model.task_name(l.task), l.event});
  }
  for (const models::Span& s : model.recorder().spans()) {
    out.spans.push_back(NamedSpan{model.task_name(s.task), s.task, s.kind, s.start, s.end});
  }
  out.trace_truncated = model.recorder().truncated();
}

sim::RunLimits limits_of(const load::Workload& w, const RunOptions& options, const sim::Simulation& simulation) {
  sim::RunLimits limits;
  limits.horizon = w.horizon;
  limits.max_events = w.max_events;
  if (options.progress) {
    limits.should_stop = [&options, &simulation] {
      options.progress(simulation.now());
      return options.should_stop && options.should_stop();
    };
  } else {
    limits.should_stop = options.should_stop;
  }
  return limits;
}

void locate_exceptions(const load::Workload& w, RunOutput& out) {
  out.exception_where.clear();
  for (const models::RaisedException& e : out.exceptions.entries()) {
    out.exception_where.push_back(w.located(e.line, e.column, e.path));
  }
}

std::uint32_t main_of(const load::Workload& w) {
  const std::uint32_t main = w.compiled.find_function("main");
  CONCSIM_CHECK(main != models::kNone, "a loaded workload always has main");
  return main;
}

// loop.processes = N: N event loops, one per worker process, each opening
// its share of a server's connections (as N processes accepting on one port
// with SO_REUSEPORT). They share one simulation, each on a core of its own;
// the run ends when all of them are done. Memory is the sum of each
// process's peak, an upper bound of the peak of the sum.
void run_processes(const load::Workload& w, const RunOptions& options, const models::LoopOptions& base,
                   sim::Simulation& simulation, RunOutput& out) {
  std::vector<std::unique_ptr<models::EventLoop>> loops;
  for (std::int64_t p = 0; p < w.processes; ++p) {
    models::LoopOptions lo = base;
    // The machine's cores shared out: each process gets cores / processes
    // of them (at least its loop thread's; the loader refuses more
    // processes than cores), its executor workers included.
    lo.machine.cores = static_cast<int>(std::max<std::int64_t>(1, base.machine.cores / w.processes));
    lo.stop_when_done = false;
    lo.shared_overrides.emplace_back(load::kProcessVariable, models::Value::integer(p));
    lo.process = static_cast<std::uint32_t>(p);
    lo.record = options.record && p == 0;  // the first process's trace stands for all
    loops.push_back(std::make_unique<models::EventLoop>(simulation, w.compiled, lo));
    loops.back()->start(main_of(w));
  }
  const sim::RunResult r = simulation.run(limits_of(w, options, simulation));
  for (auto& loop : loops) loop->release_run_state();
  models::EventLoop& first = *loops.front();
  collect(first, simulation, r, w, out);
  out.loop = first.stats();
  out.executor_workers = first.executor_workers();
  bool all_done = true;
  sim::Time end = 0;
  models::RequestStats requests(base.requests);  // the same warm-up and stop as each process's
  models::Metrics& m = out.metrics;
  m = models::Metrics{};
  m.cpu.cores = base.machine.cores;
  out.tasks.clear();
  out.exceptions = models::ExceptionLog{};
  for (std::size_t p = 0; p < loops.size(); ++p) {
    models::EventLoop& loop = *loops[p];
    out.exceptions.merge(loop.exceptions());
    all_done = all_done && loop.finished();
    end = std::max(end, loop.finished() ? loop.finish_time() : r.end_time);
    requests.merge(loop.request_stats());
    const models::Metrics lm = loop.metrics();
    m.peak_tasks += lm.peak_tasks;
    m.memory.peak_resident += lm.memory.peak_resident;
    m.memory.peak_reserved += lm.memory.peak_reserved;
    for (const auto& [kind, bytes] : lm.memory.by_kind) m.memory.by_kind[kind] += bytes;
    m.cpu.useful_ns += lm.cpu.useful_ns;
    m.cpu.system_ns += lm.cpu.system_ns;
    m.context_switches.voluntary += lm.context_switches.voluntary;
    m.context_switches.involuntary += lm.context_switches.involuntary;
    if (!m.limit_hit && lm.limit_hit) m.limit_hit = lm.limit_hit;
    for (models::TaskSummary t : loop.task_summaries()) {
      if (t.name == "main") t.name = "main" + std::to_string(p);
      out.tasks.push_back(std::move(t));
    }
    if (p > 0) {
      out.loop.iterations += loop.stats().iterations;
      out.loop.busy += loop.stats().busy;
      out.loop.blocked += loop.stats().blocked;
    }
  }
  out.end_time = end;
  m.end_ns = end;
  sim::Duration core_time = 0;  // saturated for a run that ends near the largest time
  if (!sim::checked_mul(end, m.cpu.cores, &core_time)) core_time = sim::kTimeMax;
  m.cpu.idle_ns = std::max<sim::Duration>(0, core_time - m.cpu.useful_ns - m.cpu.system_ns);
  requests.fill(m);
  if (all_done && r.reason == sim::StopReason::kQuiescent) {
    out.status = "completed";
    out.exit_code = 0;
  }
}

models::TaskState state_of(const std::string& s) {
  if (s == "running") return models::TaskState::kRunning;
  if (s == "done") return models::TaskState::kDone;
  if (s == "failed") return models::TaskState::kFailed;
  if (s == "cancelled") return models::TaskState::kCancelled;
  return models::TaskState::kPending;
}

// A Python program on the event-loop model (models/loop/loop.h).
void run_python(const load::Workload& w, const RunOptions& options, const models::MachineProfile& profile,
                sim::Simulation& simulation, RunOutput& out) {
  models::loop::LoopOptions lo;
  lo.machine = profile;
  lo.asyncio_module = &load::loop_asyncio_program();
  lo.record = options.record;
  lo.record_limit = options.record_limit;
  lo.step_budget = options.step_budget;
  lo.trace_phases = options.trace_phases;
  lo.executor_workers = static_cast<int>(w.executor_workers);
  lo.should_stop = options.should_stop_within_event;
  if (w.server_python) {
    // A server whose handler is a Python function: its connections'
    // sockets and its requests are accounted as a YAML server's are.
    lo.socket_per_task = w.connections > 0;
    lo.requests = models::RequestWindow{w.warmup, w.duration};
    lo.distributions = w.server_distributions;
  }
  models::loop::Loop loop(simulation, *w.python, lo);
  loop.start();
  const sim::RunResult r = simulation.run(limits_of(w, options, simulation));
  loop.close_spans(loop.finished() ? loop.finish_time() : r.end_time);
  out.python = true;
  out.reason = r.reason;
  out.events = simulation.events_processed();
  out.waiting = r.waiting;
  out.detail = r.detail;
  out.end_time = loop.finished() ? loop.finish_time() : r.end_time;
  if (loop.killed()) {
    out.status = "killed";
    out.exit_code = 1;
  } else if (loop.finished()) {
    out.status = loop.failed() ? "failed" : "completed";
    out.exit_code = loop.failed() ? 1 : 0;
    out.detail = loop.failed() ? loop.uncaught_type() + ": " + loop.uncaught_message() : std::string();
  } else {
    out.status = sim::to_string(r.reason);
    out.exit_code = 1;
  }
  out.main_state = loop.main_state();
  out.main_result = loop.main_result();
  std::map<std::uint32_t, std::uint32_t> row_of;  // a task's id -> its row
  for (const models::loop::TaskSummary& t : loop.task_summaries()) {
    row_of[t.id] = static_cast<std::uint32_t>(out.tasks.size());
    out.tasks.push_back(models::TaskSummary{t.name, t.start, t.end, state_of(t.state), t.result, false});
  }
  auto task_index = [&](const std::string& name) -> std::uint32_t {
    for (std::size_t i = 0; i < out.tasks.size(); ++i) {
      if (out.tasks[i].name == name) return static_cast<std::uint32_t>(i);
    }
    // The top level or a thread of the executor: a row of its own.
    out.tasks.push_back(models::TaskSummary{name, 0, out.end_time, models::TaskState::kRunning, "", true});
    return static_cast<std::uint32_t>(out.tasks.size() - 1);
  };
  const models::loop::LoopStats& s = loop.stats();
  out.loop.iterations = s.iterations;
  out.loop.busy = s.busy;
  out.loop.system = s.system;
  out.loop.blocked = s.blocked;
  out.loop.longest_stall = s.longest_stall;
  if (s.longest_stall > 0) out.loop.longest_stall_task = task_index(s.longest_stall_task);
  out.loop.longest_stall_at = s.longest_stall_at;
  out.loop.blocking_count = s.blocking_count;
  out.loop.blocking_max_lateness = s.blocking_max_lateness;
  out.loop.max_ready = s.max_ready;
  for (const models::loop::BlockingCall& b : s.blocking_calls) {
    out.loop.blocking_calls.push_back(
        models::BlockingCall{task_index(b.task), b.start, b.duration, b.callbacks_delayed, b.max_lateness});
  }
  out.loop_idle = std::max<sim::Duration>(0, out.end_time - out.loop.busy - out.loop.blocked);
  out.executor_workers = loop.executor_workers();
  out.metrics = loop.metrics();
  for (const models::TraceLine& l : loop.recorder().lines()) {
    out.trace.push_back(NamedLine{l.t, l.task < out.tasks.size() ? out.tasks[l.task].name : "loop", l.event});
  }
  for (const models::Span& sp : loop.recorder().spans()) {
    const auto it = row_of.find(sp.task);
    if (it == row_of.end()) continue;
    out.spans.push_back(NamedSpan{out.tasks[it->second].name, it->second, sp.kind, sp.start, sp.end});
  }
  out.trace_truncated = loop.recorder().truncated();
  for (const models::loop::OutputLine& l : loop.output()) out.output.push_back(OutputLine{l.t, l.task, l.stream, l.text});
  out.outcome.ran = loop.ran() && !loop.run_result().empty();
  out.outcome.result = loop.run_result();
  out.outcome.failed = loop.failed();
  out.outcome.type = loop.uncaught_type();
  out.outcome.message = loop.uncaught_message();
  out.outcome.traceback = loop.uncaught();
  for (const auto& f : loop.uncaught_frames()) out.outcome.frames.push_back(PythonOutcome::Frame{f.file, f.line, f.function});
}

// A Python program on the thread model (models/threads/thread_host.h): its
// top level is the main thread, each task or thread a kernel thread.
void run_python_threads(const load::Workload& w, const RunOptions& options, const models::MachineProfile& profile,
                        sim::Simulation& simulation, RunOutput& out) {
  namespace th = models::threads;
  th::HostOptions ho;
  ho.kernel.on_limit = w.on_thread_limit == "queue" ? models::OnThreadLimit::kQueue : models::OnThreadLimit::kRefuse;
  ho.kernel.working_set = w.thread_working_set;
  ho.kernel.requests = models::RequestWindow{w.warmup, w.duration};
  ho.kernel.record = options.record;
  ho.kernel.record_limit = options.record_limit;
  ho.kernel.compute_budget = options.compute_budget;
  ho.step_budget = options.step_budget;
  ho.gil = w.gil.value_or(true);
  ho.modules = load::thread_model_programs();
  if (w.server_python) {
    // A server whose handler is a Python function: a thread per
    // connection, holding its socket, as the YAML server's.
    ho.kernel.socket_per_thread = w.connections > 0;
    ho.distributions = w.server_distributions;
  }
  th::ThreadHost host(simulation, *w.python, profile, ho);
  host.start();
  const sim::RunResult r = simulation.run(limits_of(w, options, simulation));
  host.close_spans(host.finished() ? host.finish_time() : r.end_time);
  out.python = true;
  out.reason = r.reason;
  out.events = simulation.events_processed();
  out.waiting = r.waiting;
  out.detail = r.detail;
  out.end_time = host.finished() ? host.finish_time() : r.end_time;
  const th::Outcome& o = host.outcome();
  if (host.killed()) {
    out.status = "killed";
    out.exit_code = 1;
  } else if (host.finished()) {
    out.status = o.failed ? "failed" : "completed";
    out.exit_code = o.failed ? 1 : 0;
    out.detail = o.failed ? o.type + ": " + o.message : std::string();
  } else {
    out.status = sim::to_string(r.reason);
    out.exit_code = 1;
  }
  out.main_state = host.main_state();
  out.main_result = host.main_result();
  out.tasks = host.task_summaries();
  out.metrics = host.metrics();
  out.threads = host.stats();
  for (const models::TraceLine& l : host.recorder().lines()) {
    out.trace.push_back(NamedLine{l.t, host.task_name(l.task), l.event});
  }
  for (const models::Span& sp : host.recorder().spans()) {
    out.spans.push_back(NamedSpan{host.task_name(sp.task), sp.task, sp.kind, sp.start, sp.end});
  }
  out.trace_truncated = host.recorder().truncated();
  for (const th::OutputLine& l : host.output()) out.output.push_back(OutputLine{l.t, l.task, l.stream, l.text});
  out.outcome.ran = o.ran;
  out.outcome.result = o.result;
  out.outcome.failed = o.failed;
  out.outcome.type = o.type;
  out.outcome.message = o.message;
  out.outcome.traceback = o.traceback;
  for (const auto& f : o.frames) out.outcome.frames.push_back(PythonOutcome::Frame{f.file, f.line, f.function});
}

}  // namespace

// glibc serves blocks of 128 KiB or more with mmap, and returns them to the
// system when freed, but raises that threshold (up to 32 MiB) each time such
// a block is freed: after that, the vectors a large run outgrows (a million
// task names, the event queue's buckets) are reallocated inside the heap and
// leave holes there that stay resident. Fixing the threshold at its initial
// value keeps them out: about 60 bytes less peak memory per connection at a
// million connections, measured. Allocation policy only: no result changes.
void fix_mmap_threshold() {
#ifdef M_MMAP_THRESHOLD
  static const bool done = [] { return mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1; }();
  (void)done;
#endif
}

RunOutput run_workload(const load::Workload& w, const RunOptions& options) {
  fix_mmap_threshold();
  RunOutput out;
  out.version = CONCSIM_VERSION;
  out.workload = w.name;
  out.model = w.model;
  out.machine = w.machine;
  out.seed = w.seed;
  // Both models run on the same machine profile, so that they are compared
  // fairly. Throws load::ConfigError when it cannot be loaded.
  models::MachineProfile profile = options.machine != nullptr ? *options.machine : load::load_machine(w.machine);
  if (w.handoff_pipe) models::hand_off_through_pipes(profile);
  for (const std::string& m : w.without) models::switch_off(profile, m);
  out.machine_hash = load::machine_fingerprint(w.machine);
  sim::Simulation simulation(w.seed);

  CONCSIM_CHECK(!w.server_python || w.python, "a server with a Python handler is loaded with load_workload");
  if (w.python) {
    if (w.model == "threads" || w.model == "pool") {
      run_python_threads(w, options, profile, simulation, out);
    } else {
      run_python(w, options, profile, simulation, out);
    }
    return out;
  }
  if (w.model == "threads" || w.model == "pool") {
    models::ThreadOptions to;
    to.on_limit = w.on_thread_limit == "queue" ? models::OnThreadLimit::kQueue : models::OnThreadLimit::kRefuse;
    to.socket_per_thread = w.connections > 0;
    to.working_set = w.thread_working_set;
    to.requests = models::RequestWindow{w.warmup, w.duration};
    to.record = options.record;
    to.record_limit = options.record_limit;
    to.step_budget = options.step_budget;
    to.compute_budget = options.compute_budget;
    models::ThreadModel model(simulation, w.compiled, profile, to);
    model.start(main_of(w));
    const sim::RunResult r = simulation.run(limits_of(w, options, simulation));
    collect(model, simulation, r, w, out);
    out.threads = model.stats();
    locate_exceptions(w, out);
    return out;
  }

  models::LoopOptions lo;
  lo.machine = profile;
  lo.socket_per_task = w.connections > 0;
  lo.requests = models::RequestWindow{w.warmup, w.duration};
  lo.executor_workers = static_cast<int>(w.executor_workers);
  lo.record = options.record;
  lo.record_limit = options.record_limit;
  lo.step_budget = options.step_budget;
  lo.compute_budget = options.compute_budget;
  lo.trace_phases = options.trace_phases;
  if (w.processes > 1) {
    run_processes(w, options, lo, simulation, out);
    out.loop_idle = std::max<sim::Duration>(0, out.end_time * w.processes - out.loop.busy - out.loop.blocked);
    locate_exceptions(w, out);
    return out;
  }
  models::EventLoop loop(simulation, w.compiled, lo);
  loop.start(main_of(w));
  const sim::RunResult r = simulation.run(limits_of(w, options, simulation));
  loop.release_run_state();
  collect(loop, simulation, r, w, out);
  out.loop = loop.stats();
  out.loop_idle = out.end_time - out.loop.busy - out.loop.blocked;
  out.executor_workers = loop.executor_workers();
  locate_exceptions(w, out);
  return out;
}

}  // namespace concsim::run
