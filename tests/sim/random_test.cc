// Random streams: the generator against published values, reproducibility,
// independence between streams, and bounded integers.
#include "sim/random.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace concsim::sim {
namespace {

std::vector<std::uint64_t> take(RandomStream s, int n) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(s.next_u64());
  return out;
}

// Pearson's statistic for observed counts against equal expected counts.
double chi_square_uniform(const std::vector<std::uint64_t>& counts, double total) {
  const double expected = total / static_cast<double>(counts.size());
  double chi2 = 0;
  for (const std::uint64_t c : counts) {
    const double d = static_cast<double>(c) - expected;
    chi2 += d * d / expected;
  }
  return chi2;
}

// The first outputs of SplitMix64 from state 0, as printed by the reference
// implementation (Vigna, splitmix64.c).
TEST(RandomStream, MatchesReferenceSplitMix64) {
  RandomStream s(0);
  EXPECT_EQ(s.next_u64(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(s.next_u64(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(s.next_u64(), 0x06c45d188009454fULL);
}

// Published FNV-1a 64-bit test vectors.
TEST(RandomStream, Fnv1aTestVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(RandomStream, MixIsTheSplitMixFinaliser) {
  // mix64 of the first Weyl step is the first SplitMix64 output.
  EXPECT_EQ(mix64(0x9e3779b97f4a7c15ULL), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(mix64(0), 0u);  // the finaliser fixes zero
}

// The derivation documented in sim/random.h, spelled out.
TEST(RandomStream, DerivationFollowsTheDocumentedFormula) {
  const std::uint64_t seed = 12345;
  const std::uint64_t key = mix64(mix64(seed ^ 0x6a09e667f3bcc909ULL) ^ fnv1a64("disk"));
  EXPECT_EQ(RandomStream::derive(seed, "disk").state(), key);
  EXPECT_EQ(RandomStream::derive(seed, "disk", 0).state(),
            mix64(key + 0x9e3779b97f4a7c15ULL * 1));
  EXPECT_EQ(RandomStream::derive(seed, "disk", 4).state(),
            mix64(key + 0x9e3779b97f4a7c15ULL * 5));
}

TEST(RandomStream, SameSeedAndNameSameSequence) {
  EXPECT_EQ(take(RandomStream::derive(99, "net"), 1000), take(RandomStream::derive(99, "net"), 1000));
  EXPECT_EQ(take(RandomStream::derive(99, "net", 3), 1000),
            take(RandomStream::derive(99, "net", 3), 1000));
}

TEST(RandomStream, DifferentSeedNameOrIndexDifferentSequence) {
  const std::vector<RandomStream> streams = {
      RandomStream::derive(1, "a"),       RandomStream::derive(2, "a"),
      RandomStream::derive(1, "b"),       RandomStream::derive(1, "ab"),
      RandomStream::derive(1, ""),        RandomStream::derive(1, "a", 0),
      RandomStream::derive(1, "a", 1),    RandomStream::derive(2, "a", 0),
      RandomStream::derive(0, "a"),       RandomStream::derive(1, std::string("a\0", 2)),
  };
  // With 64-bit outputs an accidental equal first value has probability about
  // 45 * 2^-64; any collision here is a derivation bug.
  std::set<std::uint64_t> firsts;
  std::set<std::uint64_t> states;
  for (const RandomStream& s : streams) {
    firsts.insert(RandomStream(s).next_u64());
    states.insert(s.state());
  }
  EXPECT_EQ(firsts.size(), streams.size());
  EXPECT_EQ(states.size(), streams.size());
}

// Drawing from, or creating, other streams never changes a stream's numbers.
TEST(RandomStream, StreamsAreIndependent) {
  const std::vector<std::uint64_t> alone = take(RandomStream::derive(5, "clients"), 200);

  RandomStream clients = RandomStream::derive(5, "clients");
  RandomStream other = RandomStream::derive(5, "servers");
  std::vector<std::uint64_t> interleaved;
  for (int i = 0; i < 200; ++i) {
    for (int j = 0; j < i % 4; ++j) other.next_u64();
    RandomStream fresh = RandomStream::derive(5, "client-" + std::to_string(i), 7);
    fresh.next_unit();
    interleaved.push_back(clients.next_u64());
  }
  EXPECT_EQ(interleaved, alone);
}

TEST(RandomStream, NextUnitIsIn01With53Bits) {
  RandomStream s = RandomStream::derive(3, "unit");
  RandomStream raw = s;
  for (int i = 0; i < 100'000; ++i) {
    const double u = s.next_unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    // u * 2^53 is exactly the top 53 bits of the raw word.
    ASSERT_EQ(static_cast<std::uint64_t>(u * 0x1.0p53), raw.next_u64() >> 11);
  }
}

TEST(RandomStream, NextBelowStaysInRange) {
  RandomStream s = RandomStream::derive(11, "below");
  const std::array<std::uint64_t, 9> bounds = {
      1, 2, 3, 7, 10, 1000, (std::uint64_t{1} << 32) + 1, (std::uint64_t{1} << 63) + 1,
      UINT64_MAX};
  for (const std::uint64_t n : bounds) {
    for (int i = 0; i < 20'000; ++i) ASSERT_LT(s.next_below(n), n) << "n=" << n;
  }
  for (int i = 0; i < 100; ++i) EXPECT_EQ(s.next_below(1), 0u);
}

// Ten cells, 200,000 draws: the chi-square statistic has 9 degrees of freedom
// (mean 9, sd 4.24). P(chi2_9 > 45) is about 1e-6, so 45 fails a uniform
// generator essentially never, while a bias of one percent per cell (chi2
// about 20 * 0.01^2 * 200,000 / 10 = 40 on top) comes close and anything
// worse fails.
TEST(RandomStream, NextBelowIsUniformChiSquare) {
  RandomStream s = RandomStream::derive(2024, "chi-square");
  constexpr int kDraws = 200'000;
  std::vector<std::uint64_t> counts(10, 0);
  for (int i = 0; i < kDraws; ++i) ++counts[s.next_below(10)];
  EXPECT_LT(chi_square_uniform(counts, kDraws), 45.0);
}

// n = 3 * 2^62: plain "next_u64() % n" would put half of the draws in the
// lowest third. The thirds must be equally likely. Chi-square with 2 degrees
// of freedom is exponential with mean 2, so P(chi2 > 27.6) = e^-13.8 = 1e-6.
TEST(RandomStream, NextBelowHasNoModuloBias) {
  RandomStream s = RandomStream::derive(2024, "modulo-bias");
  const std::uint64_t n = 3 * (std::uint64_t{1} << 62);
  constexpr int kDraws = 90'000;
  std::vector<std::uint64_t> counts(3, 0);
  for (int i = 0; i < kDraws; ++i) ++counts[s.next_below(n) >> 62];
  EXPECT_LT(chi_square_uniform(counts, kDraws), 27.6);
}

}  // namespace
}  // namespace concsim::sim
