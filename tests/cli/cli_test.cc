// The concsim command as a user meets it: exit codes, where output goes,
// located errors, atomic files, and the README's examples.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Result {
  int code;
  std::string out;
  std::string err;
};

std::string bin() {
  const char* b = std::getenv("CONCSIM_BIN");
  return b != nullptr ? b : "build/app/concsim";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs concsim with `args` (a shell fragment), capturing stdout and stderr.
Result run(const std::string& args) {
  const auto dir = std::filesystem::temp_directory_path() / ("concsim-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string out = (dir / "out").string();
  const std::string err = (dir / "err").string();
  const std::string cmd = bin() + " " + args + " >" + out + " 2>" + err;
  const int status = std::system(cmd.c_str());
  return Result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / ("concsim-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

// The fenced block between <!-- example:NAME --> and <!-- /example --> in README.md.
std::string readme_example(const std::string& name) {
  const std::string readme = slurp("README.md");
  const std::string open = "<!-- example:" + name + " -->\n```\n";
  const auto a = readme.find(open);
  const auto b = readme.find("```\n<!-- /example -->", a);
  if (a == std::string::npos || b == std::string::npos) return "";
  return readme.substr(a + open.size(), b - a - open.size());
}

TEST(Cli, VersionAndHelpExitZero) {
  const Result v = run("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.out.rfind("concsim ", 0), 0u);
  const Result h = run("--help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("  run             run a workload"), std::string::npos);
  const Result hr = run("help run");
  EXPECT_EQ(hr.code, 0);
  EXPECT_NE(hr.out.find("--connections"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwoWithAHint) {
  const Result none = run("");
  EXPECT_EQ(none.code, 2);
  const Result typo = run("runn configs/default.yaml");
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("did you mean \"run\""), std::string::npos);
  const Result fmt = run("run configs/lectures/gather.yaml --format xml");
  EXPECT_EQ(fmt.code, 2);
  EXPECT_NE(fmt.err.find("--format must be table, json or csv"), std::string::npos);
  EXPECT_TRUE(fmt.out.empty());
  const Result missing = run("run");
  EXPECT_EQ(missing.code, 2);
}

TEST(Cli, BadInputNamesFileLineColumnAndKeyAndWritesNothing) {
  const std::string w = write_temp("w.yaml", "main:\n  - log: hi\n  - sleep: fast\n");
  const std::string out = write_temp("never.json", "");
  std::filesystem::remove(out);
  const Result r = run("run " + w + " --out " + out);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, w + ":3:12: main[1].sleep: expected a duration like \"10ms\", got \"fast\"\n");
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Cli, SetIsValidatedLikeTheFile) {
  const Result r = run("run configs/lectures/gather.yaml --set seed=-3");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.rfind("--set:1:6: seed: ", 0), 0u) << r.err;
  const Result typo = run("run configs/lectures/gather.yaml --set sede=3");
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("did you mean \"seed\""), std::string::npos);
}

TEST(Cli, JsonHasTheRequiredKeysAndIsDeterministic) {
  const Result a = run("run configs/lectures/create_task_wait_timeout.yaml --format json");
  const Result b = run("run configs/lectures/create_task_wait_timeout.yaml --format json");
  ASSERT_EQ(a.code, 0);
  EXPECT_EQ(a.out, b.out);
  for (const char* key : {"\"concsim_version\"", "\"workload\"", "\"model\"", "\"seed\"", "\"end_time_ns\": 1200000000",
                          "\"events_processed\"", "\"tasks\"", "\"trace\"", "\"t_ns\"", "\"start_ns\"", "\"state\"",
                          "\"result\""}) {
    EXPECT_NE(a.out.find(key), std::string::npos) << key;
  }
}

TEST(Cli, OutAndTraceFilesAreWrittenWhole) {
  const std::string out = write_temp("r.csv", "old");
  const std::string trace = write_temp("t.json", "old");
  const Result r = run("run configs/lectures/gather.yaml --format csv --out " + out + " --trace " + trace);
  ASSERT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.empty());
  const std::string csv = slurp(out);
  EXPECT_EQ(csv.rfind("workload,model,machine,seed,status,end_time_ns", 0), 0u);
  EXPECT_NE(csv.find("gather,async,ideal,1,completed,1000000000,"), std::string::npos);
  const std::string t = slurp(trace);
  EXPECT_NE(t.find("\"traceEvents\""), std::string::npos);
  EXPECT_NE(t.find("\"ph\": \"X\""), std::string::npos);
  // No temporary file is left beside the outputs.
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(out).parent_path())) {
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
  }
}

TEST(Cli, AStallExitsOneAndListsTheWaiters) {
  const std::string w = write_temp("stall.yaml", "sync:\n  q: {kind: queue}\nmain:\n  - get: {queue: q}\n");
  const Result r = run("run " + w);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("get from queue q"), std::string::npos);
  EXPECT_NE(r.err.find("stalled"), std::string::npos);
}

