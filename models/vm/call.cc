// Calls: binding arguments to parameters (CPython's initialize_locals in
// Python/ceval.c, with its messages), the kinds of callables, and
// instantiating classes.
#include <string>
#include <utility>

#include "models/vm/interp.h"
#include "models/vm/ops.h"
#include "sim/check.h"

namespace concsim::vm {

namespace {

std::string qualname_of(const Value& func) {
  const auto* fn = func.as<FunctionObj>();
  return fn->qualname.is(Kind::kStr) ? str_of(fn->qualname) : fn->code->qualname;
}

// "'a'", "'a' and 'b'", "'a', 'b', and 'c'", as CPython's format_missing.
std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    out += "'" + names[i] + "'";
  }
  return out;
}

Value missing(Vm& vm, const Value& func, const std::vector<std::string>& names, const char* kind) {
  return vm.raise(vm.b().TypeError, qualname_of(func) + "() missing " + std::to_string(names.size()) + " required " +
                                        kind + " argument" + (names.size() == 1 ? "" : "s") + ": " + name_list(names));
}

}  // namespace

Frame* Interp::bind_call(Vm& vm, const Value& func, const Value* self, const Value* args, std::uint32_t nargs,
                         const Value* kwnames, std::uint32_t nkw) {
  const auto* fn = func.as<FunctionObj>();
  const Code* co = fn->code;
  Frame* f = Frame::create(co);
  const Vm::Tables& t = vm.tables_for(co->program);
  f->consts = t.consts.data() + co->const_base;
  f->names = t.names.data() + co->name_base;
  f->func = func;
  f->globals = fn->globals;
  Value* fast = f->fast();
  const std::uint32_t argcount = co->argcount;
  const std::uint32_t kwonly = co->kwonlyargcount;
  const bool varargs = co->is(kVarargs);
  const bool varkw = co->is(kVarkw);
  const std::uint32_t npos_given = (nargs - nkw) + (self != nullptr ? 1 : 0);
  auto positional = [&](std::uint32_t i) -> const Value& {
    if (self != nullptr) return i == 0 ? *self : args[i - 1];
    return args[i];
  };
  auto fail = [&](Value) -> Frame* {
    Frame::destroy(f);
    return nullptr;
  };

  const std::uint32_t n = npos_given < argcount ? npos_given : argcount;
  for (std::uint32_t i = 0; i < n; ++i) fast[i] = positional(i);
  Value kwdict;
  if (varkw) {
    kwdict = make_dict();
    fast[argcount + kwonly + (varargs ? 1 : 0)] = kwdict;
  }
  if (varargs) {
    std::vector<Value> extra;
    for (std::uint32_t i = argcount; i < npos_given; ++i) extra.push_back(positional(i));
    fast[argcount + kwonly] = make_tuple(std::move(extra));
  } else if (npos_given > argcount) {
    // "f() takes 2 positional arguments but 3 were given", with the range
    // when some have defaults and the keyword-only ones given.
    const std::uint32_t ndefaults =
        fn->defaults.is(Kind::kTuple) ? static_cast<std::uint32_t>(fn->defaults.as<TupleObj>()->items.size()) : 0;
    std::uint32_t kwonly_given = 0;
    for (std::uint32_t k = 0; k < nkw; ++k) {
      for (std::uint32_t j = argcount; j < argcount + kwonly; ++j) {
        if (co->varnames[j] == str_of(kwnames[k])) ++kwonly_given;
      }
    }
    std::string takes;
    if (ndefaults > 0) {
      takes = "from " + std::to_string(argcount - ndefaults) + " to " + std::to_string(argcount) + " positional arguments";
    } else {
      takes = std::to_string(argcount) + " positional argument" + (argcount == 1 ? "" : "s");
    }
    std::string given = std::to_string(npos_given);
    if (kwonly_given > 0) {
      given += " positional argument" + std::string(npos_given == 1 ? "" : "s") + " (and " +
               std::to_string(kwonly_given) + " keyword-only argument" + (kwonly_given == 1 ? "" : "s") +
               ") were given";
    } else {
      given += npos_given == 1 ? " was given" : " were given";
    }
    vm.raise(vm.b().TypeError, qualname_of(func) + "() takes " + takes + " but " + given);
    return fail(Value());
  }

  // Keyword arguments.
  std::vector<std::string> posonly_as_kw;
  for (std::uint32_t k = 0; k < nkw; ++k) {
    const std::string& name = str_of(kwnames[k]);
    const Value& v = args[nargs - nkw + k];
    std::uint32_t slot = kNoArg;
    for (std::uint32_t j = co->posonlyargcount; j < argcount + kwonly; ++j) {
      if (co->varnames[j] == name) {
        slot = j;
        break;
      }
    }
    if (slot != kNoArg) {
      if (!fast[slot].is_unset()) {
        vm.raise(vm.b().TypeError, qualname_of(func) + "() got multiple values for argument '" + name + "'");
        return fail(Value());
      }
      fast[slot] = v;
      continue;
    }
    if (varkw) {
      if (!dict_set(vm, kwdict, kwnames[k], v)) return fail(Value());
      continue;
    }
    bool posonly = false;
    for (std::uint32_t j = 0; j < co->posonlyargcount; ++j) posonly = posonly || co->varnames[j] == name;
    if (posonly) {
      posonly_as_kw.push_back(name);
      continue;
    }
    vm.raise(vm.b().TypeError, qualname_of(func) + "() got an unexpected keyword argument '" + name + "'");
    return fail(Value());
  }
  if (!posonly_as_kw.empty()) {
    std::string names;
    for (std::size_t i = 0; i < posonly_as_kw.size(); ++i) names += (i > 0 ? ", " : "") + posonly_as_kw[i];
    vm.raise(vm.b().TypeError, qualname_of(func) +
                                   "() got some positional-only arguments passed as keyword arguments: '" + names + "'");
    return fail(Value());
  }

  // Defaults, then what is still missing.
  if (npos_given < argcount) {
    const std::vector<Value>* defaults =
        fn->defaults.is(Kind::kTuple) ? &fn->defaults.as<TupleObj>()->items : nullptr;
    const std::uint32_t ndefaults = defaults != nullptr ? static_cast<std::uint32_t>(defaults->size()) : 0;
    const std::uint32_t first_default = argcount - ndefaults;
    std::vector<std::string> absent;
    for (std::uint32_t i = npos_given; i < argcount; ++i) {
      if (!fast[i].is_unset()) continue;
      if (i >= first_default) {
        fast[i] = (*defaults)[i - first_default];
      } else {
        absent.push_back(co->varnames[i]);
      }
    }
    if (!absent.empty()) {
      missing(vm, func, absent, "positional");
      return fail(Value());
    }
  }
  if (kwonly > 0) {
    std::vector<std::string> absent;
    for (std::uint32_t i = argcount; i < argcount + kwonly; ++i) {
      if (!fast[i].is_unset()) continue;
      Value d = fn->kwdefaults.is(Kind::kDict) ? dict_get_str(fn->kwdefaults, vm.intern(co->varnames[i]))
                                               : Value::unset();
      if (d.is_unset()) {
        absent.push_back(co->varnames[i]);
      } else {
        fast[i] = std::move(d);
      }
    }
    if (!absent.empty()) {
      missing(vm, func, absent, "keyword-only");
      return fail(Value());
    }
  }

  // Cells: a parameter captured by an inner function starts in its cell.
  Value* cells = f->cells();
  for (std::uint32_t i = 0; i < co->ncells(); ++i) {
    Value cell = make<CellObj>();
    cell.as<CellObj>()->value = Value::unset();
    const std::int32_t arg = co->cell_of_arg[i];
    if (arg >= 0) cell.as<CellObj>()->value = fast[arg];
    cells[i] = std::move(cell);
  }
  if (co->nfree() > 0) {
    const auto& closure = fn->closure.as<TupleObj>()->items;
    for (std::uint32_t i = 0; i < co->nfree(); ++i) cells[co->ncells() + i] = closure[i];
  }
  return f;
}

