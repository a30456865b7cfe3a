// ThreadHost: the thread model's asyncio, natives half (the rest is
// asyncio.py beside this file): futures and tasks (a task is a thread),
// the synchronisation objects under Lock, Semaphore, Event, Condition and
// Queue, and the awaitables (sleep, concsim.io, gather, as_completed's
// steps). Each blocking operation blocks the awaiting thread.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "models/loop/natives.h"
#include "models/threads/thread_host.h"
#include "models/vm/ops.h"

namespace concsim::models::threads {

using loop::Args;
using vm::Kind;
using vm::Value;

std::string FutureObj::repr(vm::Vm& vm) {
  std::string out = "<" + vm::str_of(cls.as<vm::ClassObj>()->name);
  if (is_task) {
    std::string n;
    if (vm::repr_string(vm, name, &n)) out += " " + std::string(n.empty() ? "" : "name=" + n);
  }
  switch (state) {
    case FutState::kPending: out += " pending"; break;
    case FutState::kCancelled: out += " cancelled"; break;
    case FutState::kFinished: {
      out += " finished";
      std::string r;
      if (!exception.is_none()) {
        if (vm::repr_string(vm, exception, &r)) out += " exception=" + r;
      } else if (vm::repr_string(vm, result, &r)) {
        out += " result=" + r;
      }
      break;
    }
  }
  if (vm.error().is_error()) vm.take_error();
  return out + ">";
}

std::string OpObj::repr(vm::Vm&) {
  switch (kind) {
    case OpKind::kSleep: return "<coroutine object sleep>";
    case OpKind::kIo: return "<coroutine object io>";
    case OpKind::kGather: return "<_GatheringFuture pending>";
    case OpKind::kNextDone: return "<coroutine object as_completed.<locals>._wait_for_one>";
    case OpKind::kDone: return "<coroutine object arrive>";
  }
  return "<coroutine>";
}

Value ThreadHost::make_op(OpKind kind) { return vm::make<OpObj>(op_class_, kind); }

Value ThreadHost::await_op(OpObj* op) {
  if (op->awaited) return vm_.raise(vm_.b().RuntimeError, "cannot reuse already awaited coroutine");
  op->awaited = true;
  switch (op->kind) {
    case OpKind::kSleep:
      // asyncio.sleep(0) is sched_yield; a sleep's await returns its result.
      return sleep(op->ns, SpanKind::kWaiting, op->value);
    case OpKind::kIo:
      if (op->ns == 0) return Value::none();  // a read that returns at once
      return sleep(op->ns, SpanKind::kWaiting, Value::none());
    case OpKind::kGather:
      return gather(op->value, op->flag);
    case OpKind::kNextDone:
      return next_done(op);
    case OpKind::kDone:
      return op->value;
  }
  return Value::none();
}

namespace {

ThreadHost& host(vm::Vm& vm) { return static_cast<ThreadHost&>(vm.host()); }
FutureObj* fut(vm::CallArgs& a) { return a.self.as<FutureObj>(); }
SyncObj* sync(vm::CallArgs& a) { return a.self.as<SyncObj>(); }

// A timeout in seconds (None: none) as nanoseconds, -1 for none; a
// negative timeout is 0.
bool seconds_or_none(vm::Vm& vm, vm::CallArgs& a, const Value& v, std::int64_t* ns) {
  if (v.is_none()) {
    *ns = -1;
    return true;
  }
  Args args(vm, a, "timeout");
  double s;
  if (!args.seconds(v, "a number of seconds", &s, ns)) return false;
  if (*ns < 0) *ns = 0;
  return true;
}

// ---- Future and Task ----

Value f_done(vm::Vm&, vm::CallArgs& a) { return Value::boolean(fut(a)->done()); }
Value f_cancelled(vm::Vm&, vm::CallArgs& a) { return Value::boolean(fut(a)->state == FutState::kCancelled); }

Value f_result(vm::Vm& vm, vm::CallArgs& a) {
  FutureObj* f = fut(a);
  ThreadHost& h = host(vm);
  if (f->state == FutState::kCancelled) return vm.raise(h.cancelled_error(), "");
  if (f->state == FutState::kPending) return vm.raise(h.invalid_state_error(), "Result is not set.");
  if (!f->exception.is_none()) return vm.raise_value(f->exception);
  return f->result;
}

Value f_exception(vm::Vm& vm, vm::CallArgs& a) {
  FutureObj* f = fut(a);
  ThreadHost& h = host(vm);
  if (f->state == FutState::kCancelled) return vm.raise(h.cancelled_error(), "");
  if (f->state == FutState::kPending) return vm.raise(h.invalid_state_error(), "Exception is not set.");
  return f->exception;
}

Value f_set_result(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() != 1) return vm.raise(vm.b().TypeError, "set_result() takes exactly one argument");
  if (fut(a)->is_task) return vm.raise(vm.b().RuntimeError, "Task does not support set_result operation");
  return host(vm).set_future(fut(a), a.args[0], Value::none());
}

Value f_set_exception(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() != 1) return vm.raise(vm.b().TypeError, "set_exception() takes exactly one argument");
  if (fut(a)->is_task) return vm.raise(vm.b().RuntimeError, "Task does not support set_exception operation");
  Value exc = a.args[0];
  if (exc.is(Kind::kClass)) {
    exc = vm.call(exc, {});
    if (exc.is_error()) return exc;
  }
  if (!exc.is(Kind::kException)) return vm.raise(vm.b().TypeError, "invalid exception object");
  return host(vm).set_future(fut(a), Value::none(), std::move(exc));
}

