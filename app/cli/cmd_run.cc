// concsim run FILE: one run, printed as a table, JSON or CSV.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <new>
#include <optional>
#include <sstream>

#include "app/cli/command.h"
#include "app/load/text.h"
#include "app/load/workload.h"
#include "app/report/json.h"
#include "app/report/render.h"
#include "app/run/guard.h"
#include "app/run/runner.h"

namespace concsim::cli {
namespace {

// The most of a failed run's detail that stderr shows.
constexpr std::size_t kMaxDetailBytes = 1000;

po::options_description output_options() {
  po::options_description d("Output options");
  d.add_options()
      ("format", po::value<std::string>()->default_value("table"), "table | json | csv")
      ("out", po::value<std::string>(), "PATH: write the results there instead of stdout")
      ("trace", po::value<std::string>(), "FILE: write Chrome Trace Event JSON (opens in ui.perfetto.dev)")
      ("text-trace", po::value<std::string>(), "FILE: write the text trace (virtual time, task, event)")
      ("trace-phases", "also trace the event loop's own phases (poll, timers, run)")
      ("details", "table: list everything (every task, blocking call, log line, exception), not the first 10")
      ("no-trace", "json: leave out the trace (everything else stays)");
  return d;
}

// A long run's progress on stderr, when stderr is a terminal: the virtual
// time reached, redrawn in place at most five times a second, after the
// first second (a short run shows nothing). Wall-clock time appears only
// here, never in the results.
class RunProgress {
 public:
  explicit RunProgress(sim::Time end) : end_(end), start_(std::chrono::steady_clock::now()), last_(start_) {}

  void operator()(sim::Time now) {
    const auto t = std::chrono::steady_clock::now();
    if (t - start_ < std::chrono::seconds(1) || t - last_ < std::chrono::milliseconds(200)) return;
    last_ = t;
    const double wall = std::chrono::duration<double>(t - start_).count();
    auto seconds = [](sim::Time t) { return report::fixed(t, sim::kSecond, 1) + "s"; };
    std::string line = "concsim: running, virtual time " + seconds(now);
    if (end_ > 0 && end_ < sim::kTimeMax) line += " of at most " + seconds(end_);
    std::ostringstream w;
    w.setf(std::ios::fixed);
    w.precision(1);
    w << wall;
    line += ", " + w.str() + "s elapsed";
    // \x1b[K clears what a longer previous line left behind.
    std::cerr << '\r' << line << "\x1b[K" << std::flush;
    drawn_ = true;
  }
  ~RunProgress() {
    if (drawn_) std::cerr << "\r\x1b[K" << std::flush;
  }

 private:
  sim::Time end_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
  bool drawn_ = false;
};

}  // namespace

std::string run_help() {
  std::ostringstream out;
  out << "Usage: concsim run FILE [OPTIONS]\n\n"
         "Runs the workload in FILE and prints a summary (or JSON/CSV) of the run.\n\n";
  out << workload_options() << '\n' << output_options() << '\n' << guard_options();
  return out.str();
}

int cmd_run(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add(workload_options()).add(output_options()).add(guard_options());
  const po::variables_map vm = parse(args, desc, "run");
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "json" && format != "csv") {
    throw UsageError{"--format must be table, json or csv, got \"" + format + "\"", "run"};
  }
  const run::GuardLimits limits = guard_limits(vm, "run");
  run::RunGuard guard(limits);  // the clock starts here, loading included
  // The backstop allows for a step that runs long between two polls.
  run::arm_timeout_backstop(limits.timeout_seconds, std::max(5.0, limits.timeout_seconds / 10));
  const load::Document doc = load_document(files(vm)[0], vm);
  const load::Workload w = load::load_workload(doc);
  // Refused before anything is allocated for the run: exit code 2.
  run::check_estimate(run::estimate(w), limits, w, doc);
  run::limit_address_space(limits);
  run::RunOptions options;
  options.trace_phases = vm.count("trace-phases") > 0;
  guard.attach(options);
  run::RunOutput r;
  try {
    // The progress line lives as long as the run, and is cleared after it.
    std::optional<RunProgress> progress;
    if (::isatty(STDERR_FILENO) == 1) {
      progress.emplace(w.horizon);
      options.progress = [&progress](sim::Time now) { (*progress)(now); };
    }
    r = run::run_workload(w, options);
  } catch (const std::bad_alloc&) {
    // Growth within one event, which the guard's polls cannot see, ran into
    // the address-space limit: the run's state is gone, so nothing is written.
    std::cerr << "concsim: the run interrupted: out of memory (more than the address-space limit, 5/4 of "
                 "--max-memory or ulimit -v); no results were written\n";
    return kFailed;
  }
  guard.mark(r);

  std::ostringstream out;
  if (format == "json") {
    report::write_json(out, r, vm.count("no-trace") ? report::JsonDetail::kNoTrace : report::JsonDetail::kFull);
  } else if (format == "csv") {
    report::write_csv(out, r);
  } else {
    report::TableOptions table;
    table.details = vm.count("details") > 0;
    report::write_table(out, r, table);
  }
  if (vm.count("out")) {
    if (!write_output(vm["out"].as<std::string>(), out.str())) return kFailed;
  } else {
    std::cout << out.str() << std::flush;
  }
  if (vm.count("trace")) {
    std::ostringstream t;
    report::write_chrome_trace(t, r);
    if (!write_output(vm["trace"].as<std::string>(), t.str())) return kFailed;
  }
  if (vm.count("text-trace")) {
    std::ostringstream t;
    report::write_text_trace(t, r);
    if (!write_output(vm["text-trace"].as<std::string>(), t.str())) return kFailed;
  }
  if (r.exit_code != 0) {
    // The detail may quote what the program built (a raised message of
    // megabytes): stderr gets its start, the results have all of it.
    std::string detail = load::excerpt(r.detail, kMaxDetailBytes);
    if (r.detail.size() > kMaxDetailBytes) detail += "; the whole text is in the results";
    std::cerr << "concsim: the run " << r.status << (r.detail.empty() ? "" : ": " + detail) << '\n';
  }
  return r.exit_code;
}

}  // namespace concsim::cli
