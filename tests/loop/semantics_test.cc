// asyncio semantics in small programs: each test builds a scenario, runs it
// and compares what happened, and when, with what CPython 3.11 does.
#include <gtest/gtest.h>

#include <sstream>

#include "app/load/config.h"
#include "app/report/render.h"
#include "run_helpers.h"

namespace concsim::testing {
namespace {

std::vector<std::string> texts(const run::RunOutput& r) {
  std::vector<std::string> out;
  for (const auto& l : logs(r)) out.push_back(l.task + ": " + l.event);
  return out;
}

TEST(Semantics, CreatedTaskRunsOnALaterIterationNotAtCreateTask) {
  const auto r = run_text(R"(
main:
  - spawn: {name: child, steps: [{log: "child runs"}], into: c}
  - log: "parent continues"
  - await: c
)");
  // create_task only schedules the child: the parent keeps running first.
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: parent continues", "child: child runs"}));
}

TEST(Semantics, TimersWithEqualDeadlinesFireInTheOrderScheduled) {
  // Both orders of creation: the wake-up order follows the sleep order,
  // whatever the names.
  for (const auto& [first, second] : {std::pair{"x", "y"}, std::pair{"y", "x"}}) {
    const std::string yaml = std::string(R"(
functions:
  napper:
    steps: [{sleep: 10ms}, {log: "woke"}]
main:
  - spawn: {name: )") + first + R"(, fn: napper, into: a}
  - spawn: {name: )" + second + R"(, fn: napper, into: b}
  - gather: {tasks: [a, b]}
)";
    const auto r = run_text(yaml);
    EXPECT_EQ(texts(r), (std::vector<std::string>{std::string(first) + ": woke", std::string(second) + ": woke"}));
  }
}

TEST(Semantics, EarlierDeadlineFiresFirstWhateverTheOrderScheduled) {
  const auto r = run_text(R"(
functions:
  napper:
    params: [d]
    steps: [{sleep: $d}, {log: "woke"}]
main:
  - spawn: {name: late, fn: napper, args: {d: 20ms}, into: a}
  - spawn: {name: early, fn: napper, args: {d: 10ms}, into: b}
  - gather: {tasks: [a, b]}
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"early: woke", "late: woke"}));
  EXPECT_EQ(task(r, "early").end, ms(10));
}

TEST(Semantics, CancellingATaskThatNeverRanSkipsItsBody) {
  const auto r = run_text(R"(
main:
  - spawn:
      name: victim
      steps:
        - try:
            steps: [{log: "body ran"}]
            finally: [{log: "finally ran"}]
      into: v
  - cancel: v
  - gather: {tasks: [v], return_exceptions: true, into: res}
  - log: "got {res}"
)");
  // coro.throw() into an unstarted coroutine raises before its first line.
  // CPython 3.11's gather(return_exceptions=True) lists a cancelled task as
  // CancelledError('') (python3 prints that; checked against Debian's 3.11).
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: got [CancelledError('')]"}));
  EXPECT_EQ(task(r, "victim").state, models::TaskState::kCancelled);
}

TEST(Semantics, SwallowedCancellationLetsTheTaskFinishNormally) {
  const auto r = run_text(R"(
main:
  - spawn:
      name: stubborn
      steps:
        - try:
            steps: [{sleep: 1s}]
            except: [{type: CancelledError, steps: [{log: "ignoring the cancel"}]}]
        - return: finished anyway
      into: s
  - sleep: 10ms
  - cancel: s
  - await: {task: s, into: v}
  - log: "{v}"
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"stubborn: ignoring the cancel", "main: finished anyway"}));
  EXPECT_EQ(task(r, "stubborn").state, models::TaskState::kDone);
  EXPECT_EQ(r.end_time, ms(10));
}

TEST(Semantics, WaitForTimesOutCancelsTheInnerTaskAndRaisesTimeoutError) {
  const auto r = run_text(R"(
main:
  - try:
      steps:
        - wait_for:
            task:
              name: slow
              steps:
                - try:
                    steps: [{sleep: 5s}]
                    except: [{type: CancelledError, steps: [{log: "cleanup"}, raise]}]
            timeout: 2s
      except:
        - type: TimeoutError
          steps: [{log: "timed out"}]
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"slow: cleanup", "main: timed out"}));
  EXPECT_EQ(time_of(r, "main", "log: timed out"), ms(2000));
  EXPECT_EQ(task(r, "slow").state, models::TaskState::kCancelled);
}

