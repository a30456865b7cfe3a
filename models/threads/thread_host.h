// The thread model as the program VM's host: Python programs whose tasks
// and threads are OS threads on the kernel's cores (thread_kernel.h).
//
// The program's top level runs as the main thread ("MainThread"). What the
// program asks of the machine goes through the modules this host provides:
//
//   threading, queue,      CPython's own algorithms in Python (threading.py,
//   concurrent.futures     queue.py, futures.py beside this file) over the
//                          host's natives: a new thread is a kernel thread
//                          running its bootstrap on a fiber of its own; the
//                          lock under them all blocks its thread in the
//                          kernel, and a release hands it to the longest
//                          waiter (thread_locks.cc)
//   asyncio                thread semantics, as the thread model gives YAML
//                          programs: create_task starts a thread running
//                          the coroutine; awaiting a task joins it; gather,
//                          wait, wait_for and as_completed join with
//                          timeouts (thread_waits.cc); sleep sleeps the
//                          thread; Lock, Semaphore, Event, Condition, Queue
//                          block threads with FIFO hand-offs; run_in_executor
//                          and to_thread start a thread and join it;
//                          asyncio.run runs main() on the calling thread
//                          (thread_asyncio.cc, asyncio.py)
//   time, concsim          time.sleep blocks the thread; concsim.cpu
//                          computes on a core (time slices preempt it);
//                          await concsim.io(d) is a blocking read of d
//
// Preemption, costs, memory and limits are the kernel's, exactly as for
// YAML programs: a spawn charges thread creation and is refused (or
// queued) at the machine's limits, raising RuntimeError("can't start new
// thread") as CPython does.
//
// The GIL (HostOptions::gil): a thread runs Python only while it holds the
// interpreter lock. Python code costs no time, so the lock matters where a
// thread holding it computes (concsim.cpu): every other thread that wants to
// run Python waits. A blocking call releases it (sleep, I/O, a lock wait, a
// join); a thread that waited sys.getswitchinterval() (5 ms) for it asks the
// holder to drop it, and a holder computing drops it at once and queues for
// it again (CPython's eval breaker and FORCE_SWITCHING). Hand-offs are FIFO.
// So CPU-bound threads take turns of one switch interval on one core at a
// time, and I/O-bound threads overlap. Waiting for the GIL is a futex wait
// on both sides, as CPython's condition variable is.
//
// Output: each line the program writes is recorded with the time and the
// name of what runs: the task (asyncio), else the thread's name
// (threading.Thread.name, "MainThread").
//
// The run ends when the main thread has finished the module, threading's
// exit hooks and the join of every non-daemon thread (threading._shutdown),
// and every other thread that is not a daemon has exited.
#pragma once

#include "sim/random.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/loop/concsim_host.h"
#include "models/loop/steps/event_loop.h"  // TaskSummary
#include "models/threads/thread_kernel.h"
#include "models/threads/thread_objects.h"
#include "models/vm/code.h"
#include "models/vm/vm.h"

namespace concsim::models::threads {

// The Python source of the thread model's modules written in Python, for the
// edge to compile: "asyncio", "threading", "queue", "concurrent.futures".
std::string_view module_source(std::string_view name);
// The names module_source knows, in the order they are compiled.
const std::vector<std::string>& python_modules();

struct HostOptions {
  KernelOptions kernel;
  std::uint64_t step_budget = 100'000'000;
  bool gil = true;
  // The modules of python_modules(), compiled by the edge.
  std::map<std::string, const vm::Program*> modules;
  // A server whose handler is a Python function: its distributions (think
  // time, arrival gaps), drawn by __concsim__.next_due and next_think.
  std::vector<sim::Distribution> distributions;
};

// One line the program wrote.
struct OutputLine {
  sim::Time t;
  std::string task;  // the task's or the thread's name
  int stream;        // 1 stdout, 2 stderr
  std::string text;
};

// How the program ended.
struct Outcome {
  bool failed = false;   // an exception left the module (not SystemExit(0))
  std::string type, message, traceback;
  struct Frame {
    std::string file;
    int line;
    std::string function;
  };
  std::vector<Frame> frames;  // outermost first
  bool ran = false;           // asyncio.run() returned
  std::string result;         // its repr()
};

class ThreadHost final : public ThreadKernel, public vm::Host, public loop::ConcsimHost {
 public:
  ThreadHost(sim::Simulation& sim, const vm::Program& program, const MachineProfile& profile,
             const HostOptions& options);
  ~ThreadHost();
  ThreadHost(const ThreadHost&) = delete;
  ThreadHost& operator=(const ThreadHost&) = delete;

