// The `concsim` command: parses the command line, loads, runs, writes.
//
// Results go to stdout (or --out), messages to stderr. Exit codes: 0 success,
// 1 the run failed a check of its own (a stall, an endless loop, main raised),
// 2 bad input or usage.
#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/load/config.h"
#include "app/load/suggest.h"
#include "app/load/workload.h"
#include "app/report/atomic_file.h"
#include "app/report/render.h"
#include "app/run/runner.h"
#include "models/program/program.h"

#ifndef CONCSIM_VERSION
#define CONCSIM_VERSION "0.0.0"
#endif

namespace po = boost::program_options;

namespace concsim::cli {
namespace {

constexpr int kOk = 0;
constexpr int kUsage = 2;

struct UsageError {
  std::string message;
  std::string command;
};

const char* kOverview =
    "concsim: a deterministic discrete-event simulator of async event loops and\n"
    "thread-per-connection servers.\n"
    "\n"
    "Usage: concsim COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  run FILE        run a workload and print its results\n"
    "  validate FILE   check a workload without running it\n"
    "  help [COMMAND]  show help for a command\n"
    "\n"
    "Options:\n"
    "  --help          show this help\n"
    "  --version       print the version\n"
    "\n"
    "Workload files are YAML; configs/README.md documents every key.\n";

po::options_description workload_options() {
  po::options_description d("Workload options");
  d.add_options()
      ("set", po::value<std::vector<std::string>>()->composing(),
       "K=V: override any value of the workload (repeatable), e.g. --set seed=7")
      ("model", po::value<std::string>(), "NAME: the concurrency model (async)")
      ("machine", po::value<std::string>(), "PROFILE: the machine profile")
      ("connections", po::value<std::string>(), "N: the number of connections of a server workload")
      ("seed", po::value<std::string>(), "N: the run's random seed");
  return d;
}

po::options_description run_options() {
  po::options_description d("Output options");
  d.add_options()
      ("format", po::value<std::string>()->default_value("table"), "table | json | csv")
      ("out", po::value<std::string>(), "PATH: write the results there instead of stdout")
      ("trace", po::value<std::string>(), "FILE: write Chrome Trace Event JSON (opens in ui.perfetto.dev)")
      ("text-trace", po::value<std::string>(), "FILE: write the text trace (virtual time, task, event)")
      ("trace-phases", "also trace the event loop's own phases (poll, timers, run)");
  return d;
}

std::string command_help(const std::string& command) {
  std::ostringstream out;
  if (command == "run") {
    out << "Usage: concsim run FILE [OPTIONS]\n\n"
           "Runs the workload in FILE and prints a summary (or JSON/CSV) of the run.\n\n";
    out << workload_options() << '\n' << run_options();
  } else if (command == "validate") {
    out << "Usage: concsim validate FILE [--set K=V]... [--disassemble]\n\n"
           "Loads and compiles FILE and reports the first error, with file, line,\n"
           "column and key, or \"ok\".\n\n";
    out << workload_options() << "\n  --disassemble         print the compiled bytecode\n";
  } else if (command == "help") {
    out << "Usage: concsim help [COMMAND]\n";
  } else {
    throw UsageError{"unknown command \"" + command + "\"" +
                         [&] {
                           const std::string s = load::suggest(command, {"run", "validate", "help"});
                           return s.empty() ? std::string() : "; did you mean \"" + s + "\"?";
                         }(),
                     ""};
  }
  return out.str();
}

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const std::string& command) {
  po::options_description all;
  all.add(desc);
  all.add_options()("file", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError{e.what(), command};
  }
  const auto files = vm.count("file") ? vm["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() != 1) {
    throw UsageError{files.empty() ? "missing the workload FILE" : "expected one FILE, got " + std::to_string(files.size()),
                     command};
  }
  return vm;
}

load::Document load_document(const po::variables_map& vm) {
  load::Document doc = load::Document::load_file(vm["file"].as<std::vector<std::string>>()[0]);
  if (vm.count("set")) {
    for (const std::string& s : vm["set"].as<std::vector<std::string>>()) doc.apply_override(s);
  }
  // The shortcuts are overrides like any other, validated the same way.
  for (const char* key : {"model", "machine", "seed", "connections"}) {
    if (vm.count(key)) doc.apply_override(std::string(key) + "=" + vm[key].as<std::string>());
  }
  return doc;
}

bool write_output(const std::string& path, const std::string& content) {
  std::string error;
  if (!report::write_file_atomically(path, content, &error)) {
    std::cerr << "concsim: " << error << '\n';
    return false;
  }
  return true;
}

int cmd_run(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add(workload_options()).add(run_options());
  const po::variables_map vm = parse(args, desc, "run");
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "json" && format != "csv") {
    throw UsageError{"--format must be table, json or csv, got \"" + format + "\"", "run"};
  }
  const load::Workload w = load::load_workload(load_document(vm));
  run::RunOptions options;
  options.trace_phases = vm.count("trace-phases") > 0;
  const run::RunOutput r = run::run_workload(w, options);

  std::ostringstream out;
  if (format == "json") {
    report::write_json(out, r);
  } else if (format == "csv") {
    report::write_csv(out, r);
  } else {
    report::write_table(out, r);
  }
  if (vm.count("out")) {
    if (!write_output(vm["out"].as<std::string>(), out.str())) return 1;
  } else {
    std::cout << out.str() << std::flush;
  }
  if (vm.count("trace")) {
    std::ostringstream t;
    report::write_chrome_trace(t, r);
    if (!write_output(vm["trace"].as<std::string>(), t.str())) return 1;
  }
  if (vm.count("text-trace")) {
    std::ostringstream t;
    report::write_text_trace(t, r);
    if (!write_output(vm["text-trace"].as<std::string>(), t.str())) return 1;
  }
  if (r.exit_code != 0) {
    std::cerr << "concsim: the run " << r.status << (r.detail.empty() ? "" : ": " + r.detail) << '\n';
  }
  return r.exit_code;
}

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add(workload_options());
  desc.add_options()("disassemble", "print the compiled bytecode");
  const po::variables_map vm = parse(args, desc, "validate");
  const load::Workload w = load::load_workload(load_document(vm));
  if (vm.count("disassemble")) std::cout << models::disassemble(w.compiled);
  std::cout << vm["file"].as<std::vector<std::string>>()[0] << ": ok (" << w.compiled.functions.size()
            << " functions, " << w.compiled.code.size() << " instructions)\n";
  return kOk;
}

int dispatch(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    std::cerr << kOverview;
    return kUsage;
  }
  const std::string& first = argv[0];
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (first == "--help" || first == "-h") {
    std::cout << kOverview;
    return kOk;
  }
  if (first == "--version") {
    std::cout << "concsim " << CONCSIM_VERSION << '\n';
    return kOk;
  }
  if (first == "help") {
    if (rest.empty()) {
      std::cout << kOverview;
    } else {
      std::cout << command_help(rest[0]);
    }
    return kOk;
  }
  for (const std::string& a : rest) {
    if (a == "--help" || a == "-h") {
      std::cout << command_help(first);
      return kOk;
    }
  }
  if (first == "run") return cmd_run(rest);
  if (first == "validate") return cmd_validate(rest);
  command_help(first);  // throws the unknown-command error with a suggestion
  return kUsage;
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
    return 1;
  }
}
