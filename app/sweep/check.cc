#include "app/sweep/check.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "app/load/machine.h"
#include "app/report/json.h"
#include "app/report/svg.h"
#include "app/sweep/decimal.h"
#include "app/sweep/definition.h"
#include "app/sweep/grid.h"
#include "app/sweep/interval.h"
#include "app/sweep/sweep.h"
#include "app/sweep/sweep_dir.h"

#ifndef CONCSIM_VERSION
#define CONCSIM_VERSION "0.0.0"
#endif

namespace concsim::sweep {
namespace {

// A replicated point against its baseline: each figure with an interval by
// whether the new mean lies in it; the rest by compare_metrics.
std::vector<Difference> compare_group(const BaselinePoint& base, const BaselinePoint& now,
                                      const std::vector<Tolerance>& tolerances) {
  std::vector<Difference> out;
  std::vector<std::pair<std::string, std::string>> exact_base;
  std::vector<std::pair<std::string, std::string>> exact_now;
  for (const auto& m : now.metrics) {
    if (base.intervals.count(m.first) == 0) exact_now.push_back(m);
  }
  for (const auto& [metric, was] : base.metrics) {
    const auto interval = base.intervals.find(metric);
    // A structured binding is not captured by clang 14: named here.
    const std::string& name = metric;
    const auto is = std::find_if(now.metrics.begin(), now.metrics.end(), [&](const auto& m) { return m.first == name; });
    if (interval == base.intervals.end() || is == now.metrics.end()) {
      exact_base.emplace_back(metric, was);
      continue;
    }
    if (is->second == was) continue;
    const std::optional<Decimal> lo = parse_decimal(interval->second.first);
    const std::optional<Decimal> hi = parse_decimal(interval->second.second);
    const std::optional<Decimal> a = parse_decimal(was);
    const std::optional<Decimal> b = parse_decimal(is->second);
    const Tolerance* t = tolerance_for(metric, tolerances);
    const std::int64_t ppm = t != nullptr ? t->ppm : 0;
    Difference d{metric, base.name, was, is->second, "", "", false};
    d.tolerance = "95% CI [" + interval->second.first + ", " + interval->second.second + "]" +
                  (ppm > 0 ? " + " + ppm_text(ppm) : "");
    if (a && b && compare(*a, *b) == 0) continue;  // "1.0" and "1.00"
    if (!lo || !hi || !a || !b) {
      d.change = "changed";
      d.over = true;
    } else {
      d.change = percent_change(*a, *b);
      Interval i;
      i.n = 2;
      i.mean = to_double(*a);
      i.low = to_double(*lo);
      i.high = to_double(*hi);
      d.over = !within(i, to_double(*b), ppm);
    }
    out.push_back(std::move(d));
  }
  // The rest, and any figure one side has and the other lacks.
  for (Difference& d : compare_metrics(base.name, exact_base, exact_now, tolerances)) out.push_back(std::move(d));
  return out;
}

std::string xml_attr(const std::string& s) { return report::xml_escape(s); }

}  // namespace

std::size_t CheckResult::beyond() const {
  return static_cast<std::size_t>(
      std::count_if(differences.begin(), differences.end(), [](const Difference& d) { return d.over; }));
}

std::vector<std::string> covered_metrics(const Baseline& b, const std::string& path) {
  std::vector<std::string> metrics;
  for (const BaselinePoint& p : b.points) {
    for (const auto& [m, v] : p.metrics) {
      if (std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
    }
  }
  const std::string again = "; the baseline does not cover its sweep (make it again with `concsim baseline DIR -o FILE`)";
  for (const BaselinePoint& p : b.points) {
    if (p.metrics.empty()) throw InputError(path + ": the point " + p.name + " has no metrics" + again);
    for (const std::string& m : metrics) {
      const bool has = std::any_of(p.metrics.begin(), p.metrics.end(), [&](const auto& x) { return x.first == m; });
      if (!has) throw InputError(path + ": the point " + p.name + " lacks the metric " + m + " that other points have" + again);
    }
  }
  return metrics;
}

CheckResult run_check(const Baseline& b, const std::string& path, const std::vector<Tolerance>& tolerances,
                      unsigned jobs, Progress& progress) {
  CheckResult r;
  r.baseline = path;
  r.metrics = covered_metrics(b, path);
  const Definition& d = b.sweep;
  const std::vector<Point> points = expand(d);
  const bool replicated = d.replications > 1;

  // What may explain a difference, said before the run.
  const std::optional<std::string> bytes = read_file(d.workload);
  if (bytes && workload_fingerprint(*bytes) != d.workload_hash) {
    r.notes.push_back(d.workload + " changed since the baseline (" + d.workload_hash + ", now " +
                      workload_fingerprint(*bytes) + ")");
  }
  if (d.version != CONCSIM_VERSION) {
    r.notes.push_back(std::string("the baseline was made by concsim ") + d.version + ", this is " + CONCSIM_VERSION);
  }
  if (b.machines.empty()) {
    r.notes.push_back("the baseline records no machine profiles (made by an older concsim): a changed profile "
                      "cannot be told apart from a changed model");
  }
  for (const BaselineMachine& m : b.machines) {
    const std::string now = load::machine_fingerprint(m.name);
    if (now.empty()) {
      r.notes.push_back("the machine profile " + m.name + " is not found now");
    } else if (!m.hash.empty() && now != m.hash) {
      r.notes.push_back("the machine profile " + m.name + " changed since the baseline (" + m.hash + ", now " + now +
                        ")");
    }
  }

  // The baseline's points, as its own definition expands: a run each, or a
  // group of runs each.
  std::vector<std::string> names;
  std::vector<std::uint64_t> seeds;
  for (const Point& p : points) {
    if (p.replication != 1) continue;
    names.push_back(replicated ? canonical_name(p.values, p.model) : p.name);
    seeds.push_back(p.seed);
  }
  if (names.size() != b.points.size()) {
    throw InputError(path + ": holds " + std::to_string(b.points.size()) + " points, its sweep has " +
                     std::to_string(names.size()));
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] != b.points[i].name) {
      throw InputError(path + ": point " + std::to_string(i + 1) + " is " + b.points[i].name + ", its sweep says " +
                       names[i]);
    }
    if (seeds[i] != b.points[i].seed) {
      r.notes.push_back(names[i] + " is seeded " + std::to_string(seeds[i]) + " now, " +
                        std::to_string(b.points[i].seed) + " in the baseline");
    }
  }
  r.points = names;

