// list, tuple, dict, set/frozenset, range and slice: indexing and slicing,
// the operators, comparison, repr, iteration and the methods, as CPython
// 3.11's Objects/listobject.c, tupleobject.c, dictobject.c, setobject.c and
// rangeobject.c, with their messages. The hash tables themselves (lookup,
// insertion, deletion) are object.cc's; this file only calls them.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "models/vm/library.h"

namespace concsim::vm::lib {

using ast::BinOp;
using ast::CmpOp;

// ------------------------------------------------------------ indexes ----

bool normalize_index(Vm& vm, std::int64_t* i, std::int64_t n, const char* msg) {
  if (*i < 0) *i += n;
  if (*i < 0 || *i >= n) {
    index_error(vm, msg);
    return false;
  }
  return true;
}

namespace {

bool slice_part(Vm& vm, const Value& v, std::int64_t* out) {
  if (is_intlike(v)) {
    *out = v.as_int();
    return true;
  }
  if (is_user(v) && !vm.lookup_special(v, "__index__").is_unset()) return index_of(vm, v, out);
  type_error(vm, "slice indices must be integers or None or have an __index__ method");
  return false;
}

}  // namespace

bool slice_indices(Vm& vm, const SliceObj* s, std::int64_t n, std::int64_t* start, std::int64_t* stop,
                   std::int64_t* step, std::int64_t* count) {
  // PySlice_Unpack then PySlice_AdjustIndices.
  *step = 1;
  if (!s->step.is_none() && !slice_part(vm, s->step, step)) return false;
  if (*step == 0) {
    value_error(vm, "slice step cannot be zero");
    return false;
  }
  if (*step < -INT64_MAX) *step = -INT64_MAX;  // so that -step cannot overflow
  if (s->start.is_none()) {
    *start = *step < 0 ? INT64_MAX : 0;
  } else if (!slice_part(vm, s->start, start)) {
    return false;
  }
  if (s->stop.is_none()) {
    *stop = *step < 0 ? INT64_MIN : INT64_MAX;
  } else if (!slice_part(vm, s->stop, stop)) {
    return false;
  }
  auto adjust = [&](std::int64_t* v) {
    if (*v < 0) {
      if (*v < -n) {
        *v = *step < 0 ? -1 : 0;
      } else {
        *v += n;
      }
    } else if (*v >= n) {
      *v = *step < 0 ? n - 1 : n;
    }
  };
  adjust(start);
  adjust(stop);
  if (*step < 0) {
    *count = *stop < *start ? (*start - *stop - 1) / (-*step) + 1 : 0;
  } else {
    *count = *start < *stop ? (*stop - *start - 1) / *step + 1 : 0;
  }
  return true;
}

namespace {

const std::vector<Value>& items_of(const Value& v) {
  return v.is(Kind::kList) ? v.as<ListObj>()->items : v.as<TupleObj>()->items;
}

bool key_to_index(Vm& vm, const Value& key, std::int64_t* i, const char* type) {
  if (is_intlike(key)) {
    *i = key.as_int();
    return true;
  }
  if (is_user(key) && !vm.lookup_special(key, "__index__").is_unset()) return index_of(vm, key, i);
  type_error(vm, std::string(type) + " indices must be integers or slices, not " + type_name(vm, key));
  return false;
}

}  // namespace

std::int64_t range_length(const RangeObj* r) {
  if (r->step > 0) {
    if (r->start >= r->stop) return 0;
    return static_cast<std::int64_t>((static_cast<Int128>(r->stop) - r->start - 1) / r->step + 1);
  }
  if (r->start <= r->stop) return 0;
  return static_cast<std::int64_t>((static_cast<Int128>(r->start) - r->stop - 1) / (-static_cast<Int128>(r->step)) + 1);
}

Value seq_getitem(Vm& vm, const Value& seq, const Value& key) {
  if (seq.is(Kind::kRange)) {
    const auto* r = seq.as<RangeObj>();
    const std::int64_t n = range_length(r);
    if (key.is(Kind::kSlice)) {
      std::int64_t start, stop, step, count;
      if (!slice_indices(vm, key.as<SliceObj>(), n, &start, &stop, &step, &count)) return Value::error();
      // compute_slice of rangeobject.c: the bounds mapped through the range.
      (void)count;
      const Int128 new_step = static_cast<Int128>(step) * r->step;
      const Int128 new_start = r->start + static_cast<Int128>(start) * r->step;
      const Int128 new_stop = r->start + static_cast<Int128>(stop) * r->step;
      if (new_step > INT64_MAX || new_step < INT64_MIN || new_stop > INT64_MAX || new_stop < INT64_MIN) {
        return overflow(vm, "range slice");
      }
      return make<RangeObj>(static_cast<std::int64_t>(new_start), static_cast<std::int64_t>(new_stop),
                            static_cast<std::int64_t>(new_step));
    }
    std::int64_t i = 0;
    if (!key_to_index(vm, key, &i, "range")) return Value::error();
    if (!normalize_index(vm, &i, n, "range object index out of range")) return Value::error();
    return Value::integer(r->start + i * r->step);
  }
  const bool is_list = seq.is(Kind::kList);
  const std::vector<Value>& items = items_of(seq);
  const auto n = static_cast<std::int64_t>(items.size());
  if (key.is(Kind::kSlice)) {
    std::int64_t start, stop, step, count;
    if (!slice_indices(vm, key.as<SliceObj>(), n, &start, &stop, &step, &count)) return Value::error();
    std::vector<Value> out;
    out.reserve(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)));
    for (std::int64_t k = 0, i = start; k < count; ++k, i += step) out.push_back(items[static_cast<std::size_t>(i)]);
    if (!is_list && step == 1 && count == n) return seq;
    return is_list ? make_list(std::move(out)) : make_tuple(std::move(out));
  }
  std::int64_t i = 0;
  if (!key_to_index(vm, key, &i, is_list ? "list" : "tuple")) return Value::error();
  if (!normalize_index(vm, &i, n, is_list ? "list index out of range" : "tuple index out of range")) {
    return Value::error();
  }
  return items[static_cast<std::size_t>(i)];
}

