// Tasks (asyncio.Task): created, stepped (Task.__step, the program runs
// until its next request), suspended on a future and woken by it
// (Task.__wakeup), finished, cancelled; asyncio.run's shutdown; and the
// dispatch of a task's requests to the file of each concept.
#include "models/loop/steps/event_loop.h"

#include <algorithm>

#include "sim/check.h"

namespace concsim::models {

std::uint32_t EventLoop::create_task(std::uint32_t function, const std::vector<Value>& args,
                                     std::string_view name, sim::RandomStream rng) {
  const auto id = static_cast<std::uint32_t>(tasks_.size());
  CONCSIM_CHECK(id < kJobIdBase, "too many tasks");
  Task& t = tasks_.emplace_back();
  interp_.init_task(t.core, function, args, rng);
  // Names are kept apart, not interned: a million distinct "conn{i}" names
  // would cost a hash-table node each for no lookup.
  t.name = names_.add(name);
  t.created = sim_.now();
  t.future = new_future(FutKind::kTask, id);
  ++live_tasks_;
  peak_tasks_ = std::max(peak_tasks_, live_tasks_ - 1);
  memory_changed();
  recorder_.state(sim_.now(), id, SpanKind::kReady);
  trace(id, "created");
  call_soon(Callback{CbKind::kStep, id, 0, 0});
  return id;
}

// Task.__step as a ready callback: the task's first step, a step after a
// yield, or the CancelledError thrown into it.
void EventLoop::run_step(std::uint32_t task) {
  Task& t = tasks_[task];
  if (t.state == TaskState::kDone || t.state == TaskState::kFailed || t.state == TaskState::kCancelled) return;
  if (t.must_cancel) {
    t.must_cancel = false;
    if (!t.started) {
      // coro.throw() into a coroutine that never ran: it ends at once,
      // before its first statement, so no handler of its body runs.
      t.started = true;
      t.start = sim_.now();
      finish(task, true, exception("CancelledError", ""));
      return;
    }
    step(task, Resume::raise(exception("CancelledError", "")));
    return;
  }
  step(task, tasks_[task].started ? Resume::with(Value::null()) : Resume::start());
}

void EventLoop::step(std::uint32_t task, Resume resume) {
  {
    Task& t = tasks_[task];
    if (!t.started) {
      t.started = true;
      t.start = sim_.now();
      trace(task, "started");
    }
    t.state = TaskState::kRunning;
  }
  // A task that comes back to the loop (from an await, a yield, or its
  // start) starts a new streak of compute steps.
  if (!after_compute_) compute_.reset();
  after_compute_ = false;
  recorder_.state(sim_.now(), task, SpanKind::kRunning);
  Resume r = resume;
  std::uint64_t budget = options_.step_budget;
  for (;;) {
    Request req = interp_.run(tasks_[task].core, r, sim_.now(), budget);
    Resume next;
    if (!handle(task, req, &next)) return;
    r = next;
  }
}

void EventLoop::suspend(std::uint32_t task, FutRef f, PendingOp op) {
  Task& t = tasks_[task];
  t.waiter = f;
  t.op = op;
  t.state = TaskState::kPending;
  Future* fut = get(f);
  if (fut->kind == FutKind::kPlain) fut->owner = task;
  add_done_callback(f, Callback{CbKind::kWakeup, task, f.index, f.gen});
  recorder_.state(sim_.now(), task, SpanKind::kWaiting);
  // A cancel() that found no future to cancel (the task was running) takes
  // effect at this await: the future is cancelled at once.
  if (t.must_cancel && cancel_future(f)) t.must_cancel = false;
}

// The dispatch of a task's requests (what its program asks of the loop when
// it stops), each to the file of its concept.
bool EventLoop::handle(std::uint32_t task, Request& req, Resume* next) {
  using K = Request::Kind;
  switch (req.kind) {
    case K::kLog:
    case K::kSpawn:
    case K::kYield:
    case K::kAwait:
    case K::kCancel:
    case K::kFinished:
    case K::kRunaway:
      return handle_task_request(task, req, next);
    case K::kCpu:
    case K::kBlock:
      return handle_compute(task, req, next);
    case K::kSleep:
    case K::kIo:
    case K::kArrive:
    case K::kRequestDone:
      return handle_sleep_io(task, req, next);
    case K::kGather:
    case K::kWait:
    case K::kAsCompletedNext:
    case K::kWaitFor:
      return handle_gather_wait(task, req, next);
    case K::kAcquire:
    case K::kRelease:
    case K::kEventSet:
    case K::kEventClear:
    case K::kEventWait:
    case K::kQueuePut:
    case K::kQueueGet:
    case K::kQueueTaskDone:
    case K::kQueueJoin:
      return handle_sync(task, req, next);
    case K::kExecutor:
      return handle_executor(task, req, next);
  }
  return false;
}

bool EventLoop::handle_task_request(std::uint32_t task, Request& req, Resume* next) {
  using K = Request::Kind;
  switch (req.kind) {
    case K::kLog:
      trace(task, [&] { return "log: " + req.text; });
      *next = Resume::with(Value::null());
      return true;
    case K::kSpawn: {
      const std::uint32_t child =
          create_task(program_.spawns[req.spec].function, req.args, req.text, tasks_[task].core.rng.split());
      *next = Resume::with(Value::task(child));
      return true;
    }
    case K::kYield:
      yield_task(task);
      return false;
    case K::kAwait: {
      const std::uint32_t other = req.value.index();
      if (other == task) {
        *next = Resume::raise(exception("RuntimeError", "a task cannot await itself"));
        return true;
      }
      const Task& o = tasks_[other];
      if (o.state == TaskState::kDone || o.state == TaskState::kFailed || o.state == TaskState::kCancelled) {
        *next = task_outcome(o);
        return true;
      }
      trace(task, [&] { return "await " + task_name(other); });
      suspend(task, o.future, PendingOp::kFuture);
      return false;
    }
    case K::kCancel: {
      bool any = false;
      std::vector<Value> targets;
      if (req.value.kind == ValueKind::kList) {
        targets = store_.list(req.value.index());
      } else {
        targets.push_back(req.value);
      }
      for (Value v : targets) {
        if (v.kind != ValueKind::kTask) continue;
        trace(task, [&] { return "cancel " + task_name(v.index()); });
        any = cancel_task(v.index()) || any;
      }
      *next = Resume::with(Value::boolean(any));
      return true;
    }
    case K::kFinished:
      finish(task, req.flag, req.value);
      return false;
    case K::kRunaway:
      stop_runaway(task, "task " + task_name(task) + " ran " + std::to_string(options_.step_budget) +
                             " instructions without awaiting (an endless loop?)");
      return false;
    default:
      break;
  }
  CONCSIM_CHECK(false, "not a task request");
  return false;
}

// asyncio.sleep(0) and a yield: the task's next step is queued behind
// everything already ready, without a future.
void EventLoop::yield_task(std::uint32_t task) {
  trace(task, "yield");
  tasks_[task].state = TaskState::kPending;
  recorder_.state(sim_.now(), task, SpanKind::kReady);
  call_soon(Callback{CbKind::kStep, task, 0, 0});
}

void EventLoop::stop_runaway(std::uint32_t task, const std::string& detail) {
  trace(task, [&] { return "stopped: " + detail; });
  sim_.stop(detail);
  finished_ = true;
  finish_time_ = sim_.now();
}

Resume EventLoop::task_outcome(const Task& t) {
  if (t.state == TaskState::kCancelled) return Resume::raise(exception("CancelledError", ""));
  if (t.state == TaskState::kFailed) return Resume::raise(t.result());
  return Resume::with(t.result());
}

void EventLoop::wakeup(std::uint32_t task, FutRef f) {
  Task& t = tasks_[task];
  if (t.waiter.index != f.index || t.waiter.gen != f.gen) return;  // a stale wake-up
  t.waiter = FutRef{};
  Resume r = outcome_of(f);
  const Future* fut = get(f);
  const bool granted = fut->state == FutState::kDone && !fut->exception;
  if (t.must_cancel) {
    // cancel() arrived after the future finished but before this step: the
    // task sees CancelledError instead of the result (Task.__step).
    t.must_cancel = false;
    r = Resume::raise(exception("CancelledError", ""));
  }
  const PendingOp op = t.op;
  t.op = PendingOp::kNone;
  const std::uint32_t a = t.op_a;
  free_future(f);
  const bool raised = r.kind == Resume::Kind::kException;
  if (raised && store_.exception_type(r.value) == "CancelledError") trace(task, "CancelledError raised");
  switch (op) {
    case PendingOp::kNone:
    case PendingOp::kFuture:
    case PendingOp::kEventWait:
    case PendingOp::kQueueJoin:
      step(task, r);
      return;
    case PendingOp::kWait:
    case PendingOp::kAsCompleted:
    case PendingOp::kWaitFor:
    case PendingOp::kWaitForCancel:
    case PendingOp::kWaitForCancelled:
      resume_gather_wait(task, op, a, f, r);
      return;
    case PendingOp::kAcquire:
    case PendingOp::kQueueGet:
    case PendingOp::kQueuePut:
      resume_sync(task, op, a, r, granted);
      return;
  }
}

void EventLoop::finish(std::uint32_t task, bool failed, Value v) {
  Task& t = tasks_[task];
  const bool cancelled = failed && v.kind == ValueKind::kException && store_.exception_type(v) == "CancelledError";
  t.state = cancelled ? TaskState::kCancelled : (failed ? TaskState::kFailed : TaskState::kDone);
  t.set_result(v);
  t.end = sim_.now();
  t.completion = static_cast<std::uint32_t>(++completions_);
  t.waiter = FutRef{};
  interp_.release(t.core);  // its locals: nothing runs or reads them any more
  --live_tasks_;
  if (!t.is_main) {
    if (failed) {
      ++failed_;
    } else {
      ++completed_;
      // Room at the first finish for every task created so far: a server's
      // connections all finish at the end of the run, its peak, where a
      // doubling vector would hold up to twice their samples.
      if (latencies_.count() == 0) latencies_.reserve(tasks_.size());
      latencies_.record(t.end - t.created);
    }
  }
  recorder_.close(sim_.now(), task);
  if (cancelled) {
    trace(task, "cancelled");
  } else if (failed) {
    trace(task, [&] { return "failed: " + store_.format(v, this); });
  } else {
    trace(task, [&] { return "done -> " + store_.format(v, this, true); });
  }
  if (cancelled) {
    futures_[t.future.index].state = FutState::kCancelled;
    schedule_callbacks(t.future.index);
  } else if (failed) {
    set_exception(t.future, v);
  } else {
    set_result(t.future, v);
  }
  if (t.is_main) {
    // run_until_complete's done callback stops the loop: it runs on a later
    // turn, and the loop finishes the iteration it runs in before asyncio.run
    // cancels what is left.
    call_soon(Callback{CbKind::kMainDone, task, 0, 0});
  } else if (shutting_down_) {
    on_main_finished();
  }
}

void EventLoop::on_main_finished() {
  if (!shutting_down_) {
    shutting_down_ = true;
    // asyncio.run cancels what is still running, in creation order here
    // (asyncio walks a WeakSet, whose order follows memory addresses).
    for (std::uint32_t i = 0; i < tasks_.size(); ++i) {
      if (tasks_[i].end < 0) {
        trace(main_, [&] { return "asyncio.run: cancel " + task_name(i); });
        cancel_task(i);
      }
    }
  }
  // Counted, not scanned: this runs each time a task finishes while
  // shutting down.
  if (live_tasks_ > 0 || jobs_running_ > 0 || !job_queue_.empty()) return;  // the executor's shutdown waits for its jobs
  finished_ = true;
  finish_time_ = sim_.now();
  recorder_.line(sim_.now(), Recorder::kNoTask, "asyncio.run returns");
  if (options_.stop_when_done) sim_.stop(kFinishedDetail);
}

bool EventLoop::cancel_task(std::uint32_t task) {
  Task& t = tasks_[task];
  if (t.end >= 0) return false;
  if (t.waiter.valid() && cancel_future(t.waiter)) return true;
  t.must_cancel = true;
  return true;
}

}  // namespace concsim::models
