#include "app/python/source.h"

#include <cctype>
#include <cstdio>

#include "app/python/utf8.h"

namespace concsim::python {
namespace {

// tokenizer.c get_coding_spec(): "coding[:=]name" in a comment that is the
// only thing on the line. Returns the name, or empty.
std::string coding_spec(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f')) ++i;
  if (i >= line.size() || line[i] != '#') return {};
  for (std::size_t at = line.find("coding", i); at != std::string_view::npos;
       at = line.find("coding", at + 1)) {
    std::size_t t = at + 6;
    if (t >= line.size() || (line[t] != ':' && line[t] != '=')) continue;
    do {
      ++t;
    } while (t < line.size() && (line[t] == ' ' || line[t] == '\t'));
    const std::size_t begin = t;
    while (t < line.size() && (std::isalnum(static_cast<unsigned char>(line[t])) ||
                               line[t] == '-' || line[t] == '_' || line[t] == '.')) {
      ++t;
    }
    if (t > begin) return std::string(line.substr(begin, t - begin));
  }
  return {};
}

// Only comments and blanks: CPython then looks for a declaration on line 2.
bool blank_or_comment(std::string_view line) {
  for (const char c : line) {
    if (c == '#' || c == '\n' || c == '\r') return true;
    if (c != ' ' && c != '\t' && c != '\f') return false;
  }
  return true;
}

bool is_utf8_name(const std::string& name) {
  std::string n;
  for (const char c : name) {
    n += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return n == "utf-8" || n.rfind("utf-8-", 0) == 0 || n == "utf8";
}

}  // namespace

bool normalize_source(std::string_view raw, const std::string& file, std::string* out,
                      SourceError* error) {
  if (raw.size() >= 3 && raw.substr(0, 3) == "\xEF\xBB\xBF") raw.remove_prefix(3);
  // Check the text line by line, as CPython's file tokenizer does.
  int line = 1;
  std::size_t line_start = 0;
  bool has_cr = false;
  for (std::size_t i = 0; i < raw.size();) {
    const unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c >= 0x20 && c < 0x80) {  // the common case
      ++i;
      continue;
    }
    if (c == '\n' || c == '\r') {
      has_cr |= c == '\r';
      if (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      ++i;
      ++line;
      line_start = i;
      continue;
    }
    if (c == 0) {
      error->message = "source code cannot contain null bytes";
      error->line = line;
      error->col = utf8::count_chars(raw.substr(line_start, i - line_start)) + 1;
      return false;
    }
    const std::size_t len = utf8::valid_length(raw.substr(i));
    if (len == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "%02x", c);
      error->message = "Non-UTF-8 code starting with '\\x" + std::string(hex) + "' in file " +
                       file + " on line " + std::to_string(line) +
                       ", but no encoding declared; see https://peps.python.org/pep-0263/ for "
                       "details";
      error->line = line;
      error->col = utf8::count_chars(raw.substr(line_start, i - line_start)) + 1;
      return false;
    }
    i += len;
  }
  out->clear();
  out->reserve(raw.size() + 1);
  if (!has_cr) {
    out->assign(raw);
  } else {
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\r') {
        *out += '\n';
        if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      } else {
        *out += raw[i];
      }
    }
  }
  if (!out->empty() && out->back() != '\n') *out += '\n';
  // A coding declaration on line 1, or on line 2 below a comment or blank.
  const std::string_view first = source_line(*out, 1);
  std::string name = coding_spec(first);
  int decl_line = 1;
  if (name.empty() && blank_or_comment(first)) {
    name = coding_spec(source_line(*out, 2));
    decl_line = 2;
  }
  if (!name.empty() && !is_utf8_name(name)) {
    error->message = "not supported by concsim: source encoding '" + name +
                     "' (concsim reads UTF-8 source only)";
    error->line = decl_line;
    error->col = 1;
    return false;
  }
  return true;
}

int char_offset(std::string_view line, int byte_col) {
  if (byte_col <= 0) return byte_col;
  const int len = static_cast<int>(line.size());
  if (byte_col > len + 1) byte_col = len + 1;
  // The byte past the line is the C string's terminator: one character.
  if (byte_col == len + 1) return utf8::count_chars(line) + 1;
  return utf8::count_chars(line.substr(0, static_cast<std::size_t>(byte_col)));
}

std::string_view source_line(std::string_view source, int n) {
  std::size_t start = 0;
  for (int i = 1; i < n; ++i) {
    const std::size_t nl = source.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  if (start >= source.size()) return {};
  const std::size_t nl = source.find('\n', start);
  return source.substr(start, nl == std::string_view::npos ? source.size() - start
                                                           : nl + 1 - start);
}

}  // namespace concsim::python
