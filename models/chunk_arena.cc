#include "models/chunk_arena.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <new>

namespace concsim::models {
namespace {

constexpr std::size_t kLine = 64;

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

std::size_t page_size() {
  static const std::size_t size = [] {
    const long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? static_cast<std::size_t>(p) : std::size_t{4096};
  }();
  return size;
}

void* map(std::size_t length) {
  void* p = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

}  // namespace

ChunkArena::ChunkArena(std::size_t chunk_bytes) : chunk_bytes_(round_up(std::max<std::size_t>(chunk_bytes, 1), kLine)) {}

ChunkArena::~ChunkArena() { release(); }

void ChunkArena::add_region() {
  // Room for the record first, so that a mapping is never left unrecorded.
  if (regions_.size() == regions_.capacity()) regions_.reserve(2 * regions_.size() + 1);
  const std::size_t first = kFirstChunks * chunk_bytes_;
  const std::size_t want = regions_.empty() ? first : std::min(2 * regions_.back().length, std::max(kMaxRegion, first));
  Region region{nullptr, round_up(want, page_size()), false};
  if (region.length >= 2 * kHugePage) {
    // Large enough to be worth huge pages: over-map by one and trim, so the
    // region starts on a 2 MiB boundary and every huge page in it can be
    // backed as one.
    region.length = round_up(region.length, kHugePage);
    const std::size_t span = region.length + kHugePage;
    void* raw = map(span);
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = round_up(start, kHugePage);
    if (aligned > start) munmap(raw, aligned - start);
    const std::uintptr_t tail = aligned + region.length;
    if (start + span > tail) munmap(reinterpret_cast<void*>(tail), start + span - tail);
    region.base = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
    // A hint: where transparent huge pages are off, or refused, the region
    // keeps ordinary pages and everything works the same.
    madvise(region.base, region.length, MADV_HUGEPAGE);
    region.huge = true;
#endif
  } else {
    region.base = map(region.length);
  }
  regions_.push_back(region);
  next_ = static_cast<char*>(region.base);
  end_ = next_ + region.length / chunk_bytes_ * chunk_bytes_;
}

void ChunkArena::release() {
  for (const Region& r : regions_) munmap(r.base, r.length);
  regions_.clear();
  regions_.shrink_to_fit();
  next_ = nullptr;
  end_ = nullptr;
}

std::size_t ChunkArena::mapped_bytes() const {
  std::size_t n = 0;
  for (const Region& r : regions_) n += r.length;
  return n;
}

}  // namespace concsim::models
