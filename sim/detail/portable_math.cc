#include "sim/detail/portable_math.h"

#include <cmath>
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
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2;
    e -= 1;
  }
  // m in [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(f) with f = (m-1)/(m+1),
  // |f| <= 0.1716, so f^2 <= 0.02944 and 12 odd terms reach 1e-19.
  const double f = (m - 1) / (m + 1);
  const double f2 = f * f;
  double term = f;
  double sum = 0;
  for (int k = 1; k <= 25; k += 2) {
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
