// The pieces every `concsim` command shares, and the command table.
//
// A command is a function from its arguments (after the command name) to an
// exit code: 0 success, 1 the run failed a check of its own, 2 bad input or
// usage. Usage errors are thrown as UsageError and bad input as
// load::ConfigError; main() turns both into a message and exit code 2.
#pragma once

#include <boost/program_options.hpp>

#include <functional>
#include <string>
#include <vector>

#include "app/load/config.h"
#include "app/run/guard.h"

namespace concsim::cli {

namespace po = boost::program_options;

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

struct UsageError {
  std::string message;
  std::string command;  // for the "Try 'concsim help COMMAND'" hint; may be empty
};

struct Command {
  const char* name;
  const char* summary;                               // one line for the overview
  std::string (*help)();                             // the full help text
  int (*run)(const std::vector<std::string>& args);  // arguments after the name
};

// Every command, in the order the overview lists them.
const std::vector<Command>& commands();

// --set, --model, --machine, --connections, --seed.
po::options_description workload_options();
// Parses `args` with `desc` plus positional arguments; requires exactly
// `files` of them (-1: any number, at least one), which messages call
// `argument` ("FILE", "DIR"), followed by `what` when one is missing.
// Throws UsageError.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const std::string& command, int files = 1, const std::string& argument = "FILE",
                        const std::string& what = "");
// The positional FILE arguments.
std::vector<std::string> files(const po::variables_map& vm);
// Loads `path` and applies the workload options of `vm` as overrides, in the
// order --set..., then the shortcuts.
load::Document load_document(const std::string& path, const po::variables_map& vm);
// Writes `content` to the file the user named (report::write_output_file:
// atomically for a regular file, through for a device or FIFO); prints the
// error and returns false.
bool write_output(const std::string& path, const std::string& content);
// --max-memory, --max-events, --timeout: the resource guards (app/run/guard.h).
po::options_description guard_options();
// Their values; throws UsageError for a malformed one.
run::GuardLimits guard_limits(const po::variables_map& vm, const std::string& command);

// The commands.
std::string run_help();
int cmd_run(const std::vector<std::string>& args);
std::string validate_help();
int cmd_validate(const std::vector<std::string>& args);
std::string lower_help();
int cmd_lower(const std::vector<std::string>& args);
std::string sweep_help();
int cmd_sweep(const std::vector<std::string>& args);
std::string merge_help();
int cmd_merge(const std::vector<std::string>& args);
std::string baseline_help();
int cmd_baseline(const std::vector<std::string>& args);
std::string check_help();
int cmd_check(const std::vector<std::string>& args);

// Shared by the sweep commands (defined in cmd_sweep.cc). --jobs N, 1..1024,
// default the number of cores; throws UsageError.
unsigned parse_jobs(const po::variables_map& vm, const std::string& command);
// Runs a sweep command's body: sweep::InputError -> its message and exit 2,
// other runtime errors (a file that cannot be written) -> exit 1.
int guarded(const std::function<int()>& body);
std::string claims_help();
int cmd_claims(const std::vector<std::string>& args);
std::string calibrate_help();
int cmd_calibrate(const std::vector<std::string>& args);

}  // namespace concsim::cli
