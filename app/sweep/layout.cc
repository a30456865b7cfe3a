#include "app/sweep/layout.h"

#include <map>

#include "app/sweep/decimal.h"

namespace concsim::sweep {

Layout make_layout(const Definition& d, const std::vector<PointResult>& results) {
  Layout l;
  if (d.vary.empty()) {
    l.x.values = {""};
  } else {
    l.x.key = d.vary[0].key;
    l.x.values = d.vary[0].values;
  }
  l.x.numeric = !d.vary.empty();
  std::vector<double> numbers;
  for (const std::string& v : l.x.values) {
    const std::optional<Decimal> dec = parse_decimal(v);
    if (!dec) {
      l.x.numeric = false;
      break;
    }
    numbers.push_back(to_double(*dec));
  }
  if (l.x.numeric) {
    l.x.positions = numbers;
    double lo = numbers[0];
    double hi = numbers[0];
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      if (numbers[i] < lo) lo = numbers[i];
      if (numbers[i] > hi) {
        hi = numbers[i];
      }
      if (numbers[i] >= numbers[l.x.last]) l.x.last = i;
    }
    l.x.log = lo > 0 && hi >= 100 * lo;
  } else {
    for (std::size_t i = 0; i < l.x.values.size(); ++i) l.x.positions.push_back(static_cast<double>(i));
    l.x.last = l.x.values.size() - 1;
  }

  std::map<std::string, std::size_t> series_of;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Point& p = results[i].point;
    l.results.push_back(&results[i]);
    l.figures.push_back(figures_of(results[i]));
    std::string name = p.model;
    for (std::size_t k = 1; k < p.values.size(); ++k) name += " " + p.values[k].first + "=" + p.values[k].second;
    auto [it, fresh] = series_of.emplace(name, l.series.size());
    if (fresh) l.series.push_back(Series{name, p.model, {}});
    std::size_t x = 0;
    if (!p.values.empty()) {
      for (std::size_t k = 0; k < l.x.values.size(); ++k) {
        if (l.x.values[k] == p.values[0].second) x = k;
      }
    }
    l.series[it->second].points.push_back(SeriesPoint{x, i});
  }
  return l;
}

std::string x_text(const Layout& l, std::size_t x) {
  return l.x.key.empty() ? std::string() : l.x.key + "=" + l.x.values[x];
}

}  // namespace concsim::sweep
