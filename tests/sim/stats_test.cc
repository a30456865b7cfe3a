// Time-weighted means and nearest-rank latency percentiles on hand-worked
// data.
#include "sim/stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace concsim::sim {
namespace {

// Signal: 0 on [0,10), 4 on [10,30), 2 on [30,40), 0 on [40,50].
// Integral 4*20 + 2*10 = 100 over 50 ns: mean 2.
TEST(TimeWeighted, HandComputedSignal) {
  TimeWeighted tw;
  tw.set(10, 4);
  tw.set(30, 2);
  tw.set(40, 0);
  EXPECT_EQ(tw.mean(50), 2.0);
  EXPECT_EQ(tw.mean(40), 2.5);  // 100 / 40
  EXPECT_EQ(tw.max(), 4);
  EXPECT_EQ(tw.value(), 0);
}

// Start at 100 with value 3; +2 at 110. Over [100,120]: (3*10 + 5*10) / 20 = 4.
TEST(TimeWeighted, NonZeroStartAndAdd) {
  TimeWeighted tw(100, 3);
  EXPECT_EQ(tw.mean(100), 3.0);  // empty span: the value itself
  tw.add(110, 2);
  EXPECT_EQ(tw.value(), 5);
  EXPECT_EQ(tw.mean(120), 4.0);
  EXPECT_EQ(tw.mean(110), 3.0);
  tw.add(120, -5);
  EXPECT_EQ(tw.value(), 0);
  EXPECT_EQ(tw.max(), 5);
  // (30 + 50 + 0 * 20) / 40.
  EXPECT_EQ(tw.mean(140), 2.0);
}

// 1 on [0,3), 2 on [3,4]: (3 + 2) / 4 = 1.25.
TEST(TimeWeighted, FractionalMean) {
  TimeWeighted tw(0, 1);
  tw.set(3, 2);
  EXPECT_EQ(tw.mean(4), 1.25);
}

// Several changes at one instant: only the last value holds any time.
TEST(TimeWeighted, ZeroLengthChangesWeighNothing) {
  TimeWeighted tw;
  tw.set(5, 100);
  tw.set(5, 1);
  tw.set(5, 7);
  // 0 on [0,5), 7 on [5,10]: 35 / 10.
  EXPECT_EQ(tw.mean(10), 3.5);
  EXPECT_EQ(tw.max(), 100);
}

// Value 2^40 for 2^40 ns then 3 * 2^40 for 2^40 ns: the integral, 2^82, does
// not fit in 64 bits; the mean is exactly 2^41.
TEST(TimeWeighted, IntegralBeyond64Bits) {
  const std::int64_t big = std::int64_t{1} << 40;
  TimeWeighted tw(0, big);
  tw.set(big, 3 * big);
  EXPECT_EQ(tw.mean(2 * big), static_cast<double>(std::int64_t{1} << 41));
}

TEST(TimeWeighted, NegativeValues) {
  TimeWeighted tw(0, -4);
  tw.set(10, 6);
  // (-40 + 60) / 20.
  EXPECT_EQ(tw.mean(20), 1.0);
  EXPECT_EQ(tw.max(), 6);
}

TEST(LatencyRecorder, Empty) {
  LatencyRecorder r;
  EXPECT_EQ(r.count(), 0u);
  EXPECT_EQ(r.min(), 0);
  EXPECT_EQ(r.max(), 0);
  EXPECT_EQ(r.mean(), 0);
  EXPECT_EQ(r.percentile(50), 0);
  EXPECT_EQ(r.percentile(100), 0);
}

// With the samples 1..100, the nearest-rank p-th percentile is p itself for
// every integer p (rank ceil(p/100 * 100) = p). Products such as 0.07 * 100 =
// 7.000000000000001 in floating point must not push the rank up.
TEST(LatencyRecorder, OneToHundred) {
  LatencyRecorder r;
  for (Duration d = 100; d >= 1; --d) r.record(d);  // descending: unsorted input
  EXPECT_EQ(r.count(), 100u);
  EXPECT_EQ(r.percentile(50), 50);
  EXPECT_EQ(r.percentile(99), 99);
  EXPECT_EQ(r.percentile(100), 100);
  EXPECT_EQ(r.percentile(0), 1);
  EXPECT_EQ(r.percentile(0.5), 1);   // ceil(0.5) = 1
  EXPECT_EQ(r.percentile(1.5), 2);   // ceil(1.5) = 2
  EXPECT_EQ(r.percentile(99.1), 100);
  for (int p = 1; p <= 100; ++p) EXPECT_EQ(r.percentile(p), p) << "p=" << p;
  EXPECT_EQ(r.min(), 1);
  EXPECT_EQ(r.max(), 100);
  EXPECT_EQ(r.mean(), 51);  // 50.5 rounds half away from zero
}

// Ten samples 10, 20, ..., 100 recorded out of order.
TEST(LatencyRecorder, TenSamples) {
  LatencyRecorder r;
  for (const Duration d : {70, 10, 100, 40, 20, 90, 30, 60, 80, 50}) r.record(d);
  EXPECT_EQ(r.percentile(90), 90);   // rank 9
  EXPECT_EQ(r.percentile(50), 50);   // rank 5
  EXPECT_EQ(r.percentile(51), 60);   // rank ceil(5.1) = 6
  EXPECT_EQ(r.percentile(95), 100);  // rank ceil(9.5) = 10
  EXPECT_EQ(r.percentile(10), 10);
  EXPECT_EQ(r.percentile(11), 20);
  EXPECT_EQ(r.percentile(0), 10);
  EXPECT_EQ(r.min(), 10);
  EXPECT_EQ(r.max(), 100);
  EXPECT_EQ(r.mean(), 55);
}

// Recording after a percentile query must keep later queries right, whether
// the new sample lands inside or beyond the sorted range.
TEST(LatencyRecorder, RecordAfterQuery) {
  LatencyRecorder r;
  r.record(5);
  r.record(1);
  EXPECT_EQ(r.percentile(100), 5);
  r.record(3);
  EXPECT_EQ(r.percentile(50), 3);  // {1, 3, 5}: rank 2
  r.record(7);
  EXPECT_EQ(r.percentile(100), 7);
  EXPECT_EQ(r.percentile(75), 5);  // {1, 3, 5, 7}: rank 3
  r.record(0);
  EXPECT_EQ(r.percentile(1), 0);
}

// Every rank, asked for in a scrambled order with repeats and with samples
// recorded between queries, is the element of that rank of a full sort: the
// ranks selected earlier must bound the later selections correctly. The
// samples have many ties (values 0..99), so a selection that misplaced equal
// elements would show.
TEST(LatencyRecorder, ScrambledQueriesMatchAFullSort) {
  LatencyRecorder r;
  std::vector<Duration> all;
  std::uint64_t x = 12345;
  const auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  const auto add = [&](int k) {
    for (int i = 0; i < k; ++i) {
      const auto d = static_cast<Duration>(next() % 100);
      r.record(d);
      all.push_back(d);
    }
  };
  add(997);
  for (int round = 0; round < 3; ++round) {
    std::vector<Duration> sorted = all;
    std::sort(sorted.begin(), sorted.end());
    for (int q = 0; q < 400; ++q) {
      const auto rank = static_cast<std::size_t>(next() % sorted.size());  // 0-based
      // p such that ceil(p / 100 * n) = rank + 1 exactly: p = 100 (rank + 1) / n.
      const double p = 100.0 * static_cast<double>(rank + 1) / static_cast<double>(sorted.size());
      ASSERT_EQ(r.percentile(p), sorted[rank]) << "round " << round << " rank " << rank;
    }
    EXPECT_EQ(r.percentile(0), sorted.front());
    EXPECT_EQ(r.percentile(100), sorted.back());
    add(101);
  }
}

TEST(LatencyRecorder, SingleSample) {
  LatencyRecorder r;
  r.record(42);
  EXPECT_EQ(r.percentile(0), 42);
  EXPECT_EQ(r.percentile(50), 42);
  EXPECT_EQ(r.percentile(100), 42);
  EXPECT_EQ(r.mean(), 42);
}

// Mean rounds to the nearest nanosecond, halves away from zero.
TEST(LatencyRecorder, MeanRounding) {
  const auto mean_of = [](std::vector<Duration> v) {
    LatencyRecorder r;
    for (const Duration d : v) r.record(d);
    return r.mean();
  };
  EXPECT_EQ(mean_of({1, 2}), 2);        // 1.5
  EXPECT_EQ(mean_of({1, 1, 2}), 1);     // 1.333
  EXPECT_EQ(mean_of({1, 2, 2}), 2);     // 1.667
  EXPECT_EQ(mean_of({0, 0, 0, 1}), 0);  // 0.25
  EXPECT_EQ(mean_of({1, 1, 1, 0}), 1);  // 0.75
  EXPECT_EQ(mean_of({-1, -2}), -2);     // -1.5
  EXPECT_EQ(mean_of({-1, -1, -2}), -1); // -1.333
  EXPECT_EQ(mean_of({3, 3, 3}), 3);
}

// The sum is kept in 128 bits: two samples near INT64_MAX do not overflow.
TEST(LatencyRecorder, MeanOfHugeSamples) {
  const Duration max = std::numeric_limits<Duration>::max();
  LatencyRecorder r;
  r.record(max);
  r.record(max - 1);
  EXPECT_EQ(r.mean(), max);  // max - 0.5 rounds up
  r.record(max - 2);
  EXPECT_EQ(r.mean(), max - 1);
  EXPECT_EQ(r.min(), max - 2);
}

TEST(LatencyRecorder, MemoryIsAccounted) {
  LatencyRecorder r;
  r.reserve(1000);
  EXPECT_GE(r.memory_bytes(), 1000 * sizeof(Duration));
}

}  // namespace
}  // namespace concsim::sim
