// The run table's timeline (report::timeline) against the definition it
// implements, cell by cell: each of `width` columns covers an equal share
// of the run, [end * c / width, end * (c + 1) / width), and shows B if a
// span of the row was blocked in it, else # if one ran in it (an instant of
// running included), else . or -, whichever of waiting and ready took more
// of it. The reference visits every column of every span, as the timeline
// once did; the timeline visits only the columns a span touches.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "app/report/render.h"
#include "app/run/runner.h"

namespace concsim {
namespace {

std::vector<std::string> reference_rows(const run::RunOutput& r, int width) {
  std::map<std::uint32_t, std::size_t> row_of;
  for (const auto& s : r.spans) row_of.emplace(s.task_index, row_of.size());
  const auto w = static_cast<std::size_t>(width);
  std::vector<std::vector<std::array<sim::Duration, 4>>> acc(row_of.size(),
                                                             std::vector<std::array<sim::Duration, 4>>(w, {0, 0, 0, 0}));
  for (const auto& s : r.spans) {
    for (std::size_t c = 0; c < w; ++c) {
      const auto c0 = static_cast<sim::Time>(static_cast<long double>(r.end_time) * c / w);
      const auto c1 = static_cast<sim::Time>(static_cast<long double>(r.end_time) * (c + 1) / w);
      const sim::Time lo = std::max(c0, s.start);
      const sim::Time hi = std::min(c1, s.end);
      auto& cell = acc[row_of[s.task_index]][c];
      if (hi > lo) cell[static_cast<std::size_t>(s.kind)] += hi - lo;
      if (s.start == s.end && s.start >= c0 && s.start < c1 && s.kind == models::SpanKind::kRunning) cell[0] += 1;
    }
  }
  std::vector<std::string> rows;
  for (const auto& cells : acc) {
    std::string row;
    for (const auto& a : cells) {
      char ch = ' ';
      if (a[1] > 0) {
        ch = 'B';
      } else if (a[0] > 0) {
        ch = '#';
      } else if (a[2] > 0 || a[3] > 0) {
        ch = a[2] >= a[3] ? '.' : '-';
      }
      row += ch;
    }
    rows.push_back(row);
  }
  return rows;
}

// The cells of each row the timeline drew: between the first two '|'.
std::vector<std::string> drawn_rows(const std::string& text, std::size_t rows) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    const std::size_t nl = text.find('\n', at);
    const std::string line = text.substr(at, nl - at);
    const std::size_t a = line.find('|');
    out.push_back(line.substr(a + 1, line.rfind('|') - a - 1));
    at = nl + 1;
  }
  return out;
}

TEST(Timeline, EveryCellIsWhatItsDefinitionGives) {
  std::mt19937_64 rng(20261207);
  // Short runs (fewer nanoseconds than columns: columns share edges), and
  // long ones; spans of every kind, instants, spans past the end.
  for (const sim::Time end : {sim::Time{7}, sim::Time{60}, sim::Time{61}, sim::Time{1'000}, sim::Time{999'983},
                              sim::Time{3'600'000'000'000}}) {
    for (const int width : {1, 7, 60, 97}) {
      run::RunOutput r;
      r.model = "async";
      r.end_time = end;
      for (std::uint32_t task = 0; task < 5; ++task) {
        for (int k = 0; k < 40; ++k) {
          std::uniform_int_distribution<sim::Time> at(0, end + end / 10);
          sim::Time a = at(rng);
          sim::Time b = a;
          if (k % 4 != 0) b = std::min<sim::Time>(a + at(rng) / (1 + k % 7), end + end / 10);
          r.spans.push_back(run::NamedSpan{"t" + std::to_string(task), task,
                                           static_cast<models::SpanKind>(rng() % 4), a, b});
        }
      }
      const std::string text = report::timeline(r, width, 40);
      ASSERT_FALSE(text.empty());
      const std::vector<std::string> want = reference_rows(r, width);
      EXPECT_EQ(drawn_rows(text, want.size()), want) << "end " << end << " ns, width " << width;
    }
  }
}

}  // namespace
}  // namespace concsim
