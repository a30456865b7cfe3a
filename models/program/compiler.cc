// Compiles the program tree (ast.h) to bytecode (program.h).
#include <algorithm>
#include <functional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "models/program/program.h"
#include "sim/check.h"

namespace concsim::models {

void collect_assigned(const Steps& steps, std::vector<std::string>& out) {
  for (const Step& s : steps) {
    for (const auto& [name, _] : s.assignments) out.push_back(name);
    for (const std::string* n : {&s.into, &s.as, &s.done, &s.pending}) {
      if (!n->empty()) out.push_back(*n);
    }
    for (const TaskSpec& t : s.tasks) {
      if (!t.index_var.empty()) out.push_back(t.index_var);
    }
    for (const ExceptClause& c : s.excepts) {
      if (!c.as.empty()) out.push_back(c.as);
      collect_assigned(c.steps, out);
    }
    collect_assigned(s.body, out);
    collect_assigned(s.else_body, out);
    collect_assigned(s.exit_body, out);
    collect_assigned(s.finally_body, out);
  }
}

std::uint32_t Program::find_function(std::string_view name) const {
  for (std::size_t i = 0; i < functions.size(); ++i) {
    if (functions[i].name == name) return static_cast<std::uint32_t>(i);
  }
  return kNone;
}

namespace {

struct CompileFailure {
  CompileError error;
};

[[noreturn]] void fail(const SourceRef& at, std::string message) {
  throw CompileFailure{CompileError{at, std::move(message)}};
}

class Compiler {
 public:
  Compiler(const ProgramAst& ast, Program& p) : ast_(ast), p_(p) {}

  void run() {
    for (const SharedDef& s : ast_.shared) {
      if (shared_.count(s.name) != 0) fail(s.at, "shared variable \"" + s.name + "\" is defined twice");
      shared_.emplace(s.name, static_cast<std::uint32_t>(p_.shared.size()));
      p_.shared.push_back(SharedVar{s.name, Value::null()});
    }
    // Initial values are constant expressions, evaluated now.
    for (std::size_t i = 0; i < ast_.shared.size(); ++i) {
      const SharedDef& s = ast_.shared[i];
      // Any expression without variables (-3, ${2 + 3}, -5ms) is evaluated now.
      Expr e = parse(s.initial, s.at, [](std::string_view) { return std::optional<VarRef>{}; });
      Value v;
      Value exc;
      const EvalContext empty{p_.constants, nullptr, nullptr, nullptr, 0};
      if (!eval_expr(e, empty, &v, &exc)) {
        fail(s.at, "the initial value of shared variable \"" + s.name + "\" cannot be computed: " +
                       p_.constants.format(exc, nullptr));
      }
      p_.shared[i].initial = v;
    }
    for (const SyncDef& s : ast_.sync) {
      if (sync_.count(s.name) != 0) fail(s.at, "\"" + s.name + "\" is defined twice");
      sync_.emplace(s.name, static_cast<std::uint32_t>(p_.sync.size()));
      p_.sync.push_back(SyncObject{s.name, s.kind, s.value});
    }
    for (const FunctionDef& f : ast_.functions) {
      if (find_function(f.name) != kNone) fail(f.at, "function \"" + f.name + "\" is defined twice");
      Function fn;
      fn.name = f.name;
      fn.params = f.params;
      function_index_.emplace(f.name, static_cast<std::uint32_t>(p_.functions.size()));
      p_.functions.push_back(std::move(fn));
      defs_.push_back(&f);
    }
    // Functions synthesised from inline task bodies are appended to defs_
    // while compiling, so iterate by index.
    for (std::size_t i = 0; i < defs_.size(); ++i) compile_function(static_cast<std::uint32_t>(i));
  }

 private:
  using Scope = std::unordered_map<std::string, std::uint32_t>;

  // Program::find_function (the first function of that name) in constant
  // time: its linear scan per spawn made a workload of 100,000 functions
  // take minutes to compile.
  std::uint32_t find_function(const std::string& name) const {
    const auto it = function_index_.find(name);
    return it == function_index_.end() ? kNone : it->second;
  }

  enum class FrameKind { kFinally, kExceptBody, kLoop, kCall };
  struct Frame {
    FrameKind kind = FrameKind::kLoop;
    const Steps* cleanup = nullptr;       // kFinally: code to run on the way out
    std::uint32_t release = kNone;        // kFinally of a resource: object to release
    std::size_t handler_depth = 0;        // handler stack size outside this frame
    std::uint32_t exc_depth = 0;          // exception depth outside this frame
    std::size_t scope_depth = 0;          // kCall: scopes outside the call
    std::uint32_t continue_target = kNone;
    std::vector<std::uint32_t> break_patches;
    std::vector<std::uint32_t> continue_patches;
    std::uint32_t result_var = kNone;     // kCall
    std::vector<std::uint32_t> return_patches;
  };

