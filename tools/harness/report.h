// The validation report: measured (the harness) beside simulated (concsim on
// the calibrated profile), per model and connection count, with the relative
// errors, SVG charts, and the misses explained from the figures.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace concsim::harness {

// One row of the data the validation script collects.
struct DataRow {
  std::string source;  // "measured" or "simulated"
  std::string model;   // "threads" or "fibers" (simulated fibers: concsim's async model)
  long long connections = 0;
  double throughput_per_s = 0;
  double latency_p50_ns = 0;
  double latency_p99_ns = 0;
  double resident_bytes = 0;  // measured: RSS growth over the idle baseline; simulated: peak resident
  double voluntary = 0;
  double involuntary = 0;
  double sleep_overshoot_ns = 0;  // measured only
  double sleeps_per_request = 0;  // measured only
  double cpu_ns = 0;              // measured only: the server's threads on a core (schedstat)
  double run_delay_ns = 0;        // measured only: runnable, waiting for a core (schedstat)
  double completed = 0;           // requests measured
  double switch_cpu_ns = 0;       // simulated only: CPU the model charged for switching
};

// Parses the CSV (header: source,model,connections,throughput_per_s,
// latency_p50_ns,latency_p99_ns,resident_bytes,voluntary,involuntary,
// sleep_overshoot_ns,sleeps_per_request,cpu_ns,run_delay_ns,completed,
// switch_cpu_ns). cpu_ns: measured, the server's threads on a core
// (schedstat); simulated, useful + system + switching CPU.
// Throws std::runtime_error.
std::vector<DataRow> parse_data(const std::string& csv);

struct ReportInput {
  std::vector<DataRow> rows;
  std::vector<std::pair<std::string, std::string>> meta;  // shown in the set-up, in order
  std::string profile_text;                               // the calibrated profile
  std::string chart_prefix;                               // e.g. "validation": validation-throughput.svg
};

struct ReportFiles {
  std::string markdown;
  std::vector<std::pair<std::string, std::string>> charts;  // file name, SVG
};

ReportFiles render_report(const ReportInput& in);

}  // namespace concsim::harness
