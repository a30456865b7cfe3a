// Claim S17: the lecture's comparison of the event loop with threads, as a
// table whose every figure is measured by running the same workload under
// both models: memory per unit of concurrency (S1's workload, on two
// profiles), races (S10's counter), a blocking call (S8's ticker) and scale
// (200,000 idle connections).
#include "app/claims/checks.h"

namespace concsim::claims {
namespace {

// Resident bytes per connection held at once: a task's for the event loop, a
// thread's for the thread model.
std::int64_t resident_per_unit(const run::RunOutput& r) {
  const std::int64_t units = r.model == "threads" ? spawned_threads(r) : r.metrics.peak_tasks;
  return per(r.metrics.memory.peak_resident, units);
}

std::int64_t reserved_per_unit(const run::RunOutput& r) {
  const std::int64_t units = r.model == "threads" ? spawned_threads(r) : r.metrics.peak_tasks;
  return per(r.metrics.memory.peak_reserved, units);
}

// "5.1 KiB resident: frame 2,200 B + socket 3 KiB; no stack": the total and
// what it is made of, per connection.
std::string memory_cell(const run::RunOutput& r) {
  const std::int64_t units = r.model == "threads" ? spawned_threads(r) : r.metrics.peak_tasks;
  static const std::vector<std::pair<std::string, std::string>> kKinds{
      {"frames.resident", "frame"},
      {"stacks.resident", "stack"},
      {"kernel_stacks.resident", "kernel stack"},
      {"buffers.resident", "socket"}};
  std::vector<std::string> parts;
  for (const auto& [kind, name] : kKinds) {
    const std::int64_t b = per(memory_of(r, kind), units);
    if (b > 0) parts.push_back(name + " " + (b < 4096 ? bytes(b) : kib(b)));
  }
  std::string cell = kib(resident_per_unit(r));
  cell.append(" resident: ").append(join(parts, " + "));
  if (memory_of(r, "stacks.reserved") == 0) {
    cell.append("; no stack");
  } else if (reserved_per_unit(r) != resident_per_unit(r)) {
    cell.append("; ").append(kib(reserved_per_unit(r))).append(" reserved");
  }
  return cell;
}

// The ticker's delay while main makes its 1 s blocking call.
sim::Duration blocked_ticker(const run::RunOutput& r) {
  const auto from = first_log(r, "blocking call on the loop");
  const auto to = first_log(r, "blocking call returned");
  return from && to ? ticker_delay(r, from->t, to->t) : -1;
}

std::string limit_text(const run::RunOutput& r) {
  if (!r.metrics.limit_hit) return "no limit hit";
  std::string s = "stopped by the ";
  s.append(r.metrics.limit_hit->which).append(" limit at ").append(thousands(r.metrics.limit_hit->threads));
  s.append(" threads");
  return s;
}

}  // namespace

Check check_s17(Runs& runs) {
  const std::string stacks = std::string(kClaimsDir) + "s1_stacks.yaml";
  const std::string scale = std::string(kClaimsDir) + "s17_comparison.yaml";
  const std::string races = std::string(kLectures) + "atomic_between_awaits.yaml";
  const std::string blocking = std::string(kLectures) + "blocking_vs_executor.yaml";
  // S1's 10,000 connections, on both profiles and under both models.
  const run::RunOutput& loop_modern = runs.get(stacks, {"machine=linux-modern", "connections=10000", "model=async"});
  const run::RunOutput& threads_modern = runs.get(stacks, {"machine=linux-modern", "connections=10000"});
  const run::RunOutput& loop_lecture = runs.get(stacks, {"machine=lecture", "connections=10000", "model=async"});
  const run::RunOutput& threads_lecture = runs.get(stacks, {"machine=lecture", "connections=10000"});
  const run::RunOutput& loop_races = runs.recorded(races);
  const run::RunOutput& threads_races = runs.recorded(races, {"model=threads"});
  const run::RunOutput& loop_blocking = runs.recorded(blocking);
  const run::RunOutput& threads_blocking = runs.recorded(blocking, {"model=threads"});
  // "Hundreds of thousands".
  constexpr std::int64_t kScaleConnections = 200'000;
  const std::string scale_connections = "connections=" + std::to_string(kScaleConnections);
  const run::RunOutput& loop_scale = runs.get(scale, {scale_connections});
  const run::RunOutput& threads_scale = runs.get(scale, {scale_connections, "model=threads"});

  const std::int64_t loop_lost = 1000 - shared_int(loop_races, "counter");
  const std::int64_t threads_lost = 1000 - shared_int(threads_races, "counter");
  const sim::Duration loop_delay = blocked_ticker(loop_blocking);
  const sim::Duration threads_delay = blocked_ticker(threads_blocking);

  Table t{"S17: event loop versus threads (every figure from a run; both models on the same machine profile)",
          {"", "event loop (async)", "threads", "runs"},
          {}};
  t.rows.push_back({"memory per connection, linux-modern", memory_cell(loop_modern), memory_cell(threads_modern),
                    "s1_stacks.yaml, 10,000 idle connections"});
  t.rows.push_back({"memory per connection, lecture", memory_cell(loop_lecture), memory_cell(threads_lecture),
                    "s1_stacks.yaml, 10,000 idle connections"});
  t.rows.push_back({"races: read-modify-write without an await", thousands(loop_lost) + " of 1,000 updates lost",
                    thousands(threads_lost) + " of 1,000 updates lost", "atomic_between_awaits.yaml, ideal"});
  t.rows.push_back({"a 1 s blocking call in main", "a 100 ms ticker " + duration(loop_delay) + " late",
                    "a 100 ms ticker " + duration(threads_delay) + " late", "blocking_vs_executor.yaml, ideal"});
  t.rows.push_back({"scale: 200,000 idle connections",
                    thousands(static_cast<std::int64_t>(loop_scale.metrics.completed)) + " served, " +
                        limit_text(loop_scale) + ", " + mib(loop_scale.metrics.memory.peak_resident) + " resident",
                    thousands(static_cast<std::int64_t>(threads_scale.metrics.completed)) + " served, " +
                        limit_text(threads_scale),
                    "s17_comparison.yaml, linux-modern"});

  Figures f;
  f.completed(loop_modern).completed(threads_modern).completed(loop_lecture).completed(threads_lecture);
  f.completed(loop_races).completed(threads_races).completed(loop_blocking).completed(threads_blocking);
  f.completed(loop_scale);
  // configs/claims/README.md S17: "memory per unit tiny vs ~1 MB": the lecture's thread
  // holds its 1 MiB stack, the loop's connection far less on every profile.
  f.rule("memory per connection", "tiny vs ~1 MB",
         kib(resident_per_unit(loop_modern)) + " vs " + kib(resident_per_unit(threads_modern)) + " (lecture: " +
             kib(resident_per_unit(loop_lecture)) + " vs " + kib(resident_per_unit(threads_lecture)) + ")",
         resident_per_unit(loop_modern) < resident_per_unit(threads_modern) &&
             resident_per_unit(loop_lecture) < resident_per_unit(threads_lecture) &&
             approx(resident_per_unit(threads_lecture), std::int64_t{1} << 20));
  // "races only across awaits vs anywhere".
  f.rule("updates lost without an await", "none vs some", thousands(loop_lost) + " vs " + thousands(threads_lost),
         loop_lost == 0 && threads_lost > 0);
  // "a blocking call freezes all vs one thread": the ticker is late on the
  // loop, on time as a thread of its own.
  f.rule("ticker delay during a blocking call", "late vs on time",
         duration(loop_delay) + " vs " + duration(threads_delay), loop_delay > 0 && threads_delay == 0);
  // "scale hundreds of thousands vs thousands".
  f.rule("connections held", "hundreds of thousands vs thousands",
         thousands(static_cast<std::int64_t>(loop_scale.metrics.completed)) + " vs " +
             thousands(static_cast<std::int64_t>(threads_scale.metrics.completed)),
         loop_scale.metrics.completed == static_cast<std::uint64_t>(kScaleConnections) &&
             !loop_scale.metrics.limit_hit && threads_scale.metrics.limit_hit &&
             threads_scale.metrics.completed < 100'000);
  f.table(std::move(t));
  return f.check();
}

}  // namespace concsim::claims
