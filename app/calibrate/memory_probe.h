// What the thread model's cache, futex and fault mechanisms need from this
// host (models/threads/cache_model.h, futex.cc): the caches as sysfs
// describes them, the latency of a load at several working-set sizes (a
// pointer chase), the futex system calls on their own, and a page fault.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/calibrate/measure.h"

namespace concsim::calibrate {

// One data or unified cache of cpu0, from /sys/devices/system/cpu/cpu0/cache.
struct CacheLevel {
  int level = 0;
  std::int64_t size = 0;
  std::int64_t ways = 0;
  std::int64_t line = 0;
  int sharing_cpus = 1;  // CPUs in its shared_cpu_list
};
// Data and unified caches, smallest level first; empty if sysfs says nothing.
std::vector<CacheLevel> read_caches();
// How many CPUs a list such as "0-3,8,10-11" names.
int count_cpu_list(const std::string& list);

// One load that depends on the one before, over a random cyclic chain of
// lines spread across `bytes`, ns per load (lmbench's lat_mem_rd, with a
// random order so that no prefetcher helps).
Spread measure_chase(std::int64_t bytes, std::int64_t line, int repetitions);
// The same chase with the lines of each `page` bytes visited together (in
// random order) and the pages in random order: a TLB miss per page rather
// than per load, as a thread's working set (a few pages of stack, kernel
// stack and task_struct) comes back after a switch.
Spread measure_chase_paged(std::int64_t bytes, std::int64_t line, std::int64_t page, int repetitions);
// futex(FUTEX_WAIT) whose value does not match (returns EAGAIN: the entry,
// the hash bucket and the return) and futex(FUTEX_WAKE) with nobody to wake,
// ns per call.
Spread measure_futex_wait_call(int repetitions, int calls);
Spread measure_futex_wake_call(int repetitions, int calls);
// A pipe's system calls with nobody waiting on either side: write() of 8
// bytes into it and read() of 8 bytes that are there, ns per call (batches
// of writes, then as many reads, in one thread).
struct PipeCalls {
  Spread write;
  Spread read;
};
PipeCalls measure_pipe_calls(int repetitions, int calls);
// The first touch of a page of a fresh anonymous mapping, ns per page.
Spread measure_page_fault(int repetitions, std::int64_t pages);

}  // namespace concsim::calibrate
