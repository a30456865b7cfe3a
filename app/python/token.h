// The tokens of Python 3.11 source, as CPython's tokenizer makes them
// (Parser/tokenizer.c, Grammar/Tokens), with the keywords told apart from
// names already so that the parser's rule table can be indexed by kind.
#pragma once

#include <cstdint>
#include <string_view>

namespace concsim::python {

enum class Tok : std::uint8_t {
  kEndMarker,
  kNewline,
  kIndent,
  kDedent,
  kName,
  kNumber,
  kString,
  // Keywords (soft keywords such as `match` stay names).
  kFalse, kNone, kTrue, kAnd, kAs, kAssert, kAsync, kAwait, kBreak, kClass, kContinue, kDef,
  kDel, kElif, kElse, kExcept, kFinally, kFor, kFrom, kGlobal, kIf, kImport, kIn, kIs, kLambda,
  kNonlocal, kNot, kOr, kPass, kRaise, kReturn, kTry, kWhile, kWith, kYield,
  // Operators and delimiters.
  kLPar, kRPar, kLSqb, kRSqb, kLBrace, kRBrace, kColon, kComma, kSemi, kDot, kEllipsis,
  kPlus, kMinus, kStar, kSlash, kVBar, kAmper, kLess, kGreater, kEqual, kPercent, kTilde,
  kCircumflex, kAt, kEqEqual, kNotEqual, kLessEqual, kGreaterEqual, kLeftShift, kRightShift,
  kDoubleStar, kDoubleSlash, kRArrow, kColonEqual,
  kPlusEqual, kMinEqual, kStarEqual, kSlashEqual, kPercentEqual, kAmperEqual, kVBarEqual,
  kCircumflexEqual, kLeftShiftEqual, kRightShiftEqual, kDoubleStarEqual, kDoubleSlashEqual,
  kAtEqual,
  // A character CPython's tokenizer passes on as an operator it does not
  // know ('$', '?', '!', '`', and "<>"): the parser rejects it.
  kUnknownOp,
  // Where tokenizing stopped with an error (Lexed::error says which); always
  // the last token when present.
  kError,
  kCount_,
};

inline constexpr int kTokCount = static_cast<int>(Tok::kCount_);

// A token and where it was written. Lines are 1-based; columns are 1-based
// byte offsets within the line (CPython's col_offset + 1, which counts UTF-8
// bytes), the end column one past the last byte. A string token spanning
// lines starts on its first line and ends on its last.
struct Token {
  Tok kind = Tok::kEndMarker;
  int line = 0;
  int col = 0;
  int end_line = 0;
  int end_col = 0;
  // Brackets open after this token (CPython's token->level): a '(' counts
  // itself, a ')' does not.
  int level = 0;
  // The source text of the token: a string literal with its prefix and
  // quotes, a number as written. Empty for NEWLINE, INDENT, DEDENT, the end.
  std::string_view text;
};

// The spelling of a token kind as CPython's messages show it ("'('", "NAME").
std::string_view tok_spelling(Tok kind);

}  // namespace concsim::python
