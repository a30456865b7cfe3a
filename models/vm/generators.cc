// Generators, coroutines and async generators driven by natives: next(),
// send(), throw(), close(), and the awaitables of an async generator
// (Objects/genobject.c). Generators driven by `for` run in the interpreter
// loop itself (interp.cc); these run a nested fiber.
#include <string>
#include <utility>

#include "models/vm/interp.h"
#include "models/vm/ops.h"

namespace concsim::vm {

Value Interp::gen_resume(Vm& vm, GenObj* g, Value in, bool raise, Value* ret) {
  const Builtins& B = vm.b();
  if (g->state == GenState::kRunning) {
    return vm.raise(B.ValueError, std::string(g->kind == Kind::kCoroutine ? "coroutine" : "generator") +
                                      " already executing");
  }
  if (g->state == GenState::kClosed || g->frame == nullptr) {
    if (raise) {
      vm.error_ = std::move(in);
      return Value::error();
    }
    if (g->kind == Kind::kCoroutine) return vm.raise(B.RuntimeError, "cannot reuse already awaited coroutine");
    *ret = Value::none();
    return Value::unset();
  }
  const bool started = g->state == GenState::kSuspended;
  if (!started && !raise && !in.is_none()) {
    return vm.raise(B.TypeError, std::string("can't send non-None value to a just-started ") +
                                     (g->kind == Kind::kCoroutine ? "coroutine" : "generator"));
  }
  if (!started && raise) {
    // Thrown into a generator that never ran: it is closed at once.
    Frame* f = g->frame;
    g->frame = nullptr;
    g->state = GenState::kClosed;
    Frame::destroy(f);
    vm.error_ = std::move(in);
    return Value::error();
  }
  Value keep = Value::borrow(g);  // alive while it runs
  Fiber nested;
  Fiber* outer = vm.current_;
  nested.owner = outer != nullptr ? outer->owner : nullptr;
  nested.base_exc = outer != nullptr ? current_exception(*outer) : Value::none();
  nested.depth = outer != nullptr ? outer->depth : 0;
  Frame* f = g->frame;
  f->back = nullptr;
  f->link = Link::kNested;
  nested.top = f;
  ++nested.depth;
  g->state = GenState::kRunning;
  if (started && !raise) f->stack()[f->sp++] = std::move(in);
  vm.current_ = &nested;
  ++vm.nested_;
  vm.gen_yielded_ = false;
  RunResult r;
  if (raise) {
    vm.error_ = std::move(in);
    add_traceback(vm.error_, f);
    r = execute(vm, nested, true);
  } else {
    r = execute(vm, nested, false);
  }
  --vm.nested_;
  vm.current_ = outer;
  const bool yielded = vm.gen_yielded_;
  vm.gen_yielded_ = false;
  switch (r.status) {
    case RunStatus::kReturned:
      if (yielded) return std::move(r.value);
      *ret = std::move(r.value);
      return Value::unset();
    case RunStatus::kRaised:
      vm.error_ = std::move(r.value);
      return Value::error();
    case RunStatus::kCharge:  // never in a nested run (Vm's nested_)
    case RunStatus::kSuspended:
      vm.discard(nested);
      return vm.raise(B.RuntimeError,
                      "not supported by concsim: waiting inside a generator resumed by next(), send() or throw()");
    case RunStatus::kRunaway:
      vm.discard(nested);
      vm.runaway_ = true;
      return vm.raise(B.RuntimeError, "concsim: endless loop");
  }
  return Value::error();
}

// The loop's hooks, the first time an async generator is iterated
// (Objects/genobject.c async_gen_init_hooks).
Value agen_awaitable_hooks(Vm& vm, GenObj* g, const Value& agen) {
  if (g->hooks_inited) return Value::none();
  g->hooks_inited = true;
  if (vm.asyncgen_firstiter_.is_none() || vm.asyncgen_firstiter_.is_unset()) return Value::none();
  g->finalizer = vm.asyncgen_finalizer_;
  const Value args[1] = {agen};
  return vm.call(vm.asyncgen_firstiter_, args);
}

namespace {

GenObj* self_gen(const CallArgs& a) { return a.self.as<GenObj>(); }

Value stop_iteration(Vm& vm, Value value) {
  Value e = make<ExceptionObj>(vm.b().StopIteration);
  auto* x = e.as<ExceptionObj>();
  if (value.is_none()) {
    x->args = make_tuple({});
  } else {
    x->args = make_tuple({std::move(value)});
  }
  return vm.raise_value(std::move(e));
}

Value gen_next(Vm& vm, CallArgs& a) {
  Value ret;
  Value r = Interp::gen_resume(vm, self_gen(a), Value::none(), false, &ret);
  if (r.is_unset()) return stop_iteration(vm, std::move(ret));
  return r;
}

Value gen_send(Vm& vm, CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "send() takes exactly one argument");
  Value ret;
  Value r = Interp::gen_resume(vm, self_gen(a), a.args[0], false, &ret);
  if (r.is_unset()) return stop_iteration(vm, std::move(ret));
  return r;
}

// throw(exc) or throw(type[, value]): the exception to raise in the generator.
Value thrown(Vm& vm, CallArgs& a) {
  if (a.nargs < 1 || a.nargs > 3) return vm.raise(vm.b().TypeError, "throw expected at least 1 argument");
  Value exc = a.args[0];
  if (exc.is(Kind::kClass) && vm.is_subclass(exc, vm.b().BaseException)) {
    std::vector<Value> args;
    if (a.nargs >= 2 && !a.args[1].is_none()) {
      if (a.args[1].is(Kind::kException)) return a.args[1];
      args.push_back(a.args[1]);
    }
    Value made = vm.call(exc, args);
    return made;
  }
  if (!exc.is(Kind::kException)) {
    return vm.raise(vm.b().TypeError, "exceptions must be classes or instances deriving from BaseException, not " +
                                          Interp::type_name(vm, exc));
  }
  return exc;
}

Value gen_throw(Vm& vm, CallArgs& a) {
  Value exc = thrown(vm, a);
  if (exc.is_error()) return exc;
  Value ret;
  Value r = Interp::gen_resume(vm, self_gen(a), exc, true, &ret);
  if (r.is_unset()) return stop_iteration(vm, std::move(ret));
  return r;
}

Value gen_close(Vm& vm, CallArgs& a) {
  GenObj* g = self_gen(a);
  if (g->state == GenState::kClosed || g->frame == nullptr) return Value::none();
  if (g->state == GenState::kCreated) {
    Frame* f = g->frame;
    g->frame = nullptr;
    g->state = GenState::kClosed;
    Frame::destroy(f);
    return Value::none();
  }
  Value exit = vm.make_exception(vm.b().GeneratorExit, "");
  exit.as<ExceptionObj>()->args = make_tuple({});
  Value ret;
  Value r = Interp::gen_resume(vm, g, exit, true, &ret);
  if (r.is_unset()) return Value::none();
  if (r.is_error()) {
    const Value& e = vm.error();
    if (vm.isinstance(e, vm.b().GeneratorExit) || vm.isinstance(e, vm.b().StopIteration)) {
      vm.take_error();
      return Value::none();
    }
    return r;
  }
  return vm.raise(vm.b().RuntimeError, std::string(g->kind == Kind::kCoroutine ? "coroutine" : "generator") +
                                           " ignored GeneratorExit");
}

Value gen_iter(Vm&, CallArgs& a) { return a.self; }

// coroutine.__await__(): the coroutine itself stands for its wrapper.
Value coro_await(Vm&, CallArgs& a) { return a.self; }

// The awaitables of an async generator: mode 0 asend/__anext__, 1 athrow, 2 aclose.
Value agen_awaitable(Vm& vm, const Value& agen, std::int64_t mode, Value extra) {
  auto* g = agen.as<GenObj>();
  Value r = agen_awaitable_hooks(vm, g, agen);
  if (r.is_error()) return r;
  Value aw = make<IterObj>(IterKind::kAsyncGenAwaitable);
  auto* it = aw.as<IterObj>();
  it->seq = agen;
  it->a = mode;
  it->extra = std::move(extra);
  return aw;
}

Value agen_anext(Vm& vm, CallArgs& a) { return agen_awaitable(vm, a.self, 0, Value::unset()); }
Value agen_asend(Vm& vm, CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "asend() takes exactly one argument");
  return agen_awaitable(vm, a.self, 0, a.args[0]);
}
Value agen_athrow(Vm& vm, CallArgs& a) {
  Value exc = thrown(vm, a);
  if (exc.is_error()) return exc;
  return agen_awaitable(vm, a.self, 1, exc);
}
Value agen_aclose(Vm& vm, CallArgs& a) { return agen_awaitable(vm, a.self, 2, Value::unset()); }
Value awaitable_await(Vm&, CallArgs& a) { return a.self; }

}  // namespace

