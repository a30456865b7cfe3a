// ThreadHost: the global interpreter lock (HostOptions::gil).
//
// CPython 3.11's GIL (Python/ceval_gil.h): a thread that wants the lock
// waits on a condition variable for the switch interval
// (sys.getswitchinterval(), 5 ms); if the lock has not changed hands
// meanwhile it sets gil_drop_request, and the holder drops it at its next
// check of the eval breaker, then waits until another thread has taken it
// (FORCE_SWITCHING) before it asks again. A blocking call releases it
// (Py_BEGIN_ALLOW_THREADS) and takes it back afterwards.
//
// Here: a thread holds the GIL while it runs Python (instantly) and while it
// computes (concsim.cpu); it releases it when it blocks, yields or exits.
// Waiters queue FIFO and a release hands the lock to the first of them (the
// kernel's futex wake order), who pays a futex wait to take it; the releaser
// pays the futex wake. Each waiter's timed wait is its own, as in take_gil:
// it ends a switch interval after it began; if the GIL changed hands
// meanwhile the waiter waits another interval, otherwise it sets the drop
// request (and waits another interval too). One timer stands for the
// earliest of those ends. On a drop request a holder that is computing
// stops at once, hands the lock over and queues for it again with the rest
// of its computation; a holder that is not computing (preempted by the
// kernel, or in a system call holding the lock) drops it when it next
// resumes Python.
#include "models/threads/thread_host.h"

#include <algorithm>

#include "models/vm/ops.h"
#include "sim/check.h"

namespace concsim::models::threads {

using vm::Value;

namespace {
constexpr std::uint32_t kGilTimer = 0;  // the index of the GIL's program event
}  // namespace

// The GIL for the thread on `core` before it runs Python: true when it has
// it; false when it blocked waiting for it (its program resumes once it has it).
bool ThreadHost::gil_take(int core, std::uint32_t id) {
  if (!options_.gil || gil_holder_ == id) {
    if (options_.gil && gil_drop_request_ && !gil_waiters_.empty()) {
      gil_drop(core, id);
      return false;
    }
    return true;
  }
  if (gil_holder_ == kNoThread) {
    gil_holder_ = id;
    ++gil_switches_;
    return true;
  }
  gil_wait(core, id);
  return false;
}

// The thread on `core` blocks until the GIL is handed to it; its timed wait
// starts now.
void ThreadHost::gil_wait(int core, std::uint32_t id) {
  gil_waiters_.push_back(Waiter{id, kthreads_[id].gen});
  PThread& t = threads_[id];
  t.wait = Wait::kGil;
  t.gil_deadline = sim_.now() + vm_.switch_interval_ns();
  t.gil_switch_seen = gil_switches_;
  ThreadKernel::block(core, id, SpanKind::kReady);
  gil_arm();
}

// The holder lets the GIL go: to the first waiter, or free.
void ThreadHost::gil_release(std::uint32_t id) {
  if (!options_.gil || gil_holder_ != id) return;
  gil_drop_request_ = false;
  const std::uint32_t next = pop_live(gil_waiters_);
  gil_holder_ = next;
  if (next == kNoThread) return;
  ++gil_switches_;
  if (tracing()) trace(next, "takes the GIL");
  // The waiter resumes with what it was going to do before it waited: its
  // stored outcome is left as it is.
  threads_[next].wait = Wait::kNone;
  ThreadKernel::wake(next);
  gil_arm();
}

// The drop request reached the holder on `core`: it hands the GIL over and
// queues for it again (FORCE_SWITCHING: it asks again only after a switch
// interval of its own).
void ThreadHost::gil_drop(int core, std::uint32_t id) {
  if (tracing()) trace(id, "drops the GIL (switch interval)");
  gil_release(id);
  gil_wait(core, id);
}

// The timer for the earliest end of a waiter's timed wait.
void ThreadHost::gil_arm() {
  sim::Time first = sim::kTimeMax;
  for (const Waiter& w : gil_waiters_) {
    const KThread& k = kthreads_[w.thread];
    if (k.sched == Sched::kBlocked && k.gen == w.gen) first = std::min(first, threads_[w.thread].gil_deadline);
  }
  if (gil_timer_.valid()) {
    if (first == gil_timer_at_) return;
    sim_.cancel(gil_timer_);
    gil_timer_ = sim::EventId{};
  }
  if (first == sim::kTimeMax) return;
  gil_timer_at_ = first;
  gil_timer_ = schedule_program_event(std::max<sim::Duration>(0, first - sim_.now()), kGilTimer);
}

void ThreadHost::on_program_event(std::uint32_t index) {
  if (index == kGilTimer) {
    on_gil_timer();
  } else {
    on_cancel_timer(index - 1);
  }
}

void ThreadHost::on_gil_timer() {
  gil_timer_ = sim::EventId{};
  // Every waiter whose timed wait ends now: without a switch since it began,
  // it asks the holder to drop the GIL; either way it waits again.
  bool request = false;
  const sim::Time now = sim_.now();
  for (const Waiter& w : gil_waiters_) {
    const KThread& k = kthreads_[w.thread];
    PThread& t = threads_[w.thread];
    if (k.sched != Sched::kBlocked || k.gen != w.gen || t.gil_deadline > now) continue;
    if (t.gil_switch_seen == gil_switches_) request = true;
    t.gil_deadline = now + vm_.switch_interval_ns();
    t.gil_switch_seen = gil_switches_;
  }
  gil_arm();
  if (!request || gil_holder_ == kNoThread || gil_drop_request_) return;
  gil_drop_request_ = true;
  // A holder computing on a core stops now.
  for (int c = 0; c < sched_.cores(); ++c) {
    const Core& core = sched_.core(c);
    if (core.thread == gil_holder_ && core.in_burst && core.burst_kind != BurstKind::kSystem) {
      interrupt_burst(c);
      return;
    }
  }
}

// A holder whose computation the kernel preempted gets a core back.
bool ThreadHost::may_continue_burst(int core, std::uint32_t id) {
  if (!options_.gil || gil_holder_ != id || !gil_drop_request_ || gil_waiters_.empty() ||
      kthreads_[id].burst == BurstKind::kSystem) {
    return true;
  }
  burst_interrupted(core, id);
  return false;
}

// The holder's computation stopped for the drop request: the rest of it
// waits until the GIL comes back.
void ThreadHost::burst_interrupted(int core, std::uint32_t id) {
  KThread& k = kthreads_[id];
  threads_[id].pending_cpu = k.cpu_left;
  k.cpu_left = 0;
  gil_drop(core, id);
}

}  // namespace concsim::models::threads
