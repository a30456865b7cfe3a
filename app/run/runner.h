// Runs a loaded workload under a model and gathers what the reports need.
//
// This is the seam between the edges (loading, the command line, report
// writers) and the core (sim/, models/): it builds a Simulation, the model,
// runs it, and copies the results into RunOutput, a plain value that the
// writers in app/report render without knowing any model's internals.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/load/workload.h"
#include "models/loop/steps/event_loop.h"
#include "models/metrics.h"
#include "models/program/trace.h"
#include "models/threads/thread_model.h"
#include "sim/simulation.h"

namespace concsim::run {

struct RunOptions {
  bool record = true;                 // keep the trace and spans
  std::size_t record_limit = 100'000;
  bool trace_phases = false;          // also trace the event loop's phases
  // Instructions a task may run without waiting before the run is stopped as
  // an endless loop (tests lower it to stay fast).
  std::uint64_t step_budget = models::Interpreter::kMaxInstructionsPerStep;
  // Compute steps a task may make in a row without waiting (models/runaway.h).
  std::uint64_t compute_budget = models::kMaxComputeStepsWithoutWait;
  // sim::RunLimits::should_stop of every simulation the run makes: the
  // resource guards' run-time half (app/run/guard.h).
  std::function<bool()> should_stop;
  // Run on this profile instead of loading the workload's (`machine:`); the
  // workload's threads.without and threads.handoff still apply. Tools that
  // vary a profile's value use it.
  const models::MachineProfile* machine = nullptr;
  // Called at the same polls (every 2^16 events) with the virtual time: a
  // long run's progress on a terminal.
  std::function<void(sim::Time)> progress;
  // Polled by a model within one simulator event, where a single event can
  // run for long (an iteration of the event loop with millions of ready
  // callbacks): the wall-clock and memory guards, without counting events.
  std::function<bool()> should_stop_within_event;
};

struct NamedLine {
  sim::Time t;
  std::string task;
  std::string event;
};

struct NamedSpan {
  std::string task;
  std::uint32_t task_index;
  models::SpanKind kind;
  sim::Time start;
  sim::Time end;
};

// A line the program wrote (print, sys.stdout/stderr).
struct OutputLine {
  sim::Time t;
  std::string task;  // the task's name, or the thread's ("MainThread")
  int stream;        // 1 stdout, 2 stderr
  std::string text;
};

// How a Python program ended.
struct PythonOutcome {
  bool ran = false;          // asyncio.run() returned a value
  std::string result;        // its repr()
  bool failed = false;       // an exception left the program
  std::string type;          // "ValueError"
  std::string message;       // str(exc)
  std::string traceback;     // as CPython prints it
  struct Frame {
    std::string file;
    int line;
    std::string function;
  };
  std::vector<Frame> frames;  // outermost first
};

struct RunOutput {
  std::string version;
  std::string workload;
  std::string model;
  std::string machine;
  std::string machine_hash;  // load::machine_fingerprint of the profile it ran on
  std::uint64_t seed = 0;

  // How the run ended.
  sim::StopReason reason = sim::StopReason::kQuiescent;
  std::string status;          // "completed", "stalled", "horizon", ...
  std::string detail;
  std::vector<sim::WaitingTask> waiting;
  int exit_code = 0;           // 0 fine, 1 the run failed a check of its own
  sim::Time end_time = 0;
  std::uint64_t events = 0;

  // The event loop's results.
  std::string main_state;
  std::string main_result;
  std::vector<models::TaskSummary> tasks;
  models::LoopStats loop;
  sim::Duration loop_idle = 0;
  int executor_workers = 0;
  std::vector<std::pair<std::string, std::string>> shared;  // final values
  // Every model: the exceptions raised, where and how often, and where each
  // entry was raised as "file:line:column".
  models::ExceptionLog exceptions;
  std::vector<std::string> exception_where;

  // The thread model's results (model "threads"); the event loop will fill
  // `metrics` too.
  models::Metrics metrics;
  models::ThreadStats threads;

  // Python programs: what they printed and how they ended.
  bool python = false;
  std::vector<OutputLine> output;
  PythonOutcome outcome;

  std::vector<NamedLine> trace;
  std::vector<NamedSpan> spans;
  bool trace_truncated = false;
};

RunOutput run_workload(const load::Workload& workload, const RunOptions& options);

}  // namespace concsim::run
