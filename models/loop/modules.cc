// The modules the event-loop model provides: asyncio (natives here, the
// rest in asyncio.py), time and concsim; and the loop object itself.
#include <cassert>
#include <cmath>
#include <string>
#include <utility>

#include "models/loop/loop.h"
#include "models/loop/natives.h"
#include "models/vm/ops.h"
#include "models/vm/random.h"

namespace concsim::models::loop {

using vm::Kind;
using vm::Value;

// ------------------------------------------------------------------ Args ----

Value Args::get(std::uint32_t i, std::string_view name, Value dflt) {
  if (i < a_.npos()) return a_.args[i];
  Value v = kw(name, Value::unset());
  if (!v.is_unset()) return v;
  if (dflt.is_unset()) {
    return vm_.raise(vm_.b().TypeError, std::string(fn_) + "() missing required argument '" + std::string(name) +
                                            "' (pos " + std::to_string(i + 1) + ")");
  }
  return dflt;
}

Value Args::kw(std::string_view name, Value dflt) {
  for (std::uint32_t k = 0; k < a_.nkw; ++k) {
    if (vm::str_of(a_.kwnames[k]) == name) return a_.args[a_.npos() + k];
  }
  return dflt;
}

bool Args::exactly(std::uint32_t n) {
  if (a_.nargs == n && a_.nkw == 0) return true;
  vm_.raise(vm_.b().TypeError, std::string(fn_) + "() takes exactly " + std::to_string(n) + " argument" +
                                   (n == 1 ? "" : "s") + " (" + std::to_string(a_.nargs) + " given)");
  return false;
}

bool Args::at_most(std::uint32_t n) {
  if (a_.npos() <= n) return true;
  vm_.raise(vm_.b().TypeError, std::string(fn_) + "() takes at most " + std::to_string(n) + " arguments (" +
                                   std::to_string(a_.npos()) + " given)");
  return false;
}

std::vector<Value> Args::rest(std::uint32_t i) const {
  std::vector<Value> out;
  for (std::uint32_t k = i; k < a_.npos(); ++k) out.push_back(a_.args[k]);
  return out;
}

bool Args::seconds(const Value& v, const char* what, double* s, std::int64_t* ns, bool* exact) {
  if (exact != nullptr) *exact = false;
  switch (v.kind()) {
    case Kind::kDuration:
      *ns = v.as_duration();
      *s = static_cast<double>(*ns) / 1e9;
      if (exact != nullptr) *exact = true;
      return true;
    case Kind::kInt:
    case Kind::kBool:
      *s = static_cast<double>(v.as_int());
      break;
    case Kind::kFloat:
      *s = v.as_float();
      break;
    default:
      vm_.raise(vm_.b().TypeError, std::string("'") + vm::str_of(vm_.type_of(v).as<vm::ClassObj>()->name) +
                                       "' object cannot be interpreted as " + what);
      return false;
  }
  if (std::isnan(*s)) {
    vm_.raise(vm_.b().ValueError, "Invalid value NaN (not a number)");
    return false;
  }
  const double x = *s * 1e9;
  if (x >= 9.2e18) {
    *ns = sim::kTimeMax;
  } else if (x <= -9.2e18) {
    *ns = -sim::kTimeMax;
  } else {
    *ns = static_cast<std::int64_t>(std::nearbyint(x));  // half to even, as round()
  }
  return true;
}

// Only the modules a Loop provides (import_module) reach these natives, so
// the host is a Loop: a static cast (dynamic_cast took 5 % of a server run
// with a Python handler).
Loop* running_loop(vm::Vm& vm) {
  assert(dynamic_cast<Loop*>(&vm.host()) != nullptr);
  return static_cast<Loop*>(&vm.host());
}

std::string callable_name(vm::Vm& vm, const Value& fn) {
  switch (fn.kind()) {
    case Kind::kFunction: return vm::str_of(fn.as<vm::FunctionObj>()->qualname);
    case Kind::kMethod: return callable_name(vm, fn.as<vm::MethodObj>()->func);
    case Kind::kBuiltin: {
      const auto* b = fn.as<vm::BuiltinObj>();
      const std::string name = b->name;
      if (name == "task_wakeup") return "Task.task_wakeup";
      if (name == "task_step") return "Task.task_step";
      return name;
    }
    case Kind::kNative: {
      const auto* n = fn.as<vm::NativeObj>();
      if (const auto* c = dynamic_cast<const NativeCoro*>(n)) return c->what == NativeCoro::What::kSleep ? "sleep" : "io";
      return vm::str_of(n->cls.as<vm::ClassObj>()->name);
    }
    default: {
      std::string r;
      if (!vm::repr_string(vm, fn, &r)) {
        vm.take_error();
        return "?";
      }
      return r;
    }
  }
}

std::string format_callbacks(vm::Vm& vm, const std::vector<Value>& cbs) {
  // futures._format_callbacks: one, two, or the first, "<n-2 more>", the last.
  auto one = [&](const Value& cb) { return callable_name(vm, cb) + "()"; };
  if (cbs.size() == 1) return one(cbs[0]);
  if (cbs.size() == 2) return one(cbs[0]) + ", " + one(cbs[1]);
  return one(cbs[0]) + ", <" + std::to_string(cbs.size() - 2) + " more>, " + one(cbs.back());
}

std::string NativeCoro::repr(vm::Vm&) {
  return std::string("<coroutine object ") + (what == What::kSleep ? "sleep" : "io") + ">";
}

std::string LoopObj::repr(vm::Vm&) {
  return std::string("<_UnixSelectorEventLoop running=") + (loop->running() ? "True" : "False") +
         " closed=False debug=False>";
}

// ----------------------------------------------------- native coroutines ----

Value Loop::make_native_coro(NativeCoro::What what, double delay, std::int64_t delay_ns, bool exact, Value result) {
  Value c = vm::make<NativeCoro>(native_coro_class_, what);
  auto* n = c.as<NativeCoro>();
  n->delay = delay;
  n->delay_ns = delay_ns;
  n->exact = exact;
  n->result = std::move(result);
  return c;
}

Value Loop::await_native_coro(TaskObj* t, NativeCoro* c) {
  if (c->awaited) return vm_.raise(vm_.b().RuntimeError, "cannot reuse already awaited coroutine");
  c->awaited = true;
  if (c->what == NativeCoro::What::kIo) {
    Value f = io_future(c->delay_ns);
    return await_future(t, f.as<FutureObj>());
  }
  if (c->delay <= 0) {
    // sleep(0): a bare yield; the task's next step is queued behind what is
    // ready, and the await returns the result.
    t->resume_value = c->result;
    call_soon(task_step_callable(t), {});
    return Value::suspend();
  }
  Value f = new_future();
  std::vector<Value> args{f, c->result};
  t->pending_timer = c->exact ? call_later_ns(c->delay_ns, set_result_unless_cancelled_, std::move(args))
                              : call_later(c->delay, set_result_unless_cancelled_, std::move(args));
  return await_future(t, f.as<FutureObj>());
}

// ------------------------------------------------------------ asyncio ----

namespace {

Loop& loop_of(vm::Vm& vm) { return *running_loop(vm); }

Value need_running(vm::Vm& vm) {
  Loop* l = running_loop(vm);
  if (l == nullptr || !l->running()) return vm.raise(vm.b().RuntimeError, "no running event loop");
  return Value::none();
}

Value a_get_running_loop(vm::Vm& vm, vm::CallArgs&) {
  Value r = need_running(vm);
  if (r.is_error()) return r;
  return loop_of(vm).loop_object();
}

Value a_get_event_loop(vm::Vm& vm, vm::CallArgs&) { return loop_of(vm).loop_object(); }

Value a_private_get_running_loop(vm::Vm& vm, vm::CallArgs&) {
  Loop& l = loop_of(vm);
  return l.running() ? l.loop_object() : Value::none();
}

Value a_current_task(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs == 0 || a.args[0].is_none()) {
    Value r = need_running(vm);
    if (r.is_error()) return r;
  }
  TaskObj* t = loop_of(vm).current_task();
  return t != nullptr ? Value::borrow(t) : Value::none();
}

Value a_all_tasks(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs == 0 || a.args[0].is_none()) {
    Value r = need_running(vm);
    if (r.is_error()) return r;
  }
  // A set, in creation order (asyncio's is a WeakSet: address order).
  Value s = vm::make_set();
  for (const Value& t : loop_of(vm).all_tasks()) {
    if (!t.as<TaskObj>()->done()) {
      if (!vm::set_add(vm, s, t)) return Value::error();
    }
  }
  return s;
}

