// Running a sweep into its directory, and building the report of a
// finished one. The report is always built from the point files on disk, so
// an uninterrupted sweep, a resumed one and merged shards give the same
// bytes.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "app/run/runner.h"
#include "app/sweep/definition.h"
#include "app/sweep/grid.h"
#include "app/sweep/metric_row.h"
#include "app/sweep/progress.h"

namespace concsim::sweep {

struct SweepOptions {
  std::string dir;
  unsigned jobs = 1;
  bool resume = false;  // skip points whose file is complete
  Shard shard;          // 1/1: the whole sweep, and the report
  bool terminal = false;
};

// A point of this shard whose run did not end cleanly (it stalled, ran away,
// was killed or interrupted, or main raised): what `run` would exit 1 for.
struct PointFailure {
  std::string point;
  std::string why;  // "stalled", "completed; main raised ValueError('x')"
};

struct SweepCounts {
  std::size_t points = 0;   // in the grid
  std::size_t selected = 0; // in this shard
  std::size_t ran = 0;
  std::size_t skipped = 0;
  bool report = false;      // the report was written (unsharded sweeps)
  std::vector<PointFailure> failures;  // in grid order, skipped points included
};

// Validates everything (definition, workload, every point) before writing
// anything; throws InputError or load::ConfigError for bad input,
// std::runtime_error when a file cannot be written, and Interrupted
// (interrupt.h) when a signal stopped it with the finished points on disk.
SweepCounts run_sweep(const Definition& d, const SweepOptions& o, std::ostream& progress);

// The report of the sweep in `dir` from its point files. Throws InputError
// listing the points that are missing.
void write_sweep_report(const std::string& dir, const Definition& d);

// Runs every point again without writing anything and returns each one's
// figures, in the order of `points`. For `check`.
std::vector<MetricRow> rerun_points(const Definition& d, const std::vector<Point>& points, unsigned jobs,
                                    Progress& progress);

// Collects the point files of shard directories into `out` and writes the
// report there. Throws InputError when the inputs are different sweeps,
// disagree on a point, or miss points; nothing is written then.
std::size_t merge_sweeps(const std::vector<std::string>& inputs, const std::string& out);

}  // namespace concsim::sweep
