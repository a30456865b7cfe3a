// The generic YAML loading layer every config (workloads, machine profiles) is
// read through.
//
// Bad input is the user's mistake, not a bug, so every failure here is a
// ConfigError whose what() names the file, 1-based line and column, and the
// key path: `workload.yaml:12:7: clients.think_time: expected a duration like
// "10ms", got "fast"`. The CLI prints it and exits with code 2.
//
// The document is parsed once into an immutable tree (yaml-cpp's event
// parser, not YAML::Node) so that every node, every map key and every value
// set from the command line keeps its own position, and so that hostile input
// is bounded before anyone walks it: at most 16 MiB, valid UTF-8, nesting at
// most 64 levels and at most 1,000,000 nodes with aliases expanded. Columns
// count bytes, as yaml-cpp's marks do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/time.h"

namespace concsim::load {

// Limits on hostile input. A later fuzzing pass relies on these holding for
// every Document, including after apply_override.
inline constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;
inline constexpr int kMaxDepth = 64;               // nested mappings and sequences
inline constexpr std::int64_t kMaxNodes = 1'000'000;  // with aliases expanded; keys count
inline constexpr std::size_t kMaxStringBytes = 64 * 1024;  // for as_string

struct SourcePos {
  std::string file;
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in bytes
};

class ConfigError : public std::runtime_error {
 public:
  // what() is "file:line:col: key_path: message", or "file:line:col: message"
  // when key_path is empty.
  ConfigError(SourcePos pos, std::string key_path, std::string message);

  const SourcePos& pos() const { return pos_; }
  const std::string& key_path() const { return key_path_; }
  const std::string& message() const { return message_; }

 private:
  SourcePos pos_;
  std::string key_path_;
  std::string message_;
};

namespace detail {
struct Tree;
}  // namespace detail

class Node;

class Document {
 public:
  // Throws ConfigError for a missing file, a directory, an unreadable file, a
  // file over kMaxFileBytes, non-UTF-8 bytes or control characters, a YAML
  // syntax error, an empty document, more than one document, duplicate keys,
  // non-scalar keys, and trees beyond kMaxDepth or kMaxNodes.
  static Document load_file(const std::string& path);

  // As load_file, for text already in memory; `name` stands for the file name
  // in positions.
  static Document load_string(const std::string& text, const std::string& name);

  // Applies "a.b.c=value" from --set. The value is parsed as YAML ("5ms", "3",
  // "[1,2]", "{x: 1}"; nothing after '=' is null) and put at that path,
  // creating mappings where the path runs past the tree; in a sequence a
  // numeric component is an index (one past the end appends). Keys containing
  // '.' cannot be addressed. Nodes from the value report file "--set", line 1
  // and their column in `assignment`; new keys report their column too.
  // Throws ConfigError with file "--set" when there is no '=', the path or one
  // of its components is empty, the path goes through a scalar or past the end
  // of a sequence, the value is bad YAML, or the result breaks a limit. On
  // error the document is unchanged. Copies of a Document are independent:
  // an override changes only the Document it is applied to.
  void apply_override(const std::string& assignment);
  // The same for a command-line option that names its key (--model NAME is
  // model=NAME): its nodes report file `option` ("--model") and columns
  // within the value.
  void apply_option(const std::string& key, const std::string& value, const std::string& option);

  Node root() const;
  const std::string& name() const { return name_; }  // the file name as given

 private:
  Document(std::shared_ptr<detail::Tree> tree, std::int32_t root, std::string name);
  void apply(const std::string& assignment, const std::string& source, bool columns_from_start);

  std::shared_ptr<detail::Tree> tree_;
  std::int32_t root_;
  std::string name_;
};

// A position in a Document's tree plus the key path that led there. Cheap to
// copy; keeps the tree alive.
class Node {
 public:
  const std::string& path() const { return path_; }  // "clients.think_time", "main[2].sleep"; "" for the root
  SourcePos pos() const;