  // ---- emission ----
  std::uint32_t here() const { return static_cast<std::uint32_t>(p_.code.size()); }
  std::uint32_t emit(Op op, const SourceRef& at, std::uint32_t a = kNone, std::uint32_t b = kNone,
                     std::uint32_t c = kNone) {
    p_.code.push_back(Instr{op, a, b, c});
    slot_of_.push_back(handlers_.empty() ? kNone : handlers_.back());
    p_.where.push_back(at);
    return here() - 1;
  }
  void patch_a(std::uint32_t at, std::uint32_t target) { p_.code[at].a = target; }
  void patch_b(std::uint32_t at, std::uint32_t target) { p_.code[at].b = target; }
  void patch_c(std::uint32_t at, std::uint32_t target) { p_.code[at].c = target; }

  // ---- names ----
  Scope& scope() { return scopes_.back(); }
  std::uint32_t new_local(const std::string& name) {
    Function& fn = p_.functions[current_];
    const std::uint32_t slot = fn.num_locals++;
    fn.local_names.push_back(name);
    return slot;
  }
  std::uint32_t hidden(const std::string& what) { return new_local("#" + what); }
  std::optional<VarRef> resolve(std::string_view name) {
    const auto it = scope().find(std::string(name));
    if (it != scope().end()) return VarRef{false, it->second};
    const auto s = shared_.find(std::string(name));
    if (s != shared_.end()) return VarRef{true, s->second};
    return std::nullopt;
  }
  std::uint32_t var(const std::string& name, const SourceRef& at) {
    const auto ref = resolve(name);
    if (!ref) fail(at, "unknown variable \"" + name + "\"");
    return ref->shared ? (ref->slot | kSharedBit) : ref->slot;
  }
  std::uint32_t var_or_none(const std::string& name, const SourceRef& at) {
    return name.empty() ? kNone : var(name, at);
  }
  static std::uint32_t local_var(std::uint32_t slot) { return slot; }

  // Every name a body assigns (collect_assigned, steps.h) is declared up
  // front, so that a read before the assignment in code order (a loop's
  // second round) still resolves to the same local.
  void declare_assigned(const Steps& steps) {
    std::vector<std::string> names;
    collect_assigned(steps, names);
    for (const std::string& n : names) {
      if (scope().count(n) == 0 && shared_.count(n) == 0) scope().emplace(n, new_local(n));
    }
  }

  // ---- operands ----
  Expr parse(const std::string& text, const SourceRef& at, const NameResolver& resolver) {
    ExprError err;
    auto e = parse_expr(text, p_.constants, resolver, &err);
    if (!e) fail(at, err.message + " in \"" + text + "\"");
    return std::move(*e);
  }
  std::uint32_t expr(const std::string& text, const SourceRef& at) {
    Expr e = parse(text, at, [this](std::string_view n) { return resolve(n); });
    p_.exprs.push_back(std::move(e));
    return static_cast<std::uint32_t>(p_.exprs.size() - 1);
  }
  // An expression that reads a hidden local: built directly, since hidden
  // names are not identifiers the parser accepts.
  std::uint32_t slot_expr(std::uint32_t slot, const std::string& what) {
    Expr e;
    e.text = what;
    e.code.push_back({ExprOp::kLocal, slot});
    p_.exprs.push_back(std::move(e));
    return static_cast<std::uint32_t>(p_.exprs.size() - 1);
  }
  std::uint32_t templ(const std::string& text, const SourceRef& at) {
    ExprError err;
    auto t = parse_template(text, p_.constants, [this](std::string_view n) { return resolve(n); }, &err);
    if (!t) fail(at, err.message + " in \"" + text + "\"");
    p_.templates.push_back(std::move(*t));
    return static_cast<std::uint32_t>(p_.templates.size() - 1);
  }
  std::uint32_t duration(const DurationSpec& d) {
    p_.durations.push_back(d);
    p_.duration_exprs.push_back(d.kind == DurationSpec::Kind::kExpression ? expr(d.expression, d.at)
                                                                         : kNone);
    return static_cast<std::uint32_t>(p_.durations.size() - 1);
  }
  std::uint32_t object(const std::string& name, const SourceRef& at, std::initializer_list<SyncKind> kinds,
                       const char* what) {
    const auto it = sync_.find(name);
    if (it == sync_.end()) fail(at, "unknown " + std::string(what) + " \"" + name + "\"");
    const SyncKind k = p_.sync[it->second].kind;
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) {
      fail(at, "\"" + name + "\" is not a " + what);
    }
    return it->second;
  }

