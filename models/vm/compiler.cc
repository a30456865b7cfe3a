// The compiler: code objects from the program tree. One Unit per scope
// (module, function, class body, lambda, comprehension); statements and
// expressions are emitted with labels patched at the end; the exception
// table comes from the handlers active at each instruction; the stack size
// from a flow analysis of the finished code (Python/compile.c stackdepth).
#include "models/vm/compiler.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "models/vm/symtable.h"

namespace concsim::vm {

namespace {

struct Failure {
  CompileError error;
};

[[noreturn]] void fail(const ast::Loc& loc, std::string message, std::string kind = "SyntaxError") {
  CompileError e;
  e.loc = loc;
  e.kind = std::move(kind);
  e.message = std::move(message);
  throw Failure{std::move(e)};
}

[[noreturn]] void unsupported(const ast::Loc& loc, const std::string& what) {
  fail(loc, "not supported by concsim: " + what + " (see the README's table of the Python subset)");
}

enum class FBlockKind : std::uint8_t {
  kWhile, kFor, kAsyncFor, kTryExcept, kFinallyTry, kFinallyEnd, kWith, kAsyncWith, kHandlerCleanup, kPopValue,
  kExceptStar,  // the clauses of a try/except*: nothing may jump out of them
};

constexpr const char* kExceptStarExit = "'break', 'continue' and 'return' cannot appear in an except* block";

struct FBlock {
  FBlockKind kind;
  int continue_label = -1;
  int break_label = -1;
  const ast::Body* finalbody = nullptr;
  std::string exc_name;       // kHandlerCleanup: the `as` name to clear
  std::size_t handlers = 0;   // the handler stack's size outside this block
  ast::Loc loc;
};

struct HandlerDef {
  int target_label;
  std::uint32_t setup_pc;
  int depth_offset;
};

struct Unit {
  Code* code = nullptr;
  Scope* scope = nullptr;
  std::vector<int> label_pc;
  std::vector<std::pair<std::uint32_t, int>> fixups;  // instruction, label
  std::vector<HandlerDef> handler_defs;
  std::vector<int> handler_stack;
  std::vector<int> handler_of;  // per instruction
  std::vector<FBlock> fblocks;
  std::map<std::string, std::uint32_t> consts;
  std::map<std::string, std::uint32_t> names;
  std::map<std::string, std::uint32_t> varnames;
  std::map<std::string, std::uint32_t> cells;  // cellvars then freevars
  ast::Loc loc;
};

std::string const_key(const Const& c) {
  std::ostringstream o;
  if (c.is_tuple) {
    o << "(";
    for (const Const& i : c.items) o << const_key(i) << ",";
    o << ")";
    return o.str();
  }
  o << static_cast<int>(c.kind) << ":";
  switch (c.kind) {
    case ast::ConstKind::kBool: o << c.b; break;
    case ast::ConstKind::kInt:
    case ast::ConstKind::kDuration: o << c.i; break;
    case ast::ConstKind::kFloat: {
      std::uint64_t bits;
      std::memcpy(&bits, &c.f, sizeof bits);
      o << bits;
      break;
    }
    case ast::ConstKind::kStr: o << c.s.size() << ":" << c.s; break;
    default: break;
  }
  return o.str();
}

Const to_const(const ast::Constant& v) {
  Const c;
  c.kind = v.kind;
  c.b = v.b;
  c.i = v.i;
  c.f = v.f;
  c.s = v.s;
  return c;
}

// Stack effects: on falling through and on jumping.
struct Effect {
  int fall;
  int jump;
  bool falls;  // control reaches the next instruction
  bool jumps;  // arg is a jump target
};

Effect effect_of(const Instr& in) {
  const int arg = static_cast<int>(in.arg);
  switch (in.op) {
    case Op::kNop: return {0, 0, true, false};
    case Op::kPopTop: return {-1, 0, true, false};
    case Op::kCopy: return {1, 0, true, false};
    case Op::kSwap: return {0, 0, true, false};
    case Op::kPushNull: return {1, 0, true, false};
    case Op::kLoadConst:
    case Op::kLoadFast:
    case Op::kLoadDeref:
    case Op::kLoadClassDeref:
    case Op::kLoadClosure:
    case Op::kLoadName:
    case Op::kLoadAssertionError:
    case Op::kImportName:
    case Op::kImportFrom: return {1, 0, true, false};
    case Op::kLoadGlobal: return {(in.extra & 1) ? 2 : 1, 0, true, false};
    case Op::kStoreFast:
    case Op::kStoreDeref:
    case Op::kStoreGlobal:
    case Op::kStoreName: return {-1, 0, true, false};
    case Op::kDeleteFast:
    case Op::kDeleteDeref:
    case Op::kDeleteGlobal:
    case Op::kDeleteName: return {0, 0, true, false};
    case Op::kLoadAttr: return {0, 0, true, false};
    case Op::kStoreAttr: return {-2, 0, true, false};
    case Op::kDeleteAttr: return {-1, 0, true, false};
    case Op::kLoadMethod: return {1, 0, true, false};
    case Op::kCall: return {-arg - 1, 0, true, false};
    case Op::kCallEx: return {-2 - arg, 0, true, false};
    case Op::kBinaryOp:
    case Op::kCompareOp:
    case Op::kIsOp:
    case Op::kContainsOp:
    case Op::kBinarySubscr: return {-1, 0, true, false};
    case Op::kUnaryOp: return {0, 0, true, false};
    case Op::kStoreSubscr: return {-3, 0, true, false};
    case Op::kDeleteSubscr: return {-2, 0, true, false};
    case Op::kBuildSlice: return {1 - arg, 0, true, false};
    case Op::kBuildTuple:
    case Op::kBuildList:
    case Op::kBuildSet:
    case Op::kBuildString: return {1 - arg, 0, true, false};
    case Op::kBuildMap: return {1 - 2 * arg, 0, true, false};
    case Op::kBuildConstKeyMap: return {-arg, 0, true, false};
    case Op::kListAppend:
    case Op::kSetAdd:
    case Op::kListExtend:
    case Op::kSetUpdate:
    case Op::kDictUpdate:
    case Op::kDictMerge: return {-1, 0, true, false};
    case Op::kMapAdd: return {-2, 0, true, false};
    case Op::kListToTuple: return {0, 0, true, false};
    case Op::kUnpackSequence: return {arg - 1, 0, true, false};
    case Op::kUnpackEx: return {(arg & 0xFF) + (arg >> 8), 0, true, false};
    case Op::kFormatValue: return {(in.arg & 0x100) ? -1 : 0, 0, true, false};
    case Op::kJump: return {0, 0, false, true};
    case Op::kPopJumpIfFalse:
    case Op::kPopJumpIfTrue:
    case Op::kPopJumpIfNone:
    case Op::kPopJumpIfNotNone: return {-1, -1, true, true};
    case Op::kJumpIfFalseOrPop:
    case Op::kJumpIfTrueOrPop: return {-1, 0, true, true};
    case Op::kGetIter:
    case Op::kGetYieldFromIter: return {0, 0, true, false};
    case Op::kForIter: return {1, -1, true, true};
    case Op::kReturnValue: return {-1, 0, false, false};
    case Op::kPushExcInfo: return {1, 0, true, false};
    case Op::kPopExcept: return {-1, 0, true, false};
    case Op::kCheckExcMatch:
    case Op::kCheckEgMatch: return {0, 0, true, false};
    case Op::kReraise: return {-1, 0, false, false};
    case Op::kRaiseVarargs: return {-arg, 0, false, false};
    case Op::kPrepReraiseStar: return {-1, 0, true, false};
    case Op::kBeforeWith:
    case Op::kBeforeAsyncWith:
    case Op::kWithExceptStart: return {1, 0, true, false};
    case Op::kYieldValue:
    case Op::kGetAwaitable:
    case Op::kAwait:
    case Op::kYieldFrom:
    case Op::kGetAiter: return {0, 0, true, false};
    case Op::kGetAnext: return {1, 0, true, false};
    case Op::kEndAsyncFor: return {-2, 0, true, false};
    case Op::kMakeFunction: {
      int n = 0;
      if (in.extra & 1) ++n;
      if (in.extra & 2) ++n;
      if (in.extra & 8) ++n;
      return {1 - n, 0, true, false};
    }
    case Op::kBuildClass: return {-1 - static_cast<int>(in.extra), 0, true, false};
    case Op::kSetupAnnotations:
    case Op::kExtendedArg: return {0, 0, true, false};
  }
  return {0, 0, true, false};
}

class Compiler {
 public:
  Compiler(Program& p, const CompileOptions& options) : p_(p), options_(options) {}

  std::uint32_t module(const ast::Module& m, Scope* top) {
    file_ = m.file;
    const std::uint32_t index = new_code("<module>", "<module>", top, kModuleBody, 1);
    Unit& u = enter(index, top);
    (void)u;
    for (const auto& s : m.body) stmt(*s);
    load_const_none();
    emit(Op::kReturnValue);
    leave();
    return index;
  }

