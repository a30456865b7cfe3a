// The IR every front end compiles to: code objects of stack bytecode, as
// CPython 3.11's (Python/compile.c, Include/opcode.h), with a zero-cost
// exception table. A Program is compiled once and never changed; each run
// materialises its constants into objects of its own (Vm), so that two runs
// can share a Program.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/vm/ast.h"

namespace concsim::vm {

// Opcodes. The stack effect and operand of each follow CPython 3.11's
// instruction of the same name unless said otherwise.
enum class Op : std::uint8_t {
  kNop,
  kPopTop,
  kCopy,              // arg: n (1 = top)
  kSwap,              // arg: n
  kPushNull,
  kLoadConst,         // arg: constant
  kLoadFast,          // arg: local slot; unbound: UnboundLocalError
  kStoreFast,
  kDeleteFast,
  kLoadDeref,         // arg: cell slot (cells, then free variables)
  kStoreDeref,
  kDeleteDeref,
  kLoadClosure,       // arg: cell slot: push the cell itself
  kLoadClassDeref,    // arg: cell slot: class body reading a free variable
  kLoadGlobal,        // arg: name; pushes NULL first when the low bit of extra is set
  kStoreGlobal,
  kDeleteGlobal,
  kLoadName,          // arg: name (module and class bodies)
  kStoreName,
  kDeleteName,
  kLoadAttr,          // arg: name
  kStoreAttr,         // arg: name  (TOS: object, TOS1: value)
  kDeleteAttr,
  kLoadMethod,        // arg: name: [obj] -> [meth, obj] or [NULL, attr]
  kCall,              // arg: argc; extra: kwnames constant or kNoArg. Stack: [NULL|callable, callable|self, args...]
  kCallEx,            // arg: 1 if a **kwargs dict is on top. Stack: [NULL, callable, tuple(, dict)]
  kBinaryOp,          // arg: ast::BinOp; extra: 1 for the in-place form (+=)
  kUnaryOp,           // arg: ast::UnaryOp
  kCompareOp,         // arg: ast::CmpOp (Lt .. GtE, Eq, NotEq)
  kIsOp,              // arg: 1 for "is not"
  kContainsOp,        // arg: 1 for "not in"
  kBinarySubscr,
  kStoreSubscr,       // [value, container, key]
  kDeleteSubscr,
  kBuildSlice,        // arg: 2 or 3
  kBuildTuple,        // arg: n
  kBuildList,
  kBuildSet,
  kBuildMap,          // arg: n pairs
  kBuildConstKeyMap,  // arg: n values, then a constant tuple of keys
  kBuildString,       // arg: n strings
  kListAppend,        // arg: depth of the list below the item
  kSetAdd,
  kMapAdd,            // [.., dict, .., key, value]
  kListExtend,
  kSetUpdate,
  kDictUpdate,
  kDictMerge,         // as update, but duplicate keys are a TypeError (f(**a, **b))
  kListToTuple,
  kUnpackSequence,    // arg: n
  kUnpackEx,          // arg: before | after << 8
  kFormatValue,       // arg: conversion (0, 's', 'r', 'a') | 0x100 when a spec is on top
  kJump,              // arg: target pc
  kPopJumpIfFalse,    // arg: target
  kPopJumpIfTrue,
  kPopJumpIfNone,
  kPopJumpIfNotNone,
  kJumpIfFalseOrPop,
  kJumpIfTrueOrPop,
  kGetIter,
  kForIter,           // arg: target when exhausted (the iterator is popped)
  kReturnValue,
  kPushExcInfo,
  kPopExcept,
  kCheckExcMatch,
  kCheckEgMatch,
  kReraise,           // arg: 1 if the frame's lasti is below the exception
  kRaiseVarargs,      // arg: 0 (re-raise), 1 (exc), 2 (exc from cause)
  kPrepReraiseStar,
  kBeforeWith,        // [cm] -> [exit, enter()]
  kBeforeAsyncWith,   // [cm] -> [aexit, aenter() awaitable]
  kWithExceptStart,   // calls exit(type, value, tb) with the exception on top
  kYieldValue,
  kGetAwaitable,      // arg: 0 plain await, 1 after __aenter__, 2 after __aexit__
  kAwait,             // awaits TOS (an awaitable from kGetAwaitable): concsim's
                      // form of CPython's SEND/YIELD_VALUE loop; pushes the result
  kYieldFrom,         // TOS: an iterator; delegates until it returns (yield from)
  kGetAiter,
  kGetAnext,
  kEndAsyncFor,
  kGetYieldFromIter,
  kMakeFunction,      // arg: code index; extra: flags 1 defaults, 2 kwdefaults, 8 closure
  kBuildClass,        // arg: code index of the body; extra: number of bases; kwnames
                      // constant in the next instruction's arg (kNop) if keywords
  kImportName,        // arg: name (dotted)
  kImportFrom,        // arg: name
  kLoadAssertionError,
  kSetupAnnotations,
  kExtendedArg,       // unused: args are 32-bit
};
const char* op_name(Op op);

inline constexpr std::uint32_t kNoArg = 0xFFFFFFFF;

struct Instr {
  Op op = Op::kNop;
  std::uint8_t pad = 0;
  std::uint16_t extra = 0;
  std::uint32_t arg = 0;
};
static_assert(sizeof(Instr) == 8);

// Where an exception raised inside a protected range goes (CPython's
// exception table): pop the value stack to `depth`, push the pc of the
// raising instruction when `lasti`, push the exception, jump to `target`.
struct ExcHandler {
  std::uint32_t target = 0;
  std::uint32_t depth = 0;
  bool lasti = false;
};
inline constexpr std::uint32_t kNoHandler = 0xFFFFFFFF;

// A constant of a code object. Tuples of constants (default values, the
// names of keyword arguments) are kTuple with their items.
struct Const {
  ast::ConstKind kind = ast::ConstKind::kNone;
  bool b = false;
  std::int64_t i = 0;
  double f = 0;
  std::string s;
  bool is_tuple = false;
  std::vector<Const> items;
};

enum CodeFlag : std::uint32_t {
  kCoroutine = 1,
  kGenerator = 2,
  kAsyncGenerator = 4,
  kModuleBody = 8,
  kClassBody = 16,
  kVarargs = 32,
  kVarkw = 64,
  kHidden = 128,  // concsim's own code (lowered YAML scaffolding): left out of tracebacks
};

struct Code {
  std::string name;       // "main", "<module>", "<lambda>", "<listcomp>"
  std::string qualname;   // "Server.handle", "main.<locals>.inner"
  std::string file;
  int first_line = 0;
  std::uint32_t flags = 0;
  std::uint32_t argcount = 0;         // positional, including positional-only
  std::uint32_t posonlyargcount = 0;
  std::uint32_t kwonlyargcount = 0;
  // Locals: parameters first (positional, keyword-only, *args, **kwargs),
  // then the other locals. Cells and free variables follow in the frame.
  std::vector<std::string> varnames;
  std::vector<std::string> cellvars;
  std::vector<std::string> freevars;
  std::vector<std::int32_t> cell_of_arg;  // per cellvar: the parameter it starts as, or -1
  std::uint32_t stacksize = 0;
  std::vector<Instr> code;
  std::vector<ast::Loc> locs;            // per instruction
  std::vector<std::uint32_t> handler_at; // per instruction: index into handlers, or kNoHandler
  std::vector<ExcHandler> handlers;
  std::vector<Const> consts;
  std::vector<std::string> names;        // attribute, global and imported names
  // Set by the compiler: the program this code belongs to, and where its
  // constants and names start in the program's tables (Vm materialises
  // each program's constants once per run).
  const struct Program* program = nullptr;
  std::uint32_t const_base = 0;
  std::uint32_t name_base = 0;

  [[nodiscard]] bool is(CodeFlag f) const { return (flags & f) != 0; }
  [[nodiscard]] std::uint32_t nlocals() const { return static_cast<std::uint32_t>(varnames.size()); }
  [[nodiscard]] std::uint32_t ncells() const { return static_cast<std::uint32_t>(cellvars.size()); }
  [[nodiscard]] std::uint32_t nfree() const { return static_cast<std::uint32_t>(freevars.size()); }
  [[nodiscard]] int line_at(std::uint32_t pc) const { return pc < locs.size() ? locs[pc].line : first_line; }
};

struct Program {
  Program() = default;
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  Program(Program&&) = default;
  Program& operator=(Program&&) = default;
  std::vector<std::unique_ptr<Code>> codes;  // codes[module_code] is the module body
  std::uint32_t module_code = 0;
  std::string file;
  // The source, by line, for tracebacks ("    await t").
  std::vector<std::string> source_lines;
};

}  // namespace concsim::vm
