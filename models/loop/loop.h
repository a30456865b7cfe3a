// The event-loop model on the program VM: CPython 3.11's asyncio in virtual
// time.
//
// The program's top level runs first, on the loop's thread; asyncio.run()
// makes it wait while the loop runs. Each iteration is
// BaseEventLoop._run_once (Lib/asyncio/base_events.py), phase by phase:
//
//        +--------------------------------------------------------------+
//        v                                                              |
//   [0 tidy]   cancelled timers leave the heap (all of them once they   |
//        |     are more than half of over 100, as _run_once does)       |
//        v                                                              |
//   [1 poll]   select(timeout): I/O that completed becomes ready        |
//        |     callbacks; the loop sleeps here until the next timer     |
//        |     or I/O when nothing is ready ("now" moves)               |
//        v                                                              |
//   [2 timers] timers whose `when` is before now + 1 ns join the ready  |
//        |     queue in heap order                                      |
//        v                                                              |
//   [3 run]    the callbacks ready when this phase began run, in order; |
//              what they schedule waits for the next iteration ---------+
//
// Futures and tasks are native objects (objects.h) with CPython's methods;
// a task steps its coroutine's fiber and, when the coroutine awaits a
// pending future, adds its wakeup as that future's done callback, as
// Task.__step does. The rest of asyncio (gather, wait, locks, queues,
// TaskGroup, timeouts ...) is CPython's own algorithm written in Python
// (asyncio.py beside this file), compiled by the edge and run on the VM.
//
// Virtual time moves while the loop sleeps in select, while the loop
// thread computes (concsim.cpu, interpreted operations on a machine with
// costs) or is frozen in a blocking call (time.sleep), and nowhere else.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/loop/concsim_host.h"
#include "models/loop/objects.h"
#include "models/loop_memory.h"
#include "models/machine.h"
#include "models/metrics.h"
#include "models/program/trace.h"
#include "models/requests.h"
#include "sim/random.h"
#include "models/vm/code.h"
#include "models/vm/vm.h"
#include "sim/simulation.h"
#include "sim/stats.h"

namespace concsim::models::loop {

// The Python source of the loop's asyncio module (asyncio.py), for the edge
// to compile (LoopOptions::asyncio_module).
std::string_view asyncio_source();

struct LoopOptions {
  MachineProfile machine;
  // asyncio.py, compiled (the edge owns the Python front end).
  const vm::Program* asyncio_module = nullptr;
  std::uint64_t step_budget = 100'000'000;
  int executor_workers = 0;   // 0: min(32, cores + 4), as ThreadPoolExecutor
  bool record = false;        // keep a trace and spans
  std::size_t record_limit = 100'000;
  bool trace_phases = false;
  bool socket_per_task = false;
  RequestWindow requests{};
  // Stop the simulation when the program ends; false when several loops
  // (processes) share one simulation.
  bool stop_when_done = true;
  // A server's distributions (its think time, its arrival gaps):
  // the k-th is what __concsim__.next_due(c, r, k) and next_think draw.
  std::vector<sim::Distribution> distributions;
  // Initial values of module globals for this process only.
  std::vector<std::pair<std::string, vm::Value>> global_overrides;
  // The run's guard (sim::RunLimits::should_stop), polled also every
  // kShouldStopHandles callbacks within one iteration of the loop, where a
  // task that doubles every round can make millions in one simulator event;
  // true stops the run as the simulator's poll does ("interrupted").
  std::function<bool()> should_stop;
};

inline constexpr std::uint64_t kShouldStopHandles = 4096;

// One line the program wrote.
struct OutputLine {
  sim::Time t;
  std::string task;    // the task's name, or "MainThread"
  int stream;          // 1 stdout, 2 stderr
  std::string text;
};

struct BlockingCall {
  std::string task;
  sim::Time start;
  sim::Duration duration;
  std::uint64_t callbacks_delayed = 0;
  sim::Duration max_lateness = 0;
};

struct LoopStats {
  std::uint64_t iterations = 0;
  sim::Duration busy = 0;
  sim::Duration system = 0;
  sim::Duration blocked = 0;
  sim::Duration longest_stall = 0;
  std::string longest_stall_task;
  sim::Time longest_stall_at = 0;
  std::vector<BlockingCall> blocking_calls;
  std::uint64_t blocking_count = 0;
  sim::Duration blocking_max_lateness = 0;
  static constexpr std::size_t kMaxBlockingCallsListed = 1000;
  std::uint64_t max_ready = 0;
};

struct TaskSummary {
  std::uint32_t id = 0;  // the task's number in the recorder's spans
  std::string name;
  sim::Time start = -1;
  sim::Time end = -1;
  std::string state;   // "pending", "running", "done", "failed", "cancelled"
  std::string result;  // repr of the result or the exception
};

class Loop final : public vm::Host, public sim::EventHandler, public sim::StallSource, public ConcsimHost {
 public:
  Loop(sim::Simulation& sim, const vm::Program& program, const LoopOptions& options);
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Runs the program's top level at the current time.
  void start();

