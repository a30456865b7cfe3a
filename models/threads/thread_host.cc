// ThreadHost: threads running fibers of the VM, spawning and ending them,
// blocking and waking with an outcome, time, cancellation, output and the
// results. Joins are in thread_waits.cc, locks and queues in
// thread_locks.cc, the GIL in thread_gil.cc, the modules in
// thread_modules.cc, thread_asyncio.cc and thread_threading.cc.
#include "models/threads/thread_host.h"

#include <algorithm>
#include <utility>

#include "models/vm/interp.h"
#include "models/vm/ops.h"
#include "sim/check.h"

namespace concsim::models::threads {

using vm::Kind;
using vm::RunStatus;
using vm::Value;

namespace {
vm::VmOptions vm_options(const HostOptions& o, const MachineProfile& profile) {
  vm::VmOptions v;
  v.step_budget = o.step_budget;
  v.recursion_limit = 1000;
  v.charge_ops = profile.python_op_cost_ps > 0;
  return v;
}
}  // namespace

ThreadHost::ThreadHost(sim::Simulation& sim, const vm::Program& program, const MachineProfile& profile,
                       const HostOptions& options)
    : ThreadKernel(sim, profile, options.kernel),
      ConcsimHost(sim),
      options_(options),
      vm_(program, *this, vm_options(options, profile)) {
  op_charge_.cost_ps = profile.python_op_cost_ps;
}

ThreadHost::~ThreadHost() {
  // The VM's objects go before the VM.
  for (PThread& t : threads_) {
    for (auto& slot : t.fibers) vm_.discard(slot->fiber);
    t = PThread{};
  }
  tasks_.clear();
  cancel_timers_.clear();
  main_task_ = Value();
  modules_.clear();
  future_class_ = task_class_ = sync_class_ = lock_class_ = op_class_ = Value();
  cancelled_error_ = invalid_state_error_ = Value();
}

void ThreadHost::start() {
  CONCSIM_CHECK(threads_.empty(), "start() is called once");
  auto slot = std::make_unique<Slot>();
  slot->role = Role::kModule;
  vm_.start_module(slot->fiber);
  main_ = new_thread(std::move(slot), "MainThread", false);
  kthreads_[main_].is_main = true;
  // The main thread exists with the process: no creation cost, no memory of
  // its own in the account (see memory_account.h).
  ++live_;
  stats_.peak_threads = live_;
  make_runnable(main_, Runnable::kNew);
}

std::uint32_t ThreadHost::new_thread(std::unique_ptr<Slot> slot, std::string name, bool daemon) {
  const std::uint32_t id = add_thread();
  threads_.emplace_back();
  PThread& t = threads_.back();
  t.fibers.push_back(std::move(slot));
  t.name = std::move(name);
  if (daemon) {
    kthreads_[id].daemon = true;
    --unfinished_;
  }
  if (tracing()) trace(id, "created");
  return id;
}

// ---------------------------------------------------------- the program ----

void ThreadHost::run_program(int core, std::uint32_t id) {
  if (!gil_take(core, id)) return;
  if (threads_[id].pending_cpu > 0) {
    // A computation the GIL interrupted goes on.
    const sim::Duration d = threads_[id].pending_cpu;
    threads_[id].pending_cpu = 0;
    start_cpu(core, id, d, swapping_ ? BurstKind::kSlowed : BurstKind::kUseful, After::kResume);
    return;
  }
  if (threads_[id].owed_cpu > 0) {
    // Instructions it ran before it last stopped, not charged yet.
    const sim::Duration d = threads_[id].owed_cpu;
    threads_[id].owed_cpu = 0;
    compute(core, id, d);
    return;
  }
  Value in = std::move(threads_[id].resume);
  bool raise = threads_[id].resume_raises;
  threads_[id].resume = Value::none();
  threads_[id].resume_raises = false;
  running_ = id;
  running_core_ = core;
  set_waker(core);
  for (;;) {
    if (threads_[id].ended) {
      // Its top fiber ended, and the thread has computed what the last
      // instructions cost: what the end does now happens.
      vm::RunResult ended = std::move(*threads_[id].ended);
      threads_[id].ended.reset();
      bool go_on = false;
      fiber_ended(core, id, std::move(ended), &go_on, &in, &raise);
      if (!go_on) break;
      continue;
    }
    // threads_ may grow while the fiber runs (a spawn): no reference is
    // held across run().
    vm::Fiber& fiber = threads_[id].fibers.back()->fiber;
    vm::RunResult r = vm_.run(fiber, std::move(in), raise);
    in = Value::none();
    raise = false;
    // Interpreted instructions are CPU time (python.op_cost): before a native
    // of the model the thread computes for them and the call is made after;
    // what ran after the last one is owed until the thread next runs.
    const sim::Duration ops_cost = op_charge_.charge(r.ops);
    if (r.status == RunStatus::kCharge) {
      if (ops_cost > 0) {
        compute(core, id, ops_cost);
        break;
      }
      continue;  // under a nanosecond so far: carried
    }
    threads_[id].owed_cpu += ops_cost;
    if (r.status == RunStatus::kSuspended) {
      if (threads_[id].pushed) {
        threads_[id].pushed = false;  // a native started a fiber above: run it
        continue;
      }
      break;  // the native that suspended set up a burst, a block or a yield
    }
    if (r.status == RunStatus::kRunaway) {
      std::string detail = "thread ";
      detail += task_name(id);
      detail += " ran ";
      detail += std::to_string(options_.step_budget);
      detail += " instructions without a pause (an endless loop?)";
      if (tracing()) trace(id, "stopped: no blocking call in " + std::to_string(options_.step_budget) + " instructions");
      stop_endless(std::move(detail));
      break;
    }
    if (threads_[id].owed_cpu > 0) {
      // The fiber ended: the thread computes its last instructions first.
      const sim::Duration d = threads_[id].owed_cpu;
      threads_[id].owed_cpu = 0;
      threads_[id].ended = std::move(r);
      compute(core, id, d);
      break;
    }
    bool go_on = false;
    fiber_ended(core, id, std::move(r), &go_on, &in, &raise);
    if (!go_on) break;
  }
  running_ = kNoThread;
  running_core_ = -1;
  set_waker(-1);
}

// A thread ran away (instructions or compute steps without a pause): the
// run stops, and the program's outcome says why.
void ThreadHost::stop_endless(std::string detail) {
  outcome_.failed = true;
  outcome_.type = "RuntimeError";
  outcome_.message = "concsim: endless loop: " + detail;
  outcome_.traceback = outcome_.type + ": " + outcome_.message + "\n";
  end_run(std::move(detail));
}

// A fiber of the thread ended: the one below it goes on with its value, or
// the thread's program is over.
void ThreadHost::fiber_ended(int core, std::uint32_t id, vm::RunResult r, bool* go_on, Value* in, bool* raise) {
  std::unique_ptr<Slot> slot = std::move(threads_[id].fibers.back());
  threads_[id].fibers.pop_back();
  vm_.discard(slot->fiber);
  const bool raised = r.status == RunStatus::kRaised;
  switch (slot->role) {
    case Role::kRun: {
      // asyncio.run's coroutine: its task is done; asyncio.run returns.
      auto* f = slot->task.as<FutureObj>();
      if (raised && vm_.isinstance(r.value, cancelled_error_)) {
        f->state = FutState::kCancelled;
      } else if (raised) {
        f->exception = r.value;
        f->state = FutState::kFinished;
      } else {
        f->result = r.value;
        f->state = FutState::kFinished;
      }
      f->thread = kNoThread;
      threads_[id].task = Value::none();
      complete(f);
      *in = std::move(r.value);
      *raise = raised;
      *go_on = true;
      return;
    }
    case Role::kModule: {
      if (raised) {
        // sys.exit() and sys.exit(0) end the program normally.
        bool clean = false;
        if (vm_.isinstance(r.value, vm_.b().SystemExit)) {
          const Value& args = r.value.as<vm::ExceptionObj>()->args;
          const auto& items = args.as<vm::TupleObj>()->items;
          clean = items.empty() || items[0].is_none() || (items[0].is(Kind::kInt) && items[0].as_int() == 0);
        }
        if (!clean) record_uncaught(r.value);
      }
      // What the interpreter does at exit: threading's exit hooks and the
      // join of every non-daemon thread (threading._shutdown).
      const auto mod = modules_.find("threading");
      if (mod != modules_.end()) {
        Value shutdown = vm::dict_get_str(mod->second.as<vm::ModuleObj>()->dict, vm_.intern("_shutdown"));
        auto exit_slot = std::make_unique<Slot>();
        exit_slot->role = Role::kExit;
        if (!shutdown.is_unset() && vm_.start_call(exit_slot->fiber, shutdown, {})) {
          threads_[id].fibers.push_back(std::move(exit_slot));
          *go_on = true;
          return;
        }
        if (vm_.error().is_error()) vm_.take_error();
      }
      finish(core, id);
      return;
    }
    case Role::kExit:
      finish(core, id);
      return;
    case Role::kTask:
    case Role::kCall:
      threads_[id].outcome = std::move(r.value);
      threads_[id].failed = raised;
      finish(core, id);
      return;
  }
}

// The thread's program is over: it lets the GIL go and exits.
void ThreadHost::finish(int core, std::uint32_t id) {
  gil_release(id);
  forget_wakes();
  if (profile_.thread_exit > 0) {
    start_cpu(core, id, profile_.thread_exit, BurstKind::kSystem, After::kExit);
  } else {
    exit_thread(core, id);
  }
}

void ThreadHost::notify_exit(std::uint32_t id) {
  Value task = threads_[id].task;
  if (!task.is_none()) {
    auto* f = task.as<FutureObj>();
    if (threads_[id].failed && vm_.isinstance(threads_[id].outcome, cancelled_error_)) {
      f->state = FutState::kCancelled;
    } else if (threads_[id].failed) {
      f->exception = threads_[id].outcome;
      f->state = FutState::kFinished;
    } else {
      f->result = threads_[id].outcome;
      f->state = FutState::kFinished;
    }
  }
  if (tracing()) {
    if (task.is_none()) {
      trace(id, "done");
    } else {
      auto* f = task.as<FutureObj>();
      std::string r;
      if (f->state == FutState::kCancelled) {
        trace(id, "cancelled");
      } else if (vm::repr_string(vm_, f->exception.is_none() ? f->result : f->exception, &r)) {
        trace(id, (f->exception.is_none() ? "done -> " : "failed: ") + r);
      } else {
        vm_.take_error();
      }
    }
  }
  const bool failed = !task.is_none() && task.as<FutureObj>()->failed();
  if (!kthreads_[id].is_main) {
    if (failed) {
      ++failed_;
    } else {
      ++completed_;
      latency_.record(kthreads_[id].end - kthreads_[id].created);
    }
  }
  // Whoever joins it: the task's waiters, and threading's join (the
  // thread's sentinel lock, released by the exit path).
  if (!task.is_none()) complete(task.as<FutureObj>());
  if (!threads_[id].sentinel.is_none()) {
    Value s = std::move(threads_[id].sentinel);
    threads_[id].sentinel = Value::none();
    // The main thread's was released by threading._shutdown already.
    if (s.as<SyncObj>()->value == 0) release(s.as<SyncObj>());
  }
  PThread& t = threads_[id];
  for (auto& slot : t.fibers) vm_.discard(slot->fiber);
  t.fibers.clear();
  t.outcome = t.op = t.op_value = t.resume = Value::none();
}

void ThreadHost::killed_thread(std::uint32_t id) {
  PThread& t = threads_[id];
  t.failed = true;
  t.outcome = vm_.make_exception(vm_.b().MemoryError, "out of memory: the OOM killer ended the process");
  if (!t.task.is_none()) {
    auto* f = t.task.as<FutureObj>();
    f->exception = t.outcome;
    f->state = FutState::kFinished;
  }
}

void ThreadHost::record_uncaught(const Value& exc) {
  outcome_.failed = true;
  outcome_.traceback = vm_.format_exception(exc);
  if (!exc.is(Kind::kException)) return;
  auto* e = exc.as<vm::ExceptionObj>();
  outcome_.type = vm::str_of(e->cls.as<vm::ClassObj>()->name);
  Value s = vm::str(vm_, exc);
  outcome_.message = s.is(Kind::kStr) ? vm::str_of(s) : std::string();
  if (s.is_error()) vm_.take_error();
  for (auto it = e->traceback.rbegin(); it != e->traceback.rend(); ++it) {
    if (it->code->is(vm::kHidden)) continue;
    outcome_.frames.push_back(Outcome::Frame{it->code->file, it->line, it->code->name});
  }
}

// --------------------------------------------------------------- spawning ----

// Creates a thread for `slot`, as pthread_create: refused or queued at the
// machine's limits, its creation charged to the parent, which then goes on
// with `result`.
Value ThreadHost::spawn(std::unique_ptr<Slot> slot, std::string name, bool daemon, Value result) {
  const std::uint32_t parent = running_;
  const int core = running_core_;
  const LimitKind limit = admit_check();
  if (limit != LimitKind::kNone && koptions_.on_limit == OnThreadLimit::kRefuse) {
    ++stats_.refused;
    if (tracing()) trace(parent, std::string("can't start new thread: ") + to_string(limit) + " limit");
    vm_.discard(slot->fiber);
    return vm_.raise(vm_.b().RuntimeError, "can't start new thread");
  }
  const Value task = slot->role == Role::kTask || !slot->task.is_none() ? slot->task : Value::none();
  const std::uint32_t child = new_thread(std::move(slot), std::move(name), daemon);
  threads_[child].task = task;
  if (!task.is_none()) task.as<FutureObj>()->thread = child;
  if (tracing()) trace(parent, "spawn " + task_name(child));
  if (limit != LimitKind::kNone) {
    // Queued: created when a thread exits, paying its own creation then.
    queue_creation(child);
    if (tracing()) trace(child, std::string("queued for creation: ") + to_string(limit) + " limit");
    return reply(std::move(result));
  }
  if (!create(child)) return Value::suspend();  // the OOM killer ended the process
  if (profile_.thread_create > 0 && on_fiber()) {
    threads_[parent].child = child;
    threads_[parent].op_value = std::move(result);
    start_cpu(core, parent, profile_.thread_create, BurstKind::kSystem, After::kProgram);
    return Value::suspend();
  }
  if (profile_.thread_create > 0) {
    // A parent that cannot wait here (a call a builtin makes: a generator
    // unpacked into gather(*...)) does not pay for the creation; the new
    // thread pays it before it runs, so the machine still does the work.
    KThread& k = kthreads_[child];
    k.cpu_left += profile_.thread_create;
    k.burst = BurstKind::kSystem;
    k.after = After::kResume;
  }
  make_runnable(child, Runnable::kNew);
  return reply(std::move(result));
}

// The parent has paid for the creation: the child becomes runnable, and the
// parent goes on.
void ThreadHost::after_program_burst(int core, std::uint32_t id) {
  PThread& t = threads_[id];
  const std::uint32_t child = t.child;
  t.child = kNoThread;
  if (child != kNoThread && kthreads_[child].sched == Sched::kCreating) make_runnable(child, Runnable::kNew);
  t.resume = std::move(t.op_value);
  t.op_value = Value::none();
  t.resume_raises = false;
  run_program(core, id);
}

Value ThreadHost::start_thread(const Value& callable, std::vector<Value> args, const Value& pyobj, bool daemon,
                               std::string name) {
  auto slot = std::make_unique<Slot>();
  slot->role = Role::kCall;
  if (!vm_.start_call(slot->fiber, callable, std::move(args))) return Value::error();
  // The ident is known before the thread runs (it is its index).
  const Value ident = Value::integer(thread_ident(static_cast<std::uint32_t>(threads_.size())));
  const std::uint32_t would_be = static_cast<std::uint32_t>(threads_.size());
  Value r = spawn(std::move(slot), std::move(name), daemon, ident);
  if (!r.is_error() && would_be < threads_.size()) threads_[would_be].pyobj = pyobj;
  return r;
}

Value ThreadHost::start_task(const Value& coro, Value name) {
  auto slot = std::make_unique<Slot>();
  slot->role = Role::kTask;
  if (!vm_.start_coroutine(slot->fiber, coro)) return Value::error();
  Value task = vm::make<FutureObj>(task_class_);
  auto* f = task.as<FutureObj>();
  f->is_task = true;
  f->name = name.is_none() ? next_task_name() : std::move(name);
  slot->task = task;
  tasks_.push_back(task);
  const std::string n = vm::str_of(f->name);
  return spawn(std::move(slot), n, false, task);
}

Value ThreadHost::start_job(const Value& callable, std::vector<Value> args, std::string name) {
  auto slot = std::make_unique<Slot>();
  slot->role = Role::kCall;
  if (!vm_.start_call(slot->fiber, callable, std::move(args))) return Value::error();
  Value task = vm::make<FutureObj>(task_class_);
  auto* f = task.as<FutureObj>();
  f->is_task = true;
  f->is_executor = true;
  f->name = vm::make_str(name);
  slot->task = task;
  tasks_.push_back(task);
  return spawn(std::move(slot), std::move(name), false, task);
}

Value ThreadHost::run_main(const Value& coro, Value name) {
  const std::uint32_t id = running_;
  if (!on_fiber()) return cannot_wait();
  if (!threads_[id].task.is_none()) {
    return vm_.raise(vm_.b().RuntimeError, "asyncio.run() cannot be called from a running event loop");
  }
  auto slot = std::make_unique<Slot>();
  slot->role = Role::kRun;
  if (!vm_.start_coroutine(slot->fiber, coro)) return Value::error();
  Value task = vm::make<FutureObj>(task_class_);
  auto* f = task.as<FutureObj>();
  f->is_task = true;
  f->thread = id;
  f->name = name.is_none() ? next_task_name() : std::move(name);
  slot->task = task;
  tasks_.push_back(task);
  if (main_task_.is_none()) main_task_ = task;
  threads_[id].task = task;
  threads_[id].fibers.push_back(std::move(slot));
  threads_[id].pushed = true;
  return Value::suspend();
}

Value ThreadHost::next_task_name() { return vm::make_str("Task-" + std::to_string(++task_counter_)); }

std::uint32_t ThreadHost::thread_of_ident(std::int64_t ident) const {
  if (ident < 1 || static_cast<std::uint64_t>(ident) > threads_.size()) return kNoThread;
  return static_cast<std::uint32_t>(ident - 1);
}

Value ThreadHost::thread_sentinel() {
  // A free lock: the thread acquires it (Thread._set_tstate_lock), the
  // exit path releases it.
  Value s = new_sync(SyncKind::kLock, 1);
  threads_[running_].sentinel = s;
  return s;
}

Value ThreadHost::current_task() {
  if (running_ == kNoThread) return Value::none();
  return threads_[running_].task;
}

Value ThreadHost::all_tasks() {
  Value s = vm::make_set();
  for (const Value& t : tasks_) {
    if (!t.as<FutureObj>()->done() && !vm::set_add(vm_, s, t)) return Value::error();
  }
  return s;
}

void ThreadHost::record_run_result(const Value& v) {
  std::string r;
  if (!vm::repr_string(vm_, v, &r)) {
    vm_.take_error();
    r = "?";
  }
  outcome_.ran = true;
  outcome_.result = std::move(r);
}

// ----------------------------------------------------- blocking and waking ----

bool ThreadHost::on_fiber() const {
  return running_ != kNoThread && !threads_[running_].fibers.empty() &&
         vm_.current_fiber() == &threads_[running_].fibers.back()->fiber;
}

Value ThreadHost::cannot_wait() {
  return vm_.raise(vm_.b().RuntimeError,
                   "not supported by concsim: a blocking call (a lock, a join, a sleep, Future.result()) inside a "
                   "call that a builtin makes (a generator consumed by sorted(), sum(), unpacking or f(*...)) or "
                   "that the runtime makes (an import, a __repr__, a done callback); iterate with a for loop or a "
                   "comprehension instead");
}

Value ThreadHost::reply(Value v) {
  if (v.is_special() || !on_fiber()) return v;
  if (pay_futex_wakes(running_core_, running_)) {
    threads_[running_].resume = std::move(v);
    threads_[running_].resume_raises = false;
    return Value::suspend();
  }
  return v;
}

Value ThreadHost::raise(const Value& type, std::string message) { return vm_.raise(type, std::move(message)); }

void ThreadHost::block(std::uint32_t thread, Wait wait, SpanKind span) {
  CONCSIM_CHECK(thread == running_, "only the running thread blocks");
  gil_release(thread);
  forget_wakes();  // a request that blocks pays its wakes in its own cost
  threads_[thread].wait = wait;
  ThreadKernel::block(running_core_, thread, span);
}

void ThreadHost::wake(std::uint32_t thread, Value v, bool raise) {
  PThread& t = threads_[thread];
  t.wait = Wait::kNone;
  t.op = Value::none();
  t.resume = std::move(v);
  t.resume_raises = raise;
  ThreadKernel::wake(thread);
}

Value ThreadHost::make_cancelled() { return vm_.make_exception(cancelled_error_, ""); }

bool ThreadHost::take_cancel(std::uint32_t thread) {
  PThread& t = threads_[thread];
  if (!t.cancel_requested) return false;
  t.cancel_requested = false;
  if (tracing()) trace(thread, "CancelledError raised");
  return true;
}

bool ThreadHost::deliver_cancel(int core, std::uint32_t id) {
  if (!take_cancel(id)) return false;
  threads_[id].wait = Wait::kNone;
  threads_[id].resume = make_cancelled();
  threads_[id].resume_raises = true;
  run_program(core, id);
  return true;
}

// Python cannot cancel a thread asynchronously: the cancellation is
// delivered at the target's next blocking point, at once if it is blocked.
bool ThreadHost::request_cancel(std::uint32_t target) {
  if (kthreads_[target].end >= 0) return false;
  PThread& t = threads_[target];
  if (kthreads_[target].sched != Sched::kBlocked || t.wait == Wait::kGil) {
    t.cancel_requested = true;
    return true;
  }
  // Blocked: this is its blocking point. A wait_for passes the cancellation
  // on to what it waits for, as asyncio's does.
  if (t.wait == Wait::kWaitFor) {
    auto* inner = t.op.as<FutureObj>();
    if (inner->thread != kNoThread) {
      request_cancel(inner->thread);
    } else {
      cancel(inner);
    }
  }
  if (tracing()) trace(target, "CancelledError raised");
  wake(target, make_cancelled(), true);
  return true;
}

void ThreadHost::on_timeout(std::uint32_t id) {
  if (kthreads_[id].sleeping) {
    Value r = std::move(threads_[id].resume);  // asyncio.sleep's result
    wake(id, std::move(r));
    return;
  }
  timed_out(id);
}

int ThreadHost::core_of(std::uint32_t thread) const {
  CONCSIM_CHECK(thread == running_, "a native acts on the running thread");
  return running_core_;
}

// ---------------------------------------------------------------- time ----

Value ThreadHost::sleep(std::int64_t ns, SpanKind span, Value result, bool zero_sleeps) {
  const std::uint32_t id = running_;
  const int core = running_core_;
  if (!on_fiber()) return cannot_wait();
  // A cancellation asked for is delivered here, sleep(0) included: as
  // asyncio's, every sleep is a point where the task can be cancelled.
  if (take_cancel(id)) return vm_.raise_value(make_cancelled());
  threads_[id].resume = result;
  threads_[id].resume_raises = false;
  if (ns <= 0 && !zero_sleeps) {
    // sched_yield: the GIL goes to a thread waiting for it, the core to a
    // thread waiting for it.
    gil_release(id);
    if (yield(core)) return Value::suspend();
    if (!gil_take(core, id)) return Value::suspend();
    threads_[id].resume = Value::none();
    return reply(std::move(result));
  }
  if (tracing()) trace(id, std::string(span == SpanKind::kBlocked ? "block " : "sleep ") + sim::format_duration(ns));
  gil_release(id);
  forget_wakes();
  threads_[id].wait = Wait::kSleep;
  sleep_in_syscall(core, id, ns, span);
  return Value::suspend();
}

Value ThreadHost::cpu(std::int64_t ns) {
  if (ns <= 0) return Value::none();
  if (!on_fiber()) return cannot_wait();
  const std::uint32_t id = running_;
  if (compute_step(id)) {
    // Computing without ever blocking or yielding (models/runaway.h).
    std::string detail = runaway_detail("thread " + task_name(id), koptions_.compute_budget, "blocking");
    if (tracing()) trace(id, "stopped: " + detail);
    stop_endless(std::move(detail));
    return Value::suspend();
  }
  if (tracing()) trace(id, "cpu " + sim::format_duration(ns));
  threads_[id].resume = Value::none();
  compute(running_core_, id, ns);
  return Value::suspend();
}

void ThreadHost::compute(int core, std::uint32_t id, sim::Duration ns) {
  if (swapping_) {
    sim::Duration slowed = 0;
    if (!sim::checked_mul(ns, sched_.slowdown(), &slowed)) slowed = sim::kTimeMax / 4;
    start_cpu(core, id, slowed, BurstKind::kSlowed, After::kResume);
  } else {
    start_cpu(core, id, ns, BurstKind::kUseful, After::kResume);
  }
}

// --------------------------------------------------------------- output ----

std::string ThreadHost::thread_name(std::uint32_t thread) const {
  return const_cast<ThreadHost*>(this)->task_name(thread);
}

std::string ThreadHost::task_name(std::uint32_t id) {
  if (id == kModel) return "threads";
  if (id >= threads_.size()) return "thread#" + std::to_string(id);
  const PThread& t = threads_[id];
  if (!t.task.is_none()) return vm::str_of(t.task.as<FutureObj>()->name);
  if (t.pyobj.is(Kind::kInstance)) {
    // threading.Thread keeps its name in _name (a property reads it).
    const Value& dict = t.pyobj.as<vm::InstanceObj>()->dict;
    if (dict.is(Kind::kDict)) {
      Value n = vm::dict_get_str(dict, vm_.intern("_name"));
      if (n.is(Kind::kStr)) return vm::str_of(n);
    }
  }
  return t.name;
}

void ThreadHost::write(vm::Vm&, int stream, std::string_view text) {
  if (stream != 2) stream = 1;
  const std::string who = running_ == kNoThread ? std::string("MainThread") : task_name(running_);
  std::string& buf = partial_[stream];
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      buf.append(text.substr(start));
      if (!buf.empty()) {
        // A partial line keeps the time and name of its latest write.
        partial_name_[stream] = who;
        partial_t_[stream] = sim_.now();
      }
      break;
    }
    buf.append(text.substr(start, nl - start));
    if (tracing()) trace(running_ == kNoThread ? main_ : running_, "print: " + buf);
    output_.push_back(OutputLine{sim_.now(), who, stream, std::move(buf)});
    buf.clear();
    start = nl + 1;
  }
}

