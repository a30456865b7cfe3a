// The thread model's objects as a Python program sees them: futures and
// tasks (a task is a thread running a coroutine or a function), locks,
// semaphores, events, conditions and queues shared by threads, and the
// awaitables of the thread model's asyncio (sleep, I/O, gather, the steps
// of as_completed). Their methods are in thread_asyncio.cc and
// thread_threading.cc; what waiting on them does is ThreadHost's
// (thread_waits.cc, thread_locks.cc).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "models/threads/run_queue.h"
#include "models/vm/object.h"
#include "models/vm/vm.h"

namespace concsim::models::threads {

// A thread waiting in a queue of a future or a synchronisation object, and
// the generation of its wait: a thread woken meanwhile (a timeout, a
// cancellation) has a newer one, and its entry is skipped.
struct Waiter {
  std::uint32_t thread;
  std::uint32_t gen;
};

enum class FutState : std::uint8_t { kPending, kCancelled, kFinished };

// asyncio.Future, and asyncio.Task: a future whose thread runs a coroutine
// (or, for run_in_executor and to_thread, a function); it is done when the
// thread has exited.
struct FutureObj : vm::NativeObj {
  explicit FutureObj(vm::Value cls) : vm::NativeObj(std::move(cls)) {}
  FutState state = FutState::kPending;
  vm::Value result;
  vm::Value exception;  // None unless it failed
  std::vector<vm::Value> callbacks;
  std::vector<Waiter> watchers;  // threads joining it, oldest first
  std::uint32_t completion = 0;  // the order futures were done in (1, 2, ...)
  // Tasks.
  std::uint32_t thread = kNoThread;
  vm::Value name;
  bool is_task = false;
  bool is_executor = false;
  // Task.cancel() calls on the pending task that uncancel() has not taken
  // back: Task.cancelling(), as CPython 3.11 counts it.
  std::int64_t cancels_requested = 0;

  [[nodiscard]] bool done() const { return state != FutState::kPending; }
  [[nodiscard]] bool failed() const { return state == FutState::kCancelled || !exception.is_none(); }
  std::string repr(vm::Vm& vm) override;
  void clear() override {
    vm::NativeObj::clear();
    result = exception = name = vm::Value();
    callbacks.clear();
  }
};

enum class SyncKind : std::uint8_t {
  kLock,       // threading.Lock (_thread.lock) and asyncio.Lock
  kSemaphore,  // asyncio.Semaphore
  kBounded,    // asyncio.BoundedSemaphore
  kEvent,      // asyncio.Event
  kCondition,  // the wait queue of asyncio.Condition
  kQueue,      // asyncio.Queue
};

// A synchronisation object. It owns its FIFO wait queues; hand-offs are
// direct: a release gives the unit to the longest waiter, a put hands its
// item to the longest waiting getter (thread_locks.cc).
struct SyncObj : vm::NativeObj {
  SyncObj(vm::Value cls, SyncKind k) : vm::NativeObj(std::move(cls)), kind(k) {}
  SyncKind kind;
  std::int64_t value = 0;    // lock: 1 when free; semaphore: its count; event: 1 when set
  std::int64_t initial = 0;  // semaphore bound; queue maxsize (0: unbounded)
  std::deque<Waiter> waiters;  // acquire, event and condition waits, get
  std::deque<Waiter> putters;
  std::deque<Waiter> joiners;
  std::deque<vm::Value> items;
  std::int64_t unfinished = 0;
  std::string repr(vm::Vm& vm) override;
  void clear() override {
    vm::NativeObj::clear();
    items.clear();
  }
};

// What awaiting one of the thread model's own awaitables does: each is a
// blocking call of the awaiting thread (thread_asyncio.cc).
enum class OpKind : std::uint8_t {
  kSleep,      // asyncio.sleep(d, result): a sleep; sleep(0) is sched_yield
  kIo,         // concsim.io(d): an I/O wait
  kGather,     // gather(...): join every child
  kNextDone,   // a step of as_completed: the next child to finish
  kDone,       // an await that returns `value` at once
};
struct OpObj : vm::NativeObj {
  OpObj(vm::Value cls, OpKind k) : vm::NativeObj(std::move(cls)), kind(k) {}
  OpKind kind;
  std::int64_t ns = 0;       // sleep, io
  std::int64_t deadline = -1;  // as_completed: -1 for none
  vm::Value value;           // sleep: the result; gather: the children; as_completed: the list left
  bool flag = false;         // gather: return_exceptions
  bool awaited = false;
  std::string repr(vm::Vm& vm) override;
  void clear() override {
    vm::NativeObj::clear();
    value = vm::Value();
  }
};

}  // namespace concsim::models::threads
