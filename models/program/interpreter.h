// Runs a task's bytecode until it needs its runtime.
//
// The interpreter is model-neutral: it knows nothing of time, cores or event
// loops. It executes instructions that need no one else (assignments, jumps,
// exception handling) and stops at the first one that does, returning a
// Request. The runtime (the event loop, the thread scheduler) carries the
// request out and later calls run() again with the outcome: a value, or an
// exception raised at the instruction that asked (this is how cancellation
// reaches the await a task is suspended at).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/chunk_arena.h"
#include "models/exception_log.h"
#include "models/program/program.h"
#include "sim/random.h"
#include "sim/time.h"

namespace concsim::models {

enum class TaskState : std::uint8_t { kPending, kRunning, kDone, kFailed, kCancelled };
const char* to_string(TaskState s);

// The exceptions a task is handling: a stack that is empty for almost every
// task, so it costs one pointer until the first `except` block runs (a
// std::vector would cost three words in each of a million tasks).
class ExcStack {
 public:
  [[nodiscard]] bool empty() const { return !v_ || v_->empty(); }
  [[nodiscard]] const Value& back() const { return v_->back(); }
  void push_back(Value v) { vec().push_back(v); }
  void pop_back() { v_->pop_back(); }
  void resize(std::size_t n) {
    if (n == 0 && !v_) return;
    vec().resize(n);
  }
  void clear() {
    if (v_) v_->clear();
  }
  [[nodiscard]] std::size_t capacity() const { return v_ ? v_->capacity() : 0; }

 private:
  std::vector<Value>& vec() {
    if (!v_) v_ = std::make_unique<std::vector<Value>>();
    return *v_;
  }
  std::unique_ptr<std::vector<Value>> v_;
};

// The locals of every task of a run, carved from large blocks: a million
// tasks of three locals cost 48 bytes each, not a 64-byte malloc chunk and
// its bookkeeping. Arrays of a size freed (a task ended) are reused for the
// next task of that size, linked through their first value. The blocks come
// from a ChunkArena (huge pages for a large run); a function with more
// locals than a block holds gets a block of its own. Freed with the
// interpreter.
class LocalsPool {
 public:
  Value* allocate(std::uint32_t n);
  void release(Value* p, std::uint32_t n);
  // Returns every array to the system at once: what was handed out must
  // never be read again.
  void clear();

 private:
  static constexpr std::size_t kBlock = 8192;  // values: 128 KiB
  ChunkArena arena_{kBlock * sizeof(Value)};
  std::vector<std::unique_ptr<Value[]>> oversize_;
  Value* block_ = nullptr;  // the block being carved
  std::size_t used_ = 0;    // values of it handed out
  std::vector<Value*> free_;  // per size: the first free array, or null
};

// The interpreter's part of a task. Runtimes embed it in their own task type.
struct TaskCore {
  std::uint32_t function = 0;
  std::uint32_t pc = 0;
  Value* locals = nullptr;  // num_locals values of the Interpreter's LocalsPool
  ExcStack exc_stack;  // exceptions being handled; empty for most tasks
  sim::RandomStream rng;

  [[nodiscard]] std::size_t memory_bytes(const Program& p) const {
    return sizeof(TaskCore) + (locals != nullptr ? p.functions[function].num_locals * sizeof(Value) : 0) +
           exc_stack.capacity() * sizeof(Value);
  }
};

struct Resume {
  enum class Kind : std::uint8_t { kStart, kValue, kException } kind = Kind::kStart;
  Value value;

