// M/M/1 on sim::Simulation: one server, Poisson arrivals at rate lambda,
// exponential service at rate mu, first come first served, a fixed number of
// customers. The peer comparison of issue 6 runs the same model in SimPy
// (tools/bench/mm1_simpy.py); tools/bench/mm1_compare.sh runs both.
//
// Shared definitions, so that the two can be compared:
//   - one model time unit is 1 ms of simulated time (concsim counts integer
//     nanoseconds; exponential samples are rounded to the nanosecond);
//   - customer 0 arrives at time 0, customer i + 1 an exponential gap after
//     customer i; there is no arrival after the last customer;
//   - "events" are the model's events, two per customer: its arrival and its
//     departure. Here they are also exactly the kernel's events (one
//     scheduled event each), reported as kernel_events;
//   - the mean time in system is (departure - arrival) averaged over all
//     customers, in model time units; theory says W = 1 / (mu - lambda) for
//     lambda < mu (in the long run);
//   - the seed selects the random streams: concsim derives "mm1-arrivals"
//     and "mm1-service" from it; SimPy seeds Python's random.Random with
//     "<seed>/arrivals" and "<seed>/service". The two draw different numbers
//     from the same distributions, so their means agree statistically, not
//     exactly.
#pragma once

#include <cmath>
#include <cstdint>
#include <deque>

#include "sim/random.h"
#include "sim/simulation.h"
#include "sim/time.h"

namespace concsim::bench {

inline constexpr double kMM1TimeUnitNs = 1'000'000.0;  // 1 ms

struct MM1Params {
  double lambda = 0.8;  // arrivals per time unit
  double mu = 1.0;      // services per time unit
  std::uint64_t customers = 100'000;
  std::uint64_t seed = 1;
};

struct MM1Result {
  std::uint64_t customers = 0;      // customers served
  std::uint64_t events = 0;         // model events: 2 per customer
  std::uint64_t kernel_events = 0;  // events the Simulation delivered
  double mean_time_in_system = 0;   // in time units
  double end_time = 0;              // in time units
};

class MM1 final : public sim::EventHandler {
 public:
  explicit MM1(const MM1Params& p)
      : sim_(p.seed),
        arrival_rng_(sim_.stream("mm1-arrivals")),
        service_rng_(sim_.stream("mm1-service")),
        gap_(sim::Distribution::exponential(kMM1TimeUnitNs / p.lambda)),
        service_(sim::Distribution::exponential(kMM1TimeUnitNs / p.mu)),
        customers_(p.customers) {}

  MM1Result run() {
    if (customers_ > 0) sim_.schedule_at(0, *this, kArrival);
    const sim::RunResult r = sim_.run();
    MM1Result out;
    out.customers = departed_;
    out.events = arrived_ + departed_;
    out.kernel_events = r.events;
    out.mean_time_in_system =
        departed_ == 0 ? 0.0
                       : static_cast<double>(total_in_system_) / static_cast<double>(departed_) /
                             kMM1TimeUnitNs;
    out.end_time = static_cast<double>(r.end_time) / kMM1TimeUnitNs;
    return out;
  }

  void on_event(std::uint64_t tag) override {
    const sim::Time now = sim_.now();
    if (tag == kArrival) {
      ++arrived_;
      if (arrived_ < customers_) sim_.schedule_in(draw(gap_, arrival_rng_), *this, kArrival);
      if (busy_) {
        waiting_.push_back(now);
      } else {
        start_service(now);
      }
    } else {
      total_in_system_ += now - in_service_since_;
      ++departed_;
      if (waiting_.empty()) {
        busy_ = false;
      } else {
        const sim::Time arrival = waiting_.front();
        waiting_.pop_front();
        start_service(arrival);
      }
    }
  }

 private:
  static constexpr std::uint64_t kArrival = 0;
  static constexpr std::uint64_t kDeparture = 1;

  static sim::Duration draw(const sim::Distribution& d, sim::RandomStream& rng) {
    return static_cast<sim::Duration>(std::llround(d.sample(rng)));
  }
  void start_service(sim::Time arrival) {
    busy_ = true;
    in_service_since_ = arrival;
    sim_.schedule_in(draw(service_, service_rng_), *this, kDeparture);
  }

  sim::Simulation sim_;
  sim::RandomStream arrival_rng_;
  sim::RandomStream service_rng_;
  sim::Distribution gap_;
  sim::Distribution service_;
  std::uint64_t customers_;
  std::uint64_t arrived_ = 0;
  std::uint64_t departed_ = 0;
  bool busy_ = false;
  sim::Time in_service_since_ = 0;  // arrival time of the customer in service
  std::deque<sim::Time> waiting_;   // arrival times of the waiting customers
  std::int64_t total_in_system_ = 0;
};

inline MM1Result run_mm1(const MM1Params& p) {
  MM1 model(p);
  return model.run();
}

}  // namespace concsim::bench
