// The event loop against the thread model on one machine profile: claims
// S3 and S4 of configs/claims/README.md, with expected figures worked out from
// configs/machines/linux-modern.yaml.
#include <gtest/gtest.h>

#include "run_helpers.h"

namespace concsim::testing {
namespace {

// N connections that are all open at once: each waits 10 s for its client.
std::string idle_connections(int n) {
  return "machine: linux-modern\nconnections: " + std::to_string(n) + R"(
functions:
  hold:
    steps: [{io: 10s}]
main:
  - gather:
      tasks: [{name: "c{i}", fn: hold, count: $connections, as: i}]
)";
}

TEST(Scale, S4OneEventLoopHoldsFiftyThousandConnections) {
  const auto r = run_text(idle_connections(50'000));
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.metrics.completed, 50'000u);
  EXPECT_EQ(r.metrics.failed, 0u);
  EXPECT_FALSE(r.metrics.limit_hit.has_value());
  // A frame (2,200 B) and socket buffers (3 KiB) per connection, plus the
  // main task's frame: about 251 MiB, far from the 24 GiB of RAM.
  const std::int64_t expected = 50'000LL * (2200 + 3072) + 2200;
  EXPECT_EQ(r.metrics.memory.peak_resident, expected);
  EXPECT_EQ(r.metrics.memory.by_kind.at("frames.resident"), 50'001LL * 2200);
  EXPECT_EQ(r.metrics.memory.by_kind.at("buffers.resident"), 50'000LL * 3072);
  EXPECT_EQ(r.metrics.peak_tasks, 50'000);
}

TEST(Scale, S3ThreadsHitTheThreadLimitWhereTheLoopStillRuns) {
  // linux-modern caps threads at 32,449 (pid_max less the system's own).
  const auto threads = run_text(idle_connections(40'000), {"model=threads"});
  ASSERT_TRUE(threads.metrics.limit_hit.has_value());
  EXPECT_EQ(threads.metrics.limit_hit->which, "threads");
  EXPECT_EQ(threads.metrics.limit_hit->threads, 32'449);
  EXPECT_GT(threads.metrics.failed + (40'000 - threads.metrics.completed), 0u);
  const auto loop = run_text(idle_connections(40'000));
  EXPECT_EQ(loop.status, "completed");
  EXPECT_EQ(loop.metrics.completed, 40'000u);
  EXPECT_FALSE(loop.metrics.limit_hit.has_value());
}

TEST(Scale, TheLoopPaysThePollCostOfEachIteration) {
  // On seda-2001 every select() costs syscall + poll = 3 us of the loop
  // thread. A 10 ms sleep takes four iterations: main's first step (after
  // a poll), the timer's callback, main's wake-up (main returns and its done
  // callback is scheduled), run_until_complete's callback, which stops the
  // loop. Each pays its poll first, so all four costs lie on the path: the
  // run ends at 10 ms + 4 x 3 us.
  const auto r = run_text("machine: seda-2001\nmain: [{sleep: 10ms}]\n");
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.loop.iterations, 4u);
  EXPECT_EQ(r.metrics.cpu.system_ns, 4 * us(3));
  EXPECT_EQ(r.end_time, ms(10) + 4 * us(3));
}

}  // namespace
}  // namespace concsim::testing
