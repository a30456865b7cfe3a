// concsim-harness: the real runs beside concsim's simulated ones.
//
//   concsim-harness run FILE --model threads|fibers [--connections N] [--set K=V]...
//                   [--fiber-stack BYTES] [--no-header]
//     runs the workload's server handler for real and prints one CSV row
//     (with a header line unless --no-header).
//   concsim-harness ring --channel condvar|pipe --threads N [--tokens T] [--rounds R]
//                   [--start-at DURATION_NS] [--no-header]
//     passes tokens round a ring of real threads (ring.h) and prints one CSV
//     row (with a header line unless --no-header).
//   concsim-harness predict-report DATA.csv --profile FILE --out FILE.md [--shipped NAME]
//                   [--meta KEY=VALUE]...
//     writes the host-prediction report (tools/predict.sh) and its charts.
//   concsim-harness report DATA.csv --profile FILE --out FILE.md [--meta KEY=VALUE]...
//     writes the validation report and its SVG charts beside it.
//
// Exit codes: 0 success, 1 a file could not be written, 2 bad input or usage.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/calibrate/proc.h"
#include "app/load/config.h"
#include "app/report/atomic_file.h"
#include "tools/harness/harness.h"
#include "tools/harness/prediction.h"
#include "tools/harness/report.h"
#include "tools/harness/ring.h"

namespace {

using namespace concsim;

constexpr int kUsage = 2;
constexpr long long kMaxConnections = 20000;

const char* kUsageText =
    "Usage:\n"
    "  concsim-harness run FILE --model threads|fibers [--connections N] [--set K=V]...\n"
    "                  [--fiber-stack BYTES] [--no-header]\n"
    "  concsim-harness ring --channel condvar|pipe --threads N [--tokens T] [--rounds R]\n"
    "                  [--start-at NS] [--no-header]\n"
    "  concsim-harness report DATA.csv --profile FILE --out FILE.md [--meta KEY=VALUE]...\n"
    "  concsim-harness predict-report DATA.csv --profile FILE --out FILE.md [--shipped NAME]\n"
    "                  [--meta KEY=VALUE]...\n";

struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

long long to_count(const std::string& flag, const std::string& v, long long lo, long long hi) {
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used == v.size() && n >= lo && n <= hi) return n;
  } catch (const std::logic_error&) {
  }
  std::string msg = flag;
  msg.append(": expected an integer ");
  msg.append(std::to_string(lo));
  msg.append("..");
  msg.append(std::to_string(hi));
  msg.append(", got \"");
  msg.append(v);
  msg.append("\"");
  throw Usage(msg);
}

int cmd_run(const std::vector<std::string>& args) {
  std::string file, model;
  long long connections = -1;
  long long stack = 64 * 1024;
  bool header = true;
  std::vector<std::string> sets;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw Usage(a + " needs a value");
      return args[++i];
    };
    if (a == "--model") {
      model = value();
    } else if (a == "--connections") {
      connections = to_count(a, value(), 1, kMaxConnections);
    } else if (a == "--fiber-stack") {
      stack = to_count(a, value(), 16 * 1024, 8 * 1024 * 1024);
    } else if (a == "--set") {
      sets.push_back(value());
    } else if (a == "--no-header") {
      header = false;
    } else if (!a.empty() && a[0] == '-') {
      throw Usage("unknown option " + a);
    } else if (file.empty()) {
      file = a;
    } else {
      throw Usage("expected one FILE");
    }
  }
  if (file.empty()) throw Usage("missing the FILE argument");
  if (model != "threads" && model != "fibers") throw Usage("--model: expected threads or fibers");
  load::Document doc = load::Document::load_file(file);
  for (const std::string& s : sets) doc.apply_override(s);
  const harness::ServerSpec spec = harness::read_server(doc);
  const long long n = connections > 0 ? connections : spec.connections;
  if (n > kMaxConnections) {
    throw Usage("the workload's " + std::to_string(n) + " connections are more than the harness runs (" +
                std::to_string(kMaxConnections) + "); use --connections");
  }
  const harness::RunResult r = model == "threads" ? harness::run_threads(spec, n)
                                                  : harness::run_fibers(spec, n, static_cast<std::size_t>(stack));
  if (header) std::cout << harness::csv_header();
  std::cout << harness::csv_row(r);
  if (!r.failure.empty()) std::cerr << "concsim-harness: " << r.failure << '\n';
  return 0;
}

