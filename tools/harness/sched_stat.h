// A thread's time on a core and waiting for one, from the kernel's
// /proc/thread-self/schedstat (both harnesses read it at a thread's start and
// end).
#pragma once

namespace concsim::harness {

struct SchedStat {
  double cpu_ns = 0;    // on a core
  double delay_ns = 0;  // runnable, waiting for a core
};

// The calling thread's figures so far; zeros where the file is unreadable.
// Allocates nothing, so that it can run inside a measurement.
SchedStat sched_stat();

}  // namespace concsim::harness