bool Interp::push_frame(Vm& vm, Fiber& fiber, Frame* f, Link link) {
  if (fiber.depth >= vm.options_.recursion_limit) {
    vm.raise(vm.b().RecursionError, "maximum recursion depth exceeded");
    return false;
  }
  f->back = fiber.top;
  f->link = link;
  if (f->gen == nullptr) f->exc_item = fiber.top != nullptr ? fiber.top->exc_item : &fiber.base_exc;
  // A frame that owns no exception slot shares its caller's: a generator
  // frame's caller, when that is a generator, is the generator's slot.
  if (f->gen == nullptr && fiber.top != nullptr && fiber.top->gen != nullptr) f->exc_item = &fiber.top->exc_slot;
  fiber.top = f;
  ++fiber.depth;
  return true;
}

Value Interp::call_native(Vm& vm, BuiltinObj* b, const Value* self, const Value* args, std::uint32_t nargs,
                          const Value* kwnames, std::uint32_t nkw) {
  CallArgs a;
  a.data = b->data;
  if (!b->self.is_unset()) {
    a.self = b->self;
    a.args = args;
    a.nargs = nargs;
  } else if (b->is_method) {
    // An unbound method called with its self first (str.upper("a"), or
    // LOAD_METHOD's [method, self]).
    if (self != nullptr) {
      a.self = *self;
      a.args = args;
      a.nargs = nargs;
    } else {
      if (nargs - nkw == 0) {
        std::string owner = b->owner.is(Kind::kClass) ? str_of(b->owner.as<ClassObj>()->name) : "object";
        return vm.raise(vm.b().TypeError, "unbound method " + owner + "." + b->name + "() needs an argument");
      }
      a.self = args[0];
      a.args = args + 1;
      a.nargs = nargs - 1;
    }
  } else {
    a.self = Value::unset();
    if (self != nullptr) {
      // A plain builtin reached through LOAD_METHOD on a module.
      std::vector<Value> all;
      all.reserve(nargs + 1);
      all.push_back(*self);
      for (std::uint32_t i = 0; i < nargs; ++i) all.push_back(args[i]);
      a.args = all.data();
      a.nargs = nargs + 1;
      a.kwnames = kwnames;
      a.nkw = nkw;
      return b->fn(vm, a);
    }
    a.args = args;
    a.nargs = nargs;
  }
  a.kwnames = kwnames;
  a.nkw = nkw;
  return b->fn(vm, a);
}

