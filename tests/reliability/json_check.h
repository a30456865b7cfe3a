// A tiny strict JSON reader for tests: enough to prove that a writer's
// output parses (RFC 8259: no trailing commas, no control characters in
// strings, escapes only as defined) and to read back the strings in it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace concsim::testing {

struct Json {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  std::string text;                                      // string value, or the number as written
  std::vector<Json> items;                               // arrays
  std::vector<std::pair<std::string, Json>> members;     // objects, in order

  const Json* get(std::string_view key) const {
    for (const auto& [k, v] : members) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

class JsonReader {
 public:
  // Parses the whole of `s`; nullopt (and error()) when it is not JSON.
  std::optional<Json> parse(std::string_view s) {
    s_ = s;
    pos_ = 0;
    error_.clear();
    Json v;
    if (!value(v, 0)) return std::nullopt;
    space();
    if (pos_ != s_.size()) return fail("trailing text");
    return v;
  }
  const std::string& error() const { return error_; }

 private:
  std::nullopt_t fail(const std::string& why) {
    if (error_.empty()) error_ = why + " at byte " + std::to_string(pos_);
    return std::nullopt;
  }
  bool bad(const std::string& why) {
    fail(why);
    return false;
  }
  void space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
  }
  bool literal(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  bool value(Json& out, int depth) {
    if (depth > 200) return bad("too deep");
    space();
    if (pos_ >= s_.size()) return bad("unexpected end");
    const char c = s_[pos_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      out.kind = Json::Kind::kString;
      return string(out.text);
    }
    if (literal("null")) return out.kind = Json::Kind::kNull, true;
    if (literal("true")) return out.kind = Json::Kind::kBool, out.text = "true", true;
    if (literal("false")) return out.kind = Json::Kind::kBool, out.text = "false", true;
    return number(out);
  }
  bool number(Json& out) {
    const std::size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    auto digits = [&] {
      const std::size_t d = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      return pos_ > d;
    };
    if (pos_ < s_.size() && s_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return bad("expected a value");
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digits()) return bad("digits after '.'");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digits()) return bad("digits in exponent");
    }
    out.kind = Json::Kind::kNumber;
    out.text = std::string(s_.substr(start, pos_ - start));
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
  bool hex4(std::uint32_t* v) {
    if (pos_ + 4 > s_.size()) return bad("short \\u escape");
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[pos_++];
      *v <<= 4;
      if (h >= '0' && h <= '9') *v |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') *v |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') *v |= static_cast<std::uint32_t>(h - 'A' + 10);
      else return bad("bad hex digit");
    }
    return true;
  }
  bool string(std::string& out) {
    ++pos_;  // '"'
    out.clear();
    while (pos_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return true;
      if (c < 0x20) return bad("raw control character in a string");
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      const char e = s_[pos_++];
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
          if (!hex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t lo = 0;
            if (!literal("\\u") || !hex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) return bad("lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return bad("lone surrogate");
          }
          utf8(cp, out);
          break;
        }
        default: return bad("bad escape");
      }
    }
    return bad("unterminated string");
  }
  bool array(Json& out, int depth) {
    ++pos_;
    out.kind = Json::Kind::kArray;
    space();
    if (literal("]")) return true;
    for (;;) {
      Json v;
      if (!value(v, depth + 1)) return false;
      out.items.push_back(std::move(v));
      space();
      if (literal("]")) return true;
      if (!literal(",")) return bad("expected ',' or ']'");
    }
  }
  bool object(Json& out, int depth) {
    ++pos_;
    out.kind = Json::Kind::kObject;
    space();
    if (literal("}")) return true;
    for (;;) {
      space();
      if (pos_ >= s_.size() || s_[pos_] != '"') return bad("expected a key");
      std::string key;
      if (!string(key)) return false;
      space();
      if (!literal(":")) return bad("expected ':'");
      Json v;
      if (!value(v, depth + 1)) return false;
      out.members.emplace_back(std::move(key), std::move(v));
      space();
      if (literal("}")) return true;
      if (!literal(",")) return bad("expected ',' or '}'");
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace concsim::testing