Value Interp::agen_anext_awaitable(Vm& vm, const Value& agen) { return agen_awaitable(vm, agen, 0, Value::unset()); }

void Interp::install_generator_methods(Vm& vm) {
  const Builtins& B = vm.b();
  auto m = [&](const Value& cls, const char* name, NativeFn fn) {
    vm.set_class_attr(cls, name, vm.make_builtin(name, fn, nullptr, true));
  };
  m(B.generator, "__next__", gen_next);
  m(B.generator, "__iter__", gen_iter);
  m(B.generator, "send", gen_send);
  m(B.generator, "throw", gen_throw);
  m(B.generator, "close", gen_close);
  m(B.coroutine, "send", gen_send);
  m(B.coroutine, "throw", gen_throw);
  m(B.coroutine, "close", gen_close);
  m(B.coroutine, "__await__", coro_await);
  m(B.async_generator, "__aiter__", gen_iter);
  m(B.async_generator, "__anext__", agen_anext);
  m(B.async_generator, "asend", agen_asend);
  m(B.async_generator, "athrow", agen_athrow);
  m(B.async_generator, "aclose", agen_aclose);
  m(B.iterator, "__await__", awaitable_await);
}

// A generator that dies while suspended is closed (its finally blocks run),
// and an async generator that was iterated in a loop goes to the loop's
// finalizer, as CPython's _PyGen_Finalize does. The Vm takes the object
// back (its count was 0) and does it before the next instruction: running
// Python code in the middle of the instruction that dropped the last
// reference is what CPython does, but nothing a program prints can tell
// the difference.
bool vm_finalize(GenObj* g) {
  Vm* vm = current_vm();
  if (vm == nullptr) return false;
  const bool agen = g->kind == Kind::kAsyncGenerator;
  // An async generator the loop's firstiter hook saw: the finalizer hook
  // hears of its end even when it finished (the loop keeps its generators
  // as a weak set, which must forget it); it closes only suspended ones.
  const bool hooked = agen && !g->finalizer.is_none() && !g->finalizer.is_unset();
  if (!hooked) {
    if (g->frame == nullptr || g->state != GenState::kSuspended) return false;
    if (g->kind != Kind::kGenerator) return false;
  }
  g->refcount = 1;
  vm->queue_finalize(Value::adopt(g));
  return true;
}