Value Interp::run_nested(Vm& vm, Frame* f, const char* what) {
  Fiber nested;
  Fiber* outer = vm.current_;
  nested.owner = outer != nullptr ? outer->owner : nullptr;
  nested.base_exc = outer != nullptr ? current_exception(*outer) : Value::none();
  nested.depth = outer != nullptr ? outer->depth : 0;
  if (nested.depth >= vm.options_.recursion_limit) {
    Frame::destroy(f);
    return vm.raise(vm.b().RecursionError, "maximum recursion depth exceeded");
  }
  f->back = nullptr;
  f->link = Link::kNested;
  if (f->gen == nullptr) f->exc_item = &nested.base_exc;
  nested.top = f;
  ++nested.depth;
  vm.current_ = &nested;
  ++vm.nested_;
  RunResult r = execute(vm, nested, false);
  --vm.nested_;
  vm.current_ = outer;
  switch (r.status) {
    case RunStatus::kReturned:
      return std::move(r.value);
    case RunStatus::kRaised:
      vm.error_ = std::move(r.value);
      return Value::error();
    case RunStatus::kCharge:  // never in a nested run (Vm's nested_)
    case RunStatus::kSuspended: {
      // The fiber wanted to wait inside a native that cannot: drop it.
      vm.discard(nested);
      return vm.raise(vm.b().RuntimeError, std::string("not supported by concsim: waiting (a blocking call, a sleep, "
                                                       "an await) inside a function called by ") +
                                               what + "; call it from Python code instead");
    }
    case RunStatus::kRunaway:
      vm.discard(nested);
      vm.runaway_ = true;
      return vm.raise(vm.b().RuntimeError, "concsim: endless loop");
  }
  return Value::error();
}

Value Interp::call_from_frame(Vm& vm, Fiber* fiber, const Value& callable, const Value* self, const Value* args,
                              std::uint32_t nargs, const Value* kwnames, std::uint32_t nkw) {
  switch (callable.kind()) {
    case Kind::kFunction: {
      Frame* f = bind_call(vm, callable, self, args, nargs, kwnames, nkw);
      if (f == nullptr) return Value::error();
      const Code* co = f->code;
      if (co->is(kCoroutine) || co->is(kGenerator) || co->is(kAsyncGenerator)) {
        const Kind k = co->is(kCoroutine) ? Kind::kCoroutine
                       : co->is(kGenerator) ? Kind::kGenerator
                                            : Kind::kAsyncGenerator;
        Value g = make<GenObj>(k);
        auto* gen = g.as<GenObj>();
        gen->frame = f;
        f->gen = gen;
        f->exc_item = &f->exc_slot;
        const auto* fn = callable.as<FunctionObj>();
        gen->name = fn->name;
        gen->qualname = fn->qualname;
        return g;
      }
      if (fiber == nullptr) return run_nested(vm, f, "a builtin");
      if (!push_frame(vm, *fiber, f, Link::kCall)) {
        Frame::destroy(f);
        return Value::error();
      }
      return Value::unset();
    }
    case Kind::kBuiltin:
      return call_native(vm, callable.as<BuiltinObj>(), self, args, nargs, kwnames, nkw);
    case Kind::kMethod: {
      const auto* m = callable.as<MethodObj>();
      if (self != nullptr) {
        // [method, self] from LOAD_METHOD on an object whose attribute is a
        // bound method already: self is then an argument.
        std::vector<Value> all;
        all.push_back(*self);
        for (std::uint32_t i = 0; i < nargs; ++i) all.push_back(args[i]);
        const Value func = m->func;
        const Value s = m->self;
        return call_from_frame(vm, fiber, func, &s, all.data(), nargs + 1, kwnames, nkw);
      }
      const Value func = m->func;
      const Value s = m->self;
      return call_from_frame(vm, fiber, func, &s, args, nargs, kwnames, nkw);
    }
    case Kind::kClass: {
      if (self != nullptr) {
        std::vector<Value> all;
        all.push_back(*self);
        for (std::uint32_t i = 0; i < nargs; ++i) all.push_back(args[i]);
        return instantiate(vm, fiber, callable, all.data(), nargs + 1, kwnames, nkw);
      }
      return instantiate(vm, fiber, callable, args, nargs, kwnames, nkw);
    }
    case Kind::kProperty: {
      const auto* p = callable.as<PropertyObj>();
      if (p->sub == PropertyKind::kStaticMethod) {
        const Value fget = p->fget;
        return call_from_frame(vm, fiber, fget, self, args, nargs, kwnames, nkw);
      }
      break;
    }
    default:
      break;
  }
  // An object with __call__.
  Value call = vm.lookup_special(callable, "__call__");
  if (!call.is_unset() && !call.is_error()) {
    return call_from_frame(vm, fiber, call, self, args, nargs, kwnames, nkw);
  }
  return vm.raise(vm.b().TypeError, "'" + type_name(vm, callable) + "' object is not callable");
}