  // ---- results ----
  [[nodiscard]] bool finished() const { return finished_; }
  [[nodiscard]] sim::Time finish_time() const { return finish_time_; }
  // "completed" or "failed" (an exception left the program: its traceback).
  [[nodiscard]] bool failed() const { return !uncaught_.empty(); }
  [[nodiscard]] const std::string& uncaught() const { return uncaught_; }
  [[nodiscard]] const std::string& uncaught_type() const { return uncaught_type_; }
  [[nodiscard]] const std::string& uncaught_message() const { return uncaught_message_; }
  // (file, line, function) of each frame of the uncaught exception, outermost first.
  struct Frame {
    std::string file;
    int line;
    std::string function;
  };
  [[nodiscard]] const std::vector<Frame>& uncaught_frames() const { return uncaught_frames_; }
  // repr() of the value the last asyncio.run() returned ("" when none ran).
  [[nodiscard]] const std::string& run_result() const { return run_result_; }
  [[nodiscard]] bool ran() const { return ran_; }
  [[nodiscard]] const std::vector<OutputLine>& output() const { return output_; }
  [[nodiscard]] std::vector<TaskSummary> task_summaries();
  [[nodiscard]] const LoopStats& stats() const { return stats_; }
  [[nodiscard]] const Recorder& recorder() const { return recorder_; }
  [[nodiscard]] Metrics metrics();
  [[nodiscard]] const RequestStats& request_stats() const { return requests_; }
  [[nodiscard]] bool killed() const { return killed_; }
  [[nodiscard]] int executor_workers() const { return max_workers_; }
  [[nodiscard]] std::size_t memory_bytes() const;
  // The main task's state and result ("done" and its repr), for reports.
  [[nodiscard]] std::string main_state() const;
  [[nodiscard]] std::string main_result();
  void close_spans(sim::Time t) { recorder_.close_all(t); }
  vm::Vm& vm() { return vm_; }

  // ---- vm::Host ----
  vm::Value import_module(vm::Vm& vm, std::string_view name) override;
  vm::Value await_native(vm::Vm& vm, vm::Fiber& fiber, const vm::Value& awaitable) override;
  void write(vm::Vm& vm, int stream, std::string_view text) override;
  std::int64_t now_ns() override { return sim_.now(); }

  // ---- sim ----
  void on_event(std::uint64_t tag) override;
  void describe_waiting(std::vector<sim::WaitingTask>& out) const override;

