// ThreadModel: what the futexes under Python's locks, conditions, events
// and queues (and glibc's pthread_join) cost the threads on both sides.
//
// A thread that waits sleeps in futex(FUTEX_WAIT): the system call enters
// the kernel before it sleeps and returns after it is woken, so the woken
// thread pays the profile's futex_wait (entry, the hash-bucket queueing,
// schedule() out and back, the return) before it resumes. The thread that
// wakes it pays futex(FUTEX_WAKE) per thread woken: futex_wake, the
// hash-bucket walk and try_to_wake_up, which places the woken thread on a
// run queue (scheduler.h: an idle core elsewhere is woken by an IPI). What
// the woken thread then waits for a core is the scheduler's, not a
// constant: it is runnable at once and runs when it is picked.
//
// glibc's mutex and condition variable take the fast path in user space
// when there is nobody to wake or to wait for: no system call is charged
// for an acquire that succeeds or a release with no waiter. A thread that
// exits wakes its joiners in the exit path (CLONE_CHILD_CLEARTID), paid in
// thread_exit.
#include "models/threads/thread_model.h"

namespace concsim::models {

void ThreadModel::futex_woken(std::uint32_t thread) {
  Thread& t = threads_[thread];
  if (profile_.futex_wait > 0) {
    t.cpu_left += profile_.futex_wait;
    t.burst = BurstKind::kSystem;
    t.after = After::kResume;
  }
  if (waker_core_ >= 0) ++pending_wakes_;
}

// After a request that woke threads: the waker's FUTEX_WAKE calls, then it
// goes on with `next`. True if it is now in that system call.
bool ThreadModel::pay_futex_wakes(int core, std::uint32_t id, const Resume& next) {
  const std::int64_t wakes = pending_wakes_;
  pending_wakes_ = 0;
  if (wakes == 0 || profile_.futex_wake <= 0) return false;
  start_cpu(core, id, profile_.futex_wake * wakes, BurstKind::kSystem, After::kResume);
  Thread& t = threads_[id];
  t.resume = next.value;
  t.resume_raises = next.kind == Resume::Kind::kException;
  return true;
}

}  // namespace concsim::models