  // A spawn spec for a function call or inline body; args are compiled in
  // the current scope.
  std::uint32_t spawn_spec(const TaskSpec& t) {
    SpawnSpec spec;
    if (!t.function.empty()) {
      spec.function = find_function(t.function);
      if (spec.function == kNone) fail(t.at, "unknown function \"" + t.function + "\"");
      const Function& fn = p_.functions[spec.function];
      check_args(t, fn.params);
      for (const std::string& param : fn.params) spec.args.push_back(arg_expr(t, param));
    } else {
      // An inline body becomes a function of its own; its parameters are the
      // names passed in args.
      Function fn;
      fn.name = t.name.empty() ? p_.functions[current_].name + ".task" : t.name;
      for (const auto& [param, _] : t.args) fn.params.push_back(param);
      spec.function = static_cast<std::uint32_t>(p_.functions.size());
      function_index_.emplace(fn.name, spec.function);
      p_.functions.push_back(fn);
      synthesized_.push_back(FunctionDef{fn.name, fn.params, t.steps, t.at});
      defs_.push_back(nullptr);
      synth_index_.push_back(synthesized_.size() - 1);
      for (const auto& [param, _] : t.args) spec.args.push_back(arg_expr(t, param));
    }
    if (!t.name.empty()) spec.name = templ(t.name, t.at);
    p_.spawns.push_back(std::move(spec));
    return static_cast<std::uint32_t>(p_.spawns.size() - 1);
  }
  void check_args(const TaskSpec& t, const std::vector<std::string>& params) {
    for (std::size_t i = 0; i < t.args.size(); ++i) {
      if (std::find(params.begin(), params.end(), t.args[i].first) == params.end()) {
        fail(t.arg_at.size() > i ? t.arg_at[i] : t.at,
             "function \"" + t.function + "\" has no parameter \"" + t.args[i].first + "\"");
      }
    }
    for (const std::string& param : params) {
      bool given = false;
      for (const auto& a : t.args) given = given || a.first == param;
      if (!given) fail(t.at, "missing argument \"" + param + "\" for function \"" + t.function + "\"");
    }
  }
  std::uint32_t arg_expr(const TaskSpec& t, const std::string& param) {
    for (std::size_t i = 0; i < t.args.size(); ++i) {
      if (t.args[i].first == param) return expr(t.args[i].second, t.arg_at.size() > i ? t.arg_at[i] : t.at);
    }
    return kNone;
  }
  // Tasks of gather/wait/as_completed: spawn the specs in argument order into
  // hidden locals (asyncio's ensure_future does the same), then refer to them.
  std::vector<std::uint32_t> task_operands(const std::vector<TaskSpec>& tasks) {
    std::vector<std::uint32_t> exprs;
    for (const TaskSpec& t : tasks) {
      if (!t.ref.empty()) {
        exprs.push_back(expr(t.ref, t.at));
        continue;
      }
      if (!t.count.empty()) {
        exprs.push_back(counted_tasks(t));
        continue;
      }
      const std::uint32_t slot = hidden("task");
      emit(Op::kSpawn, t.at, spawn_spec(t), kNone, local_var(slot));
      exprs.push_back(slot_expr(slot, t.name.empty() ? t.function : t.name));
    }
    return exprs;
  }

  // `count: N` on a task spec: a loop that starts N tasks and appends each to
  // a hidden list in place (the list belongs to this loop alone), so that
  // starting a million tasks costs linear time. Returns the list's expr.
  std::uint32_t counted_tasks(const TaskSpec& t) {
    const std::uint32_t list = hidden("tasks");
    Expr empty;
    empty.text = "[]";
    empty.code.push_back({ExprOp::kEmptyList, 0});
    p_.exprs.push_back(std::move(empty));
    emit(Op::kSet, t.at, local_var(list), static_cast<std::uint32_t>(p_.exprs.size() - 1));
    const std::uint32_t base = hidden("count");
    hidden("index");
    const std::uint32_t init = emit(Op::kRepeatInit, t.count_at, expr(t.count, t.count_at), base);
    const std::uint32_t body = here();
    if (!t.index_var.empty()) emit(Op::kSet, t.at, var(t.index_var, t.at), slot_expr(base + 1, t.index_var));
    const std::uint32_t one = hidden("task");
    TaskSpec single = t;
    single.count.clear();
    emit(Op::kSpawn, t.at, spawn_spec(single), kNone, local_var(one));
    emit(Op::kListAppend, t.at, list, one);
    emit(Op::kRepeatNext, t.at, base, body);
    patch_c(init, here());
    return slot_expr(list, t.name.empty() ? t.function : t.name);
  }

