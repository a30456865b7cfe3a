#include "app/sweep/interval.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

#include "app/report/svg.h"
#include "sim/time.h"

namespace concsim::sweep {

double student_t975(std::size_t df) {
  // t(0.975, df) for df = 1..30: the standard table (e.g. NIST/SEMATECH
  // e-Handbook of Statistical Methods, 1.3.6.7.2, "Critical values of the
  // Student's t distribution", column 0.975).
  static constexpr std::array<double, 30> kTable{
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
      2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return 0;
  if (df <= kTable.size()) return kTable[df - 1];
  // Cornish-Fisher expansion of t in powers of 1/df around the normal
  // quantile z = 1.959964 (Abramowitz and Stegun 26.7.5).
  const double z = 1.959963984540054;
  const double n = static_cast<double>(df);
  const double z3 = z * z * z;
  const double z5 = z3 * z * z;
  const double z7 = z5 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}

Interval interval_of(const std::vector<double>& values) {
  Interval i;
  i.n = values.size();
  if (i.n == 0) return i;
  double sum = 0;
  for (double v : values) sum += v;
  i.mean = sum / static_cast<double>(i.n);
  i.low = i.high = i.mean;
  if (i.n < 2) return i;
  double squares = 0;
  for (double v : values) squares += (v - i.mean) * (v - i.mean);
  const double sd = std::sqrt(squares / static_cast<double>(i.n - 1));
  const double half = student_t975(i.n - 1) * sd / std::sqrt(static_cast<double>(i.n));
  i.low = i.mean - half;
  i.high = i.mean + half;
  return i;
}

namespace {

// Decimals that show `half` to two significant digits (0 to 9).
int decimals_for_half(double half) {
  int d = 1;
  double bound = 10;  // half >= bound: fewer decimals
  while (d > 0 && half >= bound) {
    --d;
    bound *= 10;
  }
  double low = 1;
  while (d < 9 && half > 0 && half < low) {
    ++d;
    low /= 10;
  }
  return d;
}

}  // namespace

std::string plus_minus(const Interval& i, int decimals) {
  if (!i.has_interval()) return report::fixed_decimal(i.mean, decimals);
  const int d = decimals_for_half(i.half_width());
  return report::fixed_decimal(i.mean, d) + " ± " + report::fixed_decimal(i.half_width(), d);
}

std::string plus_minus_duration(const Interval& i) {
  if (!i.has_interval()) return sim::format_duration(std::llround(i.mean));
  const double m = std::fabs(i.mean);
  const char* unit = "ns";
  double scale = 1;
  for (const auto& [u, s] : {std::pair<const char*, double>{"s", 1e9}, {"ms", 1e6}, {"us", 1e3}}) {
    if (m >= s) {
      unit = u;
      scale = s;
      break;
    }
  }
  Interval scaled = i;
  scaled.mean /= scale;
  scaled.low /= scale;
  scaled.high /= scale;
  const int d = decimals_for_half(scaled.half_width());
  return report::fixed_decimal(scaled.mean, d) + unit + " ± " + report::fixed_decimal(scaled.half_width(), d) + unit;
}

bool within(const Interval& i, double value, std::int64_t ppm) {
  const double slack = std::fabs(i.mean) * static_cast<double>(ppm) / 1e6;
  return value >= i.low - slack && value <= i.high + slack;
}

}  // namespace concsim::sweep
