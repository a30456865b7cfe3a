#include "app/load/config.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "app/load/suggest.h"
#include "app/load/text.h"
#include "app/load/units.h"
#include "sim/detail/int128.h"

namespace concsim::load {

namespace detail {

// A position inside one of the Tree's sources: the file, or a --set argument.
struct Loc {
  std::int32_t line = 1;
  std::int32_t column = 1;
  std::uint32_t source = 0;
};

enum class Kind : std::uint8_t { kNull, kScalar, kMap, kSeq };

struct Entry {
  std::string key;
  Loc key_loc;
  std::int32_t value;
};

struct TreeNode {
  Kind kind = Kind::kNull;
  Loc loc;
  std::string text;                  // scalars
  bool quoted = false;               // a scalar written in single or double quotes
  std::vector<std::int32_t> items;   // sequences
  std::vector<Entry> entries;        // mappings, in file order
};

// An append-only arena shared by a Document, its copies and its Nodes. Nodes
// are never changed once built (apply_override copies the path it changes),
// so a Node always sees the tree as it was when it was obtained. Aliases are
// shared indices, which keeps an alias bomb small in memory.
struct Tree {
  std::vector<std::string> sources;
  std::vector<TreeNode> nodes;
};

}  // namespace detail

namespace {

using detail::Entry;
using detail::Kind;
using detail::Loc;
using detail::Tree;
using detail::TreeNode;

constexpr const char* kSetSource = "--set";

// The file name and the key path come from the user (a path on the command
// line, a key in the file, a profile named in a workload): control
// characters in them are escaped, as quote() escapes them in values, so that
// a message cannot drive the terminal it is printed on.
std::string format_what(const SourcePos& pos, const std::string& key_path,
                        const std::string& message) {
  std::string out = escape_controls(pos.file) + ":" + std::to_string(pos.line) + ":" +
                    std::to_string(pos.column) + ": ";
  if (!key_path.empty()) out += escape_controls(key_path) + ": ";
  return out + message;
}

std::string join_key(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string join_index(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

SourcePos to_pos(const Tree& tree, const Loc& loc) {
  return SourcePos{tree.sources[loc.source], loc.line, loc.column};
}

// Where text being parsed came from: which source, and how far the text is
// shifted right on its first line (a --set value starts after "path=").
struct Origin {
  std::uint32_t source = 0;
  int column_offset = 0;
  // The key path of the parsed text's root: "" for a file, the assignment's
  // path for a --set value ("shared.f"), so that errors inside the value
  // name the whole path.
  std::string path;
};

Loc make_loc(const Origin& origin, int line0, int column0) {
  if (line0 < 0 || column0 < 0) return Loc{1, 1 + origin.column_offset, origin.source};
  return Loc{line0 + 1, column0 + 1 + (line0 == 0 ? origin.column_offset : 0), origin.source};
}

// 0-based line and byte column of byte `offset` in `text`.
std::pair<int, int> line_column(std::string_view text, std::size_t offset) {
  int line = 0;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start)};
}

[[noreturn]] void throw_at(const Tree& tree, const Loc& loc, std::string path, std::string message) {
  throw ConfigError(to_pos(tree, loc), std::move(path), std::move(message));
}

// Rejects bytes yaml-cpp would misread: anything that is not UTF-8, and
// control characters, one of which (0x04) yaml-cpp takes as end of input.
void check_bytes(const Tree& tree, std::string_view text, const Origin& origin) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < n && bytes[i] >= lo && bytes[i] <= hi;
  };
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = bytes[i];
    std::size_t len = 0;
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "control character U+%04X is not allowed", c);
        const auto [line, column] = line_column(text, i);
        throw_at(tree, make_loc(origin, line, column), "", buf);
      }
      len = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = cont(i + 1) ? 2 : 0;
    } else if (c >= 0xE0 && c <= 0xEF) {
      // E0 excludes overlong forms, ED excludes UTF-16 surrogates.
      const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
      const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
      len = cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
    } else if (c >= 0xF0 && c <= 0xF4) {
      // F0 excludes overlong forms, F4 caps code points at U+10FFFF.
      const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
      const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
      len = cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    if (len == 0) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "invalid UTF-8 (byte 0x%02x); config files must be UTF-8", c);
      const auto [line, column] = line_column(text, i);
      throw_at(tree, make_loc(origin, line, column), "", buf);
    }
    i += len;
  }
}

// Turns yaml-cpp's events into a Tree, enforcing the limits as it goes so
// that nothing unbounded is ever built or walked. Keeps its own stack instead
// of recursing.
class Builder final : public YAML::EventHandler {
 public:
  Builder(Tree& tree, Origin origin) : tree_(tree), origin_(origin) {}