 private:
  // ------------------------------------------------------------- units ----

  std::uint32_t new_code(const std::string& name, const std::string& qualname, Scope* scope, std::uint32_t flags,
                         int first_line) {
    auto code = std::make_unique<Code>();
    code->name = name;
    code->qualname = qualname;
    code->file = file_;
    code->first_line = first_line;
    code->flags = flags | (options_.hidden ? static_cast<std::uint32_t>(kHidden) : 0U);
    (void)scope;
    p_.codes.push_back(std::move(code));
    return static_cast<std::uint32_t>(p_.codes.size() - 1);
  }

  Unit& enter(std::uint32_t code_index, Scope* scope) {
    units_.push_back(std::make_unique<Unit>());
    Unit& u = *units_.back();
    u.code = p_.codes[code_index].get();
    u.scope = scope;
    Code& c = *u.code;
    // Locals: parameters first, then the other names bound here.
    const bool function_like = scope->kind == ScopeKind::kFunction || scope->kind == ScopeKind::kLambda ||
                               scope->kind == ScopeKind::kComprehension;
    if (function_like) {
      for (const std::string& p : scope->params) add_var(u, p);
      for (const std::string& n : scope->order) {
        if (scope->binding(n) == Binding::kLocal) add_var(u, n);
      }
    }
    for (const std::string& n : scope->cellvars) {
      u.cells.emplace(n, static_cast<std::uint32_t>(c.cellvars.size()));
      c.cellvars.push_back(n);
      std::int32_t arg = -1;
      for (std::size_t i = 0; i < scope->params.size(); ++i) {
        if (scope->params[i] == n) arg = static_cast<std::int32_t>(i);
      }
      if (arg >= 0 && u.varnames.count(n) == 0) {
        // A parameter captured by an inner function: its local slot takes
        // the argument, its cell starts with it.
      }
      if (arg >= 0) arg = static_cast<std::int32_t>(u.varnames.at(n));
      c.cell_of_arg.push_back(arg);
    }
    for (const std::string& n : scope->freevars) {
      u.cells.emplace(n, static_cast<std::uint32_t>(c.cellvars.size() + c.freevars.size()));
      c.freevars.push_back(n);
    }
    return u;
  }

  void add_var(Unit& u, const std::string& n) {
    if (u.varnames.count(n) != 0) return;
    u.varnames.emplace(n, static_cast<std::uint32_t>(u.code->varnames.size()));
    u.code->varnames.push_back(n);
  }

  Unit& u() { return *units_.back(); }

  void leave() {
    Unit& un = u();
    Code& c = *un.code;
    for (const auto& [pc, label] : un.fixups) {
      const int target = un.label_pc[static_cast<std::size_t>(label)];
      CONCSIM_CHECK_LABEL(target >= 0);
      c.code[pc].arg = static_cast<std::uint32_t>(target);
    }
    // Stack depths by flow analysis.
    const std::size_t n = c.code.size();
    std::vector<int> depth(n + 1, -1);
    std::vector<int> handler_depth(un.handler_defs.size(), -1);
    std::vector<std::pair<std::uint32_t, int>> work{{0, 0}};
    int max_depth = 0;
    auto visit = [&](std::uint32_t pc, int d) {
      if (pc >= n) return;
      if (depth[pc] >= 0) return;  // first depth found stands (structured code agrees)
      depth[pc] = d;
      work.emplace_back(pc, d);
    };
    depth[0] = 0;
    while (!work.empty()) {
      auto [pc, d] = work.back();
      work.pop_back();
      for (;;) {
        max_depth = std::max(max_depth, d);
        const Instr& in = c.code[pc];
        const int h = un.handler_of[pc];
        if (h >= 0) {
          if (handler_depth[static_cast<std::size_t>(h)] < 0) {
            const HandlerDef& hd = un.handler_defs[static_cast<std::size_t>(h)];
            const int base = hd.setup_pc < n && depth[hd.setup_pc] >= 0 ? depth[hd.setup_pc] : d;
            handler_depth[static_cast<std::size_t>(h)] = base + hd.depth_offset;
            visit(static_cast<std::uint32_t>(un.label_pc[static_cast<std::size_t>(hd.target_label)]),
                  handler_depth[static_cast<std::size_t>(h)] + 1);
          }
        }
        const Effect e = effect_of(in);
        if (e.jumps) visit(in.arg, d + e.jump);
        if (!e.falls) break;
        d += e.fall;
        max_depth = std::max(max_depth, d);
        ++pc;
        if (pc >= n) break;
        if (depth[pc] >= 0) break;
        depth[pc] = d;
      }
    }
    c.stacksize = static_cast<std::uint32_t>(max_depth + 2);
    c.handler_at.assign(n, kNoHandler);
    for (std::size_t h = 0; h < un.handler_defs.size(); ++h) {
      const HandlerDef& hd = un.handler_defs[h];
      ExcHandler eh;
      eh.target = static_cast<std::uint32_t>(un.label_pc[static_cast<std::size_t>(hd.target_label)]);
      eh.depth = static_cast<std::uint32_t>(std::max(0, handler_depth[h]));
      c.handlers.push_back(eh);
    }
    for (std::size_t pc = 0; pc < n; ++pc) {
      if (un.handler_of[pc] >= 0) c.handler_at[pc] = static_cast<std::uint32_t>(un.handler_of[pc]);
    }
    units_.pop_back();
  }

  // ------------------------------------------------------------ emitting ----

  static void CONCSIM_CHECK_LABEL(bool ok) {
    if (!ok) fail(ast::Loc{}, "concsim: internal compiler error: a jump to a label never placed");
  }

  std::uint32_t emit(Op op, std::uint32_t arg = 0, std::uint16_t extra = 0) {
    Unit& un = u();
    un.code->code.push_back(Instr{op, 0, extra, arg});
    un.code->locs.push_back(un.loc);
    un.handler_of.push_back(un.handler_stack.empty() ? -1 : un.handler_stack.back());
    return static_cast<std::uint32_t>(un.code->code.size() - 1);
  }
  int new_label() {
    u().label_pc.push_back(-1);
    return static_cast<int>(u().label_pc.size() - 1);
  }
  void place(int label) { u().label_pc[static_cast<std::size_t>(label)] = static_cast<int>(u().code->code.size()); }
  void jump(Op op, int label) {
    const std::uint32_t pc = emit(op, 0);
    u().fixups.emplace_back(pc, label);
  }
  // Exceptions raised by the instructions emitted from now on go to `label`
  // with the stack as it is now (plus depth_offset).
  void push_handler(int label, int depth_offset = 0) {
    Unit& un = u();
    un.handler_defs.push_back(HandlerDef{label, static_cast<std::uint32_t>(un.code->code.size()), depth_offset});
    un.handler_stack.push_back(static_cast<int>(un.handler_defs.size() - 1));
  }
  void pop_handler() { u().handler_stack.pop_back(); }

  std::uint32_t add_const(const Const& c) {
    const std::string key = const_key(c);
    auto it = u().consts.find(key);
    if (it != u().consts.end()) return it->second;
    const auto i = static_cast<std::uint32_t>(u().code->consts.size());
    u().code->consts.push_back(c);
    u().consts.emplace(key, i);
    return i;
  }
  void load_const(const Const& c) { emit(Op::kLoadConst, add_const(c)); }
  void load_const_none() { load_const(Const{}); }
  void load_const_str(const std::string& s) {
    Const c;
    c.kind = ast::ConstKind::kStr;
    c.s = s;
    load_const(c);
  }
  std::uint32_t add_name(const std::string& n) {
    auto it = u().names.find(n);
    if (it != u().names.end()) return it->second;
    const auto i = static_cast<std::uint32_t>(u().code->names.size());
    u().code->names.push_back(n);
    u().names.emplace(n, i);
    return i;
  }

  void set_loc(const ast::Loc& loc) {
    if (loc.line > 0) u().loc = loc;
  }

  // ------------------------------------------------------------ names ----

  void name_op(const std::string& name, ast::Ctx ctx, const ast::Loc& loc) {
    Unit& un = u();
    const Binding b = un.scope->binding(name);
    const bool module = un.scope->kind == ScopeKind::kModule;
    switch (b) {
      case Binding::kLocal: {
        auto it = un.varnames.find(name);
        if (it == un.varnames.end()) fail(loc, "concsim: internal compiler error: local '" + name + "' has no slot");
        emit(ctx == ast::Ctx::kLoad ? Op::kLoadFast : ctx == ast::Ctx::kStore ? Op::kStoreFast : Op::kDeleteFast,
             it->second);
        return;
      }
      case Binding::kCell:
      case Binding::kFree: {
        auto it = un.cells.find(name);
        if (it == un.cells.end()) fail(loc, "concsim: internal compiler error: cell '" + name + "' has no slot");
        if (ctx == ast::Ctx::kLoad) {
          emit(un.scope->kind == ScopeKind::kClass ? Op::kLoadClassDeref : Op::kLoadDeref, it->second);
        } else {
          emit(ctx == ast::Ctx::kStore ? Op::kStoreDeref : Op::kDeleteDeref, it->second);
        }
        return;
      }
      case Binding::kGlobalExplicit:
      case Binding::kGlobalImplicit:
        if (module && b == Binding::kGlobalImplicit) break;
        emit(ctx == ast::Ctx::kLoad ? Op::kLoadGlobal : ctx == ast::Ctx::kStore ? Op::kStoreGlobal : Op::kDeleteGlobal,
             add_name(name));
        return;
      case Binding::kName:
        break;
    }
    emit(ctx == ast::Ctx::kLoad ? Op::kLoadName : ctx == ast::Ctx::kStore ? Op::kStoreName : Op::kDeleteName,
         add_name(name));
  }