  // ---- functions ----
  void compile_function(std::uint32_t index) {
    const FunctionDef& def = defs_[index] != nullptr ? *defs_[index] : synthesized_for(index);
    current_ = index;
    Function& fn = p_.functions[index];
    fn.entry = here();
    scopes_.clear();
    scopes_.emplace_back();
    for (const std::string& param : def.params) {
      if (scope().count(param) != 0) fail(def.at, "parameter \"" + param + "\" is listed twice");
      scope().emplace(param, new_local(param));
    }
    p_.functions[index].num_params = static_cast<std::uint32_t>(def.params.size());
    declare_assigned(def.steps);
    call_stack_ = {def.name};
    frames_.clear();
    handlers_.clear();
    exc_depth_ = 0;
    compile_steps(def.steps);
    emit(Op::kEnd, def.at);
  }
  const FunctionDef& synthesized_for(std::uint32_t index) {
    // defs_ entries that are null map, in order, onto synthesized_.
    std::size_t nth = 0;
    for (std::uint32_t i = 0; i < index; ++i) nth += defs_[i] == nullptr ? 1 : 0;
    return synthesized_[synth_index_[nth]];
  }

  void compile_steps(const Steps& steps) {
    for (const Step& s : steps) compile_step(s);
  }

  void compile_step(const Step& s) {
    switch (s.kind) {
      case StepKind::kCpu: emit(Op::kCpu, s.at, duration(s.duration)); break;
      case StepKind::kBlock: emit(Op::kBlock, s.at, duration(s.duration)); break;
      case StepKind::kSleep: emit(Op::kSleep, s.at, duration(s.duration)); break;
      case StepKind::kIo: emit(Op::kIo, s.at, duration(s.duration)); break;
      case StepKind::kYield: emit(Op::kYield, s.at); break;
      case StepKind::kLog: emit(Op::kLog, s.at, templ(s.text, s.at)); break;
      case StepKind::kSet:
        for (std::size_t i = 0; i < s.assignments.size(); ++i) {
          const SourceRef& at = i < s.assignment_at.size() ? s.assignment_at[i] : s.at;
          const std::uint32_t e = expr(s.assignments[i].second, at);
          emit(Op::kSet, at, var(s.assignments[i].first, at), e);
        }
        break;
      case StepKind::kReturn: compile_return(s); break;
      case StepKind::kRaise:
        emit(Op::kRaise, s.at, p_.constants.intern(s.text),
             s.message.empty() ? kNone : templ(s.message, s.at));
        break;
      case StepKind::kReraise:
        if (exc_depth_ == 0 && finally_depth_ == 0) {
          fail(s.at, "a bare raise is only allowed inside except or finally");
        }
        emit(Op::kReraise, s.at);
        break;
      case StepKind::kCall: compile_call(s); break;
      case StepKind::kSpawn:
        emit(Op::kSpawn, s.at, spawn_spec(s.tasks.at(0)), kNone, var_or_none(s.into, s.at));
        break;
      case StepKind::kAwait: {
        const std::uint32_t e = expr(s.expr, s.expr_at);
        emit(Op::kAwait, s.at, e, kNone, var_or_none(s.into, s.at));
        break;
      }
      case StepKind::kGather: {
        GatherSpec g;
        g.tasks = task_operands(s.tasks);
        g.return_exceptions = s.return_exceptions;
        p_.gathers.push_back(std::move(g));
        emit(Op::kGather, s.at, static_cast<std::uint32_t>(p_.gathers.size() - 1), kNone,
             var_or_none(s.into, s.at));
        break;
      }
      case StepKind::kWait: {
        WaitSpec w;
        w.tasks = task_operands(s.tasks);
        w.timeout = s.has_timeout ? duration(s.duration) : kNone;
        w.return_when = s.return_when;
        w.done = var_or_none(s.done, s.at);
        w.pending = var_or_none(s.pending, s.at);
        p_.waits.push_back(std::move(w));
        emit(Op::kWait, s.at, static_cast<std::uint32_t>(p_.waits.size() - 1));
        break;
      }
      case StepKind::kAsCompleted: compile_as_completed(s); break;
      case StepKind::kWaitFor: {
        const std::vector<std::uint32_t> t = task_operands(s.tasks);
        emit(Op::kWaitFor, s.at, t.at(0), duration(s.duration), var_or_none(s.into, s.at));
        break;
      }
      case StepKind::kCancel: emit(Op::kCancel, s.at, expr(s.expr, s.expr_at)); break;
      case StepKind::kAcquire:
        emit(Op::kAcquire, s.at, object(s.text, s.at, {SyncKind::kSemaphore, SyncKind::kBoundedSemaphore, SyncKind::kLock}, "semaphore or lock"));
        break;
      case StepKind::kRelease:
        emit(Op::kRelease, s.at, object(s.text, s.at, {SyncKind::kSemaphore, SyncKind::kBoundedSemaphore, SyncKind::kLock}, "semaphore or lock"));
        break;
      case StepKind::kEventSet: emit(Op::kEventSet, s.at, object(s.text, s.at, {SyncKind::kEvent}, "event")); break;
      case StepKind::kEventClear: emit(Op::kEventClear, s.at, object(s.text, s.at, {SyncKind::kEvent}, "event")); break;
      case StepKind::kEventWait: emit(Op::kEventWait, s.at, object(s.text, s.at, {SyncKind::kEvent}, "event")); break;
      case StepKind::kQueuePut: {
        const std::uint32_t q = object(s.text, s.at, {SyncKind::kQueue}, "queue");
        emit(Op::kQueuePut, s.at, q, expr(s.expr, s.expr_at));
        break;
      }
      case StepKind::kQueueGet:
        emit(Op::kQueueGet, s.at, object(s.text, s.at, {SyncKind::kQueue}, "queue"), kNone, var_or_none(s.into, s.at));
        break;
      case StepKind::kQueueTaskDone: emit(Op::kQueueTaskDone, s.at, object(s.text, s.at, {SyncKind::kQueue}, "queue")); break;
      case StepKind::kQueueJoin: emit(Op::kQueueJoin, s.at, object(s.text, s.at, {SyncKind::kQueue}, "queue")); break;
      case StepKind::kAsyncWith: compile_async_with(s); break;
      case StepKind::kAsyncFor: compile_repeat(s, &s.else_body); break;
      case StepKind::kRepeat: compile_repeat(s, nullptr); break;
      case StepKind::kLoop: compile_loop(s, false); break;
      case StepKind::kWhile: compile_loop(s, true); break;
      case StepKind::kIf: {
        const std::uint32_t jf = emit(Op::kJumpIfFalse, s.at, expr(s.expr, s.expr_at));
        compile_steps(s.body);
        if (s.else_body.empty()) {
          patch_b(jf, here());
        } else {
          const std::uint32_t j = emit(Op::kJump, s.at);
          patch_b(jf, here());
          compile_steps(s.else_body);
          patch_a(j, here());
        }
        break;
      }
      case StepKind::kBreak:
      case StepKind::kContinue: compile_break(s); break;
      case StepKind::kTry: compile_try(s); break;
      case StepKind::kArrive:
        emit(Op::kArrive, s.at, duration(s.duration), s.expr.empty() ? kNone : expr(s.expr, s.expr_at),
             var_or_none(s.into, s.at));
        break;
      case StepKind::kRequestDone:
        emit(Op::kRequestDone, s.at, s.return_exceptions ? 1 : 0);
        break;
      case StepKind::kDraw:
        emit(Op::kDraw, s.at, duration(s.duration), kNone, var(s.into, s.at));
        break;
      case StepKind::kStream:
        emit(Op::kStream, s.at, p_.constants.intern(s.text), expr(s.expr, s.expr_at));
        break;
      case StepKind::kExecutor: {
        const TaskSpec& t = s.tasks.at(0);
        emit(Op::kExecutor, s.at, spawn_spec(t), kNone, var_or_none(s.into, s.at));
        break;
      }
    }
  }