  std::int32_t root() const { return root_; }

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    leaf(mark, anchor, Kind::kNull, std::string());
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // yaml-cpp tags an untagged quoted scalar "!" and a plain one "?".
    leaf(mark, anchor, Kind::kScalar, value, tag == "!");
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const Loc loc = make_loc(origin_, mark.line, mark.column);
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      // yaml-cpp has checked the anchor exists, so it is still open.
      throw_at(tree_, loc, next_path(), "alias refers to a node that contains it");
    }
    const Anchored target = it->second;
    if (expecting_key()) {
      const TreeNode& node = tree_.nodes[static_cast<std::size_t>(target.node)];
      if (node.kind != Kind::kScalar) {
        throw_at(tree_, loc, stack_.back().path, "mapping keys must be scalars");
      }
      take_key(node.text, loc);
      return;
    }
    if (static_cast<int>(stack_.size()) + target.height > kMaxDepth) {
      throw_at(tree_, loc, next_path(),
               "expanding this alias nests the document deeper than " +
                   std::to_string(kMaxDepth) + " levels");
    }
    total_ += target.expanded;
    if (total_ > kMaxNodes) {
      throw_at(tree_, loc, next_path(),
               "expanding this alias makes the document larger than " +
                   std::to_string(kMaxNodes) + " nodes");
    }
    if (!stack_.empty()) {
      stack_.back().height = std::max(stack_.back().height, target.height + 1);
    }
    attach(target.node);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor, Kind::kSeq);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor, Kind::kMap);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    std::int32_t node;
    bool is_map;
    std::string path;
    bool have_key = false;
    std::string key;
    Loc key_loc;
    std::unordered_map<std::string, Loc> seen;  // keys so far, for duplicates
    std::int64_t total_at_open;
    int height = 1;  // levels of collections in this subtree, itself included
    YAML::anchor_t anchor;
    bool is_key = false;  // a mapping or sequence used as a mapping key
  };
  struct Anchored {
    std::int32_t node;
    std::int64_t expanded;  // nodes when fully expanded
    int height;             // 0 for scalars and null
  };

  bool expecting_key() const { return !stack_.empty() && stack_.back().is_map && !stack_.back().have_key; }

  // The path of the node the next value event will create.
  std::string next_path() const {
    if (stack_.empty()) return origin_.path;
    const Frame& f = stack_.back();
    if (f.is_map) return join_key(f.path, f.key);
    return join_index(f.path, tree_.nodes[static_cast<std::size_t>(f.node)].items.size());
  }

  void count(const Loc& loc, const std::string& path) {
    if (++total_ > kMaxNodes) {
      throw_at(tree_, loc, path,
               "the document has more than " + std::to_string(kMaxNodes) + " nodes");
    }
  }

  std::int32_t add_node(Kind kind, const Loc& loc, std::string text, bool quoted = false) {
    TreeNode node;
    node.kind = kind;
    node.loc = loc;
    node.text = std::move(text);
    node.quoted = quoted;
    tree_.nodes.push_back(std::move(node));
    return static_cast<std::int32_t>(tree_.nodes.size() - 1);
  }

  void take_key(const std::string& key, const Loc& loc) {
    Frame& f = stack_.back();
    const auto [it, inserted] = f.seen.emplace(key, loc);
    if (!inserted) {
      throw_at(tree_, loc, join_key(f.path, key),
               "duplicate key; it is already defined at line " + std::to_string(it->second.line) +
                   ", column " + std::to_string(it->second.column));
    }
    f.key = key;
    f.key_loc = loc;
    f.have_key = true;
  }

  void attach(std::int32_t index) {
    if (stack_.empty()) {
      root_ = index;
      return;
    }
    Frame& f = stack_.back();
    TreeNode& parent = tree_.nodes[static_cast<std::size_t>(f.node)];
    if (f.is_map) {
      parent.entries.push_back(Entry{std::move(f.key), f.key_loc, index});
      f.key.clear();
      f.have_key = false;
    } else {
      parent.items.push_back(index);
    }
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, Kind kind, const std::string& text,
            bool quoted = false) {
    Loc loc = make_loc(origin_, mark.line, mark.column);
    // yaml-cpp places an absent value ("key:" and nothing) at whatever token
    // follows, often lines later; its key is the better place to point at.
    if (kind == Kind::kNull && !expecting_key() && !stack_.empty() && stack_.back().is_map &&
        loc.line != stack_.back().key_loc.line) {
      loc = stack_.back().key_loc;
    }
    if (expecting_key()) {
      if (kind == Kind::kNull) throw_at(tree_, loc, stack_.back().path, "a mapping key is empty");
      count(loc, stack_.back().path);
      take_key(text, loc);
      // An anchored key can be aliased later, so it needs a node of its own.
      if (anchor != YAML::NullAnchor) anchors_[anchor] = Anchored{add_node(kind, loc, text, quoted), 1, 0};
      return;
    }
    count(loc, next_path());
    const std::int32_t index = add_node(kind, loc, text, quoted);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = Anchored{index, 1, 0};
    attach(index);
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, Kind kind) {
    const Loc loc = make_loc(origin_, mark.line, mark.column);
    // A collection as a key is rejected when it ends, not here: yaml-cpp also
    // reads an unclosed "[" at the end of the input as the start of a key,
    // and then its own "end of sequence flow not found" is the right message.
    const bool is_key = expecting_key();
    std::string path = is_key ? stack_.back().path : next_path();
    if (static_cast<int>(stack_.size()) + 1 > kMaxDepth) {
      throw_at(tree_, loc, path,
               "the document is nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    const std::int64_t total_at_open = total_;
    count(loc, path);
    const std::int32_t index = add_node(kind, loc, std::string());
    if (!is_key) attach(index);
    Frame frame;
    frame.node = index;
    frame.is_map = kind == Kind::kMap;
    frame.path = std::move(path);
    frame.total_at_open = total_at_open;
    frame.anchor = anchor;
    frame.is_key = is_key;
    stack_.push_back(std::move(frame));
  }

  void close() {
    const Frame& f = stack_.back();
    if (f.is_key) {
      const std::string map_path = stack_[stack_.size() - 2].path;
      throw_at(tree_, tree_.nodes[static_cast<std::size_t>(f.node)].loc, map_path,
               "mapping keys must be scalars");
    }
    if (f.anchor != YAML::NullAnchor) {
      anchors_[f.anchor] = Anchored{f.node, total_ - f.total_at_open, f.height};
    }
    const int height = f.height;
    stack_.pop_back();
    if (!stack_.empty()) stack_.back().height = std::max(stack_.back().height, height + 1);
  }

  Tree& tree_;
  Origin origin_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Anchored> anchors_;
  std::int64_t total_ = 0;
  std::int32_t root_ = -1;
};

// Stops at the start of a second document.
class SecondDocument final : public YAML::EventHandler {
 public:
  SecondDocument(const Tree& tree, Origin origin) : tree_(tree), origin_(origin) {}
  void OnDocumentStart(const YAML::Mark& mark) override {
    throw_at(tree_, make_loc(origin_, mark.line, mark.column), "",
             "only one YAML document is allowed; another one starts here");
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  const Tree& tree_;
  Origin origin_;
};

// Parses `text` into `tree` and returns the root's index. With allow_empty
// (a --set value), no document at all is a null at the start of the text.
std::int32_t parse_into(Tree& tree, std::string_view text, const Origin& origin, bool allow_empty) {
  if (text.size() > kMaxFileBytes) {
    throw_at(tree, make_loc(origin, 0, 0), "", "file is larger than 16 MiB");
  }
  // yaml-cpp skips a byte-order mark and leaves it out of its marks; drop it
  // here so that every column, ours and yaml-cpp's, counts the same bytes.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  check_bytes(tree, text, origin);
  std::istringstream in{std::string(text)};
  Builder builder(tree, origin);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) {
      if (!allow_empty) throw_at(tree, make_loc(origin, 0, 0), "", "empty document");
      TreeNode null_node;
      null_node.loc = make_loc(origin, 0, 0);
      tree.nodes.push_back(std::move(null_node));
      return static_cast<std::int32_t>(tree.nodes.size() - 1);
    }
    SecondDocument second(tree, origin);
    parser.HandleNextDocument(second);
  } catch (const YAML::Exception& e) {
    // For errors at the end of the input yaml-cpp's line and column can be
    // stale (0:0) while its byte offset is right, so the offset decides.
    std::size_t offset = text.size();
    if (!e.mark.is_null() && e.mark.pos >= 0) {
      offset = std::min(text.size(), static_cast<std::size_t>(e.mark.pos));
    }
    const auto [line, column] = line_column(text, offset);
    throw_at(tree, make_loc(origin, line, column), "", "invalid YAML: " + e.msg);
  }
  return builder.root();
}