Value list_setitem(Vm& vm, const Value& list, const Value& key, const Value& v) {
  auto& items = list.as<ListObj>()->items;
  const auto n = static_cast<std::int64_t>(items.size());
  if (key.is(Kind::kSlice)) {
    std::int64_t start, stop, step, count;
    if (!slice_indices(vm, key.as<SliceObj>(), n, &start, &stop, &step, &count)) return Value::error();
    std::vector<Value> seq;
    if (v.same(list)) {
      seq = items;
    } else if (!collect(vm, v, &seq)) {
      if (error_is(vm, vm.b().TypeError) && get_iter(vm, v).is_error()) {
        vm.take_error();
        return type_error(vm, step == 1 ? "can only assign an iterable" : "must assign iterable to extended slice");
      }
      return Value::error();
    }
    if (step == 1) {
      if (stop < start) stop = start;
      std::vector<Value> out;
      out.reserve(items.size() - static_cast<std::size_t>(stop - start) + seq.size());
      for (std::int64_t i = 0; i < start; ++i) out.push_back(std::move(items[static_cast<std::size_t>(i)]));
      for (Value& x : seq) out.push_back(std::move(x));
      for (std::int64_t i = stop; i < n; ++i) out.push_back(std::move(items[static_cast<std::size_t>(i)]));
      std::vector<Value> old = std::move(items);
      items = std::move(out);
      return Value::none();
    }
    if (static_cast<std::int64_t>(seq.size()) != count) {
      return value_error(vm, "attempt to assign sequence of size " + std::to_string(seq.size()) +
                                 " to extended slice of size " + std::to_string(count));
    }
    for (std::int64_t k = 0, i = start; k < count; ++k, i += step) {
      Value old = std::move(items[static_cast<std::size_t>(i)]);
      items[static_cast<std::size_t>(i)] = seq[static_cast<std::size_t>(k)];
    }
    return Value::none();
  }
  std::int64_t i = 0;
  if (!key_to_index(vm, key, &i, "list")) return Value::error();
  if (!normalize_index(vm, &i, n, "list assignment index out of range")) return Value::error();
  Value old = std::move(items[static_cast<std::size_t>(i)]);
  items[static_cast<std::size_t>(i)] = v;
  return Value::none();
}

Value list_delitem(Vm& vm, const Value& list, const Value& key) {
  auto& items = list.as<ListObj>()->items;
  const auto n = static_cast<std::int64_t>(items.size());
  if (key.is(Kind::kSlice)) {
    std::int64_t start, stop, step, count;
    if (!slice_indices(vm, key.as<SliceObj>(), n, &start, &stop, &step, &count)) return Value::error();
    if (count <= 0) return Value::none();
    std::vector<bool> drop(items.size(), false);
    for (std::int64_t k = 0, i = start; k < count; ++k, i += step) drop[static_cast<std::size_t>(i)] = true;
    std::vector<Value> kept;
    std::vector<Value> dropped;
    for (std::size_t i = 0; i < items.size(); ++i) {
      (drop[i] ? dropped : kept).push_back(std::move(items[i]));
    }
    items = std::move(kept);
    return Value::none();
  }
  std::int64_t i = 0;
  if (!key_to_index(vm, key, &i, "list")) return Value::error();
  if (!normalize_index(vm, &i, n, "list assignment index out of range")) return Value::error();
  Value old = std::move(items[static_cast<std::size_t>(i)]);
  items.erase(items.begin() + i);
  return Value::none();
}

Value seq_concat(Vm& vm, const Value& a, const Value& b) {
  (void)vm;
  const auto& x = items_of(a);
  const auto& y = items_of(b);
  std::vector<Value> out;
  out.reserve(x.size() + y.size());
  out.insert(out.end(), x.begin(), x.end());
  out.insert(out.end(), y.begin(), y.end());
  return a.is(Kind::kList) ? make_list(std::move(out)) : make_tuple(std::move(out));
}

Value seq_repeat(Vm& vm, const Value& seq, std::int64_t n) {
  const auto& x = items_of(seq);
  std::vector<Value> out;
  if (n > 0 && !x.empty()) {
    if (static_cast<std::uint64_t>(n) > (1ULL << 36) / x.size()) return vm.raise(vm.b().MemoryError, "");
    out.reserve(x.size() * static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) out.insert(out.end(), x.begin(), x.end());
  }
  if (seq.is(Kind::kTuple) && n == 1) return seq;
  return seq.is(Kind::kList) ? make_list(std::move(out)) : make_tuple(std::move(out));
}

