// The Python parser's internals, shared by its source files (parser.cc:
// statements; parse_expr.cc: expressions and the precedence table;
// parse_args.cc: parameters, arguments and displays; targets.cc: assignment
// targets and CPython's messages about them; strings.cc: string literals
// and f-strings). Not part of the front end's interface: see parser.h.
//
// How errors come out as CPython's. CPython's PEG parser runs twice: a
// first pass with the plain grammar, and, when that fails, a second pass
// that also tries the grammar's invalid_* rules, the first of which to match
// (in parse order) gives a specific message; failing that, "invalid syntax"
// at the furthest token the first pass fetched. This parser makes one pass
// and, where it fails, reproduces what the second pass would report for the
// construct at hand (Grammar/python.gram is cited at each such place). Two
// invalid_* rules can match constructs the first pass accepted, earlier in
// the file: `print -1` and `match(x)` statements; the parser remembers the
// first of these and reports it instead, as CPython does. After any parser
// error CPython tokenizes the rest of the file, and a tokenizer error found
// there replaces it (see Parser::finish).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/python/lexer.h"
#include "app/python/parser.h"
#include "models/vm/ast.h"

namespace concsim::python::detail {

namespace ast = vm::ast;
using ast::Expr;
using ast::ExprKind;
using ast::ExprP;
using ast::Loc;
using ast::Stmt;
using ast::StmtKind;
using ast::StmtP;

// Thrown once Parser::error_ is set; caught by the parser's entry points.
struct Failure {};

// Where a parser error ranks among the ways CPython reports one.
enum class ErrorClass {
  kLexer,      // the tokenizer's error, met by the parser: final
  kImmediate,  // raised during CPython's first pass (forced tokens, strings)
  kSecondPass, // an invalid_* rule of the second pass
  kGeneric,    // "invalid syntax" where the first pass stopped
};

struct Problem {
  std::string kind = "SyntaxError";
  std::string message;
  int line = 0;
  int col = 0;  // final SyntaxError.offset
  ErrorClass cls = ErrorClass::kGeneric;
  // "unexpected indent": CPython reports it without tokenizing the rest of
  // the file (pegen_errors.c _PyPegen_set_syntax_error).
  bool final = false;
};

// Operator precedence, weakest first: CPython's expression rules from
// `expression` down to `primary`.
enum class Prec : std::uint8_t {
  kNone,
  kTernary,  // expression: x if c else y, lambda
  kOr,       // disjunction
  kAnd,      // conjunction
  kNot,      // inversion
  kCompare,  // comparison
  kBitOr,
  kBitXor,
  kBitAnd,
  kShift,
  kSum,
  kTerm,
  kFactor,   // unary + - ~
  kPower,    // **
  kAwait,    // await_primary
  kPrimary,  // calls, subscripts, attributes
};

class Parser;
using PrefixFn = ExprP (Parser::*)();
// An infix rule takes the left operand by reference and moves it into its
// node only once the rest has parsed: when the rest fails, the left operand
// stands alone (PEG backtracking) and the caller goes on with it.
using InfixFn = ExprP (Parser::*)(ExprP& left, int start);

// One row of the precedence table per token kind (clox's ParseRule): how
// the token begins an expression, how it continues one, how tightly it
// binds as an infix operator, and the weakest context in which it may begin
// one: `not` may begin an inversion but not a comparison's operand, a unary
// '-' a factor (so also the right operand of '**') but not a primary.
struct ParseRule {
  PrefixFn prefix;
  InfixFn infix;
  Prec precedence;
  Prec prefix_limit;
};

// How a sub-parser for an f-string replacement field reports errors.
struct FstringMode {
  int col_shift = 0;   // CPython subtracts the field's starting column
  int base_depth = 0;  // the enclosing parser's depth, so that the bound holds overall
};

class Parser {
 public:
  // `source` is normalized source (normalize_source); `lexed` its tokens.
  Parser(std::string_view source, Lexed lexed, std::vector<Unsupported>* unsupported,
         const FstringMode* fstring = nullptr);