// Checks the limits on the whole tree under `root`, aliases expanded, by an
// iterative walk that visits each shared node once. Needed after an
// override, which can deepen or grow a tree that was within limits.
bool within_limits(const Tree& tree, std::int32_t root) {
  std::vector<std::int64_t> expanded(tree.nodes.size(), -1);
  std::vector<int> height(tree.nodes.size(), 0);
  auto children = [&](const TreeNode& node) {
    return node.kind == Kind::kMap ? node.entries.size() : node.items.size();
  };
  auto child = [&](const TreeNode& node, std::size_t i) {
    return static_cast<std::size_t>(node.kind == Kind::kMap ? node.entries[i].value : node.items[i]);
  };
  std::vector<std::pair<std::size_t, std::size_t>> stack{{static_cast<std::size_t>(root), 0}};
  while (!stack.empty()) {
    auto& [index, next] = stack.back();
    const TreeNode& node = tree.nodes[index];
    if (next < children(node)) {
      const std::size_t c = child(node, next++);
      if (expanded[c] < 0) stack.emplace_back(c, 0);
      continue;
    }
    std::int64_t total = 1 + static_cast<std::int64_t>(node.entries.size());
    int levels = 0;
    if (node.kind == Kind::kMap || node.kind == Kind::kSeq) {
      levels = 1;
      for (std::size_t i = 0; i < children(node); ++i) {
        const std::size_t c = child(node, i);
        total = std::min(total + expanded[c], kMaxNodes + 1);
        levels = std::max(levels, height[c] + 1);
      }
    }
    expanded[index] = total;
    height[index] = levels;
    stack.pop_back();
  }
  const auto r = static_cast<std::size_t>(root);
  return expanded[r] <= kMaxNodes && height[r] <= kMaxDepth;
}

