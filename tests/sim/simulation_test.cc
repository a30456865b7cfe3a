// The run loop's stop conditions: horizon, event budget, quiescence, stalls,
// explicit stops and time overflow.
#include "sim/simulation.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace concsim::sim {
namespace {

using Log = std::vector<std::pair<Time, std::uint64_t>>;

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

// Reschedules itself forever, `period` apart.
class Ticker final : public EventHandler {
 public:
  Ticker(Simulation& sim, Duration period) : sim_(sim), period_(period) {}
  void on_event(std::uint64_t tag) override {
    ++ticks;
    sim_.schedule_in(period_, *this, tag + 1);
  }

  std::uint64_t ticks = 0;

 private:
  Simulation& sim_;
  Duration period_;
};

class FixedStallSource final : public StallSource {
 public:
  explicit FixedStallSource(std::vector<WaitingTask> tasks) : tasks_(std::move(tasks)) {}
  void describe_waiting(std::vector<WaitingTask>& out) const override {
    out.insert(out.end(), tasks_.begin(), tasks_.end());
  }

 private:
  std::vector<WaitingTask> tasks_;
};

// WaitingTask has no operator==; compare as (task, waits_on) pairs.
std::vector<std::pair<std::string, std::string>> pairs(const std::vector<WaitingTask>& tasks) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const WaitingTask& t : tasks) out.emplace_back(t.task, t.waits_on);
  return out;
}

TEST(StopReason, Names) {
  EXPECT_STREQ(to_string(StopReason::kQuiescent), "quiescent");
  EXPECT_STREQ(to_string(StopReason::kHorizon), "horizon");
  EXPECT_STREQ(to_string(StopReason::kEventBudget), "event_budget");
  EXPECT_STREQ(to_string(StopReason::kStopped), "stopped");
  EXPECT_STREQ(to_string(StopReason::kStalled), "stalled");
  EXPECT_STREQ(to_string(StopReason::kTimeOverflow), "time_overflow");
}

// ---- Horizon ---------------------------------------------------------------

TEST(Horizon, StopsAtTheHorizonAndContinuesAfterwards) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(5, rec, 1);
  sim.schedule_at(10, rec, 2);                   // exactly at the first horizon
  sim.schedule_at(10, rec, 3, Priority::kLate);  // likewise
  sim.schedule_at(15, rec, 4);
  sim.schedule_at(25, rec, 5);

  RunResult r = sim.run(RunLimits{10});
  EXPECT_EQ(r.reason, StopReason::kHorizon);
  EXPECT_EQ(r.end_time, 10);
  EXPECT_EQ(sim.now(), 10);
  EXPECT_EQ(r.events, 1u);
  EXPECT_EQ(rec.log, (Log{{5, 1}}));
  EXPECT_EQ(sim.pending(), 4u);  // the horizon marker is not a pending event

  r = sim.run(RunLimits{20});
  EXPECT_EQ(r.reason, StopReason::kHorizon);
  EXPECT_EQ(r.end_time, 20);
  EXPECT_EQ(r.events, 3u);
  EXPECT_EQ(rec.log, (Log{{5, 1}, {10, 2}, {10, 3}, {15, 4}}));

  r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  EXPECT_EQ(r.end_time, 25);
  EXPECT_EQ(r.events, 1u);
  EXPECT_EQ(rec.log, (Log{{5, 1}, {10, 2}, {10, 3}, {15, 4}, {25, 5}}));
  EXPECT_EQ(sim.events_processed(), 5u);
  EXPECT_EQ(sim.pending(), 0u);
}

TEST(Horizon, EventOneBeforeTheHorizonRuns) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(99, rec, 1, Priority::kLate);
  sim.schedule_at(100, rec, 2, Priority::kNormal);
  const RunResult r = sim.run(RunLimits{100});
  EXPECT_EQ(r.reason, StopReason::kHorizon);
  EXPECT_EQ(rec.log, (Log{{99, 1}}));
  EXPECT_EQ(sim.now(), 100);
}

TEST(Horizon, HorizonAtNowDeliversNothingAtNow) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(0, rec, 1);
  const RunResult r = sim.run(RunLimits{0});
  EXPECT_EQ(r.reason, StopReason::kHorizon);
  EXPECT_EQ(r.events, 0u);
  EXPECT_TRUE(rec.log.empty());
  EXPECT_EQ(sim.pending(), 1u);
}

