// ThreadHost: futures and joins (await, gather, wait, wait_for,
// as_completed) and cancel.
//
// A thread that joins registers on each future it waits for and blocks.
// When a future is done (a task's thread has exited, or set_result ran),
// its watchers are told in the order they began to watch; a watcher that
// has been woken since (by another future, a timeout or a cancellation) has
// a newer generation and is skipped. These are the thread model's semantics
// for YAML programs (models/threads/thread_joins.cc), on Python's objects.
#include <algorithm>
#include <utility>

#include "models/threads/thread_host.h"
#include "models/vm/ops.h"
#include "sim/check.h"

namespace concsim::models::threads {

using vm::Kind;
using vm::Value;

namespace {
enum class ReturnWhen : std::uint8_t { kAll, kFirstCompleted, kFirstException };

std::vector<Value>& items_of(const Value& list) { return list.as<vm::ListObj>()->items; }
}  // namespace

Value ThreadHost::new_future() { return vm::make<FutureObj>(future_class_); }

void ThreadHost::watch(FutureObj* f, std::uint32_t waiter) {
  f->watchers.push_back(Waiter{waiter, kthreads_[waiter].gen});
}

// The future is done: its number in the order of completions, then its
// watchers, oldest first, then its done callbacks (in the thread that
// completed it: Python's concurrent futures run them there too).
void ThreadHost::complete(FutureObj* f) {
  f->completion = ++completions_;
  Value keep = Value::borrow(f);
  std::vector<Waiter> list = std::move(f->watchers);
  f->watchers.clear();
  for (const Waiter& w : list) {
    const KThread& k = kthreads_[w.thread];
    if (k.sched == Sched::kBlocked && k.gen == w.gen) on_joined(w.thread, f);
  }
  std::vector<Value> cbs = std::move(f->callbacks);
  f->callbacks.clear();
  for (const Value& cb : cbs) {
    Value r = vm_.call(cb, {&keep, 1});
    if (r.is_error()) vm_.take_error();
  }
}

Value ThreadHost::outcome_of(FutureObj* f, bool* raise) {
  *raise = f->failed();
  if (f->state == FutState::kCancelled) return make_cancelled();
  if (!f->exception.is_none()) return f->exception;
  return f->result;
}

// (done, pending), each a set in the order the futures were given.
Value ThreadHost::done_and_pending(const Value& futures) {
  Value done = vm::make_set();
  Value pending = vm::make_set();
  for (const Value& v : items_of(futures)) {
    if (!vm::set_add(vm_, v.as<FutureObj>()->done() ? done : pending, v)) vm_.take_error();
  }
  return vm::make_tuple({std::move(done), std::move(pending)});
}

// gather's list: each child's result, a cancelled child's CancelledError, a
// failed one's exception (return_exceptions), in argument order.
Value ThreadHost::gather_results(const Value& children) {
  std::vector<Value> results;
  for (const Value& c : items_of(children)) {
    auto* f = c.as<FutureObj>();
    if (f->state == FutState::kCancelled) {
      results.push_back(make_cancelled());
    } else {
      results.push_back(f->exception.is_none() ? f->result : f->exception);
    }
  }
  return vm::make_list(std::move(results));
}

void ThreadHost::on_joined(std::uint32_t waiter, FutureObj* done) {
  PThread& w = threads_[waiter];
  bool raise = false;
  switch (w.wait) {
    case Wait::kAwait:
    case Wait::kWaitFor: {
      Value v = outcome_of(done, &raise);
      wake(waiter, std::move(v), raise);
      return;
    }
    case Wait::kWaitForCancel:
      if (done->state == FutState::kCancelled) {
        if (tracing()) trace(waiter, "TimeoutError raised");
        wake(waiter, vm_.make_exception(vm_.b().TimeoutError, ""), true);
      } else {
        Value v = outcome_of(done, &raise);  // it finished without heeding the cancellation
        wake(waiter, std::move(v), raise);
      }
      return;
    case Wait::kGather: {
      if (w.mode == 0 && done->failed()) {
        Value v = outcome_of(done, &raise);  // the first failure, at once
        wake(waiter, std::move(v), raise);
        return;
      }
      if (--w.op_count > 0) return;
      Value results = gather_results(w.op);
      wake(waiter, std::move(results));
      return;
    }
    case Wait::kWait: {
      --w.op_count;
      const auto when = static_cast<ReturnWhen>(w.mode);
      const bool now = w.op_count == 0 || when == ReturnWhen::kFirstCompleted ||
                       (when == ReturnWhen::kFirstException && done->state == FutState::kFinished &&
                        !done->exception.is_none());
      if (now) {
        Value r = done_and_pending(w.op);
        wake(waiter, std::move(r));
      }
      return;
    }
    case Wait::kAsCompleted: {
      // as_completed's step takes it out of the futures left.
      std::vector<Value>& left = items_of(w.op.as<OpObj>()->value);
      std::erase_if(left, [done](const Value& v) { return v.obj() == done; });
      Value v = outcome_of(done, &raise);
      wake(waiter, std::move(v), raise);
      return;
    }
    default:
      CONCSIM_CHECK(false, "a watch on a future by a thread that is not joining");
  }
}

// A join's timeout.
void ThreadHost::timed_out(std::uint32_t id) {
  PThread& t = threads_[id];
  switch (t.wait) {
    case Wait::kWait: {
      Value r = done_and_pending(t.op);
      wake(id, std::move(r));
      return;
    }
    case Wait::kWaitFor: {
      // Timed out: ask the task to cancel and wait until it has finished.
      auto* inner = t.op.as<FutureObj>();
      t.wait = Wait::kWaitForCancel;
      if (tracing()) trace(id, "wait_for timed out: cancel " + vm::str_of(inner->name.is_none() ? vm::make_str("future") : inner->name));
      if (inner->thread != kNoThread) {
        request_cancel(inner->thread);
      } else {
        cancel(inner);
      }
      return;
    }
    case Wait::kAsCompleted:
      wake(id, vm_.make_exception(vm_.b().TimeoutError, ""), true);
      return;
    case Wait::kAcquire: {
      // A lock's acquire with a timeout: False.
      wake(id, Value::boolean(false));
      return;
    }
    default:
      return;
  }
}

Value ThreadHost::await_future(FutureObj* f) {
  const std::uint32_t id = running_;
  if (f->is_task && f->thread == id && !f->done()) {
    return vm_.raise(vm_.b().RuntimeError, "cannot join current thread");
  }
  if (f->done()) {
    bool raise = false;
    Value v = outcome_of(f, &raise);
    return raise ? vm_.raise_value(std::move(v)) : v;
  }
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(id)) return vm_.raise_value(make_cancelled());
  if (tracing()) trace(id, "await " + (f->is_task ? vm::str_of(f->name) : std::string("a future")));
  watch(f, id);
  threads_[id].op = Value::borrow(f);
  block(id, Wait::kAwait, SpanKind::kWaiting);
  return Value::suspend();
}

