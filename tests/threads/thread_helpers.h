// Helpers for the thread model's tests: load a workload and a machine
// profile, run the workload as threads, keep everything alive for checks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/load/workload.h"
#include "models/machine.h"
#include "models/threads/thread_model.h"
#include "sim/simulation.h"

namespace concsim::testing {

struct ThreadRun {
  load::Workload workload;
  models::MachineProfile profile;
  sim::Simulation sim;
  std::unique_ptr<models::ThreadModel> model;
  sim::RunResult result;

  explicit ThreadRun(std::uint64_t seed) : sim(seed) {}
  // True when every thread finished and the run stopped for that reason.
  [[nodiscard]] bool completed() const {
    return model->finished() && result.reason == sim::StopReason::kStopped &&
           result.detail == models::ThreadModel::kFinishedDetail;
  }
  // The text of every `log` line, in order.
  [[nodiscard]] std::vector<std::string> logs() const;
  // A thread's summary by name; fails the test if there is none.
  [[nodiscard]] models::TaskSummary task(const std::string& name) const;
};

// Runs YAML text (or, with from_file, the file at that path) under the
// thread model on the named machine profile, or on `profile`.
std::unique_ptr<ThreadRun> run_threads(const std::string& yaml, const std::string& machine,
                                       models::ThreadOptions options = {}, bool from_file = false);
std::unique_ptr<ThreadRun> run_threads(const std::string& yaml, const models::MachineProfile& profile,
                                       models::ThreadOptions options = {}, bool from_file = false);

// A profile from YAML text (machine profile format), e.g. one that extends
// a shipped profile and changes a few values.
models::MachineProfile profile_from(const std::string& yaml);

inline std::unique_ptr<ThreadRun> run_lecture(const std::string& name, const std::string& machine = "ideal") {
  models::ThreadOptions o;
  o.record = true;
  return run_threads("configs/lectures/" + name + ".yaml", machine, o, true);
}

constexpr sim::Time ms(std::int64_t v) { return v * sim::kMillisecond; }
constexpr sim::Time us(std::int64_t v) { return v * sim::kMicrosecond; }
constexpr std::int64_t KiB = 1024;
constexpr std::int64_t MiB = 1024 * KiB;
constexpr std::int64_t GiB = 1024 * MiB;

}  // namespace concsim::testing