Value Interp::instantiate(Vm& vm, Fiber* fiber, const Value& cls, const Value* args, std::uint32_t nargs,
                          const Value* kwnames, std::uint32_t nkw) {
  auto* c = cls.as<ClassObj>();
  // The builtin type (or a model's type) with a constructor of its own.
  for (const Value& base : c->mro) {
    const auto* bc = base.as<ClassObj>();
    if (bc->new_fn != nullptr) {
      if (!base.same(cls) && bc->instance_kind != Kind::kException) {
        return vm.raise(vm.b().TypeError, "not supported by concsim: subclassing the builtin type '" +
                                              str_of(bc->name) + "'");
      }
      if (base.same(cls)) {
        CallArgs a;
        a.self = cls;
        a.args = args;
        a.nargs = nargs;
        a.kwnames = kwnames;
        a.nkw = nkw;
        return bc->new_fn(vm, a);
      }
      break;
    }
  }
  if (c->has(ClassFlag::kAbstract)) {
    return vm.raise(vm.b().TypeError, "cannot create '" + str_of(c->name) + "' instances");
  }
  if (!lookup_type(cls, vm.intern("__new__")).is_unset()) {
    return vm.raise(vm.b().TypeError, "not supported by concsim: __new__ (class " + str_of(c->name) + ")");
  }
  Value inst;
  if (c->instance_kind == Kind::kException) {
    inst = make<ExceptionObj>(cls);
    // BaseException.__new__ keeps the arguments, whatever __init__ does.
    std::vector<Value> pos(args, args + (nargs - nkw));
    inst.as<ExceptionObj>()->args = make_tuple(std::move(pos));
  } else {
    inst = make<InstanceObj>(cls);
  }
  Value init = lookup_type(cls, vm.intern("__init__"));
  if (init.is(Kind::kFunction)) {
    Frame* f = bind_call(vm, init, &inst, args, nargs, kwnames, nkw);
    if (f == nullptr) return Value::error();
    if (f->code->is(kCoroutine) || f->code->is(kGenerator) || f->code->is(kAsyncGenerator)) {
      Frame::destroy(f);
      return vm.raise(vm.b().TypeError, "__init__() should return None, not '" +
                                            std::string(f->code->is(kCoroutine) ? "coroutine" : "generator") + "'");
    }
    f->extra = inst;
    if (fiber == nullptr) {
      Value r = run_nested(vm, f, "a builtin");
      if (r.is_error()) return r;
      if (!r.is_none()) {
        return vm.raise(vm.b().TypeError, "__init__() should return None, not '" + type_name(vm, r) + "'");
      }
      return inst;
    }
    if (!push_frame(vm, *fiber, f, Link::kInit)) {
      Frame::destroy(f);
      return Value::error();
    }
    return Value::unset();
  }
  if (init.is(Kind::kBuiltin)) {
    Value r = call_native(vm, init.as<BuiltinObj>(), &inst, args, nargs, kwnames, nkw);
    if (r.is_special()) return r;
    return inst;
  }
  // object.__init__: no arguments.
  if (nargs > 0 && c->instance_kind != Kind::kException) {
    return vm.raise(vm.b().TypeError, str_of(c->name) + "() takes no arguments");
  }
  return inst;
}

}  // namespace concsim::vm