Value a_create_task(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "create_task");
  Value coro = args.get(0, "coro");
  if (coro.is_error()) return coro;
  Value r = need_running(vm);
  if (r.is_error()) {
    // The coroutine is not run: CPython closes it ("was never awaited").
    return r;
  }
  // tasks.create_task: loop.create_task(coro) names it Task-N, then
  // _set_task_name renames it (so a named task takes a number too).
  Value t = loop_of(vm).create_task(coro, Value::none());
  if (t.is_error()) return t;
  Value name = args.kw("name", Value::none());
  if (!name.is_none()) {
    Value s = vm::str(vm, name);
    if (s.is_error()) return s;
    t.as<TaskObj>()->name = std::move(s);
  }
  return t;
}

Value a_sleep(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "sleep");
  Value d = args.get(0, "delay");
  if (d.is_error()) return d;
  Value result = args.get(1, "result", Value::none());
  double s;
  std::int64_t ns;
  bool exact;
  if (!args.seconds(d, "a number of seconds", &s, &ns, &exact)) return Value::error();
  return loop_of(vm).make_native_coro(NativeCoro::What::kSleep, s, ns, exact, result);
}

Value a_set_result_unless_cancelled(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 2) return vm.raise(vm.b().TypeError, "_set_result_unless_cancelled() takes 2 arguments");
  auto* f = a.args[0].as<FutureObj>();
  if (f->state == FutState::kCancelled) return Value::none();
  if (f->state != FutState::kPending) return vm.raise(f->loop->invalid_state_error(), "invalid state");
  f->loop->future_set_result(f, a.args[1]);
  return Value::none();
}

