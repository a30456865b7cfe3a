// The sweep library in-process: grid expansion, canonical names and seeds,
// shards, the readers and writers the report is built with, and escaping.
#include <gtest/gtest.h>

#include <set>

#include "app/report/svg.h"
#include "app/sweep/compare.h"
#include "app/sweep/csv.h"
#include "app/sweep/decimal.h"
#include "app/sweep/definition.h"
#include "app/sweep/escape.h"
#include "app/sweep/grid.h"
#include "app/sweep/json_value.h"
#include "app/sweep/metric_row.h"

namespace concsim::sweep {
namespace {

Definition grid_definition() {
  Definition d;
  d.seed = 42;
  d.vary = {Vary{"connections", {"100", "1000"}}, Vary{"machine", {"ideal", "linux-modern", "lecture"}}};
  d.models = {"async", "threads"};
  return d;
}

TEST(SweepGrid, OuterProductInTheOrderGivenModelsInnermost) {
  const std::vector<Point> points = expand(grid_definition());
  ASSERT_EQ(points.size(), 12u);
  EXPECT_EQ(points[0].name, "connections=100 machine=ideal model=async");
  EXPECT_EQ(points[1].name, "connections=100 machine=ideal model=threads");
  EXPECT_EQ(points[2].name, "connections=100 machine=linux-modern model=async");
  EXPECT_EQ(points[6].name, "connections=1000 machine=ideal model=async");
  EXPECT_EQ(points[11].name, "connections=1000 machine=lecture model=threads");
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].index, i);
  EXPECT_EQ(points[0].file_name, "connections=100,machine=ideal,model=async.json");
}

TEST(SweepGrid, NothingVariedIsOnePointPerModel) {
  Definition d;
  d.models = {"async", "threads"};
  const std::vector<Point> points = expand(d);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].name, "model=async");
  EXPECT_EQ(points[1].file_name, "model=threads.json");
}

TEST(SweepGrid, FileNamesAreSafeWhateverTheValues) {
  Definition d;
  d.vary = {Vary{"machine", {"../configs/x.yaml", "a b", "a|b", "%2F", std::string(300, 'x')}}};
  d.models = {"async"};
  std::set<std::string> names;
  for (const Point& p : expand(d)) {
    EXPECT_EQ(p.file_name.find('/'), std::string::npos) << p.file_name;
    EXPECT_EQ(p.file_name.find(' '), std::string::npos) << p.file_name;
    EXPECT_EQ(p.file_name.find('|'), std::string::npos) << p.file_name;
    EXPECT_LE(p.file_name.size(), 210u);
    names.insert(p.file_name);
  }
  EXPECT_EQ(names.size(), 5u);
  EXPECT_EQ(expand(d)[0].file_name, "machine=..%2Fconfigs%2Fx.yaml,model=async.json");
  EXPECT_EQ(expand(d)[3].file_name, "machine=%252F,model=async.json");
}

TEST(SweepGrid, CommonSeedingRunsEveryPointWithTheSweepSeed) {
  // Common random numbers: points that differ only in a knob face the same
  // draws, so every point runs with the sweep seed, whatever its values.
  const Definition d = grid_definition();
  for (const Point& p : expand(d)) EXPECT_EQ(p.seed, 42u) << p.name;
  Definition other_seed = d;
  other_seed.seed = 43;
  for (const Point& p : expand(other_seed)) EXPECT_EQ(p.seed, 43u) << p.name;
}

TEST(SweepGrid, PerPointSeedsDependOnThePointNotItsPlaceOrModel) {
  Definition d = grid_definition();
  d.seeding = Seeding::kPerPoint;
  Definition reordered = d;
  reordered.vary[0].values = {"1000", "100"};
  reordered.vary[1].values = {"lecture", "ideal", "linux-modern"};
  reordered.models = {"threads", "async"};
  std::map<std::string, std::uint64_t> seeds;
  for (const Point& p : expand(d)) seeds[p.name] = p.seed;
  for (const Point& p : expand(reordered)) EXPECT_EQ(seeds.at(p.name), p.seed) << p.name;
  const std::vector<Point> points = expand(d);
  EXPECT_EQ(points[0].seed, points[1].seed);  // the same draws for both models
  EXPECT_NE(points[0].seed, points[2].seed);
  std::set<std::uint64_t> distinct;
  for (const Point& p : points) distinct.insert(p.seed);
  EXPECT_EQ(distinct.size(), 6u);
  Definition other_seed = d;
  other_seed.seed = 43;
  EXPECT_NE(expand(other_seed)[0].seed, points[0].seed);
  for (const Point& p : points) EXPECT_LE(p.seed, static_cast<std::uint64_t>(INT64_MAX));
}

