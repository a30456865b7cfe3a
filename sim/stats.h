// Run statistics: counters, time-weighted averages and latency distributions.
//
// Integrals are kept in 128-bit integers, so the time-weighted mean of an
// integer signal (a queue length, bytes in use) is exact until it is divided
// at the edge. Latency percentiles are exact: every sample is kept (8 bytes
// each) and a percentile is the nearest-rank value, sorted[ceil(p * n) - 1].
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/detail/int128.h"
#include "sim/time.h"

namespace concsim::sim {

// A signal that holds a value between changes, e.g. a queue length.
class TimeWeighted {
 public:
  explicit TimeWeighted(Time start = 0, std::int64_t initial = 0);

  void set(Time now, std::int64_t value);
  void add(Time now, std::int64_t delta) { set(now, value_ + delta); }

  [[nodiscard]] std::int64_t value() const { return value_; }
  [[nodiscard]] std::int64_t max() const { return max_; }
  // The mean over [start, end]; the current value holds after the last change.
  // Requires end >= the last change; returns the value itself for an empty span.
  [[nodiscard]] double mean(Time end) const;

 private:
  Time start_;
  Time last_change_;
  std::int64_t value_;
  std::int64_t max_;
  detail::Int128 integral_ = 0;  // sum of value * duration, value-ns
};

// Durations (latencies) with exact nearest-rank percentiles.
class LatencyRecorder {
 public:
  void record(Duration d);

  [[nodiscard]] std::uint64_t count() const { return samples_.size(); }
  [[nodiscard]] Duration min() const { return count() ? min_ : 0; }
  [[nodiscard]] Duration max() const { return count() ? max_ : 0; }
  // Mean rounded to the nearest nanosecond (half away from zero); 0 if empty.
  [[nodiscard]] Duration mean() const;
  // Nearest-rank percentile for p in [0, 100]: the smallest sample such that at
  // least p % of the samples are at or below it. 0 if empty. Reorders the
  // samples: each call selects its rank (std::nth_element) between the
  // ranks selected before, so the usual four percentiles of a million
  // samples cost a few passes rather than a full sort.
  Duration percentile(double p);

  // Adds every sample of `other` (for runs made of several parts, such as
  // several event-loop processes).
  void merge(const LatencyRecorder& other);

  [[nodiscard]] std::size_t memory_bytes() const { return samples_.capacity() * sizeof(Duration); }
  void reserve(std::size_t n) { samples_.reserve(n); }

 private:
  std::vector<Duration> samples_;
  detail::Int128 sum_ = 0;
  Duration min_ = 0;
  Duration max_ = 0;
  bool sorted_ = true;  // recorded in order: every rank is in place
  // Ranks in place since the last record(), ascending: samples_[r] is the
  // r-th smallest, and no sample before it is larger, none after smaller.
  std::vector<std::size_t> placed_;
};

}  // namespace concsim::sim
