// The event loop's objects as the program sees them: futures, tasks and the
// handles of scheduled callbacks. Their behaviour is CPython 3.11's
// (Lib/asyncio/futures.py, tasks.py, events.py, and the C accelerator
// Modules/_asynciomodule.c, which behaves the same); the methods are in
// futures.cc, tasks.cc and timers.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/program/trace.h"
#include "models/vm/object.h"
#include "models/vm/vm.h"
#include "sim/random.h"
#include "sim/time.h"

namespace concsim::models::loop {

class Loop;

enum class FutState : std::uint8_t { kPending, kCancelled, kFinished };

// asyncio.Future.
struct FutureObj : vm::NativeObj {
  FutureObj(vm::Value cls, Loop* l) : vm::NativeObj(std::move(cls)), loop(l) {}
  Loop* loop;
  FutState state = FutState::kPending;
  vm::Value result;
  vm::Value exception;
  vm::Value cancel_message;  // None when cancel() had no message
  vm::Value cancelled_exc;   // the CancelledError a task saved, to re-raise
  std::vector<vm::Value> callbacks;  // done callbacks, in order added
  bool log_traceback = false;        // an exception nobody retrieved
  bool blocking = false;             // _asyncio_future_blocking
  bool is_task = false;
  // A future made by gather(): cancelling it cancels its children.
  std::vector<vm::Value> gather_children;
  bool gather_cancel_requested = false;

  [[nodiscard]] bool done() const { return state != FutState::kPending; }
  std::string repr(vm::Vm& vm) override;
  // Future.__del__: an exception nobody retrieved is logged when the
  // future dies (exception_handler.cc).
  bool wants_finalize() const override { return log_traceback && loop != nullptr; }
  void finalize(vm::Vm& vm) override;
  // _cancel_message, _cancel_requested, _log_destroy_pending, _state
  vm::Value get_attr(vm::Vm& vm, const std::string& name) override;
  bool set_attr(vm::Vm& vm, const std::string& name, const vm::Value& v) override;
  void clear() override {
    vm::NativeObj::clear();
    result = exception = cancel_message = cancelled_exc = vm::Value();
    callbacks.clear();
    gather_children.clear();
  }
};

// asyncio.Task: a future whose result is a coroutine's.
struct TaskObj : FutureObj {
  TaskObj(vm::Value cls, Loop* l) : FutureObj(std::move(cls), l) { is_task = true; }
  ~TaskObj() override;
  vm::Fiber fiber;
  vm::Value coro;        // the coroutine, for get_coro() and repr
  vm::Value name;        // str
  vm::Value fut_waiter;  // the future the task waits on, or None
  bool must_cancel = false;
  std::int64_t num_cancels_requested = 0;
  std::uint32_t id = 0;  // creation order: all_tasks() order and reports
  bool started = false;
  bool finished_fiber = false;  // the coroutine has ended
  bool is_main = false;
  bool internal = false;  // asyncio.run's own shutdown tasks
  bool registered = false;  // in the loop's records (task_died when destroyed)
  std::string coro_defined_at;   // "prog.py:12", for repr once the coroutine ended
  vm::Value pending_timer;       // asyncio.sleep's timer, cancelled when the task resumes
  vm::Value resume_value;        // what the coroutine's await returns when it resumes
  // concsim's distributions draw from here: ("task", id) from the first
  // draw, or the stream a server's scaffolding chose (__concsim__.stream).
  sim::RandomStream rng;
  bool has_rng = false;
  // Reports.
  sim::Time created = 0;
  sim::Time start = -1;
  sim::Time end = -1;
  std::string repr(vm::Vm& vm) override;
  void clear() override {
    FutureObj::clear();
    coro = name = fut_waiter = pending_timer = resume_value = vm::Value();
  }
};

// asyncio.Handle and asyncio.TimerHandle: a callback and its arguments.
struct HandleObj : vm::NativeObj {
  HandleObj(vm::Value cls, vm::Value cb) : vm::NativeObj(std::move(cls)), callback(std::move(cb)) {}
  vm::Value callback;
  std::vector<vm::Value> args;
  bool cancelled = false;
  sim::Time ready_at = 0;  // when it joined the ready queue (lateness)
  // TimerHandle.
  bool is_timer = false;
  bool scheduled = false;  // in the loop's timer heap
  double when = 0;         // loop.time() units, as asyncio computes it
  std::int64_t when_ns = -1;  // exact deadline for durations (YAML), else -1
  std::uint64_t seq = 0;      // call_later order for ties; 0 for call_at
  std::string repr(vm::Vm& vm) override;
  void clear() override {
    vm::NativeObj::clear();
    callback = vm::Value();
    args.clear();
  }
};

// A coroutine of the loop's own: asyncio.sleep(), concsim.io(). Awaiting it
// does what the Python coroutine would, hop for hop (tasks.py sleep()).
struct NativeCoro : vm::NativeObj {
  enum class What : std::uint8_t { kSleep, kIo };
  NativeCoro(vm::Value cls, What w) : vm::NativeObj(std::move(cls)), what(w) {}
  What what;
  double delay = 0;           // seconds, as given
  std::int64_t delay_ns = 0;  // the same in nanoseconds
  bool exact = false;         // given as a YAML duration: exact nanoseconds
  vm::Value result;
  bool awaited = false;
  std::string repr(vm::Vm& vm) override;
  void clear() override {
    vm::NativeObj::clear();
    result = vm::Value();
  }
};

// The loop as the program sees it (asyncio.get_running_loop()).
struct LoopObj : vm::NativeObj {
  LoopObj(vm::Value cls, Loop* l) : vm::NativeObj(std::move(cls)), loop(l) {}
  Loop* loop;
  std::string repr(vm::Vm& vm) override;
};

}  // namespace concsim::models::loop