TEST(SweepGrid, ReplicationsAreRunsOfTheirPointWithSeedsOfTheirOwn) {
  Definition d = grid_definition();
  d.replications = 3;
  const std::vector<Point> points = expand(d);
  ASSERT_EQ(points.size(), 36u);
  EXPECT_EQ(points[0].name, "connections=100 machine=ideal model=async rep=1");
  EXPECT_EQ(points[2].name, "connections=100 machine=ideal model=async rep=3");
  EXPECT_EQ(points[3].name, "connections=100 machine=ideal model=threads rep=1");
  EXPECT_EQ(points[2].file_name, "connections=100,machine=ideal,model=async,rep=3.json");
  EXPECT_EQ(points[5].group, 1u);
  EXPECT_EQ(points[35].group, 11u);
  // Replication 1 keeps the point's seed; the others differ from it and
  // from each other, and are the same at every point (common seeding).
  EXPECT_EQ(points[0].seed, 42u);
  EXPECT_NE(points[1].seed, points[0].seed);
  EXPECT_NE(points[2].seed, points[1].seed);
  EXPECT_EQ(points[4].seed, points[1].seed);
  EXPECT_EQ(points[7].seed, points[1].seed);
  for (const Point& p : points) EXPECT_LE(p.seed, static_cast<std::uint64_t>(INT64_MAX));
  // One replication: names and files as without replications.
  EXPECT_EQ(expand(grid_definition())[0].file_name, "connections=100,machine=ideal,model=async.json");
}

TEST(SweepGrid, AVariedSeedIsUsedAsIs) {
  Definition d;
  d.vary = {Vary{"seed", {"5", "6"}}};
  d.models = {"async"};
  EXPECT_EQ(expand(d)[0].seed, 5u);
  EXPECT_EQ(expand(d)[1].seed, 6u);
}

TEST(SweepGrid, ShardsPartitionThePoints) {
  const std::vector<Point> points = expand(grid_definition());
  std::vector<int> owner(points.size(), 0);
  for (std::size_t k = 1; k <= 5; ++k) {
    for (const Point& p : points) owner[p.index] += in_shard(p, parse_shard(std::to_string(k) + "/5")) ? 1 : 0;
  }
  for (int o : owner) EXPECT_EQ(o, 1);
  EXPECT_TRUE(in_shard(points[4], parse_shard("2/3")));
  for (const char* bad : {"0/3", "4/3", "3", "1/0", "a/b", "/3", "1/", "-1/3"}) {
    EXPECT_THROW(parse_shard(bad), InputError) << bad;
  }
}

TEST(SweepDefinition, VaryOptionsAreParsedAndChecked) {
  const Vary v = parse_vary("connections=100, 1000 ,10000");
  EXPECT_EQ(v.key, "connections");
  EXPECT_EQ(v.values, (std::vector<std::string>{"100", "1000", "10000"}));
  for (const char* bad : {"connections", "=1,2", "connections=", "connections=1,,2", "connections=1,"}) {
    EXPECT_THROW(parse_vary(bad), InputError) << bad;
  }
  Definition d = grid_definition();
  EXPECT_NO_THROW(check_definition(d));
  d.vary.push_back(Vary{"connections", {"5"}});
  EXPECT_THROW(check_definition(d), InputError);
  d = grid_definition();
  d.vary[0].values.push_back("100");
  EXPECT_THROW(check_definition(d), InputError);
  d = grid_definition();
  d.vary.push_back(Vary{"model", {"async"}});
  EXPECT_THROW(check_definition(d), InputError);
  d = grid_definition();
  d.models = {"async", "async"};
  EXPECT_THROW(check_definition(d), InputError);
}

