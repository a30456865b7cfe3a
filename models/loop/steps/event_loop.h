// The step-language event loop: CPython 3.11 asyncio's semantics in virtual
// time for programs written as YAML steps (the IR of models/program/, run by
// its Interpreter). It is not the loop that runs Python programs: that one,
// `loop::Loop` in models/loop/ (loop.h), runs asyncio's own algorithms on the
// program VM. This one implements tasks, futures, gather, locks and queues
// natively over compact per-connection records, and stays as the fast path
// for YAML programs, whose memory targets (a million connections) the VM
// cannot meet. The two share the semantics (README, "The event loop's
// semantics"), not code.
//
// The loop, by concept, one file each in this folder:
//   iteration.cc       the iteration (_run_once): ready queue, poll, timer and
//                      run phases, kernel events, select/wait accounting
//   futures.cc         futures and their done callbacks
//   tasks.cc           tasks: create, step, suspend, wake up, finish,
//                      cancel, asyncio.run's shutdown; the dispatch of a
//                      task's requests to the handler of each concept
//   gather_wait.cc     gather, wait, wait_for, as_completed
//   timers.cc          sleep, I/O and request-arrival waits (kernel timers)
//   cores.cc           cpu and block steps, the machine's cores
//   sync.cc            locks, semaphores, events, queues
//   executor.cc        run_in_executor: workers and jobs
//   memory_metrics.cc  memory against RAM, the reported metrics
//   event_loop.cc      construction, asyncio.run's start, the results
//   chunked.h          the chunked vector that holds tasks and futures
//
// One loop thread runs callbacks from a FIFO ready queue. Each iteration
// (BaseEventLoop._run_once) has three phases, in this order:
//
//        +--------------------------------------------------------+
//        v                                                        |
//   [1 poll]  select(): I/O completions that arrived become       |
//        |    ready callbacks (and executor results posted with   |
//        |    call_soon_threadsafe are already in the queue)      |
//        v                                                        |
//   [2 timers] timers whose deadline has passed move to the       |
//        |     ready queue, by (deadline, order scheduled)        |
//        v                                                        |
//   [3 run]  run exactly the callbacks that were ready when this  |
//            phase began; callbacks they schedule wait for the    |
//            next iteration ------------------------------------- +
//
// When nothing is ready the loop sleeps in select until the next timer or
// I/O completion; "now" moves only then, or while a callback runs a `cpu` or
// `block` step (the loop thread is busy or frozen: nothing else runs).
//
// Awaiting follows asyncio's futures and callbacks hop by hop: a finished
// sleep's timer callback sets a future in one iteration and the task resumes
// in the next; a created task first runs in a later iteration; gather,
// wait, wait_for and as_completed are built from done callbacks the same way,
// and cancellation cancels the future a task waits on so that CancelledError
// is raised at the await. Deterministic choices where asyncio's order depends
// on memory addresses are listed in README.md ("The event loop's semantics").
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/exception_log.h"
#include "models/loop/steps/chunked.h"
#include "models/loop_memory.h"
#include "models/machine.h"
#include "models/metrics.h"
#include "models/requests.h"
#include "models/runaway.h"
#include "models/program/interpreter.h"
#include "models/program/program.h"
#include "models/program/trace.h"
#include "sim/simulation.h"
#include "sim/stats.h"