  // Creates the main thread running the module; call once, then run the
  // simulation.
  void start();

  // ---- results ----
  [[nodiscard]] const std::vector<OutputLine>& output() const { return output_; }
  [[nodiscard]] const Outcome& outcome() const { return outcome_; }
  [[nodiscard]] std::vector<TaskSummary> task_summaries();
  // asyncio.run's first task: its state ("none" if it never ran) and result.
  [[nodiscard]] std::string main_state() const;
  [[nodiscard]] std::string main_result();
  [[nodiscard]] std::string task_name(std::uint32_t thread);
  [[nodiscard]] std::size_t memory_bytes() const;
  void describe_waiting(std::vector<sim::WaitingTask>& out) const override;

  // ---- vm::Host ----
  vm::Value import_module(vm::Vm& vm, std::string_view name) override;
  vm::Value await_native(vm::Vm& vm, vm::Fiber& fiber, const vm::Value& awaitable) override;
  void write(vm::Vm& vm, int stream, std::string_view text) override;
  std::int64_t now_ns() override { return sim_.now(); }

  // ---- for the natives ----
  vm::Vm& vm() { return vm_; }
  // The thread whose program runs now (kNoThread outside a native).
  [[nodiscard]] std::uint32_t running() const { return running_; }
  [[nodiscard]] int cores() const { return profile_.cores; }
  [[nodiscard]] const vm::Value& cancelled_error() const { return cancelled_error_; }
  [[nodiscard]] const vm::Value& invalid_state_error() const { return invalid_state_error_; }
  [[nodiscard]] const vm::Value& future_class() const { return future_class_; }
  [[nodiscard]] const vm::Value& task_class() const { return task_class_; }

  // Whether the running native may make its thread wait: it was called
  // from the thread's fiber, not from a nested call the runtime made (an
  // import's body, a __repr__, a done callback), which cannot wait.
  [[nodiscard]] bool on_fiber() const;
  vm::Value cannot_wait();
  // A native's result after it woke threads: their futex wakes are this
  // thread's system calls; it goes on with `v` once they are paid.
  vm::Value reply(vm::Value v);
  // Raises in the running thread (the natives' errors).
  vm::Value raise(const vm::Value& type, std::string message);

  // Time (thread_host.cc). Each returns what the native returns.
  // A sleep of the running thread; it resumes with `result`. A sleep of 0 is
  // sched_yield (asyncio.sleep(0)), or with `zero_sleeps` a system call that
  // sleeps for no time (time.sleep(0)): every thread runnable at this
  // instant runs before it returns.
  vm::Value sleep(std::int64_t ns, SpanKind span, vm::Value result = vm::Value::none(), bool zero_sleeps = false);
  vm::Value cpu(std::int64_t ns);
  // The running thread computes for ns on its core (holding the GIL), then
  // its program goes on.
  void compute(int core, std::uint32_t id, sim::Duration ns);

  // Threads (thread_host.cc). A thread running `callable(*args)`: threading's
  // threads (pyobj: the Thread object) and executor jobs (a task).
  vm::Value start_thread(const vm::Value& callable, std::vector<vm::Value> args, const vm::Value& pyobj,
                         bool daemon, std::string name);
  vm::Value start_task(const vm::Value& coro, vm::Value name);
  vm::Value start_job(const vm::Value& callable, std::vector<vm::Value> args, std::string name);
  // asyncio.run: the coroutine runs on this thread as a task; its value is
  // the call's.
  vm::Value run_main(const vm::Value& coro, vm::Value name);
  [[nodiscard]] std::int64_t thread_ident(std::uint32_t thread) const { return thread + 1; }
  [[nodiscard]] std::uint32_t thread_of_ident(std::int64_t ident) const;
  // The sentinel released when the thread exits (threading's tstate lock).
  vm::Value thread_sentinel();
  vm::Value current_task();
  vm::Value all_tasks();
  vm::Value next_task_name();
  void record_run_result(const vm::Value& v);

  // Futures and joins (thread_waits.cc).
  vm::Value new_future();
  vm::Value await_future(FutureObj* f);
  // Completes a future (not a task): its waiters wake, its callbacks run.
  vm::Value set_future(FutureObj* f, vm::Value result, vm::Value exception);
  // Task.cancel() / Future.cancel(): true if it was not done.
  bool cancel(FutureObj* f);
  // asyncio.timeout's timer: at `when` the task is cancelled as by
  // Task.cancel() (thread_asyncio.cc). Returns the timer's number.
  std::int64_t cancel_at(const vm::Value& task, sim::Time when);
  void disarm(std::int64_t timer);
  [[nodiscard]] bool fired(std::int64_t timer) const;
  [[nodiscard]] bool is_timer(std::int64_t n) const {
    return n >= 0 && static_cast<std::uint64_t>(n) < cancel_timers_.size();
  }
  vm::Value gather(const vm::Value& children, bool return_exceptions);
  // wait(): (done, pending) as sets; timeout_ns -1 for none.
  vm::Value wait(const vm::Value& futures, std::int64_t timeout_ns, int return_when);
  vm::Value wait_for(const vm::Value& future, std::int64_t timeout_ns);
  vm::Value next_done(OpObj* op);
  vm::Value make_op(OpKind kind);
  vm::Value await_op(OpObj* op);

