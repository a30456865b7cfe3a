#include "app/load/text.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace concsim::load {
namespace {

// The length of the valid UTF-8 sequence at text[i] and its code point; 0
// when the bytes there are not UTF-8.
std::size_t utf8_at(std::string_view text, std::size_t i, std::uint32_t* cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  std::size_t len = 0;
  std::uint32_t value = 0;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    value = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    value = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    value = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < smallest[len] || (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) return 0;
  *cp = value;
  return len;
}

// Code points a terminal acts on: C1 controls (U+0080 to U+009F, U+009B is
// CSI) and the bidirectional embeddings, overrides and isolates.
bool acts_on_terminal(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// Appends text[i..] escaped up to `end` bytes.
void append_escaped(std::string& out, std::string_view text, std::size_t end, bool escape_quotes) {
  for (std::size_t i = 0; i < end;) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    char buf[16];
    if (escape_quotes && (c == '"' || c == '\\')) {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    switch (c) {
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    const std::size_t len = utf8_at(text, i, &cp);
    if (len == 0) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      ++i;
    } else if (acts_on_terminal(cp)) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
      i += len;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
}

}  // namespace

std::string quote(std::string_view text) {
  constexpr std::size_t kMaxShown = 40;
  std::size_t shown = text.size();
  bool cut = false;
  if (shown > kMaxShown) {
    shown = kMaxShown;
    // Back up over UTF-8 continuation bytes so that no character is split.
    while (shown > 0 && (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80) --shown;
    cut = true;
  }
  std::string out = "\"";
  append_escaped(out, text, shown, /*escape_quotes=*/true);
  out += '"';
  if (cut) out += "...";
  return out;
}

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text, text.size(), /*escape_quotes=*/false);
  return out;
}

std::string excerpt(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return escape_controls(text);
  std::size_t shown = max_bytes;
  while (shown > 0 && (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80) --shown;
  return escape_controls(text.substr(0, shown)) + "... (" + std::to_string(text.size()) + " bytes in all)";
}

}  // namespace concsim::load