TEST(Cli, ValidateReportsOk) {
  const Result r = run("validate configs/default.yaml");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find(": ok ("), std::string::npos);
}

// The value of column `name` in a two-line CSV (header, row without quotes).
std::string csv_field(const std::string& csv, const std::string& name) {
  std::istringstream in(csv);
  std::string header;
  std::string row;
  std::getline(in, header);
  std::getline(in, row);
  std::istringstream h(header);
  std::istringstream v(row);
  std::string key;
  std::string value;
  while (std::getline(h, key, ',') && std::getline(v, value, ',')) {
    if (key == name) return value;
  }
  return "<no column " + name + ">";
}

TEST(Cli, ConnectionsShortcutReachesTheProgram) {
  // With 5 requests per connection and a duration far beyond their think
  // times (Erlang with a mean of 80 s), every connection serves all five.
  const Result r = run("run configs/default.yaml --connections 7 --set server.warmup=0s --set server.requests=5 "
                       "--set server.duration=100000s --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  // main plus one task per connection; each of the 7 connections serves its
  // 5 requests, all measured without a warm-up.
  EXPECT_EQ(csv_field(r.out, "tasks"), "8");
  EXPECT_EQ(csv_field(r.out, "completed"), "35");
  EXPECT_EQ(csv_field(r.out, "failed"), "0");
}

// A Python program on a machine whose select() costs time: every iteration
// of the loop pays the profile's syscall + poll once (here 300 ns + 500 ns)
// and the run ends. (Charging it again after it was paid kept the loop
// polling for ever.)
TEST(Cli, APythonProgramOnAMachineWithPollCostsEnds) {
  const std::string prog = write_temp("sleeper.py",
                                      "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(0.5)\n"
                                      "    print('slept')\n\n\nasyncio.run(main())\n");
  const std::string machine =
      write_temp("pollcost.yaml", "name: pollcost\nextends: ideal\ncosts: {syscall: 300ns, poll: 500ns}\n");
  const Result r = run("run " + prog + " --machine " + machine + " --max-events 100000 --format csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(csv_field(r.out, "status"), "completed");
  const long iterations = std::stol(csv_field(r.out, "loop_iterations"));
  EXPECT_GT(iterations, 0);
  EXPECT_EQ(std::stol(csv_field(r.out, "loop_busy_ns")), iterations * 800);
  // The loop is either polling (busy) or asleep in select (idle).
  EXPECT_EQ(std::stol(csv_field(r.out, "end_time_ns")),
            std::stol(csv_field(r.out, "loop_busy_ns")) + std::stol(csv_field(r.out, "loop_idle_ns")));
  EXPECT_GE(std::stol(csv_field(r.out, "end_time_ns")), 500000000);
}

TEST(Cli, ReadmeFirstRunExampleIsTheProgramsOutput) {
  const std::string expected = readme_example("gather");
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(run("run configs/lectures/gather.yaml").out, expected);
}

TEST(Cli, ReadmeBadInputExampleIsTheProgramsOutput) {
  const std::string block = readme_example("bad-input");
  ASSERT_FALSE(block.empty());
  // The block shows the file after "$ cat w.yaml" and the message after the run.
  const auto file_start = block.find('\n') + 1;
  const auto run_line = block.find("$ concsim run w.yaml\n");
  const std::string file = block.substr(file_start, run_line - file_start);
  const std::string message = block.substr(run_line + std::string("$ concsim run w.yaml\n").size());
  const std::string dir = std::filesystem::path(write_temp("w.yaml", file)).parent_path().string();
  const std::string cmd = "cd " + dir + " && " + std::filesystem::absolute(bin()).string() + " run w.yaml 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string got;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) got += buf;
  const int status = ::pclose(p);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_EQ(got, message);
}

// The README's shell sessions: every example block whose first line starts
// with "$ ". In README order, in one empty directory: `$ cat FILE` is
// followed by the file's content, which is written there; every other
// `$ COMMAND` runs there (sh, concsim on PATH, stderr into stdout) and must
// print exactly the lines that follow it, up to the next "$ ".
TEST(Cli, ReadmeSessionsAreTheProgramsOutput) {
  namespace fs = std::filesystem;
  const std::string readme = slurp("README.md");
  const fs::path dir = fs::temp_directory_path() / ("concsim-readme-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string bindir = fs::absolute(bin()).parent_path().string();
  int sessions = 0;
  int commands = 0;
  for (auto a = readme.find("<!-- example:"); a != std::string::npos; a = readme.find("<!-- example:", a + 1)) {
    const std::string open = " -->\n```\n";
    const auto name_end = readme.find(open, a);
    if (name_end == std::string::npos) continue;
    const std::string name = readme.substr(a + 13, name_end - a - 13);
    const auto body = name_end + open.size();
    const auto end = readme.find("```\n<!-- /example -->", body);
    ASSERT_NE(end, std::string::npos) << name;
    const std::string block = readme.substr(body, end - body);
    if (block.rfind("$ ", 0) != 0) continue;
    ++sessions;
    // Split into commands, each with the text that follows it.
    std::vector<std::pair<std::string, std::string>> steps;
    std::istringstream lines(block);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("$ ", 0) == 0) {
        steps.emplace_back(line.substr(2), "");
      } else {
        steps.back().second += line + "\n";
      }
    }
    for (const auto& [command, text] : steps) {
      SCOPED_TRACE(name + ": $ " + command);
      if (command.rfind("cat ", 0) == 0) {
        std::ofstream(dir / command.substr(4)) << text;
        continue;
      }
      ++commands;
      std::ofstream(dir / ".command.sh") << command << "\n";
      const std::string cmd = "cd " + dir.string() + " && PATH=" + bindir + ":$PATH sh .command.sh 2>&1";
      FILE* p = ::popen(cmd.c_str(), "r");
      ASSERT_NE(p, nullptr);
      std::string got;
      char buf[4096];
      while (std::fgets(buf, sizeof buf, p) != nullptr) got += buf;
      ::pclose(p);
      EXPECT_EQ(got, text);
    }
  }
  fs::remove_all(dir);
  EXPECT_GE(sessions, 1);
  EXPECT_GE(commands, 1);
}

// The JSON lists blocking calls one by one up to a bound and always gives
// their total, flagging a list cut short, so a server that blocks in every
// request neither floods the output nor hides how often it blocked.
std::string json_field(const std::string& json, const std::string& key) {
  const std::string k = "\"" + key + "\": ";
  const auto a = json.find(k);
  if (a == std::string::npos) return "";
  const auto b = json.find_first_of(",\n}", a + k.size());
  return json.substr(a + k.size(), b - a - k.size());
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

TEST(Cli, BlockingCallsAreCountedAndTheListSaysWhenItIsCut) {
  // One blocking call per request: 1,500 connections of one request each,
  // all within the duration.
  const Result many = run("run configs/default.yaml --connections 1500 --set server.requests=1 --set server.duration=100000s "
                          "--set 'server.handler.2={block: 1ms}' --set server.warmup=0s --format json");
  ASSERT_EQ(many.code, 0) << many.err;
  EXPECT_EQ(json_field(many.out, "blocking_calls_total"), "1500");
  EXPECT_EQ(json_field(many.out, "blocking_calls_truncated"), "true");
  EXPECT_EQ(count_of(many.out, "\"callbacks_delayed\""), 1000u);
  const Result one = run("run configs/lectures/blocking_vs_executor.yaml --format json");
  ASSERT_EQ(one.code, 0) << one.err;
  const std::string total = json_field(one.out, "blocking_calls_total");
  ASSERT_FALSE(total.empty());
  EXPECT_EQ(json_field(one.out, "blocking_calls_truncated"), "false");
  EXPECT_EQ(std::to_string(count_of(one.out, "\"callbacks_delayed\"")), total);
}

// A bad value given with a shortcut option is reported at that option, not
// at a --set the user never typed.
TEST(Cli, ShortcutOptionsAreNamedInTheirErrors) {
  const Result model = run("run configs/default.yaml --model foo");
  EXPECT_EQ(model.code, 2);
  EXPECT_EQ(model.err.rfind("--model:1:1: model: unknown value \"foo\"", 0), 0u) << model.err;
  const Result set = run("run configs/default.yaml --set model=foo");
  EXPECT_EQ(set.code, 2);
  EXPECT_EQ(set.err.rfind("--set:1:7: model: unknown value \"foo\"", 0), 0u) << set.err;
  const Result help = run("help run");
  EXPECT_NE(help.out.find("async+executor, pool)"), std::string::npos) << help.out;
}

TEST(Cli, RunDetailsListEverythingAndJsonCanLeaveTheTraceOut) {
  const std::string w = write_temp("many.yaml",
                                   "functions:\n  f:\n    params: [i]\n    steps:\n      - sleep: 1ms\n"
                                   "main:\n  - gather:\n      tasks: [{name: \"t{i}\", fn: f, args: {i: $i}, count: 30, as: i}]\n");
  const Result capped = run("run " + w);
  EXPECT_EQ(capped.code, 0) << capped.err;
  EXPECT_NE(capped.out.find("  ... 21 more (--details lists them; --format json has them)\n"), std::string::npos)
      << capped.out;
  std::size_t lines = 0;
  for (char c : capped.out) lines += c == '\n' ? 1 : 0;
  EXPECT_LT(lines, 50u) << capped.out;  // a screen
  const Result all = run("run " + w + " --details");
  EXPECT_EQ(all.code, 0);
  EXPECT_NE(all.out.find("  t29 "), std::string::npos);
  EXPECT_EQ(all.out.find(" more ("), std::string::npos);
  const Result json = run("run " + w + " --format json --no-trace");
  EXPECT_EQ(json.code, 0);
  EXPECT_EQ(json.out.find("\"trace\""), std::string::npos);
  EXPECT_NE(json.out.find("\"name\": \"t29\""), std::string::npos);
  EXPECT_NE(run("run " + w + " --format json").out.find("\"trace\": ["), std::string::npos);
}

TEST(Cli, ALongRunShowsItsProgressOnATerminalOnly) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no `script` (util-linux) for a terminal";
  // An endless loop that awaits between its cpu steps, so that only the
  // wall-clock guard ends it: 2.5 s, however fast the machine, which is
  // longer than the 1 s before the progress line appears.
  const std::string w = write_temp("spin.yaml", "main:\n  - loop:\n      - cpu: 1ms\n      - yield\n");
  const std::string log = write_temp("tty.log", "");
  // `script` gives the command a terminal; its own output is the session.
  const int status = std::system(
      ("script -qec '" + bin() + " run " + w + " --timeout 2.5 >/dev/null' " + log + " >/dev/null 2>&1").c_str());
  ASSERT_TRUE(WIFEXITED(status));
  const std::string tty = slurp(log);
  EXPECT_NE(tty.find("concsim: running, virtual time "), std::string::npos) << tty.substr(0, 500);
  EXPECT_NE(tty.find("s elapsed"), std::string::npos);
  // Not a terminal: no progress, only the result.
  const Result plain = run("run " + w + " --timeout 2.5");
  EXPECT_EQ(plain.code, 1);
  EXPECT_EQ(plain.err.find("concsim: running"), std::string::npos) << plain.err;
  EXPECT_NE(plain.err.find("--timeout of 2.5s reached"), std::string::npos) << plain.err;
}


// Runs concsim with `args` and stdout sent to `stdout_to` (a shell
// redirection target, or "&-" for a closed stdout).
Result run_with_stdout(const std::string& args, const std::string& stdout_to) {
  const auto dir = std::filesystem::temp_directory_path() / ("concsim-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string err = (dir / "err").string();
  const std::string redirect = stdout_to == "&-" ? ">&-" : ">" + stdout_to;
  const int status = std::system((bin() + " " + args + " " + redirect + " 2>" + err).c_str());
  return Result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, "", slurp(err)};
}

// Output that cannot be written is an error for every command that writes
// to stdout: exit 1 and a message, never exit 0 with the results lost.
TEST(Cli, AStdoutThatCannotBeWrittenIsAnError) {
  const std::string dir = std::filesystem::path(write_temp("x", "")).parent_path().string();
  const std::vector<std::string> commands{
      "run configs/lectures/gather.yaml",
      "run configs/lectures/gather.yaml --format json",
      "run configs/lectures/gather.yaml --format csv",
      "validate configs/lectures/gather.yaml",
      "validate configs/lectures/gather.yaml --disassemble",
      "--help",
      "help",
      "help run",
      "run --help",
      "--version",
      "claims --format json --out-dir " + dir,
  };
  for (const std::string& c : commands) {
    SCOPED_TRACE(c);
    const Result full = run_with_stdout(c, "/dev/full");
    EXPECT_EQ(full.code, 1);
    EXPECT_NE(full.err.find("concsim: cannot write to standard output: No space left on device"), std::string::npos)
        << full.err;
  }
  const Result closed = run_with_stdout("run configs/lectures/gather.yaml", "&-");
  EXPECT_EQ(closed.code, 1);
  EXPECT_NE(closed.err.find("cannot write to standard output"), std::string::npos) << closed.err;
  // With stdout closed, the file --out writes does not take its place
  // (descriptor 1) and so gets no stray output, and nothing fails.
  const std::string report = dir + "/closed.txt";
  const Result out_closed = run_with_stdout("run configs/lectures/gather.yaml --trace " + report, "&-");
  EXPECT_EQ(out_closed.code, 1);
  EXPECT_EQ(slurp(report).rfind("{", 0), 0u) << slurp(report).substr(0, 200);
  // A run that failed stays 1; bad input stays 2 (and writes nothing).
  EXPECT_EQ(run_with_stdout("run " + write_temp("stall2.yaml", "sync:\n  q: {kind: queue}\nmain:\n  - get: {queue: q}\n"),
                            "/dev/full").code, 1);
  const Result bad = run_with_stdout("run " + write_temp("bad.yaml", "main: [{sleep: fast}]\n"), "/dev/full");
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err.find("standard output"), std::string::npos) << bad.err;
  // With --out, stdout is not written, so /dev/full there is no error.
  EXPECT_EQ(run_with_stdout("run configs/lectures/gather.yaml --out " + dir + "/r.txt", "/dev/full").code, 0);
}

