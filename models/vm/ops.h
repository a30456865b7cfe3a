// The object protocol: what Python's operators and builtins do to values
// (CPython's Objects/abstract.c and object.c). The interpreter's opcodes
// call these; so do the builtins. Each returns a Value, or Value::error()
// after Vm::raise (the messages are CPython 3.11's, word for word); user
// classes' special methods (__add__, __eq__, __repr__, __len__, __iter__ ...)
// are called through Vm::call.
#pragma once

#include <cstdint>
#include <string>

#include "models/vm/ast.h"
#include "models/vm/value.h"

namespace concsim::vm {

class Vm;

// Arithmetic and bitwise operators; `inplace` tries __iadd__ etc. first.
// Ints are 64-bit: a result that does not fit raises OverflowError
// ("concsim: integer overflow: ... does not fit in 64 bits").
Value binary_op(Vm& vm, ast::BinOp op, const Value& a, const Value& b, bool inplace = false);
Value unary_op(Vm& vm, ast::UnaryOp op, const Value& a);
// Rich comparison (Eq, NotEq, Lt, LtE, Gt, GtE), with reflected methods and
// NotImplemented, containers compared item by item.
Value rich_compare(Vm& vm, ast::CmpOp op, const Value& a, const Value& b);
// `item in container`: 1 true, 0 false, -1 error.
int contains(Vm& vm, const Value& container, const Value& item);
// Equality as `==` then truth, with the identity shortcut containers use:
// 1, 0 or -1 (error).
int equal(Vm& vm, const Value& a, const Value& b);
// Truth value: 1, 0 or -1 (error).
int truthy(Vm& vm, const Value& v);
// hash(); false after raise (unhashable type).
bool hash(Vm& vm, const Value& v, std::uint64_t* out);

// repr() and str(): a str value, or error.
Value repr(Vm& vm, const Value& v);
Value str(Vm& vm, const Value& v);
// The same as C++ strings (error: returns false).
bool repr_string(Vm& vm, const Value& v, std::string* out);
bool str_string(Vm& vm, const Value& v, std::string* out);
// format(value, spec): the format-spec mini-language for int, float, str,
// bool, None; __format__ of user classes.
Value format(Vm& vm, const Value& v, const Value& spec);
// Python's repr of a float ("0.1", "1e+16", "inf", "nan", "-0.0").
std::string float_repr(double d);

// Containers.
Value getitem(Vm& vm, const Value& container, const Value& key);
Value setitem(Vm& vm, const Value& container, const Value& key, const Value& v);  // None or error
Value delitem(Vm& vm, const Value& container, const Value& key);                  // None or error
// len(): >= 0, or -1 after raise.
std::int64_t length(Vm& vm, const Value& v);

// Iteration over builtin iterables. get_iter returns an iterator (iter());
// iter_next returns the next item, unset when exhausted (no StopIteration
// raised), or error. Generators are iterated by the interpreter itself
// (their frames run on the fiber); these two handle them through a nested
// run when called from a native.
Value get_iter(Vm& vm, const Value& v);
Value iter_next(Vm& vm, const Value& it);

// dict and set tables (object.h HashTable), with Python's key semantics.
// lookup: the entry index or -1; -2 after raise.
std::int64_t table_lookup(Vm& vm, const HashTable& t, const Value& key, std::uint64_t hash);
Value dict_get(Vm& vm, const Value& dict, const Value& key);  // unset if absent, or error
bool dict_set(Vm& vm, const Value& dict, const Value& key, Value v);  // false after raise
int dict_del(Vm& vm, const Value& dict, const Value& key);  // 1 deleted, 0 absent, -1 error
// For string keys known to be str (attribute names, globals): no Python code runs.
Value dict_get_str(const Value& dict, const Value& key);    // unset if absent
void dict_set_str(const Value& dict, const Value& key, Value v);
bool set_add(Vm& vm, const Value& set, const Value& key);   // false after raise

// int(x), float(x), str(x), bool(x) conversions as the constructors do.
Value to_int(Vm& vm, const Value& v, const Value& base);
Value to_float(Vm& vm, const Value& v);
// An index for sequences (__index__): false after raise.
bool index_of(Vm& vm, const Value& v, std::int64_t* out);

// Registers the builtins (print, len, range, ...) in the builtins module and
// the methods of the builtin types in their classes' dicts. Called once by
// the Vm's constructor.
void install_builtins(Vm& vm);

}  // namespace concsim::vm
