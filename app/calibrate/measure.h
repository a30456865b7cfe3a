// Measurements of this host: system calls, thread hand-offs, thread and fiber
// creation, memory per blocked thread and per fiber. Every measurement is
// bounded by the counts it is given; a thread or fiber that cannot be created
// ends the batch early and is reported, never thrown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace concsim::calibrate {

// A figure over repetitions: the median, and the smallest and largest.
struct Spread {
  double median = 0;
  double min = 0;
  double max = 0;
  int n = 0;
};
Spread spread_of(std::vector<double> values);

// This thread's time on a core so far, ns (CLOCK_THREAD_CPUTIME_ID). The
// per-call measurements (system calls, faults, loads, switches on one core)
// time with it rather than the wall clock, so that on a shared machine the
// other work that takes the core away between calls does not count.
double thread_cpu_ns();
// "median 1.23us (1.10-1.50us over 5 runs)", values in ns or bytes.
std::string describe_ns(const Spread& s);
std::string describe_bytes(const Spread& s);
// 1234.5 -> "1.23us"; 2048 -> "2.0KiB".
std::string format_ns(double ns);
std::string format_bytes(double bytes);

// One trivial system call (getppid through syscall(2)), ns.
Spread measure_syscall(int repetitions, int calls);
// One epoll_wait on an empty epoll set with a zero timeout, ns.
Spread measure_epoll_wait(int repetitions, int calls);
// One hand-off of a token between two threads that sleep on a futex while
// waiting, ns per hand-off (half a round trip): by the wall clock, and as
// the two threads' time on a core together. `pinned`: both threads on the
// first CPU of this process's affinity set; *pinned_ok is false when pinning
// was refused (the figure is then unpinned). A run stops after `round_trips`
// or one second, whichever comes first.
struct HandOff {
  Spread wall;
  Spread cpu;
};
HandOff measure_handoff(int repetitions, int round_trips, bool pinned, bool* pinned_ok);
// std::thread creation and join of an empty thread, one after another, ns.
Spread measure_create_join(int repetitions, int threads);

// `count` threads created and kept blocked on a futex, then released and
// joined. stack_size 0: the default (glibc: RLIMIT_STACK).
struct ThreadBatch {
  std::int64_t requested = 0;
  std::int64_t created = 0;
  std::string failure;          // why creation stopped early, or ""
  double create_ns = 0;         // per thread, pthread_create in the creating thread
  double join_ns = 0;           // per thread, from the release to the last join
  double reserved_bytes = 0;    // per thread: VmSize growth
  double resident_bytes = 0;    // per thread: VmRSS growth
  double mappings = 0;          // per thread: /proc/self/maps lines
  double kernel_stack = -1;     // per thread: /proc/meminfo KernelStack growth (system-wide; -1 unknown)
};
ThreadBatch measure_thread_batch(std::int64_t count, std::size_t stack_size);

// `count` fibers with a fixed-size stack of `stack_size` on one thread, each
// started and waiting in a loop of 1 ms sleeps (as a task waits for I/O),
// then stopped and joined.
struct FiberBatch {
  std::int64_t requested = 0;
  std::int64_t created = 0;
  std::string failure;
  double create_ns = 0;       // per fiber: its construction (stack allocation, context)
  double join_ns = 0;         // per fiber: from the stop to the last join
  double reserved_bytes = 0;  // per fiber: VmSize growth
  double resident_bytes = 0;  // per fiber: VmRSS growth
};
FiberBatch measure_fiber_batch(std::int64_t count, std::size_t stack_size);
// One switch between two fibers that yield to each other, ns.
Spread measure_fiber_switch(int repetitions, int switches, std::size_t stack_size);

// Resident bytes now and the peak since the last reset_peak_rss (VmHWM).
// reset_peak_rss writes 5 to /proc/self/clear_refs; false if refused.
bool reset_peak_rss();

}  // namespace concsim::calibrate