  // ---- structured control flow ----
  void compile_repeat(const Step& s, const Steps* prelude) {
    const std::uint32_t base = hidden("count");
    hidden("index");  // base + 1
    const std::uint32_t init = emit(Op::kRepeatInit, s.at, expr(s.expr, s.expr_at), base);
    const std::uint32_t body = here();
    Frame f;
    f.kind = FrameKind::kLoop;
    f.handler_depth = handlers_.size();
    f.exc_depth = exc_depth_;
    frames_.push_back(std::move(f));
    if (prelude != nullptr) compile_steps(*prelude);
    if (!s.as.empty()) emit(Op::kSet, s.at, var(s.as, s.at), slot_expr(base + 1, s.as));
    compile_steps(s.body);
    Frame done = std::move(frames_.back());
    frames_.pop_back();
    const std::uint32_t next = emit(Op::kRepeatNext, s.at, base, body);
    for (std::uint32_t p : done.continue_patches) patch_a(p, next);
    patch_c(init, here());
    for (std::uint32_t p : done.break_patches) patch_a(p, here());
  }

  void compile_loop(const Step& s, bool has_condition) {
    const std::uint32_t top = here();
    std::uint32_t jf = kNone;
    if (has_condition) jf = emit(Op::kJumpIfFalse, s.at, expr(s.expr, s.expr_at));
    Frame f;
    f.kind = FrameKind::kLoop;
    f.handler_depth = handlers_.size();
    f.exc_depth = exc_depth_;
    f.continue_target = top;
    frames_.push_back(std::move(f));
    compile_steps(s.body);
    Frame done = std::move(frames_.back());
    frames_.pop_back();
    emit(Op::kJump, s.at, top);
    for (std::uint32_t p : done.continue_patches) patch_a(p, top);
    if (jf != kNone) patch_b(jf, here());
    for (std::uint32_t p : done.break_patches) patch_a(p, here());
  }

