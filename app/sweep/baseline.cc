#include "app/sweep/baseline.h"

#include <algorithm>
#include <charconv>
#include <sstream>

#include "app/report/json.h"
#include "app/report/svg.h"
#include "app/sweep/decimal.h"
#include "app/sweep/grid.h"
#include "app/sweep/interval.h"
#include "app/sweep/metric_row.h"
#include "app/sweep/sweep_dir.h"

namespace concsim::sweep {
namespace {

// 1: one point per run, no machines; 2: machines, and replicated points with
// their runs and intervals.
constexpr int kFormat = 2;

// A CSV cell that is a plain JSON number (digits, a sign, one point).
bool json_number(const std::string& s) {
  if (s.empty()) return false;
  std::size_t i = s[0] == '-' ? 1 : 0;
  if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
  if (s[i] == '0' && i + 1 < s.size() && s[i + 1] != '.') return false;
  bool point = false;
  for (; i < s.size(); ++i) {
    if (s[i] == '.' && !point && i + 1 < s.size()) {
      point = true;
    } else if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  return true;
}

std::string two_decimals(double v) { return report::fixed_decimal(v, 2); }

}  // namespace

std::vector<std::pair<std::string, std::string>> comparable(const std::vector<std::string>& columns,
                                                            const std::vector<std::string>& cells) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < columns.size() && i < cells.size(); ++i) {
    if (!is_identity_column(columns[i])) out.emplace_back(columns[i], cells[i]);
  }
  return out;
}

BaselinePoint group_point(const std::string& name, std::uint64_t seed, const std::vector<std::vector<std::string>>& columns,
                          const std::vector<std::vector<std::string>>& cells) {
  BaselinePoint p;
  p.name = name;
  p.seed = seed;
  p.runs = cells.size();
  if (cells.empty()) return p;
  std::map<std::string, std::vector<double>> values;
  for (std::size_t r = 0; r < cells.size(); ++r) {
    for (std::size_t c = 0; c < columns[r].size() && c < cells[r].size(); ++c) {
      if (const std::optional<Decimal> d = parse_decimal(cells[r][c])) values[columns[r][c]].push_back(to_double(*d));
    }
  }
  for (const auto& [column, first] : comparable(columns[0], cells[0])) {
    if (is_text_column(column)) {
      // The runs' words: the same in all of them, or each with its count.
      std::vector<std::pair<std::string, std::size_t>> seen;
      for (std::size_t r = 0; r < cells.size(); ++r) {
        std::string word;
        for (std::size_t c = 0; c < columns[r].size() && c < cells[r].size(); ++c) {
          if (columns[r][c] == column) word = cells[r][c];
        }
        auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == word; });
        if (it == seen.end()) {
          seen.emplace_back(word, 1);
        } else {
          ++it->second;
        }
      }
      std::string text = seen.size() == 1 ? seen[0].first : "";
      for (std::size_t i = 0; seen.size() > 1 && i < seen.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(seen[i].second) + " " + (seen[i].first.empty() ? "none" : seen[i].first);
      }
      p.metrics.emplace_back(column, text);
      continue;
    }
    const Interval i = interval_of(values[column]);
    p.metrics.emplace_back(column, i.measured() ? two_decimals(i.mean) : "");
    if (i.has_interval()) p.intervals[column] = {two_decimals(i.low), two_decimals(i.high)};
  }
  return p;
}

Baseline make_baseline(const std::string& dir) {
  Baseline b;
  b.sweep = read_definition_file(dir);
  const std::vector<Point> points = expand(b.sweep);
  std::vector<std::string> missing;
  std::vector<std::vector<std::string>> columns;
  std::vector<std::vector<std::string>> cells;
  for (const Point& p : points) {
    const std::optional<PointResult> r = read_point(dir, p);
    if (!r) {
      missing.push_back(p.name);
      continue;
    }
    const std::string machine = r->run.text_at("machine");
    if (std::none_of(b.machines.begin(), b.machines.end(), [&](const BaselineMachine& m) { return m.name == machine; })) {
      b.machines.push_back(BaselineMachine{machine, r->run.text_at("machine_hash")});
    }
    if (b.sweep.replications <= 1) {
      b.points.push_back(BaselinePoint{p.name, p.seed, 1, comparable(r->row.columns, r->row.cells), {}});
      continue;
    }
    columns.push_back(r->row.columns);
    cells.push_back(r->row.cells);
    if (p.replication == b.sweep.replications) {
      const std::uint64_t first_seed = points[p.index + 1 - p.replication].seed;
      b.points.push_back(group_point(canonical_name(p.values, p.model), first_seed, columns, cells));
      columns.clear();
      cells.clear();
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 10; ++i) list += (i ? ", " : "") + missing[i];
    throw InputError(dir + ": the sweep is not finished; " + std::to_string(missing.size()) +
                     " points have no complete result: " + list + (missing.size() > 10 ? ", ..." : "") +
                     " (run the sweep again with --resume)");
  }
  return b;
}

