// Node accessors and the exact located messages they produce. Positions are
// counted by hand from the YAML text in each test (1-based, in bytes).
#include "app/load/config.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>

namespace concsim::load {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

// The message of the ConfigError `f` throws, or a note that it threw none.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no ConfigError>";
}

Document load(const std::string& text) { return Document::load_string(text, "workload.yaml"); }

// The root of `text` as `key: <value>`, returning the value node.
Node value_of(const std::string& value) { return load("v: " + value + "\n").root().require("v"); }

TEST(ConfigError, FormatsPositionPathAndMessage) {
  const ConfigError with_path(SourcePos{"a.yaml", 12, 7}, "clients.think_time", "bad");
  EXPECT_STREQ(with_path.what(), "a.yaml:12:7: clients.think_time: bad");
  EXPECT_EQ(with_path.pos().file, "a.yaml");
  EXPECT_EQ(with_path.pos().line, 12);
  EXPECT_EQ(with_path.pos().column, 7);
  EXPECT_EQ(with_path.key_path(), "clients.think_time");
  EXPECT_EQ(with_path.message(), "bad");
  const ConfigError without_path(SourcePos{"a.yaml", 1, 1}, "", "empty document");
  EXPECT_STREQ(without_path.what(), "a.yaml:1:1: empty document");
}

TEST(Errors, BadDurationExactMessage) {
  const Document doc = load("clients:\n  think_time: fast\n");
  EXPECT_EQ(error_of([&] {
              doc.root().require("clients").require("think_time").as_duration(0, kInt64Max);
            }),
            "workload.yaml:2:15: clients.think_time: expected a duration like \"10ms\", got "
            "\"fast\"");
}

TEST(Errors, WrongType) {
  const Document doc = load("clients: [1, 2]\n");
  EXPECT_EQ(error_of([&] { doc.root().require("clients").expect_keys({"count"}); }),
            "workload.yaml:1:10: clients: expected a mapping, got a sequence");
  EXPECT_EQ(error_of([&] { doc.root().require("clients").as_int(0, 10); }),
            "workload.yaml:1:10: clients: expected an integer, got a sequence");
  EXPECT_EQ(error_of([&] { doc.root().require("clients").at(0).size(); }),
            "workload.yaml:1:11: clients[0]: expected a sequence, got \"1\"");
}

TEST(Errors, UnknownKeyWithSuggestion) {
  const Document doc = load("machine: x\nclinets: 3\n");
  EXPECT_EQ(error_of([&] { doc.root().expect_keys({"clients", "machine"}); }),
            "workload.yaml:2:1: clinets: unknown key; did you mean \"clients\"?");
}

TEST(Errors, UnknownKeyWithoutSuggestionListsAllowedKeys) {
  const Document doc = load("clients: 1\nzebra: 1\n");
  EXPECT_EQ(error_of([&] { doc.root().expect_keys({"clients", "machine"}); }),
            "workload.yaml:2:1: zebra: unknown key; allowed keys are \"clients\", \"machine\"");
  EXPECT_EQ(error_of([&] { doc.root().expect_keys(std::vector<std::string>{}); }),
            "workload.yaml:1:1: clients: unknown key; no keys are allowed here");
}

TEST(Errors, UnknownNestedKeyHasFullPath) {
  const Document doc = load("clients:\n  count: 1\n  thinktime: 5ms\n");
  EXPECT_EQ(error_of([&] { doc.root().require("clients").expect_keys({"count", "think_time"}); }),
            "workload.yaml:3:3: clients.thinktime: unknown key; did you mean \"think_time\"?");
}

TEST(Errors, MissingKeyAtTheMapsPosition) {
  const Document doc = load("clients:\n  count: 3\n");
  EXPECT_EQ(error_of([&] { doc.root().require("clients").require("think_time"); }),
            "workload.yaml:2:3: clients.think_time: missing required key \"think_time\"");
  EXPECT_EQ(error_of([&] { doc.root().require("machine"); }),
            "workload.yaml:1:1: machine: missing required key \"machine\"");
}

