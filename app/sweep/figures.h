// The figures a sweep report shows for one point, read from the point file's
// run (write_json's layout), and how the report prints them. Absent fields
// read as zero, so a report still builds from point files of a version
// that lacks a figure; a latency the run did not measure (null, or no
// sample) reads as nothing, never as zero.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/report/json.h"
#include "app/sweep/decimal.h"
#include "app/sweep/point_file.h"

namespace concsim::sweep {

struct LimitFigures {
  std::string which;  // "threads", "mappings", "address space", "overcommit", "ram"
  std::int64_t at_ns = 0;
  std::int64_t threads = 0;
};

struct Figures {
  std::string version;
  std::string workload;
  std::string machine;
  std::string status;
  std::string detail;  // why, when the run says (main raised ..., a limit stopped it)
  std::string unit = "tasks";  // what completed counts: tasks or requests
  std::int64_t completed = 0;
  std::int64_t failed = 0;
  std::string throughput;  // per second, as written ("1234.5")
  std::optional<std::int64_t> latency_p50_ns;  // nullopt: not measured
  std::optional<std::int64_t> latency_p99_ns;
  std::int64_t peak_resident = 0;
  std::int64_t peak_reserved = 0;
  std::int64_t cores = 0;
  std::int64_t end_ns = 0;
  std::int64_t useful_ns = 0;
  std::int64_t system_ns = 0;
  std::int64_t switch_ns = 0;
  std::int64_t swap_ns = 0;
  std::int64_t idle_ns = 0;
  std::int64_t voluntary = 0;
  std::int64_t involuntary = 0;
  std::int64_t peak_threads = -1;  // -1: not the thread model
  // The event loop's thread (every model but threads): on a core, frozen in
  // blocking calls, asleep in select. With loop.processes, summed.
  bool has_loop = false;
  std::int64_t loop_busy_ns = 0;
  std::int64_t loop_blocked_ns = 0;
  std::int64_t loop_idle_ns = 0;
  std::optional<LimitFigures> limit;
};

Figures figures_of(const PointResult& r);

// The figures of a group of replications: the first run's, with every
// number replaced by its mean over the runs that measured it (rounded), the
// status by the runs' statuses ("completed" when all completed, else e.g.
// "4 completed, 1 stalled"), and the limit by the first run's that hit one.
Figures figures_of_group(const std::vector<const PointResult*>& runs);

// Core time: cores * end_ns (the denominator of the CPU split).
std::int64_t core_time(const Figures& f);

// "26.6MiB", as the run table prints memory.
using report::human_size;
// "12.5ms", as the run table prints latencies.
std::string human_duration(std::int64_t ns);
// "12.5ms", or "none" for a latency that was not measured.
std::string human_duration(const std::optional<std::int64_t>& ns);
// "37.5%": num / den with one decimal; "0.0%" when den is 0.
std::string percent(std::int64_t num, std::int64_t den);
// A ratio a / b with two decimals ("3.25"), from decimal texts; "" when b
// is zero or either is not a number.
std::string times(const std::string& a, const std::string& b);
// A human word for a limit: "the thread limit" for "threads".
std::string limit_words(const std::string& which);

}  // namespace concsim::sweep
