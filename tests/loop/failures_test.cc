// Failures are results people need to see: the exceptions a run raised
// (type, message, count, where), endless loops of compute steps stopped as
// the endless loops of instant steps are, latencies left empty when nothing
// was measured, and a run table that fits a screen. Both models, where the
// workload runs under both.
#include <gtest/gtest.h>

#include <sstream>

#include "app/report/render.h"
#include "run_helpers.h"

namespace concsim::testing {
namespace {

class EitherModel : public ::testing::TestWithParam<const char*> {};

std::string model() { return std::string("model=") + EitherModel::GetParam(); }

TEST_P(EitherModel, AFailingHandlerSaysWhyItsRequestsFailed) {
  // Two connections of three requests; the second request of each raises.
  const auto r = run_text(R"(connections: 2
server:
  requests: 3
  handler:
    - io: 1ms
    - if: {cond: "request == 1", then: [{raise: {type: ValueError, message: "bad request"}}]}
)", {model()});
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.metrics.failed, 2u);
  ASSERT_EQ(r.exceptions.entries().size(), 1u);
  const models::RaisedException& e = r.exceptions.entries()[0];
  EXPECT_EQ(e.type, "ValueError");
  EXPECT_EQ(e.message, "bad request");
  EXPECT_EQ(e.count, 2u);
  EXPECT_EQ(e.requests_failed, 2u);  // caught by the server: no task ends
  EXPECT_EQ(e.tasks_failed, 0u);
  EXPECT_EQ(e.path, "server.handler[1].if.then[0].raise");
  EXPECT_EQ(e.line, 6);
  // The second requests arrive at 1 ms (no think time) and raise after
  // their 1 ms of I/O.
  EXPECT_EQ(e.first_at, ms(2));
  ASSERT_EQ(r.exception_where.size(), 1u);
  EXPECT_EQ(r.exception_where[0], "test.yaml:6:" + std::to_string(e.column));
  EXPECT_EQ(r.exceptions.total(), 2u);
}

TEST_P(EitherModel, AnExceptionThatPropagatesIsCountedOnceWhereItWasRaised) {
  // child raises; main awaits it without catching: one exception, two tasks
  // ended by it (the child and main).
  const auto r = run_text(R"(functions:
  child:
    steps:
      - sleep: 1ms
      - raise: {type: KeyError, message: k}
main:
  - spawn: {fn: child, into: t}
  - await: {task: $t}
)", {model()});
  EXPECT_EQ(r.main_state, "failed");
  ASSERT_EQ(r.exceptions.entries().size(), 1u);
  const models::RaisedException& e = r.exceptions.entries()[0];
  EXPECT_EQ(e.type, "KeyError");
  EXPECT_EQ(e.count, 1u);
  EXPECT_EQ(e.tasks_failed, 2u);
  EXPECT_EQ(e.path, "functions.child.steps[1].raise");
}

TEST_P(EitherModel, EachDistinctMessageIsItsOwnEntryAndTheTotalCountsAll) {
  const auto r = run_text(R"(functions:
  f:
    params: [i]
    steps:
      - raise: {type: ValueError, message: "bad {i % 2}"}
main:
  - gather:
      tasks: [{fn: f, args: {i: $i}, count: 5, as: i}]
      return_exceptions: true
)", {model()});
  EXPECT_EQ(r.exceptions.total(), 5u);
  ASSERT_EQ(r.exceptions.entries().size(), 2u);
  EXPECT_EQ(r.exceptions.entries()[0].message, "bad 0");
  EXPECT_EQ(r.exceptions.entries()[0].count, 3u);  // i = 0, 2, 4
  EXPECT_EQ(r.exceptions.entries()[1].count, 2u);
  EXPECT_EQ(r.exceptions.entries()[1].tasks_failed, 2u);
}

TEST_P(EitherModel, AnEndlessLoopOfCpuStepsIsStoppedAsARunaway) {
  run::RunOptions options;
  options.compute_budget = 1000;
  load::Document doc = load::Document::load_string("main:\n  - loop:\n      - cpu: 1ms\n", "test.yaml");
  doc.apply_override(model());
  const auto r = run::run_workload(load::load_workload(doc), options);
  EXPECT_EQ(r.status, "stopped");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.detail.find("main ran more than 1000 compute steps in a row without"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("(an endless loop?)"), std::string::npos);
  // 1001 steps of 1 ms were started; the run ends at the thousandth's end.
  EXPECT_EQ(r.end_time, ms(1000));
}

TEST_P(EitherModel, ALongComputationThatPausesIsNotARunaway) {
  // 5000 cpu steps in a row would trip a budget of 1000; a sleep(0) every
  // 500 (a yield) is a pause in both models.
  run::RunOptions options;
  options.compute_budget = 1000;
  load::Document doc = load::Document::load_string(R"(main:
  - repeat:
      times: 10
      steps:
        - repeat: {times: 500, steps: [{cpu: 1us}]}
        - sleep: 0s
)", "test.yaml");
  doc.apply_override(model());
  const auto r = run::run_workload(load::load_workload(doc), options);
  EXPECT_EQ(r.status, "completed") << r.detail;
  EXPECT_EQ(r.end_time, us(5000));
}

INSTANTIATE_TEST_SUITE_P(Failures, EitherModel, ::testing::Values("async", "threads"));

TEST(Failures, AnEndlessExecutorJobIsStoppedToo) {
  run::RunOptions options;
  options.compute_budget = 100;
  const auto r = run_text_with(R"(functions:
  spin:
    steps:
      - loop: [{cpu: 1ms}]
main:
  - run_in_executor: {fn: spin}
)", options);
  EXPECT_EQ(r.status, "stopped");
  EXPECT_NE(r.detail.find("an executor job (spin) ran more than 100 compute steps"), std::string::npos) << r.detail;
}

TEST(Failures, LatencyIsEmptyNotZeroWhenNothingWasMeasured) {
  // The warm-up outlasts every request: none is measured.
  const auto r = run_text(R"(connections: 2
server:
  requests: 2
  warmup: 1s
  handler: [{io: 1ms}]
)");
  ASSERT_EQ(r.status, "completed");
  EXPECT_EQ(r.metrics.latency.count, 0u);
  EXPECT_FALSE(report::latency_measured(r));
  std::ostringstream csv;
  report::write_csv(csv, r);
  const std::string text = csv.str();
  const std::string header = text.substr(0, text.find('\n'));
  const std::string row = text.substr(text.find('\n') + 1);
  // The six latency cells are empty, between throughput and memory.
  EXPECT_NE(header.find(",throughput_per_s,latency_mean_ns,latency_p50_ns,latency_p90_ns,latency_p99_ns,"
                        "latency_p999_ns,latency_max_ns,peak_resident_bytes,"),
            std::string::npos);
  EXPECT_NE(row.find(",0.0,,,,,,,"), std::string::npos) << row;
  std::ostringstream json;
  report::write_json(json, r);
  EXPECT_NE(json.str().find("\"latency_ns\": {\n      \"count\": 0,\n      \"mean\": null,\n      \"p50\": null,"),
            std::string::npos)
      << json.str().substr(0, 900);
}

TEST(Failures, AStalledRunMeasuredNoLatencyEvenIfSomeRequestsEnded) {
  // Connection 1's second request waits for a lock nobody releases.
  const auto r = run_text(R"(connections: 2
sync: {l: {kind: lock}}
server:
  requests: 2
  handler:
    - io: 1ms
    - if: {cond: "connection == 0", then: [{acquire: l}]}
)");
  ASSERT_EQ(r.status, "stalled");
  EXPECT_GT(r.metrics.latency.count, 0u);
  EXPECT_FALSE(report::latency_measured(r));
  std::ostringstream table;
  report::write_table(table, r);
  EXPECT_NE(table.str().find(" none: the run stalled (3 requests completed before it did)\n"), std::string::npos)
      << table.str();
}

TEST(Failures, TheTableIsCappedAndDetailsListEverything) {
  const auto r = run_text(R"(functions:
  f:
    params: [i]
    steps:
      - log: "line {i}"
      - sleep: 1ms
      - raise: {type: ValueError, message: "v{i}"}
main:
  - gather:
      tasks: [{name: "t{i}", fn: f, args: {i: $i}, count: 25, as: i}]
      return_exceptions: true
)");
  std::ostringstream capped;
  report::write_table(capped, r);
  const std::string c = capped.str();
  EXPECT_NE(c.find("  ... 16 more (--details lists them; --format json has them)\n"), std::string::npos) << c;
  EXPECT_NE(c.find("  ... 15 more (lines; --details lists them)\n"), std::string::npos) << c;
  EXPECT_NE(c.find("  ... 15 more (--details lists them)\n"), std::string::npos) << c;  // exceptions
  EXPECT_NE(c.find("exceptions        25 raised: ValueError 25\n"), std::string::npos) << c;
  EXPECT_EQ(c.find("t24"), std::string::npos);
  EXPECT_EQ(c.find("timeline"), std::string::npos);  // 26 rows would not fit
  // The summary comes first: status before any list.
  EXPECT_LT(c.find("status"), c.find("\nexceptions\n"));
  std::ostringstream full;
  report::TableOptions details;
  details.details = true;
  report::write_table(full, r, details);
  const std::string f = full.str();
  EXPECT_EQ(f.find(" more ("), std::string::npos) << f;
  EXPECT_NE(f.find("  t24 "), std::string::npos);
  EXPECT_NE(f.find("line 24"), std::string::npos);
  EXPECT_NE(f.find("\ntimeline\n"), std::string::npos);
}

TEST(Failures, JsonCanLeaveTheTraceOutAndKeepsEverythingElse) {
  const auto r = run_text("main:\n  - log: hi\n  - raise: {type: ValueError, message: no}\n");
  std::ostringstream with;
  report::write_json(with, r);
  std::ostringstream without;
  report::write_json(without, r, report::JsonDetail::kNoTrace);
  EXPECT_NE(with.str().find("\"trace\": ["), std::string::npos);
  EXPECT_EQ(without.str().find("\"trace\""), std::string::npos);
  for (const std::string& s : {with.str(), without.str()}) {
    EXPECT_NE(s.find("\"tasks\": ["), std::string::npos);
    EXPECT_NE(s.find("\"exceptions\": {\n    \"total\": 1,"), std::string::npos) << s;
    EXPECT_NE(s.find("\"where\": \"test.yaml:3:5\""), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace concsim::testing
