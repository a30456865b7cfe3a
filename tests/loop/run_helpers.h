// Helpers for tests that load a workload and run it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/run/runner.h"

namespace concsim::testing {

run::RunOutput run_file(const std::string& path, const std::vector<std::string>& overrides = {});
run::RunOutput run_text(const std::string& yaml, const std::vector<std::string>& overrides = {});
run::RunOutput run_text_with(const std::string& yaml, const run::RunOptions& options);

// The time of the first trace line of `task` whose event is exactly `event`
// (nullopt if none). Task "" matches any task.
std::optional<sim::Time> time_of(const run::RunOutput& r, const std::string& task, const std::string& event);
// All user log lines ("log: " stripped), in trace order, as (time, task, text).
std::vector<run::NamedLine> logs(const run::RunOutput& r);
const models::TaskSummary& task(const run::RunOutput& r, const std::string& name);

constexpr sim::Time ms(std::int64_t v) { return v * sim::kMillisecond; }
constexpr sim::Time us(std::int64_t v) { return v * sim::kMicrosecond; }

}  // namespace concsim::testing
