// The host-prediction report (tools/predict.sh): the token ring measured on
// this host (concsim-harness ring) beside concsim's prediction of it from
// the calibrated profile alone, with the relative errors against the aim,
// SVG charts, and for each miss the figures that say which mechanism misses.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace concsim::harness {

// One row of the data tools/predict.sh collects: a harness run
// ("measured") or a simulation ("predicted", or "shipped": the same
// simulation on a shipped profile, for comparison).
struct RingRow {
  std::string source;
  std::string channel;  // "condvar" or "pipe"
  std::string series;   // how the tokens were chosen, e.g. "1" or "threads/4"
  long long threads = 0;
  long long tokens = 0;
  double throughput_per_s = 0;  // hand-offs per second
  double latency_p50_ns = 0;    // a thread's round: its wait for a token and the pass
  double latency_p99_ns = 0;
  // Per hand-off (round): CPU on a core (measured: the ring's threads'
  // schedstat over their lives; predicted: busy cores, creation and exit left
  // out), time runnable without a core (measured only), involuntary context
  // switches, and the model's switching (predicted only).
  double cpu_per_pass_ns = 0;
  double run_delay_per_pass_ns = 0;
  double passes = 0;  // rounds measured
  double involuntary_per_pass = 0;
  double switch_per_pass_ns = 0;
  double handoff_p50_ns = 0;     // measured only: from a pass to the receiver holding the token
  double handoff_p99_ns = 0;
  std::string failure;           // measured only: why the run is not valid, or ""
};

// Parses the CSV tools/predict.sh writes (its header names the columns
// above, in order). Throws std::runtime_error naming the line.
std::vector<RingRow> parse_ring_data(const std::string& csv);

struct PredictionInput {
  std::vector<RingRow> rows;
  std::vector<std::pair<std::string, std::string>> meta;  // the set-up, in order
  std::string profile_text;                               // the calibrated profile
  std::string shipped;                                    // the shipped profile's name ("" if none ran)
  std::string chart_prefix;                               // e.g. "host-prediction"
  double aim = 0.25;                                      // the largest relative error that meets the aim
};

struct PredictionFiles {
  std::string markdown;
  std::vector<std::pair<std::string, std::string>> charts;  // file name, SVG
};

PredictionFiles render_prediction(const PredictionInput& in);

}  // namespace concsim::harness
