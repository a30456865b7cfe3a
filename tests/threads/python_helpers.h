// Helpers for the tests of Python programs on the thread model: compile a
// program, run it on a machine profile as ThreadHost does under
// `concsim run prog.py --model threads`, and read what it printed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/machine.h"
#include "models/threads/thread_host.h"
#include "models/vm/code.h"
#include "sim/simulation.h"

namespace concsim::testing {

struct PyThreadRun {
  sim::Simulation sim{1};
  models::MachineProfile profile;
  std::shared_ptr<const vm::Program> program;
  std::unique_ptr<models::threads::ThreadHost> host;
  sim::RunResult result;

  // Every thread finished and the run stopped for that reason.
  [[nodiscard]] bool completed() const;
  // The text of each line printed, in order.
  [[nodiscard]] std::vector<std::string> texts() const;
  // When the first line starting with `prefix` was printed; fails the test
  // if there is none.
  [[nodiscard]] sim::Time printed_at(const std::string& prefix) const;
  // A thread's summary by name.
  [[nodiscard]] models::TaskSummary task(const std::string& name) const;
};

struct PyOptions {
  bool gil = true;
  bool record = false;
  models::OnThreadLimit on_limit = models::OnThreadLimit::kRefuse;
  std::uint64_t compute_budget = models::kMaxComputeStepsWithoutWait;
};

// Runs Python source (or, with from_file, the file at that path).
std::unique_ptr<PyThreadRun> run_python_threads(const std::string& source, const models::MachineProfile& profile,
                                                PyOptions options = {}, bool from_file = false);
std::unique_ptr<PyThreadRun> run_python_threads(const std::string& source, const std::string& machine,
                                                PyOptions options = {}, bool from_file = false);

}  // namespace concsim::testing
