#include "app/sweep/metric_row.h"

#include <sstream>

#include "app/report/render.h"
#include "app/sweep/csv.h"

namespace concsim::sweep {

MetricRow metric_row(const run::RunOutput& r) {
  std::ostringstream out;
  report::write_csv(out, r);
  std::vector<std::vector<std::string>> records = parse_csv(out.str());
  MetricRow row;
  if (!records.empty()) row.columns = std::move(records[0]);
  if (records.size() > 1) row.cells = std::move(records[1]);
  row.cells.resize(row.columns.size());
  return row;
}

const std::vector<std::string>& metric_columns() {
  // Built once; C++ guarantees the initialisation is thread-safe, and the
  // vector is never changed afterwards.
  static const std::vector<std::string> columns = metric_row(run::RunOutput{}).columns;
  return columns;
}

bool is_identity_column(std::string_view column) {
  return column == "workload" || column == "model" || column == "machine" || column == "seed";
}

bool is_text_column(std::string_view column) { return column == "status" || column == "limit_hit"; }

}  // namespace concsim::sweep
