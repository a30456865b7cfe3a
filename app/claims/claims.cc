#include "app/claims/claims.h"

#include <algorithm>
#include <stdexcept>

#include "app/claims/checks.h"

namespace concsim::claims {

// The claims as configs/claims/README.md states them (section A, second column),
// word for word.
const std::vector<Claim>& all_claims() {
  static const std::vector<Claim> table{
      {"S1", "Each OS thread has ~1 MB of stack; 10,000 connections need ~10 GB just for stacks", check_s1},
      {"S2",
       "The scheduler must switch between all threads; latency climbs at high connection counts even while the "
       "CPU is mostly idle",
       check_s2},
      {"S3", "Thread-per-connection hits a memory wall before a hardware limit; bandwidth is rarely the bottleneck",
       check_s3},
      {"S4", "One event loop holds tens of thousands of connections (the lecture: Node.js, 50,000+)", check_s4},
      {"S5", "gather(A 1.0 s, B 0.5 s, C 0.8 s) finishes in ~1.0 s, not 2.3 s; results in argument order",
       check_s5},
      {"S6",
       "create_task A 2.0 s, B 0.5 s, C 1.0 s; wait(timeout=1.2) gives done {B, C}, pending {A}; cancel delivers "
       "CancelledError at A's await; cleanup, re-raise; drain with gather(return_exceptions=True)",
       check_s6},
      {"S7",
       "async with awaits open and close (close even on error); async for awaits each row, and other coroutines "
       "run between rows",
       check_s7},
      {"S8", "One blocking call freezes the whole loop; run_in_executor keeps it responsive", check_s8},
      {"S9", "sleep(0) every N iterations lets others run; a CPU loop without it freezes them", check_s9},
      {"S10", "Between two awaits a coroutine runs atomically; threads can be interrupted anywhere", check_s10},
      {"S11", "Semaphore(3) over 10 one-second fetches", check_s11},
      {"S12",
       "Producer/consumer over a Queue: producer 0.1 s per item, consumer 0.2 s per item, 5 items, None as "
       "sentinel",
       check_s12},
      {"S13", "100 \u00d7 sleep(0.1) concurrently ~0.1 s vs sequentially 10 s; 3 \u00d7 1 s: ~1 s vs 3 s",
       check_s13},
      {"S14", "CPU-bound work gains nothing from async; it needs several cores", check_s14},
      {"S15", "wait(FIRST_COMPLETED) over 1, 2, 3 s returns at 1 s; as_completed yields in completion order",
       check_s15},
      {"S16", "gather raises the first exception; return_exceptions=True collects them", check_s16},
      {"S17",
       "Event loop vs threads: memory per unit tiny vs ~1 MB; races only across awaits vs anywhere; a blocking "
       "call freezes all vs one thread; scale hundreds of thousands vs thousands",
       check_s17},
      {"S18", "The loop's cycle: run ready tasks, poll for I/O, resume the ready ones", check_s18},
  };
  return table;
}

const Claim& find_claim(const std::string& id) {
  for (const Claim& c : all_claims()) {
    if (id == c.id) return c;
  }
  throw std::out_of_range("no claim " + id);
}

std::vector<Result> check_all(Runs& runs) {
  std::vector<Result> out;
  for (const Claim& c : all_claims()) out.push_back(Result{c.id, c.claim, c.check(runs)});
  return out;
}

Verdict verdict_of(const Check& c) {
  if (!c.pass) return Verdict::kFail;
  return c.condition.empty() ? Verdict::kPass : Verdict::kConditional;
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "PASS";
    case Verdict::kConditional: return "CONDITIONAL";
    case Verdict::kFail: return "FAIL";
  }
  return "FAIL";
}

bool all_pass(const std::vector<Result>& results) {
  for (const Result& r : results) {
    if (!r.check.pass) return false;
  }
  return true;
}

// ---- What the checks share. ----

std::vector<run::NamedLine> log_lines(const run::RunOutput& r) {
  std::vector<run::NamedLine> out;
  for (const run::NamedLine& l : r.trace) {
    if (starts_with(l.event, "log: ")) out.push_back(run::NamedLine{l.t, l.task, l.event.substr(5)});
  }
  return out;
}

std::optional<run::NamedLine> first_log(const run::RunOutput& r, const std::string& prefix) {
  for (const run::NamedLine& l : log_lines(r)) {
    if (starts_with(l.event, prefix)) return l;
  }
  return std::nullopt;
}

std::string log_time(const run::RunOutput& r, const std::string& prefix) {
  const auto l = first_log(r, prefix);
  return l ? duration(l->t) : "missing";
}

const models::TaskSummary* find_task(const run::RunOutput& r, const std::string& name) {
  for (const models::TaskSummary& t : r.tasks) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::int64_t spawned_threads(const run::RunOutput& r) { return r.threads.peak_threads - 1; }

std::int64_t memory_of(const run::RunOutput& r, const std::string& kind) {
  const auto it = r.metrics.memory.by_kind.find(kind);
  return it == r.metrics.memory.by_kind.end() ? 0 : it->second;
}

std::int64_t busy_ns(const run::RunOutput& r) {
  const models::CpuMetrics& c = r.metrics.cpu;
  return c.useful_ns + c.system_ns + c.switch_ns + c.swap_ns;
}

std::int64_t core_ns(const run::RunOutput& r) { return static_cast<std::int64_t>(r.metrics.cpu.cores) * r.end_time; }

sim::Duration ticker_delay(const run::RunOutput& r, sim::Time from, sim::Time to) {
  // The ticker sleeps 100 ms between ticks; a tick later than 100 ms after
  // the one before it was held up by something else.
  constexpr sim::Duration kPeriod = 100 * sim::kMillisecond;
  sim::Time previous = 0;  // the ticker is spawned at 0
  sim::Duration worst = 0;
  for (const run::NamedLine& l : log_lines(r)) {
    if (l.task != "ticker" || !starts_with(l.event, "tick ")) continue;
    if (l.t >= from && l.t <= to) worst = std::max(worst, l.t - previous - kPeriod);
    previous = l.t;
  }
  return worst;
}

std::int64_t shared_int(const run::RunOutput& r, const std::string& name) {
  for (const auto& [n, value] : r.shared) {
    if (n == name) return std::stoll(value);
  }
  return -1;
}

}  // namespace concsim::claims
