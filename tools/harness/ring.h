// The token ring: real threads passing tokens to each other, the host
// measurement that tools/predict.sh holds the thread model's prediction
// against (reports/host-prediction.md).
//
// `threads` threads (a thread per connection) sit in a ring; thread i takes
// tokens from its own channel and passes each to thread i + 1's, doing no
// work in between, so that every figure is the cost of the hand-offs
// themselves: the system calls on both sides, the wake-up (an IPI when the
// woken thread goes to an idle core), the switch, and the caches the woken
// thread finds cold. A channel is either
//   - condvar: a mutex, a condition variable and a count (glibc's futexes);
//     the passer signals after unlocking, so the woken thread finds the
//     mutex free, or
//   - pipe: a pipe whose reader blocks in read(); a pass writes 8 bytes.
// `tokens` threads, spread evenly round the ring, hold a token at the start;
// they start passing at `start_at` from the start of the run (after every
// thread has been created, which the result checks). Each thread does
// `rounds` rounds: wait for a token (the holders' first round waits for the
// start instead), pass it on. A round whose wait began before `start_at` is
// not measured: exactly the first round of every thread.
//
// Measured: hand-offs per second from `start_at` to the end, and each
// measured round's latency, from the start of the wait to the return of the
// pass (the thread's whole cycle: the same span as a request of the server
// workload tools/harness/ring.yaml that concsim simulates), and the time
// from a pass to the receiver having the token (hand-off latency, for the
// report's diagnosis).
#pragma once

#include <cstdint>
#include <string>

#include "sim/time.h"

namespace concsim::harness {

enum class Channel { kCondvar, kPipe };

struct RingSpec {
  Channel channel = Channel::kCondvar;
  std::int64_t threads = 2;
  std::int64_t tokens = 1;
  std::int64_t rounds = 10;
  sim::Duration start_at = 0;
};

struct RingResult {
  std::string channel;  // "condvar" or "pipe"
  std::int64_t threads = 0, tokens = 0, rounds = 0;
  std::int64_t created = 0;          // threads that could be created
  std::string failure;               // why the others could not, or why the run is not valid
  sim::Time created_by_ns = 0;       // when the last thread had been created
  sim::Time start_at_ns = 0;
  sim::Time end_ns = 0;              // when the last thread ended
  std::uint64_t passes = 0;          // measured rounds (each one hand-off)
  double throughput_per_s = 0;       // passes / (end - start_at)
  sim::Duration latency_p50_ns = 0, latency_p99_ns = 0, latency_mean_ns = 0;  // the rounds
  sim::Duration handoff_p50_ns = 0, handoff_p99_ns = 0;                       // pass to receipt
  std::int64_t voluntary_switches = 0, involuntary_switches = 0;              // getrusage, the run
  double cpu_ns = 0;                 // the ring's threads on a core (schedstat)
  double run_delay_ns = 0;           // runnable, waiting for a core (schedstat)
};

// Runs the ring; never throws for a resource the host refuses (the result
// says so in `failure`).
RingResult run_ring(const RingSpec& spec);

std::string ring_csv_header();
std::string ring_csv_row(const RingResult& r);

}  // namespace concsim::harness
