#include "app/run/runner.h"

#include "app/load/machine.h"
#include "sim/check.h"

#ifndef CONCSIM_VERSION
#define CONCSIM_VERSION "0.0.0"
#endif

namespace concsim::run {
namespace {

// Model "threads": the same program as OS threads on the workload's machine
// profile. Fills the fields the event loop's path fills, plus metrics.
// Throws load::ConfigError when the machine profile cannot be loaded.
void run_threads(const load::Workload& w, const RunOptions& options, RunOutput& out) {
  const models::MachineProfile profile = load::load_machine(w.machine);
  sim::Simulation simulation(w.seed);
  models::ThreadOptions to;
  // The workload key threads.on_limit (refuse or queue) is not read yet:
  // a refused spawn raises, as Python's Thread.start() does.
  to.record = options.record;
  to.record_limit = options.record_limit;
  models::ThreadModel model(simulation, w.compiled, profile, to);
  const std::uint32_t main = w.compiled.find_function("main");
  CONCSIM_CHECK(main != models::kNone, "a loaded workload always has main");
  model.start(main);

  sim::RunLimits limits;
  limits.horizon = w.horizon;
  limits.max_events = w.max_events;
  const sim::RunResult r = simulation.run(limits);

  out.reason = r.reason;
  out.events = simulation.events_processed();
  out.waiting = r.waiting;
  out.detail = r.detail;
  out.end_time = model.finished() ? model.finish_time() : r.end_time;
  if (model.finished() && r.reason == sim::StopReason::kStopped && r.detail == models::ThreadModel::kFinishedDetail) {
    out.status = "completed";
    out.detail.clear();
  } else if (model.stats().killed) {
    out.status = "killed";  // the OOM killer: a result of the run, reported as a failure
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
  out.threads = model.stats();
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

}  // namespace

RunOutput run_workload(const load::Workload& w, const RunOptions& options) {
  RunOutput out;
  out.version = CONCSIM_VERSION;
  out.workload = w.name;
  out.model = w.model;
  out.machine = w.machine;
  out.seed = w.seed;

  if (w.model == "threads") {
    run_threads(w, options, out);
    return out;
  }

  sim::Simulation simulation(w.seed);
  models::LoopOptions lo;
  lo.executor_workers = static_cast<int>(w.executor_workers);
  lo.record = options.record;
  lo.record_limit = options.record_limit;
  lo.trace_phases = options.trace_phases;
  models::EventLoop loop(simulation, w.compiled, lo);
  const std::uint32_t main = w.compiled.find_function("main");
  CONCSIM_CHECK(main != models::kNone, "a loaded workload always has main");
  loop.start(main);

  sim::RunLimits limits;
  limits.horizon = w.horizon;
  limits.max_events = w.max_events;
  const sim::RunResult r = simulation.run(limits);

  out.reason = r.reason;
  out.events = simulation.events_processed();
  out.waiting = r.waiting;
  out.detail = r.detail;
  out.end_time = loop.finished() ? loop.finish_time() : r.end_time;
  if (loop.finished() && r.reason == sim::StopReason::kStopped && r.detail == "asyncio.run returned") {
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
  out.main_state = models::to_string(loop.main_state());
  out.main_result = loop.main_result();
  if (out.status == "completed" && loop.main_state() == models::TaskState::kFailed) {
    out.exit_code = 1;
    out.detail = "main raised " + out.main_result;
  }
  out.tasks = loop.task_summaries();
  out.loop = loop.stats();
  out.loop_idle = out.end_time - out.loop.busy - out.loop.blocked;
  out.executor_workers = loop.executor_workers();
  for (std::size_t i = 0; i < w.compiled.shared.size(); ++i) {
    out.shared.emplace_back(w.compiled.shared[i].name, loop.store().format(loop.shared()[i], &loop, true));
  }
  for (const models::TraceLine& l : loop.recorder().lines()) {
    out.trace.push_back(NamedLine{l.t, loop.task_name(l.task), l.event});
  }
  for (const models::Span& s : loop.recorder().spans()) {
    out.spans.push_back(NamedSpan{loop.task_name(s.task), s.task, s.kind, s.start, s.end});
  }
  out.trace_truncated = loop.recorder().truncated();
  return out;
}

}  // namespace concsim::run
