// Python 3.11 expressions (Grammar/python.gram, "EXPRESSIONS" to "Primary
// elements"): one precedence table of prefix and infix rules, clox style,
// instead of one function per precedence level.
#include <array>
#include <cstdint>
#include <cstdlib>

#include "app/python/parser_impl.h"

namespace concsim::python::detail {
namespace {

using P = Parser;

// The table, indexed by token kind. Precedence is the binding power of the
// token as an infix operator; prefix_limit the weakest context where it may
// begin an operand (`not` may begin an inversion but not a comparison's
// operand, `lambda` only a whole expression, `-` a factor).
constexpr std::array<ParseRule, kTokCount> make_rules() {
  std::array<ParseRule, kTokCount> r{};
  for (ParseRule& x : r) x = {nullptr, nullptr, Prec::kNone, Prec::kNone};
  const auto set = [&r](Tok t, ParseRule rule) { r[static_cast<std::size_t>(t)] = rule; };
  constexpr Prec kAny = Prec::kPrimary;  // an atom may begin any operand
  set(Tok::kName, {&P::p_name, nullptr, Prec::kNone, kAny});
  set(Tok::kNumber, {&P::p_number, nullptr, Prec::kNone, kAny});
  set(Tok::kString, {&P::p_strings, nullptr, Prec::kNone, kAny});
  set(Tok::kNone, {&P::p_keyword_constant, nullptr, Prec::kNone, kAny});
  set(Tok::kTrue, {&P::p_keyword_constant, nullptr, Prec::kNone, kAny});
  set(Tok::kFalse, {&P::p_keyword_constant, nullptr, Prec::kNone, kAny});
  set(Tok::kEllipsis, {&P::p_keyword_constant, nullptr, Prec::kNone, kAny});
  set(Tok::kLPar, {&P::p_paren, &P::i_call, Prec::kPrimary, kAny});
  set(Tok::kLSqb, {&P::p_list, &P::i_subscript, Prec::kPrimary, kAny});
  set(Tok::kLBrace, {&P::p_brace, nullptr, Prec::kNone, kAny});
  set(Tok::kDot, {nullptr, &P::i_attribute, Prec::kPrimary, Prec::kNone});
  set(Tok::kMinus, {&P::p_unary, &P::i_binary, Prec::kSum, Prec::kFactor});
  set(Tok::kPlus, {&P::p_unary, &P::i_binary, Prec::kSum, Prec::kFactor});
  set(Tok::kTilde, {&P::p_unary, nullptr, Prec::kNone, Prec::kFactor});
  set(Tok::kNot, {&P::p_not, &P::i_compare, Prec::kCompare, Prec::kNot});
  set(Tok::kAwait, {&P::p_await, nullptr, Prec::kNone, Prec::kAwait});
  set(Tok::kLambda, {&P::p_lambda, nullptr, Prec::kNone, Prec::kTernary});
  set(Tok::kIf, {nullptr, &P::i_ternary, Prec::kTernary, Prec::kNone});
  set(Tok::kOr, {nullptr, &P::i_bool, Prec::kOr, Prec::kNone});
  set(Tok::kAnd, {nullptr, &P::i_bool, Prec::kAnd, Prec::kNone});
  for (Tok t : {Tok::kLess, Tok::kGreater, Tok::kEqEqual, Tok::kNotEqual, Tok::kLessEqual,
                Tok::kGreaterEqual, Tok::kIn, Tok::kIs}) {
    set(t, {nullptr, &P::i_compare, Prec::kCompare, Prec::kNone});
  }
  set(Tok::kVBar, {nullptr, &P::i_binary, Prec::kBitOr, Prec::kNone});
  set(Tok::kCircumflex, {nullptr, &P::i_binary, Prec::kBitXor, Prec::kNone});
  set(Tok::kAmper, {nullptr, &P::i_binary, Prec::kBitAnd, Prec::kNone});
  set(Tok::kLeftShift, {nullptr, &P::i_binary, Prec::kShift, Prec::kNone});
  set(Tok::kRightShift, {nullptr, &P::i_binary, Prec::kShift, Prec::kNone});
  for (Tok t : {Tok::kStar, Tok::kSlash, Tok::kDoubleSlash, Tok::kPercent, Tok::kAt}) {
    set(t, {nullptr, &P::i_binary, Prec::kTerm, Prec::kNone});
  }
  set(Tok::kDoubleStar, {nullptr, &P::i_power, Prec::kPower, Prec::kNone});
  return r;
}

constexpr std::array<ParseRule, kTokCount> kRules = make_rules();

const ParseRule& rule(Tok t) { return kRules[static_cast<std::size_t>(t)]; }

Prec stronger(Prec p) { return static_cast<Prec>(static_cast<int>(p) + 1); }

ast::BinOp binop_of(Tok t) {
  switch (t) {
    case Tok::kPlus: return ast::BinOp::kAdd;
    case Tok::kMinus: return ast::BinOp::kSub;
    case Tok::kStar: return ast::BinOp::kMult;
    case Tok::kAt: return ast::BinOp::kMatMult;
    case Tok::kSlash: return ast::BinOp::kDiv;
    case Tok::kPercent: return ast::BinOp::kMod;
    case Tok::kLeftShift: return ast::BinOp::kLShift;
    case Tok::kRightShift: return ast::BinOp::kRShift;
    case Tok::kVBar: return ast::BinOp::kBitOr;
    case Tok::kCircumflex: return ast::BinOp::kBitXor;
    case Tok::kAmper: return ast::BinOp::kBitAnd;
    case Tok::kDoubleSlash: return ast::BinOp::kFloorDiv;
    default: return ast::BinOp::kPow;
  }
}

// pegen's _PyPegen_soft_keyword_token compares only as many characters as
// the name has (strncmp(keyword, name, len(name))), so any prefix of a soft
// keyword counts as one: `c` and `ma` do, `cases` does not.
bool is_soft_keyword(std::string_view s) {
  for (const std::string_view k : {"_", "case", "match"}) {
    if (!s.empty() && s.size() <= k.size() && k.substr(0, s.size()) == s) return true;
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------- the Pratt loop

ExprP Parser::parse_precedence(Prec prec) {
  ExprDepth guard(this);
  const int start = pos_;
  const ParseRule& r = rule(peek_kind());
  if (r.prefix == nullptr || r.prefix_limit < prec) fail_generic();
  ExprP left = (this->*r.prefix)();
  int chained = 0;
  for (;;) {
    const Tok k = peek_kind();
    const ParseRule& ir = rule(k);
    if (ir.infix == nullptr || ir.precedence < prec) break;
    if (k == Tok::kNot && peek_kind(1) != Tok::kIn) break;  // only "not in" continues
    if (!infix(ir.infix, left, start)) break;
    // A left-nested chain deepens the tree without recursing: count it.
    ++chained;
    deepen();
  }
  depth_ -= chained;
  return left;
}

// One infix continuation, as a PEG alternative: when what follows the
// operator does not parse, the expression ends before the operator.
bool Parser::infix(InfixFn fn, ExprP& left, int start) {
  const int at = pos_;
  if (infix_failed_.empty()) infix_failed_.resize(lexed_.tokens.size());
  const std::uint8_t bit = static_cast<std::uint8_t>(1u << (pass2_ * 2 + invalid_));
  if (infix_failed_[static_cast<std::size_t>(at)] & bit) return false;
  ExprP result;
  if (speculate([&] { result = (this->*fn)(left, start); })) {
    left = std::move(result);
    return true;
  }
  infix_failed_[static_cast<std::size_t>(at)] |= bit;
  return false;
}

bool Parser::starts_expression(int ahead) { return rule(peek_kind(ahead)).prefix != nullptr; }

bool Parser::starts_primary() {
  const ParseRule& r = rule(peek_kind());
  return r.prefix != nullptr && r.prefix_limit >= Prec::kPrimary;
}

// expression: the full expression (conditional, lambda), with the second
// pass's checks of what follows it: invalid_expression ("Perhaps you forgot
// a comma?") and invalid_legacy_expression (print without parentheses).
ExprP Parser::expression(bool juxtaposition) {
  const int start = pos_;
  note_legacy_print();
  if (second_pass_ && at(Tok::kName) && peek_kind(1) != Tok::kLPar) {
    // invalid_legacy_expression: a=NAME !'(' b=star_expressions. The second
    // pass reads b after any name; an error inside it is reported.
    const Token& name = peek();
    const bool b = lookahead([&] {
      advance();
      star_expressions();
    });
    if (b && (name.text == "print" || name.text == "exec")) {
      const std::string n(name.text);
      fail_token(ErrorClass::kSecondPass, name,
                 "Missing parentheses in call to '" + n + "'. Did you mean " + n + "(...)?");
    }
  }
  ExprP e = parse_precedence(Prec::kTernary);
  if (invalid_ && juxtaposition) check_juxtaposition(e, start);
  return e;
}

// invalid_expression: !(NAME STRING | SOFT_KEYWORD) a=disjunction
// b=expression_without_invalid, reported when b ends inside brackets.
void Parser::check_juxtaposition(const ExprP& a, int a_start) {
  if (!starts_expression()) return;
  const Token& first = tok(a_start);
  if (first.kind == Tok::kName) {
    if (tok(a_start + 1).kind == Tok::kString || is_soft_keyword(first.text)) return;
  }
  const bool grouped = first.kind == Tok::kLPar &&
                       (a->loc.line != first.line || a->loc.col != first.col);
  if (!grouped && (a->kind == ExprKind::kIfExp || a->kind == ExprKind::kLambda)) return;
  if (!grouped && a->kind == ExprKind::kName && (a->name == "print" || a->name == "exec")) return;
  int last = -1;
  const bool b = lookahead_plain([&] {
    parse_precedence(Prec::kTernary);
    last = pos_ - 1;
  });
  if (b && tok(last).level > 0) {
    fail_at(ErrorClass::kSecondPass, a->loc, "invalid syntax. Perhaps you forgot a comma?");
  }
}

// invalid_legacy_expression: a=NAME !'(' b=star_expressions, for `print` and
// `exec`. The second pass meets it wherever an expression starts with one,
// so the first of the file is remembered.
void Parser::note_legacy_print() {
  if (pass2_ || !invalid_ || early_second_pass_) return;
  const Token& t = peek();
  if (t.kind != Tok::kName || (t.text != "print" && t.text != "exec")) return;
  if (peek_kind(1) == Tok::kLPar) return;
  if (!starts_expression(1) && peek_kind(1) != Tok::kStar) return;
  const bool b = lookahead([&] {
    advance();
    star_expressions();
  });
  if (!b) return;
  const std::string name(t.text);
  Problem p;
  p.message = "Missing parentheses in call to '" + name + "'. Did you mean " + name + "(...)?";
  p.line = t.line;
  p.col = error_offset(t.line, t.col);
  p.cls = ErrorClass::kSecondPass;
  early_second_pass_ = p;
}

ExprP Parser::named_expression() {
  const int start = pos_;
  if (at(Tok::kName) && peek_kind(1) == Tok::kColonEqual) {
    const Token& name = advance();
    advance();
    auto target = make_expr(ExprKind::kName, token_loc(name));
    target->name = std::string(name.text);
    target->ctx = ast::Ctx::kStore;
    ExprP value = expression();
    auto e = make_expr(ExprKind::kNamedExpr, loc_from(start));
    e->a = std::move(target);
    e->b = std::move(value);
    return e;
  }
  ExprP e = expression();
  if (invalid_) {
    if (at(Tok::kColonEqual)) {
      // invalid_named_expression: a=expression ':=' expression
      const bool rhs = lookahead([&] {
        advance();
        expression();
      });
      if (rhs) {
        fail_at(ErrorClass::kSecondPass, e->loc,
                std::string("cannot use assignment expressions with ") + expr_name(e.get()));
      }
    } else if (at(Tok::kEqual)) {
      named_expression_error(e.get(), start, pos_);
    }
  }
  return e;
}

ExprP Parser::star_expression() {
  if (at(Tok::kStar)) {
    const int start = pos_;
    advance();
    ExprP v = bitwise_or();
    auto e = make_expr(ExprKind::kStarred, loc_from(start));
    e->a = std::move(v);
    return e;
  }
  return expression();
}

ExprP Parser::star_named_expression() {
  if (at(Tok::kStar)) return star_expression();
  return named_expression();
}

// star_expressions: one, or a tuple without brackets (a trailing comma
// makes a tuple of one).
ExprP Parser::star_expressions(bool* bare_tuple) {
  const int start = pos_;
  ExprP first = star_expression();
  if (bare_tuple) *bare_tuple = at(Tok::kComma);
  if (!at(Tok::kComma)) return first;
  auto t = make_expr(ExprKind::kTuple, {});
  t->items.push_back(std::move(first));
  while (accept(Tok::kComma)) {
    if (!starts_expression() && !at(Tok::kStar)) break;
    t->items.push_back(star_expression());
  }
  t->loc = loc_from(start);
  return t;
}

ExprP Parser::yield_expr() {
  const int start = pos_;
  advance();  // 'yield'
  if (accept(Tok::kFrom)) {
    ExprP v = expression();
    auto e = make_expr(ExprKind::kYieldFrom, loc_from(start));
    e->a = std::move(v);
    return e;
  }
  auto e = make_expr(ExprKind::kYield, {});
  if (starts_expression() || at(Tok::kStar)) e->a = star_expressions();
  e->loc = loc_from(start);
  return e;
}

// ---------------------------------------------------------------- prefix rules

ExprP Parser::p_name() {
  const Token& t = advance();
  auto e = make_expr(ExprKind::kName, token_loc(t));
  e->name = std::string(t.text);
  return e;
}

ExprP Parser::p_keyword_constant() {
  const Token& t = advance();
  auto e = make_expr(ExprKind::kConstant, token_loc(t));
  switch (t.kind) {
    case Tok::kTrue:
      e->value.kind = ast::ConstKind::kBool;
      e->value.b = true;
      break;
    case Tok::kFalse:
      e->value.kind = ast::ConstKind::kBool;
      break;
    case Tok::kEllipsis:
      e->value.kind = ast::ConstKind::kEllipsis;
      break;
    default:
      e->value.kind = ast::ConstKind::kNone;
      break;
  }
  return e;
}

ExprP Parser::p_number() {
  const Token& t = advance();
  auto e = make_expr(ExprKind::kConstant, token_loc(t));
  std::string digits;
  digits.reserve(t.text.size());
  for (const char c : t.text) {
    if (c != '_') digits += c;
  }
  const char last = digits.back();
  if (last == 'j' || last == 'J') {
    unsupported_->push_back({"not supported by concsim: complex numbers", t.line, t.col});
    e->value.kind = ast::ConstKind::kFloat;
    return e;
  }
  int base = 10;
  std::size_t skip = 0;
  if (digits.size() > 1 && digits[0] == '0') {
    const char x = digits[1];
    if (x == 'x' || x == 'X') base = 16, skip = 2;
    if (x == 'o' || x == 'O') base = 8, skip = 2;
    if (x == 'b' || x == 'B') base = 2, skip = 2;
  }
  const bool is_float = base == 10 && digits.find_first_of(".eE") != std::string::npos;
  if (is_float) {
    // strtod rounds correctly; out of range gives inf or 0, as Python's
    // float() does for literals.
    e->value.kind = ast::ConstKind::kFloat;
    e->value.f = std::strtod(digits.c_str(), nullptr);
    return e;
  }
  e->value.kind = ast::ConstKind::kInt;
  constexpr std::uint64_t kLimit = INT64_MAX;
  std::uint64_t v = 0;
  bool overflow = false;
  for (std::size_t i = skip; i < digits.size(); ++i) {
    const char c = digits[i];
    const std::uint64_t d = static_cast<std::uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    if (v > (kLimit - d) / static_cast<std::uint64_t>(base)) {
      overflow = true;
      break;
    }
    v = v * static_cast<std::uint64_t>(base) + d;
  }
  if (overflow) {
    unsupported_->push_back({"not supported by concsim: integers beyond 64 bits", t.line, t.col});
  } else {
    e->value.i = static_cast<std::int64_t>(v);
  }
  return e;
}

ExprP Parser::p_strings() {
  const int first = pos_;
  while (peek_kind(1) == Tok::kString) advance();
  const int last = pos_;
  advance();
  return concatenate_strings(first, last);
}

ExprP Parser::p_unary() {
  const int start = pos_;
  const Token& op = advance();
  ExprP operand = parse_precedence(Prec::kFactor);
  auto e = make_expr(ExprKind::kUnaryOp, loc_from(start));
  e->unary_op = op.kind == Tok::kMinus  ? ast::UnaryOp::kUSub
                : op.kind == Tok::kPlus ? ast::UnaryOp::kUAdd
                                        : ast::UnaryOp::kInvert;
  e->a = std::move(operand);
  return e;
}

ExprP Parser::p_not() {
  const int start = pos_;
  advance();
  ExprP operand = parse_precedence(Prec::kNot);
  auto e = make_expr(ExprKind::kUnaryOp, loc_from(start));
  e->unary_op = ast::UnaryOp::kNot;
  e->a = std::move(operand);
  return e;
}

ExprP Parser::p_await() {
  const int start = pos_;
  advance();
  ExprP operand = parse_precedence(Prec::kPrimary);
  auto e = make_expr(ExprKind::kAwait, loc_from(start));
  e->a = std::move(operand);
  return e;
}

ExprP Parser::p_lambda() {
  const int start = pos_;
  advance();
  auto args = at(Tok::kColon) ? std::make_unique<ast::Arguments>() : parameters(true);
  expect(Tok::kColon);
  ExprP body = expression();
  auto e = make_expr(ExprKind::kLambda, loc_from(start));
  e->args = std::move(args);
  e->a = std::move(body);
  return e;
}

ExprP Parser::p_paren() { return paren_display(pos_); }
ExprP Parser::p_list() { return list_display(pos_); }
ExprP Parser::p_brace() { return dict_or_set(pos_); }

// ---------------------------------------------------------------- infix rules

ExprP Parser::i_binary(ExprP& left, int start) {
  const Token& op = advance();
  const Prec prec = rule(op.kind).precedence;
  ExprP right = parse_precedence(stronger(prec));
  auto e = make_expr(ExprKind::kBinOp, loc_from(start));
  e->bin_op = binop_of(op.kind);
  e->a = std::move(left);
  e->b = std::move(right);
  return e;
}

// power: await_primary '**' factor
ExprP Parser::i_power(ExprP& left, int start) {
  advance();
  ExprP right = parse_precedence(Prec::kFactor);
  auto e = make_expr(ExprKind::kBinOp, loc_from(start));
  e->bin_op = ast::BinOp::kPow;
  e->a = std::move(left);
  e->b = std::move(right);
  return e;
}

// comparison: bitwise_or compare_op_bitwise_or_pair+, one flat node. A
// pair whose operand does not parse ends the comparison before it.
ExprP Parser::i_compare(ExprP& left, int start) {
  auto e = make_expr(ExprKind::kCompare, {});
  const auto pair = [&]() {
    ast::CmpOp op = ast::CmpOp::kEq;
    switch (peek_kind()) {
      case Tok::kEqEqual: op = ast::CmpOp::kEq; break;
      case Tok::kNotEqual: op = ast::CmpOp::kNotEq; break;
      case Tok::kLess: op = ast::CmpOp::kLt; break;
      case Tok::kLessEqual: op = ast::CmpOp::kLtE; break;
      case Tok::kGreater: op = ast::CmpOp::kGt; break;
      case Tok::kGreaterEqual: op = ast::CmpOp::kGtE; break;
      case Tok::kIn: op = ast::CmpOp::kIn; break;
      case Tok::kNot:
        if (peek_kind(1) != Tok::kIn) fail_generic();
        advance();
        op = ast::CmpOp::kNotIn;
        break;
      case Tok::kIs:
        if (peek_kind(1) == Tok::kNot) {
          advance();
          op = ast::CmpOp::kIsNot;
        } else {
          op = ast::CmpOp::kIs;
        }
        break;
      default:
        fail_generic();
    }
    advance();
    ExprP right = bitwise_or();
    e->ops.push_back(op);
    e->items.push_back(std::move(right));
  };
  pair();
  while (rule(peek_kind()).infix == &Parser::i_compare &&
         (peek_kind() != Tok::kNot || peek_kind(1) == Tok::kIn)) {
    if (!speculate(pair)) break;
  }
  e->a = std::move(left);
  e->loc = loc_from(start);
  return e;
}

// disjunction / conjunction: one flat BoolOp per run of the same operator.
ExprP Parser::i_bool(ExprP& left, int start) {
  const Tok op = peek_kind();
  const Prec operand = op == Tok::kOr ? Prec::kAnd : Prec::kNot;
  auto e = make_expr(ExprKind::kBoolOp, {});
  e->bool_op = op == Tok::kOr ? ast::BoolOp::kOr : ast::BoolOp::kAnd;
  advance();
  ExprP first = parse_precedence(operand);
  while (at(op)) {
    ExprP next;
    if (!speculate([&] {
          advance();
          next = parse_precedence(operand);
        })) {
      break;
    }
    e->items.push_back(std::move(next));
  }
  e->items.insert(e->items.begin(), std::move(first));
  e->items.insert(e->items.begin(), std::move(left));
  e->loc = loc_from(start);
  return e;
}

// a=disjunction 'if' b=disjunction 'else' c=expression
ExprP Parser::i_ternary(ExprP& left, int start) {
  advance();
  ExprP test = disjunction();
  if (!at(Tok::kElse)) {
    // invalid_expression: a=disjunction 'if' b=disjunction !('else'|':')
    if (!at(Tok::kColon) && invalid_) {
      fail_at(ErrorClass::kSecondPass, left->loc, "expected 'else' after 'if' expression");
    }
    fail_generic();
  }
  advance();
  ExprP orelse = expression();
  auto e = make_expr(ExprKind::kIfExp, loc_from(start));
  e->a = std::move(test);
  e->b = std::move(left);
  e->c = std::move(orelse);
  return e;
}

ExprP Parser::i_call(ExprP& left, int start) {
  const int open = pos_;
  advance();
  auto e = make_expr(ExprKind::kCall, {});
  call_arguments(e.get(), open);
  e->a = std::move(left);
  e->loc = loc_from(start);
  return e;
}

ExprP Parser::i_subscript(ExprP& left, int start) {
  advance();
  ExprP index = slices();
  expect(Tok::kRSqb);
  auto e = make_expr(ExprKind::kSubscript, loc_from(start));
  e->a = std::move(left);
  e->b = std::move(index);
  return e;
}

ExprP Parser::i_attribute(ExprP& left, int start) {
  advance();
  const Token& name = expect(Tok::kName);
  auto e = make_expr(ExprKind::kAttribute, loc_from(start));
  e->a = std::move(left);
  e->name = std::string(name.text);
  return e;
}

// slices: slice !',' | ','.(slice | starred_expression)+ [',']
ExprP Parser::slices() {
  const int start = pos_;
  const auto one = [&]() -> ExprP {
    if (at(Tok::kStar)) {
      const int s = pos_;
      advance();
      ExprP v = expression();
      auto e = make_expr(ExprKind::kStarred, loc_from(s));
      e->a = std::move(v);
      return e;
    }
    return slice();
  };
  const bool starred_first = at(Tok::kStar);
  ExprP first = one();
  if (!at(Tok::kComma) && !starred_first) return first;
  auto t = make_expr(ExprKind::kTuple, {});
  t->items.push_back(std::move(first));
  while (accept(Tok::kComma)) {
    if (!starts_expression() && !at(Tok::kStar) && !at(Tok::kColon)) break;
    t->items.push_back(one());
  }
  t->loc = loc_from(start);
  return t;
}

// slice: [expression] ':' [expression] [':' [expression]] | named_expression
ExprP Parser::slice() {
  const int start = pos_;
  ExprP lower;
  if (!at(Tok::kColon)) {
    lower = named_expression();
    if (!at(Tok::kColon)) return lower;
    if (lower->kind == ExprKind::kNamedExpr && tok(start).kind != Tok::kLPar) fail_generic();
  }
  advance();  // ':'
  auto e = make_expr(ExprKind::kSlice, {});
  e->a = std::move(lower);
  if (starts_expression()) e->b = expression();
  if (accept(Tok::kColon)) {
    if (starts_expression()) e->c = expression();
  }
  e->loc = loc_from(start);
  return e;
}

// for_if_clauses: (ASYNC? 'for' star_targets 'in' ~ disjunction ('if' disjunction)*)+
std::vector<ast::Comprehension> Parser::for_if_clauses() {
  std::vector<ast::Comprehension> out;
  while (at_comprehension()) {
    ast::Comprehension c;
    c.is_async = accept(Tok::kAsync);
    advance();  // 'for'
    const int t_start = pos_;
    if (!speculate([&] { c.target = star_targets(); }) || !at(Tok::kIn) ||
        invalid_target(c.target.get(), TargetsType::kFor)) {
      fail_for_target(t_start);
    }
    advance();
    to_store(c.target.get());
    c.iter = disjunction();
    while (accept(Tok::kIf)) c.ifs.push_back(disjunction());
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace concsim::python::detail
