#include "app/sweep/charts.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "app/report/svg.h"
#include "app/sweep/decimal.h"
#include "app/sweep/hash.h"

namespace concsim::sweep {
namespace {

enum class Unit { kCount, kRate, kDuration, kBytes };

struct LineSpec {
  std::string file;
  std::string title;
  std::string y_label;
  Unit unit;
  std::vector<std::string> columns;  // summed
};

Unit unit_of_column(const std::string& column) {
  auto ends = [&](const char* suffix) {
    const std::string s = suffix;
    return column.size() >= s.size() && column.compare(column.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("_ns")) return Unit::kDuration;
  if (ends("_bytes")) return Unit::kBytes;
  if (ends("_per_s")) return Unit::kRate;
  return Unit::kCount;
}

// The unit a chart's values are shown in, chosen by its largest value so
// that tick labels stay short: "ms" for latencies of a few milliseconds.
struct Scale {
  std::string name;
  double divisor = 1;
};

// `size` is the largest value on a linear axis, the geometric middle of
// the values on a log one (so that labels run from about 0.1 to 10000).
Scale scale_for(Unit unit, double size, const std::string& rate_unit) {
  if (unit == Unit::kDuration) {
    if (size >= 1e9) return {"s", 1e9};
    if (size >= 1e6) return {"ms", 1e6};
    if (size >= 1e3) return {"us", 1e3};
    return {"ns", 1};
  }
  if (unit == Unit::kBytes) {
    static constexpr std::array<const char*, 5> kNames{"B", "KiB", "MiB", "GiB", "TiB"};
    double d = 1;
    std::size_t i = 0;
    while (i + 1 < kNames.size() && size >= d * 1024) {
      d *= 1024;
      ++i;
    }
    return {kNames[i], d};
  }
  if (unit == Unit::kRate) return {rate_unit + "/s", 1};
  return {"", 1};
}

std::string rate_unit(const Layout& l) {
  std::string unit;
  for (const Figures& f : l.figures) {
    if (unit.empty()) unit = f.unit;
    if (unit != f.unit) return "tasks or requests";
  }
  return unit.empty() ? "tasks" : unit;
}

const char* chart_of_metric(const std::string& metric) {
  if (metric == "throughput_per_s") return "throughput.svg";
  if (metric == "latency_p50_ns") return "latency_p50.svg";
  if (metric == "latency_p99_ns") return "latency_p99.svg";
  if (metric == "peak_resident_bytes") return "memory_resident.svg";
  if (metric == "peak_reserved_bytes") return "memory_reserved.svg";
  return nullptr;
}

// A run's value of the summed columns; nullopt when one was not measured.
std::optional<double> summed(const PointResult& r, const std::vector<std::string>& columns) {
  double sum = 0;
  for (const std::string& c : columns) {
    const std::optional<double> v = column_value(r, c);
    if (!v) return std::nullopt;
    sum += *v;
  }
  return sum;
}

// The mean and interval of the summed columns over a group's runs.
Interval group_value(const Layout& l, std::size_t g, const std::vector<std::string>& columns) {
  std::vector<double> values;
  for (const PointResult* r : l.runs[g]) {
    if (const std::optional<double> v = summed(*r, columns)) values.push_back(*v);
  }
  return interval_of(values);
}

std::string x_label(const Layout& l) {
  if (l.x.key.empty()) return "(nothing varied)";
  return l.x.unit.empty() ? l.x.key : l.x.key + " (" + l.x.unit + ")";
}

// ---- how series look ----

// Dash patterns and markers for the values of the second varied key, in
// the order the values were given.
constexpr std::array<report::Dash, 4> kDashes{report::Dash::kSolid, report::Dash::kDashed, report::Dash::kDotted,
                                              report::Dash::kDashDot};
constexpr std::array<report::Marker, 5> kMarkers{report::Marker::kCircle, report::Marker::kSquare,
                                                 report::Marker::kTriangle, report::Marker::kDiamond,
                                                 report::Marker::kCross};
constexpr const char* kStyleGrey = "#444444";
constexpr const char* kPublishedGrey = "#7f7f7f";

report::Style second_key_style(std::size_t value_index) {
  report::Style s;
  s.color = kStyleGrey;
  s.dash = kDashes[value_index % kDashes.size()];
  s.marker = kMarkers[value_index % kMarkers.size()];
  return s;
}

std::size_t value_index(const Vary& v, const std::string& value) {
  for (std::size_t i = 0; i < v.values.size(); ++i) {
    if (v.values[i] == value) return i;
  }
  return 0;
}

// Line widths by the model's place among the sweep's models: the first
// drawn widest, so that models whose lines coincide all stay visible, each
// a band around the next.
double model_width(const Definition& d, const std::string& model) {
  const auto it = std::find(d.models.begin(), d.models.end(), model);
  const auto k = static_cast<double>(it - d.models.begin());
  const auto n = static_cast<double>(d.models.size());
  return 1.5 + 1.5 * std::max(0.0, n - 1 - k);
}

report::Style series_style(const Definition& d, const Series& s) {
  report::Style st;
  st.color = model_color(s.model);
  st.width = model_width(d, s.model);
  if (d.vary.size() >= 2 && !s.rest.empty()) {
    const report::Style k = second_key_style(value_index(d.vary[1], s.rest[0].second));
    st.dash = k.dash;
    st.marker = k.marker;
  }
  return st;
}

// "machine=seda-2001 seed=3": the panel of a series, from the varied keys
// after the second; "" for one panel.
std::string panel_of(const Series& s) {
  std::string out;
  for (std::size_t k = 1; k < s.rest.size(); ++k) {
    if (!out.empty()) out += ' ';
    out += s.rest[k].first + "=" + s.rest[k].second;
  }
  return out;
}

std::vector<std::string> panel_names(const Layout& l) {
  std::vector<std::string> names;
  for (const Series& s : l.series) {
    const std::string p = panel_of(s);
    if (std::find(names.begin(), names.end(), p) == names.end()) names.push_back(p);
  }
  return names;
}

std::vector<report::LegendGroup> line_legend(const Definition& d, const Layout& l, const std::string& published) {
  std::vector<report::LegendGroup> legend;
  report::LegendGroup models{"model", {}};
  for (const Series& s : l.series) {
    const bool seen = std::any_of(models.entries.begin(), models.entries.end(),
                                  [&](const report::LegendEntry& e) { return e.label == s.model; });
    if (!seen) {
      models.entries.push_back({s.model,
                                report::Style{model_color(s.model), report::Dash::kSolid, report::Marker::kCircle,
                                              model_width(d, s.model)},
                                false});
    }
  }
  legend.push_back(models);
  if (d.vary.size() >= 2) {
    report::LegendGroup second{d.vary[1].key, {}};
    for (std::size_t i = 0; i < d.vary[1].values.size(); ++i) {
      second.entries.push_back({d.vary[1].values[i], second_key_style(i), false});
    }
    legend.push_back(second);
  }
  if (!published.empty()) {
    legend.push_back(
        {"published", {{published, report::Style{kPublishedGrey, report::Dash::kDashed, report::Marker::kNone, 2}, false}}});
  }
  return legend;
}

void set_x_axis(report::LineChart& chart, const Layout& l) {
  chart.x_label = x_label(l);
  if (!l.x.numeric) chart.categories = l.x.values;
  chart.x_scale = l.x.log ? report::AxisScale::kLog : report::AxisScale::kLinear;
}

// A log y axis when every value is positive and they span two decades or
// more: an event loop's megabytes and a thread pool's gigabytes in one chart.
bool log_scale(const std::vector<double>& values) {
  if (values.empty()) return false;
  double lo = values[0];
  double hi = values[0];
  for (double v : values) {
    if (v <= 0) return false;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  return hi >= 100 * lo;
}

std::string chart_title(const std::string& title, const Layout& l) {
  if (l.replications <= 1) return title;
  return title + " (mean of " + std::to_string(l.replications) + " runs, 95 % intervals)";
}

Chart line_chart(const Definition& d, const Layout& l, const LineSpec& spec, const std::string& units) {
  // Values in the column's own unit first, to choose the display unit.
  struct Value {
    std::size_t x;
    Interval v;
  };
  std::vector<std::vector<Value>> raw(l.series.size());
  std::vector<double> all;
  for (std::size_t s = 0; s < l.series.size(); ++s) {
    for (const SeriesPoint& p : l.series[s].points) {
      const Interval v = group_value(l, p.point, spec.columns);
      if (!v.measured()) continue;  // unmeasured: off the chart
      raw[s].push_back(Value{p.x, v});
      all.push_back(v.mean);
    }
  }
  const bool published_here =
      d.published && d.published->key == l.x.key && !l.x.key.empty() && spec.columns.size() == 1 &&
      spec.columns[0] == d.published->metric;
  std::vector<std::pair<std::size_t, double>> published;
  if (published_here) {
    for (std::size_t x = 0; x < l.x.values.size(); ++x) {
      const std::optional<std::string> figure = published_at(*d.published, l.x.values[x]);
      const std::optional<Decimal> v = figure ? parse_decimal(*figure) : std::nullopt;
      if (!v) continue;
      published.emplace_back(x, to_double(*v));
      all.push_back(to_double(*v));
    }
  }
  const bool log = log_scale(all);
  double size = 0;
  if (log) {
    double lo = all[0];
    double hi = all[0];
    for (double v : all) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    size = std::sqrt(lo) * std::sqrt(hi);
  } else {
    for (double v : all) size = std::max(size, v);
  }
  const Scale scale = scale_for(spec.unit, size, units);
  report::LineChart chart;
  chart.title = chart_title(spec.title, l);
  chart.y_label = spec.y_label + (scale.name.empty() ? "" : " (" + scale.name + ")");
  set_x_axis(chart, l);
  const std::vector<std::string> panels = panel_names(l);
  for (const std::string& name : panels) chart.panels.push_back(report::ChartPanel{name, {}, ""});
  for (std::size_t s = 0; s < l.series.size(); ++s) {
    report::ChartSeries series;
    series.name = l.series[s].name;
    series.style = series_style(d, l.series[s]);
    for (const Value& v : raw[s]) {
      series.points.emplace_back(l.x.positions[v.x], v.v.mean / scale.divisor);
      series.errors.emplace_back(v.v.low / scale.divisor, v.v.high / scale.divisor);
    }
    if (l.replications <= 1) series.errors.clear();
    const std::size_t panel =
        static_cast<std::size_t>(std::find(panels.begin(), panels.end(), panel_of(l.series[s])) - panels.begin());
    chart.panels[panel].series.push_back(std::move(series));
  }
  std::string published_label;
  if (!published.empty()) {
    report::ChartSeries series;
    published_label = d.published->source;
    series.name = "published: " + d.published->source;
    series.style = report::Style{kPublishedGrey, report::Dash::kDashed, report::Marker::kNone, 2};
    for (const auto& [x, v] : published) series.points.emplace_back(l.x.positions[x], v / scale.divisor);
    for (report::ChartPanel& p : chart.panels) p.series.push_back(series);
  }
  chart.legend = line_legend(d, l, published_label);
  chart.y_scale = log ? report::AxisScale::kLog : report::AxisScale::kLinear;
  return Chart{spec.file, chart_title(spec.title, l), report::render_line_chart(chart)};
}

// Stacked bars of shares (percent) over the x values, a panel per series.
struct BarSpec {
  std::string file;
  std::string title;
  std::string y_label;
  std::vector<std::string> layers;
  std::vector<std::string> colors;
};

// A panel per series, in grid order: a row per combination of the other
// varied keys, a column per model, each panel titled in its model's colour.
template <class Shares>
Chart bar_chart(const Layout& l, const BarSpec& spec, const std::vector<std::size_t>& series, Shares shares) {
  report::StackedBarChart chart;
  chart.title = chart_title(spec.title, l);
  chart.x_label = x_label(l);
  chart.y_label = spec.y_label;
  chart.layers = spec.layers;
  chart.layer_colors = spec.colors;
  chart.categories = l.x.values;
  chart.y_max = 100;  // shares, in percent
  std::vector<std::string> models;
  for (std::size_t s : series) {
    if (std::find(models.begin(), models.end(), l.series[s].model) == models.end()) models.push_back(l.series[s].model);
    report::BarPanel panel;
    panel.title = l.series[s].name;
    panel.title_color = model_color(l.series[s].model);
    panel.values.assign(l.x.values.size(), std::vector<double>(spec.layers.size(), 0.0));
    for (const SeriesPoint& p : l.series[s].points) panel.values[p.x] = shares(l.figures[p.point]);
    chart.panels.push_back(std::move(panel));
  }
  if (chart.panels.size() == 1) {
    chart.title += ": " + chart.panels[0].title;
  } else if (chart.panels.size() > models.size()) {
    chart.columns = models.size();
  }
  return Chart{spec.file, chart.title, report::render_stacked_bars(chart)};
}

std::vector<double> percents(const std::vector<std::int64_t>& parts) {
  std::int64_t total = 0;
  for (std::int64_t p : parts) total += p;
  std::vector<double> out;
  for (std::int64_t p : parts) out.push_back(total > 0 ? 100.0 * static_cast<double>(p) / static_cast<double>(total) : 0.0);
  return out;
}

Chart cpu_chart(const Layout& l) {
  std::vector<std::size_t> all;
  for (std::size_t s = 0; s < l.series.size(); ++s) all.push_back(s);
  // Greys and earth tones: none of them is a model's colour.
  const BarSpec spec{"cpu.svg", "CPU split", "share of core time (%)",
                     {"useful", "system", "switching", "swapping", "idle"},
                     {"#3b3b3b", "#9c755f", "#b07aa1", "#edc948", "#dcdcdc"}};
  return bar_chart(l, spec, all, [](const Figures& f) {
    // Shares of core time, cores * end time; what the parts leave is idle.
    const std::int64_t total = core_time(f);
    std::vector<double> out;
    for (std::int64_t part : {f.useful_ns, f.system_ns, f.switch_ns, f.swap_ns, f.idle_ns}) {
      out.push_back(total > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(total) : 0.0);
    }
    return out;
  });
}

Chart loop_chart(const Layout& l, const std::vector<std::size_t>& loops) {
  const BarSpec spec{"loop.svg", "Event loop thread: busy, blocked, idle", "share of the loop thread's time (%)",
                     {"busy (callbacks and cpu steps)", "blocked (blocking calls: nothing else runs)",
                      "idle (waiting in select)"},
                     {"#3b3b3b", "#76b7b2", "#dcdcdc"}};
  return bar_chart(l, spec, loops, [](const Figures& f) {
    return percents({f.loop_busy_ns, f.loop_blocked_ns, f.loop_idle_ns});
  });
}

}  // namespace

std::string model_color(const std::string& model) {
  if (model == "async") return "#1f77b4";
  if (model == "threads") return "#d62728";
  if (model == "async+executor") return "#2ca02c";
  if (model == "pool") return "#ff7f0e";
  static constexpr std::array<const char*, 5> kOthers{"#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf"};
  return kOthers[fnv1a64(model) % kOthers.size()];
}

std::optional<double> column_value(const PointResult& r, const std::string& column) {
  for (std::size_t i = 0; i < r.row.columns.size() && i < r.row.cells.size(); ++i) {
    if (r.row.columns[i] != column) continue;
    const std::optional<Decimal> d = parse_decimal(r.row.cells[i]);
    if (!d) return std::nullopt;
    return to_double(*d);
  }
  return std::nullopt;
}

std::vector<Chart> make_charts(const Definition& d, const Layout& l) {
  const std::string units = rate_unit(l);
  const std::vector<LineSpec> specs{
      {"throughput.svg", "Throughput", "throughput", Unit::kRate, {"throughput_per_s"}},
      {"latency_p50.svg", "p50 latency", "p50 latency", Unit::kDuration, {"latency_p50_ns"}},
      {"latency_p99.svg", "p99 latency", "p99 latency", Unit::kDuration, {"latency_p99_ns"}},
      {"memory_resident.svg", "Peak resident memory", "peak resident memory", Unit::kBytes, {"peak_resident_bytes"}},
      {"memory_reserved.svg", "Peak reserved memory", "peak reserved memory", Unit::kBytes, {"peak_reserved_bytes"}},
      {"context_switches.svg", "Context switches", "voluntary + involuntary switches", Unit::kCount,
       {"voluntary_switches", "involuntary_switches"}},
  };
  std::vector<Chart> charts;
  for (const LineSpec& spec : specs) charts.push_back(line_chart(d, l, spec, units));
  charts.push_back(cpu_chart(l));
  std::vector<std::size_t> loops;
  for (std::size_t s = 0; s < l.series.size(); ++s) {
    const bool loop = std::any_of(l.series[s].points.begin(), l.series[s].points.end(),
                                  [&](const SeriesPoint& p) { return l.figures[p.point].has_loop; });
    if (loop) loops.push_back(s);
  }
  if (!loops.empty()) charts.push_back(loop_chart(l, loops));
  if (d.published && chart_of_metric(d.published->metric) == nullptr && d.published->key == l.x.key) {
    const std::string& m = d.published->metric;
    const LineSpec spec{"published.svg", "Published and measured " + m, m, unit_of_column(m), {m}};
    charts.push_back(line_chart(d, l, spec, units));
  }
  return charts;
}

}  // namespace concsim::sweep