Value f_cancel(vm::Vm& vm, vm::CallArgs& a) {
  FutureObj* f = fut(a);
  if (f->is_task && !f->done()) ++f->cancels_requested;
  return Value::boolean(host(vm).cancel(f));
}

Value f_add_done_callback(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() < 1) return vm.raise(vm.b().TypeError, "add_done_callback() missing 1 required positional argument: 'fn'");
  FutureObj* f = fut(a);
  if (f->done()) {
    // A done future calls it at once, in this thread.
    Value self = a.self;
    Value r = vm.call(a.args[0], {&self, 1});
    if (r.is_error()) vm.take_error();
    return Value::none();
  }
  f->callbacks.push_back(a.args[0]);
  return Value::none();
}

Value f_remove_done_callback(vm::Vm&, vm::CallArgs& a) {
  FutureObj* f = fut(a);
  const std::size_t before = f->callbacks.size();
  std::erase_if(f->callbacks, [&](const Value& cb) { return a.nargs == 1 && cb.same(a.args[0]); });
  return Value::integer(static_cast<std::int64_t>(before - f->callbacks.size()));
}

Value f_repr(vm::Vm& vm, vm::CallArgs& a) { return vm::make_str(fut(a)->repr(vm)); }

Value t_get_name(vm::Vm&, vm::CallArgs& a) { return fut(a)->name; }
Value t_set_name(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "set_name() takes exactly one argument");
  Value s = vm::str(vm, a.args[0]);
  if (s.is_error()) return s;
  fut(a)->name = std::move(s);
  return Value::none();
}

Value t_cancelling(vm::Vm&, vm::CallArgs& a) { return Value::integer(fut(a)->cancels_requested); }
// As 3.11's: the count goes down, a cancellation not yet delivered stays.
Value t_uncancel(vm::Vm&, vm::CallArgs& a) {
  FutureObj* f = fut(a);
  if (f->cancels_requested > 0) --f->cancels_requested;
  return Value::integer(f->cancels_requested);
}

Value future_new(vm::Vm& vm, vm::CallArgs&) { return host(vm).new_future(); }

// ---- the synchronisation objects ----

