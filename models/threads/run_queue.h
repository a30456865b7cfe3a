// Where runnable threads wait for a core, one class per kernel policy
// (models/machine.h, SchedPolicy). Each says which thread a core takes next
// and how many threads a pick has to look through; the Scheduler
// (scheduler.h) turns that into time with the cache model.
//
//   fifo      one global FIFO queue: the lowest-numbered idle core takes the
//             head. No kernel's; simple and deterministic (sched_fifo in
//             scheduler.cc).
//   linux22   one global run queue (sched_linux22.cc).
//   o1        per-CPU active and expired arrays (sched_o1.cc).
//   cfs       per-CPU queues ordered by vruntime (sched_cfs.cc).
//
// Threads are numbered by the thread model; a queue never sees a thread
// twice. `core` arguments are the core that asks or the queue chosen for the
// thread (per-CPU policies).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/machine.h"
#include "sim/time.h"

namespace concsim::models {

inline constexpr std::uint32_t kNoThread = 0xFFFFFFFF;

class RunQueue {
 public:
  virtual ~RunQueue() = default;
  // True if each core has a queue of its own (a woken thread is placed on
  // one, an idle core may pull from another's).
  [[nodiscard]] virtual bool per_core() const = 0;
  // `thread` becomes runnable on `core`'s queue (a global queue ignores
  // it). `woken`: it was blocked (not preempted or new); `expired`: its
  // slice ran out (O(1) puts it in the expired array).
  virtual void push(std::uint32_t thread, int core, bool woken, bool expired) = 0;
  // The thread `core` takes next from its own queue (or the global one);
  // kNoThread if none.
  virtual std::uint32_t pop(int core) = 0;
  // The thread a core that found its own queue empty pulls from `from`'s
  // queue (per-CPU policies: the one that waited longest, least likely to
  // be warm there); kNoThread if none.
  virtual std::uint32_t steal(int from, int to) {
    (void)from, (void)to;
    return kNoThread;
  }
  // Threads waiting that `core` would take (its queue, or the global one).
  [[nodiscard]] virtual std::size_t waiting(int core) const = 0;
  [[nodiscard]] virtual std::size_t total() const = 0;
  // A thread that ran on `core` for `ran` before leaving it (CFS charges
  // vruntime); now is the time it left.
  virtual void ran(std::uint32_t thread, int core, sim::Duration ran) { (void)thread, (void)core, (void)ran; }
  // CFS: whether `woken`, just pushed on `core`, should preempt `running`,
  // which has run for `ran` since it was switched in.
  [[nodiscard]] virtual bool preempts(std::uint32_t woken, std::uint32_t running, int core, sim::Duration ran) const {
    (void)woken, (void)running, (void)core, (void)ran;
    return false;
  }
  [[nodiscard]] virtual std::size_t memory_bytes() const = 0;
};

// The queues of `policy` for `cores` cores. `last_core` (owned by the
// Scheduler, outliving the queue) says where each thread last ran.
std::unique_ptr<RunQueue> make_run_queue(const MachineProfile& profile, int cores,
                                         const std::vector<std::int32_t>& last_core);

}  // namespace concsim::models
