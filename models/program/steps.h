// The program language as a tree: what a workload's YAML says, before
// compilation. Model-neutral: the event loop and the thread models run the
// same compiled program. The loader (app/load) builds this tree and records
// where each piece came from; the compiler reports errors against those
// places without knowing about YAML.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/random.h"
#include "sim/time.h"

namespace concsim::models {

// Where a piece of the tree was written; the loader turns it into
// "file:line:column: key.path".
struct SourceRef {
  int line = 0;
  int column = 0;
  std::string path;
};

// A duration operand: a constant, a distribution sampled per use from the
// task's random stream (nanoseconds, rounded to nearest, negative samples
// clamped to 0), or an expression evaluated per use.
struct DurationSpec {
  enum class Kind : std::uint8_t { kConstant, kDistribution, kExpression } kind = Kind::kConstant;
  sim::Duration constant = 0;
  sim::Distribution distribution;
  std::string expression;
  SourceRef at;
};

struct Step;
using Steps = std::vector<Step>;

// A task to start: a function with arguments, inline steps, or (ref) an
// existing task held in a variable.
struct TaskSpec {
  std::string name;       // may hold {expression} holes; default: the function name
  std::string function;   // a function of the workload, or empty for inline steps
  std::vector<std::pair<std::string, std::string>> args;  // parameter -> expression
  std::vector<SourceRef> arg_at;
  Steps steps;
  std::string ref;        // a variable holding a task, instead of the above
  std::string count;      // an expression: start this many tasks from the spec (gather, wait, as_completed)
  SourceRef count_at;
  std::string index_var;  // with count: the index, 0 .. count-1, visible to name and args
  SourceRef at;
};

struct ExceptClause {
  std::vector<std::string> types;  // empty: catch everything
  std::string as;                  // variable that receives the exception
  Steps steps;
  SourceRef at;
};

enum class ReturnWhen : std::uint8_t { kAllCompleted, kFirstCompleted, kFirstException };

enum class StepKind : std::uint8_t {
  kCpu, kBlock, kSleep, kIo, kYield, kLog, kSet, kReturn, kRaise, kReraise,
  kCall, kSpawn, kAwait, kGather, kWait, kAsCompleted, kWaitFor, kCancel,
  kAcquire, kRelease, kEventSet, kEventClear, kEventWait,
  kQueuePut, kQueueGet, kQueueTaskDone, kQueueJoin,
  kAsyncWith, kAsyncFor, kRepeat, kLoop, kWhile, kIf, kBreak, kContinue, kTry,
  kExecutor,
  // Server workloads (synthesised by the loader from `server:`, not written
  // by hand): wait for the connection's next request; the request is done;
  // draw a duration from a distribution into a variable, without waiting
  // (open-loop arrivals); take the task's random draws from here on from the
  // stream of an entity (`text` names the stream, `expr` gives the entity's
  // index), so that a connection's arrivals and a request's service times do
  // not depend on which task serves them or in what order tasks were made.
  kArrive, kRequestDone, kDraw, kStream,
};

struct Step {
  StepKind kind = StepKind::kYield;
  SourceRef at;

  DurationSpec duration;         // cpu, block, sleep, io; timeout of wait/wait_for/as_completed
  bool has_timeout = false;

  std::string text;              // log template; raise type; sync object or queue name
  std::string message;           // raise message template
  std::string expr;              // return, await, cancel target, put item, count, condition
  SourceRef expr_at;
  std::vector<std::pair<std::string, std::string>> assignments;  // set: variable -> expression
  std::vector<SourceRef> assignment_at;

  std::string into;              // variable receiving the result
  std::string as;                // loop variable
  std::string done, pending;     // wait's result sets

  std::vector<TaskSpec> tasks;   // spawn (one), gather, wait, as_completed, wait_for (one), call (one), executor (one)
  bool return_exceptions = false;  // also: request_done's "failed"
  ReturnWhen return_when = ReturnWhen::kAllCompleted;

  Steps body;                    // repeat, loop, while, if-then, try, async_with body, async_for body
  Steps else_body;               // if-else; async_with enter; async_for fetch
  Steps exit_body;               // async_with exit
  std::vector<ExceptClause> excepts;
  Steps finally_body;
  bool has_finally = false;
};

struct FunctionDef {
  std::string name;
  std::vector<std::string> params;
  Steps steps;
  SourceRef at;
};

enum class SyncKind : std::uint8_t { kSemaphore, kBoundedSemaphore, kLock, kEvent, kQueue };

struct SyncDef {
  std::string name;
  SyncKind kind = SyncKind::kLock;
  std::int64_t value = 0;   // semaphore initial value, queue maxsize (0: unbounded)
  SourceRef at;
};

struct SharedDef {
  std::string name;
  std::string initial;  // an expression
  SourceRef at;
};

// Every variable a body assigns (set, into, as, done, pending, a count's
// index, an except clause's as), in the order written, nested bodies
// included; inline task bodies are functions of their own and left out. The
// compiler declares these as locals; the lowering (lower.h) reads them too.
void collect_assigned(const Steps& steps, std::vector<std::string>& out);

struct ProgramAst {
  std::vector<FunctionDef> functions;
  std::vector<SyncDef> sync;
  std::vector<SharedDef> shared;
};

}  // namespace concsim::models
