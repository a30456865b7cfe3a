// A server workload (`server:`) as a program. The loader reads and checks
// the section (with located errors) into a ServerSpec; build_server turns it
// into the functions every model runs: one per connection, and a main (or a
// pool's workers) that opens the connections. Nothing here reads YAML.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "app/load/workload.h"
#include "models/program/steps.h"
#include "sim/time.h"

namespace concsim::load {

struct ServerSpec {
  models::Steps handler;                 // one request's steps
  std::optional<std::int64_t> requests;  // per connection; none: until the duration
  // How requests come: a closed loop (each after the answer to the last and
  // a think time), or open-loop Poisson arrivals, or a list of times.
  enum class Arrivals : std::uint8_t { kClosed, kPoisson, kTimes } arrivals = Arrivals::kClosed;
  models::DurationSpec think_time;       // kClosed (constant 0 when not given)
  double poisson_mean_ns = 0;            // kPoisson: each connection's mean gap between arrivals
  models::SourceRef rate_at;
  std::vector<sim::Duration> times;      // kTimes: request j at times[j], on connection j mod connections
  std::vector<models::SourceRef> time_at;
  std::optional<sim::Duration> ramp;     // connection k opens at k x ramp / connections
  models::SourceRef ramp_at;
  models::SourceRef at;                  // the section, for everything synthesised
};

// Steps per arrival of a `times` list (each gets its own copy of the
// handler), for bounding the program before it is built.
std::int64_t steps_per_arrival(std::size_t handler_steps);

// Adds the server's functions and shared variables to w.program; reads
// w.model, w.connections, w.processes and w.pool_threads.
void build_server(const ServerSpec& s, Workload& w);

}  // namespace concsim::load
