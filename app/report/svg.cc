#include "app/report/svg.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "app/report/json.h"
#include "sim/detail/portable_math.h"

namespace concsim::report {
namespace {

std::string num(double v) { return fixed_decimal(v, 1); }

// ---- geometry ----
//
// A chart is a title, a grid of panels (one for a single plot) sharing the
// x label below and the y label at the left, and a legend at the right. Each
// panel has its plot area with room for tick labels at its left and below,
// and a title above when there are several.
constexpr double kTitleHeight = 40;
constexpr double kXLabelHeight = 30;
constexpr double kYLabelWidth = 26;
constexpr double kTickLabelWidth = 58;   // left of each plot
constexpr double kTickLabelHeight = 26;  // below each plot
constexpr double kPanelTitleLine = 15;  // a line of a panel's title
constexpr double kPanelGap = 18;
constexpr double kLegendGap = 18;
constexpr double kLegendWidth = 250;
constexpr std::size_t kLegendChars = 30;  // per line at 12 px (about 7 px a character)
constexpr double kLineHeight = 15;

struct Geometry {
  std::size_t columns = 1;
  std::size_t rows = 1;
  double plot_w = 460;
  double plot_h = 286;
  double title_h = 0;  // above each plot: its title's lines
  double width = 0;
  double height = 0;

