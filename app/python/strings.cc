// String literals: prefixes, escape sequences, adjacent concatenation and
// f-strings, as CPython 3.11 builds them (Parser/string_parser.c and
// action_helpers.c _PyPegen_concatenate_strings). An f-string's replacement
// fields are parsed again as "(expr)" by a parser of their own, placed
// where the field stands in the file, as CPython does; its errors carry
// CPython's "f-string: " prefix.
#include <cstdio>

#include "app/python/parser_impl.h"
#include "app/python/utf8.h"

namespace concsim::python::detail {
namespace {

constexpr int kMaxFstringParens = 200;  // MAXLEVEL in fstring_find_expr

struct Literal {
  bool bytes = false;
  bool raw = false;
  bool fmode = false;
  std::size_t body_begin = 0;  // within the token's text
  std::size_t body_end = 0;
};

// _PyPegen_parsestr's reading of the prefix and quotes.
Literal split(std::string_view text) {
  Literal l;
  std::size_t i = 0;
  while (i < text.size() && text[i] != '\'' && text[i] != '"') {
    const char c = static_cast<char>(text[i] | 0x20);
    if (c == 'b') l.bytes = true;
    if (c == 'r') l.raw = true;
    if (c == 'f') l.fmode = true;
    ++i;
  }
  const char q = text[i];
  const std::size_t n = text.size() - i;
  const std::size_t quotes = (n >= 6 && text[i + 1] == q && text[i + 2] == q) ? 3 : 1;
  l.body_begin = i + quotes;
  l.body_end = text.size() - quotes;
  return l;
}

bool is_octal(char c) { return c >= '0' && c <= '7'; }
int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Decoded {
  std::string error;  // CPython's message, or empty
  bool named = false;      // a \N{...} escape
  bool surrogate = false;  // a \u or \U escape of a lone surrogate
};

// decode_unicode_with_escapes + _PyUnicode_DecodeUnicodeEscape. Positions in
// CPython's messages count the buffer it decodes, in which every non-ASCII
// character became a 10-byte "\U%08x" escape and a backslash before one the
// 6-byte "\u005c".
Decoded decode_escapes(std::string_view s, std::string* out) {
  Decoded d;
  std::size_t i = 0;
  long pos = 0;
  const auto error = [&](long start, long end, const char* message) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "(unicode error) 'unicodeescape' codec can't decode bytes in position %ld-%ld: "
                  "%s",
                  start, end - 1, message);
    d.error = buf;
  };
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c != '\\') {
      if (c < 0x80) {
        *out += static_cast<char>(c);
        ++i;
        ++pos;
      } else {
        std::size_t len = 0;
        utf8::decode(s.substr(i), &len);
        out->append(s.substr(i, len));
        i += len;
        pos += 10;
      }
      continue;
    }
    const long start = pos;
    ++i;
    ++pos;
    if (i >= s.size()) {  // "\u005c": a backslash
      *out += '\\';
      break;
    }
    const unsigned char e = static_cast<unsigned char>(s[i]);
    if (e >= 0x80) {  // "\u005c" too, then the character itself
      *out += '\\';
      pos += 5;
      continue;
    }
    ++i;
    ++pos;
    int count = 0;
    const char* message = nullptr;
    switch (e) {
      case '\n': continue;
      case '\\': *out += '\\'; continue;
      case '\'': *out += '\''; continue;
      case '"': *out += '"'; continue;
      case 'b': *out += '\b'; continue;
      case 'f': *out += '\f'; continue;
      case 't': *out += '\t'; continue;
      case 'n': *out += '\n'; continue;
      case 'r': *out += '\r'; continue;
      case 'v': *out += '\v'; continue;
      case 'a': *out += '\a'; continue;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        char32_t ch = e - '0';
        for (int k = 0; k < 2 && i < s.size() && is_octal(s[i]); ++k) {
          ch = (ch << 3) + static_cast<char32_t>(s[i] - '0');
          ++i;
          ++pos;
        }
        utf8::append(out, ch);
        continue;
      }
      case 'x': count = 2; message = "truncated \\xXX escape"; break;
      case 'u': count = 4; message = "truncated \\uXXXX escape"; break;
      case 'U': count = 8; message = "truncated \\UXXXXXXXX escape"; break;
      case 'N': {
        if (i < s.size() && s[i] == '{') {
          ++i;
          ++pos;
          const std::size_t name_start = i;
          while (i < s.size() && s[i] != '}') {
            pos += static_cast<unsigned char>(s[i]) < 0x80 ? 1 : 10;
            std::size_t len = 1;
            if (static_cast<unsigned char>(s[i]) >= 0x80) utf8::decode(s.substr(i), &len);
            i += len;
          }
          if (i < s.size() && i > name_start) {
            ++i;
            ++pos;
            d.named = true;
            utf8::append(out, 0xFFFD);
            continue;
          }
        }
        error(start, pos, "malformed \\N character escape");
        return d;
      }
      default:  // not an escape: kept as written (CPython warns)
        *out += '\\';
        *out += static_cast<char>(e);
        continue;
    }
    char32_t ch = 0;
    for (; count > 0; --count) {
      const int v = i < s.size() ? hex_value(static_cast<unsigned char>(s[i])) : -1;
      if (v < 0) {
        error(start, pos, message);
        return d;
      }
      ch = (ch << 4) + static_cast<char32_t>(v);
      ++i;
      ++pos;
    }
    if (ch > 0x10FFFF) {
      error(start, pos, "illegal Unicode character");
      return d;
    }
    if (ch >= 0xD800 && ch <= 0xDFFF) {
      d.surrogate = true;
      ch = 0xFFFD;
    }
    utf8::append(out, ch);
  }
  return d;
}

}  // namespace

