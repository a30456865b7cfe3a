// ThreadModel: carrying out what a thread's step asks for (cpu, system
// calls, yield, spawn, exit), timers, and cancellation at blocking points.
// Joins are in thread_joins.cc, synchronisation in thread_sync.cc.
#include <algorithm>

#include "models/threads/thread_model.h"
#include "sim/check.h"

namespace concsim::models {

bool ThreadModel::take_cancel(std::uint32_t thread, Resume* next) {
  Thread& t = threads_[thread];
  if (!t.cancel_requested) return false;
  t.cancel_requested = false;
  if (tracing()) trace(thread, "CancelledError raised");
  *next = Resume::raise(exception("CancelledError", ""));
  return true;
}

bool ThreadModel::request_cancel(std::uint32_t target) {
  Thread& t = threads_[target];
  if (kthreads_[target].end >= 0) return false;
  if (kthreads_[target].sched != Sched::kBlocked) {
    t.cancel_requested = true;  // delivered at its next blocking point
    return true;
  }
  // Blocked: this is its blocking point. A wait_for passes the cancellation
  // on to the thread it waits for, as asyncio's does.
  if (t.wait == Wait::kWaitFor) request_cancel(t.op_a);
  if (tracing()) trace(target, "CancelledError raised");
  wake(target, Resume::raise(exception("CancelledError", "")));
  return true;
}


bool ThreadModel::handle(int core, std::uint32_t id, Request& req, Resume* next) {
  using K = Request::Kind;
  switch (req.kind) {
    case K::kLog:
      trace(id, "log: " + req.text);
      *next = Resume::with(Value::null());
      return true;
    case K::kCpu:
      if (req.duration == 0) {
        *next = Resume::with(Value::null());
        return true;
      }
      if (compute_step(id)) {
        std::string detail = runaway_detail("thread " + task_name(id), koptions_.compute_budget, "blocking");
        trace(id, "stopped: " + detail);
        end_run(std::move(detail));
        return false;
      }
      if (tracing()) trace(id, "cpu " + sim::format_duration(req.duration));
      if (swapping_) {
        sim::Duration slowed = 0;
        if (!sim::checked_mul(req.duration, sched_.slowdown(), &slowed)) slowed = sim::kTimeMax / 4;
        cpu(core, id, slowed, BurstKind::kSlowed, After::kResume);
      } else {
        cpu(core, id, req.duration, BurstKind::kUseful, After::kResume);
      }
      return false;
    case K::kArrive:
      // The connection's thread blocks reading its client's next request,
      // unless the server has stopped taking requests.
      {
        const sim::Time base = req.has_timeout ? req.value.bits : sim_.now();
        const sim::Duration wait = requests_.arriving(id, sim_.now(), base, req.duration);
        if (wait < 0) {
          *next = Resume::with(Value::boolean(true));
          return true;
        }
        req.duration = wait;
        req.has_timeout = false;
      }
      req.kind = K::kIo;
      return handle(core, id, req, next);
    case K::kRequestDone:
      requests_.done(id, sim_.now(), req.flag);
      *next = Resume::with(Value::null());
      return true;
    case K::kSleep:
    case K::kIo:
    case K::kBlock: {
      if (req.duration == 0) {
        if (req.kind != K::kSleep) {
          *next = Resume::with(Value::null());  // a read that returns at once
          return true;
        }
        // time.sleep(0) gives the core up like sched_yield.
        req.kind = K::kYield;
        return handle(core, id, req, next);
      }
      if (take_cancel(id, next)) return true;
      if (tracing()) {
        const char* what = req.kind == K::kSleep ? "sleep " : req.kind == K::kIo ? "io " : "block ";
        trace(id, what + sim::format_duration(req.duration));
      }
      threads_[id].wait = Wait::kSleep;
      sleep_in_syscall(core, id, req.duration, req.kind == K::kBlock ? SpanKind::kBlocked : SpanKind::kWaiting);
      return false;
    }
    case K::kYield:
      threads_[id].resume = Value::null();
      threads_[id].resume_raises = false;
      if (!yield(core)) {
        *next = Resume::with(Value::null());  // nobody waits: sched_yield returns at once
        return true;
      }
      return false;
    case K::kSpawn:
    case K::kExecutor:
      return spawn(core, id, req, req.kind == K::kExecutor, next);
    case K::kAwait:
    case K::kGather:
    case K::kWait:
    case K::kAsCompletedNext:
    case K::kWaitFor:
    case K::kCancel:
      return join_request(core, id, req, next);
    case K::kAcquire:
    case K::kRelease:
    case K::kEventSet:
    case K::kEventClear:
    case K::kEventWait:
    case K::kQueuePut:
    case K::kQueueGet:
    case K::kQueueTaskDone:
    case K::kQueueJoin:
      return sync_request(core, id, req, next);
    case K::kFinished: {
      Thread& t = threads_[id];
      t.result = req.value;
      t.exit_failed = req.flag;
      if (profile_.thread_exit > 0) {
        cpu(core, id, profile_.thread_exit, BurstKind::kSystem, After::kExit);
      } else {
        exit_thread(core, id);
      }
      return false;
    }
    case K::kRunaway: {
      trace(id, "stopped: no blocking step in " + std::to_string(options_.step_budget) + " steps");
      std::string detail = "thread ";
      detail += task_name(id);
      detail += " ran ";
      detail += std::to_string(options_.step_budget);
      detail += " instructions without a pause (an endless loop?)";
      end_run(std::move(detail));
      return false;
    }
  }
  return false;
}

void ThreadModel::on_timeout(std::uint32_t id) {
  Thread& t = threads_[id];
  if (kthreads_[id].sleeping) {
    wake(id, Resume::with(Value::null()));
    return;
  }
  switch (t.wait) {
    case Wait::kWait:
      wake(id, Resume::with(done_and_pending(t.op_a)));
      return;
    case Wait::kWaitFor:
      // Timed out: ask the thread to cancel and wait until it has finished.
      t.wait = Wait::kWaitForCancel;
      if (tracing()) trace(id, "wait_for timed out: cancel " + task_name(t.op_a));
      request_cancel(t.op_a);
      return;
    default:
      return;
  }
}

// ------------------------------------------------------ spawning, exiting ----

std::uint32_t ThreadModel::new_thread(std::uint32_t function, const std::vector<Value>& args,
                                      std::string_view name, bool executor, sim::RandomStream rng) {
  const std::uint32_t id = add_thread();
  threads_.emplace_back();
  Thread& t = threads_.back();
  interp_.init_task(t.core, function, args, rng);
  t.name = executor ? store_.intern("executor:" + std::string(name)) : store_.intern(name);
  t.watchers = kNoWatch;
  t.is_executor = executor;
  if (tracing()) trace(id, "created");
  return id;
}

bool ThreadModel::spawn(int core, std::uint32_t id, const Request& req, bool executor, Resume* next) {
  const LimitKind limit = admit_check();
  if (limit != LimitKind::kNone && koptions_.on_limit == OnThreadLimit::kRefuse) {
    ++stats_.refused;
    if (tracing()) trace(id, std::string("can't start new thread: ") + to_string(limit) + " limit");
    *next = Resume::raise(exception("RuntimeError", "can't start new thread"));
    return true;
  }
  // A spawned thread's stream is split from its parent's; an executor job
  // draws from its submitter's, as the same steps would inline, and hands it
  // back when it is joined (on_joined).
  Thread& parent = threads_[id];
  const sim::RandomStream rng = executor ? parent.core.rng : parent.core.rng.split();
  // Until it is handed back, the submitter holds a stream split off, so that
  // one cancelled while it waits does not draw the job's numbers again.
  if (executor) parent.core.rng = parent.core.rng.split();
  const std::uint32_t child = new_thread(program_.spawns[req.spec].function, req.args, req.text, executor, rng);
  if (tracing()) trace(id, (executor ? "run_in_executor " : "spawn ") + task_name(child));
  threads_[id].child = child;
  threads_[id].then = executor ? Then::kExecutor : Then::kSpawned;
  if (limit != LimitKind::kNone) {
    // Queued: created when a thread exits, paying its own creation then.
    queue_creation(child);
    if (tracing()) trace(child, std::string("queued for creation: ") + to_string(limit) + " limit");
    return finish_spawn(core, id, next);
  }
  if (!create(child)) return false;
  if (profile_.thread_create > 0) {
    cpu(core, id, profile_.thread_create, BurstKind::kSystem, After::kProgram);
    return false;
  }
  return finish_spawn(core, id, next);
}

// The parent has paid for the creation: the child becomes runnable; an
// executor job is then joined.
bool ThreadModel::finish_spawn(int core, std::uint32_t id, Resume* next) {
  Thread& t = threads_[id];
  const std::uint32_t child = t.child;
  const bool executor = t.then == Then::kExecutor;
  t.then = Then::kNone;
  if (kthreads_[child].sched == Sched::kCreating) make_runnable(child, Runnable::kNew);
  if (!executor) {
    *next = Resume::with(Value::task(child));
    return true;
  }
  if (take_cancel(id, next)) return true;
  watch(child, id);
  threads_[id].op_a = child;
  block(core, id, Wait::kAwait, SpanKind::kWaiting);
  return false;
}

void ThreadModel::notify_exit(std::uint32_t id) {
  Thread& t = threads_[id];
  const bool cancelled = t.exit_failed && t.result.kind == ValueKind::kException &&
                         store_.exception_type(t.result) == "CancelledError";
  t.state = cancelled ? TaskState::kCancelled : (t.exit_failed ? TaskState::kFailed : TaskState::kDone);
  t.completion = ++completions_;
  if (tracing()) {
    if (cancelled) {
      trace(id, "cancelled");
    } else if (t.exit_failed) {
      trace(id, "failed: " + store_.format(t.result, this));
    } else {
      trace(id, "done -> " + store_.format(t.result, this, true));
    }
  }
  if (!kthreads_[id].is_main) {
    if (t.state == TaskState::kDone) {
      ++completed_;
      latency_.record(kthreads_[id].end - kthreads_[id].created);
    } else {
      ++failed_;
    }
  }
  notify_watchers(id);
}

void ThreadModel::killed_thread(std::uint32_t id) {
  Thread& t = threads_[id];
  t.state = TaskState::kFailed;
  t.result = exception("Killed", "out of memory: the OOM killer ended the process");
}

}  // namespace concsim::models
