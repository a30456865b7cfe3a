// The builtins module (CPython 3.11's Python/bltinmodule.c) and the
// constructors of the builtin types (ClassObj::new_fn): print, len, range,
// min, max, sorted, zip, isinstance, ... with their messages. The methods
// of the builtin types are installed by install_type_methods
// (type_methods.cc) and install_str_methods (ops_str.cc).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "models/vm/interp.h"
#include "models/vm/library.h"

namespace concsim::vm {

namespace lib {
void install_type_methods(Vm& vm);  // type_methods.cc
}  // namespace lib

using namespace lib;

namespace {

const Builtins& B(Vm& vm) { return vm.b(); }

Value not_supported(Vm& vm, const std::string& what) {
  return vm.raise(vm.b().NotImplementedError, "not supported by concsim: " + what);
}

// ------------------------------------------------------------- output ----

Value bi_print(Vm& vm, CallArgs& a) {
  Value sep, end, file, flush;
  const std::uint32_t npos = a.npos();
  for (std::uint32_t k = 0; k < a.nkw; ++k) {
    const std::string& n = str_of(a.kwnames[k]);
    const Value& v = a.args[npos + k];
    if (n == "sep") {
      sep = v;
    } else if (n == "end") {
      end = v;
    } else if (n == "file") {
      file = v;
    } else if (n == "flush") {
      flush = v;
    } else {
      return type_error(vm, quoted(n) + " is an invalid keyword argument for print()");
    }
  }
  if (!sep.is_none() && !sep.is(Kind::kStr)) {
    return type_error(vm, "sep must be None or a string, not " + type_name(vm, sep));
  }
  if (!end.is_none() && !end.is(Kind::kStr)) {
    return type_error(vm, "end must be None or a string, not " + type_name(vm, end));
  }
  const std::string sep_text = sep.is_none() ? " " : str_of(sep);
  const std::string end_text = end.is_none() ? "\n" : str_of(end);
  if (file.is_none()) {
    std::string out;
    for (std::uint32_t i = 0; i < npos; ++i) {
      if (i > 0) out += sep_text;
      std::string s;
      if (!str_string(vm, a.args[i], &s)) return Value::error();
      out += s;
    }
    out += end_text;
    vm.host().write(vm, 1, out);
    return Value::none();
  }
  // A file object: one write() per piece, as CPython's print.
  auto write = [&](Value text) {
    const Value args[1] = {std::move(text)};
    return !vm.call_method(file, "write", args).is_error();
  };
  for (std::uint32_t i = 0; i < npos; ++i) {
    if (i > 0 && !write(make_str(sep_text))) return Value::error();
    Value s = str(vm, a.args[i]);
    if (s.is_error() || !write(std::move(s))) return Value::error();
  }
  if (!write(make_str(end_text))) return Value::error();
  if (!flush.is_none()) {
    const int t = truthy(vm, flush);
    if (t < 0) return Value::error();
    if (t > 0 && vm.call_method(file, "flush", {}).is_error()) return Value::error();
  }
  return Value::none();
}

Value bi_input(Vm& vm, CallArgs&) {
  return not_supported(vm, "input() (a simulated program has no standard input)");
}

Value bi_open(Vm& vm, CallArgs&) { return not_supported(vm, "open() (a simulated program does no file I/O)"); }

// Builtins outside concsim's subset: calling one says so (a NameError
// would suggest a typo).
Value bi_unsupported(Vm& vm, CallArgs& a) {
  return not_supported(vm, std::string(static_cast<const char*>(a.data)));
}

// ------------------------------------------------------------ objects ----

Value bi_len(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"len", nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  const std::int64_t n = length(vm, x[0]);
  if (n < 0) return Value::error();
  return Value::integer(n);
}

Value bi_repr(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"repr", nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  return repr(vm, x[0]);
}

Value bi_ascii(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"ascii", nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  std::string r;
  if (!repr_string(vm, x[0], &r)) return Value::error();
  return make_str(ascii_escape(r));
}

Value bi_hash(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"hash", nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  std::uint64_t h = 0;
  bool by_identity = false;
  if (!hash_value(vm, x[0], &h, &by_identity)) return Value::error();
  if (by_identity) {
    // _Py_HashPointer of the deterministic id.
    const auto id = static_cast<std::uint64_t>(object_id(vm, x[0]));
    h = (id >> 4) | (id << 60);
  }
  return Value::integer(static_cast<std::int64_t>(h));
}

Value bi_id(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"id", nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  return Value::integer(object_id(vm, x[0]));
}

Value bi_callable(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"callable", nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  switch (x[0].kind()) {
    case Kind::kFunction:
    case Kind::kBuiltin:
    case Kind::kMethod:
    case Kind::kClass: return Value::boolean(true);
    case Kind::kProperty: return Value::boolean(x[0].as<PropertyObj>()->sub == PropertyKind::kStaticMethod);
    default: return Value::boolean(!vm.lookup_special(x[0], "__call__").is_unset());
  }
}

// isinstance / issubclass: a class, or a tuple of them (nested), checked
// from the left: a bad entry after a match is never looked at (as CPython).
// 1 true, 0 false, -1 a bad class info.
int subclass_of(Vm& vm, const Value& cls, const Value& info) {
  if (info.is(Kind::kClass)) return vm.is_subclass(cls, info) ? 1 : 0;
  if (!info.is(Kind::kTuple)) return -1;
  for (const Value& c : info.as<TupleObj>()->items) {
    const int r = subclass_of(vm, cls, c);
    if (r != 0) return r;
  }
  return 0;
}

Value bi_isinstance(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"isinstance", nullptr, ArgStyle::kFastcall, 2, 2, {}}, x)) return Value::error();
  const int r = subclass_of(vm, vm.type_of(x[0]), x[1]);
  if (r < 0) return type_error(vm, "isinstance() arg 2 must be a type, a tuple of types, or a union");
  return Value::boolean(r == 1);
}

