// Resource guards: what a run may cost the machine that simulates it.
//
// A workload can ask for more than any machine has: `count: 1000000000000`
// tasks, a repeat of 10^12 rounds, a spawn in an endless loop. Two guards
// keep such a run from taking the machine down:
//  - before the run, estimate() reads the program and predicts the tasks it
//    creates, the simulator events it needs and the simulator's own memory;
//    check_estimate() rejects the run (a located ConfigError, exit code 2)
//    when the memory is over --max-memory or the events over --max-events,
//    so that nothing is allocated;
//  - during the run, RunGuard is polled through sim::RunLimits::should_stop
//    (every 2^16 events) and stops the run when the wall clock passes
//    --timeout, the process's memory passes --max-memory (or half of its
//    address-space limit, RLIMIT_AS), or the events pass --max-events: what
//    the estimate could not foresee (loops, counts computed at run time).
//    Such a run ends with status "interrupted" and exit code 1; its results
//    are partial and say so;
//  - behind both, limit_address_space() caps the process's address space
//    at 5/4 of --max-memory, so that growth within a single event fails
//    with std::bad_alloc (reported, exit code 1) instead of exhausting the
//    machine, and arm_timeout_backstop() ends a run that a single long
//    event keeps past --timeout.
// The estimate is deliberately simple and errs high: every count that is a
// literal or a shared variable with a literal value is multiplied in; an
// endless loop, a while or a count computed at run time counts once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "app/load/config.h"
#include "app/load/workload.h"
#include "models/program/steps.h"

namespace concsim::run {

struct RunOutput;
struct RunOptions;

// The simulator's memory per task (or thread) it creates, all in: the
// model's task, its interpreter state and locals, its events, its row in the
// results and in the JSON written. Measured for the default workload with a
// million connections: 0.8 KiB on the event loop, 0.6 KiB on threads (peak
// resident size, JSON output included); taken with a margin.
inline constexpr std::int64_t kBytesPerTask = 1024;
// Memory the simulator needs whatever the workload: the program, the trace
// (bounded by the recording limit), the output.
inline constexpr std::int64_t kBaseBytes = 64 * 1024 * 1024;
// Events a task costs besides its steps: start, finish, the wake-ups of
// whoever awaits it.
inline constexpr std::int64_t kEventsPerTask = 4;
// Events a step that waits (cpu, block, sleep, io, a lock, a queue) costs:
// the timer or completion, and the task's resumption.
inline constexpr std::int64_t kEventsPerWait = 3;

// `concsim run`'s wall-clock limit when --timeout is not given: ten
// minutes, ten times the longest run the performance targets name (a
// million connections on the event loop within 60 s), so that no
// legitimate run on a slower machine meets it, while a program that yields
// forever, or grows a string in every step, is stopped on its own instead
// of running until someone notices. `--timeout 0` (or `none`) lifts it.
inline constexpr double kDefaultRunTimeoutSeconds = 600;

struct GuardLimits {
  std::int64_t max_memory = std::int64_t{16} << 30;  // bytes; sized for a 24 GiB machine
  std::uint64_t max_events = 2'000'000'000;
  double timeout_seconds = 0;                         // 0: no timeout (`run` defaults to the one above)
};

struct Estimate {
  std::int64_t tasks = 1;  // tasks or threads created, main included
  std::int64_t events = 0;
  std::int64_t memory_bytes = 0;
  // False when a loop, a while or a count computed at run time was counted
  // once: the figures are then a lower bound.
  bool exact_counts = true;
  // The literal count (count, repeat times, async_for items, or a shared
  // variable used as one) with the largest value, where the error points;
  // line 0 when there is none.
  models::SourceRef largest_count;
  std::int64_t largest_count_value = 0;
};

// Figures saturate at INT64_MAX.
Estimate estimate(const load::Workload& w);

// Throws load::ConfigError, at the largest count (or at `main`), when the
// estimate is over a limit. `doc` is the document the workload was read
// from, to name the file (or "--set") the count was written in.
void check_estimate(const Estimate& e, const GuardLimits& limits, const load::Workload& w,
                    const load::Document& doc);

// The soft address-space limit of this process (RLIMIT_AS), or -1 when
// there is none.
std::int64_t address_space_limit();

// The memory limit that applies: --max-memory, or half of RLIMIT_AS when
// that is lower (past RLIMIT_AS allocations fail; the other half is room to
// collect and write the results of a run stopped at the limit).
std::int64_t effective_memory_limit(const GuardLimits& limits);

// Lowers this process's RLIMIT_AS to 5/4 of --max-memory (never raises it),
// so that what RunGuard cannot see between two polls (a single step that
// builds a huge string, or spawns tasks by the million) fails with
// std::bad_alloc, which the caller reports, instead of taking the machine's
// memory. Not in sanitizer builds, whose shadow memory needs terabytes of
// address space. Call it after making the RunGuard, which reads the limit
// it was started with.
void limit_address_space(const GuardLimits& limits);

// True when built with AddressSanitizer.
bool sanitized_build();

// The run-time half: attach() it to the run's RunOptions, whose polls the
// kernel and the models call. The clock starts when the guard is made.
class RunGuard {
 public:
  explicit RunGuard(const GuardLimits& limits);

  // Called every sim::kShouldStopInterval events: true once a limit is hit.
  bool should_stop();
  // The wall-clock and memory limits alone, for a model to poll within one
  // simulator event (RunOptions::should_stop_within_event); counts no events.
  bool should_stop_within_event();

  [[nodiscard]] bool tripped() const { return !reason_.empty(); }
  // What was hit, e.g. "--timeout of 2s reached after 1310720 events".
  [[nodiscard]] const std::string& reason() const { return reason_; }

  // Sets both of `options`' polls (should_stop, should_stop_within_event)
  // to this guard's, which must outlive the run.
  void attach(RunOptions& options);

  // Marks a run that a guard stopped: status "interrupted", the reason as
  // the detail, exit code 1. Does nothing when no limit was hit.
  void mark(RunOutput& out) const;

 private:
  GuardLimits limits_;
  std::int64_t memory_limit_;   // effective_memory_limit when the guard was made
  std::int64_t address_limit_;  // RLIMIT_AS then; -1: none
  std::chrono::steady_clock::time_point start_;
  std::uint64_t polls_ = 0;
  std::string reason_;
  bool time_or_memory_passed(std::uint64_t events);
};

// A last resort behind RunGuard's timeout, which is only polled between
// events: if the process is still running `grace_seconds` after `seconds`,
// a SIGALRM handler prints a message and exits with code 1. Does nothing
// for seconds <= 0.
void arm_timeout_backstop(double seconds, double grace_seconds);

}  // namespace concsim::run
