#include <iostream>

#include "app/cli/command.h"
#include "app/load/text.h"
#include "app/load/units.h"
#include "app/report/atomic_file.h"

namespace concsim::cli {

po::options_description workload_options() {
  po::options_description d("Workload options");
  d.add_options()
      ("set", po::value<std::vector<std::string>>()->composing(),
       "K=V: override any value of the workload (repeatable), e.g. --set seed=7")
      ("model", po::value<std::string>(), "NAME: the concurrency model (async, threads, async+executor, pool)")
      ("machine", po::value<std::string>(), "PROFILE: the machine profile (configs/machines/PROFILE.yaml)")
      ("connections", po::value<std::string>(), "N: the workload's connections")
      ("seed", po::value<std::string>(), "N: the run's random seed");
  return d;
}

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const std::string& command, int want_files, const std::string& argument,
                        const std::string& what) {
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
  const std::vector<std::string> given = files(vm);
  if (want_files >= 0 && static_cast<int>(given.size()) != want_files) {
    throw UsageError{given.empty() ? "missing the " + argument + " argument" + what
                                   : "expected " + std::to_string(want_files) + " " + argument + ", got " +
                                         std::to_string(given.size()),
                     command};
  }
  if (want_files < 0 && given.empty()) throw UsageError{"missing the " + argument + " argument" + what, command};
  return vm;
}

std::vector<std::string> files(const po::variables_map& vm) {
  return vm.count("file") ? vm["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

load::Document load_document(const std::string& path, const po::variables_map& vm) {
  load::Document doc = load::load_program_document(path);
  if (vm.count("set")) {
    for (const std::string& s : vm["set"].as<std::vector<std::string>>()) doc.apply_override(s);
  }
  // The shortcuts are overrides like any other, validated the same way.
  for (const char* key : {"model", "machine", "seed", "connections"}) {
    if (vm.count(key)) doc.apply_option(key, vm[key].as<std::string>(), std::string("--") + key);
  }
  return doc;
}

po::options_description guard_options() {
  po::options_description d("Resource guards");
  d.add_options()
      ("max-memory", po::value<std::string>()->default_value("16GiB"),
       "SIZE: refuse a run estimated to need more simulator memory; stop one that uses more")
      ("max-events", po::value<std::string>()->default_value("2000000000"),
       "N: refuse a run estimated to need more simulator events; stop one that gets there")
      ("timeout", po::value<std::string>()->default_value(std::to_string(static_cast<int>(run::kDefaultRunTimeoutSeconds))),
       "SECONDS: stop the run after this much wall-clock time (e.g. 30, 2.5, 1h); 0 or none: no limit");
  return d;
}

run::GuardLimits guard_limits(const po::variables_map& vm, const std::string& command) {
  run::GuardLimits limits;
  std::string error;
  const std::string memory = vm["max-memory"].as<std::string>();
  const auto bytes = load::parse_size(memory, &error);
  if (!bytes || *bytes <= 0) {
    throw UsageError{"--max-memory: expected a size like \"16GiB\", got \"" + memory + "\"", command};
  }
  limits.max_memory = *bytes;
  const std::string events = vm["max-events"].as<std::string>();
  std::uint64_t n = 0;
  bool ok = !events.empty() && events.size() <= 19;
  for (char c : events) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (!ok || n == 0) throw UsageError{"--max-events: expected a positive integer, got \"" + events + "\"", command};
  limits.max_events = n;
  // Seconds as a plain number, or any duration ("5m", "1.5s"); 0 or "none"
  // lifts the limit.
  const std::string t = vm["timeout"].as<std::string>();
  if (t != "none") {
    const bool bare = !t.empty() && t.find_first_not_of("0123456789.") == std::string::npos;
    const std::optional<sim::Duration> d = load::parse_duration(bare ? t + "s" : t, &error);
    if (!d || *d < 0) {
      throw UsageError{"--timeout: expected seconds like \"30\" or \"2.5\", a duration like \"1h\", or 0 or "
                       "\"none\" for no limit, got " + load::quote(t),
                       command};
    }
    limits.timeout_seconds = static_cast<double>(*d) / 1e9;
  }
  return limits;
}

bool write_output(const std::string& path, const std::string& content) {
  std::string error;
  if (!report::write_output_file(path, content, &error)) {
    std::cerr << "concsim: " << load::escape_controls(error) << '\n';
    return false;
  }
  return true;
}

}  // namespace concsim::cli
