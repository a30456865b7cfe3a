// The `concsim` command: finds the command and maps errors to exit codes.
//
// Results go to stdout (or --out), messages to stderr. Exit codes: 0 success,
// 1 the run failed a check of its own (a stall, an endless loop, main raised)
// or its output could not be written, 2 bad input or usage. README.md's
// "Guarantees" says what else is promised.
#include <cstring>
#include <iostream>
#include <new>
#include <sstream>

#include "app/cli/command.h"
#include "app/cli/stdout_buffer.h"
#include "app/load/suggest.h"
#include "app/load/text.h"

#ifndef CONCSIM_VERSION
#define CONCSIM_VERSION "0.0.0"
#endif

namespace concsim::cli {

// The command table: one line per command, each in its own cmd_NAME.cc.
const std::vector<Command>& commands() {
  static const std::vector<Command> table{
      {"run", "run a workload and print its results", run_help, cmd_run},
      {"validate", "check a workload without running it", validate_help, cmd_validate},
      {"lower", "write a YAML workload's program as the Python program it stands for", lower_help, cmd_lower},
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

namespace {

int run_command(const std::vector<std::string>& argv) {
  using namespace concsim;
  try {
    return cli::dispatch(argv);
  } catch (const cli::UsageError& e) {
    // Messages quote the command line, which may hold anything; escaped
    // like every message (app/load/text.h).
    std::cerr << "concsim: " << load::escape_controls(e.message) << '\n';
    std::cerr << (e.command.empty() ? "Try 'concsim --help'." : "Try 'concsim help " + e.command + "'.") << '\n';
    return cli::kUsage;
  } catch (const load::ConfigError& e) {
    std::cerr << load::escape_controls(e.what()) << '\n';
    return cli::kUsage;
  } catch (const std::bad_alloc&) {
    std::cerr << "concsim: out of memory\n";
    return cli::kFailed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace concsim;
  // Every command's stdout goes through a buffer that notices a failed
  // write (a full disk, /dev/full, a closed terminal): results that did not
  // reach their reader are an error, never a silent exit 0.
  cli::keep_standard_descriptors();
  cli::StdoutBuffer out;
  std::streambuf* const standard = std::cout.rdbuf(&out);
  int code = run_command(std::vector<std::string>(argv + 1, argv + argc));
  if (!out.finish()) {
    std::cerr << "concsim: cannot write to standard output: " << std::strerror(out.error())
              << "; the output is incomplete\n";
    if (code == cli::kOk) code = cli::kFailed;
  }
  std::cout.rdbuf(standard);
  return code;
}