int cmd_ring(const std::vector<std::string>& args) {
  harness::RingSpec spec;
  std::string channel;
  bool header = true;
  bool start_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw Usage(a + " needs a value");
      return args[++i];
    };
    if (a == "--channel") {
      channel = value();
    } else if (a == "--threads") {
      spec.threads = to_count(a, value(), 2, kMaxConnections);
    } else if (a == "--tokens") {
      spec.tokens = to_count(a, value(), 1, kMaxConnections);
    } else if (a == "--rounds") {
      spec.rounds = to_count(a, value(), 2, 100'000'000);
    } else if (a == "--start-at") {
      spec.start_at = to_count(a, value(), 0, 600'000'000'000LL);
      start_given = true;
    } else if (a == "--no-header") {
      header = false;
    } else {
      throw Usage("unknown option " + a);
    }
  }
  if (channel == "condvar") {
    spec.channel = harness::Channel::kCondvar;
  } else if (channel == "pipe") {
    spec.channel = harness::Channel::kPipe;
  } else {
    throw Usage("--channel: expected condvar or pipe");
  }
  if (spec.tokens > spec.threads) throw Usage("--tokens: at most --threads");
  // Room to create the threads first: 300 us each is three times what this
  // project's machines take (configs/claims/README.md C: ~96 us with the default stack).
  if (!start_given) spec.start_at = 20'000'000 + spec.threads * 300'000;
  const harness::RingResult r = harness::run_ring(spec);
  if (header) std::cout << harness::ring_csv_header();
  std::cout << harness::ring_csv_row(r);
  if (!r.failure.empty()) std::cerr << "concsim-harness: " << r.failure << '\n';
  return 0;
}

// Writes the charts beside `out`, then `out`; 0, or 1 with a message.
int write_report(const std::string& out, const std::string& markdown,
                 const std::vector<std::pair<std::string, std::string>>& charts) {
  const std::filesystem::path dir = std::filesystem::path(out).parent_path();
  std::string error;
  for (const auto& [name, svg] : charts) {
    if (!report::write_file_atomically((dir / name).string(), svg, &error)) {
      std::cerr << "concsim-harness: " << error << '\n';
      return 1;
    }
  }
  if (!report::write_file_atomically(out, markdown, &error)) {
    std::cerr << "concsim-harness: " << error << '\n';
    return 1;
  }
  return 0;
}

// The options both report commands take: DATA, --profile, --out, --meta and
// (predict-report) --shipped.
struct ReportArgs {
  std::string data, profile, out, shipped;
  std::vector<std::pair<std::string, std::string>> meta;
};

ReportArgs report_args(const std::vector<std::string>& args, bool shipped) {
  ReportArgs r;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw Usage(a + " needs a value");
      return args[++i];
    };
    if (a == "--profile") {
      r.profile = value();
    } else if (a == "--out") {
      r.out = value();
    } else if (a == "--shipped" && shipped) {
      r.shipped = value();
    } else if (a == "--meta") {
      const std::string kv = value();
      const std::size_t eq = kv.find('=');
      if (eq == std::string::npos) throw Usage("--meta: expected KEY=VALUE");
      r.meta.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else if (!a.empty() && a[0] == '-') {
      throw Usage("unknown option " + a);
    } else if (r.data.empty()) {
      r.data = a;
    } else {
      throw Usage("expected one DATA file");
    }
  }
  if (r.data.empty() || r.profile.empty() || r.out.empty()) throw Usage("a report needs DATA.csv, --profile and --out");
  return r;
}

int cmd_predict_report(const std::vector<std::string>& args) {
  const ReportArgs a = report_args(args, true);
  harness::PredictionInput in;
  const std::string text = calibrate::read_text(a.data);
  if (text.empty()) throw Usage("cannot read " + a.data);
  in.rows = harness::parse_ring_data(text);
  in.profile_text = calibrate::read_text(a.profile);
  in.meta = a.meta;
  in.shipped = a.shipped;
  in.chart_prefix = std::filesystem::path(a.out).stem().string();
  const harness::PredictionFiles files = harness::render_prediction(in);
  return write_report(a.out, files.markdown, files.charts);
}

int cmd_report(const std::vector<std::string>& args) {
  const ReportArgs a = report_args(args, false);
  harness::ReportInput in;
  const std::string text = calibrate::read_text(a.data);
  if (text.empty()) throw Usage("cannot read " + a.data);
  in.rows = harness::parse_data(text);
  in.profile_text = calibrate::read_text(a.profile);
  in.meta = a.meta;
  in.chart_prefix = std::filesystem::path(a.out).stem().string();
  const harness::ReportFiles files = harness::render_report(in);
  return write_report(a.out, files.markdown, files.charts);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      (args.empty() ? std::cerr : std::cout) << kUsageText;
      return args.empty() ? kUsage : 0;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "run") return cmd_run(rest);
    if (args[0] == "report") return cmd_report(rest);
    if (args[0] == "ring") return cmd_ring(rest);
    if (args[0] == "predict-report") return cmd_predict_report(rest);
    throw Usage("unknown command \"" + args[0] + "\"");
  } catch (const Usage& e) {
    std::cerr << "concsim-harness: " << e.what() << '\n' << kUsageText;
    return kUsage;
  } catch (const load::ConfigError& e) {
    std::cerr << e.what() << '\n';
    return kUsage;
  } catch (const std::runtime_error& e) {
    std::cerr << "concsim-harness: " << e.what() << '\n';
    return kUsage;
  }
}
