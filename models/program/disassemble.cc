#include <sstream>

#include "models/program/program.h"

namespace concsim::models {
namespace {

const char* op_name(Op op) {
  switch (op) {
    case Op::kCpu: return "cpu";
    case Op::kBlock: return "block";
    case Op::kSleep: return "sleep";
    case Op::kIo: return "io";
    case Op::kYield: return "yield";
    case Op::kLog: return "log";
    case Op::kSet: return "set";
    case Op::kReturn: return "return";
    case Op::kRaise: return "raise";
    case Op::kReraise: return "reraise";
    case Op::kPopExcept: return "pop_except";
    case Op::kExceptMatch: return "except_match";
    case Op::kStoreExcept: return "store_except";
    case Op::kJump: return "jump";
    case Op::kJumpIfFalse: return "jump_if_false";
    case Op::kRepeatInit: return "repeat_init";
    case Op::kRepeatNext: return "repeat_next";
    case Op::kSpawn: return "spawn";
    case Op::kAwait: return "await";
    case Op::kGather: return "gather";
    case Op::kWait: return "wait";
    case Op::kMakeList: return "make_list";
    case Op::kListAppend: return "list_append";
    case Op::kAsCompletedNext: return "as_completed_next";
    case Op::kWaitFor: return "wait_for";
    case Op::kCancel: return "cancel";
    case Op::kAcquire: return "acquire";
    case Op::kRelease: return "release";
    case Op::kEventSet: return "event_set";
    case Op::kEventClear: return "event_clear";
    case Op::kEventWait: return "event_wait";
    case Op::kQueueTaskDone: return "task_done";
    case Op::kQueueJoin: return "join";
    case Op::kQueuePut: return "put";
    case Op::kQueueGet: return "get";
    case Op::kExecutor: return "executor";
    case Op::kArrive: return "arrive";
    case Op::kRequestDone: return "request_done";
    case Op::kDraw: return "draw";
    case Op::kStream: return "stream";
    case Op::kEnd: return "end";
  }
  return "?";
}

void operand(std::ostringstream& out, std::uint32_t v) {
  if (v == kNone) {
    out << " -";
  } else if ((v & kSharedBit) != 0) {
    out << " shared:" << (v & ~kSharedBit);
  } else {
    out << ' ' << v;
  }
}

}  // namespace

std::string disassemble(const Program& p) {
  std::ostringstream out;
  for (const Function& fn : p.functions) {
    out << "function " << fn.name << " (entry " << fn.entry << ", " << fn.num_locals << " locals)\n";
  }
  for (std::size_t pc = 0; pc < p.code.size(); ++pc) {
    const Instr& in = p.code[pc];
    out << pc << ": " << op_name(in.op);
    operand(out, in.a);
    operand(out, in.b);
    operand(out, in.c);
    if (p.handlers[pc].pc != kNone) out << "  [handler " << p.handlers[pc].pc << " depth " << p.handlers[pc].depth << "]";
    out << '\n';
  }
  return out.str();
}

}  // namespace concsim::models
