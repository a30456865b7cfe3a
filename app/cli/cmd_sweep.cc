// concsim sweep FILE --vary KEY=V1,V2 ... --out DIR: a grid of runs in
// parallel, each point's result in its own file, and a report.
#include <charconv>
#include <csignal>
#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/cli/command.h"
#include "app/load/text.h"
#include "app/load/workload.h"
#include "app/sweep/definition.h"
#include "app/sweep/grid.h"
#include "app/sweep/interrupt.h"
#include "app/sweep/progress.h"
#include "app/sweep/sweep.h"
#include "app/sweep/sweep_dir.h"

#ifndef CONCSIM_VERSION
#define CONCSIM_VERSION "0.0.0"
#endif

namespace concsim::cli {
namespace {

po::options_description sweep_options() {
  po::options_description d("Sweep options");
  d.add_options()
      ("vary", po::value<std::vector<std::string>>()->composing(),
       "KEY=V1,V2,...: a key to vary (any --set path); several make a grid, the first outermost")
      ("models", po::value<std::string>(), "LIST: the models to run each point with, e.g. async,threads "
                                           "(default: the workload's sweep.models, else its model)")
      ("jobs", po::value<std::string>(), "N: points run at once (default: the number of cores)")
      ("seed", po::value<std::string>(), "N: the sweep seed (default: the workload's seed)")
      ("replications", po::value<std::string>(), "N: independent runs of every point, each with its own seed; the "
                                                 "report gives means and 95% intervals (default: the workload's "
                                                 "sweep.replications, else 1)")
      ("seeding", po::value<std::string>(), "common | per-point: every point with the sweep seed (common random "
                                            "numbers, the default), or a seed per point mixed from its varied values")
      ("allow-failures", "exit 0 even when points stalled or failed (they are still listed)")
      ("set", po::value<std::vector<std::string>>()->composing(), "K=V: override a value of the workload "
                                                                   "(repeatable)")
      ("out", po::value<std::string>(), "DIR: where the points and the report go (required)")
      ("resume", "continue the sweep in DIR: skip the points whose result is complete")
      ("shard", po::value<std::string>(), "K/N: run only the points whose index % N == K-1; merge the shard "
                                          "directories with `concsim merge`");
  return d;
}

std::uint64_t parse_seed(const std::string& text) {
  std::int64_t v = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) {
    throw UsageError{"--seed \"" + text + "\": expected an integer from 0 to 9223372036854775807", "sweep"};
  }
  return static_cast<std::uint64_t>(v);
}

int run_sweep_command(const po::variables_map& vm) {
  if (!vm.count("out")) throw UsageError{"missing --out DIR: where the points and the report go", "sweep"};
  const std::string path = files(vm)[0];
  load::Document doc = load::load_program_document(path);
  std::vector<std::string> overrides;
  if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
  for (const std::string& o : overrides) doc.apply_override(o);
  const sweep::SweepSection section = sweep::read_sweep_section(doc.root());

  sweep::Definition d;
  d.version = CONCSIM_VERSION;
  d.workload = path;
  const std::optional<std::string> bytes = sweep::read_file(path);
  d.workload_hash = sweep::workload_fingerprint(bytes.value_or(""));
  d.overrides = overrides;
  if (vm.count("vary")) {
    for (const std::string& v : vm["vary"].as<std::vector<std::string>>()) d.vary.push_back(sweep::parse_vary(v));
  } else {
    d.vary = section.vary;
  }
  // The workload's name, description, seed and model, read with the first
  // value of each varied key: a workload may be complete only with them (a
  // server workload whose connections are all varied).
  load::Document first = doc;
  for (const sweep::Vary& v : d.vary) {
    if (!v.values.empty() && v.key != "model") first.apply_override(v.key + "=" + v.values[0]);
  }
  const load::Workload w = load::load_workload(first);
  d.workload_name = w.name;
  d.description = w.description;
  if (vm.count("models")) {
    d.models = sweep::parse_models(vm["models"].as<std::string>());
  } else {
    d.models = section.models.empty() ? std::vector<std::string>{w.model} : section.models;
  }
  d.seed = vm.count("seed") ? parse_seed(vm["seed"].as<std::string>()) : w.seed;
  d.replications = vm.count("replications")
                       ? sweep::parse_replications(vm["replications"].as<std::string>(), "--replications")
                       : section.replications.value_or(1);
  d.seeding = vm.count("seeding") ? sweep::parse_seeding(vm["seeding"].as<std::string>(), "--seeding")
                                  : section.seeding.value_or(sweep::Seeding::kCommon);
  d.published = section.published;
  if (d.published) {
    bool varied = false;
    for (const sweep::Vary& v : d.vary) varied = varied || v.key == d.published->key;
    if (!varied) {
      std::cerr << "concsim: note: the published figures are by " << d.published->key
                << ", which this sweep does not vary; they are left out of the report\n";
      d.published.reset();
    }
  }

  sweep::SweepOptions o;
  o.dir = vm["out"].as<std::string>();
  o.jobs = parse_jobs(vm, "sweep");
  o.resume = vm.count("resume") > 0;
  if (vm.count("shard")) o.shard = sweep::parse_shard(vm["shard"].as<std::string>());
  o.terminal = sweep::stderr_is_terminal();
  sweep::install_interrupt_handlers();
  sweep::SweepCounts c;
  try {
    c = sweep::run_sweep(d, o, std::cerr);
  } catch (const sweep::Interrupted& i) {
    std::cerr << "concsim: interrupted by " << (i.signal == SIGINT ? "SIGINT" : "SIGTERM") << ": " << i.kept
              << " of " << i.selected << " points have their results in " << o.dir << " (" << i.finished
              << " finished by this run), " << (i.selected - i.kept)
              << " not run or cut short; continue with the same command and --resume\n";
    return 128 + i.signal;
  }

  std::cerr << "concsim: " << (o.shard.n > 1 ? "shard " + std::to_string(o.shard.k) + "/" + std::to_string(o.shard.n) +
                                                    ": "
                                              : std::string())
            << c.selected << (o.shard.n > 1 ? " of " + std::to_string(c.points) : std::string()) << " points in "
            << o.dir << ": ran " << c.ran << ", skipped " << c.skipped << " done before\n";
  if (c.report) {
    std::cerr << "concsim: report in " << (std::filesystem::path(o.dir) / "report.md").string() << '\n';
  } else {
    std::cerr << "concsim: no report for a shard; collect the shards with `concsim merge DIR... --out DIR`\n";
  }
  // A point that stalled or failed is a result, but not the one a CI job
  // (or a reader of the charts) expects: say which, and fail unless told.
  if (!c.failures.empty()) {
    const bool allowed = vm.count("allow-failures") > 0;
    std::cerr << "concsim: " << (allowed ? "note: " : "") << c.failures.size() << " of " << c.selected
              << " points did not run to a clean end:\n";
    for (const sweep::PointFailure& f : c.failures) std::cerr << "  " << f.point << ": " << f.why << '\n';
    if (!allowed) {
      std::cerr << "concsim: exit 1; pass --allow-failures if these are the results you expect\n";
      return kFailed;
    }
  }
  return kOk;
}

}  // namespace