Value list_inplace_concat(Vm& vm, const Value& list, const Value& other) {
  std::vector<Value> extra;
  if (other.same(list)) {
    extra = list.as<ListObj>()->items;
  } else if (!collect(vm, other, &extra)) {
    return Value::error();
  }
  auto& items = list.as<ListObj>()->items;
  for (Value& x : extra) items.push_back(std::move(x));
  return list;
}

Value list_inplace_repeat(Vm& vm, const Value& list, std::int64_t n) {
  auto& items = list.as<ListObj>()->items;
  if (n <= 0) {
    std::vector<Value> old = std::move(items);
    items.clear();
    return list;
  }
  if (!items.empty() && static_cast<std::uint64_t>(n) > (1ULL << 36) / items.size()) {
    return vm.raise(vm.b().MemoryError, "");
  }
  const std::vector<Value> copy = items;
  for (std::int64_t i = 1; i < n; ++i) items.insert(items.end(), copy.begin(), copy.end());
  return list;
}

// -------------------------------------------------------- comparison ----

namespace {

bool cmp_result(std::int64_t x, std::int64_t y, CmpOp op) {
  switch (op) {
    case CmpOp::kEq: return x == y;
    case CmpOp::kNotEq: return x != y;
    case CmpOp::kLt: return x < y;
    case CmpOp::kLtE: return x <= y;
    case CmpOp::kGt: return x > y;
    case CmpOp::kGtE: return x >= y;
    default: return false;
  }
}

}  // namespace

Value seq_compare(Vm& vm, CmpOp op, const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return Value::not_implemented();
  DepthGuard guard(vm, " in comparison");
  if (!guard.ok()) return Value::error();
  if (a.is(Kind::kRange)) {
    if (op != CmpOp::kEq && op != CmpOp::kNotEq) return Value::not_implemented();
    const auto* x = a.as<RangeObj>();
    const auto* y = b.as<RangeObj>();
    const std::int64_t n = range_length(x);
    bool eq = n == range_length(y);
    if (eq && n > 0) eq = x->start == y->start && (n == 1 || x->step == y->step);
    return Value::boolean(op == CmpOp::kEq ? eq : !eq);
  }
  // Copies: an __eq__ may change either sequence while it runs.
  const std::vector<Value> x = items_of(a);
  const std::vector<Value> y = items_of(b);
  if (x.size() != y.size() && (op == CmpOp::kEq || op == CmpOp::kNotEq)) {
    return Value::boolean(op == CmpOp::kNotEq);
  }
  std::size_t i = 0;
  for (; i < x.size() && i < y.size(); ++i) {
    const int k = equal(vm, x[i], y[i]);
    if (k < 0) return Value::error();
    if (k == 0) break;
  }
  if (i >= x.size() || i >= y.size()) {
    return Value::boolean(cmp_result(static_cast<std::int64_t>(x.size()), static_cast<std::int64_t>(y.size()), op));
  }
  if (op == CmpOp::kEq) return Value::boolean(false);
  if (op == CmpOp::kNotEq) return Value::boolean(true);
  return rich_compare(vm, op, x[i], y[i]);
}

namespace {

const HashTable& table_of(const Value& v) {
  return v.is(Kind::kDict) ? v.as<DictObj>()->table : v.as<SetObj>()->table;
}

// 1 if every key of a is in b, 0 if not, -1 after raise.
int keys_subset(Vm& vm, const Value& a, const Value& b) {
  const HashTable& ta = table_of(a);
  const HashTable& tb = table_of(b);
  for (std::size_t i = 0; i < ta.entries.size(); ++i) {
    const HashEntry& e = ta.entries[i];
    if (e.key.is_unset()) continue;
    const Value key = e.key;
    const std::int64_t ix = table_lookup(vm, tb, key, e.hash);
    if (ix == -2) return -1;
    if (ix < 0) return 0;
  }
  return 1;
}

}  // namespace

Value set_compare(Vm& vm, CmpOp op, const Value& a, const Value& b) {
  if (!a.is(Kind::kSet) || !b.is(Kind::kSet)) return Value::not_implemented();
  const std::int64_t na = a.as<SetObj>()->table.used;
  const std::int64_t nb = b.as<SetObj>()->table.used;
  int r = 0;
  switch (op) {
    case CmpOp::kEq:
    case CmpOp::kNotEq:
      if (na != nb) return Value::boolean(op == CmpOp::kNotEq);
      r = keys_subset(vm, a, b);
      if (r < 0) return Value::error();
      return Value::boolean(op == CmpOp::kEq ? r == 1 : r == 0);
    case CmpOp::kLtE:
    case CmpOp::kLt:
      if (na > nb || (op == CmpOp::kLt && na == nb)) return Value::boolean(false);
      r = keys_subset(vm, a, b);
      break;
    case CmpOp::kGtE:
    case CmpOp::kGt:
      if (na < nb || (op == CmpOp::kGt && na == nb)) return Value::boolean(false);
      r = keys_subset(vm, b, a);
      break;
    default: return Value::not_implemented();
  }
  if (r < 0) return Value::error();
  return Value::boolean(r == 1);
}

