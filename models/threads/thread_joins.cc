// ThreadModel: joining threads (await, gather, wait, wait_for, as_completed)
// and cancel.
//
// A thread that joins others registers a Watch on each of them and blocks.
// When a thread finishes, its watchers are told in the order they began to
// watch; a watcher that has been woken since (by another thread, a timeout
// or a cancellation) has a newer generation and its watch is dropped. Watches
// live in one pool with a free list, so joining allocates nothing per thread.
#include <algorithm>

#include "models/threads/thread_model.h"
#include "sim/check.h"

namespace concsim::models {

void ThreadModel::watch(std::uint32_t target, std::uint32_t waiter) {
  std::uint32_t w;
  if (free_watch_ != kNoWatch) {
    w = free_watch_;
    free_watch_ = watches_[w].next;
  } else {
    w = static_cast<std::uint32_t>(watches_.size());
    watches_.emplace_back();
  }
  watches_[w] = Watch{waiter, kthreads_[waiter].gen, threads_[target].watchers};
  threads_[target].watchers = w;
}

void ThreadModel::notify_watchers(std::uint32_t finished) {
  // The list is newest first; collect it to tell the oldest watcher first.
  std::vector<Watch> list;
  for (std::uint32_t w = threads_[finished].watchers; w != kNoWatch;) {
    list.push_back(watches_[w]);
    const std::uint32_t next = watches_[w].next;
    watches_[w].next = free_watch_;
    free_watch_ = w;
    w = next;
  }
  threads_[finished].watchers = kNoWatch;
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    const KThread& waiter = kthreads_[it->waiter];
    if (waiter.sched == Sched::kBlocked && waiter.gen == it->gen) on_joined(it->waiter, finished);
  }
}

Resume ThreadModel::outcome(std::uint32_t thread) {
  const Thread& t = threads_[thread];
  if (t.state == TaskState::kCancelled) return Resume::raise(exception("CancelledError", ""));
  if (t.state == TaskState::kFailed) return Resume::raise(t.result);
  return Resume::with(t.result);
}

// [done, pending], each in the order the tasks were given.
Value ThreadModel::done_and_pending(std::uint32_t list) {
  std::vector<Value> done;
  std::vector<Value> pending;
  for (Value c : store_.list(list)) (ended(c.index()) ? done : pending).push_back(c);
  return Value::list(store_.add_list(
      {Value::list(store_.add_list(std::move(done))), Value::list(store_.add_list(std::move(pending)))}));
}

void ThreadModel::on_joined(std::uint32_t waiter, std::uint32_t finished) {
  Thread& w = threads_[waiter];
  const TaskState fs = threads_[finished].state;
  const bool failed = fs == TaskState::kFailed || fs == TaskState::kCancelled;
  switch (w.wait) {
    case Wait::kAwait:
    case Wait::kWaitFor:
      // An executor job drew from its submitter's stream (spawn): the
      // submitter goes on from where the job left it.
      if (threads_[finished].is_executor && w.child == finished) w.core.rng = threads_[finished].core.rng;
      wake(waiter, outcome(finished));
      return;
    case Wait::kWaitForCancel:
      if (fs == TaskState::kCancelled) {
        if (tracing()) trace(waiter, "TimeoutError raised");
        wake(waiter, Resume::raise(exception("TimeoutError", "")));
      } else {
        wake(waiter, outcome(finished));  // it finished without heeding the cancellation
      }
      return;
    case Wait::kGather: {
      if (w.mode == 0 && failed) {
        wake(waiter, outcome(finished));  // the first failure, at once
        return;
      }
      if (--w.op_b > 0) return;
      std::vector<Value> results;
      for (Value c : store_.list(w.op_a)) {
        const Thread& t = threads_[c.index()];
        results.push_back(t.state == TaskState::kCancelled ? store_.gather_cancelled() : t.result);
      }
      wake(waiter, Resume::with(Value::list(store_.add_list(std::move(results)))));
      return;
    }
    case Wait::kWait: {
      --w.op_b;
      const auto when = static_cast<ReturnWhen>(w.mode);
      const bool now = w.op_b == 0 || when == ReturnWhen::kFirstCompleted ||
                       (when == ReturnWhen::kFirstException && fs == TaskState::kFailed);
      if (now) wake(waiter, Resume::with(done_and_pending(w.op_a)));
      return;
    }
    case Wait::kAsCompleted:
      wake(waiter, Resume::with(Value::task(finished)));
      return;
    default:
      CONCSIM_CHECK(false, "a watch on a thread that is not joining");
  }
}

