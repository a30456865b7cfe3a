// concsim check BASELINE: runs a baseline's points again and compares every
// figure; exit 1 when one changed beyond its tolerance. The simulator is
// deterministic, so the default tolerance is 0.
#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>

#include "app/cli/command.h"
#include "app/sweep/baseline.h"
#include "app/sweep/compare.h"
#include "app/sweep/grid.h"
#include "app/sweep/hash.h"
#include "app/sweep/plan.h"
#include "app/sweep/progress.h"
#include "app/sweep/sweep.h"
#include "app/sweep/sweep_dir.h"

#ifndef CONCSIM_VERSION
#define CONCSIM_VERSION "0.0.0"
#endif

namespace concsim::cli {
namespace {

po::options_description check_options() {
  po::options_description d("Check options");
  d.add_options()
      ("tolerance", po::value<std::vector<std::string>>()->composing(),
       "METRIC=P%: allow a relative change of P% in METRIC (a column of `run --format csv`, or * for all); "
       "repeatable, default 0")
      ("jobs", po::value<std::string>(), "N: points run at once (default: the number of cores)");
  return d;
}

void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] + 2 - row[i].size(), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

// The metrics of the baseline, in the writer's order. Every point must
// have the same ones, and some: a baseline with a point's metrics emptied
// or one removed would otherwise pass a check of figures it never held.
// Throws InputError (exit 2) before anything runs.
std::vector<std::string> covered_metrics(const sweep::Baseline& b, const std::string& path) {
  std::vector<std::string> metrics;
  for (const sweep::BaselinePoint& p : b.points) {
    for (const auto& [m, v] : p.metrics) {
      if (std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
    }
  }
  for (const sweep::BaselinePoint& p : b.points) {
    if (p.metrics.empty()) {
      throw sweep::InputError(path + ": the point " + p.name +
                              " has no metrics; the baseline does not cover its sweep (make it again with "
                              "`concsim baseline DIR -o FILE`)");
    }
    for (const std::string& m : metrics) {
      const bool has = std::any_of(p.metrics.begin(), p.metrics.end(), [&](const auto& x) { return x.first == m; });
      if (!has) {
        throw sweep::InputError(path + ": the point " + p.name + " lacks the metric " + m +
                                " that other points have; the baseline does not cover its sweep (make it again "
                                "with `concsim baseline DIR -o FILE`)");
      }
    }
  }
  return metrics;
}

int check(const po::variables_map& vm) {
  const std::string path = files(vm)[0];
  const sweep::Baseline b = sweep::read_baseline(path);
  const std::vector<std::string> metrics = covered_metrics(b, path);
  std::vector<sweep::Tolerance> tolerances;
  if (vm.count("tolerance")) {
    for (const std::string& t : vm["tolerance"].as<std::vector<std::string>>()) {
      tolerances.push_back(sweep::parse_tolerance(t, metrics));
    }
  }
  const unsigned jobs = parse_jobs(vm, "check");
  const sweep::Definition& d = b.sweep;
  const std::vector<sweep::Point> points = sweep::expand(d);

  // What may explain a difference, said before the run.
  const std::optional<std::string> bytes = sweep::read_file(d.workload);
  if (bytes && sweep::workload_fingerprint(*bytes) != d.workload_hash) {
    std::cerr << "concsim: note: " << d.workload << " changed since the baseline (" << d.workload_hash << ", now "
              << sweep::workload_fingerprint(*bytes) << ")\n";
  }
  if (d.version != CONCSIM_VERSION) {
    std::cerr << "concsim: note: the baseline was made by concsim " << d.version << ", this is " << CONCSIM_VERSION
              << '\n';
  }
  if (points.size() != b.points.size()) {
    throw sweep::InputError(path + ": holds " + std::to_string(b.points.size()) + " points, its sweep has " +
                            std::to_string(points.size()));
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].name != b.points[i].name) {
      throw sweep::InputError(path + ": point " + std::to_string(i + 1) + " is " + b.points[i].name +
                              ", its sweep says " + points[i].name);
    }
    if (points[i].seed != b.points[i].seed) {
      std::cerr << "concsim: note: " << points[i].name << " is seeded " << points[i].seed
                << " now, " << b.points[i].seed << " in the baseline\n";
    }
  }

  sweep::Progress progress(std::cerr, points.size(), sweep::stderr_is_terminal());
  const std::vector<sweep::MetricRow> rows = sweep::rerun_points(d, points, jobs, progress);

  std::vector<sweep::Difference> diffs;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto now = sweep::comparable(rows[i].columns, rows[i].cells);
    for (sweep::Difference& x : sweep::compare_metrics(points[i].name, b.points[i].metrics, now, tolerances)) {
      diffs.push_back(std::move(x));
    }
  }
  std::cout << "concsim check: " << points.size() << " points, " << metrics.size() << " metrics each, against "
            << path << '\n';
  std::set<std::string> over;
  std::size_t over_count = 0;
  if (!diffs.empty()) {
    std::vector<std::vector<std::string>> table{{"metric", "point", "baseline", "now", "change", "tolerance", "verdict"}};
    for (const sweep::Difference& x : diffs) {
      table.push_back({x.metric, x.point, x.base, x.now, x.change, x.tolerance, x.over ? "BEYOND" : "within"});
      if (x.over) {
        over.insert(x.metric);
        ++over_count;
      }
    }
    std::cout << '\n';
    print_table(std::cout, table);
    std::cout << '\n';
  }
  if (over.empty()) {
    std::cout << (diffs.empty() ? "no differences\n" : "every difference is within its tolerance\n");
    return kOk;
  }
  // The metrics in the order the writer has them, then those the baseline
  // lacks.
  std::string names;
  std::vector<std::string> order = metrics;
  for (const sweep::Difference& x : diffs) {
    if (std::find(order.begin(), order.end(), x.metric) == order.end()) order.push_back(x.metric);
  }
  for (const std::string& m : order) {
    if (over.count(m) == 0) continue;
    if (!names.empty()) names += ", ";
    names += m;
  }
  std::cout << over_count << " differences beyond tolerance, in " << over.size() << " metrics: " << names << '\n';
  return kFailed;
}

}  // namespace

std::string check_help() {
  std::ostringstream out;
  out << "Usage: concsim check BASELINE [--tolerance METRIC=P%]... [--jobs N]\n\n"
         "Runs every point of the baseline (`concsim baseline DIR -o BASELINE`) again, from the\n"
         "recorded definition (run it from the directory the sweep ran in: the workload's path is\n"
         "as given), and compares every figure. Prints a table of the differences and exits 1 when\n"
         "one is beyond its tolerance (default 0: the simulator is deterministic), else 0.\n\n";
  out << check_options();
  return out.str();
}

int cmd_check(const std::vector<std::string>& args) {
  const po::variables_map vm = parse(args, check_options(), "check", 1, "BASELINE");
  return guarded([&] { return check(vm); });
}

}  // namespace concsim::cli
