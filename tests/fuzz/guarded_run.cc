#include "tests/fuzz/guarded_run.h"

#include <algorithm>
#include <ostream>
#include <streambuf>

#include "app/report/render.h"
#include "app/run/guard.h"

namespace concsim::fuzz {
namespace {

constexpr std::uint64_t kStepBudget = 100'000;
constexpr double kSeconds = 2;

// Counts what the writers write and keeps none of it.
class NullBuffer final : public std::streambuf {
 protected:
  int_type overflow(int_type c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

}  // namespace

GuardedRun run_guarded(load::Workload& w) {
  w.max_events = std::min<std::uint64_t>(w.max_events, kMaxEvents);
  // The run-time guard as `concsim run` makes it, but for memory: the
  // fuzzer's own resident memory is no measure of the run's, so the
  // caller's MemoryBudget stands in for it.
  run::GuardLimits limits;
  limits.max_events = kMaxEvents;
  limits.timeout_seconds = kSeconds;
  run::RunGuard guard(limits);
  run::RunOptions options;
  options.step_budget = kStepBudget;
  options.record_limit = 1'000;
  options.trace_phases = true;
  guard.attach(options);
  GuardedRun out;
  out.output = run::run_workload(w, options);
  guard.mark(out.output);
  out.stopped = guard.tripped() || out.output.reason == sim::StopReason::kEventBudget;
  return out;
}

void write_every_report(const run::RunOutput& r) {
  NullBuffer sink;
  std::ostream null(&sink);
  report::write_table(null, r);
  report::write_json(null, r);
  report::write_json(null, r, report::JsonDetail::kFiguresOnly);
  report::write_csv(null, r);
  report::write_text_trace(null, r);
  report::write_chrome_trace(null, r);
}

}  // namespace concsim::fuzz
