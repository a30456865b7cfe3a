// Requests of a server workload: when each began, how long it took.
//
// A server workload's connections loop over `arrive` (the client's think
// time, which the server sees as an idle connection waiting for I/O) and the
// handler, then `request_done`. Both models keep a RequestStats so that a
// request's latency is measured the same way: from the instant the request
// arrived (the end of the wait, whether or not the runtime got to the task at
// once) to the end of the handler. Requests that arrive before the warm-up
// ends are run but not counted; after `stop`, no new request arrives.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "models/metrics.h"
#include "sim/stats.h"
#include "sim/time.h"

namespace concsim::models {

struct RequestWindow {
  sim::Time warmup = 0;           // requests arriving earlier are not counted
  sim::Time stop = sim::kTimeMax; // no request arrives at or after this instant
};

class RequestStats {
 public:
  explicit RequestStats(RequestWindow window = {}) : window_(window) {}

  // Task `task`'s next request arrives `wait` after `base` (now, unless the
  // connection waited elsewhere first, such as in a pool's accept backlog).
  // Returns the time left to wait from `now` (0 if the request is already
  // there), or -1 when it would arrive at or after the stop time: the
  // connection then closes instead.
  sim::Duration arriving(std::uint32_t task, sim::Time now, sim::Time base, sim::Duration wait);
  // Task `task` finished the request it was given (failed: the handler raised).
  void done(std::uint32_t task, sim::Time now, bool failed);

  [[nodiscard]] bool any() const { return seen_; }
  // Adds the counts and latencies of `other` (another process of one server).
  void merge(const RequestStats& other);
  // Sets completed, failed, latency and the unit of `m` to the requests'.
  void fill(Metrics& m);

 private:
  RequestWindow window_;
  // Per task: when its current request arrived. A deque, so growth never
  // copies nor holds twice the table (a server's connections, millions).
  std::deque<sim::Time> start_;
  sim::LatencyRecorder latency_;
  std::uint64_t completed_ = 0;
  std::uint64_t failed_ = 0;
  bool seen_ = false;
};

}  // namespace concsim::models
