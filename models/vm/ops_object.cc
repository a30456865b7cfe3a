// The object protocol (ops.h): operators, comparison, truth, hashing, repr
// and str, indexing, len, iteration and the numeric conversions, as
// CPython 3.11's Objects/abstract.c and Objects/object.c do them. Values of
// the builtin types are handled here directly (ops_number.cc, ops_str.cc,
// ops_container.cc); instances of classes go through their special methods
// with NotImplemented and the reflected operands handled as binary_op1 and
// do_richcompare do. Also the helpers the library's files share
// (library.h): messages, argument binding, recursion guards.
#include <cinttypes>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/vm/interp.h"
#include "models/vm/library.h"

namespace concsim::vm {

using ast::BinOp;
using ast::CmpOp;
using ast::UnaryOp;

namespace lib {

// ------------------------------------------------------------- errors ----

std::string type_name(Vm& vm, const Value& v) {
  if (v.is(Kind::kIterator)) {
    const auto* it = v.as<IterObj>();
    switch (it->sub) {
      case IterKind::kSeq:
        if (it->seq.is(Kind::kList)) return "list_iterator";
        if (it->seq.is(Kind::kTuple)) return "tuple_iterator";
        if (it->seq.is(Kind::kStr)) return it->seq.as<StrObj>()->ascii ? "str_ascii_iterator" : "str_iterator";
        return "iterator";
      case IterKind::kRange: return "range_iterator";
      case IterKind::kDictKeys: return "dict_keyiterator";
      case IterKind::kDictValues: return "dict_valueiterator";
      case IterKind::kDictItems: return "dict_itemiterator";
      case IterKind::kSet: return "set_iterator";
      case IterKind::kEnumerate: return "enumerate";
      case IterKind::kZip: return "zip";
      case IterKind::kMap: return "map";
      case IterKind::kFilter: return "filter";
      case IterKind::kReversed: return it->seq.is(Kind::kList) ? "list_reverseiterator" : "reversed";
      case IterKind::kCallable: return "callable_iterator";
      case IterKind::kDictView: return it->a == 0 ? "dict_keys" : it->a == 1 ? "dict_values" : "dict_items";
      case IterKind::kAsyncGenAwaitable: return "async_generator_asend";
    }
  }
  return Interp::type_name(vm, v);
}

Value type_error(Vm& vm, std::string message) { return vm.raise(vm.b().TypeError, std::move(message)); }

std::string quoted(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '\'';
  out += name;
  out += '\'';
  return out;
}
Value value_error(Vm& vm, std::string message) { return vm.raise(vm.b().ValueError, std::move(message)); }
Value index_error(Vm& vm, std::string message) { return vm.raise(vm.b().IndexError, std::move(message)); }

Value overflow(Vm& vm, std::string_view op) {
  return vm.raise(vm.b().OverflowError,
                  "concsim: integer overflow: " + std::string(op) + " result does not fit in 64 bits");
}

Value key_error(Vm& vm, const Value& key) {
  Value e = vm.make_exception(vm.b().KeyError, "");
  e.as<ExceptionObj>()->args = make_tuple({key});
  return vm.raise_value(std::move(e));
}

bool error_is(Vm& vm, const Value& cls) { return vm.error().is(Kind::kException) && vm.isinstance(vm.error(), cls); }

namespace {

// The default special methods of `object` (installed by builtins.cc) are
// builtins whose owner is object: finding one means "not defined".
bool is_object_default(Vm& vm, const Value& descr) {
  return descr.is(Kind::kBuiltin) && descr.as<BuiltinObj>()->owner.same(vm.b().object);
}

Value lookup_descr(Vm& vm, const Value& v, std::string_view name) {
  return Interp::lookup_type(vm.type_of(v), vm.intern(name));
}

}  // namespace

Value call_special(Vm& vm, const Value& v, std::string_view name, std::initializer_list<Value> args, bool* found) {
  const Value type = vm.type_of(v);
  Value descr = Interp::lookup_type(type, vm.intern(name));
  if (descr.is_unset() || is_object_default(vm, descr)) {
    *found = false;
    return Value::unset();
  }
  *found = true;
  Value bound = Interp::bind(vm, descr, v, type);
  if (bound.is_error()) return bound;
  return vm.call(bound, std::span<const Value>(args.begin(), args.size()));
}

// ------------------------------------------------------ recursion guards ----

namespace {

thread_local int t_depth = 0;
thread_local std::vector<const Obj*> t_repr_stack;
constexpr int kMaxDepth = 1000;  // sys.getrecursionlimit()

}  // namespace

DepthGuard::DepthGuard(Vm& vm, const char* where) {
  const Fiber* f = vm.current_fiber();
  const int frames = f != nullptr ? static_cast<int>(f->depth) : 0;
  ok_ = ++t_depth + frames <= kMaxDepth;
  if (!ok_) vm.raise(vm.b().RecursionError, std::string("maximum recursion depth exceeded") + where);
}
DepthGuard::~DepthGuard() { --t_depth; }

ReprGuard::ReprGuard(const Obj* o) : o_(o), entered_(true) {
  for (const Obj* x : t_repr_stack) {
    if (x == o) entered_ = false;
  }
  if (entered_) t_repr_stack.push_back(o);
}
ReprGuard::~ReprGuard() {
  if (entered_) t_repr_stack.pop_back();
}

// ----------------------------------------------------------- arguments ----

namespace {

const char* plural(std::int64_t n) { return n == 1 ? "" : "s"; }

}  // namespace

bool no_keywords(Vm& vm, const CallArgs& a, const char* name) {
  if (a.nkw == 0) return true;
  type_error(vm, std::string(name) + "() takes no keyword arguments");
  return false;
}

bool bind_args(Vm& vm, const CallArgs& a, const ArgSpec& spec, Value* out) {
  const std::int64_t npos = a.npos();
  const std::int64_t nkw = a.nkw;
  const char* const qual_name = spec.qualname != nullptr ? spec.qualname : spec.name;
  const int nparams = spec.style == ArgStyle::kKeywords ? static_cast<int>(spec.params.size()) : spec.max_positional;
  for (int i = 0; i < nparams; ++i) out[i] = Value::unset();
  switch (spec.style) {
    case ArgStyle::kNoArgs:
    case ArgStyle::kOneArg: {
      if (nkw > 0) return no_keywords(vm, a, qual_name);
      const bool one = spec.style == ArgStyle::kOneArg;
      if (npos != (one ? 1 : 0)) {
        type_error(vm, qual_name + std::string(one ? "() takes exactly one argument (" : "() takes no arguments (") +
                           std::to_string(npos) + " given)");
        return false;
      }
      if (one) out[0] = a.args[0];
      return true;
    }
    case ArgStyle::kVarargs:
    case ArgStyle::kFastcall: {
      if (nkw > 0) return no_keywords(vm, a, qual_name);
      const int min = spec.required;
      const int max = spec.max_positional;
      if (npos < min || npos > max) {
        if (spec.style == ArgStyle::kVarargs) {
          const int bound = npos < min ? min : max;
          type_error(vm, std::string(spec.name) + "() takes " +
                             (min == max ? "exactly" : npos < min ? "at least" : "at most") + " " +
                             std::to_string(bound) + " argument" + plural(bound) + " (" + std::to_string(npos) +
                             " given)");
        } else if (npos < min) {
          type_error(vm, std::string(spec.name) + " expected " + (min == max ? "" : "at least ") +
                             std::to_string(min) + " argument" + plural(min) + ", got " + std::to_string(npos));
        } else {
          type_error(vm, std::string(spec.name) + " expected " + (min == max ? "" : "at most ") +
                             std::to_string(max) + " argument" + plural(max) + ", got " + std::to_string(npos));
        }
        return false;
      }
      for (std::int64_t i = 0; i < npos; ++i) out[i] = a.args[i];
      return true;
    }
    case ArgStyle::kKeywords: {
      // _PyArg_UnpackKeywords. The common case first: positional only, in range.
      const auto nall = static_cast<std::int64_t>(spec.params.size());
      if (nkw == 0 && npos >= spec.required && npos <= spec.max_positional && npos <= nall) {
        for (std::int64_t i = 0; i < npos; ++i) out[i] = a.args[i];
        return true;
      }
      const std::string fname = std::string(spec.name) + "()";
      const auto maxargs = static_cast<std::int64_t>(spec.params.size());
      const std::int64_t maxpos = spec.max_positional;
      const std::int64_t minpos = spec.required;
      std::int64_t posonly = 0;
      for (const char* p : spec.params) {
        if (*p != '\0') break;
        ++posonly;
      }
      const std::int64_t minposonly = std::min(posonly, minpos);
      if (npos + nkw > maxargs) {
        type_error(vm, fname + " takes at most " + std::to_string(maxargs) + " " + (npos == 0 ? "keyword " : "") +
                           "argument" + plural(maxargs) + " (" + std::to_string(npos + nkw) + " given)");
        return false;
      }
      if (npos > maxpos) {
        if (maxpos == 0) {
          type_error(vm, fname + " takes no positional arguments");
        } else {
          type_error(vm, fname + " takes " + (minpos < maxpos ? "at most" : "exactly") + " " +
                             std::to_string(maxpos) + " positional argument" + plural(maxpos) + " (" +
                             std::to_string(npos) + " given)");
        }
        return false;
      }
      if (npos < minposonly) {
        type_error(vm, fname + " takes " + (minposonly < maxpos ? "at least" : "exactly") + " " +
                           std::to_string(minposonly) + " positional argument" + plural(minposonly) + " (" +
                           std::to_string(npos) + " given)");
        return false;
      }
      for (std::int64_t i = 0; i < npos; ++i) out[i] = a.args[i];
      std::vector<bool> used(static_cast<std::size_t>(nkw), false);
      auto find_kw = [&](const char* name) -> std::int64_t {
        for (std::int64_t k = 0; k < nkw; ++k) {
          if (str_of(a.kwnames[k]) == name) return k;
        }
        return -1;
      };
      std::int64_t left = nkw;
      for (std::int64_t i = std::max(npos, posonly); i < maxargs; ++i) {
        const char* name = spec.params.begin()[i];
        const std::int64_t k = left > 0 ? find_kw(name) : -1;
        if (k >= 0) {
          out[i] = a.args[npos + k];
          used[static_cast<std::size_t>(k)] = true;
          --left;
        } else if (i < minpos) {
          type_error(vm, fname + " missing required argument '" + name + "' (pos " + std::to_string(i + 1) + ")");
          return false;
        }
      }
      if (left > 0) {
        for (std::int64_t i = posonly; i < npos; ++i) {
          if (find_kw(spec.params.begin()[i]) >= 0) {
            type_error(vm, "argument for " + fname + " given by name ('" + spec.params.begin()[i] +
                               "') and position (" + std::to_string(i + 1) + ")");
            return false;
          }
        }
        for (std::int64_t k = 0; k < nkw; ++k) {
          if (!used[static_cast<std::size_t>(k)]) {
            type_error(vm, quoted(str_of(a.kwnames[k])) + " is an invalid keyword argument for " + fname);
            return false;
          }
        }
      }
      return true;
    }
  }
  return true;
}

bool collect(Vm& vm, const Value& iterable, std::vector<Value>* out) {
  if (iterable.is(Kind::kList)) {
    *out = iterable.as<ListObj>()->items;
    return true;
  }
  if (iterable.is(Kind::kTuple)) {
    *out = iterable.as<TupleObj>()->items;
    return true;
  }
  Value it = get_iter(vm, iterable);
  if (it.is_error()) return false;
  for (;;) {
    Value x = iter_next(vm, it);
    if (x.is_error()) return false;
    if (x.is_unset()) return true;
    out->push_back(std::move(x));
  }
}

// --------------------------------------------------------- identities ----

namespace {

// Deterministic ids: objects are numbered in the order their identity is
// first asked for (id(), hash() of an object hashed by identity, the
// default repr), so that a run prints the same "at 0x..." every time.
struct IdTable {
  const Vm* owner = nullptr;
  std::unordered_map<const Obj*, std::int64_t> ids;
  std::int64_t next = 0;
};
thread_local IdTable t_ids;

}  // namespace

std::int64_t object_id(Vm& vm, const Value& v) {
  if (!v.is_heap()) {
    // Inline values: distinct per kind and payload.
    return static_cast<std::int64_t>(0x7e0000000000ULL + (v.bits() << 4) + static_cast<std::uint64_t>(v.kind()));
  }
  if (t_ids.owner != &vm) {
    t_ids.ids.clear();
    t_ids.owner = &vm;
    t_ids.next = 0;
  }
  auto [it, inserted] = t_ids.ids.emplace(v.obj(), 0);
  if (inserted) it->second = 0x7f0000000000LL + 16 * ++t_ids.next;
  return it->second;
}

std::string address_of(Vm& vm, const Value& v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, static_cast<std::uint64_t>(object_id(vm, v)));
  return buf;
}

}  // namespace lib