Value dict_compare(Vm& vm, CmpOp op, const Value& a, const Value& b) {
  if (!a.is(Kind::kDict) || !b.is(Kind::kDict)) return Value::not_implemented();
  if (op != CmpOp::kEq && op != CmpOp::kNotEq) return Value::not_implemented();
  DepthGuard guard(vm, " in comparison");
  if (!guard.ok()) return Value::error();
  const HashTable& ta = a.as<DictObj>()->table;
  bool eq = ta.used == b.as<DictObj>()->table.used;
  for (std::size_t i = 0; eq && i < ta.entries.size(); ++i) {
    const HashEntry& e = ta.entries[i];
    if (e.key.is_unset()) continue;
    const Value key = e.key;
    const Value va = e.value;
    const HashTable& tb = b.as<DictObj>()->table;
    const std::int64_t ix = table_lookup(vm, tb, key, e.hash);
    if (ix == -2) return Value::error();
    if (ix < 0) {
      eq = false;
      break;
    }
    const Value vb = b.as<DictObj>()->table.entries[static_cast<std::size_t>(ix)].value;
    const int k = equal(vm, va, vb);
    if (k < 0) return Value::error();
    eq = k == 1;
  }
  return Value::boolean(op == CmpOp::kEq ? eq : !eq);
}

// ------------------------------------------------------ set operators ----

namespace {

Value new_set_like(const Value& a) { return make_set(a.as<SetObj>()->frozen); }

bool set_contains_key(Vm& vm, const Value& set, const Value& key, std::uint64_t h, int* out) {
  const std::int64_t ix = table_lookup(vm, set.as<SetObj>()->table, key, h);
  if (ix == -2) return false;
  *out = ix >= 0 ? 1 : 0;
  return true;
}

// The live keys of a set or dict with their hashes (a copy: Python code may
// run while they are used).
std::vector<HashEntry> live_entries(const Value& v) {
  std::vector<HashEntry> out;
  for (const HashEntry& e : table_of(v).entries) {
    if (!e.key.is_unset()) out.push_back(HashEntry{e.key, Value::none(), e.hash});
  }
  return out;
}

bool add_all(Vm& vm, const Value& set, const Value& iterable) {
  if (iterable.is(Kind::kSet) || iterable.is(Kind::kDict)) {
    for (const HashEntry& e : live_entries(iterable)) {
      if (!set_add(vm, set, e.key)) return false;
    }
    return true;
  }
  std::vector<Value> items;
  if (!collect(vm, iterable, &items)) return false;
  for (const Value& x : items) {
    if (!set_add(vm, set, x)) return false;
  }
  return true;
}

}  // namespace

Value set_binary(Vm& vm, BinOp op, const Value& a, const Value& b, bool inplace) {
  if (!a.is(Kind::kSet) || !b.is(Kind::kSet)) return Value::not_implemented();
  if (op != BinOp::kBitOr && op != BinOp::kBitAnd && op != BinOp::kSub && op != BinOp::kBitXor) {
    return Value::not_implemented();
  }
  inplace = inplace && !a.as<SetObj>()->frozen;
  Value result = inplace ? a : new_set_like(a);
  switch (op) {
    case BinOp::kBitOr:
      if (!inplace && !add_all(vm, result, a)) return Value::error();
      if (!add_all(vm, result, b)) return Value::error();
      return result;
    case BinOp::kBitAnd: {
      Value out = new_set_like(a);
      for (const HashEntry& e : live_entries(a)) {
        int in = 0;
        if (!set_contains_key(vm, b, e.key, e.hash, &in)) return Value::error();
        if (in && !set_add(vm, out, e.key)) return Value::error();
      }
      if (!inplace) return out;
      a.as<SetObj>()->table = std::move(out.as<SetObj>()->table);
      return a;
    }
    case BinOp::kSub: {
      Value out = new_set_like(a);
      for (const HashEntry& e : live_entries(a)) {
        int in = 0;
        if (!set_contains_key(vm, b, e.key, e.hash, &in)) return Value::error();
        if (!in && !set_add(vm, out, e.key)) return Value::error();
      }
      if (!inplace) return out;
      a.as<SetObj>()->table = std::move(out.as<SetObj>()->table);
      return a;
    }
    case BinOp::kBitXor: {
      Value out = new_set_like(a);
      for (const HashEntry& e : live_entries(a)) {
        int in = 0;
        if (!set_contains_key(vm, b, e.key, e.hash, &in)) return Value::error();
        if (!in && !set_add(vm, out, e.key)) return Value::error();
      }
      for (const HashEntry& e : live_entries(b)) {
        int in = 0;
        if (!set_contains_key(vm, a, e.key, e.hash, &in)) return Value::error();
        if (!in && !set_add(vm, out, e.key)) return Value::error();
      }
      if (!inplace) return out;
      a.as<SetObj>()->table = std::move(out.as<SetObj>()->table);
      return a;
    }
    default: return Value::not_implemented();
  }
}

