// The portable logarithm and exponential against the C library, in ulp.
#include "sim/detail/portable_math.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace concsim::sim::detail {
namespace {

// glibc's log and exp are correctly rounded or within one ulp; the portable
// versions promise "a few ulp". Four ulp leaves room for both errors.
constexpr std::uint64_t kMaxUlp = 4;

// Maps doubles onto integers so that adjacent doubles differ by one, across
// zero and through the subnormals.
std::int64_t ordered(double x) {
  const auto i = std::bit_cast<std::int64_t>(x);
  return i < 0 ? std::numeric_limits<std::int64_t>::min() - i : i;
}

std::uint64_t ulp_distance(double a, double b) {
  const std::int64_t ia = ordered(a);
  const std::int64_t ib = ordered(b);
  return ia > ib ? static_cast<std::uint64_t>(ia) - static_cast<std::uint64_t>(ib)
                 : static_cast<std::uint64_t>(ib) - static_cast<std::uint64_t>(ia);
}

::testing::AssertionResult close_in_ulp(double got, double want, double x) {
  if (std::isinf(want) && got == want) return ::testing::AssertionSuccess();
  const std::uint64_t d = ulp_distance(got, want);
  if (d <= kMaxUlp) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << std::hexfloat << "x=" << x << " got " << got
                                       << " want " << want << std::defaultfloat << " (" << d
                                       << " ulp)";
}

TEST(PortableMath, UlpDistanceHelper) {
  EXPECT_EQ(ulp_distance(1.0, std::nextafter(1.0, 2.0)), 1u);
  EXPECT_EQ(ulp_distance(0.0, -0.0), 0u);
  EXPECT_EQ(ulp_distance(std::numeric_limits<double>::denorm_min(),
                         -std::numeric_limits<double>::denorm_min()),
            2u);
}

TEST(PortableLog, ExactAndSpecialValues) {
  EXPECT_EQ(portable_log(1.0), 0.0);
  EXPECT_FALSE(std::signbit(portable_log(1.0)));
  EXPECT_EQ(portable_log(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(portable_log(std::numeric_limits<double>::infinity()),
            std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(portable_log(-1.0)));
  EXPECT_TRUE(std::isnan(portable_log(std::numeric_limits<double>::quiet_NaN())));
}

TEST(PortableLog, NamedPoints) {
  const double points[] = {
      std::numeric_limits<double>::denorm_min(),
      1e-320,
      std::numeric_limits<double>::min(),
      std::nextafter(std::numeric_limits<double>::min(), 0.0),  // largest subnormal
      1e-300,
      1e-10,
      0.1,
      0.5,
      0.70710678118654752440,
      0.9999999999,
      std::nextafter(1.0, 0.0),
      std::nextafter(1.0, 2.0),
      1.0000000001,
      1.4142135623730951,
      1.5,
      2.0,
      2.718281828459045,
      10.0,
      1e10,
      1e300,
      std::numeric_limits<double>::max(),
  };
  for (const double x : points) EXPECT_TRUE(close_in_ulp(portable_log(x), std::log(x), x));
  // Powers of two are exact multiples of ln 2 up to the split constant.
  for (int k = -1074; k <= 1023; ++k) {
    const double x = std::ldexp(1.0, k);
    ASSERT_TRUE(close_in_ulp(portable_log(x), std::log(x), x));
  }
}

// Random bit patterns cover every binade uniformly, subnormals included.
TEST(PortableLog, RandomBitPatterns) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 300'000; ++i) {
    const std::uint64_t bits = rng() & 0x7fffffffffffffffULL;
    const double x = std::bit_cast<double>(bits);
    if (!std::isfinite(x) || x == 0) continue;
    ASSERT_TRUE(close_in_ulp(portable_log(x), std::log(x), x));
  }
  // Dense near 1, where log is small and relative error is hardest.
  for (int i = 0; i < 100'000; ++i) {
    const double x = 0.5 + static_cast<double>(rng() >> 11) * 0x1.0p-53 * 1.5;
    ASSERT_TRUE(close_in_ulp(portable_log(x), std::log(x), x));
  }
  // Subnormals only.
  for (int i = 0; i < 20'000; ++i) {
    const double x = std::bit_cast<double>(rng() & 0x000fffffffffffffULL);
    if (x == 0) continue;
    ASSERT_TRUE(close_in_ulp(portable_log(x), std::log(x), x));
  }
}

TEST(PortableExp, ExactAndSpecialValues) {
  EXPECT_EQ(portable_exp(0.0), 1.0);
  EXPECT_EQ(portable_exp(-0.0), 1.0);
  EXPECT_EQ(portable_exp(710.0), std::numeric_limits<double>::infinity());
  EXPECT_EQ(portable_exp(1e300), std::numeric_limits<double>::infinity());
  EXPECT_EQ(portable_exp(std::numeric_limits<double>::infinity()),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(portable_exp(-746.0), 0.0);
  EXPECT_EQ(portable_exp(-std::numeric_limits<double>::infinity()), 0.0);
  EXPECT_TRUE(std::isnan(portable_exp(std::numeric_limits<double>::quiet_NaN())));
}

TEST(PortableExp, NamedPoints) {
  const double points[] = {
      1e-300, -1e-300, 1e-17, -1e-17, 1e-8, 0.5, -0.5, 1.0, -1.0, 0.34657359027997264,
      2.0, 10.0, -10.0, 100.0, -100.0, 700.0, 709.0, 709.78, 709.782712893384,
      -700.0, -708.0, -708.4, -708.5, -720.0, -740.0, -744.0, -745.0, -745.13,
  };
  for (const double x : points) EXPECT_TRUE(close_in_ulp(portable_exp(x), std::exp(x), x));
  // The largest finite result and the smallest subnormal one.
  EXPECT_TRUE(std::isfinite(portable_exp(709.782712893384)));
  EXPECT_GT(portable_exp(-745.13), 0.0);
}

TEST(PortableExp, RandomArguments) {
  std::mt19937_64 rng(11);
  // Uniform over the whole finite, non-zero result range.
  for (int i = 0; i < 300'000; ++i) {
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    const double x = -745.0 + u * (709.78 + 745.0);
    ASSERT_TRUE(close_in_ulp(portable_exp(x), std::exp(x), x));
  }
  // Small arguments of both signs over many binades.
  for (int i = 0; i < 100'000; ++i) {
    const double mag = std::ldexp(1.0 + static_cast<double>(rng() >> 11) * 0x1.0p-53,
                                  -static_cast<int>(rng() % 60));
    const double x = (rng() & 1) ? mag : -mag;
    ASSERT_TRUE(close_in_ulp(portable_exp(x), std::exp(x), x));
  }
}

// The two functions agree as inverses over the range sampling uses.
TEST(PortableMath, ExpOfLogRoundTrips) {
  std::mt19937_64 rng(13);
  for (int i = 0; i < 10'000; ++i) {
    const double x = std::ldexp(1.0 + static_cast<double>(rng() >> 11) * 0x1.0p-53,
                                static_cast<int>(rng() % 200) - 100);
    const double back = portable_exp(portable_log(x));
    // log's rounding error, amplified by |log x| <= 70, shows up relatively in exp.
    ASSERT_NEAR(back / x, 1.0, 1e-13) << x;
  }
}

}  // namespace
}  // namespace concsim::sim::detail