using namespace lib;

// ------------------------------------------------------------ operators ----

namespace {

struct OpNames {
  const char* fwd;
  const char* rev;
  const char* inplace;
};

OpNames op_names(BinOp op) {
  switch (op) {
    case BinOp::kAdd: return {"__add__", "__radd__", "__iadd__"};
    case BinOp::kSub: return {"__sub__", "__rsub__", "__isub__"};
    case BinOp::kMult: return {"__mul__", "__rmul__", "__imul__"};
    case BinOp::kMatMult: return {"__matmul__", "__rmatmul__", "__imatmul__"};
    case BinOp::kDiv: return {"__truediv__", "__rtruediv__", "__itruediv__"};
    case BinOp::kMod: return {"__mod__", "__rmod__", "__imod__"};
    case BinOp::kPow: return {"__pow__", "__rpow__", "__ipow__"};
    case BinOp::kLShift: return {"__lshift__", "__rlshift__", "__ilshift__"};
    case BinOp::kRShift: return {"__rshift__", "__rrshift__", "__irshift__"};
    case BinOp::kBitOr: return {"__or__", "__ror__", "__ior__"};
    case BinOp::kBitXor: return {"__xor__", "__rxor__", "__ixor__"};
    case BinOp::kBitAnd: return {"__and__", "__rand__", "__iand__"};
    case BinOp::kFloorDiv: return {"__floordiv__", "__rfloordiv__", "__ifloordiv__"};
  }
  return {"", "", ""};
}

bool is_sequence(const Value& v) { return v.is(Kind::kStr) || v.is(Kind::kList) || v.is(Kind::kTuple); }

// A dict view as a set, for the set operators of keys and items views.
bool view_as_set(Vm& vm, const Value& v, Value* out) {
  Value s = make_set();
  Value it = get_iter(vm, v);
  if (it.is_error()) return false;
  for (;;) {
    Value x = iter_next(vm, it);
    if (x.is_error()) return false;
    if (x.is_unset()) break;
    if (!set_add(vm, s, x)) return false;
  }
  *out = std::move(s);
  return true;
}

bool is_set_view(const Value& v) {
  return v.is(Kind::kIterator) && v.as<IterObj>()->sub == IterKind::kDictView && v.as<IterObj>()->a != 1;
}

// The set operators of dict views (dictviews_or and friends of
// dictobject.c): a set from the left operand, updated with the right; for
// &, the items of the other operand that the view contains.
Value view_binary(Vm& vm, BinOp op, const Value& a, const Value& b) {
  if (op == BinOp::kBitAnd) {
    const Value& view = is_set_view(a) ? a : b;
    const Value& other = is_set_view(a) ? b : a;
    Value result = make_set();
    Value it = get_iter(vm, other);
    if (it.is_error()) return it;
    for (;;) {
      Value x = iter_next(vm, it);
      if (x.is_error()) return x;
      if (x.is_unset()) return result;
      const int in = contains(vm, view, x);
      if (in < 0) return Value::error();
      if (in > 0 && !set_add(vm, result, x)) return Value::error();
    }
  }
  Value left, right;
  if (!view_as_set(vm, a, &left) || !view_as_set(vm, b, &right)) return Value::error();
  return set_binary(vm, op, left, right, true);
}

// The operators of the builtin types: NotImplemented when they do not
// apply (the caller then tries the other operand and the fallbacks).
Value native_binary(Vm& vm, BinOp op, const Value& a, const Value& b, bool inplace) {
  if (is_number(a) && is_number(b)) return number_binary(vm, op, a, b);
  switch (op) {
    case BinOp::kAdd:
      if (a.is(Kind::kStr) && b.is(Kind::kStr)) return str_concat(a, b);
      if ((a.is(Kind::kList) && b.is(Kind::kList)) || (a.is(Kind::kTuple) && b.is(Kind::kTuple))) {
        return seq_concat(vm, a, b);
      }
      break;
    case BinOp::kMult:
      if (is_sequence(a) && is_intlike(b)) {
        return a.is(Kind::kStr) ? str_repeat(vm, a, b.as_int()) : seq_repeat(vm, a, b.as_int());
      }
      if (is_intlike(a) && is_sequence(b)) {
        return b.is(Kind::kStr) ? str_repeat(vm, b, a.as_int()) : seq_repeat(vm, b, a.as_int());
      }
      break;
    case BinOp::kMod:
      if (a.is(Kind::kStr)) return percent_format(vm, a, b);
      break;
    case BinOp::kBitOr:
    case BinOp::kBitAnd:
    case BinOp::kSub:
    case BinOp::kBitXor: {
      if (a.is(Kind::kSet) && b.is(Kind::kSet)) return set_binary(vm, op, a, b, inplace);
      if (a.is(Kind::kDict) && (b.is(Kind::kDict) || inplace)) return dict_binary(vm, op, a, b, inplace);
      if (is_set_view(a) || is_set_view(b)) return view_binary(vm, op, a, b);
      if (op == BinOp::kBitOr && (a.is(Kind::kClass) || b.is(Kind::kClass)) && (a.is(Kind::kClass) || a.is_none()) &&
          (b.is(Kind::kClass) || b.is_none())) {
        // `int | None` (types.UnionType): concsim makes the tuple of the
        // classes, which isinstance() accepts the same way.
        std::vector<Value> parts;
        for (const Value* x : {&a, &b}) {
          if (x->is(Kind::kTuple)) {
            for (const Value& c : x->as<TupleObj>()->items) parts.push_back(c);
          } else {
            parts.push_back(x->is_none() ? vm.b().none_type : *x);
          }
        }
        return make_tuple(std::move(parts));
      }
      break;
    }
    default: break;
  }
  return Value::not_implemented();
}

// Calls type(self).name(other) if the type defines it: NotImplemented if not.
Value call_op(Vm& vm, const Value& self, const char* name, const Value& other) {
  bool found = false;
  Value r = call_special(vm, self, name, {other}, &found);
  if (!found) return Value::not_implemented();
  return r;
}

// binary_op1 of Objects/abstract.c, with instances' special methods in the
// place of the slots.
Value binary_op1(Vm& vm, BinOp op, const Value& a, const Value& b, bool inplace) {
  if (!is_user(a) && !is_user(b)) return native_binary(vm, op, a, b, inplace);
  const OpNames names = op_names(op);
  const Value ta = vm.type_of(a);
  const Value tb = vm.type_of(b);
  const bool same_type = ta.same(tb);
  bool b_done = false;
  if (is_user(a)) {
    if (is_user(b) && !same_type && vm.is_subclass(tb, ta)) {
      // The right operand's class is a subclass that overrides the
      // reflected method: it goes first.
      const Value rb = lookup_descr(vm, b, names.rev);
      const Value ra = lookup_descr(vm, a, names.rev);
      if (!rb.is_unset() && !rb.same(ra)) {
        Value r = call_op(vm, b, names.rev, a);
        if (!r.is(Kind::kNotImplemented)) return r;
        b_done = true;
      }
    }
    Value r = call_op(vm, a, names.fwd, b);
    if (!r.is(Kind::kNotImplemented)) return r;
    if (same_type) return r;
  } else {
    Value r = native_binary(vm, op, a, b, inplace);
    if (!r.is(Kind::kNotImplemented)) return r;
  }
  if (is_user(b)) {
    if (!b_done) return call_op(vm, b, names.rev, a);
    return Value::not_implemented();
  }
  return native_binary(vm, op, a, b, inplace);
}

Value binop_error(Vm& vm, BinOp op, const Value& a, const Value& b, bool inplace) {
  std::string sym = binop_symbol(op);
  if (inplace) sym += "=";
  if (op == BinOp::kPow && !inplace) sym = "** or pow()";
  return type_error(vm, "unsupported operand type(s) for " + sym + ": '" + type_name(vm, a) + "' and '" +
                            type_name(vm, b) + "'");
}

// sequence_repeat of Objects/abstract.c.
Value sequence_repeat(Vm& vm, const Value& seq, const Value& n, bool inplace) {
  const bool indexable = is_intlike(n) || (is_user(n) && !vm.lookup_special(n, "__index__").is_unset());
  if (!indexable) return type_error(vm, "can't multiply sequence by non-int of type '" + type_name(vm, n) + "'");
  std::int64_t count = 0;
  if (!index_of(vm, n, &count)) return Value::error();
  if (seq.is(Kind::kStr)) return str_repeat(vm, seq, count);
  if (inplace && seq.is(Kind::kList)) return list_inplace_repeat(vm, seq, count);
  return seq_repeat(vm, seq, count);
}

}  // namespace

