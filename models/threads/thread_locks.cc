// ThreadHost: locks, semaphores, events, conditions and queues shared by
// threads.
//
// Each object owns its FIFO wait queues. Hand-offs are direct and FIFO, as
// the kernel's futex queues are in the common case: a release gives the
// unit to the longest waiter (it does not go back to the pool for a
// newcomer to take), a put hands its item to the longest waiting getter,
// and a get makes room for the longest waiting putter. A waiter woken
// meanwhile (a timeout, a cancellation) has a newer generation and is
// skipped. The woken thread pays the futex wait and the profile's wake-up
// latency before it is runnable; the waker pays a futex wake per thread it
// woke (futex.cc). These are the thread model's semantics for YAML programs
// (thread_sync.cc); threading.Lock is the lock, and threading's other
// objects are CPython's Python over it (threading.py).
#include <utility>

#include "models/threads/thread_host.h"
#include "models/vm/library.h"
#include "models/vm/ops.h"
#include "sim/check.h"

namespace concsim::models::threads {

using vm::Value;

std::string SyncObj::repr(vm::Vm& vm) {
  const std::string cls_name = vm::str_of(cls.as<vm::ClassObj>()->name);
  std::string state;
  switch (kind) {
    case SyncKind::kLock: state = value > 0 ? "unlocked" : "locked"; break;
    case SyncKind::kSemaphore:
    case SyncKind::kBounded: state = value > 0 ? "unlocked, value:" + std::to_string(value) : "locked"; break;
    case SyncKind::kEvent: state = value > 0 ? "set" : "unset"; break;
    case SyncKind::kCondition: state = "waiters:" + std::to_string(waiters.size()); break;
    case SyncKind::kQueue: state = "maxsize=" + std::to_string(initial) + " qsize=" + std::to_string(items.size()); break;
  }
  return "<" + state + " " + cls_name + " object at " + vm::lib::address_of(vm, Value::borrow(this)) + ">";
}

Value ThreadHost::new_sync(SyncKind kind, std::int64_t value) {
  Value v = vm::make<SyncObj>(kind == SyncKind::kLock ? lock_class_ : sync_class_, kind);
  auto* s = v.as<SyncObj>();
  switch (kind) {
    case SyncKind::kLock: s->value = s->initial = value; break;  // 1: free
    case SyncKind::kSemaphore:
    case SyncKind::kBounded: s->value = s->initial = value; break;
    case SyncKind::kEvent:
    case SyncKind::kCondition: break;
    case SyncKind::kQueue: s->initial = value; break;  // maxsize, 0: unbounded
  }
  return v;
}

// The first waiter still blocked where it queued, removed; kNoThread if none.
std::uint32_t ThreadHost::pop_live(std::deque<Waiter>& q) {
  while (!q.empty()) {
    const Waiter r = q.front();
    q.pop_front();
    const KThread& t = kthreads_[r.thread];
    if (t.sched == Sched::kBlocked && t.gen == r.gen) return r.thread;
  }
  return kNoThread;
}

void ThreadHost::wait_on(std::uint32_t id, std::deque<Waiter>& q, Wait wait, const Value& obj) {
  q.push_back(Waiter{id, kthreads_[id].gen});
  threads_[id].op = obj;
  block(id, wait, SpanKind::kWaiting);
}

Value ThreadHost::acquire(SyncObj* s, bool blocking, std::int64_t timeout_ns) {
  const std::uint32_t id = running_;
  // Waiters that were woken meanwhile leave stale entries at the front.
  while (!s->waiters.empty()) {
    const KThread& t = kthreads_[s->waiters.front().thread];
    if (t.sched == Sched::kBlocked && t.gen == s->waiters.front().gen) break;
    s->waiters.pop_front();
  }
  if (s->value > 0 && s->waiters.empty()) {
    s->value -= 1;
    return Value::boolean(true);
  }
  if (!blocking || timeout_ns == 0) return Value::boolean(false);
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(id)) return vm_.raise_value(make_cancelled());
  if (tracing()) trace(id, "acquire (waits)");
  if (timeout_ns > 0) arm_timeout(id, timeout_ns);
  wait_on(id, s->waiters, Wait::kAcquire, Value::borrow(s));
  return Value::suspend();
}

