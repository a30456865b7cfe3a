// The thread-per-connection model: the event loop's programs run as OS
// threads on the cores of a machine profile.
//
// Every task is a kernel thread. The main task is the main thread; `spawn`
// starts a thread (pthread_create: its cost is charged to the parent as
// system CPU time, its memory is accounted, the profile's limits are
// checked); the scheduler (scheduler.h) shares the cores among runnable
// threads with time slices, and charges every switch. Steps map to what a
// thread does:
//
//   cpu              needs a core for that long; a slice can end inside it and
//                    the thread resumes the rest of the step later, so a
//                    read-modify-write around a cpu step loses updates when
//                    another thread runs in between (claim S10)
//   sleep, io, block a system call (its cost on the core), then the thread
//                    blocks; only this thread (sleep 0 is sched_yield)
//   yield            sched_yield: to the back of the run queue if anyone waits
//   await, gather,   join threads, blocking; gather raises the first failure
//   wait, wait_for,  at once unless return_exceptions; wait_for on timeout asks
//   as_completed     the thread to cancel and waits for it, then raises TimeoutError
//   locks, semaphores, events, queues
//                    work across threads; hand-offs are FIFO: a release gives
//                    the unit to the longest waiter directly, a put hands the
//                    item to the longest waiting getter; a woken thread pays
//                    the profile's wakeup latency before it is runnable
//   run_in_executor  runs the job on a new thread and joins it
//   cancel           Python cannot cancel a thread asynchronously; concsim
//                    delivers CancelledError at the target's next blocking
//                    point: at once if it is blocked (sleep, I/O, a join, a
//                    lock), else at the next step that would block. A thread
//                    that never blocks again finishes normally.
//
// Thread limits (max threads, mappings, overcommit) make creation fail with
// EAGAIN: ThreadOptions::on_limit either raises RuntimeError("can't start new
// thread") in the parent, as Python does, or queues the new thread until a
// thread exits (it is then created, paying its own creation cost first).
// Resident memory beyond RAM either kills the process, losing every
// unfinished thread, or makes every later cpu step swap_slowdown times
// slower, as the profile says. Simulated failures are results (a task's
// exception, metrics().limit_hit), never C++ exceptions.
//
// When the main thread finishes the run goes on until every other thread has
// finished too (Python joins non-daemon threads at exit); nothing is
// cancelled. The run then stops with detail kFinishedDetail.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "models/loop/event_loop.h"  // TaskSummary
#include "models/machine.h"
#include "models/metrics.h"
#include "models/exception_log.h"
#include "models/requests.h"
#include "models/runaway.h"
#include "models/program/interpreter.h"
#include "models/program/program.h"
#include "models/program/trace.h"
#include "models/threads/memory_account.h"
#include "models/threads/scheduler.h"
#include "sim/simulation.h"
#include "sim/stats.h"

namespace concsim::models {

enum class OnThreadLimit : std::uint8_t {
  kRefuse,  // the spawn raises RuntimeError("can't start new thread")
  kQueue,   // the new thread waits until a thread exits
};

struct ThreadOptions {
  // Instructions a task may run before it waits (see Interpreter::run).
  std::uint64_t step_budget = Interpreter::kMaxInstructionsPerStep;
  // Cpu steps a thread may make in a row without blocking (models/runaway.h).
  std::uint64_t compute_budget = kMaxComputeStepsWithoutWait;
  OnThreadLimit on_limit = OnThreadLimit::kRefuse;
  bool socket_per_thread = false;  // each spawned thread holds a connection's socket buffers
  std::int64_t working_set = 0;    // bytes of buffers each thread touches every time it runs (cache_model.h)
  RequestWindow requests{};        // a server workload's warm-up and stop time
  bool record = false;             // keep a trace and spans
  std::size_t record_limit = 100'000;
};

// Figures of this model only; the model-neutral ones are in metrics().
struct ThreadStats {
  std::int64_t peak_threads = 0;     // live threads at once, the main one included
  std::int64_t max_runnable = 0;     // runnable threads at once (queued plus on cores)
  std::uint64_t switches_in = 0;     // threads switched onto a core, each paying a switch
  std::uint64_t refused = 0;         // spawns that raised for a limit
  std::uint64_t queued = 0;          // spawns queued at a limit
  bool swapped = false;              // resident memory went beyond RAM with on_oom: swap
  bool killed = false;               // the OOM killer ended the process
};

class ThreadModel final : public sim::EventHandler, public sim::StallSource, public TaskNamer {
 public:
  static constexpr const char* kFinishedDetail = "all threads finished";

  // Keeps references to all four; they must outlive the model. The profile
  // must have a positive time slice (load_machine guarantees it).
  ThreadModel(sim::Simulation& sim, const Program& program, const MachineProfile& profile,
              const ThreadOptions& options);
  ThreadModel(const ThreadModel&) = delete;
  ThreadModel& operator=(const ThreadModel&) = delete;

