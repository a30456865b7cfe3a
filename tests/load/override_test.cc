// --set overrides: where values land in the tree, and that every message
// about them points into the argument text ("--set", line 1, its column).
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>

#include "app/load/config.h"

namespace concsim::load {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no ConfigError>";
}

Document load(const std::string& text) { return Document::load_string(text, "w.yaml"); }

const char* const kWorkload =
    "clients:\n"
    "  count: 4\n"
    "  think_time: 10ms\n"
    "main:\n"
    "  - sleep: 1ms\n"
    "  - sleep: 2ms\n"
    "  - sleep: 3ms\n";

TEST(Override, ReplacesAnExistingValue) {
  Document doc = load(kWorkload);
  doc.apply_override("clients.think_time=5ms");
  const Node t = doc.root().require("clients").require("think_time");
  EXPECT_EQ(t.as_duration(0, kInt64Max), 5'000'000);
  EXPECT_EQ(t.path(), "clients.think_time");
  // "clients.think_time=" is 19 characters: the value starts at column 20.
  EXPECT_EQ(t.pos().file, "--set");
  EXPECT_EQ(t.pos().line, 1);
  EXPECT_EQ(t.pos().column, 20);
  // The key itself is still the one in the file, and the order is kept.
  const std::vector<std::string> keys{"count", "think_time"};
  EXPECT_EQ(doc.root().require("clients").keys(), keys);
}

