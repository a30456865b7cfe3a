#include "app/report/svg.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "app/report/json.h"
#include "sim/detail/portable_math.h"

namespace concsim::report {
namespace {

// The canvas: a plot area with room for tick labels on the left and below,
// and a legend on the right.
constexpr double kWidth = 760;
constexpr double kHeight = 400;
constexpr double kLeft = 80;
constexpr double kRight = 540;
constexpr double kTop = 44;
constexpr double kBottom = 330;
constexpr double kLegendX = 556;
constexpr std::size_t kMaxLegendChars = 28;

constexpr std::array<const char*, 10> kPalette{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                               "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

const char* color(std::size_t i) { return kPalette[i % kPalette.size()]; }

std::string num(double v) { return fixed_decimal(v, 1); }

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
      return b > a ? (log10_portable(v) - a) / (b - a) : 0.5;
    }
    return hi > lo ? (v - lo) / (hi - lo) : 0.5;
  }

  // A tick's label: on a log axis each decade shows the digits it needs
  // (0.01, 0.1, 1, 10), on a linear one all share the step's decimals.
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

// Whole decades around the data; every decade is a tick.
Axis log_axis(double lo, double hi) {
  Axis a;
  a.scale = AxisScale::kLog;
  const int k0 = decade(lo);
  int k1 = decade(hi);
  if (pow10(k1) < hi) ++k1;
  if (k1 <= k0) k1 = k0 + 1;
  a.lo = pow10(k0);
  a.hi = pow10(k1);
  for (int k = k0; k <= k1; ++k) a.ticks.push_back(pow10(k));
  return a;
}

std::string legend_name(const std::string& name) {
  if (name.size() <= kMaxLegendChars) return name;
  // Cut at a UTF-8 character boundary.
  std::size_t cut = kMaxLegendChars - 3;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  return name.substr(0, cut) + "...";
}

void header(std::string& out, const std::string& title, const std::string& x_label, const std::string& y_label) {
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) + "\" height=\"" + num(kHeight) +
         "\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  out += "<rect x=\"0\" y=\"0\" width=\"" + num(kWidth) + "\" height=\"" + num(kHeight) + "\" fill=\"#ffffff\"/>\n";
  out += "<text x=\"" + num((kLeft + kRight) / 2) + "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">" +
         xml_escape(title) + "</text>\n";
  out += "<text x=\"" + num((kLeft + kRight) / 2) + "\" y=\"" + num(kHeight - 14) + "\" text-anchor=\"middle\">" +
         xml_escape(x_label) + "</text>\n";
  const std::string cy = num((kTop + kBottom) / 2);
  out += "<text x=\"18\" y=\"" + cy + "\" text-anchor=\"middle\" transform=\"rotate(-90 18 " + cy + ")\">" +
         xml_escape(y_label) + "</text>\n";
}

void frame(std::string& out) {
  out += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(kRight - kLeft) + "\" height=\"" +
         num(kBottom - kTop) + "\" fill=\"none\" stroke=\"#000000\"/>\n";
}

void y_ticks(std::string& out, const Axis& y) {
  for (double t : y.ticks) {
    const double py = kBottom - y.at(t) * (kBottom - kTop);
    out += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(py) + "\" x2=\"" + num(kRight) + "\" y2=\"" + num(py) +
           "\" stroke=\"#dddddd\"/>\n";
    out += "<text x=\"" + num(kLeft - 6) + "\" y=\"" + num(py + 4) + "\" text-anchor=\"end\">" +
           y.label(t) + "</text>\n";
  }
}

void x_tick(std::string& out, double px, const std::string& label) {
  out += "<line x1=\"" + num(px) + "\" y1=\"" + num(kBottom) + "\" x2=\"" + num(px) + "\" y2=\"" + num(kBottom + 5) +
         "\" stroke=\"#000000\"/>\n";
  out += "<text x=\"" + num(px) + "\" y=\"" + num(kBottom + 19) + "\" text-anchor=\"middle\">" + xml_escape(label) +
         "</text>\n";
}