// A character device to write to: /dev/null, or as root a private one
// (mknod), so that a regression that replaces the node cannot take the
// machine's /dev/null with it.
std::string null_device(const std::filesystem::path& dir) {
  if (::geteuid() == 0) {
    const std::string node = (dir / "null").string();
    ::unlink(node.c_str());
    if (::mknod(node.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) return node;
  }
  return "/dev/null";
}

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("concsim-cli-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// What is at an output path decides how it is written: a device or a FIFO
// is written through and stays what it was; a symbolic link is followed and
// stays a link; a link to nothing, a directory are refused.
TEST(Cli, OutputPathsAreWrittenThroughOrReplacedNeverClobbered) {
  namespace fs = std::filesystem;
  const fs::path dir = fresh_dir("paths");
  const std::string gather = "run configs/lectures/gather.yaml --format csv";

  const std::string device = null_device(dir);
  for (const char* option : {"--out", "--trace", "--text-trace"}) {
    const Result r = run(gather + " " + option + " " + device);
    EXPECT_EQ(r.code, 0) << option << ": " << r.err;
    struct stat st {};
    ASSERT_EQ(::stat(device.c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode)) << option << " replaced the device " << device;
  }
  EXPECT_EQ(run(gather + " --out /dev/full").code, 1);

  // A FIFO: the reader gets the results; the FIFO stays a FIFO.
  const std::string fifo = (dir / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  std::string received;
  std::thread reader([&] { received = slurp(fifo); });
  const Result piped = run(gather + " --out " + fifo);
  reader.join();
  EXPECT_EQ(piped.code, 0) << piped.err;
  EXPECT_EQ(received.rfind("workload,model,machine,seed,status", 0), 0u) << received;
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));

  // A link to a regular file: the file is replaced where it is, keeps its
  // permissions, and the link stays a link.
  const fs::path target = dir / "results.csv";
  std::ofstream(target) << "old";
  fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write);
  fs::create_symlink("results.csv", dir / "latest.csv");
  for (const char* option : {"--out", "--trace", "--text-trace"}) {
    const Result r = run(gather + " " + option + " " + (dir / "latest.csv").string());
    EXPECT_EQ(r.code, 0) << option << ": " << r.err;
    EXPECT_TRUE(fs::is_symlink(dir / "latest.csv")) << option;
    EXPECT_NE(slurp(target.string()), "old") << option;
    EXPECT_EQ(fs::status(target).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  }
  for (const auto& e : fs::directory_iterator(dir)) {
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
  }

  // A link to nothing is not followed to create a file; a directory is
  // not replaced.
  fs::create_symlink("nowhere.csv", dir / "dangling.csv");
  const Result dangling = run(gather + " --out " + (dir / "dangling.csv").string());
  EXPECT_EQ(dangling.code, 1);
  EXPECT_NE(dangling.err.find("a symbolic link to nothing"), std::string::npos) << dangling.err;
  EXPECT_FALSE(fs::exists(dir / "nowhere.csv"));
  EXPECT_TRUE(fs::is_symlink(dir / "dangling.csv"));
  fs::create_directories(dir / "adir");
  const Result directory = run(gather + " --trace " + (dir / "adir").string());
  EXPECT_EQ(directory.code, 1);
  EXPECT_NE(directory.err.find("is a directory"), std::string::npos) << directory.err;
  EXPECT_TRUE(fs::is_directory(dir / "adir"));

  // calibrate --out goes the same way.
  const Result calibrated = run("calibrate --quick --out " + (dir / "latest.csv").string());
  EXPECT_EQ(calibrated.code, 0) << calibrated.err;
  EXPECT_TRUE(fs::is_symlink(dir / "latest.csv"));
  EXPECT_NE(slurp(target.string()).find("hardware:"), std::string::npos);
}

TEST(Cli, UsageMessagesNameTheMissingArgument) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"merge", "concsim: missing the DIR argument: the sweep directories to merge"},
      {"baseline -o x.json", "concsim: missing the DIR argument: the finished sweep"},
      {"check", "concsim: missing the BASELINE argument"},
      {"run", "concsim: missing the FILE argument"},
  };
  for (const auto& [args, message] : cases) {
    const Result r = run(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_EQ(r.err.rfind(message, 0), 0u) << r.err;
  }
}

