// Numbers against CPython: every operator on every pair of a sample of
// ints, floats and bools (and the other builtin types, for the messages),
// comparisons, hashes, round, divmod, pow, int() and float() of strings.
#include <cmath>
#include <cstring>
#include <random>

#include "models/vm/library.h"
#include "tests/vm/oracle.h"

namespace concsim::vm::testing {
namespace {

using ast::BinOp;
using ast::CmpOp;
using ast::UnaryOp;

class NumberTest : public VmTest {};

// Operands whose results stay within 64 bits in CPython too (where they do
// not, concsim raises its overflow error instead: tested separately).
const char* const kNumbers[] = {
    "0",    "1",    "-1",   "7",     "-7",      "3",     "-3",    "100",  "2",    "-2",   "True", "False",
    "0.0",  "-0.0", "0.5",  "-2.5",  "3.75",    "1e-300", "1e300", "7.0",  "-7.0", "float('inf')",
    "float('-inf')", "float('nan')", "9007199254740993", "-9007199254740993", "4611686018427387904",
};

const char* const kOthers[] = {"'a'", "[1]", "(1,)", "None", "{1: 2}", "{1}"};

struct Op {
  BinOp op;
  const char* py;
};
const Op kOps[] = {{BinOp::kAdd, "+"},    {BinOp::kSub, "-"},     {BinOp::kMult, "*"},    {BinOp::kDiv, "/"},
                   {BinOp::kFloorDiv, "//"}, {BinOp::kMod, "%"},   {BinOp::kPow, "**"},    {BinOp::kLShift, "<<"},
                   {BinOp::kRShift, ">>"}, {BinOp::kBitAnd, "&"}, {BinOp::kBitOr, "|"},  {BinOp::kBitXor, "^"},
                   {BinOp::kMatMult, "@"}};

bool fits(const std::string& py_result) {
  // CPython's exact result: skip the ones that leave 64 bits (big ints).
  if (py_result.empty() || py_result[0] == '!') return true;
  if (py_result.find_first_not_of("-0123456789") != std::string::npos) return true;
  try {
    (void)std::stoll(py_result);
    return true;
  } catch (...) {
    return false;
  }
}

TEST_F(NumberTest, BinaryOperatorsMatchCPython) {
  std::vector<Case> cases;
  std::vector<std::string> operands(std::begin(kNumbers), std::end(kNumbers));
  for (const Op& op : kOps) {
    for (const std::string& a : operands) {
      for (const std::string& b : operands) {
        // CPython would compute 7 ** 2**62 for ever: no huge exponents.
        const bool huge = b.size() > 10 && b.find('.') == std::string::npos && b.find('(') == std::string::npos;
        if (huge && (op.op == BinOp::kPow || op.op == BinOp::kLShift)) continue;
        const std::string py = "(" + a + ") " + op.py + " (" + b + ")";
        cases.push_back({py, [this, op, a, b] { return binary_op(vm(), op.op, lit(a), lit(b)); }});
      }
    }
    for (const char* o : kOthers) {
      for (const std::string& a : {std::string("1"), std::string("1.5"), std::string(o)}) {
        const std::string b = o;
        cases.push_back({"(" + a + ") " + op.py + " (" + b + ")",
                         [this, op, a, b] { return binary_op(vm(), op.op, lit(a), lit(b)); }});
        cases.push_back({"(" + b + ") " + op.py + " (" + a + ")",
                         [this, op, a, b] { return binary_op(vm(), op.op, lit(b), lit(a)); }});
      }
    }
  }
  // Skip the cases whose CPython result is a big int.
  std::vector<std::string> exprs;
  for (const Case& c : cases) exprs.push_back(c.py);
  const std::vector<std::string> expected = python_eval(exprs);
  std::vector<Case> kept;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string& e = expected[i];
    if (e.size() > 2 && e.compare(e.size() - 2, 2, "j)") == 0) {
      // A complex result: concsim has no complex numbers and says so.
      EXPECT_EQ(outcome(cases[i].eval()).rfind("!ValueError: not supported by concsim: complex numbers", 0), 0U)
          << cases[i].py;
      continue;
    }
    if (fits(e)) kept.push_back(cases[i]);
  }
  EXPECT_GT(kept.size(), cases.size() * 9 / 10);
  check(kept);
}

TEST_F(NumberTest, InPlaceOperatorsMatchCPython) {
  std::vector<Case> cases;
  const char* const values[] = {"5", "2.5", "True", "[1]", "'ab'", "{1, 2}", "{'a': 1}"};
  for (const Op& op : kOps) {
    for (const char* a : values) {
      for (const char* b : values) {
        const std::string py = std::string("exec:x = ") + a + "\nx " + op.py + "= " + b + "\nresult = x";
        cases.push_back({py, [this, op, a, b] { return binary_op(vm(), op.op, lit(a), lit(b), true); }});
      }
    }
  }
  check(cases);
}

TEST_F(NumberTest, UnaryOperatorsMatchCPython) {
  std::vector<Case> cases;
  const std::pair<UnaryOp, const char*> ops[] = {
      {UnaryOp::kUSub, "-"}, {UnaryOp::kUAdd, "+"}, {UnaryOp::kInvert, "~"}, {UnaryOp::kNot, "not "}};
  for (const auto& [op, py] : ops) {
    for (const char* a : kNumbers) {
      cases.push_back({std::string(py) + "(" + a + ")", [this, op = op, a] { return unary_op(vm(), op, lit(a)); }});
    }
    for (const char* a : kOthers) {
      cases.push_back({std::string(py) + "(" + a + ")", [this, op = op, a] { return unary_op(vm(), op, lit(a)); }});
    }
  }
  check(cases);
}

TEST_F(NumberTest, ComparisonsMatchCPython) {
  std::vector<Case> cases;
  const std::pair<CmpOp, const char*> ops[] = {{CmpOp::kEq, "=="}, {CmpOp::kNotEq, "!="}, {CmpOp::kLt, "<"},
                                               {CmpOp::kLtE, "<="}, {CmpOp::kGt, ">"},   {CmpOp::kGtE, ">="}};
  std::vector<std::string> operands(std::begin(kNumbers), std::end(kNumbers));
  // Exactness of int against float near 2**53 and 2**63.
  for (const char* extra : {"9007199254740992", "9007199254740992.0", "9223372036854775807",
                            "9.223372036854776e18", "-9223372036854775807", "-9.223372036854776e18", "'a'", "None"}) {
    operands.push_back(extra);
  }
  for (const auto& [op, py] : ops) {
    for (const std::string& a : operands) {
      for (const std::string& b : operands) {
        cases.push_back({"(" + a + ") " + py + " (" + b + ")",
                         [this, op = op, a, b] { return rich_compare(vm(), op, lit(a), lit(b)); }});
      }
    }
  }
  check(cases);
}

TEST_F(NumberTest, HashesMatchCPython) {
  std::vector<Case> cases;
  std::mt19937_64 rng(20260601);
  // Not NaN (CPython hashes it by address), nor str or None (randomised
  // and by address): their hashes are concsim's own.
  std::vector<std::string> values;
  for (const char* v : kNumbers) {
    if (std::string(v) != "float('nan')") values.push_back(v);
  }
  for (const char* v : {"-1", "-2", "9223372036854775807", "-9223372036854775807", "2305843009213693951",
                        "2305843009213693952", "-2305843009213693952", "1.5", "-1.5", "1e-310", "0.1", "123456.789",
                        "(1, 2)", "()", "((1, 2), (3.5, -1))", "(1.0, True)", "frozenset()", "frozenset({1, 2, 3})",
                        "range(5)", "range(1, 10, 3)", "range(2, 9, 2)", "[1]", "{}", "{1}", "slice(1, 2)"}) {
    values.push_back(v);
  }
  for (int i = 0; i < 300; ++i) {
    double d;
    const std::uint64_t bits = rng();
    std::memcpy(&d, &bits, sizeof d);
    if (std::isnan(d)) continue;
    char buf[64];
    std::snprintf(buf, sizeof buf, "float('%.17g')", d);
    values.push_back(buf);
    values.push_back(std::to_string(static_cast<std::int64_t>(rng())));
  }
  Value h = builtin("hash");
  for (const std::string& v : values) {
    // frozenset hashes mix the hashes of their items: only ints keep them
    // equal to CPython's (strings are randomised there).
    cases.push_back({"hash(" + v + ")", [this, h, v] { return call(h, {lit(v)}); }});
  }
  check(cases);
}

TEST_F(NumberTest, RoundDivmodPowAbsMatchCPython) {
  std::vector<Case> cases;
  std::vector<std::string> exprs = {
      "round(2.5)", "round(3.5)", "round(-2.5)", "round(0.5)", "round(-0.5)", "round(1.5, None)", "round(2.675, 2)",
      "round(1234.5, -1)", "round(1250, -2)", "round(1350, -2)", "round(-1250, -2)", "round(5, -1)", "round(15, -1)",
      "round(25, -1)", "round(1, 'a')", "round('a')", "round(1e300, -300)", "round(5e-324, 323)",
      "round(123.456, -2)", "round(150.0, -2)", "round(250.0, -2)", "round(float('nan'))", "round(float('inf'))",
      "round(float('nan'), 2)", "round(float('inf'), -2)", "round(0.125, 2)", "round(0.375, 2)", "round(-0.0, 1)",
      "round(True)", "round(True, 2)", "round(7, 0)", "round(7, 3)", "round(-7, -1)",
"round(1.23456789e-5, 7)", "round(99.5)", "round(-99.5)",
      "round(1e16 + 2.5)", "round(1e-320, 400)", "round(12345.6789, -10)", "round(0.5, -1)",
      "divmod(7, 2)", "divmod(-7, 2)", "divmod(7, -2)", "divmod(7, 0)", "divmod(7.5, 2)", "divmod(-7.5, 2)",
      "divmod(7.5, -2)", "divmod(7.5, 0)", "divmod(1, 0.0)", "divmod('a', 1)", "divmod(True, 2)",
      "divmod(-0.0, 1)", "divmod(0.0, -1)", "divmod(float('inf'), 2)", "divmod(3, float('inf'))",
      "divmod(-3, float('inf'))", "pow(2, 10)", "pow(2, -1)", "pow(0, -1)", "pow(2, 3, 5)", "pow(2, -1, 5)",
      "pow(2, -1, 4)", "pow(2, 3, 0)", "pow(-2, 3, 5)", "pow(2, 3, -5)", "pow(7, 0, 1)", "pow(2.0, 3, 5)",
      "pow(2, 0.5, 5)", "pow('a', 2, 3)", "pow(2, 'a')", "pow(base=2, exp=5)", "pow(2)",
      "pow(10.0, 400)", "pow(-10.0, 401)", "pow(0.0, -1.5)", "pow(-0.0, -3)", "pow(-1, float('inf'))",
      "pow(float('nan'), 0)", "pow(1, float('nan'))", "pow(2, 62)", "pow(-2, 63)", "pow(3, 39)",
      "abs(-5)", "abs(-5.5)", "abs(True)", "abs(-0.0)", "abs('a')", "abs(float('-inf'))",
      "1 << 62", "-1 << 63", "(-9223372036854775807 - 1) % -1", "-4611686018427387904 * 2",
  };
  check_exprs(exprs, 40);
}

// Where CPython's result leaves 64 bits, concsim raises its own error,
// naming the operation.
TEST_F(NumberTest, OverflowRaisesWhereCPythonGoesBig) {
  const std::pair<const char*, const char*> cases[] = {
      {"2 ** 63", "**"},
      {"2 ** 62 * 2", "*"},
      {"-(-9223372036854775807 - 1)", "-"},
      {"9223372036854775807 + 1", "+"},
      {"-9223372036854775807 - 2", "-"},
      {"4611686018427387904 * 2", "*"},
      {"1 << 63", "<<"},
      {"(-9223372036854775807 - 1) // -1", "//"},
      {"round(1e20)", "int()"},
      {"round(9223372036854775807, -1)", "round()"},
      {"int('9223372036854775808')", "int()"},
      {"int(1e19)", "int()"},
      {"abs(-9223372036854775807 - 1)", "abs()"},
      {"pow(3, 40)", "**"},
  };
  std::vector<std::string> exprs;
  for (const auto& c : cases) exprs.push_back(c.first);
  const std::vector<std::string> python = python_eval(exprs);
  for (std::size_t i = 0; i < exprs.size(); ++i) {
    // CPython's result is an int outside 64 bits ...
    ASSERT_EQ(python[i].find_first_not_of("-0123456789"), std::string::npos) << exprs[i] << ": " << python[i];
    const bool outside = python[i].size() > 19 || (python[i].size() == 19 && python[i] > "9223372036854775807");
    EXPECT_TRUE(outside) << exprs[i] << ": " << python[i];
    // ... and concsim says so.
    EXPECT_EQ(outcome(eval(exprs[i])), std::string("!OverflowError: concsim: integer overflow: ") + cases[i].second +
                                           " result does not fit in 64 bits");
  }
}

TEST_F(NumberTest, ConversionsMatchCPython) {
  check_exprs({
      "int('10', base=2)", "int('0x1f', 0)", "int(' 1_000 ')", "int('1__0')", "int('_1')", "int('1_')",
      "int('0b101', 2)", "int('0b101', 16)", "int('010', 0)", "int('000', 0)", "int(True)", "int('-0')",
      "int('+12')", "int('  -12  ')", "int('12', 99)", "int(1.5, 10)", "int([1])", "int('abc')", "int('')",
      "int('z', 36)", "int('Z', 36)", "int('0o17', 8)", "int('0O17', 0)", "int('0x_ff', 16)", "int('1e3')",
      "int(3.99)", "int(-3.99)", "int(float('nan'))", "int(float('inf'))", "int(1e18)", "int(base=2)",
      "int()", "int(x=3)", "int('\u0663')", "int('1', 1)", "int('9223372036854775807')",
      "float('  -1.5e3  ')", "float('inf')", "float('-Infinity')", "float('nan')", "float('1e400')",
      "float('-1e400')", "float('1e-400')", "float('0x1p3')", "float('1_0.5')", "float('1._5')", "float('.5')",
      "float('5.')", "float('')", "float(' ')", "float('1e')", "float('e5')", "float('+.5e-3')", "float('iNf')",
      "float('infinit')", "float('nan1')", "float(3)", "float(True)", "float([1])", "float('1,5')",
      "float('\u0661.\u0665')", "float('4.9e-324')", "float('2.4703282292062328e-324')", "float('1' * 400)",
      "float()", "float(1, 2)", "bool()", "bool(0.0)", "bool('a')", "bool([])", "bool(x=1)",
      "hex(255)", "hex(-31)", "oct(8)", "oct(-8)", "bin(5)", "bin(-5)", "bin(0)", "hex(1.5)", "hex(True)",
      "chr(65)", "chr(0x1F600)", "chr(-1)", "chr(0x110000)", "chr(1.5)", "ord('A')", "ord('\u20ac')", "ord('ab')",
      "ord(1)", "ord('')", "(5).bit_length()", "(-5).bit_length()", "(0).bit_length()", "(255).bit_count()",
      "(5).as_integer_ratio()", "(0.5).as_integer_ratio()", "(-0.75).as_integer_ratio()", "(2.0).is_integer()",
      "(2.5).is_integer()", "float('inf').as_integer_ratio()", "float('nan').as_integer_ratio()", "(5).real",
      "(5).imag", "(5).numerator", "(5).denominator", "(1.5).real", "(1.5).imag", "True.real", "(3).conjugate()",
      "(7).__add__(2)", "(7).__add__(2.5)", "(7).__radd__(2)", "(2.5).__mul__(2)", "(7).__eq__('a')",
      "(7).__lt__(8)", "(1.5).__floordiv__(0.5)", "int.__add__(1, 2)", "(5).__neg__()", "(5).__index__()",
  });
}

}  // namespace
}  // namespace concsim::vm::testing
