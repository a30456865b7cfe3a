// str: UTF-8 text indexed by code point (StrObj), with the methods of
// CPython 3.11's str (Objects/unicodeobject.c, Objects/stringlib/*) and
// their messages. Searching works on the UTF-8 bytes (a code point sequence
// matches exactly where its bytes do); positions are converted to and from
// code points at the edges, which is free for ASCII text.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "models/vm/library.h"
#include "models/vm/unicode_db.h"

namespace concsim::vm::lib {

// ------------------------------------------------------------- UTF-8 ----

char32_t utf8_next(std::string_view s, std::size_t* i) {
  const auto c0 = static_cast<unsigned char>(s[*i]);
  if (c0 < 0x80) {
    ++*i;
    return c0;
  }
  int n = c0 >= 0xF0 ? 3 : c0 >= 0xE0 ? 2 : 1;
  char32_t c = c0 & (0x3F >> n);
  ++*i;
  while (n-- > 0 && *i < s.size()) c = (c << 6) | (static_cast<unsigned char>(s[(*i)++]) & 0x3F);
  return c;
}

void utf8_append(std::string* out, char32_t c) {
  if (c < 0x80) {
    *out += static_cast<char>(c);
  } else if (c < 0x800) {
    *out += static_cast<char>(0xC0 | (c >> 6));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *out += static_cast<char>(0xE0 | (c >> 12));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (c >> 18));
    *out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) out += utf8_next(s, &i);
  return out;
}

std::string from_u32(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) utf8_append(&out, c);
  return out;
}

std::size_t str_offset(const StrObj* s, std::int64_t index) {
  if (s->ascii) return static_cast<std::size_t>(index);
  std::size_t i = 0;
  for (std::int64_t k = 0; k < index && i < s->s.size(); ++k) utf8_next(s->s, &i);
  return i;
}

namespace {

std::int64_t cp_count(std::string_view s, std::size_t from, std::size_t to) {
  std::int64_t n = 0;
  for (std::size_t i = from; i < to; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}


}  // namespace

// --------------------------------------------------- character classes ----

namespace {

using unicode::kPropertyRuns;

std::uint16_t props(char32_t c) {
  // The last run starting at or before c.
  int lo = 0;
  int hi = unicode::kPropertyRunCount - 1;
  if (c < kPropertyRuns[0].first) return 0;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (kPropertyRuns[mid].first <= c) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return kPropertyRuns[lo].flags;
}

bool has(char32_t c, std::uint16_t flag) { return (props(c) & flag) != 0; }

// The case mapping `which` (0 upper, 1 lower, 2 title, 3 casefold) of a
// non-ASCII character, appended.
void append_mapping(std::u32string* out, char32_t c, int which) {
  int lo = 0;
  int hi = unicode::kSpecialCaseCount - 1;
  while (lo <= hi) {
    const int mid = (lo + hi) / 2;
    const unicode::SpecialCase& sc = unicode::kSpecialCases[mid];
    if (sc.cp == c) {
      *out += sc.map[which];
      return;
    }
    if (sc.cp < c) {
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  lo = 0;
  hi = unicode::kCaseRunCount - 1;
  while (lo <= hi) {
    const int mid = (lo + hi) / 2;
    const unicode::CaseRun& r = unicode::kCaseRuns[mid];
    if (c < r.first) {
      hi = mid - 1;
    } else if (c > r.last) {
      lo = mid + 1;
    } else {
      if ((c - r.first) % static_cast<char32_t>(r.stride) == 0) {
        *out += static_cast<char32_t>(static_cast<std::int32_t>(c) + r.delta[which]);
        return;
      }
      break;
    }
  }
  *out += c;
}

}  // namespace

bool uc_isspace(char32_t c) {
  if (c < 128) return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  return has(c, unicode::kSpace);
}

int uc_decimal_value(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c < 128 || !has(c, unicode::kDecimal)) return -1;
  // The block's zero: the last zero at or before c.
  int best = -1;
  for (int i = 0; i < unicode::kDecimalZeroCount && unicode::kDecimalZeros[i] <= c; ++i) best = i;
  return best < 0 ? -1 : static_cast<int>(c - unicode::kDecimalZeros[best]);
}

bool uc_isdecimal(char32_t c) { return c < 128 ? (c >= '0' && c <= '9') : has(c, unicode::kDecimal); }
bool uc_isdigit(char32_t c) { return c < 128 ? (c >= '0' && c <= '9') : has(c, unicode::kDigit); }
bool uc_isnumeric(char32_t c) { return c < 128 ? (c >= '0' && c <= '9') : has(c, unicode::kNumeric); }
bool uc_isalpha(char32_t c) {
  if (c < 128) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return has(c, unicode::kAlpha);
}
bool uc_isupper(char32_t c) { return c < 128 ? (c >= 'A' && c <= 'Z') : has(c, unicode::kUpper); }
bool uc_islower(char32_t c) { return c < 128 ? (c >= 'a' && c <= 'z') : has(c, unicode::kLower); }
bool uc_isprintable(char32_t c) { return c < 128 ? (c >= 0x20 && c < 0x7F) : has(c, unicode::kPrintable); }

char32_t uc_toupper(char32_t c) {
  if (c < 128) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  std::u32string m;
  append_mapping(&m, c, 0);
  return m.size() == 1 ? m[0] : c;
}

char32_t uc_tolower(char32_t c) {
  if (c < 128) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  std::u32string m;
  append_mapping(&m, c, 1);
  return m.size() == 1 ? m[0] : c;
}

namespace {

bool uc_istitle(char32_t c) { return c >= 128 && has(c, unicode::kTitle); }
bool uc_iscased(char32_t c) {
  if (c < 128) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return has(c, unicode::kCased);
}
bool case_ignorable(char32_t c) {
  if (c < 128) return c == '\'' || c == '.' || c == ':' || c == '^' || c == '`';
  return has(c, unicode::kCaseIgnorable);
}
bool uc_isalnum(char32_t c) { return uc_isalpha(c) || uc_isdecimal(c) || uc_isdigit(c) || uc_isnumeric(c); }

// Full case mappings (_PyUnicode_ToUpperFull and friends): 0 upper,
// 2 title, 3 casefold (lower is append_lower, for the final sigma).
void append_case(std::u32string* out, char32_t c, int which) {
  if (c < 128) {
    *out += which == 3 ? uc_tolower(c) : uc_toupper(c);
  } else {
    append_mapping(out, c, which);
  }
}
void append_upper(std::u32string* out, char32_t c) { append_case(out, c, 0); }
void append_title(std::u32string* out, char32_t c) { append_case(out, c, 2); }
void append_fold(std::u32string* out, char32_t c) { append_case(out, c, 3); }

// lower() of s[i]: a capital sigma at the end of a word is a final sigma
// (CPython's handle_capital_sigma).
void append_lower(std::u32string* out, const std::u32string& s, std::size_t i) {
  const char32_t c = s[i];
  if (c < 128) {
    *out += uc_tolower(c);
    return;
  }
  if (c == 0x3A3) {
    std::size_t j = i;
    bool before = false;
    while (j > 0) {
      --j;
      if (case_ignorable(s[j])) continue;
      before = uc_iscased(s[j]);
      break;
    }
    bool after = false;
    for (std::size_t k = i + 1; k < s.size(); ++k) {
      if (case_ignorable(s[k])) continue;
      after = uc_iscased(s[k]);
      break;
    }
    *out += (before && !after) ? char32_t{0x3C2} : char32_t{0x3C3};
    return;
  }
  append_mapping(out, c, 1);
}

}  // namespace

// ------------------------------------------------------------- repr ----

namespace {

// \xNN, \uNNNN or \UNNNNNNNN: how repr() and ascii() escape a character.
void append_escape(std::string* out, char32_t c) {
  char buf[16];
  if (c <= 0xFF) {
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
  } else if (c <= 0xFFFF) {
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
  } else {
    std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
  }
  *out += buf;
}

}  // namespace

std::string str_repr(std::string_view s, bool ascii_only) {
  bool has_single = false;
  bool has_double = false;
  for (char c : s) {
    has_single = has_single || c == '\'';
    has_double = has_double || c == '"';
  }
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = utf8_next(s, &i);
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < ' ' || c == 0x7F) {
      append_escape(&out, c);
    } else if (c < 0x7F) {
      out += static_cast<char>(c);
    } else if (!ascii_only && uc_isprintable(c)) {
      utf8_append(&out, c);
    } else {
      append_escape(&out, c);
    }
  }
  out += quote;
  return out;
}

