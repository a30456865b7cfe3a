#include "app/sweep/figures.h"

#include <array>

#include "app/report/json.h"
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
  f.latency_p50_ns = run.int_at("metrics.latency_ns.p50");
  f.latency_p99_ns = run.int_at("metrics.latency_ns.p99");
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
  const JsonValue* limit = run.path("metrics.limit_hit");
  if (limit != nullptr && limit->is_object()) {
    f.limit = LimitFigures{limit->text_at("which"), limit->int_at("at_ns"), limit->int_at("threads")};
  }
  return f;
}

std::int64_t core_time(const Figures& f) {
  std::int64_t total = 0;
  return sim::checked_mul(f.cores, f.end_ns, &total) ? total : 0;
}

std::string human_duration(std::int64_t ns) { return sim::format_duration(ns); }

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
