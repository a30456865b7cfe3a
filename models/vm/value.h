// Values of the program VM: Python's values, as CPython 3.11 defines their
// behaviour, in 16 bytes.
//
// A Value is a kind and a payload. Small values (None, bools, 64-bit ints,
// floats, YAML durations) are held inline; everything else is a heap object
// (Obj) that the Value owns one reference to. Copying a Value takes a
// reference, destroying it drops one, and an object is freed when its last
// reference goes: lifetimes are CPython's, so what CPython does when an
// object dies (a generator's `finally` when it is dropped, an async
// generator handed to the loop's finalizer) happens at the same point of the
// program. Reference cycles are not collected (CPython's cyclic collector
// runs at moments no program can rely on); the memory guards bound them.
//
// Objects belong to one run and one thread: no atomic counts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace concsim::vm {

enum class Kind : std::uint8_t {
  // Inline values.
  kUnset,           // an unbound variable; an empty slot of a container
  kNone,
  kBool,
  kInt,             // 64-bit; overflow raises OverflowError (see int_ops.h)
  kFloat,           // IEEE double
  kDuration,        // exact nanoseconds: YAML duration literals ("1.5ms")
  kNotImplemented,
  kEllipsis,
  // Not Python values: what a native function returns to say it raised (the
  // exception is in Vm::error()) or that its fiber must wait (the request is
  // in Vm::request()). Never stored anywhere.
  kError,
  kSuspend,
  // Heap objects: the payload is an Obj* of the struct named in object.h.
  kStr,             // StrObj
  kTuple,           // TupleObj
  kList,            // ListObj
  kDict,            // DictObj
  kSet,             // SetObj (also frozenset: SetObj::frozen)
  kRange,           // RangeObj
  kSlice,           // SliceObj
  kFunction,        // FunctionObj: a def, lambda or comprehension
  kBuiltin,         // BuiltinObj: a native function, maybe bound to self
  kMethod,          // MethodObj: a function bound to an instance
  kClass,           // ClassObj: a class, builtin types included
  kInstance,        // InstanceObj: an instance of a user class
  kException,       // ExceptionObj: an instance of an exception class
  kCell,            // CellObj: a closure variable
  kModule,          // ModuleObj
  kCoroutine,       // GenObj: an async def called
  kGenerator,       // GenObj: a def with yield called
  kAsyncGenerator,  // GenObj: an async def with yield called
  kIterator,        // IterObj: the iterators of builtin types (subkind inside)
  kProperty,        // PropertyObj, also staticmethod/classmethod wrappers
  kNative,          // NativeObj: an object of a model (a task, a future, a lock)
};

inline constexpr bool is_heap(Kind k) { return k >= Kind::kStr; }

struct Obj;
void destroy(Obj* o);  // object.cc: frees o and drops the references it holds

// The header of every heap object. Live objects are linked in a list of
// the thread's objects, so that the end of a run can free what reference
// cycles keep alive (clear_all_objects in object.h).
struct Obj {
  std::uint32_t refcount = 1;
  Kind kind;
  std::uint8_t flags = 0;
  std::uint16_t extra = 0;  // per kind (see object.h)
  Obj* gc_prev = nullptr;
  Obj* gc_next = nullptr;

  explicit Obj(Kind k) : kind(k) {}

  // A performance trick: objects are allocated from per-thread free lists
  // of a few sizes (object.cc, pool_alloc), which a run reuses many times a
  // second (a future, a handle and a coroutine per await).
  static void* operator new(std::size_t bytes);
  static void operator delete(void* p, std::size_t bytes);
};

inline void incref(Obj* o) { ++o->refcount; }
inline void decref(Obj* o) {
  if (--o->refcount == 0) destroy(o);
}

