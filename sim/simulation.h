// The kernel: a virtual clock, the event queue, the run loop, random streams.
//
// A Simulation owns no global state: two can live in one process. "Now"
// changes in exactly one place, when run() takes the next event from the
// queue. Simulated failures never cross the kernel as C++ exceptions: a run
// ends with a StopReason and a detail string.
//
// The run loop, one step per event:
//   1. if no event is pending: quiescence; ask every StallSource whether
//      anything still waits (a stall) and stop;
//   2. if the event budget is spent: stop;
//   3. take the earliest event, set now to its time, deliver it.
// A horizon is just another event: run() schedules an urgent stop event at the
// horizon, so events at exactly the horizon with a later priority do not run.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/event_queue.h"
#include "sim/random.h"
#include "sim/time.h"

namespace concsim::sim {

enum class StopReason {
  kQuiescent,     // nothing pending, nothing waiting
  kHorizon,       // the time horizon was reached
  kEventBudget,   // the event budget was spent
  kStopped,       // a model called stop()
  kStalled,       // nothing pending but tasks still wait: a deadlock
  kTimeOverflow,  // a model asked for a time past the int64 range
};

const char* to_string(StopReason r);

struct RunLimits {
  Time horizon = kTimeMax;                         // stop when time would pass this
  std::uint64_t max_events = UINT64_MAX;           // stop after this many events
  // Polled after every kShouldStopInterval delivered events (not before the
  // first); returning true ends the run with kStopped and the detail
  // "interrupted". For guards outside the simulation, such as a wall-clock
  // timeout: polling only every 2^16 events keeps the clock read off the
  // hot path; 2^16 events usually take a few milliseconds (not if single
  // events run very long programs, which such a guard must allow for).
  std::function<bool()> should_stop{};
};

inline constexpr std::uint64_t kShouldStopInterval = std::uint64_t{1} << 16;

// One task that still waits when the run stalls, and on what.
struct WaitingTask {
  std::string task;
  std::string waits_on;
};

// Implemented by models: lists the tasks that wait at quiescence.
class StallSource {
 public:
  virtual void describe_waiting(std::vector<WaitingTask>& out) const = 0;

 protected:
  ~StallSource() = default;
};

struct RunResult {
  StopReason reason = StopReason::kQuiescent;
  Time end_time = 0;
  std::uint64_t events = 0;           // events delivered in this run
  std::vector<WaitingTask> waiting;   // for kStalled
  std::string detail;                 // for kTimeOverflow and kStopped
};

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed = 0) : seed_(seed) {}
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  [[nodiscard]] Time now() const { return now_; }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  // Events delivered by the runs so far. Counted when a run returns, not
  // during it (one store less per event): a handler reading it sees the
  // count at the start of its run.
  [[nodiscard]] std::uint64_t events_processed() const { return events_total_; }
  [[nodiscard]] std::size_t pending() const { return queue_.size(); }

  // Schedules handler.on_event(tag) at `time` (>= now). Returns an invalid id,
  // and ends the run with kTimeOverflow, if `time` is past the int64 range
  // (callers pass the result of a checked sum through schedule_in).
  // Inline, like the queue's push(): models schedule on every event.
  EventId schedule_at(Time time, EventHandler& handler, std::uint64_t tag,
                      Priority priority = Priority::kNormal) {
    if (time < now_) [[unlikely]] scheduled_in_the_past();
    return queue_.push_unchecked_time(time, priority, &handler, tag);
  }
  // Schedules at now + delay, delay >= 0; overflow ends the run as above.
  EventId schedule_in(Duration delay, EventHandler& handler, std::uint64_t tag,
                      Priority priority = Priority::kNormal) {
    Time at = 0;
    if (delay < 0 || !checked_add(now_, delay, &at)) [[unlikely]] return schedule_failed(delay);
    return queue_.push_unchecked_time(at, priority, &handler, tag);
  }
  // Cancels a pending event; see EventQueue::cancel for the contract.
  bool cancel(EventId id) { return queue_.cancel(id); }

  // Ends the run after the current event, with kStopped and a reason.
  void stop(std::string detail);
  // Ends the run after the current event with kTimeOverflow.
  void report_overflow(std::string detail);

  void add_stall_source(const StallSource* source) { stall_sources_.push_back(source); }

  RunResult run(const RunLimits& limits = {});

  // The stream named `name` of this run (see sim/random.h).
  [[nodiscard]] RandomStream stream(std::string_view name) const {
    return RandomStream::derive(seed_, name);
  }
  [[nodiscard]] RandomStream stream(std::string_view name, std::uint64_t index) const {
    return RandomStream::derive(seed_, name, index);
  }

  [[nodiscard]] std::size_t memory_bytes() const { return queue_.memory_bytes(); }

 private:
  // The rare ends of schedule_at() and schedule_in(), out of line: a failed
  // check, or an overflow reported and an invalid id returned.
  [[noreturn, gnu::cold]] void scheduled_in_the_past() const;
  [[gnu::cold]] EventId schedule_failed(Duration delay);

  std::uint64_t seed_;
  Time now_ = 0;
  EventQueue queue_;
  std::uint64_t events_total_ = 0;
  std::vector<const StallSource*> stall_sources_;
  bool stop_requested_ = false;
  StopReason stop_reason_ = StopReason::kStopped;
  std::string stop_detail_;
};

}  // namespace concsim::sim