Value a_iscoroutine(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "iscoroutine() takes exactly one argument");
  const Value& v = a.args[0];
  const bool native = v.is(Kind::kNative) && dynamic_cast<const NativeCoro*>(v.as<vm::NativeObj>()) != nullptr;
  return Value::boolean(v.is(Kind::kCoroutine) || native);
}

Value a_isfuture(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "isfuture() takes exactly one argument");
  return Value::boolean(vm.isinstance(a.args[0], loop_of(vm).future_class()));
}

Value a_run_until_complete(vm::Vm& vm, vm::CallArgs& a) {
  // Used by asyncio.py's run(): the future is a task of this loop.
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "_run_until_complete() takes 1 argument");
  Loop& l = loop_of(vm);
  if (!vm.isinstance(a.args[0], l.future_class())) {
    return vm.raise(vm.b().TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
  }
  auto* f = a.args[0].as<FutureObj>();
  // base_events._run_until_complete_cb stops the loop when the future is done.
  Value cb = vm.make_builtin("_run_until_complete_cb", [](vm::Vm& vm2, vm::CallArgs&) -> Value {
    loop_of(vm2).stop();
    return Value::none();
  });
  l.add_done_callback(f, cb);
  return l.run_until_complete(a.args[0]);
}

Value a_iscoroutinefunction(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "iscoroutinefunction() takes exactly one argument");
  Value f = a.args[0];
  if (f.is(Kind::kMethod)) f = f.as<vm::MethodObj>()->func;
  return Value::boolean(f.is(Kind::kFunction) && f.as<vm::FunctionObj>()->code->is(vm::kCoroutine));
}

