#include "run_helpers.h"

#include <gtest/gtest.h>

#include "app/load/config.h"
#include "app/load/workload.h"

namespace concsim::testing {
namespace {

run::RunOutput run_doc(load::Document doc, const std::vector<std::string>& overrides) {
  for (const std::string& o : overrides) doc.apply_override(o);
  const load::Workload w = load::load_workload(doc);
  return run::run_workload(w, run::RunOptions{});
}

}  // namespace

run::RunOutput run_file(const std::string& path, const std::vector<std::string>& overrides) {
  return run_doc(load::Document::load_file(path), overrides);
}

run::RunOutput run_text(const std::string& yaml, const std::vector<std::string>& overrides) {
  return run_doc(load::Document::load_string(yaml, "test.yaml"), overrides);
}

run::RunOutput run_text_with(const std::string& yaml, const run::RunOptions& options) {
  return run::run_workload(load::load_workload(load::Document::load_string(yaml, "test.yaml")), options);
}

std::optional<sim::Time> time_of(const run::RunOutput& r, const std::string& task, const std::string& event) {
  for (const auto& l : r.trace) {
    if ((task.empty() || l.task == task) && l.event == event) return l.t;
  }
  return std::nullopt;
}

std::vector<run::NamedLine> logs(const run::RunOutput& r) {
  std::vector<run::NamedLine> out;
  for (const auto& l : r.trace) {
    if (l.event.rfind("log: ", 0) == 0) out.push_back(run::NamedLine{l.t, l.task, l.event.substr(5)});
  }
  return out;
}

const models::TaskSummary& task(const run::RunOutput& r, const std::string& name) {
  for (const auto& t : r.tasks) {
    if (t.name == name) return t;
  }
  ADD_FAILURE() << "no task named " << name;
  static const models::TaskSummary none;
  return none;
}

}  // namespace concsim::testing
