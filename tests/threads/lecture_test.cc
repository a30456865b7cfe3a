// The lecture library under the thread model: every program runs to the
// end, and the claims that concern threads show (S5's timing, S10's lost
// updates under preemption).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "thread_helpers.h"

namespace concsim::testing {
namespace {

class EveryLecture : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryLecture, RunsToCompletionOnIdeal) {
  const auto r = run_lecture(GetParam());
  EXPECT_TRUE(r->completed()) << sim::to_string(r->result.reason) << ": " << r->result.detail;
  EXPECT_NE(r->model->main_state(), models::TaskState::kPending);
}

TEST_P(EveryLecture, RunsToCompletionOnEveryProfile) {
  for (const char* machine : {"lecture", "linux-modern", "seda-2001"}) {
    const auto r = run_lecture(GetParam(), machine);
    EXPECT_TRUE(r->completed()) << machine << ": " << sim::to_string(r->result.reason) << ": " << r->result.detail;
  }
}

INSTANTIATE_TEST_SUITE_P(Lectures, EveryLecture,
                         ::testing::Values("as_completed", "async_with_for", "atomic_between_awaits",
                                           "blocking_vs_executor", "cpu_bound", "create_task_wait_timeout",
                                           "gather", "gather_exceptions", "gather_vs_sequential", "loop_cycle",
                                           "producer_consumer", "semaphore", "sleep0_yield",
                                           "wait_first_completed"));

std::int64_t shared_int(const ThreadRun& r, const std::string& name) {
  const auto& vars = r.workload.compiled.shared;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (vars[i].name == name) {
      const models::Value v = r.model->shared()[i];
      EXPECT_EQ(v.kind, models::ValueKind::kInt);
      return v.bits;
    }
  }
  ADD_FAILURE() << "no shared variable " << name;
  return -1;
}

// S5 under threads: each fetch is a thread that sleeps; on a machine where
// threads cost nothing the run ends when the longest sleep does.
TEST(LectureThreads, S5GatherEndsAtExactlyOneSecondOnIdeal) {
  const auto r = run_lecture("gather");
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->model->finish_time(), ms(1000));
  EXPECT_EQ(r->task("B").end, ms(500));
  EXPECT_EQ(r->task("C").end, ms(800));
  EXPECT_EQ(r->task("A").end, ms(1000));
  EXPECT_EQ(r->model->main_result(), "['Data from source A', 'Data from source B', 'Data from source C']");
}

// On linux-modern the same run pays for threads. Along A's path, the one that
// ends last, every cost comes once:
//   main is switched in                    a switch
//   main creates A                         thread_create
//   A is switched in, faults in its stack  a switch, ceil(stack_resident / page) faults
//   A's sleep is a system call             syscall
//   ... 1 s ...
//   A wakes and is switched in             a switch
//   A exits, waking main                   thread_exit
//   main is switched in, returns from its
//   FUTEX_WAIT (gather's join)             a switch, futex_wait
//   main exits                             thread_exit
// A switch under the cfs policy costs context_switch, plus an IPI when a
// wake-up lands on an idle core other than the waker's, plus a pick that
// walks at most one tree node per level of a tree of at most three threads,
// plus the refill of at most the thread's working set from memory: the run
// ends between 1 s plus the costs with every switch at context_switch and 1 s
// plus the costs with every switch at its most.
TEST(LectureThreads, S5GatherOnLinuxModernIsOneSecondPlusTheCostsOnItsPath) {
  const auto r = run_lecture("gather", "linux-modern");
  ASSERT_TRUE(r->completed());
  const models::MachineProfile& p = r->profile;
  ASSERT_EQ(p.policy, models::SchedPolicy::kCfs);
  const sim::Duration faults = (p.stack_resident + p.page_size - 1) / p.page_size * p.page_fault;
  const sim::Duration path = p.thread_create + faults + p.syscall + 2 * p.thread_exit + p.futex_wait;
  const sim::Duration line_reads = p.cache.thread_working_set / p.cache.line + 2;
  const sim::Duration most = p.context_switch + p.ipi + p.pick_base + line_reads * p.cache.memory;
  EXPECT_GT(path, 0);
  EXPECT_GE(r->model->finish_time(), ms(1000) + path + 4 * p.context_switch);
  EXPECT_LE(r->model->finish_time(), ms(1000) + path + 4 * most);
  // Completion order and results are the program's, whatever the costs.
  EXPECT_LT(r->task("B").end, r->task("C").end);
  EXPECT_LT(r->task("C").end, r->task("A").end);
  EXPECT_EQ(r->model->main_result(), "['Data from source A', 'Data from source B', 'Data from source C']");
}

// S10: the read and the write of `counter` are separated by a 1 us cpu step.
// On ideal's 4 cores, 4 workers read the same value, compute in parallel and
// write the same value back: updates are lost. (On the event loop the same
// program gives exactly 1000.)
TEST(LectureThreads, S10PreemptiveThreadsLoseUpdatesOnIdeal) {
  const auto r = run_lecture("atomic_between_awaits");
  ASSERT_TRUE(r->completed());
  const std::int64_t counter = shared_int(*r, "counter");
  EXPECT_LT(counter, 1000);
  EXPECT_GT(counter, 0);
  EXPECT_LT(shared_int(*r, "counter_across_await"), 1000);
}

TEST(LectureThreads, S10LostUpdatesOnEveryProfile) {
  for (const char* machine : {"lecture", "linux-modern", "seda-2001"}) {
    const auto r = run_lecture("atomic_between_awaits", machine);
    ASSERT_TRUE(r->completed()) << machine;
    EXPECT_LT(shared_int(*r, "counter"), 1000) << machine;
  }
}

// The claims whose figures do not depend on a single thread of control hold
// for threads on ideal as they do on the loop.
TEST(LectureThreads, TimedClaimsHoldOnIdeal) {
  EXPECT_EQ(run_lecture("semaphore")->model->finish_time(), ms(4000));           // S11
  EXPECT_EQ(run_lecture("as_completed")->model->finish_time(), ms(3000));        // S15
  EXPECT_EQ(run_lecture("wait_first_completed")->model->finish_time(), ms(1000));
  const auto pc = run_lecture("producer_consumer");                                // S12
  EXPECT_EQ(pc->task("consumer").end, ms(1100));
  // S14: four 1 s computations on four cores take 1 s, not 4, even without
  // the executor: threads run in parallel.
  const auto cpu = run_lecture("cpu_bound");
  EXPECT_EQ(cpu->task("loop1").end, ms(1000));
  EXPECT_EQ(cpu->task("loop4").end, ms(1000));
  // S6: A is cancelled while it sleeps, at 1.2 s, and its handler runs then.
  const auto ct = run_lecture("create_task_wait_timeout");
  EXPECT_EQ(ct->task("A").state, models::TaskState::kCancelled);
  EXPECT_EQ(ct->task("A").end, ms(1200));
}

// S8 the other way round: a blocking call blocks only its own thread, so the
// ticker is never late.
TEST(LectureThreads, S8BlockingCallBlocksOnlyItsThread) {
  const auto r = run_lecture("blocking_vs_executor");
  ASSERT_TRUE(r->completed());
  std::vector<sim::Time> ticks;
  for (const models::TraceLine& l : r->model->recorder().lines()) {
    if (l.event.rfind("log: tick ", 0) == 0) ticks.push_back(l.t);
  }
  ASSERT_EQ(ticks.size(), 24u);
  for (std::size_t i = 0; i < ticks.size(); ++i) EXPECT_EQ(ticks[i], ms(100) * static_cast<sim::Time>(i + 1));
}

}  // namespace
}  // namespace concsim::testing