namespace concsim::models {

struct LoopOptions {
  // Instructions a task may run before it waits (see Interpreter::run).
  std::uint64_t step_budget = Interpreter::kMaxInstructionsPerStep;
  // Compute steps (cpu, block) a task may make in a row without awaiting
  // (see models/runaway.h).
  std::uint64_t compute_budget = kMaxComputeStepsWithoutWait;
  // Which of several loops sharing a simulation this is (loop.processes):
  // main's random stream is keyed by it.
  std::uint32_t process = 0;
  // The machine: cores, the costs the loop thread pays per select() call
  // (syscall + poll) and per ready I/O event (per_event), the memory of a
  // task's frame and of a connection's socket buffers, the executor threads'
  // stacks, and RAM.
  MachineProfile machine;
  bool socket_per_task = false;     // each task but main holds a connection's socket buffers
  RequestWindow requests{};         // a server workload's warm-up and stop time
  // Initial values that replace the program's for this loop only (one
  // process of several: its share of a server's connections).
  std::vector<std::pair<std::string, Value>> shared_overrides;
  // Stop the run when asyncio.run returns; false when several loops share
  // one simulation, which then ends when all of them are done.
  bool stop_when_done = true;
  int executor_workers = 0;         // 0: min(32, cores + 4), as ThreadPoolExecutor
  bool record = false;              // keep a trace and spans
  std::size_t record_limit = 100'000;
  bool trace_phases = false;        // also trace the loop's own phases (claim S18)
};

struct BlockingCall {
  std::uint32_t task;
  sim::Time start;
  sim::Duration duration;
  // Ready callbacks (in practice one per waiting task: a wake-up, a due timer,
  // a finished I/O) that became ready before the call ended and had to wait.
  std::uint64_t callbacks_delayed = 0;
  sim::Duration max_lateness = 0;    // the longest such wait caused by this call
};

struct TaskSummary {
  std::string name;
  sim::Time start = -1;  // first step; -1 if it never ran
  sim::Time end = -1;
  TaskState state = TaskState::kPending;
  std::string result;    // the result, or the exception, as text
  bool is_executor_job = false;
};

struct LoopStats {
  std::uint64_t iterations = 0;
  sim::Duration busy = 0;      // the loop thread on a core: cpu steps and poll costs
  sim::Duration system = 0;    // of which select() calls and event handling (poll costs)
  sim::Duration blocked = 0;   // frozen in blocking calls
  sim::Duration longest_stall = 0;
  std::uint32_t longest_stall_task = Recorder::kNoTask;
  sim::Time longest_stall_at = 0;
  // Every blocking call counts here; the first kMaxBlockingCallsListed are
  // also listed one by one, so a server that blocks in every request keeps a
  // bounded record.
  std::vector<BlockingCall> blocking_calls;
  std::uint64_t blocking_count = 0;
  sim::Duration blocking_max_lateness = 0;
  static constexpr std::size_t kMaxBlockingCallsListed = 1000;
  std::uint64_t max_ready = 0;
};

class EventLoop final : public sim::EventHandler, public sim::StallSource, public TaskNamer {
 public:
  EventLoop(sim::Simulation& sim, const Program& program, const LoopOptions& options);
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // asyncio.run(main()): creates the main task. Run the simulation after it.
  // When main finishes, the remaining tasks are cancelled and awaited and the
  // executor is shut down, as asyncio.run does; then the loop stops the run.
  void start(std::uint32_t function);

  [[nodiscard]] bool finished() const { return finished_; }
  [[nodiscard]] sim::Time finish_time() const { return finish_time_; }
  // The main task's outcome: its result, or its exception if it failed.
  [[nodiscard]] TaskState main_state() const;
  [[nodiscard]] std::string main_result() const;

  [[nodiscard]] std::vector<TaskSummary> task_summaries() const;
  [[nodiscard]] const LoopStats& stats() const { return stats_; }
  [[nodiscard]] const Recorder& recorder() const { return recorder_; }
  [[nodiscard]] const std::vector<Value>& shared() const { return shared_; }
  [[nodiscard]] const Store& store() const { return store_; }
  [[nodiscard]] std::size_t memory_bytes() const;
  [[nodiscard]] int executor_workers() const { return max_workers_; }
  // The figures every model reports (models/metrics.h). Tasks are all but
  // main; executor jobs are not tasks.
  [[nodiscard]] Metrics metrics();
  // The process was killed for memory (the machine's on_oom: kill).
  [[nodiscard]] bool killed() const { return killed_; }
  [[nodiscard]] const RequestStats& request_stats() const { return requests_; }
  // The exceptions raised in the run (models/exception_log.h).
  [[nodiscard]] const ExceptionLog& exceptions() const { return exceptions_; }
  // Closes the spans still open when the run ended (a stall, a horizon), so
  // that timelines and traces show what each task was doing at the end.
  void close_spans(sim::Time t) { recorder_.close_all(t); }
  // Frees what only a running loop needs (futures, the ready queues), once
  // the simulation has returned: the results need only the tasks and the
  // store, so the peak memory of a large run is not the run's state plus
  // its summaries.
  void release_run_state();
  static constexpr const char* kFinishedDetail = "asyncio.run returned";

  std::string task_name(std::uint32_t task) const override;
  void on_event(std::uint64_t tag) override;
  void describe_waiting(std::vector<sim::WaitingTask>& out) const override;

