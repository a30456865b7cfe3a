// A workload file: the program the simulated tasks run, its shared state and
// synchronisation objects, and the run's limits. configs/README.md is the
// reference for the file format.
//
// Loading builds the model-neutral program tree (models/program/ast.h), with
// every piece's file position and key path recorded, and compiles it at once,
// so that every mistake in a workload, down to a misspelt variable inside a
// "${...}" expression, is reported before a run starts, as a ConfigError at
// the place where it was written.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "app/load/config.h"
#include "models/program/steps.h"
#include "models/program/program.h"
#include "models/vm/code.h"
#include "sim/time.h"

namespace concsim::load {

// Magnitudes that no run could get through are rejected while loading rather
// than discovered hours into a run.
inline constexpr std::int64_t kMaxRepeatLiteral = 1'000'000'000'000;  // repeat times, async_for items
inline constexpr std::int64_t kMaxSyncValue = 1'000'000'000'000;      // semaphore value, queue maxsize
// Steps after `call` bodies are inlined and finally blocks are copied to
// every exit, which is what the compiler emits.
inline constexpr std::int64_t kMaxProgramSteps = 1'000'000;
inline constexpr std::int64_t kMaxExecutorWorkers = 1024;
inline constexpr std::int64_t kMaxConnections = 10'000'000;
inline constexpr std::int64_t kMaxProcesses = 1024;
inline constexpr std::int64_t kMaxPoolThreads = 1'000'000;
// The function each connection of a server workload runs.
inline constexpr const char* kConnectionFunction = "__connection";
// The shared variable that tells a server's event-loop process which share
// of the connections it opens (loop.processes).
inline constexpr const char* kProcessVariable = "__process";

struct Workload {
  std::string name;  // default: the file's stem
  std::string description;
  std::uint64_t seed = 1;
  std::string model = "async";  // "async", "async+executor", "threads" or "pool"
  std::string machine = "ideal";
  std::int64_t connections = 0;       // 0: not given; else also the shared variable `connections`
  models::ProgramAst program;         // `functions` plus a function "main" built from `main:`
  models::Program compiled;           // models::compile_program(program)
  // `python: FILE`: the program is a Python file, run as its own top level
  // (asyncio.run(main()) and all); empty for a program of YAML steps.
  std::string python_file;
  std::shared_ptr<const vm::Program> python;
  // `engine: python`: a program of YAML steps run as the Python it lowers to
  // (models/program/lower.h, exact durations) on the VM, instead of by the
  // step interpreter; `python` is then that program.
  std::string engine = "steps";
  // A server whose handler is a Python function (`handler: {python: FILE,
  // function: NAME}`): `python` is that file with the server's scaffolding
  // (app/load/server_python.h), run on the event loop with the server's
  // request accounting; these are the distributions the scaffolding draws.
  bool server_python = false;
  std::vector<sim::Distribution> server_distributions;
  std::int64_t executor_workers = 0;  // 0: the model's default, min(32, cores + 4)
  std::int64_t processes = 1;         // loop.processes: event loops as worker processes
  std::string on_thread_limit = "refuse";  // threads.on_limit: "refuse" or "queue"
  std::int64_t pool_threads = 200;         // threads.pool: model pool's threads (Tomcat's default maxThreads)
  std::int64_t thread_working_set = 0;     // threads.working_set: buffer bytes a thread touches each time it runs
  std::vector<std::string> without;        // threads.without: mechanisms switched off (models/threads/ablation.h)
  // threads.gil: Python's global interpreter lock under the thread model
  // (models/threads/thread_host.h); unset: on for Python programs.
  std::optional<bool> gil;
  bool handoff_pipe = false;               // threads.handoff: pipe (waits and wakes are pipe reads and writes)
  // A server workload's measuring window: requests arriving before `warmup`
  // are not counted; none arrives at or after `duration`.
  sim::Time warmup = 0;
  sim::Time duration = sim::kTimeMax;
  sim::Time horizon = sim::kTimeMax;  // limits.horizon
  std::uint64_t max_events = std::numeric_limits<std::uint64_t>::max();  // limits.max_events

  // Where the program's pieces were written: the file as given, and the
  // pieces that came from --set (or another option), by (key path, line,
  // column). For messages about a step, such as the exceptions a run lists.
  std::string file;
  std::map<std::tuple<std::string, int, int>, std::string> other_files;
  // "w.yaml:3:7", or "--set:1:13" for a step from an override.
  [[nodiscard]] std::string located(int line, int column, const std::string& path) const;
};

// Reads and compiles a workload. Throws ConfigError for anything wrong with
// it, compile errors included, at the file, line, column and key path where
// the offending piece was written (for values set with --set, file "--set").
Workload load_workload(const Document& doc);

// As load_workload, without compiling: `compiled` stays empty. For tools and
// tests that look at the program tree itself; only load_workload reports the
// errors the compiler finds (unknown variables, expression syntax, ...).
Workload read_workload(const Document& doc);

// The document `concsim run prog.py` stands for: `python: prog.py` and the
// program's name, so that --set, the shortcuts and sweeps apply to a Python
// program as to a workload file.
Document python_document(const std::string& path);
// A workload file, or a Python program (a path ending in ".py") as
// python_document gives it.
Document load_program_document(const std::string& path);

}  // namespace concsim::load