TEST(Horizon, HandlersSchedulingPastTheHorizonStopAtIt) {
  Simulation sim;
  Ticker ticker(sim, 7);
  sim.schedule_at(0, ticker, 0);
  const RunResult r = sim.run(RunLimits{100});
  // Ticks at 0, 7, ..., 98: fifteen of them.
  EXPECT_EQ(r.reason, StopReason::kHorizon);
  EXPECT_EQ(ticker.ticks, 15u);
  EXPECT_EQ(r.events, 15u);
  EXPECT_EQ(sim.now(), 100);
  EXPECT_EQ(sim.pending(), 1u);  // the tick at 105
}

// Quiescence is checked before the clock would advance to the horizon.
TEST(Horizon, NothingPendingIsQuiescenceNotHorizon) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(3, rec, 1);
  const RunResult r = sim.run(RunLimits{1000});
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  EXPECT_EQ(r.end_time, 3);
  EXPECT_EQ(sim.now(), 3);
  EXPECT_EQ(sim.pending(), 0u);
  // The unused horizon marker must not linger into the next run.
  sim.schedule_at(2000, rec, 2);
  const RunResult r2 = sim.run();
  EXPECT_EQ(r2.reason, StopReason::kQuiescent);
  EXPECT_EQ(r2.end_time, 2000);
  EXPECT_EQ(r2.events, 1u);
}

// A horizon the clock has already passed: any next event would pass it, so
// nothing may run.
TEST(Horizon, HorizonInThePastStopsAtOnce) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(50, rec, 1);
  sim.schedule_at(60, rec, 2);
  ASSERT_EQ(sim.run(RunLimits{50}).reason, StopReason::kHorizon);
  const RunResult r = sim.run(RunLimits{40});
  EXPECT_EQ(r.reason, StopReason::kHorizon);
  EXPECT_EQ(r.events, 0u);
  EXPECT_EQ(sim.now(), 50);
  EXPECT_TRUE(rec.log.empty());
  EXPECT_EQ(sim.pending(), 2u);
}

// ---- Event budget ------------------------------------------------------------

TEST(EventBudget, StopsAfterExactlyNEvents) {
  Simulation sim;
  Ticker ticker(sim, 3);
  sim.schedule_at(0, ticker, 0);
  RunResult r = sim.run(RunLimits{kTimeMax, 1000});
  EXPECT_EQ(r.reason, StopReason::kEventBudget);
  EXPECT_EQ(r.events, 1000u);
  EXPECT_EQ(ticker.ticks, 1000u);
  EXPECT_EQ(sim.now(), 999 * 3);  // the 1000th tick is at 3 * 999
  r = sim.run(RunLimits{kTimeMax, 1});
  EXPECT_EQ(r.reason, StopReason::kEventBudget);
  EXPECT_EQ(r.events, 1u);
  EXPECT_EQ(sim.events_processed(), 1001u);
}

TEST(EventBudget, ZeroBudgetDeliversNothing) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(1, rec, 1);
  const RunResult r = sim.run(RunLimits{kTimeMax, 0});
  EXPECT_EQ(r.reason, StopReason::kEventBudget);
  EXPECT_EQ(r.events, 0u);
  EXPECT_EQ(sim.now(), 0);
}

// The loop checks for quiescence before the budget, so spending the budget on
// the very last event reports quiescence.
TEST(EventBudget, BudgetEqualToTheWorkIsQuiescence) {
  Simulation sim;
  Recorder rec(sim);
  for (std::uint64_t i = 1; i <= 4; ++i) sim.schedule_at(static_cast<Time>(i), rec, i);
  RunResult r = sim.run(RunLimits{kTimeMax, 3});
  EXPECT_EQ(r.reason, StopReason::kEventBudget);
  EXPECT_EQ(rec.log, (Log{{1, 1}, {2, 2}, {3, 3}}));
  r = sim.run(RunLimits{kTimeMax, 1});
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  EXPECT_EQ(r.events, 1u);
}

