// The statements of Python 3.11 (Grammar/python.gram, "GENERAL STATEMENTS"
// to "Try statement"), the parser's token handling and its errors, and the
// front end's entry point.
#include "app/python/parser.h"

#include <algorithm>

#include "app/python/parser_impl.h"
#include "app/python/source.h"

namespace concsim::python {
namespace detail {
namespace {

// CPython 3.11 refuses deeper trees with a RecursionError (its AST
// conversion allows three frames per recursion-limit unit, 3000).
constexpr int kMaxDepth = 3000;

bool is_augassign(Tok k) {
  switch (k) {
    case Tok::kPlusEqual: case Tok::kMinEqual: case Tok::kStarEqual: case Tok::kSlashEqual:
    case Tok::kPercentEqual: case Tok::kAmperEqual: case Tok::kVBarEqual:
    case Tok::kCircumflexEqual: case Tok::kLeftShiftEqual: case Tok::kRightShiftEqual:
    case Tok::kDoubleStarEqual: case Tok::kDoubleSlashEqual: case Tok::kAtEqual:
      return true;
    default:
      return false;
  }
}

ast::BinOp augassign_op(Tok k) {
  switch (k) {
    case Tok::kPlusEqual: return ast::BinOp::kAdd;
    case Tok::kMinEqual: return ast::BinOp::kSub;
    case Tok::kStarEqual: return ast::BinOp::kMult;
    case Tok::kSlashEqual: return ast::BinOp::kDiv;
    case Tok::kPercentEqual: return ast::BinOp::kMod;
    case Tok::kAmperEqual: return ast::BinOp::kBitAnd;
    case Tok::kVBarEqual: return ast::BinOp::kBitOr;
    case Tok::kCircumflexEqual: return ast::BinOp::kBitXor;
    case Tok::kLeftShiftEqual: return ast::BinOp::kLShift;
    case Tok::kRightShiftEqual: return ast::BinOp::kRShift;
    case Tok::kDoubleStarEqual: return ast::BinOp::kPow;
    case Tok::kDoubleSlashEqual: return ast::BinOp::kFloorDiv;
    default: return ast::BinOp::kMatMult;
  }
}

std::string line_of(int line) { return std::to_string(line); }

}  // namespace

ExprP make_expr(ExprKind kind, const Loc& loc) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->loc = loc;
  return e;
}

StmtP make_stmt(StmtKind kind, const Loc& loc) {
  auto s = std::make_unique<Stmt>();
  s->kind = kind;
  s->loc = loc;
  return s;
}

ExprDepth::ExprDepth(Parser* p) : p_(p) { p_->deepen(); }

void Parser::deepen() {
  if (++depth_ > kMaxDepth) {
    fail_last(ErrorClass::kImmediate,
              "too many nested expressions (more than " + std::to_string(kMaxDepth) + ")");
  }
}

Parser::Parser(std::string_view source, Lexed lexed, std::vector<Unsupported>* unsupported,
               const FstringMode* fstring)
    : source_(source), lexed_(std::move(lexed)), unsupported_(unsupported), fstring_(fstring) {
  if (fstring_) depth_ = fstring_->base_depth;
  for (Unsupported& u : lexed_.unsupported) unsupported_->push_back(std::move(u));
}

// ---------------------------------------------------------------- tokens

const Token& Parser::advance() {
  const Token& t = peek();
  if (pos_ < static_cast<int>(lexed_.tokens.size()) - 1) ++pos_;
  return t;
}

bool Parser::accept(Tok k) {
  if (peek_kind() != k) return false;
  advance();
  return true;
}

const Token& Parser::expect(Tok k) {
  if (peek_kind() != k) fail_generic();
  return advance();
}

// CPython's forced tokens (&&':' in the grammar) fail at once, in the first
// pass, with "expected ':'" at the token found instead.
const Token& Parser::expect_forced(Tok k, const char* what) {
  if (peek_kind() != k) fail_token(ErrorClass::kImmediate, peek(), std::string("expected '") + what + "'");
  return advance();
}

bool Parser::at_name(std::string_view text) {
  const Token& t = peek();
  return t.kind == Tok::kName && t.text == text;
}

// ---------------------------------------------------------------- locations

Loc Parser::token_loc(const Token& t) const {
  Loc l;
  l.line = t.line;
  l.col = t.col;
  l.end_line = t.end_line;
  l.end_col = t.end_col;
  return l;
}

// pegen's EXTRA: from the first token of the rule to the last token it
// consumed that is not NEWLINE, INDENT or DEDENT.
Loc Parser::loc_from(int start) const {
  Loc l;
  const Token& first = tok(start);
  l.line = first.line;
  l.col = first.col;
  int i = pos_ - 1;
  while (i > start && (tok(i).kind == Tok::kNewline || tok(i).kind == Tok::kIndent ||
                       tok(i).kind == Tok::kDedent)) {
    --i;
  }
  const Token& last = tok(std::max(i, start));
  l.end_line = last.end_line;
  l.end_col = last.end_col;
  return l;
}

// ---------------------------------------------------------------- errors

int Parser::error_offset(int line, int byte_col) const {
  // A sub-parser's columns are reported relative to its "(expr)" text, in
  // bytes (CPython's sub-tokenizer has no encoding to convert with).
  if (fstring_) return byte_col - fstring_->col_shift;
  return char_offset(source_line(source_, line), byte_col);
}

void Parser::fail(ErrorClass cls, const std::string& message, int line, int byte_col,
                  const char* kind) {
  // With the invalid_* rules off, what they would report is a plain failure.
  if (cls == ErrorClass::kSecondPass && !invalid_) cls = ErrorClass::kGeneric;
  problem_.kind = kind;
  problem_.message = fstring_ ? "f-string: " + message : message;
  problem_.line = line;
  problem_.col = error_offset(line, byte_col);
  problem_.cls = cls;
  failed_ = true;
  throw Failure{};
}

void Parser::fail_at(ErrorClass cls, const Loc& at, const std::string& message, const char* kind) {
  fail(cls, message, at.line, at.col, kind);
}

// RAISE_..._KNOWN_LOCATION(token): a token without a position (INDENT,
// DEDENT, the end) gives column 0.
void Parser::fail_token(ErrorClass cls, const Token& t, const std::string& message,
                        const char* kind) {
  fail(cls, message, t.line, t.col, kind);
}

// _PyPegen_raise_error: the last token fetched; one without a position is
// placed where the tokenizer stood, uncorrected by one.
int Parser::offset_at_unknown_column(const Token& t, int fetched) const {
  const int read = lexed_.read_col[static_cast<std::size_t>(fetched)];
  if (fstring_) return read - fstring_->col_shift;
  return char_offset(source_line(source_, t.line), read);
}

void Parser::fail_last(ErrorClass cls, const std::string& message, const char* kind) {
  if (cls == ErrorClass::kSecondPass && !invalid_) cls = ErrorClass::kGeneric;
  const Token& t = tok(max_fetched_any_);
  if (t.col != 0) fail(cls, message, t.line, t.col, kind);
  problem_.kind = kind;
  problem_.message = fstring_ ? "f-string: " + message : message;
  problem_.line = t.line;
  problem_.col = offset_at_unknown_column(t, max_fetched_any_);
  problem_.cls = cls;
  failed_ = true;
  throw Failure{};
}

void Parser::fail_generic() {
  const Token& last = tok(max_fetched_);
  if (last.kind == Tok::kIndent || last.kind == Tok::kDedent) {
    try {
      fail_last(ErrorClass::kGeneric,
                last.kind == Tok::kIndent ? "unexpected indent" : "unexpected unindent",
                "IndentationError");
    } catch (const Failure&) {
      problem_.final = true;
      throw;
    }
  }
  fail_token(ErrorClass::kGeneric, last, "invalid syntax");
}

void Parser::fail_lexer() {
  const LexError& e = lexed_.error;
  problem_.kind = e.kind;
  problem_.message = e.message;
  problem_.line = e.line;
  problem_.col = e.col;
  problem_.cls = ErrorClass::kLexer;
  if (e.at_eof && !lexed_.open.empty()) {
    const OpenBracket& b = lexed_.open.back();
    problem_.kind = "SyntaxError";
    problem_.message = std::string("'") + b.c + "' was never closed";
    problem_.line = b.line;
    problem_.col = error_offset(b.line, b.col0 + 1);
    if (fstring_) problem_.message = "f-string: " + problem_.message;
  }
  failed_ = true;
  throw Failure{};
}

// What CPython reports once the parse has failed: the second pass may meet
// an earlier construct first, and the tokenizer, run over the rest of the
// file, may find an error that takes precedence
// (pegen_errors.c _PyPegen_tokenize_full_source_to_check_for_errors).
void Parser::finish_problem() {
  if (problem_.cls == ErrorClass::kLexer) return;
  if ((problem_.cls == ErrorClass::kSecondPass || problem_.cls == ErrorClass::kGeneric) &&
      early_second_pass_) {
    problem_ = *early_second_pass_;
    if (fstring_) problem_.message = "f-string: " + problem_.message;
    if (problem_.col < 0) {
      // Placed at the last token fetched (RAISE_SYNTAX_ERROR), which is the
      // first pass's last: the second pass meets this construct before it
      // fetches anything more.
      const Token& t = tok(max_fetched_);
      problem_.line = t.line;
      problem_.col =
          t.col != 0 ? error_offset(t.line, t.col) : offset_at_unknown_column(t, max_fetched_);
    }
  }
  if (!lexed_.failed || problem_.final) return;
  const LexError& e = lexed_.error;
  if (e.immediate) {
    problem_.kind = e.kind;
    problem_.message = e.message;
    problem_.line = e.line;
    problem_.col = e.col;
    return;
  }
  if (!lexed_.open.empty()) {
    const OpenBracket& b = lexed_.open.back();
    if (tok(max_fetched_any_).line > b.line) {
      problem_.kind = "SyntaxError";
      problem_.message = std::string("'") + b.c + "' was never closed";
      problem_.line = b.line;
      problem_.col = error_offset(b.line, b.col0 + 1);
      if (fstring_) problem_.message = "f-string: " + problem_.message;
    }
  }
}

// ---------------------------------------------------------------- entry points

bool Parser::parse_file(ast::Body* out) {
  try {
    ast::Body body;
    while (!at(Tok::kEndMarker)) statement(&body);
    *out = std::move(body);
    return true;
  } catch (const Failure&) {
    finish_problem();
    return false;
  }
}

bool Parser::parse_fstring_field(ExprP* out) {
  try {
    try {
      *out = star_expressions();
    } catch (const Failure&) {
      second_pass([&] { star_expressions(); }, 0);
      throw;
    }
    return true;
  } catch (const Failure&) {
    finish_problem();
    return false;
  }
}

// ---------------------------------------------------------------- statements

void Parser::statement(ast::Body* out) {
  const int start = pos_;
  try {
    if (StmtP s = compound_stmt()) {
      out->push_back(std::move(s));
      return;
    }
    simple_stmts(out);
  } catch (const Failure&) {
    second_pass([&] {
      ast::Body ignored;
      if (!compound_stmt()) simple_stmts(&ignored);
    }, start);
    throw;
  }
}

// The first pass failed plainly in the construct that starts at token
// `start`: read it again as CPython's second pass would, with the checks
// that only that pass makes (invalid_legacy_expression's look-ahead after
// every name). An error found that way is thrown; otherwise the first
// pass's failure stands.
template <typename F>
void Parser::second_pass(F&& reparse, int start) {
  if (problem_.cls != ErrorClass::kGeneric || second_pass_ || pass2_ || !invalid_) return;
  if (reran_) return;
  reran_ = true;
  const Problem first = problem_;
  const Mark m = mark();
  pos_ = start;
  pass2_ = true;
  second_pass_ = true;
  failed_ = false;
  try {
    reparse();
  } catch (const Failure&) {
    if (problem_.cls != ErrorClass::kGeneric) throw;
  }
  second_pass_ = false;
  reset(m);
  problem_ = first;
  failed_ = true;
}

// statements: statement+, inside a block up to its DEDENT.
ast::Body Parser::statements_until(Tok end) {
  ast::Body body;
  while (!at(end)) statement(&body);
  return body;
}

void Parser::simple_stmts(ast::Body* out) {
  for (;;) {
    out->push_back(simple_stmt());
    if (accept(Tok::kSemi)) {
      if (accept(Tok::kNewline)) return;
      continue;
    }
    expect(Tok::kNewline);
    return;
  }
}

StmtP Parser::compound_stmt() {
  const int start = pos_;
  switch (peek_kind()) {
    case Tok::kDef:
      return function_def(start, {}, false);
    case Tok::kAt:
      return decorated();
    case Tok::kClass:
      return class_def(start, {});
    case Tok::kIf:
      return if_stmt(false);
    case Tok::kWhile:
      return while_stmt();
    case Tok::kFor:
      return for_stmt(start, false);
    case Tok::kWith:
      return with_stmt(start, false);
    case Tok::kTry:
      return try_stmt();
    case Tok::kAsync: {
      const Tok next = peek_kind(1);
      if (next == Tok::kDef) {
        advance();
        return function_def(start, {}, true);
      }
      if (next == Tok::kWith) {
        advance();
        return with_stmt(start, true);
      }
      if (next == Tok::kFor) {
        advance();
        return for_stmt(start, true);
      }
      fail_generic();
    }
    case Tok::kName:
      if (at_name("match") && match_statement()) return make_stmt(StmtKind::kPass, loc_from(start));
      return nullptr;
    default:
      return nullptr;
  }
}

// The ':' of if, elif, while, for, with, class and except, which the grammar
// does not force: a NEWLINE in its place is the second pass's
// "expected ':'" (the invalid_*_stmt rules), anything else a plain failure.
void Parser::expect_colon() {
  if (accept(Tok::kColon)) return;
  if (at(Tok::kNewline)) fail_last(ErrorClass::kSecondPass, "expected ':'");
  fail_generic();
}

// block: NEWLINE INDENT statements DEDENT | simple_stmts. `what` completes
// "expected an indented block after ..." (the invalid_*_stmt rules).
ast::Body Parser::block(const std::string& what) {
  ast::Body body;
  if (accept(Tok::kNewline)) {
    if (!at(Tok::kIndent)) {
      fail_last(ErrorClass::kSecondPass, "expected an indented block after " + what,
                "IndentationError");
    }
    advance();
    body = statements_until(Tok::kDedent);
    advance();
    return body;
  }
  simple_stmts(&body);
  return body;
}

StmtP Parser::if_stmt(bool is_elif) {
  const int start = pos_;
  const Token& kw = advance();
  const int cond_start = pos_;
  ExprP test = named_expression();
  expect_colon();
  // invalid_if_stmt names the line of the condition (it rebinds `a`),
  // invalid_elif_stmt the line of the keyword.
  const int line = is_elif ? kw.line : tok(cond_start).line;
  auto s = make_stmt(StmtKind::kIf, {});
  s->a = std::move(test);
  s->body = block(std::string(is_elif ? "'elif'" : "'if'") + " statement on line " +
                          line_of(line));
  if (at(Tok::kElif)) {
    s->orelse.push_back(if_stmt(true));
  } else if (at(Tok::kElse)) {
    s->orelse = else_block();
  }
  s->loc = loc_from(start);
  return s;
}

ast::Body Parser::else_block() {
  const Token& kw = advance();
  expect_forced(Tok::kColon, ":");
  return block("'else' statement on line " + line_of(kw.line));
}

StmtP Parser::while_stmt() {
  const int start = pos_;
  const Token& kw = advance();
  ExprP test = named_expression();
  expect_colon();
  auto s = make_stmt(StmtKind::kWhile, {});
  s->a = std::move(test);
  s->body = block("'while' statement on line " + line_of(kw.line));
  if (at(Tok::kElse)) s->orelse = else_block();
  s->loc = loc_from(start);
  return s;
}

StmtP Parser::for_stmt(int start, bool is_async) {
  const Token& kw = advance();  // 'for'
  const int target_start = pos_;
  ExprP target;
  if (!speculate([&] { target = star_targets(); }) || !at(Tok::kIn) ||
      invalid_target(target.get(), TargetsType::kFor)) {
    fail_for_target(target_start);
  }
  advance();
  to_store(target.get());
  ExprP iter = star_expressions();
  expect_colon();
  auto s = make_stmt(StmtKind::kFor, {});
  s->is_async = is_async;
  s->a = std::move(target);
  s->b = std::move(iter);
  s->body = block("'for' statement on line " + line_of(kw.line));
  if (at(Tok::kElse)) s->orelse = else_block();
  s->loc = loc_from(start);
  return s;
}

StmtP Parser::with_stmt(int start, bool is_async) {
  const Token& kw = advance();  // 'with'
  std::vector<ast::WithItem> items;
  // with_item: expression 'as' star_target &(',' | ')' | ':') | expression
  const auto with_item = [&]() {
    ast::WithItem item;
    item.context_expr = expression();
    if (at(Tok::kAs)) {
      advance();
      const int t_start = pos_;
      ExprP target;
      const bool parsed = speculate([&] { target = star_target(); }) &&
                          !invalid_target(target.get(), TargetsType::kStar);
      const Tok next = parsed ? peek_kind() : Tok::kError;
      if (next != Tok::kComma && next != Tok::kRPar && next != Tok::kColon) {
        // invalid_with_item: expression 'as' a=expression &(',' | ')' | ':')
        ExprP a;
        const bool fits = lookahead([&] {
          pos_ = t_start;
          a = expression();
          const Tok n = peek_kind();
          if (n != Tok::kComma && n != Tok::kRPar && n != Tok::kColon) fail_generic();
        });
        if (fits) {
          if (const Expr* bad = invalid_target(a.get(), TargetsType::kStar)) {
            fail_at(ErrorClass::kSecondPass, bad->loc,
                    std::string("cannot assign to ") + expr_name(bad));
          }
        }
        // invalid_with_stmt: [ASYNC] 'with' ','.(expression ['as' star_target])+ NEWLINE
        if (next == Tok::kNewline) fail_last(ErrorClass::kSecondPass, "expected ':'");
        fail_generic();
      }
      to_store(target.get());
      item.optional_vars = std::move(target);
    }
    return item;
  };
  bool parenthesized = false;
  if (at(Tok::kLPar)) {
    // 'with' '(' ','.with_item+ ','? ')' ':' first, as CPython tries it
    // (a NEWLINE for the ':' is the second pass's "expected ':'" below).
    parenthesized = speculate([&] {
      std::vector<ast::WithItem> tried;
      advance();
      tried.push_back(with_item());
      while (accept(Tok::kComma)) {
        if (at(Tok::kRPar)) break;
        tried.push_back(with_item());
      }
      expect(Tok::kRPar);
      if (!at(Tok::kColon) && !at(Tok::kNewline)) fail_generic();
      items = std::move(tried);
    });
  }
  if (!parenthesized) {
    items.push_back(with_item());
    while (accept(Tok::kComma)) items.push_back(with_item());
  }
  expect_colon();
  auto s = make_stmt(StmtKind::kWith, {});
  s->is_async = is_async;
  s->with_items = std::move(items);
  s->body = block("'with' statement on line " + line_of(kw.line));
  s->loc = loc_from(start);
  return s;
}

StmtP Parser::try_stmt() {
  const int start = pos_;
  const Token& kw = advance();
  expect_forced(Tok::kColon, ":");
  auto s = make_stmt(StmtKind::kTry, {});
  s->body = block("'try' statement on line " + line_of(kw.line));
  int plain = 0;
  int star = 0;
  while (at(Tok::kExcept)) {
    const int h_start = pos_;
    const Token& ex = advance();
    const bool is_star = accept(Tok::kStar);
    // cannot have both 'except' and 'except*' on the same 'try'
    if ((is_star && plain) || (!is_star && star)) {
      if (is_star) {
        // invalid_try_stmt: a='except' b='*' expression ['as' NAME] ':'
        const Mark m = mark();
        bool full = lookahead([&] {
          expression();
          if (accept(Tok::kAs)) expect(Tok::kName);
          expect(Tok::kColon);
        });
        reset(m);
        if (full) {
          fail_token(ErrorClass::kSecondPass, ex,
                     "cannot have both 'except' and 'except*' on the same 'try'");
        }
      } else {
        const Mark m = mark();
        bool full = lookahead([&] {
          if (!at(Tok::kColon)) {
            expression();
            if (accept(Tok::kAs)) expect(Tok::kName);
          }
          expect(Tok::kColon);
        });
        reset(m);
        if (full) {
          fail_token(ErrorClass::kSecondPass, ex,
                     "cannot have both 'except' and 'except*' on the same 'try'");
        }
      }
      fail_generic();
    }
    (is_star ? star : plain) += 1;
    ast::ExceptHandler h;
    if (is_star && (at(Tok::kNewline) || at(Tok::kColon))) {
      fail_last(ErrorClass::kSecondPass, "expected one or more exception types");
    }
    if (!at(Tok::kColon)) {
      if (!is_star && at(Tok::kNewline)) fail_last(ErrorClass::kSecondPass, "expected ':'");
      h.type = expression();
      if (at(Tok::kComma)) {
        // invalid_except_stmt: 'except' a=expression ',' expressions ['as' NAME] ':'
        const Expr* first = h.type.get();
        const bool full = lookahead([&] {
          while (accept(Tok::kComma)) expression();
          if (accept(Tok::kAs)) expect(Tok::kName);
          expect(Tok::kColon);
        });
        if (full) {
          fail_at(ErrorClass::kSecondPass, first->loc,
                  "multiple exception types must be parenthesized");
        }
        fail_generic();
      }
      if (accept(Tok::kAs)) h.name = std::string(expect(Tok::kName).text);
    }
    expect_colon();
    h.body = block(std::string(is_star ? "'except*'" : "'except'") + " statement on line " +
                           line_of(ex.line));
    h.loc = loc_from(h_start);
    s->handlers.push_back(std::move(h));
  }
  if (star) s->kind = StmtKind::kTryStar;
  if (!s->handlers.empty() && at(Tok::kElse)) s->orelse = else_block();
  if (at(Tok::kFinally)) {
    const Token& fin = advance();
    expect_forced(Tok::kColon, ":");
    s->finalbody = block("'finally' statement on line " + line_of(fin.line));
  } else if (s->handlers.empty()) {
    fail_last(ErrorClass::kSecondPass, "expected 'except' or 'finally' block");
  }
  s->loc = loc_from(start);
  return s;
}

StmtP Parser::decorated() {
  std::vector<ExprP> decorators;
  while (accept(Tok::kAt)) {
    decorators.push_back(named_expression());
    expect(Tok::kNewline);
  }
  const int start = pos_;
  if (at(Tok::kDef)) return function_def(start, std::move(decorators), false);
  if (at(Tok::kClass)) return class_def(start, std::move(decorators));
  if (at(Tok::kAsync) && peek_kind(1) == Tok::kDef) {
    advance();
    return function_def(start, std::move(decorators), true);
  }
  fail_generic();
}

StmtP Parser::function_def(int start, std::vector<ExprP> decorators, bool is_async) {
  const Token& kw = advance();  // 'def'
  const Token& name = expect(Tok::kName);
  expect_forced(Tok::kLPar, "(");
  auto s = make_stmt(StmtKind::kFunctionDef, {});
  s->is_async = is_async;
  s->name = std::string(name.text);
  s->args = at(Tok::kRPar) ? std::make_unique<ast::Arguments>() : parameters(false);
  expect(Tok::kRPar);
  // ['->' expression]: the return annotation, parsed and dropped. When it
  // does not parse, the forced ':' below names the '->'.
  speculate([&] {
    if (accept(Tok::kRArrow)) expression();
  });
  expect_forced(Tok::kColon, ":");
  s->body = block("function definition on line " + line_of(kw.line));
  s->decorators = std::move(decorators);
  s->loc = loc_from(start);
  return s;
}

StmtP Parser::class_def(int start, std::vector<ExprP> decorators) {
  const Token& kw = advance();  // 'class'
  const Token& name = expect(Tok::kName);
  auto s = make_stmt(StmtKind::kClassDef, {});
  s->name = std::string(name.text);
  if (at(Tok::kLPar)) {
    const int open = pos_;
    advance();
    Expr call;
    call_arguments(&call, open);
    s->items = std::move(call.items);
    s->keywords = std::move(call.keywords);
  }
  expect_colon();
  s->body = block("class definition on line " + line_of(kw.line));
  s->decorators = std::move(decorators);
  s->loc = loc_from(start);
  return s;
}

// match_stmt: "match" subject_expr ':' NEWLINE INDENT case_block+ DEDENT.
// concsim does not run it: a match statement is recorded as unsupported and
// its block skipped. Returns false when the statement is not one (`match`
// is then a name). invalid_match_stmt makes `match(x)` alone on a line an
// error of the second pass ("expected ':'"), which CPython reports for any
// file with a syntax error further on.
bool Parser::match_statement() {
  const int start = pos_;
  bool subject_then_newline = false;
  bool is_match = false;
  int block_start = 0;
  probe([&] {
    advance();
    // subject_expr: star_named_expression ',' star_named_expressions? | named_expression
    star_named_expression();
    while (accept(Tok::kComma)) {
      if (!starts_expression() && !at(Tok::kStar)) break;
      star_named_expression();
    }
    if (at(Tok::kNewline)) {
      subject_then_newline = true;
      return;
    }
    expect(Tok::kColon);
    expect(Tok::kNewline);  // `match x: pass` is no match statement
    block_start = pos_;
    is_match = true;
  });
  if (subject_then_newline && !early_second_pass_) {
    Problem p;
    p.message = "expected ':'";
    p.col = -1;  // placed at the last token fetched, when reported
    p.cls = ErrorClass::kSecondPass;
    early_second_pass_ = p;
  }
  if (!is_match) return false;
  // A match statement: skip its block, whose cases are not parsed.
  const Token& kw = tok(start);
  pos_ = block_start;
  if (!at(Tok::kIndent)) {
    fail_last(ErrorClass::kSecondPass,
              "expected an indented block after 'match' statement on line " + line_of(kw.line),
              "IndentationError");
  }
  int depth = 0;
  for (;;) {
    const Tok k = advance().kind;
    if (k == Tok::kIndent) ++depth;
    if (k == Tok::kDedent && --depth == 0) break;
    if (k == Tok::kEndMarker) break;
  }
  unsupported_->push_back({"not supported by concsim: the match statement", kw.line, kw.col});
  return true;
}

StmtP Parser::simple_stmt() {
  const int start = pos_;
  switch (peek_kind()) {
    case Tok::kReturn: return return_stmt();
    case Tok::kImport: return import_name();
    case Tok::kFrom: return import_from();
    case Tok::kRaise: return raise_stmt();
    case Tok::kPass:
      advance();
      return make_stmt(StmtKind::kPass, loc_from(start));
    case Tok::kBreak:
      advance();
      return make_stmt(StmtKind::kBreak, loc_from(start));
    case Tok::kContinue:
      advance();
      return make_stmt(StmtKind::kContinue, loc_from(start));
    case Tok::kDel: return del_stmt();
    case Tok::kAssert: return assert_stmt();
    case Tok::kGlobal: return global_stmt(false);
    case Tok::kNonlocal: return global_stmt(true);
    case Tok::kYield: {
      ExprP y = yield_expr();
      if (at(Tok::kEqual)) {
        fail_at(ErrorClass::kSecondPass, y->loc, "assignment to yield expression not possible");
      }
      auto s = make_stmt(StmtKind::kExpr, loc_from(start));
      s->a = std::move(y);
      return s;
    }
    default:
      return expression_statement();
  }
}

// assignment | star_expressions: the target is parsed as an expression and
// checked once the '=', augmented operator or ':' after it is seen.
StmtP Parser::expression_statement() {
  const int start = pos_;
  if (second_pass_) invalid_assignment_elements();
  bool first_bare = false;
  ExprP first = star_expressions(&first_bare);
  const Tok next = peek_kind();
  if (next == Tok::kColon) {
    // Annotated assignment. single_target: NAME, an attribute or subscript,
    // or one of them in parentheses (then not "simple").
    const Expr* t = first.get();
    const bool single = t->kind == ExprKind::kName || t->kind == ExprKind::kAttribute ||
                        t->kind == ExprKind::kSubscript;
    if (!single) {
      // invalid_assignment: the annotation must parse for these messages.
      const int colon = pos_;
      const bool annotated = lookahead([&] {
        advance();
        expression();
      });
      (void)colon;
      if (annotated) {
        const bool tuple_display = t->kind == ExprKind::kTuple && !first_bare;
        if (t->kind == ExprKind::kList || tuple_display) {
          fail_at(ErrorClass::kSecondPass, t->loc,
                  std::string("only single target (not ") +
                      (t->kind == ExprKind::kList ? "list" : "tuple") + ") can be annotated");
        }
        if (t->kind == ExprKind::kTuple) {
          fail_at(ErrorClass::kSecondPass, t->items.front()->loc,
                  "only single target (not tuple) can be annotated");
        }
        if (t->kind != ExprKind::kStarred) {
          fail_at(ErrorClass::kSecondPass, t->loc, "illegal target for annotation");
        }
      }
      fail_generic();
    }
    advance();
    auto s = make_stmt(StmtKind::kAnnAssign, {});
    s->simple = t->kind == ExprKind::kName && tok(start).kind == Tok::kName;
    to_store(first.get());
    s->a = std::move(first);
    s->c = expression();
    if (accept(Tok::kEqual)) s->b = at(Tok::kYield) ? yield_expr() : star_expressions();
    s->loc = loc_from(start);
    return s;
  }
  if (next == Tok::kEqual) {
    std::vector<ExprP> targets;
    std::vector<int> starts;
    std::vector<int> eqs;
    targets.push_back(std::move(first));
    starts.push_back(start);
    ExprP value;
    // Each target is checked when its '=' is reached: CPython's first pass
    // stops there (star_targets fails), so what follows is never read.
    const auto bad_target = [](const Expr* t) {
      return t->kind == ExprKind::kYield || t->kind == ExprKind::kYieldFrom ||
             invalid_target(t, TargetsType::kStar);
    };
    while (at(Tok::kEqual)) {
      eqs.push_back(pos_);
      if (bad_target(targets.back().get())) fail_assignment(targets, starts, eqs, first_bare);
      advance();
      const int v_start = pos_;
      ExprP v;
      if (!speculate([&] { v = at(Tok::kYield) ? yield_expr() : star_expressions(); })) {
        fail_assignment(targets, starts, eqs, first_bare);
      }
      if (at(Tok::kEqual)) {
        targets.push_back(std::move(v));
        starts.push_back(v_start);
        continue;
      }
      value = std::move(v);
    }
    for (ExprP& t : targets) to_store(t.get());
    auto s = make_stmt(StmtKind::kAssign, {});
    s->targets = std::move(targets);
    s->a = std::move(value);
    s->loc = loc_from(start);
    return s;
  }
  if (is_augassign(next)) {
    const Expr* t = first.get();
    if (t->kind != ExprKind::kName && t->kind != ExprKind::kAttribute &&
        t->kind != ExprKind::kSubscript) {
      // invalid_assignment: a=star_expressions augassign (yield_expr | star_expressions)
      const bool rhs = lookahead([&] {
        advance();
        if (at(Tok::kYield)) {
          yield_expr();
        } else {
          star_expressions();
        }
      });
      if (rhs) {
        fail_at(ErrorClass::kSecondPass, t->loc,
                std::string("'") + expr_name(t) + "' is an illegal expression for augmented "
                                                  "assignment");
      }
      fail_generic();
    }
    advance();
    auto s = make_stmt(StmtKind::kAugAssign, {});
    s->bin_op = augassign_op(next);
    to_store(first.get());
    s->a = std::move(first);
    s->b = at(Tok::kYield) ? yield_expr() : star_expressions();
    s->loc = loc_from(start);
    return s;
  }
  auto s = make_stmt(StmtKind::kExpr, loc_from(start));
  s->a = std::move(first);
  return s;
}

// invalid_assignment's second alternative,
//   a=star_named_expression ',' star_named_expressions* ':' expression,
// reads comma lists one after another, so that in `a, b c = d` the name c
// meets invalid_named_expression ("Maybe you meant '==' ...?"). The second
// pass comes to it only when the statement is no assignment
// (assignment's third alternative fails).
void Parser::invalid_assignment_elements() {
  const auto target = [&] {
    const ExprP t = star_targets();
    if (invalid_target(t.get(), TargetsType::kStar)) fail_generic();
    expect(Tok::kEqual);
  };
  const bool assignment = probe([&] {
    target();
    while (speculate(target)) {
    }
    if (at(Tok::kYield)) {
      yield_expr();
    } else {
      star_expressions();
    }
    if (at(Tok::kEqual)) fail_generic();
  });
  if (assignment) return;
  lookahead([&] {
    star_named_expression();
    expect(Tok::kComma);
    while (starts_expression() || at(Tok::kStar)) {
      star_named_expression();
      while (accept(Tok::kComma)) {
        if (!starts_expression() && !at(Tok::kStar)) break;
        star_named_expression();
      }
    }
  });
}

StmtP Parser::return_stmt() {
  const int start = pos_;
  advance();
  auto s = make_stmt(StmtKind::kReturn, {});
  if (starts_expression() || at(Tok::kStar)) s->a = star_expressions();
  s->loc = loc_from(start);
  return s;
}

StmtP Parser::raise_stmt() {
  const int start = pos_;
  advance();
  auto s = make_stmt(StmtKind::kRaise, {});
  if (starts_expression()) {
    s->a = expression();
    if (accept(Tok::kFrom)) s->b = expression();
  }
  s->loc = loc_from(start);
  return s;
}

StmtP Parser::global_stmt(bool nonlocal) {
  const int start = pos_;
  advance();
  auto s = make_stmt(nonlocal ? StmtKind::kNonlocal : StmtKind::kGlobal, {});
  s->identifiers.emplace_back(expect(Tok::kName).text);
  while (accept(Tok::kComma)) s->identifiers.emplace_back(expect(Tok::kName).text);
  s->loc = loc_from(start);
  return s;
}

StmtP Parser::del_stmt() {
  const int start = pos_;
  advance();
  // del_targets: ','.del_target+ [','], followed by ';' or NEWLINE;
  // invalid_del_stmt: 'del' a=star_expressions -> "cannot delete %s".
  bool list = false;
  ExprP targets = star_expressions(&list);
  std::vector<ExprP> items;
  if (list) {
    items = std::move(targets->items);
  } else {
    items.push_back(std::move(targets));
  }
  for (const ExprP& t : items) {
    if (const Expr* bad = invalid_target(t.get(), TargetsType::kDel)) {
      fail_at(ErrorClass::kSecondPass, bad->loc, std::string("cannot delete ") + expr_name(bad));
    }
  }
  if (!at(Tok::kSemi) && !at(Tok::kNewline)) fail_generic();
  for (ExprP& t : items) to_del(t.get());
  auto s = make_stmt(StmtKind::kDelete, loc_from(start));
  s->targets = std::move(items);
  return s;
}

StmtP Parser::assert_stmt() {
  const int start = pos_;
  advance();
  auto s = make_stmt(StmtKind::kAssert, {});
  s->a = expression();
  if (accept(Tok::kComma)) s->b = expression();
  s->loc = loc_from(start);
  return s;
}

// import_name: 'import' dotted_as_names
StmtP Parser::import_name() {
  const int start = pos_;
  advance();
  auto s = make_stmt(StmtKind::kImport, {});
  do {
    const int a_start = pos_;
    ast::Alias a;
    a.name = std::string(expect(Tok::kName).text);
    while (at(Tok::kDot)) {
      advance();
      a.name += '.';
      a.name += expect(Tok::kName).text;
    }
    if (accept(Tok::kAs)) a.asname = std::string(expect(Tok::kName).text);
    a.loc = loc_from(a_start);
    s->names.push_back(std::move(a));
  } while (accept(Tok::kComma));
  s->loc = loc_from(start);
  return s;
}

// import_from: 'from' ('.' | '...')* dotted_name 'import' import_from_targets
//            | 'from' ('.' | '...')+ 'import' import_from_targets
StmtP Parser::import_from() {
  const int start = pos_;
  advance();
  auto s = make_stmt(StmtKind::kImportFrom, {});
  for (;;) {
    if (accept(Tok::kDot)) {
      s->level += 1;
    } else if (accept(Tok::kEllipsis)) {
      s->level += 3;
    } else {
      break;
    }
  }
  if (at(Tok::kName) || s->level == 0) {
    s->module = std::string(expect(Tok::kName).text);
    while (at(Tok::kDot)) {
      advance();
      s->module += '.';
      s->module += expect(Tok::kName).text;
    }
  }
  expect(Tok::kImport);
  if (at(Tok::kStar)) {
    ast::Alias a;
    a.name = "*";
    a.loc = token_loc(advance());
    s->names.push_back(std::move(a));
    s->loc = loc_from(start);
    return s;
  }
  const bool paren = accept(Tok::kLPar);
  for (;;) {
    const int a_start = pos_;
    ast::Alias a;
    a.name = std::string(expect(Tok::kName).text);
    if (accept(Tok::kAs)) a.asname = std::string(expect(Tok::kName).text);
    a.loc = loc_from(a_start);
    s->names.push_back(std::move(a));
    if (!at(Tok::kComma)) break;
    advance();
    if (paren && at(Tok::kRPar)) break;
    if (!paren && at(Tok::kNewline)) {
      fail_last(ErrorClass::kSecondPass,
                "trailing comma not allowed without surrounding parentheses");
    }
  }
  if (paren) expect(Tok::kRPar);
  s->loc = loc_from(start);
  return s;
}

}  // namespace detail