Value s_acquire(vm::Vm& vm, vm::CallArgs& a) { return host(vm).acquire(sync(a), true, -1); }
Value s_release(vm::Vm& vm, vm::CallArgs& a) { return host(vm).release(sync(a)); }
Value s_value(vm::Vm&, vm::CallArgs& a) { return Value::integer(sync(a)->value); }
Value s_waiting(vm::Vm& vm, vm::CallArgs& a) {
  // Threads still blocked in the wait queue.
  std::int64_t n = 0;
  (void)vm;
  for (const Waiter& w : sync(a)->waiters) n += w.thread != kNoThread ? 1 : 0;
  return Value::integer(n);
}
Value s_set(vm::Vm& vm, vm::CallArgs& a) { return host(vm).event_set(sync(a)); }
Value s_clear(vm::Vm&, vm::CallArgs& a) {
  sync(a)->value = 0;
  return Value::none();
}
Value s_wait(vm::Vm& vm, vm::CallArgs& a) {
  SyncObj* s = sync(a);
  return s->kind == SyncKind::kCondition ? host(vm).condition_wait(s) : host(vm).event_wait(s);
}
Value s_notify(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1 || !a.args[0].is(Kind::kInt)) return vm.raise(vm.b().TypeError, "notify() takes an int");
  std::int64_t n = a.args[0].as_int();
  if (n < 0) n = static_cast<std::int64_t>(sync(a)->waiters.size());
  return host(vm).condition_notify(sync(a), n);
}
Value s_put(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 2) return vm.raise(vm.b().TypeError, "put() takes 2 arguments");
  const int block = vm::truthy(vm, a.args[1]);
  if (block < 0) return Value::error();
  Value r = host(vm).queue_put(sync(a), a.args[0], block != 0);
  if (r.is_unset()) return Value::boolean(false);  // full
  if (r.is_none()) return Value::boolean(true);
  return r;
}
// get(empty): the item; with `empty` None it blocks for one, otherwise it
// returns `empty` when there is none.
Value s_get(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "get() takes 1 argument");
  const bool block = a.args[0].is_none();
  Value r = host(vm).queue_get(sync(a), block);
  return r.is_unset() ? a.args[0] : r;
}
Value s_qsize(vm::Vm&, vm::CallArgs& a) { return Value::integer(static_cast<std::int64_t>(sync(a)->items.size())); }
Value s_task_done(vm::Vm& vm, vm::CallArgs& a) { return host(vm).queue_task_done(sync(a)); }
Value s_join(vm::Vm& vm, vm::CallArgs& a) { return host(vm).queue_join(sync(a)); }
Value s_repr(vm::Vm& vm, vm::CallArgs& a) { return vm::make_str(sync(a)->repr(vm)); }

// _new_sync(kind, value)
Value a_new_sync(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 2 || !a.args[0].is(Kind::kStr) || !a.args[1].is(Kind::kInt)) {
    return vm.raise(vm.b().TypeError, "_new_sync(kind, value)");
  }
  const std::string& k = vm::str_of(a.args[0]);
  SyncKind kind;
  if (k == "lock") {
    kind = SyncKind::kLock;
  } else if (k == "semaphore") {
    kind = SyncKind::kSemaphore;
  } else if (k == "bounded") {
    kind = SyncKind::kBounded;
  } else if (k == "event") {
    kind = SyncKind::kEvent;
  } else if (k == "condition") {
    kind = SyncKind::kCondition;
  } else if (k == "queue") {
    kind = SyncKind::kQueue;
  } else {
    return vm.raise(vm.b().ValueError, "_new_sync: unknown kind " + k);
  }
  Value s = host(vm).new_sync(kind, a.args[1].as_int());
  // asyncio's objects are of the _Sync class, threading's lock of _thread.lock.
  return s;
}

// ---- tasks, joins ----

Value a_start_task(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 2) return vm.raise(vm.b().TypeError, "_start_task(coro, name)");
  ThreadHost& h = host(vm);
  // CPython names every task Task-N, then renames one given a name.
  Value n = h.next_task_name();
  if (!a.args[1].is_none()) n = a.args[1];
  return h.start_task(a.args[0], std::move(n));
}

Value a_start_job(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 3 || !a.args[1].is(Kind::kTuple) || !a.args[2].is(Kind::kStr)) {
    return vm.raise(vm.b().TypeError, "_start_job(fn, args, name)");
  }
  return host(vm).start_job(a.args[0], a.args[1].as<vm::TupleObj>()->items, vm::str_of(a.args[2]));
}

Value a_run_main(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 2) return vm.raise(vm.b().TypeError, "_run_main(coro, name)");
  return host(vm).run_main(a.args[0], a.args[1]);
}

Value a_record_result(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs == 1) host(vm).record_run_result(a.args[0]);
  return Value::none();
}

Value a_current_task(vm::Vm& vm, vm::CallArgs&) { return host(vm).current_task(); }
Value a_all_tasks(vm::Vm& vm, vm::CallArgs&) { return host(vm).all_tasks(); }

Value a_sleep(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "sleep");
  Value d = args.get(0, "delay");
  if (d.is_error()) return d;
  Value result = args.get(1, "result", Value::none());
  double s;
  std::int64_t ns;
  if (!args.seconds(d, "a number of seconds", &s, &ns)) return Value::error();
  Value op = host(vm).make_op(OpKind::kSleep);
  op.as<OpObj>()->ns = ns < 0 ? 0 : ns;
  op.as<OpObj>()->value = result;
  return op;
}

