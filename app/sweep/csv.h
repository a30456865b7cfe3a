// CSV as report::write_csv writes it (RFC 4180: a cell with a comma, a
// quote or a line break is quoted, quotes doubled): the sweep takes the CSV
// writer's own columns apart to build data.csv and the baselines, so that
// both always carry every column the writer has.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace concsim::sweep {

std::string csv_cell(std::string_view s);
// The records of `text`, each a list of cells; quoted cells may span lines.
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

}  // namespace concsim::sweep
