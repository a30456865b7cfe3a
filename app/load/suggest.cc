#include "app/load/suggest.h"

#include <algorithm>
#include <array>
#include <limits>

namespace concsim::load {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // The Lowrance-Wagner algorithm for the unrestricted distance. Row and
  // column 0 of `d` hold the "infinite" sentinel, so d is (|a|+2) x (|b|+2).
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  const std::size_t inf = n + m;
  const std::size_t width = m + 2;
  std::vector<std::size_t> d((n + 2) * width, 0);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
  at(0, 0) = inf;
  for (std::size_t i = 0; i <= n; ++i) {
    at(i + 1, 0) = inf;
    at(i + 1, 1) = i;
  }
  for (std::size_t j = 0; j <= m; ++j) {
    at(0, j + 1) = inf;
    at(1, j + 1) = j;
  }
  // Last row (1-based) where each byte value occurred in `a`.
  std::array<std::size_t, 256> last_row{};
  for (std::size_t i = 1; i <= n; ++i) {
    std::size_t last_match_col = 0;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t i1 = last_row[static_cast<unsigned char>(b[j - 1])];
      const std::size_t j1 = last_match_col;
      std::size_t cost = 1;
      if (a[i - 1] == b[j - 1]) {
        cost = 0;
        last_match_col = j;
      }
      at(i + 1, j + 1) = std::min({at(i, j) + cost, at(i + 1, j) + 1, at(i, j + 1) + 1,
                                   at(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1)});
    }
    last_row[static_cast<unsigned char>(a[i - 1])] = i;
  }
  return at(n + 1, m + 1);
}

std::string suggest(std::string_view got, const std::vector<std::string>& choices) {
  const std::string* best = nullptr;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& choice : choices) {
    const std::size_t limit = std::max<std::size_t>(1, choice.size() / 3);
    const std::size_t distance = edit_distance(got, choice);
    if (distance <= limit && distance < best_distance) {
      best = &choice;
      best_distance = distance;
    }
  }
  return best != nullptr ? *best : std::string();
}

}  // namespace concsim::load
