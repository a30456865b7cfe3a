#include "tools/harness/csv.h"

#include <algorithm>

namespace concsim::harness {

std::string csv_line(const std::vector<std::string>& fields, const std::string& last) {
  std::string out;
  for (const std::string& f : fields) {
    out.append(f);
    out.push_back(',');
  }
  for (char c : last) out.push_back(c == ',' || c == '\n' || c == '"' ? ';' : c);
  out.push_back('\n');
  return out;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out(1);
  for (const char c : line) {
    if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back().push_back(c);
    }
  }
  return out;
}

Figure figure(std::vector<double> v) {
  Figure f;
  if (v.empty()) return f;
  std::sort(v.begin(), v.end());
  f.n = static_cast<int>(v.size());
  f.min = v.front();
  f.max = v.back();
  const std::size_t m = v.size() / 2;
  f.median = v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  return f;
}

}  // namespace concsim::harness