TEST(SweepDefinition, RoundTripsThroughJson) {
  Definition d = grid_definition();
  d.version = "1.2.3";
  d.workload = "w \"quoted\".yaml";
  d.workload_hash = workload_fingerprint("abc");
  d.overrides = {"machine=x", "shared.y=[1, 2]"};
  d.seed = 9'223'372'036'854'775'807ULL;
  d.seeding = Seeding::kPerPoint;
  d.replications = 7;
  d.published = Published{"Paper <1>", "throughput_per_s", "connections", {{"100", "12899"}, {"1000", "18361.5"}}};
  const std::string text = definition_json(d);
  std::string error;
  const std::optional<JsonValue> v = parse_json(text, &error);
  ASSERT_TRUE(v) << error;
  const Definition back = read_definition(*v, "x");
  EXPECT_EQ(definition_json(back), text);
  EXPECT_EQ(back.replications, 7u);
  EXPECT_EQ(back.seeding, Seeding::kPerPoint);
  // A definition written before seeding and replications were recorded
  // seeded per point and ran each point once: read back as such.
  std::string old = text;
  old.erase(old.find("  \"seeding\""), old.find("  \"published\"") - old.find("  \"seeding\""));
  const std::optional<JsonValue> o = parse_json(old, &error);
  ASSERT_TRUE(o) << error << old;
  EXPECT_EQ(read_definition(*o, "x").seeding, Seeding::kPerPoint);
  EXPECT_EQ(read_definition(*o, "x").replications, 1u);
}

TEST(SweepDefinition, PublishedFiguresMatchByTextOrNumber) {
  const Published p{"s", "throughput_per_s", "connections", {{"1_000", "5"}, {"10", "7"}}};
  EXPECT_EQ(published_at(p, "1000").value_or(""), "5");
  EXPECT_EQ(published_at(p, "10").value_or(""), "7");
  EXPECT_FALSE(published_at(p, "100"));
}

