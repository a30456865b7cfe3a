// Thread semantics that differ from the event loop's: cancellation at the
// next blocking point, joins at exit, FIFO hand-offs with wake-up latency,
// run_in_executor on a thread of its own, stalls.
#include <gtest/gtest.h>

#include <string>

#include "thread_helpers.h"

namespace concsim::testing {
namespace {

models::ThreadOptions recorded() {
  models::ThreadOptions o;
  o.record = true;
  return o;
}

// A thread in a cpu step cannot be interrupted: cancel() is delivered when
// it next blocks, at 10 ms, not at 1 ms when it was asked.
TEST(Semantics, CancelReachesARunningThreadAtItsNextBlockingStep) {
  const auto r = run_threads(R"(
functions:
  job:
    steps:
      - cpu: 10ms
      - log: "cpu done"
      - sleep: 1s
      - log: "never"
main:
  - spawn: {name: J, fn: job, into: j}
  - sleep: 1ms
  - cancel: j
  - gather: {tasks: [j], return_exceptions: true, into: out}
  - return: $out
)",
                             "ideal", recorded());
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->logs(), std::vector<std::string>{"cpu done"});
  EXPECT_EQ(r->task("J").state, models::TaskState::kCancelled);
  EXPECT_EQ(r->task("J").end, ms(10));
  // CPython 3.11's gather(return_exceptions=True) lists a cancelled task as
  // CancelledError('') (python3 prints that; checked against Debian's 3.11).
  EXPECT_EQ(r->model->main_result(), "[CancelledError('')]");
}

// A blocked thread is at a blocking point: the cancellation is delivered at
// once and its handler runs then.
TEST(Semantics, CancelInterruptsABlockedThreadAtOnce) {
  const auto r = run_threads(R"(
functions:
  job:
    steps:
      - try:
          steps: [{sleep: 1s}]
          except:
            - type: CancelledError
              steps: [{log: "cleanup"}, raise]
main:
  - spawn: {name: J, fn: job, into: j}
  - sleep: 1ms
  - cancel: j
  - wait: {tasks: [j], done: d, pending: p}
)",
                             "ideal", recorded());
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->logs(), std::vector<std::string>{"cleanup"});
  EXPECT_EQ(r->task("J").end, ms(1));
  EXPECT_EQ(r->model->finish_time(), ms(1));
}

// A thread that never blocks again is not cancelled at all.
TEST(Semantics, AThreadThatNeverBlocksAgainFinishesNormally) {
  const auto r = run_threads(R"(
functions:
  job: {steps: [{cpu: 5ms}, {return: 7}]}
main:
  - spawn: {name: J, fn: job, into: j}
  - cancel: j
  - await: j
  - return: "${'cancel asked'}"
)",
                             "ideal");
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->task("J").state, models::TaskState::kDone);
  EXPECT_EQ(r->task("J").result, "7");
  EXPECT_EQ(r->model->main_result(), "'cancel asked'");
}

// When main returns, the process waits for its non-daemon threads: nothing is
// cancelled and the run ends when the last one does.
TEST(Semantics, TheRunEndsWhenTheLastThreadDoesNotWhenMainDoes) {
  const auto r = run_threads(R"(
functions:
  nap: {steps: [{sleep: 2s}, {return: done}]}
main:
  - spawn: {name: N, fn: nap, into: n}
  - return: early
)",
                             "ideal");
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->task("main").end, 0);
  EXPECT_EQ(r->task("N").state, models::TaskState::kDone);
  EXPECT_EQ(r->model->finish_time(), ms(2000));
}