Value bi_issubclass(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"issubclass", nullptr, ArgStyle::kFastcall, 2, 2, {}}, x)) return Value::error();
  if (!x[0].is(Kind::kClass)) return type_error(vm, "issubclass() arg 1 must be a class");
  const int r = subclass_of(vm, x[0], x[1]);
  if (r < 0) return type_error(vm, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
  return Value::boolean(r == 1);
}

bool attr_name(Vm& vm, const Value& name) {
  if (name.is(Kind::kStr)) return true;
  type_error(vm, "attribute name must be string, not '" + type_name(vm, name) + "'");
  return false;
}

Value bi_getattr(Vm& vm, CallArgs& a) {
  Value x[3];
  if (!bind_args(vm, a, {"getattr", nullptr, ArgStyle::kFastcall, 2, 3, {}}, x)) return Value::error();
  if (!attr_name(vm, x[1])) return Value::error();
  Value r = vm.getattr(x[0], x[1]);
  if (r.is_error() && !x[2].is_unset() && error_is(vm, vm.b().AttributeError)) {
    vm.take_error();
    return x[2];
  }
  return r;
}

Value bi_hasattr(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"hasattr", nullptr, ArgStyle::kFastcall, 2, 2, {}}, x)) return Value::error();
  if (!attr_name(vm, x[1])) return Value::error();
  Value r = vm.getattr(x[0], x[1]);
  if (r.is_error()) {
    if (!error_is(vm, vm.b().AttributeError)) return r;
    vm.take_error();
    return Value::boolean(false);
  }
  return Value::boolean(true);
}

Value bi_setattr(Vm& vm, CallArgs& a) {
  Value x[3];
  if (!bind_args(vm, a, {"setattr", nullptr, ArgStyle::kFastcall, 3, 3, {}}, x)) return Value::error();
  if (!attr_name(vm, x[1])) return Value::error();
  return Interp::set_attr(vm, x[0], vm.intern(str_of(x[1])), x[2]);
}

Value bi_delattr(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"delattr", nullptr, ArgStyle::kFastcall, 2, 2, {}}, x)) return Value::error();
  if (!attr_name(vm, x[1])) return Value::error();
  return Interp::del_attr(vm, x[0], vm.intern(str_of(x[1])));
}

Value bi_vars(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"vars", nullptr, ArgStyle::kFastcall, 0, 1, {}}, x)) return Value::error();
  if (x[0].is_unset()) return not_supported(vm, "vars() without an argument");
  Value d = vm.getattr(x[0], "__dict__");
  if (d.is_error() && error_is(vm, vm.b().AttributeError)) {
    vm.take_error();
    return type_error(vm, "vars() argument must have __dict__ attribute");
  }
  return d;
}

Value bi_dir(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"dir", nullptr, ArgStyle::kFastcall, 0, 1, {}}, x)) return Value::error();
  if (x[0].is_unset()) return not_supported(vm, "dir() without an argument");
  Value names = make_set();
  auto add_keys = [&](const Value& dict) {
    if (!dict.is(Kind::kDict)) return true;
    for (const HashEntry& e : dict.as<DictObj>()->table.entries) {
      if (!e.key.is_unset() && !set_add(vm, names, e.key)) return false;
    }
    return true;
  };
  const Value& obj = x[0];
  if (obj.is(Kind::kModule)) {
    if (!add_keys(obj.as<ModuleObj>()->dict)) return Value::error();
  } else {
    if (obj.is(Kind::kInstance) || obj.is(Kind::kException)) {
      if (!add_keys(obj.as<InstanceObj>()->dict)) return Value::error();
    }
    const Value cls = obj.is(Kind::kClass) ? obj : vm.type_of(obj);
    for (const Value& c : cls.as<ClassObj>()->mro) {
      if (!add_keys(c.as<ClassObj>()->dict)) return Value::error();
    }
  }
  std::vector<Value> items;
  if (!collect(vm, names, &items) || !sort_values(vm, &items, Value::none(), false)) return Value::error();
  return make_list(std::move(items));
}

