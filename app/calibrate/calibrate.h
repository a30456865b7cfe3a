// `concsim calibrate`: measures this host and maps the figures onto a machine
// profile's keys (configs/README.md, "Machine profiles"). Keys the
// measurements cannot reach keep linux-modern's value and say so.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "app/calibrate/profile.h"

namespace concsim::calibrate {

struct Options {
  int repetitions = 5;            // of every timed measurement
  std::int64_t threads = 2000;    // blocked threads per memory batch (capped by the host's limits)
  std::int64_t fibers = 2000;     // fibers per memory batch
  std::size_t fiber_stack = 64 * 1024;  // the fibers' fixed stack
  std::string base_profile = "linux-modern";  // where the keys that cannot be measured come from
  // The span of the memory latency chase; 0: 256 MiB or eight times the
  // last-level cache, whichever is more (tests use less, to be quick).
  std::int64_t memory_bytes = 0;
  // The Python that python.op_cost is measured with; "": find_python()
  // (python_cost.h). "none": not measured (the base profile's value is kept).
  std::string python;
};

// The kernel's thread limits, read (never provoked).
struct KernelLimits {
  std::int64_t pid_max = -1;
  std::int64_t threads_max = -1;
  std::int64_t max_map_count = -1;
  std::int64_t nproc_rlimit = -1;   // RLIMIT_NPROC; -1 unlimited
  std::int64_t cgroup_pids_max = -1;  // pids.max of this process's cgroup; -1 none or "max"
  std::int64_t system_threads = -1;   // threads alive system-wide (/proc/loadavg)
  std::int64_t overcommit_memory = -1;  // vm.overcommit_memory
  std::int64_t overcommit_ratio = -1;   // percent
};
KernelLimits read_kernel_limits();

// How many threads a batch may create without coming near a limit: a
// quarter of the smallest headroom, at most `wanted`.
std::int64_t safe_thread_count(const KernelLimits& k, std::int64_t wanted, std::int64_t own_mappings,
                               std::int64_t mappings_per_thread);

// Runs every measurement (progress lines to `progress`) and returns the profile.
ProfileDoc calibrate(const Options& options, const std::function<void(const std::string&)>& progress);

}  // namespace concsim::calibrate
