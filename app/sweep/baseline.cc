#include "app/sweep/baseline.h"

#include <charconv>
#include <sstream>

#include "app/report/json.h"
#include "app/sweep/grid.h"
#include "app/sweep/metric_row.h"
#include "app/sweep/sweep_dir.h"

namespace concsim::sweep {
namespace {

constexpr int kFormat = 1;

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

}  // namespace

std::vector<std::pair<std::string, std::string>> comparable(const std::vector<std::string>& columns,
                                                            const std::vector<std::string>& cells) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < columns.size() && i < cells.size(); ++i) {
    if (!is_identity_column(columns[i])) out.emplace_back(columns[i], cells[i]);
  }
  return out;
}

Baseline make_baseline(const std::string& dir) {
  Baseline b;
  b.sweep = read_definition_file(dir);
  const std::vector<Point> points = expand(b.sweep);
  std::vector<std::string> missing;
  for (const Point& p : points) {
    const std::optional<PointResult> r = read_point(dir, p);
    if (!r) {
      missing.push_back(p.name);
      continue;
    }
    b.points.push_back(BaselinePoint{p.name, p.seed, comparable(r->row.columns, r->row.cells)});
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
  w.key("points").begin_array();
  for (const BaselinePoint& p : b.points) {
    w.begin_object().field("point", p.name).field("seed", p.seed);
    w.key("metrics").begin_object();
    for (const auto& [k, v] : p.metrics) {
      w.key(k);
      if (json_number(v)) {
        w.raw(v);
      } else {
        w.value(v);
      }
    }
    w.end_object().end_object();
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
  if (v->text_at("concsim_baseline") != std::to_string(kFormat)) {
    throw InputError(path + ": not a concsim baseline (make one with `concsim baseline DIR -o FILE`)");
  }
  Baseline b;
  const JsonValue* sweep = v->find("sweep");
  if (sweep == nullptr) throw InputError(path + ": missing \"sweep\"");
  b.sweep = read_definition(*sweep, path + ": sweep");
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
    b.points.push_back(std::move(bp));
  }
  return b;
}

}  // namespace concsim::sweep