// The loop's async generator hooks (base_events._asyncgen_firstiter_hook,
// _asyncgen_finalizer_hook).
Value a_asyncgen_firstiter(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs == 1) loop_of(vm).asyncgen_first_iter(a.args[0]);
  return Value::none();
}
Value a_asyncgen_finalizer(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs == 1) loop_of(vm).asyncgen_finalize(a.args[0]);
  return Value::none();
}
Value a_asyncgens_to_close(vm::Vm& vm, vm::CallArgs&) { return loop_of(vm).asyncgens_to_close(); }

Value a_record_result(vm::Vm& vm, vm::CallArgs& a) {
  Loop& l = loop_of(vm);
  if (a.nargs == 1) l.record_run_result(a.args[0]);
  return Value::none();
}

// asyncio.run's own tasks (the shutdown of async generators and of the
// executor): left out of the program's task table and figures.
Value a_internal(vm::Vm&, vm::CallArgs& a) {
  if (a.nargs == 1 && a.args[0].is(Kind::kNative)) {
    if (auto* t = dynamic_cast<TaskObj*>(a.args[0].as<vm::NativeObj>())) t->internal = true;
  }
  return a.nargs == 1 ? a.args[0] : Value::none();
}

Value a_mark_main(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs == 1 && a.args[0].is(Kind::kNative)) loop_of(vm).mark_main(a.args[0]);
  return Value::none();
}

// ---- the loop object's methods ----

Value l_time(vm::Vm& vm, vm::CallArgs&) { return Value::floating(loop_of(vm).time()); }

Value l_call_soon(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() < 1) return vm.raise(vm.b().TypeError, "call_soon() missing 1 required positional argument: 'callback'");
  Args args(vm, a, "call_soon");
  return loop_of(vm).call_soon(a.args[0], args.rest(1));
}

Value l_call_later(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() < 2) return vm.raise(vm.b().TypeError, "call_later() missing required arguments 'delay' and 'callback'");
  Args args(vm, a, "call_later");
  if (a.args[0].is_none()) return vm.raise(vm.b().TypeError, "delay must not be None");
  double s;
  std::int64_t ns;
  bool exact;
  if (!args.seconds(a.args[0], "a number of seconds", &s, &ns, &exact)) return Value::error();
  if (exact) return loop_of(vm).call_later_ns(ns, a.args[1], args.rest(2));
  return loop_of(vm).call_later(s, a.args[1], args.rest(2));
}

Value l_call_at(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() < 2) return vm.raise(vm.b().TypeError, "call_at() missing required arguments 'when' and 'callback'");
  Args args(vm, a, "call_at");
  if (a.args[0].is_none()) return vm.raise(vm.b().TypeError, "when cannot be None");
  double s;
  std::int64_t ns;
  bool exact;
  if (!args.seconds(a.args[0], "a time", &s, &ns, &exact)) return Value::error();
  return loop_of(vm).call_at(s, exact ? ns : -1, 0, a.args[1], args.rest(2));
}

Value l_create_future(vm::Vm& vm, vm::CallArgs&) { return loop_of(vm).new_future(); }

Value l_create_task(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "create_task");
  Value coro = args.get(0, "coro");
  if (coro.is_error()) return coro;
  return loop_of(vm).create_task(coro, args.kw("name", Value::none()));
}

Value l_run_until_complete(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "run_until_complete() takes exactly one argument");
  Loop& l = loop_of(vm);
  Value fut = a.args[0];
  if (!vm.isinstance(fut, l.future_class())) {
    // tasks.ensure_future: a coroutine becomes a task.
    fut = l.create_task(fut, Value::none());
    if (fut.is_error()) return fut;
  }
  vm::CallArgs b;
  b.args = &fut;
  b.nargs = 1;
  return a_run_until_complete(vm, b);
}

Value l_close(vm::Vm& vm, vm::CallArgs&) {
  loop_of(vm).set_closed(true);
  return Value::none();
}
Value l_is_closed(vm::Vm& vm, vm::CallArgs&) { return Value::boolean(loop_of(vm).closed()); }
Value a_new_event_loop(vm::Vm& vm, vm::CallArgs&) {
  loop_of(vm).set_closed(false);
  return loop_of(vm).loop_object();
}

