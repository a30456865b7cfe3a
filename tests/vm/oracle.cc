#include "tests/vm/oracle.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "models/vm/library.h"

namespace concsim::vm::testing {

namespace {

// JSON string encoding and decoding (the oracle's line format).
std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string json_unquote(std::string_view s) {
  std::string out;
  std::u16string pending;  // surrogate pairs
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    c = s[++i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        char32_t cp = static_cast<char32_t>(std::stoul(std::string(s.substr(i + 1, 4)), nullptr, 16));
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < s.size() && s[i + 1] == '\\' && s[i + 2] == 'u') {
          const char32_t lo = static_cast<char32_t>(std::stoul(std::string(s.substr(i + 3, 4)), nullptr, 16));
          if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        lib::utf8_append(&out, cp);
        break;
      }
      default: out += c; break;
    }
  }
  return out;
}

std::string python_path() {
#ifdef CONCSIM_PYTHON
  return CONCSIM_PYTHON;
#else
  return "";
#endif
}

// Evaluates a Python expression of the shape the tests use (literals,
// builtins, calls with keyword arguments, attributes, methods, subscripts
// and slices, the operators with Python's precedence) by calling concsim's
// ops: a recursive-descent parser that computes as it goes. Test-only.
class ExprEvaluator {
 public:
  ExprEvaluator(Vm& vm, std::string_view s, const std::map<std::string, Value>& vars)
      : vm_(vm), s_(s), vars_(vars) {}
  Value run() {
    Value v = test();
    skip();
    if (pos_ != s_.size()) fail("trailing text");
    return v;
  }
  // What is between the brackets of a subscript: an index or a slice.
  Value run_subscript() {
    Value v = subscript();
    skip();
    if (pos_ != s_.size()) fail("trailing text");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    throw std::runtime_error("cannot evaluate '" + std::string(s_) + "' at " + std::to_string(pos_) + ": " + why);
  }
  void skip() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  bool peek(std::string_view t) {
    skip();
    return s_.substr(pos_, t.size()) == t;
  }
  bool accept(std::string_view t) {
    if (!peek(t)) return false;
    // A keyword or name must not run on into an identifier.
    const bool word = std::isalpha(static_cast<unsigned char>(t.back())) != 0;
    const std::size_t end = pos_ + t.size();
    if (word && end < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_')) return false;
    pos_ = end;
    return true;
  }
  void expect(std::string_view t) {
    if (!accept(t)) fail("expected " + std::string(t));
  }
  static bool bad(const Value& v) { return v.is_error(); }

  // Operators (each returns error once any operand is an error).
  Value binop(ast::BinOp op, const Value& a, const Value& b) {
    if (bad(a) || bad(b)) return Value::error();
    return binary_op(vm_, op, a, b);
  }

  Value test() {
    if (accept("not")) {
      Value v = test();
      if (bad(v)) return v;
      return unary_op(vm_, ast::UnaryOp::kNot, v);
    }
    return comparison();
  }
  Value comparison() {
    Value left = bitor_();
    Value result;
    bool any = false;
    for (;;) {
      ast::CmpOp op;
      if (accept("==")) op = ast::CmpOp::kEq;
      else if (accept("!=")) op = ast::CmpOp::kNotEq;
      else if (accept("<=")) op = ast::CmpOp::kLtE;
      else if (accept(">=")) op = ast::CmpOp::kGtE;
      else if (peek("<<") || peek(">>")) break;
      else if (accept("<")) op = ast::CmpOp::kLt;
      else if (accept(">")) op = ast::CmpOp::kGt;
      else if (accept("not in")) op = ast::CmpOp::kNotIn;
      else if (accept("in")) op = ast::CmpOp::kIn;
      else if (accept("is not")) op = ast::CmpOp::kIsNot;
      else if (accept("is")) op = ast::CmpOp::kIs;
      else break;
      Value right = bitor_();
      Value r = (bad(left) || bad(right) || bad(result)) ? Value::error() : rich_compare(vm_, op, left, right);
      // Chained: a < b < c is (a < b) and (b < c).
      if (!any || (!bad(result) && truthy(vm_, result) == 1)) result = r;
      any = true;
      left = right;
    }
    return any ? result : left;
  }
  Value bitor_() {
    Value v = bitxor();
    while (!peek("||") && accept("|")) v = binop(ast::BinOp::kBitOr, v, bitxor());
    return v;
  }
  Value bitxor() {
    Value v = bitand_();
    while (accept("^")) v = binop(ast::BinOp::kBitXor, v, bitand_());
    return v;
  }
  Value bitand_() {
    Value v = shift();
    while (accept("&")) v = binop(ast::BinOp::kBitAnd, v, shift());
    return v;
  }
  Value shift() {
    Value v = arith();
    for (;;) {
      if (accept("<<")) v = binop(ast::BinOp::kLShift, v, arith());
      else if (accept(">>")) v = binop(ast::BinOp::kRShift, v, arith());
      else return v;
    }
  }
  Value arith() {
    Value v = term();
    for (;;) {
      if (accept("+")) v = binop(ast::BinOp::kAdd, v, term());
      else if (accept("-")) v = binop(ast::BinOp::kSub, v, term());
      else return v;
    }
  }
  Value term() {
    Value v = factor();
    for (;;) {
      if (peek("**")) return v;
      if (accept("*")) v = binop(ast::BinOp::kMult, v, factor());
      else if (accept("//")) v = binop(ast::BinOp::kFloorDiv, v, factor());
      else if (accept("/")) v = binop(ast::BinOp::kDiv, v, factor());
      else if (accept("%")) v = binop(ast::BinOp::kMod, v, factor());
      else if (accept("@")) v = binop(ast::BinOp::kMatMult, v, factor());
      else return v;
    }
  }
  Value factor() {
    ast::UnaryOp op;
    if (accept("-")) op = ast::UnaryOp::kUSub;
    else if (accept("+")) op = ast::UnaryOp::kUAdd;
    else if (accept("~")) op = ast::UnaryOp::kInvert;
    else return power();
    Value v = factor();
    if (bad(v)) return v;
    return unary_op(vm_, op, v);
  }
  Value power() {
    Value v = primary();
    if (accept("**")) v = binop(ast::BinOp::kPow, v, factor());
    return v;
  }
  Value primary() {
    Value v = atom();
    for (;;) {
      if (accept("(")) {
        std::vector<Value> args;
        std::vector<Value> names;
        bool err = bad(v);
        while (!accept(")")) {
          skip();
          std::size_t save = pos_;
          std::string name = identifier();
          if (!name.empty() && accept("=") && !peek("=")) {
            names.push_back(vm_.intern(name));
          } else {
            pos_ = save;
            if (!names.empty()) fail("positional argument after keyword argument");
          }
          Value a = test();
          err = err || bad(a);
          args.push_back(std::move(a));
          if (!accept(",")) {
            expect(")");
            break;
          }
        }
        v = err ? Value::error() : vm_.call(v, args, names);
      } else if (accept("[")) {
        Value key = subscript();
        expect("]");
        v = (bad(v) || bad(key)) ? Value::error() : getitem(vm_, v, key);
      } else if (accept(".")) {
        const std::string name = identifier();
        if (name.empty()) fail("expected a name");
        v = bad(v) ? v : vm_.getattr(v, name);
      } else {
        return v;
      }
    }
  }
  Value subscript() {
    Value parts[3] = {Value::none(), Value::none(), Value::none()};
    bool is_slice = false;
    for (int i = 0; i < 3; ++i) {
      skip();
      if (pos_ < s_.size() && !peek(":") && !peek("]")) parts[i] = test();
      if (i < 2 && accept(":")) {
        is_slice = true;
        continue;
      }
      break;
    }
    if (!is_slice) {
      if (peek(",")) {
        std::vector<Value> items = {parts[0]};
        while (accept(",")) {
          if (peek("]")) break;
          items.push_back(test());
        }
        return make_tuple(std::move(items));
      }
      return parts[0];
    }
    for (const Value& p : parts) {
      if (bad(p)) return Value::error();
    }
    Value sl = make<SliceObj>();
    sl.as<SliceObj>()->start = parts[0];
    sl.as<SliceObj>()->stop = parts[1];
    sl.as<SliceObj>()->step = parts[2];
    return sl;
  }
  std::string identifier() {
    skip();
    const std::size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' ||
                                static_cast<unsigned char>(s_[pos_]) >= 0x80)) {
      if (pos_ == start && std::isdigit(static_cast<unsigned char>(s_[pos_]))) break;
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }
  std::vector<Value> items(char close) {
    std::vector<Value> out;
    const std::string_view c(&close, 1);
    while (!accept(c)) {
      out.push_back(test());
      if (!accept(",")) {
        expect(c);
        break;
      }
    }
    return out;
  }
  static bool any_bad(const std::vector<Value>& v) {
    for (const Value& x : v) {
      if (bad(x)) return true;
    }
    return false;
  }
  Value atom() {
    skip();
    if (pos_ >= s_.size()) fail("end of text");
    const char c = s_[pos_];
    if (c == '[') {
      ++pos_;
      std::vector<Value> v = items(']');
      return any_bad(v) ? Value::error() : make_list(std::move(v));
    }
    if (c == '(') {
      ++pos_;
      if (accept(")")) return make_tuple({});
      Value first = test();
      if (accept(")")) return first;
      expect(",");
      std::vector<Value> rest = items(')');
      rest.insert(rest.begin(), first);
      return any_bad(rest) ? Value::error() : make_tuple(std::move(rest));
    }
    if (c == '{') {
      ++pos_;
      if (accept("}")) return make_dict();
      Value first = test();
      bool err = bad(first);
      if (accept(":")) {
        Value d = make_dict();
        Value v = test();
        err = err || bad(v) || !dict_set(vm_, d, first, v);
        while (!err && accept(",")) {
          if (accept("}")) return d;
          Value k = test();
          expect(":");
          Value x = test();
          err = bad(k) || bad(x) || !dict_set(vm_, d, k, x);
        }
        if (!err) expect("}");
        return err ? Value::error() : d;
      }
      Value s = make_set();
      err = err || !set_add(vm_, s, first);
      while (!err && accept(",")) {
        if (accept("}")) return s;
        Value x = test();
        err = bad(x) || !set_add(vm_, s, x);
      }
      if (!err) expect("}");
      return err ? Value::error() : s;
    }
    if (c == '\'' || c == '"') {
      // Adjacent literals concatenate.
      std::string text;
      while (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"')) {
        text += string();
        skip();
      }
      return make_str(std::move(text));
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && pos_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1])))) {
      return number();
    }
    const std::string name = identifier();
    if (name.empty()) fail("unexpected character");
    if (name == "None") return Value::none();
    if (name == "True") return Value::boolean(true);
    if (name == "False") return Value::boolean(false);
    if (name == "NotImplemented") return Value::not_implemented();
    if (auto it = vars_.find(name); it != vars_.end()) return it->second;
    Value v = dict_get_str(vm_.b().builtins_module.as<ModuleObj>()->dict, vm_.intern(name));
    if (v.is_unset()) fail("unknown name " + name);
    return v;
  }
  std::string string() {
    const char q = s_[pos_++];
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != q) {
      char c = s_[pos_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      c = s_[pos_++];
      switch (c) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case '0': out += '\0'; break;
        case 'x':
          lib::utf8_append(&out, static_cast<char32_t>(std::stoul(std::string(s_.substr(pos_, 2)), nullptr, 16)));
          pos_ += 2;
          break;
        case 'u':
          lib::utf8_append(&out, static_cast<char32_t>(std::stoul(std::string(s_.substr(pos_, 4)), nullptr, 16)));
          pos_ += 4;
          break;
        case 'U':
          lib::utf8_append(&out, static_cast<char32_t>(std::stoul(std::string(s_.substr(pos_, 8)), nullptr, 16)));
          pos_ += 8;
          break;
        default: out += c; break;
      }
    }
    if (pos_ >= s_.size()) fail("unterminated string");
    ++pos_;
    return out;
  }
  Value number() {
    const std::size_t start = pos_;
    bool is_float = false;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' || s_[pos_] == '_' ||
            ((s_[pos_] == '-' || s_[pos_] == '+') && (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E') &&
             s_.substr(start, 2) != "0x"))) {
      if (s_[pos_] == '.' || ((s_[pos_] == 'e' || s_[pos_] == 'E') && s_.substr(start, 2) != "0x")) is_float = true;
      ++pos_;
    }
    std::string text;
    for (char ch : s_.substr(start, pos_ - start)) {
      if (ch != '_') text += ch;
    }
    if (is_float) return Value::floating(std::strtod(text.c_str(), nullptr));
    return Value::integer(static_cast<std::int64_t>(std::stoull(text, nullptr, 0)));
  }

  Vm& vm_;
  std::string_view s_;
  const std::map<std::string, Value>& vars_;
  std::size_t pos_ = 0;
};
}  // namespace