  // The whole file (CPython's `file` rule). False with problem() set.
  bool parse_file(ast::Body* out);
  // An f-string replacement field "(expr)" (CPython's `fstring` rule).
  bool parse_fstring_field(ExprP* out);
  const Problem& problem() const { return problem_; }

  // --- the precedence table's entries (parse_expr.cc) ---
  ExprP p_name();
  ExprP p_number();
  ExprP p_strings();
  ExprP p_keyword_constant();
  ExprP p_paren();
  ExprP p_list();
  ExprP p_brace();
  ExprP p_unary();
  ExprP p_not();
  ExprP p_await();
  ExprP p_lambda();
  ExprP i_binary(ExprP& left, int start);
  ExprP i_power(ExprP& left, int start);
  ExprP i_compare(ExprP& left, int start);
  ExprP i_bool(ExprP& left, int start);
  ExprP i_ternary(ExprP& left, int start);
  ExprP i_call(ExprP& left, int start);
  ExprP i_subscript(ExprP& left, int start);
  ExprP i_attribute(ExprP& left, int start);

 private:
  friend class ExprDepth;
  void deepen();  // one level deeper, or "too many nested expressions"
  // --- tokens ---
  const Token& peek(int ahead = 0);
  Tok peek_kind(int ahead = 0) { return peek(ahead).kind; }
  const Token& advance();
  bool at(Tok k) { return peek_kind() == k; }
  // 'for' or 'async' 'for': a comprehension follows (the second token is
  // fetched only after 'async', as CPython's parser fetches it).
  bool at_comprehension() {
    return at(Tok::kFor) || (at(Tok::kAsync) && peek_kind(1) == Tok::kFor);
  }
  bool accept(Tok k);
  const Token& expect(Tok k);                 // or the generic error
  const Token& expect_forced(Tok k, const char* what);  // CPython's &&'x'
  bool at_name(std::string_view text);
  const Token& tok(int i) const { return lexed_.tokens[static_cast<std::size_t>(i)]; }

  // --- locations ---
  Loc loc_from(int start) const;  // from token `start` to the last real token consumed
  Loc token_loc(const Token& t) const;

  // --- errors ---
  [[noreturn]] void fail(ErrorClass cls, const std::string& message, int line, int byte_col,
                         const char* kind = "SyntaxError");
  [[noreturn]] void fail_at(ErrorClass cls, const Loc& at, const std::string& message,
                            const char* kind = "SyntaxError");
  [[noreturn]] void fail_token(ErrorClass cls, const Token& t, const std::string& message,
                               const char* kind = "SyntaxError");
  // RAISE_SYNTAX_ERROR without a location: the furthest token fetched.
  [[noreturn]] void fail_last(ErrorClass cls, const std::string& message,
                              const char* kind = "SyntaxError");
  // The first pass failed here: whatever the second pass would say, or
  // "invalid syntax" at the furthest token.
  [[noreturn]] void fail_generic();
  [[noreturn]] void fail_lexer();
  void finish_problem();
  int error_offset(int line, int byte_col) const;
  int offset_at_unknown_column(const Token& t, int fetched) const;

  // Alternatives and look-ahead. CPython's first pass backtracks out of an
  // alternative that fails; its second pass looks ahead with the invalid_*
  // rules on (except in the *_without_invalid rules). `attempt` runs f in a
  // mode: pass2 (its fetches do not move the first pass's furthest token),
  // invalid (the second pass's checks are made), and keeps the position
  // when f parses, if asked to. A plain failure makes it return false; an
  // error of the second pass does too when the checks are off (the
  // construct then simply does not parse), else it stands.
  struct Mark {
    int pos;
    bool pass2;
    bool invalid;
  };
  Mark mark() const { return {pos_, pass2_, invalid_}; }
  void reset(const Mark& m) {
    pos_ = m.pos;
    pass2_ = m.pass2;
    invalid_ = m.invalid;
  }
  template <typename F>
  bool attempt(F&& f, bool pass2, bool invalid, bool keep);
  template <typename F>
  bool speculate(F&& f) { return attempt(f, pass2_, invalid_, true); }   // an alternative
  template <typename F>
  bool probe(F&& f) { return attempt(f, pass2_, invalid_, false); }      // first-pass look-ahead
  template <typename F>
  bool lookahead(F&& f) { return attempt(f, true, invalid_, false); }    // second-pass look-ahead
  template <typename F>
  bool lookahead_plain(F&& f) { return attempt(f, true, false, false); } // ... without invalid_*

