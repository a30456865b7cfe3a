// A sweep's directory:
//   DIR/sweep.json           the definition, written before the first point
//   DIR/points/<point>.json  one file per finished point, written atomically
//   DIR/report.md, data.csv, data.json, *.svg   the report (report.h)
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/sweep/definition.h"
#include "app/sweep/grid.h"
#include "app/sweep/point_file.h"

namespace concsim::sweep {

std::string definition_path(const std::string& dir);
std::string points_dir(const std::string& dir);
std::string point_path(const std::string& dir, const Point& p);

// The whole file; nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path);

// Whether DIR/points holds any point file.
bool has_point_files(const std::string& dir);
// Removes the temporary files a killed sweep left in DIR/points.
void remove_temporaries(const std::string& dir);
// Creates DIR and DIR/points. Throws InputError when DIR is a file or
// cannot be created.
void make_sweep_dir(const std::string& dir);

// DIR/sweep.json. Throws InputError when it is missing or not a definition.
Definition read_definition_file(const std::string& dir);
// The complete point file of `p` in DIR, or nullopt.
std::optional<PointResult> read_point(const std::string& dir, const Point& p);

// Writes each (name, content) into DIR atomically. Throws
// std::runtime_error naming the file that could not be written.
void write_files(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace concsim::sweep
