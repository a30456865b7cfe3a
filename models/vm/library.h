// Internals of the builtins library (ops_object.cc, ops_number.cc,
// ops_str.cc, ops_container.cc, format.cc, builtins.cc): the helpers these
// files share. The VM and the models use ops.h.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "models/vm/object.h"
#include "models/vm/ops.h"
#include "models/vm/vm.h"

namespace concsim::vm::lib {

// 128-bit integers for exact intermediate results (GCC's extension).
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// ------------------------------------------------------------ errors ----

// The name of a value's type as CPython's messages print it (tp_name): the
// class's __name__, with the names CPython gives its iterator types.
std::string type_name(Vm& vm, const Value& v);
Value type_error(Vm& vm, std::string message);
// "'name'". Spelled with append: GCC 12 reports a false -Wrestrict on
// operator+ of a one-character literal and a temporary string.
std::string quoted(std::string_view name);
Value value_error(Vm& vm, std::string message);
Value index_error(Vm& vm, std::string message);
// OverflowError "concsim: integer overflow: <op> result does not fit in 64 bits".
Value overflow(Vm& vm, std::string_view op);
// KeyError(key): the key itself is the exception's argument.
Value key_error(Vm& vm, const Value& key);
// True when the pending error is an instance of `cls`.
bool error_is(Vm& vm, const Value& cls);

// Values whose behaviour comes from their class's special methods (user
// classes, exceptions, the models' objects) rather than from this library.
inline bool is_user(const Value& v) {
  return v.is(Kind::kInstance) || v.is(Kind::kException) || v.is(Kind::kNative);
}
// Calls the special method `name` of v's type, if it has one that is not the
// default of `object`: *found false when it has none.
Value call_special(Vm& vm, const Value& v, std::string_view name, std::initializer_list<Value> args, bool* found);

// Guards C++ recursion through nested containers (repr of a list inside a
// list ...), as Py_EnterRecursiveCall: false after RecursionError.
class DepthGuard {
 public:
  DepthGuard(Vm& vm, const char* where);
  ~DepthGuard();
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  bool ok_;
};
// repr() of a container that contains itself: Py_ReprEnter / Py_ReprLeave.
// enter() is false when `o` is being repr'd already (print "[...]").
class ReprGuard {
 public:
  explicit ReprGuard(const Obj* o);
  ~ReprGuard();
  ReprGuard(const ReprGuard&) = delete;
  ReprGuard& operator=(const ReprGuard&) = delete;
  [[nodiscard]] bool entered() const { return entered_; }