  // ---- for the natives (futures.cc, tasks.cc, timers.cc, modules.cc) ----
  const vm::Value& future_class() const { return future_class_; }
  const vm::Value& task_class() const { return task_class_; }
  vm::Value new_future();
  // Future.set_result / set_exception / cancel, and the callbacks they schedule.
  void future_set_result(FutureObj* f, vm::Value v);
  void future_set_exception(FutureObj* f, vm::Value exc);
  bool future_cancel(FutureObj* f, vm::Value msg);
  // The CancelledError a cancelled future raises (_make_cancelled_error).
  vm::Value make_cancelled_error(FutureObj* f);
  // future.result(): the value, or error after raise.
  vm::Value future_result(FutureObj* f);
  void add_done_callback(FutureObj* f, vm::Value fn);
  // Creates a task for a coroutine (create_task, ensure_future).
  vm::Value create_task(const vm::Value& coro, vm::Value name);
  bool task_cancel(TaskObj* t, vm::Value msg);
  void task_step(TaskObj* t, vm::Value exc);  // Task.__step
  void task_wakeup(TaskObj* t, FutureObj* fut);  // Task.__wakeup
  [[nodiscard]] TaskObj* current_task() const { return current_task_; }
  // The tasks whose objects live, in creation order (asyncio's WeakSet).
  [[nodiscard]] std::vector<vm::Value> all_tasks() const;
  // A performance trick: the argument lists of the loop's own handles and
  // futures' callback lists reuse the buffers of those that have died, so
  // that an await allocates none. spare_vector() is empty.
  std::vector<vm::Value> spare_vector();
  // A spare vector holding the arguments, in order (each moved in when
  // passed as an rvalue): the argument list of a handle the loop creates.
  template <class... A>
  std::vector<vm::Value> args_of(A&&... a) {
    std::vector<vm::Value> v = spare_vector();
    (v.push_back(std::forward<A>(a)), ...);
    return v;
  }
  void recycle(std::vector<vm::Value>&& v);
  // call_soon / call_later / call_at: a Handle.
  vm::Value call_soon(vm::Value fn, std::vector<vm::Value> args);
  vm::Value call_at(double when, std::int64_t when_ns, std::uint64_t seq, vm::Value fn, std::vector<vm::Value> args);
  vm::Value call_later(double delay, vm::Value fn, std::vector<vm::Value> args);
  vm::Value call_later_ns(std::int64_t delay_ns, vm::Value fn, std::vector<vm::Value> args);
  void timer_cancelled(HandleObj* h);
  [[nodiscard]] double time() const { return static_cast<double>(sim_.now()) / 1e9; }
  // The loop thread computes (cpu, core needed) or is frozen (blocking) for d:
  // the running fiber waits; it resumes with None when the time has passed.
  vm::Value occupy(sim::Duration d, bool blocking);
  // A non-blocking I/O of d: a future that becomes done through select.
  vm::Value io_future(sim::Duration d);
  // run_until_complete(fut): the program's top level waits while the loop runs.
  vm::Value run_until_complete(vm::Value fut);
  void stop() { stopping_ = true; }
  // The program's view of the loop, and asyncio's classes.
  const vm::Value& loop_object() const { return loop_object_; }
  const vm::Value& invalid_state_error() const { return invalid_state_error_; }
  const vm::Value& cancelled_error() const { return cancelled_error_; }
  vm::Value make_native_coro(NativeCoro::What what, double delay, std::int64_t delay_ns, bool exact, vm::Value result);
  vm::Value await_future(TaskObj* t, FutureObj* f);
  vm::Value await_native_coro(TaskObj* t, NativeCoro* c);
  const vm::Value& set_result_unless_cancelled() const { return set_result_unless_cancelled_; }
  void record_run_result(const vm::Value& v);
  void mark_main(const vm::Value& task);
  void asyncgen_first_iter(const vm::Value& agen);
  void asyncgen_finalize(const vm::Value& agen);
  vm::Value asyncgens_to_close();
  vm::Value worker_occupy(sim::Duration d, bool blocking);
  [[nodiscard]] bool running() const { return running_; }
  [[nodiscard]] bool closed() const { return closed_; }
  void set_closed(bool c) { closed_ = c; }
  // The loop's exception handler (exception_handler.cc): the program's,
  // set by set_exception_handler, or the default one, which logs.
  void call_exception_handler(const vm::Value& context);
  void default_exception_handler(const vm::Value& context);
  vm::Value exception_context(const std::string& message, const vm::Value& exc,
                              std::vector<std::pair<const char*, vm::Value>> more = {});
  void set_exception_handler(vm::Value h) { exception_handler_ = std::move(h); }
  [[nodiscard]] const vm::Value& exception_handler() const { return exception_handler_; }
  // "Task exception was never retrieved": a future with an unretrieved
  // exception is being destroyed (FutureObj::finalize).
  void log_never_retrieved(const vm::Value& fut);
  // A task object is destroyed: the loop keeps what its reports need.
  void task_died(TaskObj* t);
  // A task's __step and __wakeup as callables (made per use, as CPython's
  // bound methods: the task does not hold them, so it can die).
  vm::Value task_step_callable(TaskObj* t);
  vm::Value task_wakeup_callable(TaskObj* t);
  // Executor (executor.cc).
  vm::Value run_in_executor(vm::Value fn, std::vector<vm::Value> args);
  vm::Value shutdown_default_executor();
  // The stream the running task's draws come from (a job's or the top
  // level's: the loop's own).
  sim::RandomStream& draw_stream() override;
  RequestStats& requests() { return requests_; }
  sim::Simulation& sim() { return sim_; }
  [[nodiscard]] std::string current_name() const;
  void trace(const char* what);
  void trace_text(std::string what);