  // Exactly one of these is true. A quoted "null" is a scalar; ~, null and an
  // absent value are null.
  bool is_map() const;
  bool is_seq() const;
  bool is_scalar() const;
  bool is_null() const;
  // A scalar written in quotes ('x' or "x"), which some fields read as a
  // string where the same text unquoted would be a number or a reference.
  bool is_quoted() const;

  // "a mapping", "a sequence", "null", or the scalar in quotes: what "got"
  // says in messages.
  std::string describe() const;

  // Maps. Each throws "expected a mapping, got ..." when this is not a map.
  // expect_keys rejects the first key (in file order) not in `allowed`, at the
  // key's position: "unknown key; did you mean \"x\"?" when one is close,
  // otherwise listing the allowed keys.
  const Node& expect_keys(std::initializer_list<std::string_view> allowed) const;
  const Node& expect_keys(const std::vector<std::string>& allowed) const;
  // The root of a file read as a `what` ("workload", "machine profile"):
  // expect_keys, except that a file that is plainly something else (a
  // single value, a list, nothing, or a mapping none of whose keys is or
  // resembles an allowed one) is reported as "not a WHAT" at its start
  // without quoting any of its text: it may be any file on the machine, a
  // password file included.
  const Node& expect_document(const std::vector<std::string>& allowed, std::string_view what) const;
  std::optional<Node> get(std::string_view key) const;
  bool has(std::string_view key) const;
  // Missing -> "missing required key \"x\"" at the map's position, with path
  // this.path + ".x".
  Node require(std::string_view key) const;
  std::vector<std::pair<std::string, Node>> entries() const;  // in file order
  std::vector<std::string> keys() const;                      // in file order

  // Sequences. Each throws "expected a sequence, got ..." when this is not a
  // sequence; at() also throws when i is out of range.
  std::size_t size() const;
  Node at(std::size_t i) const;
  std::vector<Node> items() const;

  // Scalars. Each throws ConfigError at this node saying what was expected
  // and what was got, or which range was broken.
  std::string as_string() const;  // any scalar up to kMaxStringBytes; not null, maps or sequences
  // Decimal integers with an optional sign and '_' between digits ("10_000").
  std::int64_t as_int(std::int64_t min, std::int64_t max) const;
  double as_double(double min, double max) const;  // finite decimals, e.g. "0.5", "-2", "1e-3"
  bool as_bool() const;  // true|false, True|False, TRUE|FALSE (YAML 1.2 core)
  sim::Duration as_duration(sim::Duration min, sim::Duration max) const;  // see parse_duration
  std::int64_t as_size(std::int64_t min, std::int64_t max) const;          // see parse_size
  double as_fraction() const;  // "25%" or 0.25, within [0, 1]
  // Unknown -> "unknown value \"x\"; did you mean \"y\"?" or a list of the choices.
  template <class E>
  E as_enum(std::initializer_list<std::pair<std::string_view, E>> choices) const;

  // Throws ConfigError(pos(), path(), message).
  [[noreturn]] void fail(const std::string& message) const;
  // Throws at `key`'s own position inside this map, with path this.path +
  // ".key"; at the map's position when the key is absent.
  [[noreturn]] void fail_key(std::string_view key, const std::string& message) const;

 private:
  friend class Document;
  Node(std::shared_ptr<const detail::Tree> tree, std::int32_t index, std::string path);

  std::size_t choose(const std::vector<std::string_view>& names) const;
  Node child(std::int32_t index, std::string path) const;
  std::string child_path(std::string_view key) const;
  void require_map() const;
  void require_seq() const;

  std::shared_ptr<const detail::Tree> tree_;
  std::int32_t index_;
  std::string path_;
};

template <class E>
E Node::as_enum(std::initializer_list<std::pair<std::string_view, E>> choices) const {
  std::vector<std::string_view> names;
  names.reserve(choices.size());
  for (const auto& choice : choices) names.push_back(choice.first);
  return (choices.begin() + choose(names))->second;
}

}  // namespace concsim::load
