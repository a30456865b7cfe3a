// Hostile and broken input: files that cannot be read, too big, not UTF-8,
// too deep, or exploding through aliases. Each must fail fast with a located
// message instead of hanging, crashing or exhausting memory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "app/load/config.h"

namespace concsim::load {
namespace {

namespace fs = std::filesystem;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no ConfigError>";
}

Document load(const std::string& text) { return Document::load_string(text, "x.yaml"); }

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// A scratch directory unique to this process, removed at the end.
class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("concsim-load-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_ / "unreadable.yaml", fs::perms::owner_all, ec);
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& content) const {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(Files, LoadsARealFile) {
  TempDir dir;
  const std::string path = dir.write("ok.yaml", "clients:\n  count: 3\n");
  const Document doc = Document::load_file(path);
  EXPECT_EQ(doc.name(), path);
  EXPECT_EQ(doc.root().require("clients").require("count").as_int(1, 10), 3);
  EXPECT_EQ(doc.root().require("clients").require("count").pos().file, path);
}

TEST(Files, MissingFile) {
  TempDir dir;
  const std::string path = dir.path() + "/nope.yaml";
  EXPECT_EQ(error_of([&] { Document::load_file(path); }),
            path + ":1:1: cannot open file: No such file or directory");
}

TEST(Files, DirectoryGivenAsFile) {
  TempDir dir;
  EXPECT_EQ(error_of([&] { Document::load_file(dir.path()); }),
            dir.path() + ":1:1: is a directory, not a file");
}

TEST(Files, UnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can read any file";
  TempDir dir;
  const std::string path = dir.write("unreadable.yaml", "a: 1\n");
  fs::permissions(path, fs::perms::none);
  EXPECT_EQ(error_of([&] { Document::load_file(path); }),
            path + ":1:1: cannot open file: Permission denied");
}

TEST(Files, EmptyFile) {
  TempDir dir;
  const std::string path = dir.write("empty.yaml", "");
  EXPECT_EQ(error_of([&] { Document::load_file(path); }), path + ":1:1: empty document");
}

TEST(Files, LargerThan16MiBIsRejectedBeforeParsing) {
  TempDir dir;
  // Not valid YAML: if it were parsed, the message would be a syntax error.
  const std::string path = dir.write("big.yaml", std::string(kMaxFileBytes + 1, '['));
  EXPECT_EQ(error_of([&] { Document::load_file(path); }), path + ":1:1: file is larger than 16 MiB");
  EXPECT_EQ(error_of([] { load(std::string(kMaxFileBytes + 1, '[')); }),
            "x.yaml:1:1: file is larger than 16 MiB");
}

TEST(Bytes, NonUtf8IsLocatedAtTheFirstBadByte) {
  EXPECT_EQ(error_of([] { load("a: caf\xe9\n"); }),
            "x.yaml:1:7: invalid UTF-8 (byte 0xe9); config files must be UTF-8");
  EXPECT_EQ(error_of([] { load("a: 1\nb: \xff\xfe\n"); }),
            "x.yaml:2:4: invalid UTF-8 (byte 0xff); config files must be UTF-8");
  // Overlong '/' and a UTF-16 surrogate are ill-formed UTF-8 too.
  EXPECT_EQ(error_of([] { load("a: \xc0\xaf\n"); }),
            "x.yaml:1:4: invalid UTF-8 (byte 0xc0); config files must be UTF-8");
  EXPECT_EQ(error_of([] { load("a: \xed\xa0\x80\n"); }),
            "x.yaml:1:4: invalid UTF-8 (byte 0xed); config files must be UTF-8");
  // A sequence cut short by the end of the text.
  EXPECT_EQ(error_of([] { load("a: \xe2\x82"); }),
            "x.yaml:1:4: invalid UTF-8 (byte 0xe2); config files must be UTF-8");
}

TEST(Bytes, ValidUtf8IsKept) {
  EXPECT_EQ(load("a: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82\n").root().require("a").as_string(),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82");
  // A byte-order mark is valid UTF-8 and yaml-cpp skips it.
  EXPECT_EQ(load("\xef\xbb\xbf" "a: 1\n").root().require("a").as_int(0, 9), 1);
}

TEST(Bytes, ControlCharactersAreRejected) {
  // yaml-cpp would silently end the input at 0x04.
  EXPECT_EQ(error_of([] { load("a: b\x04z\n"); }),
            "x.yaml:1:5: control character U+0004 is not allowed");
  EXPECT_EQ(error_of([] { load(std::string("a: 1\nb: \0\n", 10)); }),
            "x.yaml:2:4: control character U+0000 is not allowed");
  // Tabs and CRLF line ends are fine.
  EXPECT_EQ(load("a: \"x\ty\"\r\nb: 2\r\n").root().require("b").as_int(0, 9), 2);
}

TEST(Depth, SixtyFourLevelsLoad) {
  const Document doc = load(repeat("[", 64) + repeat("]", 64));
  Node n = doc.root();
  for (int i = 1; i < 64; ++i) n = n.at(0);
  EXPECT_EQ(n.size(), 0u);
  EXPECT_EQ(n.path(), repeat("[0]", 63));
}

TEST(Depth, SixtyFiveLevelsAreRejectedAtTheOpeningBracket) {
  EXPECT_EQ(error_of([] { load(repeat("[", 65) + repeat("]", 65)); }),
            "x.yaml:1:65: " + repeat("[0]", 64) + ": the document is nested deeper than 64 levels");
}

TEST(Depth, VeryDeepUnclosedInputFailsFast) {
  // yaml-cpp reads an unclosed "[" as a mapping whose key is a sequence, so
  // each "[" opens two levels: level 2j+1 is the mapping at column j+1, with
  // path "[0]" repeated j times. Level 65 is j = 32, long before yaml-cpp's
  // own recursion guard or the end of the input.
  EXPECT_EQ(error_of([] { load(repeat("[", 100'000)); }),
            "x.yaml:1:33: " + repeat("[0]", 32) + ": the document is nested deeper than 64 levels");
}

TEST(Depth, BlockMappingsCountToo) {
  std::string text;
  for (int i = 0; i < 65; ++i) text += std::string(static_cast<std::size_t>(2 * i), ' ') + "k:\n";
  text += std::string(130, ' ') + "k: 1\n";
  // The 65th mapping starts at the 65th "k", on line 65 indented 128 spaces.
  EXPECT_EQ(error_of([&] { load(text); }),
            "x.yaml:65:129: " + repeat("k.", 63) + "k: the document is nested deeper than 64 levels");
}

TEST(Depth, AliasThatWouldNestTooDeep) {
  // &a is 40 levels deep in itself; using it 30 levels down makes 70.
  const std::string text = "a: &a " + repeat("[", 40) + repeat("]", 40) + "\nb: " + repeat("[", 29) +
                           "*a" + repeat("]", 29) + "\n";
  // Line 2: "b: " then 29 brackets, so the alias is at column 33.
  EXPECT_EQ(error_of([&] { load(text); }),
            "x.yaml:2:33: b" + repeat("[0]", 29) +
                ": expanding this alias nests the document deeper than 64 levels");
}

// Each level holds ten references to the one below: "a" expands to 11 nodes
// (the sequence and its ten strings), b to 111, c to 1111, ... e to 111111.
const char* const kAliasBomb =
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";

TEST(Aliases, BombIsStoppedAtTheAliasThatCrossesTheLimit) {
  // Counting the root, keys and sequences, lines 1-5 add up to 123461 nodes
  // and f's "[" makes 123463. Each *e adds 111111: the 7th reaches 901240,
  // the 8th 1012351 > 1000000. It is f[7], at column 8 + 3 * 7 = 29.
  EXPECT_EQ(error_of([] { load(kAliasBomb); }),
            "x.yaml:6:29: f[7]: expanding this alias makes the document larger than 1000000 nodes");
}

TEST(Aliases, ModerateReuseIsFine) {
  const Document doc = load("a: &a [1, 2]\nb: [*a, *a, *a]\n");
  EXPECT_EQ(doc.root().require("b").at(2).at(1).as_int(0, 9), 2);
  EXPECT_EQ(doc.root().require("b").at(2).at(1).path(), "b[2][1]");
}

TEST(Aliases, AliasInsideItsOwnAnchorIsRejected) {
  EXPECT_EQ(error_of([] { load("a: &x [1, *x]\n"); }),
            "x.yaml:1:11: a[1]: alias refers to a node that contains it");
}

TEST(Nodes, MoreThanAMillionPlainNodes) {
  // The root sequence is node 1, element i is node i + 2: element 999999 is
  // node 1000001, at column 2 + 2 * 999999 = 2000000.
  std::string text = "[";
  for (int i = 0; i < 1'000'001; ++i) text += "0,";
  text += "0]";
  EXPECT_EQ(error_of([&] { load(text); }),
            "x.yaml:1:2000000: [999999]: the document has more than 1000000 nodes");
}

}  // namespace
}  // namespace concsim::load