bool vm_finalize_native(NativeObj* o) {
  Vm* vm = current_vm();
  if (vm == nullptr) return false;
  o->refcount = 1;
  vm->queue_finalize(Value::adopt(o));
  return true;
}

void Vm::queue_finalize(Value gen) { finalize_.push_back(std::move(gen)); }

void Vm::run_finalizers() {
  while (!finalize_.empty()) {
    Value g = std::move(finalize_.back());
    finalize_.pop_back();
    Value saved = std::move(error_);
    if (g.is(Kind::kNative)) {
      g.as<NativeObj>()->finalize(*this);
      error_ = std::move(saved);
      continue;
    }
    auto* gen = g.as<GenObj>();
    if (gen->kind == Kind::kAsyncGenerator) {
      Value fin = std::move(gen->finalizer);
      gen->finalizer = Value::none();
      const Value args[1] = {g};
      Value r = call(fin, args);
      if (r.is_error()) take_error();
    } else {
      CallArgs a;
      a.self = g;
      Value r = gen_close(*this, a);
      if (r.is_error()) take_error();  // CPython prints it as unraisable
    }
    error_ = std::move(saved);
  }
}

void Vm::set_asyncgen_hooks(Value firstiter, Value finalizer) {
  asyncgen_firstiter_ = std::move(firstiter);
  asyncgen_finalizer_ = std::move(finalizer);
}

}  // namespace concsim::vm