// ------------------------------------------------------------- numbers ----

Value bi_abs(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"abs", nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  const Value& v = x[0];
  switch (v.kind()) {
    case Kind::kInt:
    case Kind::kBool:
      if (v.as_int() == INT64_MIN) return overflow(vm, "abs()");
      return Value::integer(v.as_int() < 0 ? -v.as_int() : v.as_int());
    case Kind::kFloat: return Value::floating(std::fabs(v.as_float()));
    case Kind::kDuration:
      if (v.as_duration() == INT64_MIN) return overflow(vm, "abs()");
      return Value::duration(v.as_duration() < 0 ? -v.as_duration() : v.as_duration());
    default: break;
  }
  if (is_user(v)) {
    bool found = false;
    Value r = call_special(vm, v, "__abs__", {}, &found);
    if (found) return r;
  }
  return type_error(vm, "bad operand type for abs(): '" + type_name(vm, v) + "'");
}

Value bi_round(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"round", nullptr, ArgStyle::kKeywords, 1, 2, {"number", "ndigits"}}, x)) {
    return Value::error();
  }
  return number_round(vm, x[0], x[1]);
}

Value bi_divmod(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"divmod", nullptr, ArgStyle::kFastcall, 2, 2, {}}, x)) return Value::error();
  if (is_number(x[0]) && is_number(x[1])) {
    Value r = number_divmod(vm, x[0], x[1]);
    if (!r.is(Kind::kNotImplemented)) return r;
  }
  bool found = false;
  if (is_user(x[0])) {
    Value r = call_special(vm, x[0], "__divmod__", {x[1]}, &found);
    if (found && !r.is(Kind::kNotImplemented)) return r;
  }
  if (is_user(x[1])) {
    Value r = call_special(vm, x[1], "__rdivmod__", {x[0]}, &found);
    if (found && !r.is(Kind::kNotImplemented)) return r;
  }
  return type_error(vm, "unsupported operand type(s) for divmod(): '" + type_name(vm, x[0]) + "' and '" +
                            type_name(vm, x[1]) + "'");
}

Value bi_pow(Vm& vm, CallArgs& a) {
  Value x[3];
  if (!bind_args(vm, a, {"pow", nullptr, ArgStyle::kKeywords, 2, 3, {"base", "exp", "mod"}}, x)) {
    return Value::error();
  }
  if (x[2].is_unset() || x[2].is_none()) return binary_op(vm, ast::BinOp::kPow, x[0], x[1]);
  if (is_intlike(x[0]) && is_intlike(x[1]) && is_intlike(x[2])) {
    return int_pow_mod(vm, x[0].as_int(), x[1].as_int(), x[2].as_int());
  }
  if (is_number(x[0]) && is_number(x[1]) && is_number(x[2])) {
    return type_error(vm, "pow() 3rd argument not allowed unless all arguments are integers");
  }
  if (is_user(x[0])) {
    bool found = false;
    Value r = call_special(vm, x[0], "__pow__", {x[1], x[2]}, &found);
    if (found && !r.is(Kind::kNotImplemented)) return r;
  }
  return type_error(vm, "unsupported operand type(s) for ** or pow(): '" + type_name(vm, x[0]) + "', '" +
                            type_name(vm, x[1]) + "', '" + type_name(vm, x[2]) + "'");
}

Value base_string(Vm& vm, CallArgs& a, const char* name, int base) {
  Value x[1];
  if (!bind_args(vm, a, {name, nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  std::int64_t v = 0;
  if (!index_of(vm, x[0], &v)) return Value::error();
  return make_str(int_to_base(v, base, true));
}
Value bi_hex(Vm& vm, CallArgs& a) { return base_string(vm, a, "hex", 16); }
Value bi_oct(Vm& vm, CallArgs& a) { return base_string(vm, a, "oct", 8); }
Value bi_bin(Vm& vm, CallArgs& a) { return base_string(vm, a, "bin", 2); }

Value bi_chr(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"chr", nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  std::int64_t v = 0;
  if (!index_of(vm, x[0], &v)) return Value::error();
  if (v < 0 || v > 0x10FFFF) return value_error(vm, "chr() arg not in range(0x110000)");
  return make_char(vm, static_cast<char32_t>(v));
}

Value bi_ord(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"ord", nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  if (!x[0].is(Kind::kStr)) {
    return type_error(vm, "ord() expected string of length 1, but " + type_name(vm, x[0]) + " found");
  }
  if (x[0].as<StrObj>()->length != 1) {
    return type_error(vm, "ord() expected a character, but string of length " +
                              std::to_string(x[0].as<StrObj>()->length) + " found");
  }
  std::size_t i = 0;
  return Value::integer(utf8_next(str_of(x[0]), &i));
}

Value bi_format(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"format", nullptr, ArgStyle::kFastcall, 1, 2, {}}, x)) return Value::error();
  return format(vm, x[0], x[1].is_unset() ? vm.intern("") : x[1]);
}

