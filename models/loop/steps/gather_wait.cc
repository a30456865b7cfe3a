// asyncio's functions that await several tasks, or one with a timeout:
// gather (and cancelling its future), wait, wait_for and as_completed. Each
// is a future of its own that done callbacks on the tasks' futures set
// (tasks.py's _done_callback, _on_completion, _release_waiter).
#include "models/loop/steps/event_loop.h"

#include "sim/check.h"

namespace concsim::models {

bool EventLoop::handle_gather_wait(std::uint32_t task, Request& req, Resume* next) {
  using K = Request::Kind;
  switch (req.kind) {
    case K::kGather: {
      const auto g = static_cast<std::uint32_t>(gathers_.size());
      gathers_.emplace_back();
      gathers_[g].children = req.value.index();
      // The list is complete (usually built by appending, one task per
      // connection) and kept until the gather is done: without its spare
      // capacity, as it is the largest list of a server.
      store_.shrink_list(req.value.index());
      gathers_[g].return_exceptions = req.flag;
      gathers_[g].outer = new_future(FutKind::kGather, g);
      // Registering callbacks adds no list, so the reference stays valid.
      const std::vector<Value>& children = store_.list(req.value.index());
      if (children.empty()) {
        // gather() of nothing is a finished future holding [].
        free_future(gathers_[g].outer);
        *next = Resume::with(Value::list(store_.add_list({})));
        return true;
      }
      for (std::uint32_t i = 0; i < children.size(); ++i) {
        add_done_callback(tasks_[children[i].index()].future, Callback{CbKind::kGatherChild, g, i, 0});
      }
      trace(task, [&] { return "gather " + store_.format(req.value, this); });
      suspend(task, gathers_[g].outer, PendingOp::kFuture);
      return false;
    }
    case K::kWait: {
      const std::vector<Value> children = store_.list(req.value.index());
      if (children.empty()) {
        *next = Resume::raise(exception("ValueError", "Set of Tasks/Futures is empty."));
        return true;
      }
      const auto w = static_cast<std::uint32_t>(waits_.size());
      waits_.emplace_back();
      WaitState& ws = waits_[w];
      ws.tasks = children;
      ws.counter = static_cast<std::int64_t>(children.size());
      ws.when = program_.waits[req.spec].return_when;
      ws.waiter = new_future(FutKind::kPlain, task);
      if (req.has_timeout) {
        futures_[ws.waiter.index].timer =
            sim_.schedule_in(req.duration, *this, tag(Tag::kTimer, ws.waiter.index, ws.waiter.gen));
      }
      const FutRef waiter = ws.waiter;
      for (Value c : children) {
        add_done_callback(tasks_[c.index()].future, Callback{CbKind::kWaitCompletion, w, c.index(), 0});
      }
      tasks_[task].op_a = w;
      trace(task, [&] { return "wait " + store_.format(req.value, this) +
                      (req.has_timeout ? " timeout " + sim::format_duration(req.duration) : ""); });
      suspend(task, waiter, PendingOp::kWait);
      return false;
    }
    case K::kAsCompletedNext: {
      const std::vector<Value> rest = store_.list(req.value.index());
      const std::uint32_t best = first_finished(rest);
      if (best != kIdle) {
        *next = Resume::with(Value::task(best));
        return true;
      }
      const FutRef waiter = new_future(FutKind::kPlain, task);
      for (Value c : rest) {
        add_done_callback(tasks_[c.index()].future, Callback{CbKind::kReleaseWaiter, waiter.index, 0, waiter.gen});
      }
      tasks_[task].op_a = req.value.index();
      suspend(task, waiter, PendingOp::kAsCompleted);
      return false;
    }
    case K::kWaitFor: {
      const std::uint32_t inner = req.value.index();
      const Task& o = tasks_[inner];
      if (o.end >= 0) {
        *next = task_outcome(o);
        return true;
      }
      if (req.duration == 0) {
        // timeout <= 0: cancel at once and wait for the task to finish, then
        // raise TimeoutError (asyncio 3.11); a task not yet started never runs.
        const FutRef waiter = new_future(FutKind::kPlain, task);
        add_done_callback(tasks_[inner].future, Callback{CbKind::kReleaseWaiter, waiter.index, 0, waiter.gen});
        cancel_task(inner);
        tasks_[task].op_a = inner;
        suspend(task, waiter, PendingOp::kWaitForCancel);
        return false;
      }
      const FutRef waiter = new_future(FutKind::kPlain, task);
      futures_[waiter.index].timer =
          sim_.schedule_in(req.duration, *this, tag(Tag::kTimer, waiter.index, waiter.gen));
      add_done_callback(tasks_[inner].future, Callback{CbKind::kReleaseWaiter, waiter.index, 0, waiter.gen});
      tasks_[task].op_a = inner;
      trace(task, [&] { return "wait_for " + task_name(inner) + " timeout " + sim::format_duration(req.duration); });
      suspend(task, waiter, PendingOp::kWaitFor);
      return false;
    }
    default:
      break;
  }
  CONCSIM_CHECK(false, "not a gather or wait request");
  return false;
}

// gather's _done_callback: child cb.b of gather cb.a finished.
void EventLoop::on_gather_child(const Callback& cb) {
  GatherState& g = gathers_[cb.a];
  g.finished += 1;
  Future* outer = get(g.outer);
  if (outer == nullptr || outer->state != FutState::kPending) return;
  const std::vector<Value>& children = store_.list(g.children);
  const Task& child = tasks_[children[cb.b].index()];
  if (!g.return_exceptions) {
    if (child.state == TaskState::kCancelled) {
      set_exception(g.outer, exception("CancelledError", ""));
      return;
    }
    if (child.state == TaskState::kFailed) {
      set_exception(g.outer, child.result());
      return;
    }
  }
  if (g.finished == children.size()) {
    std::vector<Value> results;
    results.reserve(children.size());
    for (Value c : children) {
      const Task& t = tasks_[c.index()];
      results.push_back(t.state == TaskState::kCancelled ? store_.gather_cancelled() : t.result());
    }
    if (g.cancel_requested) {
      set_exception(g.outer, exception("CancelledError", ""));
    } else {
      set_result(g.outer, Value::list(store_.add_list(std::move(results))));
    }
  }
}

// wait's _on_completion: task cb.b of wait state cb.a finished.
void EventLoop::on_wait_completion(const Callback& cb) {
  WaitState& w = waits_[cb.a];
  w.counter -= 1;
  const Task& child = tasks_[cb.b];
  const bool first_exc = w.when == ReturnWhen::kFirstException && child.state == TaskState::kFailed;
  if (w.counter <= 0 || w.when == ReturnWhen::kFirstCompleted || first_exc) {
    Future* waiter = get(w.waiter);
    if (waiter != nullptr && waiter->state == FutState::kPending) set_result(w.waiter, Value::null());
  }
}

bool EventLoop::gather_cancel(std::uint32_t gather) {
  GatherState& g = gathers_[gather];
  Future* outer = get(g.outer);
  if (outer == nullptr || outer->state != FutState::kPending) return false;
  bool any = false;
  const std::vector<Value> children = store_.list(g.children);
  for (Value c : children) any = cancel_task(c.index()) || any;
  if (any) gathers_[gather].cancel_requested = true;
  return any;
}

// as_completed's next: the first of `tasks` to finish, or kIdle if none has.
std::uint32_t EventLoop::first_finished(const std::vector<Value>& tasks) const {
  std::uint32_t best = kIdle;
  for (Value c : tasks) {
    const Task& o = tasks_[c.index()];
    if (o.end >= 0 && (best == kIdle || o.completion < tasks_[best].completion)) best = c.index();
  }
  return best;
}

void EventLoop::resume_gather_wait(std::uint32_t task, PendingOp op, std::uint32_t a, FutRef f, Resume r) {
  const bool raised = r.kind == Resume::Kind::kException;
  switch (op) {
    case PendingOp::kWait: {
      WaitState& w = waits_[a];
      for (Value c : w.tasks) remove_done_callback(tasks_[c.index()].future, CbKind::kWaitCompletion, a);
      if (raised) {
        step(task, r);
        return;
      }
      // done and pending in the order the tasks were given (asyncio returns
      // sets, ordered by memory address; concsim keeps argument order).
      std::vector<Value> done;
      std::vector<Value> pending;
      for (Value c : w.tasks) (tasks_[c.index()].end >= 0 ? done : pending).push_back(c);
      const Value both = Value::list(store_.add_list(
          {Value::list(store_.add_list(std::move(done))), Value::list(store_.add_list(std::move(pending)))}));
      step(task, Resume::with(both));
      return;
    }
    case PendingOp::kAsCompleted: {
      const std::vector<Value> rest = store_.list(a);
      for (Value c : rest) remove_done_callback(tasks_[c.index()].future, CbKind::kReleaseWaiter, f.index);
      if (raised) {
        step(task, r);
        return;
      }
      const std::uint32_t best = first_finished(rest);
      CONCSIM_CHECK(best != kIdle, "as_completed woke with nothing finished");
      step(task, Resume::with(Value::task(best)));
      return;
    }
    case PendingOp::kWaitFor: {
      remove_done_callback(tasks_[a].future, CbKind::kReleaseWaiter, f.index);
      const Task& inner = tasks_[a];
      if (inner.end >= 0) {
        step(task, task_outcome(inner));
        return;
      }
      // Timed out, or this task was cancelled: cancel the inner task and wait
      // for it to finish (_cancel_and_wait), then raise.
      const FutRef waiter = new_future(FutKind::kPlain, task);
      add_done_callback(tasks_[a].future, Callback{CbKind::kReleaseWaiter, waiter.index, 0, waiter.gen});
      cancel_task(a);
      tasks_[task].op_a = a;
      suspend(task, waiter, raised ? PendingOp::kWaitForCancelled : PendingOp::kWaitForCancel);
      return;
    }
    case PendingOp::kWaitForCancel:
    case PendingOp::kWaitForCancelled: {
      remove_done_callback(tasks_[a].future, CbKind::kReleaseWaiter, f.index);
      if (raised || op == PendingOp::kWaitForCancelled) {
        step(task, raised ? r : Resume::raise(exception("CancelledError", "")));
        return;
      }
      const Task& inner = tasks_[a];
      if (inner.state == TaskState::kCancelled) {
        trace(task, "TimeoutError raised");
        step(task, Resume::raise(exception("TimeoutError", "")));
      } else {
        step(task, task_outcome(inner));  // the inner task ignored the cancellation
      }
      return;
    }
    default:
      break;
  }
  CONCSIM_CHECK(false, "not a wait of gather, wait, wait_for or as_completed");
}

}  // namespace concsim::models
