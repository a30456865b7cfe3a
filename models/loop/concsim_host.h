// What concsim's own modules need of the model that runs the program, the
// same under the event loop and the thread model (concsim_host.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "models/requests.h"
#include "models/vm/value.h"
#include "sim/random.h"
#include "sim/simulation.h"

namespace concsim::vm {
class Vm;
}

namespace concsim::models::loop {

// The host of concsim's modules under either model (the loop, the thread
// model). concsim's seeded distributions draw from its draw_stream(). A
// server whose handler is a Python function imports its `__concsim__`
// (app/load/server_python.h): between two requests the connection draws
// request `request` from its streams "arrival" (the think time or the gap to
// the next due instant) then "request" (the handler's draws), as the step
// language's server does (app/load/server.cc), and waits for the request to
// arrive. The host says which task or thread runs the connection, gives its
// draw stream, and makes the awaitable of the wait.
class ConcsimHost {
 public:
  explicit ConcsimHost(sim::Simulation& sim) : sim_of_host_(sim) {}
  ConcsimHost(const ConcsimHost&) = delete;
  ConcsimHost& operator=(const ConcsimHost&) = delete;

  // The modules: `time` (the virtual clock; sleep is a blocking call),
  // `concsim` (cpu, io and the distributions) and a server's `__concsim__`.
  vm::Value build_time(vm::Vm& vm);
  vm::Value build_concsim(vm::Vm& vm);
  vm::Value build_intrinsics(vm::Vm& vm);

  // The connection opens at `opening`: a Poisson connection's first request
  // is due a gap after it; a closed one's (clients that think) a think
  // time after it, however late a pool's thread takes the connection from
  // the accept backlog. Without start(), a think time counts from now.
  void start_due(std::int64_t connection, sim::Time opening);
  // The step between two requests: `k` is the distribution index of the
  // next due instant's gap (poisson), else the client's think time: a
  // distribution's index as -(k + 1), or a constant in nanoseconds.
  // Awaiting the result returns None when the request has come, True once
  // the server has stopped taking requests.
  vm::Value next_request(vm::Vm& vm, std::int64_t connection, std::int64_t request, bool poisson, std::int64_t k);
  // The running connection finished its request (failed: the handler raised).
  void request_done(bool failed);

  // The stream the running task's or thread's draws come from.
  virtual sim::RandomStream& draw_stream() = 0;
  // time.sleep(ns): a blocking call (it freezes the loop, or blocks the
  // thread). concsim.cpu(ns): ns of computing on the running task's or
  // thread's CPU. concsim.io(s): an awaitable I/O of s seconds (ns, rounded;
  // exact: given as a duration): non-blocking under the loop, a blocking
  // read of its thread under the thread model.
  virtual vm::Value time_sleep(std::int64_t ns) = 0;
  virtual vm::Value concsim_cpu(std::int64_t ns) = 0;
  virtual vm::Value concsim_io(double s, std::int64_t ns, bool exact) = 0;

 protected:
  ~ConcsimHost() = default;
  // The task or thread that runs the current connection (its id among the
  // server's requests); false outside one.
  virtual bool server_runner(std::uint32_t* id) = 0;
  // The wait for the next request: `left` to wait, or -1: the server has
  // stopped and the awaitable gives True at once.
  virtual vm::Value request_awaitable(sim::Duration left) = 0;
  // The server's requests (their latencies and counts), and the
  // distributions of its think time or arrival gaps.
  virtual RequestStats& server_requests() = 0;
  virtual const std::vector<sim::Distribution>& server_distributions() const = 0;

 private:
  sim::Simulation& sim_of_host_;
  static constexpr sim::Time kNotOpened = -1;
  // Per connection: its next request's due instant (Poisson), or its
  // opening (think time), or kNotOpened.
  std::vector<sim::Time> due_;
};

}  // namespace concsim::models::loop
