// Memory for the large tables of a run (tasks, futures, locals): regions of
// a few megabytes, aligned to 2 MiB, carved into chunks of one size. From
// the second region on, regions are offered to the kernel for transparent
// huge pages. A million connections' tables are hundreds of megabytes
// touched in no particular order; on 4 KiB pages nearly every such access
// also missed the TLB (measured: about an eighth of the run's time at a
// million connections). A small run stays in its first region and keeps
// ordinary pages, so its memory does not grow by a huge page per table.
// Allocation policy only: nothing observable changes.
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
  // How many regions were offered for huge pages (for tests).
  [[nodiscard]] std::size_t huge_regions() const { return regions_.empty() ? 0 : regions_.size() - 1; }

  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

 private:
  struct Region {
    void* base;
    std::size_t length;
  };
  void add_region();

  std::size_t chunk_bytes_;
  std::vector<Region> regions_;
  char* next_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace concsim::models