// `run` has a wall-clock limit by default (ten minutes), which a user can
// raise, or lift with 0 or "none".
TEST(Cli, RunHasADefaultTimeoutThatCanBeRaisedOrLifted) {
  const Result help = run("help run");
  EXPECT_NE(help.out.find("--timeout arg (=600)"), std::string::npos) << help.out;
  for (const char* t : {"0", "none", "2h", "30"}) {
    const Result r = run(std::string("run configs/lectures/gather.yaml --timeout ") + t);
    EXPECT_EQ(r.code, 0) << t << ": " << r.err;
  }
  const Result bad = run("run configs/lectures/gather.yaml --timeout soon");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("or 0 or \"none\" for no limit"), std::string::npos) << bad.err;
}

// A threaded Python program under --model threads: each threading.Thread is
// a thread of the model, the GIL is on unless the run switches it off.
// Four threads computing 1 s each: 4 s with the GIL on ideal's 4 cores, 1 s
// without it.
TEST(Cli, ThreadedPythonRunsUnderTheThreadModelWithTheGilAsARunOption) {
  const std::string prog = write_temp("crunch.py", R"(import threading
from concsim import cpu
ts = [threading.Thread(target=cpu, args=(1.0,)) for _ in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("done", threading.current_thread().name)
)");
  const Result r = run("run " + prog + " --model threads");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("model threads"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("end time          4s\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MainThread  done MainThread"), std::string::npos) << r.out;
  const Result nogil = run("run " + prog + " --model threads --set threads.gil=false");
  EXPECT_EQ(nogil.code, 0) << nogil.err;
  EXPECT_NE(nogil.out.find("end time          1s\n"), std::string::npos) << nogil.out;
  const Result bad = run("run " + prog + " --model threads --set threads.gil=maybe");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("threads.gil"), std::string::npos) << bad.err;
  // Under the event loop, threading is refused with a pointer to the model.
  const Result loop = run("run " + prog);
  EXPECT_EQ(loop.code, 1);
  EXPECT_NE(loop.err.find("runs with --model threads"), std::string::npos) << loop.err;
}

