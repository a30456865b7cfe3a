// str against CPython: every method on a table of strings and arguments,
// the case mappings and predicates on random Unicode text, repr and
// ascii, indexing and slicing by code point, and the argument errors.
#include <random>

#include "models/vm/library.h"
#include "tests/vm/oracle.h"

namespace concsim::vm::testing {
namespace {

class StrTest : public VmTest {};


const char* const kTexts[] = {
    "", "a", "hello world", "  spaced  out  ", "Hello World", "HELLO", "hello", "MiXeD cAsE", "a,b,,c", "a b\tc\nd",
    "line1\nline2\r\nline3\rline4\n", "tab\tbed\ttext", "123", "12.5", "-42", "+7", "x" "\xC3\xA9" "t\xC3\xA9",
    "\xC3\x9F" "trasse", "\xCE\xA3\xCE\x91\xCE\xA3", "\xCE\xBF\xCE\xB4\xCF\x8C\xCF\x82", "\xE2\x82\xAC" "100",
    "they're bill's friends", "1st 2nd 3rd", "\xC7\x86" "ungla", "mississippi", "aaa", "ab", "_private",
    "2bad", "if", "snake_case_name", "\xE2\x85\xA0\xE2\x85\xA1", "\xC2\xBD", "\xC2\xB2", "\xD9\xA3\xD9\xA4",
    "\xF0\x9F\x98\x80 smile", "\xE3\x81\x82\xE3\x81\x84", "a\x85" "b\xE2\x80\xA8" "c", "ﬁne",
};

const char* const kCalls[] = {
    ".upper()", ".lower()", ".title()", ".capitalize()", ".swapcase()", ".casefold()", ".isdigit()",
    ".isdecimal()", ".isnumeric()", ".isalpha()", ".isalnum()", ".isspace()", ".isupper()", ".islower()",
    ".istitle()", ".isidentifier()", ".isprintable()", ".isascii()", ".split()", ".split(',')", ".split(',', 1)",
    ".split(None, 1)", ".split(maxsplit=1)", ".rsplit()", ".rsplit(',', 1)", ".rsplit(None, 1)", ".splitlines()",
    ".splitlines(True)", ".splitlines(keepends=True)", ".strip()", ".lstrip()", ".rstrip()", ".strip('ahd')",
    ".strip('')", ".lstrip(' h')", ".rstrip(None)", ".find('l')", ".find('l', 3)", ".find('l', -3)",
    ".find('', 100)", ".find('', 3)", ".rfind('l')", ".rfind('o', 0, 5)", ".index('o')", ".rindex('o')",
    ".count('l')", ".count('')", ".count('s', 2, -2)", ".startswith('he')", ".startswith(('x', 'He'))",
    ".startswith('l', 2)", ".startswith('', 100)", ".endswith('ld')", ".endswith(('d', 'x'), 0, -1)",
    ".replace('l', 'L')", ".replace('l', '', 1)", ".replace('', '-')", ".replace('', '-', 2)",
    ".replace('ss', 'SS', -1)", ".center(20)", ".center(21, '*')", ".center(3)", ".ljust(12, '.')",
    ".rjust(12)", ".zfill(8)", ".zfill(2)", ".partition(' ')", ".partition('zz')", ".rpartition('l')",
    ".rpartition('zz')", ".removeprefix('he')", ".removesuffix('ld')", ".removeprefix('')", ".expandtabs()",
    ".expandtabs(4)", ".expandtabs(0)", ".join(['x', 'y', 'z'])", ".join('abc')", ".join([])", ".format()",
    ".__len__()", ".__contains__('l')", "[0]", "[-1]", "[1:4]", "[::-1]", "[::2]", "[5:1:-2]",
    "[100:]", "[-100:2]", "[3]", "[1:]", "[:-1]", "[2:2]", ".split('')", ".partition('')", ".center(10, 'ab')",
    ".find(1)", ".join([1])", ".join(5)", ".startswith(1)", ".startswith((1,))", ".removeprefix(1)",
    ".replace(1, 'b')", ".ljust(5, 1)", ".count('a', 'x')", ".zfill('5')", ".strip(1)", ".index('zz')",
    ".split(sep=1)", ".split(1, 2, 3)", ".split(x=1)", ".split(None, sep=1)", ".upper(1)", ".find()",
    ".find('a', x=1)", ".replace('a')", ".center()", ".count()", ".splitlines(1, 2)", ".expandtabs(x=3)",
    ".join()", ".partition()", "[1.5]", "[::0]", " + 'tail'", " * 3", " * -1", " * 0", " < 'hello'",
    " == 'hello'", " >= 'Hello'", " + 1", " * 'a'", " in 'hello world'", "[1] * 2",
};

TEST_F(StrTest, MethodsMatchCPython) {
  std::vector<std::string> exprs;
  for (const char* t : kTexts) {
    for (const char* call : kCalls) exprs.push_back(py_str(t) + call);
  }
  EXPECT_EQ(check_exprs(exprs, 30), 0);
}

// concsim has no bytes: encode() says so rather than returning something else.
TEST_F(StrTest, EncodeIsNotSupported) {
  EXPECT_EQ(outcome(eval("'abc'.encode()")),
            "!NotImplementedError: not supported by concsim: str.encode() (concsim has no bytes type)");
  EXPECT_EQ(outcome(eval("'abc'.encode(1, 2, 3)")), "!TypeError: encode() takes at most 2 arguments (3 given)");
}

TEST_F(StrTest, ReprAndAsciiMatchCPython) {
  std::vector<std::string> exprs;
  for (const char* t : kTexts) {
    exprs.push_back("repr(" + py_str(t) + ")");
    exprs.push_back("ascii(" + py_str(t) + ")");
  }
  for (const char* t : {"a'b", "a\"b", "a'\"b", "\\", "\x01\x7f", "\xC2\x80\xC2\xA0\xC2\xAD",
                        "\xE2\x80\x8B\xED\x9F\xBF\xEE\x80\x80\xEF\xBB\xBF", "\xF0\x9F\x98\x80", "\xF3\xA0\x80\x81"}) {
    exprs.push_back("repr(" + py_str(t) + ")");
    exprs.push_back("ascii(" + py_str(t) + ")");
  }
  EXPECT_EQ(check_exprs(exprs), 0);
}

// Random text from a pool of code points that exercises the tables:
// cased scripts, digits of other scripts, marks, spaces, controls, emoji.
std::string random_text(std::mt19937_64& rng) {
  static const std::pair<char32_t, char32_t> kPools[] = {
      {0x20, 0x7E},     {0xA0, 0x24F},    {0x370, 0x3FF},   {0x400, 0x4FF},   {0x1E00, 0x1FFF},
      {0x2000, 0x206F}, {0x2150, 0x218F}, {0x2460, 0x24FF}, {0x0660, 0x06FF}, {0x0900, 0x097F},
      {0x3000, 0x30FF}, {0xFB00, 0xFB4F}, {0xFF00, 0xFFEF}, {0x10400, 0x1044F}, {0x1D400, 0x1D7FF},
      {0x1F600, 0x1F64F}, {0x0, 0x1F},   {0x80, 0x9F},     {0x1C4, 0x1CC},   {0x1F80, 0x1FAF},
      {0x10A0, 0x10FF}, {0xE000, 0xE00F}, {0x300, 0x36F},  {0x2C00, 0x2C5F}, {0xA640, 0xA69F},
  };
  std::string out;
  const int n = static_cast<int>(rng() % 12);
  for (int i = 0; i < n; ++i) {
    const auto& pool = kPools[rng() % (sizeof kPools / sizeof kPools[0])];
    lib::utf8_append(&out, pool.first + static_cast<char32_t>(rng() % (pool.second - pool.first + 1)));
  }
  return out;
}

TEST_F(StrTest, RandomUnicodeMatchesCPython) {
  std::mt19937_64 rng(314159);
  const char* const calls[] = {".upper()",      ".lower()",   ".title()",     ".capitalize()", ".swapcase()",
                               ".casefold()",   ".isalpha()", ".isdigit()",   ".isdecimal()",  ".isnumeric()",
                               ".isalnum()",    ".isupper()", ".islower()",   ".istitle()",    ".isspace()",
                               ".isprintable()", ".isidentifier()", ".split()", ".strip()",   ".splitlines()",
                               "[::-1]",        "[1:-1]",     ".center(15, '\\u00b7')", ".zfill(10)"};
  std::vector<std::string> exprs;
  for (int i = 0; i < 2500; ++i) {
    const std::string text = random_text(rng);
    const char* call = calls[rng() % (sizeof calls / sizeof calls[0])];
    exprs.push_back(py_str(text) + call);
    exprs.push_back("repr(" + py_str(text) + ")");
  }
  EXPECT_EQ(check_exprs(exprs, 30), 0);
}

// Search, split and replace with random arguments: substrings of the text
// and others, bounds anywhere from before the start to past the end.
TEST_F(StrTest, RandomArgumentsMatchCPython) {
  std::mt19937_64 rng(2718);
  const char* const alphabet[] = {"a", "b", "ab", " ", ",", "\xC3\xA9", "\xE2\x82\xAC", "\n", "aa", ""};
  auto word = [&](int max) {
    std::string w;
    const int n = static_cast<int>(rng() % static_cast<unsigned>(max));
    for (int i = 0; i < n; ++i) w += alphabet[rng() % 10];
    return w;
  };
  auto bound = [&]() { return std::to_string(static_cast<int>(rng() % 21) - 10); };
  std::vector<std::string> exprs;
  for (int i = 0; i < 3000; ++i) {
    const std::string text = py_str(word(9));
    const std::string sub = py_str(word(3));
    switch (rng() % 12) {
      case 0: exprs.push_back(text + ".find(" + sub + ", " + bound() + ", " + bound() + ")"); break;
      case 1: exprs.push_back(text + ".rfind(" + sub + ", " + bound() + ")"); break;
      case 2: exprs.push_back(text + ".count(" + sub + ", " + bound() + ", " + bound() + ")"); break;
      case 3: exprs.push_back(text + ".split(" + sub + ", " + bound() + ")"); break;
      case 4: exprs.push_back(text + ".rsplit(" + sub + ", " + bound() + ")"); break;
      case 5: exprs.push_back(text + ".replace(" + sub + ", " + py_str(word(3)) + ", " + bound() + ")"); break;
      case 6: exprs.push_back(text + ".startswith(" + sub + ", " + bound() + ", " + bound() + ")"); break;
      case 7: exprs.push_back(text + ".endswith((" + sub + ", 'x'), " + bound() + ")"); break;
      case 8: exprs.push_back(text + ".partition(" + sub + ")"); break;
      case 9: exprs.push_back(text + ".strip(" + sub + ")"); break;
      case 10: exprs.push_back(text + "[" + bound() + ":" + bound() + ":" + bound() + "]"); break;
      default: exprs.push_back(text + ".split(None, " + bound() + ")"); break;
    }
  }
  EXPECT_EQ(check_exprs(exprs, 30), 0);
}

TEST_F(StrTest, NumbersFromOtherScriptsMatchCPython) {
  std::vector<std::string> exprs;
  for (const char* t : {"'\\u0663'", "'\\u0661\\u0662'", "'\\uff11\\uff12'", "'\\U0001d7ce'", "' \\u0663 '",
                        "'\\u00b2'", "'\\u2160'", "'1\\u00a0'", "'\\u2003 5'"}) {
    exprs.push_back(std::string("int(") + t + ")");
    exprs.push_back(std::string("float(") + t + ")");
  }
  EXPECT_EQ(check_exprs(exprs), 0);
}

TEST_F(StrTest, MaketransAndTranslateMatchCPython) {
  EXPECT_EQ(check_exprs({
                "'hello'.translate(str.maketrans('lo', 'xy'))",
                "'hello'.translate(str.maketrans('l', 'L', 'o'))",
                "'hello'.translate({104: 'J', 101: None})",
                "'hello'.translate({104: 74})",
                "str.maketrans({'a': 'b', 99: 'd'})",
                "str.maketrans('ab', 'c')",
                "str.maketrans({'ab': 1})",
                "str.maketrans(1)",
                "'abc'.translate({97: 1.5})",
            }),
            0);
}

}  // namespace
}  // namespace concsim::vm::testing