TEST(Override, AddsANewKeyAtTheEnd) {
  Document doc = load(kWorkload);
  doc.apply_override("clients.warmup=1s");
  const Node clients = doc.root().require("clients");
  EXPECT_EQ(clients.require("warmup").as_duration(0, kInt64Max), 1'000'000'000);
  const std::vector<std::string> keys{"count", "think_time", "warmup"};
  EXPECT_EQ(clients.keys(), keys);
}

TEST(Override, CreatesMapsAlongANewPath) {
  Document doc = load(kWorkload);
  doc.apply_override("machine.cpu.cores=8");
  const Node machine = doc.root().require("machine");
  EXPECT_EQ(machine.require("cpu").require("cores").as_int(1, 1024), 8);
  // A created mapping sits where its first key is written, like a block
  // mapping in a file: "machine." is 8 characters, "machine.cpu." 12.
  EXPECT_EQ(machine.pos().column, 9);
  EXPECT_EQ(machine.require("cpu").pos().column, 13);
  EXPECT_EQ(error_of([&] { machine.require("cpu").require("threads"); }),
            "--set:1:13: machine.cpu.threads: missing required key \"threads\"");
}

TEST(Override, IndexesSequences) {
  Document doc = load(kWorkload);
  doc.apply_override("main.2.sleep=1s");
  const Node main = doc.root().require("main");
  EXPECT_EQ(main.at(2).require("sleep").as_duration(0, kInt64Max), 1'000'000'000);
  EXPECT_EQ(main.at(2).require("sleep").path(), "main[2].sleep");
  EXPECT_EQ(main.at(1).require("sleep").as_duration(0, kInt64Max), 2'000'000);
  // One past the end appends.
  doc.apply_override("main.3.sleep=4ms");
  EXPECT_EQ(doc.root().require("main").size(), 4u);
  EXPECT_EQ(doc.root().require("main").at(3).require("sleep").as_duration(0, kInt64Max), 4'000'000);
  doc.apply_override("main.0={sleep: 9ms}");
  EXPECT_EQ(doc.root().require("main").at(0).require("sleep").as_duration(0, kInt64Max), 9'000'000);
}

TEST(Override, ValuesAreParsedAsYaml) {
  Document doc = load(kWorkload);
  doc.apply_override("clients.weights=[1, 2.5]");
  doc.apply_override("clients.extra={x: 1}");
  doc.apply_override("clients.name=");
  doc.apply_override("clients.label=\"3\"");
  const Node clients = doc.root().require("clients");
  EXPECT_EQ(clients.require("weights").size(), 2u);
  EXPECT_EQ(clients.require("weights").at(1).as_double(0, 10), 2.5);
  EXPECT_EQ(clients.require("weights").at(1).pos().column, 21);
  EXPECT_EQ(clients.require("extra").require("x").as_int(0, 9), 1);
  EXPECT_TRUE(clients.require("name").is_null());
  EXPECT_EQ(clients.require("label").as_string(), "3");
}

TEST(Override, BadValueIsReportedAtItsColumnInTheArgument) {
  Document doc = load(kWorkload);
  doc.apply_override("clients.think_time=fast");
  EXPECT_EQ(error_of([&] {
              doc.root().require("clients").require("think_time").as_duration(0, kInt64Max);
            }),
            "--set:1:20: clients.think_time: expected a duration like \"10ms\", got \"fast\"");
}

TEST(Override, BadValueInsideAFlowValue) {
  Document doc = load(kWorkload);
  doc.apply_override("clients.weights=[1, x]");
  // "clients.weights=[1, " is 20 characters.
  EXPECT_EQ(error_of([&] { doc.root().require("clients").require("weights").at(1).as_double(0, 9); }),
            "--set:1:21: clients.weights[1]: expected a finite number, got \"x\"");
}

TEST(Override, UnknownKeyIntroducedBySet) {
  Document doc = load(kWorkload);
  doc.apply_override("clients.thinktime=5ms");
  EXPECT_EQ(error_of([&] { doc.root().require("clients").expect_keys({"count", "think_time"}); }),
            "--set:1:9: clients.thinktime: unknown key; did you mean \"think_time\"?");
}

TEST(Override, UnknownKeyInsideASetValue) {
  Document doc = load(kWorkload);
  doc.apply_override("clients={count: 1, thnk_time: 5ms}");
  // "clients={count: 1, " is 19 characters.
  EXPECT_EQ(error_of([&] { doc.root().require("clients").expect_keys({"count", "think_time"}); }),
            "--set:1:20: clients.thnk_time: unknown key; did you mean \"think_time\"?");
}

TEST(Override, AssignmentErrors) {
  Document doc = load(kWorkload);
  EXPECT_EQ(error_of([&] { doc.apply_override("clients.count"); }),
            "--set:1:1: expected key.path=value, got \"clients.count\"");
  EXPECT_EQ(error_of([&] { doc.apply_override("=3"); }),
            "--set:1:1: missing key path before '=' in \"=3\"");
  EXPECT_EQ(error_of([&] { doc.apply_override("a..b=1"); }),
            "--set:1:3: empty key in path \"a..b\"");
  EXPECT_EQ(error_of([&] { doc.apply_override("a.=1"); }), "--set:1:3: empty key in path \"a.\"");
}

TEST(Override, PathErrors) {
  Document doc = load(kWorkload);
  // "clients.think_time." is 19 characters.
  EXPECT_EQ(error_of([&] { doc.apply_override("clients.think_time.x=1"); }),
            "--set:1:20: clients.think_time.x: cannot set a key inside clients.think_time, which "
            "is a scalar");
  EXPECT_EQ(error_of([&] { doc.apply_override("main.7.sleep=1s"); }),
            "--set:1:6: main[7]: index 7 is out of range; the sequence has 3 items");
  EXPECT_EQ(error_of([&] { doc.apply_override("main.first=1s"); }),
            "--set:1:6: main: expected a sequence index (0 to 3), got \"first\"");
}

TEST(Override, BadYamlInTheValue) {
  Document doc = load(kWorkload);
  // The value "[1," ends at column 5; the error is at the end of the input.
  EXPECT_EQ(error_of([&] { doc.apply_override("a=[1,"); }),
            "--set:1:6: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(error_of([&] { doc.apply_override("a=caf\xe9"); }),
            "--set:1:6: invalid UTF-8 (byte 0xe9); config files must be UTF-8");
}

TEST(Override, FailedOverrideLeavesTheDocumentUnchanged) {
  Document doc = load(kWorkload);
  EXPECT_EQ(error_of([&] { doc.apply_override("main.7.sleep=1s"); }).substr(0, 10), "--set:1:6:");
  EXPECT_EQ(doc.root().require("main").size(), 3u);
  EXPECT_FALSE(doc.root().has("a"));
}

TEST(Override, CopiesAndEarlierNodesAreIndependent) {
  Document doc = load(kWorkload);
  const Document copy = doc;
  const Node before = doc.root().require("clients").require("count");
  doc.apply_override("clients.count=9");
  EXPECT_EQ(doc.root().require("clients").require("count").as_int(0, 99), 9);
  EXPECT_EQ(copy.root().require("clients").require("count").as_int(0, 99), 4);
  EXPECT_EQ(before.as_int(0, 99), 4);
}

TEST(Override, AliasedNodesAreNotChangedThroughTheOtherName) {
  Document doc = load("base: &b {x: 1}\nother: *b\n");
  doc.apply_override("other.x=2");
  EXPECT_EQ(doc.root().require("other").require("x").as_int(0, 9), 2);
  EXPECT_EQ(doc.root().require("base").require("x").as_int(0, 9), 1);
}

TEST(Override, NullOrMissingParentsBecomeMaps) {
  Document doc = load("clients:\n");
  doc.apply_override("clients.count=2");
  EXPECT_EQ(doc.root().require("clients").require("count").as_int(0, 9), 2);
  Document null_root = load("~\n");
  null_root.apply_override("a.b=1");
  EXPECT_EQ(null_root.root().require("a").require("b").as_int(0, 9), 1);
}

// Reported where the file is, and without its text: the file may be any
// file at all (a password file given as a workload).
TEST(Override, ScalarRootCannotHoldKeys) {
  Document doc = load("secret\n");
  EXPECT_EQ(error_of([&] { doc.apply_override("a=1"); }),
            "w.yaml:1:1: the file is a single value, not a mapping of keys; --set cannot set \"a\" in it");
  EXPECT_EQ(error_of([&] { doc.apply_option("model", "x", "--model"); }),
            "w.yaml:1:1: the file is a single value, not a mapping of keys; --model cannot set \"model\" in it");
}

// A --set value's errors name the whole path, the assignment's included.
TEST(Override, ErrorsInsideAValueNameTheWholePath) {
  Document doc = load("shared: {x: 1}\nmain: [{sleep: 1s}]\n");
  const std::string bomb =
      "[&a [1,1,1,1,1,1,1,1,1,1], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], "
      "&d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c], &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e], "
      "*f, *f]";
  const std::string shared = error_of([&] { doc.apply_override("shared.f=" + bomb); });
  EXPECT_NE(shared.find(": shared.f[5][7]: expanding this alias makes the document larger than"), std::string::npos)
      << shared;
  // A numeric component inside a sequence is an index.
  const std::string step = error_of([&] { doc.apply_override("main.0.x=" + bomb); });
  EXPECT_NE(step.find(": main[0].x[5][7]: expanding this alias"), std::string::npos) << step;
}

TEST(Override, ResultMustStayWithinTheDepthLimit) {
  Document doc = load("a: 1\n");
  std::string deep;
  for (int i = 0; i < 64; ++i) deep += "[";
  for (int i = 0; i < 64; ++i) deep += "]";
  // Alone the value is 64 levels; under the root mapping it would be 65.
  EXPECT_EQ(error_of([&] { doc.apply_override("b=" + deep); }),
            "--set:1:3: b: with this value the document is nested deeper than 64 levels or has "
            "more than 1000000 nodes");
  doc.apply_override("b=" + deep.substr(1, 126));
  EXPECT_TRUE(doc.root().require("b").is_seq());
}

}  // namespace
}  // namespace concsim::load