std::string ascii_escape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = utf8_next(s, &i);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      append_escape(&out, c);
    }
  }
  return out;
}

// ------------------------------------------------------- operators ----

Value make_char(Vm& vm, char32_t c) {
  if (c < 128) {
    const char ch = static_cast<char>(c);
    return vm.intern(std::string_view(&ch, 1));
  }
  std::string s;
  utf8_append(&s, c);
  return make_str(std::move(s));
}

Value str_char(Vm& vm, const Value& s, std::size_t* byte_offset) {
  const std::string& text = str_of(s);
  return make_char(vm, utf8_next(text, byte_offset));
}

Value str_concat(const Value& a, const Value& b) {
  std::string out;
  out.reserve(str_of(a).size() + str_of(b).size());
  out += str_of(a);
  out += str_of(b);
  return make_str(std::move(out));
}

Value str_repeat(Vm& vm, const Value& s, std::int64_t n) {
  const std::string& text = str_of(s);
  if (n <= 0 || text.empty()) return vm.intern("");
  if (n == 1) return s;
  if (static_cast<std::uint64_t>(n) > (1ULL << 40) / text.size()) {
    return vm.raise(vm.b().MemoryError, "");
  }
  std::string out;
  out.reserve(text.size() * static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) out += text;
  return make_str(std::move(out));
}

