// Internals of the VM shared by its files (vm.cc, attr.cc, call.cc,
// interp.cc, exceptions.cc, generators.cc). Not for models: they use vm.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/vm/vm.h"

namespace concsim::vm {

struct Interp {
  // ---- frames ----
  // A frame for calling `func` (a FunctionObj) with arguments bound, or null
  // after raise. `self` (unset if none) comes before args.
  static Frame* bind_call(Vm& vm, const Value& func, const Value* self, const Value* args, std::uint32_t nargs,
                          const Value* kwnames, std::uint32_t nkw);
  // Pushes `f` on the fiber as the callee of its top frame.
  static bool push_frame(Vm& vm, Fiber& fiber, Frame* f, Link link);

  // ---- calls ----
  // Calls `callable` from the interpreter. Returns the result; or error; or
  // suspend (a native made the fiber wait); or unset when a frame was
  // pushed (the interpreter continues in it and the result arrives later).
  // With no fiber (a native calling), Python code runs on a nested fiber.
  static Value call_from_frame(Vm& vm, Fiber* fiber, const Value& callable, const Value* self, const Value* args,
                               std::uint32_t nargs, const Value* kwnames, std::uint32_t nkw);
  static Value call_native(Vm& vm, BuiltinObj* b, const Value* self, const Value* args, std::uint32_t nargs,
                           const Value* kwnames, std::uint32_t nkw);
  // Instantiates a class: returns the instance (no __init__ to run), error,
  // or unset after pushing __init__'s frame.
  static Value instantiate(Vm& vm, Fiber* fiber, const Value& cls, const Value* args, std::uint32_t nargs,
                           const Value* kwnames, std::uint32_t nkw);
  // Runs a nested fiber whose bottom frame is `f` to its end.
  static Value run_nested(Vm& vm, Frame* f, const char* what);

  // ---- the interpreter ----
  static RunResult execute(Vm& vm, Fiber& fiber, bool unwinding);
  // The exception being handled at frame f (sys.exc_info()).
  static Value current_exception(const Fiber& fiber);
  // Chains a new exception to the one being handled (__context__).
  static void set_context(Vm& vm, const Value& exc);

  // ---- attributes ----
  static Value lookup_type(const Value& cls, const Value& name);  // through the MRO; unset if absent
  static Value get_attr(Vm& vm, const Value& obj, const Value& name);
  static Value set_attr(Vm& vm, const Value& obj, const Value& name, const Value& v);  // None or error
  static Value del_attr(Vm& vm, const Value& obj, const Value& name);
  // LOAD_METHOD: *meth and *self (unset when the attribute is already bound).
  static bool load_method(Vm& vm, const Value& obj, const Value& name, Value* meth, Value* self);
  static Value bind(Vm& vm, const Value& descr, const Value& obj, const Value& type);
  static bool compute_mro(Vm& vm, ClassObj* cls);
  static void install_super(Vm& vm);
  static Value build_class(Vm& vm, const Value& name, std::vector<Value> bases, const Value& ns);

  // ---- generators ----
  // Resumes a generator from a native (next, send, throw, close): a nested
  // run. Returns the yielded value, unset when it returned (*ret holds the
  // return value), or error.
  static Value gen_resume(Vm& vm, GenObj* g, Value in, bool raise, Value* ret);
  static void install_generator_methods(Vm& vm);
  // An async generator's __anext__() awaitable (GET_ANEXT), after the
  // loop's firstiter hook on its first iteration.
  static Value agen_anext_awaitable(Vm& vm, const Value& agen);

  // ---- exceptions ----
  static void install_exceptions(Vm& vm);
  static Value exception_str(Vm& vm, ExceptionObj* e);
  // Adds the traceback entry for frame f at its current instruction.
  static void add_traceback(const Value& exc, const Frame* f);
  static std::string type_name(const Vm& vm, const Value& v);
  // except*: CHECK_EG_MATCH's split of `exc` by `type` (*match None when
  // nothing matches), and PREP_RERAISE_STAR's exception to raise after the
  // clauses (None when there is none).
  static bool check_eg_match(Vm& vm, const Value& exc, const Value& type, Value* match, Value* rest);
  static Value prep_reraise_star(Vm& vm, const Value& orig, const Value& excs);

  // ---- the VM's own modules (sys, math, typing) ----
  static Value import(Vm& vm, std::string_view name);
  static Value builtin_module(Vm& vm, std::string_view name);
};

// The instruction a frame is at: the one before pc (pc points past it).
inline std::uint32_t lasti(const Frame* f) { return f->pc == 0 ? 0 : f->pc - 1; }

}  // namespace concsim::vm
