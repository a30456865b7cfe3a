// Distributions: sample moments against closed forms, with tolerances derived
// from the sample size, and Distribution::mean().
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/random.h"

namespace concsim::sim {
namespace {

constexpr int kN = 400'000;

struct Moments {
  double mean;
  double variance;
};

Moments sample_moments(const Distribution& d, RandomStream rng, int n = kN) {
  // Welford's update in long double keeps the variance free of cancellation.
  long double mean = 0;
  long double m2 = 0;
  for (int i = 1; i <= n; ++i) {
    const long double x = d.sample(rng);
    const long double delta = x - mean;
    mean += delta / i;
    m2 += delta * (x - mean);
  }
  return {static_cast<double>(mean), static_cast<double>(m2 / (n - 1))};
}

// Five standard errors. The sample mean has standard error sd / sqrt(N); the
// sample variance has standard error var * sqrt((kurtosis - 1) / N), where
// kurtosis is the fourth central moment over var^2. A correct sampler lands
// outside five standard errors with probability below 1e-6 (normal
// approximation, excellent at N = 400,000), while a wrong parameter, a
// swapped argument or a biased transform moves the moments by far more.
void expect_moments(const Distribution& d, RandomStream rng, double mean, double variance,
                    double kurtosis) {
  const Moments m = sample_moments(d, rng);
  const double n = kN;
  const double mean_tol = 5 * std::sqrt(variance / n);
  const double var_tol = 5 * variance * std::sqrt((kurtosis - 1) / n);
  EXPECT_NEAR(m.mean, mean, mean_tol);
  EXPECT_NEAR(m.variance, variance, var_tol);
}

RandomStream named(const char* name) { return RandomStream::derive(20240611, name); }

TEST(Distribution, ConstantIsExact) {
  const Distribution d = Distribution::constant(2.5);
  RandomStream rng = named("constant");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(d.sample(rng), 2.5);
  EXPECT_EQ(d.mean(), 2.5);
  EXPECT_TRUE(d.is_constant());
  EXPECT_EQ(d.kind(), Distribution::Kind::kConstant);
}

// Uniform on [a, b): variance (b - a)^2 / 12, kurtosis 9/5.
TEST(Distribution, UniformMoments) {
  const Distribution d = Distribution::uniform(-1.0, 3.0);
  expect_moments(d, named("uniform"), 1.0, 16.0 / 12.0, 1.8);
  RandomStream rng = named("uniform-range");
  for (int i = 0; i < 100'000; ++i) {
    const double x = d.sample(rng);
    ASSERT_GE(x, -1.0);
    ASSERT_LT(x, 3.0);
  }
  EXPECT_EQ(d.mean(), 1.0);
  EXPECT_EQ(d.param_a(), -1.0);
  EXPECT_EQ(d.param_b(), 3.0);
  EXPECT_FALSE(d.is_constant());
}

TEST(Distribution, DegenerateUniformAndNormal) {
  RandomStream rng = named("degenerate");
  const Distribution u = Distribution::uniform(4.0, 4.0);
  const Distribution n = Distribution::normal(-3.0, 0.0);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(u.sample(rng), 4.0);
    ASSERT_EQ(n.sample(rng), -3.0);
  }
}

// Exponential with mean m: variance m^2, kurtosis 9. P(X > m) = 1/e.
TEST(Distribution, ExponentialMoments) {
  const Distribution d = Distribution::exponential(2.0);
  expect_moments(d, named("exponential"), 2.0, 4.0, 9.0);
  EXPECT_EQ(d.mean(), 2.0);

  RandomStream rng = named("exponential-tail");
  int above = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = d.sample(rng);
    ASSERT_GE(x, 0.0);
    ASSERT_TRUE(std::isfinite(x));
    if (x > 2.0) ++above;
  }
  const double p = std::exp(-1.0);
  EXPECT_NEAR(above / static_cast<double>(kN), p, 5 * std::sqrt(p * (1 - p) / kN));
}

// Normal: kurtosis 3, and P(|X - mean| < sd) = erf(1 / sqrt 2) = 0.682689.
TEST(Distribution, NormalMoments) {
  const Distribution d = Distribution::normal(10.0, 3.0);
  expect_moments(d, named("normal"), 10.0, 9.0, 3.0);
  EXPECT_EQ(d.mean(), 10.0);

  RandomStream rng = named("normal-shape");
  int within = 0;
  int below = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = d.sample(rng);
    if (std::fabs(x - 10.0) < 3.0) ++within;
    if (x < 10.0) ++below;
  }
  const double p1 = std::erf(1 / std::sqrt(2.0));
  EXPECT_NEAR(within / static_cast<double>(kN), p1, 5 * std::sqrt(p1 * (1 - p1) / kN));
  EXPECT_NEAR(below / static_cast<double>(kN), 0.5, 5 * std::sqrt(0.25 / kN));
}

