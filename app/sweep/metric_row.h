// A run's figures as the columns of report::write_csv. The CSV writer is the
// one list of run-level figures that every format agrees on, so data.csv,
// the baselines and `check` take their columns from it: a figure added to
// the writer is swept, recorded and checked with no change here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/run/runner.h"

namespace concsim::sweep {

struct MetricRow {
  std::vector<std::string> columns;  // the writer's header
  std::vector<std::string> cells;    // its one data row, unquoted
};

MetricRow metric_row(const run::RunOutput& r);

// The writer's header, from a run that never happened.
const std::vector<std::string>& metric_columns();

// Columns that say which run it was rather than what it measured
// (workload, model, machine, seed): not compared, not plotted.
bool is_identity_column(std::string_view column);

// Columns whose cells are words, not figures (status, limit_hit).
bool is_text_column(std::string_view column);

}  // namespace concsim::sweep
