// concsim-harness: the real runs beside concsim's simulated ones.
//
//   concsim-harness run FILE --model threads|fibers [--connections N] [--set K=V]...
//                   [--fiber-stack BYTES] [--no-header]
//     runs the workload's server handler for real and prints one CSV row
//     (with a header line unless --no-header).
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
#include "tools/harness/report.h"

namespace {

using namespace concsim;

constexpr int kUsage = 2;
constexpr long long kMaxConnections = 20000;

const char* kUsageText =
    "Usage:\n"
    "  concsim-harness run FILE --model threads|fibers [--connections N] [--set K=V]...\n"
    "                  [--fiber-stack BYTES] [--no-header]\n"
    "  concsim-harness report DATA.csv --profile FILE --out FILE.md [--meta KEY=VALUE]...\n";

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

int cmd_report(const std::vector<std::string>& args) {
  std::string data, profile, out;
  std::vector<std::pair<std::string, std::string>> meta;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw Usage(a + " needs a value");
      return args[++i];
    };
    if (a == "--profile") {
      profile = value();
    } else if (a == "--out") {
      out = value();
    } else if (a == "--meta") {
      const std::string kv = value();
      const std::size_t eq = kv.find('=');
      if (eq == std::string::npos) throw Usage("--meta: expected KEY=VALUE");
      meta.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    } else if (!a.empty() && a[0] == '-') {
      throw Usage("unknown option " + a);
    } else if (data.empty()) {
      data = a;
    } else {
      throw Usage("expected one DATA file");
    }
  }
  if (data.empty() || profile.empty() || out.empty()) throw Usage("report needs DATA.csv, --profile and --out");
  harness::ReportInput in;
  std::string text = calibrate::read_text(data);
  if (text.empty()) throw Usage("cannot read " + data);
  in.rows = harness::parse_data(text);
  in.profile_text = calibrate::read_text(profile);
  in.meta = meta;
  in.chart_prefix = std::filesystem::path(out).stem().string();
  const harness::ReportFiles files = harness::render_report(in);
  const std::filesystem::path dir = std::filesystem::path(out).parent_path();
  std::string error;
  for (const auto& [name, svg] : files.charts) {
    if (!report::write_file_atomically((dir / name).string(), svg, &error)) {
      std::cerr << "concsim-harness: " << error << '\n';
      return 1;
    }
  }
  if (!report::write_file_atomically(out, files.markdown, &error)) {
    std::cerr << "concsim-harness: " << error << '\n';
    return 1;
  }
  return 0;
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