  const std::vector<MetricRow> rows = rerun_points(d, points, jobs, progress);
  if (!replicated) {
    for (std::size_t i = 0; i < points.size(); ++i) {
      const auto now = comparable(rows[i].columns, rows[i].cells);
      for (Difference& x : compare_metrics(points[i].name, b.points[i].metrics, now, tolerances)) {
        r.differences.push_back(std::move(x));
      }
    }
    return r;
  }
  std::vector<std::vector<std::string>> columns;
  std::vector<std::vector<std::string>> cells;
  for (std::size_t i = 0; i < points.size(); ++i) {
    columns.push_back(rows[i].columns);
    cells.push_back(rows[i].cells);
    if (points[i].replication != d.replications) continue;
    const std::size_t g = points[i].group;
    const BaselinePoint now = group_point(names[g], seeds[g], columns, cells);
    for (Difference& x : compare_group(b.points[g], now, tolerances)) r.differences.push_back(std::move(x));
    columns.clear();
    cells.clear();
  }
  return r;
}

void write_check_table(std::ostream& out, const CheckResult& r) {
  out << "concsim check: " << r.points.size() << " points, " << r.metrics.size() << " metrics each, against "
      << r.baseline << '\n';
  if (!r.differences.empty()) {
    std::vector<std::vector<std::string>> rows{{"metric", "point", "baseline", "now", "change", "tolerance", "verdict"}};
    for (const Difference& x : r.differences) {
      rows.push_back({x.metric, x.point, x.base, x.now, x.change, x.tolerance, x.over ? "BEYOND" : "within"});
    }
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
      widths.resize(std::max(widths.size(), row.size()), 0);
      for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    out << '\n';
    for (const auto& row : rows) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) line.append(widths[i] + 2 - row[i].size(), ' ');
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
    out << '\n';
  }
  if (r.passed()) {
    out << (r.differences.empty() ? "no differences\n" : "every difference is within its tolerance\n");
    return;
  }
  // The metrics in the order the writer has them, then any other.
  std::vector<std::string> over;
  for (const Difference& x : r.differences) {
    if (x.over && std::find(over.begin(), over.end(), x.metric) == over.end()) over.push_back(x.metric);
  }
  std::stable_sort(over.begin(), over.end(), [&](const std::string& a, const std::string& b) {
    const auto pa = std::find(r.metrics.begin(), r.metrics.end(), a) - r.metrics.begin();
    const auto pb = std::find(r.metrics.begin(), r.metrics.end(), b) - r.metrics.begin();
    return pa < pb;
  });
  std::string names;
  for (const std::string& m : over) names += (names.empty() ? "" : ", ") + m;
  out << r.beyond() << " differences beyond tolerance, in " << over.size() << " metrics: " << names << '\n';
}

