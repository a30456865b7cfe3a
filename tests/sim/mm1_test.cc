// The M/M/1 model of the peer comparison (tools/bench/mm1.h): it serves
// every customer with exactly two kernel events each, is deterministic for a
// seed, and agrees with queueing theory, W = 1 / (mu - lambda).
#include "tools/bench/mm1.h"

#include <gtest/gtest.h>

namespace concsim::bench {
namespace {

TEST(MM1, TwoEventsPerCustomer) {
  MM1Params p;
  p.customers = 1000;
  const MM1Result r = run_mm1(p);
  EXPECT_EQ(r.customers, 1000u);
  EXPECT_EQ(r.events, 2000u);
  EXPECT_EQ(r.kernel_events, 2000u);
}

TEST(MM1, SameSeedSameRunOtherSeedOtherRun) {
  MM1Params p;
  p.customers = 5000;
  const MM1Result a = run_mm1(p);
  const MM1Result b = run_mm1(p);
  EXPECT_EQ(a.mean_time_in_system, b.mean_time_in_system);
  EXPECT_EQ(a.end_time, b.end_time);
  p.seed = 2;
  EXPECT_NE(run_mm1(p).mean_time_in_system, a.mean_time_in_system);
}

// 200,000 customers: the sample mean lies within a few per cent of theory
// (for rho = 0.8 its standard error is about 1.5%; the bound allows 5%).
TEST(MM1, MeanTimeInSystemMatchesTheory) {
  for (const double lambda : {0.2, 0.5, 0.8}) {
    MM1Params p;
    p.lambda = lambda;
    p.mu = 1.0;
    p.customers = 200'000;
    const MM1Result r = run_mm1(p);
    const double theory = 1.0 / (p.mu - p.lambda);
    EXPECT_NEAR(r.mean_time_in_system, theory, 0.05 * theory) << "lambda " << lambda;
    // Customers arrive at rate lambda: the run lasts about customers / lambda.
    EXPECT_NEAR(r.end_time, static_cast<double>(p.customers) / lambda,
                0.02 * static_cast<double>(p.customers) / lambda)
        << "lambda " << lambda;
  }
}

}  // namespace
}  // namespace concsim::bench