// -------------------------------------------------------- aggregation ----

// min() and max() (min_max of bltinmodule.c).
Value min_max(Vm& vm, CallArgs& a, bool is_max) {
  const char* name = is_max ? "max" : "min";
  const std::uint32_t npos = a.npos();
  Value key = Value::none();
  Value dflt = Value::unset();
  for (std::uint32_t k = 0; k < a.nkw; ++k) {
    const std::string& n = str_of(a.kwnames[k]);
    if (n == "key") {
      key = a.args[npos + k];
    } else if (n == "default") {
      dflt = a.args[npos + k];
    } else {
      return type_error(vm, quoted(n) + " is an invalid keyword argument for " + name + "()");
    }
  }
  if (npos == 0) return type_error(vm, std::string(name) + " expected at least 1 argument, got 0");
  if (npos > 1 && !dflt.is_unset()) {
    return type_error(vm, std::string("Cannot specify a default for ") + name +
                              "() with multiple positional arguments");
  }
  std::vector<Value> items;
  if (npos == 1) {
    Value it = get_iter(vm, a.args[0]);
    if (it.is_error()) return it;
    for (;;) {
      Value x = iter_next(vm, it);
      if (x.is_error()) return x;
      if (x.is_unset()) break;
      items.push_back(std::move(x));
    }
  } else {
    items.assign(a.args, a.args + npos);
  }
  if (items.empty()) {
    if (!dflt.is_unset()) return dflt;
    return value_error(vm, std::string(name) + "() arg is an empty sequence");
  }
  Value best = items[0];
  Value best_key = best;
  if (!key.is_none()) {
    const Value args[1] = {best};
    best_key = vm.call(key, args);
    if (best_key.is_error()) return best_key;
  }
  for (std::size_t i = 1; i < items.size(); ++i) {
    Value k = items[i];
    if (!key.is_none()) {
      const Value args[1] = {items[i]};
      k = vm.call(key, args);
      if (k.is_error()) return k;
    }
    Value c = rich_compare(vm, is_max ? ast::CmpOp::kGt : ast::CmpOp::kLt, k, best_key);
    if (c.is_error()) return c;
    const int t = truthy(vm, c);
    if (t < 0) return Value::error();
    if (t > 0) {
      best = items[i];
      best_key = std::move(k);
    }
  }
  return best;
}
Value bi_min(Vm& vm, CallArgs& a) { return min_max(vm, a, false); }
Value bi_max(Vm& vm, CallArgs& a) { return min_max(vm, a, true); }

Value bi_sum(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"sum", nullptr, ArgStyle::kKeywords, 1, 2, {"", "start"}}, x)) return Value::error();
  Value total = x[1].is_unset() ? Value::integer(0) : x[1];
  if (total.is(Kind::kStr)) return type_error(vm, "sum() can't sum strings [use ''.join(seq) instead]");
  Value it = get_iter(vm, x[0]);
  if (it.is_error()) return it;
  for (;;) {
    Value item = iter_next(vm, it);
    if (item.is_error()) return item;
    if (item.is_unset()) return total;
    total = binary_op(vm, ast::BinOp::kAdd, total, item);
    if (total.is_error()) return total;
  }
}

