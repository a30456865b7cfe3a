#include "tests/fuzz/json_input.h"

#include <charconv>
#include <sstream>
#include <stdexcept>

#include "app/report/json.h"
#include "app/sweep/baseline.h"
#include "app/sweep/definition.h"
#include "app/sweep/grid.h"
#include "app/sweep/json_value.h"
#include "app/sweep/point_file.h"

namespace concsim::fuzz {
namespace {

// Grids larger than this are expanded only to see that expand() refuses
// them when they pass grid.h's limit; in between they are skipped, which
// keeps each input fast.
constexpr std::size_t kMaxExpanded = 1000;

void same_or_throw(const std::string& a, const std::string& b, const char* what) {
  if (a != b) throw std::logic_error(std::string(what) + " does not read back as it was written");
}

std::string written(const sweep::JsonValue& v) {
  std::ostringstream out;
  report::JsonWriter w(out);
  sweep::write_json_value(w, v);
  return out.str();
}

std::size_t grid_size(const sweep::Definition& d) {
  std::size_t n = d.models.size();
  for (const sweep::Vary& v : d.vary) {
    n = v.values.size() > sweep::kMaxPoints ? sweep::kMaxPoints + 1
                                            : std::min(n * v.values.size(), sweep::kMaxPoints + 1);
  }
  return n;
}

// `v` read as sweep.json (or a baseline's "sweep").
void as_definition(const sweep::JsonValue& v, JsonOutcome& out) {
  try {
    const sweep::Definition d = sweep::read_definition(v, "fuzz.json");
    const std::string text = sweep::definition_json(d);
    std::string error;
    const std::optional<sweep::JsonValue> again = sweep::parse_json(text, &error);
    if (!again) throw std::logic_error("definition_json wrote invalid JSON: " + error);
    same_or_throw(sweep::definition_json(sweep::read_definition(*again, "again")), text, "a definition");
    const std::size_t size = grid_size(d);
    if (size > kMaxExpanded && size <= sweep::kMaxPoints) return;
    (void)sweep::expand(d);
    if (size > sweep::kMaxPoints) throw std::logic_error("expand() made a grid over kMaxPoints");
    out.definition = true;
  } catch (const sweep::InputError&) {
    ++out.input_errors;
  }
}

// The text read as the point file of the point it names.
void as_point_file(const std::string& text, const sweep::JsonValue& v, JsonOutcome& out) {
  sweep::Point p;
  p.name = v.text_at("point");
  p.model = v.text_at("model");
  const std::string seed = v.text_at("seed");
  std::from_chars(seed.data(), seed.data() + seed.size(), p.seed);
  out.point = sweep::parse_point_file(text, p).has_value();
}

void as_baseline(const std::string& text, JsonOutcome& out) {
  try {
    const sweep::Baseline b = sweep::parse_baseline(text, "fuzz.json");
    const std::string once = sweep::baseline_json(b);
    same_or_throw(sweep::baseline_json(sweep::parse_baseline(once, "again.json")), once, "a baseline");
    out.baseline = true;
  } catch (const sweep::InputError&) {
    ++out.input_errors;
  }
}

}  // namespace

JsonOutcome drive_json(std::string_view data) {
  JsonOutcome out;
  const std::string text(data);
  std::string error;
  const std::optional<sweep::JsonValue> v = sweep::parse_json(text, &error);
  if (!v) {
    as_baseline(text, out);  // the reader's own error path
    return out;
  }
  out.parsed = true;
  const std::string once = written(*v);
  const std::optional<sweep::JsonValue> again = sweep::parse_json(once, &error);
  if (!again) throw std::logic_error("write_json_value wrote invalid JSON: " + error);
  same_or_throw(written(*again), once, "a JSON value");
  as_definition(*v, out);
  if (const sweep::JsonValue* inner = v->find("sweep")) as_definition(*inner, out);
  as_point_file(text, *v, out);
  as_baseline(text, out);
  return out;
}

}  // namespace concsim::fuzz