namespace lib {
Value native_binary_op(Vm& vm, BinOp op, const Value& a, const Value& b) { return native_binary(vm, op, a, b, false); }
}  // namespace lib

Value binary_op(Vm& vm, BinOp op, const Value& a, const Value& b, bool inplace) {
  // The hot path: two ints.
  if (a.is(Kind::kInt) && b.is(Kind::kInt)) {
    std::int64_t r;
    switch (op) {
      case BinOp::kAdd:
        if (!__builtin_add_overflow(a.as_int(), b.as_int(), &r)) return Value::integer(r);
        return overflow(vm, "+");
      case BinOp::kSub:
        if (!__builtin_sub_overflow(a.as_int(), b.as_int(), &r)) return Value::integer(r);
        return overflow(vm, "-");
      default: {
        Value r = number_binary(vm, op, a, b);
        if (!r.is(Kind::kNotImplemented)) return r;
        return binop_error(vm, op, a, b, inplace);
      }
    }
  }
  if (inplace && a.is(Kind::kList) && (op == BinOp::kAdd || op == BinOp::kMult) && !is_user(b)) {
    // list has no number slots: += and *= are its sq_inplace_concat and
    // sq_inplace_repeat, on the list itself.
    if (op == BinOp::kAdd) return list_inplace_concat(vm, a, b);
    return sequence_repeat(vm, a, b, true);
  }
  if (inplace) {
    // binary_iop1: the in-place method first.
    if (is_user(a)) {
      Value r = call_op(vm, a, op_names(op).inplace, b);
      if (!r.is(Kind::kNotImplemented)) return r;
    } else if (a.is(Kind::kSet) && !a.as<SetObj>()->frozen && b.is(Kind::kSet)) {
      Value r = set_binary(vm, op, a, b, true);
      if (!r.is(Kind::kNotImplemented)) return r;
    } else if (a.is(Kind::kDict) && op == BinOp::kBitOr) {
      return dict_binary(vm, op, a, b, true);
    }
  }
  Value r = binary_op1(vm, op, a, b, inplace && !a.is(Kind::kSet));
  if (!r.is(Kind::kNotImplemented)) return r;
  // The sequence fallbacks (PyNumber_Add / InPlaceAdd, Multiply /
  // InPlaceMultiply): concatenation and repetition. In place, only the left
  // operand's, when its type has sequence methods at all.
  const bool a_has_sequence = is_sequence(a) || a.is(Kind::kSet) || a.is(Kind::kDict) || a.is(Kind::kRange) ||
                              is_user(a) || (a.is(Kind::kIterator) && a.as<IterObj>()->sub == IterKind::kDictView);
  if (op == BinOp::kAdd && is_sequence(a)) {
    if (inplace && a.is(Kind::kList)) return list_inplace_concat(vm, a, b);
    return type_error(vm, "can only concatenate " + type_name(vm, a) + " (not \"" + type_name(vm, b) + "\") to " +
                              type_name(vm, a));
  }
  if (op == BinOp::kMult) {
    if (is_sequence(a)) return sequence_repeat(vm, a, b, inplace);
    if (is_sequence(b) && !(inplace && a_has_sequence)) return sequence_repeat(vm, b, a, false);
  }
  return binop_error(vm, op, a, b, inplace);
}

