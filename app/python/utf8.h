// UTF-8 helpers for the Python front end (internal).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace concsim::python::utf8 {

// The length of the valid UTF-8 sequence starting `s` (1 to 4), or 0 when
// it is not one: a stray continuation byte, a truncated or overlong
// sequence, a surrogate, or a code point above U+10FFFF.
inline std::size_t valid_length(std::string_view s) {
  if (s.empty()) return 0;
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned c = b(0);
  if (c < 0x80) return 1;
  std::size_t n;
  char32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  char32_t v = c & (0x7F >> n);
  for (std::size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(i) & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  return n;
}

// The code point at the start of valid UTF-8 `s`; *len gets its length.
inline char32_t decode(std::string_view s, std::size_t* len) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned c = b(0);
  if (c < 0x80 || s.size() < 2) {
    *len = 1;
    return c;
  }
  const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (s.size() < n) {
    *len = 1;
    return c;
  }
  char32_t v = c & (0x7F >> n);
  for (std::size_t i = 1; i < n; ++i) v = (v << 6) | (b(i) & 0x3F);
  *len = n;
  return v;
}

// Characters in `s`, counting a truncated sequence at its end as one (as
// CPython's "replace" decoding does).
inline int count_chars(std::string_view s) {
  int n = 0;
  for (const char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

inline void append(std::string* out, char32_t c) {
  if (c < 0x80) {
    *out += static_cast<char>(c);
  } else if (c < 0x800) {
    *out += static_cast<char>(0xC0 | (c >> 6));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *out += static_cast<char>(0xE0 | (c >> 12));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (c >> 18));
    *out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace concsim::python::utf8