  // Emits the cleanup of frames_[from..] innermost first, as the code on the
  // way out of them, with each cleanup covered by the handlers outside it.
  void unwind_to(std::size_t from) {
    const std::vector<std::uint32_t> saved_handlers = handlers_;
    const std::uint32_t saved_depth = exc_depth_;
    for (std::size_t i = frames_.size(); i-- > from;) {
      const Frame& f = frames_[i];
      handlers_.resize(f.handler_depth);
      if (f.kind == FrameKind::kExceptBody) {
        emit(Op::kPopExcept, SourceRef{});
        exc_depth_ = f.exc_depth;
      } else if (f.kind == FrameKind::kFinally) {
        exc_depth_ = f.exc_depth;
        // The cleanup may itself contain a return/break; compile it with the
        // frames outside this one only.
        std::vector<Frame> inner(frames_.begin() + static_cast<std::ptrdiff_t>(i), frames_.end());
        frames_.resize(i);
        if (f.cleanup != nullptr) {
          ++finally_depth_;
          compile_steps(*inner.front().cleanup);
          --finally_depth_;
        }
        if (inner.front().release != kNone) emit(Op::kRelease, SourceRef{}, inner.front().release);
        for (Frame& g : inner) frames_.push_back(std::move(g));
      }
    }
    handlers_ = saved_handlers;
    exc_depth_ = saved_depth;
  }

  void compile_break(const Step& s) {
    std::size_t i = frames_.size();
    while (i > 0 && frames_[i - 1].kind != FrameKind::kLoop) {
      if (frames_[i - 1].kind == FrameKind::kCall) i = 0;
      else
        --i;
    }
    if (i == 0) fail(s.at, std::string(s.kind == StepKind::kBreak ? "break" : "continue") + " outside a loop");
    unwind_to(i);
    const std::uint32_t j = emit(Op::kJump, s.at);
    Frame& loop = frames_[i - 1];
    if (s.kind == StepKind::kBreak) {
      loop.break_patches.push_back(j);
    } else if (loop.continue_target != kNone) {
      patch_a(j, loop.continue_target);
    } else {
      loop.continue_patches.push_back(j);
    }
  }

  void compile_return(const Step& s) {
    // The value is computed before any cleanup runs, as in Python.
    std::uint32_t value = kNone;
    if (!s.expr.empty()) {
      const std::uint32_t slot = hidden("return");
      emit(Op::kSet, s.at, local_var(slot), expr(s.expr, s.expr_at));
      value = slot_expr(slot, s.expr);
    }
    std::size_t i = frames_.size();
    while (i > 0 && frames_[i - 1].kind != FrameKind::kCall) --i;
    unwind_to(i);
    if (i == 0) {
      emit(Op::kReturn, s.at, value);
      return;
    }
    Frame& call = frames_[i - 1];
    if (call.result_var != kNone) {
      emit(Op::kSet, s.at, call.result_var, value != kNone ? value : null_expr(s.at));
    }
    call.return_patches.push_back(emit(Op::kJump, s.at));
  }
  std::uint32_t null_expr(const SourceRef& at) { return expr("None", at); }