  // ----------------------------------------------------------- blocks ----

  void push_fblock(FBlockKind kind, const ast::Loc& loc, int cont = -1, int brk = -1) {
    FBlock b;
    b.kind = kind;
    b.continue_label = cont;
    b.break_label = brk;
    b.handlers = u().handler_stack.size();
    b.loc = loc;
    u().fblocks.push_back(b);
  }
  void pop_fblock() { u().fblocks.pop_back(); }

  // Emits what leaving block `b` needs (a return, break or continue crossing
  // it). With preserve_tos, a value on top of the stack must stay there.
  void unwind(const FBlock& b, bool preserve_tos) {
    // The code that leaves a block runs outside its handlers.
    std::vector<int> saved = u().handler_stack;
    u().handler_stack.resize(std::min(b.handlers, u().handler_stack.size()));
    switch (b.kind) {
      case FBlockKind::kWhile:
      case FBlockKind::kTryExcept:
      case FBlockKind::kExceptStar:
        break;
      case FBlockKind::kFor:
      case FBlockKind::kAsyncFor:
        if (preserve_tos) emit(Op::kSwap, 2);
        emit(Op::kPopTop);  // the iterator
        break;
      case FBlockKind::kPopValue:
        if (preserve_tos) emit(Op::kSwap, 2);
        emit(Op::kPopTop);
        break;
      case FBlockKind::kFinallyTry: {
        // The finally body runs here, inline, outside its own handler (the
        // caller has taken this block and the inner ones off the stack).
        if (preserve_tos) push_fblock(FBlockKind::kPopValue, b.loc);
        body(*b.finalbody);
        if (preserve_tos) pop_fblock();
        break;
      }
      case FBlockKind::kFinallyEnd:
        // [prev, exc] below: the exception is dropped, prev restored.
        if (preserve_tos) emit(Op::kSwap, 2);
        emit(Op::kPopTop);
        if (preserve_tos) emit(Op::kSwap, 2);
        emit(Op::kPopExcept);
        break;
      case FBlockKind::kWith:
      case FBlockKind::kAsyncWith:
        if (preserve_tos) emit(Op::kSwap, 2);
        call_exit_none(b.kind == FBlockKind::kAsyncWith);
        break;
      case FBlockKind::kHandlerCleanup:
        if (preserve_tos) emit(Op::kSwap, 2);
        emit(Op::kPopExcept);
        if (!b.exc_name.empty()) {
          load_const_none();
          name_op(b.exc_name, ast::Ctx::kStore, b.loc);
          name_op(b.exc_name, ast::Ctx::kDel, b.loc);
        }
        break;
    }
    u().handler_stack = saved;
  }

  // [exit] -> []: exit(None, None, None), awaited for async with.
  void call_exit_none(bool async) {
    emit(Op::kPushNull);
    emit(Op::kSwap, 2);
    load_const_none();
    load_const_none();
    load_const_none();
    emit(Op::kCall, 3, 0xFFFF);
    if (async) {
      emit(Op::kGetAwaitable, 2);
      emit(Op::kAwait);
    }
    emit(Op::kPopTop);
  }

  // Unwinds every block up to the innermost loop (break, continue) or all of
  // them (return). Returns the loop block, or null.
  const FBlock* unwind_to_loop(const ast::Loc& loc, bool is_break) {
    auto& fb = u().fblocks;
    for (std::size_t i = fb.size(); i > 0; --i) {
      const FBlock b = fb[i - 1];
      if (b.kind == FBlockKind::kExceptStar) fail(loc, kExceptStarExit);
      if (b.kind == FBlockKind::kWhile || b.kind == FBlockKind::kFor || b.kind == FBlockKind::kAsyncFor) {
        if (is_break) {
          // Leaving the loop itself: its iterator goes too.
          unwind(b, false);
        }
        return &fb[i - 1];
      }
      // Unwinding may compile a finally body, which pushes and pops blocks:
      // work on a copy with the outer blocks only.
      std::vector<FBlock> saved(fb.begin() + static_cast<std::ptrdiff_t>(i - 1), fb.end());
      fb.resize(i - 1);
      unwind(b, false);
      fb.insert(fb.end(), saved.begin(), saved.end());
    }
    return nullptr;
  }

  // ------------------------------------------------------- statements ----

  void body(const ast::Body& b) {
    for (const auto& s : b) stmt(*s);
  }

  void stmt(const ast::Stmt& s) {
    set_loc(s.loc);
    using K = ast::StmtKind;
    switch (s.kind) {
      case K::kFunctionDef: function_def(s); return;
      case K::kClassDef: class_def(s); return;
      case K::kReturn: return_stmt(s); return;
      case K::kDelete:
        for (const auto& t : s.targets) del_target(*t);
        return;
      case K::kAssign: {
        expr(*s.a);
        for (std::size_t i = 0; i < s.targets.size(); ++i) {
          if (i + 1 < s.targets.size()) emit(Op::kCopy, 1);
          store(*s.targets[i]);
        }
        return;
      }
      case K::kAugAssign: aug_assign(s); return;
      case K::kAnnAssign:
        if (s.b) {
          expr(*s.b);
          store(*s.a);
        }
        return;
      case K::kFor:
        if (s.is_async) {
          async_for(s);
        } else {
          for_stmt(s);
        }
        return;
      case K::kWhile: while_stmt(s); return;
      case K::kIf: if_stmt(s); return;
      case K::kWith: with_stmt(s, 0); return;
      case K::kRaise:
        if (s.a) expr(*s.a);
        if (s.b) expr(*s.b);
        set_loc(s.loc);
        emit(Op::kRaiseVarargs, s.b ? 2 : (s.a ? 1 : 0));
        return;
      case K::kTry:
        if (!s.finalbody.empty()) {
          try_finally(s);
        } else {
          try_except(s);
        }
        return;
      case K::kTryStar:
        if (!s.finalbody.empty()) {
          try_finally(s);
        } else {
          try_star(s);
        }
        return;
      case K::kAssert: {
        const int end = new_label();
        jump_if(*s.a, true, end);
        set_loc(s.loc);
        if (s.b) {
          emit(Op::kPushNull);
          emit(Op::kLoadAssertionError);
          expr(*s.b);
          emit(Op::kCall, 1, 0xFFFF);
        } else {
          emit(Op::kLoadAssertionError);
        }
        emit(Op::kRaiseVarargs, 1);
        place(end);
        return;
      }
      case K::kImport:
        for (const auto& a : s.names) {
          set_loc(a.loc);
          const bool dotted = a.name.find('.') != std::string::npos;
          if (a.asname.empty()) {
            emit(Op::kImportName, add_name(a.name), dotted ? 1 : 0);
            name_op(a.name.substr(0, a.name.find('.')), ast::Ctx::kStore, a.loc);
          } else {
            emit(Op::kImportName, add_name(a.name), 0);
            name_op(a.asname, ast::Ctx::kStore, a.loc);
          }
        }
        return;
      case K::kImportFrom: {
        if (s.level > 0) unsupported(s.loc, "relative imports");
        emit(Op::kImportName, add_name(s.module), 0);
        for (const auto& a : s.names) {
          set_loc(a.loc);
          if (a.name == "*") unsupported(a.loc, "from ... import *");
          emit(Op::kImportFrom, add_name(a.name));
          name_op(a.asname.empty() ? a.name : a.asname, ast::Ctx::kStore, a.loc);
        }
        emit(Op::kPopTop);
        return;
      }
      case K::kGlobal:
      case K::kNonlocal:
      case K::kPass:
        return;
      case K::kExpr:
        // A docstring-like constant alone does nothing.
        if (s.a->kind == ast::ExprKind::kConstant) return;
        expr(*s.a);
        emit(Op::kPopTop);
        return;
      case K::kBreak: {
        const FBlock* loop = unwind_to_loop(s.loc, true);
        if (loop == nullptr) fail(s.loc, "'break' outside loop");
        jump(Op::kJump, loop->break_label);
        return;
      }
      case K::kContinue: {
        const FBlock* loop = unwind_to_loop(s.loc, false);
        if (loop == nullptr) fail(s.loc, "'continue' not properly in loop");
        jump(Op::kJump, loop->continue_label);
        return;
      }
    }
  }