 private:
  // ---- futures ----
  struct FutRef {
    std::uint32_t index = 0xFFFFFFFF;
    std::uint32_t gen = 0;
    [[nodiscard]] bool valid() const { return index != 0xFFFFFFFF; }
  };
  enum class CbKind : std::uint8_t {
    kStep,            // Task.__step: a task's first step, or after a yield
    kWakeup,          // Task.__wakeup: resume with the outcome of future b
    kSetResult,       // a sleep's timer or an I/O's readiness: set future a's result
    kReleaseWaiter,   // _release_waiter: set future a's result unless done
    kGatherChild,     // gather's _done_callback for child b of gather a
    kWaitCompletion,  // wait's _on_completion for wait state a
    kExecutorDone,    // the executor's result, posted with call_soon_threadsafe
    kMainDone,        // run_until_complete's callback: stop after this iteration
  };
  struct Callback {
    CbKind kind;
    std::uint32_t a;
    std::uint32_t b;
    std::uint32_t gen;  // of the future named by a (or b for kWakeup)
    sim::Time ready_at = 0;
  };
  enum class FutState : std::uint8_t { kPending, kDone, kCancelled };
  enum class FutKind : std::uint8_t { kPlain, kTask, kGather };
  // Two per connection of a server (its task's and the I/O it waits on):
  // 48 bytes. The value is kept as kind and payload so that the flags fill
  // its padding. Almost every future has exactly one done callback (the task
  // awaiting it), so the first lives here, without its ready time (set when
  // it is scheduled), and only more go to a side table keyed by the future's
  // index (more_callbacks_): a performance trick that removes an allocation
  // per await and keeps the future small.
  struct Future {
    FutState state = FutState::kPending;
    FutKind kind = FutKind::kPlain;
    bool exception : 1 = false;
    bool live : 1 = false;
    bool has_first : 1 = false;     // a done callback is held in first_*
    bool has_more : 1 = false;      // more are in more_callbacks_[index]
    std::uint8_t first_kind : 4 = 0;  // a CbKind
    ValueKind value_kind = ValueKind::kNull;
    std::uint32_t gen = 0;
    std::uint32_t owner = 0;      // task for kTask, gather for kGather
    std::uint32_t first_a = 0;
    std::uint32_t first_b = 0;
    std::uint32_t first_gen = 0;
    std::int64_t value_bits = 0;
    sim::EventId timer;           // a timer to cancel with the future

    [[nodiscard]] Value value() const { return Value{value_kind, value_bits}; }
    void set_value(Value v) {
      value_kind = v.kind;
      value_bits = v.bits;
    }
    [[nodiscard]] Callback first() const {
      return Callback{static_cast<CbKind>(first_kind), first_a, first_b, first_gen, 0};
    }
  };

  // ---- tasks ----
  // Task names, one after the other: a million "conn123456" cost their
  // characters, a byte of length each and an offset per block of 16 names
  // (about 11.5 bytes each), not a std::string in the store (32 bytes, and
  // twice that while its vector doubles) nor an offset per name. A name is
  // found from its block's offset and the lengths before it in the block.
  // Deques, so growth never copies.
  class NameTable {
   public:
    std::uint32_t add(std::string_view s) {
      const auto i = static_cast<std::uint32_t>(lengths_.size());
      if (i % kBlock == 0) block_begins_.push_back(chars_.size());
      chars_.insert(chars_.end(), s.begin(), s.end());
      if (s.size() >= kLong) {
        lengths_.push_back(kLong);
        long_lengths_.emplace(i, s.size());
      } else {
        lengths_.push_back(static_cast<std::uint8_t>(s.size()));
      }
      return i;
    }
    // One iterator walks the block's lengths (a deque's operator[] finds the
    // chunk of every element anew), and the characters are copied a chunk at
    // a time (std::copy from deque iterators), not one by one as
    // std::string's constructor from iterators does.
    [[nodiscard]] std::string get(std::uint32_t i) const {
      const std::uint32_t block_first = i - i % kBlock;
      std::size_t begin = block_begins_[i / kBlock];
      auto len = lengths_.begin() + static_cast<std::ptrdiff_t>(block_first);
      for (std::uint32_t j = block_first; j < i; ++j, ++len) begin += length(j, *len);
      const std::size_t n = length(i, *len);
      std::string out(n, '\0');
      const auto first = chars_.begin() + static_cast<std::ptrdiff_t>(begin);
      std::copy(first, first + static_cast<std::ptrdiff_t>(n), out.begin());
      return out;
    }

