#include "app/sweep/charts.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "app/report/svg.h"
#include "app/sweep/decimal.h"

namespace concsim::sweep {
namespace {

enum class Unit { kCount, kRate, kDuration, kBytes };

struct LineSpec {
  const char* file;
  const char* title;
  const char* y_label;
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

std::optional<double> summed(const PointResult& r, const std::vector<std::string>& columns) {
  double sum = 0;
  for (const std::string& c : columns) {
    const std::optional<double> v = column_value(r, c);
    if (!v) return std::nullopt;
    sum += *v;
  }
  return sum;
}

std::string x_label(const Layout& l) { return l.x.key.empty() ? "(nothing varied)" : l.x.key; }

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

Chart line_chart(const Definition& d, const Layout& l, const LineSpec& spec, const std::string& units) {
  // Values in the column's own unit first, to choose the display unit.
  std::vector<std::vector<std::pair<std::size_t, double>>> raw(l.series.size());
  std::vector<double> all;
  for (std::size_t s = 0; s < l.series.size(); ++s) {
    for (const SeriesPoint& p : l.series[s].points) {
      const std::optional<double> v = summed(*l.results[p.point], spec.columns);
      if (!v) continue;
      raw[s].emplace_back(p.x, *v);
      all.push_back(*v);
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
  chart.title = spec.title;
  chart.y_label = std::string(spec.y_label) + (scale.name.empty() ? "" : " (" + scale.name + ")");
  set_x_axis(chart, l);
  for (std::size_t s = 0; s < l.series.size(); ++s) {
    report::ChartSeries series;
    series.name = l.series[s].name;
    for (const auto& [x, v] : raw[s]) series.points.emplace_back(l.x.positions[x], v / scale.divisor);
    chart.series.push_back(std::move(series));
  }
  if (!published.empty()) {
    report::ChartSeries series;
    series.name = "published: " + d.published->source;
    series.dashed = true;
    for (const auto& [x, v] : published) series.points.emplace_back(l.x.positions[x], v / scale.divisor);
    chart.series.push_back(std::move(series));
  }
  chart.y_scale = log ? report::AxisScale::kLog : report::AxisScale::kLinear;
  return Chart{spec.file, spec.title, report::render_line_chart(chart)};
}

Chart cpu_chart(const Layout& l, std::size_t s) {
  report::StackedBarChart chart;
  chart.title = "CPU split: " + l.series[s].name;
  chart.x_label = x_label(l);
  chart.y_label = "share of core time (%)";
  chart.layers = {"useful", "system", "switching", "swapping", "idle"};
  for (const SeriesPoint& p : l.series[s].points) {
    const Figures& f = l.figures[p.point];
    const std::int64_t total = core_time(f);
    chart.categories.push_back(l.x.values[p.x]);
    std::vector<double> shares;
    for (std::int64_t part : {f.useful_ns, f.system_ns, f.switch_ns, f.swap_ns, f.idle_ns}) {
      shares.push_back(total > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(total) : 0.0);
    }
    chart.values.push_back(std::move(shares));
  }
  return Chart{"cpu_" + std::to_string(s + 1) + ".svg", chart.title, report::render_stacked_bars(chart)};
}

}  // namespace

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
  for (std::size_t s = 0; s < l.series.size(); ++s) charts.push_back(cpu_chart(l, s));
  if (d.published && chart_of_metric(d.published->metric) == nullptr && d.published->key == l.x.key) {
    const std::string& m = d.published->metric;
    const std::string title = "Published and measured " + m;
    const LineSpec spec{"published.svg", title.c_str(), m.c_str(), unit_of_column(m), {m}};
    charts.push_back(line_chart(d, l, spec, units));
  }
  return charts;
}

}  // namespace concsim::sweep
