// concsim lower FILE: the program of a YAML workload, written as Python.
#include <filesystem>
#include <iostream>
#include <limits>
#include <sstream>

#include "app/cli/command.h"
#include "app/load/workload.h"
#include "models/program/lower.h"

#ifndef CONCSIM_VERSION
#define CONCSIM_VERSION "0.0.0"
#endif

namespace concsim::cli {

std::string lower_help() {
  std::ostringstream out;
  out << "Usage: concsim lower FILE [--set K=V]... [--exact] [--out PATH]\n\n"
         "Writes the program of FILE, a workload of YAML steps (main, functions,\n"
         "shared, sync), as the Python 3.11 program it stands for: each step as the\n"
         "asyncio code configs/README.md says it is. `concsim run` runs the result\n"
         "on the same models, and so does CPython (with tools/python/concsim.py\n"
         "importable). A server workload's connection loop is not lowered.\n\n";
  out << workload_options() << "\n  --out PATH            write the program there instead of stdout\n"
         "  --exact               write the durations of sleep, io, cpu and block as\n"
         "                        concsim.ns(N): exact nanoseconds under concsim, as in\n"
         "                        the YAML, where float seconds are rounded as CPython\n"
         "                        rounds them (a timer may fire 1 ns later)\n";
  return out.str();
}

int cmd_lower(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add(workload_options());
  desc.add_options()("out", po::value<std::string>(), "write the program there instead of stdout")(
      "exact", "durations as concsim.ns(N), exact under concsim");
  const po::variables_map vm = parse(args, desc, "lower");
  const std::string path = files(vm)[0];
  const load::Workload w = load::load_workload(load_document(path, vm));
  if (!w.python_file.empty()) {
    throw load::ConfigError(load::SourcePos{path, 1, 1}, "python",
                            "the program is already Python (" + w.python_file + "); there is nothing to lower");
  }
  models::LowerOptions options;
  options.title = w.file + ", lowered to Python by concsim " CONCSIM_VERSION;
  options.exact = vm.count("exact") != 0;
  // How the workload runs, which the Python file does not say.
  std::string run = "concsim run " + std::filesystem::path(w.file).stem().string() + ".py";
  if (w.model != "async") run += " --model " + w.model;
  if (w.machine != "ideal") run += " --machine " + w.machine;
  if (w.seed != 1) run += " --seed " + std::to_string(w.seed);
  options.notes.push_back("Run as the workload runs: " + run);
  if (w.executor_workers != 0) {
    options.notes.push_back("Not carried: loop.executor_workers " + std::to_string(w.executor_workers) +
                            " (the default executor has min(32, cores + 4) workers).");
  }
  if (w.horizon != sim::kTimeMax || w.max_events != std::numeric_limits<std::uint64_t>::max()) {
    options.notes.push_back("Not carried: limits (pass --max-events, or stop the program yourself).");
  }
  if (w.processes != 1) options.notes.push_back("Not carried: loop.processes.");
  std::string source;
  models::CompileError error;
  if (!models::lower_to_python(w.program, options, &source, &error)) {
    load::SourcePos pos{w.file, 1, 1};
    if (error.at.line > 0) pos = load::SourcePos{w.file, error.at.line, error.at.column};
    throw load::ConfigError(pos, error.at.path, error.message);
  }
  if (vm.count("out")) return write_output(vm["out"].as<std::string>(), source) ? kOk : kFailed;
  std::cout << source;
  return kOk;
}

}  // namespace concsim::cli