 private:
  // Kernel event tags: the kind in the top byte, an index below.
  enum class Tag : std::uint8_t { kModule, kIterate, kWake, kPollDone, kBusyDone, kIo, kWorker };
  static std::uint64_t tag(Tag kind, std::uint64_t index = 0) {
    return (static_cast<std::uint64_t>(kind) << 56) | (index & 0x00FFFFFFFFFFFFFFULL);
  }

  // The loop thread: which fiber it runs when it is busy.
  // kModuleEnd: the top level has ended and the loop thread computes what
  // its last instructions owe before the program is over.
  enum class Runner : std::uint8_t { kNone, kModule, kTask, kCallback, kModuleEnd };
  vm::RunResult module_end_;
  void run_module(vm::Value in, bool raise);
  void module_done(vm::RunResult r);
  void iterate();
  void poll_done();
  void timers_and_run();
  void run_ready();
  void run_handle(vm::Value h);
  void end_iteration();
  void schedule_iteration();
  void wake();
  // Resumes whatever the loop thread was doing when it became busy.
  void busy_done();
  void task_run(TaskObj* t, vm::Value in, bool raise);
  // vm_.run for the loop thread's fibers, charging the instructions they
  // run (the profile's python.op_cost): before a native of the model the
  // loop thread computes for them (the fiber resumes in busy_done); what a
  // step ran after its last such call is owed and paid before the next
  // callback runs (pay_owed).
  vm::RunResult run_fiber(vm::Fiber& fiber, vm::Value in, bool raise);
  void compute(sim::Duration d);
  void pay_owed();
  OpCharge op_charge_;
  sim::Duration owed_ = 0;
  void task_after_run(TaskObj* t, vm::RunResult r);
  void callback_after_run(vm::RunResult r);
  void callback_failed(const vm::Value& handle, const vm::Value& exc);
  vm::Value current_handle_;  // the handle whose Python callback runs
  // A server's connection loop (ConcsimHost; concsim_host.cc): the running task
  // runs the connection, and waits for its next request as an I/O.
  bool server_runner(std::uint32_t* id) override;
  vm::Value request_awaitable(sim::Duration left) override;
  RequestStats& server_requests() override { return requests_; }
  const std::vector<sim::Distribution>& server_distributions() const override { return options_.distributions; }
  // time.sleep freezes the loop; concsim.cpu keeps it busy; concsim.io is a
  // native coroutine that waits for the I/O.
  vm::Value time_sleep(std::int64_t ns) override;
  vm::Value concsim_cpu(std::int64_t ns) override;
  vm::Value concsim_io(double s, std::int64_t ns, bool exact) override;
  void account_wait(sim::Time from, sim::Time to, bool blocked);
  void stop_run_until_complete();
  void memory_changed();
  void record_uncaught(const vm::Value& exc);

  // Timer heap: heapq's algorithm with TimerHandle's ordering (when, seq).
  static bool timer_less(const vm::Value& a, const vm::Value& b);
  void heap_push(vm::Value h);
  vm::Value heap_pop();
  void heapify();

  sim::Simulation& sim_;
  LoopOptions options_;
  vm::Vm vm_;
  Recorder recorder_;
  LoopStats stats_;
  RequestStats requests_;

