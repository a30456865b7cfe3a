// Python source text as CPython's tokenizer reads it, and CPython's way of
// turning a byte column into the character offset a SyntaxError reports.
#pragma once

#include <string>
#include <string_view>

namespace concsim::python {

struct SourceError {
  std::string message;
  int line = 0;
  int col = 0;  // 1-based, characters
};

// The source as CPython's tokenizer reads it: a UTF-8 byte order mark
// dropped, "\r\n" and "\r" turned into "\n", a final "\n" added to a
// non-empty text. Fails with CPython's message for invalid UTF-8, with the
// message of CPython 3.12 for NUL bytes (3.11 silently ends the line
// there), and with a "not supported by concsim" message for a coding
// declaration other than UTF-8.
bool normalize_source(std::string_view raw, const std::string& file, std::string* out,
                      SourceError* error);

// CPython's SyntaxError.offset for a 1-based byte column of a line
// (pegen.c _PyPegen_byte_offset_to_character_offset): the characters in the
// first `byte_col` bytes of the line, the column clamped to the line's
// length + 1. `line` includes its '\n'.
int char_offset(std::string_view line, int byte_col);

// Line `n` (1-based) of normalized source, with its '\n'; empty past the end.
std::string_view source_line(std::string_view source, int n);

}  // namespace concsim::python