  // Synchronisation (thread_locks.cc). timeout_ns -1: none.
  vm::Value new_sync(SyncKind kind, std::int64_t value);
  vm::Value acquire(SyncObj* s, bool blocking, std::int64_t timeout_ns);
  vm::Value release(SyncObj* s);
  vm::Value event_set(SyncObj* s);
  vm::Value event_wait(SyncObj* s);
  vm::Value condition_wait(SyncObj* s);
  vm::Value condition_notify(SyncObj* s, std::int64_t n);
  vm::Value queue_put(SyncObj* q, vm::Value item, bool block);
  vm::Value queue_get(SyncObj* q, bool block);
  vm::Value queue_task_done(SyncObj* q);
  vm::Value queue_join(SyncObj* q);

 private:
  // What a thread waits for.
  enum class Wait : std::uint8_t {
    kNone, kSleep, kAwait, kGather, kWait, kAsCompleted, kWaitFor, kWaitForCancel,
    kAcquire, kEventWait, kCondWait, kQueueGet, kQueuePut, kQueueJoin, kGil,
  };
  // What a thread's fiber is, and what its end means.
  enum class Role : std::uint8_t {
    kModule,  // the program's top level (main thread)
    kExit,    // threading._shutdown (main thread, after the module)
    kRun,     // asyncio.run's main coroutine, above the caller's fiber
    kTask,    // a task's coroutine: the bottom of its thread
    kCall,    // a function: a threading thread's bootstrap, an executor job
  };
  struct Slot {
    vm::Fiber fiber;
    Role role = Role::kCall;
    vm::Value task;  // kRun, kTask, kCall of a job: its task
  };
  // The program's part of a thread.
  struct PThread {
    std::vector<std::unique_ptr<Slot>> fibers;  // the top one runs
    vm::Value resume;        // what the program resumes with
    vm::Value task;          // the task running now (a task thread's, or asyncio.run's)
    vm::Value pyobj;         // threading.Thread, for its name
    vm::Value sentinel;      // released at exit: threading's tstate lock
    vm::Value op;            // wait state: the future, the list, the object waited on
    vm::Value op_value;      // wait state: the item a put holds; a spawn's result
    vm::Value outcome;       // the bottom fiber's value or exception
    std::string name;
    // concsim's distributions draw from here: ("thread", index) from the
    // first draw.
    sim::RandomStream rng{0};
    bool has_rng = false;
    sim::Duration pending_cpu = 0;  // a burst the GIL interrupted
    // Interpreted instructions run after the last native of the model before
    // the fiber stopped: computed when the thread next runs.
    sim::Duration owed_cpu = 0;
    // A fiber that ended while instructions were owed: its end is handled
    // once the thread has computed them.
    std::optional<vm::RunResult> ended;
    // Waiting for the GIL: when its timed wait ends, and the GIL's switch
    // count when that wait began (CPython's take_gil).
    sim::Time gil_deadline = 0;
    std::uint64_t gil_switch_seen = 0;
    std::uint32_t op_count = 0;
    std::uint32_t child = kNoThread;  // being created
    Wait wait = Wait::kNone;
    std::uint8_t mode = 0;   // gather: return_exceptions; wait: return_when
    bool resume_raises = false;
    bool cancel_requested = false;
    bool failed = false;
    bool pushed = false;     // a native pushed a fiber: run it now
  };

  // ThreadKernel
  void run_program(int core, std::uint32_t thread) override;
  void after_program_burst(int core, std::uint32_t thread) override;
  bool deliver_cancel(int core, std::uint32_t thread) override;
  void on_timeout(std::uint32_t thread) override;
  void notify_exit(std::uint32_t thread) override;
  void killed_thread(std::uint32_t thread) override;
  [[nodiscard]] std::string thread_name(std::uint32_t thread) const override;
  bool may_continue_burst(int core, std::uint32_t thread) override;
  void burst_interrupted(int core, std::uint32_t thread) override;
  void on_program_event(std::uint32_t index) override;