std::string Parser::decode_literal(std::string_view body, bool raw, const Token& t) {
  if (raw || body.find('\\') == std::string_view::npos) return std::string(body);
  std::string out;
  const Decoded d = decode_escapes(body, &out);
  if (!d.error.empty()) fail_last(ErrorClass::kImmediate, d.error);
  if (d.named) {
    unsupported_->push_back({"not supported by concsim: \\N{...} escapes", t.line, t.col});
  }
  if (d.surrogate) {
    unsupported_->push_back(
        {"not supported by concsim: lone surrogates in strings (\\ud800 to \\udfff)", t.line,
         t.col});
  }
  return out;
}

ExprP Parser::string_constant(std::string value, const Loc& loc) {
  auto e = make_expr(ExprKind::kConstant, loc);
  e->value.kind = ast::ConstKind::kStr;
  e->value.s = std::move(value);
  return e;
}

// _PyPegen_FstringParser_Finish: a Constant for a plain string, else a
// JoinedStr of the pieces.
ExprP Parser::fstring_finish(FstringState* st, const Loc& loc) {
  if (!st->fmode) return string_constant(std::move(st->last_str), loc);
  if (!st->last_str.empty()) {
    st->values.push_back(string_constant(std::move(st->last_str), loc));
    st->last_str.clear();
  }
  auto j = make_expr(ExprKind::kJoinedStr, loc);
  j->items = std::move(st->values);
  return j;
}