std::int32_t clone(Tree& tree, std::int32_t index) {
  TreeNode copy = tree.nodes[static_cast<std::size_t>(index)];
  tree.nodes.push_back(std::move(copy));
  return static_cast<std::int32_t>(tree.nodes.size() - 1);
}

std::int32_t new_map(Tree& tree, const Loc& loc) {
  TreeNode node;
  node.kind = Kind::kMap;
  node.loc = loc;
  tree.nodes.push_back(std::move(node));
  return static_cast<std::int32_t>(tree.nodes.size() - 1);
}

bool parse_index(std::string_view text, std::size_t* out) {
  if (text.empty() || text.size() > 9) return false;
  std::size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  *out = value;
  return true;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += quote(names[i]);
  }
  return out;
}

std::string format_double(double v) {
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

// Strict decimal floating point: optional sign, digits, optional fraction and
// exponent, nothing else; nullopt when not finite.
std::optional<double> parse_double(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    const bool ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
    if (!ok) return std::nullopt;  // keeps out "inf", "nan" and hex
  }
  double value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

ConfigError::ConfigError(SourcePos pos, std::string key_path, std::string message)
    : std::runtime_error(format_what(pos, key_path, message)),
      pos_(std::move(pos)),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {}

// ---------------------------------------------------------------------------
// Document

Document::Document(std::shared_ptr<detail::Tree> tree, std::int32_t root, std::string name)
    : tree_(std::move(tree)), root_(root), name_(std::move(name)) {}

Document Document::load_string(const std::string& text, const std::string& name) {
  auto tree = std::make_shared<Tree>();
  tree->sources.push_back(name);
  const std::int32_t root = parse_into(*tree, text, Origin{}, /*allow_empty=*/false);
  return Document(std::move(tree), root, name);
}

Document Document::load_file(const std::string& path) {
  const SourcePos start{path, 1, 1};
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ConfigError(start, "", "is a directory, not a file");
  }
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw ConfigError(start, "", std::string("cannot open file: ") + std::strerror(errno));
  }
  // Read in chunks up to one byte past the limit, so that neither a huge file
  // nor one whose size is unknown (a pipe) is read whole.
  std::string text;
  char buf[64 * 1024];
  bool failed = false;
  int read_errno = 0;
  while (text.size() <= kMaxFileBytes) {
    const std::size_t n = std::fread(buf, 1, sizeof buf, file);
    text.append(buf, n);
    if (n < sizeof buf) {
      if (std::ferror(file) != 0) {
        failed = true;
        read_errno = errno;
      }
      break;
    }
  }
  std::fclose(file);
  if (failed) {
    throw ConfigError(start, "", std::string("cannot read file: ") + std::strerror(read_errno));
  }
  if (text.size() > kMaxFileBytes) throw ConfigError(start, "", "file is larger than 16 MiB");
  return load_string(text, path);
}

void Document::apply_override(const std::string& assignment) { apply(assignment, kSetSource, true); }

void Document::apply_option(const std::string& key, const std::string& value, const std::string& option) {
  apply(key + "=" + value, option, false);
}

