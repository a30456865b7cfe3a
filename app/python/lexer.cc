#include "app/python/lexer.h"

#include <cstdio>
#include <optional>

#include "app/python/source.h"
#include "app/python/unicode_data.h"
#include "app/python/utf8.h"

namespace concsim::python {
namespace {

constexpr int kEof = -1;
constexpr int kMaxLevel = 200;   // tokenizer.h MAXLEVEL: nested brackets
constexpr int kMaxIndent = 100;  // tokenizer.h MAXINDENT: indentation levels
constexpr int kTabSize = 8;      // tokenizer.c TABSIZE; ALTTABSIZE is 1

bool is_digit(int c) { return c >= '0' && c <= '9'; }
bool is_xdigit(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_alnum(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// tokenizer.c is_potential_identifier_start / _char: every non-ASCII byte
// may belong to an identifier; verify_identifier() decides.
bool id_start_byte(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 128;
}
bool id_char_byte(int c) { return is_alnum(c) || c == '_' || c >= 128; }

struct Keyword {
  std::string_view word;
  Tok kind;
};
constexpr Keyword kKeywords[] = {
    {"False", Tok::kFalse}, {"None", Tok::kNone}, {"True", Tok::kTrue},
    {"and", Tok::kAnd}, {"as", Tok::kAs}, {"assert", Tok::kAssert},
    {"async", Tok::kAsync}, {"await", Tok::kAwait}, {"break", Tok::kBreak},
    {"class", Tok::kClass}, {"continue", Tok::kContinue}, {"def", Tok::kDef},
    {"del", Tok::kDel}, {"elif", Tok::kElif}, {"else", Tok::kElse},
    {"except", Tok::kExcept}, {"finally", Tok::kFinally}, {"for", Tok::kFor},
    {"from", Tok::kFrom}, {"global", Tok::kGlobal}, {"if", Tok::kIf},
    {"import", Tok::kImport}, {"in", Tok::kIn}, {"is", Tok::kIs},
    {"lambda", Tok::kLambda}, {"nonlocal", Tok::kNonlocal}, {"not", Tok::kNot},
    {"or", Tok::kOr}, {"pass", Tok::kPass}, {"raise", Tok::kRaise},
    {"return", Tok::kReturn}, {"try", Tok::kTry}, {"while", Tok::kWhile},
    {"with", Tok::kWith}, {"yield", Tok::kYield},
};

// Keywords by their first character: a name is compared only with the few
// keywords that start as it does (a performance trick; the list above is
// the definition).
Tok keyword_or_name(std::string_view word) {
  if (word.size() < 2 || word.size() > 8) return Tok::kName;
  const auto is = [&](std::string_view k, Tok t) { return word == k ? t : Tok::kName; };
  Tok t = Tok::kName;
  switch (word[0]) {
    case 'F': return is("False", Tok::kFalse);
    case 'N': return is("None", Tok::kNone);
    case 'T': return is("True", Tok::kTrue);
    case 'a':
      if ((t = is("and", Tok::kAnd)) != Tok::kName) return t;
      if ((t = is("as", Tok::kAs)) != Tok::kName) return t;
      if ((t = is("assert", Tok::kAssert)) != Tok::kName) return t;
      if ((t = is("async", Tok::kAsync)) != Tok::kName) return t;
      return is("await", Tok::kAwait);
    case 'b': return is("break", Tok::kBreak);
    case 'c':
      if ((t = is("class", Tok::kClass)) != Tok::kName) return t;
      return is("continue", Tok::kContinue);
    case 'd':
      if ((t = is("def", Tok::kDef)) != Tok::kName) return t;
      return is("del", Tok::kDel);
    case 'e':
      if ((t = is("elif", Tok::kElif)) != Tok::kName) return t;
      if ((t = is("else", Tok::kElse)) != Tok::kName) return t;
      return is("except", Tok::kExcept);
    case 'f':
      if ((t = is("finally", Tok::kFinally)) != Tok::kName) return t;
      if ((t = is("for", Tok::kFor)) != Tok::kName) return t;
      return is("from", Tok::kFrom);
    case 'g': return is("global", Tok::kGlobal);
    case 'i':
      if ((t = is("if", Tok::kIf)) != Tok::kName) return t;
      if ((t = is("import", Tok::kImport)) != Tok::kName) return t;
      if ((t = is("in", Tok::kIn)) != Tok::kName) return t;
      return is("is", Tok::kIs);
    case 'l': return is("lambda", Tok::kLambda);
    case 'n':
      if ((t = is("nonlocal", Tok::kNonlocal)) != Tok::kName) return t;
      return is("not", Tok::kNot);
    case 'o': return is("or", Tok::kOr);
    case 'p': return is("pass", Tok::kPass);
    case 'r':
      if ((t = is("raise", Tok::kRaise)) != Tok::kName) return t;
      return is("return", Tok::kReturn);
    case 't': return is("try", Tok::kTry);
    case 'w':
      if ((t = is("while", Tok::kWhile)) != Tok::kName) return t;
      return is("with", Tok::kWith);
    case 'y': return is("yield", Tok::kYield);
    default: return Tok::kName;
  }
}

// Grammar/Tokens: the operators of one, two and three characters.
Tok one_char(int c) {
  switch (c) {
    case '(': return Tok::kLPar;
    case ')': return Tok::kRPar;
    case '[': return Tok::kLSqb;
    case ']': return Tok::kRSqb;
    case '{': return Tok::kLBrace;
    case '}': return Tok::kRBrace;
    case ':': return Tok::kColon;
    case ',': return Tok::kComma;
    case ';': return Tok::kSemi;
    case '+': return Tok::kPlus;
    case '-': return Tok::kMinus;
    case '*': return Tok::kStar;
    case '/': return Tok::kSlash;
    case '|': return Tok::kVBar;
    case '&': return Tok::kAmper;
    case '<': return Tok::kLess;
    case '>': return Tok::kGreater;
    case '=': return Tok::kEqual;
    case '.': return Tok::kDot;
    case '%': return Tok::kPercent;
    case '~': return Tok::kTilde;
    case '^': return Tok::kCircumflex;
    case '@': return Tok::kAt;
    default: return Tok::kUnknownOp;
  }
}

std::optional<Tok> two_chars(int c1, int c2) {
  switch (c1) {
    case '!': if (c2 == '=') return Tok::kNotEqual; break;
    case '%': if (c2 == '=') return Tok::kPercentEqual; break;
    case '&': if (c2 == '=') return Tok::kAmperEqual; break;
    case '*':
      if (c2 == '*') return Tok::kDoubleStar;
      if (c2 == '=') return Tok::kStarEqual;
      break;
    case '+': if (c2 == '=') return Tok::kPlusEqual; break;
    case '-':
      if (c2 == '=') return Tok::kMinEqual;
      if (c2 == '>') return Tok::kRArrow;
      break;
    case '/':
      if (c2 == '/') return Tok::kDoubleSlash;
      if (c2 == '=') return Tok::kSlashEqual;
      break;
    case ':': if (c2 == '=') return Tok::kColonEqual; break;
    case '<':
      if (c2 == '<') return Tok::kLeftShift;
      if (c2 == '=') return Tok::kLessEqual;
      // "<>" is NOTEQUAL only under `from __future__ import barry_as_FLUFL`;
      // otherwise the parser rejects it where it stands.
      if (c2 == '>') return Tok::kUnknownOp;
      break;
    case '=': if (c2 == '=') return Tok::kEqEqual; break;
    case '>':
      if (c2 == '=') return Tok::kGreaterEqual;
      if (c2 == '>') return Tok::kRightShift;
      break;
    case '@': if (c2 == '=') return Tok::kAtEqual; break;
    case '^': if (c2 == '=') return Tok::kCircumflexEqual; break;
    case '|': if (c2 == '=') return Tok::kVBarEqual; break;
    default: break;
  }
  return std::nullopt;
}

std::optional<Tok> three_chars(int c1, int c2, int c3) {
  if (c3 != '=') return std::nullopt;
  if (c1 == '*' && c2 == '*') return Tok::kDoubleStarEqual;
  if (c1 == '/' && c2 == '/') return Tok::kDoubleSlashEqual;
  if (c1 == '<' && c2 == '<') return Tok::kLeftShiftEqual;
  if (c1 == '>' && c2 == '>') return Tok::kRightShiftEqual;
  return std::nullopt;
}

std::string hex4(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(c));
  return buf;
}

// Thrown inside the lexer when tokenizing stops; caught in run().
struct Stop {};

// One pass of CPython's tok_get() over the whole text. Member names follow
// tokenizer.c's tok_state so that the two can be read side by side.
class Lexer {
 public:
  Lexer(std::string_view text, LexPlacement placement) : text_(text), place_(placement) {}

  Lexed run() {
    out_.tokens.reserve(text_.size() / 4 + 16);
    out_.read_col.reserve(text_.size() / 4 + 16);
    try {
      for (;;) {
        if (!get()) break;
      }
    } catch (const Stop&) {
      push_error_token();
    }
    out_.open = open_;
    return std::move(out_);
  }

 private:
  // tok_nextc(): the next byte, reading the next line when the current one
  // is used up. "Now" moves to a new line only here.
  int next() {
    if (cur_ < inp_) return static_cast<unsigned char>(text_[cur_++]);
    if (done_) return kEof;
    if (inp_ >= text_.size()) {
      done_ = true;  // E_EOF; cur stays at the end of the last line
      return kEof;
    }
    line_start_ = inp_;
    // tok->buf moves to the new line only between tokens: a string or a
    // backslash continuation keeps it on the line where they began.
    if (!in_token_) buf_ = line_start_;
    const std::size_t nl = text_.find('\n', line_start_);
    inp_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    ++lineno_;
    return static_cast<unsigned char>(text_[cur_++]);
  }
  void backup(int c) {
    if (c != kEof) --cur_;
  }

  int file_line(int local) const { return place_.first_line + local - 1; }
  std::string_view line_text(std::size_t start) const {
    const std::size_t nl = text_.find('\n', start);
    return text_.substr(start, nl == std::string_view::npos ? text_.size() - start
                                                             : nl + 1 - start);
  }
  // Characters between the start of the line and `pos`, as CPython's
  // syntaxerror() counts the offset of an error without a column.
  int chars_to(std::size_t line_start, std::size_t pos) const {
    return utf8::count_chars(text_.substr(line_start, pos - line_start));
  }

  // Errors CPython's tokenizer raises at once (syntaxerror()).
  [[noreturn]] void raise(const std::string& message, std::optional<int> col = std::nullopt) {
    LexError& e = out_.error;
    e.kind = "SyntaxError";
    e.message = message;
    e.line = file_line(lineno_);
    e.col = col ? *col : chars_to(line_start_, cur_);
    e.immediate = true;
    throw Stop{};
  }
  // Errors CPython's tokenizer only flags (tok->done), which pegen's
  // tokenizer_error() turns into a message where the parser meets them.
  [[noreturn]] void flag(const char* kind, const std::string& message, int byte_col) {
    LexError& e = out_.error;
    e.kind = kind;
    e.message = message;
    e.line = file_line(lineno_);
    e.col = char_offset(line_text(line_start_), byte_col);
    e.immediate = false;
    throw Stop{};
  }
  [[noreturn]] void flag_eof() {
    // E_EOF: "unexpected EOF while parsing" at the tokenizer's position, or
    // the innermost open bracket (decided by the parser, which knows).
    LexError& e = out_.error;
    e.kind = "SyntaxError";
    e.message = "unexpected EOF while parsing";
    e.line = file_line(lineno_);
    cur_ = inp_;
    e.col = char_offset(line_text(line_start_), static_cast<int>(cur_ - line_start_));
    e.at_eof = true;
    throw Stop{};
  }

  void push_error_token() {
    Token t;
    t.kind = Tok::kError;
    t.line = t.end_line = file_line(lineno_);
    t.level = static_cast<int>(open_.size());
    out_.tokens.push_back(t);
    out_.read_col.push_back(static_cast<int>(cur_ - line_start_));
    out_.failed = true;
  }

  // A token from start to end (byte indices), or without a position when
  // start is npos (INDENT, DEDENT, ENDMARKER).
  void emit(Tok kind, std::size_t start, std::size_t end, bool is_string = false) {
    Token t;
    t.kind = kind;
    t.level = static_cast<int>(open_.size());
    t.line = file_line(is_string ? first_lineno_ : lineno_);
    t.end_line = file_line(lineno_);
    if (start != std::string_view::npos) {
      // pegen's initialize_token: the first line of a sub-tokenizer's text
      // is shifted, judged by the line the token ends on.
      const int shift = lineno_ == 1 ? place_.first_line_shift : 0;
      const std::size_t from = is_string ? multi_line_start_ : line_start_;
      t.col = shift + static_cast<int>(start - from) + 1;
      t.end_col = shift + static_cast<int>(end - line_start_) + 1;
      t.text = text_.substr(start, end - start);
    }
    out_.tokens.push_back(t);
    out_.read_col.push_back(static_cast<int>(cur_ - line_start_));
  }

  // tok_continuation_line(): a backslash must end its line.
  int continuation_line() {
    int c = next();
    if (c != '\n') {
      // E_LINECONT: pegen places it at tok->cur - tok->buf - 1, plus one,
      // converted to characters on the current line.
      flag("SyntaxError", "unexpected character after line continuation character",
           static_cast<int>(cur_ - buf_));
    }
    c = next();
    if (c == kEof) flag_eof();
    backup(c);
    return c;
  }

  // Returns false after ENDMARKER.
  bool get();
  void indentation();
  void identifier(int c);
  void number(int c);
  void string(int quote);
  void fraction_and_exponent(int c, bool after_dot);
  int decimal_tail();
  bool verify_end_of_number(int c, const char* kind);
  bool lookahead(std::string_view rest);

  std::string_view text_;
  LexPlacement place_;
  Lexed out_;

  std::size_t cur_ = 0;         // tok->cur
  std::size_t inp_ = 0;         // tok->inp: end of the line read
  std::size_t line_start_ = 0;  // tok->line_start
  std::size_t buf_ = 0;         // tok->buf
  bool in_token_ = false;       // tok->start is set (between tokens it is not)
  int lineno_ = 0;              // tok->lineno, counted in this text
  bool done_ = false;
  std::size_t start_ = 0;  // tok->start

  bool atbol_ = true;
  bool blankline_ = false;
  int indstack_[kMaxIndent] = {0};
  int altindstack_[kMaxIndent] = {0};
  int indent_ = 0;
  int pendin_ = 0;
  std::vector<OpenBracket> open_;

  int first_lineno_ = 0;               // of the string being read
  std::size_t multi_line_start_ = 0;   // its line's start
};

void Lexer::indentation() {
  int col = 0;
  int altcol = 0;
  atbol_ = false;
  int cont_line_col = 0;
  int c;
  for (;;) {
    c = next();
    if (c == ' ') {
      ++col, ++altcol;
    } else if (c == '\t') {
      col = (col / kTabSize + 1) * kTabSize;
      altcol = altcol + 1;
    } else if (c == '\f') {
      col = altcol = 0;
    } else if (c == '\\') {
      // The first backslash after whitespace fixes the indentation of what
      // the continued line holds.
      cont_line_col = cont_line_col ? cont_line_col : col;
      c = continuation_line();
    } else {
      break;
    }
  }
  backup(c);
  if (c == '#' || c == '\n') blankline_ = true;  // ignored for indentation
  if (blankline_ || !open_.empty()) return;
  if (cont_line_col) col = altcol = cont_line_col;
  const auto tab_error = [&] {
    cur_ = inp_;
    flag("TabError", "inconsistent use of tabs and spaces in indentation", 1);
  };
  if (col == indstack_[indent_]) {
    if (altcol != altindstack_[indent_]) tab_error();
  } else if (col > indstack_[indent_]) {
    if (indent_ + 1 >= kMaxIndent) {
      cur_ = inp_;
      flag("IndentationError", "too many levels of indentation", 1);
    }
    if (altcol <= altindstack_[indent_]) tab_error();
    ++pendin_;
    indstack_[++indent_] = col;
    altindstack_[indent_] = altcol;
  } else {
    while (indent_ > 0 && col < indstack_[indent_]) {
      --pendin_;
      --indent_;
    }
    if (col != indstack_[indent_]) {
      // E_DEDENT: pegen reports it at tok->cur, which is the end of the line.
      cur_ = inp_;
      flag("IndentationError", "unindent does not match any outer indentation level",
           static_cast<int>(cur_ - line_start_));
    }
    if (altcol != altindstack_[indent_]) tab_error();
  }
}

bool Lexer::get() {
  constexpr std::size_t kNoPos = std::string_view::npos;
  for (;;) {  // nextline:
    blankline_ = false;
    in_token_ = false;
    if (atbol_) indentation();
    start_ = cur_;
    if (pendin_ != 0) {
      if (pendin_ < 0) {
        ++pendin_;
        emit(Tok::kDedent, kNoPos, kNoPos);
      } else {
        --pendin_;
        emit(Tok::kIndent, kNoPos, kNoPos);
      }
      return true;
    }
    // tok_get peeks at the next character here, which may read a new line.
    int c = next();
    backup(c);
    for (;;) {  // again:
      do {
        c = next();
      } while (c == ' ' || c == '\t' || c == '\f');
      start_ = cur_ == 0 ? 0 : cur_ - 1;
      if (c == '#') {
        while (c != kEof && c != '\n') c = next();
      }
      if (c == kEof) {
        if (!open_.empty()) flag_eof();
        emit(Tok::kEndMarker, kNoPos, kNoPos);
        return false;
      }
      if (id_start_byte(c)) {
        identifier(c);
        return true;
      }
      if (c == '\n') {
        atbol_ = true;
        if (blankline_ || !open_.empty()) break;  // goto nextline
        emit(Tok::kNewline, start_, cur_ - 1);
        return true;
      }
      if (c == '.') {
        c = next();
        if (is_digit(c)) {
          fraction_and_exponent(c, true);
          return true;
        }
        if (c == '.') {
          c = next();
          if (c == '.') {
            emit(Tok::kEllipsis, start_, cur_);
            return true;
          }
          backup(c);
          backup('.');
        } else {
          backup(c);
        }
        emit(Tok::kDot, start_, cur_);
        return true;
      }
      if (is_digit(c)) {
        number(c);
        return true;
      }
      if (c == '\'' || c == '"') {
        string(c);
        return true;
      }
      if (c == '\\') {
        in_token_ = true;
        continuation_line();
        continue;  // goto again
      }
      {
        const int c2 = next();
        if (auto two = two_chars(c, c2)) {
          const int c3 = next();
          if (auto three = three_chars(c, c2, c3)) {
            emit(*three, start_, cur_);
          } else {
            backup(c3);
            emit(*two, start_, cur_);
          }
          return true;
        }
        backup(c2);
      }
      switch (c) {
        case '(':
        case '[':
        case '{':
          if (static_cast<int>(open_.size()) >= kMaxLevel) raise("too many nested parentheses");
          open_.push_back({static_cast<char>(c), file_line(lineno_),
                           static_cast<int>(start_ - line_start_)});
          break;
        case ')':
        case ']':
        case '}': {
          if (open_.empty()) raise(std::string("unmatched '") + static_cast<char>(c) + "'");
          const OpenBracket opening = open_.back();
          open_.pop_back();
          if (!((opening.c == '(' && c == ')') || (opening.c == '[' && c == ']') ||
                (opening.c == '{' && c == '}'))) {
            std::string m = std::string("closing parenthesis '") + static_cast<char>(c) +
                            "' does not match opening parenthesis '" + opening.c + "'";
            if (opening.line != file_line(lineno_)) m += " on line " + std::to_string(opening.line);
            raise(m);
          }
          break;
        }
        default:
          break;
      }
      if (c < 0x20 || c == 0x7F) {
        raise("invalid non-printable character U+" + hex4(static_cast<char32_t>(c)));
      }
      emit(one_char(c), start_, cur_);
      return true;
    }
  }
}

void Lexer::identifier(int c) {
  // String prefixes: b, r, u, f and the combinations CPython allows.
  bool saw_b = false, saw_r = false, saw_u = false, saw_f = false;
  for (;;) {
    if (!(saw_b || saw_u || saw_f) && (c == 'b' || c == 'B')) {
      saw_b = true;
    } else if (!(saw_b || saw_u || saw_r || saw_f) && (c == 'u' || c == 'U')) {
      saw_u = true;
    } else if (!(saw_r || saw_u) && (c == 'r' || c == 'R')) {
      saw_r = true;
    } else if (!(saw_f || saw_b || saw_u) && (c == 'f' || c == 'F')) {
      saw_f = true;
    } else {
      break;
    }
    c = next();
    if (c == '"' || c == '\'') {
      string(c);
      return;
    }
  }
  bool nonascii = false;
  while (id_char_byte(c)) {
    if (c >= 128) nonascii = true;
    c = next();
  }
  backup(c);
  const std::string_view word = text_.substr(start_, cur_ - start_);
  if (nonascii) {
    // verify_identifier(): the first character that cannot be in an
    // identifier is the error; the tokenizer's position moves just past it.
    std::size_t at = 0;
    bool first = true;
    while (at < word.size()) {
      std::size_t len = 0;
      const char32_t ch = utf8::decode(word.substr(at), &len);
      const bool ok = first ? unicode::is_id_start(ch) : unicode::is_id_continue(ch);
      if (!ok) {
        if (at + len < word.size()) cur_ = start_ + at + len;
        if (unicode::is_printable(ch)) {
          raise("invalid character '" + std::string(word.substr(at, len)) + "' (U+" + hex4(ch) +
                ")");
        }
        raise("invalid non-printable character U+" + hex4(ch));
      }
      if (!unicode::is_nfkc_stable(ch)) {
        out_.unsupported.push_back(
            {"not supported by concsim: identifiers that NFKC normalization changes ('" +
                 std::string(word.substr(at, len)) + "', U+" + hex4(ch) + ")",
             file_line(lineno_),
             (lineno_ == 1 ? place_.first_line_shift : 0) +
                 static_cast<int>(start_ - line_start_) + 1});
      }
      first = false;
      at += len;
    }
  }
  emit(keyword_or_name(word), start_, cur_);
}

// tok_decimal_tail(): digits with single underscores between them.
int Lexer::decimal_tail() {
  for (;;) {
    int c;
    do {
      c = next();
    } while (is_digit(c));
    if (c != '_') return c;
    c = next();
    if (!is_digit(c)) {
      backup(c);
      raise("invalid decimal literal");
    }
  }
}

bool Lexer::lookahead(std::string_view rest) {
  std::size_t i = 0;
  int c = 0;
  for (; i < rest.size(); ++i) {
    c = next();
    if (c != static_cast<unsigned char>(rest[i])) break;
  }
  bool matched = false;
  if (i == rest.size()) {
    c = next();
    matched = !id_char_byte(c);
    backup(c);
  } else {
    backup(c);
  }
  while (i-- > 0) backup(static_cast<unsigned char>(rest[i]));
  return matched;
}

// verify_end_of_number(): a literal directly followed by a keyword that may
// follow a number in valid code ("1if x else y") is accepted, as CPython
// accepts it with a DeprecationWarning; any other letter is an error.
bool Lexer::verify_end_of_number(int c, const char* kind) {
  bool r = false;
  if (c == 'a') {
    r = lookahead("nd");
  } else if (c == 'e') {
    r = lookahead("lse");
  } else if (c == 'f') {
    r = lookahead("or");
  } else if (c == 'i') {
    const int c2 = next();
    r = c2 == 'f' || c2 == 'n' || c2 == 's';
    backup(c2);
  } else if (c == 'o') {
    r = lookahead("r");
  } else if (c == 'n') {
    r = lookahead("ot");
  }
  if (r) return true;
  if (id_char_byte(c)) {
    backup(c);
    raise(std::string("invalid ") + kind + " literal");
  }
  return true;
}

void Lexer::number(int c) {
  if (c == '0') {
    c = next();
    if (c == 'x' || c == 'X') {
      c = next();
      do {
        if (c == '_') c = next();
        if (!is_xdigit(c)) {
          backup(c);
          raise("invalid hexadecimal literal");
        }
        do {
          c = next();
        } while (is_xdigit(c));
      } while (c == '_');
      verify_end_of_number(c, "hexadecimal");
    } else if (c == 'o' || c == 'O') {
      c = next();
      do {
        if (c == '_') c = next();
        if (c < '0' || c >= '8') {
          if (is_digit(c)) raise(std::string("invalid digit '") + static_cast<char>(c) +
                                 "' in octal literal");
          backup(c);
          raise("invalid octal literal");
        }
        do {
          c = next();
        } while ('0' <= c && c < '8');
      } while (c == '_');
      if (is_digit(c)) {
        raise(std::string("invalid digit '") + static_cast<char>(c) + "' in octal literal");
      }
      verify_end_of_number(c, "octal");
    } else if (c == 'b' || c == 'B') {
      c = next();
      do {
        if (c == '_') c = next();
        if (c != '0' && c != '1') {
          if (is_digit(c)) raise(std::string("invalid digit '") + static_cast<char>(c) +
                                 "' in binary literal");
          backup(c);
          raise("invalid binary literal");
        }
        do {
          c = next();
        } while (c == '0' || c == '1');
      } while (c == '_');
      if (is_digit(c)) {
        raise(std::string("invalid digit '") + static_cast<char>(c) + "' in binary literal");
      }
      verify_end_of_number(c, "binary");
    } else {
      bool nonzero = false;
      // Old-style octal is refused; '0' alone (or "00") is a literal.
      for (;;) {
        if (c == '_') {
          c = next();
          if (!is_digit(c)) {
            backup(c);
            raise("invalid decimal literal");
          }
        }
        if (c != '0') break;
        c = next();
      }
      if (is_digit(c)) {
        nonzero = true;
        c = decimal_tail();
      }
      if (c == '.') {
        c = next();
        fraction_and_exponent(c, true);
        return;
      }
      if (c == 'e' || c == 'E' || c == 'j' || c == 'J') {
        fraction_and_exponent(c, false);
        return;
      }
      if (nonzero) {
        // syntaxerror_known_range(): this column counts bytes, not characters.
        backup(c);
        raise("leading zeros in decimal integer literals are not permitted; use an 0o prefix "
              "for octal integers",
              static_cast<int>(start_ - line_start_) + 1);
      }
      verify_end_of_number(c, "decimal");
    }
  } else {
    c = decimal_tail();
    if (c == '.') {
      c = next();
      fraction_and_exponent(c, true);
      return;
    }
    fraction_and_exponent(c, false);
    return;
  }
  backup(c);
  emit(Tok::kNumber, start_, cur_);
}

// The rest of a decimal number from the character after the digits (or
// after the '.'): fraction digits, exponent, imaginary suffix.
void Lexer::fraction_and_exponent(int c, bool after_dot) {
  if (after_dot && is_digit(c)) c = decimal_tail();
  if (c == 'e' || c == 'E') {
    const int e = c;
    c = next();
    if (c == '+' || c == '-') {
      c = next();
      if (!is_digit(c)) {
        backup(c);
        raise("invalid decimal literal");
      }
    } else if (!is_digit(c)) {
      backup(c);
      verify_end_of_number(e, "decimal");
      backup(e);
      emit(Tok::kNumber, start_, cur_);
      return;
    }
    c = decimal_tail();
  }
  if (c == 'j' || c == 'J') {
    c = next();
    verify_end_of_number(c, "imaginary");
  } else {
    verify_end_of_number(c, "decimal");
  }
  backup(c);
  emit(Tok::kNumber, start_, cur_);
}

void Lexer::string(int quote) {
  in_token_ = true;
  int quote_size = 1;
  int end_quote_size = 0;
  first_lineno_ = lineno_;
  multi_line_start_ = line_start_;
  int c = next();
  if (c == quote) {
    c = next();
    if (c == quote) {
      quote_size = 3;
    } else {
      end_quote_size = 1;  // the empty string
    }
  }
  if (c != quote) backup(c);
  while (end_quote_size != quote_size) {
    c = next();
    if (c == kEof || (quote_size == 1 && c == '\n')) {
      // Reported from the opening quote, with the line where it was found.
      const int detected = file_line(lineno_);
      cur_ = start_ + 1;
      line_start_ = multi_line_start_;
      lineno_ = first_lineno_;
      raise(std::string(quote_size == 3 ? "unterminated triple-quoted string literal"
                                        : "unterminated string literal") +
            " (detected at line " + std::to_string(detected) + ")");
    }
    if (c == quote) {
      ++end_quote_size;
    } else {
      end_quote_size = 0;
      if (c == '\\') next();  // the escaped character
    }
  }
  emit(Tok::kString, start_, cur_, true);
}

}  // namespace

Lexed lex(std::string_view text, LexPlacement placement) {
  return Lexer(text, placement).run();
}

std::string_view tok_spelling(Tok kind) {
  switch (kind) {
    case Tok::kEndMarker: return "ENDMARKER";
    case Tok::kNewline: return "NEWLINE";
    case Tok::kIndent: return "INDENT";
    case Tok::kDedent: return "DEDENT";
    case Tok::kName: return "NAME";
    case Tok::kNumber: return "NUMBER";
    case Tok::kString: return "STRING";
    case Tok::kUnknownOp: return "OP";
    case Tok::kError: return "ERRORTOKEN";
    default: break;
  }
  for (const Keyword& k : kKeywords) {
    if (k.kind == kind) return k.word;
  }
  static constexpr std::string_view kOps[] = {
      "(", ")", "[", "]", "{", "}", ":", ",", ";", ".", "...", "+", "-", "*", "/", "|", "&", "<",
      ">", "=", "%", "~", "^", "@", "==", "!=", "<=", ">=", "<<", ">>", "**", "//", "->", ":=",
      "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "**=", "//=", "@="};
  const int i = static_cast<int>(kind) - static_cast<int>(Tok::kLPar);
  if (i >= 0 && i < static_cast<int>(std::size(kOps))) return kOps[i];
  return "?";
}

}  // namespace concsim::python
