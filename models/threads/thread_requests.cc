// ThreadModel: carrying out what a thread's step asks for (cpu, system
// calls, yield, exit), timers, and cancellation at blocking points. Joins are
// in thread_joins.cc, synchronisation in thread_sync.cc, spawning in
// thread_lifecycle.cc.
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
  if (t.end >= 0) return false;
  if (t.sched != Sched::kBlocked) {
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
      if (threads_[id].compute.add(options_.compute_budget)) {
        std::string detail = runaway_detail("thread " + task_name(id), options_.compute_budget, "blocking");
        trace(id, "stopped: " + detail);
        end_run(std::move(detail));
        return false;
      }
      if (tracing()) trace(id, "cpu " + sim::format_duration(req.duration));
      if (swapping_) {
        sim::Duration slowed = 0;
        if (!sim::checked_mul(req.duration, sched_.slowdown(), &slowed)) slowed = sim::kTimeMax / 4;
        start_cpu(core, id, slowed, BurstKind::kSlowed, After::kResume);
      } else {
        start_cpu(core, id, req.duration, BurstKind::kUseful, After::kResume);
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
      Thread& t = threads_[id];
      t.block_for = req.duration;
      t.mode = static_cast<std::uint8_t>(req.kind == K::kBlock ? SpanKind::kBlocked : SpanKind::kWaiting);
      if (profile_.syscall > 0) {
        start_cpu(core, id, profile_.syscall, BurstKind::kSystem, After::kBlock);
      } else {
        block_in_syscall(core);
      }
      return false;
    }
    case K::kYield:
      // sched_yield offers the core to the others: a pause, as an await is
      // on the loop (models/runaway.h).
      threads_[id].compute.reset();
      if (!sched_.has_waiting(core)) {
        *next = Resume::with(Value::null());  // nobody waits: sched_yield returns at once
        return true;
      }
      threads_[id].resume = Value::null();
      threads_[id].resume_raises = false;
      preempt(core, true);
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
        start_cpu(core, id, profile_.thread_exit, BurstKind::kSystem, After::kExit);
      } else {
        finish_thread(core, id);
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

// After the system call's cost: the thread blocks for block_for, unless a
// cancellation arrived meanwhile.
void ThreadModel::block_in_syscall(int core) {
  const std::uint32_t id = sched_.core(core).thread;
  Resume next;
  if (take_cancel(id, &next)) {
    run_interpreter(core, next);
    return;
  }
  Thread& t = threads_[id];
  t.timer = sim_.schedule_in(t.block_for, *this, tag(Tag::kTimer, id, t.gen));
  block(core, id, Wait::kSleep, static_cast<SpanKind>(t.mode));
}

void ThreadModel::on_timer(std::uint32_t id, std::uint32_t gen) {
  Thread& t = threads_[id];
  if (t.sched != Sched::kBlocked || (t.gen & 0xFFFFFF) != gen) return;
  t.timer = sim::EventId{};
  switch (t.wait) {
    case Wait::kSleep:
      wake(id, Resume::with(Value::null()));
      return;
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


}  // namespace concsim::models
