#include "python_helpers.h"

#include <gtest/gtest.h>

#include "app/load/machine.h"
#include "app/load/python_program.h"

namespace concsim::testing {

std::unique_ptr<PyThreadRun> run_python_threads(const std::string& source, const std::string& machine,
                                                PyOptions options, bool from_file) {
  return run_python_threads(source, load::load_machine(machine), options, from_file);
}

std::unique_ptr<PyThreadRun> run_python_threads(const std::string& source, const models::MachineProfile& profile,
                                                PyOptions options, bool from_file) {
  auto run = std::make_unique<PyThreadRun>();
  run->profile = profile;
  run->program = from_file ? load::load_python_file(source) : load::compile_python(source, "test.py");
  models::threads::HostOptions ho;
  ho.gil = options.gil;
  ho.kernel.record = options.record;
  ho.kernel.on_limit = options.on_limit;
  ho.kernel.compute_budget = options.compute_budget;
  ho.modules = load::thread_model_programs();
  run->host = std::make_unique<models::threads::ThreadHost>(run->sim, *run->program, run->profile, ho);
  run->host->start();
  run->result = run->sim.run(sim::RunLimits{});
  return run;
}

bool PyThreadRun::completed() const {
  return host->finished() && result.reason == sim::StopReason::kStopped &&
         result.detail == models::ThreadKernel::kFinishedDetail;
}

std::vector<std::string> PyThreadRun::texts() const {
  std::vector<std::string> out;
  for (const auto& l : host->output()) out.push_back(l.text);
  return out;
}

sim::Time PyThreadRun::printed_at(const std::string& prefix) const {
  for (const auto& l : host->output()) {
    if (l.text.rfind(prefix, 0) == 0) return l.t;
  }
  ADD_FAILURE() << "nothing printed starting with " << prefix;
  return -1;
}

models::TaskSummary PyThreadRun::task(const std::string& name) const {
  for (const models::TaskSummary& t : host->task_summaries()) {
    if (t.name == name) return t;
  }
  ADD_FAILURE() << "no thread named " << name;
  return {};
}

}  // namespace concsim::testing