// The horizon marker is neither counted against the budget nor left behind
// when the budget ends the run first.
TEST(EventBudget, WithAHorizon) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(1, rec, 1);
  sim.schedule_at(2, rec, 2);
  sim.schedule_at(3, rec, 3);
  RunResult r = sim.run(RunLimits{2, 1});
  EXPECT_EQ(r.reason, StopReason::kEventBudget);
  EXPECT_EQ(sim.now(), 1);
  EXPECT_EQ(sim.pending(), 2u);
  r = sim.run(RunLimits{2, 5});
  EXPECT_EQ(r.reason, StopReason::kHorizon);
  EXPECT_EQ(r.events, 0u);
  EXPECT_EQ(sim.now(), 2);
  r = sim.run(RunLimits{kTimeMax, 1});
  EXPECT_EQ(r.reason, StopReason::kEventBudget);
  EXPECT_EQ(rec.log, (Log{{1, 1}, {2, 2}}));
}

// ---- Quiescence and stalls ----------------------------------------------------

TEST(Quiescence, EmptySimulationIsQuiescent) {
  Simulation sim;
  const RunResult r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  EXPECT_EQ(r.events, 0u);
  EXPECT_EQ(r.end_time, 0);
  EXPECT_TRUE(r.waiting.empty());
}

TEST(Quiescence, SourcesWithNoWaitersMeanQuiescent) {
  Simulation sim;
  Recorder rec(sim);
  FixedStallSource none(std::vector<WaitingTask>{});
  sim.add_stall_source(&none);
  sim.schedule_at(8, rec, 1);
  const RunResult r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  EXPECT_EQ(r.end_time, 8);
  EXPECT_TRUE(r.waiting.empty());
}

TEST(Quiescence, WaitersMeanStalledWithTheExactList) {
  Simulation sim;
  Recorder rec(sim);
  FixedStallSource first(std::vector<WaitingTask>{{"worker-1", "mutex m"}, {"worker-2", "condvar cv"}});
  FixedStallSource empty(std::vector<WaitingTask>{});
  FixedStallSource last(std::vector<WaitingTask>{{"main", "join worker-1"}});
  sim.add_stall_source(&first);
  sim.add_stall_source(&empty);
  sim.add_stall_source(&last);
  sim.schedule_at(12, rec, 1);
  const RunResult r = sim.run(RunLimits{1'000'000});  // a horizon does not hide a stall
  EXPECT_EQ(r.reason, StopReason::kStalled);
  EXPECT_EQ(r.end_time, 12);
  EXPECT_EQ(r.events, 1u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"worker-1", "mutex m"}, {"worker-2", "condvar cv"}, {"main", "join worker-1"}};
  EXPECT_EQ(pairs(r.waiting), expected);
  EXPECT_EQ(sim.pending(), 0u);
}

// ---- Explicit stop ------------------------------------------------------------

TEST(Stop, EndsTheRunAfterTheCurrentEvent) {
  Simulation sim;
  Recorder rec(sim);
  rec.hook = [&](std::uint64_t tag) {
    if (tag == 2) {
      sim.stop("enough");
      sim.stop("ignored: the first reason stands");
    }
  };
  for (std::uint64_t i = 1; i <= 4; ++i) sim.schedule_at(10, rec, i);
  RunResult r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kStopped);
  EXPECT_EQ(r.detail, "enough");
  EXPECT_EQ(r.events, 2u);
  EXPECT_EQ(sim.pending(), 2u);
  // The stop was consumed: the next run goes on.
  r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  EXPECT_EQ(rec.log, (Log{{10, 1}, {10, 2}, {10, 3}, {10, 4}}));
}

// ---- Time overflow --------------------------------------------------------------

TEST(Overflow, DelayPastInt64EndsTheRun) {
  Simulation sim;
  Recorder rec(sim);
  EventId overflowed{1};
  EventId fits;
  rec.hook = [&](std::uint64_t tag) {
    if (tag == 1) {
      fits = sim.schedule_in(5, rec, 3);  // lands exactly on INT64_MAX
      overflowed = sim.schedule_in(6, rec, 4);
    }
  };
  sim.schedule_at(kTimeMax - 5, rec, 1);
  sim.schedule_at(kTimeMax - 5, rec, 2);
  const RunResult r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kTimeOverflow);
  EXPECT_FALSE(overflowed.valid());
  EXPECT_TRUE(fits.valid());
  EXPECT_FALSE(r.detail.empty());
  EXPECT_NE(r.detail.find(std::to_string(kTimeMax - 5)), std::string::npos) << r.detail;
  EXPECT_EQ(r.events, 1u);
  EXPECT_EQ(r.end_time, kTimeMax - 5);
  EXPECT_EQ(rec.log, (Log{{kTimeMax - 5, 1}}));
}