  template <typename F>
  void second_pass(F&& reparse, int start);

  // --- statements (parser.cc) ---
  ast::Body statements_until(Tok end);
  void statement(ast::Body* out);
  void simple_stmts(ast::Body* out);
  StmtP simple_stmt();
  StmtP expression_statement();
  void invalid_assignment_elements();
  StmtP compound_stmt();
  ast::Body block(const std::string& what);
  void expect_colon();
  StmtP if_stmt(bool is_elif);
  StmtP while_stmt();
  StmtP for_stmt(int start, bool is_async);
  StmtP with_stmt(int start, bool is_async);
  StmtP try_stmt();
  StmtP function_def(int start, std::vector<ExprP> decorators, bool is_async);
  StmtP class_def(int start, std::vector<ExprP> decorators);
  StmtP decorated();
  StmtP import_name();
  StmtP import_from();
  StmtP return_stmt();
  StmtP raise_stmt();
  StmtP global_stmt(bool nonlocal);
  StmtP del_stmt();
  StmtP assert_stmt();
  bool match_statement();
  ast::Body else_block();

  // --- expressions (parse_expr.cc) ---
  ExprP parse_precedence(Prec prec);
  bool infix(InfixFn fn, ExprP& left, int start);
  // expression; `juxtaposition`: whether invalid_expression's check of what
  // follows is made (dict keys after the first are read without it).
  ExprP expression(bool juxtaposition = true);
  ExprP disjunction() { return parse_precedence(Prec::kOr); }
  ExprP bitwise_or() { return parse_precedence(Prec::kBitOr); }
  ExprP named_expression();
  ExprP star_expression();       // '*' bitwise_or | expression
  ExprP star_named_expression(); // '*' bitwise_or | named_expression
  ExprP star_expressions(bool* bare_tuple = nullptr);  // a tuple without brackets, or one
  ExprP yield_expr();
  ExprP slices();
  ExprP slice();
  std::vector<ast::Comprehension> for_if_clauses();
  bool starts_expression(int ahead = 0);
  bool starts_primary();  // an atom: what may begin a primary
  void check_juxtaposition(const ExprP& a, int a_start);
  void note_legacy_print();

  // --- parameters, arguments, displays (parse_args.cc) ---
  std::unique_ptr<ast::Arguments> parameters(bool lambda);
  void call_arguments(Expr* call, int open_paren);
  void call_arguments_body(Expr* call, int open, int args_start);
  ExprP dict_or_set(int start);
  ExprP list_display(int start);
  ExprP paren_display(int start);
  [[noreturn]] void starred_comprehension(const Expr* starred);

  // --- targets (targets.cc) ---
  enum class TargetsType { kStar, kDel, kFor };
  [[noreturn]] void fail_for_target(int target_start);
  ExprP star_targets();
  ExprP star_target();
  void to_store(Expr* e);
  void to_del(Expr* e);
  static const Expr* invalid_target(const Expr* e, TargetsType type);
  void fail_invalid_target(TargetsType type, const Expr* e);
  [[noreturn]] void fail_assignment(const std::vector<ExprP>& targets,
                                    const std::vector<int>& starts, const std::vector<int>& eqs,
                                    bool first_bare);
  void named_expression_error(const Expr* e, int e_start, int eq);
  static const char* expr_name(const Expr* e);
  bool starts_with_display(const Expr* e, int e_start) const;