Value l_stop(vm::Vm& vm, vm::CallArgs&) {
  loop_of(vm).stop();
  return Value::none();
}
Value l_is_running(vm::Vm& vm, vm::CallArgs&) { return Value::boolean(loop_of(vm).running()); }
Value l_false(vm::Vm&, vm::CallArgs&) { return Value::boolean(false); }
Value l_none(vm::Vm&, vm::CallArgs&) { return Value::none(); }
Value l_run_in_executor(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() < 2) return vm.raise(vm.b().TypeError, "run_in_executor() missing required arguments 'executor' and 'func'");
  Args args(vm, a, "run_in_executor");
  const std::uint32_t ex = loop_of(vm).executor_of(a.args[0]);
  if (ex == static_cast<std::uint32_t>(-1)) {
    return vm.raise(vm.b().TypeError, "executor must be an instance of ThreadPoolExecutor");
  }
  return loop_of(vm).run_in_pool(ex, a.args[1], args.rest(2));
}
Value l_shutdown_default_executor(vm::Vm& vm, vm::CallArgs&) { return loop_of(vm).shutdown_default_executor(); }
Value l_repr(vm::Vm& vm, vm::CallArgs& a) { return vm::make_str(a.self.as<vm::NativeObj>()->repr(vm)); }

void add(vm::Vm& vm, const Value& m, const char* name, vm::NativeFn fn) {
  vm.set_module_attr(m, name, vm.make_builtin(name, fn));
}
void method(vm::Vm& vm, const Value& cls, const char* name, vm::NativeFn fn) {
  vm.set_class_attr(cls, name, vm.make_builtin(name, fn, nullptr, true));
}

}  // namespace

void Loop::record_run_result(const Value& v) {
  std::string r;
  if (!vm::repr_string(vm_, v, &r)) {
    vm_.take_error();
    r = "?";
  }
  run_result_ = std::move(r);
}

void Loop::asyncgen_first_iter(const Value& agen) { asyncgens_.push_back(agen.as<vm::GenObj>()); }

void Loop::asyncgen_finalize(const Value& agen) {
  // The loop's finalizer: the generator is closed by a task of its own. It
  // hears of finished generators too, to forget them (asyncgens_ is weak).
  auto* g = agen.as<vm::GenObj>();
  std::erase(asyncgens_, g);
  if (g->frame == nullptr || g->state != vm::GenState::kSuspended) return;
  Value aclose = vm_.call_method(agen, "aclose", {});
  if (aclose.is_error()) {
    vm_.take_error();
    return;
  }
  Value ct = vm_.make_builtin("create_task", [](vm::Vm& vm, vm::CallArgs& a) -> Value {
    return loop_of(vm).create_task(a.args[0], Value::none());
  });
  call_soon(std::move(ct), {aclose});
}

Value Loop::asyncgens_to_close() {
  std::vector<Value> open;
  for (vm::GenObj* g : asyncgens_) {
    if (g->state != vm::GenState::kClosed) open.push_back(Value::borrow(g));
  }
  asyncgens_.clear();
  return vm::make_list(std::move(open));
}

void Loop::mark_main(const Value& task) {
  main_task_ = task;
  task.as<TaskObj>()->is_main = true;
}

