#include "app/sweep/summary.h"

#include <cmath>

#include "app/report/svg.h"
#include "app/sweep/decimal.h"
#include "app/sweep/escape.h"

namespace concsim::sweep {
namespace {

const SeriesPoint* at_x(const Series& s, std::size_t x) {
  for (const SeriesPoint& p : s.points) {
    if (p.x == x) return &p;
  }
  return nullptr;
}

std::string join(const std::vector<std::string>& parts, const std::string& last_sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? last_sep : "; ";
    out += parts[i];
  }
  return out;
}

std::string where(const Layout& l, std::size_t x) {
  const std::string t = x_text(l, x);
  return t.empty() ? std::string("With nothing varied, ") : "At " + markdown_escape(t) + ", ";
}

// "+20.00%" -> 20.00, for finding the largest gap.
std::optional<Decimal> magnitude(std::string change) {
  if (!change.empty() && (change[0] == '+' || change[0] == '-')) change.erase(0, 1);
  if (!change.empty() && change.back() == '%') change.pop_back();
  return parse_decimal(change);
}

}  // namespace

std::optional<SeriesPoint> first_limit(const Layout& l, const Series& s) {
  // x order is the order the values were given, which for a numeric key is
  // the order a reader expects; ties cannot occur (values are distinct).
  std::optional<SeriesPoint> first;
  for (const SeriesPoint& p : s.points) {
    if (!l.figures[p.point].limit) continue;
    if (!first || (l.x.numeric ? l.x.positions[p.x] < l.x.positions[first->x] : p.x < first->x)) first = p;
  }
  return first;
}

