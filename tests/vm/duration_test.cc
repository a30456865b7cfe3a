// Durations (the YAML language's exact nanoseconds) have no CPython
// counterpart: the oracle here is Python's exact rationals. A duration of
// n ns is Fraction(n, 10**9) seconds; comparisons and hashes must agree
// with that number's, and arithmetic with the YAML language's units
// (models/program/expr.cc), computed on the nanosecond counts in Python.
#include "models/vm/library.h"
#include "tests/vm/oracle.h"

namespace concsim::vm::testing {
namespace {

using ast::BinOp;
using ast::CmpOp;

class DurationTest : public VmTest {};

const std::int64_t kNs[] = {0, 1, -1, 1500000000, 2000000000, -2500000000, 999999999, 1000000001,
                            9007199254740993, -9223372036854775807, 100000000, 333333333};

TEST_F(DurationTest, ComparisonsAndHashesAgreeWithExactSeconds) {
  std::vector<Case> cases;
  const char* const numbers[] = {"0",    "1",   "2",   "-3",   "1.5", "2.0", "-2.5", "0.1",  "0.999999999",
                                 "1e-9", "9007199.254740993", "float('inf')", "float('nan')", "True"};
  const std::pair<CmpOp, const char*> ops[] = {{CmpOp::kEq, "=="}, {CmpOp::kLt, "<"}, {CmpOp::kGtE, ">="}};
  for (std::int64_t ns : kNs) {
    const std::string frac = "Fraction(" + std::to_string(ns) + ", 10**9)";
    for (const char* n : numbers) {
      for (const auto& [op, sym] : ops) {
        // Python compares the exact rational with the number (a float exactly;
        // a NaN compares false, an infinity as itself).
        const std::string expr = std::string("exec:from fractions import Fraction\nimport math\nx = ") + n +
                                 "\nresult = False if isinstance(x, float) and not math.isfinite(x) and math.isnan(x)"
                                 " else (" + frac + " " + sym + " x if isinstance(x, float) and math.isinf(x) else " +
                                 frac + " " + sym + " Fraction(x))";
        cases.push_back({expr, [this, ns, n, op = op] { return rich_compare(vm(), op, Value::duration(ns), eval(n)); }});
      }
    }
    for (std::int64_t other : kNs) {
      cases.push_back({std::to_string(ns) + " < " + std::to_string(other),
                       [this, ns, other] {
                         return rich_compare(vm(), CmpOp::kLt, Value::duration(ns), Value::duration(other));
                       }});
    }
    cases.push_back({"exec:from fractions import Fraction\nresult = hash(" + frac + ")", [this, ns] {
                       return call(builtin("hash"), {Value::duration(ns)});
                     }});
  }
  EXPECT_EQ(check(cases), 0);
}

// The nanosecond count of a duration result, an int result, or the error.
Value ns_of(const Value& v) {
  if (v.is(Kind::kDuration)) return make_tuple({make_str("ns"), Value::integer(v.as_duration())});
  return v;
}

TEST_F(DurationTest, ArithmeticKeepsTheYamlUnits) {
  std::vector<Case> cases;
  auto dur = [](std::int64_t ns) { return "('ns', " + std::to_string(ns) + ")"; };
  const std::int64_t a = 1500000000;
  const std::int64_t b = -400000000;
  // duration +- duration; * int; // and / by int (floored); duration / duration (floored int); %.
  cases.push_back({dur(a + b), [&] { return ns_of(binary_op(vm(), BinOp::kAdd, Value::duration(a), Value::duration(b))); }});
  cases.push_back({dur(a - b), [&] { return ns_of(binary_op(vm(), BinOp::kSub, Value::duration(a), Value::duration(b))); }});
  cases.push_back({dur(a * 3), [&] { return ns_of(binary_op(vm(), BinOp::kMult, Value::duration(a), Value::integer(3))); }});
  cases.push_back({dur(a * 3), [&] { return ns_of(binary_op(vm(), BinOp::kMult, Value::integer(3), Value::duration(a))); }});
  cases.push_back({dur(-1000000000 / 7 - 1),
                   [&] { return ns_of(binary_op(vm(), BinOp::kDiv, Value::duration(-1000000000), Value::integer(7))); }});
  cases.push_back({"exec:result = ('ns', -1000000000 // 7)",
                   [&] { return ns_of(binary_op(vm(), BinOp::kFloorDiv, Value::duration(-1000000000), Value::integer(7))); }});
  cases.push_back({"1500000000 // -400000000",
                   [&] { return binary_op(vm(), BinOp::kDiv, Value::duration(a), Value::duration(b)); }});
  cases.push_back({"exec:result = ('ns', 1500000000 % -400000000)",
                   [&] { return ns_of(binary_op(vm(), BinOp::kMod, Value::duration(a), Value::duration(b))); }});
  cases.push_back({"exec:result = ('ns', 1500000000 % 7)",
                   [&] { return ns_of(binary_op(vm(), BinOp::kMod, Value::duration(a), Value::integer(7))); }});
  // Floats: * and / to the nearest ns (ties to even), // floored.
  cases.push_back({"exec:result = ('ns', round(1500000000 * 0.1))",
                   [&] { return ns_of(binary_op(vm(), BinOp::kMult, Value::duration(a), Value::floating(0.1))); }});
  cases.push_back({"exec:result = ('ns', round(1000000000 / 3.0))",
                   [&] { return ns_of(binary_op(vm(), BinOp::kDiv, Value::duration(1000000000), Value::floating(3.0))); }});
  cases.push_back({"exec:import math\nresult = ('ns', math.floor(1000000000 / 0.7))",
                   [&] { return ns_of(binary_op(vm(), BinOp::kFloorDiv, Value::duration(1000000000), Value::floating(0.7))); }});
  cases.push_back({"exec:result = ('ns', round(3 * 0.5))",
                   [&] { return ns_of(binary_op(vm(), BinOp::kMult, Value::duration(3), Value::floating(0.5))); }});
  // Units that do not combine.
  for (BinOp op : {BinOp::kAdd, BinOp::kSub}) {
    cases.push_back({std::string("exec:raise TypeError(\"unsupported operand type(s) for ") +
                         lib::binop_symbol(op) + ": 'duration' and 'int'\")",
                     [&, op] { return binary_op(vm(), op, Value::duration(a), Value::integer(1)); }});
  }
  cases.push_back({"exec:raise TypeError(\"unsupported operand type(s) for *: 'duration' and 'duration'\")",
                   [&] { return binary_op(vm(), BinOp::kMult, Value::duration(a), Value::duration(a)); }});
  cases.push_back({"exec:raise TypeError(\"unsupported operand type(s) for /: 'int' and 'duration'\")",
                   [&] { return binary_op(vm(), BinOp::kDiv, Value::integer(1), Value::duration(a)); }});
  cases.push_back({"exec:raise ZeroDivisionError('division by zero')",
                   [&] { return binary_op(vm(), BinOp::kDiv, Value::duration(a), Value::integer(0)); }});
  cases.push_back({"exec:raise OverflowError('concsim: integer overflow: * result does not fit in 64 bits')",
                   [&] { return binary_op(vm(), BinOp::kMult, Value::duration(a), Value::integer(1LL << 40)); }});
  // Unary, abs, truth, str, format (seconds as the text and as a float).
  cases.push_back({dur(-a), [&] { return ns_of(unary_op(vm(), ast::UnaryOp::kUSub, Value::duration(a))); }});
  cases.push_back({dur(400000000), [&] { return ns_of(call(builtin("abs"), {Value::duration(b)})); }});
  cases.push_back({"(False, True)", [&] {
                     return make_tuple({Value::boolean(truthy(vm(), Value::duration(0)) == 1),
                                        Value::boolean(truthy(vm(), Value::duration(1)) == 1)});
                   }});
  cases.push_back({"'1.5s'", [&] { return str(vm(), Value::duration(a)); }});
  cases.push_back({"'-0.4s'", [&] { return str(vm(), Value::duration(b)); }});
  cases.push_back({"format(1.5, '.3f')", [&] { return format(vm(), Value::duration(a), make_str(".3f")); }});
  cases.push_back({"format('1.5s', '>6')", [&] { return format(vm(), Value::duration(a), make_str(">6")); }});
  cases.push_back({"1.5", [&] { return to_float(vm(), Value::duration(a)); }});
  EXPECT_EQ(check(cases), 0);
}

}  // namespace
}  // namespace concsim::vm::testing
