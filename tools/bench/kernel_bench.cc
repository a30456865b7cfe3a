// concsim-bench: kernel micro-benchmarks.
//
// The hold model (Jones 1986) is the standard workload for a pending-event
// set: with n events pending, repeatedly take the earliest and schedule one
// at its time plus a random delay, so the size stays n. Delays are drawn
// before the timed region into a ring buffer, because sampling an exponential
// costs about as much as a queue operation and would blur the measurement.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/event_queue.h"
#include "sim/random.h"
#include "sim/simulation.h"
#include "sim/time.h"

namespace concsim::bench {
namespace {

using sim::Distribution;
using sim::Duration;
using sim::RandomStream;
using sim::Time;

constexpr std::uint64_t kSeed = 1;
// Mean hold delay: 1 ms in ns, so a million pending events spread over a few
// hundred million nanoseconds with some ties, as in a real model.
constexpr double kMeanDelay = 1'000'000.0;
// Hold operations per benchmark iteration: large enough that the loop around
// them is noise, small enough for a fine-grained iteration count.
constexpr std::int64_t kBatch = 1024;
// Fixed iterations keep the run short: the pre-fill of a million events
// happens once per argument instead of once per calibration round.
constexpr std::int64_t kIterations = 16 * 1024;  // 16.8 million hold operations

// A power-of-two ring of pre-drawn exponential delays, rounded to whole ns.
class DelayRing {
 public:
  explicit DelayRing(const char* stream) {
    RandomStream rng = RandomStream::derive(kSeed, stream);
    const Distribution exp = Distribution::exponential(kMeanDelay);
    delays_.resize(kSize);
    for (Duration& d : delays_) d = static_cast<Duration>(std::llround(exp.sample(rng)));
  }
  Duration next() { return delays_[next_++ & (kSize - 1)]; }

 private:
  static constexpr std::size_t kSize = std::size_t{1} << 16;
  std::vector<Duration> delays_;
  std::size_t next_ = 0;
};

// The queue stores handler pointers; this one is never called.
class NullHandler final : public sim::EventHandler {
 public:
  void on_event(std::uint64_t /*tag*/) override {}
};

void BM_HoldQueue(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  DelayRing delays("hold-queue");
  NullHandler handler;
  sim::EventQueue queue;
  for (std::uint64_t i = 0; i < n; ++i) queue.push(delays.next(), sim::Priority::kNormal, &handler, i);

  for (auto _ : state) {
    for (std::int64_t i = 0; i < kBatch; ++i) {
      const sim::QueuedEvent e = queue.pop();
      queue.push(e.time + delays.next(), sim::Priority::kNormal, e.handler, e.tag);
    }
  }
  if (queue.size() != n) state.SkipWithError("queue size drifted");
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["pending"] = static_cast<double>(n);
}
BENCHMARK(BM_HoldQueue)->ArgName("pending")->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Iterations(kIterations);

// Each delivered event reschedules itself through the public API.
class Holder final : public sim::EventHandler {
 public:
  Holder(sim::Simulation& sim, const char* stream) : sim_(sim), delays_(stream) {}
  DelayRing& delays() { return delays_; }
  void on_event(std::uint64_t tag) override { sim_.schedule_in(delays_.next(), *this, tag); }

 private:
  sim::Simulation& sim_;
  DelayRing delays_;  // its own: one pointer less to follow per event
};

void BM_HoldSimulation(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  sim::Simulation simulation(kSeed);
  Holder holder(simulation, "hold-simulation");
  for (std::uint64_t i = 0; i < n; ++i) simulation.schedule_at(holder.delays().next(), holder, i);

  const sim::RunLimits limits{sim::kTimeMax, static_cast<std::uint64_t>(kBatch)};
  for (auto _ : state) {
    const sim::RunResult r = simulation.run(limits);
    if (r.reason != sim::StopReason::kEventBudget) {
      state.SkipWithError("run ended early");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["pending"] = static_cast<double>(n);
}
BENCHMARK(BM_HoldSimulation)->ArgName("pending")->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->Iterations(kIterations);

void BM_RandomNextUnit(benchmark::State& state) {
  RandomStream rng = RandomStream::derive(kSeed, "next-unit");
  for (auto _ : state) benchmark::DoNotOptimize(rng.next_unit());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RandomNextUnit)->MinTime(0.5);

void BM_ExponentialSample(benchmark::State& state) {
  RandomStream rng = RandomStream::derive(kSeed, "exponential");
  const Distribution exp = Distribution::exponential(kMeanDelay);
  for (auto _ : state) benchmark::DoNotOptimize(exp.sample(rng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExponentialSample)->MinTime(0.5);

}  // namespace
}  // namespace concsim::bench

BENCHMARK_MAIN();