TEST(Semantics, WaitForReturnsTheResultWhenInTime) {
  const auto r = run_text(R"(
main:
  - wait_for: {task: {name: quick, steps: [{sleep: 1s}, {return: 42}]}, timeout: 2s, into: v}
  - log: "{v}"
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: 42"}));
  EXPECT_EQ(r.end_time, ms(1000));
}

TEST(Semantics, LockHandsOverFirstComeFirstServed) {
  const auto r = run_text(R"(
sync:
  lock: {kind: lock}
functions:
  user:
    steps:
      - async_with: {resource: lock, steps: [{log: "has the lock"}, {sleep: 10ms}]}
main:
  - gather:
      tasks:
        - {name: a, fn: user}
        - {name: b, fn: user}
        - {name: c, fn: user}
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"a: has the lock", "b: has the lock", "c: has the lock"}));
  EXPECT_EQ(r.end_time, ms(30));
}

TEST(Semantics, BoundedSemaphoreRejectsAnExtraRelease) {
  const auto r = run_text(R"(
sync:
  s: {kind: bounded_semaphore, value: 1}
main:
  - try:
      steps: [{release: s}]
      except: [{type: ValueError, as: e, steps: [{log: "{e}"}]}]
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: ValueError('BoundedSemaphore released too many times')"}));
}

TEST(Semantics, ReleasingAnUnheldLockRaisesRuntimeError) {
  const auto r = run_text(R"(
sync:
  l: {kind: lock}
main:
  - try:
      steps: [{release: l}]
      except: [{type: RuntimeError, as: e, steps: [{log: "{e}"}]}]
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: RuntimeError('Lock is not acquired.')"}));
}

TEST(Semantics, EventWakesEveryWaiterInOrder) {
  const auto r = run_text(R"(
sync:
  go: {kind: event}
functions:
  waiter:
    steps: [{wait_event: go}, {log: "go"}]
main:
  - spawn: {name: w1, fn: waiter, into: a}
  - spawn: {name: w2, fn: waiter, into: b}
  - sleep: 5ms
  - set_event: go
  - gather: {tasks: [a, b]}
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"w1: go", "w2: go"}));
  EXPECT_EQ(task(r, "w2").end, ms(5));
}

TEST(Semantics, BoundedQueueBlocksThePutterUntilAGet) {
  const auto r = run_text(R"(
sync:
  q: {kind: queue, maxsize: 1}
main:
  - spawn:
      name: producer
      steps:
        - put: {queue: q, item: 1}
        - log: "put 1"
        - put: {queue: q, item: 2}
        - log: "put 2"
      into: p
  - sleep: 10ms
  - get: {queue: q, into: x}
  - log: "got {x}"
  - await: p
)");
  EXPECT_EQ(time_of(r, "producer", "log: put 1"), 0);
  EXPECT_EQ(time_of(r, "producer", "log: put 2"), ms(10));
  EXPECT_EQ(texts(r), (std::vector<std::string>{"producer: put 1", "main: got 1", "producer: put 2"}));
}

TEST(Semantics, QueueJoinWaitsForEveryTaskDone) {
  const auto r = run_text(R"(
sync:
  q: {kind: queue}
main:
  - put: {queue: q, item: a}
  - put: {queue: q, item: b}
  - spawn:
      name: worker
      steps:
        - repeat: {times: 2, steps: [{get: {queue: q, into: x}}, {sleep: 5ms}, {task_done: q}]}
      into: w
  - join: q
  - log: "joined"
)");
  EXPECT_EQ(time_of(r, "main", "log: joined"), ms(10));
}

