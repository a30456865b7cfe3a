// The real harness: reading a server workload through the loader, its errors,
// a tiny real run with a few threads and a few fibers, and the report.
#include <gtest/gtest.h>

#include <algorithm>

#include "app/load/config.h"
#include "tools/harness/harness.h"
#include "tools/harness/report.h"

namespace concsim::harness {
namespace {

constexpr const char* kTiny = R"(name: tiny
seed: 7
connections: 4
server:
  requests: 3
  think_time: {exponential: {mean: 1ms}}
  handler:
    - io: {exponential: {mean: 500us}}
    - cpu: 50us
    - sleep: 1ms
)";

ServerSpec tiny() {
  load::Document doc = load::Document::load_string(kTiny, "tiny.yaml");
  return read_server(doc);
}

TEST(HarnessSpec, ReadsTheServerSection) {
  const ServerSpec s = tiny();
  EXPECT_EQ(s.name, "tiny");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.connections, 4);
  EXPECT_EQ(s.requests, 3);
  EXPECT_EQ(s.think.kind, models::DurationSpec::Kind::kDistribution);
  ASSERT_EQ(s.handler.size(), 3u);
  EXPECT_EQ(s.handler[0].kind, StepKind::kSleep);
  EXPECT_EQ(s.handler[1].kind, StepKind::kCpu);
  EXPECT_EQ(s.handler[1].duration.constant, 50'000);
  EXPECT_EQ(s.handler[2].kind, StepKind::kSleep);
}

TEST(HarnessSpec, DefaultAndValidationWorkloadsAreSupported) {
  load::Document doc = load::Document::load_file("configs/default.yaml");
  const ServerSpec d = read_server(doc);
  EXPECT_EQ(d.handler.size(), 5u);
  EXPECT_GT(d.connections, 0);
  load::Document v = load::Document::load_file("tools/harness/validation.yaml");
  const ServerSpec s = read_server(v);
  EXPECT_EQ(s.handler.size(), 5u);
  EXPECT_EQ(s.requests, 5);
  EXPECT_EQ(s.warmup, 100'000'000);
}

TEST(HarnessRun, DurationAndRampWithoutRequests) {
  load::Document doc = load::Document::load_string(
      "connections: 3\nserver:\n  duration: 200ms\n  ramp: 3ms\n  think_time: 5ms\n  handler:\n    - io: 1ms\n",
      "d.yaml");
  const ServerSpec s = read_server(doc);
  EXPECT_EQ(s.requests, 0);
  EXPECT_EQ(s.ramp, 3'000'000);
  const RunResult r = run_threads(s, 3);
  EXPECT_EQ(r.started, 3);
  EXPECT_GE(r.served, 1u);
  EXPECT_LE(r.served, 3u * 35);  // at most 200 ms / 6 ms each, plus one
  EXPECT_EQ(r.completed, r.served);  // no warm-up
}

std::string error_of(const std::string& text) {
  try {
    load::Document doc = load::Document::load_string(text, "w.yaml");
    read_server(doc);
  } catch (const load::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(HarnessSpec, UnsupportedStepsAreLocatedErrors) {
  EXPECT_EQ(error_of("connections: 2\nserver:\n  requests: 1\n  handler:\n    - io: 1ms\n    - log: hi\n"),
            "w.yaml:6:7: server.handler[1].log: the harness runs handlers of io, sleep, block and cpu steps only, "
            "not a log step");
  const std::string e = error_of("connections: 2\nserver:\n  requests: 1\n  handler:\n    - io: ${connection * 1ms}\n");
  EXPECT_NE(e.find("w.yaml:5:"), std::string::npos) << e;
  EXPECT_NE(e.find("constant durations and distributions only"), std::string::npos) << e;
  EXPECT_NE(error_of("main:\n  - log: hi\n").find("no server section"), std::string::npos);
  // The loader's own errors come through unchanged.
  EXPECT_EQ(error_of("connections: 2\nserver:\n  requests: 1\n  handler:\n    - io: fast\n"),
            "w.yaml:5:11: server.handler[0].io: expected a duration like \"10ms\", got \"fast\"");
}

void check_run(const RunResult& r, const char* model) {
  EXPECT_EQ(r.model, model);
  EXPECT_EQ(r.connections, 4);
  EXPECT_EQ(r.started, 4);
  EXPECT_TRUE(r.failure.empty()) << r.failure;
  EXPECT_EQ(r.completed, 12u);  // 4 connections x 3 requests, no warm-up
  EXPECT_EQ(r.served, 12u);
  EXPECT_EQ(r.sleeps, 36u);     // think, io and sleep per request
  EXPECT_GT(r.throughput_per_s, 0);
  EXPECT_GE(r.latency_p50_ns, 1'000'000);  // at least the 1 ms sleep
  EXPECT_GE(r.latency_p99_ns, r.latency_p50_ns);
  EXPECT_GE(r.latency_max_ns, r.latency_p99_ns);
  EXPECT_GT(r.end_ns, 0);
  EXPECT_GT(r.rss_baseline_bytes, 0);
  EXPECT_GT(r.rss_peak_bytes, 0);
  EXPECT_GE(r.rss_growth_bytes, 0);
  EXPECT_GE(r.voluntary_switches, 0);
  EXPECT_GE(r.sleep_overshoot_ns, 0);
  const std::string row = csv_row(r);
  const std::string header = csv_header();
  EXPECT_EQ(std::count(row.begin(), row.end(), ','), std::count(header.begin(), header.end(), ','));
}

TEST(HarnessRun, FewThreads) { check_run(run_threads(tiny(), 4), "threads"); }

TEST(HarnessRun, FewFibers) { check_run(run_fibers(tiny(), 4, 64 * 1024), "fibers"); }

TEST(HarnessReport, TablesChartsAndMisses) {
  const std::string csv =
      "source,model,connections,throughput_per_s,latency_p50_ns,latency_p99_ns,resident_bytes,voluntary,"
      "involuntary,sleep_overshoot_ns,sleeps_per_request,cpu_ns,run_delay_ns,completed,switch_cpu_ns\n"
      "measured,threads,100,400,6000000,26000000,819200,2000,80,60000,4,1000000,500000,400,\n"
      "measured,threads,100,420,6000000,30000000,819200,2000,90,70000,4,1000000,500000,400,\n"
      "simulated,threads,100,418,5800000,25000000,830000,2001,0,,,900000,,400,1000\n"
      "measured,fibers,100,417,7000000,26000000,819200,1500,3,50000,4,1000000,900000,400,\n"
      "simulated,fibers,100,300,5800000,80000000,500000,1700,0,,,900000,,400,0\n";
  ReportInput in;
  in.rows = parse_data(csv);
  ASSERT_EQ(in.rows.size(), 5u);
  in.meta = {{"measured", "today"}};
  in.profile_text = "name: calibrated\n";
  in.chart_prefix = "validation";
  const ReportFiles f = render_report(in);
  ASSERT_EQ(f.charts.size(), 3u);
  EXPECT_EQ(f.charts[0].first, "validation-throughput.svg");
  EXPECT_NE(f.charts[0].second.find("<svg"), std::string::npos);
  const std::string& md = f.markdown;
  EXPECT_NE(md.find("| 100 | 410 (400-420) | 418 | +2.0% |"), std::string::npos) << md;
  EXPECT_NE(md.find("3 of 6 comparisons within their aim"), std::string::npos) << md;
  EXPECT_NE(md.find("the event loop (fibers vs async), 100 connections, throughput"), std::string::npos);
  EXPECT_NE(md.find("the event loop (fibers vs async), 100 connections, p99"), std::string::npos);
  EXPECT_NE(md.find("The model is slower than the host: it charged 2.3us of CPU per measured request, 0.0us of it "
                    "for context switches, where the harness's loop thread spent 2.5us"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("the event loop (fibers vs async), 100 connections, memory"), std::string::npos);
  EXPECT_EQ(md.find("threads, 100 connections"), std::string::npos);  // every threads figure is within its aim
  EXPECT_NE(md.find("| measured | today |"), std::string::npos);
  EXPECT_THROW(parse_data("nonsense\n"), std::runtime_error);
  EXPECT_THROW(parse_data(csv + "measured,threads,x\n"), std::runtime_error);
}

}  // namespace
}  // namespace concsim::harness
