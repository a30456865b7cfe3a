// The methods of the builtin types other than str (ops_str.cc): list,
// tuple, dict, set, frozenset, range, slice, int, float, the iterators,
// and the defaults of `object` (__init__, __repr__, __eq__, __hash__ ...)
// that user classes inherit and reach through super(). Each is a builtin
// with is_method in its class's dict, with CPython 3.11's argument
// checking and messages. The special methods of the builtin types
// (int.__add__, list.__len__ ...) call the same code as the operators.
#include <cmath>
#include <string>
#include <vector>

#include "models/vm/interp.h"
#include "models/vm/library.h"

namespace concsim::vm::lib {

using ast::BinOp;
using ast::CmpOp;

namespace {

Value wrong_self(Vm& vm, const char* name, const char* type, const Value& self) {
  return type_error(vm, std::string("descriptor '") + name + "' for '" + type + "' objects doesn't apply to a '" +
                            type_name(vm, self) + "' object");
}

#define SELF_KIND(kind, name, type) \
  if (!a.self.is(kind)) return wrong_self(vm, name, type, a.self)

// ---------------------------------------------------------------- list ----

Value list_append(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kList, "append", "list");
  Value x[1];
  if (!bind_args(vm, a, {"append", "list.append", ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  a.self.as<ListObj>()->items.push_back(x[0]);
  return Value::none();
}

Value list_extend(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kList, "extend", "list");
  Value x[1];
  if (!bind_args(vm, a, {"extend", "list.extend", ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  Value r = list_inplace_concat(vm, a.self, x[0]);
  if (r.is_error()) return r;
  return Value::none();
}

Value list_insert(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kList, "insert", "list");
  Value x[2];
  if (!bind_args(vm, a, {"insert", "list.insert", ArgStyle::kFastcall, 2, 2, {}}, x)) return Value::error();
  std::int64_t i = 0;
  if (!index_of(vm, x[0], &i)) return Value::error();
  auto& items = a.self.as<ListObj>()->items;
  const auto n = static_cast<std::int64_t>(items.size());
  if (i < 0) {
    i += n;
    if (i < 0) i = 0;
  }
  if (i > n) i = n;
  items.insert(items.begin() + i, x[1]);
  return Value::none();
}

Value list_pop(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kList, "pop", "list");
  Value x[1];
  if (!bind_args(vm, a, {"pop", "list.pop", ArgStyle::kFastcall, 0, 1, {}}, x)) return Value::error();
  std::int64_t i = -1;
  if (!x[0].is_unset() && !index_of(vm, x[0], &i)) return Value::error();
  auto& items = a.self.as<ListObj>()->items;
  if (items.empty()) return index_error(vm, "pop from empty list");
  if (!normalize_index(vm, &i, static_cast<std::int64_t>(items.size()), "pop index out of range")) {
    return Value::error();
  }
  Value v = std::move(items[static_cast<std::size_t>(i)]);
  items.erase(items.begin() + i);
  return v;
}

// The index of the first item equal to x in [start, stop), -1 if none, -2
// after raise. The list is read by index: an __eq__ may change it.
std::int64_t find_item(Vm& vm, const Value& seq, const Value& x, std::int64_t start, std::int64_t stop) {
  for (std::int64_t i = start;; ++i) {
    const auto& items = seq.is(Kind::kList) ? seq.as<ListObj>()->items : seq.as<TupleObj>()->items;
    if (i >= stop || i >= static_cast<std::int64_t>(items.size())) return -1;
    const Value item = items[static_cast<std::size_t>(i)];
    const int eq = equal(vm, item, x);
    if (eq < 0) return -2;
    if (eq > 0) return i;
  }
}

bool index_bound(Vm& vm, const Value& v, std::int64_t n, std::int64_t* out) {
  if (v.is_unset()) return true;
  if (is_intlike(v)) {
    *out = v.as_int();
  } else if (is_user(v) && !vm.lookup_special(v, "__index__").is_unset()) {
    if (!index_of(vm, v, out)) return false;
  } else {
    type_error(vm, "slice indices must be integers or have an __index__ method");
    return false;
  }
  if (*out < 0) {
    *out += n;
    if (*out < 0) *out = 0;
  }
  return true;
}

Value seq_index(Vm& vm, CallArgs& a, bool list) {
  const char* type = list ? "list" : "tuple";
  if (!a.self.is(list ? Kind::kList : Kind::kTuple)) return wrong_self(vm, "index", type, a.self);
  Value x[3];
  if (!bind_args(vm, a, {"index", list ? "list.index" : "tuple.index", ArgStyle::kFastcall, 1, 3, {}}, x)) {
    return Value::error();
  }
  const auto n = static_cast<std::int64_t>(list ? a.self.as<ListObj>()->items.size()
                                                : a.self.as<TupleObj>()->items.size());
  std::int64_t start = 0;
  std::int64_t stop = INT64_MAX;
  if (!index_bound(vm, x[1], n, &start) || !index_bound(vm, x[2], n, &stop)) return Value::error();
  const std::int64_t i = find_item(vm, a.self, x[0], start, stop);
  if (i == -2) return Value::error();
  if (i < 0) {
    if (!list) return value_error(vm, "tuple.index(x): x not in tuple");
    std::string r;
    if (!repr_string(vm, x[0], &r)) return Value::error();
    return value_error(vm, r + " is not in list");
  }
  return Value::integer(i);
}
Value list_index(Vm& vm, CallArgs& a) { return seq_index(vm, a, true); }
Value tuple_index(Vm& vm, CallArgs& a) { return seq_index(vm, a, false); }

Value seq_count(Vm& vm, CallArgs& a, bool list) {
  const char* type = list ? "list" : "tuple";
  if (!a.self.is(list ? Kind::kList : Kind::kTuple)) return wrong_self(vm, "count", type, a.self);
  Value x[1];
  if (!bind_args(vm, a, {"count", list ? "list.count" : "tuple.count", ArgStyle::kOneArg, 1, 1, {}}, x)) {
    return Value::error();
  }
  std::int64_t n = 0;
  for (std::int64_t i = 0;; ++i) {
    const auto& items = list ? a.self.as<ListObj>()->items : a.self.as<TupleObj>()->items;
    if (i >= static_cast<std::int64_t>(items.size())) break;
    const Value item = items[static_cast<std::size_t>(i)];
    const int eq = equal(vm, item, x[0]);
    if (eq < 0) return Value::error();
    n += eq;
  }
  return Value::integer(n);
}
Value list_count(Vm& vm, CallArgs& a) { return seq_count(vm, a, true); }
Value tuple_count(Vm& vm, CallArgs& a) { return seq_count(vm, a, false); }

Value list_remove(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kList, "remove", "list");
  Value x[1];
  if (!bind_args(vm, a, {"remove", "list.remove", ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  const std::int64_t i = find_item(vm, a.self, x[0], 0, INT64_MAX);
  if (i == -2) return Value::error();
  if (i < 0) return value_error(vm, "list.remove(x): x not in list");
  auto& items = a.self.as<ListObj>()->items;
  Value old = std::move(items[static_cast<std::size_t>(i)]);
  items.erase(items.begin() + i);
  return Value::none();
}

Value list_sort(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kList, "sort", "list");
  Value x[2];
  if (!bind_args(vm, a, {"sort", nullptr, ArgStyle::kKeywords, 0, 0, {"key", "reverse"}}, x)) {
    return Value::error();
  }
  std::int64_t reverse = 0;
  if (!x[1].is_unset() && !index_of(vm, x[1], &reverse)) return Value::error();
  // As CPython, the list is empty while it sorts: a key or __lt__ that
  // changes it is detected.
  auto& items = a.self.as<ListObj>()->items;
  std::vector<Value> work = std::move(items);
  items.clear();
  const bool ok = sort_values(vm, &work, x[0].is_unset() ? Value::none() : x[0], reverse != 0);
  const bool modified = !items.empty();
  std::vector<Value> garbage = std::move(items);
  items = std::move(work);
  if (!ok) return Value::error();
  if (modified) return value_error(vm, "list modified during sort");
  return Value::none();
}

Value list_reverse(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kList, "reverse", "list");
  if (!bind_args(vm, a, {"reverse", "list.reverse", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  auto& items = a.self.as<ListObj>()->items;
  std::reverse(items.begin(), items.end());
  return Value::none();
}

Value list_copy(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kList, "copy", "list");
  if (!bind_args(vm, a, {"copy", "list.copy", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  return make_list(a.self.as<ListObj>()->items);
}

Value list_clear(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kList, "clear", "list");
  if (!bind_args(vm, a, {"clear", "list.clear", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  std::vector<Value> old = std::move(a.self.as<ListObj>()->items);
  a.self.as<ListObj>()->items.clear();
  return Value::none();
}

// ---------------------------------------------------------------- dict ----

Value dict_get_m(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kDict, "get", "dict");
  Value x[2];
  if (!bind_args(vm, a, {"get", "dict.get", ArgStyle::kFastcall, 1, 2, {}}, x)) return Value::error();
  Value v = dict_get(vm, a.self, x[0]);
  if (v.is_error()) return v;
  if (v.is_unset()) return x[1].is_unset() ? Value::none() : x[1];
  return v;
}

Value dict_setdefault(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kDict, "setdefault", "dict");
  Value x[2];
  if (!bind_args(vm, a, {"setdefault", "dict.setdefault", ArgStyle::kFastcall, 1, 2, {}}, x)) return Value::error();
  Value v = dict_get(vm, a.self, x[0]);
  if (v.is_error()) return v;
  if (!v.is_unset()) return v;
  Value d = x[1].is_unset() ? Value::none() : x[1];
  if (!dict_set(vm, a.self, x[0], d)) return Value::error();
  return d;
}

Value dict_pop(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kDict, "pop", "dict");
  Value x[2];
  if (!bind_args(vm, a, {"pop", "dict.pop", ArgStyle::kFastcall, 1, 2, {}}, x)) return Value::error();
  Value v = dict_get(vm, a.self, x[0]);
  if (v.is_error()) return v;
  if (v.is_unset()) {
    if (!x[1].is_unset()) return x[1];
    return key_error(vm, x[0]);
  }
  if (dict_del(vm, a.self, x[0]) < 0) return Value::error();
  return v;
}

Value dict_popitem(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kDict, "popitem", "dict");
  if (!bind_args(vm, a, {"popitem", "dict.popitem", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  const auto& entries = a.self.as<DictObj>()->table.entries;
  for (std::size_t i = entries.size(); i > 0; --i) {
    const HashEntry& e = entries[i - 1];
    if (e.key.is_unset()) continue;
    Value item = make_tuple({e.key, e.value});
    const Value key = e.key;
    if (dict_del(vm, a.self, key) < 0) return Value::error();
    return item;
  }
  return key_error(vm, make_str("popitem(): dictionary is empty"));
}

Value dict_view(Vm& vm, CallArgs& a, const char* name, const char* qual, int which) {
  SELF_KIND(Kind::kDict, name, "dict");
  if (!bind_args(vm, a, {name, qual, ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  return make_iter(IterKind::kDictView, a.self, which);
}
Value dict_keys(Vm& vm, CallArgs& a) { return dict_view(vm, a, "keys", "dict.keys", 0); }
Value dict_values(Vm& vm, CallArgs& a) { return dict_view(vm, a, "values", "dict.values", 1); }
Value dict_items(Vm& vm, CallArgs& a) { return dict_view(vm, a, "items", "dict.items", 2); }

Value dict_update_m(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kDict, "update", "dict");
  const std::uint32_t npos = a.npos();
  if (npos > 1) return type_error(vm, "update expected at most 1 argument, got " + std::to_string(npos));
  if (npos == 1 && !dict_update(vm, a.self, a.args[0])) return Value::error();
  for (std::uint32_t k = 0; k < a.nkw; ++k) {
    if (!dict_set(vm, a.self, a.kwnames[k], a.args[npos + k])) return Value::error();
  }
  return Value::none();
}

Value dict_copy(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kDict, "copy", "dict");
  if (!bind_args(vm, a, {"copy", "dict.copy", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  Value d = make_dict();
  if (!dict_update(vm, d, a.self)) return Value::error();
  return d;
}

Value dict_clear(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kDict, "clear", "dict");
  if (!bind_args(vm, a, {"clear", "dict.clear", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  HashTable old = std::move(a.self.as<DictObj>()->table);
  a.self.as<DictObj>()->table = HashTable{};
  return Value::none();
}

// dict.fromkeys(iterable, value=None): a class method (self is the class).
Value dict_fromkeys(Vm& vm, CallArgs& a) {
  Value x[2];
  if (!bind_args(vm, a, {"fromkeys", "dict.fromkeys", ArgStyle::kFastcall, 1, 2, {}}, x)) return Value::error();
  std::vector<Value> keys;
  if (!collect(vm, x[0], &keys)) return Value::error();
  Value d = make_dict();
  const Value v = x[1].is_unset() ? Value::none() : x[1];
  for (const Value& k : keys) {
    if (!dict_set(vm, d, k, v)) return Value::error();
  }
  return d;
}

// ----------------------------------------------------------------- set ----

bool is_set(const Value& v) { return v.is(Kind::kSet); }

Value set_self_check(Vm& vm, CallArgs& a, const char* name) {
  if (!is_set(a.self)) return wrong_self(vm, name, "set", a.self);
  return Value::none();
}

// Each argument as a set (methods take any iterables).
bool as_set(Vm& vm, const Value& v, Value* out) {
  if (v.is(Kind::kSet)) {
    *out = v;
    return true;
  }
  Value s = make_set();
  std::vector<Value> items;
  if (!collect(vm, v, &items)) return false;
  for (const Value& x : items) {
    if (!set_add(vm, s, x)) return false;
  }
  *out = std::move(s);
  return true;
}

Value set_copy_of(Vm& vm, const Value& s, bool frozen) {
  Value out = make_set(frozen);
  for (const HashEntry& e : s.as<SetObj>()->table.entries) {
    if (!e.key.is_unset() && !set_add(vm, out, e.key)) return Value::error();
  }
  return out;
}

Value set_add_m(Vm& vm, CallArgs& a) {
  if (!is_set(a.self) || a.self.as<SetObj>()->frozen) return wrong_self(vm, "add", "set", a.self);
  Value x[1];
  if (!bind_args(vm, a, {"add", "set.add", ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  if (!set_add(vm, a.self, x[0])) return Value::error();
  return Value::none();
}

Value set_discard_remove(Vm& vm, CallArgs& a, bool remove) {
  const char* name = remove ? "remove" : "discard";
  if (!is_set(a.self) || a.self.as<SetObj>()->frozen) return wrong_self(vm, name, "set", a.self);
  Value x[1];
  if (!bind_args(vm, a, {name, remove ? "set.remove" : "set.discard", ArgStyle::kOneArg, 1, 1, {}}, x)) {
    return Value::error();
  }
  const int r = dict_del(vm, a.self, x[0]);
  if (r < 0) return Value::error();
  if (r == 0 && remove) return key_error(vm, x[0]);
  return Value::none();
}
Value set_discard(Vm& vm, CallArgs& a) { return set_discard_remove(vm, a, false); }
Value set_remove(Vm& vm, CallArgs& a) { return set_discard_remove(vm, a, true); }

Value set_pop(Vm& vm, CallArgs& a) {
  if (!is_set(a.self) || a.self.as<SetObj>()->frozen) return wrong_self(vm, "pop", "set", a.self);
  if (!bind_args(vm, a, {"pop", "set.pop", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  // concsim's sets keep insertion order: pop() takes the oldest element.
  for (const HashEntry& e : a.self.as<SetObj>()->table.entries) {
    if (e.key.is_unset()) continue;
    const Value key = e.key;
    if (dict_del(vm, a.self, key) < 0) return Value::error();
    return key;
  }
  return key_error(vm, make_str("pop from an empty set"));
}

Value set_clear(Vm& vm, CallArgs& a) {
  if (!is_set(a.self) || a.self.as<SetObj>()->frozen) return wrong_self(vm, "clear", "set", a.self);
  if (!bind_args(vm, a, {"clear", "set.clear", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  HashTable old = std::move(a.self.as<SetObj>()->table);
  a.self.as<SetObj>()->table = HashTable{};
  return Value::none();
}

Value set_copy(Vm& vm, CallArgs& a) {
  Value c = set_self_check(vm, a, "copy");
  if (c.is_error()) return c;
  if (!bind_args(vm, a, {"copy", "set.copy", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  if (a.self.as<SetObj>()->frozen) return a.self;
  return set_copy_of(vm, a.self, false);
}

// union/intersection/difference with any number of iterables, and their
// _update forms.
Value set_multi(Vm& vm, CallArgs& a, const char* name, BinOp op, bool update) {
  if (!is_set(a.self) || (update && a.self.as<SetObj>()->frozen)) return wrong_self(vm, name, "set", a.self);
  if (!no_keywords(vm, a, (std::string("set.") + name).c_str())) return Value::error();
  Value result = update ? a.self : set_copy_of(vm, a.self, a.self.as<SetObj>()->frozen);
  if (result.is_error()) return result;
  for (std::uint32_t i = 0; i < a.npos(); ++i) {
    Value other;
    if (!as_set(vm, a.args[i], &other)) return Value::error();
    Value r = set_binary(vm, op, result, other, true);
    if (r.is_error()) return r;
    if (result.as<SetObj>()->frozen) result = r;  // a frozenset is never changed in place
  }
  return update ? Value::none() : result;
}
Value set_union(Vm& vm, CallArgs& a) { return set_multi(vm, a, "union", BinOp::kBitOr, false); }
Value set_update(Vm& vm, CallArgs& a) { return set_multi(vm, a, "update", BinOp::kBitOr, true); }
Value set_intersection(Vm& vm, CallArgs& a) { return set_multi(vm, a, "intersection", BinOp::kBitAnd, false); }
Value set_intersection_update(Vm& vm, CallArgs& a) {
  return set_multi(vm, a, "intersection_update", BinOp::kBitAnd, true);
}
Value set_difference(Vm& vm, CallArgs& a) { return set_multi(vm, a, "difference", BinOp::kSub, false); }
Value set_difference_update(Vm& vm, CallArgs& a) { return set_multi(vm, a, "difference_update", BinOp::kSub, true); }

Value set_symmetric(Vm& vm, CallArgs& a, bool update) {
  const char* name = update ? "symmetric_difference_update" : "symmetric_difference";
  if (!is_set(a.self) || (update && a.self.as<SetObj>()->frozen)) return wrong_self(vm, name, "set", a.self);
  Value x[1];
  const std::string qual = std::string("set.") + name;
  if (!bind_args(vm, a, {name, qual.c_str(), ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  Value other;
  if (!as_set(vm, x[0], &other)) return Value::error();
  Value r = set_binary(vm, BinOp::kBitXor, a.self, other, update);
  if (r.is_error()) return r;
  return update ? Value::none() : r;
}
Value set_symmetric_difference(Vm& vm, CallArgs& a) { return set_symmetric(vm, a, false); }
Value set_symmetric_difference_update(Vm& vm, CallArgs& a) { return set_symmetric(vm, a, true); }

Value set_relation(Vm& vm, CallArgs& a, const char* name, int which) {
  if (!is_set(a.self)) return wrong_self(vm, name, "set", a.self);
  Value x[1];
  const std::string qual = std::string("set.") + name;
  if (!bind_args(vm, a, {name, qual.c_str(), ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  Value other;
  if (!as_set(vm, x[0], &other)) return Value::error();
  if (which == 2) {
    Value r = set_binary(vm, BinOp::kBitAnd, a.self, other, false);
    if (r.is_error()) return r;
    return Value::boolean(r.as<SetObj>()->table.used == 0);
  }
  return set_compare(vm, which == 0 ? CmpOp::kLtE : CmpOp::kGtE, a.self, other);
}
Value set_issubset(Vm& vm, CallArgs& a) { return set_relation(vm, a, "issubset", 0); }
Value set_issuperset(Vm& vm, CallArgs& a) { return set_relation(vm, a, "issuperset", 1); }
Value set_isdisjoint(Vm& vm, CallArgs& a) { return set_relation(vm, a, "isdisjoint", 2); }

// --------------------------------------------------------- range, slice ----

Value range_index(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kRange, "index", "range");
  Value x[1];
  if (!bind_args(vm, a, {"index", "range.index", ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  const auto* r = a.self.as<RangeObj>();
  int in = 0;
  if (!range_contains(vm, r, x[0], &in)) return Value::error();
  if (in && is_intlike(x[0])) return Value::integer((x[0].as_int() - r->start) / r->step);
  if (in) {
    for (std::int64_t i = 0, n = range_length(r); i < n; ++i) {
      const int eq = equal(vm, Value::integer(r->start + i * r->step), x[0]);
      if (eq < 0) return Value::error();
      if (eq > 0) return Value::integer(i);
    }
  }
  if (!is_intlike(x[0])) return value_error(vm, "sequence.index(x): x not in sequence");
  std::string rep;
  if (!repr_string(vm, x[0], &rep)) return Value::error();
  return value_error(vm, rep + " is not in range");
}

Value range_count(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kRange, "count", "range");
  Value x[1];
  if (!bind_args(vm, a, {"count", "range.count", ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  const auto* r = a.self.as<RangeObj>();
  if (is_intlike(x[0])) {
    int in = 0;
    if (!range_contains(vm, r, x[0], &in)) return Value::error();
    return Value::integer(in);
  }
  std::int64_t n = 0;
  for (std::int64_t i = 0, len = range_length(r); i < len; ++i) {
    const int eq = equal(vm, Value::integer(r->start + i * r->step), x[0]);
    if (eq < 0) return Value::error();
    n += eq;
  }
  return Value::integer(n);
}

Value slice_indices_m(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kSlice, "indices", "slice");
  Value x[1];
  if (!bind_args(vm, a, {"indices", "slice.indices", ArgStyle::kOneArg, 1, 1, {}}, x)) return Value::error();
  std::int64_t n = 0;
  if (!index_of(vm, x[0], &n)) return Value::error();
  if (n < 0) return value_error(vm, "length should not be negative");
  std::int64_t start, stop, step, count;
  if (!slice_indices(vm, a.self.as<SliceObj>(), n, &start, &stop, &step, &count)) return Value::error();
  return make_tuple({Value::integer(start), Value::integer(stop), Value::integer(step)});
}

// ---------------------------------------------------------- int, float ----

Value int_bit_length(Vm& vm, CallArgs& a) {
  if (!is_intlike(a.self)) return wrong_self(vm, "bit_length", "int", a.self);
  if (!bind_args(vm, a, {"bit_length", "int.bit_length", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) {
    return Value::error();
  }
  const std::int64_t v = a.self.as_int();
  const std::uint64_t m = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  return Value::integer(m == 0 ? 0 : 64 - __builtin_clzll(m));
}

Value int_bit_count(Vm& vm, CallArgs& a) {
  if (!is_intlike(a.self)) return wrong_self(vm, "bit_count", "int", a.self);
  if (!bind_args(vm, a, {"bit_count", "int.bit_count", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) {
    return Value::error();
  }
  const std::int64_t v = a.self.as_int();
  const std::uint64_t m = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  return Value::integer(__builtin_popcountll(m));
}

Value int_as_integer_ratio(Vm& vm, CallArgs& a) {
  if (!is_intlike(a.self)) return wrong_self(vm, "as_integer_ratio", "int", a.self);
  if (!bind_args(vm, a, {"as_integer_ratio", "int.as_integer_ratio", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) {
    return Value::error();
  }
  return make_tuple({Value::integer(a.self.as_int()), Value::integer(1)});
}

Value num_conjugate(Vm& vm, CallArgs& a) {
  if (!is_number(a.self)) return wrong_self(vm, "conjugate", "int", a.self);
  if (is_intlike(a.self)) return Value::integer(a.self.as_int());
  return a.self;
}

Value float_is_integer(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kFloat, "is_integer", "float");
  if (!bind_args(vm, a, {"is_integer", "float.is_integer", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) {
    return Value::error();
  }
  const double d = a.self.as_float();
  return Value::boolean(std::isfinite(d) && std::floor(d) == d);
}

Value float_as_integer_ratio(Vm& vm, CallArgs& a) {
  SELF_KIND(Kind::kFloat, "as_integer_ratio", "float");
  if (!bind_args(vm, a, {"as_integer_ratio", "float.as_integer_ratio", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) {
    return Value::error();
  }
  double d = a.self.as_float();
  if (std::isinf(d)) return vm.raise(vm.b().OverflowError, "cannot convert Infinity to integer ratio");
  if (std::isnan(d)) return value_error(vm, "cannot convert NaN to integer ratio");
  int e = 0;
  double m = std::frexp(d, &e);
  // m * 2^e with m in [0.5, 1): shift the mantissa into an integer.
  for (int i = 0; i < 300 && m != std::floor(m); ++i) {
    m *= 2.0;
    --e;
  }
  if (std::fabs(m) >= 9.2e18) return overflow(vm, "as_integer_ratio()");
  auto num = static_cast<std::int64_t>(m);
  std::int64_t den = 1;
  if (e > 0) {
    for (int i = 0; i < e; ++i) {
      if (__builtin_mul_overflow(num, 2, &num)) return overflow(vm, "as_integer_ratio()");
    }
  } else {
    for (int i = 0; i < -e; ++i) {
      if (__builtin_mul_overflow(den, 2, &den)) return overflow(vm, "as_integer_ratio()");
    }
  }
  return make_tuple({Value::integer(num), Value::integer(den)});
}

// real, imag, numerator, denominator: properties whose getter is a builtin.
Value num_real(Vm&, CallArgs& a) {
  return is_intlike(a.args[0]) ? Value::integer(a.args[0].as_int()) : a.args[0];
}
Value num_imag(Vm&, CallArgs& a) {
  return a.args[0].is(Kind::kFloat) ? Value::floating(0.0) : Value::integer(0);
}
Value int_denominator(Vm&, CallArgs&) { return Value::integer(1); }

// ------------------------------------------------------------ iterators ----

Value iterator_iter(Vm& vm, CallArgs& a) {
  if (a.self.is(Kind::kIterator) && a.self.as<IterObj>()->sub == IterKind::kDictView) return get_iter(vm, a.self);
  return a.self;
}

Value iterator_next(Vm& vm, CallArgs& a) {
  if (!a.self.is(Kind::kIterator) || a.self.as<IterObj>()->sub == IterKind::kDictView) {
    return type_error(vm, quoted(type_name(vm, a.self)) + " object is not an iterator");
  }
  Value r = iter_next(vm, a.self);
  if (r.is_unset()) return vm.raise(vm.b().StopIteration, "");
  return r;
}

Value view_isdisjoint(Vm& vm, CallArgs& a) {
  std::vector<Value> items;
  if (a.nargs != 1 || !collect(vm, a.args[0], &items)) {
    if (a.nargs != 1) return type_error(vm, "isdisjoint() takes exactly one argument (" + std::to_string(a.nargs) + " given)");
    return Value::error();
  }
  for (const Value& x : items) {
    const int c = contains(vm, a.self, x);
    if (c < 0) return Value::error();
    if (c > 0) return Value::boolean(false);
  }
  return Value::boolean(true);
}

// -------------------------------------------------------------- object ----

Value object_init(Vm& vm, CallArgs& a) {
  if (a.nargs == 0) return Value::none();
  const Value type = vm.type_of(a.self);
  const Value init = Interp::lookup_type(type, vm.intern("__init__"));
  const bool overridden = !(init.is(Kind::kBuiltin) && init.as<BuiltinObj>()->owner.same(vm.b().object));
  if (overridden) return type_error(vm, "object.__init__() takes exactly one argument (the instance to initialize)");
  return type_error(vm, type_name(vm, a.self) + "() takes no arguments");
}

Value object_repr(Vm& vm, CallArgs& a) {
  if (is_user(a.self) && !a.self.is(Kind::kNative)) {
    const Value type = vm.type_of(a.self);
    const auto* c = type.as<ClassObj>();
    const std::string& qual = str_of(c->qualname.is(Kind::kStr) ? c->qualname : c->name);
    std::string path = qual;
    if (c->module.is(Kind::kStr) && str_of(c->module) != "builtins") path = str_of(c->module) + "." + qual;
    std::string out = "<";
    out += path;
    out += " object at ";
    out += address_of(vm, a.self);
    out += '>';
    return make_str(std::move(out));
  }
  return repr(vm, a.self);
}

Value object_str(Vm& vm, CallArgs& a) { return repr(vm, a.self); }

Value object_eq(Vm& vm, CallArgs& a) {
  if (a.nargs != 1) return type_error(vm, "expected 1 argument, got " + std::to_string(a.nargs));
  return a.self.same(a.args[0]) ? Value::boolean(true) : Value::not_implemented();
}

Value object_ne(Vm& vm, CallArgs& a) {
  if (a.nargs != 1) return type_error(vm, "expected 1 argument, got " + std::to_string(a.nargs));
  bool found = false;
  Value eq = call_special(vm, a.self, "__eq__", {a.args[0]}, &found);
  if (!found) return a.self.same(a.args[0]) ? Value::boolean(false) : Value::not_implemented();
  if (eq.is_error() || eq.is(Kind::kNotImplemented)) return eq;
  const int t = truthy(vm, eq);
  if (t < 0) return Value::error();
  return Value::boolean(t == 0);
}

Value object_not_implemented(Vm&, CallArgs&) { return Value::not_implemented(); }

Value object_hash(Vm& vm, CallArgs& a) {
  const auto id = static_cast<std::uint64_t>(object_id(vm, a.self));
  return Value::integer(static_cast<std::int64_t>((id >> 4) | (id << 60)));
}

Value object_format(Vm& vm, CallArgs& a) {
  if (a.nargs != 1 || !a.args[0].is(Kind::kStr)) {
    return type_error(vm, "__format__() argument must be str, not " +
                              (a.nargs == 1 ? type_name(vm, a.args[0]) : std::string("nothing")));
  }
  if (!str_of(a.args[0]).empty()) {
    return type_error(vm, "unsupported format string passed to " + type_name(vm, a.self) + ".__format__");
  }
  return str(vm, a.self);
}

// object.__setattr__ / __delattr__: the instance's dict, past any
// __setattr__ of the class (so that a user __setattr__ can call it).
Value object_setattr(Vm& vm, CallArgs& a) {
  if (a.nargs != 2 || !a.args[0].is(Kind::kStr)) return type_error(vm, "expected 2 arguments: name, value");
  if (!a.self.is(Kind::kInstance) && !a.self.is(Kind::kException)) {
    return Interp::set_attr(vm, a.self, vm.intern(str_of(a.args[0])), a.args[1]);
  }
  const Value name = vm.intern(str_of(a.args[0]));
  Value descr = Interp::lookup_type(vm.type_of(a.self), name);
  if (descr.is(Kind::kProperty) && descr.as<PropertyObj>()->sub == PropertyKind::kProperty) {
    auto* p = descr.as<PropertyObj>();
    if (p->fset.is_none()) return vm.raise(vm.b().AttributeError, "can't set attribute '" + str_of(name) + "'");
    const Value args[2] = {a.self, a.args[1]};
    Value r = vm.call(p->fset, args);
    return r.is_error() ? r : Value::none();
  }
  Value& d = a.self.as<InstanceObj>()->dict;
  if (d.is_none() || d.is_unset()) d = make_dict();
  dict_set_str(d, name, a.args[1]);
  return Value::none();
}

Value object_delattr(Vm& vm, CallArgs& a) {
  if (a.nargs != 1 || !a.args[0].is(Kind::kStr)) return type_error(vm, "expected 1 argument: name");
  return Interp::del_attr(vm, a.self, vm.intern(str_of(a.args[0])));
}

Value object_getattribute(Vm& vm, CallArgs& a) {
  if (a.nargs != 1 || !a.args[0].is(Kind::kStr)) return type_error(vm, "expected 1 argument: name");
  return Interp::get_attr(vm, a.self, vm.intern(str_of(a.args[0])));
}

// ------------------------------------------------------------ property ----

Value property_with(Vm& vm, CallArgs& a, int which) {
  if (!a.self.is(Kind::kProperty) || a.nargs != 1) return type_error(vm, "property accessor takes one argument");
  const auto* p = a.self.as<PropertyObj>();
  Value q = make<PropertyObj>(PropertyKind::kProperty);
  auto* n = q.as<PropertyObj>();
  n->fget = which == 0 ? a.args[0] : p->fget;
  n->fset = which == 1 ? a.args[0] : p->fset;
  n->fdel = which == 2 ? a.args[0] : p->fdel;
  n->doc = p->doc;
  return q;
}
Value property_getter(Vm& vm, CallArgs& a) { return property_with(vm, a, 0); }
Value property_setter(Vm& vm, CallArgs& a) { return property_with(vm, a, 1); }
Value property_deleter(Vm& vm, CallArgs& a) { return property_with(vm, a, 2); }

// ------------------------------------------- special methods of builtins ----

// int.__add__ and friends call the operators' code; the BinOp, the
// reflected flag and the kind of operation travel in BuiltinObj::data.
enum class Dunder : std::uintptr_t {
  kBinary = 1, kReflected, kInplace, kCompare, kLen, kGetItem, kSetItem, kDelItem, kContains, kIter,
  kHash, kRepr, kStr, kBool, kInt, kFloat, kIndex, kNeg, kPos, kAbs, kInvert, kFormat, kRound, kReversed,
};

std::uintptr_t pack(Dunder d, int op) { return static_cast<std::uintptr_t>(d) | (static_cast<std::uintptr_t>(op) << 8); }

Value native_dunder(Vm& vm, CallArgs& a) {
  const auto packed = reinterpret_cast<std::uintptr_t>(a.data);
  const auto d = static_cast<Dunder>(packed & 0xFF);
  const int op = static_cast<int>(packed >> 8);
  const Value& self = a.self;
  auto arg = [&](std::uint32_t i) -> const Value& { return a.args[i]; };
  auto need = [&](std::uint32_t n) {
    if (a.nargs == n) return true;
    type_error(vm, "expected " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ", got " +
                       std::to_string(a.nargs));
    return false;
  };
  switch (d) {
    case Dunder::kBinary:
    case Dunder::kReflected:
    case Dunder::kInplace: {
      if (!need(1)) return Value::error();
      const auto bop = static_cast<BinOp>(op);
      if (d == Dunder::kInplace) return binary_op(vm, bop, self, arg(0), true);
      // int's methods take ints only (float's take both): (7).__add__(2.5)
      // is NotImplemented, as CPython's long_add.
      if (is_intlike(self) && !is_intlike(arg(0))) return Value::not_implemented();
      Value r = d == Dunder::kBinary ? native_binary_op(vm, bop, self, arg(0)) : native_binary_op(vm, bop, arg(0), self);
      return r;
    }
    case Dunder::kCompare:
      if (!need(1)) return Value::error();
      if (is_intlike(self) && !is_intlike(arg(0))) return Value::not_implemented();
      return native_compare_op(vm, static_cast<CmpOp>(op), self, arg(0));
    case Dunder::kLen: {
      const std::int64_t n = length(vm, self);
      return n < 0 ? Value::error() : Value::integer(n);
    }
    case Dunder::kGetItem: return need(1) ? getitem(vm, self, arg(0)) : Value::error();
    case Dunder::kSetItem: return need(2) ? setitem(vm, self, arg(0), arg(1)) : Value::error();
    case Dunder::kDelItem: return need(1) ? delitem(vm, self, arg(0)) : Value::error();
    case Dunder::kContains: {
      if (!need(1)) return Value::error();
      const int c = contains(vm, self, arg(0));
      return c < 0 ? Value::error() : Value::boolean(c == 1);
    }
    case Dunder::kIter: return get_iter(vm, self);
    case Dunder::kHash: {
      std::uint64_t h = 0;
      bool by_identity = false;
      if (!hash_value(vm, self, &h, &by_identity)) return Value::error();
      return Value::integer(static_cast<std::int64_t>(h));
    }
    case Dunder::kRepr: return repr(vm, self);
    case Dunder::kStr: return str(vm, self);
    case Dunder::kBool: {
      const int t = truthy(vm, self);
      return t < 0 ? Value::error() : Value::boolean(t == 1);
    }
    case Dunder::kInt: return to_int(vm, self, Value::unset());
    case Dunder::kFloat: return to_float(vm, self);
    case Dunder::kIndex: return Value::integer(self.as_int());
    case Dunder::kNeg: return unary_op(vm, ast::UnaryOp::kUSub, self);
    case Dunder::kPos: return unary_op(vm, ast::UnaryOp::kUAdd, self);
    case Dunder::kInvert: return unary_op(vm, ast::UnaryOp::kInvert, self);
    case Dunder::kAbs: {
      if (is_intlike(self)) {
        if (self.as_int() == INT64_MIN) return overflow(vm, "abs()");
        return Value::integer(self.as_int() < 0 ? -self.as_int() : self.as_int());
      }
      if (self.is(Kind::kFloat)) return Value::floating(std::fabs(self.as_float()));
      return Value::not_implemented();
    }
    case Dunder::kFormat: return need(1) ? format(vm, self, arg(0)) : Value::error();
    case Dunder::kRound: return number_round(vm, self, a.nargs > 0 ? arg(0) : Value::unset());
    case Dunder::kReversed: return Value::not_implemented();
  }
  return Value::not_implemented();
}

void def(Vm& vm, const Value& cls, const char* name, NativeFn fn) {
  vm.set_class_attr(cls, name, vm.make_builtin(name, fn, nullptr, true));
}

void def_dunder(Vm& vm, const Value& cls, const char* name, Dunder d, int op = 0) {
  vm.set_class_attr(cls, name,
                    vm.make_builtin(name, native_dunder, reinterpret_cast<void*>(pack(d, op)), true));
}

void def_property(Vm& vm, const Value& cls, const char* name, NativeFn getter) {
  Value p = make<PropertyObj>(PropertyKind::kProperty);
  p.as<PropertyObj>()->fget = vm.make_builtin(name, getter);
  vm.set_class_attr(cls, name, std::move(p));
}

void def_binary(Vm& vm, const Value& cls, BinOp op, const char* fwd, const char* rev) {
  def_dunder(vm, cls, fwd, Dunder::kBinary, static_cast<int>(op));
  if (rev != nullptr) def_dunder(vm, cls, rev, Dunder::kReflected, static_cast<int>(op));
}

void def_comparisons(Vm& vm, const Value& cls) {
  def_dunder(vm, cls, "__eq__", Dunder::kCompare, static_cast<int>(CmpOp::kEq));
  def_dunder(vm, cls, "__ne__", Dunder::kCompare, static_cast<int>(CmpOp::kNotEq));
  def_dunder(vm, cls, "__lt__", Dunder::kCompare, static_cast<int>(CmpOp::kLt));
  def_dunder(vm, cls, "__le__", Dunder::kCompare, static_cast<int>(CmpOp::kLtE));
  def_dunder(vm, cls, "__gt__", Dunder::kCompare, static_cast<int>(CmpOp::kGt));
  def_dunder(vm, cls, "__ge__", Dunder::kCompare, static_cast<int>(CmpOp::kGtE));
}

void def_container(Vm& vm, const Value& cls, bool mutable_items) {
  def_dunder(vm, cls, "__len__", Dunder::kLen);
  def_dunder(vm, cls, "__contains__", Dunder::kContains);
  def_dunder(vm, cls, "__iter__", Dunder::kIter);
  if (mutable_items) {
    def_dunder(vm, cls, "__setitem__", Dunder::kSetItem);
    def_dunder(vm, cls, "__delitem__", Dunder::kDelItem);
  }
}

void def_common(Vm& vm, const Value& cls) {
  def_dunder(vm, cls, "__repr__", Dunder::kRepr);
  def_dunder(vm, cls, "__str__", Dunder::kStr);
  def_dunder(vm, cls, "__hash__", Dunder::kHash);
  def_dunder(vm, cls, "__format__", Dunder::kFormat);
  def_comparisons(vm, cls);
}

void install_numbers(Vm& vm) {
  const Builtins& b = vm.b();
  for (const Value* cls : {&b.int_, &b.float_}) {
    const bool is_int = cls == &b.int_;
    def_common(vm, *cls);
    def_binary(vm, *cls, BinOp::kAdd, "__add__", "__radd__");
    def_binary(vm, *cls, BinOp::kSub, "__sub__", "__rsub__");
    def_binary(vm, *cls, BinOp::kMult, "__mul__", "__rmul__");
    def_binary(vm, *cls, BinOp::kDiv, "__truediv__", "__rtruediv__");
    def_binary(vm, *cls, BinOp::kFloorDiv, "__floordiv__", "__rfloordiv__");
    def_binary(vm, *cls, BinOp::kMod, "__mod__", "__rmod__");
    def_binary(vm, *cls, BinOp::kPow, "__pow__", "__rpow__");
    if (is_int) {
      def_binary(vm, *cls, BinOp::kLShift, "__lshift__", "__rlshift__");
      def_binary(vm, *cls, BinOp::kRShift, "__rshift__", "__rrshift__");
      def_binary(vm, *cls, BinOp::kBitAnd, "__and__", "__rand__");
      def_binary(vm, *cls, BinOp::kBitOr, "__or__", "__ror__");
      def_binary(vm, *cls, BinOp::kBitXor, "__xor__", "__rxor__");
      def_dunder(vm, *cls, "__invert__", Dunder::kInvert);
      def_dunder(vm, *cls, "__index__", Dunder::kIndex);
      def(vm, *cls, "bit_length", int_bit_length);
      def(vm, *cls, "bit_count", int_bit_count);
      def(vm, *cls, "as_integer_ratio", int_as_integer_ratio);
      def_property(vm, *cls, "numerator", num_real);
      def_property(vm, *cls, "denominator", int_denominator);
    } else {
      def(vm, *cls, "is_integer", float_is_integer);
      def(vm, *cls, "as_integer_ratio", float_as_integer_ratio);
    }
    def_dunder(vm, *cls, "__neg__", Dunder::kNeg);
    def_dunder(vm, *cls, "__pos__", Dunder::kPos);
    def_dunder(vm, *cls, "__abs__", Dunder::kAbs);
    def_dunder(vm, *cls, "__bool__", Dunder::kBool);
    def_dunder(vm, *cls, "__int__", Dunder::kInt);
    def_dunder(vm, *cls, "__float__", Dunder::kFloat);
    def_dunder(vm, *cls, "__round__", Dunder::kRound);
    def(vm, *cls, "conjugate", num_conjugate);
    def_property(vm, *cls, "real", num_real);
    def_property(vm, *cls, "imag", num_imag);
  }
}

void install_containers(Vm& vm) {
  const Builtins& b = vm.b();
  // list
  def_common(vm, b.list);
  def_container(vm, b.list, true);
  def_dunder(vm, b.list, "__getitem__", Dunder::kGetItem);
  def_binary(vm, b.list, BinOp::kAdd, "__add__", nullptr);
  def_binary(vm, b.list, BinOp::kMult, "__mul__", "__rmul__");
  def_dunder(vm, b.list, "__iadd__", Dunder::kInplace, static_cast<int>(BinOp::kAdd));
  def_dunder(vm, b.list, "__imul__", Dunder::kInplace, static_cast<int>(BinOp::kMult));
  struct M {
    const char* name;
    NativeFn fn;
  };
  for (const M& m : {M{"append", list_append}, M{"extend", list_extend}, M{"insert", list_insert},
                     M{"pop", list_pop}, M{"remove", list_remove}, M{"index", list_index},
                     M{"count", list_count}, M{"sort", list_sort}, M{"reverse", list_reverse},
                     M{"copy", list_copy}, M{"clear", list_clear}}) {
    def(vm, b.list, m.name, m.fn);
  }
  // tuple
  def_common(vm, b.tuple);
  def_container(vm, b.tuple, false);
  def_dunder(vm, b.tuple, "__getitem__", Dunder::kGetItem);
  def_binary(vm, b.tuple, BinOp::kAdd, "__add__", nullptr);
  def_binary(vm, b.tuple, BinOp::kMult, "__mul__", "__rmul__");
  def(vm, b.tuple, "index", tuple_index);
  def(vm, b.tuple, "count", tuple_count);
  // str's special methods (its named methods are ops_str.cc's)
  def_common(vm, b.str);
  def_container(vm, b.str, false);
  def_dunder(vm, b.str, "__getitem__", Dunder::kGetItem);
  def_binary(vm, b.str, BinOp::kAdd, "__add__", nullptr);
  def_binary(vm, b.str, BinOp::kMult, "__mul__", "__rmul__");
  def_binary(vm, b.str, BinOp::kMod, "__mod__", nullptr);
  // dict
  def_common(vm, b.dict);
  def_container(vm, b.dict, true);
  def_dunder(vm, b.dict, "__getitem__", Dunder::kGetItem);
  def_binary(vm, b.dict, BinOp::kBitOr, "__or__", "__ror__");
  def_dunder(vm, b.dict, "__ior__", Dunder::kInplace, static_cast<int>(BinOp::kBitOr));
  for (const M& m : {M{"get", dict_get_m}, M{"setdefault", dict_setdefault}, M{"pop", dict_pop},
                     M{"popitem", dict_popitem}, M{"keys", dict_keys}, M{"values", dict_values},
                     M{"items", dict_items}, M{"update", dict_update_m}, M{"copy", dict_copy},
                     M{"clear", dict_clear}}) {
    def(vm, b.dict, m.name, m.fn);
  }
  Value fromkeys = make<PropertyObj>(PropertyKind::kClassMethod);
  fromkeys.as<PropertyObj>()->fget = vm.make_builtin("fromkeys", dict_fromkeys, nullptr, true);
  vm.set_class_attr(b.dict, "fromkeys", std::move(fromkeys));
  // set and frozenset
  for (const Value* cls : {&b.set, &b.frozenset}) {
    const bool frozen = cls == &b.frozenset;
    def_common(vm, *cls);
    def_container(vm, *cls, false);
    def_binary(vm, *cls, BinOp::kBitOr, "__or__", "__ror__");
    def_binary(vm, *cls, BinOp::kBitAnd, "__and__", "__rand__");
    def_binary(vm, *cls, BinOp::kSub, "__sub__", "__rsub__");
    def_binary(vm, *cls, BinOp::kBitXor, "__xor__", "__rxor__");
    for (const M& m : {M{"copy", set_copy}, M{"union", set_union}, M{"intersection", set_intersection},
                       M{"difference", set_difference}, M{"symmetric_difference", set_symmetric_difference},
                       M{"issubset", set_issubset}, M{"issuperset", set_issuperset},
                       M{"isdisjoint", set_isdisjoint}}) {
      def(vm, *cls, m.name, m.fn);
    }
    if (frozen) continue;
    def_dunder(vm, *cls, "__ior__", Dunder::kInplace, static_cast<int>(BinOp::kBitOr));
    def_dunder(vm, *cls, "__iand__", Dunder::kInplace, static_cast<int>(BinOp::kBitAnd));
    def_dunder(vm, *cls, "__isub__", Dunder::kInplace, static_cast<int>(BinOp::kSub));
    def_dunder(vm, *cls, "__ixor__", Dunder::kInplace, static_cast<int>(BinOp::kBitXor));
    for (const M& m : {M{"add", set_add_m}, M{"discard", set_discard}, M{"remove", set_remove},
                       M{"pop", set_pop}, M{"clear", set_clear}, M{"update", set_update},
                       M{"intersection_update", set_intersection_update},
                       M{"difference_update", set_difference_update},
                       M{"symmetric_difference_update", set_symmetric_difference_update}}) {
      def(vm, *cls, m.name, m.fn);
    }
  }
  // The mutable containers are unhashable.
  for (const Value* cls : {&b.list, &b.dict, &b.set}) vm.set_class_attr(*cls, "__hash__", Value::none());
  // range, slice
  def_common(vm, b.range);
  def_container(vm, b.range, false);
  def_dunder(vm, b.range, "__getitem__", Dunder::kGetItem);
  def(vm, b.range, "index", range_index);
  def(vm, b.range, "count", range_count);
  def(vm, b.slice, "indices", slice_indices_m);
  def_comparisons(vm, b.slice);
  // iterators (and dict views, which share the class)
  def(vm, b.iterator, "__iter__", iterator_iter);
  def(vm, b.iterator, "__next__", iterator_next);
  def(vm, b.iterator, "isdisjoint", view_isdisjoint);
  def_dunder(vm, b.iterator, "__len__", Dunder::kLen);
  def_dunder(vm, b.iterator, "__contains__", Dunder::kContains);
  // bool shares int's methods through its base; NoneType its repr.
  def_dunder(vm, b.none_type, "__repr__", Dunder::kRepr);
  def_dunder(vm, b.none_type, "__bool__", Dunder::kBool);
}

void install_object(Vm& vm) {
  const Value& obj = vm.b().object;
  struct M {
    const char* name;
    NativeFn fn;
  };
  for (const M& m : {M{"__init__", object_init}, M{"__repr__", object_repr}, M{"__str__", object_str},
                     M{"__eq__", object_eq}, M{"__ne__", object_ne}, M{"__lt__", object_not_implemented},
                     M{"__le__", object_not_implemented}, M{"__gt__", object_not_implemented},
                     M{"__ge__", object_not_implemented}, M{"__hash__", object_hash},
                     M{"__format__", object_format}, M{"__setattr__", object_setattr},
                     M{"__delattr__", object_delattr}, M{"__getattribute__", object_getattribute}}) {
    def(vm, obj, m.name, m.fn);
  }
  const Value& prop = vm.b().property;
  def(vm, prop, "getter", property_getter);
  def(vm, prop, "setter", property_setter);
  def(vm, prop, "deleter", property_deleter);
}

#undef SELF_KIND

}  // namespace

void install_type_methods(Vm& vm) {
  install_object(vm);
  install_numbers(vm);
  install_containers(vm);
}

}  // namespace concsim::vm::lib