std::string baseline_json(const Baseline& b) {
  std::ostringstream out;
  report::JsonWriter w(out);
  w.begin_object();
  w.field("concsim_baseline", kFormat);
  w.key("sweep");
  write_definition(w, b.sweep);
  w.key("machines").begin_array();
  for (const BaselineMachine& m : b.machines) w.begin_object().field("name", m.name).field("hash", m.hash).end_object();
  w.end_array();
  w.key("points").begin_array();
  for (const BaselinePoint& p : b.points) {
    w.begin_object().field("point", p.name).field("seed", p.seed);
    if (b.sweep.replications > 1) w.field("runs", p.runs);
    w.key("metrics").begin_object();
    for (const auto& [k, v] : p.metrics) {
      w.key(k);
      if (json_number(v)) {
        w.raw(v);
      } else {
        w.value(v);
      }
    }
    w.end_object();
    if (!p.intervals.empty()) {
      w.key("intervals").begin_object();
      for (const auto& [k, v] : p.intervals) {
        w.key(k).begin_array().raw(v.first).raw(v.second).end_array();
      }
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out.str();
}

Baseline read_baseline(const std::string& path) {
  std::string why;
  const std::optional<std::string> text = read_file(path, &why);
  if (!text) throw InputError(path + ": " + why);
  return parse_baseline(*text, path);
}

Baseline parse_baseline(const std::string& text, const std::string& path) {
  std::string error;
  const std::optional<JsonValue> v = parse_json(text, &error);
  if (!v) throw InputError(path + ": " + error);
  const std::string format = v->text_at("concsim_baseline");
  if (format != "1" && format != std::to_string(kFormat)) {
    throw InputError(path + ": not a concsim baseline (make one with `concsim baseline DIR -o FILE`)");
  }
  Baseline b;
  const JsonValue* sweep = v->find("sweep");
  if (sweep == nullptr) throw InputError(path + ": missing \"sweep\"");
  b.sweep = read_definition(*sweep, path + ": sweep");
  if (const JsonValue* machines = v->find("machines"); machines != nullptr && machines->is_array()) {
    for (const JsonValue& m : machines->items()) b.machines.push_back(BaselineMachine{m.text_at("name"), m.text_at("hash")});
  }
  const JsonValue* points = v->find("points");
  if (points == nullptr || !points->is_array()) throw InputError(path + ": missing \"points\"");
  for (const JsonValue& p : points->items()) {
    BaselinePoint bp;
    bp.name = p.text_at("point");
    const std::string seed = p.text_at("seed");
    std::from_chars(seed.data(), seed.data() + seed.size(), bp.seed);
    const JsonValue* metrics = p.find("metrics");
    if (bp.name.empty() || metrics == nullptr || !metrics->is_object()) {
      throw InputError(path + ": a point without \"point\" or \"metrics\"");
    }
    for (const auto& [k, m] : metrics->members()) bp.metrics.emplace_back(k, m.text());
    if (const JsonValue* runs = p.find("runs")) {
      const std::string& t = runs->text();
      std::from_chars(t.data(), t.data() + t.size(), bp.runs);
    }
    if (const JsonValue* intervals = p.find("intervals"); intervals != nullptr && intervals->is_object()) {
      for (const auto& [k, i] : intervals->members()) {
        if (!i.is_array() || i.items().size() != 2) throw InputError(path + ": " + bp.name + ": a bad interval of " + k);
        bp.intervals[k] = {i.items()[0].text(), i.items()[1].text()};
      }
    }
    b.points.push_back(std::move(bp));
  }
  return b;
}

}  // namespace concsim::sweep