Value ThreadHost::set_future(FutureObj* f, Value result, Value exception) {
  if (f->done()) return vm_.raise(invalid_state_error_, "invalid state");
  if (exception.is_none()) {
    f->result = std::move(result);
  } else {
    f->exception = std::move(exception);
  }
  f->state = FutState::kFinished;
  complete(f);
  return reply(Value::none());
}

bool ThreadHost::cancel(FutureObj* f) {
  if (f->done()) return false;
  if (f->is_task && f->thread != kNoThread) {
    if (tracing() && running_ != kNoThread) trace(running_, "cancel " + vm::str_of(f->name));
    return request_cancel(f->thread);
  }
  f->state = FutState::kCancelled;
  complete(f);
  return true;
}

std::int64_t ThreadHost::cancel_at(const Value& task, sim::Time when) {
  const auto n = static_cast<std::uint32_t>(cancel_timers_.size());
  CancelTimer& t = cancel_timers_.emplace_back();
  t.task = task;
  if (when <= sim_.now()) {
    // A deadline already past: the cancellation is asked for at once, so
    // that the task's next blocking point (sleep(0) included) delivers it,
    // as the loop's call_soon would before the task resumes.
    on_cancel_timer(n);
  } else {
    t.event = schedule_program_event(when - sim_.now(), 1 + n);
  }
  return n;
}

void ThreadHost::disarm(std::int64_t timer) {
  CancelTimer& t = cancel_timers_.at(static_cast<std::size_t>(timer));
  if (t.event.valid()) sim_.cancel(t.event);
  t.event = sim::EventId{};
  t.task = Value();
}

bool ThreadHost::fired(std::int64_t timer) const { return cancel_timers_.at(static_cast<std::size_t>(timer)).fired; }

void ThreadHost::on_cancel_timer(std::uint32_t timer) {
  CancelTimer& t = cancel_timers_.at(timer);
  t.event = sim::EventId{};
  t.fired = true;
  const Value task = std::move(t.task);
  t.task = Value();
  auto* f = task.as<FutureObj>();
  if (f->done()) return;
  ++f->cancels_requested;
  cancel(f);
}

