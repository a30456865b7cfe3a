// From a definition and its points to the workloads that run: the workload
// file, the sweep's overrides, then per point "KEY=VALUE" for each varied
// key, "model=M" and "seed=S" (unless seed is itself varied), each applied
// as --set applies it and validated like the file. Every point is loaded
// before any runs, so a bad value stops the sweep before anything is written.
#pragma once

#include <vector>

#include "app/load/config.h"
#include "app/load/workload.h"
#include "app/sweep/definition.h"
#include "app/sweep/grid.h"

namespace concsim::sweep {

// The workload file with the definition's overrides. Throws
// load::ConfigError.
load::Document base_document(const Definition& d);

// Checks that every model loads ("--models: unknown value ..."). Throws
// InputError.
void check_models(const load::Document& base, const std::vector<std::string>& models);

// The workload of each point, in the order given; also checks that each
// machine profile named loads. Throws InputError naming the point.
std::vector<load::Workload> load_points(const load::Document& base, const std::vector<Point>& points);

}  // namespace concsim::sweep