class Value {
 public:
  Value() : kind_(Kind::kNone) { u_.i = 0; }
  ~Value() {
    if (vm::is_heap(kind_)) decref(u_.o);
  }
  Value(const Value& v) : kind_(v.kind_), u_(v.u_) {
    if (vm::is_heap(kind_)) incref(u_.o);
  }
  Value(Value&& v) noexcept : kind_(v.kind_), u_(v.u_) { v.kind_ = Kind::kNone; }
  Value& operator=(const Value& v) {
    if (vm::is_heap(v.kind_)) incref(v.u_.o);
    release();
    kind_ = v.kind_;
    u_ = v.u_;
    return *this;
  }
  Value& operator=(Value&& v) noexcept {
    if (this != &v) {
      release();
      kind_ = v.kind_;
      u_ = v.u_;
      v.kind_ = Kind::kNone;
    }
    return *this;
  }

  // Constructors of inline values.
  static Value none() { return Value(); }
  static Value unset() { return Value(Kind::kUnset, 0); }
  static Value boolean(bool b) { return Value(Kind::kBool, b ? 1 : 0); }
  static Value integer(std::int64_t i) { return Value(Kind::kInt, i); }
  static Value floating(double d) {
    Value v(Kind::kFloat, 0);
    v.u_.f = d;
    return v;
  }
  static Value duration(std::int64_t ns) { return Value(Kind::kDuration, ns); }
  static Value not_implemented() { return Value(Kind::kNotImplemented, 0); }
  static Value ellipsis() { return Value(Kind::kEllipsis, 0); }
  static Value error() { return Value(Kind::kError, 0); }
  static Value suspend() { return Value(Kind::kSuspend, 0); }
  // Takes over the reference the caller holds (a new object starts with one).
  static Value adopt(Obj* o) {
    Value v(o->kind, 0);
    v.u_.o = o;
    return v;
  }
  // Takes a new reference to o.
  static Value borrow(Obj* o) {
    incref(o);
    return adopt(o);
  }

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool is(Kind k) const { return kind_ == k; }
  [[nodiscard]] bool is_none() const { return kind_ == Kind::kNone; }
  [[nodiscard]] bool is_unset() const { return kind_ == Kind::kUnset; }
  [[nodiscard]] bool is_error() const { return kind_ == Kind::kError; }
  [[nodiscard]] bool is_suspend() const { return kind_ == Kind::kSuspend; }
  // A native's result that is not a value: an error or a suspension.
  [[nodiscard]] bool is_special() const { return kind_ == Kind::kError || kind_ == Kind::kSuspend; }
  [[nodiscard]] bool is_heap() const { return vm::is_heap(kind_); }
  [[nodiscard]] bool as_bool() const { return u_.i != 0; }
  [[nodiscard]] std::int64_t as_int() const { return u_.i; }
  [[nodiscard]] double as_float() const { return u_.f; }
  [[nodiscard]] std::int64_t as_duration() const { return u_.i; }
  [[nodiscard]] Obj* obj() const { return u_.o; }
  template <class T>
  [[nodiscard]] T* as() const {
    return static_cast<T*>(u_.o);
  }
  // Gives up ownership: the caller now holds the reference.
  Obj* release_obj() {
    Obj* o = u_.o;
    kind_ = Kind::kNone;
    return o;
  }

  // Identity, as Python's `is`: the same inline value or the same object.
  [[nodiscard]] bool same(const Value& v) const {
    if (kind_ != v.kind_) return false;
    if (kind_ == Kind::kFloat) return std::memcmp(&u_.f, &v.u_.f, sizeof(double)) == 0;
    return u_.i == v.u_.i;
  }
  // Raw payload bits, for hashing by identity.
  [[nodiscard]] std::uint64_t bits() const { return static_cast<std::uint64_t>(u_.i); }

 private:
  Value(Kind k, std::int64_t i) : kind_(k) { u_.i = i; }
  void release() {
    if (vm::is_heap(kind_)) decref(u_.o);
  }

  Kind kind_;
  union {
    std::int64_t i;
    double f;
    Obj* o;
  } u_;
};
static_assert(sizeof(Value) == 16);

// Python's name of a kind's type ("int", "str", ...), for heap kinds the
// type of the object's class (object.h's type_name(Value) knows the class).
const char* kind_name(Kind k);

}  // namespace concsim::vm