   private:
    static constexpr std::uint32_t kBlock = 16;
    static constexpr std::uint8_t kLong = 0xFF;  // the length is in long_lengths_
    // The length of name i, whose byte in lengths_ is `stored`.
    [[nodiscard]] std::size_t length(std::uint32_t i, std::uint8_t stored) const {
      return stored == kLong ? long_lengths_.at(i) : stored;
    }
    std::deque<char> chars_;
    std::deque<std::uint8_t> lengths_;
    std::deque<std::size_t> block_begins_;
    std::unordered_map<std::uint32_t, std::size_t> long_lengths_;  // names of 255 characters or more
  };
  enum class PendingOp : std::uint8_t {
    kNone, kFuture, kWait, kAsCompleted, kWaitFor, kWaitForCancel, kWaitForCancelled,
    kAcquire, kEventWait, kQueueGet, kQueuePut, kQueueJoin,
  };
  // One per connection, kept to the end for the results: 96 bytes, laid
  // out without padding holes (the result's kind sits with the small fields
  // at the end, not in a Value's padding).
  struct Task {
    TaskCore core;
    std::int64_t result_bits = 0;  // result or exception (result())
    sim::Time created = 0;
    sim::Time start = -1;
    sim::Time end = -1;
    FutRef waiter;                 // _fut_waiter
    FutRef future;                 // the task's own future
    std::uint32_t name = 0;        // index into names_
    std::uint32_t op_a = 0;        // op state: wait state, sync object, task
    std::uint32_t completion = 0;  // order of completion, for as_completed (tasks < 2^30)
    TaskState state = TaskState::kPending;
    PendingOp op = PendingOp::kNone;
    ValueKind result_kind = ValueKind::kNull;
    bool started : 1 = false;
    bool must_cancel : 1 = false;
    bool is_main : 1 = false;

    [[nodiscard]] Value result() const { return Value{result_kind, result_bits}; }
    void set_result(Value v) {
      result_kind = v.kind;
      result_bits = v.bits;
    }
  };
  static_assert(sizeof(Task) <= 96, "one per connection: the simulator's memory per connection");
  static_assert(sizeof(Future) <= 48, "two futures per connection: the simulator's memory per connection");

  struct GatherState {
    FutRef outer;
    // The store's list of the children (lists are immutable once shared):
    // not a copy, which would cost 16 bytes per connection of a server.
    std::uint32_t children = 0;
    std::uint32_t finished = 0;
    bool return_exceptions = false;
    bool cancel_requested = false;
  };
  struct WaitState {
    FutRef waiter;
    std::vector<Value> tasks;
    std::int64_t counter = 0;
    ReturnWhen when = ReturnWhen::kAllCompleted;
    sim::EventId timer;
  };
  struct SyncState {
    SyncKind kind;
    std::int64_t value = 0;    // semaphore count; lock: 1 when free; event: 1 when set
    std::int64_t initial = 0;
    std::deque<FutRef> waiters;   // acquire/wait/get
    std::deque<FutRef> putters;
    std::deque<FutRef> joiners;
    std::deque<Value> items;
    std::int64_t unfinished = 0;
  };
  struct Job {
    TaskCore core;
    FutRef future;
    std::uint32_t name;
    std::uint32_t owner;
    sim::Time start = -1;
    sim::Time end = -1;
    bool failed = false;
    ComputeStreak compute;  // cpu steps since the job last slept, blocked or did I/O
    Value result;
  };

  // Kernel event tags: the kind in the top byte, a 32-bit index (a future's,
  // a worker's), and the low 24 bits of the future's generation (a timer's
  // event is cancelled when its future is freed, so a stale one never
  // meets a slot reused 2^24 times).
  enum class Tag : std::uint8_t { kIterate, kCpuDone, kTimer, kIo, kWorker, kPollDone };
  static constexpr std::uint32_t kTagGenMask = 0xFFFFFF;
  static std::uint64_t tag(Tag kind, std::uint32_t index, std::uint32_t gen = 0) {
    return (static_cast<std::uint64_t>(kind) << 56) | (static_cast<std::uint64_t>(index) << 24) | (gen & kTagGenMask);
  }

  // Constants shared by the files below.
  static constexpr std::uint32_t kIdle = 0xFFFFFFFF;  // no job, no task
  static constexpr std::uint32_t kJobIdBase = 0x40000000;  // trace ids of executor jobs, apart from tasks'

  // ---- the iteration (iteration.cc) ----
  void call_soon(Callback cb);
  void wake_loop();
  void schedule_iteration();
  void iterate();
  void poll_done();
  void run_ready();
  void prefetch_ahead();
  void move_to_ready(std::deque<Callback>& from);
  void end_iteration();
  void run_callback(const Callback& cb);
  void account_wait(sim::Time from, sim::Time to, bool blocked, std::uint32_t task);