TEST(Overflow, HugeDelayFromALaterInstant) {
  Simulation sim;
  Recorder rec(sim);
  rec.hook = [&](std::uint64_t) { EXPECT_FALSE(sim.schedule_in(kTimeMax, rec, 9).valid()); };
  sim.schedule_at(1, rec, 1);
  const RunResult r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kTimeOverflow);
  EXPECT_EQ(sim.pending(), 0u);
}

// Overflow is not swallowed when it happens between runs: the next run ends
// with it before delivering anything.
TEST(Overflow, ReportedBetweenRunsEndsTheNextRun) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(100, rec, 1);
  sim.run();
  sim.schedule_at(200, rec, 2);
  EXPECT_FALSE(sim.schedule_in(kTimeMax, rec, 3).valid());
  RunResult r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kTimeOverflow);
  EXPECT_EQ(r.events, 0u);
  EXPECT_FALSE(r.detail.empty());
  // Reported once; the run after that proceeds.
  r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  EXPECT_EQ(rec.log, (Log{{100, 1}, {200, 2}}));
}

TEST(Overflow, WinsOverAnOrdinaryStop) {
  Simulation sim;
  Recorder rec(sim);
  rec.hook = [&](std::uint64_t tag) {
    if (tag == 1) {
      sim.stop("normal stop");
      sim.report_overflow("times are unsound");
    } else {
      sim.report_overflow("times are unsound");
      sim.stop("normal stop");
    }
  };
  sim.schedule_at(1, rec, 1);
  sim.schedule_at(2, rec, 2);
  RunResult r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kTimeOverflow);
  EXPECT_EQ(r.detail, "times are unsound");
  r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kTimeOverflow);
  EXPECT_EQ(r.detail, "times are unsound");
}

// ---- Scheduling checks ---------------------------------------------------------

// schedule_at() and schedule_in() skip the queue's own time check (the
// kernel's check that nothing is scheduled before now covers it), so their
// own checks are the only ones left: they must still hold.
TEST(ScheduleDeathTest, InThePastAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(100, rec, 1);
  sim.run();
  ASSERT_EQ(sim.now(), 100);
  EXPECT_DEATH(sim.schedule_at(99, rec, 2), "scheduled in the past");
  EXPECT_DEATH(sim.schedule_in(-1, rec, 2), "negative delay");
  // From inside a handler, where now is the event's time.
  rec.hook = [&](std::uint64_t tag) {
    if (tag == 3) sim.schedule_at(sim.now() - 1, rec, 4);
  };
  sim.schedule_at(200, rec, 3);
  EXPECT_DEATH(sim.run(), "scheduled in the past");
}

// Scheduling at exactly now, between runs and from a handler, is allowed and
// runs at now, after the events already there.
TEST(Schedule, AtNowRunsAtNow) {
  Simulation sim;
  Recorder rec(sim);
  sim.schedule_at(50, rec, 1);
  sim.run();
  sim.schedule_at(sim.now(), rec, 2);
  sim.schedule_in(0, rec, 3);
  rec.hook = [&](std::uint64_t tag) {
    if (tag == 2) sim.schedule_in(0, rec, 4);
  };
  const RunResult r = sim.run();
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  EXPECT_EQ(rec.log, (Log{{50, 1}, {50, 2}, {50, 3}, {50, 4}}));
}

// ---- Polling, budget and the event count -----------------------------------------

// The poll, the budget and a passed horizon share one checkpoint in the run
// loop: each must still come due at its own count.
TEST(ShouldStop, PolledAtEachIntervalUpToTheBudget) {
  Simulation sim;
  Ticker ticker(sim, 1);
  sim.schedule_at(0, ticker, 0);
  std::vector<std::uint64_t> polled_at;
  RunLimits limits;
  limits.should_stop = [&] {
    polled_at.push_back(ticker.ticks);
    return false;
  };
  limits.max_events = 2 * kShouldStopInterval + 5;
  RunResult r = sim.run(limits);
  EXPECT_EQ(r.reason, StopReason::kEventBudget);
  EXPECT_EQ(r.events, limits.max_events);
  EXPECT_EQ(polled_at, (std::vector<std::uint64_t>{kShouldStopInterval, 2 * kShouldStopInterval}));
  // Counted per run: the next run polls after its own 2^16th event.
  polled_at.clear();
  limits.max_events = kShouldStopInterval + 1;
  r = sim.run(limits);
  EXPECT_EQ(r.events, kShouldStopInterval + 1);
  EXPECT_EQ(polled_at, (std::vector<std::uint64_t>{3 * kShouldStopInterval + 5}));
}