std::string py_float(double d) {
  if (std::isnan(d)) return std::signbit(d) ? "-float('nan')" : "float('nan')";
  if (std::isinf(d)) return d > 0 ? "float('inf')" : "float('-inf')";
  char buf[64];
  std::snprintf(buf, sizeof buf, "float.fromhex('%a')", d);
  return buf;
}

std::string py_str(std::string_view s) {
  std::string out = "'";
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = lib::utf8_next(s, &i);
    if (c == '\'' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
      out += buf;
    }
  }
  return out + "'";
}

std::vector<std::string> python_eval(const std::vector<std::string>& exprs) {
  const std::string python = python_path();
  if (python.empty()) {
    ADD_FAILURE() << "python3 was not found when the build was configured: install Debian's python3 "
                     "(tools/quickstart.sh) and configure again";
    return {};
  }
  char in_path[] = "/tmp/concsim-oracle-in-XXXXXX";
  const int fd = mkstemp(in_path);
  if (fd < 0) {
    ADD_FAILURE() << "cannot create a temporary file";
    return {};
  }
  close(fd);
  const std::string out_path = std::string(in_path) + ".out";
  {
    std::ofstream in(in_path);
    for (const std::string& e : exprs) in << json_quote(e) << "\n";
  }
  const std::string cmd = "timeout 300 " + python + " tests/vm/oracle.py < " + in_path + " > " + out_path;
  const int status = std::system(cmd.c_str());
  std::vector<std::string> results;
  std::ifstream out(out_path);
  for (std::string line; std::getline(out, line);) results.push_back(json_unquote(line));
  std::remove(in_path);
  std::remove(out_path.c_str());
  if (status != 0 || results.size() != exprs.size()) {
    ADD_FAILURE() << "the oracle failed (" << cmd << "): status " << status << ", " << results.size() << " of "
                  << exprs.size() << " results";
    results.resize(exprs.size());
  }
  return results;
}