Value ThreadHost::release(SyncObj* s) {
  if (s->kind == SyncKind::kLock && s->value > 0) return vm_.raise(vm_.b().RuntimeError, "release unlocked lock");
  if (s->kind == SyncKind::kBounded && s->value >= s->initial) {
    return vm_.raise(vm_.b().ValueError, "BoundedSemaphore released too many times");
  }
  const std::uint32_t w = pop_live(s->waiters);
  if (w != kNoThread) {
    if (tracing() && running_ != kNoThread) trace(running_, "release to " + task_name(w));
    wake(w, Value::boolean(true));
  } else {
    s->value += 1;
  }
  return running_ == kNoThread ? Value::none() : reply(Value::none());
}

Value ThreadHost::event_set(SyncObj* s) {
  s->value = 1;
  // Every waiter, in the order they began to wait.
  std::deque<Waiter> waiters;
  waiters.swap(s->waiters);
  for (std::uint32_t w = pop_live(waiters); w != kNoThread; w = pop_live(waiters)) wake(w, Value::boolean(true));
  return reply(Value::none());
}

Value ThreadHost::event_wait(SyncObj* s) {
  if (s->value != 0) return Value::boolean(true);
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(running_)) return vm_.raise_value(make_cancelled());
  wait_on(running_, s->waiters, Wait::kEventWait, Value::borrow(s));
  return Value::suspend();
}

Value ThreadHost::condition_wait(SyncObj* s) {
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(running_)) return vm_.raise_value(make_cancelled());
  wait_on(running_, s->waiters, Wait::kCondWait, Value::borrow(s));
  return Value::suspend();
}

Value ThreadHost::condition_notify(SyncObj* s, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint32_t w = pop_live(s->waiters);
    if (w == kNoThread) break;
    wake(w, Value::boolean(true));
  }
  return reply(Value::none());
}

Value ThreadHost::queue_put(SyncObj* s, Value item, bool block) {
  const std::uint32_t getter = pop_live(s->waiters);
  if (getter != kNoThread) {
    s->unfinished += 1;
    wake(getter, std::move(item));
    return reply(Value::none());
  }
  if (s->initial == 0 || static_cast<std::int64_t>(s->items.size()) < s->initial) {
    s->items.push_back(std::move(item));
    s->unfinished += 1;
    return Value::none();
  }
  if (!block) return Value::unset();  // full: the caller raises QueueFull
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(running_)) return vm_.raise_value(make_cancelled());
  threads_[running_].op_value = std::move(item);  // kept while waiting for room
  wait_on(running_, s->putters, Wait::kQueuePut, Value::borrow(s));
  return Value::suspend();
}

Value ThreadHost::queue_get(SyncObj* s, bool block) {
  if (!s->items.empty()) {
    Value item = std::move(s->items.front());
    s->items.pop_front();
    const std::uint32_t putter = pop_live(s->putters);
    if (putter != kNoThread) {
      s->items.push_back(std::move(threads_[putter].op_value));
      threads_[putter].op_value = Value::none();
      s->unfinished += 1;
      wake(putter, Value::none());
      return reply(std::move(item));
    }
    return item;
  }
  if (!block) return Value::unset();  // empty: the caller raises QueueEmpty
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(running_)) return vm_.raise_value(make_cancelled());
  wait_on(running_, s->waiters, Wait::kQueueGet, Value::borrow(s));
  return Value::suspend();
}

Value ThreadHost::queue_task_done(SyncObj* s) {
  if (s->unfinished <= 0) return vm_.raise(vm_.b().ValueError, "task_done() called too many times");
  if (--s->unfinished == 0) {
    std::deque<Waiter> joiners;
    joiners.swap(s->joiners);
    for (std::uint32_t w = pop_live(joiners); w != kNoThread; w = pop_live(joiners)) wake(w, Value::none());
  }
  return reply(Value::none());
}

Value ThreadHost::queue_join(SyncObj* s) {
  if (s->unfinished == 0) return Value::none();
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(running_)) return vm_.raise_value(make_cancelled());
  wait_on(running_, s->joiners, Wait::kQueueJoin, Value::borrow(s));
  return Value::suspend();
}

}  // namespace concsim::models::threads
