// The program VM: runs a compiled Program (code.h) for one run of one model.
//
// The VM is model-neutral. It knows values, frames, calls, classes,
// exceptions, generators and coroutines; it knows nothing of time, cores or
// event loops. What a program asks of its model (create a task, await a
// future, compute for 5 ms, take a lock) reaches the model through the
// modules the model provides (`asyncio`, `threading`, `time`, `concsim`) as
// native functions, and through Host.
//
// Execution is by fibers. A fiber is a chain of frames: a task's coroutine
// at the bottom, the coroutines it awaits and the functions it calls above.
// Calls and awaits of Python code push frames on the fiber (no C++
// recursion), so a fiber can stop anywhere: when a native function of the
// model returns Value::suspend(), run() returns kSuspended and the model
// later calls run() again with the outcome (a value, or an exception to
// raise where the fiber stopped). A task costs the simulator its frames,
// not a stack.
//
// Natives that call back into Python (sorted's key, a __repr__ method)
// run a nested fiber to completion; a fiber nested like that cannot wait,
// and trying to is an error that names the native.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/vm/code.h"
#include "models/vm/object.h"
#include "models/vm/value.h"

namespace concsim::vm {

class Vm;

// How a frame's result reaches whoever started it.
enum class Link : std::uint8_t {
  kCall,      // a call: the return value is pushed on the caller's stack
  kInit,      // __init__: must return None; the new instance is pushed
  kAwait,     // an awaited coroutine: its return value is the await's result
  kGenNext,   // a generator driven by for/next/send: a yield is the result
  kGenCollect,// a generator that list()/tuple() consume: a yield joins the list
  kYieldFrom, // a generator delegated to by yield from
  kAnext,     // an async generator driven by __anext__/asend/athrow/aclose
  kBottom,    // the bottom of a fiber: returning ends the fiber
  kNested,    // the bottom of a nested run started by a native
  kClassBody, // a class body: on return its namespace becomes a class
};

struct Frame {
  const Code* code = nullptr;
  Frame* back = nullptr;     // the frame this one returns to
  Value func;                // the FunctionObj (globals, closure), or None
  Value globals;             // the module's dict
  Value locals_dict;         // class and module bodies: their namespace
  Value exc_slot;            // generators and coroutines: their handled exception
  GenObj* gen = nullptr;     // the generator that owns this frame, if any
  const Value* consts = nullptr;  // the run's constants and names of the code's program
  const Value* names = nullptr;
  Value* exc_item = nullptr; // where PUSH_EXC_INFO saves: the nearest generator's slot or the fiber's
  Value extra;               // kInit: the new instance; kClassBody: the class's name and bases
  std::uint32_t pc = 0;
  std::uint32_t sp = 0;      // values on the stack
  Link link = Link::kCall;
  std::uint8_t aux = 0;      // kAnext: 0 __anext__/asend, 1 athrow, 2 aclose
  // Locals, then cells and free variables, then the value stack.
  Value* fast() { return reinterpret_cast<Value*>(this + 1); }
  Value* cells() { return fast() + code->nlocals(); }
  Value* stack() { return cells() + code->ncells() + code->nfree(); }

  static Frame* create(const Code* code);
  static void destroy(Frame* f);
};

// A thread of execution: a task's coroutine, a thread's function, a
// callback. Owned by the model.
struct Fiber {
  Frame* top = nullptr;
  std::uint32_t depth = 0;  // frames on the fiber (recursion limit)
  void* owner = nullptr;    // the model's object (task, thread)
  // The exception being handled below the fiber's frames (sys.exc_info()
  // when no frame of the fiber handles one): a nested fiber starts with
  // its caller's.
  Value base_exc;
  // Stopped by a native: run() delivers the outcome to the top frame.
  bool waiting = false;
  // Stopped to pay for its instructions (RunStatus::kCharge): run() goes on
  // with the instruction it stopped at and with the budget it had left.
  bool charging = false;
  std::uint64_t budget_left = 0;
};

enum class RunStatus : std::uint8_t {
  kSuspended,  // a native of the model made the fiber wait
  kReturned,   // the bottom frame returned: RunResult::value
  kRaised,     // an exception left the bottom frame: RunResult::value
  kRunaway,    // the instruction budget ran out without a wait
  // Only with VmOptions::charge_ops: the fiber stopped before calling a
  // native of the model (or awaiting one of its objects) so that the model
  // charges RunResult::ops first; the model calls run(fiber, None) once the
  // time has passed, and the call is made then.
  kCharge,
};
struct RunResult {
  RunStatus status = RunStatus::kReturned;
  Value value;
  // Instructions the fiber ran since run() started or it last stopped to be
  // charged, and not charged yet (every status: a model that charges
  // instructions pays these after the fact).
  std::uint64_t ops = 0;
};

// What a model provides to the VM besides its modules.
class Host {
 public:
  // A module the model provides (asyncio, threading, time, concsim ...), or
  // unset if it provides none of that name; the VM then looks at its own
  // (sys, math, typing, ...).
  virtual Value import_module(Vm& vm, std::string_view name) = 0;
  // `await x` where x is not a coroutine: a model's future or task. Returns
  // the result at once, Value::error() after Vm::raise, or Value::suspend()
  // when the fiber must wait (the model resumes it with the outcome).
  virtual Value await_native(Vm& vm, Fiber& fiber, const Value& awaitable) = 0;
  // print() and writes to sys.stdout (stream 1) or sys.stderr (2).
  virtual void write(Vm& vm, int stream, std::string_view text) = 0;
  // The virtual time in nanoseconds (time.monotonic and friends).
  virtual std::int64_t now_ns() = 0;