// _gather(children, return_exceptions): the awaitable gather returns.
Value a_gather(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 2 || !a.args[0].is(Kind::kList)) return vm.raise(vm.b().TypeError, "_gather(children, flag)");
  const int flag = vm::truthy(vm, a.args[1]);
  if (flag < 0) return Value::error();
  Value op = host(vm).make_op(OpKind::kGather);
  op.as<OpObj>()->value = a.args[0];
  op.as<OpObj>()->flag = flag != 0;
  return op;
}

// _wait(futures, timeout, return_when): blocks; (done, pending).
Value a_wait(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 3 || !a.args[0].is(Kind::kList) || !a.args[2].is(Kind::kInt)) {
    return vm.raise(vm.b().TypeError, "_wait(futures, timeout, return_when)");
  }
  std::int64_t ns;
  if (!seconds_or_none(vm, a, a.args[1], &ns)) return Value::error();
  return host(vm).wait(a.args[0], ns, static_cast<int>(a.args[2].as_int()));
}

// _wait_for(future, timeout): blocks; the future's result.
Value a_wait_for(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 2) return vm.raise(vm.b().TypeError, "_wait_for(future, timeout)");
  std::int64_t ns;
  if (!seconds_or_none(vm, a, a.args[1], &ns)) return Value::error();
  return host(vm).wait_for(a.args[0], ns);
}

// _next_done(futures_left, deadline_ns or None): an awaitable step of as_completed.
Value a_next_done(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 2 || !a.args[0].is(Kind::kList)) return vm.raise(vm.b().TypeError, "_next_done(left, deadline)");
  Value op = host(vm).make_op(OpKind::kNextDone);
  op.as<OpObj>()->value = a.args[0];
  op.as<OpObj>()->deadline = a.args[1].is(Kind::kInt) ? a.args[1].as_int() : -1;
  return op;
}

// _deadline(timeout): now plus the timeout, in nanoseconds.
Value a_deadline(vm::Vm& vm, vm::CallArgs& a) {
  std::int64_t ns;
  if (a.nargs != 1 || !seconds_or_none(vm, a, a.args[0], &ns)) return Value::error();
  return ns < 0 ? Value::none() : Value::integer(vm.host().now_ns() + ns);
}

// _cancel_at(task, when): asyncio.timeout's timer, `when` in loop.time()'s
// seconds; the loop wakes for a float deadline at the nanosecond after it.
Value a_cancel_at(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 2 || !a.args[0].is(Kind::kNative) || dynamic_cast<FutureObj*>(a.args[0].as<vm::NativeObj>()) == nullptr ||
      !a.args[1].is(Kind::kFloat)) {
    return vm.raise(vm.b().TypeError, "_cancel_at(task, when: float)");
  }
  const double when = a.args[1].as_float() * 1e9;
  const sim::Time at = when >= 9e18 ? sim::kTimeMax - 1 : static_cast<sim::Time>(std::ceil(std::max(0.0, when)));
  return Value::integer(host(vm).cancel_at(a.args[0], at));
}
bool timer_arg(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs == 1 && a.args[0].is(Kind::kInt) && host(vm).is_timer(a.args[0].as_int())) return true;
  vm.raise(vm.b().TypeError, "a timer of _cancel_at() was expected");
  return false;
}
Value a_disarm(vm::Vm& vm, vm::CallArgs& a) {
  if (!timer_arg(vm, a)) return Value::error();
  host(vm).disarm(a.args[0].as_int());
  return Value::none();
}
Value a_fired(vm::Vm& vm, vm::CallArgs& a) {
  if (!timer_arg(vm, a)) return Value::error();
  return Value::boolean(host(vm).fired(a.args[0].as_int()));
}

Value a_iscoroutine(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "iscoroutine() takes exactly one argument");
  const Value& v = a.args[0];
  return Value::boolean(v.is(Kind::kCoroutine) || (v.is(Kind::kNative) && dynamic_cast<OpObj*>(v.as<vm::NativeObj>())));
}

Value a_iscoroutinefunction(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "iscoroutinefunction() takes exactly one argument");
  Value f = a.args[0];
  if (f.is(Kind::kMethod)) f = f.as<vm::MethodObj>()->func;
  return Value::boolean(f.is(Kind::kFunction) && f.as<vm::FunctionObj>()->code->is(vm::kCoroutine));
}

