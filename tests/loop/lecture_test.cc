// The lecture library against the claims of configs/claims/README.md (S5-S16,
// S18): every expected figure below is the claim's, and every measured one
// comes from running the shipped file.
#include <gtest/gtest.h>

#include <algorithm>

#include "app/load/config.h"
#include "app/load/workload.h"
#include "run_helpers.h"

namespace concsim::testing {
namespace {

std::string path(const std::string& name) { return "configs/lectures/" + name + ".yaml"; }

// The log lines' texts, in order.
std::vector<std::string> texts(const run::RunOutput& r) {
  std::vector<std::string> out;
  for (const auto& l : logs(r)) out.push_back(l.event);
  return out;
}

sim::Time log_time(const run::RunOutput& r, const std::string& text) {
  for (const auto& l : logs(r)) {
    if (l.event == text) return l.t;
  }
  ADD_FAILURE() << "no log line \"" << text << "\"";
  return -1;
}

TEST(Lecture, S5GatherTakesTheMaxNotTheSumAndKeepsArgumentOrder) {
  const auto r = run_file(path("gather"));
  ASSERT_EQ(r.status, "completed");
  // max(1.0, 0.5, 0.8) s, not their 2.3 s sum.
  EXPECT_EQ(r.end_time, ms(1000));
  // Completion order B (0.5 s), C (0.8 s), A (1.0 s).
  EXPECT_EQ(task(r, "B").end, ms(500));
  EXPECT_EQ(task(r, "C").end, ms(800));
  EXPECT_EQ(task(r, "A").end, ms(1000));
  std::vector<std::string> finished;
  for (const auto& t : texts(r)) {
    if (t.rfind("Finished fetch ", 0) == 0) finished.push_back(t.substr(15));
  }
  EXPECT_EQ(finished, (std::vector<std::string>{"B", "C", "A"}));
  // Results in argument order.
  EXPECT_EQ(r.main_result, "['Data from source A', 'Data from source B', 'Data from source C']");
  // All three start at once.
  EXPECT_EQ(task(r, "A").start, 0);
  EXPECT_EQ(task(r, "B").start, 0);
  EXPECT_EQ(task(r, "C").start, 0);
}

TEST(Lecture, S6WaitTimeoutCancelsTheStragglerAtItsAwait) {
  const auto r = run_file(path("create_task_wait_timeout"));
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(log_time(r, "done [B, C], pending [A]"), ms(1200));
  // CancelledError reaches A at its sleep, at the moment of the cancel.
  EXPECT_EQ(log_time(r, "Job A was cancelled"), ms(1200));
  EXPECT_EQ(task(r, "A").state, models::TaskState::kCancelled);
  EXPECT_EQ(task(r, "A").end, ms(1200));
  EXPECT_EQ(task(r, "B").end, ms(500));
  EXPECT_EQ(task(r, "C").end, ms(1000));
  // CPython 3.11's gather(return_exceptions=True) lists a cancelled task as
  // CancelledError('') (python3 prints that; checked against Debian's 3.11).
  EXPECT_EQ(log_time(r, "drained [CancelledError('')]"), ms(1200));
  EXPECT_EQ(r.end_time, ms(1200));
  // A never got to finish.
  const auto t = texts(r);
  EXPECT_EQ(std::count(t.begin(), t.end(), "Job A finished"), 0);
}

TEST(Lecture, S7AsyncWithAwaitsOpenAndCloseAndOthersRunBetweenRows) {
  const auto r = run_file(path("async_with_for"));
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(log_time(r, "connected"), ms(10));
  // Rows are 5 ms apart after the 10 ms open.
  EXPECT_EQ(log_time(r, "Row: 0"), ms(15));
  EXPECT_EQ(log_time(r, "Row: 1"), ms(20));
  EXPECT_EQ(log_time(r, "Row: 2"), ms(25));
  // The ticker (every 4 ms) runs between rows: tick 3 at 16 ms lies between
  // row 0 and row 1, in virtual time and in the order of the trace.
  EXPECT_EQ(log_time(r, "tick 3"), ms(16));
  const auto t = texts(r);
  const auto pos = [&](const std::string& s) { return std::find(t.begin(), t.end(), s) - t.begin(); };
  EXPECT_LT(pos("Row: 0"), pos("tick 3"));
  EXPECT_LT(pos("tick 3"), pos("Row: 1"));
  // The close is awaited: 2 ms after the last row.
  EXPECT_EQ(log_time(r, "closing"), ms(25));
  EXPECT_EQ(log_time(r, "closed"), ms(27));
  // On an error the close still runs, before the handler sees the exception.
  EXPECT_LT(pos("closed"), pos("caught ValueError('bad row') after the connection was closed"));
  EXPECT_EQ(std::count(t.begin(), t.end(), "closed"), 2);
}

TEST(Lecture, S8BlockingCallFreezesTheLoopAndTheExecutorDoesNot) {
  const auto r = run_file(path("blocking_vs_executor"));
  ASSERT_EQ(r.status, "completed");
  // The blocking call runs from 0.25 s to 1.25 s on the loop thread. The
  // ticker's tick due at 0.3 s runs at 1.25 s: 0.95 s late.
  ASSERT_EQ(r.loop.blocking_calls.size(), 1u);
  const auto& b = r.loop.blocking_calls[0];
  EXPECT_EQ(b.start, ms(250));
  EXPECT_EQ(b.duration, ms(1000));
  EXPECT_EQ(b.max_lateness, ms(950));
  EXPECT_EQ(b.callbacks_delayed, 1u);  // the ticker's timer
  EXPECT_EQ(log_time(r, "tick 2"), ms(1250));
  // In the executor the same call takes 1 s on a worker (1.25 s to 2.25 s)
  // and the ticker keeps its 100 ms period throughout.
  EXPECT_EQ(log_time(r, "executor returned data"), ms(2250));
  std::vector<sim::Time> ticks;
  for (const auto& l : logs(r)) {
    if (l.event.rfind("tick ", 0) == 0) ticks.push_back(l.t);
  }
  ASSERT_EQ(ticks.size(), 24u);
  for (std::size_t i = 3; i < ticks.size(); ++i) {
    EXPECT_EQ(ticks[i] - ticks[i - 1], ms(100)) << "tick " << i;
  }
  EXPECT_GE(ticks.back(), ms(2250));  // the ticker outlived the executor call
}

// The largest delay of a heartbeat beyond its 10 ms period.
sim::Duration worst_heartbeat_delay(const run::RunOutput& r, const std::string& phase, sim::Time spawned) {
  sim::Time previous = spawned;
  sim::Duration worst = 0;
  for (const auto& l : logs(r)) {
    if (l.event.rfind("heartbeat " + phase + ".", 0) != 0) continue;
    worst = std::max(worst, l.t - previous - ms(10));
    previous = l.t;
  }
  return worst;
}

TEST(Lecture, S9Sleep0LetsOthersRunAndACpuLoopWithoutItFreezesThem) {
  const auto r = run_file(path("sleep0_yield"));
  ASSERT_EQ(r.status, "completed");
  const sim::Time p1 = log_time(r, "phase 1: no yield");
  const sim::Time p2 = log_time(r, "phase 2: sleep(0) every 10 iterations");
  // Phase 1: the 100 ms loop holds the loop thread; the heartbeat due 10 ms
  // after it started waits until the loop ends: 90 ms late.
  EXPECT_EQ(worst_heartbeat_delay(r, "1", p1), ms(90));
  // Phase 2: the loop yields every 10 iterations (10 ms of CPU). A due
  // heartbeat needs two turns of the loop (the timer callback sets its
  // future, then the task wakes), and the cruncher's next batch is queued
  // ahead of each, so a heartbeat waits at most two batches: 20 ms.
  const sim::Duration late2 = worst_heartbeat_delay(r, "2", p2);
  EXPECT_EQ(late2, ms(20));
}

TEST(Lecture, S10NoLostUpdatesBetweenAwaitsButLostAcrossAnAwait) {
  const auto r = run_file(path("atomic_between_awaits"));
  ASSERT_EQ(r.status, "completed");
  std::string counter;
  std::string across;
  for (const auto& [name, value] : r.shared) {
    if (name == "counter") counter = value;
    if (name == "counter_across_await") across = value;
  }
  // 10 workers x 100 increments, none lost.
  EXPECT_EQ(counter, "1000");
  // With a sleep between read and write, the ten workers run in lock step:
  // all read the same value, all write it plus one, so each of the 100
  // rounds adds 1 instead of 10.
  EXPECT_EQ(across, "100");
}

TEST(Lecture, S11SemaphoreOfThreeOverTenOneSecondFetchesTakesFourSeconds) {
  const auto r = run_file(path("semaphore"));
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.end_time, ms(4000));  // ceil(10 / 3) rounds of 1 s
  EXPECT_EQ(log_time(r, "Fetched 10 URLs"), ms(4000));
  // Never more than three fetches at once: the k-th fetch starts at floor(k/3) s.
  std::vector<sim::Time> starts;
  for (const auto& l : logs(r)) {
    if (l.event.rfind("Fetching ", 0) == 0) starts.push_back(l.t);
  }
  ASSERT_EQ(starts.size(), 10u);
  for (std::size_t k = 0; k < starts.size(); ++k) {
    EXPECT_EQ(starts[k], static_cast<sim::Time>(k / 3) * ms(1000)) << "fetch " << k;
  }
}

TEST(Lecture, S12ProducerConsumerIsDoneAtOnePointOneSeconds) {
  const auto r = run_file(path("producer_consumer"));
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(log_time(r, "consumer done"), ms(1100));
  // Item k is produced at 0.1 (k + 1) s and consumed at 0.3 + 0.2 k s.
  for (int k = 0; k < 5; ++k) {
    EXPECT_EQ(log_time(r, "Produced: " + std::to_string(k)), ms(100) * (k + 1));
    EXPECT_EQ(log_time(r, "Consumed: " + std::to_string(k)), ms(300) + ms(200) * k);
  }
}

TEST(Lecture, S13ConcurrentWaitsOverlapAndSequentialOnesAdd) {
  const auto r = run_file(path("gather_vs_sequential"));
  ASSERT_EQ(r.status, "completed");
  const auto span = [&](const std::string& phase) {
    return log_time(r, "phase " + phase + " end") - log_time(r, "phase " + phase + " start");
  };
  EXPECT_EQ(span("concurrent-100"), ms(100));
  EXPECT_EQ(span("sequential-100"), ms(10'000));
  EXPECT_EQ(span("concurrent-3"), ms(1000));
  EXPECT_EQ(span("sequential-3"), ms(3000));
}

TEST(Lecture, S14CpuBoundWorkGainsNothingOnOneLoopAndScalesWithCores) {
  const auto r = run_file(path("cpu_bound"));
  ASSERT_EQ(r.status, "completed");
  const sim::Duration one_loop = log_time(r, "phase loop end") - log_time(r, "phase loop start");
  const sim::Duration pool = log_time(r, "phase executor end") - log_time(r, "phase executor start");
  EXPECT_EQ(one_loop, 4 * ms(1000));  // four 1 s jobs, one after another
  EXPECT_EQ(pool, ms(1000));          // four workers on four cores
}

TEST(Lecture, S14ExecutorWorkersShareTheMachinesCores) {
  // linux-modern has 2 cores: the four 1 s jobs run two at a time, so the
  // executor phase takes two rounds (plus the loop's sub-microsecond polls).
  const auto r = run_file(path("cpu_bound"), {"machine=linux-modern"});
  ASSERT_EQ(r.status, "completed");
  const sim::Duration pool = log_time(r, "phase executor end") - log_time(r, "phase executor start");
  EXPECT_GE(pool, 2 * ms(1000));
  EXPECT_LT(pool, 2 * ms(1000) + us(100));
  // The CPU used never exceeds what the cores can give.
  EXPECT_LE(r.metrics.cpu.useful_ns, static_cast<sim::Duration>(r.metrics.cpu.cores) * r.end_time);
}

TEST(Lecture, S15WaitFirstCompletedReturnsAtOneSecond) {
  const auto r = run_file(path("wait_first_completed"));
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(log_time(r, "first completed: done [t1], pending [t2, t3]"), ms(1000));
  EXPECT_EQ(task(r, "t2").state, models::TaskState::kCancelled);
  EXPECT_EQ(task(r, "t3").state, models::TaskState::kCancelled);
  EXPECT_EQ(r.end_time, ms(1000));
}

TEST(Lecture, S15AsCompletedYieldsInCompletionOrder) {
  const auto r = run_file(path("as_completed"));
  ASSERT_EQ(r.status, "completed");
  std::vector<std::pair<sim::Time, std::string>> got;
  for (const auto& l : logs(r)) got.emplace_back(l.t, l.event);
  const std::vector<std::pair<sim::Time, std::string>> expected{
      {ms(1000), "Got: Data from url2"}, {ms(2000), "Got: Data from url3"}, {ms(3000), "Got: Data from url1"}};
  EXPECT_EQ(got, expected);
}

TEST(Lecture, S16GatherRaisesTheFirstExceptionOrCollectsThem) {
  const auto r = run_file(path("gather_exceptions"));
  ASSERT_EQ(r.status, "completed");
  // Task 2 raises at once; gather passes it on at 0 s without waiting.
  EXPECT_EQ(log_time(r, "gather raised ValueError('Task 2 failed!')"), 0);
  // The other two go on and finish at 1 s.
  EXPECT_EQ(task(r, "first1").end, ms(1000));
  EXPECT_EQ(task(r, "first3").end, ms(1000));
  EXPECT_EQ(task(r, "first1").state, models::TaskState::kDone);
  EXPECT_EQ(log_time(r, "the other tasks finished anyway"), ms(1000));
  // return_exceptions=True: all three, in argument order, after the slowest.
  EXPECT_EQ(log_time(r, "return_exceptions=True: [1, ValueError('Task 2 failed!'), 3]"), ms(2000));
}

TEST(Lecture, S18TheLoopCyclesThroughPollTimersAndRun) {
  run::RunOptions options;
  options.trace_phases = true;
  const auto w = [] {
    auto doc = load::Document::load_file(path("loop_cycle"));
    return load::load_workload(doc);
  }();
  const auto r = run::run_workload(w, options);
  ASSERT_EQ(r.status, "completed");
  // Every iteration traces poll, then timers, then run, in that order.
  std::vector<std::string> phases;
  for (const auto& l : r.trace) {
    if (l.task != "loop") continue;
    if (l.event.find(": poll") != std::string::npos) phases.push_back("poll");
    if (l.event.rfind("timers:", 0) == 0) phases.push_back("timers");
    if (l.event.rfind("run:", 0) == 0) phases.push_back("run");
  }
  ASSERT_GE(phases.size(), 6u);
  for (std::size_t i = 0; i + 2 < phases.size(); i += 3) {
    EXPECT_EQ(phases[i], "poll");
    EXPECT_EQ(phases[i + 1], "timers");
    EXPECT_EQ(phases[i + 2], "run");
  }
  // At 5 ms the I/O completion is taken in the poll phase and the timer in
  // the timer phase of the same iteration: the reader resumes first.
  const auto t = texts(r);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0], "read done");
  EXPECT_EQ(t[1], "sleep done");
  EXPECT_EQ(log_time(r, "read done"), ms(5));
  EXPECT_EQ(log_time(r, "sleep done"), ms(5));
}

}  // namespace
}  // namespace concsim::testing