 protected:
  ~Host() = default;
};

// The builtin types and exception classes of a run, and often used names.
struct Builtins {
  Value object, type, int_, float_, bool_, str, list, tuple, dict, set, frozenset, range, slice,
      none_type, function, builtin_function, method, module, coroutine, generator, async_generator,
      iterator, property, staticmethod, classmethod, cell, not_implemented_type, ellipsis_type,
      duration, super_type;
  // Exceptions.
  Value BaseException, Exception, BaseExceptionGroup, ExceptionGroup, GeneratorExit,
      KeyboardInterrupt, SystemExit, ArithmeticError, ZeroDivisionError, OverflowError,
      FloatingPointError, AssertionError, AttributeError, LookupError, IndexError, KeyError,
      NameError, UnboundLocalError, RuntimeError, RecursionError, NotImplementedError,
      StopIteration, StopAsyncIteration, TypeError, ValueError, UnicodeError, ImportError,
      ModuleNotFoundError, OSError, TimeoutError, ConnectionError, MemoryError, Warning;
  Value builtins_module;  // the `builtins` module: its dict is every global's fallback
};

struct VmOptions {
  // Instructions a fiber may run between two waits before run() returns
  // kRunaway: an endless loop that never awaits.
  std::uint64_t step_budget = 100'000'000;
  std::uint32_t recursion_limit = 1000;  // sys.getrecursionlimit()
  std::int64_t switch_interval_ns = 5'000'000;  // sys.getswitchinterval(): CPython's default, 5 ms
  // The model charges interpreted instructions as CPU time (a machine with a
  // python.op_cost): run() stops with kCharge before a native of the model
  // when instructions ran since the last charge. Off, the VM never stops to
  // be charged (RunResult::ops is counted either way: the budget counts).
  bool charge_ops = false;
};

class Vm {
 public:
  Vm(const Program& program, Host& host, VmOptions options = {});
  ~Vm();
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  // ---- running (for models) ----
  // A fiber that runs the module body (the program's top level).
  void start_module(Fiber& fiber);
  // Runs another program's module body (a model's module written in Python)
  // with `module`'s dict as its globals, to completion. Error after raise.
  Value exec_module(const Program& p, const Value& module);
  // A fiber whose bottom frame is the coroutine `coro` (a task's body).
  // Returns false after raise() if coro is not an unstarted coroutine.
  bool start_coroutine(Fiber& fiber, const Value& coro);
  // A fiber that calls `callable(*args)` (a thread's target, a callback).
  bool start_call(Fiber& fiber, const Value& callable, std::vector<Value> args);
  // Runs the fiber until it waits or ends. `in` is what it is resumed with:
  // the result of the native that made it wait (None the first time), or,
  // when `raise` is true, an exception to raise there.
  RunResult run(Fiber& fiber, Value in, bool raise = false);
  // Drops a fiber's frames without running them (a model discarding a task
  // at the end of a run).
  void discard(Fiber& fiber);
  // The fiber running now (natives of the model use it), or null.
  [[nodiscard]] Fiber* current_fiber() const { return current_; }