// A poll due on the last event of the budget still runs, and wins.
TEST(ShouldStop, PollOnTheLastEventOfTheBudgetWins) {
  Simulation sim;
  Ticker ticker(sim, 1);
  sim.schedule_at(0, ticker, 0);
  RunLimits limits;
  limits.should_stop = [] { return true; };
  limits.max_events = kShouldStopInterval;
  const RunResult r = sim.run(limits);
  EXPECT_EQ(r.reason, StopReason::kStopped);
  EXPECT_EQ(r.detail, "interrupted");
  EXPECT_EQ(r.events, kShouldStopInterval);
}

// A poll due when the queue runs dry still runs, and its stop wins over
// quiescence; a budget never reached leaves quiescence alone.
TEST(ShouldStop, PollOnTheLastEventWinsOverQuiescence) {
  Simulation sim;
  Recorder rec(sim);
  for (std::uint64_t i = 0; i < kShouldStopInterval; ++i) sim.schedule_at(static_cast<Time>(i), rec, i);
  RunLimits limits;
  limits.should_stop = [] { return true; };
  RunResult r = sim.run(limits);
  EXPECT_EQ(r.reason, StopReason::kStopped);
  EXPECT_EQ(r.events, kShouldStopInterval);
  sim.schedule_in(1, rec, 0);
  r = sim.run(limits);
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  EXPECT_EQ(r.events, 1u);
}

// events_processed() adds up every run's events, however the run ended; it
// is updated when a run returns (see simulation.h).
TEST(EventCount, AddsUpRunsWhateverEndedThem) {
  Simulation sim;
  Recorder rec(sim);
  std::vector<std::uint64_t> seen_in_handler;
  rec.hook = [&](std::uint64_t tag) {
    seen_in_handler.push_back(sim.events_processed());
    if (tag == 3) sim.stop("three");
  };
  for (std::uint64_t i = 1; i <= 6; ++i) sim.schedule_at(static_cast<Time>(i), rec, i);
  EXPECT_EQ(sim.run(RunLimits{kTimeMax, 1}).reason, StopReason::kEventBudget);
  EXPECT_EQ(sim.events_processed(), 1u);
  EXPECT_EQ(sim.run().reason, StopReason::kStopped);
  EXPECT_EQ(sim.events_processed(), 3u);
  EXPECT_EQ(sim.run(RunLimits{5}).reason, StopReason::kHorizon);
  EXPECT_EQ(sim.events_processed(), 4u);
  EXPECT_EQ(sim.run().reason, StopReason::kQuiescent);
  EXPECT_EQ(sim.events_processed(), 6u);
  EXPECT_EQ(seen_in_handler, (std::vector<std::uint64_t>{0, 1, 1, 3, 4, 4}));
}

// ---- Streams through the simulation ----------------------------------------------

TEST(SimulationStreams, DependOnSeedAndName) {
  Simulation a(7);
  Simulation b(7);
  Simulation c(8);
  EXPECT_EQ(a.seed(), 7u);
  RandomStream sa = a.stream("arrivals");
  RandomStream sb = b.stream("arrivals");
  RandomStream sc = c.stream("arrivals");
  RandomStream sd = a.stream("service");
  RandomStream se = a.stream("arrivals", 0);
  const std::uint64_t va = sa.next_u64();
  EXPECT_EQ(va, sb.next_u64());
  EXPECT_NE(va, sc.next_u64());
  EXPECT_NE(va, sd.next_u64());
  EXPECT_NE(va, se.next_u64());
  EXPECT_EQ(a.stream("arrivals", 3).state(), RandomStream::derive(7, "arrivals", 3).state());
}

}  // namespace
}  // namespace concsim::sim
