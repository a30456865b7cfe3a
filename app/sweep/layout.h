// How a sweep's points are laid out in its report: the first varied key is
// the x axis; every combination of a model and the other varied keys' values
// is a series (a line in a chart, a group in the summary). Both charts and
// the summary read the points through this one layout, so they always
// describe the same lines. The replications of a point are one group: the
// layout's points are groups, whose figures are the means of their runs,
// with a 95 % interval per numeric column.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <map>

#include "app/sweep/definition.h"
#include "app/sweep/figures.h"
#include "app/sweep/interval.h"
#include "app/sweep/point_file.h"

namespace concsim::sweep {

struct XAxis {
  std::string key;                  // "" when nothing is varied
  std::vector<std::string> values;  // in --vary order; one "" when nothing is varied
  bool numeric = false;             // every value is a number or a duration ("5ms")
  bool log = false;                 // numeric, all > 0, and max / min > 10: more than a decade
  std::vector<double> positions;    // numeric: the values (durations in `unit`); otherwise the indices
  std::string unit;                 // durations: "ns", "us", "ms" or "s"; else empty
  std::size_t last = 0;             // the largest value (numeric) or the last one
};

struct SeriesPoint {
  std::size_t x = 0;       // index into XAxis::values
  std::size_t point = 0;   // index into the layout's groups (grid order)
};

struct Series {
  std::string name;   // "threads" or "threads machine=seda-2001"
  std::string model;
  // The values of the varied keys after the first (empty for one key).
  std::vector<std::pair<std::string, std::string>> rest;
  std::vector<SeriesPoint> points;  // in x order (as given)
};

struct Layout {
  XAxis x;
  std::vector<Series> series;     // in order of first appearance in the grid
  std::uint64_t replications = 1;
  // Per group (a point and its replications), grid order:
  std::vector<Figures> figures;                         // means over the runs
  std::vector<const PointResult*> results;              // the first run: the point's values and model
  std::vector<std::vector<const PointResult*>> runs;    // every run
  std::vector<std::map<std::string, Interval>> stats;   // per numeric column: mean and interval of its runs
};

// `results` in grid order, one per point; they must outlive the layout.
Layout make_layout(const Definition& d, const std::vector<PointResult>& results);

// "connections=1000": the x value of a point as text; "" when nothing is
// varied.
std::string x_text(const Layout& l, std::size_t x);

// The interval of `column` over group `g`'s runs; n == 0 when none measured it.
Interval stat(const Layout& l, std::size_t g, const std::string& column);

// A varied value as a number: a plain number, or a duration in seconds
// ("5ms" -> 0.005), so that durations are placed by value. nullopt when it
// is neither.
std::optional<double> numeric_value(const std::string& value);

}  // namespace concsim::sweep
