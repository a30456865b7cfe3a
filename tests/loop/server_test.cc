// Server workloads (`server:`): requests are counted and timed the same way
// under both models. Expected figures are worked out from the workloads.
#include <gtest/gtest.h>

#include "app/load/config.h"
#include "run_helpers.h"

namespace concsim::testing {
namespace {

std::string server(const std::string& body, int connections = 3) {
  return "connections: " + std::to_string(connections) + "\nserver:\n" + body;
}

class BothModels : public ::testing::TestWithParam<const char*> {};

TEST_P(BothModels, EveryConnectionServesItsRequests) {
  const auto r = run_text(server(R"(
  requests: 4
  think_time: 10ms
  handler: [{io: 2ms}]
)"), {std::string("model=") + GetParam()});
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.metrics.unit, "requests");
  EXPECT_EQ(r.metrics.completed, 12u);  // 3 connections x 4 requests
  EXPECT_EQ(r.metrics.failed, 0u);
  // No contention on the ideal machine: each request takes its 2 ms of I/O.
  EXPECT_EQ(r.metrics.latency.p50, ms(2));
  EXPECT_EQ(r.metrics.latency.max, ms(2));
  // Four rounds of 10 ms thinking and 2 ms serving.
  EXPECT_EQ(r.end_time, 4 * ms(12));
}

TEST_P(BothModels, WarmupRequestsAreServedButNotCounted) {
  // Requests arrive at 10, 22, 34, 46 ms; a 20 ms warm-up drops the first.
  const auto r = run_text(server(R"(
  requests: 4
  think_time: 10ms
  warmup: 20ms
  handler: [{io: 2ms}]
)"), {std::string("model=") + GetParam()});
  EXPECT_EQ(r.metrics.completed, 9u);
  EXPECT_EQ(r.metrics.measured_from, ms(20));
}

TEST_P(BothModels, NoRequestArrivesAfterTheDuration) {
  // Arrivals at 10, 22, 34, ... ms; with a 40 ms duration the fourth (46 ms)
  // never comes and the connections close at 36 ms.
  const auto r = run_text(server(R"(
  duration: 40ms
  think_time: 10ms
  handler: [{io: 2ms}]
)"), {std::string("model=") + GetParam()});
  EXPECT_EQ(r.metrics.completed, 9u);
  EXPECT_EQ(r.end_time, ms(36));
}

TEST_P(BothModels, AFailingHandlerCountsAFailedRequestAndTheConnectionGoesOn) {
  const auto r = run_text(server(R"(
  requests: 3
  handler:
    - io: 1ms
    - if: {cond: "request == 1", then: [{raise: ValueError}]}
)", 2), {std::string("model=") + GetParam()});
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.metrics.completed, 4u);
  EXPECT_EQ(r.metrics.failed, 2u);
}

INSTANTIATE_TEST_SUITE_P(Server, BothModels, ::testing::Values("async", "threads"));

TEST(Server, LatencyCountsFromArrivalIncludingTimeTheLoopWasBusy) {
  // Two connections; both requests arrive at 10 ms. The loop serves the
  // first (30 ms of CPU) while the second waits, so the second's latency is
  // 60 ms: 30 ms waiting for the loop and its own 30 ms.
  const auto r = run_text(server(R"(
  requests: 1
  think_time: 10ms
  handler: [{cpu: 30ms}]
)", 2));
  EXPECT_EQ(r.metrics.completed, 2u);
  EXPECT_EQ(r.metrics.latency.p50, ms(30));
  EXPECT_EQ(r.metrics.latency.max, ms(60));
  // With a thread each, on the ideal machine's four cores, both take 30 ms.
  const auto t = run_text(server(R"(
  requests: 1
  think_time: 10ms
  handler: [{cpu: 30ms}]
)", 2), {"model=threads"});
  EXPECT_EQ(t.metrics.latency.max, ms(30));
}

TEST(Server, AsyncPlusExecutorMovesBlockingCallsOffTheLoop) {
  // Four requests, each with a 10 ms blocking call, all arriving at 0: on
  // the loop they run one after another (the last ends at 40 ms); with the
  // executor's 8 workers (ideal: min(32, 4 cores + 4)) all end at 10 ms.
  const std::string yaml = server(R"(
  requests: 1
  handler: [{block: 10ms}]
)", 4);
  const auto loop = run_text(yaml);
  EXPECT_EQ(loop.metrics.latency.max, ms(40));
  EXPECT_EQ(loop.loop.blocking_count, 4u);
  const auto offloaded = run_text(yaml, {"model=async+executor"});
  EXPECT_EQ(offloaded.model, "async+executor");
  EXPECT_EQ(offloaded.metrics.latency.max, ms(10));
  EXPECT_EQ(offloaded.loop.blocking_count, 0u);
  EXPECT_EQ(offloaded.end_time, ms(10));
}

TEST(Server, SeveralLoopProcessesShareTheConnections) {
  // The two requests of the CPU-bound test above, on two loop processes:
  // each process serves one connection, so neither waits for the other.
  const std::string yaml = server(R"(
  requests: 1
  think_time: 10ms
  handler: [{cpu: 30ms}]
)", 2);
  const auto r = run_text(yaml, {"loop.processes=2"});
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.metrics.completed, 2u);
  EXPECT_EQ(r.metrics.latency.max, ms(30));
  EXPECT_EQ(r.end_time, ms(40));
  // Each process opened one connection: conn0 in process 0, conn1 in process 1.
  EXPECT_EQ(task(r, "conn0").end, ms(40));
  EXPECT_EQ(task(r, "conn1").end, ms(40));
  // Three processes for five connections: 2 + 2 + 1, every one served.
  const auto odd = run_text(server("  requests: 2\n  handler: [{io: 1ms}]\n", 5), {"loop.processes=3"});
  EXPECT_EQ(odd.metrics.completed, 10u);
}

TEST(Server, LoopProcessesMeasureFromTheWarmUpAndFitTheMachine) {
  // Requests at 10, 22, 34, 46 ms on each of 4 connections; a 20 ms warm-up
  // drops the first round: 12 measured from 20 ms, as with one process.
  const std::string yaml = server("  requests: 4\n  think_time: 10ms\n  warmup: 20ms\n  handler: [{io: 2ms}]\n", 4);
  const auto one = run_text(yaml);
  const auto two = run_text(yaml, {"loop.processes=2"});
  EXPECT_EQ(one.metrics.completed, 12u);
  EXPECT_EQ(two.metrics.completed, 12u);
  EXPECT_EQ(two.metrics.measured_from, ms(20));
  EXPECT_EQ(two.end_time, one.end_time);
  // Each process's loop has a core of its own: the ideal machine has 4.
  try {
    run_text(yaml, {"loop.processes=8"});
    ADD_FAILURE() << "8 processes on 4 cores were accepted";
  } catch (const load::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("loop.processes: 8 processes on machine \"ideal\" of 4 cores"),
              std::string::npos)
        << e.what();
  }
}

TEST(Server, APoolOfThreadsServesConnectionsInTurnAndTheBacklogWaitCounts) {
  // Four connections, one 10 ms request each, all there at 0; two pool
  // threads serve two connections at a time: the other two wait 10 ms in
  // the accept backlog, and that wait is part of their latency.
  const std::string yaml = server(R"(
  requests: 1
  handler: [{io: 10ms}]
)", 4);
  const auto r = run_text(yaml, {"model=pool", "threads.pool=2"});
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.metrics.completed, 4u);
  EXPECT_EQ(r.metrics.latency.p50, ms(10));
  EXPECT_EQ(r.metrics.latency.max, ms(20));
  EXPECT_EQ(r.end_time, ms(20));
  // Two threads besides main, however many connections.
  EXPECT_EQ(r.threads.peak_threads, 3);
  // With enough threads nobody waits.
  const auto big = run_text(yaml, {"model=pool", "threads.pool=4"});
  EXPECT_EQ(big.metrics.latency.max, ms(10));
}

TEST(Server, RampSpreadsTheConnectionsOpening) {
  // 4 connections over a 40 ms ramp open at 0, 10, 20, 30 ms.
  const auto r = run_text(server(R"(
  requests: 1
  ramp: 40ms
  handler: [{io: 1ms}]
)", 4));
  EXPECT_EQ(r.end_time, ms(31));
}

TEST(Server, ServerAndMainTogetherAreRejected) {
  EXPECT_THROW(run_text("connections: 1\nmain: [yield]\nserver: {requests: 1, handler: [yield]}\n"),
               load::ConfigError);
  EXPECT_THROW(run_text("server: {requests: 1, handler: [yield]}\n"), load::ConfigError);
}

}  // namespace
}  // namespace concsim::testing
