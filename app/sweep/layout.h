// How a sweep's points are laid out in its report: the first varied key is
// the x axis; every combination of a model and the other varied keys' values
// is a series (a line in a chart, a group in the summary). Both charts and
// the summary read the points through this one layout, so they always
// describe the same lines.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "app/sweep/definition.h"
#include "app/sweep/figures.h"
#include "app/sweep/point_file.h"

namespace concsim::sweep {

struct XAxis {
  std::string key;                  // "" when nothing is varied
  std::vector<std::string> values;  // in --vary order; one "" when nothing is varied
  bool numeric = false;             // every value is a number
  bool log = false;                 // numeric, all > 0, and max / min >= 100
  std::vector<double> positions;    // numeric: the values; otherwise the indices
  std::size_t last = 0;             // the largest value (numeric) or the last one
};

struct SeriesPoint {
  std::size_t x = 0;       // index into XAxis::values
  std::size_t point = 0;   // index into the sweep's points (grid order)
};

struct Series {
  std::string name;   // "threads" or "threads machine=seda-2001"
  std::string model;
  std::vector<SeriesPoint> points;  // in x order (as given)
};

struct Layout {
  XAxis x;
  std::vector<Series> series;     // in order of first appearance in the grid
  std::vector<Figures> figures;   // per point, grid order
  std::vector<const PointResult*> results;
};

// `results` in grid order, one per point; they must outlive the layout.
Layout make_layout(const Definition& d, const std::vector<PointResult>& results);

// "connections=1000": the x value of a point as text; "" when nothing is
// varied.
std::string x_text(const Layout& l, std::size_t x);

}  // namespace concsim::sweep