int str_compare(const StrObj* a, const StrObj* b) {
  // UTF-8 byte order is code point order.
  const int c = a->s.compare(b->s);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

Value str_getitem(Vm& vm, const Value& sv, const Value& key) {
  const auto* s = sv.as<StrObj>();
  if (key.is(Kind::kSlice)) {
    std::int64_t start, stop, step, count;
    if (!slice_indices(vm, key.as<SliceObj>(), s->length, &start, &stop, &step, &count)) return Value::error();
    if (step == 1) {
      if (count <= 0) return vm.intern("");
      const std::size_t b = str_offset(s, start);
      const std::size_t e = s->ascii ? static_cast<std::size_t>(stop) : str_offset(s, stop);
      return make_str(std::string_view(s->s).substr(b, e - b));
    }
    std::string out;
    if (s->ascii) {
      for (std::int64_t i = 0, k = start; i < count; ++i, k += step) out += s->s[static_cast<std::size_t>(k)];
    } else {
      const std::u32string u = to_u32(s->s);
      for (std::int64_t i = 0, k = start; i < count; ++i, k += step) utf8_append(&out, u[static_cast<std::size_t>(k)]);
    }
    return make_str(std::move(out));
  }
  std::int64_t i = 0;
  if (is_intlike(key)) {
    i = key.as_int();
  } else if (is_user(key) && !vm.lookup_special(key, "__index__").is_unset()) {
    if (!index_of(vm, key, &i)) return Value::error();
  } else {
    return type_error(vm, "string indices must be integers, not '" + type_name(vm, key) + "'");
  }
  if (!normalize_index(vm, &i, s->length, "string index out of range")) return Value::error();
  std::size_t off = str_offset(s, i);
  return str_char(vm, sv, &off);
}

// ---------------------------------------------------------- methods ----

namespace {

Value wrong_self(Vm& vm, const char* name, const Value& self) {
  return type_error(vm, std::string("descriptor '") + name + "' for 'str' objects doesn't apply to a '" +
                            type_name(vm, self) + "' object");
}

#define STR_SELF(name)                                          \
  if (!a.self.is(Kind::kStr)) return wrong_self(vm, name, a.self); \
  const StrObj* so = a.self.as<StrObj>();                       \
  const std::string& s = so->s;                                 \
  (void)s

// A start/end argument: None or an index (_PyEval_SliceIndex).
bool slice_index(Vm& vm, const Value& v, std::int64_t* out) {
  if (v.is_unset() || v.is_none()) return true;
  if (is_intlike(v)) {
    *out = v.as_int();
    return true;
  }
  if (is_user(v) && !vm.lookup_special(v, "__index__").is_unset()) return index_of(vm, v, out);
  type_error(vm, "slice indices must be integers or None or have an __index__ method");
  return false;
}

// ADJUST_INDICES of stringlib: start and end clamped into [0, len].
void adjust_indices(std::int64_t* start, std::int64_t* end, std::int64_t len) {
  if (*end > len) {
    *end = len;
  } else if (*end < 0) {
    *end += len;
    if (*end < 0) *end = 0;
  }
  if (*start < 0) {
    *start += len;
    if (*start < 0) *start = 0;
  }
}

bool need_str(Vm& vm, const Value& v, const char* what) {
  if (v.is(Kind::kStr)) return true;
  type_error(vm, std::string(what) + type_name(vm, v));
  return false;
}

std::int64_t find_in(const StrObj* so, const std::string& sub, std::int64_t start, std::int64_t end, bool reverse) {
  adjust_indices(&start, &end, so->length);
  const auto sublen = static_cast<std::int64_t>(to_u32(sub).size());
  if (end - start < sublen) return -1;
  const std::size_t b = str_offset(so, start);
  const std::size_t e = str_offset(so, end);
  const std::string_view window = std::string_view(so->s).substr(b, e - b);
  const std::size_t at = reverse ? window.rfind(sub) : window.find(sub);
  if (at == std::string_view::npos) return -1;
  return start + (so->ascii ? static_cast<std::int64_t>(at) : cp_count(window, 0, at));
}

Value find_common(Vm& vm, CallArgs& a, const char* name, const char* qual, bool reverse, bool raise) {
  STR_SELF(name);
  Value args[3];
  if (!bind_args(vm, a, {name, qual, ArgStyle::kVarargs, 1, 3, {}}, args)) return Value::error();
  if (!need_str(vm, args[0], "must be str, not ")) return Value::error();
  std::int64_t start = 0;
  std::int64_t end = INT64_MAX;
  if (!slice_index(vm, args[1], &start) || !slice_index(vm, args[2], &end)) return Value::error();
  const std::int64_t r = find_in(so, str_of(args[0]), start, end, reverse);
  if (r < 0 && raise) return value_error(vm, "substring not found");
  return Value::integer(r);
}

Value str_find(Vm& vm, CallArgs& a) { return find_common(vm, a, "find", "str.find", false, false); }
Value str_rfind(Vm& vm, CallArgs& a) { return find_common(vm, a, "rfind", "str.rfind", true, false); }
Value str_index(Vm& vm, CallArgs& a) { return find_common(vm, a, "index", "str.index", false, true); }
Value str_rindex(Vm& vm, CallArgs& a) { return find_common(vm, a, "rindex", "str.rindex", true, true); }

Value str_count(Vm& vm, CallArgs& a) {
  STR_SELF("count");
  Value args[3];
  if (!bind_args(vm, a, {"count", "str.count", ArgStyle::kVarargs, 1, 3, {}}, args)) return Value::error();
  if (!need_str(vm, args[0], "must be str, not ")) return Value::error();
  std::int64_t start = 0;
  std::int64_t end = INT64_MAX;
  if (!slice_index(vm, args[1], &start) || !slice_index(vm, args[2], &end)) return Value::error();
  adjust_indices(&start, &end, so->length);
  const std::string& sub = str_of(args[0]);
  const auto sublen = args[0].as<StrObj>()->length;
  if (end - start < sublen) return Value::integer(0);
  if (sub.empty()) return Value::integer(end - start + 1);
  const std::size_t b = str_offset(so, start);
  const std::size_t e = str_offset(so, end);
  const std::string_view w = std::string_view(s).substr(b, e - b);
  std::int64_t n = 0;
  for (std::size_t at = w.find(sub); at != std::string_view::npos; at = w.find(sub, at + sub.size())) ++n;
  return Value::integer(n);
}

Value starts_ends(Vm& vm, CallArgs& a, const char* name, const char* qual, bool ends) {
  STR_SELF(name);
  Value args[3];
  if (!bind_args(vm, a, {name, qual, ArgStyle::kVarargs, 1, 3, {}}, args)) return Value::error();
  std::int64_t start = 0;
  std::int64_t end = INT64_MAX;
  if (!slice_index(vm, args[1], &start) || !slice_index(vm, args[2], &end)) return Value::error();
  auto match = [&](const Value& sub) {
    std::int64_t st = start;
    std::int64_t en = end;
    adjust_indices(&st, &en, so->length);
    const std::int64_t sublen = sub.as<StrObj>()->length;
    if (en - sublen < st) return false;
    const std::size_t b = str_offset(so, st);
    const std::size_t e = str_offset(so, en);
    const std::string_view w = std::string_view(s).substr(b, e - b);
    const std::string& p = str_of(sub);
    if (p.size() > w.size()) return false;
    return ends ? w.substr(w.size() - p.size()) == p : w.substr(0, p.size()) == p;
  };
  if (args[0].is(Kind::kTuple)) {
    for (const Value& item : args[0].as<TupleObj>()->items) {
      if (!item.is(Kind::kStr)) {
        return type_error(vm, std::string("tuple for ") + name + " must only contain str, not " + type_name(vm, item));
      }
      if (match(item)) return Value::boolean(true);
    }
    return Value::boolean(false);
  }
  if (!args[0].is(Kind::kStr)) {
    return type_error(vm, std::string(name) + " first arg must be str or a tuple of str, not " +
                              type_name(vm, args[0]));
  }
  return Value::boolean(match(args[0]));
}

Value str_startswith(Vm& vm, CallArgs& a) { return starts_ends(vm, a, "startswith", "str.startswith", false); }
Value str_endswith(Vm& vm, CallArgs& a) { return starts_ends(vm, a, "endswith", "str.endswith", true); }

Value make_list_of(std::vector<std::string> parts) {
  std::vector<Value> items;
  items.reserve(parts.size());
  for (auto& p : parts) items.push_back(make_str(std::move(p)));
  return make_list(std::move(items));
}

// split/rsplit by whitespace (sep None), from the left or the right.
std::vector<std::string> split_whitespace(const std::string& s, std::int64_t maxsplit, bool right) {
  const std::u32string u = to_u32(s);
  std::vector<std::string> parts;
  if (maxsplit < 0) maxsplit = INT64_MAX;
  if (!right) {
    std::size_t i = 0;
    const std::size_t n = u.size();
    while (i < n) {
      while (i < n && uc_isspace(u[i])) ++i;
      if (i == n) break;
      if (static_cast<std::int64_t>(parts.size()) == maxsplit) {
        parts.push_back(from_u32(u.substr(i)));
        return parts;
      }
      const std::size_t j = i;
      while (i < n && !uc_isspace(u[i])) ++i;
      parts.push_back(from_u32(u.substr(j, i - j)));
    }
    return parts;
  }
  std::size_t i = u.size();
  while (i > 0) {
    while (i > 0 && uc_isspace(u[i - 1])) --i;
    if (i == 0) break;
    if (static_cast<std::int64_t>(parts.size()) == maxsplit) {
      parts.push_back(from_u32(u.substr(0, i)));
      break;
    }
    const std::size_t j = i;
    while (i > 0 && !uc_isspace(u[i - 1])) --i;
    parts.push_back(from_u32(u.substr(i, j - i)));
  }
  return {parts.rbegin(), parts.rend()};
}

Value split_common(Vm& vm, CallArgs& a, bool right) {
  const char* name = right ? "rsplit" : "split";
  STR_SELF(name);
  Value args[2];
  if (!bind_args(vm, a, {name, nullptr, ArgStyle::kKeywords, 0, 2, {"sep", "maxsplit"}}, args)) return Value::error();
  std::int64_t maxsplit = -1;
  if (!args[1].is_unset() && !index_of(vm, args[1], &maxsplit)) return Value::error();
  if (args[0].is_unset() || args[0].is_none()) return make_list_of(split_whitespace(s, maxsplit, right));
  if (!need_str(vm, args[0], "must be str or None, not ")) return Value::error();
  const std::string& sep = str_of(args[0]);
  if (sep.empty()) return value_error(vm, "empty separator");
  if (maxsplit < 0) maxsplit = INT64_MAX;
  std::vector<std::string> parts;
  if (!right) {
    std::size_t start = 0;
    while (static_cast<std::int64_t>(parts.size()) < maxsplit) {
      const std::size_t at = s.find(sep, start);
      if (at == std::string::npos) break;
      parts.push_back(s.substr(start, at - start));
      start = at + sep.size();
    }
    parts.push_back(s.substr(start));
    return make_list_of(std::move(parts));
  }
  std::size_t end = s.size();
  std::int64_t splits = 0;
  while (splits < maxsplit && end >= sep.size()) {
    const std::size_t at = s.rfind(sep, end - sep.size());
    if (at == std::string::npos) break;
    parts.push_back(s.substr(at + sep.size(), end - at - sep.size()));
    end = at;
    ++splits;
  }
  parts.push_back(s.substr(0, end));
  return make_list_of({parts.rbegin(), parts.rend()});
}

Value str_split(Vm& vm, CallArgs& a) { return split_common(vm, a, false); }
Value str_rsplit(Vm& vm, CallArgs& a) { return split_common(vm, a, true); }

bool is_line_break(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E || c == 0x85 ||
         c == 0x2028 || c == 0x2029;
}

Value str_splitlines(Vm& vm, CallArgs& a) {
  STR_SELF("splitlines");
  Value args[1];
  if (!bind_args(vm, a, {"splitlines", nullptr, ArgStyle::kKeywords, 0, 1, {"keepends"}}, args)) {
    return Value::error();
  }
  std::int64_t keep = 0;
  if (!args[0].is_unset() && !index_of(vm, args[0], &keep)) return Value::error();
  const std::u32string u = to_u32(s);
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < u.size()) {
    const std::size_t start = i;
    while (i < u.size() && !is_line_break(u[i])) ++i;
    std::size_t eol = i;
    if (i < u.size()) {
      if (u[i] == '\r' && i + 1 < u.size() && u[i + 1] == '\n') {
        i += 2;
      } else {
        ++i;
      }
      if (keep != 0) eol = i;
    }
    parts.push_back(from_u32(u.substr(start, eol - start)));
  }
  return make_list_of(std::move(parts));
}

Value strip_common(Vm& vm, CallArgs& a, const char* name, const char* qual, bool left, bool right) {
  STR_SELF(name);
  Value args[1];
  if (!bind_args(vm, a, {name, qual, ArgStyle::kFastcall, 0, 1, {}}, args)) return Value::error();
  const std::u32string u = to_u32(s);
  std::u32string chars;
  const bool whitespace = args[0].is_unset() || args[0].is_none();
  if (!whitespace) {
    if (!args[0].is(Kind::kStr)) return type_error(vm, std::string(name) + " arg must be None or str");
    chars = to_u32(str_of(args[0]));
  }
  auto strip_it = [&](char32_t c) { return whitespace ? uc_isspace(c) : chars.find(c) != std::u32string::npos; };
  std::size_t b = 0;
  std::size_t e = u.size();
  if (left) {
    while (b < e && strip_it(u[b])) ++b;
  }
  if (right) {
    while (e > b && strip_it(u[e - 1])) --e;
  }
  if (b == 0 && e == u.size()) return a.self;
  return make_str(from_u32(u.substr(b, e - b)));
}

Value str_strip(Vm& vm, CallArgs& a) { return strip_common(vm, a, "strip", "str.strip", true, true); }
Value str_lstrip(Vm& vm, CallArgs& a) { return strip_common(vm, a, "lstrip", "str.lstrip", true, false); }
Value str_rstrip(Vm& vm, CallArgs& a) { return strip_common(vm, a, "rstrip", "str.rstrip", false, true); }

Value str_join(Vm& vm, CallArgs& a) {
  STR_SELF("join");
  Value args[1];
  if (!bind_args(vm, a, {"join", "str.join", ArgStyle::kOneArg, 1, 1, {}}, args)) return Value::error();
  std::vector<Value> items;
  if (args[0].is(Kind::kList) || args[0].is(Kind::kTuple)) {
    items = args[0].is(Kind::kList) ? args[0].as<ListObj>()->items : args[0].as<TupleObj>()->items;
  } else {
    Value it = get_iter(vm, args[0]);
    if (it.is_error()) {
      if (error_is(vm, vm.b().TypeError)) {
        vm.take_error();
        return type_error(vm, "can only join an iterable");
      }
      return it;
    }
    for (;;) {
      Value x = iter_next(vm, it);
      if (x.is_error()) return x;
      if (x.is_unset()) break;
      items.push_back(std::move(x));
    }
  }
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is(Kind::kStr)) {
      return type_error(vm, "sequence item " + std::to_string(i) + ": expected str instance, " +
                                type_name(vm, items[i]) + " found");
    }
    if (i > 0) out += s;
    out += str_of(items[i]);
  }
  return make_str(std::move(out));
}