 private:
  const Obj* o_;
  bool entered_;
};

// Deterministic identities: id(), and the address in default reprs
// ("<Foo object at 0x7f0000000010>"): objects are numbered in the order
// their identity is first asked for in the run.
std::int64_t object_id(Vm& vm, const Value& v);
std::string address_of(Vm& vm, const Value& v);
// hash() as the builtin shows it: *by_identity when the value hashes by
// identity (the builtin shows a hash of its deterministic id then).
bool hash_value(Vm& vm, const Value& v, std::uint64_t* out, bool* by_identity);

// --------------------------------------------------------- arguments ----

// How a builtin checks its arguments; each style is one of CPython's
// argument parsers, with its messages.
enum class ArgStyle : std::uint8_t {
  kNoArgs,     // METH_NOARGS: "str.upper() takes no arguments (1 given)"
  kOneArg,     // METH_O: "list.append() takes exactly one argument (0 given)"
  kVarargs,    // PyArg_ParseTuple: "find() takes at least 1 argument (0 given)"
  kFastcall,   // _PyArg_CheckPositional: "get expected at least 1 argument, got 0"
  kKeywords,   // _PyArg_UnpackKeywords (Argument Clinic with keywords)
};
struct ArgSpec {
  const char* name;        // the function's name in messages ("split")
  const char* qualname;    // kNoArgs/kOneArg: "str.upper" (null: name)
  ArgStyle style;
  int required;            // how many parameters are required
  int max_positional;      // parameters that may be given by position
  std::initializer_list<const char*> params;  // kKeywords: every name; posonly have ""
};
// Binds a's arguments to spec's parameters: out[i] is the argument or
// unset. False after raise.
bool bind_args(Vm& vm, const CallArgs& a, const ArgSpec& spec, Value* out);
// No keyword arguments: "name() takes no keyword arguments".
bool no_keywords(Vm& vm, const CallArgs& a, const char* name);
// Collects an iterable into a vector (tuples and lists directly).
bool collect(Vm& vm, const Value& iterable, std::vector<Value>* out);

// The operators and comparisons of the builtin types alone (int.__add__,
// list.__eq__ ...): NotImplemented when they do not apply.
Value native_binary_op(Vm& vm, ast::BinOp op, const Value& a, const Value& b);
Value native_compare_op(Vm& vm, ast::CmpOp op, const Value& a, const Value& b);

// ------------------------------------------------------------ numbers ----

inline bool is_intlike(const Value& v) { return v.is(Kind::kInt) || v.is(Kind::kBool); }
inline bool is_number(const Value& v) {
  return v.is(Kind::kInt) || v.is(Kind::kBool) || v.is(Kind::kFloat) || v.is(Kind::kDuration);
}
// An operator's symbol for messages ("+", "//", "**").
const char* binop_symbol(ast::BinOp op);
// Arithmetic on int, bool, float and duration: NotImplemented when the
// operands are not numbers of a combination the operator takes.
Value number_binary(Vm& vm, ast::BinOp op, const Value& a, const Value& b);
// Unary -, +, ~ on numbers: unset when v is not a number.
Value number_unary(Vm& vm, ast::UnaryOp op, const Value& v);
// Compares two numbers: -1, 0, 1, or 2 when unordered (a NaN); 3 when the
// pair does not compare (a duration with a non-number never gets here).
int number_compare(const Value& a, const Value& b);
// Python's hashes of numbers (hash(1.0) == hash(1) == hash(True)).
std::int64_t hash_int(std::int64_t i);
std::int64_t hash_double(double d);
std::int64_t hash_duration(std::int64_t ns);
// pow(a, b, mod) with ints.
Value int_pow_mod(Vm& vm, std::int64_t a, std::int64_t b, std::int64_t m);
// round(x[, ndigits]) of an int, float or duration: None ndigits is absent.
Value number_round(Vm& vm, const Value& x, const Value& ndigits);
Value number_divmod(Vm& vm, const Value& a, const Value& b);  // NotImplemented if not numbers
// A double as an int (truncating): int(3.7); errors for NaN and inf.
Value float_to_int(Vm& vm, double d);
// Parses an int literal as int(s, base) does; false (no raise) if invalid.
// *overflow set when it is valid but does not fit in 64 bits.
bool parse_int(std::string_view s, int base, std::int64_t* out, bool* overflow);
// Parses a float as float(s) does; false if invalid.
bool parse_float(std::string_view s, double* out);
// The decimal digits of an int in another base, as bin()/oct()/hex() (with
// the prefix) or format() (without).
std::string int_to_base(std::int64_t v, int base, bool prefix);
// Seconds of a duration as sim::format_seconds prints them ("1.5s").
std::string duration_str(std::int64_t ns);

// -------------------------------------------------------------- strings ----

// UTF-8: the code point at byte offset *i, advancing *i.
char32_t utf8_next(std::string_view s, std::size_t* i);
void utf8_append(std::string* out, char32_t c);
// Byte offset of code point `index` of a StrObj (fast for ASCII).
std::size_t str_offset(const StrObj* s, std::int64_t index);
// Code points of a str.
std::u32string to_u32(std::string_view s);
std::string from_u32(std::u32string_view s);
// repr() of text: Python's quotes and escapes; ascii() escapes every
// non-ASCII character as well.
std::string str_repr(std::string_view s, bool ascii_only = false);
// ascii(): the non-ASCII characters of a repr escaped (\xe9, \u20ac, \U0001f600).
std::string ascii_escape(std::string_view s);
// Unicode character properties (full for ASCII; the C library's tables,
// C.UTF-8, elsewhere).
bool uc_isspace(char32_t c);
bool uc_isalpha(char32_t c);
bool uc_isdecimal(char32_t c);
bool uc_isdigit(char32_t c);
bool uc_isnumeric(char32_t c);
bool uc_isupper(char32_t c);
bool uc_islower(char32_t c);
bool uc_isprintable(char32_t c);
char32_t uc_toupper(char32_t c);
char32_t uc_tolower(char32_t c);
// The value of a decimal digit character, or -1.
int uc_decimal_value(char32_t c);
// str + str, str * n, comparison, `in`, indexing and slicing.
Value str_concat(const Value& a, const Value& b);
Value str_repeat(Vm& vm, const Value& s, std::int64_t n);
int str_compare(const StrObj* a, const StrObj* b);  // by code point (UTF-8 order is code point order)
Value str_getitem(Vm& vm, const Value& s, const Value& key);
// The str's characters as one-character strs, for iteration: code point i.
Value str_char(Vm& vm, const Value& s, std::size_t* byte_offset);
Value make_char(Vm& vm, char32_t c);
void install_str_methods(Vm& vm);

// ------------------------------------------------------------ containers ----

// Sequence index normalisation: *i in [0, n), or raise IndexError(msg).
bool normalize_index(Vm& vm, std::int64_t* i, std::int64_t n, const char* msg);
// slice.indices(n): start, stop, step and the number of items.
bool slice_indices(Vm& vm, const SliceObj* s, std::int64_t n, std::int64_t* start, std::int64_t* stop,
                   std::int64_t* step, std::int64_t* count);
Value seq_getitem(Vm& vm, const Value& seq, const Value& key);     // list, tuple, range
Value list_setitem(Vm& vm, const Value& list, const Value& key, const Value& v);
Value list_delitem(Vm& vm, const Value& list, const Value& key);
Value seq_concat(Vm& vm, const Value& a, const Value& b);          // list + list, tuple + tuple
Value seq_repeat(Vm& vm, const Value& seq, std::int64_t n);        // list, tuple
Value list_inplace_concat(Vm& vm, const Value& list, const Value& other);
Value list_inplace_repeat(Vm& vm, const Value& list, std::int64_t n);
// list and tuple comparison; sets; dicts; ranges: NotImplemented if the
// types do not compare.
Value seq_compare(Vm& vm, ast::CmpOp op, const Value& a, const Value& b);
Value set_compare(Vm& vm, ast::CmpOp op, const Value& a, const Value& b);
Value dict_compare(Vm& vm, ast::CmpOp op, const Value& a, const Value& b);
// Set operators | & - ^ (and their in-place forms), dict |: NotImplemented
// when the operands are not sets (dicts).
Value set_binary(Vm& vm, ast::BinOp op, const Value& a, const Value& b, bool inplace);
Value dict_binary(Vm& vm, ast::BinOp op, const Value& a, const Value& b, bool inplace);
bool dict_update(Vm& vm, const Value& dict, const Value& other);
// repr() of the containers into out: 1 done, 0 not a container, -1 after raise.
int container_repr(Vm& vm, const Value& v, std::string* out);
bool range_contains(Vm& vm, const RangeObj* r, const Value& item, int* result);
std::int64_t range_length(const RangeObj* r);
// Iterators.
Value make_iter(IterKind kind, Value seq, std::int64_t a = 0, std::int64_t b = 0, std::int64_t c = 0);
Value builtin_iter_next(Vm& vm, IterObj* it);
// hash() of tuples and frozensets: false after raise.
bool tuple_hash(Vm& vm, const TupleObj* t, std::uint64_t* out);
bool frozenset_hash(Vm& vm, const SetObj* s, std::uint64_t* out);
// Sorting a vector as list.sort does (stable; key; reverse): false after raise.
bool sort_values(Vm& vm, std::vector<Value>* items, const Value& key, bool reverse);
void install_container_methods(Vm& vm);

// --------------------------------------------------------------- format ----

// A parsed format spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type].
struct FormatSpec {
  char32_t fill = ' ';
  char align = 0;           // 0: the type's default
  char sign = 0;            // 0, '+', '-', ' '
  bool no_neg_0 = false;    // z
  bool alternate = false;   // #
  std::int64_t width = -1;
  char grouping = 0;        // 0, ',', '_'
  std::int64_t precision = -1;
  char32_t type = 0;
  bool fill_given = false;
};
// Parses spec as CPython's parse_internal_render_format_spec for a value of
// type `type_name` whose default type and alignment are given. On error
// returns false and sets *error (a ValueError message).
bool parse_format_spec(std::string_view spec, const char* type_name, char default_type, char default_align,
                       FormatSpec* out, std::string* error);
// The formatted text, or false with *error set (*error_type: 'V' ValueError,
// 'O' OverflowError).
bool format_int_spec(std::int64_t v, std::string_view spec, const char* type_name, std::string* out,
                     std::string* error, char* error_type);
bool format_float_spec(double d, std::string_view spec, const char* type_name, std::string* out,
                       std::string* error, char* error_type);
bool format_str_spec(std::string_view s, std::string_view spec, const char* type_name, std::string* out,
                     std::string* error);
// PyOS_double_to_string: code 'e', 'f', 'g', 'r' (and upper case), the
// flags of Py_DTSF_*.
enum DtoaFlags : unsigned { kSign = 1, kAddDot0 = 2, kAlt = 4, kNoNeg0 = 8 };
std::string double_to_string(double d, char code, int precision, unsigned flags);
// str % args.
Value percent_format(Vm& vm, const Value& format, const Value& args);
// str.format(*args, **kwargs) on a format string.
Value str_format(Vm& vm, const Value& format, const Value* args, std::size_t nargs, const Value& kwargs);

}  // namespace concsim::vm::lib
