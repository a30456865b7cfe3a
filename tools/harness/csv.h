// What the harness's commands share for their data: CSV lines written and
// split, and a figure repeated over runs summarised as median and range.
#pragma once

#include <string>
#include <vector>

namespace concsim::harness {

// The fields joined by commas, `last` at the end with its commas, quotes and
// newlines made ';' (a free-text message), and a newline.
std::string csv_line(const std::vector<std::string>& fields, const std::string& last);
// A CSV line's fields (no quoting: the harness writes none).
std::vector<std::string> split_csv(const std::string& line);

// A figure over repeated runs.
struct Figure {
  double median = 0, min = 0, max = 0;
  int n = 0;
};
Figure figure(std::vector<double> values);

}  // namespace concsim::harness