bool dict_update(Vm& vm, const Value& dict, const Value& other) {
  if (other.is(Kind::kDict)) {
    std::vector<HashEntry> entries;
    for (const HashEntry& e : other.as<DictObj>()->table.entries) {
      if (!e.key.is_unset()) entries.push_back(e);
    }
    for (HashEntry& e : entries) {
      if (!dict_set(vm, dict, e.key, std::move(e.value))) return false;
    }
    return true;
  }
  if (is_user(other) && !vm.lookup_special(other, "keys").is_unset()) {
    Value keys = vm.call_method(other, "keys", {});
    if (keys.is_error()) return false;
    std::vector<Value> ks;
    if (!collect(vm, keys, &ks)) return false;
    for (const Value& k : ks) {
      Value v = getitem(vm, other, k);
      if (v.is_error() || !dict_set(vm, dict, k, std::move(v))) return false;
    }
    return true;
  }
  Value it = get_iter(vm, other);
  if (it.is_error()) return false;
  for (std::int64_t n = 0;; ++n) {
    Value item = iter_next(vm, it);
    if (item.is_error()) return false;
    if (item.is_unset()) break;
    std::vector<Value> pair;
    if (item.is(Kind::kTuple) || item.is(Kind::kList)) {
      pair = items_of(item);
    } else {
      Value pit = get_iter(vm, item);
      if (pit.is_error()) {
        if (error_is(vm, vm.b().TypeError)) {
          vm.take_error();
          type_error(vm, "cannot convert dictionary update sequence element #" + std::to_string(n) + " to a sequence");
        }
        return false;
      }
      if (!collect(vm, item, &pair)) return false;
    }
    if (pair.size() != 2) {
      value_error(vm, "dictionary update sequence element #" + std::to_string(n) + " has length " +
                          std::to_string(pair.size()) + "; 2 is required");
      return false;
    }
    if (!dict_set(vm, dict, pair[0], pair[1])) return false;
  }
  return true;
}

Value dict_binary(Vm& vm, BinOp op, const Value& a, const Value& b, bool inplace) {
  if (op != BinOp::kBitOr || !a.is(Kind::kDict)) return Value::not_implemented();
  if (inplace) {
    if (!dict_update(vm, a, b)) return Value::error();
    return a;
  }
  if (!b.is(Kind::kDict)) return Value::not_implemented();
  Value out = make_dict();
  if (!dict_update(vm, out, a) || !dict_update(vm, out, b)) return Value::error();
  return out;
}

// -------------------------------------------------------------- hashes ----

bool tuple_hash(Vm& vm, const TupleObj* t, std::uint64_t* out) {
  // tuplehash of Objects/tupleobject.c (xxHash's mixing). Nested tuples are
  // hashed with an explicit stack: CPython hashes a tuple nested 100,000
  // deep without a RecursionError, and so must concsim, without recursing.
  constexpr std::uint64_t kPrime1 = 11400714785074694791ULL;
  constexpr std::uint64_t kPrime2 = 14029467366897019727ULL;
  constexpr std::uint64_t kPrime5 = 2870177450012600261ULL;
  auto mix = [](std::uint64_t acc, std::uint64_t lane) {
    acc += lane * kPrime2;
    acc = (acc << 31) | (acc >> 33);
    return acc * kPrime1;
  };
  struct Level {
    const TupleObj* t;
    std::size_t i;
    std::uint64_t acc;
  };
  std::vector<Level> stack{{t, 0, kPrime5}};
  for (;;) {
    Level& top = stack.back();
    if (top.i < top.t->items.size()) {
      const Value& item = top.t->items[top.i];
      if (item.is(Kind::kTuple)) {
        stack.push_back({item.as<TupleObj>(), 0, kPrime5});
        continue;
      }
      std::uint64_t lane = 0;
      if (!hash(vm, item, &lane)) return false;
      top.acc = mix(top.acc, lane);
      ++top.i;
      continue;
    }
    std::uint64_t h = top.acc + (top.t->items.size() ^ (kPrime5 ^ 3527539ULL));
    if (h == static_cast<std::uint64_t>(-1)) h = 1546275796;
    stack.pop_back();
    if (stack.empty()) {
      *out = h;
      return true;
    }
    stack.back().acc = mix(stack.back().acc, h);
    ++stack.back().i;
  }
}

bool frozenset_hash(Vm& vm, const SetObj* s, std::uint64_t* out) {
  (void)vm;
  // frozenset_hash of Objects/setobject.c over the live entries (the
  // effects of empty and dummy slots cancel out in CPython's version).
  auto shuffle = [](std::uint64_t h) { return ((h ^ 89869747ULL) ^ (h << 16)) * 3644798167ULL; };
  std::uint64_t h = 0;
  for (const HashEntry& e : s->table.entries) {
    if (!e.key.is_unset()) h ^= shuffle(e.hash);
  }
  h ^= (static_cast<std::uint64_t>(s->table.used) + 1) * 1927868237ULL;
  h ^= (h >> 11) ^ (h >> 25);
  h = h * 69069U + 907133923ULL;
  if (h == static_cast<std::uint64_t>(-1)) h = 590923713ULL;
  *out = h;
  return true;
}

// ---------------------------------------------------------------- repr ----

namespace {

bool append_repr(Vm& vm, const Value& v, std::string* out) {
  std::string r;
  if (!repr_string(vm, v, &r)) return false;
  *out += r;
  return true;
}

bool view_repr(Vm& vm, const IterObj* view, std::string* out) {
  static const char* const kNames[] = {"dict_keys", "dict_values", "dict_items"};
  *out += kNames[view->a];
  *out += "([";
  bool first = true;
  for (const HashEntry& e : live_entries(view->seq)) {
    if (!first) *out += ", ";
    first = false;
    if (view->a == 0) {
      if (!append_repr(vm, e.key, out)) return false;
      continue;
    }
    Value v = dict_get(vm, view->seq, e.key);
    if (v.is_error()) return false;
    if (view->a == 1) {
      if (!append_repr(vm, v, out)) return false;
    } else {
      *out += '(';
      if (!append_repr(vm, e.key, out)) return false;
      *out += ", ";
      if (!append_repr(vm, v, out)) return false;
      *out += ')';
    }
  }
  *out += "])";
  return true;
}

}  // namespace

