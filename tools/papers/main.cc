// concsim-papers: the ablation and sensitivity study of a published figure
// (tools/papers.sh ablation; reports/papers/seda-2001-fig2-ablation).
//
//   concsim-papers study FILE --out DIR [--set K=V]... [--mechanisms LIST]
//                  [--sensitivity-at LIST] [--jobs N]
//     writes DIR/report.md, DIR/data.csv and the charts (study.h).
//
// Exit codes: 0 success, 1 a run failed or a file could not be written,
// 2 bad input or usage.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/load/config.h"
#include "app/report/atomic_file.h"
#include "tools/papers/study.h"

namespace {

using namespace concsim;

const char* kUsage =
    "Usage:\n"
    "  concsim-papers study FILE --out DIR [--set K=V]... [--mechanisms LIST] [--sensitivity-at LIST]\n"
    "                 [--jobs N]\n";

struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<std::string> list(const std::string& text) {
  std::vector<std::string> out(1);
  for (const char c : text) {
    if (c == ',') {
      out.emplace_back();
    } else if (c != ' ') {
      out.back().push_back(c);
    }
  }
  for (const std::string& s : out) {
    if (s.empty()) throw Usage("empty item in the list \"" + text + "\"");
  }
  return out;
}

int study(const std::vector<std::string>& args) {
  papers::StudyInput in;
  in.mechanisms = {"none", "switch", "pick", "lock", "cache", "futex", "ipi", "faults"};
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw Usage(a + " needs a value");
      return args[++i];
    };
    if (a == "--out") {
      out = value();
    } else if (a == "--set") {
      in.overrides.push_back(value());
    } else if (a == "--mechanisms") {
      in.mechanisms = list(value());
    } else if (a == "--sensitivity-at") {
      in.sensitivity_at = list(value());
    } else if (a == "--jobs") {
      const std::string& v = value();
      try {
        in.jobs = std::stoi(v);
      } catch (const std::logic_error&) {
        in.jobs = 0;
      }
      if (in.jobs < 1 || in.jobs > 256) throw Usage("--jobs: expected 1..256, got \"" + v + "\"");
    } else if (!a.empty() && a[0] == '-') {
      throw Usage("unknown option " + a);
    } else if (in.workload.empty()) {
      in.workload = a;
    } else {
      throw Usage("expected one FILE");
    }
  }
  if (in.workload.empty() || out.empty()) throw Usage("study needs FILE and --out");
  if (in.mechanisms.empty() || in.mechanisms.front() != "none") throw Usage("--mechanisms: the first must be none");
  const papers::StudyResult r = papers::run_study(in);
  for (const std::string& p : in.sensitivity_at) {
    if (std::find(r.points.begin(), r.points.end(), p) == r.points.end()) {
      throw Usage("--sensitivity-at: " + p + " is not a published point of " + in.workload);
    }
  }
  const papers::StudyFiles files = papers::render_study(in, r);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  std::string error;
  const std::filesystem::path dir(out);
  for (const auto& [name, svg] : files.charts) {
    if (!report::write_file_atomically((dir / name).string(), svg, &error)) {
      std::cerr << "concsim-papers: " << error << '\n';
      return 1;
    }
  }
  if (!report::write_file_atomically((dir / "data.csv").string(), files.csv, &error) ||
      !report::write_file_atomically((dir / "report.md").string(), files.markdown, &error)) {
    std::cerr << "concsim-papers: " << error << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
      (args.empty() ? std::cerr : std::cout) << kUsage;
      return args.empty() ? 2 : 0;
    }
    if (args[0] == "study") return study(std::vector<std::string>(args.begin() + 1, args.end()));
    throw Usage("unknown command \"" + args[0] + "\"");
  } catch (const Usage& e) {
    std::cerr << "concsim-papers: " << e.what() << '\n' << kUsage;
    return 2;
  } catch (const load::ConfigError& e) {
    std::cerr << e.what() << '\n';
    return 2;
  } catch (const std::runtime_error& e) {
    std::cerr << "concsim-papers: " << e.what() << '\n';
    return 1;
  }
}
