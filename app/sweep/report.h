// A finished sweep's report, built from its definition and its points'
// results only (never from the runs in memory), so that a sweep run at
// once, resumed, or sharded and merged writes the same bytes:
//   report.md   set-up, a table of every point, the charts, the first limit
//               each series hit, and a summary in words (renders on GitHub)
//   data.csv    one row per point: the varied keys, the model and every
//               column of the CSV writer
//   data.json   the definition and, per point, its values and metrics
//   *.svg       the charts report.md embeds
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/sweep/definition.h"
#include "app/sweep/point_file.h"

namespace concsim::sweep {

// (file name, content) pairs; `results` in grid order, one per point.
std::vector<std::pair<std::string, std::string>> build_report(const Definition& d,
                                                              const std::vector<PointResult>& results);

}  // namespace concsim::sweep
