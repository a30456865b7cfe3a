// The `concsim` command: finds the command and maps errors to exit codes.
//
// Results go to stdout (or --out), messages to stderr. Exit codes: 0 success,
// 1 the run failed a check of its own (a stall, an endless loop, main raised),
// 2 bad input or usage.
#include <iostream>
#include <new>
#include <sstream>

#include "app/cli/command.h"
#include "app/load/suggest.h"

#ifndef CONCSIM_VERSION
#define CONCSIM_VERSION "0.0.0"
#endif

namespace concsim::cli {

// The command table: one line per command, each in its own cmd_NAME.cc.
const std::vector<Command>& commands() {
  static const std::vector<Command> table{
      {"run", "run a workload and print its results", run_help, cmd_run},
      {"validate", "check a workload without running it", validate_help, cmd_validate},
      {"sweep", "run a workload over a grid of values, in parallel, and report", sweep_help, cmd_sweep},
      {"merge", "collect the shards of a sweep and write its report", merge_help, cmd_merge},
      {"baseline", "record a finished sweep's figures for later checks", baseline_help, cmd_baseline},
      {"check", "run a baseline's points again and compare every figure", check_help, cmd_check},
      {"claims", "run every claim of configs/claims/README.md and judge it", claims_help, cmd_claims},
      {"calibrate", "measure this host and write a machine profile", calibrate_help, cmd_calibrate},
  };
  return table;
}

namespace {

std::string overview() {
  std::ostringstream out;
  out << "concsim: a deterministic discrete-event simulator of async event loops and\n"
         "thread-per-connection servers.\n\n"
         "Usage: concsim COMMAND [OPTIONS]\n\nCommands:\n";
  for (const Command& c : commands()) {
    std::string name = c.name;
    name.resize(16, ' ');
    out << "  " << name << c.summary << '\n';
  }
  out << "  help [COMMAND]  show help for a command\n\n"
         "Options:\n  --help          show this help\n  --version       print the version\n\n"
         "Workload files are YAML; configs/README.md documents every key.\n";
  return out.str();
}

const Command& find(const std::string& name) {
  std::vector<std::string> names;
  for (const Command& c : commands()) {
    if (name == c.name) return c;
    names.emplace_back(c.name);
  }
  const std::string s = load::suggest(name, names);
  throw UsageError{"unknown command \"" + name + "\"" + (s.empty() ? "" : "; did you mean \"" + s + "\"?"), ""};
}

int dispatch(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    std::cerr << overview();
    return kUsage;
  }
  const std::string& first = argv[0];
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (first == "--help" || first == "-h") {
    std::cout << overview();
    return kOk;
  }
  if (first == "--version") {
    std::cout << "concsim " << CONCSIM_VERSION << '\n';
    return kOk;
  }
  if (first == "help") {
    if (rest.empty()) {
      std::cout << overview();
    } else if (rest[0] == "help") {
      std::cout << "Usage: concsim help [COMMAND]\n";
    } else {
      std::cout << find(rest[0]).help();
    }
    return kOk;
  }
  const Command& command = find(first);
  for (const std::string& a : rest) {
    if (a == "--help" || a == "-h") {
      std::cout << command.help();
      return kOk;
    }
  }
  return command.run(rest);
}

}  // namespace
}  // namespace concsim::cli

int main(int argc, char** argv) {
  using namespace concsim;
  try {
    return cli::dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const cli::UsageError& e) {
    std::cerr << "concsim: " << e.message << '\n';
    std::cerr << (e.command.empty() ? "Try 'concsim --help'." : "Try 'concsim help " + e.command + "'.") << '\n';
    return cli::kUsage;
  } catch (const load::ConfigError& e) {
    std::cerr << e.what() << '\n';
    return cli::kUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << "concsim: out of memory\n";
    return cli::kFailed;
  }
}