// STRING+: adjacent literals make one node.
ExprP Parser::concatenate_strings(int first, int last) {
  Loc whole;
  whole.line = tok(first).line;
  whole.col = tok(first).col;
  whole.end_line = tok(last).end_line;
  whole.end_col = tok(last).end_col;
  FstringState st;
  bool bytesmode = false;
  for (int i = first; i <= last; ++i) {
    const Token& t = tok(i);
    const Literal l = split(t.text);
    const std::string_view body = t.text.substr(l.body_begin, l.body_end - l.body_begin);
    // _PyPegen_parsestr reads the literal before the mix is checked.
    if (l.bytes) {
      for (const char c : body) {
        if (static_cast<unsigned char>(c) >= 0x80) {
          fail_last(ErrorClass::kImmediate, "bytes can only contain ASCII literal characters");
        }
      }
    }
    if (i != first && bytesmode != l.bytes) {
      fail_last(ErrorClass::kImmediate, "cannot mix bytes and nonbytes literals");
    }
    bytesmode = l.bytes;
    if (l.fmode) {
      std::size_t at = l.body_begin;
      fstring_concat(&st, t.text, &at, l.body_end, l.raw, 0, whole, t);
    } else if (l.bytes) {
      for (std::size_t k = 0; !l.raw && k < body.size(); ++k) {
        if (body[k] != '\\') continue;
        if (k + 1 < body.size() && body[k + 1] == 'x' &&
            !(k + 3 < body.size() && hex_value(static_cast<unsigned char>(body[k + 2])) >= 0 &&
              hex_value(static_cast<unsigned char>(body[k + 3])) >= 0)) {
          fail_last(ErrorClass::kImmediate,
                    "(value error) invalid \\x escape at position " + std::to_string(k));
        }
        ++k;
      }
      if (i == first) {
        unsupported_->push_back({"not supported by concsim: bytes literals", t.line, t.col});
      }
    } else {
      std::string s = decode_literal(body, l.raw, t);
      st.last_str += s;
    }
  }
  return fstring_finish(&st, whole);
}

// _PyPegen_FstringParser_ConcatFstring: the literal pieces and replacement
// fields of one f-string token (or of a format spec, at recurse_lvl 1).
void Parser::fstring_concat(FstringState* st, std::string_view text, std::size_t* str,
                            std::size_t end, bool raw, int recurse_lvl, const Loc& whole,
                            const Token& t) {
  st->fmode = true;
  for (;;) {
    std::string literal;
    std::string expr_text;
    bool has_text = false;
    ExprP expression;
    // fstring_find_literal_and_expr
    const int result = fstring_find_literal(text, str, end, raw, &literal, recurse_lvl, t);
    if (result == 0 && !(*str >= end || text[*str] == '}')) {
      fstring_find_expr(text, str, end, raw, recurse_lvl, &expr_text, &has_text, &expression,
                        whole, t);
    }
    st->last_str += literal;
    if (has_text) st->last_str += expr_text;
    if (result == 1) continue;
    if (!expression) break;
    if (!st->last_str.empty()) {
      st->values.push_back(string_constant(std::move(st->last_str), whole));
      st->last_str.clear();
    }
    st->values.push_back(std::move(expression));
  }
  if (recurse_lvl == 0 && *str + 1 < end) {
    fail_last(ErrorClass::kImmediate, "f-string: unexpected end of string");
  }
  if (recurse_lvl != 0 && text[*str] != '}') {
    fail_last(ErrorClass::kImmediate, "f-string: expecting '}'");
  }
}

// fstring_find_literal: up to an undoubled '{' (or '}' in a format spec).
// Returns 1 after a doubled brace, which ends the literal but not the
// string.
int Parser::fstring_find_literal(std::string_view text, std::size_t* str, std::size_t end,
                                 bool raw, std::string* literal, int recurse_lvl,
                                 const Token& t) {
  std::size_t s = *str;
  const std::size_t literal_start = s;
  std::size_t literal_end = 0;
  int result = 0;
  bool doubled = false;
  while (s < end) {
    char ch = text[s++];
    if (!raw && ch == '\\' && s < end) {
      ch = text[s++];
      if (ch == 'N') {
        if (s < end && text[s++] == '{') {
          while (s < end && text[s++] != '}') {
          }
          continue;
        }
        break;
      }
    }
    if (ch == '{' || ch == '}') {
      // Doubled braces only at the top level: f'{0:{3}}' ends with two.
      if (recurse_lvl == 0) {
        if (s < end && text[s] == ch) {
          *str = s + 1;
          literal_end = s;
          result = 1;
          doubled = true;
          break;
        }
        if (ch == '}') {
          *str = s - 1;
          fail_last(ErrorClass::kImmediate, "f-string: single '}' is not allowed");
        }
      }
      --s;
      break;
    }
  }
  if (!doubled) {
    *str = s;
    literal_end = s;
  }
  if (literal_end != literal_start) {
    *literal = decode_literal(text.substr(literal_start, literal_end - literal_start), raw, t);
  }
  return result;
}

