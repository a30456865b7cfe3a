// Expressions of the program language.
//
// Written in step fields as "$name" (a variable) or "${expression}", in
// conditions (`if`, `while`) as plain text, and inside log templates as
// "{expression}". Grammar, loosest binding first:
//   or  ->  and ("or" and)*          and -> not ("and" not)*
//   not ->  "not" not | cmp           cmp -> sum (("=="|"!="|"<"|"<="|">"|">=") sum)?
//   sum ->  prod (("+"|"-") prod)*    prod -> unary (("*"|"/"|"%") unary)*
//   unary -> "-" unary | primary
//   primary -> integer | duration ("1.5ms") | 'string' | "string" | true | false
//            | null | None | "[]" | name | name "(" args ")" | "(" or ")"
// Functions: len(x), str(x), min(a, b), max(a, b), abs(x), now() (the
// virtual time, a duration since the run began), append(list, x)
// (a new list with x at the end; lists are values, never changed in place).
// Compiled once to postfix code; evaluation uses a fixed stack and never
// allocates unless it builds a string. Type errors at run time raise
// TypeError, division by zero ZeroDivisionError, in the running task.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/program/value.h"

namespace concsim::models {

struct VarRef {
  bool shared = false;  // a shared variable of the run, else a local of the task
  std::uint32_t slot = 0;
};

struct ExprOp {
  enum Code : std::uint8_t {
    kConst, kLocal, kShared, kNeg, kNot, kAdd, kSub, kMul, kDiv, kMod,
    kEq, kNe, kLt, kLe, kGt, kGe,
    kAndJump,  // if top is false: keep it and jump to operand, else pop
    kOrJump,   // if top is true: keep it and jump to operand, else pop
    kLen, kStr, kMin, kMax, kAbs, kAppend, kEmptyList, kNow,
  };
  Code code;
  std::uint32_t operand = 0;  // constant index, slot or jump target
};

struct Expr {
  std::vector<ExprOp> code;
  std::vector<Value> constants;
  std::string text;  // as written, for messages
  // Set by the parser when the code is a chain: an operand, then pairs of
  // (operand, operator), where an operand is a constant or a variable and
  // an operator is +, -, * or a comparison ("request + 1", "connection *
  // 4294967296 + request", "request >= 10"). eval_expr then tries a short
  // loop without a stack for ints and durations first (a performance trick:
  // a server evaluates a few of these per request), and leaves anything
  // else (another kind, an unset variable, a unit error, an overflow) to the
  // general evaluator, which gives the value or raises the exception.
  bool chain = false;
  // A constant expression folds to its value at compile time.
  [[nodiscard]] bool is_constant() const {
    return code.size() == 1 && code[0].code == ExprOp::kConst;
  }
};

// A log template: literal text with {expression} holes ("{{" and "}}" escape).
struct Template {
  std::vector<std::string> literals;  // literals.size() == holes.size() + 1
  std::vector<Expr> holes;
};

using NameResolver = std::function<std::optional<VarRef>(std::string_view name)>;

struct ExprError {
  std::size_t offset = 0;  // byte offset in the text
  std::string message;
};

// Parses `text`. String literals are interned in `store`. Returns nullopt and
// fills *error on a syntax error or an unknown name.
std::optional<Expr> parse_expr(std::string_view text, Store& store, const NameResolver& resolve,
                               ExprError* error);
std::optional<Template> parse_template(std::string_view text, Store& store,
                                       const NameResolver& resolve, ExprError* error);

// A template's text split into its literals ("{{" and "}}" unescaped; one
// more than the holes) and the text of its holes, with each hole's byte
// offset. Returns false with *error at an unclosed "{". The step
// interpreter's parse_template and `concsim lower` both read templates so.
struct TemplateText {
  std::vector<std::string> literals;
  std::vector<std::string_view> holes;
  std::vector<std::size_t> hole_offsets;
};
bool split_template(std::string_view text, TemplateText* out, ExprError* error);

// Exact duration literal: digits, optional fraction, unit ns|us|ms|s|m|h.
// Returns false with a reason when malformed, finer than 1 ns, or too large.
bool parse_duration_literal(std::string_view text, std::int64_t* ns, std::string* error);

// Evaluates an expression. On a run-time error returns false and sets *exc to
// the exception value (TypeError, ZeroDivisionError, NameError).
struct EvalContext {
  Store& store;
  const Value* locals;
  const Value* shared;
  const TaskNamer* namer;
  std::int64_t now = 0;  // virtual time, ns, for now()
};
bool eval_expr(const Expr& e, const EvalContext& ctx, Value* out, Value* exc);
bool eval_template(const Template& t, const EvalContext& ctx, std::string* out, Value* exc);

}  // namespace concsim::models