int container_repr(Vm& vm, const Value& v, std::string* out) {
  switch (v.kind()) {
    case Kind::kList:
    case Kind::kTuple: {
      const bool list = v.is(Kind::kList);
      ReprGuard rg(v.obj());
      if (!rg.entered()) {
        *out += list ? "[...]" : "(...)";
        return 1;
      }
      DepthGuard guard(vm, " while getting the repr of an object");
      if (!guard.ok()) return -1;
      const std::vector<Value> items = items_of(v);
      *out += list ? '[' : '(';
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) *out += ", ";
        if (!append_repr(vm, items[i], out)) return -1;
      }
      if (!list && items.size() == 1) *out += ',';
      *out += list ? ']' : ')';
      return 1;
    }
    case Kind::kDict: {
      ReprGuard rg(v.obj());
      if (!rg.entered()) {
        *out += "{...}";
        return 1;
      }
      DepthGuard guard(vm, " while getting the repr of an object");
      if (!guard.ok()) return -1;
      std::vector<HashEntry> entries;
      for (const HashEntry& e : v.as<DictObj>()->table.entries) {
        if (!e.key.is_unset()) entries.push_back(e);
      }
      *out += '{';
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) *out += ", ";
        if (!append_repr(vm, entries[i].key, out)) return -1;
        *out += ": ";
        if (!append_repr(vm, entries[i].value, out)) return -1;
      }
      *out += '}';
      return 1;
    }
    case Kind::kSet: {
      const bool frozen = v.as<SetObj>()->frozen;
      const std::vector<HashEntry> entries = live_entries(v);
      if (entries.empty()) {
        *out += frozen ? "frozenset()" : "set()";
        return 1;
      }
      ReprGuard rg(v.obj());
      if (!rg.entered()) {
        *out += frozen ? "frozenset(...)" : "set(...)";
        return 1;
      }
      DepthGuard guard(vm, " while getting the repr of an object");
      if (!guard.ok()) return -1;
      if (frozen) *out += "frozenset(";
      *out += '{';
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) *out += ", ";
        if (!append_repr(vm, entries[i].key, out)) return -1;
      }
      *out += '}';
      if (frozen) *out += ')';
      return 1;
    }
    case Kind::kRange: {
      const auto* r = v.as<RangeObj>();
      *out += "range(" + std::to_string(r->start) + ", " + std::to_string(r->stop);
      if (r->step != 1) *out += ", " + std::to_string(r->step);
      *out += ')';
      return 1;
    }
    case Kind::kSlice: {
      const auto* s = v.as<SliceObj>();
      *out += "slice(";
      if (!append_repr(vm, s->start, out)) return -1;
      *out += ", ";
      if (!append_repr(vm, s->stop, out)) return -1;
      *out += ", ";
      if (!append_repr(vm, s->step, out)) return -1;
      *out += ')';
      return 1;
    }
    case Kind::kIterator: {
      const auto* it = v.as<IterObj>();
      if (it->sub == IterKind::kDictView) {
        ReprGuard rg(v.obj());
        if (!rg.entered()) {
          *out += "...";
          return 1;
        }
        return view_repr(vm, it, out) ? 1 : -1;
      }
      return 0;
    }
    default: return 0;
  }
}

// ----------------------------------------------------------- iterators ----

Value make_iter(IterKind kind, Value seq, std::int64_t a, std::int64_t b, std::int64_t c) {
  Value v = make<IterObj>(kind);
  auto* it = v.as<IterObj>();
  it->seq = std::move(seq);
  it->a = a;
  it->b = b;
  it->c = c;
  return v;
}

namespace {

Value exhausted(IterObj* it) {
  it->done = true;
  it->seq = Value::none();
  it->extra = Value::none();
  return Value::unset();
}

Value zip_next(Vm& vm, IterObj* it) {
  const std::vector<Value> iters = it->seq.as<TupleObj>()->items;
  if (iters.empty()) return exhausted(it);
  std::vector<Value> out;
  out.reserve(iters.size());
  for (std::size_t i = 0; i < iters.size(); ++i) {
    Value x = iter_next(vm, iters[i]);
    if (x.is_error()) return x;
    if (x.is_unset()) {
      if (it->a != 0) {
        const std::string range = i == 1 ? "argument 1" : "arguments 1-" + std::to_string(i);
        if (i > 0) {
          exhausted(it);
          return value_error(vm, "zip() argument " + std::to_string(i + 1) + " is shorter than " + range);
        }
        for (std::size_t j = 1; j < iters.size(); ++j) {
          Value y = iter_next(vm, iters[j]);
          if (y.is_error()) return y;
          if (!y.is_unset()) {
            exhausted(it);
            const std::string r = j == 1 ? "argument 1" : "arguments 1-" + std::to_string(j);
            return value_error(vm, "zip() argument " + std::to_string(j + 1) + " is longer than " + r);
          }
        }
      }
      return exhausted(it);
    }
    out.push_back(std::move(x));
  }
  return make_tuple(std::move(out));
}

}  // namespace