void Document::apply(const std::string& assignment, const std::string& source, bool columns_from_start) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos) {
    throw ConfigError(SourcePos{source, 1, 1}, "",
                      "expected key.path=value, got " + quote(assignment));
  }
  if (eq == 0) {
    throw ConfigError(SourcePos{source, 1, 1}, "",
                      "missing key path before '=' in " + quote(assignment));
  }
  // Split the path, remembering where each component starts in `assignment`.
  struct Component {
    std::string_view text;
    int column;  // 1-based
  };
  std::vector<Component> components;
  const std::string_view path_text(assignment.data(), eq);
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path_text.find('.', start);
    const std::size_t end = dot == std::string_view::npos ? path_text.size() : dot;
    const Component c{path_text.substr(start, end - start), static_cast<int>(start) + 1};
    if (c.text.empty()) {
      throw ConfigError(SourcePos{source, 1, c.column}, "",
                        "empty key in path " + quote(path_text));
    }
    components.push_back(c);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }

  Tree& tree = *tree_;
  // Columns count from the start of the assignment ("--set seed=x": the
  // value at column 6), or from the start of the value for an option that
  // names the key itself ("--seed x": column 1).
  Origin origin{static_cast<std::uint32_t>(tree.sources.size()), columns_from_start ? static_cast<int>(eq) + 1 : 0,
                std::string()};
  // The path as Node::path spells it ("main[0].sleep" for main.0.sleep),
  // read off the tree before it changes; past the tree, keys.
  {
    std::int32_t at = root_;
    for (const Component& c : components) {
      const TreeNode* node = at < 0 ? nullptr : &tree.nodes[static_cast<std::size_t>(at)];
      std::size_t index = 0;
      if (node != nullptr && node->kind == Kind::kSeq && parse_index(c.text, &index)) {
        origin.path = join_index(origin.path, index);
        at = index < node->items.size() ? node->items[index] : -1;
        continue;
      }
      origin.path = join_key(origin.path, c.text);
      at = -1;
      if (node != nullptr && node->kind == Kind::kMap) {
        for (const Entry& e : node->entries) {
          if (e.key == c.text) at = e.value;
        }
      }
    }
  }
  tree.sources.push_back(source);
  auto loc_of = [&](const Component& c) { return Loc{1, c.column, origin.source}; };
  const std::int32_t value =
      parse_into(tree, std::string_view(assignment).substr(eq + 1), origin, /*allow_empty=*/true);

  // Copy every node on the path so that nodes shared through aliases, copies
  // of this Document and Nodes already handed out all stay unchanged.
  const std::int32_t new_root = clone(tree, root_);
  std::int32_t current = new_root;
  std::string path;  // of `current`, as Node::path would spell it
  for (std::size_t i = 0; i < components.size(); ++i) {
    const Component& c = components[i];
    const bool last = i + 1 == components.size();
    const Loc c_loc = loc_of(c);
    // The node a new mapping gets when the path runs past the tree: the
    // position of its first key, as for a mapping in a file.
    const Loc next_loc = last ? c_loc : loc_of(components[i + 1]);
    TreeNode* node = &tree.nodes[static_cast<std::size_t>(current)];
    if (node->kind == Kind::kNull) {
      node->kind = Kind::kMap;
      node->loc = c_loc;
    }
    if (node->kind == Kind::kScalar && path.empty()) {
      // The file itself is one value: say so where it is, without its text.
      throw_at(tree, node->loc, "",
               "the file is a single value, not a mapping of keys; " + source + " cannot set " +
                   quote(path_text) + " in it");
    }
    if (node->kind == Kind::kScalar) {
      throw_at(tree, c_loc, join_key(path, c.text),
               "cannot set a key inside " + (path.empty() ? std::string("the document") : path) +
                   ", which is a scalar");
    }
    std::int32_t next = -1;
    if (node->kind == Kind::kMap) {
      const std::string child_path = join_key(path, c.text);
      auto it = std::find_if(node->entries.begin(), node->entries.end(),
                             [&](const Entry& e) { return e.key == c.text; });
      if (it == node->entries.end()) {
        next = last ? value : new_map(tree, next_loc);
        node = &tree.nodes[static_cast<std::size_t>(current)];
        node->entries.push_back(Entry{std::string(c.text), c_loc, next});
      } else if (last) {
        it->value = value;
      } else {
        const std::int32_t old = it->value;
        next = clone(tree, old);
        node = &tree.nodes[static_cast<std::size_t>(current)];
        std::find_if(node->entries.begin(), node->entries.end(),
                     [&](const Entry& e) { return e.key == c.text; })
            ->value = next;
      }
      path = child_path;
    } else {
      const std::size_t size = node->items.size();
      std::size_t index = 0;
      if (!parse_index(c.text, &index)) {
        throw_at(tree, c_loc, path,
                 "expected a sequence index (0 to " + std::to_string(size) + "), got " +
                     quote(c.text));
      }
      if (index > size) {
        throw_at(tree, c_loc, join_index(path, index),
                 "index " + std::to_string(index) + " is out of range; the sequence has " +
                     std::to_string(size) + " items");
      }
      if (index == size) {
        next = last ? value : new_map(tree, next_loc);
        tree.nodes[static_cast<std::size_t>(current)].items.push_back(next);
      } else if (last) {
        node->items[index] = value;
      } else {
        next = clone(tree, node->items[index]);
        tree.nodes[static_cast<std::size_t>(current)].items[index] = next;
      }
      path = join_index(path, index);
    }
    current = next;
  }

  if (!within_limits(tree, new_root)) {
    throw_at(tree, tree.nodes[static_cast<std::size_t>(value)].loc, path,
             "with this value the document is nested deeper than " + std::to_string(kMaxDepth) +
                 " levels or has more than " + std::to_string(kMaxNodes) + " nodes");
  }
  root_ = new_root;
}

