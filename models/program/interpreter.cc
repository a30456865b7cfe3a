#include "models/program/interpreter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "sim/check.h"

namespace concsim::models {

const char* to_string(TaskState s) {
  switch (s) {
    case TaskState::kPending: return "pending";
    case TaskState::kRunning: return "running";
    case TaskState::kDone: return "done";
    case TaskState::kFailed: return "failed";
    case TaskState::kCancelled: return "cancelled";
  }
  return "?";
}

Value* LocalsPool::allocate(std::uint32_t n) {
  if (n == 0) return nullptr;
  if (n < free_.size() && free_[n] != nullptr) {
    Value* p = free_[n];
    free_[n] = reinterpret_cast<Value*>(static_cast<std::uintptr_t>(p[0].bits));
    return p;
  }
  if (n > kBlock) {
    oversize_.push_back(std::make_unique<Value[]>(n));
    return oversize_.back().get();
  }
  if (block_ == nullptr || kBlock - used_ < n) {
    block_ = static_cast<Value*>(arena_.allocate());
    std::uninitialized_value_construct_n(block_, kBlock);
    used_ = 0;
  }
  Value* p = block_ + used_;
  used_ += n;
  return p;
}

void LocalsPool::release(Value* p, std::uint32_t n) {
  if (p == nullptr || n == 0) return;
  if (free_.size() <= n) free_.resize(static_cast<std::size_t>(n) + 1, nullptr);
  p[0] = Value{ValueKind::kNull, static_cast<std::int64_t>(reinterpret_cast<std::uintptr_t>(free_[n]))};
  free_[n] = p;
}

void LocalsPool::clear() {
  arena_.release();
  oversize_.clear();
  block_ = nullptr;
  used_ = 0;
  free_.clear();
}

void Interpreter::release(TaskCore& task) {
  locals_.release(task.locals, p_.functions[task.function].num_locals);
  task.locals = nullptr;
}

void Interpreter::init_task(TaskCore& task, std::uint32_t function, const std::vector<Value>& args,
                            sim::RandomStream rng) {
  const Function& fn = p_.functions[function];
  CONCSIM_CHECK(args.size() == fn.num_params, "argument count differs from the parameter count");
  if (task.locals != nullptr) release(task);
  task.function = function;
  task.pc = fn.entry;
  task.locals = locals_.allocate(fn.num_locals);
  for (std::uint32_t i = 0; i < fn.num_locals; ++i) {
    task.locals[i] = i < args.size() ? args[i] : Value::unset();
  }
  task.exc_stack.clear();
  task.rng = rng;
}

void Interpreter::set_stream_seed(std::uint64_t seed) {
  stream_bases_.clear();
  for (const Instr& in : p_.code) {
    if (in.op != Op::kStream) continue;
    if (stream_bases_.size() <= in.a) stream_bases_.resize(static_cast<std::size_t>(in.a) + 1);
    stream_bases_[in.a] = sim::RandomStream::derive(seed, p_.constants.str(in.a));
  }
}

void Interpreter::store_var(TaskCore& task, std::uint32_t var, Value v) {
  if (var == kNone) return;
  if ((var & kSharedBit) != 0) {
    shared_[var & ~kSharedBit] = v;
  } else {
    task.locals[var] = v;
  }
}

std::uint32_t Interpreter::log_raise(const TaskCore& task, Value exc) {
  if (log_ == nullptr || exc.kind != ValueKind::kException) return ExceptionLog::kUnlisted;
  const ExceptionObject& e = store_.exception(exc.index());
  if (e.log_entry != ExceptionObject::kNotLogged) return e.log_entry;
  const std::string message = e.message.kind == ValueKind::kNull ? std::string() : store_.format(e.message, namer_);
  const SourceRef& at = where(task);
  const std::uint32_t entry = log_->raised(store_.str(e.type), message, at.line, at.column, at.path, now_);
  store_.set_log_entry(exc.index(), entry);
  return entry;
}

// Returns false when the exception leaves the function: *finished then holds
// the task's final request.
bool Interpreter::raise(TaskCore& task, Value exc, Request* finished) {
  const std::uint32_t entry = log_raise(task, exc);
  const Handler& h = p_.handlers[task.pc];
  if (h.pc == kNone) {
    if (log_ != nullptr) log_->task_failed(entry);
    task.exc_stack.clear();
    finished->kind = Request::Kind::kFinished;
    finished->flag = true;
    finished->value = exc;
    return false;
  }
  task.exc_stack.resize(h.depth);
  task.exc_stack.push_back(exc);
  task.pc = h.pc;
  return true;
}

sim::Duration Interpreter::sample_duration(TaskCore& task, std::uint32_t index, Value* exc) {
  const DurationSpec& d = p_.durations[index];
  switch (d.kind) {
    case DurationSpec::Kind::kConstant:
      return d.constant;
    case DurationSpec::Kind::kDistribution: {
      const double x = d.distribution.sample(task.rng);
      if (!(x > 0)) return 0;  // also maps NaN to 0
      if (x >= 9.2e18) return sim::kTimeMax;
      return static_cast<sim::Duration>(std::nearbyint(x));
    }
    case DurationSpec::Kind::kExpression: {
      Value v;
      if (!eval_expr(p_.exprs[p_.duration_exprs[index]], context(task), &v, exc)) return -1;
      if (v.kind != ValueKind::kDuration) {
        *exc = store_.make_exception("TypeError", "expected a duration from \"" + d.expression + "\"");
        return -1;
      }
      if (v.bits < 0) {
        *exc = store_.make_exception("ValueError", "negative duration from \"" + d.expression + "\"");
        return -1;
      }
      return v.bits;
    }
  }
  return 0;
}

Request Interpreter::run(TaskCore& task, const Resume& resume, sim::Time now, std::uint64_t& budget) {
  now_ = now;
  Request req;
  if (budget == 0) {
    req.kind = Request::Kind::kRunaway;
    return req;
  }
  --budget;  // the request that brought the task here
  // Deliver the outcome of the instruction the task stopped at.
  switch (resume.kind) {
    case Resume::Kind::kStart:
      break;
    case Resume::Kind::kException:
      if (!raise(task, resume.value, &req)) return req;
      break;
    case Resume::Kind::kValue: {
      const Instr& at = p_.code[task.pc];
      if (at.op == Op::kWait) {
        const WaitSpec& w = p_.waits[at.a];
        const auto& both = store_.list(resume.value.index());
        store_var(task, w.done, both[0]);
        store_var(task, w.pending, both[1]);
      } else if (at.op == Op::kAsCompletedNext) {
        // Take the finished task out of the iterator's list.
        const Value finished = resume.value;
        std::vector<Value> rest;
        for (Value t : store_.list(task.locals[at.a].index())) {
          if (!(t.kind == finished.kind && t.bits == finished.bits)) rest.push_back(t);
        }
        task.locals[at.a] = Value::list(store_.add_list(std::move(rest)));
        store_var(task, at.c, finished);
      } else {
        store_var(task, at.c, resume.value);
      }
      ++task.pc;
      break;
    }
  }

  Value exc;
  // One context for the whole run: the task's locals and the time stay put.
  const EvalContext ctx = context(task);
  auto eval = [&](std::uint32_t e, Value* out) { return eval_expr(p_.exprs[e], ctx, out, &exc); };
  for (; budget > 0; --budget) {
    const Instr& in = p_.code[task.pc];
    bool ok = true;
    switch (in.op) {
      case Op::kCpu:
      case Op::kBlock:
      case Op::kSleep:
      case Op::kIo: {
        const sim::Duration d = sample_duration(task, in.a, &exc);
        if (d < 0) {
          ok = false;
          break;
        }
        req.kind = in.op == Op::kCpu     ? Request::Kind::kCpu
                   : in.op == Op::kBlock ? Request::Kind::kBlock
                   : in.op == Op::kSleep ? Request::Kind::kSleep
                                         : Request::Kind::kIo;
        req.duration = d;
        return req;
      }
      case Op::kYield:
        req.kind = Request::Kind::kYield;
        return req;
      case Op::kArrive: {
        const sim::Duration d = sample_duration(task, in.a, &exc);
        if (d < 0) {
          ok = false;
          break;
        }
        req.kind = Request::Kind::kArrive;
        req.duration = d;
        if (in.b != kNone) {
          // The request is due `d` after a base time, not after now.
          if (!eval(in.b, &req.value)) {
            ok = false;
            break;
          }
          req.has_timeout = true;
        }
        return req;
      }
      case Op::kDraw: {
        // A sample from the task's own stream, stored without a wait: the
        // runtime is not involved.
        const sim::Duration d = sample_duration(task, in.a, &exc);
        if (d < 0) {
          ok = false;
          break;
        }
        store_var(task, in.c, Value::duration(d));
        ++task.pc;
        continue;
      }
      case Op::kStream: {
        Value index;
        if (!eval(in.b, &index)) {
          ok = false;
          break;
        }
        if (index.kind != ValueKind::kInt) {
          exc = store_.make_exception("TypeError", "a stream index must be an integer");
          ok = false;
          break;
        }
        task.rng = stream_bases_[in.a].indexed(static_cast<std::uint64_t>(index.bits));
        ++task.pc;
        continue;
      }
      case Op::kRequestDone:
        req.kind = Request::Kind::kRequestDone;
        req.flag = in.a == 1;
        // A failed request's handler raised the exception being handled.
        if (req.flag && log_ != nullptr && !task.exc_stack.empty()) {
          log_->request_failed(log_raise(task, task.exc_stack.back()));
        }
        return req;
      case Op::kLog:
        if (!eval_template(p_.templates[in.a], context(task), &req.text, &exc)) {
          ok = false;
          break;
        }
        req.kind = Request::Kind::kLog;
        return req;
      case Op::kSet: {
        Value v;
        if (!eval(in.b, &v)) {
          ok = false;
          break;
        }
        store_var(task, in.a, v);
        ++task.pc;
        continue;
      }
      case Op::kReturn:
      case Op::kEnd: {
        Value v;
        if (in.op == Op::kReturn && in.a != kNone && !eval(in.a, &v)) {
          ok = false;
          break;
        }
        req.kind = Request::Kind::kFinished;
        req.value = v;
        req.flag = false;
        return req;
      }
      case Op::kRaise: {
        Value msg;
        if (in.b != kNone) {
          std::string text;
          if (!eval_template(p_.templates[in.b], context(task), &text, &exc)) {
            ok = false;
            break;
          }
          msg = Value::string(store_.add_string(std::move(text)));
        }
        exc = Value::exception(store_.add_exception(in.a, msg));
        ok = false;
        break;
      }
      case Op::kReraise:
        if (task.exc_stack.empty()) {
          // A bare raise in a finally reached normally, as in Python.
          exc = store_.make_exception("RuntimeError", "No active exception to reraise");
        } else {
          exc = task.exc_stack.back();
          task.exc_stack.pop_back();
        }
        ok = false;
        break;
      case Op::kPopExcept:
        CONCSIM_CHECK(!task.exc_stack.empty());
        task.exc_stack.pop_back();
        ++task.pc;
        continue;
      case Op::kExceptMatch: {
        CONCSIM_CHECK(!task.exc_stack.empty());
        const std::uint32_t type = store_.exception(task.exc_stack.back().index()).type;
        bool match = false;
        // "Exception" catches everything but CancelledError, which derives
        // from BaseException in Python 3.8 and later.
        const std::string& tname = store_.str(type);
        for (std::uint32_t t : p_.type_lists[in.a]) {
          const std::string& want = store_.str(t);
          match = match || t == type || want == tname || want == "BaseException" ||
                  (want == "Exception" && tname != "CancelledError");
        }
        task.pc = match ? task.pc + 1 : in.b;
        continue;
      }
      case Op::kStoreExcept:
        store_var(task, in.a, task.exc_stack.back());
        ++task.pc;
        continue;
      case Op::kJump:
        task.pc = in.a;
        continue;
      case Op::kJumpIfFalse: {
        Value v;
        if (!eval(in.a, &v)) {
          ok = false;
          break;
        }
        task.pc = truthy(store_, v) ? task.pc + 1 : in.b;
        continue;
      }
      case Op::kRepeatInit: {
        Value n;
        if (!eval(in.a, &n)) {
          ok = false;
          break;
        }
        if (n.kind != ValueKind::kInt) {
          exc = store_.make_exception("TypeError", "repeat count must be an integer");
          ok = false;
          break;
        }
        task.locals[in.b] = n;
        task.locals[in.b + 1] = Value::integer(0);
        task.pc = n.bits > 0 ? task.pc + 1 : in.c;
        continue;
      }
      case Op::kRepeatNext: {
        Value& index = task.locals[in.a + 1];
        ++index.bits;
        task.pc = index.bits < task.locals[in.a].bits ? in.b : task.pc + 1;
        continue;
      }
      case Op::kMakeList: {
        std::vector<Value> items;
        for (std::uint32_t e : p_.gathers[in.a].tasks) {
          Value v;
          if (!eval(e, &v)) {
            ok = false;
            break;
          }
          if (v.kind == ValueKind::kList) {
            for (Value t : store_.list(v.index())) items.push_back(t);
          } else {
            items.push_back(v);
          }
        }
        if (!ok) break;
        store_var(task, in.c, Value::list(store_.add_list(std::move(items))));
        ++task.pc;
        continue;
      }
      case Op::kListAppend:
        store_.append_in_place(task.locals[in.a].index(), task.locals[in.b]);
        ++task.pc;
        continue;
      case Op::kSpawn:
      case Op::kExecutor: {
        const SpawnSpec& spec = p_.spawns[in.a];
        req.args.clear();
        for (std::uint32_t e : spec.args) {
          Value v;
          if (!eval(e, &v)) {
            ok = false;
            break;
          }
          req.args.push_back(v);
        }
        if (!ok) break;
        if (spec.name != kNone) {
          if (!eval_template(p_.templates[spec.name], context(task), &req.text, &exc)) {
            ok = false;
            break;
          }
        } else {
          req.text = p_.functions[spec.function].name;
        }
        req.kind = in.op == Op::kSpawn ? Request::Kind::kSpawn : Request::Kind::kExecutor;
        req.spec = in.a;
        return req;
      }
      case Op::kAwait:
      case Op::kCancel: {
        if (!eval(in.a, &req.value)) {
          ok = false;
          break;
        }
        const bool list_ok = in.op == Op::kCancel && req.value.kind == ValueKind::kList;
        if (req.value.kind != ValueKind::kTask && !list_ok) {
          exc = store_.make_exception("TypeError", "expected a task from \"" + p_.exprs[in.a].text + "\"");
          ok = false;
          break;
        }
        req.kind = in.op == Op::kAwait ? Request::Kind::kAwait : Request::Kind::kCancel;
        return req;
      }
      case Op::kGather:
      case Op::kWait: {
        const std::vector<std::uint32_t>& exprs =
            in.op == Op::kGather ? p_.gathers[in.a].tasks : p_.waits[in.a].tasks;
        std::vector<Value> tasks;
        // gather(*tasks) of a single list of tasks refers to that list
        // instead of copying it (a list is not changed once another value
        // may refer to it: counted spawns append to a fresh list each time):
        // a server's million connections are then one list, not two.
        Value whole = Value::null();
        for (std::uint32_t e : exprs) {
          Value v;
          if (!eval(e, &v)) {
            ok = false;
            break;
          }
          // A list of tasks stands for its elements, as gather(*tasks) does.
          const bool alias = exprs.size() == 1 && v.kind == ValueKind::kList;
          std::vector<Value> one{v};
          const std::vector<Value>& vs = v.kind == ValueKind::kList ? store_.list(v.index()) : one;
          for (Value t : vs) {
            if (t.kind != ValueKind::kTask) {
              exc = store_.make_exception("TypeError", "expected a task from \"" + p_.exprs[e].text + "\"");
              ok = false;
              break;
            }
            if (!alias) tasks.push_back(t);
          }
          if (!ok) break;
          if (alias) whole = v;
        }
        if (!ok) break;
        req.value = whole.kind == ValueKind::kList ? whole : Value::list(store_.add_list(std::move(tasks)));
        req.spec = in.a;
        if (in.op == Op::kGather) {
          req.kind = Request::Kind::kGather;
          req.flag = p_.gathers[in.a].return_exceptions;
        } else {
          req.kind = Request::Kind::kWait;
          const WaitSpec& w = p_.waits[in.a];
          if (w.timeout != kNone) {
            req.has_timeout = true;
            req.duration = sample_duration(task, w.timeout, &exc);
            if (req.duration < 0) {
              ok = false;
              break;
            }
          }
        }
        return req;
      }
      case Op::kAsCompletedNext: {
        const Value list = task.locals[in.a];
        if (store_.list(list.index()).empty()) {
          task.pc = in.b;
          continue;
        }
        req.kind = Request::Kind::kAsCompletedNext;
        req.value = list;
        return req;
      }
      case Op::kWaitFor: {
        if (!eval(in.a, &req.value)) {
          ok = false;
          break;
        }
        if (req.value.kind != ValueKind::kTask) {
          exc = store_.make_exception("TypeError", "expected a task from \"" + p_.exprs[in.a].text + "\"");
          ok = false;
          break;
        }
        req.duration = sample_duration(task, in.b, &exc);
        if (req.duration < 0) {
          ok = false;
          break;
        }
        req.has_timeout = true;
        req.kind = Request::Kind::kWaitFor;
        return req;
      }
      case Op::kAcquire: req.kind = Request::Kind::kAcquire; req.object = in.a; return req;
      case Op::kRelease: req.kind = Request::Kind::kRelease; req.object = in.a; return req;
      case Op::kEventSet: req.kind = Request::Kind::kEventSet; req.object = in.a; return req;
      case Op::kEventClear: req.kind = Request::Kind::kEventClear; req.object = in.a; return req;
      case Op::kEventWait: req.kind = Request::Kind::kEventWait; req.object = in.a; return req;
      case Op::kQueueTaskDone: req.kind = Request::Kind::kQueueTaskDone; req.object = in.a; return req;
      case Op::kQueueJoin: req.kind = Request::Kind::kQueueJoin; req.object = in.a; return req;
      case Op::kQueueGet: req.kind = Request::Kind::kQueueGet; req.object = in.a; return req;
      case Op::kQueuePut:
        if (!eval(in.b, &req.value)) {
          ok = false;
          break;
        }
        req.kind = Request::Kind::kQueuePut;
        req.object = in.a;
        return req;
    }
    if (!ok && !raise(task, exc, &req)) return req;
  }
  req.kind = Request::Kind::kRunaway;
  return req;
}

std::string Interpreter::describe_wait(const TaskCore& task) const {
  const Instr& in = p_.code[task.pc];
  switch (in.op) {
    case Op::kAcquire: return "acquire " + p_.sync[in.a].name;
    case Op::kEventWait: return "event " + p_.sync[in.a].name;
    case Op::kQueueGet: return "get from queue " + p_.sync[in.a].name;
    case Op::kQueuePut: return "put to queue " + p_.sync[in.a].name;
    case Op::kQueueJoin: return "join queue " + p_.sync[in.a].name;
    case Op::kAwait: return "await " + p_.exprs[in.a].text;
    case Op::kGather: return "gather";
    case Op::kWait: return "wait";
    case Op::kWaitFor: return "wait_for";
    case Op::kAsCompletedNext: return "as_completed";
    case Op::kExecutor: return "run_in_executor";
    case Op::kSleep: return "sleep";
    case Op::kIo: return "io";
    default: return "step " + std::to_string(task.pc);
  }
}

}  // namespace concsim::models
