#include "app/sweep/point_file.h"

#include <sstream>

#include "app/report/json.h"
#include "app/report/render.h"

namespace concsim::sweep {

std::string point_file_content(const Point& p, const run::RunOutput& r) {
  std::ostringstream run_json;
  report::write_json(run_json, r, report::JsonDetail::kFiguresOnly);
  std::string error;
  const std::optional<JsonValue> run = parse_json(run_json.str(), &error);
  const MetricRow row = metric_row(r);

  std::ostringstream out;
  report::JsonWriter w(out);
  w.begin_object();
  w.field("point", p.name);
  w.key("values").begin_object();
  for (const auto& [key, value] : p.values) w.field(key, value);
  w.end_object();
  w.field("model", p.model);
  w.field("seed", p.seed);
  w.key("columns").begin_array();
  for (const std::string& c : row.columns) w.value(c);
  w.end_array();
  w.key("cells").begin_array();
  for (const std::string& c : row.cells) w.value(c);
  w.end_array();
  w.key("run");
  // write_json always writes valid JSON; should that ever break, the point
  // file says so rather than holding half a result.
  if (run) {
    write_json_value(w, *run);
  } else {
    w.begin_object().field("error", "write_json gave invalid JSON: " + error).end_object();
  }
  w.end_object();
  return out.str();
}

std::optional<PointResult> parse_point_file(const std::string& content, const Point& p) {
  // Cheap checks first: a file cut short does not end with the closing brace.
  if (content.size() < 2 || content.compare(content.size() - 2, 2, "}\n") != 0) return std::nullopt;
  std::optional<JsonValue> v = parse_json(content, nullptr);
  if (!v || v->text_at("point") != p.name || v->text_at("model") != p.model ||
      v->text_at("seed") != std::to_string(p.seed)) {
    return std::nullopt;
  }
  const JsonValue* run = v->find("run");
  const JsonValue* columns = v->find("columns");
  const JsonValue* cells = v->find("cells");
  if (run == nullptr || !run->is_object() || run->find("metrics") == nullptr || columns == nullptr ||
      cells == nullptr || !columns->is_array() || !cells->is_array() ||
      columns->items().size() != cells->items().size()) {
    return std::nullopt;
  }
  PointResult result;
  result.point = p;
  for (const JsonValue& c : columns->items()) result.row.columns.push_back(c.text());
  for (const JsonValue& c : cells->items()) result.row.cells.push_back(c.text());
  result.run = *run;
  return result;
}

}  // namespace concsim::sweep
