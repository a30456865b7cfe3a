// Every tests/data/bad/<name>.yaml, read through a small fixed schema, must
// fail with exactly the message in <name>.expected. The expected messages
// were derived by hand; the corpus grows with the workload schema.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/load/config.h"

namespace concsim::load {
namespace {

namespace fs = std::filesystem;

// Tests run from the source root (see tests/CMakeLists.txt).
const char* const kCorpus = "tests/data/bad";

enum class Mode { kFifo, kLifo };

// A miniature workload schema touching every accessor kind.
void read_schema(const Node& root) {
  root.expect_keys({"name", "clients", "mode", "limit", "ratio"});
  root.require("name").as_string();
  const Node clients = root.require("clients");
  clients.expect_keys({"count", "think_time", "weights"});
  clients.require("count").as_int(1, 1'000'000);
  clients.require("think_time").as_duration(0, 3'600'000'000'000);
  if (const auto weights = clients.get("weights")) {
    for (const Node& w : weights->items()) w.as_double(0, 1);
  }
  if (const auto mode = root.get("mode")) {
    mode->as_enum<Mode>({{"fifo", Mode::kFifo}, {"lifo", Mode::kLifo}});
  }
  if (const auto limit = root.get("limit")) limit->as_size(1, std::int64_t{1} << 40);
  if (const auto ratio = root.get("ratio")) ratio->as_fraction();
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(BadCorpus, SchemaAcceptsAGoodFile) {
  const Document doc = Document::load_string(
      "name: demo\nclients:\n  count: 3\n  think_time: 1.5ms\n  weights: [0.5, 1]\n"
      "mode: lifo\nlimit: 8KiB\nratio: 25%\n",
      "good.yaml");
  EXPECT_NO_THROW(read_schema(doc.root()));
}

TEST(BadCorpus, EachFileFailsWithItsExpectedMessage) {
  ASSERT_TRUE(fs::is_directory(kCorpus)) << "run from the source root; " << kCorpus << " not found";
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    if (entry.path().extension() == ".yaml") inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  // Guards against a silently empty or truncated corpus.
  ASSERT_GE(inputs.size(), 20u);
  for (const fs::path& input : inputs) {
    SCOPED_TRACE(input.string());
    fs::path expected_path = input;
    expected_path.replace_extension(".expected");
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
    std::string expected = read_text(expected_path);
    while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) {
      expected.pop_back();
    }
    std::string actual = "<no ConfigError>";
    try {
      const Document doc = Document::load_file(input.string());
      read_schema(doc.root());
    } catch (const ConfigError& e) {
      actual = e.what();
    }
    EXPECT_EQ(actual, expected);
  }
}

}  // namespace
}  // namespace concsim::load