// Lognormal(mu, s): mean e^(mu + s^2/2), variance (e^(s^2) - 1) e^(2 mu + s^2),
// kurtosis e^(4 s^2) + 2 e^(3 s^2) + 3 e^(2 s^2) - 3.
TEST(Distribution, LognormalMoments) {
  const double mu = 0.2;
  const double s = 0.5;
  const double s2 = s * s;
  const Distribution d = Distribution::lognormal(mu, s);
  const double mean = std::exp(mu + s2 / 2);
  const double variance = (std::exp(s2) - 1) * std::exp(2 * mu + s2);
  const double kurtosis = std::exp(4 * s2) + 2 * std::exp(3 * s2) + 3 * std::exp(2 * s2) - 3;
  expect_moments(d, named("lognormal"), mean, variance, kurtosis);
  EXPECT_NEAR(d.mean(), mean, 4 * mean * 0x1.0p-52);

  // The logarithm of a lognormal sample is normal(mu, s): its median is mu.
  RandomStream rng = named("lognormal-median");
  int below = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = d.sample(rng);
    ASSERT_GT(x, 0.0);
    if (x < std::exp(mu)) ++below;
  }
  EXPECT_NEAR(below / static_cast<double>(kN), 0.5, 5 * std::sqrt(0.25 / kN));
}

// Values {1, 2, 10} with weights {1, 1, 2}: probabilities 1/4, 1/4, 1/2.
// Mean 5.75; E[X^2] = 0.25 + 1 + 50 = 51.25, variance 18.1875; fourth central
// moment 0.25 * 4.75^4 + 0.25 * 3.75^4 + 0.5 * 4.25^4.
TEST(Distribution, EmpiricalMoments) {
  const Distribution d = Distribution::empirical({1.0, 2.0, 10.0}, {1.0, 1.0, 2.0});
  const double variance = 18.1875;
  const double mu4 =
      0.25 * std::pow(4.75, 4) + 0.25 * std::pow(3.75, 4) + 0.5 * std::pow(4.25, 4);
  expect_moments(d, named("empirical"), 5.75, variance, mu4 / (variance * variance));
  EXPECT_EQ(d.mean(), 5.75);
  EXPECT_EQ(d.cumulative_weights(), (std::vector<double>{1.0, 2.0, 4.0}));
  EXPECT_EQ(d.values(), (std::vector<double>{1.0, 2.0, 10.0}));

  RandomStream rng = named("empirical-freq");
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < kN; ++i) {
    const double x = d.sample(rng);
    if (x == 1.0) {
      ++counts[0];
    } else if (x == 2.0) {
      ++counts[1];
    } else {
      ASSERT_EQ(x, 10.0);
      ++counts[2];
    }
  }
  const double probs[3] = {0.25, 0.25, 0.5};
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(counts[k] / static_cast<double>(kN), probs[k],
                5 * std::sqrt(probs[k] * (1 - probs[k]) / kN));
  }
}

TEST(Distribution, EmpiricalZeroWeightIsNeverDrawn) {
  const Distribution d = Distribution::empirical({1.0, 2.0, 3.0, 4.0}, {1.0, 0.0, 1.0, 0.0});
  RandomStream rng = named("empirical-zero");
  for (int i = 0; i < 100'000; ++i) {
    const double x = d.sample(rng);
    ASSERT_TRUE(x == 1.0 || x == 3.0) << x;
  }
  EXPECT_EQ(d.mean(), 2.0);
}

TEST(Distribution, EmpiricalSingleValue) {
  const Distribution d = Distribution::empirical({7.0}, {0.3});
  RandomStream rng = named("empirical-one");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(d.sample(rng), 7.0);
  // 7 * 0.3 / 0.3 is not exactly 7 in binary floating point.
  EXPECT_DOUBLE_EQ(d.mean(), 7.0);
}

TEST(Distribution, MeanClosedForms) {
  EXPECT_EQ(Distribution::uniform(2.0, 6.0).mean(), 4.0);
  EXPECT_EQ(Distribution::exponential(3.0).mean(), 3.0);
  EXPECT_EQ(Distribution::normal(-5.0, 2.0).mean(), -5.0);
  // exp(0.5 + 0.5^2 / 2) = exp(0.625).
  EXPECT_NEAR(Distribution::lognormal(0.5, 0.5).mean(), 1.8682459574322223, 1e-15);
  EXPECT_EQ(Distribution::lognormal(0.0, 0.0).mean(), 1.0);
  // (1 * 1 + 2 * 3) / 4.
  EXPECT_EQ(Distribution::empirical({1.0, 2.0}, {1.0, 3.0}).mean(), 1.75);
}

// Same stream state, same samples: draws depend on nothing but the stream.
TEST(Distribution, SamplesAreReproducible) {
  const Distribution d = Distribution::normal(0.0, 1.0);
  RandomStream a = named("repro");
  RandomStream b = named("repro");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(d.sample(a), d.sample(b));
  EXPECT_EQ(a.state(), b.state());
}

}  // namespace
}  // namespace concsim::sim
