// The mean of a figure over a point's replications and its 95 % confidence
// interval, from Student's t distribution: mean +- t(0.975, n - 1) * s / sqrt(n),
// s the sample standard deviation. The replications are independent runs
// (each its own seed), so the interval covers the figure's expected value in
// about 95 % of sweeps when the per-run figures are near normal, which
// averages over many requests are (tests/sweep checks the coverage on an
// M/M/1 queue).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace concsim::sweep {

struct Interval {
  std::size_t n = 0;  // the runs it rests on (those that measured the figure)
  double mean = 0;
  double low = 0;     // with n < 2, low == high == mean: no interval
  double high = 0;

  [[nodiscard]] bool measured() const { return n > 0; }
  [[nodiscard]] bool has_interval() const { return n >= 2; }
  [[nodiscard]] double half_width() const { return (high - low) / 2; }
};

// t such that P(T <= t) = 0.975 for Student's t with `df` degrees of
// freedom (df >= 1): exact to the table's 4 decimals for df <= 30, the
// Cornish-Fisher expansion beyond (error below 1e-4 there).
double student_t975(std::size_t df);

Interval interval_of(const std::vector<double>& values);

// Whether `value` lies in [i.low, i.high] widened by `ppm` parts per million
// of |mean| on each side.
bool within(const Interval& i, double value, std::int64_t ppm);

// "4.6 ± 2.0": half the interval to two significant digits and the mean to
// as many decimals; with no interval, the mean with `decimals`.
std::string plus_minus(const Interval& i, int decimals);
// The same for nanoseconds, in the unit the mean reads best in:
// "2.91ms ± 0.52ms"; "2.912ms" without an interval.
std::string plus_minus_duration(const Interval& i);

}  // namespace concsim::sweep