// --------------------------------------------------------------- results ----

std::vector<TaskSummary> ThreadHost::task_summaries() {
  // Lines not ended by a newline are output too, at their last write.
  for (int s = 1; s <= 2; ++s) {
    if (!partial_[s].empty()) {
      output_.push_back(OutputLine{partial_t_[s], partial_name_[s], s, partial_[s]});
      partial_[s].clear();
    }
  }
  std::vector<TaskSummary> out;
  out.reserve(threads_.size());
  for (std::uint32_t i = 0; i < threads_.size(); ++i) {
    const PThread& t = threads_[i];
    const KThread& k = kthreads_[i];
    TaskSummary s;
    s.name = task_name(i);
    s.start = k.start;
    s.end = k.end;
    s.is_executor_job = !t.task.is_none() && t.task.as<FutureObj>()->is_executor;
    if (k.end < 0) {
      s.state = k.start >= 0 ? TaskState::kRunning : TaskState::kPending;
    } else if (!t.task.is_none()) {
      const auto* f = t.task.as<FutureObj>();
      s.state = f->state == FutState::kCancelled ? TaskState::kCancelled
                : f->exception.is_none()         ? TaskState::kDone
                                                 : TaskState::kFailed;
      if (f->state == FutState::kCancelled) {
        s.result = "CancelledError()";
      } else if (!vm::repr_string(vm_, f->exception.is_none() ? f->result : f->exception, &s.result)) {
        vm_.take_error();
        s.result = "?";
      }
    } else {
      s.state = t.failed ? TaskState::kFailed : TaskState::kDone;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string ThreadHost::main_state() const {
  if (main_task_.is_none()) return "none";
  const auto* f = main_task_.as<FutureObj>();
  switch (f->state) {
    case FutState::kPending: return "running";
    case FutState::kCancelled: return "cancelled";
    case FutState::kFinished: return f->exception.is_none() ? "done" : "failed";
  }
  return "?";
}

std::string ThreadHost::main_result() {
  if (main_task_.is_none()) return "";
  const auto* f = main_task_.as<FutureObj>();
  if (f->state == FutState::kPending) return "";
  if (f->state == FutState::kCancelled) return "CancelledError()";
  std::string out;
  if (!vm::repr_string(vm_, f->exception.is_none() ? f->result : f->exception, &out)) {
    vm_.take_error();
    return "?";
  }
  return out;
}

namespace {

// The innermost frame of the run's program (not of a module of the model),
// as Vm::where gives a frame, or "" when the fiber has none.
std::string program_frame(const vm::Vm& vm, const vm::Fiber& fiber) {
  for (const vm::Frame* f = fiber.top; f != nullptr; f = f->back) {
    if (f->code->program == &vm.program() && !f->code->is(vm::kHidden)) {
      return f->code->file + ":" + std::to_string(f->code->line_at(vm::lasti(f))) + " in " + f->code->name;
    }
  }
  return "";
}

}  // namespace

void ThreadHost::describe_waiting(std::vector<sim::WaitingTask>& out) const {
  if (finished_) return;
  auto& self = const_cast<ThreadHost&>(*this);
  for (std::uint32_t i = 0; i < threads_.size(); ++i) {
    const PThread& t = threads_[i];
    const KThread& k = kthreads_[i];
    if (k.end >= 0) continue;
    std::string what;
    switch (k.sched) {
      case Sched::kQueued: what = "thread creation, queued at a limit"; break;
      case Sched::kBlocked:
        if (t.wait == Wait::kGil) {
          what = "the GIL";
        } else if (!t.fibers.empty() && t.fibers.back()->role == Role::kExit) {
          what = "the other threads at exit (threading._shutdown joins them)";
        } else if (!t.fibers.empty() && t.fibers.back()->fiber.top != nullptr) {
          // Where the program waits, and in which call of a module of the
          // model (threading.py's Event.wait, say) when that is deeper.
          const vm::Fiber& fiber = t.fibers.back()->fiber;
          const std::string top = self.vm_.where(fiber);
          const std::string mine = program_frame(self.vm_, fiber);
          what = "at " + (mine.empty() || mine == top ? top : mine + ", in " + top);
        } else {
          what = "blocked";
        }
        break;
      default: what = "a core"; break;
    }
    out.push_back(sim::WaitingTask{self.task_name(i), what});
  }
}

std::size_t ThreadHost::memory_bytes() const {
  return kernel_memory_bytes() + threads_.capacity() * sizeof(PThread) +
         static_cast<std::size_t>(std::max<std::int64_t>(0, vm::heap_bytes()));
}

}  // namespace concsim::models::threads
