// The Python front end on its own: limits, robustness on hostile input, and
// the parts of its interface that the CPython oracle (oracle.py) does not
// see. What CPython would say about a program is checked by the oracle.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "app/python/ast_dump.h"
#include "app/python/parser.h"

namespace concsim::python {
namespace {

struct Result {
  bool ok = false;
  SyntaxError error;
  vm::ast::Module module;
};

Result parse(const std::string& source) {
  Result r;
  r.ok = parse_module(source, "t.py", &r.module, &r.error);
  return r;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(PythonFrontend, ModuleKeepsTheFileName) {
  const Result r = parse("x = 1\n");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.module.file, "t.py");
  ASSERT_EQ(r.module.body.size(), 1u);
  EXPECT_EQ(r.module.body[0]->kind, vm::ast::StmtKind::kAssign);
}

// Loc columns are CPython's col_offset + 1, counting bytes; errors count
// characters, as SyntaxError.offset does.
TEST(PythonFrontend, LocationsCountBytesAndErrorsCountCharacters) {
  const Result r = parse("café = 1\n");
  ASSERT_TRUE(r.ok);
  const vm::ast::Expr& target = *r.module.body[0]->targets[0];
  EXPECT_EQ(target.loc.col, 1);
  EXPECT_EQ(target.loc.end_col, 6);  // 'café' is five bytes
  EXPECT_EQ(r.module.body[0]->a->loc.col, 9);
  EXPECT_EQ(character_column("café = 1\n", 1, 9), 8);
  const Result e = parse("café = 1 +\n");
  ASSERT_FALSE(e.ok);
  EXPECT_EQ(e.error.message, "invalid syntax");
  EXPECT_EQ(e.error.col, 11);  // CPython's offset: the NEWLINE, counted in characters
}

TEST(PythonFrontend, CharacterColumnReadsTheSourceAsGiven) {
  const std::string src = "\xEF\xBB\xBFx = 1\r\né = 2\r\n";
  EXPECT_EQ(character_column(src, 1, 5), 5);
  EXPECT_EQ(character_column(src, 2, 6), 5);  // 'é' is two bytes
}

TEST(PythonFrontend, ErrorKinds) {
  EXPECT_EQ(parse("if x:\n\ty\n        z\n").error.kind, "TabError");
  EXPECT_EQ(parse("if x:\npass\n").error.kind, "IndentationError");
  EXPECT_EQ(parse("x = (\n").error.kind, "SyntaxError");
}

// CPython's tokenizer allows 200 nested brackets; so does concsim.
TEST(PythonFrontend, NestedBracketsUpToCPythonsLimit) {
  EXPECT_TRUE(parse("x = " + repeat("(", 199) + "1" + repeat(")", 199) + "\n").ok);
  EXPECT_TRUE(parse("x = " + repeat("[", 199) + repeat("]", 199) + "\n").ok);
  const Result r = parse("x = " + repeat("(", 1000) + "1" + repeat(")", 1000) + "\n");
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.message, "too many nested parentheses");
}

// 100 levels of indentation is CPython's limit (MAXINDENT).
TEST(PythonFrontend, NestedBlocksUpToCPythonsLimit) {
  std::string ok;
  for (int i = 0; i < 99; ++i) ok += repeat(" ", i) + "if x:\n";
  ok += repeat(" ", 99) + "pass\n";
  EXPECT_TRUE(parse(ok).ok);
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += repeat(" ", i) + "if x:\n";
  deep += repeat(" ", 200) + "pass\n";
  const Result r = parse(deep);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.kind, "IndentationError");
  EXPECT_EQ(r.error.message, "too many levels of indentation");
}

// Chains that nest the tree without brackets are bounded too, as CPython
// bounds them (RecursionError past about 3000 levels): an error, never a
// stack overflow, in the parser, the dump or the tree's destructor.
TEST(PythonFrontend, DeepTreesAreRefusedNotOverflowed) {
  for (const char* unit : {"-", "not ", "lambda: ", "~"}) {
    EXPECT_TRUE(parse("x = " + repeat(std::string(unit), 900) + "1\n").ok) << unit;
    const Result r = parse("x = " + repeat(std::string(unit), 100000) + "1\n");
    ASSERT_FALSE(r.ok) << unit;
    EXPECT_EQ(r.error.message, "too many nested expressions (more than 3000)") << unit;
  }
  for (const char* unit : {"+1", ".a", "[0]", "()", " if c else x"}) {
    const Result ok = parse("x = a" + repeat(std::string(unit), 900) + "\n");
    ASSERT_TRUE(ok.ok) << unit;
    EXPECT_FALSE(dump_module(ok.module).empty());
    const Result r = parse("x = a" + repeat(std::string(unit), 100000) + "\n");
    ASSERT_FALSE(r.ok) << unit;
    EXPECT_EQ(r.error.message, "too many nested expressions (more than 3000)") << unit;
  }
}

// The parser is linear: a long flat file is fine (its speed is measured,
// not asserted, here).
TEST(PythonFrontend, LongFilesParse) {
  std::string src;
  for (int i = 0; i < 10000; ++i) {
    src += "def f" + std::to_string(i) + "(a, b=1, *c, **d):\n    return [x * a for x in c if x] + "
           "f'{b!r:>{a}}'\n";
  }
  const Result r = parse(src);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.module.body.size(), 10000u);
}

// Any bytes give a module or an error. The inputs come from a seeded
// stream: a mix of Python's tokens and arbitrary bytes.
TEST(PythonFrontend, RandomInputNeverCrashes) {
  static const char* const kPieces[] = {
      "(", ")", "[", "]", "{", "}", ":", ",", ";", ".", "=", "+", "-", "*", "**", "/", "//",
      "%", "@", "<", ">", "==", "!=", ":=", "->", "'", "\"", "'''", "\"\"\"", "f'", "f\"", "{",
      "}", "!r", "\\", "\n", "\n    ", "\n\t", "    ", " ", "#", "x", "y", "1", "0x", "1e",
      "1_", "0o", "1.5", "if ", "else ", "elif ", "for ", "in ", "while ", "def ", "class ",
      "return ", "yield ", "await ", "async ", "lambda ", "not ", "and ", "or ", "is ", "try",
      "except", "finally", "with ", "as ", "import ", "from ", "global ", "del ", "pass",
      "print ", "match ", "case ", "_", "é", "€", "\xff", "\x00", "\r", "\x0c", "\x01", "b'",
      "\\N{", "\\x", "\\u"};
  std::mt19937_64 rng(20240613);
  for (int n = 0; n < 4000; ++n) {
    std::string src;
    const int len = static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) {
      if (rng() % 8 == 0) {
        src += static_cast<char>(rng() % 256);
      } else {
        src += kPieces[rng() % std::size(kPieces)];
      }
    }
    const Result r = parse(src);
    if (r.ok) {
      EXPECT_FALSE(dump_module(r.module).empty());
    } else {
      EXPECT_FALSE(r.error.message.empty()) << src;
      EXPECT_GE(r.error.line, 0) << src;
    }
  }
}

}  // namespace
}  // namespace concsim::python
