// The fast path of chain expressions ("request + 1", "connection *
// 4294967296 + request"; Expr::chain) against the general evaluator: for
// every expression and every choice of operand kinds and values, including
// unset variables, strings, mixed units and overflow, both give the same
// value or raise the same exception with the same message.
#include "models/program/expr.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace concsim::models {
namespace {

// The outcome of an evaluation as text: "=kind:payload" or "!Type: message".
std::string outcome(const Expr& e, Store& store, const std::vector<Value>& locals,
                    const std::vector<Value>& shared) {
  const EvalContext ctx{store, locals.data(), shared.data(), nullptr, 0};
  Value out;
  Value exc;
  if (!eval_expr(e, ctx, &out, &exc)) {
    const ExceptionObject& x = store.exception(exc.index());
    return "!" + store.str(x.type) + ": " + store.format(x.message, nullptr);
  }
  // A string by its text: a concatenation makes a new string each time.
  const std::string payload = out.kind == ValueKind::kString ? store.str(out.index()) : std::to_string(out.bits);
  return "=" + std::to_string(static_cast<int>(out.kind)) + ":" + payload;
}

TEST(ExprChain, SameOutcomeAsTheGeneralEvaluator) {
  Store store;
  const std::uint32_t text = store.intern("x");
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::vector<Value> samples = {
      Value::integer(0),         Value::integer(3),          Value::integer(-7),
      Value::integer(big),       Value::integer(-big - 1),   Value::integer(4294967296),
      Value::duration(0),        Value::duration(5),         Value::duration(big),
      Value::boolean(true),      Value::null(),              Value::unset(),
      Value::string(text),
  };
  // Locals a and b, shared c; the parser resolves names to these slots.
  const auto resolve = [](std::string_view name) -> std::optional<VarRef> {
    if (name == "a") return VarRef{false, 0};
    if (name == "b") return VarRef{false, 1};
    if (name == "c") return VarRef{true, 0};
    return std::nullopt;
  };
  const std::vector<std::string> texts = {
      "a + b",  "a - b",  "a * b",  "a == b", "a != b", "a < b",  "a <= b", "a > b",  "a >= b",
      "a + 1",  "a * 4294967296 + b", "a - b - c", "c + a * 2", "a + 1ms", "a * 2 >= b",
      "a + b + c + a + b",
  };
  int chains = 0;
  int checked = 0;
  for (const std::string& t : texts) {
    ExprError error;
    std::optional<Expr> e = parse_expr(t, store, resolve, &error);
    ASSERT_TRUE(e.has_value()) << t << ": " << error.message;
    if (!e->chain) continue;
    ++chains;
    Expr general = *e;
    general.chain = false;
    for (const Value& a : samples) {
      for (const Value& b : samples) {
        for (const Value& c : {Value::integer(2), Value::duration(9), Value::unset()}) {
          const std::vector<Value> locals = {a, b};
          const std::vector<Value> shared = {c};
          ASSERT_EQ(outcome(*e, store, locals, shared), outcome(general, store, locals, shared))
              << t << " with a=" << static_cast<int>(a.kind) << ":" << a.bits
              << " b=" << static_cast<int>(b.kind) << ":" << b.bits
              << " c=" << static_cast<int>(c.kind) << ":" << c.bits;
          ++checked;
        }
      }
    }
  }
  // "c + a * 2" is not a chain (a * 2 is the right operand of +).
  EXPECT_EQ(chains, static_cast<int>(texts.size()) - 1);
  EXPECT_GT(checked, 7000);
}

TEST(ExprChain, OnlyOperandOperatorPairsAreChains) {
  Store store;
  const auto resolve = [](std::string_view name) -> std::optional<VarRef> {
    if (name == "a") return VarRef{false, 0};
    return std::nullopt;
  };
  const auto chain = [&](std::string_view t) {
    ExprError error;
    const std::optional<Expr> e = parse_expr(t, store, resolve, &error);
    EXPECT_TRUE(e.has_value()) << t;
    return e.has_value() && e->chain;
  };
  EXPECT_TRUE(chain("a + 1"));
  EXPECT_TRUE(chain("a * 2 + a - 3"));
  EXPECT_FALSE(chain("a"));            // one operand: its own fast path
  EXPECT_FALSE(chain("a + (a * 2)"));  // the right operand is not a constant or a variable
  EXPECT_FALSE(chain("a / 2"));        // division: floor semantics, the general evaluator's
  EXPECT_FALSE(chain("-a + 1"));
  EXPECT_FALSE(chain("a == 1 and a < 3"));
  EXPECT_FALSE(chain("len(a) + 1"));
}

}  // namespace
}  // namespace concsim::models
