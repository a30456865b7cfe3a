// A compiled program: flat bytecode shared by every task that runs it.
//
// A task is an interpreted state machine (a function index, a pc, its locals
// and a rarely used exception stack), not a fiber or a thread, so that a
// waiting simulated task costs the simulator a few dozen bytes.
//
// Exceptions use a per-instruction handler table, as CPython's exception
// table does: handler_[pc] says where an exception raised at pc goes and how
// deep the stack of exceptions being handled is there. `return`, `break` and
// `continue` inside try/finally or async with are compiled by inlining the
// cleanup code on the way out, so no run-time unwinding state is needed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/program/steps.h"
#include "models/program/expr.h"
#include "models/program/value.h"

namespace concsim::models {

enum class Op : std::uint8_t {
  kCpu, kBlock, kSleep, kIo,  // a: duration
  kYield,
  kLog,                       // a: template
  kSet,                       // a: var, b: expr
  kReturn,                    // a: expr or kNone
  kRaise,                     // a: type string, b: message template or kNone
  kReraise,                   // raise the exception being handled (top of stack)
  kPopExcept,                 // the innermost handled exception is done with
  kExceptMatch,               // a: type list, b: jump target if it does not match
  kStoreExcept,               // a: var <- the exception being handled
  kJump,                      // a: target
  kJumpIfFalse,               // a: expr, b: target
  kRepeatInit,                // a: count expr, b: base slot (count, index), c: end target
  kRepeatNext,                // a: base slot, b: body target
  kSpawn,                     // a: spawn spec, c: into var
  kAwait,                     // a: expr, c: into var
  kGather,                    // a: gather spec, c: into var
  kWait,                      // a: wait spec
  kMakeList,                  // a: gather spec (its task exprs), c: into var
  kListAppend,                // a: list slot (owned by this task alone), b: value slot; appends in place
  kAsCompletedNext,           // a: iterator slot (a list), b: exit target, c: into var (the task)
  kWaitFor,                   // a: expr (task), b: timeout duration, c: into var
  kCancel,                    // a: expr (a task or a list of tasks)
  kAcquire, kRelease, kEventSet, kEventClear, kEventWait, kQueueTaskDone, kQueueJoin,  // a: object
  kQueuePut,                  // a: object, b: expr
  kQueueGet,                  // a: object, c: into var
  kExecutor,                  // a: spawn spec, c: into var
  kArrive,                    // a: duration, b: base expr or kNone (now), c: into var (True when the server stops)
  kRequestDone,               // a: 1 if the handler failed
  kDraw,                      // a: duration, c: into var; the sample, without waiting
  kStream,                    // a: stream name (string), b: index expr; the task draws from
                              // RandomStream::derive(run seed, name, index) from here on
  kEnd,                       // end of a function: return None
};

inline constexpr std::uint32_t kNone = 0xFFFFFFFF;
// Variables are packed: the top bit marks a shared variable.
inline constexpr std::uint32_t kSharedBit = 0x80000000;

struct Instr {
  Op op;
  std::uint32_t a = kNone;
  std::uint32_t b = kNone;
  std::uint32_t c = kNone;
};

struct Handler {
  std::uint32_t pc = kNone;  // kNone: the exception leaves the function
  std::uint32_t depth = 0;   // exceptions being handled at the handler's entry, less the new one
};

struct Function {
  std::string name;
  std::uint32_t entry = 0;
  std::uint32_t num_locals = 0;
  std::uint32_t num_params = 0;  // params occupy slots [0, num_params)
  std::vector<std::string> params;
  std::vector<std::string> local_names;  // by slot, hidden ones start with '#'
};

struct SpawnSpec {
  std::uint32_t function = 0;
  std::uint32_t name = kNone;  // template; kNone: the function's name
  std::vector<std::uint32_t> args;  // expr per parameter, in parameter order
};

struct GatherSpec {
  std::vector<std::uint32_t> tasks;  // exprs
  bool return_exceptions = false;
};

struct WaitSpec {
  std::vector<std::uint32_t> tasks;  // exprs
  std::uint32_t timeout = kNone;     // duration
  ReturnWhen return_when = ReturnWhen::kAllCompleted;
  std::uint32_t done = kNone;        // vars
  std::uint32_t pending = kNone;
};

struct SyncObject {
  std::string name;
  SyncKind kind;
  std::int64_t value;
};

struct SharedVar {
  std::string name;
  Value initial;
};

struct Program {
  std::vector<Instr> code;
  std::vector<Handler> handlers;  // one per instruction
  std::vector<SourceRef> where;   // one per instruction, for messages
  std::vector<Function> functions;
  std::vector<Expr> exprs;
  std::vector<Template> templates;
  std::vector<DurationSpec> durations;
  std::vector<std::uint32_t> duration_exprs;  // parallel to durations: expr, or kNone
  std::vector<SpawnSpec> spawns;
  std::vector<GatherSpec> gathers;
  std::vector<WaitSpec> waits;
  std::vector<std::vector<std::uint32_t>> type_lists;  // string ids
  std::vector<SyncObject> sync;
  std::vector<SharedVar> shared;
  Store constants;  // literal strings; a run's Store starts as a copy

  // The function index by name, or kNone.
  [[nodiscard]] std::uint32_t find_function(std::string_view name) const;
};

struct CompileError {
  SourceRef at;
  std::string message;
};

// Compiles the tree. Returns false and fills *error with the first error.
bool compile_program(const ProgramAst& ast, Program* out, CompileError* error);

// A readable listing of the bytecode, for `concsim validate --disassemble`
// and for tests.
std::string disassemble(const Program& p);

}  // namespace concsim::models