  // `call` runs a function's body in the calling task (await f(...)): the
  // body is inlined with its own scope, so it sees only its parameters.
  void compile_call(const Step& s) {
    const TaskSpec& t = s.tasks.at(0);
    const std::uint32_t fi = find_function(t.function);
    if (fi == kNone || defs_[fi] == nullptr) fail(t.at, "unknown function \"" + t.function + "\"");
    const FunctionDef& def = *defs_[fi];
    if (std::find(call_stack_.begin(), call_stack_.end(), def.name) != call_stack_.end()) {
      fail(t.at, "function \"" + def.name + "\" calls itself; recursion is not supported (spawn a task instead)");
    }
    check_args(t, def.params);
    const std::uint32_t result_var = var_or_none(s.into, s.at);
    // Evaluate the arguments in the caller's scope into the callee's slots.
    Scope callee;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> binds;
    for (const std::string& param : def.params) {
      const std::uint32_t slot = new_local(def.name + "." + param);
      binds.emplace_back(slot, arg_expr(t, param));
      callee.emplace(param, slot);
    }
    for (const auto& [slot, e] : binds) emit(Op::kSet, t.at, local_var(slot), e);
    scopes_.push_back(std::move(callee));
    declare_assigned(def.steps);
    call_stack_.push_back(def.name);
    Frame f;
    f.kind = FrameKind::kCall;
    f.handler_depth = handlers_.size();
    f.exc_depth = exc_depth_;
    f.scope_depth = scopes_.size() - 1;
    f.result_var = result_var;
    frames_.push_back(std::move(f));
    compile_steps(def.steps);
    if (result_var != kNone) emit(Op::kSet, s.at, result_var, null_expr(s.at));
    Frame done = std::move(frames_.back());
    frames_.pop_back();
    for (std::uint32_t p : done.return_patches) patch_a(p, here());
    call_stack_.pop_back();
    scopes_.pop_back();
  }

  // try / except / finally; see program.h for the handler table. Layout:
  //   body; jump NORMAL
  //   EXCEPT: clause tests and bodies, each ending in PopExcept; jump NORMAL;
  //           no clause matched: Reraise
  //   FINALLY_EXC: finally body; Reraise
  //   NORMAL: finally body
  std::uint32_t new_slot(std::uint32_t depth) {
    slots_.push_back(Handler{kNone, depth});
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }
  void compile_try(const Step& s) {
    const bool has_except = !s.excepts.empty();
    const std::uint32_t d = exc_depth_;
    const std::size_t outer_handlers = handlers_.size();
    const std::uint32_t fin_slot = s.has_finally ? new_slot(d) : kNone;
    const std::uint32_t exc_slot = has_except ? new_slot(d) : kNone;
    if (s.has_finally) {
      Frame fin;
    fin.kind = FrameKind::kFinally;
      fin.cleanup = &s.finally_body;
      fin.handler_depth = outer_handlers;
      fin.exc_depth = d;
      frames_.push_back(fin);
      handlers_.push_back(fin_slot);
    }
    if (has_except) handlers_.push_back(exc_slot);
    compile_steps(s.body);
    if (has_except) handlers_.pop_back();
    std::vector<std::uint32_t> to_normal{emit(Op::kJump, s.at)};
    if (has_except) {
      slots_[exc_slot].pc = here();
      exc_depth_ = d + 1;
      for (const ExceptClause& c : s.excepts) {
        std::uint32_t match = kNone;
        if (!c.types.empty()) {
          std::vector<std::uint32_t> types;
          for (const std::string& t : c.types) types.push_back(p_.constants.intern(t));
          p_.type_lists.push_back(std::move(types));
          match = emit(Op::kExceptMatch, c.at, static_cast<std::uint32_t>(p_.type_lists.size() - 1));
        }
        if (!c.as.empty()) emit(Op::kStoreExcept, c.at, var(c.as, c.at));
        Frame eb;
    eb.kind = FrameKind::kExceptBody;
        eb.handler_depth = handlers_.size();
        eb.exc_depth = d;
        frames_.push_back(eb);
        compile_steps(c.steps);
        frames_.pop_back();
        emit(Op::kPopExcept, c.at);
        to_normal.push_back(emit(Op::kJump, c.at));
        if (match != kNone) patch_b(match, here());
      }
      emit(Op::kReraise, s.at);
      exc_depth_ = d;
    }
    if (s.has_finally) {
      frames_.pop_back();
      handlers_.resize(outer_handlers);
      slots_[fin_slot].pc = here();
      exc_depth_ = d + 1;
      ++finally_depth_;
      compile_steps(s.finally_body);
      --finally_depth_;
      emit(Op::kReraise, s.at);
      exc_depth_ = d;
    }
    const std::uint32_t normal = here();
    for (std::uint32_t j : to_normal) patch_a(j, normal);
    if (s.has_finally) {
      ++finally_depth_;
      compile_steps(s.finally_body);
      --finally_depth_;
    }
  }