  static Resume start() { return {}; }
  static Resume with(Value v) { return {Kind::kValue, v}; }
  static Resume raise(Value exc) { return {Kind::kException, exc}; }
};

struct Request {
  enum class Kind : std::uint8_t {
    kCpu, kBlock, kSleep, kIo, kYield, kLog,
    kSpawn,            // spec, args, name -> resume with the new task
    kAwait,            // value: a task
    kGather,           // value: a list of tasks; flag: return_exceptions
    kWait,             // value: a list of tasks; spec: wait spec; duration if has_timeout
    kAsCompletedNext,  // value: a list of remaining tasks -> resume with the finished task
    kWaitFor,          // value: a task; duration: timeout
    kCancel,           // value: a task or a list of tasks
    kAcquire, kRelease, kEventSet, kEventClear, kEventWait,
    kQueuePut, kQueueGet, kQueueTaskDone, kQueueJoin,  // object; value: the item for put
    kExecutor,         // spec, args
    kArrive,           // duration (value: the base, a duration, when has_timeout): wait for the next request
                       // -> resume with None, or True if the server stopped
    kRequestDone,      // flag: the handler failed
    kFinished,         // the task ended: value is its result, or its exception if failed
    kRunaway,          // too many instructions without a request: an endless loop
  };
  Kind kind = Kind::kFinished;
  sim::Duration duration = 0;
  bool has_timeout = false;
  bool flag = false;     // gather: return_exceptions; finished: failed
  Value value;
  std::uint32_t spec = kNone;
  std::uint32_t object = kNone;
  std::vector<Value> args;  // spawn, executor
  std::string text;         // log line; spawn: the task name
};

class Interpreter {
 public:
  Interpreter(const Program& program, Store& store, std::vector<Value>& shared, const TaskNamer* namer)
      : p_(program), store_(store), shared_(shared), namer_(namer) {
    set_stream_seed(0);
  }

  // Where raised exceptions are recorded (none by default). The runtime
  // owns the log; see models/exception_log.h for what is recorded when.
  void set_exception_log(ExceptionLog* log) { log_ = log; }
  // The run's seed, from which Op::kStream derives entity streams.
  void set_stream_seed(std::uint64_t seed);

  // Prepares a task to run `function` with `args` (one per parameter).
  void init_task(TaskCore& task, std::uint32_t function, const std::vector<Value>& args,
                 sim::RandomStream rng);
  // Frees what only a running task needs (its locals), once it has ended:
  // nothing may run or read them afterwards.
  void release(TaskCore& task);
  // Returns the locals of every task to the system, once no task will run
  // again and each was released (a large run's results then need no memory
  // for them).
  void release_all() { locals_.clear(); }

  // Runs until the task needs its runtime. `resume` is the outcome of the
  // last request (kStart the first time). `now` is the virtual time, which
  // the program reads with now(). `budget` counts down the instructions (and
  // requests) the task may still execute before it waits: the runtime keeps
  // one budget for all the requests it answers at once (log, spawn, ...) and
  // starts a new one when the task has really waited, so an endless loop
  // without an await is caught whatever its steps. At 0: kRunaway.
  Request run(TaskCore& task, const Resume& resume, sim::Time now, std::uint64_t& budget);

  // A step's budget: opening a million connections with `count` takes about
  // 6 million; a loop that never awaits is stopped after this many.
  static constexpr std::uint64_t kMaxInstructionsPerStep = 100'000'000;

  [[nodiscard]] const Program& program() const { return p_; }
  [[nodiscard]] Store& store() const { return store_; }
  // The source position of the instruction a task is at, for messages.
  [[nodiscard]] const SourceRef& where(const TaskCore& task) const { return p_.where[task.pc]; }
  // What a suspended task waits on, for stall reports ("sleep", "get q", ...).
  [[nodiscard]] std::string describe_wait(const TaskCore& task) const;

 private:
  bool raise(TaskCore& task, Value exc, Request* finished);
  // The log entry of `exc`, recording it first if this is its first raise.
  std::uint32_t log_raise(const TaskCore& task, Value exc);
  sim::Duration sample_duration(TaskCore& task, std::uint32_t index, Value* exc);
  void store_var(TaskCore& task, std::uint32_t var, Value v);
  [[nodiscard]] EvalContext context(const TaskCore& task) const {
    return EvalContext{store_, task.locals, shared_.data(), namer_, now_};
  }

  const Program& p_;
  Store& store_;
  std::vector<Value>& shared_;
  const TaskNamer* namer_;
  sim::Time now_ = 0;  // of the run() in progress
  LocalsPool locals_;
  ExceptionLog* log_ = nullptr;
  // Per string id: derive(seed, name) for the names of the program's
  // Op::kStream, so a stream step hashes no name (a performance trick:
  // servers take two streams per request).
  std::vector<sim::RandomStream> stream_bases_;
};

}  // namespace concsim::models
