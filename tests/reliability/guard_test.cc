// The resource guards (app/run/guard.h): the estimate made before a run,
// the located refusal when it is over a limit, the run-time guard and the
// kernel's should_stop hook it relies on.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <thread>

#include "app/load/config.h"
#include "app/load/python_program.h"
#include "app/load/workload.h"
#include "app/run/guard.h"
#include "app/run/runner.h"
#include "sim/simulation.h"

namespace concsim::run {
namespace {

load::Workload load(const std::string& text) {
  return load::load_workload(load::Document::load_string(text, "w.yaml"));
}

Estimate estimate_of(const std::string& text) { return estimate(load(text)); }

TEST(Estimate, CountsTasksFromLiteralCountsSharedConstantsAndConstantExpressions) {
  const Estimate literal = estimate_of(
      "functions:\n  f: {steps: [{sleep: 1ms}, {io: 1ms}]}\n"
      "main:\n  - gather: {tasks: [{fn: f, count: 1000}]}\n");
  EXPECT_EQ(literal.tasks, 1001);
  EXPECT_TRUE(literal.exact_counts);
  // Each task: its two waits and its own start and end, at least.
  EXPECT_GE(literal.events, 1000 * (2 * kEventsPerWait + kEventsPerTask));
  EXPECT_EQ(literal.largest_count_value, 1000);
  EXPECT_EQ(literal.largest_count.line, 4);

  const Estimate shared = estimate_of(
      "shared: {n: 300}\nfunctions:\n  f: {steps: [{sleep: 1ms}]}\n"
      "main:\n  - repeat: {times: $n, steps: [{spawn: {fn: f}}]}\n");
  EXPECT_EQ(shared.tasks, 301);

  const Estimate expression = estimate_of(
      "shared: {n: 300}\nfunctions:\n  f: {steps: [{sleep: 1ms}]}\n"
      "main:\n  - gather: {tasks: [{fn: f, count: \"${n * 2 + 1}\"}]}\n");
  EXPECT_EQ(expression.tasks, 602);

  const Estimate connections = estimate_of(
      "connections: 5000\nfunctions:\n  f: {steps: [{sleep: 1ms}]}\n"
      "main:\n  - gather: {tasks: [{fn: f, count: $connections}]}\n");
  EXPECT_EQ(connections.tasks, 5001);
}

TEST(Estimate, NestingMultipliesAndCallsAndBranchesCount) {
  const Estimate e = estimate_of(
      "functions:\n"
      "  leaf: {steps: [{sleep: 1ms}]}\n"
      "  mid: {steps: [{gather: {tasks: [{fn: leaf, count: 10}]}}]}\n"
      "  helper: {steps: [{spawn: {fn: leaf}}]}\n"
      "main:\n"
      "  - repeat: {times: 3, steps: [{gather: {tasks: [{fn: mid, count: 4}]}}]}\n"
      "  - call: {fn: helper}\n"
      "  - if: {cond: \"true\", then: [{spawn: {fn: leaf}}], else: [{call: {fn: helper}}, {spawn: {fn: leaf}}]}\n");
  // 3 * 4 mids, each with 10 leaves; the call's leaf; the larger branch's two.
  EXPECT_EQ(e.tasks, 1 + 3 * 4 * (1 + 10) + 1 + 2);
}

TEST(Estimate, LoopsWhilesAndRunTimeCountsMakeALowerBound) {
  const Estimate loop = estimate_of("main:\n  - loop: [{sleep: 1ms}]\n");
  EXPECT_FALSE(loop.exact_counts);
  const Estimate runtime = estimate_of(
      "functions:\n  f: {steps: [{sleep: 1ms}]}\n"
      "main:\n  - set: {n: 5}\n  - gather: {tasks: [{fn: f, count: $n}]}\n");
  EXPECT_FALSE(runtime.exact_counts);
  EXPECT_EQ(runtime.tasks, 2);
  // A shared variable the program assigns is no constant.
  const Estimate assigned = estimate_of(
      "shared: {n: 1000}\nfunctions:\n  f: {steps: [{sleep: 1ms}]}\n"
      "main:\n  - set: {n: 1}\n  - gather: {tasks: [{fn: f, count: $n}]}\n");
  EXPECT_FALSE(assigned.exact_counts);
  // A function that spawns itself counts once: main, f, and the f it spawns.
  const Estimate recursive = estimate_of(
      "functions:\n  f: {steps: [{sleep: 1ms}, {spawn: {fn: f}}]}\nmain:\n  - spawn: {fn: f}\n");
  EXPECT_FALSE(recursive.exact_counts);
  EXPECT_EQ(recursive.tasks, 3);
}

TEST(Estimate, SaturatesInsteadOfOverflowing) {
  const Estimate e = estimate_of(
      "functions:\n  f: {steps: [{sleep: 1ms}]}\n"
      "main:\n"
      "  - repeat:\n      times: 1000000000000\n      steps:\n"
      "        - repeat:\n            times: 1000000000000\n            steps:\n"
      "              - gather: {tasks: [{fn: f, count: 1000000000000}]}\n");
  EXPECT_EQ(e.tasks, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(e.memory_bytes, std::numeric_limits<std::int64_t>::max());
}

TEST(Estimate, TheWorkloadsEventBudgetCapsTheEvents) {
  const Estimate e = estimate_of(
      "limits: {max_events: 1000}\n"
      "main:\n  - repeat: {times: 1000000, steps: [{sleep: 1ms}]}\n");
  EXPECT_EQ(e.events, 1000);
}

TEST(CheckEstimate, RefusesAtTheCountWithFileLineAndColumn) {
  const std::string text =
      "functions:\n  f: {steps: [{sleep: 1ms}]}\n"
      "main:\n  - gather: {tasks: [{fn: f, count: 100000000}]}\n";
  const load::Document doc = load::Document::load_string(text, "w.yaml");
  const load::Workload w = load::load_workload(doc);
  GuardLimits limits;
  try {
    check_estimate(estimate(w), limits, w, doc);
    FAIL() << "no ConfigError";
  } catch (const load::ConfigError& e) {
    EXPECT_EQ(e.pos().file, "w.yaml");
    EXPECT_EQ(e.pos().line, 4);
    EXPECT_EQ(e.key_path(), "main[0].gather.tasks[0].count");
    EXPECT_NE(e.message().find("over --max-memory 16.0GiB"), std::string::npos) << e.what();
  }
  // Within a larger limit it passes.
  limits.max_memory = std::int64_t{4} << 40;
  EXPECT_NO_THROW(check_estimate(estimate(w), limits, w, doc));
  // The events too.
  limits.max_events = 1000;
  EXPECT_THROW(check_estimate(estimate(w), limits, w, doc), load::ConfigError);
}

TEST(CheckEstimate, ACountSetWithSetIsReportedThere) {
  load::Document doc = load::Document::load_string(
      "functions:\n  f: {steps: [{sleep: 1ms}]}\nmain:\n  - gather: {tasks: [{fn: f, count: 3}]}\n", "w.yaml");
  doc.apply_override("main.0.gather.tasks.0.count=5000000000");
  const load::Workload w = load::load_workload(doc);
  try {
    check_estimate(estimate(w), GuardLimits{}, w, doc);
    FAIL() << "no ConfigError";
  } catch (const load::ConfigError& e) {
    EXPECT_EQ(e.pos().file, "--set");
    EXPECT_EQ(e.pos().column, 29);
  }
}

TEST(CheckEstimate, WithoutACountItPointsAtMain) {
  const std::string text =
      "functions:\n  f: {steps: [{sleep: 1ms}]}\n"
      "main:\n  - spawn: {fn: f}\n  - spawn: {fn: f}\n";
  const load::Document doc = load::Document::load_string(text, "w.yaml");
  const load::Workload w = load::load_workload(doc);
  GuardLimits limits;
  limits.max_events = 2;
  try {
    check_estimate(estimate(w), limits, w, doc);
    FAIL() << "no ConfigError";
  } catch (const load::ConfigError& e) {
    EXPECT_EQ(e.key_path(), "main");
    EXPECT_NE(e.message().find("over --max-events 2"), std::string::npos) << e.what();
  }
}

// A handler that reschedules itself forever: a run that never ends alone.
class Forever : public sim::EventHandler {
 public:
  explicit Forever(sim::Simulation& s) : sim_(s) {}
  void on_event(std::uint64_t) override { sim_.schedule_in(1, *this, 0); }

 private:
  sim::Simulation& sim_;
};

TEST(ShouldStop, IsPolledEvery65536EventsAndStopsTheRun) {
  sim::Simulation simulation;
  Forever handler(simulation);
  simulation.schedule_in(0, handler, 0);
  int polls = 0;
  sim::RunLimits limits;
  limits.should_stop = [&polls] { return ++polls == 3; };
  const sim::RunResult r = simulation.run(limits);
  EXPECT_EQ(polls, 3);
  EXPECT_EQ(r.reason, sim::StopReason::kStopped);
  EXPECT_EQ(r.detail, "interrupted");
  EXPECT_EQ(r.events, 3 * sim::kShouldStopInterval);
}

TEST(RunGuard, StopsAtTheEventLimitAndMarksTheOutput) {
  GuardLimits limits;
  limits.max_events = 3 * sim::kShouldStopInterval;
  RunGuard guard(limits);
  EXPECT_FALSE(guard.should_stop());
  EXPECT_FALSE(guard.should_stop());
  EXPECT_TRUE(guard.should_stop());
  EXPECT_TRUE(guard.tripped());
  RunOutput out;
  out.status = "completed";
  guard.mark(out);
  EXPECT_EQ(out.status, "interrupted");
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.detail.find("--max-events"), std::string::npos);
  EXPECT_NE(out.detail.find("partial"), std::string::npos);
}

TEST(RunGuard, StopsAtTheTimeout) {
  GuardLimits limits;
  limits.timeout_seconds = 0.05;
  RunGuard guard(limits);
  EXPECT_FALSE(guard.should_stop());
  std::this_thread::sleep_for(std::chrono::milliseconds(80));
  EXPECT_TRUE(guard.should_stop());
  EXPECT_NE(guard.reason().find("--timeout of 0.05s"), std::string::npos) << guard.reason();
}

TEST(RunGuard, AnUntrippedGuardLeavesTheOutputAlone) {
  RunGuard guard(GuardLimits{});
  EXPECT_FALSE(guard.should_stop());
  RunOutput out;
  out.status = "completed";
  guard.mark(out);
  EXPECT_EQ(out.status, "completed");
  EXPECT_EQ(out.exit_code, 0);
}

TEST(RunGuard, InterruptsARealRun) {
  const load::Workload w = load(
      "functions:\n  child: {steps: [{sleep: 1h}]}\n"
      "main:\n  - loop: [{spawn: {fn: child}}, yield]\n");
  GuardLimits limits;
  limits.max_events = 4 * sim::kShouldStopInterval;
  RunGuard guard(limits);
  RunOptions options;
  options.record = false;
  options.should_stop = [&guard] { return guard.should_stop(); };
  RunOutput r = run_workload(w, options);
  guard.mark(r);
  EXPECT_EQ(r.status, "interrupted");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.events, 4 * sim::kShouldStopInterval);
}

// A task that makes another task every round doubles the loop's ready
// queue: the 24th iteration alone runs millions of callbacks in one
// simulator event, which the simulator's poll between events never sees.
// The loop polls the guard's wall-clock and memory half within an
// iteration, so the run stops with its partial results, and the guard's
// event count (here 0: it was never polled between events) does not grow
// with the loop's polls.
TEST(RunGuard, InterruptsATaskBombWithinOneIterationOfTheLoop) {
  load::Workload w;
  w.name = "task_bomb";
  w.python_file = "task_bomb.py";
  w.python = load::compile_python(
      "import asyncio\n"
      "async def spawn():\n"
      "    while True:\n"
      "        asyncio.create_task(spawn())\n"
      "        await asyncio.sleep(0)\n"
      "asyncio.run(spawn())\n",
      "task_bomb.py");
  GuardLimits limits;
  limits.timeout_seconds = 0.2;
  RunGuard guard(limits);
  RunOptions options;
  options.record = false;
  options.should_stop = [&guard] { return guard.should_stop(); };
  int polls_within = 0;
  options.should_stop_within_event = [&] {
    ++polls_within;
    return guard.should_stop_within_event();
  };
  RunOutput r = run_workload(w, options);
  guard.mark(r);
  EXPECT_EQ(r.status, "interrupted");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_GT(polls_within, 0);
  EXPECT_LT(r.events, sim::kShouldStopInterval);  // stopped within an event, not between them
  EXPECT_NE(r.detail.find("--timeout of 0.2s reached after 0 events"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace concsim::run
