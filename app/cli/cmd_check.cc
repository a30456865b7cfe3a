// concsim check BASELINE: runs a baseline's points again and compares every
// figure (app/sweep/check.h); exit 1 when one changed beyond its tolerance.
// The simulator is deterministic, so the default tolerance is 0.
#include <iostream>
#include <sstream>

#include "app/cli/command.h"
#include "app/sweep/baseline.h"
#include "app/sweep/check.h"
#include "app/sweep/compare.h"
#include "app/sweep/grid.h"
#include "app/sweep/progress.h"

namespace concsim::cli {
namespace {

po::options_description check_options() {
  po::options_description d("Check options");
  d.add_options()
      ("tolerance", po::value<std::vector<std::string>>()->composing(),
       "METRIC=P%: allow a relative change of P% in METRIC (a column of `run --format csv`, or * for all); "
       "repeatable, default 0")
      ("jobs", po::value<std::string>(), "N: points run at once (default: the number of cores)")
      ("format", po::value<std::string>()->default_value("table"), "table | json: what goes to stdout")
      ("junit", po::value<std::string>(), "FILE: also write JUnit XML there, a test case per point and metric");
  return d;
}

int check(const po::variables_map& vm) {
  const std::string path = files(vm)[0];
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "json") {
    throw UsageError{"--format must be table or json, got \"" + format + "\"", "check"};
  }
  const sweep::Baseline b = sweep::read_baseline(path);
  // Exit 2 before anything runs when the baseline does not cover its sweep.
  const std::vector<std::string> metrics = sweep::covered_metrics(b, path);
  std::vector<sweep::Tolerance> tolerances;
  if (vm.count("tolerance")) {
    for (const std::string& t : vm["tolerance"].as<std::vector<std::string>>()) {
      tolerances.push_back(sweep::parse_tolerance(t, metrics));
    }
  }
  const unsigned jobs = parse_jobs(vm, "check");

  sweep::Progress progress(std::cerr, sweep::expand(b.sweep).size(), sweep::stderr_is_terminal());
  const sweep::CheckResult r = sweep::run_check(b, path, tolerances, jobs, progress);
  for (const std::string& note : r.notes) std::cerr << "concsim: note: " << note << '\n';

  std::ostringstream out;
  if (format == "json") {
    sweep::write_check_json(out, r);
  } else {
    sweep::write_check_table(out, r);
  }
  std::cout << out.str() << std::flush;
  if (vm.count("junit") && !write_output(vm["junit"].as<std::string>(), sweep::check_junit(r))) return kFailed;
  return r.passed() ? kOk : kFailed;
}

}  // namespace

std::string check_help() {
  std::ostringstream out;
  out << "Usage: concsim check BASELINE [--tolerance METRIC=P%]... [--jobs N] [--format table|json]\n"
         "                     [--junit FILE]\n\n"
         "Runs every point of the baseline (`concsim baseline DIR -o BASELINE`) again, from the\n"
         "recorded definition (run it from the directory the sweep ran in: the workload's path is\n"
         "as given), and compares every figure. Prints a table of the differences (or JSON) and\n"
         "exits 1 when one is beyond its tolerance (default 0: the simulator is deterministic), else\n"
         "0. A replicated point passes a figure when its new mean lies in the baseline's 95%\n"
         "interval. Notes on stderr say when the workload, a machine profile or concsim changed.\n\n";
  out << check_options();
  return out.str();
}

int cmd_check(const std::vector<std::string>& args) {
  const po::variables_map vm = parse(args, check_options(), "check", 1, "BASELINE");
  return guarded([&] { return check(vm); });
}

}  // namespace concsim::cli
