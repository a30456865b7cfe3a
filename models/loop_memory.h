// What both event loops (the YAML steps' in models/loop/steps/, the Python
// VM's in models/loop/) account the same way: the memory a loop holds on the
// machine, and the CPU time of its run.
#pragma once

#include <cstddef>
#include <cstdint>

#include "models/machine.h"
#include "models/metrics.h"
#include "sim/time.h"

namespace concsim::models {

// The memory of an event loop: its tasks' frames, a socket buffer per
// connection (every task but main, when the workload has connections), and
// the stacks of its executor's worker threads. The loop thread's own stack
// is the process's, as the thread model does not count the main thread's
// either.
class LoopMemory {
 public:
  // The memory now, with `live_tasks` (main included) and `workers` started;
  // keeps the peaks. Returns the resident bytes now.
  std::int64_t update(const MachineProfile& m, std::int64_t live_tasks, bool socket_per_task, std::int64_t workers);
  // Sets the peaks of `out`, by kind once update() has run.
  void fill(MemoryMetrics& out) const;

 private:
  // Frames, buffers, stacks resident and reserved, guard pages, kernel
  // stacks: their peaks in a fixed array, named only in fill(). update()
  // runs for every task created: a map keyed by strings cost a string and
  // six lookups each time (about a tenth of a million connections' run).
  static constexpr std::size_t kKinds = 6;
  std::int64_t peak_by_kind_[kKinds] = {};
  std::int64_t peak_resident_ = 0;
  std::int64_t peak_reserved_ = 0;
  bool measured_ = false;
};

// The CPU of an event loop's run over `end` on the machine's cores: the loop
// thread's `busy` time, `system` of it in the kernel, and its executor
// workers' `worker_cpu`; the rest is idle.
void fill_loop_cpu(CpuMetrics& out, sim::Time end, int cores, sim::Duration busy, sim::Duration system,
                   sim::Duration worker_cpu);

}  // namespace concsim::models
