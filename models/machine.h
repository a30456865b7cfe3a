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

// Which scheduler shares the cores (models/threads/sched_policy.h says what
// each one walks, and so what its operations cost).
enum class SchedPolicy : std::uint8_t {
  kFifo,     // one global FIFO queue, costs by formula (pick, refill_*): no kernel's, the simple default
  kLinux22,  // Linux 2.2: one run queue under one lock, goodness() over every runnable thread
  kO1,       // Linux 2.6.0-2.6.22: per-CPU active/expired priority arrays
  kCfs,      // Linux 2.6.23+: per-CPU queues ordered by vruntime
};

// The caches a thread's working set lives in (models/threads/cache_model.h).
// A size of 0 leaves that level out; private_bytes 0 turns the model off.
struct CacheProfile {
  std::int64_t line = 64;            // bytes per cache line
  std::int64_t private_bytes = 0;    // the largest cache private to a core (L2 on most parts)
  std::int64_t private_ways = 8;
  sim::Duration private_hit = 0;     // a line found in it (load to use)
  std::int64_t shared_bytes = 0;     // the last-level cache all cores share; 0: none
  std::int64_t shared_ways = 16;
  sim::Duration shared_hit = 0;      // a line found there (or, without one, in another core's cache)
  sim::Duration memory = 0;          // a line from DRAM
  // Lines a core fetches at once when it streams a working set back
  // (memory-level parallelism); 1: every miss waits for the one before.
  std::int64_t misses_in_flight = 1;
  // What each thread touches every time it runs, beyond the workload's own
  // buffers (threads.working_set): the top of its user stack, the top of its
  // kernel stack, its task_struct.
  std::int64_t thread_working_set = 0;
  // The bytes of a task_struct the scheduler reads per runnable thread when
  // it walks the run queue, and how task_structs are aligned (0: packed). A
  // Linux 2.2 task_struct shares an 8 KiB-aligned task_union with its kernel
  // stack, so all of them fall into the same few cache sets.
  std::int64_t sched_bytes_per_task = 64;
  std::int64_t task_align = 0;
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

  // Scheduling. The policy decides which thread runs where, and what picking
  // it walks (models/threads/sched_policy.h). Under kFifo a switch costs
  // context_switch + pick + refill by formula:
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
  SchedPolicy policy = SchedPolicy::kFifo;
  sim::Duration goodness = 0;            // linux22: goodness()'s own work per runnable thread, beyond its reads
  bool runqueue_lock = true;             // linux22: picks and wake-ups serialise on runqueue_lock
  sim::Duration wakeup_granularity = 0;  // cfs: a woken thread preempts when this far behind in vruntime
  CacheProfile cache;
  // Legacy: a fixed delay from a wake-up until the thread is runnable. The
  // kernels' policies leave it 0: a woken thread waits for a core, and a
  // wake-up onto another core pays `ipi`.
  sim::Duration wakeup_latency = 0;
  sim::Duration futex_wait = 0;  // a thread that waited on a futex: the wait's system call, entry to return
  sim::Duration futex_wake = 0;  // the waker's futex(FUTEX_WAKE) system call, per thread it wakes
  sim::Duration ipi = 0;         // a wake-up onto an idle core of another: the interrupt and the core leaving idle
  // The same hand-off through a pipe (a workload's threads.handoff: pipe):
  // the reader's read() of a byte that is there, the writer's write() into
  // a pipe nobody waits on; they replace futex_wait and futex_wake.
  sim::Duration pipe_read = 0;
  sim::Duration pipe_write = 0;
  sim::Duration page_fault = 0;  // the first touch of one page of a new thread's stack
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
  std::int64_t address_space = std::int64_t{1} << 62;    // user address space for stacks (3 GiB on 32-bit Linux)
  std::int64_t mappings_per_thread = 2;                  // stack and guard
  Overcommit overcommit = Overcommit::kHeuristic;
  double overcommit_ratio = 0.5;
  OnOutOfMemory on_oom = OnOutOfMemory::kKill;
  double swap_slowdown = 100;  // CPU steps run this many times slower when swapping

  std::int64_t page_size = 4096;

  // Python: the CPU time of one interpreted instruction, in picoseconds (a
  // fraction of a nanosecond is typical); 0 makes Python code itself free.
  std::int64_t python_op_cost_ps = 0;

  // Where each value came from, by key: shown in reports.
  std::map<std::string, std::string> sources;
};

// Interpreted instructions as CPU time: `ops` at `cost_ps` each, in whole
// nanoseconds; the fraction of a nanosecond left over is carried to the next
// charge, so that a cost below 1 ns per instruction is neither lost nor
// rounded up (N instructions charged in any number of pieces cost
// floor(N x cost_ps / 1000) ns, give or take the carry still held).
struct OpCharge {
  std::int64_t cost_ps = 0;
  std::int64_t carry_ps = 0;
  sim::Duration charge(std::uint64_t ops) {
    if (cost_ps == 0 || ops == 0) return 0;
    const std::int64_t ps = static_cast<std::int64_t>(ops) * cost_ps + carry_ps;
    carry_ps = ps % 1000;
    return ps / 1000;
  }
};

}  // namespace concsim::models