  // Characters of a panel title's line.
  // (13 px bold sans-serif: about 7.6 px a character on average.)
  std::size_t title_chars() const { return static_cast<std::size_t>(plot_w / 7.6); }
  double plot_left(std::size_t panel) const {
    return kYLabelWidth + kTickLabelWidth + static_cast<double>(panel % columns) * (plot_w + kTickLabelWidth + kPanelGap);
  }
  double plot_top(std::size_t panel) const {
    return kTitleHeight + title_h + static_cast<double>(panel / columns) * (plot_h + kTickLabelHeight + kPanelGap + title_h);
  }
  double grid_right() const {
    return kYLabelWidth + static_cast<double>(columns) * (plot_w + kTickLabelWidth) +
           static_cast<double>(columns - 1) * kPanelGap;
  }
  double grid_bottom() const {
    return kTitleHeight + static_cast<double>(rows) * (plot_h + kTickLabelHeight + title_h) +
           static_cast<double>(rows - 1) * kPanelGap;
  }
};

// The grid for `titles.size()` panels in `columns` columns (0: two up to
// four panels, else three), with room above each plot for the longest title.
Geometry geometry(const std::vector<std::string>& titles, std::size_t columns, double legend_height) {
  Geometry g;
  const std::size_t panels = titles.size();
  if (panels > 1) {
    g.columns = columns > 0 ? std::min(columns, panels) : (panels <= 4 ? 2 : 3);
    g.rows = (panels + g.columns - 1) / g.columns;
    g.plot_w = g.columns <= 2 ? 300 : g.columns == 3 ? 240 : 200;
    g.plot_h = 190;
    std::size_t lines = 1;
    for (const std::string& t : titles) lines = std::max(lines, wrap_text(t, g.title_chars()).size());
    g.title_h = 8 + kPanelTitleLine * static_cast<double>(lines);
  }
  g.width = g.grid_right() + kLegendGap + kLegendWidth;
  g.height = std::max(g.grid_bottom() + kXLabelHeight, kTitleHeight + legend_height + 10);
  return g;
}

void panel_title(std::string& out, const Geometry& g, std::size_t panel, const std::string& title,
                 const std::string& color) {
  if (g.title_h == 0) return;
  const std::vector<std::string> lines = wrap_text(title, g.title_chars());
  const double x = g.plot_left(panel) + g.plot_w / 2;
  double y = g.plot_top(panel) - g.title_h + kPanelTitleLine;
  for (const std::string& line : lines) {
    out += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"middle\" font-size=\"13\"" +
           (color.empty() ? "" : " fill=\"" + color + "\" font-weight=\"bold\"") + ">" + xml_escape(line) +
           "</text>\n";
    y += kPanelTitleLine;
  }
}

// Colours for series without one: the model colours' palette (charts.cc
// assigns the models theirs).
constexpr std::array<const char*, 10> kPalette{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                               "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string color_of(const Style& s, std::size_t i) { return s.color.empty() ? kPalette[i % kPalette.size()] : s.color; }

double pow10(int k) {
  double p = 1;
  for (int i = 0; i < k; ++i) p *= 10;
  for (int i = 0; i > k; --i) p /= 10;
  return p;
}

// The k with 10^k <= v < 10^(k+1), by comparisons with exact powers rather
// than a logarithm that might land just below an integer.
int decade(double v) {
  int k = 0;
  while (k < 300 && pow10(k + 1) <= v) ++k;
  while (k > -300 && pow10(k) > v) --k;
  return k;
}

double log10_portable(double v) { return sim::detail::portable_log(v) / sim::detail::portable_log(10.0); }

// Decimals a tick label needs to tell ticks `step` apart.
int decimals_for(double step) {
  const int k = decade(step);
  // 2.5-style steps do not occur (1, 2, 5 only), so one decade is enough.
  return k >= 0 ? 0 : std::min(9, -k);
}

struct Axis {
  AxisScale scale = AxisScale::kLinear;
  double lo = 0;
  double hi = 1;
  std::vector<double> ticks;
  int decimals = 0;

  // Position in [0, 1] along the axis.
  double at(double v) const {
    if (scale == AxisScale::kLog) {
      const double a = log10_portable(lo);
      const double b = log10_portable(hi);
      return b > a ? (log10_portable(std::max(v, lo)) - a) / (b - a) : 0.5;
    }
    return hi > lo ? (v - lo) / (hi - lo) : 0.5;
  }

  // A tick's label: on a log axis each tick shows the digits it needs
  // (0.02, 0.5, 1, 20), on a linear one all share the step's decimals.
  std::string label(double t) const {
    if (scale == AxisScale::kLog) {
      const int k = decade(t);
      return fixed_decimal(t, k < 0 ? std::min(9, -k) : 0);
    }
    return fixed_decimal(t, decimals);
  }
};

// About five ticks at 1, 2 or 5 times a power of ten, covering [lo, hi].
Axis linear_axis(double lo, double hi, bool from_zero) {
  Axis a;
  if (from_zero && lo > 0) lo = 0;
  if (hi <= lo) hi = lo + (lo == 0 ? 1 : std::fabs(lo));
  const double raw = (hi - lo) / 5;
  const double mag = pow10(decade(raw));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  a.lo = std::floor(lo / step) * step;
  a.hi = std::ceil(hi / step) * step;
  if (a.hi <= a.lo) a.hi = a.lo + step;
  const auto n = static_cast<int>(std::llround((a.hi - a.lo) / step));
  for (int i = 0; i <= n; ++i) a.ticks.push_back(a.lo + step * i);
  a.decimals = decimals_for(step);
  return a;
}

// From the 1-2-5 value at or below lo to the one at or above hi; ticks at
// every decade, and at 2 and 5 too when the data span two decades or less,
// so that a short log axis still has a few labels.
Axis log_axis(double lo, double hi) {
  Axis a;
  a.scale = AxisScale::kLog;
  std::vector<double> steps;
  for (int k = decade(lo) - 1; k <= decade(hi) + 1; ++k) {
    for (double m : {1.0, 2.0, 5.0}) steps.push_back(m * pow10(k));
  }
  a.lo = steps.front();
  for (double s : steps) {
    if (s <= lo) a.lo = s;
  }
  a.hi = steps.back();
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if (*it >= hi) a.hi = *it;
  }
  if (a.hi <= a.lo) a.hi = a.lo * 10;
  const bool fine = a.hi <= a.lo * 100;
  for (double s : steps) {
    if (s < a.lo || s > a.hi) continue;
    if (fine || pow10(decade(s)) == s) a.ticks.push_back(s);
  }
  return a;
}

std::string dash_attr(Dash d) {
  switch (d) {
    case Dash::kSolid: return "";
    case Dash::kDashed: return " stroke-dasharray=\"7 4\"";
    case Dash::kDotted: return " stroke-dasharray=\"2 3\"";
    case Dash::kDashDot: return " stroke-dasharray=\"8 3 2 3\"";
  }
  return "";
}

void marker(std::string& out, Marker m, double x, double y, const std::string& color) {
  const std::string cx = num(x);
  const std::string cy = num(y);
  switch (m) {
    case Marker::kNone:
      return;
    case Marker::kCircle:
      out += "<circle cx=\"" + cx + "\" cy=\"" + cy + "\" r=\"3.5\" fill=\"" + color + "\"/>\n";
      return;
    case Marker::kSquare:
      out += "<rect x=\"" + num(x - 3.5) + "\" y=\"" + num(y - 3.5) + "\" width=\"7\" height=\"7\" fill=\"" + color +
             "\"/>\n";
      return;
    case Marker::kTriangle:
      out += "<polygon points=\"" + num(x) + "," + num(y - 4.5) + " " + num(x - 4.5) + "," + num(y + 3.5) + " " +
             num(x + 4.5) + "," + num(y + 3.5) + "\" fill=\"" + color + "\"/>\n";
      return;
    case Marker::kDiamond:
      out += "<polygon points=\"" + num(x) + "," + num(y - 5) + " " + num(x + 4.5) + "," + cy + " " + num(x) + "," +
             num(y + 5) + " " + num(x - 4.5) + "," + cy + "\" fill=\"" + color + "\"/>\n";
      return;
    case Marker::kCross:
      out += "<path d=\"M" + num(x - 4) + " " + num(y - 4) + "L" + num(x + 4) + " " + num(y + 4) + "M" + num(x - 4) +
             " " + num(y + 4) + "L" + num(x + 4) + " " + num(y - 4) + "\" stroke=\"" + color +
             "\" stroke-width=\"2\"/>\n";
      return;
  }
}

void text(std::string& out, double x, double y, const std::string& s, const char* anchor, int size = 12) {
  out += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"" + (std::string(anchor) == "start" ? "" : " text-anchor=\"" + std::string(anchor) + "\"") +
         (size != 12 ? " font-size=\"" + std::to_string(size) + "\"" : "") + ">" + xml_escape(s) + "</text>\n";
}

double legend_height(const std::vector<LegendGroup>& legend) {
  double h = 0;
  for (const LegendGroup& g : legend) {
    if (!g.title.empty()) h += kLineHeight + 2;
    for (const LegendEntry& e : g.entries) h += kLineHeight * static_cast<double>(wrap_text(e.label, kLegendChars).size()) + 5;
    h += 8;
  }
  return h;
}

void draw_legend(std::string& out, const Geometry& g, const std::vector<LegendGroup>& legend) {
  const double x = g.grid_right() + kLegendGap;
  double y = kTitleHeight + 4;
  for (const LegendGroup& group : legend) {
    if (!group.title.empty()) {
      out += "<text x=\"" + num(x) + "\" y=\"" + num(y + 11) + "\" font-weight=\"bold\">" + xml_escape(group.title) +
             "</text>\n";
      y += kLineHeight + 2;
    }
    for (std::size_t i = 0; i < group.entries.size(); ++i) {
      const LegendEntry& e = group.entries[i];
      const std::string color = color_of(e.style, i);
      const double mid = y + 7;
      if (e.box) {
        out += "<rect x=\"" + num(x) + "\" y=\"" + num(mid - 6) + "\" width=\"22\" height=\"12\" fill=\"" + color +
               "\" stroke=\"#666666\" stroke-width=\"0.5\"/>\n";
      } else {
        out += "<line x1=\"" + num(x) + "\" y1=\"" + num(mid) + "\" x2=\"" + num(x + 22) + "\" y2=\"" + num(mid) +
               "\" stroke=\"" + color + "\" stroke-width=\"" + num(e.style.width) + "\"" + dash_attr(e.style.dash) +
               "/>\n";
        marker(out, e.style.marker, x + 11, mid, color);
      }
      const std::vector<std::string> lines = wrap_text(e.label, kLegendChars);
      for (std::size_t k = 0; k < lines.size(); ++k) {
        text(out, x + 30, y + 11 + kLineHeight * static_cast<double>(k), lines[k], "start");
      }
      y += kLineHeight * static_cast<double>(lines.size()) + 5;
    }
    y += 8;
  }
}

void header(std::string& out, const Geometry& g, const std::string& title, const std::string& x_label,
            const std::string& y_label) {
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(g.width) + "\" height=\"" + num(g.height) +
         "\" viewBox=\"0 0 " + num(g.width) + " " + num(g.height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  out += "<rect x=\"0\" y=\"0\" width=\"" + num(g.width) + "\" height=\"" + num(g.height) + "\" fill=\"#ffffff\"/>\n";
  const double center = (kYLabelWidth + g.grid_right()) / 2;
  text(out, center, 26, title, "middle", 15);
  text(out, center, g.grid_bottom() + 20, x_label, "middle");
  const std::string cy = num((kTitleHeight + g.grid_bottom()) / 2);
  out += "<text x=\"16\" y=\"" + cy + "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " + cy + ")\">" +
         xml_escape(y_label) + "</text>\n";
}

void frame(std::string& out, double left, double top, double w, double h) {
  out += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
         "\" fill=\"none\" stroke=\"#000000\"/>\n";
}

void y_ticks(std::string& out, const Axis& y, double left, double top, double w, double h) {
  for (double t : y.ticks) {
    const double py = top + h - y.at(t) * h;
    out += "<line x1=\"" + num(left) + "\" y1=\"" + num(py) + "\" x2=\"" + num(left + w) + "\" y2=\"" + num(py) +
           "\" stroke=\"#dddddd\"/>\n";
    text(out, left - 6, py + 4, y.label(t), "end");
  }
}

void x_tick(std::string& out, double px, double bottom, const std::string& label) {
  out += "<line x1=\"" + num(px) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(px) + "\" y2=\"" + num(bottom + 5) +
         "\" stroke=\"#000000\"/>\n";
  if (!label.empty()) text(out, px, bottom + 18, label, "middle");
}

// Every how many categories a label fits: labels of about 7 px a character
// with a gap, in slots of `slot` px. The others keep their tick, unlabelled.
std::size_t label_step(const std::vector<std::string>& categories, double slot) {
  std::size_t widest = 0;
  for (const std::string& c : categories) widest = std::max(widest, c.size());
  const double need = 7.0 * static_cast<double>(widest) + 8;
  std::size_t step = 1;
  while (slot * static_cast<double>(step) < need && step < categories.size()) ++step;
  return step;
}

bool showable(double x, double y, bool log_x, bool log_y) {
  return std::isfinite(x) && std::isfinite(y) && !(log_x && x <= 0) && !(log_y && y <= 0);
}

// One entry per distinct series name, in order of appearance.
std::vector<LegendGroup> default_legend(const std::vector<ChartPanel>& panels) {
  LegendGroup g;
  std::size_t index = 0;
  for (const ChartPanel& p : panels) {
    for (std::size_t i = 0; i < p.series.size(); ++i, ++index) {
      const ChartSeries& s = p.series[i];
      const bool seen = std::any_of(g.entries.begin(), g.entries.end(), [&](const LegendEntry& e) { return e.label == s.name; });
      if (seen) continue;
      Style st = s.style;
      st.color = color_of(s.style, i);
      if (s.dashed) st.dash = Dash::kDashed;
      g.entries.push_back(LegendEntry{s.name, st, false});
    }
  }
  (void)index;
  return {g};
}

}  // namespace

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 allows no control characters but tab and line breaks.
        out += c < 0x20 || c == 0x7f ? ' ' : static_cast<char>(c);
    }
  }
  return out;
}

