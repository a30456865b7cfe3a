// ThreadModel: locks, semaphores, events and queues shared by threads.
//
// Each object owns its FIFO wait queues. Hand-offs are direct and FIFO, as
// the kernel's futex queues are in the common case: a release gives the unit
// to the longest waiter (it does not go back to the pool for a newcomer to
// take), a put hands its item to the longest waiting getter, and a get makes
// room for the longest waiting putter. A waiter that was cancelled meanwhile
// has a newer generation and is skipped. The woken thread pays the profile's
// wake-up latency before it is runnable.
#include "models/threads/thread_model.h"
#include "sim/check.h"

namespace concsim::models {

// The first waiter still blocked where it queued, removed; kNoThread if none.
std::uint32_t ThreadModel::pop_live(std::deque<WaitRef>& q) {
  while (!q.empty()) {
    const WaitRef r = q.front();
    q.pop_front();
    const KThread& t = kthreads_[r.thread];
    if (t.sched == Sched::kBlocked && t.gen == r.gen) return r.thread;
  }
  return kNoThread;
}

void ThreadModel::wait_on(int core, std::uint32_t id, std::deque<WaitRef>& q, Wait wait, std::uint32_t obj) {
  q.push_back(WaitRef{id, kthreads_[id].gen});
  threads_[id].op_a = obj;
  block(core, id, wait, SpanKind::kWaiting);
}

bool ThreadModel::sync_request(int core, std::uint32_t id, Request& req, Resume* next) {
  using K = Request::Kind;
  SyncState& s = sync_[req.object];
  const std::string& name = program_.sync[req.object].name;
  switch (req.kind) {
    case K::kAcquire: {
      // Waiters that were cancelled leave stale entries at the front.
      while (!s.waiters.empty()) {
        const KThread& t = kthreads_[s.waiters.front().thread];
        if (t.sched == Sched::kBlocked && t.gen == s.waiters.front().gen) break;
        s.waiters.pop_front();
      }
      if (s.value > 0 && s.waiters.empty()) {
        s.value -= 1;
        *next = Resume::with(Value::boolean(true));
        return true;
      }
      if (take_cancel(id, next)) return true;
      if (tracing()) trace(id, "acquire " + name + " (waits)");
      wait_on(core, id, s.waiters, Wait::kAcquire, req.object);
      return false;
    }
    case K::kRelease: {
      if (s.kind == SyncKind::kLock && s.value > 0) {
        *next = Resume::raise(exception("RuntimeError", "release unlocked lock"));
        return true;
      }
      if (s.kind == SyncKind::kBoundedSemaphore && s.value >= s.initial) {
        *next = Resume::raise(exception("ValueError", "Semaphore released too many times"));
        return true;
      }
      const std::uint32_t w = pop_live(s.waiters);
      if (w != kNoThread) {
        if (tracing()) trace(id, "release " + name + " to " + task_name(w));
        wake(w, Resume::with(Value::boolean(true)));
      } else {
        s.value += 1;
      }
      *next = Resume::with(Value::null());
      return true;
    }
    case K::kEventSet: {
      s.value = 1;
      // Every waiter, in the order they began to wait.
      std::deque<WaitRef> waiters;
      waiters.swap(s.waiters);
      for (std::uint32_t w = pop_live(waiters); w != kNoThread; w = pop_live(waiters)) {
        wake(w, Resume::with(Value::boolean(true)));
      }
      *next = Resume::with(Value::null());
      return true;
    }
    case K::kEventClear:
      s.value = 0;
      *next = Resume::with(Value::null());
      return true;
    case K::kEventWait:
      if (s.value != 0) {
        *next = Resume::with(Value::boolean(true));
        return true;
      }
      if (take_cancel(id, next)) return true;
      wait_on(core, id, s.waiters, Wait::kEventWait, req.object);
      return false;
    case K::kQueuePut: {
      const std::uint32_t getter = pop_live(s.waiters);
      if (getter != kNoThread) {
        s.unfinished += 1;
        wake(getter, Resume::with(req.value));
        *next = Resume::with(Value::null());
        return true;
      }
      if (s.initial == 0 || static_cast<std::int64_t>(s.items.size()) < s.initial) {
        s.items.push_back(req.value);
        s.unfinished += 1;
        *next = Resume::with(Value::null());
        return true;
      }
      if (take_cancel(id, next)) return true;
      threads_[id].result = req.value;  // the item, kept while waiting for room
      wait_on(core, id, s.putters, Wait::kQueuePut, req.object);
      return false;
    }
    case K::kQueueGet: {
      if (!s.items.empty()) {
        const Value item = s.items.front();
        s.items.pop_front();
        const std::uint32_t putter = pop_live(s.putters);
        if (putter != kNoThread) {
          s.items.push_back(threads_[putter].result);
          s.unfinished += 1;
          threads_[putter].result = Value::null();
          wake(putter, Resume::with(Value::null()));
        }
        *next = Resume::with(item);
        return true;
      }
      if (take_cancel(id, next)) return true;
      wait_on(core, id, s.waiters, Wait::kQueueGet, req.object);
      return false;
    }
    case K::kQueueTaskDone:
      if (s.unfinished <= 0) {
        *next = Resume::raise(exception("ValueError", "task_done() called too many times"));
        return true;
      }
      if (--s.unfinished == 0) {
        std::deque<WaitRef> joiners;
        joiners.swap(s.joiners);
        for (std::uint32_t w = pop_live(joiners); w != kNoThread; w = pop_live(joiners)) {
          wake(w, Resume::with(Value::null()));
        }
      }
      *next = Resume::with(Value::null());
      return true;
    case K::kQueueJoin:
      if (s.unfinished == 0) {
        *next = Resume::with(Value::null());
        return true;
      }
      if (take_cancel(id, next)) return true;
      wait_on(core, id, s.joiners, Wait::kQueueJoin, req.object);
      return false;
    default:
      CONCSIM_CHECK(false, "not a synchronisation request");
      return false;
  }
}

}  // namespace concsim::models
