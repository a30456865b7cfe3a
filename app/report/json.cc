#include "app/report/json.h"

#include <array>
#include <cstdio>

#include "sim/detail/int128.h"

namespace concsim::report {

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

void JsonWriter::newline() {
  if (!pretty_) return;
  out_ << '\n';
  for (std::size_t i = 0; i < has_element_.size(); ++i) out_ << "  ";
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_element_.empty()) {
    if (has_element_.back()) out_ << ',';
    has_element_.back() = true;
    newline();
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ << '{';
  has_element_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  const bool any = has_element_.back();
  has_element_.pop_back();
  if (any) newline();
  out_ << '}';
  if (has_element_.empty() && pretty_) out_ << '\n';
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ << '[';
  has_element_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  const bool any = has_element_.back();
  has_element_.pop_back();
  if (any) newline();
  out_ << ']';
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  out_ << '"' << json_escape(k) << "\":" << (pretty_ ? " " : "");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  out_ << '"' << json_escape(s) << '"';
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  before_value();
  out_ << v;
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t v) {
  before_value();
  out_ << v;
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  out_ << (b ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view number) {
  before_value();
  out_ << number;
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ << "null";
  return *this;
}

std::string fixed(std::int64_t value, std::int64_t scale, int decimals) {
  const bool negative = value < 0;
  const auto mag = static_cast<sim::detail::UInt128>(negative ? -static_cast<sim::detail::Int128>(value) : value);
  sim::detail::UInt128 pow10 = 1;
  for (int i = 0; i < decimals; ++i) pow10 *= 10;
  const auto s = static_cast<sim::detail::UInt128>(scale);
  const sim::detail::UInt128 scaled = (mag * pow10 + s / 2) / s;
  const auto whole = static_cast<unsigned long long>(scaled / pow10);
  const auto frac = static_cast<unsigned long long>(scaled % pow10);
  char buf[64];
  if (decimals == 0) {
    std::snprintf(buf, sizeof buf, "%s%llu", negative && scaled != 0 ? "-" : "", whole);
  } else {
    std::snprintf(buf, sizeof buf, "%s%llu.%0*llu", negative && scaled != 0 ? "-" : "", whole, decimals, frac);
  }
  return buf;
}

std::string ratio(std::int64_t num, std::int64_t den, int decimals) {
  if (den == 0) return fixed(0, 1, decimals);
  return fixed(num, den, decimals);
}

std::string human_size(std::int64_t bytes) {
  static constexpr std::array<const char*, 5> kUnits{"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t u = 0;
  std::int64_t scale = 1;
  while (u + 1 < kUnits.size() && bytes >= scale * 1024) {
    scale *= 1024;
    ++u;
  }
  return (u == 0 ? std::to_string(bytes) : fixed(bytes, scale, 1)) + kUnits[u];
}

}  // namespace concsim::report