  // Creates the main thread running `function`; call once, then run the
  // simulation.
  void start(std::uint32_t function);

  // True once the run is over: every thread finished (the run stops with
  // kFinishedDetail), the process was killed, or a thread ran away.
  [[nodiscard]] bool finished() const { return finished_; }
  [[nodiscard]] sim::Time finish_time() const { return finish_time_; }
  [[nodiscard]] TaskState main_state() const;
  [[nodiscard]] std::string main_result() const;

  [[nodiscard]] std::vector<TaskSummary> task_summaries() const;
  [[nodiscard]] const ThreadStats& stats() const { return stats_; }
  [[nodiscard]] bool killed() const { return stats_.killed; }
  // Closes the spans still open when the run ended (see EventLoop).
  void close_spans(sim::Time t) { recorder_.close_all(t); }
  // The run's figures up to now (or up to the finish). Sorts the latency
  // samples, hence not const.
  Metrics metrics();
  [[nodiscard]] const Recorder& recorder() const { return recorder_; }
  // The exceptions raised in the run (models/exception_log.h).
  [[nodiscard]] const ExceptionLog& exceptions() const { return exceptions_; }
  [[nodiscard]] const std::vector<Value>& shared() const { return shared_; }
  [[nodiscard]] const Store& store() const { return store_; }
  // The simulator's own memory for this model, for the per-thread budget.
  [[nodiscard]] std::size_t memory_bytes() const;

  std::string task_name(std::uint32_t task) const override;
  void on_event(std::uint64_t tag) override;
  void describe_waiting(std::vector<sim::WaitingTask>& out) const override;

 private:
  enum class Sched : std::uint8_t {
    kQueued,    // waiting at a limit to be created
    kCreating,  // created; runnable once the parent has paid for the creation
    kRunnable,  // in the run queue
    kOnCore,    // switching in or running
    kBlocked,   // in a system call or waiting for others
    kWaking,    // woken, paying the wake-up latency
    kExited,
  };
  enum class Wait : std::uint8_t {
    kNone, kSleep, kAwait, kGather, kWait, kAsCompleted, kWaitFor, kWaitForCancel,
    kAcquire, kEventWait, kQueueGet, kQueuePut, kQueueJoin,
  };
  // What happens when the thread's cpu burst (cpu_left) is over.
  enum class After : std::uint8_t { kResume, kSpawned, kExecutor, kBlock, kExit };

  // About 200 bytes, plus the interpreter's locals: the per-thread budget.
  struct Thread {
    TaskCore core;
    Value result;            // the outcome once finished; the item while blocked in put
    Value resume;            // the outcome the interpreter resumes with
    sim::EventId timer;      // sleep or timeout
    sim::Time created = 0;
    sim::Time start = -1;    // first step
    sim::Time end = -1;
    sim::Duration cpu_left = 0;  // of the burst in progress or preempted
    sim::Duration block_for = 0; // after the system call in progress
    std::uint32_t name = 0;
    std::uint32_t gen = 0;       // bumped at every wake-up: older notifications are stale
    std::uint32_t op_a = 0;      // wait state: a list, a task, a sync object
    std::uint32_t op_b = 0;      // wait state: a count
    std::uint32_t child = 0;     // the thread being created
    std::uint32_t watchers;      // head of the watches of threads joining this one
    std::uint32_t completion = 0;
    ComputeStreak compute;       // cpu steps since the thread last blocked
    TaskState state = TaskState::kPending;
    Sched sched = Sched::kCreating;
    Wait wait = Wait::kNone;
    After after = After::kResume;
    BurstKind burst = BurstKind::kUseful;
    std::uint8_t mode = 0;       // gather: return_exceptions; wait: ReturnWhen; sleep: SpanKind
    bool resume_raises = false;
    bool cancel_requested = false;
    bool is_main = false;
    bool is_executor = false;
    bool counted = false;        // holds memory in the account
    bool exit_failed = false;
  };
  static_assert(sizeof(Thread) <= 192, "the simulator's memory per simulated thread is a budget");
  // One thread joining another: an entry of the target's watch list.
  struct Watch {
    std::uint32_t waiter;
    std::uint32_t gen;
    std::uint32_t next;
  };
  struct WaitRef {
    std::uint32_t thread;
    std::uint32_t gen;
  };
  struct SyncState {
    SyncKind kind;
    std::int64_t value = 0;    // semaphore count; lock: 1 when free; event: 1 when set
    std::int64_t initial = 0;  // semaphore bound; queue maxsize
    std::deque<WaitRef> waiters;   // acquire, event wait, get
    std::deque<WaitRef> putters;
    std::deque<WaitRef> joiners;
    std::deque<Value> items;
    std::int64_t unfinished = 0;
  };