Value unary_op(Vm& vm, UnaryOp op, const Value& a) {
  if (op == UnaryOp::kNot) {
    const int t = truthy(vm, a);
    if (t < 0) return Value::error();
    return Value::boolean(t == 0);
  }
  Value r = number_unary(vm, op, a);
  if (!r.is_unset() && !r.is(Kind::kNotImplemented)) return r;
  const char* name = op == UnaryOp::kUSub ? "__neg__" : op == UnaryOp::kUAdd ? "__pos__" : "__invert__";
  if (is_user(a)) {
    bool found = false;
    Value u = call_special(vm, a, name, {}, &found);
    if (found) return u;
  }
  const char* sym = op == UnaryOp::kUSub ? "-" : op == UnaryOp::kUAdd ? "+" : "~";
  return type_error(vm, std::string("bad operand type for unary ") + sym + ": '" + type_name(vm, a) + "'");
}

// ----------------------------------------------------------- comparison ----

namespace {

const char* cmp_symbol(CmpOp op) {
  switch (op) {
    case CmpOp::kLt: return "<";
    case CmpOp::kLtE: return "<=";
    case CmpOp::kGt: return ">";
    case CmpOp::kGtE: return ">=";
    case CmpOp::kEq: return "==";
    default: return "!=";
  }
}

const char* cmp_method(CmpOp op) {
  switch (op) {
    case CmpOp::kLt: return "__lt__";
    case CmpOp::kLtE: return "__le__";
    case CmpOp::kGt: return "__gt__";
    case CmpOp::kGtE: return "__ge__";
    case CmpOp::kEq: return "__eq__";
    default: return "__ne__";
  }
}

CmpOp swapped(CmpOp op) {
  switch (op) {
    case CmpOp::kLt: return CmpOp::kGt;
    case CmpOp::kLtE: return CmpOp::kGtE;
    case CmpOp::kGt: return CmpOp::kLt;
    case CmpOp::kGtE: return CmpOp::kLtE;
    default: return op;
  }
}

bool cmp_holds(int c, CmpOp op) {
  switch (op) {
    case CmpOp::kEq: return c == 0;
    case CmpOp::kNotEq: return c != 0;
    case CmpOp::kLt: return c < 0;
    case CmpOp::kLtE: return c <= 0;
    case CmpOp::kGt: return c > 0;
    case CmpOp::kGtE: return c >= 0;
    default: return false;
  }
}

// The comparisons of the builtin types: NotImplemented when they do not apply.
Value native_compare(Vm& vm, CmpOp op, const Value& a, const Value& b) {
  if (is_number(a) && is_number(b)) {
    const int c = number_compare(a, b);
    if (c == 3) return Value::not_implemented();
    if (c == 2) return Value::boolean(op == CmpOp::kNotEq);
    return Value::boolean(cmp_holds(c, op));
  }
  switch (a.kind()) {
    case Kind::kStr:
      if (!b.is(Kind::kStr)) break;
      return Value::boolean(cmp_holds(str_compare(a.as<StrObj>(), b.as<StrObj>()), op));
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kRange: return seq_compare(vm, op, a, b);
    case Kind::kSet:
      if (is_set_view(b)) {
        Value sb;
        if (!view_as_set(vm, b, &sb)) return Value::error();
        return set_compare(vm, op, a, sb);
      }
      return set_compare(vm, op, a, b);
    case Kind::kDict: return dict_compare(vm, op, a, b);
    case Kind::kSlice: {
      if (!b.is(Kind::kSlice)) break;
      const auto* x = a.as<SliceObj>();
      const auto* y = b.as<SliceObj>();
      return seq_compare(vm, op, make_tuple({x->start, x->stop, x->step}), make_tuple({y->start, y->stop, y->step}));
    }
    case Kind::kIterator:
      if (is_set_view(a) && (is_set_view(b) || b.is(Kind::kSet))) {
        Value sa, sb;
        if (!view_as_set(vm, a, &sa)) return Value::error();
        if (b.is(Kind::kSet)) {
          sb = b;
        } else if (!view_as_set(vm, b, &sb)) {
          return Value::error();
        }
        return set_compare(vm, op, sa, sb);
      }
      break;
    default: break;
  }
  if (a.is(Kind::kSet) && is_set_view(b)) {
    Value sb;
    if (!view_as_set(vm, b, &sb)) return Value::error();
    return set_compare(vm, op, a, sb);
  }
  return Value::not_implemented();
}

// A class's rich comparison (slot_tp_richcompare), object's defaults
// included: == is identity, != inverts __eq__.
Value user_compare(Vm& vm, CmpOp op, const Value& self, const Value& other) {
  if (!is_user(self)) return native_compare(vm, op, self, other);
  bool found = false;
  Value r = call_special(vm, self, cmp_method(op), {other}, &found);
  if (found) return r;
  if (op == CmpOp::kEq) return self.same(other) ? Value::boolean(true) : Value::not_implemented();
  if (op == CmpOp::kNotEq) {
    Value eq = call_special(vm, self, "__eq__", {other}, &found);
    if (!found) return self.same(other) ? Value::boolean(false) : Value::not_implemented();
    if (eq.is_error() || eq.is(Kind::kNotImplemented)) return eq;
    const int t = truthy(vm, eq);
    if (t < 0) return Value::error();
    return Value::boolean(t == 0);
  }
  return Value::not_implemented();
}

}  // namespace

