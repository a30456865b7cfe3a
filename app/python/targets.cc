// Assignment and deletion targets: turning a parsed expression into a
// target (pegen's _PyPegen_set_expr_context), and CPython's messages for the
// ones that cannot be (action_helpers.c _PyPegen_get_invalid_target,
// _PyPegen_get_expr_name; python.gram invalid_assignment,
// invalid_named_expression).
#include "app/python/parser_impl.h"

namespace concsim::python::detail {
namespace {

void set_context(Expr* e, ast::Ctx ctx) {
  switch (e->kind) {
    case ExprKind::kName:
    case ExprKind::kAttribute:
    case ExprKind::kSubscript:
      e->ctx = ctx;
      break;
    case ExprKind::kStarred:
      e->ctx = ctx;
      set_context(e->a.get(), ctx);
      break;
    case ExprKind::kList:
    case ExprKind::kTuple:
      e->ctx = ctx;
      for (ExprP& item : e->items) set_context(item.get(), ctx);
      break;
    default:
      break;
  }
}

bool grouped(const Expr* e, const Token& first) {
  return first.kind == Tok::kLPar && (e->loc.line != first.line || e->loc.col != first.col);
}

// Nodes that a `bitwise_or` can be (unless in parentheses).
bool bitwise_or_level(const Expr* e) {
  switch (e->kind) {
    case ExprKind::kCompare:
    case ExprKind::kBoolOp:
    case ExprKind::kIfExp:
    case ExprKind::kLambda:
    case ExprKind::kNamedExpr:
    case ExprKind::kStarred:
    case ExprKind::kYield:
    case ExprKind::kYieldFrom:
      return false;
    case ExprKind::kUnaryOp:
      return e->unary_op != ast::UnaryOp::kNot;
    default:
      return true;
  }
}

}  // namespace

void Parser::to_store(Expr* e) { set_context(e, ast::Ctx::kStore); }
void Parser::to_del(Expr* e) { set_context(e, ast::Ctx::kDel); }

const Expr* Parser::invalid_target(const Expr* e, TargetsType type) {
  if (e == nullptr) return nullptr;
  switch (e->kind) {
    case ExprKind::kList:
    case ExprKind::kTuple:
      for (const ExprP& item : e->items) {
        if (const Expr* bad = invalid_target(item.get(), type)) return bad;
      }
      return nullptr;
    case ExprKind::kStarred:
      if (type == TargetsType::kDel) return e;
      return invalid_target(e->a.get(), type);
    case ExprKind::kCompare:
      // `for a in b`: the target was read as far as a comparison.
      if (type == TargetsType::kFor) {
        if (e->ops.front() == ast::CmpOp::kIn) return invalid_target(e->a.get(), type);
        return nullptr;
      }
      return e;
    case ExprKind::kName:
    case ExprKind::kSubscript:
    case ExprKind::kAttribute:
      return nullptr;
    default:
      return e;
  }
}

const char* Parser::expr_name(const Expr* e) {
  switch (e->kind) {
    case ExprKind::kAttribute: return "attribute";
    case ExprKind::kSubscript: return "subscript";
    case ExprKind::kStarred: return "starred";
    case ExprKind::kName: return "name";
    case ExprKind::kList: return "list";
    case ExprKind::kTuple: return "tuple";
    case ExprKind::kLambda: return "lambda";
    case ExprKind::kCall: return "function call";
    case ExprKind::kBoolOp:
    case ExprKind::kBinOp:
    case ExprKind::kUnaryOp: return "expression";
    case ExprKind::kGeneratorExp: return "generator expression";
    case ExprKind::kYield:
    case ExprKind::kYieldFrom: return "yield expression";
    case ExprKind::kAwait: return "await expression";
    case ExprKind::kListComp: return "list comprehension";
    case ExprKind::kSetComp: return "set comprehension";
    case ExprKind::kDictComp: return "dict comprehension";
    case ExprKind::kDict: return "dict literal";
    case ExprKind::kSet: return "set display";
    case ExprKind::kJoinedStr:
    case ExprKind::kFormattedValue: return "f-string expression";
    case ExprKind::kConstant:
      switch (e->value.kind) {
        case ast::ConstKind::kNone: return "None";
        case ast::ConstKind::kBool: return e->value.b ? "True" : "False";
        case ast::ConstKind::kEllipsis: return "ellipsis";
        default: return "literal";
      }
    case ExprKind::kCompare: return "comparison";
    case ExprKind::kIfExp: return "conditional expression";
    case ExprKind::kNamedExpr: return "named expression";
    case ExprKind::kSlice: return "slice";
  }
  return "expression";
}

// The lookahead !(list|tuple|genexp|'True'|'None'|'False') of
// invalid_named_expression: does the text at the start of `e` read as one
// of those?
bool Parser::starts_with_display(const Expr* e, int e_start) const {
  const Token& first = tok(e_start);
  if (first.kind == Tok::kTrue || first.kind == Tok::kNone || first.kind == Tok::kFalse) {
    return true;
  }
  if (first.kind != Tok::kLSqb && first.kind != Tok::kLPar) return false;
  // Down the left edge of the tree to the atom that starts at `first`.
  for (const Expr* cur = e; cur != nullptr;) {
    if (cur->loc.line == first.line && cur->loc.col == first.col) {
      if (cur->kind == ExprKind::kList || cur->kind == ExprKind::kTuple ||
          cur->kind == ExprKind::kGeneratorExp) {
        return true;
      }
    }
    switch (cur->kind) {
      case ExprKind::kBinOp:
      case ExprKind::kAttribute:
      case ExprKind::kSubscript:
      case ExprKind::kCall:
      case ExprKind::kCompare:
        cur = cur->a.get();
        break;
      case ExprKind::kBoolOp:
        cur = cur->items.front().get();
        break;
      case ExprKind::kIfExp:
        cur = cur->b.get();
        break;
      default:
        cur = nullptr;
        break;
    }
  }
  return false;
}

// invalid_named_expression, for `e` followed by the '=' at token `eq`:
//   a=NAME '=' b=bitwise_or !('='|':=')
//   !(list|tuple|genexp|'True'|'None'|'False') a=bitwise_or b='=' bitwise_or !('='|':=')
void Parser::named_expression_error(const Expr* e, int e_start, int eq) {
  if (!invalid_) return;
  const bool name = tok(e_start).kind == Tok::kName && e_start + 1 == eq;
  // The second form: e must be all of a bitwise_or, and not begin with a
  // display or True/None/False. Neither form reads past the '=' otherwise.
  const bool other = !starts_with_display(e, e_start) &&
                     (grouped(e, tok(e_start)) || bitwise_or_level(e));
  if (!name && !other) return;
  const Mark m = mark();
  pos_ = eq + 1;
  bool rhs = false;
  lookahead([&] {
    bitwise_or();
    rhs = !at(Tok::kEqual) && !at(Tok::kColonEqual);
  });
  reset(m);
  if (!rhs) return;
  if (name) {
    fail_at(ErrorClass::kSecondPass, e->loc,
            "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
  }
  fail_at(ErrorClass::kSecondPass, e->loc,
          std::string("cannot assign to ") + expr_name(e) +
              " here. Maybe you meant '==' instead of '='?");
}

// star_target: '*' (!'*' star_target) | target_with_star_atom, which the
// first pass reads as a primary (a name, attribute, subscript, or bracketed
// targets); what it is not is found by invalid_target() afterwards.
ExprP Parser::star_target() {
  const int start = pos_;
  if (at(Tok::kStar)) {
    advance();
    if (at(Tok::kStar)) fail_generic();
    ExprP v = star_target();
    auto e = make_expr(ExprKind::kStarred, loc_from(start));
    e->a = std::move(v);
    return e;
  }
  return parse_precedence(Prec::kPrimary);
}

// star_targets: star_target !',' | star_target (',' star_target)* [','].
ExprP Parser::star_targets() {
  const int start = pos_;
  ExprP first = star_target();
  if (!at(Tok::kComma)) return first;
  auto t = make_expr(ExprKind::kTuple, {});
  t->items.push_back(std::move(first));
  while (accept(Tok::kComma)) {
    if (!at(Tok::kStar) && !(starts_expression() && starts_primary())) break;
    t->items.push_back(star_target());
  }
  t->loc = loc_from(start);
  return t;
}

// invalid_for_target: ASYNC? 'for' a=star_expressions, read by the second
// pass from the start of the target (so `in` is read as a comparison).
void Parser::fail_for_target(int target_start) {
  pos_ = target_start;
  ExprP a;
  if (lookahead([&] { a = star_expressions(); })) {
    if (const Expr* bad = invalid_target(a.get(), TargetsType::kFor)) {
      fail_at(ErrorClass::kSecondPass, bad->loc, std::string("cannot assign to ") + expr_name(bad));
    }
  }
  fail_generic();
}

// A chain `t1 = t2 = ... = value` with a target that is not one, as the
// second pass's invalid_assignment reports it: first the checks of
// invalid_named_expression on what precedes the first '=', then
// "cannot assign to %s" (or the yield message) at the first bad target.
void Parser::fail_assignment(const std::vector<ExprP>& targets, const std::vector<int>& starts,
                             const std::vector<int>& eqs, bool first_bare) {
  const Expr* first = targets.front().get();
  const int eq = eqs.front();
  if (tok(eq - 1).kind != Tok::kComma) {
    const Expr* last = first;
    int last_start = starts.front();
    if (first_bare) {
      // The last element of a tuple without brackets starts after the last
      // comma at the level of the '='.
      last = first->items.back().get();
      for (int i = eq - 1; i > last_start; --i) {
        if (tok(i).kind == Tok::kComma && tok(i).level == tok(eq).level) {
          last_start = i + 1;
          break;
        }
      }
    }
    if (last->kind != ExprKind::kStarred) named_expression_error(last, last_start, eq);
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Expr* t = targets[i].get();
    if (t->kind == ExprKind::kYield || t->kind == ExprKind::kYieldFrom) {
      fail_at(ErrorClass::kSecondPass, t->loc, "assignment to yield expression not possible");
    }
    if (const Expr* bad = invalid_target(t, TargetsType::kStar)) {
      fail_at(ErrorClass::kSecondPass, bad->loc, std::string("cannot assign to ") + expr_name(bad));
    }
  }
  fail_generic();
}

}  // namespace concsim::python::detail