TEST(Semantics, ExecutorWithOneWorkerRunsJobsOneAfterAnother) {
  const auto r = run_text(R"(
loop: {executor_workers: 1}
functions:
  job:
    steps: [{block: 1s}]
  offload:
    steps: [{run_in_executor: {fn: job}}]
main:
  - gather:
      tasks:
        - {name: a, fn: offload}
        - {name: b, fn: offload}
)");
  EXPECT_EQ(r.end_time, ms(2000));
  EXPECT_EQ(r.executor_workers, 1);
}

TEST(Semantics, DefaultExecutorSizeIsMin32CoresPlus4) {
  const auto r = run_text("main: [yield]\n");
  EXPECT_EQ(r.executor_workers, 8);  // the ideal machine has 4 cores
}

TEST(Semantics, StallReportsEveryWaitingTaskAndExitsOne) {
  const auto r = run_text(R"(
sync:
  q: {kind: queue}
main:
  - spawn: {name: consumer, steps: [{get: {queue: q}}], into: c}
  - await: c
)");
  EXPECT_EQ(r.status, "stalled");
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.waiting.size(), 2u);
  EXPECT_EQ(r.waiting[0].task, "main");
  EXPECT_EQ(r.waiting[0].waits_on, "await c");
  EXPECT_EQ(r.waiting[1].task, "consumer");
  EXPECT_EQ(r.waiting[1].waits_on, "get from queue q");
}

TEST(Semantics, AnEndlessLoopWithoutAwaitStopsTheRunInsteadOfHanging) {
  run::RunOptions small;
  small.step_budget = 1'000'000;  // the default is 100 million: same check, slower
  const auto r = run_text_with(R"(
main:
  - loop: [{set: {x: 1}}]
)", small);
  EXPECT_EQ(r.status, "stopped");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.detail.find("without awaiting"), std::string::npos);
}

TEST(Semantics, MainRaisingIsAFailedRun) {
  const auto r = run_text("main: [{raise: {type: KeyError, message: nope}}]\n");
  EXPECT_EQ(r.main_state, "failed");
  EXPECT_EQ(r.exit_code, 1);
}

TEST(Semantics, AsyncioRunCancelsTasksLeftWhenMainReturns) {
  const auto r = run_text(R"(
main:
  - spawn:
      name: background
      steps:
        - try:
            steps: [{sleep: 1h}]
            finally: [{log: "background cleaned up"}]
  - sleep: 1s
)");
  EXPECT_EQ(r.status, "completed");
  EXPECT_EQ(time_of(r, "background", "log: background cleaned up"), ms(1000));
  EXPECT_EQ(task(r, "background").state, models::TaskState::kCancelled);
  EXPECT_EQ(r.end_time, ms(1000));
}