TEST(Errors, IntOutOfRange) {
  const Document doc = load("clients:\n  count: 0\n");
  EXPECT_EQ(error_of([&] { doc.root().require("clients").require("count").as_int(1, 1'000'000); }),
            "workload.yaml:2:10: clients.count: must be between 1 and 1000000, got 0");
}

TEST(Errors, DuplicateKey) {
  EXPECT_EQ(error_of([] { load("a: 1\nb: 2\na: 3\n"); }),
            "workload.yaml:3:1: a: duplicate key; it is already defined at line 1, column 1");
}

TEST(Errors, YamlSyntaxErrorIsLocated) {
  // yaml-cpp reports the stray indented key at its ':' (line 2, column 3).
  EXPECT_EQ(error_of([] { load("a: 1\n b: 2\n"); }),
            "workload.yaml:2:3: invalid YAML: illegal map value");
  // An unclosed flow sequence is reported at the end of the input.
  EXPECT_EQ(error_of([] { load("a: [1, 2"); }),
            "workload.yaml:1:9: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(error_of([] { load("a: *nope\n"); }),
            "workload.yaml:1:4: invalid YAML: the referenced anchor is not defined");
}

TEST(Errors, EmptyDocument) {
  EXPECT_EQ(error_of([] { load(""); }), "workload.yaml:1:1: empty document");
  EXPECT_EQ(error_of([] { load("# nothing but a comment\n\n"); }),
            "workload.yaml:1:1: empty document");
}

TEST(Errors, OnlyOneDocument) {
  EXPECT_EQ(error_of([] { load("a: 1\n---\nb: 2\n"); }),
            "workload.yaml:2:1: only one YAML document is allowed; another one starts here");
}

TEST(Errors, KeysMustBeScalars) {
  EXPECT_EQ(error_of([] { load("? [1]\n: 2\n"); }),
            "workload.yaml:1:3: mapping keys must be scalars");
  EXPECT_EQ(error_of([] { load("a:\n  ? {x: 1}\n  : 2\n"); }),
            "workload.yaml:2:5: a: mapping keys must be scalars");
}

TEST(Errors, EmptyKey) {
  EXPECT_EQ(error_of([] { load("a: 1\n: 2\n"); }), "workload.yaml:2:1: a mapping key is empty");
}

TEST(Errors, MergeKeysAreNotSupported) {
  const Document doc = load("base: &b {count: 1}\nclients:\n  <<: *b\n");
  EXPECT_EQ(error_of([&] { doc.root().require("clients").expect_keys({"count"}); }),
            "workload.yaml:3:3: clients.<<: unknown key; merge keys (<<) are not supported; write "
            "the keys out");
}

TEST(Node, AbsentValueIsNullAtItsKey) {
  // yaml-cpp would place it at the next token, two lines down.
  const Document doc = load("a:\n  # comment\n\nb: 2\n");
  EXPECT_TRUE(doc.root().require("a").is_null());
  EXPECT_EQ(doc.root().require("a").pos().line, 1);
  EXPECT_EQ(doc.root().require("a").pos().column, 1);
}

TEST(Node, PathsAndPositions) {
  const Document doc = load("main:\n  - sleep: 1ms\n  - sleep: 2ms\n  - {sleep: 3ms}\n");
  const Node root = doc.root();
  EXPECT_EQ(root.path(), "");
  EXPECT_EQ(root.pos().file, "workload.yaml");
  const Node main = root.require("main");
  EXPECT_EQ(main.path(), "main");
  EXPECT_EQ(main.size(), 3u);
  const Node sleep = main.at(2).require("sleep");
  EXPECT_EQ(sleep.path(), "main[2].sleep");
  EXPECT_EQ(sleep.pos().line, 4);
  EXPECT_EQ(sleep.pos().column, 13);
  EXPECT_EQ(sleep.as_duration(0, kInt64Max), 3'000'000);
  const std::vector<Node> items = main.items();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[1].path(), "main[1]");
  EXPECT_EQ(items[1].require("sleep").as_duration(0, kInt64Max), 2'000'000);
  EXPECT_EQ(error_of([&] { main.at(3); }),
            "workload.yaml:2:3: main: index 3 is out of range; the sequence has 3 items");
}

