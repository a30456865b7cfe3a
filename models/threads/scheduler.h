// The OS scheduler: cores, the run queues of the profile's policy
// (run_queue.h), time slices, and what each context switch costs. Policy and
// cost only; the thread model (thread_model.h) moves threads between the
// states and owns the events.
//
// Placement. A thread that becomes runnable goes to the policy's queue: the
// global one (fifo, linux22) or, per CPU (o1, cfs), the queue of the core it
// last ran on, unless another core is idle, which then takes it
// (select_idle_sibling in CFS, reschedule_idle in 2.2: the idle core the
// thread last ran on first, then the lowest-numbered). A woken thread sent
// to an idle core other than the waker's costs that core an
// inter-processor interrupt and its way out of idle (the profile's `ipi`)
// before its switch starts. An idle core whose own queue is empty pulls a
// thread from the queue with the most waiting (idle balancing). Under fifo
// the lowest-numbered idle core takes the head of the one queue.
//
// A running thread is preempted at the end of its time slice if another
// thread waits for its core, and under cfs also when a woken thread placed
// on its core is more than wakeup_granularity behind it in vruntime.
//
// A switch onto a core costs, all of it counted as switch overhead:
//   context_switch                       the direct cost (registers, mm, FPU)
// + ipi                                  if a remote wake-up brought the core out of idle
// + pick, by policy:
//     fifo     pick_base + pick_per_thread * f(n), f = 1, floor(log2(n + 1)) or n
//              (n runnable threads, queued and on cores), by formula
//     linux22  the wait for runqueue_lock (picks on all cores serialise on it),
//              then pick_base + n * goodness + the reads of n task_structs
//              through the caches (CacheModel::scan)
//     o1       pick_base: a bitmap search and a list head
//     cfs      pick_base + depth of the core's tree * one node through the
//              caches (CacheModel::access)
// + refill: the part of the thread's working set evicted since it last ran,
//   or all of it after a migration (CacheModel::switch_in); under fifo also
//   the formula min(refill_cap, refill_per_thread * ceil(n / cores)),
//   skipped when the core's last thread comes back.
// Nothing is charged when a thread keeps its core (a slice renewed with the
// queue empty, a sched_yield with nobody waiting).
//
// Time slice, as CFS: max(sched_latency / threads sharing the core,
// min_granularity), fixed when the thread is switched in; threads sharing a
// core are ceil(n / cores) for the global queues, the core's queue plus one
// for the per-CPU ones. Linux 2.2 and O(1) have fixed slices: their profiles
// set sched_latency 0.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/machine.h"
#include "models/metrics.h"
#include "models/threads/cache_model.h"
#include "models/threads/run_queue.h"
#include "sim/event_queue.h"
#include "sim/time.h"

namespace concsim::models {

enum class CorePhase : std::uint8_t { kIdle, kSwitching, kRunning };

// What the core's time in a cpu burst counts as.
enum class BurstKind : std::uint8_t {
  kUseful,   // a cpu step of the program
  kSystem,   // thread creation or exit, a system call
  kSlowed,   // a cpu step stretched by swapping: 1/slowdown useful, the rest swap
};

// Why a thread joins a run queue.
enum class Runnable : std::uint8_t {
  kNew,        // just created
  kWoken,      // its wait ended
  kPreempted,  // its slice ran out, or a woken thread took the core
  kYielded,    // sched_yield
};

struct Core {
  std::uint32_t thread = kNoThread;  // being switched in, or running
  std::uint32_t last = kNoThread;    // the thread that ran here last
  CorePhase phase = CorePhase::kIdle;
  bool in_burst = false;
  bool ipi = false;                  // a remote wake-up is bringing the core out of idle
  BurstKind burst_kind = BurstKind::kUseful;
  sim::Time since = 0;               // start of the switch or of the burst in progress
  sim::Time run_start = 0;           // when the thread on it started running
  sim::Time slice_end = 0;
  sim::Duration burst = 0;           // length of the burst in progress
  sim::EventId burst_event;          // the event that ends it (the thread model's)
};

class Scheduler {
 public:
  explicit Scheduler(const MachineProfile& profile);