void write_check_json(std::ostream& out, const CheckResult& r) {
  report::JsonWriter w(out);
  w.begin_object();
  w.field("baseline", r.baseline);
  w.field("passed", r.passed());
  w.field("points", static_cast<std::uint64_t>(r.points.size()));
  w.field("metrics", static_cast<std::uint64_t>(r.metrics.size()));
  w.field("beyond", static_cast<std::uint64_t>(r.beyond()));
  w.key("notes").begin_array();
  for (const std::string& n : r.notes) w.value(n);
  w.end_array();
  w.key("differences").begin_array();
  for (const Difference& x : r.differences) {
    w.begin_object().field("point", x.point).field("metric", x.metric).field("baseline", x.base).field("now", x.now);
    w.field("change", x.change).field("tolerance", x.tolerance).field("beyond", x.over).end_object();
  }
  w.end_array();
  w.end_object();
}

std::string check_junit(const CheckResult& r) {
  // Every (point, metric) is a test case; the differences say which failed.
  std::map<std::pair<std::string, std::string>, const Difference*> by_case;
  for (const Difference& x : r.differences) by_case[{x.point, x.metric}] = &x;
  struct Case {
    std::string point;
    std::string metric;
    const Difference* diff;
  };
  std::vector<Case> cases;
  std::set<std::pair<std::string, std::string>> listed;
  for (const std::string& p : r.points) {
    for (const std::string& m : r.metrics) {
      const auto it = by_case.find({p, m});
      cases.push_back(Case{p, m, it == by_case.end() ? nullptr : it->second});
      listed.insert({p, m});
    }
  }
  for (const Difference& x : r.differences) {
    if (listed.insert({x.point, x.metric}).second) cases.push_back(Case{x.point, x.metric, &x});
  }
  std::size_t failures = 0;
  for (const Case& c : cases) failures += c.diff != nullptr && c.diff->over ? 1 : 0;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"concsim check\" tests=\"" << cases.size() << "\" failures=\"" << failures << "\">\n";
  out << "  <testsuite name=\"" << xml_attr("concsim check " + r.baseline) << "\" tests=\"" << cases.size()
      << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"0\">\n";
  if (!r.notes.empty()) {
    out << "    <properties>\n";
    for (const std::string& n : r.notes) out << "      <property name=\"note\" value=\"" << xml_attr(n) << "\"/>\n";
    out << "    </properties>\n";
  }
  for (const Case& c : cases) {
    const std::string metric = c.metric.empty() ? "(every metric)" : c.metric;
    out << "    <testcase classname=\"" << xml_attr(c.point) << "\" name=\"" << xml_attr(metric) << "\"";
    if (c.diff == nullptr || !c.diff->over) {
      if (c.diff == nullptr) {
        out << "/>\n";
      } else {
        out << ">\n      <system-out>" << xml_attr("baseline " + c.diff->base + ", now " + c.diff->now + " (" +
                                                    c.diff->change + "), within " + c.diff->tolerance)
            << "</system-out>\n    </testcase>\n";
      }
      continue;
    }
    const Difference& d = *c.diff;
    const std::string message = metric + " of " + c.point + ": baseline " + d.base + ", now " + d.now + " (" +
                                d.change + "), beyond " + d.tolerance;
    out << ">\n      <failure message=\"" << xml_attr(message) << "\" type=\"" << xml_attr(d.change) << "\">"
        << xml_attr(message) << "</failure>\n    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace concsim::sweep
