// The caches threads share: what a thread pays, when it is switched in, to
// bring back the part of its working set that the others pushed out since it
// last ran, and what a walk over many threads' kernel structures costs.
//
// Reuse distance under LRU (Mattson et al., "Evaluation techniques for
// storage hierarchies", IBM Systems Journal 9(2), 1970): a line is still in
// a fully associative LRU cache of C bytes if fewer than C bytes of other
// lines were touched since its last use. A thread that touched W bytes when
// it last ran left them at the top of the LRU stack; after others touched D
// bytes on that cache they sit at depths D..D+W, so
//
//   evicted(W, D, C) = clamp(D + W - C, 0, W)
//
// bytes of it are gone. D is counted as the sum of the working sets of the
// threads switched in on that core (private cache) or on any core (shared
// cache) since: an upper bound on the distinct bytes, exact when the
// threads share no data. The refill of a switch-in is then
//
//   (evicted_private - evicted_shared) / line * shared_hit
//     + evicted_shared / line * memory,        divided by misses_in_flight,
//
// and a thread that moves to another core finds none of its lines in the
// new core's private cache (a migration): all of W comes from the shared
// cache, or from memory for the part evicted there too. With no shared
// cache, lines come from memory or from the other core's cache, both at
// `shared_hit`'s place in the profile (the profile says which).
//
// A walk over n objects (the Linux 2.2 run queue: every runnable
// task_struct) hits a cache only if all of them fit in it: a cyclic scan
// over more lines than an LRU cache holds misses on every line. Objects
// aligned to `task_align` bytes land in the same sets: a cache of S bytes
// with A ways has S / A bytes per way, so objects at a stride P >= S / A
// all share one set per line offset and only A of them fit; a smaller
// stride gives (S / A) / P sets per offset, each holding A.
#pragma once

#include <cstdint>
#include <vector>

#include "models/machine.h"
#include "sim/time.h"

namespace concsim::models {

class CacheModel {
 public:
  CacheModel(const CacheProfile& profile, int cores);

  [[nodiscard]] bool enabled() const { return enabled_; }

  // Thread `thread` (working set `bytes`) is switched in on `core`: the cost
  // of bringing back what it lost since it last ran; records its touch.
  sim::Duration switch_in(std::uint32_t thread, int core, std::int64_t bytes);
  // The cost of reading `bytes_per_object` of each of `n` objects (aligned
  // at the profile's task_align) in a scan that read them all last time too.
  [[nodiscard]] sim::Duration scan(std::int64_t n, std::int64_t bytes_per_object) const;
  // One access to one of `n` objects of `bytes` each, spread over the
  // caches (a tree node among n): a hit where all n fit, else a miss.
  [[nodiscard]] sim::Duration access(std::int64_t n, std::int64_t bytes) const;

  [[nodiscard]] std::size_t memory_bytes() const { return marks_.capacity() * sizeof(Mark); }

 private:
  struct Mark {
    std::int64_t core_bytes = -1;  // the core's touched-bytes clock after the thread last ran; -1 never ran
    std::int64_t shared_bytes = 0;
    std::int32_t core = -1;
  };
  // How many objects of `lines` lines at the profile's alignment a cache of
  // `size` bytes and `ways` ways holds.
  [[nodiscard]] std::int64_t capacity(std::int64_t size, std::int64_t ways, std::int64_t lines) const;
  [[nodiscard]] sim::Duration per_line(std::int64_t n, std::int64_t lines) const;

  CacheProfile p_;
  bool enabled_;
  std::vector<std::int64_t> core_bytes_;  // bytes touched on each core so far
  std::int64_t shared_bytes_ = 0;         // on every core
  std::vector<Mark> marks_;               // by thread
};

}  // namespace concsim::models
