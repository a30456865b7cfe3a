#include "models/vm/vm.h"

#include <functional>
#include <new>
#include <utility>

#include "models/vm/interp.h"
#include "models/vm/ops.h"
#include "sim/check.h"

namespace concsim::vm {

namespace {
thread_local Vm* t_vm = nullptr;
thread_local int t_vms = 0;  // Vms alive on this thread
}  // namespace

Vm* current_vm() { return t_vm; }

// ------------------------------------------------------------- frames ----

Frame* Frame::create(const Code* code) {
  const std::size_t nvalues = code->nlocals() + code->ncells() + code->nfree() + code->stacksize;
  const std::size_t bytes = sizeof(Frame) + nvalues * sizeof(Value);
  void* mem = pool_alloc(bytes);
  heap_account(static_cast<std::int64_t>(bytes));
  Frame* f = new (mem) Frame();
  f->code = code;
  Value* v = f->fast();
  for (std::size_t i = 0; i < nvalues; ++i) new (v + i) Value(Value::unset());
  return f;
}

void Frame::destroy(Frame* f) {
  const Code* code = f->code;
  const std::size_t nvalues = code->nlocals() + code->ncells() + code->nfree() + code->stacksize;
  Value* v = f->fast();
  for (std::size_t i = 0; i < nvalues; ++i) v[i].~Value();
  f->~Frame();
  const std::size_t bytes = sizeof(Frame) + nvalues * sizeof(Value);
  heap_account(-static_cast<std::int64_t>(bytes));
  pool_free(f, bytes);
}

// ----------------------------------------------------------------- Vm ----

Vm::Vm(const Program& program, Host& host, VmOptions options)
    : program_(program), host_(host), options_(options) {
  previous_ = t_vm;
  t_vm = this;
  ++t_vms;
  // The type hierarchy: object and type first, then every builtin type.
  auto make_type = [&](Value* slot, const char* name, Kind instance_kind, std::vector<Value> bases) {
    *slot = make_class(name, "builtins", bases, instance_kind);
    slot->as<ClassObj>()->class_flags |= static_cast<std::uint8_t>(ClassFlag::kBuiltin);
  };
  make_type(&b_.object, "object", Kind::kInstance, {});
  make_type(&b_.type, "type", Kind::kClass, {b_.object});
  make_type(&b_.int_, "int", Kind::kInt, {b_.object});
  make_type(&b_.bool_, "bool", Kind::kBool, {b_.int_});
  make_type(&b_.float_, "float", Kind::kFloat, {b_.object});
  make_type(&b_.str, "str", Kind::kStr, {b_.object});
  make_type(&b_.list, "list", Kind::kList, {b_.object});
  make_type(&b_.tuple, "tuple", Kind::kTuple, {b_.object});
  make_type(&b_.dict, "dict", Kind::kDict, {b_.object});
  make_type(&b_.set, "set", Kind::kSet, {b_.object});
  make_type(&b_.frozenset, "frozenset", Kind::kSet, {b_.object});
  make_type(&b_.range, "range", Kind::kRange, {b_.object});
  make_type(&b_.slice, "slice", Kind::kSlice, {b_.object});
  make_type(&b_.none_type, "NoneType", Kind::kNone, {b_.object});
  make_type(&b_.function, "function", Kind::kFunction, {b_.object});
  make_type(&b_.builtin_function, "builtin_function_or_method", Kind::kBuiltin, {b_.object});
  make_type(&b_.method, "method", Kind::kMethod, {b_.object});
  make_type(&b_.module, "module", Kind::kModule, {b_.object});
  make_type(&b_.coroutine, "coroutine", Kind::kCoroutine, {b_.object});
  make_type(&b_.generator, "generator", Kind::kGenerator, {b_.object});
  make_type(&b_.async_generator, "async_generator", Kind::kAsyncGenerator, {b_.object});
  make_type(&b_.iterator, "iterator", Kind::kIterator, {b_.object});
  make_type(&b_.property, "property", Kind::kProperty, {b_.object});
  make_type(&b_.staticmethod, "staticmethod", Kind::kProperty, {b_.object});
  make_type(&b_.classmethod, "classmethod", Kind::kProperty, {b_.object});
  make_type(&b_.cell, "cell", Kind::kCell, {b_.object});
  make_type(&b_.not_implemented_type, "NotImplementedType", Kind::kNotImplemented, {b_.object});
  make_type(&b_.ellipsis_type, "ellipsis", Kind::kEllipsis, {b_.object});
  make_type(&b_.duration, "duration", Kind::kDuration, {b_.object});
  for (Value* abstract : {&b_.function, &b_.builtin_function, &b_.method, &b_.module, &b_.coroutine, &b_.generator,
                          &b_.async_generator, &b_.iterator, &b_.cell, &b_.none_type, &b_.not_implemented_type,
                          &b_.ellipsis_type, &b_.duration}) {
    abstract->as<ClassObj>()->class_flags |= static_cast<std::uint8_t>(ClassFlag::kAbstract);
  }
  b_.builtins_module = make_module("builtins");
  Interp::install_exceptions(*this);
  Interp::install_generator_methods(*this);
  install_builtins(*this);
  Interp::install_super(*this);
  // The builtins module lists the types and exceptions by name.
  for (const Value* t : {&b_.object, &b_.type, &b_.int_, &b_.bool_, &b_.float_, &b_.str, &b_.list, &b_.tuple,
                         &b_.dict, &b_.set, &b_.frozenset, &b_.range, &b_.slice, &b_.property, &b_.staticmethod,
                         &b_.classmethod}) {
    set_module_attr(b_.builtins_module, str_of(t->as<ClassObj>()->name), *t);
  }
  set_module_attr(b_.builtins_module, "NotImplemented", Value::not_implemented());
  set_module_attr(b_.builtins_module, "Ellipsis", Value::ellipsis());
  modules_.emplace("builtins", b_.builtins_module);

  materialise(program_);
}

void Vm::materialise(const Program& p) {
  std::function<Value(const Const&)> one = [&](const Const& c) -> Value {
    if (c.is_tuple) {
      std::vector<Value> items;
      items.reserve(c.items.size());
      for (const Const& i : c.items) items.push_back(one(i));
      return make_tuple(std::move(items));
    }
    switch (c.kind) {
      case ast::ConstKind::kNone: return Value::none();
      case ast::ConstKind::kBool: return Value::boolean(c.b);
      case ast::ConstKind::kInt: return Value::integer(c.i);
      case ast::ConstKind::kFloat: return Value::floating(c.f);
      case ast::ConstKind::kStr: return intern(c.s);
      case ast::ConstKind::kEllipsis: return Value::ellipsis();
      case ast::ConstKind::kDuration: return Value::duration(c.i);
    }
    return Value::none();
  };
  Tables t;
  t.program = &p;
  for (const auto& code : p.codes) {
    for (const Const& c : code->consts) t.consts.push_back(one(c));
    for (const std::string& n : code->names) t.names.push_back(intern(n));
  }
  tables_.push_back(std::move(t));
}

const Vm::Tables& Vm::tables_for(const Program* p) {
  for (const Tables& t : tables_) {
    if (t.program == p) return t;
  }
  materialise(*p);
  return tables_.back();
}

Vm::~Vm() {
  // What is freed while this Vm goes is not finalized: no Vm is current
  // (a finalizer queued while finalize_ is cleared would resurrect its
  // object into the vector being cleared, or into another Vm's queue).
  t_vm = nullptr;
  // Modules hold the program's globals, which hold everything else.
  modules_.clear();
  interned_.clear();
  tables_.clear();
  error_ = Value::none();
  b_ = Builtins{};
  finalize_.clear();
  asyncgen_firstiter_ = Value();
  asyncgen_finalizer_ = Value();
  t_vm = previous_;
  // The last run of the thread frees what cycles kept alive.
  if (--t_vms == 0) clear_all_objects();
}

Value Vm::intern(std::string_view s) {
  auto it = interned_.find(std::string(s));
  if (it != interned_.end()) return it->second;
  Value v = make_str(s);
  v.as<StrObj>()->interned = true;
  interned_.emplace(std::string(s), v);
  return v;
}

Value Vm::make_builtin(const char* name, NativeFn fn, void* data, bool is_method) {
  Value v = make<BuiltinObj>();
  auto* b = v.as<BuiltinObj>();
  b->name = name;
  b->fn = fn;
  b->data = data;
  b->is_method = is_method;
  b->timed = timed_builtins_;
  b->self = Value::unset();
  return v;
}

Value Vm::make_class(std::string_view name, std::string_view module, const std::vector<Value>& bases,
                     Kind instance_kind) {
  Value v = make<ClassObj>();
  auto* c = v.as<ClassObj>();
  c->name = make_str(name);
  c->qualname = c->name;
  c->module = module.empty() ? Value::none() : make_str(module);
  c->bases = bases;
  c->dict = make_dict();
  c->instance_kind = instance_kind;
  for (const Value& base : bases) {
    const auto* bc = base.as<ClassObj>();
    if (bc->has(ClassFlag::kException)) c->class_flags |= static_cast<std::uint8_t>(ClassFlag::kException);
    if (instance_kind == Kind::kInstance && bc->instance_kind == Kind::kException) c->instance_kind = Kind::kException;
  }
  const bool ok = Interp::compute_mro(*this, c);
  CONCSIM_CHECK(ok, "a builtin class hierarchy without a consistent MRO");
  return v;
}

void Vm::set_class_attr(const Value& cls, std::string_view name, Value v) {
  if (v.is(Kind::kBuiltin)) {
    auto* b = v.as<BuiltinObj>();
    if (b->owner.is_none()) b->owner = cls;
  }
  dict_set_str(cls.as<ClassObj>()->dict, intern(name), std::move(v));
}

Value Vm::make_module(std::string_view name) {
  Value v = make<ModuleObj>();
  auto* m = v.as<ModuleObj>();
  m->name = make_str(name);
  m->dict = make_dict();
  dict_set_str(m->dict, intern("__name__"), m->name);
  return v;
}

void Vm::set_module_attr(const Value& module, std::string_view name, Value v) {
  dict_set_str(module.as<ModuleObj>()->dict, intern(name), std::move(v));
}

// -------------------------------------------------------- exceptions ----

Value Vm::make_exception(const Value& type, std::string message) {
  Value e = make<ExceptionObj>(type);
  auto* x = e.as<ExceptionObj>();
  if (message.empty() && type.same(b_.StopIteration)) {
    x->args = make_tuple({});
  } else {
    x->args = make_tuple({make_str(std::move(message))});
  }
  return e;
}

Value Vm::raise(const Value& type, std::string message) { return raise_value(make_exception(type, std::move(message))); }

Value Vm::raise_value(Value exc) {
  Interp::set_context(*this, exc);
  error_ = std::move(exc);
  return Value::error();
}

// -------------------------------------------------------------- types ----

Value Vm::type_of(const Value& v) const {
  switch (v.kind()) {
    case Kind::kNone: return b_.none_type;
    case Kind::kBool: return b_.bool_;
    case Kind::kInt: return b_.int_;
    case Kind::kFloat: return b_.float_;
    case Kind::kDuration: return b_.duration;
    case Kind::kNotImplemented: return b_.not_implemented_type;
    case Kind::kEllipsis: return b_.ellipsis_type;
    case Kind::kStr: return b_.str;
    case Kind::kTuple: return b_.tuple;
    case Kind::kList: return b_.list;
    case Kind::kDict: return b_.dict;
    case Kind::kSet: return v.as<SetObj>()->frozen ? b_.frozenset : b_.set;
    case Kind::kRange: return b_.range;
    case Kind::kSlice: return b_.slice;
    case Kind::kFunction: return b_.function;
    case Kind::kBuiltin: return b_.builtin_function;
    case Kind::kMethod: return b_.method;
    case Kind::kClass: return b_.type;
    case Kind::kInstance:
    case Kind::kException: return v.as<InstanceObj>()->cls;
    case Kind::kCell: return b_.cell;
    case Kind::kModule: return b_.module;
    case Kind::kCoroutine: return b_.coroutine;
    case Kind::kGenerator: return b_.generator;
    case Kind::kAsyncGenerator: return b_.async_generator;
    case Kind::kIterator: return b_.iterator;
    case Kind::kProperty: {
      switch (v.as<PropertyObj>()->sub) {
        case PropertyKind::kProperty: return b_.property;
        case PropertyKind::kStaticMethod: return b_.staticmethod;
        case PropertyKind::kClassMethod: return b_.classmethod;
      }
      return b_.property;
    }
    case Kind::kNative: return v.as<NativeObj>()->cls;
    default: return b_.object;
  }
}

bool Vm::is_subclass(const Value& cls, const Value& base) const {
  if (!cls.is(Kind::kClass) || !base.is(Kind::kClass)) return false;
  for (const Value& c : cls.as<ClassObj>()->mro) {
    if (c.same(base)) return true;
  }
  return false;
}

bool Vm::isinstance(const Value& v, const Value& cls) const { return is_subclass(type_of(v), cls); }

// ------------------------------------------------------------ running ----

void Vm::start_module(Fiber& fiber) {
  const Code* code = program_.codes[program_.module_code].get();
  Frame* f = Frame::create(code);
  const Tables& t = tables_for(code->program);
  f->consts = t.consts.data() + code->const_base;
  f->names = t.names.data() + code->name_base;
  Value module = make_module("__main__");
  modules_["__main__"] = module;
  f->globals = module.as<ModuleObj>()->dict;
  f->locals_dict = f->globals;
  set_module_attr(module, "__file__", make_str(program_.file));
  set_module_attr(module, "__builtins__", b_.builtins_module);
  f->link = Link::kBottom;
  f->exc_item = &fiber.base_exc;
  fiber.top = f;
  fiber.depth = 1;
}

bool Vm::start_coroutine(Fiber& fiber, const Value& coro) {
  if (!coro.is(Kind::kCoroutine) || coro.as<GenObj>()->state != GenState::kCreated) {
    raise(b_.TypeError, "a coroutine was expected, got " + Interp::type_name(*this, coro));
    return false;
  }
  auto* g = coro.as<GenObj>();
  g->awaited = true;
  g->state = GenState::kRunning;
  Frame* f = g->frame;
  f->link = Link::kBottom;
  f->back = nullptr;
  fiber.top = f;
  fiber.depth = 1;
  // The fiber holds the coroutine through its frame's owner: keep a
  // reference for as long as the frame is on the fiber.
  incref(g);
  return true;
}

bool Vm::start_call(Fiber& fiber, const Value& callable, std::vector<Value> args) {
  Value fn = callable;
  Value self = Value::unset();
  if (fn.is(Kind::kMethod)) {
    self = fn.as<MethodObj>()->self;
    fn = fn.as<MethodObj>()->func;
  }
  if (!fn.is(Kind::kFunction)) {
    raise(b_.TypeError, "concsim: a thread or callback must be a Python function, got " + Interp::type_name(*this, fn));
    return false;
  }
  Frame* f = Interp::bind_call(*this, fn, self.is_unset() ? nullptr : &self, args.data(),
                               static_cast<std::uint32_t>(args.size()), nullptr, 0);
  if (f == nullptr) return false;
  if (f->code->is(kCoroutine) || f->code->is(kGenerator) || f->code->is(kAsyncGenerator)) {
    Frame::destroy(f);
    raise(b_.TypeError, "concsim: a thread or callback must be a plain function, not a coroutine function");
    return false;
  }
  f->link = Link::kBottom;
  f->exc_item = &fiber.base_exc;
  fiber.top = f;
  fiber.depth = 1;
  return true;
}

void Vm::discard(Fiber& fiber) {
  Frame* f = fiber.top;
  while (f != nullptr) {
    Frame* back = f->back;
    if (f->gen != nullptr) {
      GenObj* g = f->gen;
      g->state = GenState::kClosed;
      g->frame = nullptr;
      const bool bottom = f->link == Link::kBottom;
      Frame::destroy(f);
      if (bottom) decref(g);
    } else {
      Frame::destroy(f);
    }
    f = back;
  }
  fiber.top = nullptr;
  fiber.depth = 0;
}

RunResult Vm::run(Fiber& fiber, Value in, bool raise) {
  Fiber* previous = current_;
  current_ = &fiber;
  // A fiber that stopped to be charged goes on with the budget it had: the
  // charge is not a wait, and does not reset the runaway detection.
  budget_ = fiber.charging ? fiber.budget_left : options_.step_budget;
  charged_at_ = budget_;
  fiber.charging = false;
  Frame* f = fiber.top;
  CONCSIM_CHECK(f != nullptr, "run() of a fiber that has ended");
  const bool waited = fiber.waiting;
  fiber.waiting = false;
  if (raise) {
    // Raised at the instruction the fiber stopped at (or, for a fiber that
    // never ran, before its first one: no handler of its body sees it).
    error_ = std::move(in);
    Interp::add_traceback(error_, f);
  } else if (waited) {
    f->stack()[f->sp++] = std::move(in);  // the result of the instruction that waited
  }
  RunResult r = Interp::execute(*this, fiber, raise);
  r.ops = charged_at_ - budget_;
  current_ = previous;
  return r;
}

Value Vm::exec_module(const Program& p, const Value& module) {
  const Code* code = p.codes[p.module_code].get();
  Frame* f = Frame::create(code);
  const Tables& t = tables_for(&p);
  f->consts = t.consts.data() + code->const_base;
  f->names = t.names.data() + code->name_base;
  f->globals = module.as<ModuleObj>()->dict;
  f->locals_dict = f->globals;
  return Interp::run_nested(*this, f, "import");
}

Value Vm::call(const Value& callable, std::span<const Value> args, std::span<const Value> kwnames) {
  return Interp::call_from_frame(*this, nullptr, callable, nullptr, args.data(),
                                 static_cast<std::uint32_t>(args.size()), kwnames.data(),
                                 static_cast<std::uint32_t>(kwnames.size()));
}

Value Vm::call_method(const Value& obj, std::string_view name, std::span<const Value> args) {
  Value m = getattr(obj, name);
  if (m.is_error()) return m;
  return call(m, args);
}

Value Vm::getattr(const Value& obj, const Value& name) { return Interp::get_attr(*this, obj, name); }
Value Vm::getattr(const Value& obj, std::string_view name) { return Interp::get_attr(*this, obj, intern(name)); }

Value Vm::lookup_special(const Value& obj, std::string_view name) {
  Value descr = Interp::lookup_type(type_of(obj), intern(name));
  if (descr.is_unset()) return descr;
  return Interp::bind(*this, descr, obj, type_of(obj));
}

std::int64_t Vm::memory_bytes() const { return heap_bytes(); }

}  // namespace concsim::vm