namespace lib {
Value native_compare_op(Vm& vm, CmpOp op, const Value& a, const Value& b) { return native_compare(vm, op, a, b); }
}  // namespace lib

Value rich_compare(Vm& vm, CmpOp op, const Value& a, const Value& b) {
  if (a.is(Kind::kInt) && b.is(Kind::kInt) && op <= CmpOp::kGtE) {
    const std::int64_t x = a.as_int();
    const std::int64_t y = b.as_int();
    return Value::boolean(cmp_holds(x < y ? -1 : (x > y ? 1 : 0), op));
  }
  if (op == CmpOp::kIs) return Value::boolean(a.same(b));
  if (op == CmpOp::kIsNot) return Value::boolean(!a.same(b));
  if (op == CmpOp::kIn || op == CmpOp::kNotIn) {
    const int c = contains(vm, b, a);
    if (c < 0) return Value::error();
    return Value::boolean((c == 1) == (op == CmpOp::kIn));
  }
  Value r;
  if (!is_user(a) && !is_user(b)) {
    r = native_compare(vm, op, a, b);
    if (!r.is(Kind::kNotImplemented)) return r;
  } else {
    DepthGuard guard(vm, " in comparison");
    if (!guard.ok()) return Value::error();
    const Value ta = vm.type_of(a);
    const Value tb = vm.type_of(b);
    bool checked_reverse = false;
    if (!ta.same(tb) && is_user(b) && vm.is_subclass(tb, ta)) {
      checked_reverse = true;
      r = user_compare(vm, swapped(op), b, a);
      if (!r.is(Kind::kNotImplemented)) return r;
    }
    r = user_compare(vm, op, a, b);
    if (!r.is(Kind::kNotImplemented)) return r;
    if (!checked_reverse) {
      r = user_compare(vm, swapped(op), b, a);
      if (!r.is(Kind::kNotImplemented)) return r;
    }
  }
  switch (op) {
    case CmpOp::kEq: return Value::boolean(a.same(b));
    case CmpOp::kNotEq: return Value::boolean(!a.same(b));
    default:
      return type_error(vm, std::string("'") + cmp_symbol(op) + "' not supported between instances of '" +
                                type_name(vm, a) + "' and '" + type_name(vm, b) + "'");
  }
}

int equal(Vm& vm, const Value& a, const Value& b) {
  if (a.same(b)) return 1;
  if (a.is(Kind::kStr) && b.is(Kind::kStr)) return str_of(a) == str_of(b) ? 1 : 0;
  if (a.is(Kind::kInt) && b.is(Kind::kInt)) return a.as_int() == b.as_int() ? 1 : 0;
  Value r = rich_compare(vm, CmpOp::kEq, a, b);
  if (r.is_error()) return -1;
  if (r.is(Kind::kBool)) return r.as_bool() ? 1 : 0;
  return truthy(vm, r);
}

// ------------------------------------------------------------ contains ----

int contains(Vm& vm, const Value& container, const Value& item) {
  switch (container.kind()) {
    case Kind::kStr:
      if (!item.is(Kind::kStr)) {
        type_error(vm, "'in <string>' requires string as left operand, not " + type_name(vm, item));
        return -1;
      }
      return str_of(container).find(str_of(item)) != std::string::npos ? 1 : 0;
    case Kind::kList:
    case Kind::kTuple: {
      // Indexed, not copied: an __eq__ may shrink the list.
      for (std::size_t i = 0;; ++i) {
        const auto& items =
            container.is(Kind::kList) ? container.as<ListObj>()->items : container.as<TupleObj>()->items;
        if (i >= items.size()) return 0;
        const Value x = items[i];
        const int eq = equal(vm, x, item);
        if (eq != 0) return eq;
      }
    }
    case Kind::kDict: {
      Value v = dict_get(vm, container, item);
      if (v.is_error()) return -1;
      return v.is_unset() ? 0 : 1;
    }
    case Kind::kSet: {
      std::uint64_t h;
      if (item.is(Kind::kSet) && !item.as<SetObj>()->frozen) {
        // A set looked up in a set is looked up as a frozenset (set_contains).
        Value frozen = make_set(true);
        for (const HashEntry& e : item.as<SetObj>()->table.entries) {
          if (!e.key.is_unset() && !set_add(vm, frozen, e.key)) return -1;
        }
        return contains(vm, container, frozen);
      }
      if (!hash(vm, item, &h)) return -1;
      const std::int64_t ix = table_lookup(vm, container.as<SetObj>()->table, item, h);
      if (ix == -2) return -1;
      return ix >= 0 ? 1 : 0;
    }
    case Kind::kRange: {
      int r = 0;
      if (!range_contains(vm, container.as<RangeObj>(), item, &r)) return -1;
      return r;
    }
    case Kind::kIterator: {
      const auto* it = container.as<IterObj>();
      if (it->sub == IterKind::kDictView && it->a == 0) return contains(vm, it->seq, item);
      if (it->sub == IterKind::kDictView && it->a == 2) {
        if (!item.is(Kind::kTuple) || item.as<TupleObj>()->items.size() != 2) return 0;
        Value v = dict_get(vm, it->seq, item.as<TupleObj>()->items[0]);
        if (v.is_error()) return -1;
        if (v.is_unset()) return 0;
        return equal(vm, v, item.as<TupleObj>()->items[1]);
      }
      break;
    }
    default: break;
  }
  if (is_user(container)) {
    bool found = false;
    Value r = call_special(vm, container, "__contains__", {item}, &found);
    if (found) {
      if (r.is_error()) return -1;
      return truthy(vm, r);
    }
  }
  // Iterate (PySequence_Contains' fallback).
  const bool iterable = container.is(Kind::kIterator) || container.is(Kind::kGenerator) ||
                        (is_user(container) && (!vm.lookup_special(container, "__iter__").is_unset() ||
                                                !vm.lookup_special(container, "__getitem__").is_unset()));
  if (!iterable) {
    type_error(vm, "argument of type '" + type_name(vm, container) + "' is not iterable");
    return -1;
  }
  Value it = get_iter(vm, container);
  if (it.is_error()) return -1;
  for (;;) {
    Value x = iter_next(vm, it);
    if (x.is_error()) return -1;
    if (x.is_unset()) return 0;
    const int eq = equal(vm, x, item);
    if (eq != 0) return eq;
  }
}

// -------------------------------------------------------------- truth ----

int truthy(Vm& vm, const Value& v) {
  switch (v.kind()) {
    case Kind::kNone:
    case Kind::kUnset: return 0;
    case Kind::kBool:
    case Kind::kInt:
    case Kind::kDuration: return v.as_int() != 0 ? 1 : 0;
    case Kind::kFloat: return v.as_float() != 0 ? 1 : 0;
    case Kind::kStr: return str_of(v).empty() ? 0 : 1;
    case Kind::kTuple: return v.as<TupleObj>()->items.empty() ? 0 : 1;
    case Kind::kList: return v.as<ListObj>()->items.empty() ? 0 : 1;
    case Kind::kDict: return v.as<DictObj>()->table.used == 0 ? 0 : 1;
    case Kind::kSet: return v.as<SetObj>()->table.used == 0 ? 0 : 1;
    case Kind::kRange: return range_length(v.as<RangeObj>()) == 0 ? 0 : 1;
    case Kind::kIterator:
      if (v.as<IterObj>()->sub == IterKind::kDictView) return v.as<IterObj>()->seq.as<DictObj>()->table.used == 0 ? 0 : 1;
      return 1;
    default: break;
  }
  if (!is_user(v)) return 1;
  bool found = false;
  Value r = call_special(vm, v, "__bool__", {}, &found);
  if (found) {
    if (r.is_error()) return -1;
    if (!r.is(Kind::kBool)) {
      type_error(vm, "__bool__ should return bool, returned " + type_name(vm, r));
      return -1;
    }
    return r.as_bool() ? 1 : 0;
  }
  Value n = call_special(vm, v, "__len__", {}, &found);
  if (!found) return 1;
  if (n.is_error()) return -1;
  std::int64_t len = 0;
  if (!index_of(vm, n, &len)) return -1;
  if (len < 0) {
    value_error(vm, "__len__() should return >= 0");
    return -1;
  }
  return len > 0 ? 1 : 0;
}

