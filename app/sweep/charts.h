// The SVG charts of a sweep report: throughput, p50 and p99 latency, peak
// resident and reserved memory and context switches against the first
// varied key, one line per series; the CPU split as stacked bars, one chart
// per series; published figures as a dashed line in the chart of their
// metric (or a chart of their own).
#pragma once

#include <string>
#include <vector>

#include "app/sweep/definition.h"
#include "app/sweep/layout.h"

namespace concsim::sweep {

struct Chart {
  std::string file;   // "throughput.svg", in the sweep directory
  std::string title;  // the image's alt text
  std::string svg;
};

std::vector<Chart> make_charts(const Definition& d, const Layout& l);

// The value of a CSV column of a point, as the number it holds; nullopt for
// a missing column or a cell that is not a number.
std::optional<double> column_value(const PointResult& r, const std::string& column);

}  // namespace concsim::sweep
