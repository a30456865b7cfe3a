// Units are exact: each expected value is the decimal arithmetic done by hand.
#include "app/load/units.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace concsim::load {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

sim::Duration duration_ok(const std::string& text) {
  std::string error;
  const auto value = parse_duration(text, &error);
  EXPECT_TRUE(value.has_value()) << text << ": " << error;
  return value.value_or(-12345);
}

std::string duration_error(const std::string& text) {
  std::string error;
  const auto value = parse_duration(text, &error);
  EXPECT_FALSE(value.has_value()) << text << " parsed as " << value.value_or(0);
  return error;
}

std::int64_t size_ok(const std::string& text) {
  std::string error;
  const auto value = parse_size(text, &error);
  EXPECT_TRUE(value.has_value()) << text << ": " << error;
  return value.value_or(-12345);
}

std::string size_error(const std::string& text) {
  std::string error;
  const auto value = parse_size(text, &error);
  EXPECT_FALSE(value.has_value()) << text << " parsed as " << value.value_or(0);
  return error;
}

TEST(ParseDuration, EveryUnit) {
  EXPECT_EQ(duration_ok("250ns"), 250);
  EXPECT_EQ(duration_ok("10us"), 10'000);
  EXPECT_EQ(duration_ok("10\u00b5s"), 10'000);  // micro sign
  EXPECT_EQ(duration_ok("10\u03bcs"), 10'000);  // Greek mu
  EXPECT_EQ(duration_ok("7ms"), 7'000'000);
  EXPECT_EQ(duration_ok("3s"), 3'000'000'000);
  EXPECT_EQ(duration_ok("1m"), 60'000'000'000);
  EXPECT_EQ(duration_ok("2h"), 7'200'000'000'000);
}

TEST(ParseDuration, DecimalsAreExact) {
  EXPECT_EQ(duration_ok("1.5ms"), 1'500'000);
  // 0.1 has no exact double; digit arithmetic still gives exactly 1e8 ns.
  EXPECT_EQ(duration_ok("0.1s"), 100'000'000);
  EXPECT_EQ(duration_ok("1.000000001s"), 1'000'000'001);
  EXPECT_EQ(duration_ok("1.25us"), 1'250);
  EXPECT_EQ(duration_ok("0.5m"), 30'000'000'000);
  EXPECT_EQ(duration_ok(".5s"), 500'000'000);
  EXPECT_EQ(duration_ok("1.50000000000000000000000000s"), 1'500'000'000);  // trailing zeros are free
  EXPECT_EQ(duration_ok("0000000000000000000000012ns"), 12);                // so are leading ones
}

TEST(ParseDuration, ZeroSignsAndSpaces) {
  EXPECT_EQ(duration_ok("0"), 0);
  EXPECT_EQ(duration_ok("0.0"), 0);
  EXPECT_EQ(duration_ok("0ms"), 0);
  EXPECT_EQ(duration_ok("-5ms"), -5'000'000);
  EXPECT_EQ(duration_ok("+5ms"), 5'000'000);
  EXPECT_EQ(duration_ok("10 ms"), 10'000'000);
}

TEST(ParseDuration, Int64Edges) {
  EXPECT_EQ(duration_ok("9223372036854775807ns"), kInt64Max);
  EXPECT_EQ(duration_ok("-9223372036854775808ns"), kInt64Min);
  // 2562047 h = 9223369200 s fits; 2562048 h = 9223372800 s is past 2^63 ns.
  EXPECT_EQ(duration_ok("2562047h"), 9'223'369'200'000'000'000);
  const std::string too_big =
      " does not fit; the maximum duration is 9223372036854775807ns (about 292 years)";
  EXPECT_EQ(duration_error("2562048h"), "\"2562048h\"" + too_big);
  EXPECT_EQ(duration_error("9223372036854775808ns"), "\"9223372036854775808ns\"" + too_big);
  EXPECT_EQ(duration_error("-9223372036854775809ns"), "\"-9223372036854775809ns\"" + too_big);
  EXPECT_EQ(duration_error("99999999999999999999s"), "\"99999999999999999999s\"" + too_big);
}

TEST(ParseDuration, FinerThanANanosecond) {
  EXPECT_EQ(duration_error("1.5ns"), "1.5ns: finer than 1 ns");
  EXPECT_EQ(duration_error("0.0001us"), "0.0001us: finer than 1 ns");
  EXPECT_EQ(duration_error("1.0000000001s"), "1.0000000001s: finer than 1 ns");
  // Far more decimals than 128 bits could multiply: still rejected cleanly.
  EXPECT_EQ(duration_error("1.0000000000000000000000000001h"),
            "1.0000000000000000000000000001h: finer than 1 ns");
}

TEST(ParseDuration, RejectsNonDurations) {
  EXPECT_EQ(duration_error("fast"), "expected a duration like \"10ms\", got \"fast\"");
  EXPECT_EQ(duration_error(""), "expected a duration like \"10ms\", got \"\"");
  EXPECT_EQ(duration_error("ms"), "expected a duration like \"10ms\", got \"ms\"");
  EXPECT_EQ(duration_error("5"), "expected a duration like \"10ms\"; a bare number needs a unit");
  EXPECT_EQ(duration_error("1.5"), "expected a duration like \"10ms\"; a bare number needs a unit");
  EXPECT_EQ(duration_error("10sec"),
            "expected a duration like \"10ms\", got \"10sec\"; units are ns, us, ms, s, m, h");
  EXPECT_EQ(duration_error("10MS"),
            "expected a duration like \"10ms\", got \"10MS\"; units are ns, us, ms, s, m, h");
  EXPECT_EQ(duration_error("1.5.5ms"),
            "expected a duration like \"10ms\", got \"1.5.5ms\"; units are ns, us, ms, s, m, h");
}

TEST(ParseDuration, NullErrorPointerIsAllowed) {
  EXPECT_FALSE(parse_duration("x", nullptr).has_value());
  EXPECT_EQ(parse_duration("2s", nullptr), 2'000'000'000);
}

TEST(ParseSize, EveryUnit) {
  EXPECT_EQ(size_ok("512"), 512);
  EXPECT_EQ(size_ok("1B"), 1);
  EXPECT_EQ(size_ok("8KiB"), 8'192);
  EXPECT_EQ(size_ok("1MiB"), 1'048'576);
  EXPECT_EQ(size_ok("3GiB"), 3'221'225'472);
  EXPECT_EQ(size_ok("1TiB"), 1'099'511'627'776);
  EXPECT_EQ(size_ok("4KB"), 4'000);
  EXPECT_EQ(size_ok("5MB"), 5'000'000);
  EXPECT_EQ(size_ok("2GB"), 2'000'000'000);
  EXPECT_EQ(size_ok("7TB"), 7'000'000'000'000);
  EXPECT_EQ(size_ok("64 KiB"), 65'536);
}

TEST(ParseSize, DecimalsMustBeWholeBytes) {
  EXPECT_EQ(size_ok("1.5KiB"), 1'536);
  EXPECT_EQ(size_ok("0.25MiB"), 262'144);
  EXPECT_EQ(size_ok("1.5GB"), 1'500'000'000);
  EXPECT_EQ(size_ok("2.0"), 2);
  EXPECT_EQ(size_error("1.3KiB"), "\"1.3KiB\" is not a whole number of bytes");  // 1331.2
  EXPECT_EQ(size_error("0.5B"), "\"0.5B\" is not a whole number of bytes");
  EXPECT_EQ(size_error("1.5"), "\"1.5\" is not a whole number of bytes");
  EXPECT_EQ(size_error("1.0000000000000000001KiB"),
            "\"1.0000000000000000001KiB\" has more than 18 decimal places");
}

TEST(ParseSize, Overflow) {
  // 8388607 TiB = 2^63 - 2^40 fits; 8388608 TiB = 2^63 does not.
  EXPECT_EQ(size_ok("8388607TiB"), 9'223'370'937'343'148'032);
  EXPECT_EQ(size_ok("9223372036854775807"), kInt64Max);
  const std::string too_big =
      " does not fit; the maximum size is 9223372036854775807 bytes (8 EiB)";
  EXPECT_EQ(size_error("8388608TiB"), "\"8388608TiB\"" + too_big);
  EXPECT_EQ(size_error("9223372036854775808"), "\"9223372036854775808\"" + too_big);
}

TEST(ParseSize, RejectsNonSizes) {
  EXPECT_EQ(size_error("big"), "expected a size like \"64KiB\", got \"big\"");
  EXPECT_EQ(size_error("12XB"),
            "expected a size like \"64KiB\", got \"12XB\"; units are B, KiB, MiB, GiB, TiB, KB, "
            "MB, GB, TB");
  EXPECT_EQ(size_error("8kib"),
            "expected a size like \"64KiB\", got \"8kib\"; units are B, KiB, MiB, GiB, TiB, KB, "
            "MB, GB, TB");
}

TEST(FormatSize, LargestExactBinaryUnit) {
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(1), "1B");
  EXPECT_EQ(format_size(1'000), "1000B");  // 0.9765625 KiB: below one KiB
  EXPECT_EQ(format_size(1'025), "1025B");  // 1.0009765625 KiB needs 10 decimals
  EXPECT_EQ(format_size(8'192), "8KiB");
  EXPECT_EQ(format_size(1'536), "1.5KiB");
  EXPECT_EQ(format_size(1'152), "1.125KiB");
  EXPECT_EQ(format_size(1'088), "1088B");  // 1.0625 KiB needs 4 decimals
  EXPECT_EQ(format_size(1'572'864), "1.5MiB");
  EXPECT_EQ(format_size(10'485'760'000), "10000MiB");  // 9.765625 GiB needs 6 decimals
  EXPECT_EQ(format_size(1'073'741'824), "1GiB");
  EXPECT_EQ(format_size(1'099'511'627'776), "1TiB");
  EXPECT_EQ(format_size(-8'192), "-8KiB");
  EXPECT_EQ(format_size(kInt64Max), "9223372036854775807B");
}

TEST(FormatDurationExact, ShortestExactForm) {
  EXPECT_EQ(format_duration_exact(0), "0s");
  EXPECT_EQ(format_duration_exact(250), "250ns");
  EXPECT_EQ(format_duration_exact(1'250), "1.25us");
  EXPECT_EQ(format_duration_exact(1'500'000), "1.5ms");
  EXPECT_EQ(format_duration_exact(1'000'000'001), "1.000000001s");
  EXPECT_EQ(format_duration_exact(90'000'000'000), "90s");  // 1.5 minutes: not whole
  EXPECT_EQ(format_duration_exact(60'000'000'000), "1m");
  EXPECT_EQ(format_duration_exact(5'400'000'000'000), "90m");
  EXPECT_EQ(format_duration_exact(7'200'000'000'000), "2h");
  EXPECT_EQ(format_duration_exact(-1'000), "-1us");
}

TEST(FormatDurationExact, RoundTripsThroughParse) {
  for (sim::Duration d : {sim::Duration{1}, sim::Duration{999}, sim::Duration{1'001},
                          sim::Duration{123'456'789}, sim::Duration{90'000'000'000},
                          sim::Duration{-42}, kInt64Max, kInt64Min}) {
    EXPECT_EQ(duration_ok(format_duration_exact(d)), d) << format_duration_exact(d);
  }
}

}  // namespace
}  // namespace concsim::load