// -------------------------------------------------------------- hashing ----

namespace lib {

// hash() as the builtin shows it; *by_identity when the value is hashed by
// its identity (the builtin then shows the deterministic id's hash).
bool hash_value(Vm& vm, const Value& v, std::uint64_t* out, bool* by_identity) {
  *by_identity = false;
  switch (v.kind()) {
    case Kind::kBool:
    case Kind::kInt: *out = static_cast<std::uint64_t>(hash_int(v.as_int())); return true;
    case Kind::kFloat: *out = static_cast<std::uint64_t>(hash_double(v.as_float())); return true;
    case Kind::kDuration: *out = static_cast<std::uint64_t>(hash_duration(v.as_duration())); return true;
    case Kind::kStr: *out = str_hash(v.as<StrObj>()); return true;
    case Kind::kTuple: return tuple_hash(vm, v.as<TupleObj>(), out);
    case Kind::kNone: *out = 0xFCA86420ULL; return true;  // CPython: an address; concsim: a constant
    case Kind::kEllipsis: *out = 0xFCA86440ULL; return true;
    case Kind::kNotImplemented: *out = 0xFCA86460ULL; return true;
    case Kind::kSet:
      if (v.as<SetObj>()->frozen) return frozenset_hash(vm, v.as<SetObj>(), out);
      break;
    case Kind::kRange: {
      // range_hash: hash((len, start, step)) with None for what does not matter.
      const auto* r = v.as<RangeObj>();
      const std::int64_t n = range_length(r);
      Value t = make_tuple({Value::integer(n), n == 0 ? Value::none() : Value::integer(r->start),
                            n <= 1 ? Value::none() : Value::integer(r->step)});
      return tuple_hash(vm, t.as<TupleObj>(), out);
    }
    case Kind::kList:
    case Kind::kDict:
    case Kind::kSlice:
      break;
    case Kind::kIterator:
      // keys and items views compare as sets: unhashable; values views
      // and iterators hash by identity.
      if (v.as<IterObj>()->sub == IterKind::kDictView && v.as<IterObj>()->a != 1) break;
      *by_identity = true;
      return true;
    case Kind::kInstance:
    case Kind::kException:
    case Kind::kNative: {
      // The first class of the MRO that says anything about hashing decides:
      // __hash__ (None: unhashable), or __eq__ alone (unhashable, as
      // CPython sets __hash__ to None in a class that defines __eq__ only).
      const Value type = vm.type_of(v);
      const Value hash_name = vm.intern("__hash__");
      const Value eq_name = vm.intern("__eq__");
      bool unhashable = false;
      for (const Value& c : type.as<ClassObj>()->mro) {
        if (c.same(vm.b().object)) break;
        const Value& dict = c.as<ClassObj>()->dict;
        Value h = dict_get_str(dict, hash_name);
        if (!h.is_unset()) {
          if (h.is_none()) {
            unhashable = true;
            break;
          }
          const Value args[1] = {v};
          Value r = vm.call(h, args);
          if (r.is_error()) return false;
          if (!is_intlike(r)) {
            type_error(vm, "__hash__ method should return an integer");
            return false;
          }
          std::int64_t x = r.as_int();
          if (x == -1) x = -2;
          *out = static_cast<std::uint64_t>(x);
          return true;
        }
        if (!dict_get_str(dict, eq_name).is_unset()) {
          unhashable = true;
          break;
        }
      }
      if (unhashable) break;
      *by_identity = true;
      return true;
    }
    default:
      *by_identity = true;
      return true;
  }
  type_error(vm, "unhashable type: '" + type_name(vm, v) + "'");
  return false;
}

}  // namespace lib

bool hash(Vm& vm, const Value& v, std::uint64_t* out) {
  if (v.is(Kind::kStr)) {
    *out = str_hash(v.as<StrObj>());
    return true;
  }
  if (v.is(Kind::kInt)) {
    *out = static_cast<std::uint64_t>(hash_int(v.as_int()));
    return true;
  }
  bool by_identity = false;
  if (!hash_value(vm, v, out, &by_identity)) return false;
  if (by_identity) {
    // Tables hash objects by address: the order of a dict or set is its
    // insertion order, so no program output depends on it. hash() itself
    // shows a deterministic value (builtins.cc).
    const auto p = v.is_heap() ? reinterpret_cast<std::uintptr_t>(v.obj()) : static_cast<std::uintptr_t>(v.bits());
    *out = static_cast<std::uint64_t>((p >> 4) | (p << 60));
  }
  return true;
}

// ---------------------------------------------------------- repr and str ----

namespace {

std::string class_path(Vm& vm, const Value& cls) {
  (void)vm;
  const auto* c = cls.as<ClassObj>();
  const std::string& qual = str_of(c->qualname.is(Kind::kStr) ? c->qualname : c->name);
  if (c->module.is(Kind::kStr) && str_of(c->module) != "builtins") return str_of(c->module) + "." + qual;
  return qual;
}

bool default_repr(Vm& vm, const Value& v, std::string* out) {
  switch (v.kind()) {
    case Kind::kNone: *out = "None"; return true;
    case Kind::kBool: *out = v.as_bool() ? "True" : "False"; return true;
    case Kind::kInt: *out = std::to_string(v.as_int()); return true;
    case Kind::kFloat: *out = float_repr(v.as_float()); return true;
    case Kind::kDuration: *out = duration_str(v.as_duration()); return true;
    case Kind::kNotImplemented: *out = "NotImplemented"; return true;
    case Kind::kEllipsis: *out = "Ellipsis"; return true;
    case Kind::kStr: *out = str_repr(str_of(v)); return true;
    case Kind::kClass: *out = "<class '" + class_path(vm, v) + "'>"; return true;
    case Kind::kFunction: {
      const auto* f = v.as<FunctionObj>();
      const std::string q = f->qualname.is(Kind::kStr) ? str_of(f->qualname) : f->code->qualname;
      *out = "<function " + q + " at " + address_of(vm, v) + ">";
      return true;
    }
    case Kind::kBuiltin: {
      const auto* b = v.as<BuiltinObj>();
      if (b->self.is_unset() || b->self.is(Kind::kModule)) {
        *out = std::string("<built-in function ") + b->name + ">";
      } else {
        *out = std::string("<built-in method ") + b->name + " of " + type_name(vm, b->self) + " object at " +
               address_of(vm, b->self) + ">";
      }
      return true;
    }
    case Kind::kMethod: {
      const auto* m = v.as<MethodObj>();
      std::string self;
      if (!repr_string(vm, m->self, &self)) return false;
      std::string q = "?";
      if (m->func.is(Kind::kFunction)) {
        const auto* f = m->func.as<FunctionObj>();
        q = f->qualname.is(Kind::kStr) ? str_of(f->qualname) : f->code->qualname;
      }
      *out = "<bound method " + q + " of " + self + ">";
      return true;
    }
    case Kind::kModule: {
      *out = "<module '" + str_of(v.as<ModuleObj>()->name) + "'>";
      return true;
    }
    case Kind::kCoroutine:
    case Kind::kGenerator:
    case Kind::kAsyncGenerator: {
      const auto* g = v.as<GenObj>();
      const char* what = v.is(Kind::kCoroutine) ? "coroutine" : v.is(Kind::kGenerator) ? "generator" : "async_generator";
      const std::string q = g->qualname.is(Kind::kStr) ? str_of(g->qualname) : "?";
      *out = std::string("<") + what + " object " + q + " at " + address_of(vm, v) + ">";
      return true;
    }
    case Kind::kCell: *out = "<cell at " + address_of(vm, v) + ">"; return true;
    case Kind::kProperty: {
      const auto* p = v.as<PropertyObj>();
      if (p->sub == PropertyKind::kProperty) {
        *out = "<property object at " + address_of(vm, v) + ">";
        return true;
      }
      std::string f;
      if (!repr_string(vm, p->fget, &f)) return false;
      *out = std::string(p->sub == PropertyKind::kStaticMethod ? "<staticmethod(" : "<classmethod(") + f + ")>";
      return true;
    }
    case Kind::kNative: *out = v.as<NativeObj>()->repr(vm); return true;
    default: break;
  }
  out->clear();
  const int r = container_repr(vm, v, out);
  if (r != 0) return r > 0;
  const Value type = vm.type_of(v);
  *out = '<';
  *out += class_path(vm, type);
  *out += " object at ";
  *out += address_of(vm, v);
  *out += '>';
  return true;
}

}  // namespace