Value ThreadHost::gather(const Value& children, bool return_exceptions) {
  const std::uint32_t id = running_;
  // Without return_exceptions, a child that already failed is raised at
  // once: the earliest to finish, as the first done callback would.
  FutureObj* first_failure = nullptr;
  std::uint32_t running = 0;
  for (const Value& c : items_of(children)) {
    auto* f = c.as<FutureObj>();
    if (!f->done()) {
      ++running;
    } else if (!return_exceptions && f->failed() &&
               (first_failure == nullptr || f->completion < first_failure->completion)) {
      first_failure = f;
    }
  }
  if (first_failure != nullptr) {
    bool raise = false;
    Value v = outcome_of(first_failure, &raise);
    return vm_.raise_value(std::move(v));
  }
  if (running == 0) return gather_results(children);  // everything is done
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(id)) return vm_.raise_value(make_cancelled());
  if (tracing()) trace(id, "gather " + std::to_string(items_of(children).size()) + " tasks");
  PThread& t = threads_[id];
  t.op = children;
  t.op_count = running;
  t.mode = return_exceptions ? 1 : 0;
  for (const Value& c : items_of(children)) {
    auto* f = c.as<FutureObj>();
    if (!f->done()) watch(f, id);
  }
  block(id, Wait::kGather, SpanKind::kWaiting);
  return Value::suspend();
}

Value ThreadHost::wait(const Value& futures, std::int64_t timeout_ns, int return_when) {
  const std::uint32_t id = running_;
  const auto when = static_cast<ReturnWhen>(return_when);
  std::uint32_t running = 0;
  bool any_failed = false;
  for (const Value& c : items_of(futures)) {
    auto* f = c.as<FutureObj>();
    if (!f->done()) ++running;
    any_failed = any_failed || (f->state == FutState::kFinished && !f->exception.is_none());
  }
  const std::size_t n = items_of(futures).size();
  const bool ready = running == 0 || (when == ReturnWhen::kFirstCompleted && running < n) ||
                     (when == ReturnWhen::kFirstException && any_failed) || timeout_ns == 0;
  if (ready) return done_and_pending(futures);
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(id)) return vm_.raise_value(make_cancelled());
  if (tracing()) {
    trace(id, "wait " + std::to_string(n) + " tasks" +
                  (timeout_ns >= 0 ? " timeout " + sim::format_duration(timeout_ns) : std::string()));
  }
  PThread& t = threads_[id];
  t.op = futures;
  t.op_count = running;
  t.mode = static_cast<std::uint8_t>(when);
  if (timeout_ns >= 0) arm_timeout(id, timeout_ns);
  for (const Value& c : items_of(futures)) {
    auto* f = c.as<FutureObj>();
    if (!f->done()) watch(f, id);
  }
  block(id, Wait::kWait, SpanKind::kWaiting);
  return Value::suspend();
}

Value ThreadHost::wait_for(const Value& future, std::int64_t timeout_ns) {
  const std::uint32_t id = running_;
  auto* f = future.as<FutureObj>();
  if (timeout_ns < 0) return await_future(f);
  if (f->done()) {
    bool raise = false;
    Value v = outcome_of(f, &raise);
    return raise ? vm_.raise_value(std::move(v)) : v;
  }
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(id)) return vm_.raise_value(make_cancelled());
  if (tracing()) trace(id, "wait_for timeout " + sim::format_duration(timeout_ns));
  PThread& t = threads_[id];
  t.op = future;
  arm_timeout(id, timeout_ns);
  watch(f, id);
  block(id, Wait::kWaitFor, SpanKind::kWaiting);
  return Value::suspend();
}

// A step of as_completed: the earliest finished of the futures left (taken
// out of the list), else a wait for the next; its result, or its exception.
Value ThreadHost::next_done(OpObj* op) {
  const std::uint32_t id = running_;
  std::vector<Value>& left = items_of(op->value);
  if (left.empty()) return vm_.raise(vm_.b().RuntimeError, "concsim: as_completed has nothing left to wait for");
  std::size_t best = left.size();
  for (std::size_t i = 0; i < left.size(); ++i) {
    auto* f = left[i].as<FutureObj>();
    if (f->done() && (best == left.size() || f->completion < left[best].as<FutureObj>()->completion)) best = i;
  }
  if (best != left.size()) {
    Value f = left[best];
    left.erase(left.begin() + static_cast<std::ptrdiff_t>(best));
    bool raise = false;
    Value v = outcome_of(f.as<FutureObj>(), &raise);
    return raise ? vm_.raise_value(std::move(v)) : v;
  }
  if (op->deadline >= 0 && op->deadline <= sim_.now()) return vm_.raise(vm_.b().TimeoutError, "");
  if (!on_fiber()) return cannot_wait();
  if (take_cancel(id)) return vm_.raise_value(make_cancelled());
  for (const Value& c : left) watch(c.as<FutureObj>(), id);
  threads_[id].op = Value::borrow(op);
  if (op->deadline >= 0) arm_timeout(id, op->deadline - sim_.now());
  block(id, Wait::kAsCompleted, SpanKind::kWaiting);
  return Value::suspend();
}

}  // namespace concsim::models::threads