Value any_all(Vm& vm, CallArgs& a, bool all) {
  Value x[1];
  if (!bind_args(vm, a, {all ? "all" : "any", nullptr, ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  Value it = get_iter(vm, x[0]);
  if (it.is_error()) return it;
  for (;;) {
    Value item = iter_next(vm, it);
    if (item.is_error()) return item;
    if (item.is_unset()) return Value::boolean(all);
    const int t = truthy(vm, item);
    if (t < 0) return Value::error();
    if ((t == 1) != all) return Value::boolean(!all);
  }
}
Value bi_any(Vm& vm, CallArgs& a) { return any_all(vm, a, false); }
Value bi_all(Vm& vm, CallArgs& a) { return any_all(vm, a, true); }

Value bi_sorted(Vm& vm, CallArgs& a) {
  const std::uint32_t npos = a.npos();
  if (npos != 1) return type_error(vm, "sorted expected 1 argument, got " + std::to_string(npos));
  CallArgs kw = a;
  kw.args = a.args + 1;
  kw.nargs = a.nargs - 1;
  Value x[2];
  if (!bind_args(vm, kw, {"sort", nullptr, ArgStyle::kKeywords, 0, 0, {"key", "reverse"}}, x)) {
    return Value::error();
  }
  std::vector<Value> items;
  if (!collect(vm, a.args[0], &items)) return Value::error();
  int reverse = 0;
  if (!x[1].is_unset()) {
    std::int64_t r = 0;
    if (!index_of(vm, x[1], &r)) return Value::error();
    reverse = r != 0;
  }
  if (!sort_values(vm, &items, x[0].is_unset() ? Value::none() : x[0], reverse != 0)) return Value::error();
  return make_list(std::move(items));
}

// ----------------------------------------------------------- iterators ----

Value bi_iter(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"iter", nullptr, ArgStyle::kFastcall, 1, 2, {}}, x)) return Value::error();
  if (x[1].is_unset()) return get_iter(vm, x[0]);
  CallArgs c;
  c.args = x;
  c.nargs = 1;
  Value callable = bi_callable(vm, c);
  if (callable.is_error()) return callable;
  if (!callable.as_bool()) return type_error(vm, "iter(v, w): v must be callable");
  Value it = make_iter(IterKind::kCallable, x[1]);
  it.as<IterObj>()->extra = x[0];
  return it;
}

Value bi_next(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"next", nullptr, ArgStyle::kFastcall, 1, 2, {}}, x)) return Value::error();
  const Value& it = x[0];
  const bool iterator = it.is(Kind::kGenerator) ||
                        (it.is(Kind::kIterator) && it.as<IterObj>()->sub != IterKind::kDictView) ||
                        (is_user(it) && !vm.lookup_special(it, "__next__").is_unset());
  if (!iterator) return type_error(vm, quoted(type_name(vm, it)) + " object is not an iterator");
  Value r;
  Value ret = Value::none();
  if (it.is(Kind::kGenerator)) {
    r = Interp::gen_resume(vm, it.as<GenObj>(), Value::none(), false, &ret);
  } else if (is_user(it)) {
    bool found = false;
    r = call_special(vm, it, "__next__", {}, &found);
    if (r.is_error() && !x[1].is_unset() && error_is(vm, vm.b().StopIteration)) {
      vm.take_error();
      return x[1];
    }
    return r;
  } else {
    r = iter_next(vm, it);
  }
  if (!r.is_unset()) return r;
  if (!x[1].is_unset()) return x[1];
  if (!ret.is_none()) {
    Value e = vm.make_exception(vm.b().StopIteration, "");
    e.as<ExceptionObj>()->args = make_tuple({ret});
    return vm.raise_value(std::move(e));
  }
  return vm.raise(vm.b().StopIteration, "");
}

Value bi_reversed(Vm& vm, CallArgs& a) {
  if (a.nkw > 0) return type_error(vm, "reversed() takes no keyword arguments");
  if (a.npos() != 1) return type_error(vm, "reversed expected 1 argument, got " + std::to_string(a.npos()));
  const Value& seq = a.args[0];
  switch (seq.kind()) {
    case Kind::kList:
    case Kind::kTuple: {
      const auto n = static_cast<std::int64_t>(seq.is(Kind::kList) ? seq.as<ListObj>()->items.size()
                                                                  : seq.as<TupleObj>()->items.size());
      return make_iter(IterKind::kReversed, seq, n - 1);
    }
    case Kind::kStr:
      return make_iter(IterKind::kReversed, seq, static_cast<std::int64_t>(str_of(seq).size()));
    case Kind::kRange: {
      const auto* r = seq.as<RangeObj>();
      const std::int64_t n = range_length(r);
      if (n == 0) return make_iter(IterKind::kRange, Value::none(), 0, 0, 1);
      const std::int64_t last = r->start + (n - 1) * r->step;
      std::int64_t stop = 0;
      if (__builtin_sub_overflow(r->start, r->step, &stop)) stop = r->step > 0 ? INT64_MIN : INT64_MAX;
      return make_iter(IterKind::kRange, Value::none(), last, stop, -r->step);
    }
    case Kind::kDict:
    case Kind::kIterator: {
      if (seq.is(Kind::kIterator) && seq.as<IterObj>()->sub != IterKind::kDictView) break;
      std::vector<Value> items;
      if (!collect(vm, seq, &items)) return Value::error();
      const auto n = static_cast<std::int64_t>(items.size());
      return make_iter(IterKind::kReversed, make_tuple(std::move(items)), n - 1);
    }
    default: break;
  }
  if (is_user(seq)) {
    bool found = false;
    Value r = call_special(vm, seq, "__reversed__", {}, &found);
    if (found) return r;
    if (!vm.lookup_special(seq, "__len__").is_unset() && !vm.lookup_special(seq, "__getitem__").is_unset()) {
      const std::int64_t n = length(vm, seq);
      if (n < 0) return Value::error();
      return make_iter(IterKind::kReversed, seq, n - 1);
    }
  }
  return type_error(vm, quoted(type_name(vm, seq)) + " object is not reversible");
}

