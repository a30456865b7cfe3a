// Reading JSON back: the sweep's own files (sweep.json, point files,
// baselines) are read again by `--resume`, `merge`, `baseline` and `check`.
//
// Numbers keep the text they were written with, so a value read and written
// again (a run's metrics copied into data.json) comes out byte for byte the
// same, and no figure goes through a double on its way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/report/json.h"

namespace concsim::sweep {

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  JsonValue() = default;
  static JsonValue string(std::string s);
  static JsonValue number(std::string text);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_array() const { return kind_ == Kind::kArray; }

  // A string's value, a number's text, "true" or "false"; "" otherwise.
  const std::string& text() const { return text_; }
  const std::vector<JsonValue>& items() const { return items_; }
  const std::vector<std::pair<std::string, JsonValue>>& members() const { return members_; }

  // The member `key` of an object; nullptr when absent or not an object.
  const JsonValue* find(std::string_view key) const;
  // Follows a path of member names ("metrics.latency_ns.p99"); nullptr when
  // any step is missing.
  const JsonValue* path(std::string_view dotted) const;
  // The text of the string or number at `dotted`, or `fallback`.
  std::string text_at(std::string_view dotted, const std::string& fallback = "") const;
  // The integer at `dotted`, or `fallback` when absent or not an integer.
  std::int64_t int_at(std::string_view dotted, std::int64_t fallback = 0) const;

 private:
  friend class JsonParser;
  Kind kind_ = Kind::kNull;
  std::string text_;
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

// Parses one JSON document (RFC 8259), nested at most 256 levels. Returns
// nullopt and sets *error (line and column) for anything else, trailing
// garbage included.
std::optional<JsonValue> parse_json(std::string_view text, std::string* error);

// Writes `v` through `w`, numbers as their original text.
void write_json_value(report::JsonWriter& w, const JsonValue& v);

}  // namespace concsim::sweep
