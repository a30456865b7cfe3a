// Executors: concurrent.futures.ThreadPoolExecutor's policy
// (Lib/concurrent/futures/thread.py) in virtual time, for the loop's
// default executor (run_in_executor(None, ...), to_thread: threads named
// asyncio_N, as BaseEventLoop makes them) and for pools the program makes.
// Worker threads start lazily up to max_workers; a submit first hands the
// job to an idle worker; jobs wait first in, first out. A job's result
// reaches the loop with call_soon_threadsafe, as futures.wrap_future does.
//
// Order within an instant (the harness's rule, tools/pydiff/README.md): a
// new thread runs at once until it first blocks (Thread.start waits for
// it); an idle worker woken by a submit runs once the submitting thread
// blocks (here: an event at the same instant, after the current one).
#include <string>
#include <utility>

#include "models/loop/loop.h"
#include "models/loop/natives.h"
#include "models/vm/ops.h"

namespace concsim::models::loop {

using vm::Kind;
using vm::RunStatus;
using vm::Value;

// concurrent.futures.Future.
struct CFutureObj : vm::NativeObj {
  CFutureObj(Value cls, Loop* l) : vm::NativeObj(std::move(cls)), loop(l) {}
  Loop* loop;
  enum class State : std::uint8_t { kPending, kRunning, kCancelled, kFinished } state = State::kPending;
  Value result;
  Value exception;
  std::vector<Value> callbacks;
  std::vector<std::function<void()>> waiters;  // threads blocked in result()
  std::string repr(vm::Vm& vm) override {
    std::string s = "<Future at 0x7f0000000000 state=";
    switch (state) {
      case State::kPending: s += "pending"; break;
      case State::kRunning: s += "running"; break;
      case State::kCancelled: s += "cancelled"; break;
      case State::kFinished: {
        s += "finished";
        std::string r;
        if (!exception.is_none()) {
          s += " raised " + vm::str_of(vm.type_of(exception).as<vm::ClassObj>()->name);
        } else if (vm::repr_string(vm, vm.type_of(result), &r)) {
          s += " returned " + vm::str_of(vm.type_of(result).as<vm::ClassObj>()->name);
        }
        break;
      }
    }
    return s + ">";
  }
  void clear() override {
    vm::NativeObj::clear();
    result = exception = Value();
    callbacks.clear();
    waiters.clear();
  }
};

// ThreadPoolExecutor: an index into the loop's executors.
struct ExecutorObj : vm::NativeObj {
  ExecutorObj(Value cls, std::uint32_t i) : vm::NativeObj(std::move(cls)), index(i) {}
  std::uint32_t index;
};

std::uint32_t Loop::new_executor(int max_workers, std::string prefix) {
  auto e = std::make_unique<Executor>();
  e->max_workers = max_workers;
  e->prefix = std::move(prefix);
  executors_.push_back(std::move(e));
  return static_cast<std::uint32_t>(executors_.size() - 1);
}

namespace {

void finish_cfuture(Loop& loop, vm::Vm& vm, CFutureObj* f, Value value, bool failed) {
  if (f->state == CFutureObj::State::kCancelled || f->state == CFutureObj::State::kFinished) return;
  if (failed) {
    f->exception = std::move(value);
  } else {
    f->result = std::move(value);
  }
  f->state = CFutureObj::State::kFinished;
  // Done callbacks run in the thread that finished the future.
  std::vector<Value> cbs = std::move(f->callbacks);
  f->callbacks.clear();
  Value self = Value::borrow(f);
  for (const Value& cb : cbs) {
    Value r = vm.call(cb, std::vector<Value>{self});
    if (r.is_error()) vm.take_error();
  }
  std::vector<std::function<void()>> waiters = std::move(f->waiters);
  f->waiters.clear();
  for (auto& w : waiters) w();
  (void)loop;
}

}  // namespace

Value Loop::submit(std::uint32_t executor, Value fn, std::vector<Value> args, std::vector<Value> kwnames) {
  Executor& e = *executors_[executor];
  if (e.shutdown) return vm_.raise(vm_.b().RuntimeError, "cannot schedule new futures after shutdown");
  Value f = vm::make<CFutureObj>(cfuture_class_, this);
  auto job = std::make_unique<Job>();
  job->fn = std::move(fn);
  job->args = std::move(args);
  job->kwnames = std::move(kwnames);
  job->future = f;
  e.queue.push_back(std::move(job));
  // _adjust_thread_count: an idle worker takes it (once this thread blocks);
  // else a new thread, which runs at once.
  for (std::uint32_t w : e.workers) {
    if (!workers_[w]->job && !workers_[w]->busy) {
      workers_[w]->busy = true;  // claimed: woken
      sim_.schedule_in(0, *this, tag(Tag::kWorker, (static_cast<std::uint64_t>(1) << 40) | w));
      return f;
    }
  }
  if (static_cast<int>(e.workers.size()) < e.max_workers) {
    auto w = std::make_unique<Worker>();
    w->name = e.prefix + "_" + std::to_string(e.workers.size());
    w->executor = executor;
    const auto index = static_cast<std::uint32_t>(workers_.size());
    workers_.push_back(std::move(w));
    e.workers.push_back(index);
    memory_changed();
    worker_next(index);
  }
  return f;
}

Value Loop::run_in_executor(Value fn, std::vector<Value> args) {
  return run_in_pool(kDefaultExecutor, std::move(fn), std::move(args));
}

Value Loop::run_in_pool(std::uint32_t executor, Value fn, std::vector<Value> args) {
  if (executor == kDefaultExecutor) {
    // The loop's default executor, made at its first use (a pool the
    // program made before it takes another index).
    if (default_executor_ < 0) default_executor_ = static_cast<std::int64_t>(new_executor(max_workers_, "asyncio"));
    executor = static_cast<std::uint32_t>(default_executor_);
  }
  Value cf = submit(executor, std::move(fn), std::move(args), {});
  if (cf.is_error()) return cf;
  // futures.wrap_future: the asyncio future follows the concurrent one; the
  // concurrent future's callback (in the worker thread) posts the outcome to
  // the loop with call_soon_threadsafe.
  Value af = new_future();
  Value chain = vm_.make_builtin("_call_set_state", [](vm::Vm& vm, vm::CallArgs& a) -> Value {
    auto* dst = a.self.as<FutureObj>();
    Value set = vm.make_builtin("_set_state", [](vm::Vm&, vm::CallArgs& b) -> Value {
      auto* d = b.args[0].as<FutureObj>();
      auto* s = b.args[1].as<CFutureObj>();
      if (d->done()) return Value::none();
      if (s->state == CFutureObj::State::kCancelled) {
        d->loop->future_cancel(d, Value::none());
      } else if (!s->exception.is_none()) {
        d->loop->future_set_exception(d, s->exception);
      } else {
        d->loop->future_set_result(d, s->result);
      }
      return Value::none();
    });
    dst->loop->call_soon(std::move(set), {a.self, a.args[0]});
    return Value::none();
  });
  chain.as<vm::BuiltinObj>()->self = af;
  // A job that never blocked has finished already (its worker ran it at
  // once): add_done_callback then calls the callback at once.
  auto* c = cf.as<CFutureObj>();
  if (c->state == CFutureObj::State::kFinished || c->state == CFutureObj::State::kCancelled) {
    Value r = vm_.call(chain, std::vector<Value>{cf});
    if (r.is_error()) return r;
  } else {
    c->callbacks.push_back(std::move(chain));
  }
  return af;
}

void Loop::worker_next(std::uint32_t index) {
  Worker& w = *workers_[index];
  Executor& e = *executors_[w.executor];
  if (w.job || e.queue.empty()) {
    if (!w.job && e.running == 0 && e.queue.empty()) executor_idle(w.executor);
    return;
  }
  w.job = std::move(e.queue.front());
  e.queue.pop_front();
  auto* f = w.job->future.as<CFutureObj>();
  if (f->state == CFutureObj::State::kCancelled) {
    w.job.reset();
    worker_next(index);
    return;
  }
  f->state = CFutureObj::State::kRunning;
  ++e.running;
  worker_start_job(index);
}

void Loop::worker_start_job(std::uint32_t index) {
  Worker& w = *workers_[index];
  Job& job = *w.job;
  w.fiber.owner = &w.name;
  bool started = false;
  if (job.kwnames.empty()) {
    started = vm_.start_call(w.fiber, job.fn, std::move(job.args));
  } else {
    // Keyword arguments: a nested call (the job cannot wait then).
    Value r = vm_.call(job.fn, job.args, job.kwnames);
    Executor& e = *executors_[w.executor];
    std::unique_ptr<Job> done = std::move(w.job);
    --e.running;
    const bool failed = r.is_error();
    finish_cfuture(*this, vm_, done->future.as<CFutureObj>(), failed ? vm_.take_error() : std::move(r), failed);
    worker_next(index);
    return;
  }
  if (!started) {
    Value exc = vm_.take_error();
    Executor& e = *executors_[w.executor];
    std::unique_ptr<Job> done = std::move(w.job);
    --e.running;
    finish_cfuture(*this, vm_, done->future.as<CFutureObj>(), std::move(exc), true);
    worker_next(index);
    return;
  }
  worker_run(index, Value::none());
}

// Runs (or resumes) a worker's job until it waits or ends.
void Loop::worker_run(std::uint32_t index, Value in) {
  Worker& w = *workers_[index];
  if (w.busy) {
    w.busy = false;
    if (w.on_core) {
      w.on_core = false;
      worker_cpu_ += w.busy_for;
      release_core();
    }
  }
  if (!w.job) {
    // An idle worker woken by a submit.
    worker_next(index);
    return;
  }
  const std::uint32_t saved = worker_busy_;
  worker_busy_ = index + 1;
  vm::RunResult r = vm_.run(w.fiber, std::move(in));
  // The worker's thread computes for its interpreted instructions before a
  // native of the model (what its job runs after the last one is not charged).
  while (r.status == RunStatus::kCharge) {
    const sim::Duration d = op_charge_.charge(r.ops);
    if (d > 0) {
      worker_occupy(d, false);
      worker_busy_ = saved;
      return;  // resumed by kWorker
    }
    r = vm_.run(w.fiber, Value::none());
  }
  worker_busy_ = saved;
  if (r.status == RunStatus::kSuspended) return;  // resumed by kWorker
  Executor& e = *executors_[w.executor];
  std::unique_ptr<Job> done = std::move(w.job);
  --e.running;
  Value value = std::move(r.value);
  bool failed = r.status != RunStatus::kReturned;
  if (r.status == RunStatus::kRunaway) {
    vm_.discard(w.fiber);
    vm_.raise(vm_.b().RuntimeError, "concsim: endless loop in an executor job");
    value = vm_.take_error();
    failed = true;
  }
  worker_busy_ = index + 1;  // done callbacks run in this thread
  finish_cfuture(*this, vm_, done->future.as<CFutureObj>(), std::move(value), failed);
  worker_busy_ = saved;
  worker_next(index);
}

void Loop::executor_idle(std::uint32_t executor) {
  Executor& e = *executors_[executor];
  std::vector<std::function<void()>> waiters = std::move(e.on_idle);
  e.on_idle.clear();
  for (auto& w : waiters) w();
}

// A worker thread computes or sleeps (occupy() on a worker's fiber).
Value Loop::worker_occupy(sim::Duration d, bool blocking) {
  const std::uint32_t index = worker_busy_ - 1;
  Worker& w = *workers_[index];
  if (d <= 0) return Value::none();
  w.busy = true;
  w.busy_since = sim_.now();
  w.busy_for = d;
  if (blocking) {
    sim_.schedule_in(d, *this, tag(Tag::kWorker, index));
  } else {
    w.on_core = true;
    use_core(CoreUser{false, index, d});
  }
  return Value::suspend();
}

Value Loop::shutdown_executor(std::uint32_t executor, bool wait) {
  if (executor >= executors_.size()) return Value::none();
  Executor& e = *executors_[executor];
  e.shutdown = true;
  if (!wait || (e.running == 0 && e.queue.empty())) return Value::none();
  // The calling thread waits until every job has finished.
  if (worker_busy_ != 0) {
    return vm_.raise(vm_.b().RuntimeError, "not supported by concsim: shutting a pool down from one of its threads");
  }
  e.on_idle.push_back([this] { unblock(); });
  return block_until_woken();
}

Value Loop::shutdown_default_executor() {
  // loop.shutdown_default_executor(): a future done (from another thread,
  // through call_soon_threadsafe) once every job of the default executor
  // has finished; done at once when there is none.
  Value f = new_future();
  if (default_executor_ < 0) {
    future_set_result(f.as<FutureObj>(), Value::none());
    return f;
  }
  Executor& e = *executors_[static_cast<std::size_t>(default_executor_)];
  e.shutdown = true;
  if (e.running == 0 && e.queue.empty()) {
    call_soon(set_result_unless_cancelled_, {f, Value::none()});
    return f;
  }
  e.on_idle.push_back([this, f] { call_soon(set_result_unless_cancelled_, {f, Value::none()}); });
  return f;
}

Value Loop::block_until_woken() {
  busy_ = true;
  busy_blocking_ = true;
  busy_since_ = sim_.now();
  busy_for_ = 0;
  note_busy_name();
  return Value::suspend();
}

void Loop::unblock() {
  busy_for_ = sim_.now() - busy_since_;
  sim_.schedule_in(0, *this, tag(Tag::kBusyDone));
}

Value Loop::wait_concurrent(Value cfuture) {
  auto* f = cfuture.as<CFutureObj>();
  if (f->state == CFutureObj::State::kFinished) {
    if (!f->exception.is_none()) return vm_.raise_value(f->exception);
    return f->result;
  }
  if (f->state == CFutureObj::State::kCancelled) {
    return vm_.raise(vm_.b().RuntimeError, "concsim: the future was cancelled");
  }
  if (worker_busy_ != 0) {
    const std::uint32_t index = worker_busy_ - 1;
    Worker& w = *workers_[index];
    w.busy = true;
    f->waiters.push_back([this, index] { sim_.schedule_in(0, *this, tag(Tag::kWorker, index)); });
    return Value::suspend();  // the worker resumes with None, then asks again
  }
  f->waiters.push_back([this, cfuture] {
    busy_cfuture_ = cfuture;  // busy_done returns its outcome
    unblock();
  });
  return block_until_woken();
}

// ------------------------------------------------------------- natives ----

namespace {

Value ex_new(vm::Vm& vm, vm::CallArgs& a) {
  Loop& loop = *running_loop(vm);
  Args args(vm, a, "ThreadPoolExecutor");
  Value mw = args.get(0, "max_workers", Value::none());
  if (mw.is_error()) return mw;
  Value prefix = args.get(1, "thread_name_prefix", vm::make_str(""));
  if (prefix.is_error()) return prefix;
  int max_workers;
  if (mw.is_none()) {
    max_workers = std::min(32, loop.machine_cores() + 4);
  } else {
    std::int64_t n;
    if (!vm::index_of(vm, mw, &n)) return Value::error();
    if (n <= 0) return vm.raise(vm.b().ValueError, "max_workers must be greater than 0");
    max_workers = static_cast<int>(std::min<std::int64_t>(n, 1 << 20));
  }
  std::string p = prefix.is(Kind::kStr) ? vm::str_of(prefix) : std::string();
  if (p.empty()) p = loop.next_pool_name();
  const std::uint32_t index = loop.new_executor(max_workers, p);
  return vm::make<ExecutorObj>(a.self, index);
}

std::uint32_t ex_index(const vm::CallArgs& a) { return a.self.as<ExecutorObj>()->index; }

Value ex_submit(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() < 1) return vm.raise(vm.b().TypeError, "submit expected at least 1 argument, got 0");
  std::vector<Value> args(a.args + 1, a.args + a.nargs);
  std::vector<Value> kwnames(a.kwnames, a.kwnames + a.nkw);
  return running_loop(vm)->submit(ex_index(a), a.args[0], std::move(args), std::move(kwnames));
}

Value ex_shutdown(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "shutdown");
  Value wait = args.get(0, "wait", Value::boolean(true));
  if (wait.is_error()) return wait;
  return running_loop(vm)->shutdown_executor(ex_index(a), vm::truthy(vm, wait) > 0);
}