  void compile_async_with(const Step& s) {
    // async with RESOURCE: acquire, body, release on every way out.
    // async with {enter, exit}: enter steps, body, exit steps on every way out.
    Step t;
    t.kind = StepKind::kTry;
    t.at = s.at;
    t.body = s.body;
    t.has_finally = true;
    std::uint32_t release = kNone;
    if (!s.text.empty()) {
      release = object(s.text, s.at, {SyncKind::kSemaphore, SyncKind::kBoundedSemaphore, SyncKind::kLock}, "semaphore or lock");
      emit(Op::kAcquire, s.at, release);
      Step r;
      r.kind = StepKind::kRelease;
      r.at = s.at;
      r.text = s.text;
      t.finally_body.push_back(r);
    } else {
      compile_steps(s.else_body);
      t.finally_body = s.exit_body;
    }
    compile_try(t);
  }

  // as_completed: the iterator is a list of the tasks not yet taken, in a
  // hidden local; kAsCompletedNext waits for the earliest finished one.
  void compile_as_completed(const Step& s) {
    GatherSpec g;
    g.tasks = task_operands(s.tasks);
    p_.gathers.push_back(std::move(g));
    const std::uint32_t iter = hidden("as_completed");
    const std::uint32_t item = hidden("completed");
    emit(Op::kMakeList, s.at, static_cast<std::uint32_t>(p_.gathers.size() - 1), kNone, local_var(iter));
    const std::uint32_t top = here();
    const std::uint32_t next = emit(Op::kAsCompletedNext, s.at, iter, kNone, local_var(item));
    Frame f;
    f.kind = FrameKind::kLoop;
    f.handler_depth = handlers_.size();
    f.exc_depth = exc_depth_;
    f.continue_target = top;
    frames_.push_back(std::move(f));
    // Awaiting the finished task gives its result or raises its exception.
    emit(Op::kAwait, s.at, slot_expr(item, "the finished task"), kNone, var_or_none(s.as, s.at));
    compile_steps(s.body);
    Frame done = std::move(frames_.back());
    frames_.pop_back();
    emit(Op::kJump, s.at, top);
    patch_b(next, here());
    for (std::uint32_t p : done.break_patches) patch_a(p, here());
  }

  const ProgramAst& ast_;
  Program& p_;
  std::unordered_map<std::string, std::uint32_t> shared_;
  std::unordered_map<std::string, std::uint32_t> sync_;
  std::vector<const FunctionDef*> defs_;
  std::unordered_map<std::string, std::uint32_t> function_index_;  // see find_function
  std::vector<FunctionDef> synthesized_;
  std::vector<std::size_t> synth_index_;
  std::uint32_t current_ = 0;
  std::vector<Scope> scopes_;
  std::vector<std::string> call_stack_;
  std::vector<Frame> frames_;
  // The handler stack holds slot numbers: a try's handler address is known
  // only after its body is emitted, so instructions record the slot and
  // resolve_handlers() fills in addresses at the end.
  std::vector<std::uint32_t> handlers_;
  std::vector<Handler> slots_;
  std::vector<std::uint32_t> slot_of_;
  std::uint32_t exc_depth_ = 0;
  std::uint32_t finally_depth_ = 0;  // inside a finally body, on any path

 public:
  void resolve_handlers() {
    p_.handlers.clear();
    for (std::uint32_t s : slot_of_) p_.handlers.push_back(s == kNone ? Handler{} : slots_[s]);
  }
};

}  // namespace

bool compile_program(const ProgramAst& ast, Program* out, CompileError* error) {
  Program p;
  try {
    Compiler c(ast, p);
    c.run();
    c.resolve_handlers();
  } catch (const CompileFailure& f) {
    if (error != nullptr) *error = f.error;
    return false;
  }
  *out = std::move(p);
  return true;
}

}  // namespace concsim::models
