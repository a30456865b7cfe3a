#include "sim/random.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/check.h"
#include "sim/detail/int128.h"
#include "sim/detail/portable_math.h"

namespace concsim::sim {

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

RandomStream RandomStream::derive(std::uint64_t seed, std::string_view name) {
  return RandomStream(mix64(mix64(seed ^ 0x6a09e667f3bcc909ULL) ^ fnv1a64(name)));
}

RandomStream RandomStream::derive(std::uint64_t seed, std::string_view name,
                                  std::uint64_t index) {
  return derive(seed, name).indexed(index);
}

RandomStream RandomStream::indexed(std::uint64_t index) const {
  return RandomStream(mix64(state_ + 0x9e3779b97f4a7c15ULL * (index + 1)));
}

RandomStream RandomStream::split() { return RandomStream(mix64(next_u64() ^ 0xbb67ae8584caa73bULL)); }

std::uint64_t RandomStream::next_u64() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return mix64(state_);
}

double RandomStream::next_unit() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

std::uint64_t RandomStream::next_below(std::uint64_t n) {
  CONCSIM_CHECK(n > 0);
  // Lemire, "Fast Random Integer Generation in an Interval" (2019).
  detail::UInt128 m = static_cast<detail::UInt128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<detail::UInt128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

Distribution Distribution::constant(double v) {
  Distribution d;
  d.kind_ = Kind::kConstant;
  d.a_ = v;
  return d;
}

Distribution Distribution::uniform(double low, double high) {
  CONCSIM_CHECK(low <= high);
  Distribution d;
  d.kind_ = Kind::kUniform;
  d.a_ = low;
  d.b_ = high;
  return d;
}

Distribution Distribution::exponential(double mean) {
  CONCSIM_CHECK(mean > 0);
  Distribution d;
  d.kind_ = Kind::kExponential;
  d.a_ = mean;
  return d;
}

Distribution Distribution::normal(double mean, double stddev) {
  CONCSIM_CHECK(stddev >= 0);
  Distribution d;
  d.kind_ = Kind::kNormal;
  d.a_ = mean;
  d.b_ = stddev;
  return d;
}

Distribution Distribution::lognormal(double mu, double sigma) {
  CONCSIM_CHECK(sigma >= 0);
  Distribution d;
  d.kind_ = Kind::kLognormal;
  d.a_ = mu;
  d.b_ = sigma;
  return d;
}

Distribution Distribution::empirical(std::vector<double> values, std::vector<double> weights) {
  CONCSIM_CHECK(!values.empty() && values.size() == weights.size());
  Distribution d;
  d.kind_ = Kind::kEmpirical;
  double total = 0;
  d.cumulative_.reserve(weights.size());
  for (double w : weights) {
    CONCSIM_CHECK(w >= 0);
    total += w;
    d.cumulative_.push_back(total);
  }
  CONCSIM_CHECK(total > 0);
  d.values_ = std::move(values);
  return d;
}

namespace {

double polar_normal(RandomStream& rng) {
  for (;;) {
    const double v1 = 2 * rng.next_unit() - 1;
    const double v2 = 2 * rng.next_unit() - 1;
    const double s = v1 * v1 + v2 * v2;
    if (s >= 1 || s == 0) continue;
    return v1 * std::sqrt(-2 * detail::portable_log(s) / s);
  }
}

}  // namespace

double Distribution::sample(RandomStream& rng) const {
  switch (kind_) {
    case Kind::kConstant:
      return a_;
    case Kind::kUniform:
      return a_ + (b_ - a_) * rng.next_unit();
    case Kind::kExponential:
      return -a_ * detail::portable_log(1 - rng.next_unit());
    case Kind::kNormal:
      return a_ + b_ * polar_normal(rng);
    case Kind::kLognormal:
      return detail::portable_exp(a_ + b_ * polar_normal(rng));
    case Kind::kEmpirical: {
      const double target = rng.next_unit() * cumulative_.back();
      const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
      const auto k = static_cast<std::size_t>(it - cumulative_.begin());
      return values_[std::min(k, values_.size() - 1)];
    }
  }
  return a_;
}

double Distribution::mean() const {
  switch (kind_) {
    case Kind::kConstant:
      return a_;
    case Kind::kUniform:
      return (a_ + b_) / 2;
    case Kind::kExponential:
      return a_;
    case Kind::kNormal:
      return a_;
    case Kind::kLognormal:
      return detail::portable_exp(a_ + b_ * b_ / 2);
    case Kind::kEmpirical: {
      double prev = 0;
      double acc = 0;
      for (std::size_t i = 0; i < values_.size(); ++i) {
        acc += values_[i] * (cumulative_[i] - prev);
        prev = cumulative_[i];
      }
      return acc / cumulative_.back();
    }
  }
  return a_;
}

}  // namespace concsim::sim
