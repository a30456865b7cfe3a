#include "tests/fuzz/run_input.h"

#include <algorithm>
#include <array>
#include <new>
#include <string>
#include <vector>

#include "app/load/config.h"
#include "app/load/workload.h"
#include "app/run/guard.h"
#include "tests/fuzz/guarded_run.h"
#include "tests/fuzz/memory_budget.h"

namespace concsim::fuzz {
namespace {

constexpr std::size_t kMemoryBudget = std::size_t{64} << 20;
// The estimate's limits, looser than the run's since the estimate errs
// high: memory for its fixed part (kBaseBytes, 64 MiB) plus about 190,000
// tasks, and a million events.
constexpr std::int64_t kEstimateMemory = std::int64_t{256} << 20;
constexpr std::uint64_t kEstimateEvents = 1'000'000;

constexpr std::array<const char*, 4> kModels{"async", "async+executor", "threads", "pool"};
constexpr std::array<const char*, 4> kMachines{"ideal", "lecture", "linux-modern", "seda-2001"};

// The workload's own machine when it is a shipped profile, else "ideal":
// a path in an input could name any file, a FIFO or /dev/stdin included.
std::string shipped_machine(const load::Document& doc) {
  try {
    const load::Node root = doc.root();
    if (root.is_map()) {
      if (const std::optional<load::Node> m = root.get("machine"); m && m->is_scalar()) {
        for (const char* name : kMachines) {
          if (m->as_string() == name) return name;
        }
      }
    }
  } catch (const load::ConfigError&) {
  }
  return "ideal";
}

void run_one(load::Document doc, const std::string& model, RunOutcome& out) {
  try {
    doc.apply_override("model=" + model);
    load::Workload w = load::load_workload(doc);
    // The estimate sees the events the run may take.
    w.max_events = std::min<std::uint64_t>(w.max_events, kMaxEvents);
    run::GuardLimits estimate_limits;
    estimate_limits.max_memory = kEstimateMemory;
    estimate_limits.max_events = kEstimateEvents;
    run::check_estimate(run::estimate(w), estimate_limits, w, doc);

    const GuardedRun r = run_guarded(w);
    (r.stopped ? out.stopped : out.ran) += 1;
    write_every_report(r.output);
  } catch (const load::ConfigError& e) {
    if (out.rejected++ == 0 && out.first_error.empty()) out.first_error = e.what();
  } catch (const std::bad_alloc&) {
    // Past the budget, as past `concsim run`'s address-space limit: the
    // run's state is gone and nothing is written.
    ++out.out_of_memory;
  }
}

}  // namespace

RunOutcome drive_run(std::string_view data) {
  RunOutcome out;
  const MemoryBudget budget(kMemoryBudget);
  try {
    load::Document doc = load::Document::load_string(std::string(data), "fuzz.yaml");
    doc.apply_override("machine=" + shipped_machine(doc));
    // Its own model (when it names one that loads), and one of the others
    // chosen by the input, so that every model meets every program.
    std::string own = "async";
    try {
      own = load::read_workload(doc).model;
    } catch (const load::ConfigError&) {
    }
    std::vector<std::string> others;
    for (const char* m : kModels) {
      if (m != own) others.emplace_back(m);
    }
    run_one(doc, own, out);
    run_one(doc, others[data.size() % others.size()], out);
  } catch (const load::ConfigError& e) {
    if (out.rejected++ == 0) out.first_error = e.what();
  } catch (const std::bad_alloc&) {
    ++out.out_of_memory;
  }
  return out;
}

}  // namespace concsim::fuzz
