// One point's result, DIR/points/<file name>: the point (its canonical name,
// values, model, seed), the run's figures as the CSV writer's columns, and
// the RunOutput as report::write_json writes it without per-task records,
// trace or listed blocking calls (figures only, so a point with a million
// tasks stays a few kilobytes). Written atomically, so
// a file that exists is complete unless something else wrote it; reading
// checks anyway (the JSON parses and names this point), which is what
// `--resume` relies on to skip a point.
#pragma once

#include <optional>
#include <string>

#include "app/run/runner.h"
#include "app/sweep/grid.h"
#include "app/sweep/json_value.h"
#include "app/sweep/metric_row.h"

namespace concsim::sweep {

std::string point_file_content(const Point& p, const run::RunOutput& r);

struct PointResult {
  Point point;
  MetricRow row;
  JsonValue run;  // write_json's object
};

// The result of `p` in `content`; nullopt when it is not a complete point
// file for `p`.
std::optional<PointResult> parse_point_file(const std::string& content, const Point& p);

}  // namespace concsim::sweep
