// BM_MM1: the M/M/1 model of mm1.h run to completion once per iteration
// (the peer comparison with SimPy, tools/bench/mm1_compare.sh). Sampling the
// exponentials is part of the timed work, as it is in SimPy.
//
// items_per_second: model events per second, two per customer (arrival and
// departure; here also the kernel's own event count). Counters: the mean time
// in system in model time units and its theoretical value 1 / (mu - lambda),
// so that a run shows it simulated the right thing.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "tools/bench/mm1.h"

namespace concsim::bench {
namespace {

void BM_MM1(benchmark::State& state) {
  MM1Params p;
  p.customers = static_cast<std::uint64_t>(state.range(0));
  MM1Result r;
  std::uint64_t events = 0;
  for (auto _ : state) {
    r = run_mm1(p);
    events += r.events;
  }
  if (r.customers != p.customers || r.kernel_events != r.events) {
    state.SkipWithError("M/M/1 run did not serve every customer with two events each");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["lambda"] = p.lambda;
  state.counters["mu"] = p.mu;
  state.counters["mean_time_in_system"] = r.mean_time_in_system;
  state.counters["theory_time_in_system"] = 1.0 / (p.mu - p.lambda);
}
BENCHMARK(BM_MM1)->ArgName("customers")->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace concsim::bench