// ---------------------------------------------------------------- the front end

bool parse_module(std::string_view source, const std::string& file, vm::ast::Module* out,
                  SyntaxError* error) {
  std::string text;
  SourceError source_error;
  if (!normalize_source(source, file, &text, &source_error)) {
    error->kind = "SyntaxError";
    error->message = source_error.message;
    error->line = source_error.line;
    error->col = source_error.col;
    return false;
  }
  std::vector<Unsupported> unsupported;
  detail::Parser parser(text, lex(text), &unsupported);
  vm::ast::Body body;
  if (!parser.parse_file(&body)) {
    const detail::Problem& p = parser.problem();
    error->kind = p.kind;
    error->message = p.message;
    error->line = p.line;
    error->col = p.col;
    return false;
  }
  if (!unsupported.empty()) {
    const auto first = std::min_element(
        unsupported.begin(), unsupported.end(), [](const Unsupported& a, const Unsupported& b) {
          return a.line != b.line ? a.line < b.line : a.col < b.col;
        });
    error->kind = "SyntaxError";
    error->message = first->message;
    error->line = first->line;
    error->col = char_offset(source_line(text, first->line), first->col);
    return false;
  }
  out->file = file;
  out->body = std::move(body);
  return true;
}

int character_column(std::string_view source, int line, int byte_col) {
  if (source.size() >= 3 && source.substr(0, 3) == "\xEF\xBB\xBF") source.remove_prefix(3);
  std::size_t start = 0;
  for (int i = 1; i < line && start < source.size(); ++i) {
    const std::size_t nl = source.find_first_of("\r\n", start);
    if (nl == std::string_view::npos) {
      start = source.size();
      break;
    }
    start = nl + 1;
    if (source[nl] == '\r' && start < source.size() && source[start] == '\n') ++start;
  }
  std::size_t end = source.find_first_of("\r\n", start);
  if (end == std::string_view::npos) end = source.size();
  return char_offset(source.substr(start, end - start + (end < source.size() ? 1 : 0)), byte_col);
}

}  // namespace concsim::python
