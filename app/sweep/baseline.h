// Baselines: a finished sweep's definition and every point's figures (the
// CSV writer's columns but those that name the run), in one file that
// `concsim check` runs again and compares against. The simulator is
// deterministic, so by default any change at all is a regression to look at.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/sweep/definition.h"

namespace concsim::sweep {

struct BaselinePoint {
  std::string name;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> metrics;  // column -> cell, in the writer's order
};

struct Baseline {
  Definition sweep;
  std::vector<BaselinePoint> points;  // grid order
};

// The metrics of a CSV row worth comparing: every column but the identity
// ones.
std::vector<std::pair<std::string, std::string>> comparable(const std::vector<std::string>& columns,
                                                            const std::vector<std::string>& cells);

// The baseline of the finished sweep in `dir`. Throws InputError when the
// sweep is incomplete.
Baseline make_baseline(const std::string& dir);
std::string baseline_json(const Baseline& b);
// Throws InputError for a file that is not a baseline.
Baseline read_baseline(const std::string& path);
// The same for a baseline's text; `name` stands for the file in messages.
Baseline parse_baseline(const std::string& text, const std::string& name);

}  // namespace concsim::sweep