void legend_entry(std::string& out, std::size_t i, const std::string& name, const char* fill, bool dashed,
                  bool box) {
  const double y = kTop + 8 + 20 * static_cast<double>(i);
  if (box) {
    out += "<rect x=\"" + num(kLegendX) + "\" y=\"" + num(y - 6) + "\" width=\"18\" height=\"12\" fill=\"" + fill +
           "\"/>\n";
  } else {
    out += "<line x1=\"" + num(kLegendX) + "\" y1=\"" + num(y) + "\" x2=\"" + num(kLegendX + 18) + "\" y2=\"" +
           num(y) + "\" stroke=\"" + fill + "\" stroke-width=\"2\"" + (dashed ? " stroke-dasharray=\"6 4\"" : "") +
           "/>\n";
  }
  out += "<text x=\"" + num(kLegendX + 24) + "\" y=\"" + num(y + 4) + "\">" + xml_escape(legend_name(name)) +
         "</text>\n";
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

std::string render_line_chart(const LineChart& chart) {
  const bool categorical = !chart.categories.empty();
  const bool log_x = !categorical && chart.x_scale == AxisScale::kLog;
  const bool log_y = chart.y_scale == AxisScale::kLog;
  // The data's extent, leaving out what a log axis cannot show.
  bool any = false;
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  for (const ChartSeries& s : chart.series) {
    for (const auto& [x, y] : s.points) {
      if ((log_x && x <= 0) || (log_y && y <= 0) || !std::isfinite(x) || !std::isfinite(y)) continue;
      if (!any) {
        x0 = x1 = x;
        y0 = y1 = y;
        any = true;
      }
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
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
  auto px = [&](double x) { return kLeft + xa.at(x) * (kRight - kLeft); };
  auto py = [&](double y) { return kBottom - ya.at(y) * (kBottom - kTop); };

  std::string out;
  header(out, chart.title, chart.x_label + (log_x ? " (log scale)" : ""),
         chart.y_label + (log_y ? " (log scale)" : ""));
  y_ticks(out, ya);
  if (categorical) {
    for (std::size_t i = 0; i < chart.categories.size(); ++i) x_tick(out, px(static_cast<double>(i)), chart.categories[i]);
  } else {
    for (double t : xa.ticks) x_tick(out, px(t), xa.label(t));
  }
  frame(out);
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    std::vector<std::pair<double, double>> pts;
    for (const auto& [x, y] : s.points) {
      if ((log_x && x <= 0) || (log_y && y <= 0) || !std::isfinite(x) || !std::isfinite(y)) continue;
      pts.emplace_back(x, y);
    }
    std::stable_sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string coords;
    for (const auto& [x, y] : pts) {
      if (!coords.empty()) coords += ' ';
      coords += num(px(x));
      coords += ',';
      coords += num(py(y));
    }
    if (pts.size() > 1) {
      out += "<polyline fill=\"none\" stroke=\"" + std::string(color(i)) + "\" stroke-width=\"2\"" +
             (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + " points=\"" + coords + "\"/>\n";
    }
    for (const auto& [x, y] : pts) {
      out += "<circle cx=\"" + num(px(x)) + "\" cy=\"" + num(py(y)) + "\" r=\"3\" fill=\"" + color(i) + "\"/>\n";
    }
    legend_entry(out, i, s.name, color(i), s.dashed, false);
  }
  out += "</svg>\n";
  return out;
}

std::string render_stacked_bars(const StackedBarChart& chart) {
  double top = 0;
  for (const auto& bar : chart.values) {
    double sum = 0;
    for (double v : bar) sum += std::max(0.0, v);
    top = std::max(top, sum);
  }
  const Axis ya = linear_axis(0, top > 0 ? top : 1, true);
  const std::size_t n = chart.categories.size();
  const double slot = n > 0 ? (kRight - kLeft) / static_cast<double>(n) : (kRight - kLeft);
  std::string out;
  header(out, chart.title, chart.x_label, chart.y_label);
  y_ticks(out, ya);
  for (std::size_t c = 0; c < n; ++c) {
    const double x = kLeft + slot * (static_cast<double>(c) + 0.2);
    double base = 0;
    for (std::size_t l = 0; l < chart.layers.size(); ++l) {
      const double v = c < chart.values.size() && l < chart.values[c].size() ? std::max(0.0, chart.values[c][l]) : 0;
      const double y_hi = kBottom - ya.at(base + v) * (kBottom - kTop);
      const double y_lo = kBottom - ya.at(base) * (kBottom - kTop);
      if (v > 0) {
        out += "<rect x=\"" + num(x) + "\" y=\"" + num(y_hi) + "\" width=\"" + num(slot * 0.6) + "\" height=\"" +
               num(y_lo - y_hi) + "\" fill=\"" + color(l) + "\"/>\n";
      }
      base += v;
    }
    x_tick(out, kLeft + slot * (static_cast<double>(c) + 0.5), chart.categories[c]);
  }
  frame(out);
  for (std::size_t l = 0; l < chart.layers.size(); ++l) legend_entry(out, l, chart.layers[l], color(l), false, true);
  out += "</svg>\n";
  return out;
}

}  // namespace concsim::report