bool ThreadModel::join_request(int core, std::uint32_t id, Request& req, Resume* next) {
  using K = Request::Kind;
  switch (req.kind) {
    case K::kAwait: {
      const std::uint32_t other = req.value.index();
      if (other == id) {
        *next = Resume::raise(exception("RuntimeError", "cannot join current thread"));
        return true;
      }
      if (ended(other)) {
        *next = outcome(other);
        return true;
      }
      if (take_cancel(id, next)) return true;
      if (tracing()) trace(id, "await " + task_name(other));
      watch(other, id);
      threads_[id].op_a = other;
      block(core, id, Wait::kAwait, SpanKind::kWaiting);
      return false;
    }
    case K::kGather: {
      const std::uint32_t list = req.value.index();
      const std::vector<Value> children = store_.list(list);
      // Without return_exceptions, a child that already failed is raised at
      // once: the earliest to finish, as the first done callback would.
      std::uint32_t first_failure = kNoThread;
      std::uint32_t running = 0;
      for (Value c : children) {
        const Thread& t = threads_[c.index()];
        if (!ended(c.index())) {
          ++running;
        } else if (!req.flag && (t.state == TaskState::kFailed || t.state == TaskState::kCancelled) &&
                   (first_failure == kNoThread || t.completion < threads_[first_failure].completion)) {
          first_failure = c.index();
        }
      }
      if (first_failure != kNoThread) {
        *next = outcome(first_failure);
        return true;
      }
      Thread& t = threads_[id];
      t.op_a = list;
      t.op_b = running;
      t.mode = req.flag ? 1 : 0;
      if (running == 0) {
        // Everything is done: the results, in argument order.
        std::vector<Value> results;
        for (Value c : children) {
          const Thread& o = threads_[c.index()];
          results.push_back(o.state == TaskState::kCancelled ? store_.gather_cancelled() : o.result);
        }
        *next = Resume::with(Value::list(store_.add_list(std::move(results))));
        return true;
      }
      if (take_cancel(id, next)) return true;
      if (tracing()) trace(id, "gather " + store_.format(req.value, this));
      for (Value c : children) {
        if (!ended(c.index())) watch(c.index(), id);
      }
      block(core, id, Wait::kGather, SpanKind::kWaiting);
      return false;
    }
    case K::kWait: {
      const std::uint32_t list = req.value.index();
      const std::vector<Value> children = store_.list(list);
      if (children.empty()) {
        *next = Resume::raise(exception("ValueError", "Set of Tasks/Futures is empty."));
        return true;
      }
      const ReturnWhen when = program_.waits[req.spec].return_when;
      std::uint32_t running = 0;
      bool any_failed = false;
      for (Value c : children) {
        const Thread& o = threads_[c.index()];
        if (!ended(c.index())) ++running;
        any_failed = any_failed || o.state == TaskState::kFailed;
      }
      const bool ready = running == 0 || (when == ReturnWhen::kFirstCompleted && running < children.size()) ||
                         (when == ReturnWhen::kFirstException && any_failed) ||
                         (req.has_timeout && req.duration == 0);
      if (ready) {
        *next = Resume::with(done_and_pending(list));
        return true;
      }
      if (take_cancel(id, next)) return true;
      if (tracing()) {
        trace(id, "wait " + store_.format(req.value, this) +
                      (req.has_timeout ? " timeout " + sim::format_duration(req.duration) : ""));
      }
      Thread& t = threads_[id];
      t.op_a = list;
      t.op_b = running;
      t.mode = static_cast<std::uint8_t>(when);
      if (req.has_timeout) arm_timeout(id, req.duration);
      for (Value c : children) {
        if (!ended(c.index())) watch(c.index(), id);
      }
      block(core, id, Wait::kWait, SpanKind::kWaiting);
      return false;
    }
    case K::kAsCompletedNext: {
      const std::vector<Value> rest = store_.list(req.value.index());
      std::uint32_t best = kNoThread;
      for (Value c : rest) {
        const std::uint32_t i = c.index();
        if (ended(i) && (best == kNoThread || threads_[i].completion < threads_[best].completion)) best = i;
      }
      if (best != kNoThread) {
        *next = Resume::with(Value::task(best));
        return true;
      }
      if (take_cancel(id, next)) return true;
      for (Value c : rest) watch(c.index(), id);
      block(core, id, Wait::kAsCompleted, SpanKind::kWaiting);
      return false;
    }
    case K::kWaitFor: {
      const std::uint32_t inner = req.value.index();
      if (ended(inner)) {
        *next = outcome(inner);
        return true;
      }
      if (take_cancel(id, next)) return true;
      if (tracing()) trace(id, "wait_for " + task_name(inner) + " timeout " + sim::format_duration(req.duration));
      Thread& t = threads_[id];
      t.op_a = inner;
      arm_timeout(id, req.duration);
      watch(inner, id);
      block(core, id, Wait::kWaitFor, SpanKind::kWaiting);
      return false;
    }
    case K::kCancel: {
      std::vector<Value> targets;
      if (req.value.kind == ValueKind::kList) {
        targets = store_.list(req.value.index());
      } else {
        targets.push_back(req.value);
      }
      bool any = false;
      for (Value v : targets) {
        if (v.kind != ValueKind::kTask) continue;
        if (tracing()) trace(id, "cancel " + task_name(v.index()));
        any = request_cancel(v.index()) || any;
      }
      *next = Resume::with(Value::boolean(any));
      return true;
    }
    default:
      CONCSIM_CHECK(false, "not a join request");
      return false;
  }
}

}  // namespace concsim::models
