// Attributes and classes: PyObject_GenericGetAttr's order (data descriptors
// of the type, the instance's dict, other descriptors, __getattr__), method
// binding, the C3 method resolution order, and building a class from its
// body's namespace (Objects/typeobject.c).
#include <string>
#include <utility>

#include "models/vm/interp.h"
#include "models/vm/ops.h"

namespace concsim::vm {

std::string Interp::type_name(const Vm& vm, const Value& v) {
  const Value t = vm.type_of(v);
  return str_of(t.as<ClassObj>()->name);
}

Value Interp::lookup_type(const Value& cls, const Value& name) {
  if (!cls.is(Kind::kClass)) return Value::unset();
  for (const Value& c : cls.as<ClassObj>()->mro) {
    Value v = dict_get_str(c.as<ClassObj>()->dict, name);
    if (!v.is_unset()) return v;
  }
  return Value::unset();
}

namespace {

bool is_data_descriptor(const Value& d) {
  return d.is(Kind::kProperty) && d.as<PropertyObj>()->sub == PropertyKind::kProperty;
}

Value* instance_dict(const Value& obj) {
  switch (obj.kind()) {
    case Kind::kInstance:
    case Kind::kException: return &obj.as<InstanceObj>()->dict;
    case Kind::kFunction: return &obj.as<FunctionObj>()->dict;
    case Kind::kNative: return &obj.as<NativeObj>()->dict;
    default: return nullptr;
  }
}

Value no_attribute(Vm& vm, const Value& obj, const Value& name) {
  if (obj.is(Kind::kModule)) {
    return vm.raise(vm.b().AttributeError,
                    "module '" + str_of(obj.as<ModuleObj>()->name) + "' has no attribute '" + str_of(name) + "'");
  }
  if (obj.is(Kind::kClass)) {
    return vm.raise(vm.b().AttributeError, "type object '" + str_of(obj.as<ClassObj>()->name) +
                                               "' has no attribute '" + str_of(name) + "'");
  }
  return vm.raise(vm.b().AttributeError,
                  "'" + Interp::type_name(vm, obj) + "' object has no attribute '" + str_of(name) + "'");
}

// Attributes that the builtin kinds have without a dict entry.
Value special_attr(Vm& vm, const Value& obj, const std::string& n) {
  if (n == "__class__") return vm.type_of(obj);
  switch (obj.kind()) {
    case Kind::kClass: {
      auto* c = obj.as<ClassObj>();
      if (n == "__name__") return c->name;
      if (n == "__qualname__") return c->qualname;
      if (n == "__module__") return c->module;
      if (n == "__mro__") return make_tuple(c->mro);
      if (n == "__bases__") return make_tuple(c->bases);
      if (n == "__base__") return c->bases.empty() ? Value::none() : c->bases[0];
      if (n == "__dict__") return c->dict;
      if (n == "__doc__") return Value::none();
      break;
    }
    case Kind::kFunction: {
      auto* f = obj.as<FunctionObj>();
      if (n == "__name__") return f->name;
      if (n == "__qualname__") return f->qualname;
      if (n == "__defaults__") return f->defaults;
      if (n == "__kwdefaults__") return f->kwdefaults;
      if (n == "__module__") {
        Value m = dict_get_str(f->globals, vm.intern("__name__"));
        return m.is_unset() ? Value::none() : m;
      }
      if (n == "__doc__") return Value::none();
      if (n == "__dict__") {
        if (f->dict.is_none()) f->dict = make_dict();
        return f->dict;
      }
      break;
    }
    case Kind::kBuiltin: {
      auto* b = obj.as<BuiltinObj>();
      if (n == "__name__") return make_str(b->name);
      if (n == "__qualname__") {
        std::string q = b->owner.is(Kind::kClass) ? str_of(b->owner.as<ClassObj>()->name) + "." + b->name : b->name;
        return make_str(q);
      }
      if (n == "__self__") return b->self.is_unset() ? Value::none() : b->self;
      break;
    }
    case Kind::kMethod: {
      auto* m = obj.as<MethodObj>();
      if (n == "__self__") return m->self;
      if (n == "__func__") return m->func;
      if (n == "__name__" || n == "__qualname__") return vm.getattr(m->func, n);
      break;
    }
    case Kind::kModule: {
      if (n == "__dict__") return obj.as<ModuleObj>()->dict;
      break;
    }
    case Kind::kCoroutine:
    case Kind::kGenerator:
    case Kind::kAsyncGenerator: {
      auto* g = obj.as<GenObj>();
      if (n == "__name__") return g->name;
      if (n == "__qualname__") return g->qualname;
      if (n == "cr_running" || n == "gi_running" || n == "ag_running") {
        return Value::boolean(g->state == GenState::kRunning);
      }
      if (n == "cr_frame" || n == "gi_frame" || n == "ag_frame") {
        return g->frame != nullptr ? Value::boolean(true) : Value::none();
      }
      break;
    }
    case Kind::kInstance:
    case Kind::kException: {
      if (n == "__dict__") {
        Value& d = obj.as<InstanceObj>()->dict;
        if (d.is_none()) d = make_dict();
        return d;
      }
      if (obj.is(Kind::kException)) {
        auto* e = obj.as<ExceptionObj>();
        if (n == "args") return e->args;
        if (n == "__cause__") return e->cause;
        if (n == "__context__") return e->context;
        if (n == "__suppress_context__") return Value::boolean(e->suppress_context);
        if (n == "__traceback__") return e->traceback.empty() ? Value::none() : Value::boolean(true);
        if (n == "__notes__") return e->notes.is_none() ? Value::unset() : e->notes;
        if (n == "message" && !e->group_exceptions.is_none()) return e->group_message;
        if (n == "exceptions" && !e->group_exceptions.is_none()) return e->group_exceptions;
      }
      break;
    }
    case Kind::kSlice: {
      auto* s = obj.as<SliceObj>();
      if (n == "start") return s->start;
      if (n == "stop") return s->stop;
      if (n == "step") return s->step;
      break;
    }
    case Kind::kRange: {
      auto* r = obj.as<RangeObj>();
      if (n == "start") return Value::integer(r->start);
      if (n == "stop") return Value::integer(r->stop);
      if (n == "step") return Value::integer(r->step);
      break;
    }
    case Kind::kProperty: {
      auto* p = obj.as<PropertyObj>();
      if (n == "fget" || n == "__func__") return p->fget;
      if (n == "fset") return p->fset;
      if (n == "fdel") return p->fdel;
      break;
    }
    default:
      break;
  }
  return Value::unset();
}

}  // namespace

Value Interp::bind(Vm& vm, const Value& descr, const Value& obj, const Value& type) {
  switch (descr.kind()) {
    case Kind::kFunction:
      if (obj.is_unset() || obj.is_none()) return descr;
      return make<MethodObj>(descr, obj);
    case Kind::kBuiltin: {
      auto* b = descr.as<BuiltinObj>();
      if (!b->is_method || obj.is_unset() || !b->self.is_unset()) return descr;
      Value bound = vm.make_builtin(b->name, b->fn, b->data, false);
      bound.as<BuiltinObj>()->self = obj;
      bound.as<BuiltinObj>()->owner = b->owner;
      return bound;
    }
    case Kind::kProperty: {
      auto* p = descr.as<PropertyObj>();
      switch (p->sub) {
        case PropertyKind::kStaticMethod: return p->fget;
        case PropertyKind::kClassMethod: return make<MethodObj>(p->fget, type);
        case PropertyKind::kProperty: {
          if (obj.is_unset()) return descr;
          if (p->fget.is_none()) return vm.raise(vm.b().AttributeError, "unreadable attribute");
          const Value args[1] = {obj};
          return vm.call(p->fget, args);
        }
      }
      return descr;
    }
    default:
      return descr;
  }
}

Value Interp::get_attr(Vm& vm, const Value& obj, const Value& name) {
  const std::string& n = str_of(name);
  if (obj.is(Kind::kClass)) {
    // type.__getattribute__: the class's MRO, then the metatype's.
    Value v = lookup_type(obj, name);
    if (!v.is_unset()) {
      if (v.is(Kind::kProperty)) {
        auto* p = v.as<PropertyObj>();
        if (p->sub == PropertyKind::kStaticMethod) return p->fget;
        if (p->sub == PropertyKind::kClassMethod) return make<MethodObj>(p->fget, obj);
      }
      return v;
    }
    Value s = special_attr(vm, obj, n);
    if (!s.is_unset()) return s;
    Value meta = lookup_type(vm.b().type, name);
    if (!meta.is_unset()) return bind(vm, meta, obj, vm.b().type);
    return no_attribute(vm, obj, name);
  }
  if (obj.is(Kind::kModule)) {
    Value v = dict_get_str(obj.as<ModuleObj>()->dict, name);
    if (!v.is_unset()) return v;
    Value s = special_attr(vm, obj, n);
    if (!s.is_unset()) return s;
    return no_attribute(vm, obj, name);
  }
  const Value type = vm.type_of(obj);
  Value descr = lookup_type(type, name);
  if (!descr.is_unset() && is_data_descriptor(descr)) return bind(vm, descr, obj, type);
  if (Value* d = instance_dict(obj); d != nullptr && d->is(Kind::kDict)) {
    Value v = dict_get_str(*d, name);
    if (!v.is_unset()) return v;
  }
  if (obj.is(Kind::kNative)) {
    Value v = obj.as<NativeObj>()->get_attr(vm, n);
    if (v.is_error() || !v.is_unset()) return v;
  }
  if (!descr.is_unset()) return bind(vm, descr, obj, type);
  Value s = special_attr(vm, obj, n);
  if (!s.is_unset()) return s;
  // __getattr__ of a user class, for attributes found nowhere else.
  Value ga = lookup_type(type, vm.intern("__getattr__"));
  if (ga.is(Kind::kFunction)) {
    const Value args[2] = {obj, name};
    return vm.call(ga, args);
  }
  return no_attribute(vm, obj, name);
}

bool Interp::load_method(Vm& vm, const Value& obj, const Value& name, Value* meth, Value* self) {
  if (obj.is(Kind::kNative)) {
    // A model's object (or super()) may answer the name itself.
    Value v = obj.as<NativeObj>()->get_attr(vm, str_of(name));
    if (v.is_error()) return false;
    if (!v.is_unset()) {
      *meth = std::move(v);
      *self = Value::unset();
      return true;
    }
  }
  if (!obj.is(Kind::kClass) && !obj.is(Kind::kModule)) {
    const Value type = vm.type_of(obj);
    Value descr = lookup_type(type, name);
    const bool plain = descr.is(Kind::kFunction) || (descr.is(Kind::kBuiltin) && descr.as<BuiltinObj>()->is_method);
    if (plain) {
      Value* d = instance_dict(obj);
      const bool shadowed = d != nullptr && d->is(Kind::kDict) && !dict_get_str(*d, name).is_unset();
      if (!shadowed) {
        *meth = std::move(descr);
        *self = obj;
        return true;
      }
    }
  }
  Value v = get_attr(vm, obj, name);
  if (v.is_error()) return false;
  *meth = std::move(v);
  *self = Value::unset();
  return true;
}

Value Interp::set_attr(Vm& vm, const Value& obj, const Value& name, const Value& v) {
  const std::string& n = str_of(name);
  switch (obj.kind()) {
    case Kind::kClass: {
      auto* c = obj.as<ClassObj>();
      if (c->has(ClassFlag::kBuiltin)) {
        return vm.raise(vm.b().TypeError, "cannot set '" + n + "' attribute of immutable type '" + str_of(c->name) + "'");
      }
      if (n == "__name__" && v.is(Kind::kStr)) {
        c->name = v;
        return Value::none();
      }
      dict_set_str(c->dict, name, v);
      return Value::none();
    }
    case Kind::kModule:
      dict_set_str(obj.as<ModuleObj>()->dict, name, v);
      return Value::none();
    default:
      break;
  }
  const Value type = vm.type_of(obj);
  Value descr = lookup_type(type, name);
  if (descr.is(Kind::kProperty) && descr.as<PropertyObj>()->sub == PropertyKind::kProperty) {
    auto* p = descr.as<PropertyObj>();
    if (p->fset.is_none()) {
      return vm.raise(vm.b().AttributeError, "can't set attribute '" + n + "'");
    }
    const Value args[2] = {obj, v};
    Value r = vm.call(p->fset, args);
    if (r.is_error()) return r;
    return Value::none();
  }
  Value sa = lookup_type(type, vm.intern("__setattr__"));
  if (sa.is(Kind::kFunction)) {
    const Value args[3] = {obj, name, v};
    Value r = vm.call(sa, args);
    if (r.is_error()) return r;
    return Value::none();
  }
  if (obj.is(Kind::kException)) {
    auto* e = obj.as<ExceptionObj>();
    if (n == "args") {
      Value t = get_iter(vm, v);
      if (t.is_error()) return t;
      std::vector<Value> items;
      for (;;) {
        Value x = iter_next(vm, t);
        if (x.is_error()) return x;
        if (x.is_unset()) break;
        items.push_back(std::move(x));
      }
      e->args = make_tuple(std::move(items));
      return Value::none();
    }
    if (n == "__cause__") {
      e->cause = v;
      e->suppress_context = true;
      return Value::none();
    }
    if (n == "__context__") {
      e->context = v;
      return Value::none();
    }
    if (n == "__suppress_context__") {
      e->suppress_context = truthy(vm, v) > 0;
      return Value::none();
    }
    if (n == "__traceback__") return Value::none();
  }
  if (obj.is(Kind::kNative)) {
    if (obj.as<NativeObj>()->set_attr(vm, n, v)) return Value::none();
    if (vm.error().is_error()) return Value::error();
  }
  Value* d = instance_dict(obj);
  if (d == nullptr || (obj.is(Kind::kNative) && d->is_none())) {
    if (!descr.is_unset()) {
      return vm.raise(vm.b().AttributeError,
                      "'" + type_name(vm, obj) + "' object attribute '" + n + "' is read-only");
    }
    return vm.raise(vm.b().AttributeError, "'" + type_name(vm, obj) + "' object has no attribute '" + n + "'");
  }
  if (d->is_none()) *d = make_dict();
  dict_set_str(*d, name, v);
  return Value::none();
}

Value Interp::del_attr(Vm& vm, const Value& obj, const Value& name) {
  Value* d = nullptr;
  if (obj.is(Kind::kModule)) d = &obj.as<ModuleObj>()->dict;
  if (obj.is(Kind::kClass)) d = &obj.as<ClassObj>()->dict;
  if (d == nullptr) d = instance_dict(obj);
  if (d != nullptr && d->is(Kind::kDict)) {
    const int r = dict_del(vm, *d, name);
    if (r < 0) return Value::error();
    if (r > 0) return Value::none();
  }
  return no_attribute(vm, obj, name);
}

// --------------------------------------------------------------- MRO ----

bool Interp::compute_mro(Vm& vm, ClassObj* cls) {
  // C3 linearisation: merge(mro(base) for each base, bases).
  std::vector<std::vector<Value>> seqs;
  for (const Value& b : cls->bases) seqs.push_back(b.as<ClassObj>()->mro);
  seqs.push_back(cls->bases);
  std::vector<Value> out;
  out.push_back(Value::borrow(cls));
  for (;;) {
    bool any = false;
    for (const auto& s : seqs) any = any || !s.empty();
    if (!any) break;
    Value candidate;
    bool found = false;
    for (const auto& s : seqs) {
      if (s.empty()) continue;
      const Value& head = s[0];
      bool in_tail = false;
      for (const auto& t : seqs) {
        for (std::size_t i = 1; i < t.size(); ++i) in_tail = in_tail || t[i].same(head);
      }
      if (!in_tail) {
        candidate = head;
        found = true;
        break;
      }
    }
    if (!found) {
      vm.raise(vm.b().TypeError, "Cannot create a consistent method resolution order (MRO)");
      return false;
    }
    out.push_back(candidate);
    for (auto& s : seqs) {
      if (!s.empty() && s[0].same(candidate)) s.erase(s.begin());
    }
  }
  // The class refers to itself from its MRO: a cycle that keeps every class
  // alive until the run ends, as classes live in CPython.
  cls->mro = std::move(out);
  return true;
}

Value Interp::build_class(Vm& vm, const Value& name, std::vector<Value> bases, const Value& ns) {
  if (bases.empty()) bases.push_back(vm.b().object);
  for (const Value& b : bases) {
    if (!b.is(Kind::kClass)) {
      return vm.raise(vm.b().TypeError, "bases must be types");
    }
    const auto* bc = b.as<ClassObj>();
    if (bc->has(ClassFlag::kBuiltin) && !b.same(vm.b().object) && bc->instance_kind != Kind::kException) {
      return vm.raise(vm.b().TypeError, "not supported by concsim: subclassing the builtin type '" + str_of(bc->name) + "'");
    }
    if (bc->has(ClassFlag::kAbstract)) {
      return vm.raise(vm.b().TypeError, "type '" + str_of(bc->name) + "' is not an acceptable base type");
    }
  }
  Value v = make<ClassObj>();
  auto* c = v.as<ClassObj>();
  c->name = name;
  Value qn = dict_get_str(ns, vm.intern("__qualname__"));
  c->qualname = qn.is_unset() ? name : qn;
  Value mod = dict_get_str(ns, vm.intern("__module__"));
  c->module = mod.is_unset() ? Value::none() : mod;
  c->bases = bases;
  c->dict = make_dict();
  for (const HashEntry& e : ns.as<DictObj>()->table.entries) {
    if (e.key.is_unset()) continue;
    if (e.key.is(Kind::kStr) && str_of(e.key) == "__qualname__") continue;
    dict_set_str(c->dict, e.key, e.value);
  }
  c->instance_kind = Kind::kInstance;
  for (const Value& b : bases) {
    const auto* bc = b.as<ClassObj>();
    if (bc->has(ClassFlag::kException)) c->class_flags |= static_cast<std::uint8_t>(ClassFlag::kException);
    if (bc->instance_kind == Kind::kException) c->instance_kind = Kind::kException;
    if (bc->instance_kind == Kind::kNative) c->instance_kind = Kind::kNative;
  }
  if (c->instance_kind == Kind::kNative) {
    return vm.raise(vm.b().TypeError, "not supported by concsim: subclassing '" + str_of(bases[0].as<ClassObj>()->name) + "'");
  }
  if (!compute_mro(vm, c)) return Value::error();
  // __init_subclass__ and metaclasses are outside the subset.
  return v;
}

// ---------------------------------------------------------------- super ----

namespace {

// super(type, obj): attributes looked up in type(obj)'s MRO after `type`,
// bound to obj (Objects/typeobject.c super_getattro).
struct SuperObj : NativeObj {
  SuperObj(Value c, Value t, Value o) : NativeObj(std::move(c)), type(std::move(t)), obj(std::move(o)) {}
  Value type;
  Value obj;
  Value get_attr(Vm& vm, const std::string& name) override {
    if (name == "__class__") return Value::unset();
    const Value start = obj.is(Kind::kClass) ? obj : vm.type_of(obj);
    const auto& mro = start.as<ClassObj>()->mro;
    std::size_t i = 0;
    while (i < mro.size() && !mro[i].same(type)) ++i;
    const Value key = vm.intern(name);
    for (++i; i < mro.size(); ++i) {
      Value d = dict_get_str(mro[i].as<ClassObj>()->dict, key);
      if (d.is_unset()) continue;
      if (obj.is(Kind::kClass)) {
        if (d.is(Kind::kProperty) && d.as<PropertyObj>()->sub == PropertyKind::kClassMethod) {
          return make<MethodObj>(d.as<PropertyObj>()->fget, obj);
        }
        if (d.is(Kind::kProperty) && d.as<PropertyObj>()->sub == PropertyKind::kStaticMethod) return d.as<PropertyObj>()->fget;
        return d;
      }
      return Interp::bind(vm, d, obj, start);
    }
    return vm.raise(vm.b().AttributeError, "'super' object has no attribute '" + name + "'");
  }
  std::string repr(Vm&) override {
    return "<super: <class '" + str_of(type.as<ClassObj>()->name) + "'>, <" +
           str_of(obj.is(Kind::kClass) ? obj.as<ClassObj>()->name : Value()) + " object>>";
  }
  void clear() override {
    NativeObj::clear();
    type = obj = Value();
  }
};

Value builtin_super(Vm& vm, CallArgs& a) {
  Value type, obj;
  if (a.nargs == 2) {
    type = a.args[0];
    obj = a.args[1];
  } else if (a.nargs == 0) {
    // Zero arguments: the calling method's __class__ cell and first argument.
    Fiber* fiber = vm.current_fiber();
    Frame* f = fiber != nullptr ? fiber->top : nullptr;
    if (f == nullptr || f->code->argcount == 0) return vm.raise(vm.b().RuntimeError, "super(): no arguments");
    const Code* co = f->code;
    obj = f->fast()[0];
    for (std::uint32_t i = 0; i < co->ncells(); ++i) {
      if (co->cell_of_arg[i] == 0) obj = f->cells()[i].as<CellObj>()->value;
    }
    for (std::uint32_t i = 0; i < co->nfree(); ++i) {
      if (co->freevars[i] == "__class__") type = f->cells()[co->ncells() + i].as<CellObj>()->value;
    }
    if (type.is_unset() || type.is_none()) return vm.raise(vm.b().RuntimeError, "super(): __class__ cell not found");
    if (obj.is_unset()) return vm.raise(vm.b().RuntimeError, "super(): arg[0] deleted");
  } else {
    return vm.raise(vm.b().TypeError, "super() takes 0 or 2 arguments");
  }
  if (!type.is(Kind::kClass)) return vm.raise(vm.b().TypeError, "super() argument 1 must be a type");
  const Value check = obj.is(Kind::kClass) ? obj : vm.type_of(obj);
  if (!vm.is_subclass(check, type)) {
    return vm.raise(vm.b().TypeError, "super(type, obj): obj must be an instance or subtype of type");
  }
  static_cast<void>(a);
  return make<SuperObj>(vm.super_class(), type, obj);
}

}  // namespace

void Interp::install_super(Vm& vm) {
  vm.b_.super_type = vm.make_class("super", "builtins", {vm.b().object}, Kind::kNative);
  vm.set_module_attr(vm.b().builtins_module, "super", vm.make_builtin("super", builtin_super));
}

}  // namespace concsim::vm
