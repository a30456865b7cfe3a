#include "sim/simulation.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "sim/check.h"

namespace concsim::sim {

const char* to_string(StopReason r) {
  switch (r) {
    case StopReason::kQuiescent: return "quiescent";
    case StopReason::kHorizon: return "horizon";
    case StopReason::kEventBudget: return "event_budget";
    case StopReason::kStopped: return "stopped";
    case StopReason::kStalled: return "stalled";
    case StopReason::kTimeOverflow: return "time_overflow";
  }
  return "unknown";
}

void Simulation::scheduled_in_the_past() const {
  CONCSIM_CHECK(false, "an event may not be scheduled in the past");
  std::abort();
}

EventId Simulation::schedule_failed(Duration delay) {
  CONCSIM_CHECK(delay >= 0, "negative delay");
  report_overflow("now " + std::to_string(now_) + " ns + delay " + std::to_string(delay) +
                  " ns exceeds the largest representable time (about 292 years)");
  return EventId{};
}

void Simulation::stop(std::string detail) {
  if (stop_requested_) return;
  stop_requested_ = true;
  stop_reason_ = StopReason::kStopped;
  stop_detail_ = std::move(detail);
}

void Simulation::report_overflow(std::string detail) {
  // Overflow wins over an ordinary stop: the run's times are no longer sound.
  stop_requested_ = true;
  stop_reason_ = StopReason::kTimeOverflow;
  stop_detail_ = std::move(detail);
}

RunResult Simulation::run(const RunLimits& limits) {
  RunResult result;
  // The horizon event has no handler: a null handler marks it, which no
  // model can schedule (they pass a reference). Leaving out a handler object
  // also leaves the compiler no overrider of on_event() to guess at, so the
  // call below stays a plain virtual call.
  EventId horizon_event;
  if (limits.horizon != kTimeMax && limits.horizon >= now_) {
    horizon_event = queue_.push(limits.horizon, Priority::kUrgent, nullptr, 0);
  }
  // Loop invariants, hoisted: the handlers cannot change them.
  const std::size_t horizon_pending = horizon_event.valid() ? 1 : 0;
  const std::uint64_t max_events = limits.max_events;
  const bool poll = static_cast<bool>(limits.should_stop);
  // The checks that fall due at a known count of delivered events (a horizon
  // already passed at the start, the should_stop poll, the event budget)
  // share one comparison per event: `checkpoint` is the next count at which
  // any of them is due, and 0 for the start.
  std::uint64_t checkpoint = 0;
  std::uint64_t delivered = 0;
  for (;;) {
    // A stop or overflow reported since the last run ends this one at once,
    // so stop_requested_ is cleared when a run consumes it, not here.
    if (stop_requested_) [[unlikely]] {
      result.reason = stop_reason_;
      result.detail = stop_detail_;
      break;
    }
    if (delivered == checkpoint) [[unlikely]] {
      if (delivered == 0 && limits.horizon < now_) {
        // A horizon the clock has already passed is reached before any event.
        result.reason = StopReason::kHorizon;
        break;
      }
      if (poll && delivered != 0 && delivered % kShouldStopInterval == 0 && limits.should_stop()) {
        stop("interrupted");
        continue;
      }
      if (delivered >= max_events) {
        // The budget is spent, unless nothing is pending: quiescence wins,
        // found just below.
        if (queue_.size() != horizon_pending) {
          result.reason = StopReason::kEventBudget;
          break;
        }
      } else {
        checkpoint = max_events;
        if (poll) {
          const std::uint64_t next_poll = (delivered / kShouldStopInterval + 1) * kShouldStopInterval;
          checkpoint = std::min(max_events, next_poll);
        }
      }
    }
    // Only the horizon event itself may be left: then nothing real is pending.
    if (queue_.size() == horizon_pending) {
      for (const StallSource* s : stall_sources_) s->describe_waiting(result.waiting);
      result.reason = result.waiting.empty() ? StopReason::kQuiescent : StopReason::kStalled;
      break;
    }
    const QueuedEvent e = queue_.pop();
    now_ = e.time;  // the one place where "now" changes
    if (e.handler == nullptr) [[unlikely]] {
      // The horizon, taken: not a model event, not counted. Nothing ran
      // since the stop check above, so the run ends here.
      horizon_event = EventId{};
      result.reason = StopReason::kHorizon;
      break;
    }
    ++delivered;
    e.handler->on_event(e.tag);
  }
  stop_requested_ = false;
  events_total_ += delivered;
  if (horizon_event.valid()) queue_.cancel(horizon_event);
  result.end_time = now_;
  result.events = delivered;
  return result;
}

}  // namespace concsim::sim
