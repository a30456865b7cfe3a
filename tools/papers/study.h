// What makes a published figure's prediction, and how much it rests on the
// values nobody measured: a workload with published figures (its
// `sweep.published`, e.g. configs/papers/seda-2001-fig2.yaml) run
//
//   - with each of the thread model's mechanisms switched off in turn
//     (threads.without, models/threads/ablation.h), every point of the
//     figure: which part of the curve each one makes;
//   - with each value of the machine profile whose source says "estimate"
//     (or asks for a sensitivity study) halved and doubled, at a few points:
//     how far the errors against the published figures move.
//
// Everything in the report is computed from the runs; the same binary and
// input give the same bytes (reports/papers/ is checked byte for byte).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/load/config.h"
#include "models/machine.h"

namespace concsim::papers {

struct StudyInput {
  std::string workload;                      // the file, as given (shown in the report)
  std::vector<std::string> overrides;        // --set K=V, applied to every run
  std::vector<std::string> mechanisms;       // switched off in turn; "none" is the reference
  std::vector<std::string> sensitivity_at;   // published points the sensitivity study runs
  std::vector<double> factors{0.5, 2.0};     // each estimate multiplied by these
  int jobs = 2;
};

// One run's figure.
struct Run {
  std::string study;    // "ablation" or "sensitivity"
  std::string variant;  // "none", "pick", ... or "cache.memory x0.5"
  std::string point;    // the published key's value
  double figure = 0;    // the published metric, measured
  double published = 0;
};

struct Estimate {
  std::string key;     // "cache.memory"
  std::string value;   // as the profile gives it, formatted
  std::string source;  // the profile's source for it
};

struct StudyResult {
  std::string workload_name;
  std::string machine;
  std::string published_source;
  std::string key;     // the published key ("connections")
  std::string metric;  // "throughput_per_s"
  std::vector<std::string> points;  // every published point, in the file's order
  std::vector<Estimate> estimates;
  std::vector<Run> runs;
};

// The profile's keys whose source starts with "estimate" or asks for a
// sensitivity study, that hold a number (app/load/machine.h numeric_value).
std::vector<Estimate> estimated_values(const models::MachineProfile& profile);

// Runs the study. Throws load::ConfigError for a workload that does not load
// and std::runtime_error for one without published figures of a metric the
// study can measure (throughput_per_s).
StudyResult run_study(const StudyInput& in);

struct StudyFiles {
  std::string markdown;
  std::string csv;                                         // every run
  std::vector<std::pair<std::string, std::string>> charts;  // file name, SVG
};

StudyFiles render_study(const StudyInput& in, const StudyResult& r);

}  // namespace concsim::papers
