// ChunkedVector and the arena its chunks come from: references stay put as
// the vector grows, new elements are value-initialised, the chunks beyond the
// first region sit on 2 MiB boundaries (so a huge page can back them), and
// clear() gives the memory back.
#include "models/loop/chunked.h"

#include <gtest/gtest.h>

#include <cstdint>
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

TEST(ChunkArena, RegionsAreHugePageAlignedAndOnlyLaterOnesAreOffered) {
  constexpr std::size_t kChunkBytes = 100'000;  // rounded up to 100,032
  ChunkArena arena(kChunkBytes);
  EXPECT_EQ(arena.mapped_bytes(), 0u);
  auto* first = static_cast<char*>(arena.allocate());
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % ChunkArena::kHugePage, 0u);
  EXPECT_EQ(arena.huge_regions(), 0u);  // a small table keeps ordinary pages
  const std::size_t region = arena.mapped_bytes();
  ASSERT_GE(region, ChunkArena::kHugePage);
  EXPECT_EQ(region % ChunkArena::kHugePage, 0u);
  // Chunks follow one another until the region is full; the next one opens
  // a new, aligned region.
  char* last = first;
  std::size_t chunks = 1;
  for (;;) {
    auto* p = static_cast<char*>(arena.allocate());
    ++chunks;
    if (p != last + 100'032) {
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % ChunkArena::kHugePage, 0u);
      break;
    }
    last = p;
  }
  EXPECT_EQ(chunks - 1, region / 100'032);
  EXPECT_EQ(arena.huge_regions(), 1u);
  EXPECT_EQ(arena.mapped_bytes(), 2 * region);
  // Every chunk can be written end to end.
  for (std::size_t i = 0; i < 100'032; ++i) last[i] = static_cast<char>(i);
  arena.release();
  EXPECT_EQ(arena.mapped_bytes(), 0u);
  EXPECT_EQ(arena.huge_regions(), 0u);
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
