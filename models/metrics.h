// The figures a run reports, whatever model produced them.
//
// Both models fill the same struct so that a comparison table (claim S17) is
// a diff of two values of one type. The struct holds integers only, exact and
// identical on every machine; ratios (throughput, CPU shares) are computed at
// the edges by the helpers at the bottom, for report writers.
//
// "Tasks" are the units of work a program starts: every task or thread but
// the main one, which drives the run rather than being part of the load.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sim/stats.h"
#include "sim/time.h"

namespace concsim::models {

// Nearest-rank percentiles of the tasks' latencies (end - created), ns.
struct LatencySummary {
  std::uint64_t count = 0;
  sim::Duration mean = 0;
  sim::Duration p50 = 0;
  sim::Duration p90 = 0;
  sim::Duration p99 = 0;
  sim::Duration p999 = 0;
  sim::Duration max = 0;
};

// Summarises a recorder; sorts its samples (see LatencyRecorder::percentile).
LatencySummary summarize(sim::LatencyRecorder& latencies);

struct MemoryMetrics {
  std::int64_t peak_resident = 0;  // bytes in RAM at the worst moment
  std::int64_t peak_reserved = 0;  // bytes of address space reserved at the worst moment
  // Peak bytes per kind, keyed "<kind>.<reserved|resident>", e.g.
  // "stacks.reserved", "stacks.resident", "guard.reserved",
  // "kernel_stacks.resident", "buffers.resident", "frames.resident". Each
  // kind's own peak; they need not occur at the same instant.
  std::map<std::string, std::int64_t> by_kind;
};

// Core time over the run: useful + system + switch + swap + idle is exactly
// cores * end_ns.
struct CpuMetrics {
  int cores = 0;
  sim::Duration useful_ns = 0;  // the program's own cpu steps
  sim::Duration system_ns = 0;  // kernel work on the program's behalf: thread
                                // creation and exit, system calls, polling
  sim::Duration switch_ns = 0;  // context switches: direct cost, pick, refill
  sim::Duration swap_ns = 0;    // cpu steps stretched by swapping
  sim::Duration idle_ns = 0;    // nothing to run
};

struct ContextSwitches {
  std::uint64_t voluntary = 0;    // the thread blocked (sleep, I/O, join, lock)
  std::uint64_t involuntary = 0;  // the thread was still runnable: preempted or sched_yield
};

// The first limit of the machine profile that a run ran into.
struct LimitHit {
  std::string which;          // "threads", "mappings", "address space", "overcommit" or "ram"
  sim::Time at_ns = 0;
  std::int64_t threads = 0;   // live threads (the main one included) at that moment
};

struct Metrics {
  sim::Time end_ns = 0;
  // What completed, failed and latency count: "tasks" (every task but main;
  // latency = end - created), or "requests" for a server workload (latency =
  // from the request's arrival to the end of its handler, after the warm-up).
  std::string unit = "tasks";
  sim::Time measured_from = 0;  // the warm-up: throughput counts from here
  std::uint64_t completed = 0;  // tasks that returned / requests served
  std::uint64_t failed = 0;     // tasks that raised, were cancelled or were lost / requests that raised
  LatencySummary latency;       // of completed tasks / requests
  std::int64_t peak_tasks = 0;  // tasks alive at once, at most
  MemoryMetrics memory;
  CpuMetrics cpu;
  ContextSwitches context_switches;
  std::optional<LimitHit> limit_hit;
};

// ---- Edge helpers, for report writers: the only floating point here. ----

// Completed tasks or requests per second of simulated time after the
// warm-up; 0 for an empty run.
inline double throughput_per_second(const Metrics& m) {
  const sim::Time span = m.end_ns - m.measured_from;
  return span > 0 ? static_cast<double>(m.completed) * 1e9 / static_cast<double>(span) : 0.0;
}

struct CpuShares {
  double useful = 0, system = 0, switching = 0, swap = 0, idle = 0;  // sum to 1
};

// Shares of cores * end_ns; all 0 for an empty run.
inline CpuShares cpu_shares(const Metrics& m) {
  const double total = static_cast<double>(m.cpu.cores) * static_cast<double>(m.end_ns);
  if (total <= 0) return {};
  return CpuShares{static_cast<double>(m.cpu.useful_ns) / total, static_cast<double>(m.cpu.system_ns) / total,
                   static_cast<double>(m.cpu.switch_ns) / total, static_cast<double>(m.cpu.swap_ns) / total,
                   static_cast<double>(m.cpu.idle_ns) / total};
}

}  // namespace concsim::models