// The machine's thread limit is a result of the run: the refused start()
// raises RuntimeError in the program, which fails with exit 1, names it,
// and reports the limit; with on_limit queue the program completes.
TEST(Cli, ThePythonThreadLimitIsAResultNotACrash) {
  const std::string machine = write_temp("four.yaml", "extends: ideal\nlimits: {max_threads: 4}\n");
  const std::string prog = write_temp("many.py", R"(import threading, time
for i in range(10):
    threading.Thread(target=time.sleep, args=(1,)).start()
)");
  const Result r = run("run " + prog + " --model threads --machine " + machine);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("RuntimeError: can't start new thread"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("limit hit         threads at 0s with 4 threads"), std::string::npos) << r.out;
  const Result q = run("run " + prog + " --model threads --machine " + machine + " --set threads.on_limit=queue");
  EXPECT_EQ(q.code, 0) << q.err;
  // Ten threads of 1 s, three at a time beside the main thread: 4 s.
  EXPECT_NE(q.out.find("end time          4s\n"), std::string::npos) << q.out;
}

// The threaded lecture programs run as they are.
TEST(Cli, ThreadedLectureProgramsRun) {
  for (const char* name : {"threads_lost_update", "threads_blocking_vs_offloaded"}) {
    const Result r = run(std::string("run configs/lectures/") + name + ".py --model threads");
    EXPECT_EQ(r.code, 0) << name << ": " << r.err;
  }
  const Result r = run("run configs/lectures/threads_lost_update.py --model threads --set threads.gil=false");
  EXPECT_NE(r.out.find("without a lock: 10 of 40"), std::string::npos) << r.out;
}

}  // namespace