  vm::Value asyncio_;       // the module, once imported
  vm::Value intrinsics_;    // __concsim__, once imported
  sim::RandomStream loop_rng_;  // draws outside any task
  bool has_loop_rng_ = false;
  vm::Value future_class_, task_class_, handle_class_, timer_handle_class_;
  vm::Value cancelled_error_, invalid_state_error_;
  vm::Value loop_object_, loop_class_;
  vm::Value native_coro_class_, native_task_body_;
  std::string native_coro_defined_at_;
  vm::Value set_result_unless_cancelled_;
  vm::Value build_asyncio();
  vm::Value build_os();
  std::string runaway_task_;
  // The async generators iterated in the loop and not yet finalized: a weak
  // set, as asyncio's (the finalizer hook removes a generator as it dies).
  std::vector<vm::GenObj*> asyncgens_;
  std::uint32_t worker_busy_ = 0;     // 1 + the worker whose fiber runs now, or 0

  vm::Fiber module_fiber_;
  bool module_waiting_loop_ = false;  // in run_until_complete
  vm::Value until_;                   // the future run_until_complete waits for
  bool running_ = false;              // run_forever() in progress
  bool stopping_ = false;
  bool closed_ = false;

  std::deque<vm::Value> ready_;
  std::vector<std::vector<vm::Value>> spare_vectors_;
  std::deque<vm::Value> io_ready_;   // I/O done, not yet seen by select
  std::vector<vm::Value> scheduled_;  // the timer heap
  std::vector<std::size_t> heap_scan_;  // account_wait's walk of the heap
  std::int64_t timer_cancelled_count_ = 0;
  std::uint64_t timer_seq_ = 0;
  std::size_t ntodo_ = 0;
  std::uint64_t handles_run_ = 0;  // callbacks run, for polling should_stop
  bool iterating_ = false;
  bool iteration_scheduled_ = false;
  bool idle_ = false;
  sim::Time idle_since_ = 0;
  sim::EventId wake_event_;

  // The loop thread busy in a cpu or blocking call.
  Runner runner_ = Runner::kNone;     // what the loop thread runs now
  TaskObj* running_task_ = nullptr;
  vm::Fiber callback_fiber_;
  bool busy_ = false;                 // in occupy(): waiting for kBusyDone
  bool busy_blocking_ = false;
  vm::Value busy_cfuture_;            // the concurrent future the loop thread waits on
  vm::Value busy_task_;               // the task whose step is held up
  sim::Time busy_since_ = 0;
  sim::Duration busy_for_ = 0;
  // Who holds the loop thread in this busy period (stalls and blocking
  // calls name it): a task's name, or else busy_name_. A performance trick:
  // a reference to the task's str rather than a copy of it per period.
  std::string busy_name_;
  vm::Value busy_task_name_;
  void note_busy_name();
  [[nodiscard]] std::string busy_name() const;
  int cores_free_ = 1;
  struct CoreUser {
    bool loop;
    std::uint32_t worker;
    sim::Duration d;
  };
  std::deque<CoreUser> core_queue_;
  void use_core(const CoreUser& u);
  void release_core();

  // What the loop knows of each task it made, in creation order (the index
  // is TaskObj::id): the task while its object lives (not a reference: the
  // loop does not keep tasks alive, so that a task dies when CPython's
  // would) and, once it is gone, what the reports need.
  struct TaskRecord {
    TaskObj* task = nullptr;
    std::string name;
    sim::Time created = 0;
    sim::Time start = -1;
    sim::Time end = -1;
    FutState state = FutState::kPending;
    bool started = false;
    bool is_main = false;
    bool internal = false;
    vm::Value outcome;  // the result or the exception
    void take(const TaskObj& t);  // what the record keeps of the task
  };
  std::vector<TaskRecord> task_records_;
  // Room for a reference to every task, reserved as they are made, so that
  // ~Loop need not allocate (it may run while a std::bad_alloc unwinds).
  std::vector<vm::Value> teardown_;
  // A record as it stands now (read from the task while it lives).
  [[nodiscard]] TaskRecord task_record(std::size_t i) const;
  vm::Value exception_handler_;
  void write_log(const std::string& text);
  TaskObj* current_task_ = nullptr;
  std::uint64_t task_name_counter_ = 0;
  std::int64_t live_tasks_ = 0;
  std::int64_t peak_tasks_ = 0;

