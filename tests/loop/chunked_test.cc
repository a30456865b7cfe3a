// ChunkedVector and the arena its chunks come from: references stay put as
// the vector grows, new elements are value-initialised, the chunks beyond the
// first region sit on 2 MiB boundaries (so a huge page can back them), and
// clear() gives the memory back.
#include "models/loop/steps/chunked.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace concsim::models {
namespace {

struct Item {
  std::uint64_t a = 7;
  std::uint32_t b = 0;
  char pad[44];
};

TEST(ChunkedVector, ReferencesStayPutAndElementsStartInitialised) {
  ChunkedVector<Item> v;
  constexpr std::size_t kN = 300'000;  // past the first region (8 MiB of 56-byte items)
  std::vector<const Item*> addresses;
  for (std::size_t i = 0; i < kN; ++i) {
    Item& it = v.emplace_back();
    EXPECT_EQ(it.a, 7u) << i;
    it.b = static_cast<std::uint32_t>(i);
    if (i % 997 == 0) addresses.push_back(&it);
  }
  ASSERT_EQ(v.size(), kN);
  for (std::size_t k = 0; k < addresses.size(); ++k) {
    EXPECT_EQ(addresses[k], &v[k * 997]);
    EXPECT_EQ(addresses[k]->b, k * 997);
  }
  std::size_t count = 0;
  for (const Item& it : v) {
    EXPECT_EQ(it.b, count);
    ++count;
  }
  EXPECT_EQ(count, kN);
}

// The kernel's flags for the mapping holding `p`, from /proc/self/smaps
// ("hg" marks MADV_HUGEPAGE); empty if it cannot be read.
std::string vm_flags_of(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t lo = 0;
    std::uintptr_t hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = lo <= addr && addr < hi;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

bool has_flag(const std::string& vm_flags, const std::string& flag) {
  std::istringstream in(vm_flags);
  std::string word;
  while (in >> word) {
    if (word == flag) return true;
  }
  return false;
}

TEST(ChunkArena, AFewChunksReserveLittleAndLaterRegionsDoubleUpToHugePages) {
  constexpr std::size_t kChunkBytes = 100'000;  // rounded up to a cache line: 100,032
  constexpr std::size_t kRounded = 100'032;
  ChunkArena arena(kChunkBytes);
  EXPECT_EQ(arena.mapped_bytes(), 0u);
  auto* first = static_cast<char*>(arena.allocate());
  // One chunk in use maps the first region only: four chunks, rounded to
  // pages, not megabytes (every table of every process pays this much).
  ASSERT_EQ(arena.regions().size(), 1u);
  EXPECT_GE(arena.mapped_bytes(), ChunkArena::kFirstChunks * kRounded);
  EXPECT_LT(arena.mapped_bytes(), ChunkArena::kFirstChunks * kRounded + 4096 * 16);
  EXPECT_FALSE(arena.regions()[0].huge);
  // Fill regions until one is large enough for huge pages: chunks follow one
  // another inside a region, and each region is twice the one before.
  std::size_t chunks = 1;
  char* last = first;
  while (!arena.regions().back().huge) {
    last = static_cast<char*>(arena.allocate());
    ++chunks;
    ASSERT_LT(chunks, 1000u);
  }
  const auto& regions = arena.regions();
  for (std::size_t i = 1; i < regions.size(); ++i) {
    EXPECT_GE(regions[i].length, std::min(2 * regions[i - 1].length, ChunkArena::kMaxRegion)) << i;
    EXPECT_LE(regions[i].length, ChunkArena::kMaxRegion) << i;
  }
  const ChunkArena::Region& huge = regions.back();
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(huge.base) % ChunkArena::kHugePage, 0u);
  EXPECT_EQ(huge.length % ChunkArena::kHugePage, 0u);
  EXPECT_GE(huge.length, 2 * ChunkArena::kHugePage);
  EXPECT_EQ(static_cast<void*>(last), huge.base);
  // Where the kernel has transparent huge pages, it recorded the offer for
  // the large region and not for the first one.
  if (std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled").good()) {
    const std::string small_flags = vm_flags_of(first);
    const std::string huge_flags = vm_flags_of(huge.base);
    ASSERT_FALSE(small_flags.empty());
    ASSERT_FALSE(huge_flags.empty());
    EXPECT_FALSE(has_flag(small_flags, "hg")) << small_flags;
    EXPECT_TRUE(has_flag(huge_flags, "hg")) << huge_flags;
  }
  // Every chunk can be written end to end.
  for (std::size_t i = 0; i < kRounded; ++i) last[i] = static_cast<char>(i);
  arena.release();
  EXPECT_EQ(arena.mapped_bytes(), 0u);
  EXPECT_TRUE(arena.regions().empty());
}

// Counts live instances, to check that every element built is destroyed once.
struct Counted {
  static inline int live = 0;
  Counted() { ++live; }
  Counted(const Counted&) = delete;
  ~Counted() { --live; }
  alignas(64) char payload[64];
};

TEST(ChunkedVector, EveryElementBuiltIsDestroyedOnceByClearOrTheDestructor) {
  ASSERT_EQ(Counted::live, 0);
  {
    ChunkedVector<Counted> v;
    for (int i = 0; i < 3000; ++i) {
      Counted& c = v.emplace_back();
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(&c) % 64, 0u);
    }
    // Whole chunks are built at once: 3 chunks of 1,024.
    EXPECT_EQ(Counted::live, 3 * 1024);
    v.clear();
    EXPECT_EQ(Counted::live, 0);
    v.emplace_back();
    EXPECT_EQ(Counted::live, 1024);
  }
  EXPECT_EQ(Counted::live, 0);
}

TEST(ChunkedVector, ClearReleasesAndTheVectorCanBeRefilled) {
  ChunkedVector<Item> v;
  for (int i = 0; i < 5000; ++i) v.emplace_back().b = 1;
  v.clear();
  EXPECT_TRUE(v.empty());
  Item& again = v.emplace_back();
  EXPECT_EQ(again.a, 7u);
  EXPECT_EQ(again.b, 0u);
}

}  // namespace
}  // namespace concsim::models
