// A small SVG chart writer for reports: line charts (linear or logarithmic
// axes, numeric or categorical x, error bars, colours, dash patterns and
// markers per series) and stacked bar charts, each either one plot or small
// multiples (a grid of panels sharing their axes), with a legend whose
// labels are shown whole, wrapped over several lines. The output is
// deterministic: every coordinate and label is printed from a fixed-point
// rounding, never through printf's %g or the locale, and logarithms come
// from sim's portable implementation, so the same data give the same bytes
// on every machine. Every text is XML-escaped.
#pragma once

#include <cstdint>
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

// `text` cut into lines of at most `width` characters, at spaces where
// possible (a longer word is cut); UTF-8 sequences are kept whole.
std::vector<std::string> wrap_text(std::string_view text, std::size_t width);

enum class AxisScale { kLinear, kLog };
enum class Dash : std::uint8_t { kSolid, kDashed, kDotted, kDashDot };
enum class Marker : std::uint8_t { kCircle, kSquare, kTriangle, kDiamond, kCross, kNone };

struct Style {
  std::string color;  // "#1f77b4"; empty: the palette's colour for the series' index
  Dash dash = Dash::kSolid;
  Marker marker = Marker::kCircle;
  // Line width in px. Series drawn first can be wider, so that a line drawn
  // over an equal one still shows the one below at its edges.
  double width = 2;
};

struct ChartSeries {
  std::string name;
  // (x, y). On a categorical axis x is the category's index. Points with a
  // y that a log axis cannot show (<= 0) are left out of the line.
  std::vector<std::pair<double, double>> points;
  bool dashed = false;  // shorthand for style.dash = kDashed
  // Per point, the (low, high) of an error bar; empty: no error bars.
  std::vector<std::pair<double, double>> errors;
  Style style;
};

// One plot of a grid of small multiples.
struct ChartPanel {
  std::string title;  // "machine=seda-2001"; wrapped to the panel's width
  std::vector<ChartSeries> series;
  std::string title_color;  // empty: black
};

struct LegendEntry {
  std::string label;  // shown whole, wrapped
  Style style;
  bool box = false;   // a filled box (a bar layer) rather than a line
};
struct LegendGroup {
  std::string title;  // "model", "block"; may be empty
  std::vector<LegendEntry> entries;
};

struct LineChart {
  std::string title;
  std::string x_label;  // with its unit, e.g. "connections"
  std::string y_label;  // with its unit, e.g. "p99 latency (ms)"
  AxisScale x_scale = AxisScale::kLinear;
  AxisScale y_scale = AxisScale::kLinear;
  std::vector<std::string> categories;  // non-empty: a categorical x axis
  // One plot: `series`. Small multiples: `panels` (then `series` is unused);
  // every panel has the same axes.
  std::vector<ChartSeries> series;
  std::vector<ChartPanel> panels;
  std::size_t columns = 0;  // of the panels' grid; 0: 2 up to four panels, else 3
  // Empty: one entry per distinct series name, in order of appearance.
  std::vector<LegendGroup> legend;
};

std::string render_line_chart(const LineChart& chart);

struct BarPanel {
  std::string title;  // wrapped to the panel's width
  std::vector<std::vector<double>> values;  // [category][layer], >= 0
  std::string title_color;  // empty: black
};

struct StackedBarChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> categories;      // one bar each, left to right
  std::vector<std::string> layers;          // bottom first
  std::vector<std::string> layer_colors;    // per layer; empty: the palette's
  // One plot: `values`; small multiples: `panels`.
  std::vector<std::vector<double>> values;  // [category][layer], >= 0
  std::vector<BarPanel> panels;
  std::size_t columns = 0;  // as LineChart::columns
  double y_max = 0;         // the axis' top (100 for shares); 0: from the data
};

std::string render_stacked_bars(const StackedBarChart& chart);

}  // namespace concsim::report