Value a_time(vm::Vm& vm, vm::CallArgs&) { return Value::floating(static_cast<double>(vm.host().now_ns()) / 1e9); }

void method(vm::Vm& vm, const Value& cls, const char* name, vm::NativeFn fn) {
  vm.set_class_attr(cls, name, vm.make_builtin(name, fn, nullptr, true));
}
void add(vm::Vm& vm, const Value& m, const char* name, vm::NativeFn fn) {
  vm.set_module_attr(m, name, vm.make_builtin(name, fn));
}

}  // namespace

Value ThreadHost::build_asyncio() {
  vm::Vm& vm = vm_;
  if (op_class_.is_none()) {
    op_class_ = vm.make_class("coroutine", "builtins", {vm.b().object}, Kind::kNative);
  }
  Value thread = import_module(vm, "_thread");  // the lock class
  if (thread.is_error()) return thread;
  return python_module("asyncio", [&](const Value& m) {
    cancelled_error_ = vm.make_class("CancelledError", "asyncio.exceptions", {vm.b().BaseException}, Kind::kException);
    invalid_state_error_ = vm.make_class("InvalidStateError", "asyncio.exceptions", {vm.b().Exception}, Kind::kException);
    vm.set_module_attr(m, "CancelledError", cancelled_error_);
    vm.set_module_attr(m, "InvalidStateError", invalid_state_error_);
    vm.set_module_attr(m, "TimeoutError", vm.b().TimeoutError);
    future_class_ = vm.make_class("Future", "_asyncio", {vm.b().object}, Kind::kNative);
    const struct {
      const char* name;
      vm::NativeFn fn;
    } fmethods[] = {{"done", f_done},
                    {"cancelled", f_cancelled},
                    {"result", f_result},
                    {"exception", f_exception},
                    {"set_result", f_set_result},
                    {"set_exception", f_set_exception},
                    {"cancel", f_cancel},
                    {"add_done_callback", f_add_done_callback},
                    {"remove_done_callback", f_remove_done_callback},
                    {"__repr__", f_repr}};
    for (const auto& fm : fmethods) method(vm, future_class_, fm.name, fm.fn);
    future_class_.as<vm::ClassObj>()->new_fn = future_new;
    task_class_ = vm.make_class("Task", "_asyncio", {future_class_}, Kind::kNative);
    method(vm, task_class_, "get_name", t_get_name);
    method(vm, task_class_, "set_name", t_set_name);
    method(vm, task_class_, "cancelling", t_cancelling);
    method(vm, task_class_, "uncancel", t_uncancel);
    vm.set_module_attr(m, "Future", future_class_);
    vm.set_module_attr(m, "Task", task_class_);
    sync_class_ = vm.make_class("_Sync", "asyncio", {vm.b().object}, Kind::kNative);
    const struct {
      const char* name;
      vm::NativeFn fn;
    } smethods[] = {{"acquire", s_acquire}, {"release", s_release}, {"value", s_value},   {"waiting", s_waiting},
                    {"set", s_set},         {"clear", s_clear},     {"wait", s_wait},     {"notify", s_notify},
                    {"put", s_put},         {"get", s_get},         {"qsize", s_qsize},   {"task_done", s_task_done},
                    {"join", s_join},       {"__repr__", s_repr}};
    for (const auto& sm : smethods) method(vm, sync_class_, sm.name, sm.fn);
    const struct {
      const char* name;
      vm::NativeFn fn;
    } fns[] = {{"_new_sync", a_new_sync},       {"_start_task", a_start_task},   {"_start_job", a_start_job},
               {"_run_main", a_run_main},     {"_record_result", a_record_result}, {"current_task", a_current_task},
               {"all_tasks", a_all_tasks},    {"_sleep", a_sleep},             {"_gather", a_gather},
               {"_wait", a_wait},             {"_wait_for", a_wait_for},      {"_next_done", a_next_done},
               {"_deadline", a_deadline},     {"iscoroutine", a_iscoroutine}, {"iscoroutinefunction", a_iscoroutinefunction},
               {"_time", a_time},             {"_cancel_at", a_cancel_at},    {"_disarm", a_disarm},
               {"_fired", a_fired}};
    for (const auto& f : fns) add(vm, m, f.name, f.fn);
  });
}

}  // namespace concsim::models::threads