std::vector<std::string> summary(const Definition& d, const Layout& l) {
  std::vector<std::string> out;
  const std::size_t x = l.x.last;

  // What each series did at the largest value of the x key.
  std::vector<std::string> parts;
  for (const Series& s : l.series) {
    const SeriesPoint* p = at_x(s, x);
    if (p == nullptr) continue;
    const Figures& f = l.figures[p->point];
    const Interval tp = stat(l, p->point, "throughput_per_s");
    const Interval p99 = stat(l, p->point, "latency_p99_ns");
    const std::string throughput = tp.has_interval() ? plus_minus(tp, 1) : f.throughput;
    std::string latency = "no latency measured";
    if (f.latency_p99_ns) {
      latency = "a p99 latency of " + (p99.has_interval() ? plus_minus_duration(p99) : human_duration(*f.latency_p99_ns));
    }
    parts.push_back(markdown_escape(s.name) + " completed " + throughput + " " + markdown_escape(f.unit) +
                    "/s with " + latency + ", using " + human_size(f.peak_resident) + " resident and " +
                    human_size(f.peak_reserved) + " reserved memory, and spent " +
                    percent(f.switch_ns, core_time(f)) + " of core time switching context");
  }
  if (!parts.empty()) {
    std::string sentence = where(l, x) + join(parts, "; ") + ".";
    if (l.replications > 1) {
      sentence += " Each figure is the mean of " + std::to_string(l.replications) +
                  " runs, ± half its 95 % confidence interval.";
    }
    out.push_back(sentence);
  }

  // Ratios of every other series to the first, at the same point.
  if (l.series.size() > 1) {
    const SeriesPoint* base = at_x(l.series[0], x);
    std::vector<std::string> ratios;
    for (std::size_t i = 1; base != nullptr && i < l.series.size(); ++i) {
      const SeriesPoint* p = at_x(l.series[i], x);
      if (p == nullptr) continue;
      const Figures& a = l.figures[base->point];
      const Figures& b = l.figures[p->point];
      const std::string tp = times(b.throughput, a.throughput);
      const std::string lat = a.latency_p99_ns && b.latency_p99_ns
                                  ? times(std::to_string(*b.latency_p99_ns), std::to_string(*a.latency_p99_ns))
                                  : std::string();
      const std::string mem = times(std::to_string(b.peak_resident), std::to_string(a.peak_resident));
      std::vector<std::string> facts;
      if (!tp.empty()) facts.push_back("throughput " + tp + " times");
      if (!lat.empty()) facts.push_back("p99 latency " + lat + " times");
      if (!mem.empty()) facts.push_back("resident memory " + mem + " times");
      if (facts.empty()) continue;
      std::string f;
      for (std::size_t k = 0; k < facts.size(); ++k) {
        f += k == 0 ? "" : (k + 1 == facts.size() ? " and " : ", ");
        f += facts[k];
      }
      ratios.push_back(markdown_escape(l.series[i].name) + " had " + f + " those of " +
                       markdown_escape(l.series[0].name));
    }
    if (!ratios.empty()) out.push_back(where(l, x) + join(ratios, "; ") + ".");
  }

  // The first limit of the machine each series ran into.
  std::vector<std::string> limits;
  for (const Series& s : l.series) {
    const std::optional<SeriesPoint> p = first_limit(l, s);
    if (!p) {
      limits.push_back(markdown_escape(s.name) + " hit none at any point");
      continue;
    }
    const LimitFigures& lim = *l.figures[p->point].limit;
    const std::string at = x_text(l, p->x);
    limits.push_back(markdown_escape(s.name) + " hit " + markdown_escape(limit_words(lim.which)) + " first" +
                     (at.empty() ? "" : " at " + markdown_escape(at)) + ", " +
                     human_duration(lim.at_ns) + " into the run, with " + std::to_string(lim.threads) + " threads");
  }
  if (!limits.empty()) out.push_back("Limits of the machine: " + join(limits, "; ") + ".");

  // Runs that did not complete.
  std::vector<std::string> failed;
  std::size_t runs = 0;
  for (const auto& group : l.runs) {
    for (const PointResult* r : group) {
      ++runs;
      const std::string status = r->run.text_at("status");
      if (status != "completed") failed.push_back(markdown_escape(r->point.name) + " (" + markdown_escape(status) + ")");
    }
  }
  if (!failed.empty()) {
    out.push_back(std::to_string(failed.size()) + " of " + std::to_string(runs) +
                  (l.replications > 1 ? " runs" : " points") + " did not complete: " + join(failed, ", ") + ".");
  }

  // The largest gap to the published figures.
  if (d.published) {
    std::string worst;
    std::string worst_at;
    Decimal worst_gap{-1, 0};
    for (std::size_t i = 0; i < l.results.size(); ++i) {
      const PointResult& r = *l.results[i];
      std::string value;
      for (const auto& [k, v] : r.point.values) {
        if (k == d.published->key) value = v;
      }
      const std::optional<std::string> figure = published_at(*d.published, value);
      std::optional<Decimal> pub = figure ? parse_decimal(*figure) : std::nullopt;
      std::optional<Decimal> now;
      if (l.runs[i].size() == 1) {
        for (std::size_t c = 0; c < r.row.columns.size(); ++c) {
          if (r.row.columns[c] == d.published->metric) now = parse_decimal(r.row.cells[c]);
        }
      } else if (const Interval m = stat(l, i, d.published->metric); m.measured()) {
        now = parse_decimal(report::fixed_decimal(m.mean, 1));
      }
      if (!pub || !now || pub->mantissa == 0) continue;
      const std::string change = percent_change(*pub, *now);
      const std::optional<Decimal> gap = magnitude(change);
      if (gap && compare(*gap, worst_gap) > 0) {
        worst_gap = *gap;
        worst = change;
        worst_at = r.point.name;
      }
    }
    if (!worst.empty()) {
      out.push_back("Against the published figures (" + markdown_escape(d.published->source) + "), the measured " +
                    markdown_escape(d.published->metric) + " differs by at most " + worst + ", at " +
                    markdown_escape(worst_at) + ".");
    }
  }
  return out;
}

}  // namespace concsim::sweep
