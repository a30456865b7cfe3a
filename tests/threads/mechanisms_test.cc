// The thread model's mechanisms one by one, each against what its equation
// gives by hand: the cache model's reuse distance and aligned scans, futex
// system calls on both sides of a hand-off, stack page faults, the 32-bit
// address-space wall, the policies' placement and CFS's wake-up preemption.
#include <gtest/gtest.h>

#include <string>

#include "app/load/machine.h"
#include "models/threads/ablation.h"
#include "models/threads/cache_model.h"
#include "thread_helpers.h"

namespace concsim::testing {
namespace {

// 64 KiB private cache of 64-byte lines, no shared level, 100 ns memory,
// 30 ns for a line from the other core's cache.
models::CacheProfile small_cache() {
  models::CacheProfile c;
  c.line = 64;
  c.private_bytes = 64 * KiB;
  c.private_ways = 4;
  c.private_hit = 5;
  c.shared_hit = 30;
  c.memory = 100;
  return c;
}

// evicted(W, D, C) = clamp(D + W - C, 0, W), line by line.
TEST(CacheModel, ASwitchInPaysForWhatOthersPushedOutSinceItLastRan) {
  models::CacheModel cache(small_cache(), 2);
  // A, 16 KiB, never ran: every line from memory, 256 x 100 ns.
  EXPECT_EQ(cache.switch_in(0, 0, 16 * KiB), 256 * 100);
  // B (40 KiB) runs; A comes back: 40 + 16 <= 64 KiB, all of A still there.
  EXPECT_EQ(cache.switch_in(1, 0, 40 * KiB), 640 * 100);
  EXPECT_EQ(cache.switch_in(0, 0, 16 * KiB), 0);
  // C (56 KiB) runs; A comes back: 56 + 16 - 64 = 8 KiB gone, 128 lines.
  EXPECT_EQ(cache.switch_in(2, 0, 56 * KiB), 896 * 100);
  EXPECT_EQ(cache.switch_in(0, 0, 16 * KiB), 128 * 100);
  // A moves to core 1: none of it is there; without a shared cache its
  // lines come from core 0's cache, at shared_hit.
  EXPECT_EQ(cache.switch_in(0, 1, 16 * KiB), 256 * 30);
}

// Objects aligned at a way's size or more share one set per line offset:
// a 512 KiB 4-way cache holds 64 task_structs at 8 KiB alignment (128 KiB
// per way / 8 KiB = 16 sets x 4 ways), whatever its size.
TEST(CacheModel, AScanOfAlignedObjectsHitsOnlyWhileTheirSetsHoldThem) {
  models::CacheProfile c = small_cache();
  c.private_bytes = 512 * KiB;
  c.line = 32;
  c.task_align = 8 * KiB;
  const models::CacheModel cache(c, 1);
  EXPECT_EQ(cache.scan(64, 64), 64 * 2 * 5);     // two lines each, L2 hits
  EXPECT_EQ(cache.scan(65, 64), 65 * 2 * 100);   // a cyclic scan beyond LRU capacity misses every line
  c.task_align = 0;                              // packed: 512 KiB / 64 B = 8,192 of them
  const models::CacheModel packed(c, 1);
  EXPECT_EQ(packed.scan(8192, 64), 8192 * 2 * 5);
  EXPECT_EQ(packed.scan(8193, 64), 8193 * 2 * 100);
}

// A lock hand-off on two cores: A holds the lock for 10 us, B waits from 0.
// At 10 us A releases and pays FUTEX_WAKE (2 us), then 5 us of work: ends at
// 17 us. B is woken at 10 us onto the idle core, returns from FUTEX_WAIT
// (1 us), holds the lock for 10 us: ends at 21 us. main, joining them, also
// slept in a futex: its return from it is the fourth microsecond of system
// time.
TEST(Futex, BothSidesOfAHandOffPayTheirSystemCall) {
  const models::MachineProfile p = profile_from(R"(
extends: ideal
hardware: {cores: 2}
costs: {futex_wait: 1us, futex_wake: 2us}
)");
  const auto r = run_threads(R"(
sync:
  lock: {kind: lock}
functions:
  a:
    steps:
      - async_with: {resource: lock, steps: [{cpu: 10us}]}
      - cpu: 5us
  b:
    steps:
      - async_with: {resource: lock, steps: [{cpu: 10us}]}
main:
  - gather:
      tasks:
        - {name: A, fn: a}
        - {name: B, fn: b}
)",
                             p);
  ASSERT_TRUE(r->completed());
  EXPECT_EQ(r->task("A").end, us(17));
  EXPECT_EQ(r->task("B").end, us(21));
  EXPECT_EQ(r->model->metrics().cpu.system_ns, us(4));
}

// A thread placed on an idle core other than its waker's (here its
// creator's: wake_up_new_task) costs that core the IPI before it runs (cfs:
// per-CPU queues, the idle core takes it). main runs on core 0; W goes to
// idle core 1 and starts 4 us later.
TEST(Futex, AWakeUpOntoAnotherIdleCorePaysTheIpi) {
  const std::string program = R"(
functions:
  w: {steps: [{cpu: 1us}]}
main:
  - gather:
      tasks:
        - {name: W, fn: w}
)";
  const auto with = run_threads(program, profile_from(R"(
extends: ideal
hardware: {cores: 2}
costs: {ipi: 4us}
scheduler: {policy: cfs}
)"));
  ASSERT_TRUE(with->completed());
  EXPECT_EQ(with->task("W").end, us(5));
  // W's exit wakes main, idle since on core 0, from core 1: a second IPI.
  EXPECT_EQ(with->model->metrics().cpu.switch_ns, us(8));
}

// A new thread's first run faults in the stack pages it keeps resident.
TEST(PageFaults, ANewThreadPaysOneFaultPerResidentStackPage) {
  const models::MachineProfile p = profile_from(R"(
extends: ideal
costs: {page_fault: 3us}
memory: {stack_reserved: 1MiB, stack_resident: 10KiB}
)");
  const auto r = run_threads(R"(
functions:
  w: {steps: [{cpu: 1us}]}
main:
  - gather:
      tasks:
        - {name: W, fn: w}
)",
                             p);
  ASSERT_TRUE(r->completed());
  // ceil(10 KiB / 4 KiB) = 3 faults of 3 us, then 1 us of work.
  EXPECT_EQ(r->task("W").end, us(10));
}

