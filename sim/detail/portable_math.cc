#include "sim/detail/portable_math.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace concsim::sim::detail {
namespace {

// ln 2 split so that k * kLn2Hi is exact for |k| < 2^11.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kSqrtHalf = 0.70710678118654752440;

}  // namespace

double portable_log(double x) {
  if (std::isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int e = 0;
  double m;  // x = m * 2^e, m in [0.5, 1), exactly as frexp gives them
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const auto biased = static_cast<int>(bits >> 52);  // x > 0: no sign bit
  if (biased != 0) {
    // A normal number: the exponent field, and the significand with the
    // exponent of 0.5 (a performance trick: the call to frexp cost a fifth
    // of this function; both are exact, so the results are the same).
    e = biased - 1022;
    bits = (bits & 0x000FFFFFFFFFFFFFULL) | 0x3FE0000000000000ULL;
    std::memcpy(&m, &bits, sizeof m);
  } else {
    m = std::frexp(x, &e);  // subnormal
  }
  if (m < kSqrtHalf) {
    m *= 2;
    e -= 1;
  }
  // m in [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(f) with f = (m-1)/(m+1),
  // |f| <= 0.1716, so f^2 <= 0.02944 and 12 odd terms reach 1e-19.
  const double f = (m - 1) / (m + 1);
  const double f2 = f * f;
  // The odd divisors as doubles, unrolled: the same operations in the same
  // order as dividing by the int k, without converting k each time.
  static constexpr double kOdd[] = {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25};
  double term = f;
  double sum = 0;
#pragma GCC unroll 13
  for (const double k : kOdd) {
    sum += term / k;
    term *= f2;
  }
  const double ed = static_cast<double>(e);
  return ed * kLn2Hi + (2 * sum + ed * kLn2Lo);
}

double portable_exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
  if (x < -745.1332191019412) return 0;
  // x = k ln2 + r with |r| <= ln2 / 2.
  const double kd = std::nearbyint(x / (kLn2Hi + kLn2Lo));
  const int k = static_cast<int>(kd);
  const double r = (x - kd * kLn2Hi) - kd * kLn2Lo;
  // Taylor series of e^r; |r| <= 0.3466, 20 terms reach well below 1e-17.
  double term = 1;
  double sum = 1;
  for (int n = 1; n <= 20; ++n) {
    term = term * r / n;
    sum += term;
  }
  // Scale in two steps so that 2^k is representable even when k < -1022.
  if (k < -1000) return std::ldexp(std::ldexp(sum, k + 1000), -1000);
  return std::ldexp(sum, k);
}

}  // namespace concsim::sim::detail
