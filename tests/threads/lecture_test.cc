// The lecture library under the thread model: every program runs to the
// end, and the claims that concern threads show (S5's timing, S10's lost
// updates under preemption).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "python_helpers.h"
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

// ------------------------------------------ the threaded lecture programs ----
// configs/lectures/threads_*.py: the lecture's threaded code in Python, run
// as `concsim run FILE --model threads` runs it.

std::unique_ptr<PyThreadRun> run_py_lecture(const std::string& name, const std::string& machine = "ideal",
                                            bool gil = true) {
  PyOptions o;
  o.gil = gil;
  return run_python_threads("configs/lectures/" + name + ".py", machine, o, true);
}

// S10, threaded: four threads add 10 each with 10 ms of computation between
// the read and the write. With the GIL the computations run one at a time
// (400 ms per phase on ideal, which charges nothing else), and a thread that
// waited 5 ms for the interpreter takes it in the middle of an update: some
// updates are lost; with the Lock none. Without the GIL, ideal's 4 cores run
// the four in lock-step: each round all four read the same value and write
// the same value back, so exactly 10 of 40 survive, in 100 ms.
TEST(LectureThreadsPython, S10LostUpdateWithTheGilAndWithout) {
  const auto r = run_py_lecture("threads_lost_update");
  ASSERT_TRUE(r->completed());
  const std::vector<std::string> t = r->texts();
  ASSERT_EQ(t.size(), 2u);
  const int lost = std::stoi(t[0].substr(std::string("without a lock: ").size()));
  EXPECT_LT(lost, 40);
  EXPECT_GT(lost, 0);
  EXPECT_EQ(t[1], "with a lock: 40 of 40");
  EXPECT_EQ(r->printed_at("without"), ms(400));
  EXPECT_EQ(r->printed_at("with a lock"), ms(800));

  const auto free = run_py_lecture("threads_lost_update", "ideal", false);
  ASSERT_TRUE(free->completed());
  EXPECT_EQ(free->texts(), (std::vector<std::string>{"without a lock: 10 of 40", "with a lock: 40 of 40"}));
  EXPECT_EQ(free->printed_at("without"), ms(100));
  EXPECT_EQ(free->printed_at("with a lock"), ms(500));

  for (const char* machine : {"lecture", "linux-modern", "seda-2001"}) {
    const auto m = run_py_lecture("threads_lost_update", machine);
    ASSERT_TRUE(m->completed()) << machine;
    EXPECT_LT(std::stoi(m->texts()[0].substr(std::string("without a lock: ").size())), 40) << machine;
    EXPECT_EQ(m->texts()[1], "with a lock: 40 of 40") << machine;
  }
}

// S8, threaded: the ticker keeps time through the main thread's 1 s
// blocking call (0.25-1.25 s) and the worker's (1.25-2.25 s): ticks 0-21 at
// 0.1 s, 0.2 s, ... 2.2 s. From 2.25 s the main thread computes for 1 s
// holding the GIL: the ticker wakes on time at 2.3 s, waits one switch
// interval for the interpreter and prints at 2.305 s, sleeps 0.1 s, and
// prints tick 23 at 2.410 s. Without the GIL: 2.3 s and 2.4 s. The
// computation itself is not slowed (the ticker's turns take no time): it
// ends at 3.25 s.
TEST(LectureThreadsPython, S8BlockingCallsBlockOnlyTheirThreadComputationHoldsTheGil) {
  for (const bool gil : {true, false}) {
    const auto r = run_py_lecture("threads_blocking_vs_offloaded", "ideal", gil);
    ASSERT_TRUE(r->completed()) << gil;
    std::vector<sim::Time> ticks;
    for (const auto& l : r->host->output()) {
      if (l.task == "ticker") ticks.push_back(l.t);
    }
    ASSERT_EQ(ticks.size(), 24u) << gil;
    for (std::size_t i = 0; i < 22; ++i) EXPECT_EQ(ticks[i], ms(100) * static_cast<sim::Time>(i + 1)) << gil << i;
    EXPECT_EQ(ticks[22], gil ? ms(2305) : ms(2300));
    EXPECT_EQ(ticks[23], gil ? ms(2410) : ms(2400));
    EXPECT_EQ(r->printed_at("computation done"), ms(3250));
    EXPECT_EQ(r->texts().back(), "computation done at 3.250 s");
  }
}

// S1, threaded: 10,000 threads waiting on an Event, all alive at once. On
// linux-modern each reserves its stack and a guard page and keeps its
// touched stack and its kernel stack resident, as the YAML program's
// threads do (memory_test.cc); the main thread is the process's and counts
// nothing. Creating them costs the main thread about 1 s, well within the
// 10 s they wait. The lecture's arithmetic: 1 MiB committed each.
TEST(LectureThreadsPython, S1TenThousandIdleThreadsHoldWhatTheProfileSays) {
  const auto r = run_py_lecture("threads_idle", "linux-modern");
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->texts(), (std::vector<std::string>{"10000 threads waiting", "all closed; 1 thread left"}));
  const models::MachineProfile& p = r->profile;
  const models::Metrics m = r->host->metrics();
  EXPECT_EQ(m.memory.peak_reserved, 10'000 * (p.stack_reserved + p.guard_bytes));
  EXPECT_GT(m.memory.peak_reserved, 75 * GiB);
  EXPECT_EQ(m.memory.peak_resident, 10'000 * (p.stack_resident + p.kernel_stack));
  EXPECT_LT(m.memory.peak_resident, GiB);
  EXPECT_EQ(m.peak_tasks, 10'000);
  EXPECT_EQ(r->host->stats().peak_threads, 10'001);
  EXPECT_FALSE(m.limit_hit.has_value());
  EXPECT_LT(r->printed_at("10000 threads waiting"), ms(10'000));

  const auto l = run_py_lecture("threads_idle", "lecture");
  ASSERT_TRUE(l->completed());
  ASSERT_EQ(l->profile.stack_resident, MiB);
  EXPECT_EQ(l->host->metrics().memory.peak_resident, 10'000 * MiB);
  EXPECT_EQ(l->host->metrics().memory.by_kind.at("stacks.reserved"), 10'000 * MiB);
}

}  // namespace
}  // namespace concsim::testing
