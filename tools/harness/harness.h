// The real harness: runs a server workload's handler for real, at a modest
// scale, so that concsim's predictions can be held against the host.
//
// - threads: a std::thread per connection; `cpu` steps spin on the thread's
//   CPU clock, `sleep`/`io`/`block` steps sleep the thread.
// - fibers: every connection a Boost.Fiber on one thread, standing in for the
//   event loop; `cpu` steps spin, `sleep`/`io` steps are
//   boost::this_fiber::sleep_for, `block` steps sleep the whole thread (a
//   blocking call freezes the loop).
//
// Each request draws its think time and its handler's durations from the
// same random streams as the simulator's request (request r of connection k:
// "arrival" and "request" keyed by k * 2^32 + r, app/load/server.cc), so the
// real and the simulated runs face the same draws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/load/config.h"
#include "models/program/steps.h"
#include "sim/time.h"

namespace concsim::harness {

enum class StepKind { kCpu, kSleep, kBlock };

struct HandlerStep {
  StepKind kind = StepKind::kSleep;
  models::DurationSpec duration;
};

// The subset of a server workload the harness runs.
struct ServerSpec {
  std::string name;
  std::uint64_t seed = 1;
  std::int64_t connections = 0;
  std::int64_t requests = 0;  // per connection; 0: until `duration`
  models::DurationSpec think;
  sim::Time warmup = 0;
  sim::Time duration = sim::kTimeMax;
  sim::Duration ramp = 0;
  std::vector<HandlerStep> handler;
};

// Loads the workload through the project's loader (every error located as
// file:line:col: key) and takes its server section. Sets the document's model
// to threads (the harness runs both of its own). Throws load::ConfigError for
// a workload without `server:` or with a step or duration the harness cannot
// run (anything but io, sleep, block and cpu with a constant or a
// distribution).
ServerSpec read_server(load::Document& doc);

struct RunResult {
  std::string model;            // "threads" or "fibers"
  std::int64_t connections = 0;
  std::int64_t started = 0;     // threads or fibers that could be created
  std::string failure;          // why the others could not, or ""
  std::uint64_t completed = 0;  // requests measured (after the warm-up)
  std::uint64_t served = 0;     // every request, the warm-up's included
  double throughput_per_s = 0;  // completed / (end - warm-up)
  sim::Duration latency_mean_ns = 0, latency_p50_ns = 0, latency_p90_ns = 0, latency_p99_ns = 0,
                latency_max_ns = 0;
  sim::Time end_ns = 0;                 // wall time from the start to the last connection's end
  std::int64_t rss_baseline_bytes = 0;  // VmRSS before the connections start
  std::int64_t rss_peak_bytes = 0;      // VmHWM at the end (reset before the start when allowed)
  std::int64_t rss_growth_bytes = 0;    // peak - baseline: what the connections cost
  bool peak_reset = false;              // /proc/self/clear_refs accepted the reset
  std::int64_t maxrss_bytes = 0;        // getrusage ru_maxrss (the whole life of the process)
  std::int64_t voluntary_switches = 0;  // getrusage ru_nvcsw during the run
  std::int64_t involuntary_switches = 0;  // ru_nivcsw
  double cpu_ns = 0;                    // on a core, summed over the server's threads (schedstat)
  double run_delay_ns = 0;              // runnable but waiting for a core, summed likewise
  double sleep_overshoot_ns = 0;        // mean time a sleep lasted beyond what was asked
  std::uint64_t sleeps = 0;
};

RunResult run_threads(const ServerSpec& spec, std::int64_t connections);
RunResult run_fibers(const ServerSpec& spec, std::int64_t connections, std::size_t fiber_stack);

// One CSV header and one row per result.
std::string csv_header();
std::string csv_row(const RunResult& r);

}  // namespace concsim::harness