  void return_stmt(const ast::Stmt& s) {
    const Scope* sc = u().scope;
    if (sc->kind == ScopeKind::kModule || sc->kind == ScopeKind::kClass) fail(s.loc, "'return' outside function");
    const bool agen = u().code->is(kAsyncGenerator);
    if (s.a && agen) fail(s.loc, "'return' with value in async generator");
    if (s.a) {
      expr(*s.a);
    } else {
      load_const_none();
    }
    // Every enclosing block is left, innermost first.
    auto& fb = u().fblocks;
    for (const FBlock& b : fb) {
      if (b.kind == FBlockKind::kExceptStar) fail(s.loc, kExceptStarExit);
    }
    for (std::size_t i = fb.size(); i > 0; --i) {
      const FBlock b = fb[i - 1];
      std::vector<FBlock> saved(fb.begin() + static_cast<std::ptrdiff_t>(i - 1), fb.end());
      fb.resize(i - 1);
      unwind(b, true);
      fb.insert(fb.end(), saved.begin(), saved.end());
    }
    set_loc(s.loc);
    emit(Op::kReturnValue);
  }

  void if_stmt(const ast::Stmt& s) {
    const int end = new_label();
    const int orelse = s.orelse.empty() ? end : new_label();
    jump_if(*s.a, false, orelse);
    body(s.body);
    if (!s.orelse.empty()) {
      jump(Op::kJump, end);
      place(orelse);
      body(s.orelse);
    }
    place(end);
  }

  void while_stmt(const ast::Stmt& s) {
    const int top = new_label();
    const int orelse = new_label();
    const int end = new_label();
    place(top);
    jump_if(*s.a, false, orelse);
    push_fblock(FBlockKind::kWhile, s.loc, top, end);
    body(s.body);
    pop_fblock();
    set_loc(s.loc);
    jump(Op::kJump, top);
    place(orelse);
    body(s.orelse);
    place(end);
  }

  void for_stmt(const ast::Stmt& s) {
    const int top = new_label();
    const int cleanup = new_label();
    const int end = new_label();
    expr(*s.b);
    set_loc(s.loc);
    emit(Op::kGetIter);
    place(top);
    jump(Op::kForIter, cleanup);
    store(*s.a);
    push_fblock(FBlockKind::kFor, s.loc, top, end);
    body(s.body);
    pop_fblock();
    set_loc(s.loc);
    jump(Op::kJump, top);
    place(cleanup);
    body(s.orelse);
    place(end);
  }

  void async_for(const ast::Stmt& s) {
    const int top = new_label();
    const int except = new_label();
    const int end = new_label();
    const int after = new_label();
    expr(*s.b);
    set_loc(s.loc);
    emit(Op::kGetAiter);
    place(top);
    push_handler(except);
    emit(Op::kGetAnext);
    emit(Op::kAwait);
    pop_handler();
    store(*s.a);
    push_fblock(FBlockKind::kAsyncFor, s.loc, top, after);
    body(s.body);
    pop_fblock();
    set_loc(s.loc);
    jump(Op::kJump, top);
    place(except);
    emit(Op::kEndAsyncFor);
    body(s.orelse);
    place(end);
    place(after);
  }

  void try_except(const ast::Stmt& s) {
    const int handler = new_label();
    const int cleanup = new_label();
    const int end = new_label();
    push_handler(handler);
    push_fblock(FBlockKind::kTryExcept, s.loc);
    body(s.body);
    pop_fblock();
    pop_handler();
    body(s.orelse);
    jump(Op::kJump, end);

    place(handler);  // [.., exc]
    push_handler(cleanup);
    set_loc(s.loc);
    emit(Op::kPushExcInfo);  // [.., prev, exc]
    for (std::size_t i = 0; i < s.handlers.size(); ++i) {
      const ast::ExceptHandler& h = s.handlers[i];
      set_loc(h.loc);
      if (!h.type && i + 1 < s.handlers.size()) fail(h.loc, "default 'except:' must be last");
      const int next = new_label();
      if (h.type) {
        expr(*h.type);
        emit(Op::kCheckExcMatch);
        jump(Op::kPopJumpIfFalse, next);
      }
      if (!h.name.empty()) {
        name_op(h.name, ast::Ctx::kStore, h.loc);  // [.., prev]
        const int name_cleanup = new_label();
        push_handler(name_cleanup);
        push_fblock(FBlockKind::kHandlerCleanup, h.loc);
        u().fblocks.back().exc_name = h.name;
        u().fblocks.back().handlers = u().handler_stack.size() - 2;
        body(h.body);
        pop_fblock();
        pop_handler();
        emit(Op::kPopExcept);
        load_const_none();
        name_op(h.name, ast::Ctx::kStore, h.loc);
        name_op(h.name, ast::Ctx::kDel, h.loc);
        jump(Op::kJump, end);
        place(name_cleanup);  // [.., prev, exc2]: clear the name, re-raise to cleanup
        load_const_none();
        name_op(h.name, ast::Ctx::kStore, h.loc);
        name_op(h.name, ast::Ctx::kDel, h.loc);
        emit(Op::kReraise);
      } else {
        emit(Op::kPopTop);  // [.., prev]
        push_fblock(FBlockKind::kHandlerCleanup, h.loc);
        u().fblocks.back().handlers = u().handler_stack.size() - 1;
        body(h.body);
        pop_fblock();
        emit(Op::kPopExcept);
        jump(Op::kJump, end);
      }
      place(next);
    }
    emit(Op::kReraise);  // no clause matched
    pop_handler();
    place(cleanup);  // [.., prev, exc]
    emit(Op::kSwap, 2);
    emit(Op::kPopExcept);
    emit(Op::kReraise);
    place(end);
  }

  // try/except* (CPython 3.11's compiler_try_star_except): each clause
  // takes the part of the exception group its type matches (CHECK_EG_MATCH)
  // and leaves the rest to the next clause; what the clauses raise or
  // re-raise, and the unmatched rest, are collected in a list, from which
  // PREP_RERAISE_STAR makes the exception that leaves the statement.
  void try_star(const ast::Stmt& s) {
    const int handler = new_label();
    const int cleanup = new_label();
    const int reraise_star = new_label();
    const int reraise = new_label();
    const int end = new_label();
    push_handler(handler);
    push_fblock(FBlockKind::kTryExcept, s.loc);
    body(s.body);
    pop_fblock();
    pop_handler();
    body(s.orelse);
    jump(Op::kJump, end);

    place(handler);  // [.., exc]
    push_handler(cleanup);
    set_loc(s.loc);
    emit(Op::kPushExcInfo);  // [.., prev, exc]
    push_fblock(FBlockKind::kExceptStar, s.loc);
    for (std::size_t i = 0; i < s.handlers.size(); ++i) {
      const ast::ExceptHandler& h = s.handlers[i];
      set_loc(h.loc);
      if (!h.type) fail(h.loc, "expected one or more exception types");
      const int handled = new_label();
      const int with_error = new_label();
      const int no_match = new_label();
      const int name_cleanup = new_label();
      if (i == 0) {
        emit(Op::kCopy, 1);       // [.., prev, orig, exc]
        emit(Op::kBuildList, 0);  // [.., prev, orig, exc, []]
        emit(Op::kSwap, 2);       // [.., prev, orig, [], exc]
      }
      expr(*h.type);
      emit(Op::kCheckEgMatch);  // [.., rest, match] or [.., exc, None]
      emit(Op::kCopy, 1);
      jump(Op::kPopJumpIfNone, no_match);
      if (!h.name.empty()) {
        name_op(h.name, ast::Ctx::kStore, h.loc);
      } else {
        emit(Op::kPopTop);
      }
      // [.., prev, orig, [], rest]: what the clause raises goes in the list.
      push_handler(name_cleanup);
      body(h.body);
      pop_handler();
      if (!h.name.empty()) {
        load_const_none();
        name_op(h.name, ast::Ctx::kStore, h.loc);
        name_op(h.name, ast::Ctx::kDel, h.loc);
      }
      jump(Op::kJump, handled);
      place(name_cleanup);  // [.., prev, orig, [], rest, raised]
      if (!h.name.empty()) {
        load_const_none();
        name_op(h.name, ast::Ctx::kStore, h.loc);
        name_op(h.name, ast::Ctx::kDel, h.loc);
      }
      emit(Op::kListAppend, 2);
      jump(Op::kJump, with_error);
      place(handled);
      jump(Op::kJump, with_error);
      place(no_match);  // [.., exc, None]
      emit(Op::kPopTop);
      place(with_error);
      if (i + 1 == s.handlers.size()) {
        emit(Op::kListAppend, 1);  // the unmatched rest (or None)
        jump(Op::kJump, reraise_star);
      }
    }
    pop_fblock();
    place(reraise_star);  // [.., prev, orig, list]
    emit(Op::kPrepReraiseStar);  // [.., prev, exc or None]
    emit(Op::kCopy, 1);
    jump(Op::kPopJumpIfNotNone, reraise);
    pop_handler();
    emit(Op::kPopTop);
    emit(Op::kPopExcept);
    jump(Op::kJump, end);
    place(reraise);  // [.., prev, exc]
    emit(Op::kSwap, 2);
    emit(Op::kPopExcept);
    emit(Op::kReraise);
    place(cleanup);  // [.., prev, exc]
    emit(Op::kSwap, 2);
    emit(Op::kPopExcept);
    emit(Op::kReraise);
    place(end);
  }

