#include "models/vm/object.h"

#include <utility>
#include <vector>

#include "models/vm/ops.h"
#include "models/vm/vm.h"
#include "sim/check.h"

namespace concsim::vm {

namespace {

thread_local std::int64_t t_heap_bytes = 0;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooling = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kPooling = false;
#else
constexpr bool kPooling = true;
#endif
#else
constexpr bool kPooling = true;
#endif

// The free lists of pool_alloc, one per 16 bytes of size up to kPoolMax:
// a freed block holds the next one. Plain data, so that it is usable in
// any order of the thread's destructors; ThreadPool gives the blocks back
// to operator new when the thread ends, after which blocks are freed at once.
constexpr std::size_t kPoolGrain = 16;
constexpr std::size_t kPoolClasses = kPoolMax / kPoolGrain;
struct FreeBlock {
  FreeBlock* next;
};
struct FreeLists {
  FreeBlock* head[kPoolClasses];
  bool released;
};
thread_local FreeLists t_free{};

struct ThreadPool {
  bool used = false;
  std::vector<Obj*> pending;  // destroy()'s, kept for its capacity
  ThreadPool() = default;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool() {
    for (FreeBlock*& h : t_free.head) {
      while (h != nullptr) {
        FreeBlock* b = h;
        h = b->next;
        ::operator delete(b);
      }
    }
    t_free.released = true;
  }
};
thread_local ThreadPool t_pool;

// destroy() is iterative: an object freed while another is being freed waits
// here, so that dropping the head of a long chain of objects (a list nested
// a million deep) frees it in a loop rather than by recursion.
thread_local std::vector<Obj*>* t_pending = nullptr;
thread_local Obj* t_objects = nullptr;  // the list of live objects
thread_local bool t_clearing = false;

template <class T>
void free_as(Obj* o) {
  heap_account(-static_cast<std::int64_t>(sizeof(T)));
  delete static_cast<T*>(o);
}

void untrack(Obj* o) {
  if (o->gc_prev != nullptr) {
    o->gc_prev->gc_next = o->gc_next;
  } else if (t_objects == o) {
    t_objects = o->gc_next;
  }
  if (o->gc_next != nullptr) o->gc_next->gc_prev = o->gc_prev;
  o->gc_prev = o->gc_next = nullptr;
}

void free_one(Obj* o) {
  untrack(o);
  switch (o->kind) {
    case Kind::kStr: {
      auto* s = static_cast<StrObj*>(o);
      heap_account(-static_cast<std::int64_t>(s->s.capacity() > 15 ? s->s.capacity() : 0));
      free_as<StrObj>(o);
      return;
    }
    case Kind::kTuple: free_as<TupleObj>(o); return;
    case Kind::kList: free_as<ListObj>(o); return;
    case Kind::kDict: free_as<DictObj>(o); return;
    case Kind::kSet: free_as<SetObj>(o); return;
    case Kind::kRange: free_as<RangeObj>(o); return;
    case Kind::kSlice: free_as<SliceObj>(o); return;
    case Kind::kFunction: free_as<FunctionObj>(o); return;
    case Kind::kBuiltin: free_as<BuiltinObj>(o); return;
    case Kind::kMethod: free_as<MethodObj>(o); return;
    case Kind::kClass: free_as<ClassObj>(o); return;
    case Kind::kInstance: free_as<InstanceObj>(o); return;
    case Kind::kException: free_as<ExceptionObj>(o); return;
    case Kind::kCell: free_as<CellObj>(o); return;
    case Kind::kModule: free_as<ModuleObj>(o); return;
    case Kind::kCoroutine:
    case Kind::kGenerator:
    case Kind::kAsyncGenerator: {
      auto* g = static_cast<GenObj*>(o);
      if (g->frame != nullptr) {
        Frame* f = g->frame;
        g->frame = nullptr;
        Frame::destroy(f);
      }
      free_as<GenObj>(o);
      return;
    }
    case Kind::kIterator: free_as<IterObj>(o); return;
    case Kind::kProperty: free_as<PropertyObj>(o); return;
    case Kind::kNative: {
      auto* n = static_cast<NativeObj*>(o);
      heap_account(-static_cast<std::int64_t>(sizeof(NativeObj)));
      delete n;
      return;
    }
    default:
      CONCSIM_CHECK(false, "destroy() of an object of an unknown kind");
  }
}

}  // namespace

void* pool_alloc(std::size_t bytes) {
  if (!kPooling || bytes > kPoolMax || t_free.released) return ::operator new(bytes);
  const std::size_t c = (bytes + kPoolGrain - 1) / kPoolGrain - 1;
  FreeBlock* b = t_free.head[c];
  if (b != nullptr) {
    t_free.head[c] = b->next;
    return b;
  }
  t_pool.used = true;  // constructed now: its destructor releases the blocks when the thread ends
  return ::operator new((c + 1) * kPoolGrain);
}

void pool_free(void* p, std::size_t bytes) {
  if (!kPooling || bytes > kPoolMax || t_free.released) {
    ::operator delete(p);
    return;
  }
  const std::size_t c = (bytes + kPoolGrain - 1) / kPoolGrain - 1;
  auto* b = static_cast<FreeBlock*>(p);
  b->next = t_free.head[c];
  t_free.head[c] = b;
}

void* Obj::operator new(std::size_t bytes) { return pool_alloc(bytes); }
void Obj::operator delete(void* p, std::size_t bytes) { pool_free(p, bytes); }

std::int64_t heap_bytes() { return t_heap_bytes; }
void heap_account(std::int64_t delta) { t_heap_bytes += delta; }

// Defined in vm.cc: a generator that dies suspended must be closed (its
// finally blocks run) and an async generator handed to the loop's
// finalizer, as CPython's tp_finalize does. Returns true when the Vm took
// the object over (it is alive again and will be dropped later).
bool vm_finalize(GenObj* g);
bool vm_finalize_native(NativeObj* o);

void track(Obj* o) {
  o->gc_next = t_objects;
  if (t_objects != nullptr) t_objects->gc_prev = o;
  t_objects = o;
}

namespace {

// Drops the references an object holds (CPython's tp_clear).
void clear_refs(Obj* o) {
  switch (o->kind) {
    case Kind::kTuple: static_cast<TupleObj*>(o)->items.clear(); return;
    case Kind::kList: static_cast<ListObj*>(o)->items.clear(); return;
    case Kind::kDict: static_cast<DictObj*>(o)->table = HashTable{}; return;
    case Kind::kSet: static_cast<SetObj*>(o)->table = HashTable{}; return;
    case Kind::kSlice: {
      auto* s = static_cast<SliceObj*>(o);
      s->start = s->stop = s->step = Value();
      return;
    }
    case Kind::kFunction: {
      auto* f = static_cast<FunctionObj*>(o);
      f->globals = f->defaults = f->kwdefaults = f->closure = f->name = f->qualname = f->dict = Value();
      return;
    }
    case Kind::kBuiltin: {
      auto* b = static_cast<BuiltinObj*>(o);
      b->self = b->owner = Value();
      return;
    }
    case Kind::kMethod: {
      auto* m = static_cast<MethodObj*>(o);
      m->func = m->self = Value();
      return;
    }
    case Kind::kClass: {
      auto* c = static_cast<ClassObj*>(o);
      c->name = c->qualname = c->module = c->dict = Value();
      c->bases.clear();
      c->mro.clear();
      return;
    }
    case Kind::kException: {
      auto* e = static_cast<ExceptionObj*>(o);
      e->args = e->cause = e->context = e->notes = e->group_message = e->group_exceptions = Value();
      e->cls = e->dict = Value();
      return;
    }
    case Kind::kInstance: {
      auto* i = static_cast<InstanceObj*>(o);
      i->cls = i->dict = Value();
      return;
    }
    case Kind::kCell: static_cast<CellObj*>(o)->value = Value(); return;
    case Kind::kModule: {
      auto* m = static_cast<ModuleObj*>(o);
      m->name = m->dict = Value();
      return;
    }
    case Kind::kCoroutine:
    case Kind::kGenerator:
    case Kind::kAsyncGenerator: {
      auto* g = static_cast<GenObj*>(o);
      if (g->frame != nullptr) {
        Frame* f = g->frame;
        g->frame = nullptr;
        Frame::destroy(f);
      }
      g->name = g->qualname = g->finalizer = Value();
      return;
    }
    case Kind::kIterator: {
      auto* i = static_cast<IterObj*>(o);
      i->seq = i->extra = Value();
      return;
    }
    case Kind::kProperty: {
      auto* p = static_cast<PropertyObj*>(o);
      p->fget = p->fset = p->fdel = p->doc = Value();
      return;
    }
    case Kind::kNative: static_cast<NativeObj*>(o)->clear(); return;
    default: return;
  }
}

}  // namespace

void clear_all_objects() {
  // Hold every object, drop what each holds, then let go: with no
  // references left among them they are all freed, cycles included.
  std::vector<Obj*> all;
  for (Obj* o = t_objects; o != nullptr; o = o->gc_next) {
    incref(o);
    all.push_back(o);
  }
  t_clearing = true;
  for (Obj* o : all) clear_refs(o);
  for (Obj* o : all) decref(o);
  t_clearing = false;
}

void destroy(Obj* o) {
  if (!t_clearing && (o->kind == Kind::kGenerator || o->kind == Kind::kAsyncGenerator || o->kind == Kind::kCoroutine) &&
      vm_finalize(static_cast<GenObj*>(o))) {
    return;
  }
  if (!t_clearing && o->kind == Kind::kNative && static_cast<NativeObj*>(o)->wants_finalize() &&
      vm_finalize_native(static_cast<NativeObj*>(o))) {
    return;
  }
  if (t_pending != nullptr) {
    t_pending->push_back(o);
    return;
  }
  std::vector<Obj*> local;
  std::vector<Obj*>& pending = t_free.released ? local : t_pool.pending;
  t_pending = &pending;
  free_one(o);
  while (!pending.empty()) {
    Obj* next = pending.back();
    pending.pop_back();
    free_one(next);
  }
  t_pending = nullptr;
}

// ---------------------------------------------------------------- str ----

StrObj::StrObj(std::string text) : Obj(Kind::kStr), s(std::move(text)) {
  std::int64_t n = 0;
  for (unsigned char c : s) {
    if (c >= 0x80) ascii = false;
    if ((c & 0xC0) != 0x80) ++n;  // not a continuation byte: a code point starts
  }
  length = n;
  if (s.capacity() > 15) heap_account(static_cast<std::int64_t>(s.capacity()));
}

Value make_str(std::string s) { return make<StrObj>(std::move(s)); }
Value make_str(std::string_view s) { return make<StrObj>(std::string(s)); }
Value make_str(const char* s) { return make<StrObj>(std::string(s)); }

std::uint64_t str_hash(StrObj* s) {
  if (s->hash != 0) return s->hash;
  // FNV-1a; CPython's string hashes are randomised per process, so no
  // program can depend on them.
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s->s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h &= 0x7FFFFFFFFFFFFFFFULL;  // non-negative, as Python hashes of str mostly print
  if (h == 0) h = 1;
  s->hash = h;
  return h;
}

Value make_tuple(std::vector<Value> items) { return make<TupleObj>(std::move(items)); }
Value make_list(std::vector<Value> items) { return make<ListObj>(std::move(items)); }
Value make_dict() { return make<DictObj>(); }
Value make_set(bool frozen) {
  Value v = make<SetObj>();
  v.as<SetObj>()->frozen = frozen;
  return v;
}

Value NativeObj::get_attr(Vm&, const std::string&) { return Value::unset(); }
bool NativeObj::set_attr(Vm&, const std::string&, const Value&) { return false; }
std::string NativeObj::repr(Vm& vm) {
  std::string name = "object";
  if (cls.is(Kind::kClass)) name = str_of(cls.as<ClassObj>()->name);
  (void)vm;
  return "<" + name + " object>";
}

// --------------------------------------------------------- hash tables ----

namespace {

constexpr std::int32_t kEmpty = -1;
constexpr std::int32_t kDeleted = -2;

std::size_t index_size_for(std::size_t entries) {
  std::size_t n = 8;
  while (n * 2 < entries * 3 + 3) n *= 2;
  return n;
}

// Rebuilds the index (and drops the holes of deleted entries) for at least
// `want` live entries.
void rebuild(HashTable& t, std::size_t want) {
  std::vector<HashEntry> live;
  live.reserve(want);
  for (HashEntry& e : t.entries) {
    if (!e.key.is_unset()) live.push_back(std::move(e));
  }
  t.entries = std::move(live);
  t.index.assign(index_size_for(want), kEmpty);
  const std::size_t mask = t.index.size() - 1;
  for (std::size_t ix = 0; ix < t.entries.size(); ++ix) {
    std::uint64_t perturb = t.entries[ix].hash;
    std::size_t i = perturb & mask;
    while (t.index[i] != kEmpty) {
      perturb >>= 5;
      i = (i * 5 + perturb + 1) & mask;
    }
    t.index[i] = static_cast<std::int32_t>(ix);
  }
}

// The slot of `key` in the index, or of the first free slot on its probe
// path (*found false). -2 after raise.
template <class Eq>
std::int64_t probe(const HashTable& t, std::uint64_t hash, Eq eq, bool* found, std::size_t* slot) {
  *found = false;
  const std::size_t mask = t.index.size() - 1;
  std::uint64_t perturb = hash;
  std::size_t i = hash & mask;
  std::size_t first_free = static_cast<std::size_t>(-1);
  for (;;) {
    const std::int32_t ix = t.index[i];
    if (ix == kEmpty) {
      *slot = first_free != static_cast<std::size_t>(-1) ? first_free : i;
      return -1;
    }
    if (ix == kDeleted) {
      if (first_free == static_cast<std::size_t>(-1)) first_free = i;
    } else {
      const HashEntry& e = t.entries[static_cast<std::size_t>(ix)];
      if (e.hash == hash) {
        const int r = eq(e.key);
        if (r < 0) return -2;
        if (r > 0) {
          *found = true;
          *slot = i;
          return ix;
        }
      }
    }
    perturb >>= 5;
    i = (i * 5 + perturb + 1) & mask;
  }
}

bool str_key_equal(const Value& a, const Value& key) {
  if (a.same(key)) return true;
  return a.is(Kind::kStr) && a.as<StrObj>()->s == key.as<StrObj>()->s;
}

void insert_new(HashTable& t, std::size_t slot, Value key, Value value, std::uint64_t hash) {
  t.index[slot] = static_cast<std::int32_t>(t.entries.size());
  t.entries.push_back(HashEntry{std::move(key), std::move(value), hash});
  ++t.used;
}

bool needs_grow(const HashTable& t) {
  return t.index.empty() || (t.entries.size() + 1) * 3 > t.index.size() * 2;
}

}  // namespace

std::int64_t table_lookup(Vm& vm, const HashTable& t, const Value& key, std::uint64_t hash) {
  if (t.index.empty()) return -1;
  bool found;
  std::size_t slot;
  const std::int64_t ix = probe(
      t, hash, [&](const Value& k) { return k.same(key) ? 1 : equal(vm, k, key); }, &found, &slot);
  if (ix == -2) return -2;
  return found ? ix : -1;
}

Value dict_get(Vm& vm, const Value& dict, const Value& key) {
  std::uint64_t h;
  if (!hash(vm, key, &h)) return Value::error();
  const HashTable& t = dict.as<DictObj>()->table;
  const std::int64_t ix = table_lookup(vm, t, key, h);
  if (ix == -2) return Value::error();
  if (ix < 0) return Value::unset();
  return t.entries[static_cast<std::size_t>(ix)].value;
}

namespace {

bool table_set(Vm& vm, HashTable& t, const Value& key, Value v, bool keep_old_key) {
  std::uint64_t h;
  if (!hash(vm, key, &h)) return false;
  if (needs_grow(t)) rebuild(t, t.used + 1);
  bool found;
  std::size_t slot;
  const std::int64_t ix = probe(
      t, h, [&](const Value& k) { return k.same(key) ? 1 : equal(vm, k, key); }, &found, &slot);
  if (ix == -2) return false;
  if (found) {
    if (!keep_old_key) return true;
    t.entries[static_cast<std::size_t>(ix)].value = std::move(v);
    return true;
  }
  // An __eq__ may have changed the table: probe again without Python code.
  if (t.index[slot] >= 0) {
    rebuild(t, t.used + 1);
    return table_set(vm, t, key, std::move(v), keep_old_key);
  }
  insert_new(t, slot, key, std::move(v), h);
  return true;
}

}  // namespace

bool dict_set(Vm& vm, const Value& dict, const Value& key, Value v) {
  return table_set(vm, dict.as<DictObj>()->table, key, std::move(v), true);
}

bool set_add(Vm& vm, const Value& set, const Value& key) {
  return table_set(vm, set.as<SetObj>()->table, key, Value::none(), false);
}

int dict_del(Vm& vm, const Value& dict, const Value& key) {
  std::uint64_t h;
  if (!hash(vm, key, &h)) return -1;
  HashTable& t = dict.is(Kind::kDict) ? dict.as<DictObj>()->table : dict.as<SetObj>()->table;
  if (t.index.empty()) return 0;
  bool found;
  std::size_t slot;
  const std::int64_t ix = probe(
      t, h, [&](const Value& k) { return k.same(key) ? 1 : equal(vm, k, key); }, &found, &slot);
  if (ix == -2) return -1;
  if (!found) return 0;
  t.index[slot] = kDeleted;
  HashEntry& e = t.entries[static_cast<std::size_t>(ix)];
  // Move the old key and value out before dropping them: their destructors
  // may run Python code that looks at this table.
  Value old_key = std::move(e.key);
  Value old_value = std::move(e.value);
  e.key = Value::unset();
  e.value = Value::unset();
  --t.used;
  // Drop the holes once they outnumber the live entries.
  if (t.entries.size() > 16 && static_cast<std::int64_t>(t.entries.size()) > 2 * t.used) rebuild(t, t.used);
  return 1;
}

Value dict_get_str(const Value& dict, const Value& key) {
  const HashTable& t = dict.as<DictObj>()->table;
  if (t.index.empty()) return Value::unset();
  bool found;
  std::size_t slot;
  const std::uint64_t h = str_hash(key.as<StrObj>());
  const std::int64_t ix = probe(
      t, h, [&](const Value& k) { return str_key_equal(k, key) ? 1 : 0; }, &found, &slot);
  if (!found) return Value::unset();
  return t.entries[static_cast<std::size_t>(ix)].value;
}

void dict_set_str(const Value& dict, const Value& key, Value v) {
  HashTable& t = dict.as<DictObj>()->table;
  if (needs_grow(t)) rebuild(t, t.used + 1);
  bool found;
  std::size_t slot;
  const std::uint64_t h = str_hash(key.as<StrObj>());
  const std::int64_t ix = probe(
      t, h, [&](const Value& k) { return str_key_equal(k, key) ? 1 : 0; }, &found, &slot);
  if (found) {
    t.entries[static_cast<std::size_t>(ix)].value = std::move(v);
    return;
  }
  insert_new(t, slot, key, std::move(v), h);
}

}  // namespace concsim::vm