  // I/O in flight: futures done through select when their time comes. Slots
  // reused through a free list; an I/O's kernel event carries its slot.
  std::vector<vm::Value> io_pending_;
  std::vector<std::uint32_t> io_free_;

  // Executor (executor.cc).
  struct Job {
    vm::Value fn;
    std::vector<vm::Value> args;
    std::vector<vm::Value> kwnames;
    vm::Value future;  // a concurrent.futures.Future
  };
  struct Worker {
    std::string name;  // "asyncio_3", "ThreadPoolExecutor-0_1"
    std::uint32_t executor = 0;
    vm::Fiber fiber;
    std::unique_ptr<Job> job;
    bool busy = false;     // in a cpu step, time.sleep, or waiting on a future
    bool on_core = false;
    sim::Time busy_since = 0;
    sim::Duration busy_for = 0;
  };
  struct Executor {
    std::string prefix;    // thread names: prefix_N
    int max_workers = 1;
    std::vector<std::uint32_t> workers;  // indices into workers_
    std::deque<std::unique_ptr<Job>> queue;
    std::int64_t running = 0;
    bool shutdown = false;
    std::vector<std::function<void()>> on_idle;  // waiters of shutdown(wait=True)
  };
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::unique_ptr<Executor>> executors_;
  std::int64_t default_executor_ = -1;  // the loop's default, made at its first use
  int max_workers_ = 1;
  std::uint64_t pools_unnamed_ = 0;  // ThreadPoolExecutor-N numbering
  sim::Duration worker_cpu_ = 0;
  void worker_run(std::uint32_t worker, vm::Value in);
  void worker_next(std::uint32_t worker);
  void worker_start_job(std::uint32_t worker);
  void executor_idle(std::uint32_t executor);
  [[nodiscard]] std::size_t workers_started() const { return workers_.size(); }
 public:
  // concurrent.futures (executor.cc).
  std::uint32_t new_executor(int max_workers, std::string prefix);
  vm::Value submit(std::uint32_t executor, vm::Value fn, std::vector<vm::Value> args, std::vector<vm::Value> kwnames);
  vm::Value shutdown_executor(std::uint32_t executor, bool wait);
  vm::Value wait_concurrent(vm::Value cfuture);  // Future.result(): the thread waits
  vm::Value run_in_pool(std::uint32_t executor, vm::Value fn, std::vector<vm::Value> args);
  // The executor a run_in_executor argument names: None is the loop's
  // default (kDefaultExecutor); -1: not an executor.
  static constexpr std::uint32_t kDefaultExecutor = 0xFFFFFFFEU;
  [[nodiscard]] std::uint32_t executor_of(const vm::Value& v) const;
  std::string next_pool_name();
  [[nodiscard]] int machine_cores() const { return options_.machine.cores; }
  vm::Value concurrent_future_class() const { return cfuture_class_; }
  vm::Value build_concurrent_futures();
 private:
  vm::Value cfuture_class_, executor_class_, concurrent_futures_;
  // The loop thread waits without a deadline (a concurrent future's
  // result): the fiber resumes when unblock() is called.
  vm::Value block_until_woken();
  void unblock();
  friend struct ExecutorAccess;

  std::vector<OutputLine> output_;
  std::string partial_[3];  // a line not yet ended, per stream
  std::string uncaught_, uncaught_type_, uncaught_message_;
  std::vector<Frame> uncaught_frames_;
  std::string run_result_;
  bool ran_ = false;
  vm::Value main_task_;
  bool finished_ = false;
  sim::Time finish_time_ = 0;
  bool killed_ = false;

  // Metrics.
  LoopMemory memory_;
  std::uint64_t voluntary_switches_ = 0;
  std::optional<LimitHit> limit_hit_;
};

}  // namespace concsim::models::loop