TEST(SweepDecimal, ExactParsingComparisonAndChange) {
  EXPECT_EQ(parse_decimal("1234.5")->mantissa, 12345);
  EXPECT_EQ(parse_decimal("1234.5")->scale, 1);
  EXPECT_EQ(parse_decimal("10_000")->mantissa, 10000);
  for (const char* bad : {"", "-", "1.", ".5", "1e3", "1_", "_1", "abc", "1.2.3", "1234567890123456789"}) {
    EXPECT_FALSE(parse_decimal(bad)) << bad;
  }
  EXPECT_EQ(compare(*parse_decimal("1.0"), *parse_decimal("1")), 0);
  EXPECT_EQ(percent_change(*parse_decimal("100"), *parse_decimal("120")), "+20.00%");
  EXPECT_EQ(percent_change(*parse_decimal("1515.2"), *parse_decimal("1513.7")), "-0.10%");
  EXPECT_EQ(percent_change(*parse_decimal("65314697"), *parse_decimal("65317497")), "+0.0043%");
  EXPECT_EQ(percent_change(*parse_decimal("0"), *parse_decimal("3")), "new");
  // 5% of 100 is 5: 105 is within, 105.01 is beyond.
  EXPECT_FALSE(exceeds(*parse_decimal("100"), *parse_decimal("105"), 50'000));
  EXPECT_TRUE(exceeds(*parse_decimal("100"), *parse_decimal("105.01"), 50'000));
  EXPECT_TRUE(exceeds(*parse_decimal("100"), *parse_decimal("100.000001"), 0));
  EXPECT_TRUE(exceeds(*parse_decimal("0"), *parse_decimal("1"), 1'000'000));
}

TEST(SweepCompare, TolerancesAndDifferences) {
  const std::vector<std::string> metrics{"latency_p99_ns", "status", "cpu_switch_ns"};
  EXPECT_EQ(parse_tolerance("latency_p99_ns=5%", metrics).ppm, 50'000);
  EXPECT_EQ(parse_tolerance("*=0.25%", metrics).ppm, 2'500);
  for (const char* bad : {"latency_p99_ns=5", "latency_p99_ns", "latency_p99_ns=-1%", "latency_p99_ns=x%",
                          "latency_p99=5%", "=5%", "latency_p99_ns=0.00001%"}) {
    EXPECT_THROW(parse_tolerance(bad, metrics), InputError) << bad;
  }
  try {
    parse_tolerance("latency_p99=5%", metrics);
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean \"latency_p99_ns\""), std::string::npos) << e.what();
  }
  const std::vector<std::pair<std::string, std::string>> base{
      {"latency_p99_ns", "100"}, {"status", "completed"}, {"cpu_switch_ns", "50"}};
  const std::vector<std::pair<std::string, std::string>> now{
      {"latency_p99_ns", "104"}, {"status", "stalled"}, {"cpu_switch_ns", "50"}};
  const std::vector<Difference> d = compare_metrics("p", base, now, {parse_tolerance("latency_p99_ns=5%", metrics)});
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].metric, "latency_p99_ns");
  EXPECT_FALSE(d[0].over);
  EXPECT_EQ(d[0].change, "+4.00%");
  EXPECT_EQ(d[1].metric, "status");
  EXPECT_TRUE(d[1].over);
  EXPECT_TRUE(compare_metrics("p", base, base, {}).empty());
}

TEST(SweepText, CsvRoundTripAndEscaping) {
  const std::string line = csv_cell("a,b") + "," + csv_cell("say \"hi\"") + "," + csv_cell("two\nlines") + ",plain\n";
  const auto records = parse_csv(line + "x,,y\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], (std::vector<std::string>{"a,b", "say \"hi\"", "two\nlines", "plain"}));
  EXPECT_EQ(records[1], (std::vector<std::string>{"x", "", "y"}));
  EXPECT_EQ(markdown_escape("<script>a|b</script> *x* $y$ [l](u)\n"),
            "&lt;script&gt;a\\|b&lt;/script&gt; \\*x\\* \\$y\\$ \\[l\\]\\(u\\) ");
  EXPECT_EQ(report::xml_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
}

TEST(SweepText, MetricColumnsAreTheCsvWritersColumns) {
  const std::vector<std::string>& columns = metric_columns();
  for (const char* c : {"throughput_per_s", "latency_p50_ns", "latency_p99_ns", "peak_resident_bytes",
                        "peak_reserved_bytes", "cpu_switch_ns", "voluntary_switches", "involuntary_switches"}) {
    EXPECT_NE(std::find(columns.begin(), columns.end(), c), columns.end()) << c;
  }
}

TEST(SweepJson, ParsesWhatItWritesAndRejectsGarbage) {
  std::string error;
  const std::optional<JsonValue> v =
      parse_json(R"({"a": [1, -2.5e3, "x\u00e9\ud83d\ude00\n", true, null], "b": {"c": 7}})", &error);
  ASSERT_TRUE(v) << error;
  EXPECT_EQ(v->int_at("b.c"), 7);
  EXPECT_EQ(v->find("a")->items()[1].text(), "-2.5e3");
  EXPECT_EQ(v->find("a")->items()[2].text(), "x\xc3\xa9\xf0\x9f\x98\x80\n");
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "01", "\"\\x\"", "[1] 2", "\"\\ud800\"", "nul"}) {
    EXPECT_FALSE(parse_json(bad, nullptr)) << bad;
  }
  EXPECT_FALSE(parse_json(std::string(1000, '[') + std::string(1000, ']'), nullptr));
}

TEST(SweepSvg, NumbersAreFixedPointAndChartsDeterministic) {
  EXPECT_EQ(report::fixed_decimal(2.25, 1), "2.3");
  EXPECT_EQ(report::fixed_decimal(-0.001, 2), "0.00");
  EXPECT_EQ(report::fixed_decimal(1e6, 0), "1000000");
  report::LineChart chart;
  chart.title = "t <x>";
  chart.x_label = "connections";
  chart.y_label = "bytes";
  chart.x_scale = report::AxisScale::kLog;
  chart.y_scale = report::AxisScale::kLog;
  report::ChartSeries a;
  a.name = "a|b";
  a.points = {{10, 0.05}, {1000, 5000}};
  report::ChartSeries pub;
  pub.name = "pub";
  pub.points = {{10, 1}, {1000, 2}};
  pub.dashed = true;
  chart.series = {a, pub};
  const std::string svg = report::render_line_chart(chart);
  EXPECT_EQ(svg, report::render_line_chart(chart));
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find("t &lt;x&gt;"), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find(">0.1</text>"), std::string::npos);    // log ticks need their own decimals
  EXPECT_NE(svg.find(">1000</text>"), std::string::npos);
  EXPECT_NE(svg.find("(log scale)"), std::string::npos);
  EXPECT_EQ(svg.find("e+"), std::string::npos);             // never %g
}

}  // namespace
}  // namespace concsim::sweep