Value builtin_iter_next(Vm& vm, IterObj* it) {
  if (it->done) return Value::unset();
  switch (it->sub) {
    case IterKind::kSeq: {
      const Value seq = it->seq;
      switch (seq.kind()) {
        case Kind::kList:
        case Kind::kTuple: {
          const auto& items = items_of(seq);
          if (it->a >= static_cast<std::int64_t>(items.size())) return exhausted(it);
          return items[static_cast<std::size_t>(it->a++)];
        }
        case Kind::kStr: {
          const std::string& s = str_of(seq);
          if (it->a >= static_cast<std::int64_t>(s.size())) return exhausted(it);
          std::size_t off = static_cast<std::size_t>(it->a);
          Value c = str_char(vm, seq, &off);
          it->a = static_cast<std::int64_t>(off);
          return c;
        }
        default: {
          // The old sequence protocol: seq[0], seq[1], ... until IndexError.
          Value x = getitem(vm, seq, Value::integer(it->a));
          if (x.is_error()) {
            if (error_is(vm, vm.b().IndexError) || error_is(vm, vm.b().StopIteration)) {
              vm.take_error();
              return exhausted(it);
            }
            return x;
          }
          ++it->a;
          return x;
        }
      }
    }
    case IterKind::kRange: {
      if (it->c > 0 ? it->a >= it->b : it->a <= it->b) return exhausted(it);
      const std::int64_t v = it->a;
      if (__builtin_add_overflow(it->a, it->c, &it->a)) it->done = true;
      return Value::integer(v);
    }
    case IterKind::kDictKeys:
    case IterKind::kDictValues:
    case IterKind::kDictItems:
    case IterKind::kSet: {
      const HashTable& t = table_of(it->seq);
      if (t.used != it->b) {
        it->b = -1;  // stays broken, as CPython's di_used = -1
        return vm.raise(vm.b().RuntimeError, it->sub == IterKind::kSet ? "Set changed size during iteration"
                                                                       : "dictionary changed size during iteration");
      }
      while (it->a < static_cast<std::int64_t>(t.entries.size()) &&
             t.entries[static_cast<std::size_t>(it->a)].key.is_unset()) {
        ++it->a;
      }
      if (it->a >= static_cast<std::int64_t>(t.entries.size())) return exhausted(it);
      const HashEntry& e = t.entries[static_cast<std::size_t>(it->a++)];
      switch (it->sub) {
        case IterKind::kDictValues: return e.value;
        case IterKind::kDictItems: return make_tuple({e.key, e.value});
        default: return e.key;
      }
    }
    case IterKind::kEnumerate: {
      Value x = iter_next(vm, it->seq);
      if (x.is_error()) return x;
      if (x.is_unset()) return exhausted(it);
      const std::int64_t n = it->a;
      if (__builtin_add_overflow(it->a, 1, &it->a)) return overflow(vm, "enumerate()");
      return make_tuple({Value::integer(n), std::move(x)});
    }
    case IterKind::kZip: return zip_next(vm, it);
    case IterKind::kMap: {
      const std::vector<Value> iters = it->seq.as<TupleObj>()->items;
      std::vector<Value> args;
      for (const Value& i : iters) {
        Value x = iter_next(vm, i);
        if (x.is_error()) return x;
        if (x.is_unset()) return exhausted(it);
        args.push_back(std::move(x));
      }
      const Value fn = it->extra;
      return vm.call(fn, args);
    }
    case IterKind::kFilter: {
      for (;;) {
        Value x = iter_next(vm, it->seq);
        if (x.is_error()) return x;
        if (x.is_unset()) return exhausted(it);
        int t = 0;
        if (it->extra.is_none()) {
          t = truthy(vm, x);
        } else {
          const Value fn = it->extra;
          const Value args[1] = {x};
          Value r = vm.call(fn, args);
          if (r.is_error()) return r;
          t = truthy(vm, r);
        }
        if (t < 0) return Value::error();
        if (t > 0) return x;
      }
    }
    case IterKind::kReversed: {
      const Value seq = it->seq;
      if (it->a < 0) return exhausted(it);
      if (seq.is(Kind::kStr)) {
        // a: the byte offset just past the next character.
        const std::string& s = str_of(seq);
        if (it->a == 0) return exhausted(it);
        std::size_t start = static_cast<std::size_t>(it->a) - 1;
        while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
        std::size_t off = start;
        Value c = str_char(vm, seq, &off);
        it->a = static_cast<std::int64_t>(start);
        return c;
      }
      if (seq.is(Kind::kList) || seq.is(Kind::kTuple)) {
        const auto& items = items_of(seq);
        if (it->a >= static_cast<std::int64_t>(items.size())) return exhausted(it);
        return items[static_cast<std::size_t>(it->a--)];
      }
      Value x = getitem(vm, seq, Value::integer(it->a));
      if (x.is_error()) return x;
      --it->a;
      return x;
    }
    case IterKind::kCallable: {
      const Value fn = it->extra;
      Value x = vm.call(fn, {});
      if (x.is_error()) {
        if (error_is(vm, vm.b().StopIteration)) {
          vm.take_error();
          return exhausted(it);
        }
        return x;
      }
      const int eq = equal(vm, x, it->seq);
      if (eq < 0) return Value::error();
      if (eq > 0) return exhausted(it);
      return x;
    }
    default: return type_error(vm, quoted(type_name(vm, Value::borrow(it))) + " object is not an iterator");
  }
}

