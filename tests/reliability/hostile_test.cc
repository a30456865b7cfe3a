// Hostile input through the concsim binary: every case of
// tests/data/hostile/cases.txt, and the ones too big or too odd to keep as
// files, generated here. Each run happens in a child with an address-space
// limit of 2 GiB and a wall-clock timeout, so that a crash, a hang or an
// allocation of gigabytes shows as a failure instead of taking the machine.
// Each must exit with the code the case names and a message of the right
// shape: "FILE:LINE:COLUMN: ..." for bad input (exit 2), "concsim: the run
// ..." for a run that failed a check of its own (exit 1).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/reliability/child.h"

namespace concsim::testing {
namespace {

namespace fs = std::filesystem;

const char* const kCorpus = "tests/data/hostile";
constexpr std::int64_t kAddressSpace = std::int64_t{2} << 30;

// Under a sanitizer a run is several times slower; the limit is generous
// because a hang is what it catches, not slowness.
double timeout_seconds() { return sanitized_build() ? 240 : 60; }

struct Case {
  std::string file;
  int exit_code = 0;
  std::string text;
  std::vector<std::string> args;
  bool needs_rlimit = false;
  int line = 0;  // in cases.txt
};

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

std::vector<Case> read_cases() {
  std::ifstream in(std::string(kCorpus) + "/cases.txt");
  std::vector<Case> cases;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    const std::vector<std::string> cols = split(line, '|');
    Case c;
    c.line = n;
    c.file = trim(cols.at(0));
    if (c.file.find('/') == std::string::npos) c.file = std::string(kCorpus) + "/" + c.file;
    c.exit_code = std::stoi(trim(cols.at(1)));
    c.text = cols.size() > 2 ? trim(cols[2]) : "";
    if (cols.size() > 3) {
      std::istringstream args(cols[3]);
      for (std::string a; args >> a;) c.args.push_back(a);
    }
    c.needs_rlimit = cols.size() > 4 && trim(cols[4]) == "rlimit";
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// "FILE:LINE:COLUMN: message", where FILE is the input, a profile it names,
// or --set (and may itself contain ':'). Written out by hand: std::regex
// recurses per character and overflows on a long line.
bool located(const std::string& line) {
  auto digits = [&](std::size_t* i) {
    const std::size_t start = *i;
    while (*i < line.size() && line[*i] >= '0' && line[*i] <= '9') ++*i;
    return *i > start;
  };
  for (std::size_t colon = line.find(':'); colon != std::string::npos; colon = line.find(':', colon + 1)) {
    std::size_t i = colon + 1;
    if (colon == 0 || !digits(&i) || i >= line.size() || line[i] != ':') continue;
    ++i;
    if (!digits(&i)) continue;
    if (line.compare(i, 2, ": ") == 0 && i + 2 < line.size()) return true;
  }
  return false;
}

// Runs `concsim run FILE ARGS...` and checks the outcome against the case.
void check(const Case& c) {
  SCOPED_TRACE("cases.txt:" + std::to_string(c.line) + ": " + c.file);
  std::vector<std::string> args{"run", c.file};
  args.insert(args.end(), c.args.begin(), c.args.end());
  std::int64_t address_space = kAddressSpace;
  if (sanitized_build()) {
    // No RLIMIT_AS under ASan: the memory guard stands in for it.
    address_space = 0;
    args.insert(args.end(), {"--max-memory", "1GiB"});
  }
  const ChildResult r = run_child(args, timeout_seconds(), address_space);
  ASSERT_FALSE(r.timed_out) << "hang: still running after " << timeout_seconds() << "s";
  ASSERT_EQ(r.signal, 0) << "killed by signal " << r.signal << "\nstderr: " << r.err.substr(0, 2000);
  EXPECT_EQ(r.exit_code, c.exit_code) << "stderr: " << r.err.substr(0, 2000);
  const std::string head = first_line(r.err);
  if (c.exit_code == 2) {
    EXPECT_TRUE(located(head)) << "not located: " << head.substr(0, 2000);
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err.substr(0, 2000);
    EXPECT_TRUE(r.out.empty()) << "bad input must write no results";
  } else if (c.exit_code == 1) {
    EXPECT_EQ(head.rfind("concsim: the run ", 0), 0u) << "unclear: " << head;
  }
  EXPECT_NE(r.err.find(c.text), std::string::npos) << "missing \"" << c.text << "\" in: " << r.err.substr(0, 2000);
  // A message, not a dump: the longest quotes an expression of at most 64 KiB.
  EXPECT_LT(r.err.size(), 100'000u);
  // The corpus's stand-ins for secrets (a password file, a private key, an
  // environment file given as a profile or a workload) are never quoted.
  EXPECT_EQ(r.err.find("NEVER-ECHOED"), std::string::npos) << r.err.substr(0, 2000);
  // Nothing a terminal acts on reaches it: no escape character, no C1 CSI,
  // no bidirectional override.
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err.substr(0, 2000);
  EXPECT_EQ(r.err.find("\xc2\x9b"), std::string::npos) << r.err.substr(0, 2000);
  EXPECT_EQ(r.err.find("\xe2\x80\xae"), std::string::npos) << r.err.substr(0, 2000);
}

TEST(Hostile, CorpusIsCompleteAndLargeEnough) {
  const std::vector<Case> cases = read_cases();
  std::set<std::string> listed;
  for (const Case& c : cases) listed.insert(fs::path(c.file).lexically_normal().string());
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(kCorpus)) {
    if (!e.is_regular_file() || e.path().filename() == "cases.txt") continue;
    ++files;
    EXPECT_EQ(listed.count(e.path().lexically_normal().string()), 1u) << e.path() << " is not in cases.txt";
  }
  EXPECT_GE(files, 50u);
  EXPECT_GE(cases.size(), 50u);
}

TEST(Hostile, EachCaseExitsCleanly) {
  const std::vector<Case> cases = read_cases();
  ASSERT_FALSE(cases.empty()) << "run from the source root";
  for (const Case& c : cases) {
    if (c.needs_rlimit && sanitized_build()) continue;
    check(c);
  }
}

// Cases generated here: too large to keep in the repository, or not files.
class Generated : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("concsim-hostile-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  void expect(const std::string& file, int exit_code, const std::string& text,
              std::vector<std::string> args = {}) {
    Case c;
    c.file = file;
    c.exit_code = exit_code;
    c.text = text;
    c.args = std::move(args);
    check(c);
  }

  fs::path dir_;
};

TEST_F(Generated, FileOf16MiBPlusOneByte) {
  std::string text = "main:\n  - log: hi\n";
  text.resize(16 * 1024 * 1024 + 1, '#');
  text[text.size() - 1] = '\n';
  const std::string f = write("big.yaml", text);
  expect(f, 2, f + ":1:1: file is larger than 16 MiB");
}

TEST_F(Generated, ADirectoryAndAMissingFile) {
  const fs::path d = dir_ / "adir.yaml";
  fs::create_directories(d);
  expect(d.string(), 2, ":1:1: is a directory, not a file");
  expect((dir_ / "missing.yaml").string(), 2, ":1:1: cannot open file");
}

TEST_F(Generated, TemplateWith100kHoles) {
  std::string holes;
  for (int i = 0; i < 100'000; ++i) holes += "{i}";
  const std::string f = write("holes.yaml", "main:\n  - set: {i: 1}\n  - log: \"" + holes + "\"\n");
  expect(f, 2, ":3:10: main[1].log: string is longer than 64 KiB");
}

TEST_F(Generated, HugeStringsAndKeys) {
  expect(write("string.yaml", "main:\n  - log: " + std::string(1 << 20, 'x') + "\n"), 2, ":2:10: main[0].log:");
  // YAML itself allows at most 1024 characters in a plain key.
  expect(write("key.yaml", std::string(1 << 20, 'k') + ": 1\nmain: []\n"), 2, "invalid YAML");
  expect(write("name.yaml", "name: " + std::string(100'000, 'n') + "\nmain: []\n"), 2, ":1:7: name:");
}

TEST_F(Generated, AMillionAndOneNodes) {
  std::string items = "shared:\n  big: [";
  for (int i = 0; i < 1'000'001; ++i) items += "0,";
  items += "0]\nmain: []\n";
  expect(write("nodes.yaml", items), 2, "more than 1000000 nodes");
}

TEST_F(Generated, AnErrorAMillionLinesDown) {
  std::string text = "main:\n";
  for (int i = 0; i < 1'000'000; ++i) text += "  # pad\n";
  text += "  - sleep: fast\n";
  expect(write("lines.yaml", text), 2, ":1000002:12: main[0].sleep: expected a duration");
}

TEST_F(Generated, AnErrorAtTheEndOfAMegabyteLine) {
  const std::string f = write("line.yaml", "main: [" + std::string(1 << 20, ' ') + "{sleep: fast}]\n");
  expect(f, 2, ":1:" + std::to_string(8 + (1 << 20) + 8) + ": main[0].sleep:");
}

TEST_F(Generated, AThousandUnknownSteps) {
  std::string text = "main:\n";
  for (int i = 0; i < 1000; ++i) text += "  - fly" + std::to_string(i) + ": 1s\n";
  expect(write("steps.yaml", text), 2, ":2:5: main[0].fly0: unknown step");
}

// Once a stack overflow: the loader and the compiler inline calls recursively.
TEST_F(Generated, AChainOf100kCalls) {
  std::string text = "functions:\n";
  for (int i = 0; i < 100'000; ++i) {
    text += "  f" + std::to_string(i) + ": {steps: [{call: {fn: f" + std::to_string(i + 1) + "}}]}\n";
  }
  text += "  f100000: {steps: [{log: bottom}]}\nmain:\n  - call: {fn: f0}\n";
  expect(write("chain.yaml", text), 2, "calls nest more than 200 levels deep");
}

// Spawns are not inlined, so a chain of them is valid; every walk over the
// program (the compiler, the resource estimate) must stay iterative or bounded.
TEST_F(Generated, AChainOf100kSpawns) {
  std::string text = "functions:\n";
  for (int i = 0; i < 100'000; ++i) {
    text += "  f" + std::to_string(i) + ": {steps: [{spawn: {fn: f" + std::to_string(i + 1) + "}}]}\n";
  }
  text += "  f100000: {steps: [{log: bottom}]}\nmain:\n  - spawn: {fn: f0}\n";
  expect(write("spawns.yaml", text), 0, "");
}

TEST_F(Generated, ADeepSetPath) {
  std::string path = "x";
  for (int i = 0; i < 100; ++i) path += ".x";
  expect("configs/lectures/gather.yaml", 2, "--set:1:", {"--set", path + "=1"});
}

// An alias bomb inside a --set value is located at its whole path, the
// assignment's included (it was once "f[5][7]", not "shared.f[5][7]").
TEST_F(Generated, AnAliasBombInASetValue) {
  const std::string bomb =
      "[&a [1,1,1,1,1,1,1,1,1,1], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], "
      "&d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c], &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e], "
      "*f, *f]";
  expect("configs/lectures/gather.yaml", 2, ": shared.f[5][7]: expanding this alias makes the document larger",
         {"--set", "shared.f=" + bomb});
}

// A key path is escaped wherever it comes from, a --set path included.
TEST_F(Generated, ATerminalEscapeInASetPath) {
  expect("configs/lectures/gather.yaml", 2, "--set:1:1: \\x1b[2Jx: unknown key", {"--set", "\x1b[2Jx=1"});
}

// Every loop process has tables of its own (tasks, futures, locals). A run of
// many processes must not reserve megabytes of address space per table
// before it fills them: with 8 MiB regions from the first task on, these 96
// processes passed the 2 GiB address space (exit 1, out of memory).
TEST_F(Generated, NinetySixLoopProcessesFitTheAddressSpace) {
  const std::string machine = write("wide.yaml", "name: wide\nextends: ideal\nhardware:\n  cores: 96\n");
  const std::string f = write("w.yaml", "machine: " + machine +
                                            "\nconnections: 2000\nloop: {processes: 96}\n"
                                            "server:\n  duration: 2s\n  think_time: 1s\n"
                                            "  handler:\n    - io: 1ms\n    - cpu: 50us\n");
  expect(f, 0, "", {"--model", "async"});
}

}  // namespace
}  // namespace concsim::testing