namespace {

// _n(x) of oracle.py: sets as (type name, items sorted by repr).
Value normalize_sets(Vm& vm, CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "_n takes one argument");
  const Value& x = a.args[0];
  if (x.is(Kind::kSet)) {
    std::vector<Value> items;
    for (const HashEntry& e : x.as<SetObj>()->table.entries) {
      if (!e.key.is_unset()) items.push_back(e.key);
    }
    Value repr_fn = dict_get_str(vm.b().builtins_module.as<ModuleObj>()->dict, vm.intern("repr"));
    if (!lib::sort_values(vm, &items, repr_fn, false)) return Value::error();
    return make_tuple({make_str(x.as<SetObj>()->frozen ? "frozenset" : "set"), make_list(std::move(items))});
  }
  if (x.is(Kind::kTuple)) {
    std::vector<Value> items;
    for (const Value& i : x.as<TupleObj>()->items) {
      CallArgs inner;
      inner.args = &i;
      inner.nargs = 1;
      Value n = normalize_sets(vm, inner);
      if (n.is_error()) return n;
      items.push_back(std::move(n));
    }
    return make_tuple(std::move(items));
  }
  return x;
}

}  // namespace

void VmTest::SetUp() {
  vm_ = std::make_unique<Vm>(program_, host_);
  vars_["_n"] = vm_->make_builtin("_n", normalize_sets);
}

