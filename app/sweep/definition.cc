#include "app/sweep/definition.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>

#include "app/load/suggest.h"
#include "app/sweep/decimal.h"
#include "app/sweep/hash.h"
#include "app/sweep/metric_row.h"

namespace concsim::sweep {
namespace {

std::string trim(std::string_view s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string_view::npos) return "";
  const auto b = s.find_last_not_of(" \t");
  return std::string(s.substr(a, b - a + 1));
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(trim(std::string_view(text).substr(start, comma == std::string::npos ? comma : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// The metrics a published figure can stand beside: the CSV writer's figures.
std::vector<std::string> figure_columns() {
  std::vector<std::string> out;
  for (const std::string& c : metric_columns()) {
    if (!is_identity_column(c) && !is_text_column(c)) out.push_back(c);
  }
  return out;
}

std::string unknown_metric(const std::string& metric) {
  const std::vector<std::string> choices = figure_columns();
  const std::string s = load::suggest(metric, choices);
  if (!s.empty()) return "unknown metric \"" + metric + "\"; did you mean \"" + s + "\"?";
  std::string list;
  for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
  return "unknown metric \"" + metric + "\"; the metrics are the columns of `concsim run --format csv`: " + list;
}

std::vector<std::string> scalar_list(const load::Node& n) {
  std::vector<std::string> out;
  if (n.is_seq()) {
    for (const load::Node& item : n.items()) {
      if (!item.is_scalar()) item.fail("expected a value, got " + item.describe());
      out.push_back(item.as_string());
    }
  } else {
    out.push_back(n.as_string());
  }
  if (out.empty()) n.fail("expected at least one value");
  return out;
}

const JsonValue& member(const JsonValue& v, const char* key, const std::string& what) {
  const JsonValue* m = v.find(key);
  if (m == nullptr) throw InputError(what + ": missing \"" + key + "\"");
  return *m;
}

std::vector<std::string> string_list(const JsonValue& v, const std::string& what) {
  std::vector<std::string> out;
  if (!v.is_array()) throw InputError(what + ": expected a list");
  for (const JsonValue& item : v.items()) {
    if (!item.is_string()) throw InputError(what + ": expected a list of strings");
    out.push_back(item.text());
  }
  return out;
}

}  // namespace

const char* to_string(Seeding s) { return s == Seeding::kPerPoint ? "per-point" : "common"; }

std::uint64_t parse_replications(const std::string& text, const std::string& option) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > kMaxReplications) {
    throw InputError(option + " \"" + text + "\": expected an integer from 1 to " + std::to_string(kMaxReplications));
  }
  return n;
}

Seeding parse_seeding(const std::string& text, const std::string& option) {
  if (text == "common") return Seeding::kCommon;
  if (text == "per-point") return Seeding::kPerPoint;
  throw InputError(option + " \"" + text + "\": expected common or per-point");
}

SweepSection read_sweep_section(const load::Node& root) {
  SweepSection s;
  const std::optional<load::Node> sweep = root.get("sweep");
  if (!sweep) return s;
  sweep->expect_keys({"vary", "models", "replications", "seeding", "published"});
  if (auto vary = sweep->get("vary")) {
    for (const auto& [key, values] : vary->entries()) {
      Vary v{key, scalar_list(values)};
      s.vary.push_back(std::move(v));
    }
    if (s.vary.empty()) vary->fail("expected at least one key to vary");
  }
  if (auto models = sweep->get("models")) s.models = scalar_list(*models);
  if (auto r = sweep->get("replications")) {
    s.replications = static_cast<std::uint64_t>(r->as_int(1, static_cast<std::int64_t>(kMaxReplications)));
  }
  if (auto seeding = sweep->get("seeding")) {
    s.seeding = seeding->as_enum<Seeding>({{"common", Seeding::kCommon}, {"per-point", Seeding::kPerPoint}});
  }
  if (auto pub = sweep->get("published")) {
    pub->expect_keys({"source", "metric", "key", "points"});
    Published p;
    p.source = pub->require("source").as_string();
    const load::Node metric = pub->require("metric");
    p.metric = metric.as_string();
    const std::vector<std::string> columns = figure_columns();
    if (std::find(columns.begin(), columns.end(), p.metric) == columns.end()) metric.fail(unknown_metric(p.metric));
    p.key = pub->require("key").as_string();
    const load::Node points = pub->require("points");
    for (const auto& [value, figure] : points.entries()) {
      const std::string text = figure.as_string();
      if (!parse_decimal(text)) figure.fail("expected a number like 12899 or 0.25, got " + figure.describe());
      p.points.emplace_back(value, text);
    }
    if (p.points.empty()) points.fail("expected at least one published figure");
    s.published = std::move(p);
  }
  return s;
}

Vary parse_vary(const std::string& option) {
  const std::size_t eq = option.find('=');
  if (eq == std::string::npos) {
    throw InputError("--vary \"" + option + "\": expected KEY=V1,V2,... (e.g. --vary connections=100,1000)");
  }
  Vary v{trim(std::string_view(option).substr(0, eq)), split_list(option.substr(eq + 1))};
  if (v.key.empty()) throw InputError("--vary \"" + option + "\": the key is empty");
  for (const std::string& value : v.values) {
    if (value.empty()) throw InputError("--vary \"" + option + "\": an empty value in the list");
  }
  return v;
}

std::vector<std::string> parse_models(const std::string& option) {
  std::vector<std::string> models = split_list(option);
  for (const std::string& m : models) {
    if (m.empty()) throw InputError("--models \"" + option + "\": an empty name in the list");
  }
  return models;
}

void check_definition(const Definition& d) {
  std::set<std::string> keys;
  for (const Vary& v : d.vary) {
    if (v.key == "model") {
      throw InputError("--vary model: the models are chosen with --models (e.g. --models async,threads)");
    }
    if (!keys.insert(v.key).second) throw InputError("--vary " + v.key + ": the key is varied twice");
    if (v.values.empty()) throw InputError("--vary " + v.key + ": no values");
    std::set<std::string> seen;
    for (const std::string& value : v.values) {
      if (value.empty()) throw InputError("--vary " + v.key + ": an empty value");
      for (unsigned char c : value) {
        if (c < 0x20 || c == 0x7f) throw InputError("--vary " + v.key + ": a control character in a value");
      }
      if (!seen.insert(value).second) throw InputError("--vary " + v.key + ": the value " + value + " is given twice");
    }
  }
  if (d.models.empty()) throw InputError("--models: no models");
  std::set<std::string> models;
  for (const std::string& m : d.models) {
    if (!models.insert(m).second) throw InputError("--models: " + m + " is given twice");
  }
  if (d.published) {
    const std::vector<std::string> columns = figure_columns();
    if (std::find(columns.begin(), columns.end(), d.published->metric) == columns.end()) {
      throw InputError("published: " + unknown_metric(d.published->metric));
    }
    if (keys.count(d.published->key) == 0) {
      throw InputError("published: the key \"" + d.published->key + "\" is not varied");
    }
  }
}

std::optional<std::string> published_at(const Published& p, const std::string& value) {
  const std::optional<Decimal> v = parse_decimal(value);
  for (const auto& [at, figure] : p.points) {
    if (at == value) return figure;
  }
  for (const auto& [at, figure] : p.points) {
    const std::optional<Decimal> a = parse_decimal(at);
    if (v && a && compare(*a, *v) == 0) return figure;
  }
  return std::nullopt;
}

std::string workload_fingerprint(const std::string& bytes) { return "fnv1a64:" + hex64(fnv1a64(bytes)); }

void write_definition(report::JsonWriter& w, const Definition& d) {
  w.begin_object();
  w.field("concsim_version", d.version);
  w.field("workload", d.workload);
  w.field("workload_hash", d.workload_hash);
  w.field("workload_name", d.workload_name);
  w.field("description", d.description);
  w.key("overrides").begin_array();
  for (const std::string& o : d.overrides) w.value(o);
  w.end_array();
  w.key("vary").begin_array();
  for (const Vary& v : d.vary) {
    w.begin_object().field("key", v.key).key("values").begin_array();
    for (const std::string& value : v.values) w.value(value);
    w.end_array().end_object();
  }
  w.end_array();
  w.key("models").begin_array();
  for (const std::string& m : d.models) w.value(m);
  w.end_array();
  w.field("seed", d.seed);
  w.field("seeding", to_string(d.seeding));
  w.field("replications", d.replications);
  if (d.published) {
    const Published& p = *d.published;
    w.key("published").begin_object();
    w.field("source", p.source).field("metric", p.metric).field("key", p.key);
    w.key("points").begin_array();
    for (const auto& [value, figure] : p.points) {
      w.begin_object().field("value", value).field("figure", figure).end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_object();
}

std::string definition_json(const Definition& d) {
  std::ostringstream out;
  report::JsonWriter w(out);
  write_definition(w, d);
  return out.str();
}

Definition read_definition(const JsonValue& v, const std::string& what) {
  if (!v.is_object()) throw InputError(what + ": expected a sweep definition (a JSON object)");
  Definition d;
  d.version = member(v, "concsim_version", what).text();
  d.workload = member(v, "workload", what).text();
  d.workload_hash = member(v, "workload_hash", what).text();
  d.workload_name = member(v, "workload_name", what).text();
  d.description = member(v, "description", what).text();
  d.overrides = string_list(member(v, "overrides", what), what + ": overrides");
  const JsonValue& vary = member(v, "vary", what);
  if (!vary.is_array()) throw InputError(what + ": vary: expected a list");
  for (const JsonValue& item : vary.items()) {
    Vary x;
    x.key = member(item, "key", what + ": vary").text();
    x.values = string_list(member(item, "values", what + ": vary"), what + ": vary");
    d.vary.push_back(std::move(x));
  }
  d.models = string_list(member(v, "models", what), what + ": models");
  const std::string& seed = member(v, "seed", what).text();
  const auto [end, ec] = std::from_chars(seed.data(), seed.data() + seed.size(), d.seed);
  if (ec != std::errc() || end != seed.data() + seed.size()) {
    throw InputError(what + ": seed: expected an integer >= 0");
  }
  // Absent from the definitions of older versions, which seeded per point
  // and ran each point once.
  d.seeding = Seeding::kPerPoint;
  if (const JsonValue* s = v.find("seeding")) d.seeding = parse_seeding(s->text(), what + ": seeding");
  if (const JsonValue* r = v.find("replications")) d.replications = parse_replications(r->text(), what + ": replications");
  if (const JsonValue* p = v.find("published")) {
    Published pub;
    pub.source = member(*p, "source", what + ": published").text();
    pub.metric = member(*p, "metric", what + ": published").text();
    pub.key = member(*p, "key", what + ": published").text();
    const JsonValue& points = member(*p, "points", what + ": published");
    for (const JsonValue& item : points.items()) {
      pub.points.emplace_back(member(item, "value", what + ": published").text(),
                              member(item, "figure", what + ": published").text());
    }
    d.published = std::move(pub);
  }
  return d;
}

}  // namespace concsim::sweep