  [[nodiscard]] int cores() const { return static_cast<int>(cores_.size()); }
  Core& core(int i) { return cores_[static_cast<std::size_t>(i)]; }
  [[nodiscard]] const Core& core(int i) const { return cores_[static_cast<std::size_t>(i)]; }
  [[nodiscard]] SchedPolicy policy() const { return policy_; }

  // Bytes each thread touches every time it runs, beyond the profile's own
  // (the workload's buffers).
  void add_working_set(std::int64_t bytes) { working_set_ += bytes; }

  // `thread` becomes runnable; `waker` is the core of the thread that woke
  // or created it (-1: a timer). Returns a core whose running thread the
  // new one preempts at once (cfs), or -1.
  int enqueue(std::uint32_t thread, Runnable why, int waker, sim::Time now);
  // An idle core that should take a thread now, or -1.
  [[nodiscard]] int next_dispatch() const;
  // Whether a thread waits that `core` would take in place of its own.
  [[nodiscard]] bool has_waiting(int core) const;
  [[nodiscard]] std::size_t queued() const { return queue_->total(); }
  // Runnable threads: queued, and on a core (switching in or running).
  [[nodiscard]] std::int64_t runnable() const { return static_cast<std::int64_t>(queue_->total()) + busy_; }

  // Takes the next thread for idle `core` (from its queue, or pulled from
  // another) and starts the switch: returns its cost, or -1 if there is none
  // (the core stays idle).
  sim::Duration switch_in(int core, sim::Time now);
  // The switch on `core` is over: the thread runs; its slice starts now.
  void switch_done(int core, sim::Time now);
  // The core's thread leaves it (blocks, is preempted, exits).
  void release(int core, sim::Time now);
  // A fresh slice for the thread keeping `core`.
  void renew_slice(int i, sim::Time now) { core(i).slice_end = now + slice(i); }

  // A cpu burst of `len` starts / ends on `core`.
  void start_burst(int core, sim::Time now, sim::Duration len, BurstKind kind);
  void end_burst(int core, sim::Time now);

  [[nodiscard]] sim::Duration slice(int core) const;
  // fifo's formula for a switch with n runnable threads (warm: the core's
  // last thread comes back).
  [[nodiscard]] sim::Duration switch_cost(std::int64_t runnable, bool warm) const;
  [[nodiscard]] std::int64_t slowdown() const { return slowdown_; }
  // Where `thread` last ran, or -1.
  [[nodiscard]] int last_core(std::uint32_t thread) const {
    return thread < last_core_.size() ? last_core_[thread] : -1;
  }

  // Core time up to `now`, bursts and switches in progress included.
  [[nodiscard]] CpuMetrics cpu(sim::Time now) const;

  [[nodiscard]] std::size_t memory_bytes() const {
    return queue_->memory_bytes() + cores_.capacity() * sizeof(Core) + last_core_.capacity() * sizeof(std::int32_t) +
           cache_.memory_bytes();
  }

 private:
  void charge(BurstKind kind, sim::Duration len, CpuMetrics& into) const;
  [[nodiscard]] int idle_core(int prefer) const;
  [[nodiscard]] sim::Duration pick_cost(int core, sim::Time now);

  const MachineProfile& p_;
  SchedPolicy policy_;
  std::vector<Core> cores_;
  std::vector<std::int32_t> last_core_;  // by thread: where it last ran (-1 never); only if it matters
  std::unique_ptr<RunQueue> queue_;
  CacheModel cache_;
  std::int64_t working_set_;
  std::int64_t busy_ = 0;            // cores with a thread
  sim::Time lock_free_at_ = 0;       // linux22: when runqueue_lock is next free
  std::int64_t slowdown_;            // the profile's swap_slowdown as a whole factor >= 1
  CpuMetrics done_;                  // finished switches and bursts
};

}  // namespace concsim::models