Value ex_enter(vm::Vm&, vm::CallArgs& a) { return a.self; }
Value ex_exit(vm::Vm& vm, vm::CallArgs& a) {
  Value r = running_loop(vm)->shutdown_executor(ex_index(a), true);
  if (r.is_special()) return r;
  return Value::boolean(false);
}

CFutureObj* cf(const vm::CallArgs& a) { return a.self.as<CFutureObj>(); }
Value cf_result(vm::Vm& vm, vm::CallArgs& a) {
  (void)vm;
  return cf(a)->loop->wait_concurrent(a.self);
}
Value cf_done(vm::Vm&, vm::CallArgs& a) {
  return Value::boolean(cf(a)->state == CFutureObj::State::kFinished || cf(a)->state == CFutureObj::State::kCancelled);
}
Value cf_running(vm::Vm&, vm::CallArgs& a) { return Value::boolean(cf(a)->state == CFutureObj::State::kRunning); }
Value cf_cancelled(vm::Vm&, vm::CallArgs& a) { return Value::boolean(cf(a)->state == CFutureObj::State::kCancelled); }
Value cf_cancel(vm::Vm&, vm::CallArgs& a) {
  CFutureObj* f = cf(a);
  if (f->state == CFutureObj::State::kRunning || f->state == CFutureObj::State::kFinished) return Value::boolean(false);
  f->state = CFutureObj::State::kCancelled;
  return Value::boolean(true);
}
Value cf_exception(vm::Vm& vm, vm::CallArgs& a) {
  CFutureObj* f = cf(a);
  if (f->state != CFutureObj::State::kFinished) {
    Value r = f->loop->wait_concurrent(a.self);
    if (r.is_special()) return r;
  }
  (void)vm;
  return f->exception;
}
Value cf_add_done_callback(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "add_done_callback() takes exactly one argument");
  CFutureObj* f = cf(a);
  if (f->state == CFutureObj::State::kFinished || f->state == CFutureObj::State::kCancelled) {
    Value r = vm.call(a.args[0], std::vector<Value>{a.self});
    if (r.is_error()) vm.take_error();
    return Value::none();
  }
  f->callbacks.push_back(a.args[0]);
  return Value::none();
}

}  // namespace

