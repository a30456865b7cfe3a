#include "app/sweep/escape.h"

namespace concsim::sweep {

std::string markdown_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\\': case '`': case '*': case '_': case '[': case ']': case '(': case ')': case '{': case '}':
      case '|': case '#': case '!': case '~': case '$': case '"':
        out += '\\';
        out += static_cast<char>(c);
        break;
      default:
        out += c < 0x20 || c == 0x7f ? ' ' : static_cast<char>(c);
    }
  }
  return out;
}

std::string file_name_piece(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '-' || c == '_';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace concsim::sweep