// fstring_find_expr: one replacement field {expr[=][!c][:spec]}.
void Parser::fstring_find_expr(std::string_view text, std::size_t* str, std::size_t end,
                               bool raw, int recurse_lvl, std::string* expr_text, bool* has_text,
                               ExprP* expression, const Loc& whole, const Token& t) {
  if (recurse_lvl >= 2) fail_last(ErrorClass::kImmediate, "f-string: expressions nested too deeply");
  *str += 1;  // '{'
  const std::size_t expr_start = *str;
  char quote_char = 0;
  int string_type = 0;
  int nested_depth = 0;
  char parenstack[kMaxFstringParens];
  for (; *str < end; *str += 1) {
    const char ch = text[*str];
    if (ch == '\\') {
      fail_last(ErrorClass::kImmediate, "f-string expression part cannot include a backslash");
    }
    if (quote_char) {
      if (ch == quote_char) {
        if (string_type == 3) {
          if (*str + 2 < end && text[*str + 1] == ch && text[*str + 2] == ch) {
            *str += 2;
            string_type = 0;
            quote_char = 0;
            continue;
          }
        } else {
          string_type = 0;
          quote_char = 0;
          continue;
        }
      }
    } else if (ch == '\'' || ch == '"') {
      if (*str + 2 < end && text[*str + 1] == ch && text[*str + 2] == ch) {
        string_type = 3;
        *str += 2;
      } else {
        string_type = 1;
      }
      quote_char = ch;
    } else if (ch == '[' || ch == '{' || ch == '(') {
      if (nested_depth >= kMaxFstringParens) {
        fail_last(ErrorClass::kImmediate, "f-string: too many nested parenthesis");
      }
      parenstack[nested_depth++] = ch;
    } else if (ch == '#') {
      fail_last(ErrorClass::kImmediate, "f-string expression part cannot include '#'");
    } else if (nested_depth == 0 &&
               (ch == '!' || ch == ':' || ch == '}' || ch == '=' || ch == '>' || ch == '<')) {
      if (*str + 1 < end) {
        const char next = text[*str + 1];
        if ((ch == '!' && next == '=') || (ch == '=' && next == '=') ||
            (ch == '<' && next == '=') || (ch == '>' && next == '=')) {
          *str += 1;
          continue;
        }
        if (ch == '>' || ch == '<') continue;
      }
      break;
    } else if (ch == ']' || ch == '}' || ch == ')') {
      if (!nested_depth) {
        fail_last(ErrorClass::kImmediate, std::string("f-string: unmatched '") + ch + "'");
      }
      const char opening = parenstack[--nested_depth];
      if (!((opening == '(' && ch == ')') || (opening == '[' && ch == ']') ||
            (opening == '{' && ch == '}'))) {
        fail_last(ErrorClass::kImmediate, std::string("f-string: closing parenthesis '") + ch +
                                              "' does not match opening parenthesis '" + opening +
                                              "'");
      }
    }
  }
  const std::size_t expr_end = *str;
  if (quote_char) fail_last(ErrorClass::kImmediate, "f-string: unterminated string");
  if (nested_depth) {
    fail_last(ErrorClass::kImmediate,
              std::string("f-string: unmatched '") + parenstack[nested_depth - 1] + "'");
  }
  const auto unexpected_end = [&] {
    fail_last(ErrorClass::kImmediate, "f-string: expecting '}'");
  };
  if (*str >= end) unexpected_end();
  // The expression first, so that its errors come before those of what
  // follows it.
  ExprP value = fstring_compile_expr(text, expr_start, expr_end, t);
  if (text[*str] == '=') {
    *str += 1;
    while (text[*str] == ' ' || text[*str] == '\t' || text[*str] == '\n' || text[*str] == '\r' ||
           text[*str] == '\v' || text[*str] == '\f') {
      *str += 1;
    }
    *expr_text = std::string(text.substr(expr_start, *str - expr_start));
    *has_text = true;
  }
  char conversion = 0;
  if (text[*str] == '!') {
    *str += 1;
    if (*str >= end) unexpected_end();
    conversion = text[*str];
    *str += 1;
    if (conversion != 's' && conversion != 'r' && conversion != 'a') {
      fail_last(ErrorClass::kImmediate,
                "f-string: invalid conversion character: expected 's', 'r', or 'a'");
    }
  }
  if (*str >= end) unexpected_end();
  ExprP format_spec;
  if (text[*str] == ':') {
    *str += 1;
    if (*str >= end) unexpected_end();
    FstringState spec;
    fstring_concat(&spec, text, str, end, raw, recurse_lvl + 1, whole, t);
    format_spec = fstring_finish(&spec, token_loc(t));
  }
  if (*str >= end || text[*str] != '}') unexpected_end();
  *str += 1;
  if (*has_text && !format_spec && conversion == 0) conversion = 'r';
  auto fv = make_expr(ExprKind::kFormattedValue, whole);
  fv->a = std::move(value);
  fv->conversion = conversion;
  fv->b = std::move(format_spec);
  *expression = std::move(fv);
}