  void try_finally(const ast::Stmt& s) {
    const int final = new_label();
    const int cleanup = new_label();
    const int end = new_label();
    push_handler(final);
    push_fblock(FBlockKind::kFinallyTry, s.loc);
    u().fblocks.back().finalbody = &s.finalbody;
    if (s.kind == ast::StmtKind::kTryStar) {
      try_star(s);
    } else if (!s.handlers.empty()) {
      try_except(s);
    } else {
      body(s.body);
    }
    pop_fblock();
    pop_handler();
    body(s.finalbody);
    jump(Op::kJump, end);

    place(final);  // [.., exc]
    push_handler(cleanup);
    set_loc(s.loc);
    emit(Op::kPushExcInfo);  // [.., prev, exc]
    push_fblock(FBlockKind::kFinallyEnd, s.loc);
    u().fblocks.back().handlers = u().handler_stack.size() - 1;
    body(s.finalbody);
    pop_fblock();
    emit(Op::kReraise);
    pop_handler();
    place(cleanup);
    emit(Op::kSwap, 2);
    emit(Op::kPopExcept);
    emit(Op::kReraise);
    place(end);
  }

  void with_stmt(const ast::Stmt& s, std::size_t item) {
    if (item >= s.with_items.size()) {
      body(s.body);
      return;
    }
    const bool async = s.is_async;
    const ast::WithItem& w = s.with_items[item];
    const int exc = new_label();
    const int cleanup = new_label();
    const int suppress = new_label();
    const int end = new_label();
    expr(*w.context_expr);
    set_loc(s.loc);
    if (async) {
      emit(Op::kBeforeAsyncWith);  // [.., aexit, aenter()]
      emit(Op::kGetAwaitable, 1);
      emit(Op::kAwait);            // [.., aexit, result]
    } else {
      emit(Op::kBeforeWith);       // [.., exit, result]
    }
    push_handler(exc, -1);
    push_fblock(async ? FBlockKind::kAsyncWith : FBlockKind::kWith, s.loc);
    u().fblocks.back().handlers = u().handler_stack.size() - 1;
    if (w.optional_vars) {
      store(*w.optional_vars);
    } else {
      emit(Op::kPopTop);
    }
    with_stmt(s, item + 1);
    pop_fblock();
    pop_handler();
    set_loc(s.loc);
    call_exit_none(async);
    jump(Op::kJump, end);

    place(exc);  // [.., exit, exc]
    push_handler(cleanup);
    emit(Op::kPushExcInfo);       // [.., exit, prev, exc]
    emit(Op::kWithExceptStart);   // [.., exit, prev, exc, res]
    if (async) {
      emit(Op::kGetAwaitable, 2);
      emit(Op::kAwait);
    }
    jump(Op::kPopJumpIfTrue, suppress);
    emit(Op::kReraise);           // [.., exit, prev] + exc -> cleanup
    pop_handler();
    place(suppress);              // [.., exit, prev, exc]
    emit(Op::kPopTop);
    emit(Op::kPopExcept);
    emit(Op::kPopTop);            // exit
    jump(Op::kJump, end);
    place(cleanup);               // [.., exit, prev, exc2]
    emit(Op::kSwap, 2);
    emit(Op::kPopExcept);
    emit(Op::kReraise);
    place(end);
  }

  void aug_assign(const ast::Stmt& s) {
    const ast::Expr& t = *s.a;
    const auto op = static_cast<std::uint32_t>(s.bin_op);
    switch (t.kind) {
      case ast::ExprKind::kName:
        name_op(t.name, ast::Ctx::kLoad, t.loc);
        expr(*s.b);
        set_loc(s.loc);
        emit(Op::kBinaryOp, op, 1);
        name_op(t.name, ast::Ctx::kStore, t.loc);
        return;
      case ast::ExprKind::kAttribute:
        expr(*t.a);
        emit(Op::kCopy, 1);
        emit(Op::kLoadAttr, add_name(t.name));
        expr(*s.b);
        set_loc(s.loc);
        emit(Op::kBinaryOp, op, 1);
        emit(Op::kSwap, 2);
        emit(Op::kStoreAttr, add_name(t.name));
        return;
      case ast::ExprKind::kSubscript:
        expr(*t.a);
        expr(*t.b);
        emit(Op::kCopy, 2);
        emit(Op::kCopy, 2);
        emit(Op::kBinarySubscr);
        expr(*s.b);
        set_loc(s.loc);
        emit(Op::kBinaryOp, op, 1);
        emit(Op::kSwap, 3);
        emit(Op::kSwap, 2);
        emit(Op::kStoreSubscr);
        return;
      default:
        fail(t.loc, "'" + expr_name(t) + "' is an illegal expression for augmented assignment");
    }
  }

  // ---------------------------------------------------- functions, classes ----

  Scope* child_scope(const void* node) {
    for (auto& c : u().scope->children) {
      if (c->node == node) return c.get();
    }
    fail(ast::Loc{}, "concsim: internal compiler error: a scope was not found");
  }

  std::string qualname_for(const std::string& name) {
    const Unit& un = u();
    if (un.scope->kind == ScopeKind::kModule) return name;
    std::string base = un.code->qualname;
    if (un.scope->kind == ScopeKind::kFunction || un.scope->kind == ScopeKind::kLambda ||
        un.scope->kind == ScopeKind::kComprehension) {
      base += ".<locals>";
    }
    return base + "." + name;
  }

  // Pushes defaults, keyword defaults and the closure; returns MAKE_FUNCTION's flags.
  std::uint16_t function_parts(const ast::Arguments* args, Scope* scope) {
    std::uint16_t flags = 0;
    if (args != nullptr && !args->defaults.empty()) {
      for (const auto& d : args->defaults) expr(*d);
      emit(Op::kBuildTuple, static_cast<std::uint32_t>(args->defaults.size()));
      flags |= 1;
    }
    if (args != nullptr) {
      std::uint32_t n = 0;
      for (std::size_t i = 0; i < args->kwonlyargs.size(); ++i) {
        if (i < args->kw_defaults.size() && args->kw_defaults[i]) {
          load_const_str(args->kwonlyargs[i].name);
          expr(*args->kw_defaults[i]);
          ++n;
        }
      }
      if (n > 0) {
        emit(Op::kBuildMap, n);
        flags |= 2;
      }
    }
    if (!scope->freevars.empty()) {
      for (const std::string& fv : scope->freevars) {
        auto it = u().cells.find(fv);
        if (it == u().cells.end()) fail(ast::Loc{}, "concsim: internal compiler error: no cell for '" + fv + "'");
        emit(Op::kLoadClosure, it->second);
      }
      emit(Op::kBuildTuple, static_cast<std::uint32_t>(scope->freevars.size()));
      flags |= 8;
    }
    return flags;
  }

  static std::uint32_t code_flags(const Scope* sc) {
    std::uint32_t flags = 0;
    if (sc->is_coroutine && sc->is_generator) {
      flags |= kAsyncGenerator;
    } else if (sc->is_coroutine) {
      flags |= kCoroutine;
    } else if (sc->is_generator) {
      flags |= kGenerator;
    }
    return flags;
  }

  void set_signature(Code& c, const ast::Arguments& a) {
    c.argcount = static_cast<std::uint32_t>(a.posonlyargs.size() + a.args.size());
    c.posonlyargcount = static_cast<std::uint32_t>(a.posonlyargs.size());
    c.kwonlyargcount = static_cast<std::uint32_t>(a.kwonlyargs.size());
    if (a.vararg) c.flags |= kVarargs;
    if (a.kwarg) c.flags |= kVarkw;
  }

  void function_def(const ast::Stmt& s) {
    for (const auto& d : s.decorators) {
      set_loc(d->loc);
      emit(Op::kPushNull);
      expr(*d);
    }
    set_loc(s.loc);
    Scope* sc = child_scope(&s);
    const std::uint16_t flags = function_parts(s.args.get(), sc);
    const std::string qualname = qualname_for(s.name);
    const std::uint32_t index = new_code(s.name, qualname, sc, code_flags(sc), s.loc.line);
    Code& c = *p_.codes[index];
    set_signature(c, *s.args);
    enter(index, sc);
    set_loc(s.loc);
    body(s.body);
    load_const_none();
    emit(Op::kReturnValue);
    leave();
    set_loc(s.loc);
    emit(Op::kMakeFunction, index, flags);
    for (std::size_t i = 0; i < s.decorators.size(); ++i) emit(Op::kCall, 1, 0xFFFF);
    name_op(s.name, ast::Ctx::kStore, s.loc);
  }