  static constexpr std::uint32_t kNoWatch = 0xFFFFFFFF;
  static constexpr std::uint32_t kModel = Recorder::kNoTask;  // trace lines of the model itself

  enum class Tag : std::uint8_t { kSwitchDone, kBurstDone, kTimer, kWake };
  static std::uint64_t tag(Tag kind, std::uint32_t index, std::uint32_t gen = 0) {
    return (static_cast<std::uint64_t>(kind) << 56) | (static_cast<std::uint64_t>(index) << 24) | (gen & 0xFFFFFF);
  }

  // cores, the run queue, blocking (thread_model.cc)
  void make_runnable(std::uint32_t thread, Runnable why);
  void kick();
  void preempt_now(int core);
  void dispatch(int core);
  void continue_thread(int core);
  void run_burst(int core);
  void after_burst(int core);
  void run_interpreter(int core, Resume resume);
  void start_cpu(int core, std::uint32_t thread, sim::Duration d, BurstKind kind, After after);
  void block(int core, std::uint32_t thread, Wait wait, SpanKind span);
  void wake(std::uint32_t thread, Resume r);
  void preempt(int core, bool yielded);

  // futex system calls on both sides of a wake-up (futex.cc)
  void futex_woken(std::uint32_t thread);
  bool pay_futex_wakes(int core, std::uint32_t thread, const Resume& next);

  // requests, timers, cancellation (thread_requests.cc)
  bool handle(int core, std::uint32_t thread, Request& req, Resume* next);
  void block_in_syscall(int core);
  void on_timer(std::uint32_t thread, std::uint32_t gen);
  bool take_cancel(std::uint32_t thread, Resume* next);
  bool request_cancel(std::uint32_t target);

  // creating and ending threads, limits (thread_lifecycle.cc)
  std::uint32_t new_thread(std::uint32_t function, const std::vector<Value>& args, std::string_view name,
                           bool executor, sim::RandomStream rng);
  bool create(std::uint32_t thread);
  bool spawn(int core, std::uint32_t thread, const Request& req, bool executor, Resume* next);
  bool finish_spawn(int core, std::uint32_t thread, Resume* next);
  void finish_thread(int core, std::uint32_t thread);
  void admit_queued();
  bool check_ram();
  void note_limit(LimitKind which);
  void kill_process();
  void end_run(std::string detail);

  // joins (thread_joins.cc)
  bool join_request(int core, std::uint32_t thread, Request& req, Resume* next);
  void watch(std::uint32_t target, std::uint32_t waiter);
  void notify_watchers(std::uint32_t finished);
  void on_joined(std::uint32_t waiter, std::uint32_t finished);
  Resume outcome(std::uint32_t thread);
  Value done_and_pending(std::uint32_t list);
  [[nodiscard]] bool ended(std::uint32_t thread) const { return threads_[thread].end >= 0; }

  // synchronisation (thread_sync.cc)
  bool sync_request(int core, std::uint32_t thread, Request& req, Resume* next);
  std::uint32_t pop_live(std::deque<WaitRef>& q);
  void wait_on(int core, std::uint32_t thread, std::deque<WaitRef>& q, Wait wait, std::uint32_t obj);

  Value exception(std::string_view type, std::string_view message) { return store_.make_exception(type, message); }
  [[nodiscard]] bool tracing() const { return recorder_.enabled(); }
  void trace(std::uint32_t thread, std::string event) { recorder_.line(sim_.now(), thread, std::move(event)); }

  sim::Simulation& sim_;
  const Program& program_;
  const MachineProfile& profile_;
  ThreadOptions options_;
  Store store_;
  std::vector<Value> shared_;
  Interpreter interp_;
  Recorder recorder_;
  Scheduler sched_;
  MemoryAccount memory_;
  ThreadStats stats_;

  std::vector<Thread> threads_;
  std::vector<Watch> watches_;
  std::uint32_t free_watch_;
  std::vector<SyncState> sync_;
  std::deque<std::uint32_t> create_queue_;

  std::uint32_t main_ = 0;
  std::int64_t live_ = 0;          // created and not exited, the main thread included
  std::int64_t unfinished_ = 0;    // not exited, queued ones included
  std::int64_t peak_tasks_ = 0;    // created threads but the main one, at once
  std::uint32_t completions_ = 0;
  int waker_core_ = -1;            // the core whose thread's request is being handled
  std::int64_t pending_wakes_ = 0; // futex wake-ups that request made, to be paid
  bool swapping_ = false;
  bool finished_ = false;
  sim::Time finish_time_ = 0;

  // Results.
  std::uint64_t completed_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t voluntary_ = 0;
  std::uint64_t involuntary_ = 0;
  sim::LatencyRecorder latency_;
  RequestStats requests_;
  ExceptionLog exceptions_;
  std::optional<LimitHit> limit_hit_;
};

}  // namespace concsim::models
