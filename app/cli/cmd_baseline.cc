// concsim baseline DIR -o FILE: a finished sweep's definition and figures,
// for `concsim check` to compare against later.
#include <iostream>
#include <sstream>

#include "app/cli/command.h"
#include "app/sweep/baseline.h"

namespace concsim::cli {
namespace {

po::options_description baseline_options() {
  po::options_description d("Baseline options");
  d.add_options()("out,o", po::value<std::string>(), "FILE: the baseline to write (required)");
  return d;
}

}  // namespace

std::string baseline_help() {
  std::ostringstream out;
  out << "Usage: concsim baseline DIR -o FILE\n\n"
         "Writes a baseline of the finished sweep in DIR: the sweep's definition (the workload's\n"
         "path as given and its content hash, the overrides, the varied keys, the models, the seed)\n"
         "and every point's figures. `concsim check FILE` runs the points again and compares.\n\n";
  out << baseline_options();
  return out.str();
}

int cmd_baseline(const std::vector<std::string>& args) {
  const po::variables_map vm = parse(args, baseline_options(), "baseline", 1, "DIR", ": the finished sweep");
  if (!vm.count("out")) throw UsageError{"missing -o FILE: the baseline to write", "baseline"};
  return guarded([&] {
    const sweep::Baseline b = sweep::make_baseline(files(vm)[0]);
    if (!write_output(vm["out"].as<std::string>(), sweep::baseline_json(b))) return kFailed;
    std::cerr << "concsim: baseline of " << b.points.size() << " points in " << vm["out"].as<std::string>() << '\n';
    return kOk;
  });
}

}  // namespace concsim::cli