Value Loop::build_asyncio() {
  vm::Vm& vm = vm_;
  Value m = vm.make_module("asyncio");
  // Exceptions (asyncio/exceptions.py): CancelledError is a BaseException.
  cancelled_error_ = vm.make_class("CancelledError", "asyncio.exceptions", {vm.b().BaseException}, Kind::kException);
  invalid_state_error_ = vm.make_class("InvalidStateError", "asyncio.exceptions", {vm.b().Exception}, Kind::kException);
  vm.set_module_attr(m, "CancelledError", cancelled_error_);
  vm.set_module_attr(m, "InvalidStateError", invalid_state_error_);
  vm.set_module_attr(m, "TimeoutError", vm.b().TimeoutError);
  // Futures, tasks, handles, the loop.
  future_class_ = vm.make_class("Future", "_asyncio", {vm.b().object}, Kind::kNative);
  install_future_methods(vm, future_class_);
  task_class_ = vm.make_class("Task", "_asyncio", {future_class_}, Kind::kNative);
  install_task_methods(vm, task_class_);
  handle_class_ = vm.make_class("Handle", "asyncio.events", {vm.b().object}, Kind::kNative);
  timer_handle_class_ = vm.make_class("TimerHandle", "asyncio.events", {handle_class_}, Kind::kNative);
  install_handle_methods(vm, handle_class_, timer_handle_class_);
  native_coro_class_ = vm.make_class("coroutine", "builtins", {vm.b().object}, Kind::kNative);
  native_coro_defined_at_ = "asyncio/tasks.py:627";
  loop_class_ = vm.make_class("_UnixSelectorEventLoop", "asyncio.unix_events", {vm.b().object}, Kind::kNative);
  const struct {
    const char* name;
    vm::NativeFn fn;
  } loop_methods[] = {{"time", l_time},
                      {"call_soon", l_call_soon},
                      {"call_soon_threadsafe", l_call_soon},
                      {"call_later", l_call_later},
                      {"call_at", l_call_at},
                      {"create_future", l_create_future},
                      {"create_task", l_create_task},
                      {"stop", l_stop},
                      {"is_running", l_is_running},
                      {"is_closed", l_is_closed},
                      {"close", l_close},
                      {"run_until_complete", l_run_until_complete},
                      {"get_debug", l_false},
                      {"set_debug", l_none},
                      {"run_in_executor", l_run_in_executor},
                      {"_shutdown_executor", l_shutdown_default_executor},
                      {"__repr__", l_repr}};
  for (const auto& lm : loop_methods) method(vm, loop_class_, lm.name, lm.fn);
  install_exception_handler_methods(vm, loop_class_);
  loop_object_ = vm::make<LoopObj>(loop_class_, this);
  set_result_unless_cancelled_ = vm.make_builtin("_set_result_unless_cancelled", a_set_result_unless_cancelled);
  vm.set_module_attr(m, "Future", future_class_);
  vm.set_module_attr(m, "Task", task_class_);
  vm.set_module_attr(m, "Handle", handle_class_);
  vm.set_module_attr(m, "TimerHandle", timer_handle_class_);
  vm.set_module_attr(m, "_set_result_unless_cancelled", set_result_unless_cancelled_);
  add(vm, m, "get_running_loop", a_get_running_loop);
  add(vm, m, "get_event_loop", a_get_event_loop);
  add(vm, m, "new_event_loop", a_new_event_loop);
  add(vm, m, "set_event_loop", l_none);
  add(vm, m, "_get_running_loop", a_private_get_running_loop);
  add(vm, m, "current_task", a_current_task);
  add(vm, m, "all_tasks", a_all_tasks);
  add(vm, m, "create_task", a_create_task);
  add(vm, m, "sleep", a_sleep);
  add(vm, m, "iscoroutine", a_iscoroutine);
  add(vm, m, "isfuture", a_isfuture);
  add(vm, m, "_run_until_complete", a_run_until_complete);
  add(vm, m, "_record_result", a_record_result);
  add(vm, m, "_mark_main", a_mark_main);
  add(vm, m, "_internal", a_internal);
  add(vm, m, "iscoroutinefunction", a_iscoroutinefunction);
  add(vm, m, "_asyncgens_to_close", a_asyncgens_to_close);
  vm.set_asyncgen_hooks(vm.make_builtin("_asyncgen_firstiter_hook", a_asyncgen_firstiter),
                        vm.make_builtin("_asyncgen_finalizer_hook", a_asyncgen_finalizer));
  // The rest is asyncio.py, run with the module's dict as its globals.
  if (options_.asyncio_module == nullptr) {
    return vm.raise(vm.b().ImportError, "concsim: the asyncio module was not compiled (LoopOptions::asyncio_module)");
  }
  Value r = vm.exec_module(*options_.asyncio_module, m);
  if (r.is_error()) return r;
  native_task_body_ = vm::dict_get_str(m.as<vm::ModuleObj>()->dict, vm.intern("_native_task_body"));
  return m;
}

