#include "app/sweep/figures.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "app/report/json.h"
#include "app/report/svg.h"
#include "sim/detail/int128.h"
#include "sim/time.h"

namespace concsim::sweep {

Figures figures_of(const PointResult& r) {
  const JsonValue& run = r.run;
  Figures f;
  f.version = run.text_at("concsim_version");
  f.workload = run.text_at("workload");
  f.machine = run.text_at("machine");
  f.status = run.text_at("status");
  f.detail = run.text_at("detail");
  f.unit = run.text_at("metrics.unit", "tasks");
  f.completed = run.int_at("metrics.completed");
  f.failed = run.int_at("metrics.failed");
  f.throughput = run.text_at("metrics.throughput_per_s", "0.0");
  const JsonValue* p50 = run.path("metrics.latency_ns.p50");
  const bool measured = p50 != nullptr && !p50->is_null() && run.int_at("metrics.latency_ns.count") > 0;
  if (measured) {
    f.latency_p50_ns = run.int_at("metrics.latency_ns.p50");
    f.latency_p99_ns = run.int_at("metrics.latency_ns.p99");
  }
  f.peak_resident = run.int_at("metrics.memory_bytes.peak_resident");
  f.peak_reserved = run.int_at("metrics.memory_bytes.peak_reserved");
  f.cores = run.int_at("metrics.cpu.cores");
  f.end_ns = run.int_at("end_time_ns");
  f.useful_ns = run.int_at("metrics.cpu.useful_ns");
  f.system_ns = run.int_at("metrics.cpu.system_ns");
  f.switch_ns = run.int_at("metrics.cpu.switch_ns");
  f.swap_ns = run.int_at("metrics.cpu.swap_ns");
  f.idle_ns = run.int_at("metrics.cpu.idle_ns");
  f.voluntary = run.int_at("metrics.context_switches.voluntary");
  f.involuntary = run.int_at("metrics.context_switches.involuntary");
  if (run.path("threads.peak_threads") != nullptr) f.peak_threads = run.int_at("threads.peak_threads");
  if (run.path("loop.busy_ns") != nullptr) {
    f.has_loop = true;
    f.loop_busy_ns = run.int_at("loop.busy_ns");
    f.loop_blocked_ns = run.int_at("loop.blocked_ns");
    f.loop_idle_ns = run.int_at("loop.idle_ns");
  }
  const JsonValue* limit = run.path("metrics.limit_hit");
  if (limit != nullptr && limit->is_object()) {
    f.limit = LimitFigures{limit->text_at("which"), limit->int_at("at_ns"), limit->int_at("threads")};
  }
  return f;
}

namespace {

std::int64_t mean_of(const std::vector<std::int64_t>& v) {
  if (v.empty()) return 0;
  long double sum = 0;
  for (std::int64_t x : v) sum += static_cast<long double>(x);
  return static_cast<std::int64_t>(std::llround(sum / static_cast<long double>(v.size())));
}

// The mean of one field over the figures that have it.
template <class Get>
std::int64_t mean_field(const std::vector<Figures>& all, Get get) {
  std::vector<std::int64_t> v;
  for (const Figures& f : all) v.push_back(get(f));
  return mean_of(v);
}

}  // namespace

Figures figures_of_group(const std::vector<const PointResult*>& runs) {
  if (runs.empty()) return Figures{};
  std::vector<Figures> all;
  for (const PointResult* r : runs) all.push_back(figures_of(*r));
  Figures f = all[0];
  if (all.size() == 1) return f;
  // Statuses in order of first appearance, counted.
  std::vector<std::pair<std::string, std::size_t>> statuses;
  for (const Figures& x : all) {
    auto it = std::find_if(statuses.begin(), statuses.end(), [&](const auto& s) { return s.first == x.status; });
    if (it == statuses.end()) {
      statuses.emplace_back(x.status, 1);
    } else {
      ++it->second;
    }
  }
  if (statuses.size() > 1) {
    f.status.clear();
    for (const auto& [s, n] : statuses) f.status += (f.status.empty() ? "" : ", ") + std::to_string(n) + " " + s;
    f.detail.clear();
  }
  f.completed = mean_field(all, [](const Figures& x) { return x.completed; });
  f.failed = mean_field(all, [](const Figures& x) { return x.failed; });
  std::vector<double> tp;
  for (const Figures& x : all) {
    const std::optional<Decimal> d = parse_decimal(x.throughput);
    if (d) tp.push_back(to_double(*d));
  }
  double sum = 0;
  for (double v : tp) sum += v;
  f.throughput = report::fixed_decimal(tp.empty() ? 0.0 : sum / static_cast<double>(tp.size()), 1);
  std::vector<std::int64_t> p50;
  std::vector<std::int64_t> p99;
  for (const Figures& x : all) {
    if (x.latency_p50_ns) p50.push_back(*x.latency_p50_ns);
    if (x.latency_p99_ns) p99.push_back(*x.latency_p99_ns);
  }
  f.latency_p50_ns = p50.empty() ? std::nullopt : std::optional<std::int64_t>(mean_of(p50));
  f.latency_p99_ns = p99.empty() ? std::nullopt : std::optional<std::int64_t>(mean_of(p99));
  f.peak_resident = mean_field(all, [](const Figures& x) { return x.peak_resident; });
  f.peak_reserved = mean_field(all, [](const Figures& x) { return x.peak_reserved; });
  f.end_ns = mean_field(all, [](const Figures& x) { return x.end_ns; });
  f.useful_ns = mean_field(all, [](const Figures& x) { return x.useful_ns; });
  f.system_ns = mean_field(all, [](const Figures& x) { return x.system_ns; });
  f.switch_ns = mean_field(all, [](const Figures& x) { return x.switch_ns; });
  f.swap_ns = mean_field(all, [](const Figures& x) { return x.swap_ns; });
  f.idle_ns = mean_field(all, [](const Figures& x) { return x.idle_ns; });
  f.voluntary = mean_field(all, [](const Figures& x) { return x.voluntary; });
  f.involuntary = mean_field(all, [](const Figures& x) { return x.involuntary; });
  f.loop_busy_ns = mean_field(all, [](const Figures& x) { return x.loop_busy_ns; });
  f.loop_blocked_ns = mean_field(all, [](const Figures& x) { return x.loop_blocked_ns; });
  f.loop_idle_ns = mean_field(all, [](const Figures& x) { return x.loop_idle_ns; });
  for (const Figures& x : all) {
    if (!f.limit && x.limit) f.limit = x.limit;
  }
  return f;
}

std::int64_t core_time(const Figures& f) {
  std::int64_t total = 0;
  return sim::checked_mul(f.cores, f.end_ns, &total) ? total : 0;
}

std::string human_duration(std::int64_t ns) { return sim::format_duration(ns); }

std::string human_duration(const std::optional<std::int64_t>& ns) { return ns ? human_duration(*ns) : "none"; }

std::string percent(std::int64_t num, std::int64_t den) {
  if (den == 0) return "0.0%";
  // num * 1000 fits in 128 bits for any int64.
  const auto scaled = static_cast<sim::detail::Int128>(num) * 1000;
  const auto den128 = static_cast<sim::detail::Int128>(den);
  auto tenths = static_cast<std::int64_t>((scaled + den128 / 2) / den128);
  return report::fixed(tenths, 10, 1) + "%";
}

std::string times(const std::string& a, const std::string& b) {
  const std::optional<Decimal> x = parse_decimal(a);
  const std::optional<Decimal> y = parse_decimal(b);
  if (!x || !y || y->mantissa == 0) return "";
  // x / y in hundredths: (x.m / 10^xs) / (y.m / 10^ys) * 100.
  sim::detail::Int128 num = static_cast<sim::detail::Int128>(x->mantissa) * 100;
  sim::detail::Int128 den = y->mantissa;
  for (int i = 0; i < y->scale; ++i) num *= 10;
  for (int i = 0; i < x->scale; ++i) den *= 10;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const sim::detail::Int128 q = num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
  return report::fixed(static_cast<std::int64_t>(q), 100, 2);
}

std::string limit_words(const std::string& which) {
  if (which == "threads") return "the thread limit";
  if (which == "mappings") return "the memory-mapping limit";
  if (which == "overcommit") return "the overcommit limit";
  if (which == "address space") return "the end of the address space";
  if (which == "ram") return "the end of RAM";
  return "the " + which + " limit";
}

}  // namespace concsim::sweep
