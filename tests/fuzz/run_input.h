// One fuzz input loaded AND run through the public run path, shared by the
// libFuzzer target (fuzz_run.cc) and the GoogleTest that replays the
// regressions found (fuzz_regression_test.cc).
//
// An input is a workload file. It is loaded (with the machine profile
// forced to a shipped one, so that no input reads a file of the machine)
// and run under two models, its own and another chosen by the input, each
// through run::run_workload as `concsim run` calls it: the estimate's
// refusal first, then the run under tight budgets: 10,000 events,
// 100,000 instructions per step, two seconds of wall clock, 64 MiB of
// allocations (memory_budget.h, standing in for the address-space limit).
// Then every writer renders the results. A rejected workload
// (load::ConfigError), a run stopped by a budget and an allocation refused
// by the budget (std::bad_alloc) are outcomes; anything else escapes and
// libFuzzer reports it as a crash, as do crashes, hangs and leaks.
#pragma once

#include <string>
#include <string_view>

namespace concsim::fuzz {

struct RunOutcome {
  int rejected = 0;       // ConfigErrors: the workload, or its estimate
  int ran = 0;            // runs that ended by themselves
  int stopped = 0;        // runs a budget stopped
  int out_of_memory = 0;  // runs whose allocations passed the budget
  std::string first_error;
};

RunOutcome drive_run(std::string_view data);

}  // namespace concsim::fuzz