Value bi_enumerate(Vm& vm, CallArgs& a) {
  Value x[2];
  if (a.npos() == 0 && a.nkw == 0) return type_error(vm, "enumerate() missing required argument 'iterable'");
  if (!bind_args(vm, a, {"enumerate", nullptr, ArgStyle::kKeywords, 1, 2, {"iterable", "start"}}, x)) {
    return Value::error();
  }
  std::int64_t start = 0;
  if (!x[1].is_unset() && !index_of(vm, x[1], &start)) return Value::error();
  Value it = get_iter(vm, x[0]);
  if (it.is_error()) return it;
  return make_iter(IterKind::kEnumerate, it, start);
}

Value bi_zip(Vm& vm, CallArgs& a) {
  const std::uint32_t npos = a.npos();
  bool strict = false;
  if (a.nkw > 1) return type_error(vm, "zip() takes at most 1 keyword argument (" + std::to_string(a.nkw) + " given)");
  if (a.nkw == 1) {
    if (str_of(a.kwnames[0]) != "strict") {
      return type_error(vm, quoted(str_of(a.kwnames[0])) + " is an invalid keyword argument for zip()");
    }
    const int t = truthy(vm, a.args[npos]);
    if (t < 0) return Value::error();
    strict = t == 1;
  }
  std::vector<Value> iters;
  for (std::uint32_t i = 0; i < npos; ++i) {
    Value it = get_iter(vm, a.args[i]);
    if (it.is_error()) return it;
    iters.push_back(std::move(it));
  }
  return make_iter(IterKind::kZip, make_tuple(std::move(iters)), strict ? 1 : 0);
}

Value bi_map(Vm& vm, CallArgs& a) {
  if (a.nkw > 0) return type_error(vm, "map() takes no keyword arguments");
  if (a.npos() < 2) return type_error(vm, "map() must have at least two arguments.");
  std::vector<Value> iters;
  for (std::uint32_t i = 1; i < a.npos(); ++i) {
    Value it = get_iter(vm, a.args[i]);
    if (it.is_error()) return it;
    iters.push_back(std::move(it));
  }
  Value m = make_iter(IterKind::kMap, make_tuple(std::move(iters)));
  m.as<IterObj>()->extra = a.args[0];
  return m;
}

Value bi_filter(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"filter", nullptr, ArgStyle::kFastcall, 2, 2, {}}, x)) return Value::error();
  Value it = get_iter(vm, x[1]);
  if (it.is_error()) return it;
  Value f = make_iter(IterKind::kFilter, it);
  f.as<IterObj>()->extra = x[0];
  return f;
}

// --------------------------------------------------------- constructors ----

Value new_str(Vm& vm, CallArgs& a) {
  Value x[3];
  if (!bind_args(vm, a, {"str", nullptr, ArgStyle::kKeywords, 0, 3, {"object", "encoding", "errors"}}, x)) {
    return Value::error();
  }
  if (!x[1].is_unset() || !x[2].is_unset()) {
    for (int i = 1; i <= 2; ++i) {
      if (!x[i].is_unset() && !x[i].is(Kind::kStr)) {
        return type_error(vm, std::string("str() argument '") + (i == 1 ? "encoding" : "errors") +
                                  "' must be str, not " + type_name(vm, x[i]));
      }
    }
    return not_supported(vm, "str() with an encoding (concsim has no bytes type)");
  }
  if (x[0].is_unset()) return vm.intern("");
  return str(vm, x[0]);
}

Value new_int(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"int", nullptr, ArgStyle::kKeywords, 0, 2, {"", "base"}}, x)) return Value::error();
  if (x[0].is_unset()) {
    if (!x[1].is_unset()) return type_error(vm, "int() missing string argument");
    return Value::integer(0);
  }
  return to_int(vm, x[0], x[1]);
}

Value new_float(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"float", nullptr, ArgStyle::kFastcall, 0, 1, {}}, x)) return Value::error();
  if (x[0].is_unset()) return Value::floating(0.0);
  return to_float(vm, x[0]);
}

Value new_bool(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"bool", nullptr, ArgStyle::kFastcall, 0, 1, {}}, x)) return Value::error();
  if (x[0].is_unset()) return Value::boolean(false);
  const int t = truthy(vm, x[0]);
  if (t < 0) return Value::error();
  return Value::boolean(t == 1);
}

