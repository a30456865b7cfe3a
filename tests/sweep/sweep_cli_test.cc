// The sweep, merge, baseline and check commands through the binary, as a
// user (or CI, or a Slurm job array) runs them. Sweeps here are a few points
// of at most a few thousand simulated connections, so the suite stays fast.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/sweep/csv.h"
#include "app/sweep/decimal.h"
#include "app/sweep/figures.h"
#include "app/sweep/json_value.h"

namespace concsim::sweep {
namespace {

namespace fs = std::filesystem;

const char* const kWorkload = "tests/sweep/data/clients.yaml";

struct Result {
  int code;
  std::string out;
  std::string err;
};

std::string bin() {
  const char* b = std::getenv("CONCSIM_BIN");
  return b != nullptr ? b : "build/app/concsim";
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A directory of its own for each test, empty at the start.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("concsim-sweep-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Runs a shell command line, capturing stdout and stderr.
Result shell(const std::string& command, const fs::path& dir) {
  const std::string out = (dir / "stdout").string();
  const std::string err = (dir / "stderr").string();
  const int status = std::system((command + " >" + out + " 2>" + err).c_str());
  return Result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

Result concsim(const std::string& args, const fs::path& dir) { return shell(bin() + " " + args, dir); }

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Every file of the report and every point file, byte for byte.
void expect_same_sweep(const fs::path& a, const fs::path& b) {
  std::vector<std::string> files_a = names_in(a);
  std::vector<std::string> files_b = names_in(b);
  EXPECT_EQ(files_a, files_b);
  EXPECT_NE(std::find(files_a.begin(), files_a.end(), "report.md"), files_a.end());
  for (const std::string& f : files_a) EXPECT_EQ(slurp(a / f), slurp(b / f)) << f;
  EXPECT_EQ(names_in(a / "points"), names_in(b / "points"));
  for (const std::string& f : names_in(a / "points")) {
    EXPECT_EQ(slurp(a / "points" / f), slurp(b / "points" / f)) << f;
  }
}

const std::string kGrid = "--vary connections=50,100 --models async,threads";

// A number as the baselines write it: two decimals.
std::string report_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

TEST(SweepCli, JobsAndValueOrderDoNotChangeTheBytes) {
  const fs::path dir = scratch("jobs");
  ASSERT_EQ(concsim(std::string("sweep ") + kWorkload + " " + kGrid + " --jobs 1 --out " + (dir / "one").string(),
                    dir).code, 0);
  const Result two = concsim(std::string("sweep ") + kWorkload + " " + kGrid + " --jobs 2 --out " +
                                 (dir / "two").string(), dir);
  ASSERT_EQ(two.code, 0) << two.err;
  expect_same_sweep(dir / "one", dir / "two");
  EXPECT_EQ(names_in(dir / "one" / "points").size(), 4u);
  // Values in another order: another grid order, the same point results.
  ASSERT_EQ(concsim(std::string("sweep ") + kWorkload +
                        " --vary connections=100,50 --models threads,async --jobs 2 --out " +
                        (dir / "reversed").string(), dir).code, 0);
  for (const std::string& f : names_in(dir / "one" / "points")) {
    EXPECT_EQ(slurp(dir / "one" / "points" / f), slurp(dir / "reversed" / "points" / f)) << f;
  }
}

TEST(SweepCli, ProgressIsPlainLinesWhenStderrIsNotATerminal) {
  const fs::path dir = scratch("progress");
  const Result r = concsim(std::string("sweep ") + kWorkload + " " + kGrid + " --jobs 1 --out " +
                               (dir / "s").string(), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_TRUE(std::regex_search(r.err, std::regex("point 1/4 connections=50 model=async: completed in [0-9]+\\.[0-9]s\n")))
      << r.err;
  EXPECT_NE(r.err.find("point 4/4 connections=100 model=threads: completed in "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);
}

TEST(SweepCli, AnExistingSweepNeedsResumeOrAnotherOut) {
  const fs::path dir = scratch("exists");
  const std::string args = std::string("sweep ") + kWorkload + " " + kGrid + " --out " + (dir / "s").string();
  ASSERT_EQ(concsim(args, dir).code, 0);
  const std::string report = slurp(dir / "s" / "report.md");
  const Result again = concsim(args, dir);
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.err.find("pass --resume to continue it, or choose another --out"), std::string::npos) << again.err;
  // The message names the member that differs, whole.
  const Result other = concsim(args + " --resume --seed 99", dir);
  EXPECT_EQ(other.code, 2);
  EXPECT_NE(other.err.find("holds another sweep (it has \"seed\": 7, this sweep \"seed\": 99)"), std::string::npos)
      << other.err;
  const Result fewer = concsim(std::string("sweep ") + kWorkload + " --vary connections=50 --models async,threads --out " +
                                   (dir / "s").string() + " --resume",
                               dir);
  EXPECT_EQ(fewer.code, 2);
  EXPECT_NE(fewer.err.find("(it has \"values\": [\"50\", \"100\"], this sweep \"values\": [\"50\"])"),
            std::string::npos)
      << fewer.err;
  EXPECT_EQ(slurp(dir / "s" / "report.md"), report);
}

TEST(SweepCli, ResumeRecomputesOnlyMissingOrBrokenPoints) {
  const fs::path dir = scratch("resume");
  const std::string args = std::string("sweep ") + kWorkload + " " + kGrid + " --jobs 2 --out " + (dir / "s").string();
  ASSERT_EQ(concsim(args, dir).code, 0);
  const fs::path copy = dir / "copy";
  fs::copy(dir / "s", copy, fs::copy_options::recursive);
  const fs::path gone = dir / "s" / "points" / "connections=100,model=async.json";
  fs::remove(gone);
  Result r = concsim(args + " --resume", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("ran 1, skipped 3 done before"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("connections=100 model=async: completed in"), std::string::npos) << r.err;
  expect_same_sweep(dir / "s", copy);
  // A file cut short is not complete: it runs again.
  const fs::path cut = dir / "s" / "points" / "connections=50,model=threads.json";
  const std::string whole = slurp(cut);
  std::ofstream(cut, std::ios::binary) << whole.substr(0, whole.size() / 2);
  r = concsim(args + " --resume", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("ran 1, skipped 3 done before"), std::string::npos) << r.err;
  expect_same_sweep(dir / "s", copy);
}

// Starts `args` (args[0] the binary) in the background with stderr in
// `err`; returns its pid, or -1.
pid_t start(const std::vector<std::string>& args, const fs::path& err) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits (up to a minute) until `path` exists: a point finished.
void wait_for_file(const fs::path& path) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(path) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

TEST(SweepCli, ASweepKilledPartWayResumesToTheSameBytes) {
  const fs::path dir = scratch("killed");
  const fs::path out = dir / "s";
  // The first point is quick; the others take long enough to be killed in.
  const std::vector<std::string> args{bin(), "sweep", kWorkload, "--vary", "connections=50,6000,6001", "--models",
                                      "async", "--jobs", "1", "--out", out.string()};
  const pid_t pid = start(args, "/dev/null");
  ASSERT_GE(pid, 0);
  const fs::path first = out / "points" / "connections=50,model=async.json";
  wait_for_file(first);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep ended before it could be killed";
  ASSERT_TRUE(fs::exists(first));
  EXPECT_FALSE(fs::exists(out / "report.md"));
  EXPECT_LT(names_in(out / "points").size(), 3u);

  std::string resume;
  for (std::size_t i = 1; i < args.size(); ++i) resume += " " + args[i];
  const Result r = concsim(resume + " --resume", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("connections=50 model=async: done before, skipped"), std::string::npos) << r.err;
  std::string whole;
  for (std::size_t i = 1; i + 1 < args.size(); ++i) whole += " " + args[i];
  ASSERT_EQ(concsim(whole + " " + (dir / "whole").string(), dir).code, 0);
  expect_same_sweep(out, dir / "whole");
  for (const std::string& f : names_in(out / "points")) EXPECT_EQ(f.find(".tmp."), std::string::npos) << f;
}

// SIGINT (Ctrl-C) or SIGTERM (a CI job cancelled) while points run: the
// sweep stops starting points, drops the ones it was in the middle of,
// keeps the finished ones, says how to continue and exits 128 + the signal.
// Resuming then finishes the sweep.
void interrupt_and_resume(int sig, const std::string& name) {
  const fs::path dir = scratch(name);
  const fs::path out = dir / "s";
  const fs::path log = dir / "interrupted.err";
  // The first point is quick; the others (about half a second each) are
  // still running when the signal comes.
  const std::vector<std::string> args{bin(), "sweep", kWorkload, "--vary", "connections=50,20000,20001", "--models",
                                      "async", "--jobs", "1", "--out", out.string()};
  const pid_t pid = start(args, log);
  ASSERT_GE(pid, 0);
  const fs::path first = out / "points" / "connections=50,model=async.json";
  wait_for_file(first);
  const std::string first_bytes = slurp(first);
  ::kill(pid, sig);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string err = slurp(log);
  ASSERT_TRUE(WIFEXITED(status)) << "the sweep did not handle the signal itself\n" << err;
  ASSERT_EQ(WEXITSTATUS(status), 128 + sig) << err;
  EXPECT_NE(err.find(std::string("interrupted by ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                     ": 1 of 3 points have their results in " + out.string() +
                     " (1 finished by this run), 2 not run or cut short; continue with the same command and --resume"),
            std::string::npos)
      << err;
  // The finished point is untouched; the cut-short ones left nothing, not
  // even a temporary file; there is no report of a sweep half done.
  EXPECT_EQ(names_in(out / "points"), std::vector<std::string>{"connections=50,model=async.json"});
  EXPECT_EQ(slurp(first), first_bytes);
  EXPECT_FALSE(fs::exists(out / "report.md"));

  std::string resume;
  for (std::size_t i = 1; i < args.size(); ++i) resume += " " + args[i];
  const Result r = concsim(resume + " --resume", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("ran 2, skipped 1 done before"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(out / "report.md"));
  EXPECT_EQ(names_in(out / "points").size(), 3u);
}

// A point file keeps the run's figures, not its per-task records: a point
// of a million connections stays as small as a point of two thousand.
TEST(SweepCli, PointFilesKeepFiguresNotPerTaskRecords) {
  const fs::path dir = scratch("figures-only");
  const Result r = concsim(std::string("sweep ") + kWorkload + " --vary connections=2000 --models async --out " +
                               (dir / "s").string(),
                           dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string point = slurp(dir / "s" / "points" / "connections=2000,model=async.json");
  EXPECT_EQ(point.find("\"tasks\":"), std::string::npos);
  EXPECT_EQ(point.find("\"trace\":"), std::string::npos);
  // main and one task per connection, counted rather than listed.
  EXPECT_NE(point.find("\"tasks_total\": 2001"), std::string::npos) << point.substr(0, 400);
  EXPECT_LT(point.size(), 8192u);
}

TEST(SweepCli, SigintStopsTheSweepKeepingFinishedPointsForResume) { interrupt_and_resume(SIGINT, "sigint"); }

TEST(SweepCli, SigtermStopsTheSweepKeepingFinishedPointsForResume) { interrupt_and_resume(SIGTERM, "sigterm"); }

std::string paragraph_with(const std::string& text, const std::string& start) {
  const std::size_t a = text.find(start);
  if (a == std::string::npos) return "";
  return text.substr(a, text.find("\n\n", a) - a);
}

TEST(SweepCli, TheReportHasItsChartsAndItsSummaryIsTheData) {
  const fs::path dir = scratch("report");
  const fs::path s = dir / "s";
  const Result r = concsim(std::string("sweep ") + kWorkload + " --vary connections=10,100,1000 --models async,threads"
                                                               " --jobs 2 --out " + s.string(), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string report = slurp(s / "report.md");
  for (const char* chart : {"throughput", "latency_p50", "latency_p99", "memory_resident", "memory_reserved",
                            "context_switches", "cpu", "loop"}) {
    const std::string file = std::string(chart) + ".svg";
    EXPECT_NE(report.find("](" + file + ")"), std::string::npos) << file;
    const std::string svg = slurp(s / file);
    EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u) << file;
    EXPECT_NE(svg.find("async"), std::string::npos) << file;
    // The loop chart is the event loop's alone.
    EXPECT_EQ(svg.find("threads") != std::string::npos, file != "loop.svg") << file;
  }
  // 10 to 1000 spans two decades: a log x axis, one line per model, axis
  // labels with units.
  const std::string throughput = slurp(s / "throughput.svg");
  EXPECT_NE(throughput.find("connections (log scale)"), std::string::npos);
  EXPECT_NE(throughput.find("throughput (tasks/s)"), std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = throughput.find("<polyline"); at != std::string::npos; at = throughput.find("<polyline", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 2u);
  EXPECT_NE(slurp(s / "latency_p99.svg").find("p99 latency ("), std::string::npos);
  EXPECT_NE(slurp(s / "cpu.svg").find("switching"), std::string::npos);
  EXPECT_NE(slurp(s / "loop.svg").find("blocked"), std::string::npos);
  for (const char* section : {"## Set-up", "## Results", "## Charts", "## Limits", "## Summary"}) {
    EXPECT_NE(report.find(section), std::string::npos) << section;
  }

  // The summary's figures, recomputed here from data.json.
  std::string error;
  const std::optional<JsonValue> data = parse_json(slurp(s / "data.json"), &error);
  ASSERT_TRUE(data) << error;
  const std::string summary = paragraph_with(report, "At connections=1000, async completed");
  ASSERT_FALSE(summary.empty()) << report;
  std::string expected = "At connections=1000, ";
  for (const JsonValue& p : data->find("points")->items()) {
    if (p.text_at("values.connections") != "1000") continue;
    const JsonValue& m = *p.find("metrics");
    if (expected.back() != ' ') expected += "; ";
    expected += p.text_at("model");
    expected += " completed " + m.text_at("throughput_per_s") + " tasks/s with a p99 latency of " +
                human_duration(m.int_at("latency_ns.p99")) + ", using " +
                human_size(m.int_at("memory_bytes.peak_resident")) + " resident and " +
                human_size(m.int_at("memory_bytes.peak_reserved")) + " reserved memory, and spent " +
                percent(m.int_at("cpu.switch_ns"), m.int_at("cpu.cores") * p.int_at("end_time_ns")) +
                " of core time switching context";
  }
  EXPECT_EQ(summary, expected + ".");
  // And data.csv has a row per point with the CSV writer's columns.
  const std::string csv = slurp(s / "data.csv");
  EXPECT_EQ(csv.rfind("connections,model,workload,machine,seed,status,end_time_ns,", 0), 0u) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
  EXPECT_NE(csv.find("\n1000,threads,clients,linux-modern,"), std::string::npos);
}

TEST(SweepCli, TheFirstLimitEachModelHitsIsReported) {
  const fs::path dir = scratch("limits");
  const fs::path machine = dir / "small.yaml";
  std::ofstream(machine) << "name: small\nextends: linux-modern\nlimits:\n  max_threads: 80\n";
  const fs::path s = dir / "s";
  const Result r = concsim(std::string("sweep ") + kWorkload + " --vary connections=50,100,200 --models async,threads"
                                                               " --set machine=" + machine.string() +
                               " --allow-failures --out " + s.string(), dir);
  // main could not start every thread: a failure, accepted here and listed.
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("concsim: note: 2 of 6 points did not run to a clean end:\n"
                       "  connections=100 model=threads: completed; main raised RuntimeError('can't start new thread')\n"),
            std::string::npos)
      << r.err;
  std::string error;
  const std::optional<JsonValue> data = parse_json(slurp(s / "data.json"), &error);
  ASSERT_TRUE(data) << error;
  const JsonValue* first = nullptr;
  for (const JsonValue& p : data->find("points")->items()) {
    const JsonValue* hit = p.path("metrics.limit_hit");
    if (first == nullptr && hit != nullptr && hit->is_object()) first = &p;
    if (p.text_at("model") == "async") {
      EXPECT_TRUE(hit != nullptr && hit->is_null());
    }
  }
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->text_at("point"), "connections=100 model=threads");
  const std::string at = human_duration(first->int_at("metrics.limit_hit.at_ns"));
  const std::string threads = first->text_at("metrics.limit_hit.threads");
  const std::string report = slurp(s / "report.md");
  EXPECT_NE(report.find("| threads | the thread limit (threads) | connections=100 model=threads | " + at + " | " +
                        threads + " |\n"),
            std::string::npos) << report;
  EXPECT_NE(report.find("| async | none |"), std::string::npos);
  EXPECT_NE(report.find("async hit none at any point; threads hit the thread limit first at connections=100, " + at +
                        " into the run, with " + threads + " threads."),
            std::string::npos) << report;
}

TEST(SweepCli, HostileNamesAreEscapedEverywhere) {
  const fs::path dir = scratch("hostile");
  const fs::path w = dir / "w.yaml";
  std::ofstream(w) << "name: \"<script>alert(1)</script> a|b\"\n"
                      "description: \"| *x* <b>&\"\n"
                      "shared: {tag: plain}\n"
                      "main:\n  - cpu: 1ms\n  - log: \"{tag}\"\n";
  const fs::path s = dir / "s";
  const Result sweep = concsim("sweep " + w.string() + " --vary 'shared.tag=a|b,<c>,x y' --out " + s.string(), dir);
  ASSERT_EQ(sweep.code, 0) << sweep.err;
  const std::string report = slurp(s / "report.md");
  EXPECT_EQ(report.find("<script"), std::string::npos);
  EXPECT_EQ(report.find("<c>"), std::string::npos);
  EXPECT_NE(report.find("# Sweep: &lt;script&gt;alert\\(1\\)&lt;/script&gt; a\\|b\n"), std::string::npos) << report;
  EXPECT_NE(report.find("| a\\|b | async |"), std::string::npos) << report;
  EXPECT_NE(report.find("| &lt;c&gt; | async |"), std::string::npos) << report;
  // Every table row has as many cells as its header.
  std::istringstream lines(report);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("| ---", 0) != 0) continue;
    std::size_t unescaped = 0;
    for (std::size_t i = 0; i < line.size(); ++i) unescaped += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    EXPECT_GT(unescaped, 2u);
  }
  for (const std::string& f : names_in(s)) {
    if (f.size() < 4 || f.substr(f.size() - 4) != ".svg") continue;
    const std::string svg = slurp(s / f);
    EXPECT_EQ(svg.find("<script"), std::string::npos) << f;
    EXPECT_EQ(svg.find("<c>"), std::string::npos) << f;
  }
  EXPECT_TRUE(parse_json(slurp(s / "data.json"), nullptr));
  EXPECT_NE(slurp(s / "data.csv").find("\na|b,async,<script>alert(1)</script> a|b,ideal,"), std::string::npos);
  EXPECT_EQ(names_in(s / "points"),
            (std::vector<std::string>{"shared.tag=%3Cc%3E,model=async.json", "shared.tag=a%7Cb,model=async.json",
                                      "shared.tag=x%20y,model=async.json"}));
}

TEST(SweepCli, ShardsMergeIntoTheUnshardedSweep) {
  const fs::path dir = scratch("shards");
  const std::string base = std::string("sweep ") + kWorkload + " --vary connections=50,100,200 --models async,threads";
  ASSERT_EQ(concsim(base + " --out " + (dir / "whole").string(), dir).code, 0);
  std::string shards;
  for (int k = 1; k <= 3; ++k) {
    const fs::path shard = dir / ("shard" + std::to_string(k));
    const Result r = concsim(base + " --shard " + std::to_string(k) + "/3 --out " + shard.string(), dir);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(names_in(shard / "points").size(), 2u);
    EXPECT_FALSE(fs::exists(shard / "report.md"));
    shards += " " + shard.string();
  }
  const Result missing = concsim("merge " + (dir / "shard1").string() + " --out " + (dir / "partial").string(), dir);
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("4 of 6 points are in none of the directories"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(dir / "partial"));
  const Result m = concsim("merge" + shards + " --out " + (dir / "merged").string(), dir);
  ASSERT_EQ(m.code, 0) << m.err;
  expect_same_sweep(dir / "whole", dir / "merged");
  // A shard of another sweep is refused.
  ASSERT_EQ(concsim(base + " --seed 5 --shard 1/3 --out " + (dir / "other").string(), dir).code, 0);
  const Result other = concsim("merge" + shards + " " + (dir / "other").string() + " --out " +
                                   (dir / "merged2").string(), dir);
  EXPECT_EQ(other.code, 2);
  EXPECT_NE(other.err.find("holds another sweep"), std::string::npos) << other.err;
}

TEST(SweepCli, GnuParallelRunsTheShards) {
  if (std::system("command -v parallel >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "GNU parallel is not installed (Debian package `parallel`)";
  }
  const fs::path dir = scratch("parallel");
  const std::string sweep = std::string("sweep ") + kWorkload + " --vary connections=50,100,200 --models async,threads";
  ASSERT_EQ(concsim(sweep + " --out " + (dir / "whole").string(), dir).code, 0);
  const Result p = shell("parallel --will-cite " + bin() + " " + sweep + " --jobs 1 --shard {}/3 --out " +
                             (dir / "shard{}").string() + " ::: 1 2 3", dir);
  ASSERT_EQ(p.code, 0) << p.err;
  const Result m = concsim("merge " + (dir / "shard1").string() + " " + (dir / "shard2").string() + " " +
                               (dir / "shard3").string() + " --out " + (dir / "merged").string(), dir);
  ASSERT_EQ(m.code, 0) << m.err;
  for (const char* f : {"report.md", "data.csv", "data.json"}) {
    EXPECT_EQ(slurp(dir / "whole" / f), slurp(dir / "merged" / f)) << f;
  }
  expect_same_sweep(dir / "whole", dir / "merged");
}

// A copy of linux-modern with the context switch 20 % dearer.
void write_machine(const fs::path& path, bool perturbed) {
  std::string text = slurp("configs/machines/linux-modern.yaml");
  if (perturbed) {
    const std::regex cost("(context_switch: \\{value: )([0-9]+)(us|ns)");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(text, m, cost));
    std::int64_t ns = std::stoll(m[2].str()) * (m[3].str() == "us" ? 1000 : 1);
    ns = ns * 6 / 5;
    text = m.prefix().str() + m[1].str() + std::to_string(ns) + "ns" + m.suffix().str();
  }
  std::ofstream(path) << text;
}

TEST(SweepCli, CheckCatchesAPerturbedMachineAndPassesAgainstItself) {
  const fs::path dir = scratch("check");
  const fs::path machine = dir / "m.yaml";
  write_machine(machine, false);
  const fs::path s = dir / "s";
  ASSERT_EQ(concsim(std::string("sweep ") + kWorkload + " " + kGrid + " --set machine=" + machine.string() +
                        " --out " + s.string(), dir).code, 0);
  const fs::path baseline = dir / "baseline.json";
  const Result b = concsim("baseline " + s.string() + " -o " + baseline.string(), dir);
  ASSERT_EQ(b.code, 0) << b.err;
  const std::string json = slurp(baseline);
  for (const char* key : {"\"workload\": \"tests/sweep/data/clients.yaml\"", "\"workload_hash\": \"fnv1a64:",
                          "\"overrides\"", "\"vary\"", "\"models\"", "\"seed\": 7", "\"cpu_switch_ns\": "}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }

  Result same = concsim("check " + baseline.string() + " --jobs 2", dir);
  EXPECT_EQ(same.code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("no differences"), std::string::npos) << same.out;

  write_machine(machine, true);
  const Result changed = concsim("check " + baseline.string() + " --jobs 2", dir);
  EXPECT_EQ(changed.code, 1) << changed.out << changed.err;
  EXPECT_NE(changed.out.find("metric"), std::string::npos);
  EXPECT_TRUE(std::regex_search(changed.out, std::regex("\ncpu_switch_ns +connections=50 model=threads +[0-9]+ +[0-9]+ "
                                                        "+\\+[0-9.]+% +0% +BEYOND\n")))
      << changed.out;
  EXPECT_NE(changed.out.find("beyond tolerance, in "), std::string::npos);
  EXPECT_NE(changed.out.find("cpu_switch_ns"), std::string::npos);
  // The event loop pays no context switches: its points do not change.
  EXPECT_EQ(changed.out.find("model=async"), std::string::npos) << changed.out;
  const Result tolerated = concsim("check " + baseline.string() + " --tolerance '*=150%'", dir);
  EXPECT_EQ(tolerated.code, 0) << tolerated.out;
  EXPECT_NE(tolerated.out.find("every difference is within its tolerance"), std::string::npos);

  // A baseline of the perturbed machine passes against itself.
  const fs::path s2 = dir / "s2";
  ASSERT_EQ(concsim(std::string("sweep ") + kWorkload + " " + kGrid + " --set machine=" + machine.string() +
                        " --out " + s2.string(), dir).code, 0);
  ASSERT_EQ(concsim("baseline " + s2.string() + " -o " + (dir / "b2.json").string(), dir).code, 0);
  EXPECT_EQ(concsim("check " + (dir / "b2.json").string(), dir).code, 0);

  for (const char* bad : {"--tolerance cpu_swich_ns=5%", "--tolerance cpu_switch_ns=5", "--jobs 0"}) {
    const Result r = concsim("check " + baseline.string() + " " + bad, dir);
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_TRUE(r.out.empty()) << bad;
  }
  EXPECT_EQ(concsim("baseline " + (dir / "nothing").string() + " -o " + (dir / "b3.json").string(), dir).code, 2);
  EXPECT_FALSE(fs::exists(dir / "b3.json"));
}

TEST(SweepCli, BadInputExitsTwoAndWritesNothing) {
  const fs::path dir = scratch("bad");
  const fs::path out = dir / "s";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--vary connections", "expected KEY=V1,V2,..."},
      {"--vary connections=50,abc", "point connections=abc model=async: --set:1:13: connections: expected an integer"},
      {"--vary conections=50", "did you mean \"connections\""},
      {"--vary connections=50 --models async,thread", "--models: unknown model \"thread\"; did you mean \"threads\"?"},
      {"--vary connections=50 --jobs 0", "--jobs \"0\""},
      {"--vary connections=50 --shard 4/3", "--shard \"4/3\""},
      {"--vary connections=50,50", "given twice"},
      {"--vary model=async", "--models"},
      {"--vary connections=50 --seed -1", "--seed"},
  };
  for (const auto& [args, message] : cases) {
    const Result r = concsim(std::string("sweep ") + kWorkload + " " + args + " --out " + out.string(), dir);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
    EXPECT_FALSE(fs::exists(out)) << args;
  }
  const Result no_out = concsim(std::string("sweep ") + kWorkload + " --vary connections=50", dir);
  EXPECT_EQ(no_out.code, 2);
  EXPECT_NE(no_out.err.find("missing --out DIR"), std::string::npos);
}

TEST(SweepCli, AWorkloadMayNeedItsVariedKeysToBeComplete) {
  const fs::path dir = scratch("incomplete");
  const fs::path w = dir / "w.yaml";
  // Without `connections` the program reads a variable that does not exist.
  std::string text = slurp(kWorkload);
  const std::string line = "connections: 50\n";
  ASSERT_NE(text.find(line), std::string::npos);
  text.erase(text.find(line), line.size());
  std::ofstream(w) << text;
  EXPECT_EQ(concsim("run " + w.string(), dir).code, 2);
  const Result r = concsim("sweep " + w.string() + " --vary connections=10,20 --out " + (dir / "s").string(), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(names_in(dir / "s" / "points").size(), 2u);
}

TEST(SweepCli, TheWorkloadsSweepSectionGivesDefaultsAndPublishedFigures) {
  const fs::path dir = scratch("section");
  const fs::path w = dir / "w.yaml";
  std::ofstream(w) << slurp(kWorkload)
                   << "sweep:\n"
                      "  vary: {connections: [10, 20, 40]}\n"
                      "  models: [async, threads]\n"
                      "  published: {source: \"Paper <X>\", metric: throughput_per_s, key: connections,\n"
                      "              points: {10: 700, 40: 2000.5}}\n";
  const fs::path s = dir / "s";
  const Result r = concsim("sweep " + w.string() + " --out " + s.string(), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(names_in(s / "points").size(), 6u);
  const std::string report = slurp(s / "report.md");
  EXPECT_NE(report.find("| published throughput\\_per\\_s | measured vs published |"), std::string::npos) << report;
  // The relative error per point, from the point's own figure.
  std::string error;
  const std::optional<JsonValue> data = parse_json(slurp(s / "data.json"), &error);
  ASSERT_TRUE(data) << error;
  const JsonValue& first = data->find("points")->items()[0];
  ASSERT_EQ(first.text_at("point"), "connections=10 model=async");
  const std::string change = percent_change(*parse_decimal("700"), *parse_decimal(first.text_at("metrics.throughput_per_s")));
  EXPECT_NE(report.find("| 10 | async | completed | " + first.text_at("metrics.completed") + " / 0 | " +
                        first.text_at("metrics.throughput_per_s")),
            std::string::npos);
  EXPECT_NE(report.find(" | 700 | " + change + " |\n"), std::string::npos) << report;
  EXPECT_NE(report.find("Against the published figures (Paper &lt;X&gt;)"), std::string::npos);
  const std::string svg = slurp(s / "throughput.svg");
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  // The legend names the source whole, under "published".
  EXPECT_NE(svg.find(">published</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Paper &lt;X&gt;</text>"), std::string::npos);
  // The command line replaces the section's values.
  const Result cli = concsim("sweep " + w.string() + " --vary connections=15 --models threads --out " +
                                 (dir / "cli").string(), dir);
  ASSERT_EQ(cli.code, 0) << cli.err;
  EXPECT_EQ(names_in(dir / "cli" / "points"), (std::vector<std::string>{"connections=15,model=threads.json"}));
  // A bad section is a located error.
  const fs::path bad = dir / "bad.yaml";
  std::ofstream(bad) << slurp(kWorkload) << "sweep:\n  published: {source: s, metric: thruput, key: connections, "
                                           "points: {1: 2}}\n";
  const Result located = concsim("sweep " + bad.string() + " --out " + (dir / "never").string(), dir);
  EXPECT_EQ(located.code, 2);
  EXPECT_NE(located.err.find("sweep.published.metric: unknown metric \"thruput\""), std::string::npos) << located.err;
  EXPECT_FALSE(fs::exists(dir / "never"));
}

TEST(SweepCli, PointsThatFailMakeTheSweepExitOneAndAreNamed) {
  const fs::path dir = scratch("failures");
  const fs::path machine = dir / "small.yaml";
  std::ofstream(machine) << "name: small\nextends: linux-modern\nlimits:\n  max_threads: 80\n";
  const Result r = concsim(std::string("sweep ") + kWorkload + " --vary connections=50,100 --models async,threads"
                                                               " --set machine=" + machine.string() + " --out " +
                               (dir / "s").string(), dir);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("concsim: 1 of 4 points did not run to a clean end:\n  connections=100 model=threads: "
                       "completed; main raised RuntimeError('can't start new thread')\n"
                       "concsim: exit 1; pass --allow-failures if these are the results you expect\n"),
            std::string::npos)
      << r.err;
  // The results are written all the same.
  EXPECT_TRUE(fs::exists(dir / "s" / "report.md"));
  // A stalled point fails too.
  const fs::path w = dir / "stall.yaml";
  std::ofstream(w) << "shared: {n: 1}\nsync: {e: {kind: event}}\nmain:\n  - if: {cond: \"n > 1\", then: [{wait_event: e}]}\n";
  const Result stall = concsim("sweep " + w.string() + " --vary shared.n=1,2 --out " + (dir / "t").string(), dir);
  EXPECT_EQ(stall.code, 1);
  EXPECT_NE(stall.err.find("  shared.n=2 model=async: stalled\n"), std::string::npos) << stall.err;
  EXPECT_EQ(stall.err.find("shared.n=1 model=async: stalled"), std::string::npos) << stall.err;
}

TEST(SweepCli, ReplicationsGiveMeansIntervalsAndEveryRun) {
  const fs::path dir = scratch("replications");
  const fs::path s = dir / "s";
  const Result r = concsim(std::string("sweep ") + kWorkload + " --vary connections=50,100 --models async,threads"
                                                               " --replications 3 --out " + s.string(), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(names_in(s / "points").size(), 12u);
  EXPECT_TRUE(fs::exists(s / "points" / "connections=100,model=threads,rep=3.json"));
  const std::string report = slurp(s / "report.md");
  EXPECT_NE(report.find("| replications | 3 runs per point, each with its own seed;"), std::string::npos) << report;
  EXPECT_NE(report.find("| points | 4 (12 runs) |"), std::string::npos);
  EXPECT_NE(report.find("| status | runs |"), std::string::npos);
  EXPECT_NE(report.find("Each figure is the mean of 3 runs"), std::string::npos);
  // data.csv: a row per point with each figure's mean and interval, which
  // is the mean +- t(2) s / sqrt(3) of the three runs in runs.csv.
  const auto rows = parse_csv(slurp(s / "data.csv"));
  ASSERT_EQ(rows.size(), 5u);
  auto column = [](const std::vector<std::string>& head, const std::string& name) {
    return static_cast<std::size_t>(std::find(head.begin(), head.end(), name) - head.begin());
  };
  const std::size_t runs_col = column(rows[0], "runs");
  const std::size_t tp = column(rows[0], "throughput_per_s");
  const std::size_t lo = column(rows[0], "throughput_per_s_ci95_low");
  const std::size_t hi = column(rows[0], "throughput_per_s_ci95_high");
  ASSERT_LT(hi, rows[0].size());
  const auto runs = parse_csv(slurp(s / "runs.csv"));
  ASSERT_EQ(runs.size(), 13u);
  const std::size_t run_tp = column(runs[0], "throughput_per_s");
  const std::size_t rep = column(runs[0], "replication");
  ASSERT_LT(rep, runs[0].size());
  std::vector<double> v;
  for (std::size_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(runs[i][0], "50");
    EXPECT_EQ(runs[i][1], "async");
    EXPECT_EQ(runs[i][rep], std::to_string(i));
    v.push_back(std::stod(runs[i][run_tp]));
  }
  const double mean = (v[0] + v[1] + v[2]) / 3;
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double half = 4.303 * std::sqrt(ss / 2) / std::sqrt(3.0);
  EXPECT_EQ(rows[1][runs_col], "3");
  EXPECT_NEAR(std::stod(rows[1][tp]), mean, 0.006);
  EXPECT_NEAR(std::stod(rows[1][lo]), mean - half, 0.006);
  EXPECT_NEAR(std::stod(rows[1][hi]), mean + half, 0.006);
  EXPECT_GT(half, 0);  // the replications drew differently
  // The charts draw the means with error bars.
  const std::string svg = slurp(s / "throughput.svg");
  EXPECT_NE(svg.find("(mean of 3 runs, 95 % intervals)"), std::string::npos);
  EXPECT_NE(svg.find("stroke-width=\"1.5\" fill=\"none\""), std::string::npos);  // an error bar
  // data.json keeps every run and each point's summary.
  std::string error;
  const std::optional<JsonValue> data = parse_json(slurp(s / "data.json"), &error);
  ASSERT_TRUE(data) << error;
  EXPECT_EQ(data->find("points")->items().size(), 12u);
  ASSERT_EQ(data->find("summaries")->items().size(), 4u);
  const JsonValue& first = data->find("summaries")->items()[0];
  EXPECT_EQ(first.text_at("point"), "connections=50 model=async");
  EXPECT_EQ(first.text_at("metrics.throughput_per_s.runs"), "3");
  // A workload's sweep section may ask for replications and seeding; bad
  // values are located errors.
  const fs::path w = dir / "w.yaml";
  std::ofstream(w) << slurp(kWorkload) << "sweep:\n  vary: {connections: [10]}\n  replications: 2\n  seeding: per-point\n";
  ASSERT_EQ(concsim("sweep " + w.string() + " --out " + (dir / "section").string(), dir).code, 0);
  const std::string definition = slurp(dir / "section" / "sweep.json");
  EXPECT_NE(definition.find("\"seeding\": \"per-point\""), std::string::npos);
  EXPECT_NE(definition.find("\"replications\": 2"), std::string::npos);
  const fs::path bad = dir / "bad.yaml";
  std::ofstream(bad) << slurp(kWorkload) << "sweep:\n  replications: 0\n";
  const Result located = concsim("sweep " + bad.string() + " --out " + (dir / "never").string(), dir);
  EXPECT_EQ(located.code, 2);
  EXPECT_NE(located.err.find("sweep.replications:"), std::string::npos) << located.err;
  for (const char* option : {"--replications 0", "--replications x", "--seeding some"}) {
    const Result r2 = concsim(std::string("sweep ") + kWorkload + " " + option + " --out " + (dir / "never").string(),
                              dir);
    EXPECT_EQ(r2.code, 2) << option;
  }
  EXPECT_FALSE(fs::exists(dir / "never"));
}

TEST(SweepCli, AKeyTheWorkloadNeverReadsIsBadInput) {
  const fs::path dir = scratch("unread");
  const fs::path w = dir / "w.yaml";
  std::ofstream(w) << "shared: {tag: plain}\nmain:\n  - log: \"{tag}\"\n";
  const Result vary = concsim("sweep " + w.string() + " --vary shared.tga=a,b --out " + (dir / "s").string(), dir);
  EXPECT_EQ(vary.code, 2);
  EXPECT_NE(vary.err.find("shared.tga: the workload never reads the shared variable \"tga\", so this value would "
                          "change nothing; did you mean \"tag\"?"),
            std::string::npos)
      << vary.err;
  EXPECT_FALSE(fs::exists(dir / "s"));
  const Result set = concsim("run " + w.string() + " --set shared.tga=a", dir);
  EXPECT_EQ(set.code, 2);
  EXPECT_EQ(set.err.rfind("--set:1:12: shared.tga: the workload never reads", 0), 0u) << set.err;
  // The workload's own variables may go unread; a value for one that is read is fine.
  EXPECT_EQ(concsim("run " + w.string() + " --set shared.tag=b", dir).code, 0);
}

TEST(SweepCli, CheckWritesJsonAndJunitAndNamesAChangedMachine) {
  const fs::path dir = scratch("check-ci");
  const fs::path machine = dir / "m.yaml";
  write_machine(machine, false);
  const fs::path s = dir / "s";
  ASSERT_EQ(concsim(std::string("sweep ") + kWorkload + " " + kGrid + " --set machine=" + machine.string() + " --out " +
                        s.string(), dir).code, 0);
  const fs::path baseline = dir / "baseline.json";
  ASSERT_EQ(concsim("baseline " + s.string() + " -o " + baseline.string(), dir).code, 0);
  const std::string json = slurp(baseline);
  EXPECT_NE(json.find("\"concsim_baseline\": 2"), std::string::npos);
  EXPECT_NE(json.find("\"machines\": [\n    {\n      \"name\": \"" + machine.string() + "\",\n      \"hash\": \"fnv1a64:"),
            std::string::npos)
      << json.substr(0, 1200);

  const fs::path junit = dir / "junit.xml";
  const Result same = concsim("check " + baseline.string() + " --format json --junit " + junit.string(), dir);
  EXPECT_EQ(same.code, 0) << same.err;
  EXPECT_NE(same.out.find("\"passed\": true"), std::string::npos) << same.out;
  EXPECT_NE(same.out.find("\"differences\": []"), std::string::npos) << same.out;
  const std::string ok = slurp(junit);
  // A test case per point and metric: 4 points, and every comparable column.
  const std::size_t metrics = std::count(json.begin(), json.end(), '\n');  // bounded below
  (void)metrics;
  EXPECT_NE(ok.find("<testsuites name=\"concsim check\" tests=\""), std::string::npos) << ok.substr(0, 300);
  EXPECT_NE(ok.find("failures=\"0\""), std::string::npos);
  EXPECT_NE(ok.find("<testcase classname=\"connections=50 model=threads\" name=\"cpu_switch_ns\"/>"),
            std::string::npos);

  write_machine(machine, true);
  const Result changed = concsim("check " + baseline.string() + " --format json --junit " + junit.string(), dir);
  EXPECT_EQ(changed.code, 1);
  EXPECT_NE(changed.err.find("concsim: note: the machine profile " + machine.string() +
                             " changed since the baseline (fnv1a64:"),
            std::string::npos)
      << changed.err;
  EXPECT_NE(changed.out.find("\"passed\": false"), std::string::npos);
  EXPECT_NE(changed.out.find("\"notes\": [\n    \"the machine profile "), std::string::npos) << changed.out;
  EXPECT_NE(changed.out.find("{\n      \"point\": \"connections=50 model=threads\",\n      \"metric\": "
                             "\"cpu_switch_ns\","),
            std::string::npos)
      << changed.out;
  const std::string failed = slurp(junit);
  std::size_t failures = 0;
  for (std::size_t at = failed.find("<failure "); at != std::string::npos; at = failed.find("<failure ", at + 1)) {
    ++failures;
  }
  std::size_t beyond = 0;
  for (std::size_t at = changed.out.find("\"beyond\": true"); at != std::string::npos;
       at = changed.out.find("\"beyond\": true", at + 1)) {
    ++beyond;
  }
  EXPECT_GT(failures, 0u);
  EXPECT_EQ(failures, beyond);
  EXPECT_NE(failed.find("failures=\"" + std::to_string(failures) + "\""), std::string::npos);
  EXPECT_NE(failed.find("<property name=\"note\" value=\"the machine profile "), std::string::npos);
  EXPECT_NE(failed.find("<testcase classname=\"connections=50 model=threads\" name=\"cpu_switch_ns\">\n"
                        "      <failure message=\"cpu_switch_ns of connections=50 model=threads: baseline "),
            std::string::npos)
      << failed.substr(0, 3000);
  // A format-1 baseline (no machines) still checks, and says what it lacks.
  std::string old = json;
  old.replace(old.find("\"concsim_baseline\": 2"), 21, "\"concsim_baseline\": 1");
  old.erase(old.find("  \"machines\""), old.find("  \"points\"") - old.find("  \"machines\""));
  std::ofstream(dir / "old.json") << old;
  const Result legacy = concsim("check " + (dir / "old.json").string(), dir);
  EXPECT_EQ(legacy.code, 1);
  EXPECT_NE(legacy.err.find("the baseline records no machine profiles"), std::string::npos) << legacy.err;
  for (const char* bad : {"--format xml", "--format"}) {
    EXPECT_EQ(concsim("check " + baseline.string() + " " + bad, dir).code, 2) << bad;
  }
}

TEST(SweepCli, AReplicatedBaselineIsCheckedAgainstItsIntervals) {
  const fs::path dir = scratch("check-intervals");
  const fs::path s = dir / "s";
  ASSERT_EQ(concsim(std::string("sweep ") + kWorkload + " " + kGrid + " --replications 3 --out " + s.string(), dir).code,
            0);
  const fs::path baseline = dir / "b.json";
  ASSERT_EQ(concsim("baseline " + s.string() + " -o " + baseline.string(), dir).code, 0);
  const std::string json = slurp(baseline);
  EXPECT_NE(json.find("\"point\": \"connections=50 model=async\""), std::string::npos);
  EXPECT_NE(json.find("\"runs\": 3"), std::string::npos);
  EXPECT_NE(json.find("\"intervals\": {"), std::string::npos);
  EXPECT_EQ(concsim("check " + baseline.string(), dir).code, 0);
  // A baseline whose mean moved (here: rewritten) but whose interval still
  // holds the new mean passes; an interval that excludes it fails.
  const std::regex mean("(\"point\": \"connections=50 model=async\",[^}]*\"throughput_per_s\": )([0-9.]+)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(json, m, mean));
  const double was = std::stod(m[2].str());
  std::string moved = m.prefix().str() + m[1].str() + report_number(was * 1.01) + m.suffix().str();
  std::ofstream(dir / "moved.json") << moved;
  const Result within = concsim("check " + (dir / "moved.json").string(), dir);
  EXPECT_EQ(within.code, 0) << within.out;
  EXPECT_TRUE(std::regex_search(within.out, std::regex("throughput_per_s +connections=50 model=async .* 95% CI \\[[0-9.]+, "
                                                       "[0-9.]+\\] +within\n")))
      << within.out;
  // A baseline whose mean and interval lie above the new mean: beyond. (An
  // unchanged mean is no difference at all, whatever its interval.)
  const std::regex interval("(\"intervals\": \\{[^}]*\"throughput_per_s\": \\[\n *)([0-9.]+)(,\n *)([0-9.]+)");
  std::smatch i;
  ASSERT_TRUE(std::regex_search(moved, i, interval));
  std::string narrowed = i.prefix().str() + i[1].str() + report_number(was * 1.02) + i[3].str() +
                         report_number(was * 1.03) + i.suffix().str();
  ASSERT_TRUE(std::regex_search(narrowed, m, mean));
  narrowed = m.prefix().str() + m[1].str() + report_number(was * 1.025) + m.suffix().str();
  std::ofstream(dir / "narrow.json") << narrowed;
  const Result beyond = concsim("check " + (dir / "narrow.json").string(), dir);
  EXPECT_EQ(beyond.code, 1) << beyond.out;
  EXPECT_NE(beyond.out.find("BEYOND"), std::string::npos) << beyond.out;
  // A tolerance widens the interval.
  EXPECT_EQ(concsim("check " + (dir / "narrow.json").string() + " --tolerance throughput_per_s=5%", dir).code, 0);
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The charts of a 4-model x 3-value grid, as data (each was also rendered
// to PNG and looked at when it was designed): one colour per model in every
// chart, the second key told apart by dashes and markers, a third key as
// panels, full legend labels, numbers and durations placed by value.
TEST(SweepCli, TheChartsOfAFourModelByThreeValueGridKeepEveryLineApart) {
  const fs::path dir = scratch("charts");
  const fs::path w = dir / "w.yaml";
  std::ofstream(w) << "name: grid\nconnections: 20\nshared: {block: 1ms}\nserver:\n  requests: 3\n"
                      "  think_time: {exponential: {mean: 20ms}}\n  handler:\n    - io: 1ms\n    - block: $block\n";
  const fs::path s = dir / "s";
  const Result r = concsim("sweep " + w.string() + " --vary connections=10,50,200 --vary shared.block=1ms,5ms,20ms"
                           " --models async,async+executor,threads,pool --jobs 2 --out " + s.string(), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::map<std::string, std::string> colors{
      {"async", "#1f77b4"}, {"async+executor", "#2ca02c"}, {"threads", "#d62728"}, {"pool", "#ff7f0e"}};
  for (const char* chart : {"throughput", "latency_p50", "latency_p99", "memory_resident", "context_switches"}) {
    const std::string svg = slurp(s / (std::string(chart) + ".svg"));
    EXPECT_EQ(count_of(svg, "<polyline"), 12u) << chart;
    for (const auto& [model, color] : colors) {
      // Three lines (and a legend entry) in the model's colour.
      EXPECT_GE(count_of(svg, "stroke=\"" + color + "\""), 4u) << chart << " " << model;
      EXPECT_NE(svg.find(">" + model + "</text>"), std::string::npos) << chart << " " << model;
    }
    EXPECT_NE(svg.find(">model</text>"), std::string::npos) << chart;
    EXPECT_NE(svg.find(">shared.block</text>"), std::string::npos) << chart;
    for (const char* v : {">1ms</text>", ">5ms</text>", ">20ms</text>"}) EXPECT_NE(svg.find(v), std::string::npos) << v;
    EXPECT_NE(svg.find("stroke-dasharray=\"7 4\""), std::string::npos) << chart;  // 5ms
    EXPECT_NE(svg.find("stroke-dasharray=\"2 3\""), std::string::npos) << chart;  // 20ms
    EXPECT_NE(svg.find("<rect x="), std::string::npos) << chart;    // square markers
    EXPECT_NE(svg.find("<polygon"), std::string::npos) << chart;    // triangles
    // 10 to 200 is more than a decade: a log axis, ticks at their values.
    EXPECT_NE(svg.find("connections (log scale)"), std::string::npos) << chart;
    for (const char* t : {">10</text>", ">20</text>", ">50</text>", ">100</text>", ">200</text>"}) {
      EXPECT_NE(svg.find(t), std::string::npos) << chart << " " << t;
    }
    EXPECT_EQ(svg.find("..."), std::string::npos) << chart;  // no label cut short
  }
  // The CPU split: a panel per series (a title of one or two lines in its
  // model's colour), a row per block time, a column per model.
  const std::string cpu = slurp(s / "cpu.svg");
  for (const auto& [model, color] : colors) {
    EXPECT_GE(count_of(cpu, "fill=\"" + color + "\" font-weight=\"bold\">" + model), 3u) << model;
  }
  EXPECT_EQ(count_of(cpu, ">shared.block=5ms</text>") + count_of(cpu, " shared.block=5ms</text>"), 4u);
  // The loop's chart: the two event-loop models only.
  const std::string loop = slurp(s / "loop.svg");
  EXPECT_GE(count_of(loop, "fill=\"#1f77b4\" font-weight=\"bold\">async"), 3u);
  EXPECT_GE(count_of(loop, "fill=\"#2ca02c\" font-weight=\"bold\">async+executor"), 3u);
  EXPECT_EQ(loop.find("#d62728"), std::string::npos);
  EXPECT_NE(loop.find(">blocked (blocking calls:"), std::string::npos);

  // Durations as the x axis are placed by value, in a unit of their own; a
  // third varied key makes panels.
  const fs::path t = dir / "t";
  ASSERT_EQ(concsim("sweep " + w.string() + " --vary shared.block=1ms,5ms,20ms --vary connections=20,50"
                    " --vary machine=ideal,linux-modern --models async,threads --out " + t.string(), dir).code, 0);
  const std::string p99 = slurp(t / "latency_p99.svg");
  EXPECT_NE(p99.find(">shared.block (ms) (log scale)</text>"), std::string::npos);
  for (const char* tick : {">1</text>", ">2</text>", ">5</text>", ">10</text>", ">20</text>"}) {
    EXPECT_NE(p99.find(tick), std::string::npos) << tick;
  }
  EXPECT_NE(p99.find(">machine=ideal</text>"), std::string::npos);
  EXPECT_NE(p99.find(">machine=linux-modern</text>"), std::string::npos);
  EXPECT_EQ(count_of(p99, "<polyline"), 8u);  // 2 models x 2 connection counts, in each of 2 panels
}

TEST(SweepCli, AFigureThatWasNotMeasuredIsEmptyNotZero) {
  const fs::path dir = scratch("unmeasured");
  const fs::path w = dir / "w.yaml";
  // With 1 connection every request arrives after the warm-up of 15 ms;
  // with 2, the second connection's... (the warm-up is varied instead).
  std::ofstream(w) << "name: warm\nconnections: 2\nserver:\n  requests: 2\n  think_time: 5ms\n  warmup: 1ms\n"
                      "  handler: [{io: 1ms}]\n";
  const fs::path s = dir / "s";
  ASSERT_EQ(concsim("sweep " + w.string() + " --vary server.warmup=1ms,1s --out " + s.string(), dir).code, 0);
  const auto rows = parse_csv(slurp(s / "data.csv"));
  ASSERT_EQ(rows.size(), 3u);
  const std::size_t p99 =
      static_cast<std::size_t>(std::find(rows[0].begin(), rows[0].end(), "latency_p99_ns") - rows[0].begin());
  ASSERT_LT(p99, rows[0].size());
  EXPECT_EQ(rows[1][p99], "1000000");
  EXPECT_EQ(rows[2][p99], "");  // nothing measured after a 1 s warm-up: empty, not 0
  std::string error;
  const std::optional<JsonValue> data = parse_json(slurp(s / "data.json"), &error);
  ASSERT_TRUE(data) << error;
  EXPECT_TRUE(data->find("points")->items()[1].path("metrics.latency_ns.p99")->is_null());
  EXPECT_NE(slurp(s / "report.md").find("| 1s | async | completed | 0 / 0 | 0.0 | none | none |"), std::string::npos)
      << slurp(s / "report.md");
  // Off the chart: one point drawn, not two.
  const std::string svg = slurp(s / "latency_p99.svg");
  EXPECT_EQ(count_of(svg, "<circle"), 2u);  // the point and its legend entry
}


// A sweep and its baseline for the tests of what `check` accepts.
fs::path baseline_of_a_sweep(const fs::path& dir) {
  const fs::path s = dir / "s";
  EXPECT_EQ(concsim(std::string("sweep ") + kWorkload + " " + kGrid + " --out " + s.string(), dir).code, 0);
  const fs::path baseline = dir / "baseline.json";
  EXPECT_EQ(concsim("baseline " + s.string() + " -o " + baseline.string(), dir).code, 0);
  return baseline;
}

// `text` with the first (or every) match of `pattern` replaced.
std::string edited(const std::string& text, const std::string& pattern, const std::string& with, bool all) {
  return std::regex_replace(text, std::regex(pattern), with,
                            all ? std::regex_constants::format_default : std::regex_constants::format_first_only);
}

// A check passes only when the baseline covers what the sweep measures, and
// the sweep what the baseline holds: a point whose metrics were emptied, a
// metric removed or added, a point more or less, each fails.
TEST(SweepCli, CheckFailsWhenTheBaselineAndTheSweepDoNotCoverEachOther) {
  const fs::path dir = scratch("coverage");
  const fs::path baseline = baseline_of_a_sweep(dir);
  const std::string json = slurp(baseline);
  ASSERT_EQ(concsim("check " + baseline.string(), dir).code, 0);
  auto check_with = [&](const std::string& text) {
    const fs::path b = dir / "edited.json";
    std::ofstream(b) << text;
    return concsim("check " + b.string(), dir);
  };

  const Result emptied = check_with(edited(json, "\"metrics\": \\{[^}]*\\}", "\"metrics\": {}", false));
  EXPECT_EQ(emptied.code, 2) << emptied.out << emptied.err;
  EXPECT_NE(emptied.err.find("the point connections=50 model=async has no metrics"), std::string::npos) << emptied.err;

  const std::string metric = "\n *\"cpu_switch_ns\": [0-9]+,";
  const Result one_lacks = check_with(edited(json, metric, "", false));
  EXPECT_EQ(one_lacks.code, 2) << one_lacks.out << one_lacks.err;
  EXPECT_NE(one_lacks.err.find("the point connections=50 model=async lacks the metric cpu_switch_ns"),
            std::string::npos)
      << one_lacks.err;

  // Removed from every point: the figure was never checked, so it fails at
  // every point whatever the tolerance.
  const Result all_lack = check_with(edited(json, metric, "", true));
  EXPECT_EQ(all_lack.code, 1) << all_lack.out << all_lack.err;
  EXPECT_TRUE(std::regex_search(all_lack.out, std::regex("\ncpu_switch_ns +connections=50 model=threads +\\(missing\\) +"
                                                         "[0-9]+ +not in baseline +0% +BEYOND\n")))
      << all_lack.out;
  EXPECT_NE(all_lack.out.find("4 differences beyond tolerance, in 1 metrics: cpu_switch_ns"), std::string::npos)
      << all_lack.out;
  EXPECT_EQ(concsim("check " + (dir / "edited.json").string() + " --tolerance '*=100%'", dir).code, 1);

  // The converse: a metric the baseline has and the sweep lacks.
  const Result extra = check_with(edited(json, "\"status\": \"completed\",", "\"status\": \"completed\", \"bogus_ns\": 1,", true));
  EXPECT_EQ(extra.code, 1) << extra.out << extra.err;
  EXPECT_TRUE(std::regex_search(extra.out, std::regex("\nbogus_ns +connections=50 model=async +1 +\\(missing\\) +missing "
                                                      "+0% +BEYOND\n")))
      << extra.out;

  // A point more in the sweep than in the baseline, and one less.
  const Result more = check_with(edited(json, "\"100\"\n", "\"100\", \"200\"\n", false));
  EXPECT_EQ(more.code, 2);
  EXPECT_NE(more.err.find("holds 4 points, its sweep has 6"), std::string::npos) << more.err;
  const Result fewer = check_with(edited(json, "\"50\",\\s*\"100\"", "\"50\"", false));
  EXPECT_EQ(fewer.code, 2);
  EXPECT_NE(fewer.err.find("holds 4 points, its sweep has 2"), std::string::npos) << fewer.err;
  EXPECT_TRUE(emptied.out.empty() && one_lacks.out.empty() && more.out.empty() && fewer.out.empty());
}

// What a baseline names (its workload, its overrides) is read as the
// sweep would read it: errors are located, and a file that is not what it
// is given as is never quoted.
TEST(SweepCli, ABaselinesFilesAreNamedNotQuoted) {
  const fs::path dir = scratch("baseline-files");
  const fs::path baseline = baseline_of_a_sweep(dir);
  const std::string json = slurp(baseline);
  auto check_with = [&](const std::string& text) {
    const fs::path b = dir / "edited.json";
    std::ofstream(b) << text;
    return concsim("check " + b.string(), dir);
  };
  const Result scalar = check_with(edited(json, "\"workload\": \"[^\"]*\"",
                                          "\"workload\": \"tests/data/hostile/secret_key_as_workload.yaml\"", false));
  EXPECT_EQ(scalar.code, 2);
  EXPECT_NE(scalar.err.find("tests/data/hostile/secret_key_as_workload.yaml:1:1: the file is a single value, not a "
                            "mapping of keys"),
            std::string::npos)
      << scalar.err;
  EXPECT_EQ(scalar.err.find("NEVER-ECHOED"), std::string::npos) << scalar.err;
  const Result shadow = check_with(edited(json, "\"overrides\": \\[\\]",
                                          "\"overrides\": [\"machine=tests/data/hostile/machines/fake_shadow\"]", false));
  EXPECT_EQ(shadow.code, 2);
  EXPECT_NE(shadow.err.find("fake_shadow:1:1: not a machine profile"), std::string::npos) << shadow.err;
  EXPECT_EQ(shadow.err.find("NEVER-ECHOED"), std::string::npos) << shadow.err;
  // A baseline that is not a file of ours, or never ends, is refused
  // without reading it whole.
  const Result zero = concsim("check /dev/zero", dir);
  EXPECT_EQ(zero.code, 2);
  EXPECT_NE(zero.err.find("/dev/zero: is larger than 256 MiB"), std::string::npos) << zero.err;
  // A baseline whose grid is too large to expand (once: out of memory).
  const Result grid = concsim("check tests/data/fuzz_regressions/json/grid_of_125_million_points.json", dir);
  EXPECT_EQ(grid.code, 2);
  EXPECT_NE(grid.err.find("(500 values x 500 values x 500 values x 1 models) has more than 100000 points"),
            std::string::npos)
      << grid.err;
  // baseline -o writes through a FIFO, as --out does.
  const std::string fifo = (dir / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  std::string received;
  std::thread reader([&] { received = slurp(fifo); });
  const Result piped = concsim("baseline " + (dir / "s").string() + " -o " + fifo, dir);
  reader.join();
  EXPECT_EQ(piped.code, 0) << piped.err;
  EXPECT_EQ(received, json);
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

// A grid too large to run is refused before anything is written.
TEST(SweepCli, AGridOfMoreThanAHundredThousandPointsIsRefused) {
  const fs::path dir = scratch("huge-grid");
  std::string values;
  for (int i = 1; i <= 400; ++i) {
    if (i > 1) values += ',';
    values += std::to_string(i);
  }
  const Result r = concsim(std::string("sweep ") + kWorkload + " --vary connections=" + values + " --vary seed=" +
                               values + " --models async --out " + (dir / "s").string(),
                           dir);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("the grid (400 values x 400 values x 1 models) has more than 100000 points"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "s"));
}

// Holds the lock a sweep takes on its directory, as another sweep would,
// with this process's id in the lock file.
class HeldLock {
 public:
  explicit HeldLock(const fs::path& dir) {
    fs::create_directories(dir);
    fd_ = ::open((dir / ".concsim.lock").c_str(), O_RDWR | O_CREAT, 0644);
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(::flock(fd_, LOCK_EX | LOCK_NB), 0);
    const std::string pid = std::to_string(::getpid()) + "\n";
    EXPECT_EQ(::write(fd_, pid.data(), pid.size()), static_cast<ssize_t>(pid.size()));
  }
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;
  ~HeldLock() { ::close(fd_); }

 private:
  int fd_ = -1;
};

// Two sweeps into one --out never interleave: the second fails with exit 2
// and writes nothing while the first holds the directory.
TEST(SweepCli, ASecondSweepIntoTheSameDirectoryFailsClearly) {
  const fs::path dir = scratch("lock");
  const fs::path out = dir / "s";
  const std::string args = std::string("sweep ") + kWorkload + " " + kGrid + " --out " + out.string();
  {
    const HeldLock held(out);
    const Result r = concsim(args, dir);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find(out.string() + " is in use by another concsim sweep or merge (process " +
                         std::to_string(::getpid()) + "); wait for it to finish, or choose another --out"),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(out / "sweep.json"));
    EXPECT_TRUE(names_in(out / "points").empty());
    const Result resumed = concsim(args + " --resume", dir);
    EXPECT_EQ(resumed.code, 2) << resumed.err;
  }
  // Released (or left behind by a process that was killed): the lock file
  // is taken again, and gone when the sweep is done.
  const Result r = concsim(args, dir);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(out / ".concsim.lock"));
  EXPECT_EQ(names_in(out / "points").size(), 4u);

  // A merge into a directory in use fails the same way.
  const fs::path merged = dir / "merged";
  {
    const HeldLock held(merged);
    const Result m = concsim("merge " + out.string() + " --out " + merged.string(), dir);
    EXPECT_EQ(m.code, 2) << m.err;
    EXPECT_NE(m.err.find("is in use by another concsim sweep or merge"), std::string::npos) << m.err;
    EXPECT_FALSE(fs::exists(merged / "sweep.json"));
  }

  // Two sweeps with different seeds started together: one writes the
  // directory, the other is refused (by the lock, or by the points it
  // finds), and every point file is of the one that ran.
  const fs::path both = dir / "both";
  const std::string a = bin() + " " + args.substr(0, args.find(" --out ")) + " --out " + both.string();
  const std::string command = "(" + a + " --seed 11 2>" + (dir / "a.err").string() + "; echo $? >" +
                              (dir / "a.code").string() + ") & (" + a + " --seed 12 2>" + (dir / "b.err").string() +
                              "; echo $? >" + (dir / "b.code").string() + ") & wait";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string codes = slurp(dir / "a.code") + slurp(dir / "b.code");
  EXPECT_TRUE(codes == "0\n2\n" || codes == "2\n0\n") << codes << slurp(dir / "a.err") << slurp(dir / "b.err");
  const std::string seed = codes == "0\n2\n" ? "11" : "12";
  EXPECT_NE(slurp(both / "sweep.json").find("\"seed\": " + seed + ",\n"), std::string::npos);
  EXPECT_EQ(names_in(both / "points").size(), 4u);
  // Each point's seed derives from the sweep seed: the baseline of the
  // directory runs again to the same figures only if every point is of
  // that one sweep.
  ASSERT_EQ(concsim("baseline " + both.string() + " -o " + (dir / "both.json").string(), dir).code, 0);
  EXPECT_EQ(concsim("check " + (dir / "both.json").string(), dir).code, 0);
}

}  // namespace
}  // namespace concsim::sweep
