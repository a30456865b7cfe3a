// The checks of the claims, one function per claim, and what they share.
// Internal to app/claims: claims.h's all_claims() is the way in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/claims/claims.h"
#include "app/claims/text.h"

namespace concsim::claims {

// The files the checks run, relative to the repository's top folder.
inline constexpr const char* kLectures = "configs/lectures/";
inline constexpr const char* kClaimsDir = "configs/claims/";

// The program's own log lines ("log: " taken off), in trace order.
std::vector<run::NamedLine> log_lines(const run::RunOutput& r);
// The first log line starting with `prefix`, if any.
std::optional<run::NamedLine> first_log(const run::RunOutput& r, const std::string& prefix);
// The time of the first log line starting with `prefix`, or "missing".
std::string log_time(const run::RunOutput& r, const std::string& prefix);
// The task named `name`, if any.
const models::TaskSummary* find_task(const run::RunOutput& r, const std::string& name);
// Threads a run started beside the main one, at most at once.
std::int64_t spawned_threads(const run::RunOutput& r);
// The peak bytes of one kind ("stacks.resident"), 0 when the run has none.
std::int64_t memory_of(const run::RunOutput& r, const std::string& kind);
// Core time that was not idle: useful, system, switching and swapping.
std::int64_t busy_ns(const run::RunOutput& r);
// Core time of the run: cores x end.
std::int64_t core_ns(const run::RunOutput& r);

// The ticker of blocking_vs_executor.yaml: its largest delay beyond its
// 100 ms period among the ticks logged in the window [from, to].
sim::Duration ticker_delay(const run::RunOutput& r, sim::Time from, sim::Time to);
// The workload's counter after ten workers' 1,000 increments
// (atomic_between_awaits.yaml), or -1 when the run has none.
std::int64_t shared_int(const run::RunOutput& r, const std::string& name);

Check check_s1(Runs& runs);
Check check_s2(Runs& runs);
Check check_s3(Runs& runs);
Check check_s4(Runs& runs);
Check check_s5(Runs& runs);
Check check_s6(Runs& runs);
Check check_s7(Runs& runs);
Check check_s8(Runs& runs);
Check check_s9(Runs& runs);
Check check_s10(Runs& runs);
Check check_s11(Runs& runs);
Check check_s12(Runs& runs);
Check check_s13(Runs& runs);
Check check_s14(Runs& runs);
Check check_s15(Runs& runs);
Check check_s16(Runs& runs);
Check check_s17(Runs& runs);
Check check_s18(Runs& runs);

}  // namespace concsim::claims
