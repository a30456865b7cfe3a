// The program tree every front end produces: Python's abstract syntax, as
// CPython 3.11's `ast` module defines it (Lib/ast.py, Parser/Python.asdl),
// restricted to what concsim runs. The Python front end (app/python) parses
// source into it; the YAML front end (app/load) lowers its steps into it
// (app/load/lower_steps.cc). The compiler (compiler.h) turns it into
// the IR that every model runs, so no model knows which language a program
// was written in.
//
// Nodes are plain structs owned through unique_ptr; one struct per family
// (Expr, Stmt) with the fields of every kind, as the step tree does, so that
// a pass is a switch over `kind`. Every node carries where it was written.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace concsim::vm::ast {

// Where a node was written. Python source: 1-based line and column (CPython
// reports col_offset + 1 in SyntaxError messages), and the end of the node.
// YAML steps: the line and column of the step's key and its key path
// ("main[2].sleep"), which messages print instead of a Python expression.
struct Loc {
  int line = 0;
  int col = 0;
  int end_line = 0;
  int end_col = 0;
  std::string path;  // YAML key path; empty for Python source
};

struct Expr;
struct Stmt;
using ExprP = std::unique_ptr<Expr>;
using StmtP = std::unique_ptr<Stmt>;
using Body = std::vector<StmtP>;

enum class Ctx : std::uint8_t { kLoad, kStore, kDel };

enum class BinOp : std::uint8_t {
  kAdd, kSub, kMult, kMatMult, kDiv, kMod, kPow, kLShift, kRShift, kBitOr, kBitXor, kBitAnd, kFloorDiv,
};
enum class UnaryOp : std::uint8_t { kInvert, kNot, kUAdd, kUSub };
enum class BoolOp : std::uint8_t { kAnd, kOr };
enum class CmpOp : std::uint8_t { kEq, kNotEq, kLt, kLtE, kGt, kGtE, kIs, kIsNot, kIn, kNotIn };

// A literal. kDuration exists only in programs lowered from YAML steps
// ("1.5ms"): an exact integer count of nanoseconds.
enum class ConstKind : std::uint8_t { kNone, kBool, kInt, kFloat, kStr, kEllipsis, kDuration };
struct Constant {
  ConstKind kind = ConstKind::kNone;
  bool b = false;
  std::int64_t i = 0;  // kInt, kDuration (ns)
  double f = 0;
  std::string s;
};

struct Keyword {
  std::string arg;  // empty: **kwargs
  ExprP value;
  Loc loc;
};

struct Comprehension {
  ExprP target;
  ExprP iter;
  std::vector<ExprP> ifs;
  bool is_async = false;
};

struct Arg {
  std::string name;
  Loc loc;
};

// A function's parameters, as ast.arguments.
struct Arguments {
  std::vector<Arg> posonlyargs;
  std::vector<Arg> args;
  std::unique_ptr<Arg> vararg;      // *args
  std::vector<Arg> kwonlyargs;
  std::vector<ExprP> kw_defaults;   // parallel to kwonlyargs; null where none
  std::unique_ptr<Arg> kwarg;       // **kwargs
  std::vector<ExprP> defaults;      // for the last len(defaults) of posonlyargs + args
};

enum class ExprKind : std::uint8_t {
  kBoolOp,          // op, items (values)
  kNamedExpr,       // a (target), b (value)
  kBinOp,           // a (left), bin_op, b (right)
  kUnaryOp,         // unary_op, a (operand)
  kLambda,          // args, a (body)
  kIfExp,           // a (test), b (body), c (orelse)
  kDict,            // keys (null key: **mapping), items (values)
  kSet,             // items
  kListComp,        // a (elt), generators
  kSetComp,         // a (elt), generators
  kDictComp,        // a (key), b (value), generators
  kGeneratorExp,    // a (elt), generators
  kAwait,           // a
  kYield,           // a (may be null)
  kYieldFrom,       // a
  kCompare,         // a (left), ops, items (comparators)
  kCall,            // a (func), items (args, Starred for *x), keywords
  kFormattedValue,  // a (value), conversion ('s', 'r', 'a' or 0), b (format_spec: a JoinedStr, or null)
  kJoinedStr,       // items (Constant str and FormattedValue)
  kConstant,        // value
  kAttribute,       // a (value), name (attr), ctx
  kSubscript,       // a (value), b (slice), ctx
  kStarred,         // a (value), ctx
  kName,            // name (id), ctx
  kList,            // items (elts), ctx
  kTuple,           // items (elts), ctx
  kSlice,           // a (lower), b (upper), c (step): each may be null
};

struct Expr {
  ExprKind kind = ExprKind::kConstant;
  Loc loc;
  Ctx ctx = Ctx::kLoad;
  BinOp bin_op = BinOp::kAdd;
  UnaryOp unary_op = UnaryOp::kNot;
  BoolOp bool_op = BoolOp::kAnd;
  char conversion = 0;
  std::string name;
  Constant value;
  ExprP a, b, c;
  std::vector<ExprP> items;
  std::vector<ExprP> keys;
  std::vector<CmpOp> ops;
  std::vector<Keyword> keywords;
  std::vector<Comprehension> generators;
  std::unique_ptr<Arguments> args;
};

struct Alias {
  std::string name;    // dotted module name, or the imported name
  std::string asname;  // empty: none
  Loc loc;
};

struct WithItem {
  ExprP context_expr;
  ExprP optional_vars;  // may be null
};

struct ExceptHandler {
  ExprP type;        // null: a bare except
  std::string name;  // empty: no "as"
  Body body;
  Loc loc;
};

enum class StmtKind : std::uint8_t {
  kFunctionDef,       // name, args, body, decorators, is_async
  kClassDef,          // name, bases (items), keywords, body, decorators
  kReturn,            // a (may be null)
  kDelete,            // targets
  kAssign,            // targets, a (value)
  kAugAssign,         // a (target), bin_op, b (value)
  kAnnAssign,         // a (target), c (annotation), b (value, may be null), simple
  kFor,               // a (target), b (iter), body, orelse, is_async
  kWhile,             // a (test), body, orelse
  kIf,                // a (test), body, orelse
  kWith,              // items, body, is_async
  kRaise,             // a (exc, may be null), b (cause, may be null)
  kTry,               // body, handlers, orelse, finalbody
  kTryStar,           // body, handlers, orelse, finalbody (except*)
  kAssert,            // a (test), b (msg, may be null)
  kImport,            // names
  kImportFrom,        // module, names, level
  kGlobal,            // identifiers
  kNonlocal,          // identifiers
  kExpr,              // a
  kPass,
  kBreak,
  kContinue,
};

struct Stmt {
  StmtKind kind = StmtKind::kPass;
  Loc loc;
  bool is_async = false;
  bool simple = false;
  BinOp bin_op = BinOp::kAdd;
  int level = 0;
  std::string name;
  std::string module;
  ExprP a, b, c;
  std::vector<ExprP> targets;
  std::vector<ExprP> items;       // ClassDef bases
  std::vector<Keyword> keywords;  // ClassDef keywords
  std::vector<ExprP> decorators;
  std::unique_ptr<Arguments> args;
  Body body, orelse, finalbody;
  std::vector<ExceptHandler> handlers;
  std::vector<WithItem> with_items;
  std::vector<Alias> names;
  std::vector<std::string> identifiers;
};

// A whole source file (or a YAML program after lowering).
struct Module {
  std::string file;  // as given, for messages and tracebacks
  Body body;
};

}  // namespace concsim::vm::ast