Value Loop::build_concurrent_futures() {
  vm::Vm& vm = vm_;
  Value m = vm.make_module("concurrent.futures");
  cfuture_class_ = vm.make_class("Future", "concurrent.futures._base", {vm.b().object}, Kind::kNative);
  executor_class_ = vm.make_class("ThreadPoolExecutor", "concurrent.futures.thread", {vm.b().object}, Kind::kNative);
  executor_class_.as<vm::ClassObj>()->new_fn = ex_new;
  auto method = [&](const Value& cls, const char* name, vm::NativeFn fn) {
    vm.set_class_attr(cls, name, vm.make_builtin(name, fn, nullptr, true));
  };
  method(executor_class_, "submit", ex_submit);
  method(executor_class_, "shutdown", ex_shutdown);
  method(executor_class_, "__enter__", ex_enter);
  method(executor_class_, "__exit__", ex_exit);
  method(cfuture_class_, "result", cf_result);
  method(cfuture_class_, "done", cf_done);
  method(cfuture_class_, "running", cf_running);
  method(cfuture_class_, "cancelled", cf_cancelled);
  method(cfuture_class_, "cancel", cf_cancel);
  method(cfuture_class_, "exception", cf_exception);
  method(cfuture_class_, "add_done_callback", cf_add_done_callback);
  vm.set_module_attr(m, "ThreadPoolExecutor", executor_class_);
  vm.set_module_attr(m, "Future", cfuture_class_);
  vm.set_module_attr(m, "TimeoutError", vm.b().TimeoutError);
  vm.set_module_attr(m, "CancelledError", cancelled_error_);
  return m;
}

std::string Loop::next_pool_name() { return "ThreadPoolExecutor-" + std::to_string(pools_unnamed_++); }

std::uint32_t Loop::executor_of(const Value& v) const {
  if (v.is_none()) return kDefaultExecutor;
  if (v.is(Kind::kNative) && v.as<vm::NativeObj>()->cls.same(executor_class_)) return v.as<ExecutorObj>()->index;
  return static_cast<std::uint32_t>(-1);
}

}  // namespace concsim::models::loop
