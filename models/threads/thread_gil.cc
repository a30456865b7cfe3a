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
// pays the futex wake. The drop request: one timer, armed for the switch
// interval when a thread starts to wait and after every hand-off while
// threads wait; if no hand-off happened by then, a holder that is computing
// stops at once, hands the lock over and queues for it again with the rest
// of its computation; a holder that is not computing (preempted by the
// kernel, or in a system call holding the lock) drops it when it next
// resumes Python.
#include "models/threads/thread_host.h"
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
  gil_waiters_.push_back(Waiter{id, kthreads_[id].gen});
  threads_[id].wait = Wait::kGil;
  ThreadKernel::block(core, id, SpanKind::kReady);
  if (!gil_timer_.valid()) gil_arm();
  return false;
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
  if (!gil_waiters_.empty()) gil_arm();
}

// The drop request reached the holder on `core`: it hands the GIL over and
// queues for it again.
void ThreadHost::gil_drop(int core, std::uint32_t id) {
  if (tracing()) trace(id, "drops the GIL (switch interval)");
  gil_release(id);
  gil_waiters_.push_back(Waiter{id, kthreads_[id].gen});
  threads_[id].wait = Wait::kGil;
  ThreadKernel::block(core, id, SpanKind::kReady);
}

void ThreadHost::gil_arm() {
  if (gil_timer_.valid()) sim_.cancel(gil_timer_);
  gil_timer_switches_ = gil_switches_;
  gil_timer_ = schedule_program_event(vm_.switch_interval_ns(), kGilTimer);
}

void ThreadHost::on_program_event(std::uint32_t index) {
  CONCSIM_CHECK(index == kGilTimer, "an unknown program event");
  gil_timer_ = sim::EventId{};
  if (gil_holder_ == kNoThread || gil_waiters_.empty()) return;
  if (gil_switches_ != gil_timer_switches_) {
    gil_arm();
    return;
  }
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
