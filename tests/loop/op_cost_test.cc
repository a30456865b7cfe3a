// Interpreted Python costs CPU time (the machine profile's python.op_cost):
// under the event loop the loop thread computes for the instructions a
// callback runs, under threads the thread computes on a core holding the
// GIL. Every expected time is worked out in the comment above it from the
// program, its compiled loop and the profile's cost.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../threads/python_helpers.h"
#include "app/load/config.h"
#include "app/load/machine.h"
#include "app/load/python_program.h"
#include "models/loop/loop.h"
#include "models/vm/code.h"

namespace concsim::testing {
namespace {

struct LoopRun {
  sim::Simulation sim{1};
  std::shared_ptr<const vm::Program> program;
  std::unique_ptr<models::loop::Loop> loop;
  sim::Time end = 0;
  sim::Time printed_at(const std::string& text) const {
    for (const auto& l : loop->output()) {
      if (l.text == text) return l.t;
    }
    ADD_FAILURE() << "nothing printed as " << text;
    return -1;
  }
};

models::MachineProfile ideal_with_cost(std::int64_t ps) {
  models::MachineProfile m = load::load_machine("ideal");
  m.python_op_cost_ps = ps;
  return m;
}

std::unique_ptr<LoopRun> run_loop(const std::string& source, const models::MachineProfile& machine) {
  auto r = std::make_unique<LoopRun>();
  r->program = load::compile_python(source, "test.py");
  models::loop::LoopOptions lo;
  lo.machine = machine;
  lo.asyncio_module = &load::loop_asyncio_program();
  r->loop = std::make_unique<models::loop::Loop>(r->sim, *r->program, lo);
  r->loop->start();
  r->sim.run(sim::RunLimits{});
  EXPECT_TRUE(r->loop->finished());
  EXPECT_FALSE(r->loop->failed()) << r->loop->uncaught();
  r->end = r->loop->finish_time();
  return r;
}

// A loop of `n` additions, then a line of output; the same program for both
// models (under threads it runs on the main thread).
std::string counting_program(int n) {
  return R"(
def work(n):
    s = 0
    for i in range(n):
        s += i
    return s

work()" + std::to_string(n) +
         R"()
print("done")
)";
}

// The instructions one iteration of work()'s loop runs, read from the
// compiled code: from FOR_ITER to the jump back to it. CPython 3.11
// compiles the same loop to seven bytecodes (FOR_ITER, STORE_FAST i,
// LOAD_FAST s, LOAD_FAST i, BINARY_OP +=, STORE_FAST s, JUMP_BACKWARD).
std::uint64_t per_iteration(const vm::Program& p) {
  for (const auto& code : p.codes) {
    if (code->name != "work") continue;
    for (std::uint32_t pc = 0; pc < code->code.size(); ++pc) {
      if (code->code[pc].op != vm::Op::kForIter) continue;
      for (std::uint32_t j = pc + 1; j < code->code.size(); ++j) {
        if (code->code[j].op == vm::Op::kJump && code->code[j].arg == pc) return j - pc + 1;
      }
    }
  }
  ADD_FAILURE() << "no loop in work()";
  return 0;
}

// ------------------------------------------------------------ the count ----

TEST(OpCost, ALoopCostsItsIterationsTimesTheirInstructionsTimesTheCost) {
  // 2.5 ns per instruction: the runs differ by 2,000 iterations of 7
  // instructions, 14,000 x 2.5 ns = 35,000 ns, and by nothing else.
  const models::MachineProfile m = ideal_with_cost(2500);
  auto small = run_loop(counting_program(1000), m);
  auto large = run_loop(counting_program(3000), m);
  const std::uint64_t per = per_iteration(*small->program);
  EXPECT_EQ(per, 7u);
  EXPECT_EQ(large->end - small->end, static_cast<sim::Time>(2000 * per * 2500 / 1000));
  EXPECT_EQ(large->end - small->end, 35'000);
  // The run is the loop and a few more instructions: more than the 3,000
  // iterations alone (52,500 ns), by less than 100 instructions.
  EXPECT_GE(large->end, 52'500);
  EXPECT_LT(large->end, 52'500 + 100 * 2500 / 1000);
}

TEST(OpCost, AFractionOfANanosecondAccumulatesAndIsNotRoundedAway) {
  // 0.3 ns per instruction: 14,000 more instructions are 4,200 ns; each
  // charge is whole nanoseconds with the rest carried, so nothing is lost
  // to rounding (rounding each charge down would lose up to 1 ns a charge,
  // and a charge of less than 1 ns would cost nothing).
  const models::MachineProfile m = ideal_with_cost(300);
  auto small = run_loop(counting_program(1000), m);
  auto large = run_loop(counting_program(3000), m);
  EXPECT_EQ(large->end - small->end, 4'200);
  EXPECT_GE(small->end, 2'100);  // 1,000 x 7 x 0.3 ns at least
}

// A loop that calls a native of the model every iteration is charged every
// iteration, a few instructions at 0.05 ns: well under a nanosecond each
// time. 2,000 more iterations of `per` instructions cost 2,000 x per x
// 0.05 ns = 100 x per ns exactly, since the charges carry what is left of a
// nanosecond (after any charge, all of them together are the instructions
// so far at 0.05 ns, rounded down); rounding each charge would cost 0.
TEST(OpCost, ManyChargesOfLessThanANanosecondAddUp) {
  const auto program = [](int n) {
    return R"(
import time

def work(n):
    for i in range(n):
        time.monotonic()

work()" + std::to_string(n) + R"()
print("done")
)";
  };
  const models::MachineProfile m = ideal_with_cost(50);
  auto small = run_loop(program(1000), m);
  auto large = run_loop(program(3000), m);
  const std::uint64_t per = per_iteration(*small->program);
  EXPECT_GE(per, 6u);
  EXPECT_EQ(large->printed_at("done") - small->printed_at("done"), static_cast<sim::Time>(100 * per));
}

TEST(OpCost, IdealChargesNothing) {
  auto r = run_loop(counting_program(3000), load::load_machine("ideal"));
  EXPECT_EQ(r->end, 0);
  EXPECT_EQ(r->printed_at("done"), 0);
}

TEST(OpCost, TheProfileReadsFractionsOfANanosecond) {
  const auto read = [](const std::string& v) {
    return load::read_machine(load::Document::load_string("extends: ideal\npython:\n  op_cost: " + v + "\n", "m.yaml"))
        .python_op_cost_ps;
  };
  EXPECT_EQ(read("14.2ns"), 14'200);
  EXPECT_EQ(read("{value: 950ps, source: \"a test\"}"), 950);
  EXPECT_EQ(read("0.001us"), 1'000);
  EXPECT_EQ(read("0"), 0);
  EXPECT_EQ(load::load_machine("ideal").python_op_cost_ps, 0);
  EXPECT_THROW(read("5"), load::ConfigError);       // a bare number needs a unit
  EXPECT_THROW(read("5ms"), load::ConfigError);     // ps, ns or us
  EXPECT_THROW(read("-1ns"), load::ConfigError);
}

// ------------------------------------------------------- the event loop ----

// A task sleeps 1 us; meanwhile main computes 10,000 iterations of 7
// instructions at 1 ns, 70 us, on the loop thread. The sleeper's timer is
// due long before, but its callback waits for the loop thread: it wakes
// after main's line, at 70 us or later. On ideal the timer fires at 1 us
// and main's line is at 0.
const char* kComputeDelaysTimer = R"(
import asyncio

def work(n):
    s = 0
    for i in range(n):
        s += i
    return s

async def sleeper():
    await asyncio.sleep(0.000001)
    print("woke")

async def main():
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    work(10000)
    print("computed")
    await t

asyncio.run(main())
)";

TEST(OpCost, UnderTheEventLoopAComputingTaskDelaysAnotherTasksTimer) {
  auto costly = run_loop(kComputeDelaysTimer, ideal_with_cost(1000));
  EXPECT_GE(costly->printed_at("computed"), 70'000);
  EXPECT_GE(costly->printed_at("woke"), costly->printed_at("computed"));
  ASSERT_EQ(costly->loop->output().size(), 2u);
  EXPECT_EQ(costly->loop->output()[0].text, "computed");

  auto free = run_loop(kComputeDelaysTimer, load::load_machine("ideal"));
  EXPECT_EQ(free->printed_at("computed"), 0);
  EXPECT_EQ(free->printed_at("woke"), 1'000);
  EXPECT_EQ(free->loop->output()[0].text, "computed");
}

// ------------------------------------------------------------- threads ----

// Two threads each run 100,000 iterations of 7 instructions at 10 ns: 7 ms
// of computation each. With the GIL one computes at a time (ideal has 4
// cores, the GIL lets one use them): the run takes at least 14 ms. Without
// it they compute on two cores at once: 7 ms and a few instructions.
const char* kTwoComputingThreads = R"(
import threading

def work(n):
    s = 0
    for i in range(n):
        s += i
    print("done", n)

a = threading.Thread(target=work, args=(100000,))
b = threading.Thread(target=work, args=(100000,))
a.start()
b.start()
a.join()
b.join()
)";

TEST(OpCost, UnderThreadsWithTheGilTwoComputingThreadsTakeTurns) {
  const models::MachineProfile m = ideal_with_cost(10'000);
  constexpr sim::Time kEach = 100'000 * 7 * 10;  // 7 ms
  PyOptions with_gil;
  auto serial = run_python_threads(kTwoComputingThreads, m, with_gil);
  ASSERT_TRUE(serial->completed());
  EXPECT_GE(serial->result.end_time, 2 * kEach);
  EXPECT_LT(serial->result.end_time, 2 * kEach + 2 * sim::kMillisecond);

  PyOptions free_threaded;
  free_threaded.gil = false;
  auto parallel = run_python_threads(kTwoComputingThreads, m, free_threaded);
  ASSERT_TRUE(parallel->completed());
  EXPECT_GE(parallel->result.end_time, kEach);
  EXPECT_LT(parallel->result.end_time, kEach + 2 * sim::kMillisecond);

  auto ideal = run_python_threads(kTwoComputingThreads, load::load_machine("ideal"), with_gil);
  ASSERT_TRUE(ideal->completed());
  EXPECT_EQ(ideal->result.end_time, 0);
}

// The same count on a thread as on the loop: the main thread's run of the
// counting program differs by the same 35,000 ns.
TEST(OpCost, TheThreadModelChargesTheSameInstructions) {
  const models::MachineProfile m = ideal_with_cost(2500);
  auto small = run_python_threads(counting_program(1000), m);
  auto large = run_python_threads(counting_program(3000), m);
  ASSERT_TRUE(small->completed());
  ASSERT_TRUE(large->completed());
  EXPECT_EQ(large->printed_at("done") - small->printed_at("done"), 35'000);
}

}  // namespace
}  // namespace concsim::testing