Node Document::root() const { return Node(tree_, root_, std::string()); }

// ---------------------------------------------------------------------------
// Node

Node::Node(std::shared_ptr<const detail::Tree> tree, std::int32_t index, std::string path)
    : tree_(std::move(tree)), index_(index), path_(std::move(path)) {}

namespace {
const TreeNode& node_of(const Tree& tree, std::int32_t index) {
  return tree.nodes[static_cast<std::size_t>(index)];
}
}  // namespace

SourcePos Node::pos() const { return to_pos(*tree_, node_of(*tree_, index_).loc); }

bool Node::is_map() const { return node_of(*tree_, index_).kind == Kind::kMap; }
bool Node::is_seq() const { return node_of(*tree_, index_).kind == Kind::kSeq; }
bool Node::is_scalar() const { return node_of(*tree_, index_).kind == Kind::kScalar; }
bool Node::is_null() const { return node_of(*tree_, index_).kind == Kind::kNull; }
bool Node::is_quoted() const { return node_of(*tree_, index_).quoted; }

std::string Node::describe() const {
  const TreeNode& node = node_of(*tree_, index_);
  switch (node.kind) {
    case Kind::kMap: return "a mapping";
    case Kind::kSeq: return "a sequence";
    case Kind::kNull: return "null";
    case Kind::kScalar: return quote(node.text);
  }
  return "null";
}

void Node::fail(const std::string& message) const { throw ConfigError(pos(), path_, message); }

void Node::fail_key(std::string_view key, const std::string& message) const {
  const TreeNode& node = node_of(*tree_, index_);
  if (node.kind == Kind::kMap) {
    for (const Entry& e : node.entries) {
      if (e.key == key) throw ConfigError(to_pos(*tree_, e.key_loc), child_path(key), message);
    }
  }
  throw ConfigError(pos(), child_path(key), message);
}

std::string Node::child_path(std::string_view key) const { return join_key(path_, key); }

Node Node::child(std::int32_t index, std::string path) const {
  return Node(tree_, index, std::move(path));
}

void Node::require_map() const {
  if (!is_map()) fail("expected a mapping, got " + describe());
}

void Node::require_seq() const {
  if (!is_seq()) fail("expected a sequence, got " + describe());
}

const Node& Node::expect_keys(std::initializer_list<std::string_view> allowed) const {
  std::vector<std::string> names;
  names.reserve(allowed.size());
  for (std::string_view a : allowed) names.emplace_back(a);
  return expect_keys(names);
}

const Node& Node::expect_keys(const std::vector<std::string>& allowed) const {
  require_map();
  for (const Entry& e : node_of(*tree_, index_).entries) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    const std::string best = suggest(e.key, allowed);
    std::string message = "unknown key; ";
    if (e.key == "<<") {
      // YAML 1.1 merge keys look like a feature; yaml-cpp does not merge them.
      message += "merge keys (<<) are not supported; write the keys out";
    } else if (!best.empty()) {
      message += "did you mean " + quote(best) + "?";
    } else if (allowed.empty()) {
      message += "no keys are allowed here";
    } else {
      message += "allowed keys are " + quoted_list(allowed);
    }
    throw ConfigError(to_pos(*tree_, e.key_loc), child_path(e.key), message);
  }
  return *this;
}

