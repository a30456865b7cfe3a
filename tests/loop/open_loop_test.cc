// Open-loop server workloads (`server.arrivals`): requests arrive on a
// schedule of their own, whether or not the previous one was answered, and
// a request's latency runs from its scheduled arrival. Expected figures are
// worked out by hand or from queueing theory.
#include <gtest/gtest.h>

#include <cmath>

#include "app/load/config.h"
#include "run_helpers.h"

namespace concsim::testing {
namespace {

class OpenLoop : public ::testing::TestWithParam<const char*> {};

TEST_P(OpenLoop, ArrivalTimesGoRoundRobinAndALateRequestWaitsOnItsConnection) {
  // Request j arrives at times[j] on connection j mod 2; each takes 5 ms.
  // conn0: 0 ms -> 5 ms; 2 ms arrives while busy, runs 5 -> 10 ms (8 ms).
  // conn1: 1 ms -> 6 ms; 2 ms arrives while busy, runs 6 -> 11 ms (9 ms).
  const auto r = run_text(R"(
machine: ideal
connections: 2
server:
  arrivals: {times: [0s, 1ms, 2ms, 2ms]}
  requests: 5
  handler: [{sleep: 5ms}]
)",
                          {std::string("model=") + GetParam()});
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.metrics.completed, 4u);
  EXPECT_EQ(r.metrics.latency.p50, ms(5));
  EXPECT_EQ(r.metrics.latency.max, ms(9));
  EXPECT_EQ(r.metrics.latency.mean, (5.0 + 5.0 + 8.0 + 9.0) / 4 * 1e6);
  EXPECT_EQ(r.end_time, ms(11));
}

TEST_P(OpenLoop, RequestsPerConnectionAndDurationBoundTheArrivalTimes) {
  // requests: 1 keeps only the first arrival of each connection (0 and 1 ms);
  // then a 2 ms duration drops every arrival at or after 2 ms.
  const auto capped = run_text(R"(
machine: ideal
connections: 2
server:
  arrivals: {times: [0s, 1ms, 2ms, 3ms]}
  requests: 1
  handler: [{sleep: 1ms}]
)",
                               {std::string("model=") + GetParam()});
  EXPECT_EQ(capped.metrics.completed, 2u);
  const auto cut = run_text(R"(
machine: ideal
connections: 3
server:
  arrivals: {times: [0s, 1ms, 2ms, 3ms]}
  duration: 2ms
  handler: [{sleep: 1ms}]
)",
                            {std::string("model=") + GetParam()});
  EXPECT_EQ(cut.metrics.completed, 2u);
}

TEST_P(OpenLoop, PoissonArrivalsIntoOneServerAreAnMM1Queue) {
  // One connection served by one core with exponential service of mean
  // 1 ms (mu = 1000/s) and Poisson arrivals at lambda = 500/s: an M/M/1
  // queue, whose mean time in system is 1 / (mu - lambda) = 2 ms and whose
  // throughput is lambda. 200 s gives about 100,000 requests. The response
  // time of M/M/1 is exponential with mean W, and successive ones are
  // correlated: the sample mean's standard error is roughly
  // W * sqrt((1 + rho) / (1 - rho) / n), about 0.6 % of W here, so a 5 %
  // bound is generous yet catches a closed loop or coordinated omission
  // (either would give about 1 ms).
  const auto r = run_text(R"(
machine: ideal
seed: 7
connections: 1
server:
  arrivals: {rate: 500}
  duration: 200s
  handler: [{cpu: {exponential: {mean: 1ms}}}]
)",
                          {std::string("model=") + GetParam()});
  ASSERT_EQ(r.status, "completed");
  const double n = static_cast<double>(r.metrics.completed);
  EXPECT_NEAR(n, 100000.0, 5 * std::sqrt(100000.0));  // Poisson count: 5 standard deviations
  EXPECT_NEAR(r.metrics.latency.mean, 2e6, 0.05 * 2e6);
}

TEST_P(OpenLoop, ThePoissonRateIsOverTheWholeServer) {
  // 100 connections sharing 1,000 requests/s for 10 s: about 10,000
  // requests in all, whatever the connection count.
  const auto r = run_text(R"(
machine: ideal
connections: 100
server:
  arrivals: {rate: 1000}
  duration: 10s
  handler: [{io: 1ms}]
)",
                          {std::string("model=") + GetParam()});
  EXPECT_NEAR(static_cast<double>(r.metrics.completed), 10000.0, 5 * std::sqrt(10000.0));
  // I/O does not queue: every request takes its 1 ms unless two arrive on
  // one connection within 1 ms of each other.
  EXPECT_EQ(r.metrics.latency.p50, ms(1));
}

INSTANTIATE_TEST_SUITE_P(Models, OpenLoop, ::testing::Values("async", "threads"));

TEST(OpenLoopInput, ArrivalsAreCheckedWhereTheyAreWritten) {
  auto error_of = [](const std::string& server) {
    try {
      run_text("connections: 2\nserver:\n" + server);
    } catch (const load::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("  arrivals: {rate: 10}\n  think_time: 1s\n  duration: 1s\n  handler: [{io: 1ms}]\n")
                .find("3:3: server.arrivals: give think_time (clients that wait for each answer) or arrivals"),
            std::string::npos);
  EXPECT_NE(error_of("  arrivals: {rate: 10, times: [0s]}\n  duration: 1s\n  handler: [{io: 1ms}]\n")
                .find("expected exactly one of rate"),
            std::string::npos);
  EXPECT_NE(error_of("  arrivals: {times: [2ms, 1ms]}\n  duration: 1s\n  handler: [{io: 1ms}]\n")
                .find("3:27: server.arrivals.times[1]: arrival times must not go back in time: 1ms after 2ms"),
            std::string::npos);
  EXPECT_NE(error_of("  arrivals: {rate: 0}\n  duration: 1s\n  handler: [{io: 1ms}]\n").find("server.arrivals.rate"),
            std::string::npos);
  EXPECT_NE(error_of("  arrivals: {times: [0s]}\n  ramp: 1s\n  duration: 1s\n  handler: [{io: 1ms}]\n")
                .find("ramp applies to rate and think_time"),
            std::string::npos);
}

}  // namespace
}  // namespace concsim::testing
