// What the run-taking fuzz drivers (run_input.h, python_input.h) share: a
// run under the budgets every fuzz run has, and every report writer on its
// result.
#pragma once

#include <cstdint>

#include "app/load/workload.h"
#include "app/run/runner.h"

namespace concsim::fuzz {

// Events a run may process: set as the workload's own limits.max_events
// would set it (the kernel stops at exactly that many), with the run-time
// guard's event limit behind it. A run that spawns a task per event takes
// about 10 us an event without sanitizers, ten times that with them.
inline constexpr std::uint64_t kMaxEvents = 10'000;

struct GuardedRun {
  run::RunOutput output;
  bool stopped = false;  // the guard or the event budget ended it
};

// Runs `w` as `concsim run` would, within kMaxEvents events, 100,000 VM
// instructions per step and 2 s of wall clock (the guard's polls attached
// as `concsim run` attaches them); the caller's MemoryBudget bounds its
// allocations.
GuardedRun run_guarded(load::Workload& w);

// Every writer `concsim run` has (table, JSON in full and figures only,
// CSV, both traces), into a sink that keeps nothing.
void write_every_report(const run::RunOutput& r);

}  // namespace concsim::fuzz