// A lock is handed to the longest waiter on release, and the woken thread
// pays the wake-up latency (1 ms here) before it runs, as it does after every
// sleep. With t0 = 1 ns + 1 ms, when A first runs after its sleep:
//   A holds from t0 and releases at t0 + 11 ms (10 ms sleep + 1 ms wake-up);
//   B, waiting since 2 ms, is woken then and runs at t0 + 12 ms;
//   C asks at 12.5 ms, while B is waking: the lock is B's already, so C
//   waits behind it, is woken when B releases at t0 + 23 ms, runs at t0 + 24 ms.
TEST(Semantics, LockHandOffIsFifoAndTheWokenThreadPaysTheWakeUpLatency) {
  const models::MachineProfile p = profile_from(R"(
extends: ideal
costs: {wakeup_latency: 1ms}
)");
  const auto r = run_threads(R"(
sync:
  lock: {kind: lock}
functions:
  user:
    params: [delay]
    steps:
      - sleep: $delay
      - async_with:
          resource: lock
          steps:
            - log: "got it"
            - sleep: 10ms
main:
  - gather:
      tasks:
        - {name: A, fn: user, args: {delay: 1ns}}
        - {name: B, fn: user, args: {delay: 1ms}}
        - {name: C, fn: user, args: {delay: 11500us}}
)",
                             p, recorded());
  ASSERT_TRUE(r->completed());
  std::vector<std::pair<std::string, sim::Time>> got;
  for (const models::TraceLine& l : r->model->recorder().lines()) {
    if (l.event == "log: got it") got.emplace_back(r->model->task_name(l.task), l.t);
  }
  const sim::Time t0 = 1 + ms(1);
  const std::vector<std::pair<std::string, sim::Time>> want{{"A", t0}, {"B", t0 + ms(12)}, {"C", t0 + ms(24)}};
  EXPECT_EQ(got, want);
}

// run_in_executor runs the job on a thread of its own and joins it.
TEST(Semantics, RunInExecutorRunsTheJobOnANewThread) {
  const auto r = run_threads(R"(
functions:
  job: {steps: [{cpu: 3ms}, {return: 42}]}
main:
  - run_in_executor: {fn: job, into: v}
  - return: $v
)",
                             "ideal");
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->model->main_result(), "42");
  const models::TaskSummary job = r->task("executor:job");
  EXPECT_TRUE(job.is_executor_job);
  EXPECT_EQ(job.end, ms(3));
  EXPECT_EQ(r->model->metrics().completed, 1u);
}

// A queue between threads: the item goes straight to a waiting getter.
TEST(Semantics, QueueHandsItemsToWaitingGetters) {
  const auto r = run_threads(R"(
sync:
  q: {kind: queue, maxsize: 1}
functions:
  producer:
    steps:
      - repeat: {times: 3, as: i, steps: [{put: {queue: q, item: $i}}]}
  consumer:
    steps:
      - set: {seen: "${[]}"}
      - repeat:
          times: 3
          steps:
            - sleep: 1ms
            - get: {queue: q, into: x}
            - set: {seen: "${append(seen, x)}"}
      - return: $seen
main:
  - spawn: {name: P, fn: producer, into: p}
  - spawn: {name: C, fn: consumer, into: c}
  - await: p
  - await: c
)",
                             "ideal");
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->task("C").result, "[0, 1, 2]");
  // A bounded queue of 1: the producer waits for room twice, and each get
  // moves the waiting producer's item in, so it is done at the second get.
  EXPECT_EQ(r->task("P").end, ms(2));
  EXPECT_EQ(r->task("C").end, ms(3));
}

// Nothing pending, threads still waiting: the run stalls and says on what.
TEST(Semantics, AStallNamesTheWaitingThreads) {
  const auto r = run_threads(R"(
sync:
  e: {kind: event}
functions:
  waiter: {steps: [{wait_event: e}]}
main:
  - spawn: {name: W, fn: waiter, into: w}
)",
                             "ideal");
  EXPECT_EQ(r->result.reason, sim::StopReason::kStalled);
  ASSERT_EQ(r->result.waiting.size(), 1u);
  EXPECT_EQ(r->result.waiting[0].task, "W");
  EXPECT_EQ(r->result.waiting[0].waits_on, "event e");
}

}  // namespace
}  // namespace concsim::testing
