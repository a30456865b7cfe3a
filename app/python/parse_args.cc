// Parameters (def and lambda), call arguments, and the bracketed displays:
// tuples, groups and generator expressions, lists, dicts and sets, with
// their comprehensions (Grammar/python.gram, "Function parameters",
// "LITERALS", "FUNCTION CALL ARGUMENTS", and their invalid_* rules).
#include "app/python/parser_impl.h"

namespace concsim::python::detail {

// ---------------------------------------------------------------- parameters

// parameters / lambda_parameters, read left to right. The invalid_parameters
// and invalid_star_etc / invalid_kwds rules give the messages; `closer` is
// ')' for def and ':' for lambda.
std::unique_ptr<ast::Arguments> Parser::parameters(bool lambda) {
  const Tok closer = lambda ? Tok::kColon : Tok::kRPar;
  auto out = std::make_unique<ast::Arguments>();
  std::vector<ast::Arg> positional;
  bool slash = false;
  bool star = false;  // after '*' or '*args': keyword-only parameters follow
  bool saw_default = false;
  const auto param = [&](bool star_annotation) {
    const int s = pos_;
    ast::Arg a;
    a.name = std::string(expect(Tok::kName).text);
    if (!lambda && accept(Tok::kColon)) {  // the annotation, parsed and dropped
      if (star_annotation) {
        star_expression();
      } else {
        expression();
      }
    }
    a.loc = loc_from(s);
    return a;
  };
  const auto ends_param = [&]() { return at(Tok::kComma) || at(closer); };
  // Each parameter is followed by ',' or the closer.
  const auto separator = [&]() {
    if (accept(Tok::kComma)) return;
    if (!at(closer)) fail_generic();
  };
  while (!at(closer)) {
    const Tok k = peek_kind();
    if (k == Tok::kName) {
      ast::Arg a = param(false);
      ExprP def;
      if (at(Tok::kEqual)) {
        const Token& eq = advance();
        if (at(Tok::kRPar) || at(Tok::kComma)) {
          fail_token(ErrorClass::kSecondPass, eq, "expected default value expression");
        }
        def = expression();
      }
      if (!ends_param()) fail_generic();
      if (star) {
        out->kwonlyargs.push_back(std::move(a));
        out->kw_defaults.push_back(std::move(def));
      } else {
        if (def) {
          saw_default = true;
          out->defaults.push_back(std::move(def));
        } else if (saw_default) {
          fail_at(ErrorClass::kSecondPass, a.loc, "non-default argument follows default argument");
        }
        positional.push_back(std::move(a));
      }
      separator();
    } else if (k == Tok::kSlash) {
      const Token& sl = peek();
      if (positional.empty() && !slash && !star) {
        // invalid_parameters: a="/" ',' (looked at by the second pass only)
        if (lookahead([&] {
              advance();
              expect(Tok::kComma);
            })) {
          fail_token(ErrorClass::kSecondPass, sl, "at least one argument must precede /");
        }
        fail_generic();
      }
      if (star) fail_token(ErrorClass::kSecondPass, sl, "/ must be ahead of *");
      if (slash) fail_token(ErrorClass::kSecondPass, sl, "/ may appear only once");
      advance();
      slash = true;
      for (ast::Arg& a : positional) out->posonlyargs.push_back(std::move(a));
      positional.clear();
      if (at(Tok::kStar)) {
        fail_token(ErrorClass::kSecondPass, peek(), "expected comma between / and *");
      }
      separator();
    } else if (k == Tok::kStar) {
      if (star) {
        // invalid_star_etc: ... a='*' (param_no_default | ',')
        const Token& again = peek();
        if (lookahead([&] {
              advance();
              if (!at(Tok::kComma) && !at(Tok::kName)) fail_generic();
            })) {
          fail_token(ErrorClass::kSecondPass, again, "* argument may appear only once");
        }
        fail_generic();
      }
      const Token& st = advance();
      const bool bare_end =
          at(closer) ||
          (at(Tok::kComma) && (peek_kind(1) == closer || peek_kind(1) == Tok::kDoubleStar));
      if (bare_end) {
        // invalid_star_etc names the '*'; invalid_lambda_star_etc has no
        // location (the last token).
        if (lambda) fail_last(ErrorClass::kSecondPass, "named arguments must follow bare *");
        fail_token(ErrorClass::kSecondPass, st, "named arguments must follow bare *");
      }
      star = true;
      if (accept(Tok::kComma)) continue;
      out->vararg = std::make_unique<ast::Arg>(param(true));
      if (at(Tok::kEqual)) {
        fail_token(ErrorClass::kSecondPass, peek(),
                   "var-positional argument cannot have default value");
      }
      if (!ends_param()) fail_generic();
      separator();
    } else if (k == Tok::kDoubleStar) {
      advance();
      out->kwarg = std::make_unique<ast::Arg>(param(false));
      if (at(Tok::kEqual)) {
        fail_token(ErrorClass::kSecondPass, peek(),
                   "var-keyword argument cannot have default value");
      }
      if (accept(Tok::kComma)) {
        const Tok after = peek_kind();
        if (after == Tok::kName) {
          // invalid_kwds: '**' param ',' a=param
          ast::Arg extra;
          lookahead([&] { extra = param(false); });
          fail_at(ErrorClass::kSecondPass, extra.loc, "arguments cannot follow var-keyword argument");
        }
        if (after == Tok::kStar || after == Tok::kDoubleStar || after == Tok::kSlash) {
          fail_token(ErrorClass::kSecondPass, peek(), "arguments cannot follow var-keyword argument");
        }
      }
      if (!at(closer)) fail_generic();
    } else if (k == Tok::kLPar && !saw_default && !slash && !star) {
      // invalid_parameters: param_no_default* a='(' param_no_default+ ','? b=')'
      const Token& open = peek();
      const bool names = lookahead([&] {
        advance();
        param(false);
        while (accept(Tok::kComma)) {
          if (at(Tok::kRPar)) break;
          param(false);
        }
        expect(Tok::kRPar);
      });
      if (names) {
        fail_token(ErrorClass::kSecondPass, open,
                   lambda ? "Lambda expression parameters cannot be parenthesized"
                          : "Function parameters cannot be parenthesized");
      }
      fail_generic();
    } else {
      fail_generic();
    }
  }
  for (ast::Arg& a : positional) out->args.push_back(std::move(a));
  return out;
}

// ---------------------------------------------------------------- calls

// arguments: args [','] &')' with the messages of invalid_arguments and
// invalid_kwarg. Called after the '('; consumes the ')'.
void Parser::call_arguments(Expr* call, int open) {
  const int args_start = pos_;
  // `arguments` is a memoized rule: once read without the invalid_* rules
  // (as expression_without_invalid reads it), CPython's second pass reuses
  // that reading at the same place, and so the invalid rules never run there.
  if (plain_arguments_.empty()) plain_arguments_.resize(lexed_.tokens.size());
  std::uint8_t& plain = plain_arguments_[static_cast<std::size_t>(args_start)];
  if (!invalid_ && pass2_) plain = 1;
  const bool saved_invalid = invalid_;
  if (plain && pass2_) invalid_ = false;
  call_arguments_body(call, open, args_start);
  invalid_ = saved_invalid;
}

void Parser::call_arguments_body(Expr* call, int open, int args_start) {
  bool saw_keyword = false;
  bool saw_unpacking = false;  // a **mapping among the keywords
  if (accept(Tok::kRPar)) return;
  for (;;) {
    const int a_start = pos_;
    if (at(Tok::kStar)) {
      // invalid_arguments: a=args ',' '*', where args stopped before the
      // '*': after a **mapping, or when what follows does not parse.
      if (saw_unpacking) {
        fail_token(ErrorClass::kSecondPass, tok(args_start),
                   "iterable argument unpacking follows keyword argument unpacking");
      }
      advance();
      ExprP v;
      if (!speculate([&] { v = expression(); })) {
        if (a_start > args_start) {
          fail_token(ErrorClass::kSecondPass, tok(args_start),
                     "iterable argument unpacking follows keyword argument unpacking");
        }
        fail_generic();
      }
      auto e = make_expr(ExprKind::kStarred, loc_from(a_start));
      e->a = std::move(v);
      call->items.push_back(std::move(e));
    } else if (at(Tok::kDoubleStar)) {
      advance();
      ast::Keyword kw;
      kw.value = expression();
      kw.loc = loc_from(a_start);
      call->keywords.push_back(std::move(kw));
      saw_unpacking = true;
    } else if (at(Tok::kName) && peek_kind(1) == Tok::kEqual) {
      const Token& name = advance();
      advance();
      ast::Keyword kw;
      kw.arg = std::string(name.text);
      kw.value = expression();
      if (at_comprehension()) {
        // invalid_kwarg: a=NAME b='=' expression for_if_clauses
        const bool clauses = lookahead([&] {
          for_if_clauses();
        });
        if (clauses) {
          fail_token(ErrorClass::kSecondPass, name,
                     "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
        }
        fail_generic();
      }
      kw.loc = loc_from(a_start);
      call->keywords.push_back(std::move(kw));
      saw_keyword = true;
    } else if ((at(Tok::kTrue) || at(Tok::kFalse) || at(Tok::kNone)) &&
               peek_kind(1) == Tok::kEqual) {
      const Token& t = peek();
      fail_token(ErrorClass::kSecondPass, t, "cannot assign to " + std::string(t.text));
    } else {
      if (saw_keyword || saw_unpacking) {
        // Positional arguments cannot follow keywords: the first pass stops
        // here. The second pass's invalid_arguments reads on:
        //   args ',' a=expression b=for_if_clauses  (a generator expression)
        //   a=args ',' args                          (reported where it stops)
        ExprP e;
        bool genexp = false;
        const bool more = lookahead([&] {
          e = expression();
          if (at_comprehension()) {
            genexp = lookahead([&] { for_if_clauses(); });
            return;
          }
          while (accept(Tok::kComma)) {
            if (at(Tok::kStar) || at(Tok::kDoubleStar)) advance();
            if (at(Tok::kName) && peek_kind(1) == Tok::kEqual) {
              advance();
              advance();
            }
            if (!starts_expression()) break;
            expression();
          }
          peek();
        });
        if (genexp) {
          fail_at(ErrorClass::kSecondPass, e->loc, "Generator expression must be parenthesized");
        }
        if (more) {
          fail_last(ErrorClass::kSecondPass,
                    saw_unpacking ? "positional argument follows keyword argument unpacking"
                                  : "positional argument follows keyword argument");
        }
        fail_generic();
      }
      // (assignment_expression | expression !':=') !'='
      ExprP e = (at(Tok::kName) && peek_kind(1) == Tok::kColonEqual) ? named_expression()
                                                                      : expression();
      if (at(Tok::kEqual)) {
        fail_at(ErrorClass::kSecondPass, e->loc,
                "expression cannot contain assignment, perhaps you meant \"==\"?");
      }
      if (at_comprehension()) {
        const bool alone = call->items.empty() && call->keywords.empty();
        if (alone) {
          std::vector<ast::Comprehension> gens = for_if_clauses();
          if (at(Tok::kRPar)) {
            advance();
            auto g = make_expr(ExprKind::kGeneratorExp, loc_from(open));
            g->a = std::move(e);
            g->generators = std::move(gens);
            call->items.push_back(std::move(g));
            return;
          }
          if (at(Tok::kComma)) {
            fail_at(ErrorClass::kSecondPass, e->loc, "Generator expression must be parenthesized");
          }
          fail_generic();
        }
        const bool clauses = lookahead([&] {
          for_if_clauses();
        });
        if (clauses) {
          fail_at(ErrorClass::kSecondPass, e->loc, "Generator expression must be parenthesized");
        }
        fail_generic();
      }
      call->items.push_back(std::move(e));
    }
    if (accept(Tok::kComma)) {
      if (accept(Tok::kRPar)) return;
      continue;
    }
    expect(Tok::kRPar);
    return;
  }
}

// ---------------------------------------------------------------- displays

// invalid_comprehension: ('[' | '(' | '{') a=starred_expression for_if_clauses
void Parser::starred_comprehension(const Expr* starred) {
  if (lookahead([&] { for_if_clauses(); })) {
    fail_at(ErrorClass::kSecondPass, starred->loc,
            "iterable unpacking cannot be used in comprehension");
  }
  fail_generic();
}

// '(' : the empty tuple, a group (yield_expr | named_expression), a tuple,
// or a generator expression.
ExprP Parser::paren_display(int start) {
  advance();
  if (accept(Tok::kRPar)) return make_expr(ExprKind::kTuple, loc_from(start));
  if (at(Tok::kYield)) {
    ExprP y = yield_expr();
    expect(Tok::kRPar);
    return y;
  }
  if (at(Tok::kDoubleStar)) {
    // invalid_group: '(' a='**' expression ')'
    const Token& ds = peek();
    const bool group = lookahead([&] {
      advance();
      expression();
      expect(Tok::kRPar);
    });
    if (group) fail_token(ErrorClass::kSecondPass, ds, "cannot use double starred expression here");
    fail_generic();
  }
  ExprP first = star_named_expression();
  if (first->kind == ExprKind::kStarred && at(Tok::kRPar)) {
    fail_at(ErrorClass::kSecondPass, first->loc, "cannot use starred expression here");
  }
  if (at_comprehension()) {
    if (first->kind == ExprKind::kStarred) starred_comprehension(first.get());
    auto g = make_expr(ExprKind::kGeneratorExp, {});
    g->a = std::move(first);
    g->generators = for_if_clauses();
    expect(Tok::kRPar);
    g->loc = loc_from(start);
    return g;
  }
  if (at(Tok::kComma)) {
    auto t = make_expr(ExprKind::kTuple, {});
    t->items.push_back(std::move(first));
    while (accept(Tok::kComma)) {
      if (at(Tok::kRPar)) break;
      t->items.push_back(star_named_expression());
    }
    expect(Tok::kRPar);
    t->loc = loc_from(start);
    return t;
  }
  expect(Tok::kRPar);
  return first;
}

ExprP Parser::list_display(int start) {
  advance();
  if (accept(Tok::kRSqb)) return make_expr(ExprKind::kList, loc_from(start));
  ExprP first = star_named_expression();
  if (at_comprehension()) {
    if (first->kind == ExprKind::kStarred) starred_comprehension(first.get());
    auto c = make_expr(ExprKind::kListComp, {});
    c->a = std::move(first);
    c->generators = for_if_clauses();
    expect(Tok::kRSqb);
    c->loc = loc_from(start);
    return c;
  }
  auto l = make_expr(ExprKind::kList, {});
  l->items.push_back(std::move(first));
  while (accept(Tok::kComma)) {
    if (at(Tok::kRSqb)) break;
    if (at_comprehension()) break;
    l->items.push_back(star_named_expression());
  }
  if (at_comprehension()) {
    // invalid_comprehension: the comprehension target needs parentheses.
    const bool clauses = lookahead([&] {
      for_if_clauses();
    });
    if (clauses) {
      fail_at(ErrorClass::kSecondPass, l->items.front()->loc,
              "did you forget parentheses around the comprehension target?");
    }
    fail_generic();
  }
  expect(Tok::kRSqb);
  l->loc = loc_from(start);
  return l;
}

// '{': a dict, a set, or one of their comprehensions.
ExprP Parser::dict_or_set(int start) {
  advance();
  if (accept(Tok::kRBrace)) return make_expr(ExprKind::kDict, loc_from(start));
  const bool dict_start = at(Tok::kDoubleStar);
  ExprP first;
  int first_start = pos_;
  if (!dict_start) {
    first = star_named_expression();
    if (!at(Tok::kColon)) {
      // A set.
      if (at_comprehension()) {
        if (first->kind == ExprKind::kStarred) starred_comprehension(first.get());
        auto c = make_expr(ExprKind::kSetComp, {});
        c->a = std::move(first);
        c->generators = for_if_clauses();
        expect(Tok::kRBrace);
        c->loc = loc_from(start);
        return c;
      }
      auto s = make_expr(ExprKind::kSet, {});
      s->items.push_back(std::move(first));
      while (accept(Tok::kComma)) {
        if (at(Tok::kRBrace)) break;
        if (at_comprehension()) break;
        s->items.push_back(star_named_expression());
      }
      if (at_comprehension()) {
        const bool clauses = lookahead([&] {
          for_if_clauses();
        });
        if (clauses) {
          fail_at(ErrorClass::kSecondPass, s->items.front()->loc,
                  "did you forget parentheses around the comprehension target?");
        }
        fail_generic();
      }
      expect(Tok::kRBrace);
      s->loc = loc_from(start);
      return s;
    }
    const bool grouped = tok(first_start).kind == Tok::kLPar;
    if ((first->kind == ExprKind::kNamedExpr || first->kind == ExprKind::kStarred) && !grouped) {
      fail_generic();
    }
  }
  // A dict: double_starred_kvpair (',' double_starred_kvpair)* [','].
  auto d = make_expr(ExprKind::kDict, {});
  int pairs = 0;
  // The value after a key's ':' (invalid_double_starred_kvpairs, invalid_kvpair).
  const auto value = [&](const Token& colon) -> ExprP {
    if (at(Tok::kRBrace) || at(Tok::kComma)) {
      fail_token(ErrorClass::kSecondPass, colon,
                 "expression expected after dictionary key and ':'");
    }
    if (at(Tok::kStar)) {
      const Token& st = peek();
      const bool starred = lookahead([&] {
        advance();
        bitwise_or();
      });
      if (starred) {
        fail_token(ErrorClass::kSecondPass, st,
                   "cannot use a starred expression in a dictionary value");
      }
    }
    return expression();
  };
  for (;;) {
    if (at(Tok::kDoubleStar)) {
      const Token& ds = advance();
      ExprP v = bitwise_or();
      if (pairs == 0 && at_comprehension()) {
        // invalid_dict_comprehension: '{' a='**' bitwise_or for_if_clauses '}'
        const bool comp = lookahead([&] {
          for_if_clauses();
          expect(Tok::kRBrace);
        });
        if (comp) {
          fail_token(ErrorClass::kSecondPass, ds,
                     "dict unpacking cannot be used in dict comprehension");
        }
        fail_generic();
      }
      d->keys.push_back(nullptr);
      d->items.push_back(std::move(v));
    } else {
      ExprP key;
      if (first) {
        key = std::move(first);
      } else {
        // CPython's second pass gives these keys invalid_kvpair's message,
        // never invalid_expression's "Perhaps you forgot a comma?".
        first_start = pos_;
        key = expression(pairs == 0);
      }
      if (!at(Tok::kColon)) {
        if (pairs > 0) {
          // invalid_kvpair: a=expression !(':'), at the end of the key.
          fail(ErrorClass::kSecondPass, "':' expected after dictionary key", key->loc.line,
               key->loc.end_col - 1);
        }
        fail_generic();
      }
      const Token& colon = advance();
      ExprP v = value(colon);
      if (pairs == 0 && at_comprehension()) {
        auto c = make_expr(ExprKind::kDictComp, {});
        c->a = std::move(key);
        c->b = std::move(v);
        c->generators = for_if_clauses();
        expect(Tok::kRBrace);
        c->loc = loc_from(start);
        return c;
      }
      d->keys.push_back(std::move(key));
      d->items.push_back(std::move(v));
    }
    ++pairs;
    if (accept(Tok::kComma)) {
      if (at(Tok::kRBrace)) break;
      continue;
    }
    break;
  }
  expect(Tok::kRBrace);
  d->loc = loc_from(start);
  return d;
}

}  // namespace concsim::python::detail