bool repr_string(Vm& vm, const Value& v, std::string* out) {
  switch (v.kind()) {
    case Kind::kInt: *out = std::to_string(v.as_int()); return true;
    case Kind::kStr: *out = str_repr(str_of(v)); return true;
    case Kind::kFloat: *out = float_repr(v.as_float()); return true;
    default: break;
  }
  if (is_user(v)) {
    DepthGuard guard(vm, " while getting the repr of an object");
    if (!guard.ok()) return false;
    bool found = false;
    Value r = call_special(vm, v, "__repr__", {}, &found);
    if (found) {
      if (r.is_error()) return false;
      if (!r.is(Kind::kStr)) {
        type_error(vm, "__repr__ returned non-string (type " + type_name(vm, r) + ")");
        return false;
      }
      *out = str_of(r);
      return true;
    }
  }
  out->clear();
  return default_repr(vm, v, out);
}

Value repr(Vm& vm, const Value& v) {
  std::string s;
  if (!repr_string(vm, v, &s)) return Value::error();
  return make_str(std::move(s));
}

bool str_string(Vm& vm, const Value& v, std::string* out) {
  switch (v.kind()) {
    case Kind::kStr: *out = str_of(v); return true;
    case Kind::kInt: *out = std::to_string(v.as_int()); return true;
    default: break;
  }
  if (is_user(v)) {
    bool found = false;
    Value r = call_special(vm, v, "__str__", {}, &found);
    if (found) {
      if (r.is_error()) return false;
      if (!r.is(Kind::kStr)) {
        type_error(vm, "__str__ returned non-string (type " + type_name(vm, r) + ")");
        return false;
      }
      *out = str_of(r);
      return true;
    }
  }
  return repr_string(vm, v, out);
}

Value str(Vm& vm, const Value& v) {
  if (v.is(Kind::kStr)) return v;
  std::string s;
  if (!str_string(vm, v, &s)) return Value::error();
  return make_str(std::move(s));
}

// ----------------------------------------------------------- containers ----

namespace {

Value not_subscriptable(Vm& vm, const Value& v) {
  return type_error(vm, quoted(type_name(vm, v)) + " object is not subscriptable");
}

}  // namespace

Value getitem(Vm& vm, const Value& container, const Value& key) {
  switch (container.kind()) {
    case Kind::kList:
      if (key.is(Kind::kInt)) {
        const auto& items = container.as<ListObj>()->items;
        std::int64_t i = key.as_int();
        if (i < 0) i += static_cast<std::int64_t>(items.size());
        if (i >= 0 && i < static_cast<std::int64_t>(items.size())) return items[static_cast<std::size_t>(i)];
      }
      return seq_getitem(vm, container, key);
    case Kind::kTuple:
    case Kind::kRange: return seq_getitem(vm, container, key);
    case Kind::kStr: return str_getitem(vm, container, key);
    case Kind::kDict: {
      Value v = dict_get(vm, container, key);
      if (v.is_error()) return v;
      if (v.is_unset()) return key_error(vm, key);
      return v;
    }
    case Kind::kClass: {
      const auto* c = container.as<ClassObj>();
      if (c->has(ClassFlag::kBuiltin)) {
        // list[int], dict[str, int] (types.GenericAlias): concsim gives the
        // class itself, which annotations and isinstance() accept.
        static const char* const kGeneric[] = {"list", "dict", "tuple", "set", "frozenset", "type"};
        for (const char* n : kGeneric) {
          if (str_of(c->name) == n) return container;
        }
      }
      Value cg = Interp::lookup_type(container, vm.intern("__class_getitem__"));
      if (!cg.is_unset()) {
        const Value args[2] = {container, key};
        return vm.call(cg.is(Kind::kProperty) ? cg.as<PropertyObj>()->fget : cg, args);
      }
      return type_error(vm, "'type' object is not subscriptable");
    }
    default: break;
  }
  if (is_user(container)) {
    bool found = false;
    Value r = call_special(vm, container, "__getitem__", {key}, &found);
    if (found) return r;
  }
  return not_subscriptable(vm, container);
}

Value setitem(Vm& vm, const Value& container, const Value& key, const Value& v) {
  switch (container.kind()) {
    case Kind::kList:
      if (key.is(Kind::kInt)) {
        auto& items = container.as<ListObj>()->items;
        std::int64_t i = key.as_int();
        if (i < 0) i += static_cast<std::int64_t>(items.size());
        if (i >= 0 && i < static_cast<std::int64_t>(items.size())) {
          Value old = std::move(items[static_cast<std::size_t>(i)]);
          items[static_cast<std::size_t>(i)] = v;
          return Value::none();
        }
      }
      return list_setitem(vm, container, key, v);
    case Kind::kDict:
      if (!dict_set(vm, container, key, v)) return Value::error();
      return Value::none();
    default: break;
  }
  if (is_user(container)) {
    bool found = false;
    Value r = call_special(vm, container, "__setitem__", {key, v}, &found);
    if (found) return r.is_error() ? r : Value::none();
  }
  return type_error(vm, quoted(type_name(vm, container)) + " object does not support item assignment");
}

Value delitem(Vm& vm, const Value& container, const Value& key) {
  switch (container.kind()) {
    case Kind::kList: return list_delitem(vm, container, key);
    case Kind::kDict: {
      const int r = dict_del(vm, container, key);
      if (r < 0) return Value::error();
      if (r == 0) return key_error(vm, key);
      return Value::none();
    }
    default: break;
  }
  if (is_user(container)) {
    bool found = false;
    Value r = call_special(vm, container, "__delitem__", {key}, &found);
    if (found) return r.is_error() ? r : Value::none();
  }
  return type_error(vm, quoted(type_name(vm, container)) + " object doesn't support item deletion");
}

