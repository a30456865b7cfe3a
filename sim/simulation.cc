#include "sim/simulation.h"

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
  // A stop or overflow reported since the last run ends this one at once, so
  // stop_requested_ is cleared when a run consumes it, not here. A horizon
  // the clock has already passed is reached before any event.
  horizon_reached_ = limits.horizon < now_;
  EventId horizon_event;
  if (limits.horizon != kTimeMax && limits.horizon >= now_) {
    horizon_event = queue_.push(limits.horizon, Priority::kUrgent, &horizon_handler_, 0);
  }
  // Loop invariants, hoisted: the handlers cannot change them.
  const std::size_t horizon_pending = horizon_event.valid() ? 1 : 0;
  const std::uint64_t max_events = limits.max_events;
  const bool poll = static_cast<bool>(limits.should_stop);
  std::uint64_t delivered = 0;
  for (;;) {
    if (stop_requested_ || horizon_reached_) [[unlikely]] {
      if (stop_requested_) {
        result.reason = stop_reason_;
        result.detail = stop_detail_;
      } else {
        horizon_event = EventId{};
        result.reason = StopReason::kHorizon;
      }
      break;
    }
    // Only the horizon event itself may be left: then nothing real is pending.
    if (queue_.size() == horizon_pending) {
      for (const StallSource* s : stall_sources_) s->describe_waiting(result.waiting);
      result.reason = result.waiting.empty() ? StopReason::kQuiescent : StopReason::kStalled;
      break;
    }
    if (delivered >= max_events) {
      result.reason = StopReason::kEventBudget;
      break;
    }
    const QueuedEvent e = queue_.pop();
    now_ = e.time;  // the one place where "now" changes
    if (e.handler == &horizon_handler_) [[unlikely]] {
      horizon_reached_ = true;  // what its on_event() does, without the call
      continue;                 // the horizon is not a model event and is not counted
    }
    ++delivered;
    ++events_total_;
    e.handler->on_event(e.tag);
    if (poll && delivered % kShouldStopInterval == 0 && limits.should_stop()) stop("interrupted");
  }
  stop_requested_ = false;
  if (horizon_event.valid()) queue_.cancel(horizon_event);
  result.end_time = now_;
  result.events = delivered;
  return result;
}

}  // namespace concsim::sim