  void lambda(const ast::Expr& e) {
    Scope* sc = child_scope(&e);
    const std::uint16_t flags = function_parts(e.args.get(), sc);
    const std::uint32_t index = new_code("<lambda>", qualname_for("<lambda>"), sc, code_flags(sc), e.loc.line);
    set_signature(*p_.codes[index], *e.args);
    enter(index, sc);
    set_loc(e.loc);
    expr(*e.a);
    if (sc->is_generator) {
      emit(Op::kPopTop);
      load_const_none();
    }
    emit(Op::kReturnValue);
    leave();
    set_loc(e.loc);
    emit(Op::kMakeFunction, index, flags);
  }

  void class_def(const ast::Stmt& s) {
    if (!s.keywords.empty()) unsupported(s.keywords[0].loc, "class keywords (metaclass=...)");
    for (const auto& d : s.decorators) {
      set_loc(d->loc);
      emit(Op::kPushNull);
      expr(*d);
    }
    set_loc(s.loc);
    Scope* sc = child_scope(&s);
    const std::uint16_t flags = function_parts(nullptr, sc);
    const std::uint32_t index = new_code(s.name, qualname_for(s.name), sc, kClassBody, s.loc.line);
    enter(index, sc);
    set_loc(s.loc);
    body(s.body);
    load_const_none();
    emit(Op::kReturnValue);
    leave();
    set_loc(s.loc);
    emit(Op::kMakeFunction, index, flags);
    load_const_str(s.name);
    for (const auto& b : s.items) {
      if (b->kind == ast::ExprKind::kStarred) unsupported(b->loc, "*bases in a class definition");
      expr(*b);
    }
    set_loc(s.loc);
    emit(Op::kBuildClass, 0, static_cast<std::uint16_t>(s.items.size()));
    for (std::size_t i = 0; i < s.decorators.size(); ++i) emit(Op::kCall, 1, 0xFFFF);
    name_op(s.name, ast::Ctx::kStore, s.loc);
  }

  void comprehension(const ast::Expr& e) {
    Scope* sc = child_scope(&e);
    const bool genexp = e.kind == ast::ExprKind::kGeneratorExp;
    std::uint32_t flags = 0;
    if (genexp) {
      flags = sc->has_await ? kAsyncGenerator : kGenerator;
    } else if (sc->has_await) {
      flags = kCoroutine;
    }
    const char* name = genexp ? "<genexpr>"
                       : e.kind == ast::ExprKind::kListComp ? "<listcomp>"
                       : e.kind == ast::ExprKind::kSetComp  ? "<setcomp>"
                                                            : "<dictcomp>";
    emit(Op::kPushNull);
    const std::uint16_t mflags = function_parts(nullptr, sc);
    const std::uint32_t index = new_code(name, qualname_for(name), sc, flags, e.loc.line);
    p_.codes[index]->argcount = 1;
    enter(index, sc);
    set_loc(e.loc);
    if (!genexp) {
      emit(e.kind == ast::ExprKind::kListComp ? Op::kBuildList
           : e.kind == ast::ExprKind::kSetComp ? Op::kBuildSet
                                               : Op::kBuildMap,
           0);
    }
    comprehension_loop(e, 0, genexp);
    emit(Op::kReturnValue);
    leave();
    set_loc(e.loc);
    emit(Op::kMakeFunction, index, mflags);
    expr(*e.generators[0].iter);
    emit(e.generators[0].is_async ? Op::kGetAiter : Op::kGetIter);
    emit(Op::kCall, 1, 0xFFFF);
    if (sc->has_await && !genexp) {
      emit(Op::kGetAwaitable, 0);
      emit(Op::kAwait);
    }
  }

  // The loops of a comprehension, from generator `i` inward; the result
  // container sits below the iterators (genexps yield instead).
  void comprehension_loop(const ast::Expr& e, std::size_t i, bool genexp) {
    const ast::Comprehension& g = e.generators[i];
    const int top = new_label();
    const int end = new_label();
    const int except = new_label();
    if (i == 0) {
      emit(Op::kLoadFast, 0);  // .0: the first iterator, made by the caller
    } else {
      expr(*g.iter);
      emit(g.is_async ? Op::kGetAiter : Op::kGetIter);
    }
    place(top);
    if (g.is_async) {
      push_handler(except);
      emit(Op::kGetAnext);
      emit(Op::kAwait);
      pop_handler();
    } else {
      jump(Op::kForIter, end);
    }
    store(*g.target);
    for (const auto& cond : g.ifs) jump_if(*cond, false, top);
    if (i + 1 < e.generators.size()) {
      comprehension_loop(e, i + 1, genexp);
    } else {
      const auto depth = static_cast<std::uint32_t>(i + 2);  // the iterators, then the container
      switch (e.kind) {
        case ast::ExprKind::kGeneratorExp:
          expr(*e.a);
          emit(Op::kYieldValue);
          emit(Op::kPopTop);
          break;
        case ast::ExprKind::kListComp:
          expr(*e.a);
          emit(Op::kListAppend, depth);
          break;
        case ast::ExprKind::kSetComp:
          expr(*e.a);
          emit(Op::kSetAdd, depth);
          break;
        default:
          expr(*e.a);
          expr(*e.b);
          emit(Op::kMapAdd, depth);
          break;
      }
    }
    jump(Op::kJump, top);
    if (g.is_async) {
      place(except);
      emit(Op::kEndAsyncFor);
    }
    place(end);
    if (i == 0 && genexp) load_const_none();
  }

  // ------------------------------------------------------ expressions ----

  static std::string expr_name(const ast::Expr& e) {
    switch (e.kind) {
      case ast::ExprKind::kCall: return "function call";
      case ast::ExprKind::kConstant: return "literal";
      case ast::ExprKind::kCompare: return "comparison";
      case ast::ExprKind::kBinOp: return "expression";
      case ast::ExprKind::kLambda: return "lambda";
      case ast::ExprKind::kTuple: return "tuple";
      case ast::ExprKind::kList: return "list";
      default: return "expression";
    }
  }

  void store(const ast::Expr& t) {
    set_loc(t.loc);
    switch (t.kind) {
      case ast::ExprKind::kName:
        name_op(t.name, ast::Ctx::kStore, t.loc);
        return;
      case ast::ExprKind::kAttribute:
        expr(*t.a);
        emit(Op::kStoreAttr, add_name(t.name));
        return;
      case ast::ExprKind::kSubscript:
        expr(*t.a);
        expr(*t.b);
        emit(Op::kStoreSubscr);
        return;
      case ast::ExprKind::kTuple:
      case ast::ExprKind::kList: {
        std::size_t star = t.items.size();
        for (std::size_t i = 0; i < t.items.size(); ++i) {
          if (t.items[i]->kind == ast::ExprKind::kStarred) {
            if (star != t.items.size()) fail(t.items[i]->loc, "multiple starred expressions in assignment");
            star = i;
          }
        }
        if (star == t.items.size()) {
          emit(Op::kUnpackSequence, static_cast<std::uint32_t>(t.items.size()));
        } else {
          const auto before = static_cast<std::uint32_t>(star);
          const auto after = static_cast<std::uint32_t>(t.items.size() - star - 1);
          emit(Op::kUnpackEx, before | (after << 8));
        }
        for (const auto& item : t.items) store(item->kind == ast::ExprKind::kStarred ? *item->a : *item);
        return;
      }
      case ast::ExprKind::kStarred:
        fail(t.loc, "starred assignment target must be in a list or tuple");
      default:
        fail(t.loc, "cannot assign to " + expr_name(t));
    }
  }

  void del_target(const ast::Expr& t) {
    set_loc(t.loc);
    switch (t.kind) {
      case ast::ExprKind::kName: name_op(t.name, ast::Ctx::kDel, t.loc); return;
      case ast::ExprKind::kAttribute:
        expr(*t.a);
        emit(Op::kDeleteAttr, add_name(t.name));
        return;
      case ast::ExprKind::kSubscript:
        expr(*t.a);
        expr(*t.b);
        emit(Op::kDeleteSubscr);
        return;
      case ast::ExprKind::kTuple:
      case ast::ExprKind::kList:
        for (const auto& i : t.items) del_target(*i);
        return;
      default:
        fail(t.loc, "cannot delete " + expr_name(t));
    }
  }

