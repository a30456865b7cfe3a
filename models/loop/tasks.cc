// asyncio.Task: Task.__step and Task.__wakeup (Lib/asyncio/tasks.py, and
// the C accelerator's task_step_impl in Modules/_asynciomodule.c, which
// CPython 3.11 runs), cancellation, names.
#include <string>
#include <utility>

#include "models/loop/loop.h"
#include "models/loop/natives.h"
#include "models/vm/ops.h"

namespace concsim::models::loop {

using vm::Kind;
using vm::RunStatus;
using vm::Value;

TaskObj::~TaskObj() {
  if (registered) loop->task_died(this);
}

namespace {

// "main() running at prog.py:12" / "f() done, defined at prog.py:3", as
// coroutines._format_coroutine.
std::string format_coro(vm::Vm& vm, const TaskObj* t) {
  const Value& c = t->coro;
  std::string name = "coroutine";
  std::string where;
  if (c.is(Kind::kCoroutine)) {
    const auto* g = c.as<vm::GenObj>();
    if (g->qualname.is(Kind::kStr)) name = vm::str_of(g->qualname);
    if (g->frame != nullptr && g->state != vm::GenState::kClosed) {
      where = " running at " + g->frame->code->file + ":" +
              std::to_string(g->frame->code->line_at(g->frame->pc == 0 ? 0 : g->frame->pc - 1));
    } else if (!t->fiber.top || t->finished_fiber || t->done()) {
      // The code is gone with the frame: the definition line comes from
      // the task's record of it.
      where = " done, defined at " + t->coro_defined_at;
    } else {
      where = " running at " + vm.where(t->fiber);
    }
  } else {
    name = callable_name(vm, c);
    where = t->done() ? " done, defined at " + t->coro_defined_at : "";
  }
  return name + "()" + where;
}

}  // namespace

std::string TaskObj::repr(vm::Vm& vm) {
  // base_tasks._task_repr_info
  std::string out = "<Task";
  switch (state) {
    case FutState::kPending: out += " pending"; break;
    case FutState::kCancelled: out += " cancelled"; break;
    case FutState::kFinished: out += " finished"; break;
  }
  if (must_cancel && state == FutState::kPending) out = "<Task cancelling";
  out += " name='" + vm::str_of(name) + "'";
  out += " coro=<" + format_coro(vm, this) + ">";
  if (state == FutState::kFinished) {
    std::string r;
    if (!exception.is_none()) {
      if (vm::repr_string(vm, exception, &r)) out += " exception=" + r;
    } else if (vm::repr_string(vm, result, &r)) {
      out += " result=" + r;
    }
    if (vm.error().is_error()) vm.take_error();
  }
  if (!fut_waiter.is_none() && !fut_waiter.is_unset()) {
    out += " wait_for=" + fut_waiter.as<vm::NativeObj>()->repr(vm);
  }
  if (!callbacks.empty()) out += " cb=[" + format_callbacks(vm, callbacks) + "]";
  return out + ">";
}

namespace {

Value task_step_native(vm::Vm&, vm::CallArgs& a) {
  auto* t = a.self.as<TaskObj>();
  Value exc = a.nargs > 0 ? a.args[0] : Value::none();
  t->loop->task_step(t, exc);
  return Value::none();
}

Value task_wakeup_native(vm::Vm&, vm::CallArgs& a) {
  auto* t = a.self.as<TaskObj>();
  t->loop->task_wakeup(t, a.args[0].as<FutureObj>());
  return Value::none();
}

}  // namespace

Value Loop::create_task(const Value& coro, Value name) {
  // The loop's own coroutines (asyncio.sleep), and an async generator's
  // asend/athrow/aclose awaitables, which CPython's Task accepts as
  // coroutines (the loop's finalizer hook makes a task of aclose()).
  const bool native = (coro.is(Kind::kNative) && coro.as<vm::NativeObj>()->cls.same(native_coro_class_)) ||
                      (coro.is(Kind::kIterator) && coro.as<vm::IterObj>()->sub == vm::IterKind::kAsyncGenAwaitable);
  if (!coro.is(Kind::kCoroutine) && !native) {
    std::string r;
    if (!vm::repr_string(vm_, coro, &r)) return Value::error();
    return vm_.raise(vm_.b().TypeError, "a coroutine was expected, got " + r);
  }
  Value tv = vm::make<TaskObj>(task_class_, this);
  auto* t = tv.as<TaskObj>();
  t->id = static_cast<std::uint32_t>(task_records_.size());
  t->coro = coro;
  t->fut_waiter = Value::none();
  t->cancel_message = Value::none();
  t->cancelled_exc = Value::none();
  if (name.is_none() || name.is_unset()) {
    t->name = vm::make_str("Task-" + std::to_string(++task_name_counter_));
  } else if (name.is(Kind::kStr)) {
    t->name = std::move(name);
  } else {
    Value s = vm::str(vm_, name);
    if (s.is_error()) return s;
    t->name = std::move(s);
  }
  bool ok;
  if (native) {
    // A task whose body is a native coroutine (asyncio.sleep): a small
    // coroutine of asyncio.py awaits it.
    Value body = vm_.call(native_task_body_, std::vector<Value>{coro});
    if (body.is_error()) return body;
    ok = vm_.start_coroutine(t->fiber, body);
  } else {
    ok = vm_.start_coroutine(t->fiber, coro);
  }
  if (!ok) return Value::error();
  if (coro.is(Kind::kCoroutine)) {
    const auto* g = coro.as<vm::GenObj>();
    const vm::Code* code = g->frame != nullptr ? g->frame->code : nullptr;
    if (code != nullptr) t->coro_defined_at = code->file + ":" + std::to_string(code->first_line);
  } else {
    t->coro_defined_at = native_coro_defined_at_;
  }
  t->fiber.owner = nullptr;
  t->created = sim_.now();
  if (teardown_.capacity() <= task_records_.size()) teardown_.reserve(2 * task_records_.size() + 1);
  TaskRecord& rec = task_records_.emplace_back();
  rec.task = t;
  rec.created = t->created;
  t->registered = true;
  ++live_tasks_;
  peak_tasks_ = std::max(peak_tasks_, live_tasks_ - 1);
  memory_changed();
  recorder_.state(sim_.now(), t->id, SpanKind::kReady);
  if (recorder_.accepting_lines()) recorder_.line(sim_.now(), t->id, vm::str_of(t->name) + ": created");
  call_soon(task_step_callable(t), {});
  return tv;
}

Value Loop::task_step_callable(TaskObj* t) {
  Value fn = vm_.make_builtin("task_step", task_step_native);
  fn.as<vm::BuiltinObj>()->self = Value::borrow(t);
  return fn;
}

Value Loop::task_wakeup_callable(TaskObj* t) {
  Value fn = vm_.make_builtin("task_wakeup", task_wakeup_native);
  fn.as<vm::BuiltinObj>()->self = Value::borrow(t);
  return fn;
}

void Loop::TaskRecord::take(const TaskObj& t) {
  name = vm::str_of(t.name);
  start = t.start;
  end = t.end;
  state = t.state;
  started = t.started;
  is_main = t.is_main;
  internal = t.internal;
  if (t.state == FutState::kFinished) outcome = t.exception.is_none() ? t.result : t.exception;
}

void Loop::task_died(TaskObj* t) {
  TaskRecord& r = task_records_[t->id];
  r.task = nullptr;
  r.take(*t);
}

Loop::TaskRecord Loop::task_record(std::size_t i) const {
  TaskRecord r = task_records_[i];
  if (r.task != nullptr) r.take(*r.task);
  return r;
}

std::vector<Value> Loop::all_tasks() const {
  std::vector<Value> out;
  for (const TaskRecord& r : task_records_) {
    if (r.task != nullptr) out.push_back(Value::borrow(r.task));
  }
  return out;
}

bool Loop::task_cancel(TaskObj* t, Value msg) {
  t->log_traceback = false;
  if (t->done()) return false;
  ++t->num_cancels_requested;
  if (!t->fut_waiter.is_none()) {
    auto* w = t->fut_waiter.as<FutureObj>();
    Value r = vm_.call_method(t->fut_waiter, "cancel", std::vector<Value>{msg});
    if (r.is_error()) {
      vm_.take_error();
    } else if (vm::truthy(vm_, r) > 0) {
      // The task may catch the cancellation; fut_waiter stays.
      (void)w;
      return true;
    }
  }
  // Task.__step is already scheduled: it raises CancelledError.
  t->must_cancel = true;
  t->cancel_message = std::move(msg);
  return true;
}

void Loop::task_step(TaskObj* t, Value exc) {
  if (t->done()) return;  // the C version raises InvalidStateError; nothing schedules it so
  if (t->must_cancel) {
    if (!exc.is(Kind::kException) || !vm_.isinstance(exc, cancelled_error_)) {
      exc = make_cancelled_error(t);
      if (exc.is_error()) exc = vm_.take_error();
    }
    t->must_cancel = false;
  }
  t->fut_waiter = Value::none();
  if (!t->pending_timer.is_none()) {
    // asyncio.sleep's `finally: h.cancel()`.
    Value h = std::move(t->pending_timer);
    t->pending_timer = Value::none();
    auto* hd = h.as<HandleObj>();
    if (!hd->cancelled) {
      timer_cancelled(hd);
      hd->cancelled = true;
      hd->callback = Value::none();
      hd->args.clear();
    }
  }
  if (!t->started) {
    t->started = true;
    t->start = sim_.now();
  }
  const bool raise = exc.is(Kind::kException);
  task_run(t, raise ? std::move(exc) : std::move(t->resume_value), raise);
}

void Loop::task_run(TaskObj* t, Value in, bool raise) {
  Value keep = Value::borrow(t);
  runner_ = Runner::kTask;
  running_task_ = t;
  current_task_ = t;
  recorder_.state(sim_.now(), t->id, SpanKind::kRunning);
  vm::RunResult r = run_fiber(t->fiber, std::move(in), raise);
  if (r.status == RunStatus::kSuspended && busy_) {
    // busy_done resumes it; the running task stays alive meanwhile, as the
    // stack of Task.__step keeps it in CPython.
    busy_task_ = std::move(keep);
    return;
  }
  current_task_ = nullptr;
  running_task_ = nullptr;
  runner_ = Runner::kNone;
  task_after_run(t, std::move(r));
}

void Loop::task_after_run(TaskObj* t, vm::RunResult r) {
  // (resume_value is not cleared here: a suspension may have just set it,
  // as sleep(0, result) does; task_step moves it out.)
  switch (r.status) {
    case RunStatus::kSuspended:
    case RunStatus::kCharge:  // run_fiber charges and resumes these
      recorder_.state(sim_.now(), t->id, SpanKind::kWaiting);
      return;
    case RunStatus::kReturned:
      t->finished_fiber = true;
      if (t->must_cancel) {
        // Cancelled right before the coroutine returned.
        t->must_cancel = false;
        future_cancel(t, t->cancel_message);
      } else {
        future_set_result(t, std::move(r.value));
      }
      break;
    case RunStatus::kRaised:
      t->finished_fiber = true;
      if (vm_.isinstance(r.value, cancelled_error_)) {
        // Kept, to be raised again by result() (and chained).
        t->cancelled_exc = r.value;
        future_cancel(t, Value::none());
      } else {
        future_set_exception(t, std::move(r.value));
      }
      break;
    case RunStatus::kRunaway:
      t->finished_fiber = true;
      vm_.discard(t->fiber);
      runaway_task_ = vm::str_of(t->name);
      uncaught_type_ = "RuntimeError";
      uncaught_message_ = "concsim: endless loop: task " + runaway_task_ + " ran " +
                          std::to_string(options_.step_budget) + " instructions without an await";
      uncaught_ = uncaught_type_ + ": " + uncaught_message_ + "\n";
      finished_ = true;
      finish_time_ = sim_.now();
      sim_.stop("endless loop");
      return;
  }
  t->end = sim_.now();
  --live_tasks_;
  memory_changed();
  recorder_.close(sim_.now(), t->id);
  if (recorder_.accepting_lines()) {
    recorder_.line(sim_.now(), t->id, vm::str_of(t->name) + ": " +
                                          (t->state == FutState::kCancelled ? "cancelled"
                                           : t->exception.is_none()        ? "done"
                                                                            : "failed"));
  }
}

void Loop::task_wakeup(TaskObj* t, FutureObj* f) {
  // Task.__wakeup: future.result() decides between a value and an exception.
  Value r = future_result(f);
  if (r.is_error()) {
    task_step(t, vm_.take_error());
    return;
  }
  t->resume_value = std::move(r);
  task_step(t, Value::none());
}

// The await of a future inside a task: Future.__await__ yields the future
// to Task.__step, which adds the task's wakeup to it.
Value Loop::await_future(TaskObj* t, FutureObj* f) {
  if (f->done()) return future_result(f);
  if (f == t) {
    // The task is resumed with the error in the next iteration.
    vm_.raise(vm_.b().RuntimeError, "Task cannot await on itself: " + t->repr(vm_));
    call_soon(task_step_callable(t), {vm_.take_error()});
    return Value::suspend();
  }
  f->blocking = false;
  add_done_callback(f, task_wakeup_callable(t));
  t->fut_waiter = Value::borrow(f);
  if (t->must_cancel) {
    Value r = vm_.call_method(t->fut_waiter, "cancel", std::vector<Value>{t->cancel_message});
    if (r.is_error()) {
      vm_.take_error();
    } else if (vm::truthy(vm_, r) > 0) {
      t->must_cancel = false;
    }
  }
  return Value::suspend();
}

Value Loop::await_native(vm::Vm& vm, vm::Fiber& fiber, const Value& aw) {
  TaskObj* t = current_task_;
  if (t == nullptr || &fiber != &t->fiber) {
    return vm.raise(vm.b().RuntimeError, "concsim: await outside a task (a future can only be awaited by a task)");
  }
  if (aw.is(Kind::kNative)) {
    auto* n = aw.as<vm::NativeObj>();
    // The exact class first: a native coroutine (every await of io() and
    // sleep()) is no future, and the test costs less than isinstance.
    if (n->cls.same(native_coro_class_)) return await_native_coro(t, static_cast<NativeCoro*>(n));
    if (vm.isinstance(aw, future_class_)) return await_future(t, static_cast<FutureObj*>(n));
  }
  return vm.raise(vm.b().TypeError, "object " + vm::str_of(vm.type_of(aw).as<vm::ClassObj>()->name) +
                                        " can't be used in 'await' expression");
}

// ------------------------------------------------------------- natives ----

namespace {

TaskObj* task(const vm::CallArgs& a) { return a.self.as<TaskObj>(); }

Value task_get_name(vm::Vm&, vm::CallArgs& a) { return task(a)->name; }
Value task_set_name(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "set_name() takes exactly one argument");
  Value s = vm::str(vm, a.args[0]);
  if (s.is_error()) return s;
  task(a)->name = std::move(s);
  return Value::none();
}
Value task_get_coro(vm::Vm&, vm::CallArgs& a) { return task(a)->coro; }
Value task_cancelling(vm::Vm&, vm::CallArgs& a) { return Value::integer(task(a)->num_cancels_requested); }
Value task_uncancel(vm::Vm&, vm::CallArgs& a) {
  TaskObj* t = task(a);
  if (t->num_cancels_requested > 0) --t->num_cancels_requested;
  return Value::integer(t->num_cancels_requested);
}
Value task_new(vm::Vm& vm, vm::CallArgs& a) {
  Loop* loop = running_loop(vm);
  if (loop == nullptr || !loop->running()) return vm.raise(vm.b().RuntimeError, "no running event loop");
  Args args(vm, a, "Task");
  Value coro = args.get(0, "coro");
  if (coro.is_error()) return coro;
  Value name = args.kw("name", Value::none());
  return loop->create_task(coro, name);
}

}  // namespace

void install_task_methods(vm::Vm& vm, const Value& cls) {
  const struct {
    const char* name;
    vm::NativeFn fn;
  } methods[] = {{"get_name", task_get_name},   {"set_name", task_set_name}, {"get_coro", task_get_coro},
                 {"cancelling", task_cancelling}, {"uncancel", task_uncancel}};
  for (const auto& m : methods) vm.set_class_attr(cls, m.name, vm.make_builtin(m.name, m.fn, nullptr, true));
  cls.as<vm::ClassObj>()->new_fn = task_new;
}

}  // namespace concsim::models::loop