Value str_replace(Vm& vm, CallArgs& a) {
  STR_SELF("replace");
  Value args[3];
  if (!bind_args(vm, a, {"replace", "str.replace", ArgStyle::kFastcall, 2, 3, {}}, args)) return Value::error();
  if (!need_str(vm, args[0], "replace() argument 1 must be str, not ")) return Value::error();
  if (!need_str(vm, args[1], "replace() argument 2 must be str, not ")) return Value::error();
  std::int64_t count = -1;
  if (!args[2].is_unset() && !index_of(vm, args[2], &count)) return Value::error();
  if (count < 0) count = INT64_MAX;
  const std::string& old = str_of(args[0]);
  const std::string& repl = str_of(args[1]);
  std::string out;
  if (old.empty()) {
    std::int64_t n = 0;
    std::size_t i = 0;
    while (i < s.size()) {
      if (n < count) {
        out += repl;
        ++n;
      }
      const std::size_t j = i;
      utf8_next(s, &i);
      out.append(s, j, i - j);
    }
    if (n < count) out += repl;
    return make_str(std::move(out));
  }
  std::size_t start = 0;
  std::int64_t n = 0;
  while (n < count) {
    const std::size_t at = s.find(old, start);
    if (at == std::string::npos) break;
    out.append(s, start, at - start);
    out += repl;
    start = at + old.size();
    ++n;
  }
  if (n == 0) return a.self;
  out.append(s, start, std::string::npos);
  return make_str(std::move(out));
}

