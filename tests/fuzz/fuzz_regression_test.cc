// Every input a fuzz target (tests/fuzz/CMakeLists.txt) ever crashed on is
// kept in tests/data/fuzz_regressions/<target>/ and replayed here through the
// same driver, in the ordinary build: nothing may escape the driver, and the
// loader's inputs must now be rejected with a load::ConfigError. The seeds'
// tests run the drivers over the shipped configs and the JSON corpus too,
// so that each driver is known to accept good input.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/json_input.h"
#include "tests/fuzz/python_input.h"
#include "tests/fuzz/run_input.h"

namespace concsim::fuzz {
namespace {

namespace fs = std::filesystem;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The files of `dir` (recursively, without READMEs), or only those whose
// name ends in `extension` when one is given: configs/lectures holds each
// lecture as YAML and as Python.
std::vector<fs::path> files_in(const fs::path& dir, const std::string& extension = "") {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "README.md") continue;
    if (!extension.empty() && e.path().extension() != extension) continue;
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FuzzInput, SplitsTheFileFromTheAssignments) {
  using namespace std::string_view_literals;
  const auto parts = split_input("main: []\0seed=3\0x=\0"sv);
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], "main: []");
  EXPECT_EQ(parts[1], "seed=3");
  EXPECT_EQ(parts[2], "x=");
  EXPECT_EQ(parts[3], "");
}

TEST(FuzzInput, ShippedConfigsLoad) {
  int accepted = 0;
  for (const fs::path& p : files_in("configs/lectures", ".yaml")) {
    SCOPED_TRACE(p.string());
    const Outcome o = drive_loader(read_bytes(p));
    EXPECT_GE(o.accepted, 1) << o.first_error;
    accepted += o.accepted;
  }
  EXPECT_GE(accepted, 10);
  const Outcome o = drive_loader(read_bytes("configs/default.yaml") + std::string("\0seed=7", 7));
  EXPECT_EQ(o.accepted, 3) << o.first_error;  // the file, the file with seed=7, the base with seed=7
}

// The regression directories: one per target, the loader's, the JSON
// readers', the runs' and the Python programs'; nothing else (a target without a driver here
// would have its regressions skipped).
TEST(FuzzRegressions, EachTargetHasItsDirectory) {
  const fs::path dir = "tests/data/fuzz_regressions";
  ASSERT_TRUE(fs::is_directory(dir)) << "run from the source root";
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"json", "loader", "python", "run"}));
  for (const auto& e : fs::directory_iterator(dir)) {
    EXPECT_TRUE(e.is_directory() || e.path().filename() == "README.md") << e.path() << " belongs in a target's directory";
  }
}

TEST(FuzzRegressions, EachLoaderInputIsRejectedWithAConfigError) {
  for (const fs::path& p : files_in("tests/data/fuzz_regressions/loader")) {
    SCOPED_TRACE(p.string());
    Outcome o;
    EXPECT_NO_THROW(o = drive_loader(read_bytes(p)));
    EXPECT_GE(o.config_errors, 1);
  }
}

TEST(FuzzRegressions, EachJsonInputIsReadOrRejected) {
  for (const fs::path& p : files_in("tests/data/fuzz_regressions/json")) {
    SCOPED_TRACE(p.string());
    EXPECT_NO_THROW(drive_json(read_bytes(p)));
  }
}

TEST(FuzzRegressions, EachRunInputEndsWithinItsBudgets) {
  for (const fs::path& p : files_in("tests/data/fuzz_regressions/run")) {
    SCOPED_TRACE(p.string());
    EXPECT_NO_THROW(drive_run(read_bytes(p)));
  }
}

TEST(FuzzRegressions, EachPythonInputEndsWithinItsBudgets) {
  for (const fs::path& p : files_in("tests/data/fuzz_regressions/python")) {
    SCOPED_TRACE(p.string());
    PythonOutcome o;
    EXPECT_NO_THROW(o = drive_python(read_bytes(p)));
    EXPECT_EQ(o.completed + o.failed + o.stopped + o.out_of_memory + o.rejected, 1) << o.first_error;
  }
}