Value new_list(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"list", nullptr, ArgStyle::kFastcall, 0, 1, {}}, x)) return Value::error();
  std::vector<Value> items;
  if (!x[0].is_unset() && !collect(vm, x[0], &items)) return Value::error();
  return make_list(std::move(items));
}

Value new_tuple(Vm& vm, CallArgs& a) {
  Value x[1];
  if (!bind_args(vm, a, {"tuple", nullptr, ArgStyle::kFastcall, 0, 1, {}}, x)) return Value::error();
  if (x[0].is(Kind::kTuple)) return x[0];
  std::vector<Value> items;
  if (!x[0].is_unset() && !collect(vm, x[0], &items)) return Value::error();
  return make_tuple(std::move(items));
}

Value new_set_common(Vm& vm, CallArgs& a, bool frozen) {
  Value x[1];
  if (!bind_args(vm, a, {frozen ? "frozenset" : "set", nullptr, ArgStyle::kFastcall, 0, 1, {}}, x)) {
    return Value::error();
  }
  if (frozen && x[0].is(Kind::kSet) && x[0].as<SetObj>()->frozen) return x[0];
  Value s = make_set(frozen);
  if (x[0].is_unset()) return s;
  std::vector<Value> items;
  if (!collect(vm, x[0], &items)) return Value::error();
  for (const Value& v : items) {
    if (!set_add(vm, s, v)) return Value::error();
  }
  return s;
}
Value new_set(Vm& vm, CallArgs& a) { return new_set_common(vm, a, false); }
Value new_frozenset(Vm& vm, CallArgs& a) { return new_set_common(vm, a, true); }

Value new_dict(Vm& vm, CallArgs& a) {
  const std::uint32_t npos = a.npos();
  if (npos > 1) return type_error(vm, "dict expected at most 1 argument, got " + std::to_string(npos));
  Value d = make_dict();
  if (npos == 1 && !dict_update(vm, d, a.args[0])) return Value::error();
  for (std::uint32_t k = 0; k < a.nkw; ++k) {
    if (!dict_set(vm, d, a.kwnames[k], a.args[npos + k])) return Value::error();
  }
  return d;
}

Value new_range(Vm& vm, CallArgs& a) {
  Value x[3];
  if (!bind_args(vm, a, {"range", nullptr, ArgStyle::kFastcall, 1, 3, {}}, x)) return Value::error();
  std::int64_t v[3] = {0, 0, 1};
  for (int i = 0; i < 3; ++i) {
    if (!x[i].is_unset() && !index_of(vm, x[i], &v[i])) return Value::error();
  }
  if (x[1].is_unset()) return make<RangeObj>(0, v[0], 1);
  if (v[2] == 0) return value_error(vm, "range() arg 3 must not be zero");
  return make<RangeObj>(v[0], v[1], v[2]);
}

Value new_slice(Vm& vm, CallArgs& a) {
  Value x[3];
  if (!bind_args(vm, a, {"slice", nullptr, ArgStyle::kFastcall, 1, 3, {}}, x)) return Value::error();
  Value s = make<SliceObj>();
  auto* so = s.as<SliceObj>();
  if (x[1].is_unset()) {
    so->stop = x[0];
  } else {
    so->start = x[0];
    so->stop = x[1];
    if (!x[2].is_unset()) so->step = x[2];
  }
  return s;
}

Value new_type(Vm& vm, CallArgs& a) {
  if (a.npos() == 1 && a.nkw == 0) return vm.type_of(a.args[0]);
  if (a.npos() == 3) return not_supported(vm, "type() with three arguments (creating a class at run time)");
  return type_error(vm, "type() takes 1 or 3 arguments");
}

// property(fget=None, fset=None, fdel=None, doc=None), staticmethod(f), classmethod(f).
Value new_property(Vm& vm, CallArgs& a) {
  Value x[4];
  if (!bind_args(vm, a, {"property", nullptr, ArgStyle::kKeywords, 0, 4, {"fget", "fset", "fdel", "doc"}}, x)) {
    return Value::error();
  }
  Value p = make<PropertyObj>(PropertyKind::kProperty);
  auto* po = p.as<PropertyObj>();
  if (!x[0].is_unset()) po->fget = x[0];
  if (!x[1].is_unset()) po->fset = x[1];
  if (!x[2].is_unset()) po->fdel = x[2];
  if (!x[3].is_unset()) po->doc = x[3];
  return p;
}

