// The thread-per-connection model for programs of YAML steps: the event
// loop's programs run as OS threads on the cores of a machine profile
// (the kernel's side is thread_kernel.h; Python programs run on ThreadHost).
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

#include "models/exception_log.h"
#include "models/loop/steps/event_loop.h"  // TaskSummary
#include "models/machine.h"
#include "models/metrics.h"
#include "models/requests.h"
#include "models/runaway.h"
#include "models/program/interpreter.h"
#include "models/program/program.h"
#include "models/program/trace.h"
#include "models/threads/thread_kernel.h"
#include "sim/simulation.h"

namespace concsim::models {

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

// The YAML step language's programs on the kernel (models/program's
// interpreter and its Requests).
class ThreadModel final : public ThreadKernel, public TaskNamer {
 public:
  // Keeps references to all four; they must outlive the model. The profile
  // must have a positive time slice (load_machine guarantees it).
  ThreadModel(sim::Simulation& sim, const Program& program, const MachineProfile& profile,
              const ThreadOptions& options);
  ThreadModel(const ThreadModel&) = delete;
  ThreadModel& operator=(const ThreadModel&) = delete;

  // Creates the main thread running `function`; call once, then run the
  // simulation.
  void start(std::uint32_t function);

  [[nodiscard]] TaskState main_state() const;
  [[nodiscard]] std::string main_result() const;

  [[nodiscard]] std::vector<TaskSummary> task_summaries() const;
  // The exceptions raised in the run (models/exception_log.h).
  [[nodiscard]] const ExceptionLog& exceptions() const { return exceptions_; }
  [[nodiscard]] const std::vector<Value>& shared() const { return shared_; }
  [[nodiscard]] const Store& store() const { return store_; }
  // The simulator's own memory for this model, for the per-thread budget.
  [[nodiscard]] std::size_t memory_bytes() const;

  std::string task_name(std::uint32_t task) const override;
  void describe_waiting(std::vector<sim::WaitingTask>& out) const override;

 private:
  enum class Wait : std::uint8_t {
    kNone, kSleep, kAwait, kGather, kWait, kAsCompleted, kWaitFor, kWaitForCancel,
    kAcquire, kEventWait, kQueueGet, kQueuePut, kQueueJoin,
  };
  // What a finished spawn's creation cost leads to (After::kProgram).
  enum class Then : std::uint8_t { kNone, kSpawned, kExecutor };

  // The program's part of a thread: about 100 bytes, plus the interpreter's
  // locals (the per-thread budget of the simulator's memory).
  struct Thread {
    TaskCore core;
    Value result;            // the outcome once finished; the item while blocked in put
    Value resume;            // the outcome the interpreter resumes with
    std::uint32_t name = 0;
    std::uint32_t op_a = 0;      // wait state: a list, a task, a sync object
    std::uint32_t op_b = 0;      // wait state: a count
    std::uint32_t child = 0;     // the thread being created
    std::uint32_t watchers;      // head of the watches of threads joining this one
    std::uint32_t completion = 0;
    TaskState state = TaskState::kPending;
    Wait wait = Wait::kNone;
    Then then = Then::kNone;
    std::uint8_t mode = 0;       // gather: return_exceptions; wait: ReturnWhen
    bool started = false;
    bool resume_raises = false;
    bool cancel_requested = false;
    bool is_executor = false;
    bool exit_failed = false;
  };
  static_assert(sizeof(Thread) <= 128, "the simulator's memory per simulated thread is a budget");
  // One thread joining another: an entry of the target's watch list.
  struct Watch {
    std::uint32_t waiter;
    std::uint32_t gen;
    std::uint32_t next;
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

  // ThreadKernel
  void run_program(int core, std::uint32_t thread) override;
  void after_program_burst(int core, std::uint32_t thread) override;
  bool deliver_cancel(int core, std::uint32_t thread) override;
  void on_timeout(std::uint32_t thread) override;
  void notify_exit(std::uint32_t thread) override;
  void killed_thread(std::uint32_t thread) override;
  [[nodiscard]] std::string thread_name(std::uint32_t thread) const override { return task_name(thread); }

  void run_interpreter(int core, Resume resume);
  // A cpu burst after which the program resumes with None.
  void cpu(int core, std::uint32_t thread, sim::Duration d, BurstKind kind, After after);
  void block(int core, std::uint32_t thread, Wait wait, SpanKind span);
  void wake(std::uint32_t thread, Resume r);

  // requests, timers, cancellation (thread_requests.cc)
  bool handle(int core, std::uint32_t thread, Request& req, Resume* next);
  bool take_cancel(std::uint32_t thread, Resume* next);
  bool request_cancel(std::uint32_t target);

  // creating and ending threads (thread_requests.cc)
  std::uint32_t new_thread(std::uint32_t function, const std::vector<Value>& args, std::string_view name,
                           bool executor, sim::RandomStream rng);
  bool spawn(int core, std::uint32_t thread, const Request& req, bool executor, Resume* next);
  bool finish_spawn(int core, std::uint32_t thread, Resume* next);

  // joins (thread_joins.cc)
  bool join_request(int core, std::uint32_t thread, Request& req, Resume* next);
  void watch(std::uint32_t target, std::uint32_t waiter);
  void notify_watchers(std::uint32_t finished);
  void on_joined(std::uint32_t waiter, std::uint32_t finished);
  Resume outcome(std::uint32_t thread);
  Value done_and_pending(std::uint32_t list);
  [[nodiscard]] bool ended(std::uint32_t thread) const { return kthreads_[thread].end >= 0; }

  // synchronisation (thread_sync.cc)
  bool sync_request(int core, std::uint32_t thread, Request& req, Resume* next);
  std::uint32_t pop_live(std::deque<WaitRef>& q);
  void wait_on(int core, std::uint32_t thread, std::deque<WaitRef>& q, Wait wait, std::uint32_t obj);

  Value exception(std::string_view type, std::string_view message) { return store_.make_exception(type, message); }

  const Program& program_;
  ThreadOptions options_;
  Store store_;
  std::vector<Value> shared_;
  Interpreter interp_;

  std::vector<Thread> threads_;
  std::vector<Watch> watches_;
  std::uint32_t free_watch_;
  std::vector<SyncState> sync_;

  std::uint32_t main_ = 0;
  std::uint32_t completions_ = 0;
  ExceptionLog exceptions_;
};

}  // namespace concsim::models
