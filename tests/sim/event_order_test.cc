// Delivery order through the run loop, and what "now" is while it runs.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "sim/simulation.h"

namespace concsim::sim {
namespace {

using Log = std::vector<std::pair<Time, std::uint64_t>>;

// Appends (now, tag) for every event it receives; an optional hook lets a
// test schedule more work from inside a handler.
class Recorder final : public EventHandler {
 public:
  explicit Recorder(Simulation& sim) : sim_(sim) {}
  void on_event(std::uint64_t tag) override {
    log.emplace_back(sim_.now(), tag);
    if (hook) hook(tag);
  }

  Log log;
  std::function<void(std::uint64_t)> hook;

 private:
  Simulation& sim_;
};

TEST(EventOrder, EarlierTimeFirstWhateverThePriority) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(20, rec, 1, Priority::kUrgent);
  sim.schedule_at(10, rec, 2, Priority::kLate);
  sim.schedule_at(15, rec, 3, Priority::kNormal);
  sim.run();
  EXPECT_EQ(rec.log, (Log{{10, 2}, {15, 3}, {20, 1}}));
}

TEST(EventOrder, PriorityBreaksTiesWhenScheduledLatestFirst) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(10, rec, 1, Priority::kLate);
  sim.schedule_at(10, rec, 2, Priority::kNormal);
  sim.schedule_at(10, rec, 3, Priority::kUrgent);
  sim.run();
  EXPECT_EQ(rec.log, (Log{{10, 3}, {10, 2}, {10, 1}}));
}

TEST(EventOrder, PriorityBreaksTiesWhenScheduledUrgentFirst) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(10, rec, 1, Priority::kUrgent);
  sim.schedule_at(10, rec, 2, Priority::kNormal);
  sim.schedule_at(10, rec, 3, Priority::kLate);
  sim.run();
  EXPECT_EQ(rec.log, (Log{{10, 1}, {10, 2}, {10, 3}}));
}

TEST(EventOrder, EqualPriorityIsFifoAscendingTags) {
  Simulation sim;
  Recorder rec(sim);
  for (std::uint64_t tag = 1; tag <= 5; ++tag) sim.schedule_at(7, rec, tag);
  sim.run();
  EXPECT_EQ(rec.log, (Log{{7, 1}, {7, 2}, {7, 3}, {7, 4}, {7, 5}}));
}

// The same events scheduled in the opposite order come out in the opposite
// order: insertion decides, not the tag or the handler's address.
TEST(EventOrder, EqualPriorityIsFifoDescendingTags) {
  Simulation sim;
  Recorder rec(sim);
  for (std::uint64_t tag = 5; tag >= 1; --tag) sim.schedule_at(7, rec, tag);
  sim.run();
  EXPECT_EQ(rec.log, (Log{{7, 5}, {7, 4}, {7, 3}, {7, 2}, {7, 1}}));
}

TEST(EventOrder, FifoAcrossHandlers) {
  Simulation sim;
  Recorder a(sim);
  Recorder b(sim);
  Log merged;
  a.hook = [&](std::uint64_t tag) { merged.emplace_back(sim.now(), tag); };
  b.hook = a.hook;
  sim.schedule_at(3, b, 1);
  sim.schedule_at(3, a, 2);
  sim.schedule_at(3, b, 3);
  sim.schedule_at(3, a, 4);
  sim.run();
  EXPECT_EQ(merged, (Log{{3, 1}, {3, 2}, {3, 3}, {3, 4}}));
}

TEST(EventOrder, MixedTimesPrioritiesAndInsertions) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(5, rec, 1, Priority::kLate);
  sim.schedule_at(5, rec, 2, Priority::kNormal);
  sim.schedule_at(1, rec, 3, Priority::kLate);
  sim.schedule_at(5, rec, 4, Priority::kLate);
  sim.schedule_at(5, rec, 5, Priority::kUrgent);
  sim.schedule_at(1, rec, 6, Priority::kNormal);
  sim.schedule_at(5, rec, 7, Priority::kNormal);
  sim.run();
  EXPECT_EQ(rec.log, (Log{{1, 6}, {1, 3}, {5, 5}, {5, 2}, {5, 7}, {5, 1}, {5, 4}}));
}

