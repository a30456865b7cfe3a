// A small SVG chart writer for sweep reports: line charts (linear or
// logarithmic axes, categorical x, dashed series, a legend) and stacked bar
// charts. The output is deterministic: every coordinate and label is printed
// from a fixed-point rounding, never through printf's %g or the locale, and
// logarithms come from sim's portable implementation, so the same data give
// the same bytes on every machine. Every text is XML-escaped.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace concsim::report {

// Text safe in XML character data and attribute values.
std::string xml_escape(std::string_view s);

// `v` rounded half away from zero to `decimals` digits (0..9), as plain
// decimal text: fixed_decimal(2.345, 2) == "2.35" (up to the double's own
// rounding), fixed_decimal(-0.001, 2) == "0.00".
std::string fixed_decimal(double v, int decimals);

enum class AxisScale { kLinear, kLog };

struct ChartSeries {
  std::string name;
  // (x, y). On a categorical axis x is the category's index. Points with a
  // y that a log axis cannot show (<= 0) are left out of the line.
  std::vector<std::pair<double, double>> points;
  bool dashed = false;
};

struct LineChart {
  std::string title;
  std::string x_label;  // with its unit, e.g. "connections"
  std::string y_label;  // with its unit, e.g. "p99 latency (ms)"
  AxisScale x_scale = AxisScale::kLinear;
  AxisScale y_scale = AxisScale::kLinear;
  std::vector<std::string> categories;  // non-empty: a categorical x axis
  std::vector<ChartSeries> series;
};

std::string render_line_chart(const LineChart& chart);

struct StackedBarChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> categories;      // one bar each, left to right
  std::vector<std::string> layers;          // bottom first
  std::vector<std::vector<double>> values;  // [category][layer], >= 0
};

std::string render_stacked_bars(const StackedBarChart& chart);

}  // namespace concsim::report