TEST(Node, EntriesAndKeysInFileOrder) {
  const Document doc = load("zeta: 1\nalpha: 2\nmid: 3\n");
  const std::vector<std::string> expected{"zeta", "alpha", "mid"};
  EXPECT_EQ(doc.root().keys(), expected);
  const auto entries = doc.root().entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].first, "alpha");
  EXPECT_EQ(entries[1].second.path(), "alpha");
  EXPECT_EQ(entries[1].second.as_int(0, 10), 2);
  EXPECT_TRUE(doc.root().has("mid"));
  EXPECT_FALSE(doc.root().has("nope"));
  EXPECT_FALSE(doc.root().get("nope").has_value());
}

TEST(Node, KindsAndNulls) {
  const Document doc = load("a:\nb: ~\nc: null\nd: \"null\"\ne: [x]\nf: {x: 1}\ng: ''\n");
  const Node root = doc.root();
  EXPECT_TRUE(root.require("a").is_null());
  EXPECT_TRUE(root.require("b").is_null());
  EXPECT_TRUE(root.require("c").is_null());
  EXPECT_TRUE(root.require("d").is_scalar());
  EXPECT_EQ(root.require("d").as_string(), "null");
  EXPECT_TRUE(root.require("e").is_seq());
  EXPECT_TRUE(root.require("f").is_map());
  EXPECT_FALSE(root.require("f").is_scalar());
  EXPECT_EQ(root.require("g").as_string(), "");
  EXPECT_EQ(error_of([&] { root.require("a").as_string(); }),
            "workload.yaml:1:1: a: expected a string, got null");
  EXPECT_EQ(error_of([&] { root.require("f").as_string(); }),
            "workload.yaml:6:4: f: expected a string, got a mapping");
  EXPECT_EQ(error_of([&] { root.require("c").get("x"); }),
            "workload.yaml:3:4: c: expected a mapping, got null");
}

TEST(Node, StringLengthLimit) {
  const std::string at_limit(kMaxStringBytes, 'a');
  EXPECT_EQ(value_of(at_limit).as_string().size(), kMaxStringBytes);
  EXPECT_EQ(error_of([&] { value_of(at_limit + "a").as_string(); }),
            "workload.yaml:1:4: v: string is longer than 64 KiB (65537 bytes)");
}

