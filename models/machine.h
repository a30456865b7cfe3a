// A machine profile: the hardware and the OS that a model runs on.
//
// Both models read the same profile, so that a comparison is fair: the
// thread model pays for creating, switching and holding threads; the event
// loop pays the system-call and poll costs of its wake-ups and holds a frame
// per task. Profiles are YAML files in configs/machines/ (loaded by
// app/load/machine.h); every value there names its source.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "sim/time.h"

namespace concsim::models {

enum class PickCost : std::uint8_t {
  kConstant,     // O(1) schedulers
  kLogarithmic,  // CFS: a red-black tree of runnable threads
  kLinear,       // Linux 2.2: goodness() over every runnable thread
};

enum class OnOutOfMemory : std::uint8_t {
  kKill,  // the OOM killer ends the process: every in-flight connection is lost
  kSwap,  // pages go to swap: every CPU step beyond RAM is slowed down
};

enum class Overcommit : std::uint8_t {
  kHeuristic,  // vm.overcommit_memory = 0: reservations are not counted against RAM
  kAlways,     // 1: never refuse
  kNever,      // 2: reserved memory may not exceed swap + RAM * ratio
};

struct MachineProfile {
  std::string name = "ideal";
  std::string description;

  // Hardware.
  int cores = 4;
  std::int64_t ram_bytes = std::int64_t{24} << 30;
  std::int64_t swap_bytes = 0;

  // Thread lifecycle, charged as CPU time to the creating / exiting thread.
  sim::Duration thread_create = 0;
  sim::Duration thread_exit = 0;

  // Scheduling. A switch costs context_switch + pick + refill:
  //   pick   = pick_base + pick_per_thread * f(runnable threads), f = 1, log2(n + 1) or n
  //   refill = min(refill_cap, refill_per_thread * threads sharing the core)
  sim::Duration context_switch = 0;
  PickCost pick_model = PickCost::kConstant;
  sim::Duration pick_base = 0;
  sim::Duration pick_per_thread = 0;
  sim::Duration refill_per_thread = 0;
  sim::Duration refill_cap = 0;
  // Time slice as CFS computes it: max(sched_latency / runnable on the core,
  // min_granularity).
  sim::Duration sched_latency = 6 * sim::kMillisecond;
  sim::Duration min_granularity = 750 * sim::kMicrosecond;
  sim::Duration wakeup_latency = 0;  // from a wake-up until the thread is runnable
  sim::Duration syscall = 0;         // one system call (the loop's select, a blocking read)
  sim::Duration poll = 0;            // an epoll_wait that returns at once, beyond the syscall
  sim::Duration per_event = 0;       // the loop's cost to handle one ready I/O event

  // Memory per thread. Reserved is virtual (mmap'd stack + guard), resident is
  // what is touched.
  std::int64_t stack_reserved = std::int64_t{8} << 20;
  std::int64_t stack_resident = std::int64_t{8} << 10;
  std::int64_t guard_bytes = 4096;
  std::int64_t kernel_stack = std::int64_t{16} << 10;
  // Memory per connection (socket buffers) and per event-loop task (frame).
  std::int64_t socket_buffer = 0;
  std::int64_t task_frame = 0;

  // Limits.
  std::int64_t max_threads = std::int64_t{1} << 40;      // min(pid_max, threads-max)
  std::int64_t max_map_count = std::int64_t{1} << 40;    // vm.max_map_count
  std::int64_t mappings_per_thread = 2;                  // stack and guard
  Overcommit overcommit = Overcommit::kHeuristic;
  double overcommit_ratio = 0.5;
  OnOutOfMemory on_oom = OnOutOfMemory::kKill;
  double swap_slowdown = 100;  // CPU steps run this many times slower when swapping

  // Where each value came from, by key: shown in reports.
  std::map<std::string, std::string> sources;
};

}  // namespace concsim::models
