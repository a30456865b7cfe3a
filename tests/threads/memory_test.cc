// Memory and limits: the lecture's arithmetic (S1), the realistic Linux
// picture, which wall is hit first (S3), and what happens at each wall.
#include <gtest/gtest.h>

#include <string>

#include "thread_helpers.h"

namespace concsim::testing {
namespace {

// `n` connections, each a thread that sleeps `hold` (so that all are alive at
// once) and then does a little work. main only starts them; the run ends
// when they have all finished (Python joins non-daemon threads at exit).
std::string connections(int n, const std::string& hold) {
  return R"(
functions:
  conn:
    steps:
      - sleep: )" + hold + R"(
      - cpu: 10us
main:
  - repeat:
      times: )" + std::to_string(n) + R"(
      steps:
        - spawn: {fn: conn, into: t}
)";
}

// S1 as the lecture computes it: 10,000 threads x 1 MiB = 10,000 MiB of
// stacks. Creating them takes 10,000 x 26 us = 0.26 s, well within the 10 s
// each one sleeps, so all 10,000 are alive at once.
TEST(Memory, S1LectureArithmeticTenThousandThreadsHoldTenThousandMebibytesOfStack) {
  const auto r = run_threads(connections(10'000, "10s"), "lecture");
  ASSERT_TRUE(r->completed());
  const models::Metrics m = r->model->metrics();
  ASSERT_EQ(r->profile.stack_resident, MiB);
  EXPECT_EQ(m.memory.by_kind.at("stacks.resident"), 10'000 * MiB);
  EXPECT_EQ(m.memory.by_kind.at("stacks.reserved"), 10'000 * MiB);
  // The lecture counts nothing else, so that is all the resident memory.
  EXPECT_EQ(m.memory.peak_resident, 10'000 * MiB);
  EXPECT_EQ(m.peak_tasks, 10'000);
  EXPECT_EQ(m.completed, 10'000u);
  EXPECT_FALSE(m.limit_hit.has_value());  // 10,000 MiB fit in the lecture's 16 GiB
}

// S1 on a real Linux: each thread reserves 8 MiB of stack and a 4 KiB guard
// page (10,000 x 8,196 KiB, about 78 GiB of address space) but keeps only
// what it touched (8,600 B) and its 16 KiB kernel stack in RAM: about
// 240 MiB, far below 1 GiB.
TEST(Memory, S1LinuxModernReservesTensOfGibibytesButKeepsLittleResident) {
  const auto r = run_threads(connections(10'000, "10s"), "linux-modern");
  ASSERT_TRUE(r->completed());
  const models::MachineProfile& p = r->profile;
  const models::Metrics m = r->model->metrics();
  EXPECT_EQ(m.memory.peak_reserved, 10'000 * (p.stack_reserved + p.guard_bytes));
  EXPECT_GT(m.memory.peak_reserved, 75 * GiB);
  EXPECT_EQ(m.memory.peak_resident, 10'000 * (p.stack_resident + p.kernel_stack));
  EXPECT_LT(m.memory.peak_resident, GiB);
  EXPECT_EQ(m.memory.by_kind.at("kernel_stacks.resident"), 10'000 * p.kernel_stack);
  EXPECT_EQ(m.memory.by_kind.at("guard.reserved"), 10'000 * p.guard_bytes);
  EXPECT_FALSE(m.limit_hit.has_value());
}

// S3 on linux-modern: 40,000 threads. The thread limit (pid_max, 32,449
// threads with the main one) stops creation long before RAM would: at that
// point resident memory is 32,448 x ~24.6 KiB, under 1 GiB of 24 GiB.
// Python's Thread.start() raises RuntimeError("can't start new thread") in
// main, which ends; the threads already started run to completion.
TEST(Memory, S3LinuxModernHitsTheThreadLimitNearThirtyTwoThousandBeforeRam) {
  const auto r = run_threads(connections(40'000, "30s"), "linux-modern");
  ASSERT_TRUE(r->completed());
  const models::MachineProfile& p = r->profile;
  const models::Metrics m = r->model->metrics();
  ASSERT_TRUE(m.limit_hit.has_value());
  EXPECT_EQ(m.limit_hit->which, "threads");
  EXPECT_EQ(m.limit_hit->threads, p.max_threads);
  EXPECT_GT(m.limit_hit->threads, 32'000);
  EXPECT_LE(m.limit_hit->threads, 32'768);  // pid_max
  // main paid for every creation before the refused one.
  EXPECT_GE(m.limit_hit->at_ns, (p.max_threads - 1) * p.thread_create);
  EXPECT_LT(m.memory.peak_resident, p.ram_bytes);
  EXPECT_EQ(r->model->main_state(), models::TaskState::kFailed);
  EXPECT_EQ(r->model->main_result(), "RuntimeError('can't start new thread')");
  EXPECT_EQ(r->model->stats().refused, 1u);
  EXPECT_EQ(m.completed, static_cast<std::uint64_t>(p.max_threads - 1));
  EXPECT_EQ(r->model->stats().peak_threads, p.max_threads);
}

// The same with `on_limit: queue`: spawns beyond the limit wait until a
// thread exits, and every connection is served in the end.
TEST(Memory, QueueAtTheThreadLimitServesEveryoneLater) {
  models::ThreadOptions o;
  o.on_limit = models::OnThreadLimit::kQueue;
  const auto r = run_threads(connections(40'000, "30s"), "linux-modern", o);
  ASSERT_TRUE(r->completed());
  const models::MachineProfile& p = r->profile;
  const models::Metrics m = r->model->metrics();
  EXPECT_EQ(m.completed, 40'000u);
  EXPECT_EQ(r->model->stats().queued, static_cast<std::uint64_t>(40'000 - (p.max_threads - 1)));
  EXPECT_EQ(r->model->stats().peak_threads, p.max_threads);
  ASSERT_TRUE(m.limit_hit.has_value());
  EXPECT_EQ(m.limit_hit->which, "threads");
  // A queued thread is created when a first one exits, after its 30 s, and
  // then sleeps 30 s itself; it waited for its slot, so it took longer than
  // its own 30 s.
  EXPECT_GT(r->model->finish_time(), 60 * sim::kSecond);
  EXPECT_GT(m.latency.max, 30 * sim::kSecond + r->profile.thread_create);
  EXPECT_EQ(r->model->main_state(), models::TaskState::kDone);
}

// S3 under the lecture's arithmetic: RAM is the wall. With 1 MiB resident
// per thread and 16 GiB of RAM, the thread that takes resident memory past
// 16,384 MiB is the 16,385th; with main, 16,386 threads are alive. The OOM
// killer ends the process: every unfinished thread is lost.
TEST(Memory, S3LectureHitsTheRamWallAndTheOomKillerLosesEverything) {
  const auto r = run_threads(connections(20'000, "10s"), "lecture");
  EXPECT_FALSE(r->completed());
  EXPECT_TRUE(r->model->finished());
  EXPECT_TRUE(r->model->stats().killed);
  const models::MachineProfile& p = r->profile;
  const std::int64_t per_thread = p.stack_resident + p.kernel_stack;
  const std::int64_t fatal = p.ram_bytes / per_thread + 1;
  const models::Metrics m = r->model->metrics();
  ASSERT_TRUE(m.limit_hit.has_value());
  EXPECT_EQ(m.limit_hit->which, "ram");
  EXPECT_EQ(m.limit_hit->threads, fatal + 1);
  EXPECT_EQ(m.failed, static_cast<std::uint64_t>(fatal));
  EXPECT_EQ(m.completed, 0u);
  EXPECT_EQ(r->model->main_state(), models::TaskState::kFailed);
  EXPECT_NE(r->result.detail.find("the OOM killer ended the process"), std::string::npos);
}

// on_oom: swap. Two threads of 1 MiB resident on 1 MiB of RAM: once the
// second exists, cpu steps run swap_slowdown times slower; the stretch is
// counted as swap time, not useful work.
TEST(Memory, SwappingSlowsCpuStepsDown) {
  const models::MachineProfile p = profile_from(R"(
extends: ideal
hardware: {ram: 1MiB}
memory: {stack_reserved: 1MiB, stack_resident: 1MiB}
limits: {on_oom: swap, swap_slowdown: 10}
)");
  const auto r = run_threads(R"(
functions:
  work: {steps: [{cpu: 1ms}]}
  idle: {steps: [{sleep: 20ms}]}
main:
  - spawn: {name: A, fn: work, into: a}
  - spawn: {name: B, fn: idle, into: b}
  - await: a
  - await: b
)",
                             p);
  ASSERT_TRUE(r->completed());
  EXPECT_TRUE(r->model->stats().swapped);
  EXPECT_EQ(r->task("A").end, ms(10));
  const models::Metrics m = r->model->metrics();
  EXPECT_EQ(m.cpu.useful_ns, ms(1));
  EXPECT_EQ(m.cpu.swap_ns, ms(9));
  EXPECT_EQ(m.limit_hit->which, "ram");
}

// overcommit: never. CommitLimit = swap + RAM x ratio = 0 + 1 GiB x 50 % =
// 512 MiB; each 100 MiB stack is charged, so 5 fit and the 6th spawn fails
// with EAGAIN, with 6 threads alive (5 and main).
TEST(Memory, StrictOvercommitRefusesTheStackThatWouldPassTheCommitLimit) {
  const models::MachineProfile p = profile_from(R"(
extends: ideal
hardware: {ram: 1GiB}
memory: {stack_reserved: 100MiB, stack_resident: 8KiB}
limits: {overcommit: never, overcommit_ratio: 50%}
)");
  const auto r = run_threads(connections(6, "1s"), p);
  ASSERT_TRUE(r->completed());
  const models::Metrics m = r->model->metrics();
  ASSERT_TRUE(m.limit_hit.has_value());
  EXPECT_EQ(m.limit_hit->which, "overcommit");
  EXPECT_EQ(m.limit_hit->threads, 6);
  EXPECT_EQ(m.completed, 5u);
}

// max_map_count 10 at 2 mappings per thread: 5 threads, the 6th is refused.
TEST(Memory, MappingLimitRefusesTheThreadBeyondIt) {
  const models::MachineProfile p = profile_from(R"(
extends: ideal
limits: {max_map_count: 10, mappings_per_thread: 2}
)");
  const auto r = run_threads(connections(6, "1s"), p);
  ASSERT_TRUE(r->completed());
  const models::Metrics m = r->model->metrics();
  ASSERT_TRUE(m.limit_hit.has_value());
  EXPECT_EQ(m.limit_hit->which, "mappings");
  EXPECT_EQ(m.completed, 5u);
}

// A refused spawn is an exception the program can catch.
TEST(Memory, CantStartNewThreadCanBeCaught) {
  const models::MachineProfile p = profile_from(R"(
extends: ideal
limits: {max_threads: 2}
)");
  const auto r = run_threads(R"(
functions:
  nap: {steps: [{sleep: 1s}]}
main:
  - spawn: {fn: nap, into: a}
  - try:
      steps:
        - spawn: {fn: nap, into: b}
      except:
        - type: RuntimeError
          as: e
          steps:
            - log: "caught {e}"
  - await: a
)",
                             p, models::ThreadOptions{.record = true});
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->logs(), std::vector<std::string>{"caught RuntimeError('can't start new thread')"});
  EXPECT_EQ(r->model->main_state(), models::TaskState::kDone);
}

// Thread per connection: with socket_per_thread each thread also holds its
// connection's socket buffers in RAM.
TEST(Memory, EachConnectionThreadHoldsItsSocketBuffers) {
  models::ThreadOptions o;
  o.socket_per_thread = true;
  const auto r = run_threads(connections(1'000, "1s"), "linux-modern", o);
  ASSERT_TRUE(r->completed());
  const models::MachineProfile& p = r->profile;
  ASSERT_GT(p.socket_buffer, 0);
  const models::Metrics m = r->model->metrics();
  EXPECT_EQ(m.memory.by_kind.at("buffers.resident"), 1'000 * p.socket_buffer);
  EXPECT_EQ(m.memory.peak_resident, 1'000 * (p.stack_resident + p.kernel_stack + p.socket_buffer));
}

// The simulator's own cost: a later issue runs 100,000 threads at once, so a
// simulated thread must cost the simulator a few hundred bytes at most.
TEST(Memory, AHundredThousandThreadsCostTheSimulatorLittle) {
  const auto r = run_threads(connections(100'000, "1s"), "ideal");
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->model->metrics().peak_tasks, 100'000);
  EXPECT_EQ(r->model->metrics().completed, 100'000u);
  EXPECT_LT(r->model->memory_bytes() / 100'000, 400u);
}

}  // namespace
}  // namespace concsim::testing