// 3 GiB of address space, 2 MiB stacks and a 4 KiB guard each: 3 GiB /
// (2 MiB + 4 KiB) = 1,533.0 stacks fit; the 1,534th thread is refused with
// EAGAIN (Python: RuntimeError) and the report names the wall.
TEST(AddressSpace, A32BitProcessRunsOutOfAddressSpaceForStacks) {
  const models::MachineProfile p = profile_from(R"(
extends: ideal
memory: {stack_reserved: 2MiB, guard: 4KiB}
limits: {address_space: 3GiB}
)");
  const auto r = run_threads(R"(
functions:
  w: {steps: [{sleep: 1s}]}
main:
  - repeat:
      times: 2000
      steps:
        - spawn: {fn: w, into: t}
)",
                             p);
  ASSERT_TRUE(r->completed());
  const models::Metrics m = r->model->metrics();
  ASSERT_TRUE(m.limit_hit.has_value());
  EXPECT_EQ(m.limit_hit->which, "address space");
  EXPECT_EQ(m.completed, 1533u);
  EXPECT_EQ(r->model->main_result(), "RuntimeError('can't start new thread')");
  EXPECT_LE(m.memory.peak_reserved, 3 * GiB);
}

// CFS wake-up preemption: on one core, B runs first and sleeps 1 ms while A
// spins; B wakes
// more than wakeup_granularity behind A in vruntime (A has run 1 ms, B
// nothing since) and takes the core at once, instead of waiting for A's
// 100 ms slice to end.
TEST(Cfs, AWokenThreadFarBehindInVruntimePreemptsTheRunningOne) {
  const std::string program = R"(
functions:
  spin: {steps: [{cpu: 50ms}]}
  nap: {steps: [{sleep: 1ms}, {cpu: 10us}]}
main:
  - gather:
      tasks:
        - {name: B, fn: nap}
        - {name: A, fn: spin}
)";
  const models::MachineProfile cfs = profile_from(R"(
extends: ideal
hardware: {cores: 1}
scheduler: {policy: cfs, sched_latency: 0s, min_granularity: 100ms, wakeup_granularity: 100us}
)");
  const auto r = run_threads(program, cfs);
  ASSERT_TRUE(r->completed());
  // B slept from ~0 to 1 ms; it runs at once when woken.
  EXPECT_LT(r->task("B").end, us(1100));
  // The fifo policy has no wake-up preemption: B waits for A's 50 ms.
  const models::MachineProfile fifo = profile_from(R"(
extends: ideal
hardware: {cores: 1}
scheduler: {sched_latency: 0s, min_granularity: 100ms}
)");
  const auto f = run_threads(program, fifo);
  ASSERT_TRUE(f->completed());
  EXPECT_GE(f->task("B").end, ms(50));
}

// Each name switches off what it names, and `all` every one.
TEST(Ablation, AllSwitchesOffEveryMechanism) {
  models::MachineProfile p = load::load_machine("seda-2001");
  ASSERT_GT(p.context_switch, 0);
  ASSERT_GT(p.cache.private_bytes, 0);
  EXPECT_TRUE(models::switch_off(p, "all"));
  EXPECT_EQ(p.context_switch + p.pick_base + p.goodness + p.ipi + p.page_fault + p.futex_wait + p.futex_wake, 0);
  EXPECT_EQ(p.cache.private_bytes, 0);
  EXPECT_FALSE(p.runqueue_lock);
  EXPECT_GT(p.thread_create, 0);  // the work stays
  EXPECT_FALSE(models::switch_off(p, "nonsense"));
}

// "none" is the reference run of an ablation sweep: it changes nothing.
TEST(Ablation, NoneSwitchesNothingOff) {
  const models::MachineProfile seda = load::load_machine("seda-2001");
  models::MachineProfile p = seda;
  EXPECT_TRUE(models::switch_off(p, "none"));
  EXPECT_EQ(p.context_switch, seda.context_switch);
  EXPECT_EQ(p.cache.private_bytes, seda.cache.private_bytes);
  EXPECT_EQ(p.runqueue_lock, seda.runqueue_lock);
  EXPECT_EQ(p.goodness, seda.goodness);
}

// Threads that hand off through pipes pay the pipe's read and write where
// futex threads pay the futex calls; `futex` switches both off.
TEST(Ablation, PipeHandOffsTakeThePipesCalls) {
  models::MachineProfile p = profile_from(R"(
extends: ideal
costs: {futex_wait: 1us, futex_wake: 2us, pipe_read: 3us, pipe_write: 4us}
)");
  models::MachineProfile pipes = p;
  models::hand_off_through_pipes(pipes);
  EXPECT_EQ(pipes.futex_wait, us(3));
  EXPECT_EQ(pipes.futex_wake, us(4));
  EXPECT_TRUE(models::switch_off(pipes, "futex"));
  EXPECT_EQ(pipes.futex_wait + pipes.futex_wake + pipes.pipe_read + pipes.pipe_write, 0);
}

}  // namespace
}  // namespace concsim::testing
