// The scheduler: time slices that end inside cpu steps, the accounting of
// core time, and switch costs that grow with runnable threads.
#include <gtest/gtest.h>

#include <string>

#include "app/load/machine.h"
#include "thread_helpers.h"

namespace concsim::testing {
namespace {

// One core, 1 ms fixed slices, nothing costs anything.
models::MachineProfile one_core_1ms_slices() {
  return profile_from(R"(
extends: ideal
hardware: {cores: 1}
scheduler: {sched_latency: 0s, min_granularity: 1ms}
)");
}

// Two threads of 3 ms of cpu on one core with 1 ms slices take turns:
//   0-1 A, 1-2 B, 2-3 A, 3-4 B, 4-5 A (done), 5-6 B (done).
// The main thread only spawns and joins, in no time.
TEST(Scheduler, SlicesEndInsideCpuStepsAndThreadsTakeTurns) {
  const auto r = run_threads(R"(
functions:
  work: {steps: [{cpu: 3ms}]}
main:
  - gather:
      tasks:
        - {name: A, fn: work}
        - {name: B, fn: work}
)",
                             one_core_1ms_slices());
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->task("A").start, ms(0));
  EXPECT_EQ(r->task("B").start, ms(1));
  EXPECT_EQ(r->task("A").end, ms(5));
  EXPECT_EQ(r->task("B").end, ms(6));
  const models::Metrics m = r->model->metrics();
  // A at 1 and 3 ms, B at 2 and 4 ms were still runnable when they lost the core.
  EXPECT_EQ(m.context_switches.involuntary, 4u);
  // main blocks once, in gather.
  EXPECT_EQ(m.context_switches.voluntary, 1u);
  EXPECT_EQ(m.cpu.useful_ns, ms(6));
  EXPECT_EQ(m.cpu.idle_ns, 0);
  EXPECT_EQ(m.cpu.switch_ns, 0);
}

// S10 with a single core: a slice that ends inside the cpu step between a
// read and a write lets the other thread read the same value.
//   A reads 0, runs 1 ms of its 1.5 ms, is preempted; B reads 0, runs 1 ms,
//   is preempted; A finishes and writes 1; B finishes and writes 1.
TEST(Scheduler, PreemptionInsideAStepLosesAnUpdateOnOneCore) {
  const auto r = run_threads(R"(
shared: {counter: 0}
functions:
  inc:
    steps:
      - set: {tmp: $counter}
      - cpu: 1500us
      - set: {counter: "${tmp + 1}"}
main:
  - gather:
      tasks:
        - {name: A, fn: inc}
        - {name: B, fn: inc}
  - return: $counter
)",
                             one_core_1ms_slices());
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->model->main_result(), "1");
  EXPECT_EQ(r->task("A").end, us(2500));
  EXPECT_EQ(r->task("B").end, us(3000));
}

// With slices longer than the step nothing is preempted: no update is lost.
TEST(Scheduler, NoPreemptionNoLostUpdateOnOneCore) {
  const auto r = run_threads(R"(
shared: {counter: 0}
functions:
  inc:
    steps:
      - set: {tmp: $counter}
      - cpu: 500us
      - set: {counter: "${tmp + 1}"}
main:
  - gather:
      tasks:
        - {name: A, fn: inc}
        - {name: B, fn: inc}
  - return: $counter
)",
                             one_core_1ms_slices());
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->model->main_result(), "2");
  EXPECT_EQ(r->model->metrics().context_switches.involuntary, 0u);
}

// sched_yield hands the core to the next runnable thread, which is charged
// as an involuntary switch, and returns at once when nobody waits.
TEST(Scheduler, YieldAlternatesTwoThreadsOnOneCore) {
  const auto r = run_threads(R"(
functions:
  work:
    params: [tag]
    steps:
      - repeat:
          times: 3
          as: i
          steps:
            - log: "{tag}{i}"
            - cpu: 100us
            - yield
main:
  - gather:
      tasks:
        - {name: A, fn: work, args: {tag: a}}
        - {name: B, fn: work, args: {tag: b}}
)",
                             one_core_1ms_slices(), models::ThreadOptions{.record = true});
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->logs(), (std::vector<std::string>{"a0", "b0", "a1", "b1", "a2", "b2"}));
  // Each yields 3 times and each time the other is runnable: even after its
  // last log line A still has to run once more, to return.
  EXPECT_EQ(r->model->metrics().context_switches.involuntary, 6u);
}

// Core time adds up: useful + system + switch + swap + idle = cores * end.
TEST(Scheduler, CoreTimeAddsUpOnACostlyMachine) {
  const auto r = run_lecture("gather_vs_sequential", "linux-modern");
  ASSERT_TRUE(r->completed());
  const models::Metrics m = r->model->metrics();
  EXPECT_EQ(m.cpu.useful_ns + m.cpu.system_ns + m.cpu.switch_ns + m.cpu.swap_ns + m.cpu.idle_ns,
            m.end_ns * r->profile.cores);
  EXPECT_GT(m.cpu.system_ns, 0);
  EXPECT_GT(m.cpu.switch_ns, 0);
  // 103 threads were created, each paying thread_create once.
  EXPECT_GE(m.cpu.system_ns, 103 * r->profile.thread_create);
  const models::CpuShares shares = models::cpu_shares(m);
  EXPECT_NEAR(shares.useful + shares.system + shares.switching + shares.swap + shares.idle, 1.0, 1e-9);
}

// S2's mechanism on seda-2001's Linux 2.2 scheduler: N CPU-bound threads
// share 4 cores in 200 ms slices; each switch walks the run queue, reading
// two lines of every runnable task_struct. With N = 1000 nearly all threads
// stay runnable until the last round, so most switches see n >= 500
// runnable threads, more than the 64 task_structs the L2's sets hold: every
// read misses. With N = 10, n <= 11 and every read hits the L2.
double switch_cost_per_switch(int threads) {
  const auto r = run_threads(R"(
functions:
  spin: {steps: [{cpu: 1s}]}
main:
  - repeat:
      times: )" + std::to_string(threads) + R"(
      steps:
        - spawn: {fn: spin, into: t}
)",
                             "seda-2001");
  EXPECT_TRUE(r->completed());
  const models::Metrics m = r->model->metrics();
  EXPECT_EQ(m.completed, static_cast<std::uint64_t>(threads));
  const std::uint64_t switches = r->model->stats().switches_in;
  // Every thread is switched in once to start, and once after each preemption.
  EXPECT_EQ(switches, static_cast<std::uint64_t>(threads) + 1 + m.context_switches.involuntary +
                          m.context_switches.voluntary);
  return static_cast<double>(m.cpu.switch_ns) / static_cast<double>(switches);
}

TEST(Scheduler, Linux22WalkGrowsWithRunnableThreadsAndMissesBeyondTheL2Sets) {
  const models::MachineProfile p = load::load_machine("seda-2001");
  ASSERT_EQ(p.policy, models::SchedPolicy::kLinux22);
  const double at10 = switch_cost_per_switch(10);
  const double at1000 = switch_cost_per_switch(1000);
  const std::int64_t lines = p.cache.sched_bytes_per_task / p.cache.line;
  // At 1000, for the switches that see n >= 500, each task costs goodness
  // and `lines` memory reads; the lock's waits only add to it.
  const double min1000 = static_cast<double>(p.context_switch + p.pick_base + 500 * (p.goodness + lines * p.cache.memory));
  EXPECT_GE(at1000, min1000);
  // At 10, L2 hits: far less than a tenth of that.
  EXPECT_GT(at1000, 10 * at10);
}

}  // namespace
}  // namespace concsim::testing
