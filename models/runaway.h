// Endless loops that compute without ever waiting.
//
// The interpreter's instruction budget (Interpreter::run) stops a task that
// loops over steps that take no time (`set`, `if`, ...). A loop of `cpu`
// steps takes virtual time, so each step ends the interpreter's run and the
// budget starts again: it would run until the end of time. The runtimes
// count instead the compute steps a task makes in a row without waiting
// (an await on the event loop, a blocking point for a thread) and stop the
// run, as they stop a runaway interpreter, when the count passes
// kMaxComputeStepsWithoutWait. No real program computes ten million steps
// in a row without once giving the loop (or the scheduler) a chance.
//
// Where the runtimes count (for an interpreter or runtime that replaces
// them, the same three places):
//   - a compute step starts: ComputeStreak::add() (the event loop counts its
//     cpu and block steps, which both hold the loop thread; a thread counts
//     its cpu steps; an executor job its cpu steps);
//   - the task waits: ComputeStreak::reset();
//   - add() returned true: stop the run with runaway_detail().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace concsim::models {

inline constexpr std::uint64_t kMaxComputeStepsWithoutWait = 10'000'000;

struct ComputeStreak {
  std::uint32_t steps = 0;

  // One more compute step; true when that makes more than `budget`.
  bool add(std::uint64_t budget) { return ++steps > budget; }
  void reset() { steps = 0; }
};

// "task main ran 10000000 cpu steps without awaiting (an endless loop?)".
inline std::string runaway_detail(std::string_view who, std::uint64_t budget, std::string_view without) {
  std::string d(who);
  d += " ran more than ";
  d += std::to_string(budget);
  d += " compute steps in a row without ";
  d += without;
  d += " (an endless loop?)";
  return d;
}

}  // namespace concsim::models
