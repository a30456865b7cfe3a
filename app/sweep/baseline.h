// Baselines: a finished sweep's definition, a hash of each machine profile
// it ran on, and every point's figures (the CSV writer's columns but those
// that name the run), in one file that `concsim check` runs again and
// compares against. The simulator is deterministic, so by default any change
// at all is a regression to look at. A replicated sweep records each point
// once: the mean of every figure over its runs and, for figures, the 95 %
// interval that `check` compares the new mean with.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "app/sweep/definition.h"

namespace concsim::sweep {

struct BaselinePoint {
  std::string name;        // without "rep=" for a replicated sweep
  std::uint64_t seed = 0;  // of its first replication
  std::uint64_t runs = 1;  // the replications it rests on
  std::vector<std::pair<std::string, std::string>> metrics;  // column -> cell (a mean), in the writer's order
  // Replicated points: column -> (low, high) of its 95 % interval, as text.
  std::map<std::string, std::pair<std::string, std::string>> intervals;
};

// A machine profile a sweep ran on, and the fingerprint of its file(s).
struct BaselineMachine {
  std::string name;
  std::string hash;  // load::machine_fingerprint; "" when it was not recorded
};

struct Baseline {
  Definition sweep;
  std::vector<BaselineMachine> machines;  // in order of first use
  std::vector<BaselinePoint> points;      // grid order; one per group when replicated
};

// The figures of a replicated point, as a baseline records them: the mean of
// every comparable column over `rows` (an empty cell adds nothing), the
// words of the first, and each figure's interval.
BaselinePoint group_point(const std::string& name, std::uint64_t seed, const std::vector<std::vector<std::string>>& columns,
                          const std::vector<std::vector<std::string>>& cells);

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