  // Jumps to `label` when the truth of `e` is `when`; falls through otherwise.
  void jump_if(const ast::Expr& e, bool when, int label) {
    if (e.kind == ast::ExprKind::kUnaryOp && e.unary_op == ast::UnaryOp::kNot) {
      jump_if(*e.a, !when, label);
      return;
    }
    if (e.kind == ast::ExprKind::kBoolOp) {
      const bool is_and = e.bool_op == ast::BoolOp::kAnd;
      if (is_and != when) {
        // and/false or or/true: any operand decides.
        for (const auto& v : e.items) jump_if(*v, when, label);
        return;
      }
      const int skip = new_label();
      for (std::size_t i = 0; i + 1 < e.items.size(); ++i) jump_if(*e.items[i], !when, skip);
      jump_if(*e.items.back(), when, label);
      place(skip);
      return;
    }
    expr(e);
    jump(when ? Op::kPopJumpIfTrue : Op::kPopJumpIfFalse, label);
  }

  static bool has_starred(const std::vector<ast::ExprP>& items) {
    for (const auto& i : items) {
      if (i->kind == ast::ExprKind::kStarred) return true;
    }
    return false;
  }

  bool constant_of(const ast::Expr& e, Const* out) {
    if (e.kind == ast::ExprKind::kConstant) {
      *out = to_const(e.value);
      return true;
    }
    if (e.kind == ast::ExprKind::kTuple && e.ctx == ast::Ctx::kLoad && !has_starred(e.items)) {
      Const c;
      c.is_tuple = true;
      for (const auto& i : e.items) {
        Const ci;
        if (!constant_of(*i, &ci)) return false;
        c.items.push_back(std::move(ci));
      }
      *out = std::move(c);
      return true;
    }
    if (e.kind == ast::ExprKind::kUnaryOp && e.unary_op == ast::UnaryOp::kUSub && e.a->kind == ast::ExprKind::kConstant) {
      const ast::Constant& v = e.a->value;
      if (v.kind == ast::ConstKind::kInt && v.i != INT64_MIN) {
        *out = to_const(v);
        out->i = -v.i;
        return true;
      }
      if (v.kind == ast::ConstKind::kFloat) {
        *out = to_const(v);
        out->f = -v.f;
        return true;
      }
    }
    return false;
  }

  // Builds a list from items that may hold *starred ones.
  void starred_list(const std::vector<ast::ExprP>& items) {
    std::uint32_t pending = 0;
    bool built = false;
    for (const auto& i : items) {
      if (i->kind == ast::ExprKind::kStarred) {
        if (!built) {
          emit(Op::kBuildList, pending);
          built = true;
        } else if (pending > 0) {
          fail(i->loc, "concsim: internal compiler error: starred list");
        }
        pending = 0;
        expr(*i->a);
        emit(Op::kListExtend, 1);
      } else if (built) {
        expr(*i);
        emit(Op::kListAppend, 1);
      } else {
        expr(*i);
        ++pending;
      }
    }
    if (!built) emit(Op::kBuildList, pending);
  }

  void call(const ast::Expr& e) {
    const ast::Expr& f = *e.a;
    bool has_double_star = false;
    for (const auto& k : e.keywords) has_double_star = has_double_star || k.arg.empty();
    const bool star = has_starred(e.items) || has_double_star;
    // o.m(...) without star arguments: LOAD_METHOD.
    if (!star && f.kind == ast::ExprKind::kAttribute) {
      expr(*f.a);
      set_loc(f.loc);
      emit(Op::kLoadMethod, add_name(f.name));
    } else {
      emit(Op::kPushNull);
      expr(f);
    }
    if (!star) {
      for (const auto& a : e.items) expr(*a);
      Const names;
      names.is_tuple = true;
      for (const auto& k : e.keywords) {
        expr(*k.value);
        Const n;
        n.kind = ast::ConstKind::kStr;
        n.s = k.arg;
        names.items.push_back(n);
      }
      std::uint16_t kw = 0xFFFF;
      if (!e.keywords.empty()) {
        // Duplicate keyword arguments are a syntax error.
        for (std::size_t i = 0; i < e.keywords.size(); ++i) {
          for (std::size_t j = 0; j < i; ++j) {
            if (e.keywords[i].arg == e.keywords[j].arg) {
              fail(e.keywords[i].loc, "keyword argument repeated: " + e.keywords[i].arg);
            }
          }
        }
        kw = static_cast<std::uint16_t>(add_const(names));
      }
      set_loc(e.loc);
      emit(Op::kCall, static_cast<std::uint32_t>(e.items.size() + e.keywords.size()), kw);
      return;
    }
    starred_list(e.items);
    emit(Op::kListToTuple);
    if (!e.keywords.empty()) {
      emit(Op::kBuildMap, 0);
      for (const auto& k : e.keywords) {
        if (k.arg.empty()) {
          expr(*k.value);
          emit(Op::kDictMerge, 1);
        } else {
          load_const_str(k.arg);
          expr(*k.value);
          emit(Op::kMapAdd, 1);
        }
      }
    }
    set_loc(e.loc);
    emit(Op::kCallEx, e.keywords.empty() ? 0 : 1);
  }

  void compare(const ast::Expr& e) {
    expr(*e.a);
    auto op = [&](ast::CmpOp c) {
      switch (c) {
        case ast::CmpOp::kIs: emit(Op::kIsOp, 0); break;
        case ast::CmpOp::kIsNot: emit(Op::kIsOp, 1); break;
        case ast::CmpOp::kIn: emit(Op::kContainsOp, 0); break;
        case ast::CmpOp::kNotIn: emit(Op::kContainsOp, 1); break;
        default: emit(Op::kCompareOp, static_cast<std::uint32_t>(c)); break;
      }
    };
    if (e.ops.size() == 1) {
      expr(*e.items[0]);
      set_loc(e.loc);
      op(e.ops[0]);
      return;
    }
    const int cleanup = new_label();
    const int end = new_label();
    for (std::size_t i = 0; i + 1 < e.ops.size(); ++i) {
      expr(*e.items[i]);
      emit(Op::kSwap, 2);
      emit(Op::kCopy, 2);
      set_loc(e.loc);
      op(e.ops[i]);
      jump(Op::kJumpIfFalseOrPop, cleanup);
    }
    expr(*e.items.back());
    set_loc(e.loc);
    op(e.ops.back());
    jump(Op::kJump, end);
    place(cleanup);
    emit(Op::kSwap, 2);
    emit(Op::kPopTop);
    place(end);
  }

  void joined_str(const ast::Expr& e) {
    std::uint32_t n = 0;
    for (const auto& part : e.items) {
      if (part->kind == ast::ExprKind::kConstant) {
        load_const(to_const(part->value));
      } else {
        formatted(*part);
      }
      ++n;
    }
    if (n == 1 && e.items[0]->kind == ast::ExprKind::kFormattedValue) return;
    if (n == 0) {
      load_const_str("");
      return;
    }
    emit(Op::kBuildString, n);
  }

  void formatted(const ast::Expr& e) {
    expr(*e.a);
    std::uint32_t arg = static_cast<std::uint8_t>(e.conversion);
    if (e.b) {
      joined_str(*e.b);
      arg |= 0x100;
    }
    set_loc(e.loc);
    emit(Op::kFormatValue, arg);
  }

