// The statistics of sweeps in-process: Student's t, intervals and how they
// are printed, that replications' intervals cover the analytic mean of an
// M/M/1 queue at the stated rate, and that two points differing only in a
// non-random knob face identical random draws (common random numbers).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "app/load/config.h"
#include "app/load/workload.h"
#include "app/report/svg.h"
#include "app/run/runner.h"
#include "app/sweep/grid.h"
#include "app/sweep/interval.h"
#include "app/sweep/layout.h"
#include "app/sweep/plan.h"
#include "app/sweep/point_file.h"

namespace concsim::sweep {
namespace {

TEST(SweepStats, StudentTQuantilesAreTheTables) {
  // t(0.975, df) from the standard tables (NIST/SEMATECH e-Handbook
  // 1.3.6.7.2): exact below 31, the expansion within 0.001 above.
  EXPECT_DOUBLE_EQ(student_t975(1), 12.706);
  EXPECT_DOUBLE_EQ(student_t975(3), 3.182);
  EXPECT_DOUBLE_EQ(student_t975(4), 2.776);
  EXPECT_DOUBLE_EQ(student_t975(30), 2.042);
  for (const auto& [df, t] : std::map<std::size_t, double>{{31, 2.040}, {40, 2.021}, {60, 2.000}, {100, 1.984}, {120, 1.980}}) {
    EXPECT_NEAR(student_t975(df), t, 0.001) << df;
  }
  EXPECT_NEAR(student_t975(1'000'000), 1.95996, 0.0001);
  // Decreasing in df: more runs, a narrower interval.
  for (std::size_t df = 1; df < 200; ++df) EXPECT_GT(student_t975(df), student_t975(df + 1)) << df;
}

TEST(SweepStats, AnIntervalIsTheMeanPlusMinusTTimesTheStandardError) {
  // 1..5: mean 3, sample sd sqrt(2.5), half-width t(4) * sqrt(2.5 / 5).
  const Interval i = interval_of({1, 2, 3, 4, 5});
  EXPECT_EQ(i.n, 5u);
  EXPECT_DOUBLE_EQ(i.mean, 3);
  EXPECT_NEAR(i.half_width(), 2.776 * std::sqrt(0.5), 1e-12);
  EXPECT_TRUE(i.has_interval());
  const Interval one = interval_of({7});
  EXPECT_FALSE(one.has_interval());
  EXPECT_EQ(one.low, 7);
  EXPECT_FALSE(interval_of({}).measured());
  EXPECT_TRUE(within(i, 4.9, 0));
  EXPECT_FALSE(within(i, 5.0, 0));
  EXPECT_TRUE(within(i, 5.0, 20'000));  // widened by 2 % of the mean (0.06)
}

TEST(SweepStats, IntervalsPrintTheHalfWidthToTwoDigits) {
  Interval i{3, 4.6, 2.6, 6.6};
  EXPECT_EQ(plus_minus(i, 1), "4.6 ± 2.0");
  i = Interval{3, 1234.5678, 1234.5678 - 0.0123, 1234.5678 + 0.0123};
  EXPECT_EQ(plus_minus(i, 1), "1234.568 ± 0.012");
  i = Interval{4, 2'912'217, 2'912'217 - 515'263, 2'912'217 + 515'263};
  EXPECT_EQ(plus_minus_duration(i), "2.91ms ± 0.52ms");
  EXPECT_EQ(plus_minus_duration(Interval{1, 2'912'217, 2'912'217, 2'912'217}), "2.912ms");
  EXPECT_EQ(plus_minus(Interval{1, 49.75, 49.75, 49.75}, 1), "49.8");
}

TEST(SweepStats, LegendLabelsWrapWhole) {
  const std::vector<std::string> lines =
      report::wrap_text("SEDA (Welsh, Culler, Brewer, SOSP 2001), figure 2; configs/claims/README.md section B", 30);
  std::string joined;
  for (const std::string& l : lines) {
    EXPECT_LE(l.size(), 30u) << l;
    joined += (joined.empty() ? "" : " ") + l;
  }
  EXPECT_EQ(joined, "SEDA (Welsh, Culler, Brewer, SOSP 2001), figure 2; configs/claims/README.md section B");
  EXPECT_EQ(report::wrap_text(std::string(70, 'x'), 30).size(), 3u);
  EXPECT_EQ(report::wrap_text("", 10), std::vector<std::string>{""});
}

// Every run of a sweep, in-process: the points' results as their files
// would hold them.
std::vector<PointResult> run_points(const Definition& d) {
  const std::vector<Point> points = expand(d);
  const std::vector<load::Workload> workloads = load_points(base_document(d), points);
  run::RunOptions options;
  options.record = false;
  std::vector<PointResult> results;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const run::RunOutput out = run::run_workload(workloads[i], options);
    std::optional<PointResult> r = parse_point_file(point_file_content(points[i], out), points[i]);
    EXPECT_TRUE(r) << points[i].name;
    if (r) results.push_back(std::move(*r));
  }
  return results;
}

TEST(SweepStats, ReplicationIntervalsCoverTheMMOneMeanAtTheStatedRate) {
  // tests/sweep/data/mm1.yaml is an M/M/1 queue: Poisson arrivals at
  // lambda = 500/s, exponential service at mu = 1000/s, one server (the
  // loop thread). Its mean time in system is 1 / (mu - lambda) = 2 ms.
  // 200 points (seeds 1..200), each with 4 replications: 200 independent
  // 95 % intervals of the mean latency. If they are right, the number that
  // cover 2 ms is Binomial(200, 0.95): mean 190, sd sqrt(200 * 0.95 * 0.05)
  // = 3.08; we accept 190 +- 3 sd, [181, 199]. Intervals from the normal
  // quantile (1.96) instead of t(3) = 3.182 would cover about 85.5 %
  // (P(|T_3| < 1.96)), 171 of 200, and fail; so would intervals of the
  // wrong width. The seeds are fixed: the count is the same in every run.
  Definition d;
  d.workload = "tests/sweep/data/mm1.yaml";
  d.models = {"async"};
  d.replications = 4;
  Vary seeds{"seed", {}};
  for (int s = 1; s <= 200; ++s) seeds.values.push_back(std::to_string(s));
  d.vary = {seeds};
  const std::vector<PointResult> results = run_points(d);
  const Layout l = make_layout(d, results);
  ASSERT_EQ(l.stats.size(), 200u);
  std::size_t covered = 0;
  double mean_of_means = 0;
  for (std::size_t g = 0; g < l.stats.size(); ++g) {
    const Interval i = stat(l, g, "latency_mean_ns");
    ASSERT_EQ(i.n, 4u);
    covered += i.low <= 2e6 && 2e6 <= i.high ? 1 : 0;
    mean_of_means += i.mean / 200;
  }
  EXPECT_GE(covered, 181u);
  EXPECT_LE(covered, 199u);
  // And the estimate itself is unbiased: 800 runs of ~2,000 requests,
  // within 1 % of 2 ms.
  EXPECT_NEAR(mean_of_means, 2e6, 2e4);
}

// The draws a run made, per task: in the workload below every traced sleep
// is a service time drawn from a distribution, and every traced I/O wait a
// client's think time (with `io_too`; a pool's connection waits in the
// accept backlog first, so its first wait is not the draw alone).
std::map<std::string, std::vector<std::string>> draws(const run::RunOutput& r, bool io_too = true) {
  std::map<std::string, std::vector<std::string>> out;
  for (const run::NamedLine& l : r.trace) {
    if (l.event.rfind("sleep ", 0) == 0 || (io_too && l.event.rfind("io ", 0) == 0)) out[l.task].push_back(l.event);
  }
  return out;
}

run::RunOutput run_point(const Definition& d, const Point& p) {
  const load::Workload w = load_points(base_document(d), {p})[0];
  return run::run_workload(w, run::RunOptions{});
}

TEST(SweepStats, PointsThatDifferOnlyInANonRandomKnobFaceIdenticalDraws) {
  // A server whose clients think for an exponential time and whose handler
  // waits an exponential time and then blocks for `block`, a knob that is
  // not random; and points that differ only in the machine profile.
  const std::string yaml = R"(name: knob
seed: 11
connections: 20
machine: ideal
shared: {block: 1ms}
server:
  requests: 5
  think_time: {exponential: {mean: 10ms}}
  handler:
    - sleep: {exponential: {mean: 2ms}}
    - block: $block
)";
  const std::string file = ::testing::TempDir() + "knob.yaml";
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(yaml.c_str(), f);
    std::fclose(f);
  }
  for (const char* model : {"async", "threads", "async+executor", "pool"}) {
    Definition d;
    d.workload = file;
    d.models = {model};
    d.vary = {Vary{"shared.block", {"1ms", "20ms"}}, Vary{"machine", {"ideal", "linux-modern"}}};
    const std::vector<Point> points = expand(d);
    ASSERT_EQ(points.size(), 4u);
    const bool pool = std::string(model) == "pool";
    const auto base = draws(run_point(d, points[0]), !pool);
    if (!pool) {
      ASSERT_EQ(base.size(), 20u) << model;  // every connection drew
      for (const auto& [task, v] : base) EXPECT_EQ(v.size(), 10u) << model << " " << task;  // 5 think times, 5 services
    }
    for (std::size_t i = 1; i < points.size(); ++i) {
      const run::RunOutput r = run_point(d, points[i]);
      // The knob changed the timing...
      EXPECT_NE(r.end_time, run_point(d, points[0]).end_time) << model << " " << points[i].name;
      // ...and not one draw. (The pool's workers serve connections in an
      // order the timing decides; their draws are still each
      // connection's, so compare them as multisets there.)
      if (pool) {
        std::multiset<std::string> a;
        std::multiset<std::string> b;
        for (const auto& [t, v] : base) a.insert(v.begin(), v.end());
        for (const auto& [t, v] : draws(r, false)) b.insert(v.begin(), v.end());
        EXPECT_EQ(a.size(), 100u);  // 20 connections x 5 services
        EXPECT_EQ(a, b) << model << " " << points[i].name;
      } else {
        EXPECT_EQ(draws(r), base) << model << " " << points[i].name;
      }
    }
  }
  // With per-point seeding, the same knob changes every draw.
  Definition d;
  d.workload = file;
  d.models = {"async"};
  d.seeding = Seeding::kPerPoint;
  d.vary = {Vary{"shared.block", {"1ms", "20ms"}}};
  const std::vector<Point> points = expand(d);
  EXPECT_NE(draws(run_point(d, points[0])), draws(run_point(d, points[1])));
}

run::RunOutput run_yaml(const std::string& yaml, const std::string& model) {
  load::Document doc = load::Document::load_string(yaml, "test.yaml");
  doc.apply_override("model=" + model);
  return run::run_workload(load::load_workload(doc), run::RunOptions{});
}

TEST(SweepStats, AnExecutorJobDrawsWhatTheSameStepsWouldInline) {
  // Two exponential sleeps in a row end at their sum. Whether the first runs
  // inline or in the executor, the task faces the same two draws: the job
  // draws from the task's stream and hands it back. (A stream of its own
  // would give the job another first sleep, and the task another second.)
  const std::string inline_yaml = "seed: 5\nmain:\n  - sleep: {exponential: {mean: 10ms}}\n"
                                  "  - sleep: {exponential: {mean: 10ms}}\n";
  const std::string executor_yaml = "seed: 5\nmain:\n  - run_in_executor: {steps: [{sleep: {exponential: {mean: 10ms}}}]}\n"
                                    "  - sleep: {exponential: {mean: 10ms}}\n";
  for (const char* model : {"async", "threads"}) {
    const run::RunOutput a = run_yaml(inline_yaml, model);
    const run::RunOutput b = run_yaml(executor_yaml, model);
    ASSERT_EQ(a.status, "completed");
    ASSERT_EQ(b.status, "completed");
    EXPECT_GT(a.end_time, 0);
    EXPECT_EQ(a.end_time, b.end_time) << model;
  }
}

}  // namespace
}  // namespace concsim::sweep
