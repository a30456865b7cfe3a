// `concsim check`: a baseline's points run again and compared, and the
// verdict written for people (a table) and for CI systems (JSON, JUnit XML).
//
// A point of a replicated sweep passes a figure when the new mean lies in
// the baseline's 95 % interval (widened by the figure's tolerance); other
// figures compare as they always have (compare_metrics). Whatever a
// comparison reports as a Difference, a missing metric or point included, is
// a row of the table, an entry of the JSON and a failed test case of JUnit.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "app/sweep/baseline.h"
#include "app/sweep/compare.h"
#include "app/sweep/progress.h"

namespace concsim::sweep {

struct CheckResult {
  std::string baseline;               // its path, as given
  std::vector<std::string> points;    // the points compared, grid order
  std::vector<std::string> metrics;   // every metric of the baseline, the writer's order
  std::vector<std::string> notes;     // what may explain a difference: a workload, a profile, a version changed
  std::vector<Difference> differences;

  [[nodiscard]] std::size_t beyond() const;  // differences beyond their tolerance
  [[nodiscard]] bool passed() const { return beyond() == 0; }
};

// The metrics of the baseline, in the writer's order. Every point must have
// the same ones, and some: a baseline with a point's metrics emptied or one
// removed would otherwise pass a check of figures it never held. Throws
// InputError (exit 2) before anything runs.
std::vector<std::string> covered_metrics(const Baseline& b, const std::string& path);

// Runs every point of `b` again (from the current directory: the workload's
// path is as recorded) and compares. Throws InputError for a baseline whose
// points do not match its own definition or do not cover the same metrics.
CheckResult run_check(const Baseline& b, const std::string& path, const std::vector<Tolerance>& tolerances,
                      unsigned jobs, Progress& progress);

// The table of differences and a closing verdict line.
void write_check_table(std::ostream& out, const CheckResult& r);
// {"baseline", "passed", "points", "metrics", "beyond", "notes",
//  "differences": [{"point", "metric", "baseline", "now", "change", "tolerance", "beyond"}]}
void write_check_json(std::ostream& out, const CheckResult& r);
// JUnit XML: one test suite, one test case per point and metric (classname
// the point, name the metric), failed when beyond its tolerance or missing;
// a difference outside that grid (a point the sweep no longer has) is a
// failed test case of its own.
std::string check_junit(const CheckResult& r);

}  // namespace concsim::sweep