  // --- strings (strings.cc) ---
  // _PyPegen_FstringParser: the literal text not yet made a node, and the
  // nodes so far.
  struct FstringState {
    std::string last_str;
    std::vector<ExprP> values;
    bool fmode = false;
  };
  ExprP concatenate_strings(int first, int last);
  std::string decode_literal(std::string_view body, bool raw, const Token& t);
  ExprP string_constant(std::string value, const Loc& loc);
  ExprP fstring_finish(FstringState* st, const Loc& loc);
  void fstring_concat(FstringState* st, std::string_view text, std::size_t* str, std::size_t end,
                      bool raw, int recurse_lvl, const Loc& whole, const Token& t);
  int fstring_find_literal(std::string_view text, std::size_t* str, std::size_t end, bool raw,
                           std::string* literal, int recurse_lvl, const Token& t);
  void fstring_find_expr(std::string_view text, std::size_t* str, std::size_t end, bool raw,
                         int recurse_lvl, std::string* expr_text, bool* has_text,
                         ExprP* expression, const Loc& whole, const Token& t);
  ExprP fstring_compile_expr(std::string_view text, std::size_t expr_start, std::size_t expr_end,
                             const Token& t);

  // --- state ---
  std::string_view source_;
  Lexed lexed_;
  std::vector<Unsupported>* unsupported_;
  const FstringMode* fstring_;
  int pos_ = 0;
  int max_fetched_ = 0;      // furthest token the first pass fetched
  int max_fetched_any_ = 0;  // ... counting the second pass's look-ahead too
  bool pass2_ = false;   // fetching for the second pass (see attempt())
  bool invalid_ = true;  // the second pass's checks are on
  bool second_pass_ = false;  // re-reading a failed statement as the second pass does
  bool reran_ = false;
  // Infix operators whose right side failed to parse, by token index and
  // mode (bit 1 << (pass2 * 2 + invalid)), so that no loop tries one twice:
  // without it an error deep in nested brackets is re-parsed once per level.
  std::vector<std::uint8_t> infix_failed_;
  // Where `arguments` was read without the invalid_* rules (call_arguments).
  std::vector<std::uint8_t> plain_arguments_;
  int depth_ = 0;            // recursion depth, bounded
  Problem problem_;
  bool failed_ = false;
  // The first construct of the file that a second pass would reject
  // although the first accepted it (see the file comment).
  std::optional<Problem> early_second_pass_;
};

// Bounds the parser's recursion; CPython 3.11 limits its parser's C stack
// the same way (MAXSTACK) and fails with "too many nested parentheses" in
// the tokenizer for brackets.
class ExprDepth {
 public:
  explicit ExprDepth(Parser* p);
  ~ExprDepth() { --p_->depth_; }
  ExprDepth(const ExprDepth&) = delete;
  ExprDepth& operator=(const ExprDepth&) = delete;

 private:
  Parser* p_;
};

template <typename F>
inline bool Parser::attempt(F&& f, bool pass2, bool invalid, bool keep) {
  const Mark m = mark();
  const int depth = depth_;
  pass2_ = pass2;
  invalid_ = invalid;
  try {
    f();
  } catch (const Failure&) {
    const bool soft = problem_.cls == ErrorClass::kGeneric ||
                      (problem_.cls == ErrorClass::kSecondPass && !invalid);
    if (!soft) throw;
    failed_ = false;
    problem_ = {};
    reset(m);
    depth_ = depth;
    return false;
  }
  if (keep) {
    pass2_ = m.pass2;
    invalid_ = m.invalid;
  } else {
    reset(m);
  }
  return true;
}

inline const Token& Parser::peek(int ahead) {
  const int last = static_cast<int>(lexed_.tokens.size()) - 1;
  const int i = pos_ + ahead < last ? pos_ + ahead : last;
  if (i > max_fetched_any_) max_fetched_any_ = i;
  if (!pass2_ && i > max_fetched_) max_fetched_ = i;
  const Token& t = tok(i);
  if (t.kind == Tok::kError) fail_lexer();
  return t;
}

// Node constructors.
ExprP make_expr(ExprKind kind, const Loc& loc);
StmtP make_stmt(StmtKind kind, const Loc& loc);

}  // namespace concsim::python::detail