  // ---- futures and their done callbacks (futures.cc) ----
  FutRef new_future(FutKind kind, std::uint32_t owner);
  Future* get(FutRef r);
  void free_future(FutRef r);
  void add_done_callback(FutRef f, Callback cb);
  void remove_done_callback(FutRef f, CbKind kind, std::uint32_t a);
  // Done callbacks of future `index`, in the order added: the first in the
  // future, the rest in more_callbacks_.
  void push_callback(std::uint32_t index, Future& f, const Callback& cb);
  void clear_callbacks(std::uint32_t index, Future& f);
  std::vector<Callback> take_callbacks(std::uint32_t index, Future& f);
  void schedule_callbacks(std::uint32_t index);
  void set_result(FutRef f, Value v);
  void set_exception(FutRef f, Value exc);
  bool cancel_future(FutRef f);
  Resume outcome_of(FutRef f);

  // ---- tasks (tasks.cc) ----
  // `rng`: the task's random stream (split from its creator's).
  std::uint32_t create_task(std::uint32_t function, const std::vector<Value>& args, std::string_view name,
                            sim::RandomStream rng);
  // Stops the run: task `task` (or an executor job) runs away (an endless loop).
  void stop_runaway(std::uint32_t task, const std::string& detail);
  void run_step(std::uint32_t task);
  void step(std::uint32_t task, Resume resume);
  // A task's request, by concept: each handle_* below takes the requests
  // of its own file. All return true when the task goes on at once with
  // *next, false when it waits (or the run stops).
  bool handle(std::uint32_t task, Request& req, Resume* next);
  bool handle_task_request(std::uint32_t task, Request& req, Resume* next);
  void yield_task(std::uint32_t task);
  void suspend(std::uint32_t task, FutRef f, PendingOp op);
  void wakeup(std::uint32_t task, FutRef f);
  void finish(std::uint32_t task, bool failed, Value v);
  bool cancel_task(std::uint32_t task);
  Resume task_outcome(const Task& t);
  void on_main_finished();

  // ---- gather, wait, wait_for, as_completed (gather_wait.cc) ----
  bool handle_gather_wait(std::uint32_t task, Request& req, Resume* next);
  void on_gather_child(const Callback& cb);
  void on_wait_completion(const Callback& cb);
  bool gather_cancel(std::uint32_t gather);
  std::uint32_t first_finished(const std::vector<Value>& tasks) const;
  // The task waiting in `op` was woken by future `f` with `r`.
  void resume_gather_wait(std::uint32_t task, PendingOp op, std::uint32_t a, FutRef f, Resume r);

  // ---- timers: sleep, I/O, a server's request arrivals (timers.cc) ----
  bool handle_sleep_io(std::uint32_t task, Request& req, Resume* next);
  void timer_fired(Tag kind, std::uint32_t index, std::uint32_t gen);

  // ---- cpu and block steps on the machine's cores (cores.cc) ----
  bool handle_compute(std::uint32_t task, Request& req, Resume* next);
  void start_cpu(std::uint32_t task, sim::Duration d, bool blocking);
  void cpu_done();
  // Cores: the loop thread's and the executor workers' cpu steps share them.
  struct CoreUser {
    bool loop;               // the loop thread, else executor worker `worker`
    std::uint32_t worker;
    sim::Duration duration;
  };
  void use_core(const CoreUser& user);
  void run_on_core(const CoreUser& user);
  void release_core();

  // ---- synchronisation: locks, semaphores, events, queues (sync.cc) ----
  void init_sync();
  bool handle_sync(std::uint32_t task, Request& req, Resume* next);
  bool acquire(std::uint32_t task, std::uint32_t obj);
  Value release(std::uint32_t obj);
  void wake_up_next(std::deque<FutRef>& waiters, Value v);
  void wake_all(std::deque<FutRef>& waiters);
  bool queue_try_get(std::uint32_t obj, Value* item);
  bool queue_try_put(std::uint32_t obj, Value item);
  // `granted`: the future was set (the unit or the wake-up was handed over).
  void resume_sync(std::uint32_t task, PendingOp op, std::uint32_t a, Resume r, bool granted);

