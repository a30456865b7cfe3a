// asyncio.Future (Lib/asyncio/futures.py; the messages are those of the C
// accelerator CPython 3.11 runs, Modules/_asynciomodule.c).
#include <string>
#include <utility>

#include "models/loop/loop.h"
#include "models/loop/natives.h"
#include "models/vm/ops.h"

namespace concsim::models::loop {

using vm::Kind;
using vm::Value;

std::string FutureObj::repr(vm::Vm& vm) {
  // futures._future_repr_info: state, then result or exception, then callbacks.
  std::string out = "<" + vm::str_of(cls.as<vm::ClassObj>()->name);
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
      if (vm.error().is_error()) vm.take_error();
      break;
    }
  }
  if (!callbacks.empty()) out += " cb=[" + format_callbacks(vm, callbacks) + "]";
  return out + ">";
}

Value FutureObj::get_attr(vm::Vm&, const std::string& name) {
  if (name == "_cancel_message") return cancel_message.is_unset() ? Value::none() : cancel_message;
  if (name == "_cancel_requested") return Value::boolean(gather_cancel_requested);
  if (name == "_log_destroy_pending") return Value::boolean(true);
  if (name == "_asyncio_future_blocking") return Value::boolean(blocking);
  if (name == "_state") {
    return vm::make_str(state == FutState::kPending ? "PENDING" : state == FutState::kCancelled ? "CANCELLED" : "FINISHED");
  }
  return Value::unset();
}

bool FutureObj::set_attr(vm::Vm& vm, const std::string& name, const Value& v) {
  if (name == "_log_destroy_pending") return true;
  if (name == "_asyncio_future_blocking") {
    blocking = vm::truthy(vm, v) > 0;
    return true;
  }
  if (name == "_cancel_message") {
    cancel_message = v;
    return true;
  }
  return false;
}

Value Loop::new_future() {
  Value f = vm::make<FutureObj>(future_class_, this);
  return f;
}

namespace {

void schedule_callbacks(Loop& loop, FutureObj* f) {
  std::vector<Value> cbs = std::move(f->callbacks);
  f->callbacks.clear();
  Value self = Value::borrow(f);
  for (Value& cb : cbs) {
    loop.call_soon(std::move(cb), loop.args_of(self));
  }
  loop.recycle(std::move(cbs));
}

}  // namespace

void Loop::future_set_result(FutureObj* f, Value v) {
  f->result = std::move(v);
  f->state = FutState::kFinished;
  schedule_callbacks(*this, f);
}

void Loop::future_set_exception(FutureObj* f, Value exc) {
  f->exception = std::move(exc);
  f->state = FutState::kFinished;
  schedule_callbacks(*this, f);
  f->log_traceback = true;
}

bool Loop::future_cancel(FutureObj* f, Value msg) {
  f->log_traceback = false;
  if (f->state != FutState::kPending) return false;
  f->state = FutState::kCancelled;
  f->cancel_message = std::move(msg);
  schedule_callbacks(*this, f);
  return true;
}

Value Loop::make_cancelled_error(FutureObj* f) {
  if (!f->cancelled_exc.is_none() && !f->cancelled_exc.is_unset()) {
    Value exc = std::move(f->cancelled_exc);
    f->cancelled_exc = Value::none();
    return exc;
  }
  std::vector<Value> args;
  if (!f->cancel_message.is_none() && !f->cancel_message.is_unset()) args.push_back(f->cancel_message);
  return vm_.call(cancelled_error_, args);
}

Value Loop::future_result(FutureObj* f) {
  if (f->state == FutState::kCancelled) {
    Value exc = make_cancelled_error(f);
    if (exc.is_error()) return exc;
    return vm_.raise_value(std::move(exc));
  }
  if (f->state != FutState::kFinished) {
    return vm_.raise(invalid_state_error_, "Result is not set.");
  }
  f->log_traceback = false;
  if (!f->exception.is_none()) return vm_.raise_value(f->exception);
  return f->result;
}

void Loop::add_done_callback(FutureObj* f, Value fn) {
  if (f->state != FutState::kPending) {
    call_soon(std::move(fn), args_of(Value::borrow(f)));
    return;
  }
  if (f->callbacks.capacity() == 0) f->callbacks = spare_vector();
  f->callbacks.push_back(std::move(fn));
}

// ------------------------------------------------------------- natives ----

