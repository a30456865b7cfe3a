#include "app/sweep/json_value.h"

#include <charconv>

namespace concsim::sweep {

JsonValue JsonValue::string(std::string s) {
  JsonValue v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(s);
  return v;
}

JsonValue JsonValue::number(std::string text) {
  JsonValue v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(text);
  return v;
}

const JsonValue* JsonValue::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

const JsonValue* JsonValue::path(std::string_view dotted) const {
  const JsonValue* v = this;
  while (v != nullptr && !dotted.empty()) {
    const std::size_t dot = dotted.find('.');
    v = v->find(dotted.substr(0, dot));
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  return v;
}

std::string JsonValue::text_at(std::string_view dotted, const std::string& fallback) const {
  const JsonValue* v = path(dotted);
  return v != nullptr && (v->is_string() || v->is_number()) ? v->text() : fallback;
}

std::int64_t JsonValue::int_at(std::string_view dotted, std::int64_t fallback) const {
  const JsonValue* v = path(dotted);
  if (v == nullptr || !v->is_number()) return fallback;
  std::int64_t out = 0;
  const char* end = v->text().data() + v->text().size();
  const auto [ptr, ec] = std::from_chars(v->text().data(), end, out);
  return ec == std::errc() && ptr == end ? out : fallback;
}

// A recursive-descent parser over the whole text; the depth bound keeps a
// hostile file from exhausting the stack.
class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : s_(text) {}

  std::optional<JsonValue> parse(std::string* error) {
    JsonValue v;
    skip_space();
    if (!value(v, 0)) {
      if (error != nullptr) *error = where() + ": " + error_;
      return std::nullopt;
    }
    skip_space();
    if (i_ != s_.size()) {
      if (error != nullptr) *error = where() + ": unexpected text after the JSON value";
      return std::nullopt;
    }
    return v;
  }

 private:
  static constexpr int kMaxDepth = 256;

  std::string where() const {
    int line = 1;
    int column = 1;
    for (std::size_t k = 0; k < i_ && k < s_.size(); ++k) {
      if (s_[k] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
  }

  bool fail(const char* message) {
    if (error_.empty()) error_ = message;
    return false;
  }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return fail("expected a JSON value");
    i_ += word.size();
    return true;
  }

  bool value(JsonValue& v, int depth) {
    if (depth > kMaxDepth) return fail("nested too deeply");
    if (i_ >= s_.size()) return fail("unexpected end of the text");
    const char c = s_[i_];
    if (c == '{') return object(v, depth);
    if (c == '[') return array(v, depth);
    if (c == '"') {
      v.kind_ = JsonValue::Kind::kString;
      return string(v.text_);
    }
    if (c == 't' || c == 'f') {
      v.kind_ = JsonValue::Kind::kBool;
      v.text_ = c == 't' ? "true" : "false";
      return literal(v.text_);
    }
    if (c == 'n') {
      v.kind_ = JsonValue::Kind::kNull;
      return literal("null");
    }
    return number(v);
  }

  bool number(JsonValue& v) {
    const std::size_t start = i_;
    auto digits = [&] {
      const std::size_t from = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ > from;
    };
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (!digits()) {
      return fail("expected a JSON value");
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digits()) return fail("expected digits after the decimal point");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return fail("expected digits in the exponent");
    }
    v.kind_ = JsonValue::Kind::kNumber;
    v.text_ = std::string(s_.substr(start, i_ - start));
    return true;
  }

  bool hex4(std::uint32_t& out) {
    if (i_ + 4 > s_.size()) return fail("a \\u escape needs four hex digits");
    out = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      out <<= 4;
      if (h >= '0' && h <= '9') {
        out |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        out |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        out |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        return fail("a \\u escape needs four hex digits");
      }
    }
    return true;
  }

  static void utf8(std::uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool string(std::string& out) {
    ++i_;  // the opening quote
    while (true) {
      if (i_ >= s_.size()) return fail("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("a control character inside a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return fail("unterminated string");
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            std::uint32_t low = 0;
            if (s_.substr(i_, 2) != "\\u") return fail("a lone surrogate in a \\u escape");
            i_ += 2;
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return fail("a lone surrogate in a \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("a lone surrogate in a \\u escape");
          }
          utf8(cp, out);
          break;
        }
        default:
          return fail("an unknown escape in a string");
      }
    }
  }

  bool array(JsonValue& v, int depth) {
    v.kind_ = JsonValue::Kind::kArray;
    ++i_;
    skip_space();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return true;
    }
    while (true) {
      v.items_.emplace_back();
      skip_space();
      if (!value(v.items_.back(), depth + 1)) return false;
      skip_space();
      if (i_ >= s_.size()) return fail("unterminated array");
      const char c = s_[i_++];
      if (c == ']') return true;
      if (c != ',') return fail("expected ',' or ']' in an array");
    }
  }

  bool object(JsonValue& v, int depth) {
    v.kind_ = JsonValue::Kind::kObject;
    ++i_;
    skip_space();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return true;
    }
    while (true) {
      skip_space();
      if (i_ >= s_.size() || s_[i_] != '"') return fail("expected a key in quotes");
      std::string key;
      if (!string(key)) return false;
      skip_space();
      if (i_ >= s_.size() || s_[i_] != ':') return fail("expected ':' after a key");
      ++i_;
      skip_space();
      v.members_.emplace_back(std::move(key), JsonValue());
      if (!value(v.members_.back().second, depth + 1)) return false;
      skip_space();
      if (i_ >= s_.size()) return fail("unterminated object");
      const char c = s_[i_++];
      if (c == '}') return true;
      if (c != ',') return fail("expected ',' or '}' in an object");
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::string error_;
};

std::optional<JsonValue> parse_json(std::string_view text, std::string* error) {
  return JsonParser(text).parse(error);
}

void write_json_value(report::JsonWriter& w, const JsonValue& v) {
  switch (v.kind()) {
    case JsonValue::Kind::kNull: w.null(); break;
    case JsonValue::Kind::kBool: w.value(v.text() == "true"); break;
    case JsonValue::Kind::kNumber: w.raw(v.text()); break;
    case JsonValue::Kind::kString: w.value(v.text()); break;
    case JsonValue::Kind::kArray:
      w.begin_array();
      for (const JsonValue& item : v.items()) write_json_value(w, item);
      w.end_array();
      break;
    case JsonValue::Kind::kObject:
      w.begin_object();
      for (const auto& [k, item] : v.members()) {
        w.key(k);
        write_json_value(w, item);
      }
      w.end_object();
      break;
  }
}

}  // namespace concsim::sweep
