#include "models/chunk_arena.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <new>

namespace concsim::models {
namespace {

constexpr std::size_t kLine = 64;
// Regions hold whole huge pages and at least a few chunks.
constexpr std::size_t kMinRegion = 4 * ChunkArena::kHugePage;

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

ChunkArena::ChunkArena(std::size_t chunk_bytes) : chunk_bytes_(round_up(chunk_bytes, kLine)) {}

ChunkArena::~ChunkArena() { release(); }

void ChunkArena::add_region() {
  const std::size_t length = round_up(std::max(kMinRegion, 4 * chunk_bytes_), kHugePage);
  // Over-map by a huge page and trim, so the region starts on a 2 MiB
  // boundary and every huge page in it can be backed as one.
  const std::size_t span = length + kHugePage;
  void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = round_up(start, kHugePage);
  if (aligned > start) munmap(raw, aligned - start);
  const std::uintptr_t tail = aligned + length;
  if (start + span > tail) munmap(reinterpret_cast<void*>(tail), start + span - tail);
  auto* base = reinterpret_cast<char*>(aligned);
#ifdef MADV_HUGEPAGE
  // A hint: where transparent huge pages are off, or refused, the region
  // keeps ordinary pages and everything works the same.
  if (!regions_.empty()) madvise(base, length, MADV_HUGEPAGE);
#endif
  regions_.push_back(Region{base, length});
  next_ = base;
  end_ = base + length / chunk_bytes_ * chunk_bytes_;
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
