// ThreadHost: _thread, the natives under the thread model's threading,
// queue and concurrent.futures (CPython's Python, in threading.py, queue.py
// and futures.py beside this file): starting a thread, the lock
// (_thread.LockType), the thread's identity and the sentinel lock that
// join() waits on (CPython's tstate lock, released when the thread exits).
#include <string>
#include <utility>

#include "models/loop/natives.h"
#include "models/threads/thread_host.h"
#include "models/vm/ops.h"

namespace concsim::models::threads {

using loop::Args;
using vm::Kind;
using vm::Value;

namespace {

ThreadHost& host(vm::Vm& vm) { return static_cast<ThreadHost&>(vm.host()); }
SyncObj* self_lock(vm::CallArgs& a) { return a.self.as<SyncObj>(); }

// lock.acquire(blocking=True, timeout=-1): True, or False when it timed out
// or would block (Modules/_threadmodule.c's messages).
Value lock_acquire(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "acquire");
  Value blocking = args.get(0, "blocking", Value::boolean(true));
  Value timeout = args.get(1, "timeout", Value::integer(-1));
  if (blocking.is_error() || timeout.is_error()) return Value::error();
  const int b = vm::truthy(vm, blocking);
  if (b < 0) return Value::error();
  double s = -1;
  std::int64_t ns = -1;
  if (!args.seconds(timeout, "an integer", &s, &ns)) return Value::error();
  if (b == 0 && s != -1) return vm.raise(vm.b().ValueError, "can't specify a timeout for a non-blocking call");
  if (s < 0 && s != -1) return vm.raise(vm.b().ValueError, "timeout value must be a non-negative number");
  return host(vm).acquire(self_lock(a), b != 0, s == -1 ? -1 : ns);
}

Value lock_enter(vm::Vm& vm, vm::CallArgs& a) { return host(vm).acquire(self_lock(a), true, -1); }
Value lock_release(vm::Vm& vm, vm::CallArgs& a) { return host(vm).release(self_lock(a)); }
Value lock_exit(vm::Vm& vm, vm::CallArgs& a) {
  Value r = host(vm).release(self_lock(a));
  return r.is_error() || r.is_suspend() ? r : Value::none();
}
Value lock_locked(vm::Vm&, vm::CallArgs& a) { return Value::boolean(self_lock(a)->value == 0); }
Value lock_reinit(vm::Vm&, vm::CallArgs& a) {
  self_lock(a)->value = 1;
  self_lock(a)->waiters.clear();
  return Value::none();
}
Value lock_repr(vm::Vm& vm, vm::CallArgs& a) { return vm::make_str(self_lock(a)->repr(vm)); }

Value allocate_lock(vm::Vm& vm, vm::CallArgs&) { return host(vm).new_sync(SyncKind::kLock, 1); }

// _start_thread(bootstrap, thread, daemon, name): the new thread runs
// bootstrap() (Thread._bootstrap); its ident is returned.
Value n_start_thread(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 4) return vm.raise(vm.b().TypeError, "_start_thread() takes 4 arguments");
  const int daemon = vm::truthy(vm, a.args[2]);
  if (daemon < 0) return Value::error();
  Value name = vm::str(vm, a.args[3]);
  if (name.is_error()) return name;
  return host(vm).start_thread(a.args[0], {}, a.args[1], daemon != 0, vm::str_of(name));
}

// _thread.start_new_thread(function, args[, kwargs]): a thread that is
// not threading's (no Thread object; it does not keep the process alive).
Value start_new_thread(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs < 2 || a.nargs > 3) return vm.raise(vm.b().TypeError, "start_new_thread expected 2 or 3 arguments");
  if (!a.args[1].is(Kind::kTuple)) return vm.raise(vm.b().TypeError, "2nd arg must be a tuple");
  if (a.nargs == 3) return vm.raise(vm.b().TypeError, "not supported by concsim: start_new_thread with kwargs");
  std::vector<Value> args = a.args[1].as<vm::TupleObj>()->items;
  return host(vm).start_thread(a.args[0], std::move(args), Value::none(), true, "Dummy");
}

Value get_ident(vm::Vm& vm, vm::CallArgs&) {
  ThreadHost& h = host(vm);
  return Value::integer(h.thread_ident(h.running()));
}

Value set_sentinel(vm::Vm& vm, vm::CallArgs&) { return host(vm).thread_sentinel(); }

// _can_block(): whether the caller may wait here: false inside a call a
// builtin makes (a generator that list() or f(*...) consumes).
Value can_block(vm::Vm& vm, vm::CallArgs&) { return Value::boolean(host(vm).on_fiber()); }

Value stack_size(vm::Vm&, vm::CallArgs&) { return Value::integer(0); }

// The text of an exception's traceback, as CPython prints it.
Value format_exception(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "_format_exception() takes 1 argument");
  return vm::make_str(vm.format_exception(a.args[0]));
}

}  // namespace

Value ThreadHost::build_thread() {
  vm::Vm& vm = vm_;
  Value m = vm.make_module("_thread");
  lock_class_ = vm.make_class("lock", "_thread", {vm.b().object}, Kind::kNative);
  const struct {
    const char* name;
    vm::NativeFn fn;
  } methods[] = {{"acquire", lock_acquire},   {"acquire_lock", lock_acquire}, {"release", lock_release},
                 {"release_lock", lock_release}, {"locked", lock_locked},   {"locked_lock", lock_locked},
                 {"__enter__", lock_enter},   {"__exit__", lock_exit},       {"_at_fork_reinit", lock_reinit},
                 {"__repr__", lock_repr}};
  for (const auto& mm : methods) vm.set_class_attr(lock_class_, mm.name, vm.make_builtin(mm.name, mm.fn, nullptr, true));
  vm.set_module_attr(m, "LockType", lock_class_);
  vm.set_module_attr(m, "error", vm.b().RuntimeError);
  vm.set_module_attr(m, "TIMEOUT_MAX", Value::floating(9223372036.0));
  const struct {
    const char* name;
    vm::NativeFn fn;
  } fns[] = {{"allocate_lock", allocate_lock},
             {"_allocate_lock", allocate_lock},
             {"_start_thread", n_start_thread},
             {"start_new_thread", start_new_thread},
             {"get_ident", get_ident},
             {"get_native_id", get_ident},
             {"_set_sentinel", set_sentinel},
             {"_can_block", can_block},
             {"stack_size", stack_size},
             {"_format_exception", format_exception}};
  for (const auto& f : fns) vm.set_module_attr(m, f.name, vm.make_builtin(f.name, f.fn));
  return m;
}

}  // namespace concsim::models::threads
