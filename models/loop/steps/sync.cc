// Synchronisation (asyncio's locks.py and queues.py): Lock, Semaphore,
// BoundedSemaphore, Event and Queue. Each object owns its FIFO queues of
// waiting futures; a released unit or a put item is handed to the first
// waiter that is still pending.
#include "models/loop/steps/event_loop.h"

#include "sim/check.h"

namespace concsim::models {

// The program's locks, semaphores, events and queues, in their initial state.
void EventLoop::init_sync() {
  for (const SyncObject& o : program_.sync) {
    SyncState s;
    s.kind = o.kind;
    switch (o.kind) {
      case SyncKind::kSemaphore:
      case SyncKind::kBoundedSemaphore: s.value = s.initial = o.value; break;
      case SyncKind::kLock: s.value = s.initial = 1; break;
      case SyncKind::kEvent: s.value = 0; break;
      case SyncKind::kQueue: s.initial = o.value; break;  // maxsize
    }
    sync_.push_back(std::move(s));
  }
}

bool EventLoop::handle_sync(std::uint32_t task, Request& req, Resume* next) {
  using K = Request::Kind;
  switch (req.kind) {
    case K::kAcquire: {
      if (acquire(task, req.object)) {
        *next = Resume::with(Value::boolean(true));
        return true;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      sync_[req.object].waiters.push_back(f);
      tasks_[task].op_a = req.object;
      trace(task, [&] { return "acquire " + program_.sync[req.object].name + " (waits)"; });
      suspend(task, f, PendingOp::kAcquire);
      return false;
    }
    case K::kRelease: {
      const Value err = release(req.object);
      *next = err.kind == ValueKind::kException ? Resume::raise(err) : Resume::with(Value::null());
      return true;
    }
    case K::kEventSet: {
      SyncState& s = sync_[req.object];
      s.value = 1;
      // Event.set wakes every waiter, in the order they began to wait.
      wake_all(s.waiters);
      *next = Resume::with(Value::null());
      return true;
    }
    case K::kEventClear:
      sync_[req.object].value = 0;
      *next = Resume::with(Value::null());
      return true;
    case K::kEventWait: {
      if (sync_[req.object].value != 0) {
        *next = Resume::with(Value::boolean(true));
        return true;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      sync_[req.object].waiters.push_back(f);
      suspend(task, f, PendingOp::kEventWait);
      return false;
    }
    case K::kQueuePut: {
      if (queue_try_put(req.object, req.value)) {
        *next = Resume::with(Value::null());
        return true;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      sync_[req.object].putters.push_back(f);
      tasks_[task].op_a = req.object;
      tasks_[task].set_result(req.value);  // the item to put, kept while waiting
      suspend(task, f, PendingOp::kQueuePut);
      return false;
    }
    case K::kQueueGet: {
      Value item;
      if (queue_try_get(req.object, &item)) {
        *next = Resume::with(item);
        return true;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      sync_[req.object].waiters.push_back(f);
      tasks_[task].op_a = req.object;
      suspend(task, f, PendingOp::kQueueGet);
      return false;
    }
    case K::kQueueTaskDone: {
      SyncState& s = sync_[req.object];
      if (s.unfinished <= 0) {
        *next = Resume::raise(exception("ValueError", "task_done() called too many times"));
        return true;
      }
      if (--s.unfinished == 0) {
        wake_all(s.joiners);
      }
      *next = Resume::with(Value::null());
      return true;
    }
    case K::kQueueJoin: {
      if (sync_[req.object].unfinished == 0) {
        *next = Resume::with(Value::null());
        return true;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      sync_[req.object].joiners.push_back(f);
      suspend(task, f, PendingOp::kQueueJoin);
      return false;
    }
    default:
      break;
  }
  CONCSIM_CHECK(false, "not a synchronisation request");
  return false;
}

bool EventLoop::acquire(std::uint32_t, std::uint32_t obj) {
  SyncState& s = sync_[obj];
  // Waiters that were cancelled or already served are dropped from the
  // front, so the check below is amortised O(1).
  while (!s.waiters.empty()) {
    const Future* fut = get(s.waiters.front());
    if (fut != nullptr && fut->state == FutState::kPending) break;
    s.waiters.pop_front();
  }
  // A newcomer never overtakes a waiter (asyncio 3.11 locked()).
  if (s.value > 0 && s.waiters.empty()) {
    s.value -= 1;
    return true;
  }
  return false;
}

Value EventLoop::release(std::uint32_t obj) {
  SyncState& s = sync_[obj];
  if (s.kind == SyncKind::kLock && s.value > 0) {
    return exception("RuntimeError", "Lock is not acquired.");
  }
  if (s.kind == SyncKind::kBoundedSemaphore && s.value >= s.initial) {
    return exception("ValueError", "BoundedSemaphore released too many times");
  }
  s.value += 1;
  // Hand the unit straight to the first waiter, first come first served.
  wake_up_next(s.waiters, Value::boolean(true));
  return Value::null();
}

// Sets the first still-pending future of `waiters` and removes it. For
// semaphores and locks the unit goes with it.
void EventLoop::wake_up_next(std::deque<FutRef>& waiters, Value v) {
  while (!waiters.empty()) {
    const FutRef f = waiters.front();
    waiters.pop_front();
    Future* fut = get(f);
    if (fut == nullptr || fut->state != FutState::kPending) continue;
    const std::uint32_t owner = fut->owner;
    if (tasks_[owner].op == PendingOp::kAcquire) sync_[tasks_[owner].op_a].value -= 1;
    set_result(f, v);
    return;
  }
}

bool EventLoop::queue_try_put(std::uint32_t obj, Value item) {
  SyncState& s = sync_[obj];
  if (s.initial > 0 && static_cast<std::int64_t>(s.items.size()) >= s.initial) return false;
  s.items.push_back(item);
  s.unfinished += 1;
  wake_up_next(s.waiters, Value::null());
  return true;
}

bool EventLoop::queue_try_get(std::uint32_t obj, Value* item) {
  SyncState& s = sync_[obj];
  if (s.items.empty()) return false;
  *item = s.items.front();
  s.items.pop_front();
  wake_up_next(s.putters, Value::null());
  return true;
}

// Sets every still-pending future of `waiters` to True, in the order they
// began to wait, and empties it.
void EventLoop::wake_all(std::deque<FutRef>& waiters) {
  std::deque<FutRef> all;
  all.swap(waiters);
  for (FutRef f : all) {
    Future* fut = get(f);
    if (fut != nullptr && fut->state == FutState::kPending) set_result(f, Value::boolean(true));
  }
}

void EventLoop::resume_sync(std::uint32_t task, PendingOp op, std::uint32_t a, Resume r, bool granted) {
  const bool raised = r.kind == Resume::Kind::kException;
  switch (op) {
    case PendingOp::kAcquire:
      if (raised) {
        // Cancelled after the semaphore was handed over: give it back.
        if (granted) release(a);
        step(task, r);
        return;
      }
      step(task, Resume::with(Value::boolean(true)));
      return;
    case PendingOp::kQueueGet:
    case PendingOp::kQueuePut: {
      SyncState& s = sync_[a];
      if (raised) {
        // A woken getter that is cancelled passes the wake-up on, if there
        // is still an item for it (a putter: if there is still room).
        const bool full = s.initial > 0 && static_cast<std::int64_t>(s.items.size()) >= s.initial;
        if (granted && (op == PendingOp::kQueueGet ? !s.items.empty() : !full)) {
          wake_up_next(op == PendingOp::kQueueGet ? s.waiters : s.putters, Value::null());
        }
        step(task, r);
        return;
      }
      // Woken: try again, as asyncio's `while self.empty(): await getter`.
      Value item;
      if (op == PendingOp::kQueueGet ? queue_try_get(a, &item) : queue_try_put(a, tasks_[task].result())) {
        step(task, Resume::with(op == PendingOp::kQueueGet ? item : Value::null()));
        return;
      }
      const FutRef again = new_future(FutKind::kPlain, task);
      (op == PendingOp::kQueueGet ? s.waiters : s.putters).push_back(again);
      tasks_[task].op_a = a;
      suspend(task, again, op);
      return;
    }
    default:
      break;
  }
  CONCSIM_CHECK(false, "not a wait for a lock, semaphore or queue");
}

}  // namespace concsim::models
