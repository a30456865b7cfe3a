// concsim-hold-count: the hold model of concsim-bench as a plain program, for
// counting instructions with callgrind, which is repeatable where timings on
// a shared machine are not:
//
//   valgrind --tool=callgrind --collect-atstart=no
//     --toggle-collect='concsim::bench::timed_holds*'
//     build/tools/bench/concsim-hold-count queue|simulation PENDING HOLDS
//
// (one command line).
//
// Only timed_holds() is counted: the pre-fill and the delay draws are left
// out. Prints the holds done, the queue size and its memory_bytes() at the
// end, and exits 1 if the size drifted.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "sim/event_queue.h"
#include "sim/random.h"
#include "sim/simulation.h"
#include "sim/time.h"

namespace concsim::bench {

// Same delays as concsim-bench: exponential, mean 1 ms in ns, drawn up front.
class DelayRing {
 public:
  explicit DelayRing(const char* stream) {
    sim::RandomStream rng = sim::RandomStream::derive(1, stream);
    const sim::Distribution exp = sim::Distribution::exponential(1'000'000.0);
    delays_.resize(kSize);
    for (sim::Duration& d : delays_) d = static_cast<sim::Duration>(std::llround(exp.sample(rng)));
  }
  sim::Duration next() { return delays_[next_++ & (kSize - 1)]; }

 private:
  static constexpr std::size_t kSize = std::size_t{1} << 16;
  std::vector<sim::Duration> delays_;
  std::size_t next_ = 0;
};

class NullHandler final : public sim::EventHandler {
 public:
  void on_event(std::uint64_t /*tag*/) override {}
};

class Holder final : public sim::EventHandler {
 public:
  Holder(sim::Simulation& sim, const char* stream) : sim_(sim), delays_(stream) {}
  DelayRing& delays() { return delays_; }
  void on_event(std::uint64_t tag) override { sim_.schedule_in(delays_.next(), *this, tag); }

 private:
  sim::Simulation& sim_;
  DelayRing delays_;  // its own: one pointer less to follow per event
};

[[gnu::noinline]] void timed_holds_queue(sim::EventQueue& queue, DelayRing& delays,
                                         std::uint64_t holds) {
  for (std::uint64_t i = 0; i < holds; ++i) {
    const sim::QueuedEvent e = queue.pop();
    queue.push(e.time + delays.next(), sim::Priority::kNormal, e.handler, e.tag);
  }
}

[[gnu::noinline]] void timed_holds_simulation(sim::Simulation& simulation, std::uint64_t holds) {
  const sim::RunLimits limits{sim::kTimeMax, holds};
  simulation.run(limits);
}

}  // namespace concsim::bench

int main(int argc, char** argv) {
  using namespace concsim;
  if (argc != 4 || (std::strcmp(argv[1], "queue") != 0 && std::strcmp(argv[1], "simulation") != 0)) {
    std::fputs("usage: concsim-hold-count queue|simulation PENDING HOLDS\n", stderr);
    return 2;
  }
  const std::uint64_t n = std::strtoull(argv[2], nullptr, 10);
  const std::uint64_t holds = std::strtoull(argv[3], nullptr, 10);
  std::size_t size = 0;
  std::size_t bytes = 0;
  if (std::strcmp(argv[1], "queue") == 0) {
    bench::DelayRing delays("hold-queue");
    bench::NullHandler handler;
    sim::EventQueue queue;
    for (std::uint64_t i = 0; i < n; ++i) queue.push(delays.next(), sim::Priority::kNormal, &handler, i);
    bench::timed_holds_queue(queue, delays, holds);
    size = queue.size();
    bytes = queue.memory_bytes();
  } else {
    sim::Simulation simulation(1);
    bench::Holder holder(simulation, "hold-simulation");
    for (std::uint64_t i = 0; i < n; ++i) simulation.schedule_at(holder.delays().next(), holder, i);
    bench::timed_holds_simulation(simulation, holds);
    size = simulation.pending();
    bytes = simulation.memory_bytes();
  }
  std::printf("%s pending %llu holds %llu size %zu queue bytes %zu\n", argv[1],
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(holds), size, bytes);
  return size == n ? 0 : 1;
}