// The driver tells its outcomes apart: a program that ends, one that
// raises, one that never awaits, one that allocates past the budget, and
// one that is not Python.
TEST(FuzzInput, PythonOutcomesAreToldApart) {
  EXPECT_EQ(drive_python("import asyncio\nasync def main():\n    await asyncio.sleep(1)\nasyncio.run(main())\n").completed, 1);
  EXPECT_EQ(drive_python("raise ValueError('x')\n").failed, 1);
  // An endless step ends the program with concsim's RuntimeError (the step
  // budget), a result; running out of events stops the run.
  EXPECT_EQ(drive_python("while True:\n    pass\n").failed, 1);
  EXPECT_EQ(drive_python("import asyncio\nasync def main():\n    while True:\n        await asyncio.sleep(0)\n"
                         "asyncio.run(main())\n")
                .stopped,
            1);
  const PythonOutcome big = drive_python("x = [0] * 100_000_000\n");
  EXPECT_EQ(big.out_of_memory + big.failed, 1);  // std::bad_alloc, or MemoryError raised in the program
  const PythonOutcome bad = drive_python("def f(:\n");
  EXPECT_EQ(bad.syntax_errors, 1);
  EXPECT_EQ(bad.rejected, 1);
  EXPECT_NE(bad.first_error.find("SyntaxError"), std::string::npos) << bad.first_error;
}

TEST(FuzzInput, TheDifferentialCorpusRunsToTheEnd) {
  int completed = 0;
  std::vector<fs::path> programs = files_in("tests/python/corpus");
  for (const fs::path& p : files_in("configs/lectures", ".py")) programs.push_back(p);
  for (const fs::path& p : programs) {
    SCOPED_TRACE(p.string());
    const PythonOutcome o = drive_python(read_bytes(p));
    EXPECT_EQ(o.rejected, 0) << o.first_error;
    completed += o.completed;
  }
  EXPECT_GE(completed, 100);
}

TEST(FuzzInput, TheJsonCorpusIsRead) {
  const fs::path dir = "tests/data/fuzz_corpus/json";
  for (const char* name : {"sweep.json", "point.json", "baseline.json"}) {
    ASSERT_TRUE(fs::exists(dir / name)) << name;
  }
  EXPECT_TRUE(drive_json(read_bytes(dir / "sweep.json")).definition);
  EXPECT_TRUE(drive_json(read_bytes(dir / "point.json")).point);
  const JsonOutcome b = drive_json(read_bytes(dir / "baseline.json"));
  EXPECT_TRUE(b.baseline);
  EXPECT_TRUE(b.definition);  // its "sweep"
  const JsonOutcome garbage = drive_json("{\"concsim_baseline\": 1, \"sweep\": 3}");
  EXPECT_TRUE(garbage.parsed);
  EXPECT_FALSE(garbage.baseline);
  EXPECT_GE(garbage.input_errors, 1);
}

TEST(FuzzInput, ShippedLecturesRunUnderTwoModels) {
  int ran = 0;
  for (const fs::path& p : files_in("configs/lectures", ".yaml")) {
    SCOPED_TRACE(p.string());
    const RunOutcome o = drive_run(read_bytes(p));
    EXPECT_EQ(o.rejected, 0) << o.first_error;
    EXPECT_EQ(o.ran + o.stopped, 2);
    ran += o.ran;
  }
  EXPECT_GE(ran, 20);
}

// The budgets hold where `concsim run` needs its address-space limit and
// its timeout: a string doubled in every step ends as out of memory, and an
// endless spawning loop is stopped, each in well under a second of work.
TEST(FuzzInput, TheRunBudgetsStopWhatWouldTakeTheMachine) {
  const RunOutcome doubling = drive_run(read_bytes("tests/data/hostile/string_doubling.yaml"));
  EXPECT_EQ(doubling.out_of_memory + doubling.stopped, 2) << doubling.first_error;
  const RunOutcome spawns = drive_run(read_bytes("tests/data/hostile/spawn_loop_yield.yaml"));
  EXPECT_EQ(spawns.stopped + spawns.out_of_memory, 2) << spawns.first_error;
  const RunOutcome refused = drive_run(read_bytes("tests/data/hostile/count_1e12.yaml"));
  EXPECT_EQ(refused.rejected, 2);
}

}  // namespace
}  // namespace concsim::fuzz