TEST(Semantics, FinallyRunsOnReturnFromInsideATry) {
  const auto r = run_text(R"(
functions:
  f:
    steps:
      - try:
          steps: [{return: 1}]
          finally: [{log: "finally"}]
      - log: "not reached"
main:
  - call: {fn: f, into: v}
  - log: "v={v}"
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: finally", "main: v=1"}));
}

TEST(Semantics, BreakLeavesTheLoopThroughFinally) {
  const auto r = run_text(R"(
main:
  - repeat:
      times: 5
      as: i
      steps:
        - try:
            steps:
              - if: {cond: "i == 1", then: [break]}
              - log: "i={i}"
            finally: [{log: "finally {i}"}]
  - log: "after"
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: i=0", "main: finally 0", "main: finally 1", "main: after"}));
}

TEST(Semantics, ExceptionCatchesOrdinaryErrorsButNotCancellation) {
  const auto r = run_text(R"(
main:
  - spawn:
      name: t
      steps:
        - try:
            steps: [{sleep: 1s}]
            except: [{type: Exception, steps: [{log: "caught by Exception"}]}]
      into: t
  - sleep: 1ms
  - cancel: t
  - gather: {tasks: [t], return_exceptions: true, into: r}
  - log: "{r}"
)");
  // CancelledError derives from BaseException, not Exception (3.8+).
  // CPython 3.11's gather(return_exceptions=True) lists a cancelled task as
  // CancelledError('') (python3 prints that; checked against Debian's 3.11).
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: [CancelledError('')]"}));
}

TEST(Semantics, WaitForOnAValueThatIsNotATaskRaisesTypeError) {
  const auto r = run_text(R"(
main:
  - set: {x: 5}
  - try:
      steps: [{wait_for: {task: $x, timeout: 1s}}]
      except: [{type: TypeError, steps: [{log: "TypeError"}]}]
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: TypeError"}));
}

TEST(Semantics, AnEndlessLoopOfLogStepsIsStoppedToo) {
  // Each log is answered by the runtime at once; the step's budget counts
  // across those answers, so the loop is still caught.
  run::RunOptions small;
  small.step_budget = 1'000'000;
  const auto r = run_text_with("main:\n  - loop: [{log: hi}]\n", small);
  EXPECT_EQ(r.status, "stopped");
  EXPECT_EQ(r.exit_code, 1);
}

TEST(Semantics, TasksReadyWhenMainReturnsRunOnceMoreBeforeTheCancel) {
  // X's sleep and main's end at 10 ms: main returns first, but the loop stops
  // only after the next iteration, in which X's wake-up runs (asyncio's
  // run_until_complete callback). X is cancelled at its next await.
  const auto r = run_text(R"(
functions:
  x: {steps: [{sleep: 10ms}, {log: "X continues"}, {sleep: 1s}]}
main:
  - spawn: {name: X, fn: x, into: t}
  - sleep: 10ms
  - log: "main returns"
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: main returns", "X: X continues"}));
  EXPECT_EQ(task(r, "X").state, models::TaskState::kCancelled);
  EXPECT_EQ(r.end_time, ms(10));
}

TEST(Semantics, BareRaiseInFinallyReraisesTheExceptionInFlight) {
  const auto r = run_text(R"(
main:
  - try:
      steps:
        - try:
            steps: [{raise: ValueError}]
            finally: [{log: cleanup}, raise]
      except: [{type: ValueError, steps: [{log: "caught"}]}]
  - try:
      steps:
        - try:
            steps: [{log: "no error"}]
            finally: [raise]
      except: [{type: RuntimeError, as: e, steps: [{log: "{e}"}]}]
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: cleanup", "main: caught", "main: no error",
                                                "main: RuntimeError('No active exception to reraise')"}));
}

TEST(Semantics, WaitForWithTimeoutZeroNeverRunsAnUnstartedTask) {
  const auto r = run_text(R"(
functions:
  job: {steps: [{log: "job started"}, {sleep: 1s}]}
main:
  - try:
      steps: [{wait_for: {task: {name: job, fn: job}, timeout: 0}}]
      except: [{type: TimeoutError, steps: [{log: timeout}]}]
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: timeout"}));
  EXPECT_EQ(r.end_time, 0);
}

TEST(Semantics, AQueuedExecutorJobOfACancelledTaskNeverRuns) {
  const auto r = run_text(R"(
loop: {executor_workers: 1}
functions:
  job: {steps: [{cpu: 1s}]}
  client: {steps: [{run_in_executor: {fn: job}}]}
main:
  - spawn: {name: c1, fn: client, into: a}
  - spawn: {name: c2, fn: client, into: b}
  - spawn: {name: c3, fn: client, into: c}
  - sleep: 100ms
  - cancel: c
  - gather: {tasks: [a, b, c], return_exceptions: true}
)");
  // Jobs 1 and 2 run one after the other; job 3 was still queued.
  EXPECT_EQ(r.end_time, ms(2000));
}

TEST(Semantics, ACancelledGetterPassesItsWakeUpOnlyIfAnItemIsLeft) {
  // G1..G3 wait; main puts A and takes it back in the same step, and cancels
  // G1 (woken for A): with the queue empty again G1 must not wake G2 early,
  // so G2 stays first in line and gets B.
  const auto r = run_text(R"(
sync:
  q: {kind: queue}
functions:
  getter: {steps: [{get: {queue: q, into: x}}, {log: "got {x}"}]}
main:
  - spawn: {name: G1, fn: getter, into: g1}
  - spawn: {name: G2, fn: getter, into: g2}
  - spawn: {name: G3, fn: getter, into: g3}
  - sleep: 10ms
  - put: {queue: q, item: A}
  - get: {queue: q}
  - cancel: g1
  - sleep: 10ms
  - put: {queue: q, item: B}
  - sleep: 10ms
  - cancel: g3
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"G2: got B"}));
}

TEST(Semantics, SpansStillOpenAtAStallShowInTheTimeline) {
  const auto r = run_text(R"(
sync:
  q: {kind: queue}
main:
  - sleep: 10ms
  - get: {queue: q}
)");
  ASSERT_EQ(r.status, "stalled");
  bool waiting_to_end = false;
  for (const auto& s : r.spans) {
    if (s.task == "main" && s.kind == models::SpanKind::kWaiting && s.end == r.end_time && s.start == ms(10)) {
      waiting_to_end = true;
    }
  }
  EXPECT_TRUE(waiting_to_end);
}

TEST(Semantics, SharedInitialValuesMayBeNegativeOrComputed) {
  const auto r = run_text(R"(
shared:
  n: -3
  d: -5ms
  k: "${2 + 3}"
main:
  - log: "{n} {d} {k}"
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: -3 -0.005s 5"}));
}

TEST(Semantics, SameRunTwiceGivesByteIdenticalJson) {
  const std::string yaml = R"(
seed: 7
functions:
  f:
    steps:
      - repeat: {times: 20, steps: [{sleep: {exponential: {mean: 5ms}}}, {cpu: {uniform: {low: 10us, high: 90us}}}]}
main:
  - gather:
      tasks: [{name: a, fn: f}, {name: b, fn: f}, {name: c, fn: f}]
)";
  std::ostringstream a;
  std::ostringstream b;
  report::write_json(a, run_text(yaml));
  report::write_json(b, run_text(yaml));
  EXPECT_EQ(a.str(), b.str());
  EXPECT_GT(a.str().size(), 1000u);
  // A different seed gives a different run.
  std::ostringstream c;
  report::write_json(c, run_text(yaml, {"seed=8"}));
  EXPECT_NE(a.str(), c.str());
}

// A variable read before any step assigned it raises NameError, whether the
// expression is the variable alone (evaluated without a stack) or uses it.
TEST(Semantics, ReadingAVariableBeforeItIsAssignedRaisesNameError) {
  const auto r = run_text(R"(
main:
  - if: {cond: "1 == 2", then: [{set: {x: 1}}]}
  - try:
      steps: [{set: {y: $x}}]
      except: [{type: NameError, steps: [{log: "alone: NameError"}]}]
  - try:
      steps: [{set: {y: "${x + 1}"}}]
      except: [{type: NameError, steps: [{log: "in a sum: NameError"}]}]
  - set: {x: 41}
  - set: {y: $x}
  - log: "{y} {x + 1}"
)");
  EXPECT_EQ(texts(r), (std::vector<std::string>{"main: alone: NameError", "main: in a sum: NameError", "main: 41 42"}));
}

TEST(Semantics, EveryTaskKeepsItsNameWhateverItsLength) {
  // Names of 0 to 300 characters, across the lengths the loop stores in a
  // byte and those it stores apart, in more than one block of names.
  const std::string long_name(300, 'a');
  const std::string limit_name(255, 'b');
  const auto r = run_text(R"(
functions:
  f:
    params: [i]
    steps: [{sleep: 1ms}]
main:
  - spawn: {name: )" + long_name + R"(, fn: f, args: {i: 0}, into: a}
  - spawn: {name: )" + limit_name + R"(, fn: f, args: {i: 0}, into: b}
  - gather:
      tasks: [{name: "t{i}", fn: f, args: {i: $i}, count: 40, as: i}]
  - await: a
  - await: b
)");
  std::vector<std::string> expected = {"main", long_name, limit_name};
  for (int i = 0; i < 40; ++i) expected.push_back("t" + std::to_string(i));
  std::vector<std::string> names;
  for (const auto& t : r.tasks) names.push_back(t.name);
  EXPECT_EQ(names, expected);
  // A trace line names its task from the same table.
  EXPECT_TRUE(time_of(r, long_name, "done -> None").has_value());
  EXPECT_TRUE(time_of(r, "t39", "done -> None").has_value());
}

}  // namespace
}  // namespace concsim::testing
