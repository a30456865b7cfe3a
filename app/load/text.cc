#include "app/load/text.h"

#include <cstdio>

namespace concsim::load {

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
  for (std::size_t i = 0; i < shown; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  if (cut) out += "...";
  return out;
}

}  // namespace concsim::load
