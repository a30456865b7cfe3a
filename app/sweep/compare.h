// Comparing a point's figures with its baseline: every metric, each within
// its tolerance (a relative change; 0 unless --tolerance says otherwise).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace concsim::sweep {

struct Tolerance {
  std::string metric;     // a column name, or "*" for every metric
  std::int64_t ppm = 0;   // parts per million of the baseline's value
};

// "METRIC=5%", "METRIC=0.5%", "*=1%". Throws InputError for a bad form or a
// metric not in `metrics` (with a did-you-mean).
Tolerance parse_tolerance(const std::string& text, const std::vector<std::string>& metrics);

// The tolerance of `metric`: the last given for it, else the last "*", else
// none (nullptr).
const Tolerance* tolerance_for(const std::string& metric, const std::vector<Tolerance>& tolerances);
// "5%", "0.25%": parts per million as a percentage, trailing zeros dropped.
std::string ppm_text(std::int64_t ppm);

struct Difference {
  std::string metric;
  std::string point;
  std::string base;
  std::string now;
  std::string change;  // "+20.00%"; "changed" for words; "missing", "not in baseline"
  std::string tolerance;  // "0%", "5%"
  bool over = false;      // beyond the tolerance
};

// The differences between `base` and `now` for one point. A metric the
// baseline has and the run lacks ("missing"), or the run has and the
// baseline lacks ("not in baseline"), is a difference beyond any tolerance:
// a check passes only when the baseline and the run cover the same figures.
std::vector<Difference> compare_metrics(const std::string& point,
                                        const std::vector<std::pair<std::string, std::string>>& base,
                                        const std::vector<std::pair<std::string, std::string>>& now,
                                        const std::vector<Tolerance>& tolerances);

}  // namespace concsim::sweep