std::int64_t length(Vm& vm, const Value& v) {
  switch (v.kind()) {
    case Kind::kStr: return v.as<StrObj>()->length;
    case Kind::kList: return static_cast<std::int64_t>(v.as<ListObj>()->items.size());
    case Kind::kTuple: return static_cast<std::int64_t>(v.as<TupleObj>()->items.size());
    case Kind::kDict: return v.as<DictObj>()->table.used;
    case Kind::kSet: return v.as<SetObj>()->table.used;
    case Kind::kRange: return range_length(v.as<RangeObj>());
    case Kind::kIterator:
      if (v.as<IterObj>()->sub == IterKind::kDictView) return v.as<IterObj>()->seq.as<DictObj>()->table.used;
      break;
    default: break;
  }
  if (is_user(v)) {
    bool found = false;
    Value r = call_special(vm, v, "__len__", {}, &found);
    if (found) {
      if (r.is_error()) return -1;
      std::int64_t n = 0;
      if (!index_of(vm, r, &n)) return -1;
      if (n < 0) {
        value_error(vm, "__len__() should return >= 0");
        return -1;
      }
      return n;
    }
  }
  type_error(vm, "object of type '" + type_name(vm, v) + "' has no len()");
  return -1;
}

// ------------------------------------------------------------ iteration ----

Value get_iter(Vm& vm, const Value& v) {
  switch (v.kind()) {
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kStr: return make_iter(IterKind::kSeq, v);
    case Kind::kRange: {
      const auto* r = v.as<RangeObj>();
      return make_iter(IterKind::kRange, Value::none(), r->start, r->stop, r->step);
    }
    case Kind::kDict: return make_iter(IterKind::kDictKeys, v, 0, v.as<DictObj>()->table.used);
    case Kind::kSet: return make_iter(IterKind::kSet, v, 0, v.as<SetObj>()->table.used);
    case Kind::kIterator: {
      const auto* it = v.as<IterObj>();
      if (it->sub == IterKind::kDictView) {
        static constexpr IterKind kKinds[] = {IterKind::kDictKeys, IterKind::kDictValues, IterKind::kDictItems};
        return make_iter(kKinds[it->a], it->seq, 0, it->seq.as<DictObj>()->table.used);
      }
      return v;
    }
    case Kind::kGenerator: return v;
    default: break;
  }
  if (is_user(v)) {
    bool found = false;
    Value r = call_special(vm, v, "__iter__", {}, &found);
    if (found) {
      if (r.is_error()) return r;
      const bool iterator = r.is(Kind::kIterator) || r.is(Kind::kGenerator) ||
                            (is_user(r) && !vm.lookup_special(r, "__next__").is_unset());
      if (!iterator || (r.is(Kind::kIterator) && r.as<IterObj>()->sub == IterKind::kDictView)) {
        return type_error(vm, "iter() returned non-iterator of type '" + type_name(vm, r) + "'");
      }
      return r;
    }
    if (!vm.lookup_special(v, "__getitem__").is_unset()) return make_iter(IterKind::kSeq, v);
  }
  return type_error(vm, quoted(type_name(vm, v)) + " object is not iterable");
}

Value iter_next(Vm& vm, const Value& it) {
  switch (it.kind()) {
    case Kind::kIterator: return builtin_iter_next(vm, it.as<IterObj>());
    case Kind::kGenerator: {
      Value ret;
      return Interp::gen_resume(vm, it.as<GenObj>(), Value::none(), false, &ret);
    }
    default: break;
  }
  if (is_user(it)) {
    bool found = false;
    Value r = call_special(vm, it, "__next__", {}, &found);
    if (found) {
      if (r.is_error() && error_is(vm, vm.b().StopIteration)) {
        vm.take_error();
        return Value::unset();
      }
      return r;
    }
  }
  return type_error(vm, quoted(type_name(vm, it)) + " object is not an iterator");
}

// ---------------------------------------------------------- conversions ----

Value to_int(Vm& vm, const Value& v, const Value& base_value) {
  if (!base_value.is_unset()) {
    std::int64_t base = 10;
    if (!index_of(vm, base_value, &base)) return Value::error();
    if (!v.is(Kind::kStr)) return type_error(vm, "int() can't convert non-string with explicit base");
    if (base != 0 && (base < 2 || base > 36)) return value_error(vm, "int() base must be >= 2 and <= 36, or 0");
    std::int64_t out = 0;
    bool big = false;
    if (!parse_int(str_of(v), static_cast<int>(base), &out, &big)) {
      std::string r = str_repr(str_of(v));
      if (r.size() > 200) r = r.substr(0, 200);
      return value_error(vm, "invalid literal for int() with base " + std::to_string(base) + ": " + r);
    }
    if (big) return overflow(vm, "int()");
    return Value::integer(out);
  }
  switch (v.kind()) {
    case Kind::kInt: return v;
    case Kind::kBool: return Value::integer(v.as_int());
    case Kind::kFloat: return float_to_int(vm, v.as_float());
    case Kind::kDuration: return Value::integer(v.as_duration() / 1000000000);
    case Kind::kStr: return to_int(vm, v, Value::integer(10));
    default: break;
  }
  if (is_user(v)) {
    bool found = false;
    Value r = call_special(vm, v, "__int__", {}, &found);
    if (!found) r = call_special(vm, v, "__index__", {}, &found);
    if (found) {
      if (r.is_error()) return r;
      if (!is_intlike(r)) return type_error(vm, "__int__ returned non-int (type " + type_name(vm, r) + ")");
      return Value::integer(r.as_int());
    }
  }
  return type_error(vm, "int() argument must be a string, a bytes-like object or a real number, not '" +
                            type_name(vm, v) + "'");
}

Value to_float(Vm& vm, const Value& v) {
  switch (v.kind()) {
    case Kind::kFloat: return v;
    case Kind::kInt:
    case Kind::kBool: return Value::floating(static_cast<double>(v.as_int()));
    case Kind::kDuration: return Value::floating(static_cast<double>(v.as_duration()) / 1e9);
    case Kind::kStr: {
      double d = 0;
      if (!parse_float(str_of(v), &d)) return value_error(vm, "could not convert string to float: " + str_repr(str_of(v)));
      return Value::floating(d);
    }
    default: break;
  }
  if (is_user(v)) {
    bool found = false;
    Value r = call_special(vm, v, "__float__", {}, &found);
    if (found) {
      if (r.is_error()) return r;
      if (!r.is(Kind::kFloat)) return type_error(vm, "__float__ returned non-float (type " + type_name(vm, r) + ")");
      return r;
    }
    r = call_special(vm, v, "__index__", {}, &found);
    if (found) {
      if (r.is_error()) return r;
      if (!is_intlike(r)) return type_error(vm, "__index__ returned non-int (type " + type_name(vm, r) + ")");
      return Value::floating(static_cast<double>(r.as_int()));
    }
  }
  return type_error(vm, "float() argument must be a string or a real number, not '" + type_name(vm, v) + "'");
}

bool index_of(Vm& vm, const Value& v, std::int64_t* out) {
  if (is_intlike(v)) {
    *out = v.as_int();
    return true;
  }
  if (is_user(v)) {
    bool found = false;
    Value r = call_special(vm, v, "__index__", {}, &found);
    if (found) {
      if (r.is_error()) return false;
      if (!is_intlike(r)) {
        type_error(vm, "__index__ returned non-int (type " + type_name(vm, r) + ")");
        return false;
      }
      *out = r.as_int();
      return true;
    }
  }
  type_error(vm, quoted(type_name(vm, v)) + " object cannot be interpreted as an integer");
  return false;
}

}  // namespace concsim::vm
