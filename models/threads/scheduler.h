// The OS scheduler's policy and costs: cores, the run queue, time slices and
// what each context switch costs. Policy only; the thread model
// (thread_model.h) moves threads between the states and owns the events.
//
// One global FIFO run queue, not one per core. It is simple, deterministic
// (the order is the order threads became runnable, nothing else), and it is
// what the SEDA-era Linux 2.2 had; per-core queues with work stealing would
// add migration policy that no claim here depends on. A thread that becomes
// runnable goes to the tail; an idle core takes the head, the lowest-numbered
// idle core first. A running thread is preempted only at the end of its time
// slice and only if another thread is waiting for a core; there is no
// wake-up preemption (CFS's wakeup_granularity): a woken thread waits for a
// free core or for a slice to end.
//
// A switch onto a core costs, all of it counted as switch overhead:
//   context_switch + pick + refill, where
//   pick   = pick_base + pick_per_thread * f(n), n = runnable threads (queued
//            plus on cores, as the kernel's nr_running), f = 1, floor(log2(n + 1))
//            or n by the profile's pick model, computed by formula, never by
//            walking the queue;
//   refill = min(refill_cap, refill_per_thread * ceil(n / cores)), the cache
//            and TLB refill, which grows with the threads sharing a core. It
//            is skipped when the core's last thread comes back: its working
//            set is still warm.
// Nothing is charged when a thread keeps its core (a slice renewed with the
// queue empty, a sched_yield with nobody waiting).
//
// Time slice, as CFS: max(sched_latency / ceil(n / cores), min_granularity),
// fixed when the thread is switched in.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "models/machine.h"
#include "models/metrics.h"
#include "sim/time.h"

namespace concsim::models {

inline constexpr std::uint32_t kNoThread = 0xFFFFFFFF;

enum class CorePhase : std::uint8_t { kIdle, kSwitching, kRunning };

// What the core's time in a cpu burst counts as.
enum class BurstKind : std::uint8_t {
  kUseful,   // a cpu step of the program
  kSystem,   // thread creation or exit, a system call
  kSlowed,   // a cpu step stretched by swapping: 1/slowdown useful, the rest swap
};

struct Core {
  std::uint32_t thread = kNoThread;  // being switched in, or running
  std::uint32_t last = kNoThread;    // the thread that ran here last
  CorePhase phase = CorePhase::kIdle;
  bool in_burst = false;
  BurstKind burst_kind = BurstKind::kUseful;
  sim::Time since = 0;               // start of the switch or of the burst in progress
  sim::Time slice_end = 0;
  sim::Duration burst = 0;           // length of the burst in progress
};

class Scheduler {
 public:
  explicit Scheduler(const MachineProfile& profile);

  [[nodiscard]] int cores() const { return static_cast<int>(cores_.size()); }
  Core& core(int i) { return cores_[static_cast<std::size_t>(i)]; }
  [[nodiscard]] const Core& core(int i) const { return cores_[static_cast<std::size_t>(i)]; }
  // The lowest-numbered idle core, or -1.
  [[nodiscard]] int idle_core() const;

  void enqueue(std::uint32_t thread) { queue_.push_back(thread); }
  [[nodiscard]] bool queue_empty() const { return queue_.empty(); }
  [[nodiscard]] std::size_t queued() const { return queue_.size(); }
  // Runnable threads: queued, and on a core (switching in or running).
  [[nodiscard]] std::int64_t runnable() const { return static_cast<std::int64_t>(queue_.size()) + busy_; }

  // Takes the head of the queue for idle `core` and starts the switch:
  // returns its cost, or -1 if the queue is empty (the core stays idle).
  sim::Duration switch_in(int core, sim::Time now);
  // The switch on `core` is over: the thread runs; its slice starts now.
  void switch_done(int core, sim::Time now);
  // The core's thread leaves it (blocks, is preempted, exits).
  void release(int core);
  // A fresh slice for the thread keeping `core`.
  void renew_slice(int i, sim::Time now) { cores_[static_cast<std::size_t>(i)].slice_end = now + slice(); }

  // A cpu burst of `len` starts / ends on `core`.
  void start_burst(int core, sim::Time now, sim::Duration len, BurstKind kind);
  void end_burst(int core, sim::Time now);

  [[nodiscard]] sim::Duration slice() const;
  [[nodiscard]] sim::Duration switch_cost(std::int64_t runnable, bool warm) const;
  [[nodiscard]] std::int64_t slowdown() const { return slowdown_; }

  // Core time up to `now`, bursts and switches in progress included.
  [[nodiscard]] CpuMetrics cpu(sim::Time now) const;

  [[nodiscard]] std::size_t memory_bytes() const { return queue_.size() * sizeof(std::uint32_t) + cores_.capacity() * sizeof(Core); }

 private:
  void charge(BurstKind kind, sim::Duration len, CpuMetrics& into) const;

  // From the profile.
  sim::Duration context_switch_;
  PickCost pick_model_;
  sim::Duration pick_base_;
  sim::Duration pick_per_thread_;
  sim::Duration refill_per_thread_;
  sim::Duration refill_cap_;
  sim::Duration sched_latency_;
  sim::Duration min_granularity_;

  std::vector<Core> cores_;
  std::deque<std::uint32_t> queue_;
  std::int64_t busy_ = 0;   // cores with a thread
  std::int64_t slowdown_;   // the profile's swap_slowdown as a whole factor >= 1
  CpuMetrics done_;         // finished switches and bursts
};

}  // namespace concsim::models
