// Python 3.11 source to tokens, by CPython's tokenizer rules
// (Parser/tokenizer.c, tok_get): indentation with a stack and tab
// consistency, NEWLINE against NL, implicit joining inside brackets,
// backslash continuation, comments, string and number literals checked as
// CPython checks them, with CPython's messages and positions.
//
// The whole input is tokenized up front. Where CPython's tokenizer stops
// with an error, the token list ends with a kError token and `error` says
// what CPython would report; whether that report wins over a parser error
// found earlier in the file depends on how CPython raised it (see
// LexError::immediate), which the parser decides.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/python/token.h"

namespace concsim::python {

struct LexError {
  std::string kind;     // "SyntaxError", "IndentationError" or "TabError"
  std::string message;
  int line = 0;
  int col = 0;          // as SyntaxError.offset: 1-based, in characters
  // CPython's tokenizer raised the error itself (syntaxerror(): bad
  // literals, brackets, characters). Such an error replaces a parser error
  // found earlier, because CPython tokenizes the rest of the file after a
  // parser error to look for one. The others (indentation, tabs, a
  // backslash not at the end of a line, the end of the file inside
  // brackets) are reported only when the parser reaches them.
  bool immediate = false;
  // CPython's "unexpected EOF" states (the end of the input inside brackets
  // or after a backslash): reported as "'(' was never closed" when brackets
  // are open.
  bool at_eof = false;
};

// A bracket still open, for "'(' was never closed".
struct OpenBracket {
  char c = '(';
  int line = 0;
  int col0 = 0;  // 0-based byte column
};

// A construct that CPython accepts but concsim does not, found while
// tokenizing; reported only when the file has no syntax error.
struct Unsupported {
  std::string message;  // "not supported by concsim: ..."
  int line = 0;
  int col = 0;          // 1-based byte column, as Loc
};

// Where a sub-tokenizer's text sits in the file: CPython tokenizes each
// f-string replacement field again as "(expr)", shifting its first line by
// the column where it starts (string_parser.c, fstring_compile_expr).
struct LexPlacement {
  int first_line = 1;
  int first_line_shift = 0;  // bytes added to columns on the first line
};

struct Lexed {
  std::vector<Token> tokens;  // ends with kEndMarker, or kError when `failed`
  bool failed = false;
  LexError error;
  std::vector<OpenBracket> open;  // open at the end of tokenizing
  std::vector<Unsupported> unsupported;
  // For each token, the tokenizer's column (0-based bytes from the start of
  // the line it was reading) just after producing it. CPython places errors
  // at tokens without a position (INDENT, DEDENT, the end) by this column of
  // the furthest token fetched.
  std::vector<int> read_col;
};

// Tokenizes `text`, which must be what normalize_source() (source.h)
// returns: valid UTF-8 with '\n' line ends and a final '\n' (or empty). The
// tokens' text points into `text`, which must outlive them.
Lexed lex(std::string_view text, LexPlacement placement = {});

}  // namespace concsim::python