bool range_contains(Vm& vm, const RangeObj* r, const Value& item, int* result) {
  if (is_intlike(item)) {
    const std::int64_t v = item.as_int();
    bool in = false;
    if (r->step > 0) {
      in = v >= r->start && v < r->stop;
    } else {
      in = v <= r->start && v > r->stop;
    }
    if (in) in = (static_cast<Int128>(v) - r->start) % r->step == 0;
    *result = in ? 1 : 0;
    return true;
  }
  const std::int64_t n = range_length(r);
  for (std::int64_t i = 0; i < n; ++i) {
    const int eq = equal(vm, Value::integer(r->start + i * r->step), item);
    if (eq < 0) return false;
    if (eq > 0) {
      *result = 1;
      return true;
    }
  }
  *result = 0;
  return true;
}

// ------------------------------------------------------------ sorting ----

namespace {

// A stable merge sort whose comparison may fail: after an error every
// comparison answers false and the sort runs out without reading out of
// bounds, whatever a user's __lt__ answers.
class Sorter {
 public:
  Sorter(Vm& vm, std::vector<Value>& keys) : vm_(vm), keys_(keys) {}
  bool failed() const { return failed_; }

  void sort(std::vector<std::size_t>& order) {
    std::vector<std::size_t> buf(order.size());
    sort_range(order, buf, 0, order.size());
  }

 private:
  bool less(std::size_t i, std::size_t j) {
    if (failed_) return false;
    Value r = rich_compare(vm_, CmpOp::kLt, keys_[i], keys_[j]);
    if (r.is_error()) {
      failed_ = true;
      return false;
    }
    const int t = r.is(Kind::kBool) ? (r.as_bool() ? 1 : 0) : truthy(vm_, r);
    if (t < 0) {
      failed_ = true;
      return false;
    }
    return t == 1;
  }

  void sort_range(std::vector<std::size_t>& v, std::vector<std::size_t>& buf, std::size_t lo, std::size_t hi) {
    if (hi - lo <= 8) {
      // Binary insertion, as timsort's small runs.
      for (std::size_t i = lo + 1; i < hi; ++i) {
        const std::size_t x = v[i];
        std::size_t l = lo;
        std::size_t r = i;
        while (l < r) {
          const std::size_t mid = l + (r - l) / 2;
          if (less(x, v[mid])) {
            r = mid;
          } else {
            l = mid + 1;
          }
        }
        for (std::size_t k = i; k > l; --k) v[k] = v[k - 1];
        v[l] = x;
      }
      return;
    }
    const std::size_t mid = lo + (hi - lo) / 2;
    sort_range(v, buf, lo, mid);
    sort_range(v, buf, mid, hi);
    if (!less(v[mid], v[mid - 1])) return;  // already in order
    std::size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) buf[k++] = less(v[j], v[i]) ? v[j++] : v[i++];
    while (i < mid) buf[k++] = v[i++];
    while (j < hi) buf[k++] = v[j++];
    for (std::size_t t = lo; t < hi; ++t) v[t] = buf[t];
  }

  Vm& vm_;
  std::vector<Value>& keys_;
  bool failed_ = false;
};

}  // namespace

bool sort_values(Vm& vm, std::vector<Value>* items, const Value& key, bool reverse) {
  std::vector<Value>& v = *items;
  if (reverse) std::reverse(v.begin(), v.end());
  std::vector<Value> keys;
  if (key.is_none() || key.is_unset()) {
    keys = v;
  } else {
    keys.reserve(v.size());
    for (const Value& x : v) {
      const Value args[1] = {x};
      Value k = vm.call(key, args);
      if (k.is_error()) {
        if (reverse) std::reverse(v.begin(), v.end());
        return false;
      }
      keys.push_back(std::move(k));
    }
  }
  // Fast paths: all ints, all floats or all strs compare natively and
  // consistently, so std::stable_sort is safe and gives the same order.
  bool all_int = true, all_float = true, all_str = true;
  for (const Value& k : keys) {
    all_int = all_int && k.is(Kind::kInt);
    all_float = all_float && k.is(Kind::kFloat) && !std::isnan(k.as_float());
    all_str = all_str && k.is(Kind::kStr);
  }
  std::vector<std::size_t> order(v.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (all_int) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t i, std::size_t j) { return keys[i].as_int() < keys[j].as_int(); });
  } else if (all_float) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t i, std::size_t j) { return keys[i].as_float() < keys[j].as_float(); });
  } else if (all_str) {
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
      return str_of(keys[i]) < str_of(keys[j]);
    });
  } else {
    Sorter sorter(vm, keys);
    sorter.sort(order);
    if (sorter.failed()) {
      if (reverse) std::reverse(v.begin(), v.end());
      return false;
    }
  }
  std::vector<Value> sorted;
  sorted.reserve(v.size());
  for (std::size_t i : order) sorted.push_back(std::move(v[i]));
  v = std::move(sorted);
  if (reverse) std::reverse(v.begin(), v.end());
  return true;
}

}  // namespace concsim::vm::lib