unsigned parse_jobs(const po::variables_map& vm, const std::string& command) {
  if (!vm.count("jobs")) {
    const unsigned cores = std::thread::hardware_concurrency();
    return cores == 0 ? 1 : cores;
  }
  const std::string text = vm["jobs"].as<std::string>();
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1 || v > 1024) {
    throw UsageError{"--jobs \"" + text + "\": expected an integer from 1 to 1024", command};
  }
  return v;
}

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const sweep::InputError& e) {
    std::cerr << "concsim: " << load::escape_controls(e.what()) << '\n';
    return kUsage;
  } catch (const load::ConfigError&) {
    throw;  // main() prints it, located, and exits 2
  } catch (const std::runtime_error& e) {
    std::cerr << "concsim: " << load::escape_controls(e.what()) << '\n';
    return kFailed;
  }
}

std::string sweep_help() {
  std::ostringstream out;
  out << "Usage: concsim sweep FILE [--vary KEY=V1,V2,...]... [--models async,threads]\n"
         "                     [--replications N] [--seeding common|per-point] [--jobs N] [--seed N]\n"
         "                     [--set K=V]... --out DIR [--resume] [--shard K/N] [--allow-failures]\n\n"
         "Runs the workload in FILE at every point of a grid (the values of each --vary, times the\n"
         "models, times the replications), in parallel, and writes DIR/points/<point>.json per run,\n"
         "then DIR/report.md, DIR/data.csv, DIR/data.json and the charts (*.svg). Every point runs\n"
         "with the sweep seed (common random numbers: two points that differ only in a knob face the\n"
         "same draws); replication r > 1 with a seed derived from it. Results never depend on --jobs\n"
         "or order. Exits 1 when points stalled or failed, naming them, unless --allow-failures. A\n"
         "`sweep:` section in FILE may give defaults for --vary, --models, --replications and\n"
         "--seeding, and published figures.\n\n";
  out << sweep_options();
  return out.str();
}

int cmd_sweep(const std::vector<std::string>& args) {
  const po::variables_map vm = parse(args, sweep_options(), "sweep");
  return guarded([&] { return run_sweep_command(vm); });
}

}  // namespace concsim::cli
