// Checked integer time arithmetic and the two time formats.
#include "sim/time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace concsim::sim {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

TEST(CheckedAdd, FitsUpToTheBoundaries) {
  std::int64_t out = 0;
  EXPECT_TRUE(checked_add(kMax, 0, &out));
  EXPECT_EQ(out, kMax);
  EXPECT_TRUE(checked_add(kMax - 1, 1, &out));
  EXPECT_EQ(out, kMax);
  EXPECT_TRUE(checked_add(kMin, 0, &out));
  EXPECT_EQ(out, kMin);
  EXPECT_TRUE(checked_add(kMin + 1, -1, &out));
  EXPECT_EQ(out, kMin);
  EXPECT_TRUE(checked_add(kMax, kMin, &out));
  EXPECT_EQ(out, -1);
  EXPECT_TRUE(checked_add(1'500'000'000, 2 * kSecond, &out));
  EXPECT_EQ(out, 3'500'000'000);
}

TEST(CheckedAdd, DetectsOverflow) {
  std::int64_t out = 0;
  EXPECT_FALSE(checked_add(kMax, 1, &out));
  EXPECT_FALSE(checked_add(1, kMax, &out));
  EXPECT_FALSE(checked_add(kMax, kMax, &out));
  EXPECT_FALSE(checked_add(kMin, -1, &out));
  EXPECT_FALSE(checked_add(-1, kMin, &out));
  EXPECT_FALSE(checked_add(kMin, kMin, &out));
  EXPECT_FALSE(checked_add(kMax / 2 + 1, kMax / 2 + 1, &out));
}

TEST(CheckedMul, FitsUpToTheBoundaries) {
  std::int64_t out = 0;
  EXPECT_TRUE(checked_mul(kMax, 1, &out));
  EXPECT_EQ(out, kMax);
  EXPECT_TRUE(checked_mul(kMax, -1, &out));
  EXPECT_EQ(out, -kMax);
  EXPECT_TRUE(checked_mul(kMin, 1, &out));
  EXPECT_EQ(out, kMin);
  EXPECT_TRUE(checked_mul(std::int64_t{1} << 32, std::int64_t{1} << 30, &out));
  EXPECT_EQ(out, std::int64_t{1} << 62);
  // -2^63 is representable, +2^63 is not.
  EXPECT_TRUE(checked_mul(-(std::int64_t{1} << 32), std::int64_t{1} << 31, &out));
  EXPECT_EQ(out, kMin);
  // floor(sqrt(2^63 - 1)) = 3037000499.
  EXPECT_TRUE(checked_mul(3'037'000'499, 3'037'000'499, &out));
  EXPECT_EQ(out, 9'223'372'030'926'249'001);
  EXPECT_TRUE(checked_mul(0, kMin, &out));
  EXPECT_EQ(out, 0);
  EXPECT_TRUE(checked_mul(292, 365 * 24 * 3600 * kSecond, &out));
}

TEST(CheckedMul, DetectsOverflow) {
  std::int64_t out = 0;
  EXPECT_FALSE(checked_mul(kMax, 2, &out));
  EXPECT_FALSE(checked_mul(kMin, -1, &out));
  EXPECT_FALSE(checked_mul(-1, kMin, &out));
  EXPECT_FALSE(checked_mul(kMin, 2, &out));
  EXPECT_FALSE(checked_mul(std::int64_t{1} << 32, std::int64_t{1} << 31, &out));
  EXPECT_FALSE(checked_mul(3'037'000'500, 3'037'000'500, &out));
  EXPECT_FALSE(checked_mul(-3'037'000'500, 3'037'000'500, &out));
  // 293 years of nanoseconds do not fit (the range is about 292 years).
  EXPECT_FALSE(checked_mul(293, 365 * 24 * 3600 * kSecond, &out));
}

TEST(FormatSeconds, HandWorkedValues) {
  EXPECT_EQ(format_seconds(0), "0s");
  EXPECT_EQ(format_seconds(1), "0.000000001s");
  EXPECT_EQ(format_seconds(1'200'000'000), "1.2s");
  EXPECT_EQ(format_seconds(5'000'000), "0.005s");
  EXPECT_EQ(format_seconds(kSecond), "1s");
  EXPECT_EQ(format_seconds(60 * kSecond), "60s");
  EXPECT_EQ(format_seconds(1'000'000'001), "1.000000001s");
  EXPECT_EQ(format_seconds(123'456'789), "0.123456789s");
  EXPECT_EQ(format_seconds(-1'500'000'000), "-1.5s");
  EXPECT_EQ(format_seconds(-1), "-0.000000001s");
  EXPECT_EQ(format_seconds(kMax), "9223372036.854775807s");
  EXPECT_EQ(format_seconds(kMin), "-9223372036.854775808s");
}

TEST(FormatDuration, HandWorkedValues) {
  EXPECT_EQ(format_duration(0), "0ns");
  EXPECT_EQ(format_duration(1), "1ns");
  EXPECT_EQ(format_duration(350), "350ns");
  EXPECT_EQ(format_duration(999), "999ns");
  EXPECT_EQ(format_duration(1'000), "1us");
  EXPECT_EQ(format_duration(12'500), "12.5us");
  EXPECT_EQ(format_duration(999'999), "999.999us");
  EXPECT_EQ(format_duration(5'000'000), "5ms");
  EXPECT_EQ(format_duration(1'200'000), "1.2ms");
  EXPECT_EQ(format_duration(1'200'000'000), "1.2s");
  EXPECT_EQ(format_duration(3'040'000'000), "3.04s");
  EXPECT_EQ(format_duration(-350), "-350ns");
  EXPECT_EQ(format_duration(-1'500'000), "-1.5ms");
  EXPECT_EQ(format_duration(-1'000), "-1us");
}

// Three decimals at most, rounded half away from zero on the dropped digits.
TEST(FormatDuration, Rounding) {
  EXPECT_EQ(format_duration(1'999'999), "2ms");       // 1.999999 ms
  EXPECT_EQ(format_duration(1'234'499), "1.234ms");   // 1.234499 ms rounds down
  EXPECT_EQ(format_duration(1'234'500), "1.235ms");   // exactly half rounds up
  EXPECT_EQ(format_duration(-1'234'500), "-1.235ms"); // ... and away from zero
  EXPECT_EQ(format_duration(3'041'499'999), "3.041s");
  EXPECT_EQ(format_duration(3'041'500'000), "3.042s");
  EXPECT_EQ(format_duration(1'000'400'000), "1s");    // 1.0004 s: the zeros are trimmed
  EXPECT_EQ(format_duration(1'050'000), "1.05ms");
  EXPECT_EQ(format_duration(9'999'999'999), "10s");
  // 9223372036.854775807 s rounds to .855.
  EXPECT_EQ(format_duration(kMax), "9223372036.855s");
  EXPECT_EQ(format_duration(kMin), "-9223372036.855s");
}

}  // namespace
}  // namespace concsim::sim