Value new_wrapper(Vm& vm, CallArgs& a, PropertyKind kind, const char* name) {
  if (a.nkw > 0) return type_error(vm, std::string(name) + "() takes no keyword arguments");
  if (a.npos() != 1) {
    return type_error(vm, std::string(name) + " expected 1 argument, got " + std::to_string(a.npos()));
  }
  Value p = make<PropertyObj>(kind);
  p.as<PropertyObj>()->fget = a.args[0];
  return p;
}
Value new_staticmethod(Vm& vm, CallArgs& a) { return new_wrapper(vm, a, PropertyKind::kStaticMethod, "staticmethod"); }
Value new_classmethod(Vm& vm, CallArgs& a) { return new_wrapper(vm, a, PropertyKind::kClassMethod, "classmethod"); }

// anext(aiterator): its __anext__() awaitable. (With a default CPython
// wraps that awaitable in one of its own; concsim has no such wrapper.)
Value bi_anext(Vm& vm, CallArgs& a) {
  if (a.nkw != 0 || a.nargs < 1 || a.nargs > 2) {
    return type_error(vm, "anext expected 1 or 2 arguments, got " + std::to_string(a.nargs));
  }
  if (a.nargs == 2) return type_error(vm, "not supported by concsim: anext() with a default (see the README)");
  if (vm.lookup_special(a.args[0], "__anext__").is_unset()) {
    return type_error(vm, "'" + type_name(vm, a.args[0]) + "' object is not an async iterator");
  }
  return vm.call_method(a.args[0], "__anext__", {});
}

}  // namespace

void install_builtins(Vm& vm) {
  struct F {
    const char* name;
    NativeFn fn;
  };
  static constexpr F kFunctions[] = {
      {"print", bi_print},       {"input", bi_input},         {"open", bi_open},
      {"len", bi_len},           {"repr", bi_repr},           {"ascii", bi_ascii},
      {"hash", bi_hash},         {"id", bi_id},               {"callable", bi_callable},
      {"isinstance", bi_isinstance}, {"issubclass", bi_issubclass},
      {"getattr", bi_getattr},   {"hasattr", bi_hasattr},     {"setattr", bi_setattr},
      {"delattr", bi_delattr},   {"vars", bi_vars},           {"dir", bi_dir},
      {"abs", bi_abs},           {"round", bi_round},         {"divmod", bi_divmod},
      {"pow", bi_pow},           {"hex", bi_hex},             {"oct", bi_oct},
      {"bin", bi_bin},           {"chr", bi_chr},             {"ord", bi_ord},
      {"format", bi_format},     {"min", bi_min},             {"max", bi_max},
      {"sum", bi_sum},           {"any", bi_any},             {"all", bi_all},
      {"sorted", bi_sorted},     {"iter", bi_iter},           {"next", bi_next},
      {"anext", bi_anext},
      {"reversed", bi_reversed}, {"enumerate", bi_enumerate}, {"zip", bi_zip},
      {"map", bi_map},           {"filter", bi_filter},
  };
  for (const F& f : kFunctions) {
    Value fn = vm.make_builtin(f.name, f.fn);
    // print writes through the host, at the time the instructions before it end.
    fn.as<BuiltinObj>()->timed = f.fn == bi_print;
    vm.set_module_attr(B(vm).builtins_module, f.name, std::move(fn));
  }
  static constexpr std::pair<const char*, const char*> kUnsupported[] = {
      {"eval", "eval() (programs are compiled before they run)"},
      {"exec", "exec() (programs are compiled before they run)"},
      {"compile", "compile() (programs are compiled before they run)"},
      {"__import__", "__import__() (use the import statement)"},
      {"breakpoint", "breakpoint() (there is no debugger in a simulated run)"},
      {"help", "help()"},
      {"bytes", "bytes (concsim has no bytes type)"},
      {"bytearray", "bytearray (concsim has no bytes type)"},
      {"memoryview", "memoryview (concsim has no bytes type)"},
      {"complex", "complex numbers"},
  };
  for (const auto& [name, what] : kUnsupported) {
    vm.set_module_attr(B(vm).builtins_module, name,
                       vm.make_builtin(name, bi_unsupported, const_cast<char*>(what)));
  }
  struct C {
    const Value* cls;
    NativeFn fn;
  };
  const C constructors[] = {
      {&B(vm).str, new_str},         {&B(vm).int_, new_int},     {&B(vm).float_, new_float},
      {&B(vm).bool_, new_bool},      {&B(vm).list, new_list},    {&B(vm).tuple, new_tuple},
      {&B(vm).set, new_set},         {&B(vm).frozenset, new_frozenset},
      {&B(vm).dict, new_dict},       {&B(vm).range, new_range},  {&B(vm).slice, new_slice},
      {&B(vm).type, new_type},       {&B(vm).property, new_property},
      {&B(vm).staticmethod, new_staticmethod},                   {&B(vm).classmethod, new_classmethod},
  };
  for (const C& c : constructors) c.cls->as<ClassObj>()->new_fn = c.fn;
  install_str_methods(vm);
  install_type_methods(vm);
}

}  // namespace concsim::vm