  void expr(const ast::Expr& e) {
    set_loc(e.loc);
    using K = ast::ExprKind;
    switch (e.kind) {
      case K::kConstant:
        load_const(to_const(e.value));
        return;
      case K::kName:
        if (e.ctx != ast::Ctx::kLoad) fail(e.loc, "concsim: internal compiler error: a store in a load");
        name_op(e.name, ast::Ctx::kLoad, e.loc);
        return;
      case K::kBoolOp: {
        const int end = new_label();
        for (std::size_t i = 0; i < e.items.size(); ++i) {
          expr(*e.items[i]);
          if (i + 1 < e.items.size()) {
            jump(e.bool_op == ast::BoolOp::kAnd ? Op::kJumpIfFalseOrPop : Op::kJumpIfTrueOrPop, end);
          }
        }
        place(end);
        return;
      }
      case K::kNamedExpr:
        expr(*e.b);
        emit(Op::kCopy, 1);
        store(*e.a);
        return;
      case K::kBinOp:
        expr(*e.a);
        expr(*e.b);
        set_loc(e.loc);
        emit(Op::kBinaryOp, static_cast<std::uint32_t>(e.bin_op), 0);
        return;
      case K::kUnaryOp: {
        Const c;
        if (constant_of(e, &c)) {
          load_const(c);
          return;
        }
        expr(*e.a);
        set_loc(e.loc);
        emit(Op::kUnaryOp, static_cast<std::uint32_t>(e.unary_op));
        return;
      }
      case K::kLambda: lambda(e); return;
      case K::kIfExp: {
        const int orelse = new_label();
        const int end = new_label();
        jump_if(*e.a, false, orelse);
        expr(*e.b);
        jump(Op::kJump, end);
        place(orelse);
        expr(*e.c);
        place(end);
        return;
      }
      case K::kDict: {
        bool unpack = false;
        for (const auto& k : e.keys) unpack = unpack || !k;
        if (!unpack) {
          for (std::size_t i = 0; i < e.items.size(); ++i) {
            expr(*e.keys[i]);
            expr(*e.items[i]);
          }
          emit(Op::kBuildMap, static_cast<std::uint32_t>(e.items.size()));
          return;
        }
        emit(Op::kBuildMap, 0);
        for (std::size_t i = 0; i < e.items.size(); ++i) {
          if (!e.keys[i]) {
            expr(*e.items[i]);
            emit(Op::kDictUpdate, 1);
          } else {
            expr(*e.keys[i]);
            expr(*e.items[i]);
            emit(Op::kMapAdd, 1);
          }
        }
        return;
      }
      case K::kSet:
        if (has_starred(e.items)) {
          emit(Op::kBuildSet, 0);
          for (const auto& i : e.items) {
            if (i->kind == K::kStarred) {
              expr(*i->a);
              emit(Op::kSetUpdate, 1);
            } else {
              expr(*i);
              emit(Op::kSetAdd, 1);
            }
          }
          return;
        }
        for (const auto& i : e.items) expr(*i);
        emit(Op::kBuildSet, static_cast<std::uint32_t>(e.items.size()));
        return;
      case K::kListComp:
      case K::kSetComp:
      case K::kDictComp:
      case K::kGeneratorExp:
        comprehension(e);
        return;
      case K::kAwait:
        expr(*e.a);
        set_loc(e.loc);
        emit(Op::kGetAwaitable, 0);
        emit(Op::kAwait);
        return;
      case K::kYield:
        if (e.a) {
          expr(*e.a);
        } else {
          load_const_none();
        }
        set_loc(e.loc);
        emit(Op::kYieldValue);
        return;
      case K::kYieldFrom:
        expr(*e.a);
        set_loc(e.loc);
        emit(Op::kGetYieldFromIter);
        emit(Op::kYieldFrom);
        return;
      case K::kCompare: compare(e); return;
      case K::kCall: call(e); return;
      case K::kFormattedValue: formatted(e); return;
      case K::kJoinedStr: joined_str(e); return;
      case K::kAttribute:
        expr(*e.a);
        set_loc(e.loc);
        emit(Op::kLoadAttr, add_name(e.name));
        return;
      case K::kSubscript:
        expr(*e.a);
        expr(*e.b);
        set_loc(e.loc);
        emit(Op::kBinarySubscr);
        return;
      case K::kStarred:
        fail(e.loc, "can't use starred expression here");
      case K::kList:
        if (has_starred(e.items)) {
          starred_list(e.items);
          return;
        }
        for (const auto& i : e.items) expr(*i);
        emit(Op::kBuildList, static_cast<std::uint32_t>(e.items.size()));
        return;
      case K::kTuple: {
        Const c;
        if (constant_of(e, &c)) {
          load_const(c);
          return;
        }
        if (has_starred(e.items)) {
          starred_list(e.items);
          emit(Op::kListToTuple);
          return;
        }
        for (const auto& i : e.items) expr(*i);
        emit(Op::kBuildTuple, static_cast<std::uint32_t>(e.items.size()));
        return;
      }
      case K::kSlice: {
        if (e.a) {
          expr(*e.a);
        } else {
          load_const_none();
        }
        if (e.b) {
          expr(*e.b);
        } else {
          load_const_none();
        }
        if (e.c) expr(*e.c);
        emit(Op::kBuildSlice, e.c ? 3 : 2);
        return;
      }
    }
  }

  Program& p_;
  CompileOptions options_;
  std::string file_;
  std::vector<std::unique_ptr<Unit>> units_;
};

}  // namespace

bool compile_into(const ast::Module& m, Program* out, std::uint32_t* module_code, CompileError* error,
                  const CompileOptions& options) {
  SymtableError se;
  std::unique_ptr<Scope> top = build_symtable(m, &se);
  if (!top) {
    error->loc = se.loc;
    error->kind = "SyntaxError";
    error->message = se.message;
    return false;
  }
  const std::size_t before = out->codes.size();
  try {
    Compiler c(*out, options);
    *module_code = c.module(m, top.get());
  } catch (const Failure& f) {
    out->codes.resize(before);
    *error = f.error;
    return false;
  }
  std::uint32_t consts = 0, names = 0;
  for (auto& code : out->codes) {
    code->program = out;
    code->const_base = consts;
    code->name_base = names;
    consts += static_cast<std::uint32_t>(code->consts.size());
    names += static_cast<std::uint32_t>(code->names.size());
  }
  return true;
}

bool compile_module(const ast::Module& m, std::vector<std::string> source_lines, Program* out, CompileError* error,
                    const CompileOptions& options) {
  out->file = m.file;
  out->source_lines = std::move(source_lines);
  return compile_into(m, out, &out->module_code, error, options);
}

const char* op_name(Op op) {
  switch (op) {
#define N(x) \
  case Op::k##x: return #x;
    N(Nop) N(PopTop) N(Copy) N(Swap) N(PushNull) N(LoadConst) N(LoadFast) N(StoreFast) N(DeleteFast) N(LoadDeref)
    N(StoreDeref) N(DeleteDeref) N(LoadClosure) N(LoadClassDeref) N(LoadGlobal) N(StoreGlobal) N(DeleteGlobal)
    N(LoadName) N(StoreName) N(DeleteName) N(LoadAttr) N(StoreAttr) N(DeleteAttr) N(LoadMethod) N(Call) N(CallEx)
    N(BinaryOp) N(UnaryOp) N(CompareOp) N(IsOp) N(ContainsOp) N(BinarySubscr) N(StoreSubscr) N(DeleteSubscr)
    N(BuildSlice) N(BuildTuple) N(BuildList) N(BuildSet) N(BuildMap) N(BuildConstKeyMap) N(BuildString)
    N(ListAppend) N(SetAdd) N(MapAdd) N(ListExtend) N(SetUpdate) N(DictUpdate) N(DictMerge) N(ListToTuple)
    N(UnpackSequence) N(UnpackEx) N(FormatValue) N(Jump) N(PopJumpIfFalse) N(PopJumpIfTrue) N(PopJumpIfNone)
    N(PopJumpIfNotNone) N(JumpIfFalseOrPop) N(JumpIfTrueOrPop) N(GetIter) N(ForIter) N(ReturnValue)
    N(PushExcInfo) N(PopExcept) N(CheckExcMatch) N(CheckEgMatch) N(Reraise) N(RaiseVarargs) N(PrepReraiseStar)
    N(BeforeWith) N(BeforeAsyncWith) N(WithExceptStart) N(YieldValue) N(GetAwaitable) N(Await) N(YieldFrom)
    N(GetAiter) N(GetAnext) N(EndAsyncFor) N(GetYieldFromIter) N(MakeFunction) N(BuildClass) N(ImportName)
    N(ImportFrom) N(LoadAssertionError) N(SetupAnnotations) N(ExtendedArg)
#undef N
  }
  return "?";
}

std::string disassemble(const Program& p) {
  std::ostringstream o;
  for (std::size_t ci = 0; ci < p.codes.size(); ++ci) {
    const Code& c = *p.codes[ci];
    o << "code " << ci << " " << c.qualname << " (" << c.file << ":" << c.first_line << ")";
    if (c.is(kCoroutine)) o << " coroutine";
    if (c.is(kGenerator)) o << " generator";
    if (c.is(kAsyncGenerator)) o << " async generator";
    o << ", stack " << c.stacksize << "\n";
    int last_line = -1;
    for (std::size_t pc = 0; pc < c.code.size(); ++pc) {
      const Instr& in = c.code[pc];
      const int line = c.line_at(static_cast<std::uint32_t>(pc));
      o << (line != last_line ? std::to_string(line) : std::string()) << "\t" << pc << "\t" << op_name(in.op) << " "
        << in.arg;
      if (in.extra != 0) o << " /" << in.extra;
      switch (in.op) {
        case Op::kLoadConst: {
          const Const& k = c.consts[in.arg];
          if (k.kind == ast::ConstKind::kStr && !k.is_tuple) o << " ('" << k.s << "')";
          break;
        }
        case Op::kLoadFast:
        case Op::kStoreFast:
        case Op::kDeleteFast:
          if (in.arg < c.varnames.size()) o << " (" << c.varnames[in.arg] << ")";
          break;
        case Op::kLoadGlobal:
        case Op::kStoreGlobal:
        case Op::kLoadName:
        case Op::kStoreName:
        case Op::kLoadAttr:
        case Op::kStoreAttr:
        case Op::kLoadMethod:
        case Op::kImportName:
        case Op::kImportFrom:
          if (in.arg < c.names.size()) o << " (" << c.names[in.arg] << ")";
          break;
        default:
          break;
      }
      if (pc < c.handler_at.size() && c.handler_at[pc] != kNoHandler) {
        const ExcHandler& h = c.handlers[c.handler_at[pc]];
        o << "\t-> " << h.target << " [" << h.depth << "]";
      }
      o << "\n";
      last_line = line;
    }
  }
  return o.str();
}

}  // namespace concsim::vm