std::string fixed_decimal(double v, int decimals) {
  decimals = std::clamp(decimals, 0, 9);
  std::int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  double scaled = v * static_cast<double>(scale);
  // Far beyond any chart's figures; keeps llround defined.
  scaled = std::clamp(scaled, -4e18, 4e18);
  if (std::isnan(scaled)) scaled = 0;
  const std::int64_t r = std::llround(scaled);
  return fixed(r, scale, decimals);
}

std::vector<std::string> wrap_text(std::string_view s, std::size_t width) {
  std::vector<std::string> lines;
  if (width == 0) width = 1;
  // Characters, not bytes: a UTF-8 continuation byte does not count.
  auto chars = [](std::string_view t) {
    std::size_t n = 0;
    for (unsigned char c : t) n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
  };
  std::string line;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::size_t end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    std::string_view word = s.substr(pos, end - pos);
    pos = end + 1;
    while (chars(word) > width) {
      // A word longer than a line: cut it at a character boundary.
      if (!line.empty()) {
        lines.push_back(line);
        line.clear();
      }
      std::size_t cut = 0;
      for (std::size_t n = 0; cut < word.size() && n < width; ++n) {
        ++cut;
        while (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) ++cut;
      }
      lines.emplace_back(word.substr(0, cut));
      word = word.substr(cut);
    }
    if (word.empty()) continue;
    if (!line.empty() && chars(line) + 1 + chars(word) > width) {
      lines.push_back(line);
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::string render_line_chart(const LineChart& chart) {
  std::vector<ChartPanel> panels = chart.panels;
  if (panels.empty()) panels.push_back(ChartPanel{"", chart.series, ""});
  const bool categorical = !chart.categories.empty();
  const bool log_x = !categorical && chart.x_scale == AxisScale::kLog;
  const bool log_y = chart.y_scale == AxisScale::kLog;
  // The data's extent over every panel (error bars included), leaving out
  // what a log axis cannot show.
  bool any = false;
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  auto extend = [&](double x, double y) {
    if (!showable(x, y, log_x, log_y)) return;
    if (!any) {
      x0 = x1 = x;
      y0 = y1 = y;
      any = true;
    }
    x0 = std::min(x0, x);
    x1 = std::max(x1, x);
    y0 = std::min(y0, y);
    y1 = std::max(y1, y);
  };
  for (const ChartPanel& p : panels) {
    for (const ChartSeries& s : p.series) {
      for (std::size_t i = 0; i < s.points.size(); ++i) {
        extend(s.points[i].first, s.points[i].second);
        if (i < s.errors.size()) {
          extend(s.points[i].first, s.errors[i].first);
          extend(s.points[i].first, s.errors[i].second);
        }
      }
    }
  }
  if (!any) {
    x0 = log_x ? 1 : 0;
    x1 = log_x ? 10 : 1;
    y0 = log_y ? 1 : 0;
    y1 = log_y ? 10 : 1;
  }
  Axis xa;
  if (categorical) {
    xa.lo = -0.5;
    xa.hi = static_cast<double>(chart.categories.size()) - 0.5;
  } else if (log_x) {
    xa = log_axis(x0, x1);
  } else {
    xa = linear_axis(x0, x1, false);
  }
  const Axis ya = log_y ? log_axis(y0, y1) : linear_axis(std::min(y0, 0.0), y1, true);

  const std::vector<LegendGroup> legend = chart.legend.empty() ? default_legend(panels) : chart.legend;
  std::vector<std::string> titles;
  for (const ChartPanel& p : panels) titles.push_back(p.title);
  const Geometry g = geometry(titles, chart.columns, legend_height(legend));
  std::string out;
  header(out, g, chart.title, chart.x_label + (log_x ? " (log scale)" : ""),
         chart.y_label + (log_y ? " (log scale)" : ""));
  for (std::size_t pi = 0; pi < panels.size(); ++pi) {
    const ChartPanel& panel = panels[pi];
    const double left = g.plot_left(pi);
    const double top = g.plot_top(pi);
    auto px = [&](double x) { return left + xa.at(x) * g.plot_w; };
    auto py = [&](double y) { return top + g.plot_h - ya.at(y) * g.plot_h; };
    panel_title(out, g, pi, panel.title, panel.title_color);
    y_ticks(out, ya, left, top, g.plot_w, g.plot_h);
    if (categorical) {
      const std::size_t step =
          label_step(chart.categories, g.plot_w / static_cast<double>(std::max<std::size_t>(1, chart.categories.size())));
      for (std::size_t i = 0; i < chart.categories.size(); ++i) {
        x_tick(out, px(static_cast<double>(i)), top + g.plot_h, i % step == 0 ? chart.categories[i] : "");
      }
    } else {
      for (double t : xa.ticks) x_tick(out, px(t), top + g.plot_h, xa.label(t));
    }
    frame(out, left, top, g.plot_w, g.plot_h);
    for (std::size_t i = 0; i < panel.series.size(); ++i) {
      const ChartSeries& s = panel.series[i];
      const std::string color = color_of(s.style, i);
      const Dash dash = s.dashed ? Dash::kDashed : s.style.dash;
      // Points in x order, with their error bars.
      std::vector<std::size_t> order;
      for (std::size_t k = 0; k < s.points.size(); ++k) {
        if (showable(s.points[k].first, s.points[k].second, log_x, log_y)) order.push_back(k);
      }
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return s.points[a].first < s.points[b].first; });
      std::string coords;
      for (std::size_t k : order) {
        if (!coords.empty()) coords += ' ';
        coords += num(px(s.points[k].first));
        coords += ',';
        coords += num(py(s.points[k].second));
      }
      if (order.size() > 1) {
        out += "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"" + num(s.style.width) + "\"" +
               dash_attr(dash) + " points=\"" + coords + "\"/>\n";
      }
      for (std::size_t k : order) {
        if (k < s.errors.size()) {
          const double x = px(s.points[k].first);
          const double lo = py(log_y ? std::max(s.errors[k].first, ya.lo) : s.errors[k].first);
          const double hi = py(s.errors[k].second);
          out += "<path d=\"M" + num(x) + " " + num(lo) + "V" + num(hi) + "M" + num(x - 4) + " " + num(lo) + "H" +
                 num(x + 4) + "M" + num(x - 4) + " " + num(hi) + "H" + num(x + 4) + "\" stroke=\"" + color +
                 "\" stroke-width=\"1.5\" fill=\"none\"/>\n";
        }
        marker(out, s.style.marker, px(s.points[k].first), py(s.points[k].second), color);
      }
    }
  }
  draw_legend(out, g, legend);
  out += "</svg>\n";
  return out;
}