  // Running programs (thread_host.cc).
  void fiber_ended(int core, std::uint32_t thread, vm::RunResult r, bool* go_on, vm::Value* in, bool* raise);
  void finish(int core, std::uint32_t thread);
  void record_uncaught(const vm::Value& exc);
  void stop_endless(std::string detail);
  std::uint32_t new_thread(std::unique_ptr<Slot> slot, std::string name, bool daemon);
  vm::Value spawn(std::unique_ptr<Slot> slot, std::string name, bool daemon, vm::Value result);
  [[nodiscard]] int core_of(std::uint32_t thread) const;
  // Blocking the running thread: its GIL goes first.
  void block(std::uint32_t thread, Wait wait, SpanKind span);
  void wake(std::uint32_t thread, vm::Value v, bool raise = false);
  bool take_cancel(std::uint32_t thread);
  bool request_cancel(std::uint32_t thread);
  vm::Value make_cancelled();

  // Joins (thread_waits.cc).
  void watch(FutureObj* f, std::uint32_t waiter);
  void complete(FutureObj* f);
  void on_joined(std::uint32_t waiter, FutureObj* done);
  // The outcome of awaiting a done future: *raise when it is an exception.
  vm::Value outcome_of(FutureObj* f, bool* raise);
  vm::Value done_and_pending(const vm::Value& futures);
  vm::Value gather_results(const vm::Value& children);
  void timed_out(std::uint32_t thread);

  // Locks (thread_locks.cc).
  std::uint32_t pop_live(std::deque<Waiter>& q);
  void wait_on(std::uint32_t thread, std::deque<Waiter>& q, Wait wait, const vm::Value& obj);

  // The GIL (thread_gil.cc).
  bool gil_take(int core, std::uint32_t thread);
  void gil_wait(int core, std::uint32_t thread);
  void gil_release(std::uint32_t thread);
  void gil_drop(int core, std::uint32_t thread);
  void gil_arm();

  // Modules (thread_modules.cc, thread_asyncio.cc, thread_threading.cc).
  sim::RandomStream main_rng_;  // draws outside any thread
  bool has_main_rng_ = false;

 public:
  // The running thread's stream, for concsim's distributions.
  sim::RandomStream& draw_stream() override;

 private:
  // A server's connection loop (loop::ConcsimHost): a thread per connection,
  // blocking in a read for its next request.
  bool server_runner(std::uint32_t* id) override;
  vm::Value request_awaitable(sim::Duration left) override;
  RequestStats& server_requests() override { return requests_; }
  const std::vector<sim::Distribution>& server_distributions() const override { return options_.distributions; }
  // time.sleep and the thread's reads block it; concsim.cpu computes on its
  // core.
  vm::Value time_sleep(std::int64_t ns) override;
  vm::Value concsim_cpu(std::int64_t ns) override;
  vm::Value concsim_io(double s, std::int64_t ns, bool exact) override;

  vm::Value build_os();
  vm::Value build_asyncio();
  vm::Value build_thread();  // _thread: the natives under threading
  vm::Value python_module(const std::string& name, const std::function<void(const vm::Value&)>& natives);

  HostOptions options_;
  OpCharge op_charge_;  // interpreted instructions as CPU time (python.op_cost)
  vm::Vm vm_;
  std::vector<PThread> threads_;
  std::uint32_t main_ = 0;
  std::uint32_t running_ = kNoThread;
  int running_core_ = -1;
  std::uint32_t completions_ = 0;
  std::uint64_t task_counter_ = 0;
  std::vector<vm::Value> tasks_;  // every task, in creation order
  vm::Value main_task_;           // asyncio.run's first task
  std::map<std::string, vm::Value> modules_;

  vm::Value future_class_, task_class_, sync_class_, lock_class_, op_class_;
  vm::Value cancelled_error_, invalid_state_error_;

  // The GIL.
  std::uint32_t gil_holder_ = kNoThread;
  std::deque<Waiter> gil_waiters_;
  std::uint64_t gil_switches_ = 0;
  bool gil_drop_request_ = false;
  sim::EventId gil_timer_;
  sim::Time gil_timer_at_ = 0;
  void on_gil_timer();

  // asyncio.timeout's timers, by number; program event 1 + number.
  struct CancelTimer {
    vm::Value task;  // None once fired or disarmed
    sim::EventId event;
    bool fired = false;
  };
  std::vector<CancelTimer> cancel_timers_;
  void on_cancel_timer(std::uint32_t timer);

  std::vector<OutputLine> output_;
  std::string partial_[3];
  std::string partial_name_[3];
  sim::Time partial_t_[3] = {0, 0, 0};
  Outcome outcome_;
};

}  // namespace concsim::models::threads
