// Named, seeded random streams and the distributions drawn from them.
//
// A stream is SplitMix64 (Steele, Lea, Flood 2014): eight bytes of state, a
// Weyl sequence passed through a 64-bit finaliser. A stream's starting state is
// derived from (run seed, stream name) alone, so adding an entity never shifts
// the numbers another entity draws:
//
//   key(seed, name) = mix(mix(seed ^ 0x6a09e667f3bcc909) ^ fnv1a64(name))
//   key(seed, name, index) = mix(key(seed, name) + 0x9e3779b97f4a7c15 * (index + 1))
//   split(stream)          = mix(next_u64(stream) ^ 0xbb67ae8584caa73b)
//
// split() gives a child entity (a task started by another) a stream of its
// own that depends only on its parent's stream and the child's place among
// the parent's draws, not on anything else in the run.
//
// where mix is the SplitMix64 finaliser. The distributions are implemented
// here, not taken from <random>, whose algorithms differ between standard
// libraries; their logarithm and exponential are computed in portable code
// (sim/detail/portable_math.h) with basic IEEE operations only, so a seed
// gives the same numbers on every conforming machine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace concsim::sim {

// The SplitMix64 finaliser: a bijection on 64-bit words with good avalanche.
std::uint64_t mix64(std::uint64_t z);
// FNV-1a over the bytes of `s`.
std::uint64_t fnv1a64(std::string_view s);

class RandomStream {
 public:
  explicit RandomStream(std::uint64_t state = 0) : state_(state) {}

  static RandomStream derive(std::uint64_t seed, std::string_view name);
  static RandomStream derive(std::uint64_t seed, std::string_view name, std::uint64_t index);

  // derive(seed, name, index) == derive(seed, name).indexed(index): a
  // caller that derives many indexes of one name hashes the name once.
  [[nodiscard]] RandomStream indexed(std::uint64_t index) const;

  // The stream of a child entity; consumes one draw of this one.
  RandomStream split();

  std::uint64_t next_u64();
  // Uniform on [0, 1) with 53 random bits: (next_u64() >> 11) * 2^-53.
  double next_unit();
  // Uniform integer on [0, n) by Lemire's multiply-shift with rejection.
  std::uint64_t next_below(std::uint64_t n);

  [[nodiscard]] std::uint64_t state() const { return state_; }

 private:
  std::uint64_t state_;
};

// A distribution of non-negative or signed reals, sampled from a stream.
// Algorithms (u, u1, u2 uniform on [0,1) from next_unit()):
//   constant(v)            v
//   uniform(a, b)          a + (b - a) * u
//   exponential(mean)      -mean * log(1 - u)                         (inversion)
//   normal(mean, sd)       Marsaglia's polar method; the second variate is
//                          discarded so every draw is independent of the last
//   lognormal(mu, sigma)   exp(normal(mu, sigma))
//   empirical(v_i, w_i)    v_k for the first k with u * sum(w) < w_1 + ... + w_k
class Distribution {
 public:
  enum class Kind : std::uint8_t { kConstant, kUniform, kExponential, kNormal, kLognormal, kEmpirical };

  static Distribution constant(double v);
  static Distribution uniform(double low, double high);
  static Distribution exponential(double mean);
  static Distribution normal(double mean, double stddev);
  static Distribution lognormal(double mu, double sigma);
  // Requires equal, non-empty sizes, weights >= 0 with a positive sum.
  static Distribution empirical(std::vector<double> values, std::vector<double> weights);

  double sample(RandomStream& rng) const;

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool is_constant() const { return kind_ == Kind::kConstant; }
  // The distribution's exact mean (for lognormal, exp(mu + sigma^2 / 2)).
  [[nodiscard]] double mean() const;
  [[nodiscard]] double param_a() const { return a_; }
  [[nodiscard]] double param_b() const { return b_; }
  [[nodiscard]] const std::vector<double>& values() const { return values_; }
  [[nodiscard]] const std::vector<double>& cumulative_weights() const { return cumulative_; }

 private:
  Kind kind_ = Kind::kConstant;
  double a_ = 0;
  double b_ = 0;
  std::vector<double> values_;
  std::vector<double> cumulative_;
};

}  // namespace concsim::sim