std::string render_stacked_bars(const StackedBarChart& chart) {
  std::vector<BarPanel> panels = chart.panels;
  if (panels.empty()) panels.push_back(BarPanel{"", chart.values, ""});
  double top_value = 0;
  for (const BarPanel& p : panels) {
    for (const auto& bar : p.values) {
      double sum = 0;
      for (double v : bar) sum += std::max(0.0, v);
      top_value = std::max(top_value, sum);
    }
  }
  // Shares of a whole end at 100 %, not at the next tick past a rounding.
  const Axis ya = linear_axis(0, chart.y_max > 0 ? chart.y_max : (top_value > 0 ? top_value : 1), true);
  auto layer_color = [&](std::size_t l) {
    return l < chart.layer_colors.size() && !chart.layer_colors[l].empty() ? chart.layer_colors[l]
                                                                            : std::string(kPalette[l % kPalette.size()]);
  };
  LegendGroup lg;
  // Top layer first, as the bars stack.
  for (std::size_t l = chart.layers.size(); l-- > 0;) {
    lg.entries.push_back(LegendEntry{chart.layers[l], Style{layer_color(l), Dash::kSolid, Marker::kNone, 2}, true});
  }
  const std::vector<LegendGroup> legend{lg};
  std::vector<std::string> titles;
  for (const BarPanel& p : panels) titles.push_back(p.title);
  const Geometry g = geometry(titles, chart.columns, legend_height(legend));
  const std::size_t n = chart.categories.size();
  const double slot = n > 0 ? g.plot_w / static_cast<double>(n) : g.plot_w;
  const std::size_t step = label_step(chart.categories, slot);
  std::string out;
  header(out, g, chart.title, chart.x_label, chart.y_label);
  for (std::size_t pi = 0; pi < panels.size(); ++pi) {
    const BarPanel& panel = panels[pi];
    const double left = g.plot_left(pi);
    const double top = g.plot_top(pi);
    panel_title(out, g, pi, panel.title, panel.title_color);
    y_ticks(out, ya, left, top, g.plot_w, g.plot_h);
    for (std::size_t c = 0; c < n; ++c) {
      const double x = left + slot * (static_cast<double>(c) + 0.2);
      double base = 0;
      for (std::size_t l = 0; l < chart.layers.size(); ++l) {
        double v = c < panel.values.size() && l < panel.values[c].size() ? std::max(0.0, panel.values[c][l]) : 0;
        if (chart.y_max > 0) v = std::min(v, chart.y_max - base);
        const double y_hi = top + g.plot_h - ya.at(base + v) * g.plot_h;
        const double y_lo = top + g.plot_h - ya.at(base) * g.plot_h;
        if (v > 0) {
          out += "<rect x=\"" + num(x) + "\" y=\"" + num(y_hi) + "\" width=\"" + num(slot * 0.6) + "\" height=\"" +
                 num(y_lo - y_hi) + "\" fill=\"" + layer_color(l) + "\"/>\n";
        }
        base += v;
      }
      x_tick(out, left + slot * (static_cast<double>(c) + 0.5), top + g.plot_h, c % step == 0 ? chart.categories[c] : "");
    }
    frame(out, left, top, g.plot_w, g.plot_h);
  }
  draw_legend(out, g, legend);
  out += "</svg>\n";
  return out;
}

}  // namespace concsim::report