// ---- ConcsimHost's hooks (concsim_host.h) ----

sim::RandomStream& Loop::draw_stream() {
  if (current_task_ != nullptr && worker_busy_ == 0) {
    TaskObj* t = current_task_;
    if (!t->has_rng) {
      t->rng = sim_.stream("task", t->id);
      t->has_rng = true;
    }
    return t->rng;
  }
  if (!has_loop_rng_) {
    loop_rng_ = sim_.stream("loop");
    has_loop_rng_ = true;
  }
  return loop_rng_;
}

bool Loop::server_runner(std::uint32_t* id) {
  if (current_task_ == nullptr) return false;
  *id = current_task_->id;
  return true;
}

Value Loop::request_awaitable(sim::Duration left) {
  if (left < 0) {
    // Past the server's stop time: the connection closes instead.
    Value f = new_future();
    future_set_result(f.as<FutureObj>(), Value::boolean(true));
    return f;
  }
  return make_native_coro(NativeCoro::What::kIo, static_cast<double>(left) / 1e9, left, true, Value::none());
}

Value Loop::time_sleep(std::int64_t ns) { return occupy(ns, true); }
Value Loop::concsim_cpu(std::int64_t ns) { return occupy(ns, false); }
Value Loop::concsim_io(double s, std::int64_t ns, bool exact) {
  return make_native_coro(NativeCoro::What::kIo, s, ns, exact, Value::none());
}

Value os_cpu_count(vm::Vm& vm, vm::CallArgs&) { return Value::integer(running_loop(vm)->machine_cores()); }
Value os_getpid(vm::Vm&, vm::CallArgs&) { return Value::integer(1000); }

Value Loop::build_os() {
  // os: what programs ask of the machine (the modelled one).
  Value m = vm_.make_module("os");
  vm_.set_module_attr(m, "cpu_count", vm_.make_builtin("cpu_count", os_cpu_count));
  vm_.set_module_attr(m, "getpid", vm_.make_builtin("getpid", os_getpid));
  vm_.set_module_attr(m, "environ", vm::make_dict());
  vm_.set_module_attr(m, "sep", vm::make_str("/"));
  vm_.set_module_attr(m, "linesep", vm::make_str("\n"));
  vm_.set_module_attr(m, "name", vm::make_str("posix"));
  return m;
}

Value Loop::import_module(vm::Vm& vm, std::string_view name) {
  (void)vm;
  if (name == "asyncio") {
    if (asyncio_.is_none() || asyncio_.is_unset()) {
      Value m = build_asyncio();
      if (m.is_error()) return m;
      asyncio_ = m;
    }
    return asyncio_;
  }
  if (name == "time") return build_time(vm_);
  if (name == "concurrent.futures" || name == "concurrent") {
    if (concurrent_futures_.is_none() || concurrent_futures_.is_unset()) concurrent_futures_ = build_concurrent_futures();
    if (name == "concurrent.futures") return concurrent_futures_;
    Value pkg = vm.make_module("concurrent");
    vm.set_module_attr(pkg, "futures", concurrent_futures_);
    return pkg;
  }
  if (name == "os") return build_os();
  if (name == "concsim") return build_concsim(vm_);
  if (name == "__concsim__") {
    if (intrinsics_.is_none() || intrinsics_.is_unset()) {
      Value m = build_intrinsics(vm_);
      if (m.is_error()) return m;
      intrinsics_ = m;
    }
    return intrinsics_;
  }
  // random: seeded from the run's seed when the program does not seed it.
  if (name == "random") return vm::make_random_module(vm, sim_.seed());
  // The thread model provides these (models/threads/thread_host.h).
  if (name == "threading" || name == "queue" || name == "_thread") {
    return vm.raise(vm.b().ModuleNotFoundError, "not supported by concsim under the event-loop model: the module '" +
                                                    std::string(name) +
                                                    "' (a program that starts threads runs with --model threads)");
  }
  return Value::unset();
}

}  // namespace concsim::models::loop
