#include "models/requests.h"

namespace concsim::models {

sim::Duration RequestStats::arriving(std::uint32_t task, sim::Time now, sim::Time base, sim::Duration wait) {
  seen_ = true;
  sim::Time at = 0;
  if (!sim::checked_add(base, wait, &at) || at >= window_.stop) return -1;
  if (start_.size() <= task) start_.resize(static_cast<std::size_t>(task) + 1, -1);
  start_[task] = at;
  return at > now ? at - now : 0;
}

void RequestStats::done(std::uint32_t task, sim::Time now, bool failed) {
  seen_ = true;
  if (task >= start_.size() || start_[task] < 0) return;  // no request was given
  const sim::Time began = start_[task];
  start_[task] = -1;
  if (began < window_.warmup) return;
  if (failed) {
    ++failed_;
  } else {
    ++completed_;
    latency_.record(now - began);
  }
}

void RequestStats::merge(const RequestStats& other) {
  seen_ = seen_ || other.seen_;
  completed_ += other.completed_;
  failed_ += other.failed_;
  latency_.merge(other.latency_);
}

void RequestStats::fill(Metrics& m) {
  m.unit = "requests";
  m.completed = completed_;
  m.failed = failed_;
  m.latency = summarize(latency_);
  m.measured_from = window_.warmup;
}

}  // namespace concsim::models