  // ---- for natives ----
  // Raises `type(message)`: sets the error and returns Value::error().
  Value raise(const Value& type, std::string message);
  Value raise_value(Value exc);   // raises an exception object
  [[nodiscard]] const Value& error() const { return error_; }
  Value take_error() { return std::move(error_); }
  // Calls any callable with positional arguments (and keyword arguments:
  // the last kwnames.size() of args). Python code runs on a nested fiber.
  Value call(const Value& callable, std::span<const Value> args, std::span<const Value> kwnames = {});
  Value call_method(const Value& obj, std::string_view name, std::span<const Value> args);
  // Attribute access with Python's rules (descriptors, __getattr__).
  Value getattr(const Value& obj, const Value& name);
  Value getattr(const Value& obj, std::string_view name);
  // A special method looked up on the type, as CPython's _PyObject_LookupSpecial:
  // unset when absent.
  Value lookup_special(const Value& obj, std::string_view name);
  Value make_exception(const Value& type, std::string message);
  // The class of any value.
  [[nodiscard]] Value type_of(const Value& v) const;
  [[nodiscard]] bool isinstance(const Value& v, const Value& cls) const;
  [[nodiscard]] bool is_subclass(const Value& cls, const Value& base) const;
  // An interned str for an identifier.
  Value intern(std::string_view s);
  [[nodiscard]] const Builtins& b() const { return b_; }
  [[nodiscard]] const Value& super_class() const { return b_.super_type; }
  [[nodiscard]] Host& host() const { return host_; }
  [[nodiscard]] const Program& program() const { return program_; }
  [[nodiscard]] std::uint32_t recursion_limit() const { return options_.recursion_limit; }
  // sys.getswitchinterval(), for a model with a GIL; sys.setswitchinterval sets it.
  [[nodiscard]] std::int64_t switch_interval_ns() const { return options_.switch_interval_ns; }
  void set_switch_interval_ns(std::int64_t ns) { options_.switch_interval_ns = ns; }
  // The instructions left of the current run's budget (models reset it per step).
  std::uint64_t& budget() { return budget_; }
  // A new builtin function or method (is_method: self comes from binding).
  Value make_builtin(const char* name, NativeFn fn, void* data = nullptr, bool is_method = false);
  // A new class for a model's objects or a module's types.
  Value make_class(std::string_view name, std::string_view module, const std::vector<Value>& bases,
                   Kind instance_kind = Kind::kNative);
  void set_class_attr(const Value& cls, std::string_view name, Value v);
  Value make_module(std::string_view name);
  void set_module_attr(const Value& module, std::string_view name, Value v);

  // sys.set_asyncgen_hooks: the loop's hooks for async generators (called
  // when one is first iterated, and when one dies unfinished).
  void set_asyncgen_hooks(Value firstiter, Value finalizer);
  // Generators that died suspended, closed before the next instruction.
  void queue_finalize(Value gen);
  void run_finalizers();
  [[nodiscard]] bool has_finalizers() const { return !finalize_.empty(); }

  // For models: the traceback lines of an exception, as CPython prints them.
  std::string format_exception(const Value& exc);
  // Where a suspended fiber is (for stall reports): "file:line in function".
  std::string where(const Fiber& fiber) const;

  // Bytes of heap objects and frames alive.
  [[nodiscard]] std::int64_t memory_bytes() const;

 private:
  friend struct Interp;
  friend Value agen_awaitable_hooks(Vm& vm, GenObj* g, const Value& agen);
  const Program& program_;
  Host& host_;
  VmOptions options_;
  Builtins b_;
  // Per program run here (the program's, and the models' modules): its
  // constants materialised and its names interned, for this run.
  struct Tables {
    const Program* program;
    std::vector<Value> consts;
    std::vector<Value> names;
  };
  std::vector<Tables> tables_;
  void materialise(const Program& p);
  [[nodiscard]] const Tables& tables_for(const Program* p);
  std::unordered_map<std::string, Value> interned_;
  std::unordered_map<std::string, Value> modules_;  // sys.modules
  Value error_;
  Fiber* current_ = nullptr;
  std::uint64_t budget_ = 0;
  std::uint64_t charged_at_ = 0;  // budget_ when the running fiber was last charged
  bool timed_builtins_ = false;   // builtins made now are a model's (Host::import_module runs)
  std::uint32_t nested_ = 0;
  bool gen_yielded_ = false;  // a nested generator run ended at a yield
  bool runaway_ = false;      // a nested run ran out of budget
  std::vector<Value> finalize_;  // generators that died suspended, to close
  Value asyncgen_firstiter_;
  Value asyncgen_finalizer_;
  Vm* previous_ = nullptr;  // the thread's Vm before this one (object lifetimes)
};

// The Vm running on this thread (set while a Vm exists), for code that is
// not handed one: object destruction that must run Python (a generator's
// finally).
Vm* current_vm();

}  // namespace concsim::vm
