#include "app/sweep/layout.h"

#include <algorithm>
#include <map>

#include "app/load/units.h"
#include "app/sweep/decimal.h"
#include "app/sweep/metric_row.h"

namespace concsim::sweep {
namespace {

// Durations ("5ms") as nanoseconds; nullopt for anything else.
std::optional<double> duration_ns(const std::string& value) {
  std::string error;
  const std::optional<sim::Duration> d = load::parse_duration(value, &error);
  if (!d) return std::nullopt;
  return static_cast<double>(*d);
}

void set_x_axis(const Definition& d, XAxis& x) {
  if (d.vary.empty()) {
    x.values = {""};
  } else {
    x.key = d.vary[0].key;
    x.values = d.vary[0].values;
  }
  // Numbers, or else durations: either way the values are placed by value.
  std::vector<double> numbers;
  bool numeric = !d.vary.empty();
  for (const std::string& v : x.values) {
    const std::optional<Decimal> dec = parse_decimal(v);
    if (!dec) {
      numeric = false;
      break;
    }
    numbers.push_back(to_double(*dec));
  }
  if (!numeric && !d.vary.empty()) {
    numbers.clear();
    numeric = true;
    for (const std::string& v : x.values) {
      const std::optional<double> ns = duration_ns(v);
      if (!ns) {
        numeric = false;
        break;
      }
      numbers.push_back(*ns);
    }
    if (numeric) {
      // The largest value chooses the unit, so that ticks read 1, 5, 20 (ms).
      const double top = *std::max_element(numbers.begin(), numbers.end());
      double divisor = 1;
      x.unit = "ns";
      for (const auto& [unit, scale] : {std::pair<const char*, double>{"s", 1e9}, {"ms", 1e6}, {"us", 1e3}}) {
        if (top >= scale) {
          x.unit = unit;
          divisor = scale;
          break;
        }
      }
      for (double& n : numbers) n /= divisor;
    }
  }
  x.numeric = numeric;
  if (x.numeric) {
    x.positions = numbers;
    double lo = numbers[0];
    double hi = numbers[0];
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      lo = std::min(lo, numbers[i]);
      hi = std::max(hi, numbers[i]);
      if (numbers[i] >= numbers[x.last]) x.last = i;
    }
    // More than a decade: equal ratios get equal room.
    x.log = lo > 0 && hi > 10 * lo;
  } else {
    for (std::size_t i = 0; i < x.values.size(); ++i) x.positions.push_back(static_cast<double>(i));
    x.last = x.values.size() - 1;
  }
}

std::map<std::string, Interval> stats_of(const std::vector<const PointResult*>& runs) {
  std::map<std::string, std::vector<double>> values;
  for (const PointResult* r : runs) {
    for (std::size_t c = 0; c < r->row.columns.size() && c < r->row.cells.size(); ++c) {
      const std::string& column = r->row.columns[c];
      if (is_identity_column(column) || is_text_column(column)) continue;
      std::vector<double>& v = values[column];
      // An empty cell was not measured: it adds nothing, not a zero.
      const std::optional<Decimal> d = parse_decimal(r->row.cells[c]);
      if (d) v.push_back(to_double(*d));
    }
  }
  std::map<std::string, Interval> out;
  for (const auto& [column, v] : values) out[column] = interval_of(v);
  return out;
}

}  // namespace

std::optional<double> numeric_value(const std::string& value) {
  if (const std::optional<Decimal> d = parse_decimal(value)) return to_double(*d);
  if (const std::optional<double> ns = duration_ns(value)) return *ns / 1e9;
  return std::nullopt;
}

Layout make_layout(const Definition& d, const std::vector<PointResult>& results) {
  Layout l;
  set_x_axis(d, l.x);
  l.replications = d.replications;

  // The runs of each group, in grid order: a group's replications are
  // consecutive, but a report may be built from fewer (never here: every
  // point has its file), so they are matched by group index.
  for (const PointResult& r : results) {
    const std::size_t g = r.point.group;
    if (g >= l.runs.size()) l.runs.resize(g + 1);
    l.runs[g].push_back(&r);
  }
  std::map<std::string, std::size_t> series_of;
  for (std::size_t g = 0; g < l.runs.size(); ++g) {
    if (l.runs[g].empty()) continue;
    const Point& p = l.runs[g][0]->point;
    const std::size_t i = l.results.size();
    l.results.push_back(l.runs[g][0]);
    l.figures.push_back(figures_of_group(l.runs[g]));
    l.stats.push_back(stats_of(l.runs[g]));
    std::string name = p.model;
    std::vector<std::pair<std::string, std::string>> rest;
    for (std::size_t k = 1; k < p.values.size(); ++k) {
      name += " " + p.values[k].first + "=" + p.values[k].second;
      rest.push_back(p.values[k]);
    }
    auto [it, fresh] = series_of.emplace(name, l.series.size());
    if (fresh) l.series.push_back(Series{name, p.model, rest, {}});
    std::size_t x = 0;
    if (!p.values.empty()) {
      for (std::size_t k = 0; k < l.x.values.size(); ++k) {
        if (l.x.values[k] == p.values[0].second) x = k;
      }
    }
    l.series[it->second].points.push_back(SeriesPoint{x, i});
  }
  // Groups with no run were skipped: keep `runs` parallel to the others.
  l.runs.erase(std::remove_if(l.runs.begin(), l.runs.end(), [](const auto& v) { return v.empty(); }), l.runs.end());
  return l;
}

std::string x_text(const Layout& l, std::size_t x) {
  return l.x.key.empty() ? std::string() : l.x.key + "=" + l.x.values[x];
}

Interval stat(const Layout& l, std::size_t g, const std::string& column) {
  if (g >= l.stats.size()) return Interval{};
  const auto it = l.stats[g].find(column);
  return it == l.stats[g].end() ? Interval{} : it->second;
}

}  // namespace concsim::sweep
