// What a run records for people to read: trace lines and per-task spans.
//
// Models append to a Recorder while they run; the report writers at the
// edges render it as a text trace, an ASCII timeline or Chrome Trace Event
// JSON. Recording is bounded (limit) so that a run with a million tasks
// cannot fill memory with its own trace; a truncated trace says so.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/time.h"

namespace concsim::models {

struct TraceLine {
  sim::Time t;
  std::uint32_t task;  // kNoTask for the loop itself
  std::string event;
};

enum class SpanKind : std::uint8_t {
  kRunning,  // executing on a CPU (cpu steps, and the instants between awaits)
  kBlocked,  // in a blocking call: the thread is frozen
  kWaiting,  // suspended at an await, a sleep or an I/O
  kReady,    // runnable, waiting for the loop or a core
};
const char* to_string(SpanKind k);

struct Span {
  std::uint32_t task;
  SpanKind kind;
  sim::Time start;
  sim::Time end;
};

class Recorder {
 public:
  static constexpr std::uint32_t kNoTask = 0xFFFFFFFF;

  explicit Recorder(bool enabled = false, std::size_t limit = 100'000)
      : enabled_(enabled), limit_(limit) {}

  [[nodiscard]] bool enabled() const { return enabled_; }
  // Whether a line would be kept: callers skip formatting one otherwise (a
  // performance trick: most events of a large run are past the limit).
  [[nodiscard]] bool accepting_lines() {
    if (enabled_ && lines_.size() >= limit_) truncated_ = true;
    return enabled_ && lines_.size() < limit_;
  }
  void line(sim::Time t, std::uint32_t task, std::string event) {
    if (!accepting_lines()) return;
    lines_.push_back(TraceLine{t, task, std::move(event)});
  }
  // Opens a span of `kind` for `task` at t, closing the task's open span.
  void state(sim::Time t, std::uint32_t task, SpanKind kind) {
    if (!enabled_) return;
    if (spans_.size() >= limit_) {
      // Full: close what is open once, then record nothing more.
      truncated_ = true;
      if (!open_.empty()) {
        for (const auto& [id, index] : open_) spans_[index].end = t;
        open_.clear();
      }
      return;
    }
    close(t, task);
    open_[task] = spans_.size();
    spans_.push_back(Span{task, kind, t, t});
  }
  void close(sim::Time t, std::uint32_t task) {
    if (!enabled_) return;
    const auto it = open_.find(task);
    if (it == open_.end()) return;
    spans_[it->second].end = t;
    open_.erase(it);
  }

  // Closes every open span at t, in span order (deterministic).
  void close_all(sim::Time t) {
    std::vector<std::size_t> open;
    for (const auto& [task, index] : open_) open.push_back(index);
    std::sort(open.begin(), open.end());
    for (std::size_t index : open) spans_[index].end = t;
    open_.clear();
  }

  [[nodiscard]] const std::vector<TraceLine>& lines() const { return lines_; }
  [[nodiscard]] const std::vector<Span>& spans() const { return spans_; }
  [[nodiscard]] bool truncated() const { return truncated_; }

 private:
  bool enabled_;
  std::size_t limit_;
  bool truncated_ = false;
  std::vector<TraceLine> lines_;
  std::vector<Span> spans_;
  // Open span per task id; a map because executor jobs have ids far above
  // the task ids.
  std::unordered_map<std::uint32_t, std::size_t> open_;
};

inline const char* to_string(SpanKind k) {
  switch (k) {
    case SpanKind::kRunning: return "running";
    case SpanKind::kBlocked: return "blocked";
    case SpanKind::kWaiting: return "waiting";
    case SpanKind::kReady: return "ready";
  }
  return "?";
}

}  // namespace concsim::models