const Node& Node::expect_document(const std::vector<std::string>& allowed, std::string_view what) const {
  const TreeNode& node = node_of(*tree_, index_);
  const std::string not_a = "not a " + std::string(what) + ": ";
  switch (node.kind) {
    case Kind::kScalar:
      fail(not_a + "the file is a single value of " + std::to_string(node.text.size()) +
           " bytes, not a mapping of keys");
    case Kind::kSeq: fail(not_a + "the file is a list, not a mapping of keys");
    case Kind::kNull: fail(not_a + "the file holds no keys");
    case Kind::kMap: break;
  }
  bool recognised = node.entries.empty();
  for (const Entry& e : node.entries) {
    const bool known = std::find(allowed.begin(), allowed.end(), e.key) != allowed.end();
    recognised = recognised || known || !suggest(e.key, allowed).empty();
  }
  if (!recognised) {
    // A key spelt with a look-alike letter (a Cyrillic "а" in "main") is
    // worth a hint, still without quoting it.
    const bool non_ascii = std::any_of(node.entries.begin(), node.entries.end(), [](const Entry& e) {
      return std::any_of(e.key.begin(), e.key.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    });
    fail(not_a + "none of its keys (" + std::to_string(node.entries.size()) + ") is a " + std::string(what) +
         " key; those are " + quoted_list(allowed) +
         (non_ascii ? "; some have letters outside ASCII (one that looks like an ASCII letter?)" : ""));
  }
  return expect_keys(allowed);
}

std::optional<Node> Node::get(std::string_view key) const {
  require_map();
  for (const Entry& e : node_of(*tree_, index_).entries) {
    if (e.key == key) return child(e.value, child_path(key));
  }
  return std::nullopt;
}

bool Node::has(std::string_view key) const { return get(key).has_value(); }

Node Node::require(std::string_view key) const {
  std::optional<Node> found = get(key);
  if (!found) throw ConfigError(pos(), child_path(key), "missing required key " + quote(key));
  return *std::move(found);
}

std::vector<std::pair<std::string, Node>> Node::entries() const {
  require_map();
  std::vector<std::pair<std::string, Node>> out;
  for (const Entry& e : node_of(*tree_, index_).entries) {
    out.emplace_back(e.key, child(e.value, child_path(e.key)));
  }
  return out;
}

std::vector<std::string> Node::keys() const {
  require_map();
  std::vector<std::string> out;
  for (const Entry& e : node_of(*tree_, index_).entries) out.push_back(e.key);
  return out;
}

std::size_t Node::size() const {
  require_seq();
  return node_of(*tree_, index_).items.size();
}

Node Node::at(std::size_t i) const {
  const std::size_t n = size();
  if (i >= n) {
    fail("index " + std::to_string(i) + " is out of range; the sequence has " + std::to_string(n) +
         " items");
  }
  return child(node_of(*tree_, index_).items[i], join_index(path_, i));
}

std::vector<Node> Node::items() const {
  const std::size_t n = size();
  std::vector<Node> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(child(node_of(*tree_, index_).items[i], join_index(path_, i)));
  }
  return out;
}

namespace {

// "must be between A and B, got T", or "at least"/"at most" when one side is
// the type's own limit and so not a real bound.
std::string range_message(bool has_min, const std::string& min, bool has_max,
                          const std::string& max, std::string_view got) {
  if (has_min && !has_max) return "must be at least " + min + ", got " + std::string(got);
  if (has_max && !has_min) return "must be at most " + max + ", got " + std::string(got);
  return "must be between " + min + " and " + max + ", got " + std::string(got);
}

template <class T>
std::string int_range_message(T min, T max, std::string_view got,
                              std::string (*format)(T)) {
  return range_message(min != std::numeric_limits<T>::min(), format(min),
                       max != std::numeric_limits<T>::max(), format(max), got);
}

std::string format_int(std::int64_t v) { return std::to_string(v); }

}  // namespace

std::string Node::as_string() const {
  if (!is_scalar()) fail("expected a string, got " + describe());
  const std::string& text = node_of(*tree_, index_).text;
  if (text.size() > kMaxStringBytes) {
    fail("string is longer than 64 KiB (" + std::to_string(text.size()) + " bytes)");
  }
  return text;
}

