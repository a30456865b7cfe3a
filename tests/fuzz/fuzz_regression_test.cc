// Every input the loader fuzzer (fuzz_loader.cc) ever crashed on is kept in
// tests/data/fuzz_regressions and replayed here through the same driver, in
// the ordinary build: each must now be rejected with a load::ConfigError, and
// nothing else may escape. The seeds' loop runs the driver over the shipped
// configs too, so that the driver itself is known to accept good input.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_input.h"

namespace concsim::fuzz {
namespace {

namespace fs = std::filesystem;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != "README.md") out.push_back(e.path());
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
  for (const fs::path& p : files_in("configs/lectures")) {
    SCOPED_TRACE(p.string());
    const Outcome o = drive_loader(read_bytes(p));
    EXPECT_GE(o.accepted, 1) << o.first_error;
    accepted += o.accepted;
  }
  EXPECT_GE(accepted, 10);
  const Outcome o = drive_loader(read_bytes("configs/default.yaml") + std::string("\0seed=7", 7));
  EXPECT_EQ(o.accepted, 3) << o.first_error;  // the file, the file with seed=7, the base with seed=7
}

TEST(FuzzRegressions, EachInputIsRejectedWithAConfigError) {
  const fs::path dir = "tests/data/fuzz_regressions";
  ASSERT_TRUE(fs::is_directory(dir)) << "run from the source root";
  for (const fs::path& p : files_in(dir)) {
    SCOPED_TRACE(p.string());
    Outcome o;
    EXPECT_NO_THROW(o = drive_loader(read_bytes(p)));
    EXPECT_GE(o.config_errors, 1);
  }
}

}  // namespace
}  // namespace concsim::fuzz