void VmTest::TearDown() {
  vars_.clear();
  vm_.reset();
}

std::string VmTest::outcome(const Value& v) {
  if (v.is_error()) {
    Value e = vm().take_error();
    std::string name = "?";
    if (e.is(Kind::kException)) name = str_of(e.as<ExceptionObj>()->cls.as<ClassObj>()->name);
    std::string msg;
    if (!str_string(vm(), e, &msg)) {
      vm().take_error();
      msg = "<str failed>";
    }
    return "!" + name + ": " + msg;
  }
  if (v.is_unset()) return "<unset>";
  std::string r;
  if (!repr_string(vm(), v, &r)) return outcome(Value::error());
  return r;
}

Value VmTest::eval(std::string_view text) { return ExprEvaluator(vm(), text, vars_).run(); }
Value VmTest::subscript(std::string_view text) { return ExprEvaluator(vm(), text, vars_).run_subscript(); }

Value VmTest::builtin(std::string_view name) {
  Value v = dict_get_str(vm().b().builtins_module.as<ModuleObj>()->dict, vm().intern(name));
  EXPECT_FALSE(v.is_unset()) << "no builtin " << name;
  return v;
}

Value VmTest::call(const Value& fn, std::vector<Value> args, std::vector<std::pair<std::string, Value>> kwargs) {
  std::vector<Value> names;
  for (auto& [k, v] : kwargs) {
    names.push_back(vm().intern(k));
    args.push_back(v);
  }
  return vm().call(fn, args, names);
}

