// The heap objects of the program VM, one struct per Kind (value.h).
//
// Each starts with the Obj header and is created with make<T>(...), which
// returns the Value that owns it. Containers hold Values, so dropping a
// container drops what it holds; destroy() (object.cc) frees iteratively, so
// a list nested a million deep cannot overflow the C++ stack when it dies.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/vm/value.h"

namespace concsim::vm {

class Vm;
struct Code;
struct Frame;
struct ClassObj;

// Bytes of heap objects alive in this thread's current run, for the memory
// guard and the run's figures (object.cc keeps the count).
std::int64_t heap_bytes();
void heap_account(std::int64_t delta);

// Memory for heap objects and frames: blocks of up to kPoolMax bytes come
// from this thread's free lists (a block freed is kept for the next of its
// size class), larger ones from operator new. pool_free must be given the
// size pool_alloc was. Under AddressSanitizer every block is its own
// allocation, so that the sanitizer still sees each use after free.
inline constexpr std::size_t kPoolMax = 512;
void* pool_alloc(std::size_t bytes);
void pool_free(void* p, std::size_t bytes);

// Links a new object into the thread's list of live objects.
void track(Obj* o);

template <class T, class... A>
Value make(A&&... a) {
  T* o = new T(std::forward<A>(a)...);
  heap_account(static_cast<std::int64_t>(sizeof(T)));
  track(o);
  return Value::adopt(o);
}

// Frees every object still alive in this thread, whatever references them
// (cycles included), without running any Python code: the end of the last
// run on the thread (Vm's destructor).
void clear_all_objects();

// ---------------------------------------------------------------- str ----

// Immutable text, UTF-8. Python indexes strings by code point: `ascii` says
// that bytes and code points coincide (the fast path); otherwise the code
// point count is kept in `length`.
struct StrObj : Obj {
  explicit StrObj(std::string s);
  std::string s;
  std::int64_t length = 0;   // code points
  std::uint64_t hash = 0;    // 0: not computed yet
  bool ascii = true;
  bool interned = false;
};
Value make_str(std::string s);
// The hash of a str (cached in the object): hash() of a str must be this.
std::uint64_t str_hash(StrObj* s);
Value make_str(std::string_view s);
Value make_str(const char* s);
inline const std::string& str_of(const Value& v) { return v.as<StrObj>()->s; }

// -------------------------------------------------------- containers ----

struct TupleObj : Obj {
  TupleObj() : Obj(Kind::kTuple) {}
  explicit TupleObj(std::vector<Value> v) : Obj(Kind::kTuple), items(std::move(v)) {}
  std::vector<Value> items;
};
Value make_tuple(std::vector<Value> items);

struct ListObj : Obj {
  ListObj() : Obj(Kind::kList) {}
  explicit ListObj(std::vector<Value> v) : Obj(Kind::kList), items(std::move(v)) {}
  std::vector<Value> items;
};
Value make_list(std::vector<Value> items);

// An insertion-ordered hash table of keys (and values, for dicts), laid out
// as CPython's compact dict: entries in insertion order, deleted ones left
// as holes (key unset) until the table is rebuilt, and an open-addressing
// index of entry positions. Iteration order is insertion order for dicts
// (as Python guarantees) and for sets too (Python's set order follows
// hashes and addresses; concsim fixes it, see the README).
// Hashing and equality of keys can run Python code (__hash__, __eq__), so
// the operations that compare keys take the Vm and can fail (dict_ops.h).
struct HashEntry {
  Value key;
  Value value;
  std::uint64_t hash = 0;
};
struct HashTable {
  std::vector<HashEntry> entries;
  std::vector<std::int32_t> index;  // -1: empty, -2: deleted, else an entry
  std::int64_t used = 0;            // live entries
};

struct DictObj : Obj {
  DictObj() : Obj(Kind::kDict) {}
  HashTable table;
};
Value make_dict();

struct SetObj : Obj {
  SetObj() : Obj(Kind::kSet) {}
  HashTable table;  // values unused
  bool frozen = false;
};
Value make_set(bool frozen = false);

struct RangeObj : Obj {
  RangeObj(std::int64_t a, std::int64_t b, std::int64_t s) : Obj(Kind::kRange), start(a), stop(b), step(s) {}
  std::int64_t start, stop, step;
};

struct SliceObj : Obj {
  SliceObj() : Obj(Kind::kSlice) {}
  Value start, stop, step;  // None where omitted
};

// ---------------------------------------------------- functions, classes ----

struct FunctionObj : Obj {
  FunctionObj() : Obj(Kind::kFunction) {}
  const Code* code = nullptr;  // owned by the Program, which outlives the run
  Value globals;               // the module's dict
  Value defaults;              // tuple or None
  Value kwdefaults;            // dict or None
  Value closure;               // tuple of cells or None
  Value name;                  // str
  Value qualname;              // str
  Value dict;                  // attributes set on the function, or None
};

// What a native function receives. `self` is unset for a plain function.
// Keyword arguments are the last `kwnames.size()` of `args`.
struct CallArgs {
  Value self;
  const Value* args = nullptr;
  std::uint32_t nargs = 0;       // positional + keyword
  const Value* kwnames = nullptr;  // str values
  std::uint32_t nkw = 0;
  void* data = nullptr;          // BuiltinObj::data
  [[nodiscard]] std::uint32_t npos() const { return nargs - nkw; }
};
// A native function returns a value, or Value::error() after Vm::raise(),
// or Value::suspend() after Vm::suspend() (its fiber waits; the value it is
// resumed with becomes the call's result).
using NativeFn = Value (*)(Vm& vm, CallArgs& a);

struct BuiltinObj : Obj {
  BuiltinObj() : Obj(Kind::kBuiltin) {}
  const char* name = "";
  NativeFn fn = nullptr;
  Value self;           // bound: passed as CallArgs::self; unset when unbound
  void* data = nullptr;
  // A method of a class (self comes first): binding it on attribute access
  // gives a bound builtin, as a method descriptor does.
  bool is_method = false;
  // A native of a model (its modules' functions and methods, print): the
  // instructions run before it are paid for before it is called (VmOptions::
  // charge_ops), so that what it does happens at the time they end.
  bool timed = false;
  Value owner;          // the class that defines a method, for messages
};

struct MethodObj : Obj {
  MethodObj(Value f, Value s) : Obj(Kind::kMethod), func(std::move(f)), self(std::move(s)) {}
  Value func;
  Value self;
};

enum class ClassFlag : std::uint8_t {
  kException = 1,  // BaseException or a subclass: instances are ExceptionObj
  kBuiltin = 2,    // a builtin type (int, str, list, ...): no new attributes
  kAbstract = 4,   // cannot be instantiated from Python (function, generator...)
};

struct ClassObj : Obj {
  ClassObj() : Obj(Kind::kClass) {}
  Value name;       // str
  Value qualname;   // str
  Value module;     // str or None
  std::vector<Value> bases;  // classes
  std::vector<Value> mro;    // classes, this one first
  Value dict;       // DictObj: the class namespace
  Kind instance_kind = Kind::kInstance;  // what calling it makes
  std::uint8_t class_flags = 0;
  NativeFn new_fn = nullptr;  // builtin types: the constructor (self: the class)
  [[nodiscard]] bool has(ClassFlag f) const { return (class_flags & static_cast<std::uint8_t>(f)) != 0; }
};

struct InstanceObj : Obj {
  explicit InstanceObj(Value c, Kind k = Kind::kInstance) : Obj(k), cls(std::move(c)) {}
  Value cls;
  Value dict;  // DictObj, created on the first attribute set
};

// Where an exception passed: one entry per frame it left, innermost first.
struct TracebackEntry {
  const Code* code;
  int line;
};

struct ExceptionObj : InstanceObj {
  explicit ExceptionObj(Value c) : InstanceObj(std::move(c), Kind::kException) {}
  Value args;                  // tuple
  Value cause;                 // None or an exception (raise ... from)
  Value context;               // None or the exception being handled when raised
  bool suppress_context = false;
  std::vector<TracebackEntry> traceback;  // innermost first
  Value notes;                 // list or None (add_note)
  // ExceptionGroup / BaseExceptionGroup: the message and the exceptions.
  Value group_message;
  Value group_exceptions;      // tuple or None
};

struct CellObj : Obj {
  CellObj() : Obj(Kind::kCell) {}
  Value value;  // unset when empty
};

struct ModuleObj : Obj {
  ModuleObj() : Obj(Kind::kModule) {}
  Value name;
  Value dict;
};

// ---------------------------------------------- generators, coroutines ----

enum class GenState : std::uint8_t { kCreated, kRunning, kSuspended, kClosed };

// A coroutine, generator or async generator: a frame that outlives calls.
struct GenObj : Obj {
  explicit GenObj(Kind k) : Obj(k) {}
  Frame* frame = nullptr;  // owned; null once closed
  GenState state = GenState::kCreated;
  Value name;
  Value qualname;
  // Async generators: the loop's finalizer was called (firstiter hook),
  // and whether an __anext__/asend/athrow/aclose awaitable is running.
  bool hooks_inited = false;
  bool running_async = false;
  Value finalizer;  // the loop's finalizer, called when dropped unfinished
  // A coroutine that was never awaited: "coroutine ... was never awaited".
  bool awaited = false;
};

// Iterators of builtin types.
enum class IterKind : std::uint8_t {
  kSeq,         // list, tuple, str: index over `seq`
  kRange,       // a: next value, b: stop, c: step
  kDictKeys, kDictValues, kDictItems, kSet,  // index into the table's entries
  kEnumerate,   // seq: the inner iterator, a: the count
  kZip,         // seq: tuple of iterators; a: 1 when strict
  kMap,         // seq: tuple of iterators, extra: the function
  kFilter,      // seq: the inner iterator, extra: the function or None
  kReversed,    // seq: list/tuple/str/range value, a: next index (counting down)
  kCallable,    // iter(callable, sentinel): extra: callable, seq: sentinel
  kDictView,    // not an iterator: dict.keys()/values()/items() (a: which)
  kAsyncGenAwaitable,  // asend/athrow/aclose/__anext__ of an async generator
};
struct IterObj : Obj {
  explicit IterObj(IterKind k) : Obj(Kind::kIterator), sub(k) {}
  IterKind sub;
  Value seq;
  Value extra;
  std::int64_t a = 0, b = 0, c = 0;
  bool done = false;
};

// property, staticmethod, classmethod.
enum class PropertyKind : std::uint8_t { kProperty, kStaticMethod, kClassMethod };
struct PropertyObj : Obj {
  explicit PropertyObj(PropertyKind k) : Obj(Kind::kProperty), sub(k) {}
  PropertyKind sub;
  Value fget, fset, fdel;  // staticmethod/classmethod: fget is the function
  Value doc;
};

// An object of a model (a task, a future, a lock, a queue ...). The model
// subclasses it; its Python type is `cls`, whose dict holds the methods (as
// BuiltinObj with is_method). Destroyed through the virtual destructor.
struct NativeObj : Obj {
  explicit NativeObj(Value c) : Obj(Kind::kNative), cls(std::move(c)) {}
  virtual ~NativeObj() = default;
  NativeObj(const NativeObj&) = delete;
  NativeObj& operator=(const NativeObj&) = delete;
  // Optional: an attribute that is data rather than a method (`task.name`
  // is not one, but `thread.name` is). Unset: not found.
  virtual Value get_attr(Vm& vm, const std::string& name);
  virtual bool set_attr(Vm& vm, const std::string& name, const Value& v);  // false: not settable
  // repr() when the class has no __repr__ of its own.
  virtual std::string repr(Vm& vm);
  // Finalization (CPython's tp_finalize, PEP 442): when the last reference
  // goes and wants_finalize() is true, the object is kept alive and
  // finalize() runs at the interpreter's next safe point (or when a model
  // calls Vm::run_finalizers); the object is freed when that reference goes,
  // finalize() having made wants_finalize() false. Not called for the
  // objects freed at the end of a run.
  virtual bool wants_finalize() const { return false; }
  virtual void finalize(Vm& vm) { (void)vm; }
  // Drops every Value this object holds (clear_all_objects).
  virtual void clear() {
    cls = Value();
    dict = Value();
  }
  Value cls;
  Value dict;  // extra attributes, if the class allows them
};

}  // namespace concsim::vm
