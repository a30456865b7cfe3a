// Memory for the large tables of a run (tasks, futures, locals): regions
// carved into chunks of one size. The first region holds a few chunks, and
// each next one twice as many as the one before, up to kMaxRegion; regions
// of at least two huge pages are aligned to 2 MiB and offered to the kernel
// for transparent huge pages. A million connections' tables are hundreds of
// megabytes touched in no particular order; on 4 KiB pages nearly every
// such access also missed the TLB (measured: about an eighth of the run's
// time at a million connections). A small run stays in its small first
// regions: it neither reserves megabytes of address space per table (which
// counts against RLIMIT_AS and `--max-memory`'s address-space cap, for
// every process of a run) nor gets a huge page per table where the kernel
// gives them to every mapping. Allocation policy only: nothing observable
// changes.
#pragma once

#include <cstddef>
#include <vector>

namespace concsim::models {

class ChunkArena {
 public:
  // Chunks of `chunk_bytes` each (rounded up to a cache line).
  explicit ChunkArena(std::size_t chunk_bytes);
  ~ChunkArena();
  ChunkArena(const ChunkArena&) = delete;
  ChunkArena& operator=(const ChunkArena&) = delete;

  // A new chunk, 64-byte aligned. Throws std::bad_alloc when the system
  // refuses the memory.
  void* allocate() {
    if (next_ == end_) [[unlikely]] add_region();
    void* p = next_;
    next_ += chunk_bytes_;
    return p;
  }
  // Returns every region to the system.
  void release();

  // Bytes of regions mapped, touched or not (for tests).
  [[nodiscard]] std::size_t mapped_bytes() const;
  // The regions, in the order they were mapped (for tests).
  struct Region {
    void* base;
    std::size_t length;
    bool huge;  // aligned to kHugePage and offered for huge pages
  };
  [[nodiscard]] const std::vector<Region>& regions() const { return regions_; }

  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  // Chunks in the first region.
  static constexpr std::size_t kFirstChunks = 4;
  // The largest region, unless four chunks need more.
  static constexpr std::size_t kMaxRegion = 4 * kHugePage;

 private:
  void add_region();

  std::size_t chunk_bytes_;
  std::vector<Region> regions_;
  char* next_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace concsim::models
