#include "thread_helpers.h"

#include <gtest/gtest.h>

#include "app/load/config.h"
#include "app/load/machine.h"

namespace concsim::testing {

std::unique_ptr<ThreadRun> run_threads(const std::string& yaml, const std::string& machine,
                                       models::ThreadOptions options, bool from_file) {
  return run_threads(yaml, load::load_machine(machine), options, from_file);
}

models::MachineProfile profile_from(const std::string& yaml) {
  return load::read_machine(load::Document::load_string(yaml, "profile.yaml"));
}

std::unique_ptr<ThreadRun> run_threads(const std::string& yaml, const models::MachineProfile& profile,
                                       models::ThreadOptions options, bool from_file) {
  const load::Document doc = from_file ? load::Document::load_file(yaml) : load::Document::load_string(yaml, "test.yaml");
  load::Workload w = load::load_workload(doc);
  auto run = std::make_unique<ThreadRun>(w.seed);
  run->workload = std::move(w);
  run->profile = profile;
  run->model = std::make_unique<models::ThreadModel>(run->sim, run->workload.compiled, run->profile, options);
  run->model->start(run->workload.compiled.find_function("main"));
  sim::RunLimits limits;
  limits.horizon = run->workload.horizon;
  limits.max_events = run->workload.max_events;
  run->result = run->sim.run(limits);
  return run;
}

std::vector<std::string> ThreadRun::logs() const {
  std::vector<std::string> out;
  for (const models::TraceLine& l : model->recorder().lines()) {
    if (l.event.rfind("log: ", 0) == 0) out.push_back(l.event.substr(5));
  }
  return out;
}

models::TaskSummary ThreadRun::task(const std::string& name) const {
  for (const models::TaskSummary& t : model->task_summaries()) {
    if (t.name == name) return t;
  }
  ADD_FAILURE() << "no thread named " << name;
  return {};
}

}  // namespace concsim::testing