namespace {

FutureObj* fut(const vm::CallArgs& a) { return a.self.as<FutureObj>(); }

Value future_new(vm::Vm& vm, vm::CallArgs& a) {
  Loop* loop = running_loop(vm);
  if (loop == nullptr) return vm.raise(vm.b().RuntimeError, "no running event loop");
  (void)a;
  return loop->new_future();
}

Value future_done(vm::Vm&, vm::CallArgs& a) { return Value::boolean(fut(a)->done()); }
Value future_cancelled(vm::Vm&, vm::CallArgs& a) { return Value::boolean(fut(a)->state == FutState::kCancelled); }
Value future_result(vm::Vm&, vm::CallArgs& a) { return fut(a)->loop->future_result(fut(a)); }

Value future_exception(vm::Vm& vm, vm::CallArgs& a) {
  FutureObj* f = fut(a);
  if (f->state == FutState::kCancelled) {
    Value exc = f->loop->make_cancelled_error(f);
    if (exc.is_error()) return exc;
    return vm.raise_value(std::move(exc));
  }
  if (f->state != FutState::kFinished) return vm.raise(f->loop->invalid_state_error(), "Exception is not set.");
  f->log_traceback = false;
  return f->exception;
}

Value future_set_result(vm::Vm& vm, vm::CallArgs& a) {
  FutureObj* f = fut(a);
  Args args(vm, a, "set_result");
  if (!args.exactly(1)) return Value::error();
  if (f->is_task) return vm.raise(vm.b().RuntimeError, "Task does not support set_result operation");
  if (f->state != FutState::kPending) return vm.raise(f->loop->invalid_state_error(), "invalid state");
  f->loop->future_set_result(f, a.args[0]);
  return Value::none();
}

Value future_set_exception(vm::Vm& vm, vm::CallArgs& a) {
  FutureObj* f = fut(a);
  Args args(vm, a, "set_exception");
  if (!args.exactly(1)) return Value::error();
  if (f->is_task) return vm.raise(vm.b().RuntimeError, "Task does not support set_exception operation");
  if (f->state != FutState::kPending) return vm.raise(f->loop->invalid_state_error(), "invalid state");
  Value exc = a.args[0];
  if (exc.is(Kind::kClass)) {
    exc = vm.call(exc, {});
    if (exc.is_error()) return exc;
  }
  if (!exc.is(Kind::kException)) return vm.raise(vm.b().TypeError, "invalid exception object");
  if (vm.type_of(exc).same(vm.b().StopIteration)) {
    return vm.raise(vm.b().TypeError, "StopIteration interacts badly with generators and cannot be raised into a Future");
  }
  f->loop->future_set_exception(f, std::move(exc));
  return Value::none();
}

Value future_cancel(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "cancel");
  Value msg = args.get(0, "msg", Value::none());
  if (msg.is_error()) return msg;
  FutureObj* f = fut(a);
  if (f->is_task) return Value::boolean(f->loop->task_cancel(static_cast<TaskObj*>(f), msg));
  if (!f->gather_children.empty()) {
    // _GatheringFuture.cancel: cancel the children instead.
    if (f->done()) return Value::boolean(false);
    bool ret = false;
    for (const Value& c : f->gather_children) {
      Value r = vm.call_method(c, "cancel", std::vector<Value>{msg});
      if (r.is_error()) return r;
      if (vm::truthy(vm, r) > 0) ret = true;
    }
    if (ret) f->gather_cancel_requested = true;
    return Value::boolean(ret);
  }
  return Value::boolean(f->loop->future_cancel(f, msg));
}

Value future_add_done_callback(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "add_done_callback");
  if (a.npos() != 1) return vm.raise(vm.b().TypeError, "add_done_callback() takes exactly one positional argument");
  FutureObj* f = fut(a);
  f->loop->add_done_callback(f, a.args[0]);
  return Value::none();
}

Value future_remove_done_callback(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "remove_done_callback");
  if (!args.exactly(1)) return Value::error();
  FutureObj* f = fut(a);
  std::vector<Value> kept;
  std::int64_t removed = 0;
  for (Value& cb : f->callbacks) {
    const int eq = vm::equal(vm, cb, a.args[0]);
    if (eq < 0) return Value::error();
    if (eq > 0) {
      ++removed;
    } else {
      kept.push_back(std::move(cb));
    }
  }
  f->callbacks = std::move(kept);
  return Value::integer(removed);
}

Value future_get_loop(vm::Vm&, vm::CallArgs& a) { return fut(a)->loop->loop_object(); }

Value future_repr(vm::Vm& vm, vm::CallArgs& a) { return vm::make_str(a.self.as<vm::NativeObj>()->repr(vm)); }

Value future_make_cancelled_error(vm::Vm&, vm::CallArgs& a) { return fut(a)->loop->make_cancelled_error(fut(a)); }

Value future_set_gather_children(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1 || !a.args[0].is(Kind::kList)) return vm.raise(vm.b().TypeError, "_set_gather_children() takes a list");
  fut(a)->gather_children = a.args[0].as<vm::ListObj>()->items;
  return Value::none();
}

}  // namespace

void install_future_methods(vm::Vm& vm, const Value& cls) {
  const struct {
    const char* name;
    vm::NativeFn fn;
  } methods[] = {{"done", future_done},
                 {"cancelled", future_cancelled},
                 {"result", future_result},
                 {"exception", future_exception},
                 {"set_result", future_set_result},
                 {"set_exception", future_set_exception},
                 {"cancel", future_cancel},
                 {"add_done_callback", future_add_done_callback},
                 {"remove_done_callback", future_remove_done_callback},
                 {"get_loop", future_get_loop},
                 {"__repr__", future_repr},
                 {"_make_cancelled_error", future_make_cancelled_error},
                 {"_set_gather_children", future_set_gather_children}};
  for (const auto& m : methods) vm.set_class_attr(cls, m.name, vm.make_builtin(m.name, m.fn, nullptr, true));
  cls.as<vm::ClassObj>()->new_fn = future_new;
}

}  // namespace concsim::models::loop
