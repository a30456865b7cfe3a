#include "sim/stats.h"

#include <algorithm>
#include <cmath>

#include "sim/check.h"

namespace concsim::sim {

TimeWeighted::TimeWeighted(Time start, std::int64_t initial)
    : start_(start), last_change_(start), value_(initial), max_(initial) {}

void TimeWeighted::set(Time now, std::int64_t value) {
  CONCSIM_CHECK(now >= last_change_, "time-weighted signal set in the past");
  integral_ += static_cast<detail::Int128>(value_) * (now - last_change_);
  last_change_ = now;
  value_ = value;
  max_ = std::max(max_, value);
}

double TimeWeighted::mean(Time end) const {
  CONCSIM_CHECK(end >= last_change_);
  const detail::Int128 total = integral_ + static_cast<detail::Int128>(value_) * (end - last_change_);
  const Time span = end - start_;
  if (span <= 0) return static_cast<double>(value_);
  return static_cast<double>(total) / static_cast<double>(span);
}

void LatencyRecorder::record(Duration d) {
  if (samples_.empty()) {
    min_ = max_ = d;
  } else {
    min_ = std::min(min_, d);
    max_ = std::max(max_, d);
    if (d < samples_.back()) sorted_ = false;
  }
  placed_.clear();
  samples_.push_back(d);
  sum_ += d;
}

void LatencyRecorder::merge(const LatencyRecorder& other) {
  for (const Duration d : other.samples_) record(d);
}

Duration LatencyRecorder::mean() const {
  if (samples_.empty()) return 0;
  const auto n = static_cast<detail::Int128>(samples_.size());
  const detail::Int128 half = sum_ >= 0 ? n / 2 : -(n / 2);
  return static_cast<Duration>((sum_ + half) / n);
}

Duration LatencyRecorder::percentile(double p) {
  CONCSIM_CHECK(p >= 0 && p <= 100, "percentile outside [0, 100]");
  if (samples_.empty()) return 0;
  const auto n = static_cast<double>(samples_.size());
  // ceil(p/100 * n), computed so that exact products (p = 50, n = 10) do not
  // round up through floating-point error.
  double rank = std::ceil(p / 100.0 * n - 1e-9);
  if (rank < 1) rank = 1;
  const std::size_t r = static_cast<std::size_t>(rank) - 1;
  if (sorted_) return samples_[r];
  // Select rank r among the samples between the ranks already in place
  // around it: they bound it, and selecting inside them keeps them in place.
  const auto above = std::lower_bound(placed_.begin(), placed_.end(), r);
  if (above != placed_.end() && *above == r) return samples_[r];
  const std::size_t lo = above == placed_.begin() ? 0 : *(above - 1) + 1;
  const std::size_t hi = above == placed_.end() ? samples_.size() : *above;
  const auto base = samples_.begin();
  std::nth_element(base + static_cast<std::ptrdiff_t>(lo), base + static_cast<std::ptrdiff_t>(r),
                   base + static_cast<std::ptrdiff_t>(hi));
  placed_.insert(above, r);
  return samples_[r];
}

}  // namespace concsim::sim