  // ---- the executor: workers and jobs (executor.cc) ----
  bool handle_executor(std::uint32_t task, Request& req, Resume* next);
  void submit_job(std::uint32_t task, std::uint32_t function, const std::vector<Value>& args,
                  std::string_view name, FutRef f);
  void run_worker(std::uint32_t worker, Resume resume);
  void start_next_job(std::uint32_t worker);
  void worker_ready(std::uint32_t worker);
  void on_executor_done(const Callback& cb);

  Value exception(std::string_view type, std::string_view message) {
    return store_.make_exception(type, message);
  }
  // Callers that build the text pass a lambda, so nothing is formatted once
  // the trace is full.
  template <class MakeText>
  void trace(std::uint32_t task, MakeText make) {
    if (recorder_.accepting_lines()) recorder_.line(sim_.now(), task, std::string(make()));
  }
  void trace(std::uint32_t task, const char* event) {
    if (recorder_.accepting_lines()) recorder_.line(sim_.now(), task, event);
  }

  sim::Simulation& sim_;
  const Program& program_;
  LoopOptions options_;
  Store store_;
  std::vector<Value> shared_;
  Interpreter interp_;
  Recorder recorder_;
  LoopStats stats_;

  // Chunked: growth never copies or doubles the whole table (a million tasks
  // would briefly need twice their memory), and references stay valid.
  ChunkedVector<Task> tasks_;
  NameTable names_;
  ChunkedVector<Future> futures_;
  std::unordered_map<std::uint32_t, std::vector<Callback>> more_callbacks_;
  std::vector<std::uint32_t> free_futures_;
  std::vector<GatherState> gathers_;
  std::vector<WaitState> waits_;
  std::vector<SyncState> sync_;
  std::vector<Job> jobs_;
  std::vector<std::uint32_t> worker_job_;  // per worker: job index, or kIdle
  std::deque<std::uint32_t> job_queue_;
  int max_workers_ = 1;

  std::deque<Callback> ready_;
  // Deques, drained from the front into ready_: a busy loop's backlog (a
  // million completions) is then held once, not once here and once there.
  std::deque<Callback> io_ready_;        // I/O completions not yet seen by select
  std::deque<Callback> fired_timers_;    // due timers not yet moved to ready
  std::size_t ntodo_ = 0;                // callbacks left in this iteration's run phase
  bool iterating_ = false;               // inside an iteration
  bool iteration_scheduled_ = false;
  bool idle_ = false;                    // sleeping in select
  sim::Time idle_since_ = 0;
  // The callback in progress while the loop thread is busy in a cpu/block step.
  std::uint32_t busy_task_ = Recorder::kNoTask;
  // Compute steps of the task on the loop thread since it last awaited: one
  // streak for the loop, as only one task runs on it at a time.
  ComputeStreak compute_;
  bool after_compute_ = false;  // step() continues the task after a cpu/block step
  bool busy_blocking_ = false;
  sim::Time busy_since_ = 0;
  sim::Duration busy_for_ = 0;

  // Memory and metrics (memory_metrics.cc).
  void memory_changed();
  std::int64_t live_tasks_ = 0;        // created, not finished, main included
  std::int64_t peak_tasks_ = 0;        // of tasks but main
  std::int64_t workers_started_ = 0;
  LoopMemory memory_;
  sim::Duration worker_cpu_ = 0;
  std::uint64_t voluntary_switches_ = 0;
  sim::LatencyRecorder latencies_;
  RequestStats requests_;
  ExceptionLog exceptions_;
  std::uint64_t completed_ = 0;
  std::uint64_t failed_ = 0;
  std::optional<LimitHit> limit_hit_;
  bool killed_ = false;

  std::uint64_t completions_ = 0;
  std::uint32_t main_ = 0;
  bool main_done_ = false;
  bool shutting_down_ = false;
  bool stop_after_iteration_ = false;
  std::int64_t jobs_running_ = 0;
  int cores_free_ = 1;
  std::deque<CoreUser> core_queue_;
  std::vector<bool> worker_on_core_;  // per worker: its cpu step holds a core
  bool finished_ = false;
  sim::Time finish_time_ = 0;
};

// Inline, as a performance trick: every callback and almost every request
// looks a future up, and the hot path spans iteration.cc, tasks.cc and
// futures.cc.
inline EventLoop::Future* EventLoop::get(FutRef r) {
  if (!r.valid() || r.index >= futures_.size()) return nullptr;
  Future& f = futures_[r.index];
  return f.live && f.gen == r.gen ? &f : nullptr;
}

}  // namespace concsim::models
