// A small streaming JSON writer with deterministic output: keys in the order
// written, two-space indentation, integers as integers, strings escaped so
// that any name from a workload (quotes, control characters) stays valid JSON.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace concsim::report {

std::string json_escape(std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out, bool pretty = true) : out_(out), pretty_(pretty) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(std::uint64_t v);
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(bool b);
  // A number already formatted (e.g. a fixed-point fraction).
  JsonWriter& raw(std::string_view number);
  JsonWriter& null();

  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  void before_value();
  void newline();

  std::ostream& out_;
  bool pretty_;
  // Per open container: whether it has an element yet.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

// Fixed-point decimal with `decimals` digits of value / scale, exact for
// integers: fixed(1500, 1000, 3) == "1.500".
std::string fixed(std::int64_t value, std::int64_t scale, int decimals);
// A size for people: the largest binary unit below 1024 of it, one decimal,
// computed from integers ("26.6MiB"); exact byte counts are in the JSON.
std::string human_size(std::int64_t bytes);
// A fraction num/den rounded to `decimals` digits, e.g. 0.2500.
std::string ratio(std::int64_t num, std::int64_t den, int decimals);

}  // namespace concsim::report