// The case methods.
Value str_upper(Vm& vm, CallArgs& a) {
  STR_SELF("upper");
  if (!bind_args(vm, a, {"upper", "str.upper", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  if (so->ascii) {
    std::string out = s;
    for (char& c : out) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return make_str(std::move(out));
  }
  std::u32string out;
  for (char32_t c : to_u32(s)) append_upper(&out, c);
  return make_str(from_u32(out));
}

Value str_lower(Vm& vm, CallArgs& a) {
  STR_SELF("lower");
  if (!bind_args(vm, a, {"lower", "str.lower", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  if (so->ascii) {
    std::string out = s;
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return make_str(std::move(out));
  }
  const std::u32string u = to_u32(s);
  std::u32string out;
  for (std::size_t i = 0; i < u.size(); ++i) append_lower(&out, u, i);
  return make_str(from_u32(out));
}

Value str_casefold(Vm& vm, CallArgs& a) {
  STR_SELF("casefold");
  if (!bind_args(vm, a, {"casefold", "str.casefold", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  std::u32string out;
  for (char32_t c : to_u32(s)) append_fold(&out, c);
  return make_str(from_u32(out));
}

Value str_swapcase(Vm& vm, CallArgs& a) {
  STR_SELF("swapcase");
  if (!bind_args(vm, a, {"swapcase", "str.swapcase", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  const std::u32string u = to_u32(s);
  std::u32string out;
  for (std::size_t i = 0; i < u.size(); ++i) {
    if (uc_isupper(u[i])) {
      append_lower(&out, u, i);
    } else if (uc_islower(u[i])) {
      append_upper(&out, u[i]);
    } else {
      out += u[i];
    }
  }
  return make_str(from_u32(out));
}

Value str_capitalize(Vm& vm, CallArgs& a) {
  STR_SELF("capitalize");
  if (!bind_args(vm, a, {"capitalize", "str.capitalize", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) {
    return Value::error();
  }
  const std::u32string u = to_u32(s);
  std::u32string out;
  for (std::size_t i = 0; i < u.size(); ++i) {
    if (i == 0) {
      append_title(&out, u[0]);
    } else {
      append_lower(&out, u, i);
    }
  }
  return make_str(from_u32(out));
}

Value str_title(Vm& vm, CallArgs& a) {
  STR_SELF("title");
  if (!bind_args(vm, a, {"title", "str.title", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  const std::u32string u = to_u32(s);
  std::u32string out;
  bool previous_cased = false;
  for (std::size_t i = 0; i < u.size(); ++i) {
    if (previous_cased) {
      append_lower(&out, u, i);
    } else {
      append_title(&out, u[i]);
    }
    previous_cased = uc_iscased(u[i]);
  }
  return make_str(from_u32(out));
}

// The predicates.
template <bool (*Pred)(char32_t)>
Value all_chars(Vm& vm, CallArgs& a, const char* name, const char* qual, bool empty_result) {
  STR_SELF(name);
  if (!bind_args(vm, a, {name, qual, ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  if (s.empty()) return Value::boolean(empty_result);
  for (std::size_t i = 0; i < s.size();) {
    if (!Pred(utf8_next(s, &i))) return Value::boolean(false);
  }
  return Value::boolean(true);
}

bool is_ascii_char(char32_t c) { return c < 128; }

Value str_isdigit(Vm& vm, CallArgs& a) { return all_chars<uc_isdigit>(vm, a, "isdigit", "str.isdigit", false); }
Value str_isdecimal(Vm& vm, CallArgs& a) { return all_chars<uc_isdecimal>(vm, a, "isdecimal", "str.isdecimal", false); }
Value str_isnumeric(Vm& vm, CallArgs& a) { return all_chars<uc_isnumeric>(vm, a, "isnumeric", "str.isnumeric", false); }
Value str_isalpha(Vm& vm, CallArgs& a) { return all_chars<uc_isalpha>(vm, a, "isalpha", "str.isalpha", false); }
Value str_isalnum(Vm& vm, CallArgs& a) { return all_chars<uc_isalnum>(vm, a, "isalnum", "str.isalnum", false); }
Value str_isspace(Vm& vm, CallArgs& a) { return all_chars<uc_isspace>(vm, a, "isspace", "str.isspace", false); }
Value str_isprintable(Vm& vm, CallArgs& a) {
  return all_chars<uc_isprintable>(vm, a, "isprintable", "str.isprintable", true);
}
Value str_isascii(Vm& vm, CallArgs& a) { return all_chars<is_ascii_char>(vm, a, "isascii", "str.isascii", true); }

// isupper / islower: no character of the other case (or title case), and
// at least one of this case.
Value case_predicate(Vm& vm, CallArgs& a, const char* name, const char* qual, bool upper) {
  STR_SELF(name);
  if (!bind_args(vm, a, {name, qual, ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  bool cased = false;
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = utf8_next(s, &i);
    if ((upper ? uc_islower(c) : uc_isupper(c)) || uc_istitle(c)) return Value::boolean(false);
    if (upper ? uc_isupper(c) : uc_islower(c)) cased = true;
  }
  return Value::boolean(cased);
}

Value str_isupper(Vm& vm, CallArgs& a) { return case_predicate(vm, a, "isupper", "str.isupper", true); }
Value str_islower(Vm& vm, CallArgs& a) { return case_predicate(vm, a, "islower", "str.islower", false); }

Value str_istitle(Vm& vm, CallArgs& a) {
  STR_SELF("istitle");
  if (!bind_args(vm, a, {"istitle", "str.istitle", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) return Value::error();
  bool cased = false;
  bool previous_cased = false;
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = utf8_next(s, &i);
    if (uc_isupper(c) || uc_istitle(c)) {
      if (previous_cased) return Value::boolean(false);
      previous_cased = true;
      cased = true;
    } else if (uc_islower(c)) {
      if (!previous_cased) return Value::boolean(false);
      previous_cased = true;
      cased = true;
    } else {
      previous_cased = false;
    }
  }
  return Value::boolean(cased);
}

Value str_isidentifier(Vm& vm, CallArgs& a) {
  STR_SELF("isidentifier");
  if (!bind_args(vm, a, {"isidentifier", "str.isidentifier", ArgStyle::kNoArgs, 0, 0, {}}, nullptr)) {
    return Value::error();
  }
  if (s.empty()) return Value::boolean(false);
  std::size_t i = 0;
  const char32_t first = utf8_next(s, &i);
  const bool start = first < 128 ? (first == '_' || uc_isalpha(first)) : has(first, unicode::kIdStart);
  if (!start) return Value::boolean(false);
  while (i < s.size()) {
    const char32_t c = utf8_next(s, &i);
    const bool cont = c < 128 ? (c == '_' || uc_isalpha(c) || uc_isdecimal(c)) : has(c, unicode::kIdContinue);
    if (!cont) return Value::boolean(false);
  }
  return Value::boolean(true);
}

// Padding.
bool fill_char(Vm& vm, const Value& v, char32_t* out) {
  if (v.is_unset()) {
    *out = U' ';
    return true;
  }
  if (!v.is(Kind::kStr)) {
    type_error(vm, "The fill character must be a unicode character, not " + type_name(vm, v));
    return false;
  }
  if (v.as<StrObj>()->length != 1) {
    type_error(vm, "The fill character must be exactly one character long");
    return false;
  }
  std::size_t i = 0;
  *out = utf8_next(str_of(v), &i);
  return true;
}

Value pad(const Value& self, std::int64_t left, std::int64_t right, char32_t fill) {
  if (left <= 0 && right <= 0) return self;
  std::string f;
  utf8_append(&f, fill);
  std::string out;
  for (std::int64_t i = 0; i < left; ++i) out += f;
  out += str_of(self);
  for (std::int64_t i = 0; i < right; ++i) out += f;
  return make_str(std::move(out));
}

Value justify(Vm& vm, CallArgs& a, const char* name, const char* qual, char how) {
  STR_SELF(name);
  Value args[2];
  if (!bind_args(vm, a, {name, qual, ArgStyle::kFastcall, 1, 2, {}}, args)) return Value::error();
  std::int64_t width = 0;
  if (!index_of(vm, args[0], &width)) return Value::error();
  char32_t fill = U' ';
  if (!fill_char(vm, args[1], &fill)) return Value::error();
  const std::int64_t len = so->length;
  if (width <= len) return a.self;
  const std::int64_t marg = width - len;
  switch (how) {
    case '<': return pad(a.self, 0, marg, fill);
    case '>': return pad(a.self, marg, 0, fill);
    default: {
      const std::int64_t left = marg / 2 + (marg & width & 1);
      return pad(a.self, left, marg - left, fill);
    }
  }
}

Value str_ljust(Vm& vm, CallArgs& a) { return justify(vm, a, "ljust", "str.ljust", '<'); }
Value str_rjust(Vm& vm, CallArgs& a) { return justify(vm, a, "rjust", "str.rjust", '>'); }
Value str_center(Vm& vm, CallArgs& a) { return justify(vm, a, "center", "str.center", '^'); }

Value str_zfill(Vm& vm, CallArgs& a) {
  STR_SELF("zfill");
  Value args[1];
  if (!bind_args(vm, a, {"zfill", "str.zfill", ArgStyle::kOneArg, 1, 1, {}}, args)) return Value::error();
  std::int64_t width = 0;
  if (!index_of(vm, args[0], &width)) return Value::error();
  if (width <= so->length) return a.self;
  std::string out(static_cast<std::size_t>(width - so->length), '0');
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    out.insert(out.begin(), s[0]);
    out.append(s, 1, std::string::npos);
  } else {
    out += s;
  }
  return make_str(std::move(out));
}

Value partition_common(Vm& vm, CallArgs& a, const char* name, const char* qual, bool right) {
  STR_SELF(name);
  Value args[1];
  if (!bind_args(vm, a, {name, qual, ArgStyle::kOneArg, 1, 1, {}}, args)) return Value::error();
  if (!need_str(vm, args[0], "must be str, not ")) return Value::error();
  const std::string& sep = str_of(args[0]);
  if (sep.empty()) return value_error(vm, "empty separator");
  const std::size_t at = right ? s.rfind(sep) : s.find(sep);
  if (at == std::string::npos) {
    Value empty = vm.intern("");
    return right ? make_tuple({empty, empty, a.self}) : make_tuple({a.self, empty, empty});
  }
  return make_tuple({make_str(s.substr(0, at)), args[0], make_str(s.substr(at + sep.size()))});
}

Value str_partition(Vm& vm, CallArgs& a) { return partition_common(vm, a, "partition", "str.partition", false); }
Value str_rpartition(Vm& vm, CallArgs& a) { return partition_common(vm, a, "rpartition", "str.rpartition", true); }

Value affix_common(Vm& vm, CallArgs& a, const char* name, const char* qual, bool suffix) {
  STR_SELF(name);
  Value args[1];
  if (!bind_args(vm, a, {name, qual, ArgStyle::kOneArg, 1, 1, {}}, args)) return Value::error();
  if (!need_str(vm, args[0], (std::string(name) + "() argument must be str, not ").c_str())) return Value::error();
  const std::string& p = str_of(args[0]);
  if (p.empty() || p.size() > s.size()) return a.self;
  if (suffix) {
    if (s.compare(s.size() - p.size(), p.size(), p) != 0) return a.self;
    return make_str(s.substr(0, s.size() - p.size()));
  }
  if (s.compare(0, p.size(), p) != 0) return a.self;
  return make_str(s.substr(p.size()));
}

Value str_removeprefix(Vm& vm, CallArgs& a) { return affix_common(vm, a, "removeprefix", "str.removeprefix", false); }
Value str_removesuffix(Vm& vm, CallArgs& a) { return affix_common(vm, a, "removesuffix", "str.removesuffix", true); }

Value str_expandtabs(Vm& vm, CallArgs& a) {
  STR_SELF("expandtabs");
  Value args[1];
  if (!bind_args(vm, a, {"expandtabs", nullptr, ArgStyle::kKeywords, 0, 1, {"tabsize"}}, args)) {
    return Value::error();
  }
  std::int64_t tabsize = 8;
  if (!args[0].is_unset() && !index_of(vm, args[0], &tabsize)) return Value::error();
  std::string out;
  std::int64_t column = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t j = i;
    const char32_t c = utf8_next(s, &i);
    if (c == '\t') {
      if (tabsize > 0) {
        const std::int64_t n = tabsize - column % tabsize;
        out.append(static_cast<std::size_t>(n), ' ');
        column += n;
      }
    } else {
      out.append(s, j, i - j);
      ++column;
      if (c == '\n' || c == '\r') column = 0;
    }
  }
  return make_str(std::move(out));
}

Value str_format_method(Vm& vm, CallArgs& a) {
  STR_SELF("format");
  Value kwargs = make_dict();
  const std::uint32_t npos = a.npos();
  for (std::uint32_t k = 0; k < a.nkw; ++k) {
    if (!dict_set(vm, kwargs, a.kwnames[k], a.args[npos + k])) return Value::error();
  }
  return str_format(vm, a.self, a.args, npos, kwargs);
}

Value str_format_map(Vm& vm, CallArgs& a) {
  STR_SELF("format_map");
  Value args[1];
  if (!bind_args(vm, a, {"format_map", "str.format_map", ArgStyle::kOneArg, 1, 1, {}}, args)) return Value::error();
  if (!args[0].is(Kind::kDict)) {
    return vm.raise(vm.b().NotImplementedError, "not supported by concsim: format_map() of a mapping that is not a dict");
  }
  return str_format(vm, a.self, nullptr, 0, args[0]);
}

Value str_encode(Vm& vm, CallArgs& a) {
  STR_SELF("encode");
  Value args[2];
  if (!bind_args(vm, a, {"encode", nullptr, ArgStyle::kKeywords, 0, 2, {"encoding", "errors"}}, args)) {
    return Value::error();
  }
  return vm.raise(vm.b().NotImplementedError, "not supported by concsim: str.encode() (concsim has no bytes type)");
}

Value str_maketrans(Vm& vm, CallArgs& a) {
  // str.maketrans(x[, y[, z]]), a static method.
  std::vector<Value> args;
  for (std::uint32_t i = 0; i < a.npos(); ++i) args.push_back(a.args[i]);
  if (args.empty() || args.size() > 3) {
    return type_error(vm, "maketrans expected at least 1 argument, got " + std::to_string(args.size()));
  }
  Value table = make_dict();
  if (args.size() == 1) {
    if (!args[0].is(Kind::kDict)) {
      return type_error(vm, "if you give only one argument to maketrans it must be a dict");
    }
    for (const HashEntry& e : args[0].as<DictObj>()->table.entries) {
      if (e.key.is_unset()) continue;
      Value key = e.key;
      if (e.key.is(Kind::kStr)) {
        if (e.key.as<StrObj>()->length != 1) {
          return value_error(vm, "string keys in translate table must be of length 1");
        }
        std::size_t i = 0;
        key = Value::integer(utf8_next(str_of(e.key), &i));
      } else if (!is_intlike(e.key)) {
        return type_error(vm, "keys in translate table must be strings or integers");
      }
      if (!dict_set(vm, table, key, e.value)) return Value::error();
    }
    return table;
  }
  if (!args[0].is(Kind::kStr) || !args[1].is(Kind::kStr)) {
    return type_error(vm, "maketrans() argument must be str");
  }
  const std::u32string x = to_u32(str_of(args[0]));
  const std::u32string y = to_u32(str_of(args[1]));
  if (x.size() != y.size()) {
    return value_error(vm, "the first two maketrans arguments must have equal length");
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!dict_set(vm, table, Value::integer(x[i]), Value::integer(y[i]))) return Value::error();
  }
  if (args.size() == 3) {
    if (!args[2].is(Kind::kStr)) return type_error(vm, "maketrans() argument 3 must be str");
    for (char32_t c : to_u32(str_of(args[2]))) {
      if (!dict_set(vm, table, Value::integer(c), Value::none())) return Value::error();
    }
  }
  return table;
}

Value str_translate(Vm& vm, CallArgs& a) {
  STR_SELF("translate");
  Value args[1];
  if (!bind_args(vm, a, {"translate", "str.translate", ArgStyle::kOneArg, 1, 1, {}}, args)) return Value::error();
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t j = i;
    const char32_t c = utf8_next(s, &i);
    Value r = getitem(vm, args[0], Value::integer(c));
    if (r.is_error()) {
      if (error_is(vm, vm.b().LookupError)) {
        vm.take_error();
        out.append(s, j, i - j);
        continue;
      }
      return r;
    }
    if (r.is_none()) continue;
    if (is_intlike(r)) {
      if (r.as_int() < 0 || r.as_int() > 0x10FFFF) {
        return value_error(vm, "character mapping must be in range(0x110000)");
      }
      utf8_append(&out, static_cast<char32_t>(r.as_int()));
    } else if (r.is(Kind::kStr)) {
      out += str_of(r);
    } else {
      return type_error(vm, "character mapping must return integer, None or str");
    }
  }
  return make_str(std::move(out));
}

#undef STR_SELF

}  // namespace

void install_str_methods(Vm& vm) {
  const Value& cls = vm.b().str;
  struct M {
    const char* name;
    NativeFn fn;
  };
  static constexpr M kMethods[] = {
      {"find", str_find},           {"rfind", str_rfind},
      {"index", str_index},         {"rindex", str_rindex},
      {"count", str_count},         {"startswith", str_startswith},
      {"endswith", str_endswith},   {"split", str_split},
      {"rsplit", str_rsplit},       {"splitlines", str_splitlines},
      {"strip", str_strip},         {"lstrip", str_lstrip},
      {"rstrip", str_rstrip},       {"join", str_join},
      {"replace", str_replace},     {"upper", str_upper},
      {"lower", str_lower},         {"casefold", str_casefold},
      {"swapcase", str_swapcase},   {"capitalize", str_capitalize},
      {"title", str_title},         {"isdigit", str_isdigit},
      {"isdecimal", str_isdecimal}, {"isnumeric", str_isnumeric},
      {"isalpha", str_isalpha},     {"isalnum", str_isalnum},
      {"isspace", str_isspace},     {"isprintable", str_isprintable},
      {"isascii", str_isascii},     {"isupper", str_isupper},
      {"islower", str_islower},     {"istitle", str_istitle},
      {"isidentifier", str_isidentifier},
      {"ljust", str_ljust},         {"rjust", str_rjust},
      {"center", str_center},       {"zfill", str_zfill},
      {"partition", str_partition}, {"rpartition", str_rpartition},
      {"removeprefix", str_removeprefix},
      {"removesuffix", str_removesuffix},
      {"expandtabs", str_expandtabs},
      {"format", str_format_method},
      {"format_map", str_format_map},
      {"encode", str_encode},       {"translate", str_translate},
  };
  for (const M& m : kMethods) vm.set_class_attr(cls, m.name, vm.make_builtin(m.name, m.fn, nullptr, true));
  // maketrans is a static method: callable on the class and on a str.
  Value maketrans = make<PropertyObj>(PropertyKind::kStaticMethod);
  maketrans.as<PropertyObj>()->fget = vm.make_builtin("maketrans", str_maketrans);
  vm.set_class_attr(cls, "maketrans", std::move(maketrans));
}

}  // namespace concsim::vm::lib