TEST(Now, StartsAtZeroAndSchedulingDoesNotMoveIt) {
  Simulation sim;
  Recorder rec(sim);
  EXPECT_EQ(sim.now(), 0);
  sim.schedule_at(100, rec, 1);
  sim.schedule_in(50, rec, 2);
  EXPECT_EQ(sim.now(), 0);
  EXPECT_EQ(sim.pending(), 2u);
}

TEST(Now, EqualsTheEventTimeInsideHandlers) {
  Simulation sim;
  Recorder rec(sim);
  std::vector<Time> seen_in_hook;
  rec.hook = [&](std::uint64_t) { seen_in_hook.push_back(sim.now()); };
  sim.schedule_at(3, rec, 1);
  sim.schedule_at(1'000'000'007, rec, 2);
  sim.schedule_in(42, rec, 3);
  const RunResult r = sim.run();
  EXPECT_EQ(seen_in_hook, (std::vector<Time>{3, 42, 1'000'000'007}));
  EXPECT_EQ(r.end_time, 1'000'000'007);
  EXPECT_EQ(sim.now(), 1'000'000'007);
}

// An event scheduled at "now" from a handler joins the back of its priority
// class at this instant: after same-time events of the same priority that
// were already queued, but before later-priority ones, and an urgent one
// jumps ahead of queued normal ones.
TEST(Now, SchedulingAtNowFromAHandler) {
  Simulation sim;
  Recorder rec(sim);
  rec.hook = [&](std::uint64_t tag) {
    if (tag == 1) {
      sim.schedule_at(sim.now(), rec, 10);                    // normal, at now
      sim.schedule_in(0, rec, 11, Priority::kUrgent);         // urgent, at now
      sim.schedule_in(0, rec, 12, Priority::kLate);           // late, at now
    }
  };
  sim.schedule_at(5, rec, 1);
  sim.schedule_at(5, rec, 2);
  sim.schedule_at(5, rec, 3, Priority::kLate);
  sim.schedule_at(6, rec, 4, Priority::kUrgent);
  sim.run();
  EXPECT_EQ(rec.log, (Log{{5, 1}, {5, 11}, {5, 2}, {5, 10}, {5, 3}, {5, 12}, {6, 4}}));
}

TEST(Now, SelfReschedulingChainKeepsTime) {
  Simulation sim;
  Recorder rec(sim);
  rec.hook = [&](std::uint64_t tag) {
    if (tag < 5) sim.schedule_in(static_cast<Duration>(tag) * 10, rec, tag + 1);
  };
  sim.schedule_at(1, rec, 1);
  sim.run();
  // 1, then +10, +20, +30, +40.
  EXPECT_EQ(rec.log, (Log{{1, 1}, {11, 2}, {31, 3}, {61, 4}, {101, 5}}));
}

TEST(Now, CancelledEventNeverRuns) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(1, rec, 1);
  const EventId doomed = sim.schedule_at(2, rec, 2);
  const EventId later = sim.schedule_at(9, rec, 9);
  rec.hook = [&](std::uint64_t tag) {
    // Cancelled from inside a handler.
    if (tag == 1) {
      EXPECT_TRUE(sim.cancel(later));
    }
  };
  EXPECT_TRUE(sim.cancel(doomed));
  EXPECT_FALSE(sim.cancel(doomed));
  EXPECT_EQ(sim.pending(), 2u);
  const RunResult r = sim.run();
  EXPECT_EQ(rec.log, (Log{{1, 1}}));
  EXPECT_EQ(r.events, 1u);
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  // Quiescence happens at the last delivered event, not at the cancelled one.
  EXPECT_EQ(r.end_time, 1);
}

TEST(Now, TwoSimulationsAreIndependent) {
  Simulation a;
  Simulation b;
  Recorder ra(a);
  Recorder rb(b);
  a.schedule_at(10, ra, 1);
  b.schedule_at(20, rb, 2);
  a.run();
  EXPECT_EQ(a.now(), 10);
  EXPECT_EQ(b.now(), 0);
  EXPECT_EQ(b.pending(), 1u);
  b.run();
  EXPECT_EQ(ra.log, (Log{{10, 1}}));
  EXPECT_EQ(rb.log, (Log{{20, 2}}));
}

}  // namespace
}  // namespace concsim::sim