TEST(Node, Integers) {
  EXPECT_EQ(value_of("10_000").as_int(0, kInt64Max), 10'000);
  EXPECT_EQ(value_of("1_0_0").as_int(0, kInt64Max), 100);
  EXPECT_EQ(value_of("-5").as_int(-10, 10), -5);
  EXPECT_EQ(value_of("+7").as_int(-10, 10), 7);
  EXPECT_EQ(value_of("9223372036854775807").as_int(kInt64Min, kInt64Max), kInt64Max);
  EXPECT_EQ(value_of("-9223372036854775808").as_int(kInt64Min, kInt64Max), kInt64Min);
  for (const char* bad : {"1.5", "1__0", "_1", "1_", "0x10", "1e3", "", "-", "ten"}) {
    EXPECT_EQ(error_of([&] { value_of(std::string("'") + bad + "'").as_int(0, 100); }),
              std::string("workload.yaml:1:4: v: expected an integer, got \"") + bad + "\"");
  }
  // Overflow is a range error, reported with the text as written.
  EXPECT_EQ(error_of([] { value_of("9223372036854775808").as_int(kInt64Min, kInt64Max); }),
            "workload.yaml:1:4: v: must be between -9223372036854775808 and "
            "9223372036854775807, got 9223372036854775808");
  // Past the type, both ends of the range are named: "at least 0" would not
  // say what is wrong with a seed of 2^63.
  EXPECT_EQ(error_of([] { value_of("99999999999999999999999").as_int(0, kInt64Max); }),
            "workload.yaml:1:4: v: must be between 0 and 9223372036854775807, got 99999999999999999999999");
  EXPECT_EQ(error_of([] { value_of("9223372036854775808").as_int(0, kInt64Max); }),
            "workload.yaml:1:4: v: must be between 0 and 9223372036854775807, got 9223372036854775808");
  EXPECT_EQ(error_of([] { value_of("-3").as_int(0, kInt64Max); }),
            "workload.yaml:1:4: v: must be at least 0, got -3");
  EXPECT_EQ(error_of([] { value_of("11").as_int(kInt64Min, 10); }),
            "workload.yaml:1:4: v: must be at most 10, got 11");
}

TEST(Node, Doubles) {
  EXPECT_EQ(value_of("0.25").as_double(0, 1), 0.25);
  EXPECT_EQ(value_of("-2").as_double(-10, 10), -2.0);
  EXPECT_EQ(value_of("1e-3").as_double(0, 1), 0.001);
  EXPECT_EQ(value_of("+1.5").as_double(0, 2), 1.5);
  EXPECT_EQ(error_of([] { value_of("1.5").as_double(0, 1); }),
            "workload.yaml:1:4: v: must be between 0 and 1, got 1.5");
  EXPECT_EQ(error_of([] { value_of("0.125").as_double(0.5, 1e300); }),
            "workload.yaml:1:4: v: must be between 0.5 and 1e+300, got 0.125");
  for (const char* bad : {"inf", ".inf", "nan", "1e999", "0x1p3", "abc", "+-1"}) {
    EXPECT_EQ(error_of([&] { value_of(bad).as_double(0, 1); }),
              std::string("workload.yaml:1:4: v: expected a finite number, got \"") + bad + "\"");
  }
}

TEST(Node, Bools) {
  for (const char* t : {"true", "True", "TRUE"}) EXPECT_TRUE(value_of(t).as_bool()) << t;
  for (const char* f : {"false", "False", "FALSE"}) EXPECT_FALSE(value_of(f).as_bool()) << f;
  EXPECT_EQ(error_of([] { value_of("yes").as_bool(); }),
            "workload.yaml:1:4: v: expected true or false, got \"yes\"");
  EXPECT_EQ(error_of([] { value_of("[]").as_bool(); }),
            "workload.yaml:1:4: v: expected true or false, got a sequence");
}

TEST(Node, Durations) {
  EXPECT_EQ(value_of("1.5ms").as_duration(0, kInt64Max), 1'500'000);
  EXPECT_EQ(value_of("0").as_duration(0, kInt64Max), 0);
  EXPECT_EQ(value_of("-5ms").as_duration(-1'000'000'000, 0), -5'000'000);
  EXPECT_EQ(error_of([] { value_of("-5ms").as_duration(0, kInt64Max); }),
            "workload.yaml:1:4: v: must be at least 0s, got -5ms");
  EXPECT_EQ(error_of([] { value_of("20s").as_duration(1'000'000, 10'000'000'000); }),
            "workload.yaml:1:4: v: must be between 1ms and 10s, got 20s");
  EXPECT_EQ(error_of([] { value_of("10").as_duration(0, kInt64Max); }),
            "workload.yaml:1:4: v: expected a duration like \"10ms\"; a bare number needs a unit");
  EXPECT_EQ(error_of([] { value_of("1.5ns").as_duration(0, kInt64Max); }),
            "workload.yaml:1:4: v: 1.5ns: finer than 1 ns");
  EXPECT_EQ(error_of([] { load("v:\n").root().require("v").as_duration(0, kInt64Max); }),
            "workload.yaml:1:1: v: expected a duration like \"10ms\", got null");
}

TEST(Node, Sizes) {
  EXPECT_EQ(value_of("8KiB").as_size(0, kInt64Max), 8'192);
  EXPECT_EQ(value_of("1.5KiB").as_size(0, kInt64Max), 1'536);
  EXPECT_EQ(value_of("4096").as_size(0, kInt64Max), 4'096);
  EXPECT_EQ(error_of([] { value_of("2GiB").as_size(1'024, 1'073'741'824); }),
            "workload.yaml:1:4: v: must be between 1KiB and 1GiB, got 2GiB");
  EXPECT_EQ(error_of([] { value_of("big").as_size(0, kInt64Max); }),
            "workload.yaml:1:4: v: expected a size like \"64KiB\", got \"big\"");
}

TEST(Node, Fractions) {
  EXPECT_EQ(value_of("25%").as_fraction(), 0.25);
  EXPECT_EQ(value_of("0.25").as_fraction(), 0.25);
  EXPECT_EQ(value_of("12.5%").as_fraction(), 0.125);
  // The percent form reads as exactly the same double as the decimal form.
  EXPECT_EQ(value_of("10%").as_fraction(), 0.1);
  EXPECT_EQ(value_of("1.1%").as_fraction(), 0.011);
  EXPECT_EQ(value_of("100%").as_fraction(), 1.0);
  EXPECT_EQ(value_of("0").as_fraction(), 0.0);
  EXPECT_EQ(error_of([] { value_of("150%").as_fraction(); }),
            "workload.yaml:1:4: v: must be between 0 and 1 (0% and 100%), got 150%");
  EXPECT_EQ(error_of([] { value_of("-0.1").as_fraction(); }),
            "workload.yaml:1:4: v: must be between 0 and 1 (0% and 100%), got -0.1");
  EXPECT_EQ(error_of([] { value_of("half").as_fraction(); }),
            "workload.yaml:1:4: v: expected a fraction like \"25%\" or 0.25, got \"half\"");
  EXPECT_EQ(error_of([] { value_of("1e1%").as_fraction(); }),
            "workload.yaml:1:4: v: expected a fraction like \"25%\" or 0.25, got \"1e1%\"");
}

enum class Policy { kFifo, kLifo, kRandom };

Policy policy_of(const Node& node) {
  return node.as_enum<Policy>(
      {{"fifo", Policy::kFifo}, {"lifo", Policy::kLifo}, {"random", Policy::kRandom}});
}

TEST(Node, Enums) {
  EXPECT_EQ(policy_of(value_of("fifo")), Policy::kFifo);
  EXPECT_EQ(policy_of(value_of("lifo")), Policy::kLifo);
  EXPECT_EQ(policy_of(value_of("random")), Policy::kRandom);
  EXPECT_EQ(error_of([] { policy_of(value_of("fifoo")); }),
            "workload.yaml:1:4: v: unknown value \"fifoo\"; did you mean \"fifo\"?");
  EXPECT_EQ(error_of([] { policy_of(value_of("priority")); }),
            "workload.yaml:1:4: v: unknown value \"priority\"; expected one of \"fifo\", \"lifo\", "
            "\"random\"");
  EXPECT_EQ(error_of([] { policy_of(value_of("{a: 1}")); }),
            "workload.yaml:1:4: v: expected one of \"fifo\", \"lifo\", \"random\", got a mapping");
}

TEST(Node, FailAndFailKey) {
  const Document doc = load("clients:\n  count: 3\n  think_time: 1ms\n");
  const Node clients = doc.root().require("clients");
  EXPECT_EQ(error_of([&] { clients.require("count").fail("too many for one machine"); }),
            "workload.yaml:2:10: clients.count: too many for one machine");
  EXPECT_EQ(error_of([&] { clients.fail_key("think_time", "conflicts with count"); }),
            "workload.yaml:3:3: clients.think_time: conflicts with count");
  EXPECT_EQ(error_of([&] { clients.fail_key("absent", "needed with count"); }),
            "workload.yaml:2:3: clients.absent: needed with count");
}

TEST(Node, DescribeQuotesAndTruncates) {
  EXPECT_EQ(value_of("'say \"hi\"'").describe(), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(value_of(std::string(50, 'x')).describe(), "\"" + std::string(40, 'x') + "\"...");
  EXPECT_EQ(value_of("[]").describe(), "a sequence");
}

TEST(Node, AliasesShareValuesButKeepTheirOwnPaths) {
  const Document doc = load("base: &b {count: 3}\nother: *b\n");
  const Node other = doc.root().require("other");
  EXPECT_EQ(other.require("count").as_int(0, 10), 3);
  EXPECT_EQ(other.require("count").path(), "other.count");
  // The value's position is where it is written, at the anchor.
  EXPECT_EQ(other.require("count").pos().line, 1);
}

TEST(Document, NameIsAsGiven) {
  EXPECT_EQ(Document::load_string("a: 1", "some/dir/w.yaml").name(), "some/dir/w.yaml");
}

}  // namespace
}  // namespace concsim::load
