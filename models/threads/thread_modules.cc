// ThreadHost: the modules the thread model provides (os, random; time,
// concsim and __concsim__ through ConcsimHost's hooks, here; asyncio in
// thread_asyncio.cc; _thread and the Python modules over it in
// thread_threading.cc), and `await` of the thread model's objects.
#include <string>

#include "models/threads/thread_host.h"
#include "models/vm/ops.h"
#include "models/vm/random.h"

namespace concsim::models::threads {

namespace embedded {
std::string_view asyncio_py();
std::string_view threading_py();
std::string_view queue_py();
std::string_view futures_py();
}  // namespace embedded

std::string_view module_source(std::string_view name) {
  if (name == "asyncio") return embedded::asyncio_py();
  if (name == "threading") return embedded::threading_py();
  if (name == "queue") return embedded::queue_py();
  if (name == "concurrent.futures") return embedded::futures_py();
  return {};
}

const std::vector<std::string>& python_modules() {
  static const std::vector<std::string> names{"asyncio", "threading", "queue", "concurrent.futures"};
  return names;
}

using vm::Kind;
using vm::Value;

namespace {

ThreadHost& host(vm::Vm& vm) { return static_cast<ThreadHost&>(vm.host()); }

void add(vm::Vm& vm, const Value& m, const char* name, vm::NativeFn fn) {
  vm.set_module_attr(m, name, vm.make_builtin(name, fn));
}

Value os_cpu_count(vm::Vm& vm, vm::CallArgs&) { return Value::integer(host(vm).cores()); }
Value os_getpid(vm::Vm&, vm::CallArgs&) { return Value::integer(1000); }

}  // namespace

// time.sleep: a blocking call of the thread (its span shows it blocked).
// sleep(0) is a system call that returns at once, after the threads
// runnable at this instant have run (the harness's rule for a block whose
// deadline is now, tools/pydiff/README.md).
Value ThreadHost::time_sleep(std::int64_t ns) { return sleep(ns, SpanKind::kBlocked, Value::none(), true); }
Value ThreadHost::concsim_cpu(std::int64_t ns) { return cpu(ns); }

// await concsim.io(d): a blocking read of d; the thread waits in it.
Value ThreadHost::concsim_io(double, std::int64_t ns, bool) {
  Value op = make_op(OpKind::kIo);
  op.as<OpObj>()->ns = ns;
  return op;
}

bool ThreadHost::server_runner(std::uint32_t* id) {
  if (running_ == kNoThread) return false;
  *id = running_;
  return true;
}

// A connection's thread blocks reading its client's next request.
Value ThreadHost::request_awaitable(sim::Duration left) {
  Value op = make_op(left < 0 ? OpKind::kDone : OpKind::kIo);
  if (left < 0) {
    op.as<OpObj>()->value = Value::boolean(true);  // the server has stopped: the connection closes
  } else {
    op.as<OpObj>()->ns = left;
  }
  return op;
}

sim::RandomStream& ThreadHost::draw_stream() {
  if (running_ != kNoThread && running_ < threads_.size()) {
    PThread& t = threads_[running_];
    if (!t.has_rng) {
      t.rng = sim_.stream("thread", running_);
      t.has_rng = true;
    }
    return t.rng;
  }
  if (!has_main_rng_) {
    main_rng_ = sim_.stream("main thread");
    has_main_rng_ = true;
  }
  return main_rng_;
}

Value ThreadHost::build_os() {
  // os: what programs ask of the machine (the modelled one).
  Value m = vm_.make_module("os");
  add(vm_, m, "cpu_count", os_cpu_count);
  add(vm_, m, "getpid", os_getpid);
  vm_.set_module_attr(m, "environ", vm::make_dict());
  vm_.set_module_attr(m, "sep", vm::make_str("/"));
  vm_.set_module_attr(m, "linesep", vm::make_str("\n"));
  vm_.set_module_attr(m, "name", vm::make_str("posix"));
  return m;
}

// A module written in Python: `natives` puts its native half in the
// module's dict, then its source runs there.
Value ThreadHost::python_module(const std::string& name, const std::function<void(const Value&)>& natives) {
  Value m = vm_.make_module(name);
  natives(m);
  const auto it = options_.modules.find(name);
  if (it == options_.modules.end() || it->second == nullptr) {
    return vm_.raise(vm_.b().ImportError, "concsim: the thread model's module " + name + " was not compiled");
  }
  // Cached before its body runs, so that a module it imports can import it.
  modules_[name] = m;
  Value r = vm_.exec_module(*it->second, m);
  if (r.is_error()) {
    modules_.erase(name);
    return r;
  }
  return m;
}

Value ThreadHost::import_module(vm::Vm& vm, std::string_view name) {
  const std::string key(name);
  const auto it = modules_.find(key);
  if (it != modules_.end()) return it->second;
  Value m = Value::unset();
  if (name == "time") {
    m = build_time(vm_);
  } else if (name == "concsim") {
    m = build_concsim(vm_);
  } else if (name == "__concsim__") {
    m = build_intrinsics(vm_);
  } else if (name == "os") {
    m = build_os();
  } else if (name == "asyncio") {
    m = build_asyncio();
  } else if (name == "_thread") {
    m = build_thread();
  } else if (name == "threading" || name == "queue" || name == "concurrent.futures") {
    Value thread = import_module(vm, "_thread");
    if (thread.is_error()) return thread;
    m = python_module(key, [&](const Value& mod) {
      // The natives of _thread, as names of the module's own.
      const Value& d = thread.as<vm::ModuleObj>()->dict;
      for (const vm::HashEntry& e : d.as<vm::DictObj>()->table.entries) {
        if (e.key.is_unset() || vm::str_of(e.key) == "__name__") continue;
        vm::dict_set_str(mod.as<vm::ModuleObj>()->dict, e.key, e.value);
      }
    });
  } else if (name == "random") {
    // Seeded from the run's seed when the program does not seed it, as
    // under the event loop: the same seed draws the same numbers there.
    m = vm::make_random_module(vm, sim_.seed());
  } else if (name == "concurrent") {
    Value futures = import_module(vm, "concurrent.futures");
    if (futures.is_error()) return futures;
    m = vm_.make_module("concurrent");
    vm_.set_module_attr(m, "futures", futures);
  }
  if (m.is_error() || m.is_unset()) return m;
  modules_[key] = m;
  return m;
}

Value ThreadHost::await_native(vm::Vm& vm, vm::Fiber&, const Value& awaitable) {
  if (awaitable.is(Kind::kNative)) {
    auto* n = awaitable.as<vm::NativeObj>();
    if (auto* f = dynamic_cast<FutureObj*>(n)) return await_future(f);
    if (auto* op = dynamic_cast<OpObj*>(n)) return await_op(op);
  }
  return vm.raise(vm.b().TypeError, "object " + vm::str_of(vm.type_of(awaitable).as<vm::ClassObj>()->name) +
                                        " can't be used in 'await' expression");
}

}  // namespace concsim::models::threads