Value VmTest::call_method(const Value& self, std::string_view name, std::vector<Value> args,
                          std::vector<std::pair<std::string, Value>> kwargs) {
  Value m = vm().getattr(self, name);
  if (m.is_error()) return m;
  return call(m, std::move(args), std::move(kwargs));
}

int VmTest::check_exprs(const std::vector<std::string>& exprs, int max_reports) {
  std::vector<Case> cases;
  cases.reserve(exprs.size());
  for (const std::string& e : exprs) cases.push_back({e, [this, e] { return eval(e); }});
  return check(cases, max_reports);
}

int VmTest::check(const std::vector<Case>& cases, int max_reports) {
  std::vector<std::string> exprs;
  exprs.reserve(cases.size());
  for (const Case& c : cases) exprs.push_back(c.py);
  const std::vector<std::string> expected = python_eval(exprs);
  int mismatches = 0;
  for (std::size_t i = 0; i < cases.size() && i < expected.size(); ++i) {
    const std::string got = outcome(cases[i].eval());
    if (got != expected[i]) {
      if (++mismatches <= max_reports) {
        ADD_FAILURE() << cases[i].py << "\n  python:  " << expected[i] << "\n  concsim: " << got;
      }
    }
  }
  if (mismatches > max_reports) ADD_FAILURE() << mismatches << " mismatches in all, of " << cases.size();
  return mismatches;
}

}  // namespace concsim::vm::testing