// fstring_compile_expr: "(expr)" parsed by a parser of its own, whose first
// line is shifted to where the field stands (fstring_find_expr_location).
ExprP Parser::fstring_compile_expr(std::string_view text, std::size_t expr_start,
                                   std::size_t expr_end, const Token& t) {
  std::size_t k = expr_start;
  while (k < expr_end && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\f')) {
    ++k;
  }
  if (k == expr_end) {
    const char next = text[expr_end];
    if (next == '!' || next == ':' || next == '=') {
      fail_last(ErrorClass::kImmediate,
                std::string("f-string: expression required before '") + next + "'");
    }
    fail_last(ErrorClass::kImmediate, "f-string: empty expression not allowed");
  }
  const std::size_t brace = expr_start - 1;
  int lines = 0;
  for (std::size_t i = 0; i < brace; ++i) lines += text[i] == '\n';
  bool newline_after_brace = true;
  for (std::size_t i = expr_start; i < text.size() && text[i] != '}' && text[i] != '\n'; ++i) {
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\f') {
      newline_after_brace = false;
      break;
    }
  }
  int cols = 0;
  if (!newline_after_brace) {
    std::size_t s = brace;
    while (s > 0 && text[s] != '\n') --s;
    cols = static_cast<int>(brace - s);
    if (text[s] == '\n') cols -= 1;
  }
  FstringMode mode;
  mode.col_shift = lines != 0 ? cols : (t.col - 1) + cols;
  mode.base_depth = depth_;
  std::string field = "(";
  field.append(text.substr(expr_start, expr_end - expr_start));
  field += ")\n";
  LexPlacement place;
  place.first_line = t.line + lines;
  place.first_line_shift = mode.col_shift;
  Parser sub(field, lex(field, place), unsupported_, &mode);
  ExprP e;
  if (!sub.parse_fstring_field(&e)) {
    problem_ = sub.problem();
    problem_.cls = ErrorClass::kImmediate;
    failed_ = true;
    throw Failure{};
  }
  return e;
}

}  // namespace concsim::python::detail
