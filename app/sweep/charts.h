// The SVG charts of a sweep report, read the same way whatever the grid:
//   - the first varied key is the x axis, placed by value when its values
//     are numbers or durations (a log axis beyond a decade);
//   - each model has one colour in every chart (model_color);
//   - a second varied key is told apart by dash pattern and marker;
//   - further varied keys make small multiples: one panel per combination
//     of their values, every panel with the same axes;
//   - replicated points are drawn at their mean, with an error bar of the
//     95 % confidence interval; an unmeasured figure is left off, not 0;
//   - published figures are a dashed grey line in the chart of their metric
//     (or a chart of their own).
// The charts: throughput, p50 and p99 latency, peak resident and reserved
// memory, context switches (lines); the CPU split of each series and, for
// event-loop models, the loop thread's busy, blocked and idle time (stacked
// bars, a panel per series).
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

// The colour of a model in every chart: async blue, threads red,
// async+executor green, pool orange; another name gets a colour of its own
// from the rest of the palette.
std::string model_color(const std::string& model);

// The value of a CSV column of a point, as the number it holds; nullopt for
// a missing column or a cell that is not a number (an unmeasured one).
std::optional<double> column_value(const PointResult& r, const std::string& column);

}  // namespace concsim::sweep
