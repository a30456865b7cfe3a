// SEDA (Welsh, Culler and Brewer, SOSP 2001), figures 2 and 4, reproduced by
// configs/papers/seda-2001-fig2.yaml and -fig4.yaml on the seda-2001 machine
// profile: every point against the paper's figure, and the shapes (the peak
// at 8 threads, the collapse beyond 64, the flat event loop) from the
// measured data. The published figures are those of configs/claims/README.md,
// section B.
//
// Figure 2 runs all 11 points and asserts the documented error bounds of the
// prediction and the mechanism of its collapse. Figure 4 runs 1, 8 and 128 to 131,072 tasks;
// tools/papers.sh runs the rest (up to 1,048,576 tasks, ~1 GB and 15-40 s on
// its own), which the flat part of the curve predicts.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "app/load/config.h"
#include "app/load/machine.h"
#include "app/load/workload.h"
#include "app/run/runner.h"
#include "models/metrics.h"
#include "tools/papers/study.h"

namespace concsim::testing {
namespace {

struct Measured {
  std::string status;
  double throughput = 0;  // tasks per second
  double latency_ms = 0;  // mean
};

// Runs `file` at each number of connections, two points at a time (each run
// is its own Simulation; app/ and models/ share nothing mutable).
std::map<int, Measured> run_points(const std::string& file, const std::vector<int>& connections) {
  std::vector<load::Workload> workloads;
  for (const int n : connections) {
    load::Document doc = load::Document::load_file(file);
    doc.apply_override("connections=" + std::to_string(n));
    workloads.push_back(load::load_workload(doc));
  }
  std::vector<Measured> out(connections.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    run::RunOptions options;
    options.record = false;
    for (std::size_t i = next++; i < workloads.size(); i = next++) {
      const run::RunOutput r = run::run_workload(workloads[i], options);
      out[i] = Measured{r.status, models::throughput_per_second(r.metrics),
                        static_cast<double>(r.metrics.latency.mean) / 1e6};
    }
  };
  std::thread helper(work);
  work();
  helper.join();
  std::map<int, Measured> by_n;
  for (std::size_t i = 0; i < connections.size(); ++i) by_n[connections[i]] = out[i];
  return by_n;
}

// ---- Figure 2: thread per task ----

struct Published {
  double throughput;  // tasks/s
  double latency_ms;
};

// configs/claims/README.md section B, SEDA figure 2: threads -> tasks/s and latency.
const std::map<int, Published> kFig2 = {
    {1, {12'899, 0.1}},   {2, {18'361, 0.1}},    {4, {22'808, 0.19}},   {8, {25'315, 0.28}},
    {16, {23'894, 0.65}}, {32, {22'549, 1.49}},  {64, {21'218, 2.99}},  {128, {13'978, 9.15}},
    {256, {8'389, 30.4}}, {512, {5'098, 100.4}}, {1024, {2'836, 361.1}},
};

const std::map<int, Measured>& fig2() {
  static const std::map<int, Measured> m = [] {
    std::vector<int> ns;
    for (const auto& [n, _] : kFig2) ns.push_back(n);
    return run_points("configs/papers/seda-2001-fig2.yaml", ns);
  }();
  return m;
}

// Figure 2 is a prediction (configs/papers/seda-2001-fig2.yaml): nothing in
// the workload or the seda-2001 profile is set from its points, so the
// errors are what the mechanisms give. The bounds below are the ones the
// report (reports/papers/seda-2001-fig2) documents, with the reason for each.
double error_of(int n) { return (fig2().at(n).throughput - kFig2.at(n).throughput) / kFig2.at(n).throughput; }

TEST(SedaFigure2, ErrorsAreWithinTheDocumentedBounds) {
  for (const auto& [n, pub] : kFig2) {
    SCOPED_TRACE(std::to_string(n) + " threads");
    ASSERT_EQ(fig2().at(n).status, "completed");
    const double e = error_of(n);
    if (n <= 8) {
      // Before the run queue grows: the big kernel lock and the hand-off.
      EXPECT_LT(std::abs(e), 0.35);
    } else {
      // The model is too fast here, never too slow: the serialised part of a
      // task (the BKL section) is shorter in the model than on the real
      // machine, whose refill misses and hand-off system calls run under the
      // lock; the model charges them outside it.
      EXPECT_GT(e, 0.0);
      EXPECT_LT(e, 1.25);
    }
  }
}

TEST(SedaFigure2, CollapsesBeyond64ThreadsAsThePaperDoes) {
  const std::map<int, Measured>& m = fig2();
  double peak = 0;
  for (const auto& [n, p] : m) peak = std::max(peak, p.throughput);
  // From 128 threads on each doubling loses more than a fifth (the paper:
  // 34-44 %), and at 1,024 less than a quarter of the peak is left (the
  // paper: 11 %).
  for (int n = 128; n < 1024; n *= 2) {
    EXPECT_LT(m.at(2 * n).throughput, 0.8 * m.at(n).throughput) << n << " -> " << 2 * n;
  }
  EXPECT_LT(m.at(1024).throughput, peak / 4);
}

// The collapse is the run queue's walk: with the pick's cost switched off
// (threads.without: pick, an ablation) 256 threads run more than twice as
// fast; with the caches switched off, the walk's L2 misses go and so does
// most of the loss.
TEST(SedaFigure2, TheCollapseIsTheRunQueueWalk) {
  const auto at = [](const std::string& without) {
    load::Document doc = load::Document::load_file("configs/papers/seda-2001-fig2.yaml");
    doc.apply_override("connections=256");
    doc.apply_override("shared.total_tasks=8000");
    if (!without.empty()) doc.apply_override("threads.without=" + without);
    run::RunOptions options;
    options.record = false;
    const run::RunOutput r = run::run_workload(load::load_workload(doc), options);
    EXPECT_EQ(r.status, "completed");
    return models::throughput_per_second(r.metrics);
  };
  const double with = at("");
  EXPECT_GT(at("pick"), 1.5 * with);
  EXPECT_GT(at("cache"), 1.2 * with);
}

// ---- What figure 2's prediction rests on (reports/papers/seda-2001-fig2-ablation) ----

// The sensitivity study takes every value of seda-2001 whose source is an
// estimate or asks for one, and no value a document gives.
TEST(SedaSensitivity, EveryEstimateAndNoSourcedValueIsStudied) {
  const models::MachineProfile p = load::load_machine("seda-2001");
  std::vector<std::string> keys;
  for (const papers::Estimate& e : papers::estimated_values(p)) keys.push_back(e.key);
  for (const char* k : {"cache.memory", "cache.private", "cache.private_hit", "cache.thread_working_set",
                        "cache.misses_in_flight", "costs.ipi", "costs.syscall", "scheduler.goodness",
                        "scheduler.pick_base"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  }
  // A datasheet, a kernel source and Capriccio's table are not estimates.
  for (const char* k : {"cache.line", "cache.task_align", "costs.context_switch", "costs.thread_create",
                        "hardware.cores", "memory.stack_reserved"}) {
    EXPECT_EQ(std::find(keys.begin(), keys.end(), k), keys.end()) << k;
  }
}

TEST(SedaSensitivity, ScalingAValueByItsKey) {
  models::MachineProfile p = load::load_machine("seda-2001");
  ASSERT_TRUE(load::scale_value(p, "cache.memory", 2.0));
  EXPECT_EQ(p.cache.memory, 360);
  ASSERT_TRUE(load::scale_value(p, "cache.misses_in_flight", 0.5));
  EXPECT_EQ(p.cache.misses_in_flight, 1);  // a count of at least one
  ASSERT_TRUE(load::scale_value(p, "cache.private", 2.0));
  EXPECT_EQ(p.cache.private_bytes, 1 << 20);
  EXPECT_FALSE(load::scale_value(p, "scheduler.policy", 2.0));
  EXPECT_FALSE(load::scale_value(p, "costs.nonsense", 2.0));
}

// The collapse's depth is the run-queue walk's misses: it follows the memory
// latency nobody measured for the 2001 machine (the study's largest
// sensitivity), and barely moves with the IPI or the page fault.
TEST(SedaSensitivity, TheCollapseFollowsTheMemoryLatency) {
  const auto at = [](const std::string& key, double factor) {
    load::Document doc = load::Document::load_file("configs/papers/seda-2001-fig2.yaml");
    doc.apply_override("connections=1024");
    doc.apply_override("shared.total_tasks=8000");
    models::MachineProfile p = load::load_machine("seda-2001");
    if (!key.empty()) load::scale_value(p, key, factor);
    run::RunOptions options;
    options.record = false;
    options.machine = &p;
    const run::RunOutput r = run::run_workload(load::load_workload(doc), options);
    EXPECT_EQ(r.status, "completed");
    return models::throughput_per_second(r.metrics);
  };
  const double given = at("", 1);
  EXPECT_GT(at("cache.memory", 0.5), 1.3 * given);
  EXPECT_LT(at("cache.memory", 2.0), 0.75 * given);
  EXPECT_NEAR(at("costs.ipi", 2.0), given, 0.05 * given);
  EXPECT_NEAR(at("costs.page_fault", 2.0), given, 0.05 * given);
}

// ---- Figure 4: one event-loop thread ----

// configs/claims/README.md section B, SEDA figure 4: 13,047 tasks/s at 1 task in the
// pipeline, 28,241 at 8, flat at ~30,000 (within 3 %) from 128 to 1,048,576.
constexpr double kFig4At1 = 13'047;
constexpr double kFig4At8 = 28'241;
constexpr double kFig4Flat = 30'000;
const std::vector<int> kFig4FlatPoints = {128, 1'024, 16'384, 131'072};

const std::map<int, Measured>& fig4() {
  static const std::map<int, Measured> m = [] {
    std::vector<int> ns = {1, 8};
    ns.insert(ns.end(), kFig4FlatPoints.begin(), kFig4FlatPoints.end());
    return run_points("configs/papers/seda-2001-fig4.yaml", ns);
  }();
  return m;
}

// The dispatcher's hand-off (27 us) is set from the one-task point, so
// that point checks the setting, not a prediction: within 10 % (the rest is
// the estimated poll cost). Eight tasks are predicted: within 5 %.
TEST(SedaFigure4, OneAndEightTasksNearThePaper) {
  ASSERT_EQ(fig4().at(1).status, "completed");
  ASSERT_EQ(fig4().at(8).status, "completed");
  EXPECT_NEAR(fig4().at(1).throughput, kFig4At1, 0.10 * kFig4At1);
  EXPECT_NEAR(fig4().at(8).throughput, kFig4At8, 0.05 * kFig4At8);
}

TEST(SedaFigure4, FlatWithin5PercentFrom128Tasks) {
  double lo = 1e18;
  double hi = 0;
  for (const int n : kFig4FlatPoints) {
    const Measured& m = fig4().at(n);
    SCOPED_TRACE(std::to_string(n) + " tasks");
    ASSERT_EQ(m.status, "completed");
    EXPECT_NEAR(m.throughput, kFig4Flat, 0.05 * kFig4Flat);
    lo = std::min(lo, m.throughput);
    hi = std::max(hi, m.throughput);
  }
  EXPECT_LT(hi / lo, 1.05);
  // No decline with the number of tasks, unlike figure 2's threads.
  EXPECT_GT(fig4().at(131'072).throughput, 0.97 * fig4().at(128).throughput);
}

TEST(SedaFigure4, LatencyGrowsLinearlyWithTasks) {
  // Each task waits for the others once per round: latency = tasks /
  // throughput. Up to 16,384 tasks each goes round a dozen times or more, so
  // the mean is the steady state (at 131,072 the two rounds include the
  // start, when tasks are served in creation order).
  for (const int n : {128, 1'024, 16'384}) {
    const Measured& m = fig4().at(n);
    EXPECT_NEAR(m.latency_ms, n / m.throughput * 1e3, 0.05 * n / m.throughput * 1e3) << n << " tasks";
  }
}

}  // namespace
}  // namespace concsim::testing