std::int64_t Node::as_int(std::int64_t min, std::int64_t max) const {
  if (!is_scalar()) fail("expected an integer, got " + describe());
  const std::string& text = node_of(*tree_, index_).text;
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  // Underscores may only separate digits: "10_000", not "_1", "1_" or "1__0".
  bool valid = !digits.empty() && digits.front() != '_' && digits.back() != '_';
  sim::detail::UInt128 magnitude = 0;
  bool too_big = false;
  for (std::size_t i = 0; valid && i < digits.size(); ++i) {
    const char c = digits[i];
    if (c == '_') {
      valid = digits[i - 1] != '_';
    } else if (c >= '0' && c <= '9') {
      magnitude = magnitude * 10 + static_cast<unsigned>(c - '0');
      if (magnitude > (static_cast<sim::detail::UInt128>(1) << 64)) {
        too_big = true;
        magnitude = static_cast<sim::detail::UInt128>(1) << 64;
      }
    } else {
      valid = false;
    }
  }
  if (!valid) fail("expected an integer, got " + quote(text));
  const sim::detail::UInt128 limit =
      static_cast<sim::detail::UInt128>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
  bool in_range = !too_big && magnitude <= limit;
  std::int64_t value = 0;
  if (in_range) {
    value = static_cast<std::int64_t>(negative ? -static_cast<sim::detail::Int128>(magnitude)
                                               : static_cast<sim::detail::Int128>(magnitude));
    in_range = value >= min && value <= max;
  }
  if (!in_range && (too_big || magnitude > limit)) {
    // Beyond what any integer here can be: both ends of the range, even one
    // that is the type's own limit ("at least 0" would not say why
    // 9223372036854775808 is wrong).
    fail(range_message(true, format_int(min), true, format_int(max), text));
  }
  if (!in_range) fail(int_range_message<std::int64_t>(min, max, text, format_int));
  return value;
}

double Node::as_double(double min, double max) const {
  if (!is_scalar()) fail("expected a number, got " + describe());
  const std::string& text = node_of(*tree_, index_).text;
  const std::optional<double> value = parse_double(text);
  if (!value) fail("expected a finite number, got " + quote(text));
  if (*value < min || *value > max) {
    const double lowest = std::numeric_limits<double>::lowest();
    const double highest = std::numeric_limits<double>::max();
    fail(range_message(min > lowest, format_double(min), max < highest, format_double(max), text));
  }
  return *value;
}

bool Node::as_bool() const {
  if (!is_scalar()) fail("expected true or false, got " + describe());
  const std::string& text = node_of(*tree_, index_).text;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  fail("expected true or false, got " + quote(text));
}

sim::Duration Node::as_duration(sim::Duration min, sim::Duration max) const {
  if (!is_scalar()) fail("expected a duration like \"10ms\", got " + describe());
  const std::string& text = node_of(*tree_, index_).text;
  std::string error;
  const std::optional<sim::Duration> value = parse_duration(text, &error);
  if (!value) fail(error);
  if (*value < min || *value > max) {
    fail(int_range_message<sim::Duration>(min, max, text, format_duration_exact));
  }
  return *value;
}

std::int64_t Node::as_size(std::int64_t min, std::int64_t max) const {
  if (!is_scalar()) fail("expected a size like \"64KiB\", got " + describe());
  const std::string& text = node_of(*tree_, index_).text;
  std::string error;
  const std::optional<std::int64_t> value = parse_size(text, &error);
  if (!value) fail(error);
  if (*value < min || *value > max) {
    fail(int_range_message<std::int64_t>(min, max, text, format_size));
  }
  return *value;
}

double Node::as_fraction() const {
  const std::string expected = "expected a fraction like \"25%\" or 0.25, got ";
  if (!is_scalar()) fail(expected + describe());
  const std::string& text = node_of(*tree_, index_).text;
  std::optional<double> value;
  if (!text.empty() && text.back() == '%') {
    const std::string_view number(text.data(), text.size() - 1);
    // Shift the decimal point in the text, not by dividing, so that "10%"
    // reads as exactly the double 0.1 does.
    const bool plain = !number.empty() && number.find_first_of("eE") == std::string_view::npos;
    if (plain) value = parse_double(std::string(number) + "e-2");
  } else {
    value = parse_double(text);
  }
  if (!value) fail(expected + quote(text));
  if (*value < 0 || *value > 1) fail("must be between 0 and 1 (0% and 100%), got " + text);
  return *value;
}

std::size_t Node::choose(const std::vector<std::string_view>& names) const {
  std::vector<std::string> choices(names.begin(), names.end());
  if (!is_scalar()) fail("expected one of " + quoted_list(choices) + ", got " + describe());
  const std::string& text = node_of(*tree_, index_).text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return i;
  }
  const std::string best = suggest(text, choices);
  if (!best.empty()) fail("unknown value " + quote(text) + "; did you mean " + quote(best) + "?");
  fail("unknown value " + quote(text) + "; expected one of " + quoted_list(choices));
}

}  // namespace concsim::load
