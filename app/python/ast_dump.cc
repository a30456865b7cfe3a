#include "app/python/ast_dump.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "app/python/unicode_data.h"
#include "app/python/utf8.h"

namespace concsim::python {
namespace {

namespace ast = vm::ast;

// repr() of a float (Python/pystrtod.c format_float_short, mode 'r' with
// Py_DTSF_ADD_DOT_0): the shortest digits that round-trip, in fixed
// notation when the decimal point falls within -4 < decpt <= 16, else in
// exponent notation with a sign and at least two exponent digits.
std::string float_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(res.ptr - buf));
  std::string out;
  if (!s.empty() && s.front() == '-') {
    out += '-';
    s.remove_prefix(1);
  }
  const std::size_t e = s.find('e');
  std::string digits;
  for (const char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  const int exp = std::atoi(std::string(s.substr(e + 1)).c_str());
  int decpt = exp + 1;
  if (digits == "0") decpt = 1;
  const int n = static_cast<int>(digits.size());
  if (decpt <= -4 || decpt > 16) {
    out += digits[0];
    if (n > 1) {
      out += '.';
      out += digits.substr(1);
    }
    char ebuf[16];
    std::snprintf(ebuf, sizeof ebuf, "e%+03d", decpt - 1);
    out += ebuf;
    return out;
  }
  if (decpt <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-decpt), '0');
    out += digits;
  } else if (decpt >= n) {
    out += digits;
    out.append(static_cast<std::size_t>(decpt - n), '0');
    out += ".0";
  } else {
    out += digits.substr(0, static_cast<std::size_t>(decpt));
    out += '.';
    out += digits.substr(static_cast<std::size_t>(decpt));
  }
  return out;
}

// repr() of a str (Objects/unicodeobject.c unicode_repr): single quotes
// unless the text has a single quote and no double quote; printable
// characters as themselves, others escaped.
std::string str_repr(std::string_view s) {
  const bool single = s.find('\'') != std::string_view::npos;
  const bool dbl = s.find('"') != std::string_view::npos;
  const char quote = single && !dbl ? '"' : '\'';
  std::string out(1, quote);
  char buf[16];
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 1;
    const char32_t c = utf8::decode(s.substr(i), &len);
    i += len;
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
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else if (c < 0x7F) {
      out += static_cast<char>(c);
    } else if (unicode::is_printable(c)) {
      utf8::append(&out, c);
    } else {
      if (c <= 0xFF) {
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      } else if (c <= 0xFFFF) {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      } else {
        std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
      }
      out += buf;
    }
  }
  out += quote;
  return out;
}

const char* op_name(ast::BinOp op) {
  switch (op) {
    case ast::BinOp::kAdd: return "Add()";
    case ast::BinOp::kSub: return "Sub()";
    case ast::BinOp::kMult: return "Mult()";
    case ast::BinOp::kMatMult: return "MatMult()";
    case ast::BinOp::kDiv: return "Div()";
    case ast::BinOp::kMod: return "Mod()";
    case ast::BinOp::kPow: return "Pow()";
    case ast::BinOp::kLShift: return "LShift()";
    case ast::BinOp::kRShift: return "RShift()";
    case ast::BinOp::kBitOr: return "BitOr()";
    case ast::BinOp::kBitXor: return "BitXor()";
    case ast::BinOp::kBitAnd: return "BitAnd()";
    case ast::BinOp::kFloorDiv: return "FloorDiv()";
  }
  return "?";
}

const char* op_name(ast::UnaryOp op) {
  switch (op) {
    case ast::UnaryOp::kInvert: return "Invert()";
    case ast::UnaryOp::kNot: return "Not()";
    case ast::UnaryOp::kUAdd: return "UAdd()";
    case ast::UnaryOp::kUSub: return "USub()";
  }
  return "?";
}

const char* op_name(ast::CmpOp op) {
  switch (op) {
    case ast::CmpOp::kEq: return "Eq()";
    case ast::CmpOp::kNotEq: return "NotEq()";
    case ast::CmpOp::kLt: return "Lt()";
    case ast::CmpOp::kLtE: return "LtE()";
    case ast::CmpOp::kGt: return "Gt()";
    case ast::CmpOp::kGtE: return "GtE()";
    case ast::CmpOp::kIs: return "Is()";
    case ast::CmpOp::kIsNot: return "IsNot()";
    case ast::CmpOp::kIn: return "In()";
    case ast::CmpOp::kNotIn: return "NotIn()";
  }
  return "?";
}

const char* ctx_name(ast::Ctx ctx) {
  switch (ctx) {
    case ast::Ctx::kLoad: return "Load()";
    case ast::Ctx::kStore: return "Store()";
    case ast::Ctx::kDel: return "Del()";
  }
  return "?";
}

// Writes one node: Name(field=..., ..., lineno=..., col_offset=...). Fields
// are opened with field(); optional fields that are absent are skipped, as
// ast.dump skips None where the class default is None.
class Dumper {
 public:
  std::string out;

  void module(const ast::Module& m) {
    out += "Module(body=";
    body(m.body);
    out += ", type_ignores=[])";
  }

 private:
  bool first_ = true;

  void open(const char* name) {
    out += name;
    out += '(';
    first_ = true;
  }
  void field(const char* name) {
    if (!first_) out += ", ";
    first_ = false;
    out += name;
    out += '=';
  }
  void close(const ast::Loc* loc) {
    if (loc) {
      field("lineno");
      out += std::to_string(loc->line);
      field("col_offset");
      out += std::to_string(loc->col - 1);
      field("end_lineno");
      out += std::to_string(loc->end_line);
      field("end_col_offset");
      out += std::to_string(loc->end_col - 1);
    }
    out += ')';
    first_ = false;
  }
  void text(const std::string& s) { out += str_repr(s); }

  template <typename T, typename F>
  void list(const std::vector<T>& items, F&& each) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      each(items[i]);
    }
    out += ']';
    first_ = false;
  }
  void exprs(const std::vector<ast::ExprP>& items) {
    list(items, [this](const ast::ExprP& e) {
      if (e) {
        expr(*e);
      } else {
        out += "None";
      }
    });
  }
  void body(const ast::Body& b) {
    list(b, [this](const ast::StmtP& s) { stmt(*s); });
  }
  void optional(const char* name, const ast::ExprP& e) {
    if (!e) return;
    field(name);
    expr(*e);
  }
  void required(const char* name, const ast::ExprP& e) {
    field(name);
    if (e) {
      expr(*e);
    } else {
      out += "None";
    }
  }

  void arg(const ast::Arg& a) {
    open("arg");
    field("arg");
    text(a.name);
    close(&a.loc);
  }
  void arguments(const ast::Arguments* a) {
    static const ast::Arguments kEmpty;
    if (!a) a = &kEmpty;
    open("arguments");
    field("posonlyargs");
    list(a->posonlyargs, [this](const ast::Arg& x) { arg(x); });
    field("args");
    list(a->args, [this](const ast::Arg& x) { arg(x); });
    if (a->vararg) {
      field("vararg");
      arg(*a->vararg);
    }
    field("kwonlyargs");
    list(a->kwonlyargs, [this](const ast::Arg& x) { arg(x); });
    field("kw_defaults");
    exprs(a->kw_defaults);
    if (a->kwarg) {
      field("kwarg");
      arg(*a->kwarg);
    }
    field("defaults");
    exprs(a->defaults);
    close(nullptr);
  }
  void keywords(const std::vector<ast::Keyword>& kws) {
    list(kws, [this](const ast::Keyword& k) {
      open("keyword");
      if (!k.arg.empty()) {
        field("arg");
        text(k.arg);
      }
      required("value", k.value);
      close(&k.loc);
    });
  }
  void generators(const std::vector<ast::Comprehension>& gens) {
    field("generators");
    list(gens, [this](const ast::Comprehension& c) {
      open("comprehension");
      required("target", c.target);
      required("iter", c.iter);
      field("ifs");
      exprs(c.ifs);
      field("is_async");
      out += c.is_async ? '1' : '0';
      close(nullptr);
    });
  }
  void ctx(ast::Ctx c) {
    field("ctx");
    out += ctx_name(c);
  }

  void constant(const ast::Constant& c) {
    switch (c.kind) {
      case ast::ConstKind::kNone: out += "None"; break;
      case ast::ConstKind::kBool: out += c.b ? "True" : "False"; break;
      case ast::ConstKind::kInt: out += std::to_string(c.i); break;
      case ast::ConstKind::kFloat: out += float_repr(c.f); break;
      case ast::ConstKind::kStr: out += str_repr(c.s); break;
      case ast::ConstKind::kEllipsis: out += "Ellipsis"; break;
      case ast::ConstKind::kDuration: out += std::to_string(c.i); break;
    }
  }

  void expr(const ast::Expr& e) {
    using K = ast::ExprKind;
    switch (e.kind) {
      case K::kBoolOp:
        open("BoolOp");
        field("op");
        out += e.bool_op == ast::BoolOp::kAnd ? "And()" : "Or()";
        field("values");
        exprs(e.items);
        break;
      case K::kNamedExpr:
        open("NamedExpr");
        required("target", e.a);
        required("value", e.b);
        break;
      case K::kBinOp:
        open("BinOp");
        required("left", e.a);
        field("op");
        out += op_name(e.bin_op);
        required("right", e.b);
        break;
      case K::kUnaryOp:
        open("UnaryOp");
        field("op");
        out += op_name(e.unary_op);
        required("operand", e.a);
        break;
      case K::kLambda:
        open("Lambda");
        field("args");
        arguments(e.args.get());
        required("body", e.a);
        break;
      case K::kIfExp:
        open("IfExp");
        required("test", e.a);
        required("body", e.b);
        required("orelse", e.c);
        break;
      case K::kDict:
        open("Dict");
        field("keys");
        exprs(e.keys);
        field("values");
        exprs(e.items);
        break;
      case K::kSet:
        open("Set");
        field("elts");
        exprs(e.items);
        break;
      case K::kListComp:
      case K::kSetComp:
      case K::kGeneratorExp:
        open(e.kind == K::kListComp ? "ListComp" : e.kind == K::kSetComp ? "SetComp" : "GeneratorExp");
        required("elt", e.a);
        generators(e.generators);
        break;
      case K::kDictComp:
        open("DictComp");
        required("key", e.a);
        required("value", e.b);
        generators(e.generators);
        break;
      case K::kAwait:
        open("Await");
        required("value", e.a);
        break;
      case K::kYield:
        open("Yield");
        optional("value", e.a);
        break;
      case K::kYieldFrom:
        open("YieldFrom");
        required("value", e.a);
        break;
      case K::kCompare:
        open("Compare");
        required("left", e.a);
        field("ops");
        list(e.ops, [this](ast::CmpOp op) { out += op_name(op); });
        field("comparators");
        exprs(e.items);
        break;
      case K::kCall:
        open("Call");
        required("func", e.a);
        field("args");
        exprs(e.items);
        field("keywords");
        keywords(e.keywords);
        break;
      case K::kFormattedValue:
        open("FormattedValue");
        required("value", e.a);
        field("conversion");
        out += e.conversion ? std::to_string(static_cast<int>(e.conversion)) : "-1";
        optional("format_spec", e.b);
        break;
      case K::kJoinedStr:
        open("JoinedStr");
        field("values");
        exprs(e.items);
        break;
      case K::kConstant:
        open("Constant");
        field("value");
        constant(e.value);
        break;
      case K::kAttribute:
        open("Attribute");
        required("value", e.a);
        field("attr");
        text(e.name);
        ctx(e.ctx);
        break;
      case K::kSubscript:
        open("Subscript");
        required("value", e.a);
        required("slice", e.b);
        ctx(e.ctx);
        break;
      case K::kStarred:
        open("Starred");
        required("value", e.a);
        ctx(e.ctx);
        break;
      case K::kName:
        open("Name");
        field("id");
        text(e.name);
        ctx(e.ctx);
        break;
      case K::kList:
      case K::kTuple:
        open(e.kind == K::kList ? "List" : "Tuple");
        field("elts");
        exprs(e.items);
        ctx(e.ctx);
        break;
      case K::kSlice:
        open("Slice");
        optional("lower", e.a);
        optional("upper", e.b);
        optional("step", e.c);
        break;
    }
    close(&e.loc);
  }

  void stmt(const ast::Stmt& s) {
    using K = ast::StmtKind;
    switch (s.kind) {
      case K::kFunctionDef:
        open(s.is_async ? "AsyncFunctionDef" : "FunctionDef");
        field("name");
        text(s.name);
        field("args");
        arguments(s.args.get());
        field("body");
        body(s.body);
        field("decorator_list");
        exprs(s.decorators);
        break;
      case K::kClassDef:
        open("ClassDef");
        field("name");
        text(s.name);
        field("bases");
        exprs(s.items);
        field("keywords");
        keywords(s.keywords);
        field("body");
        body(s.body);
        field("decorator_list");
        exprs(s.decorators);
        break;
      case K::kReturn:
        open("Return");
        optional("value", s.a);
        break;
      case K::kDelete:
        open("Delete");
        field("targets");
        exprs(s.targets);
        break;
      case K::kAssign:
        open("Assign");
        field("targets");
        exprs(s.targets);
        required("value", s.a);
        break;
      case K::kAugAssign:
        open("AugAssign");
        required("target", s.a);
        field("op");
        out += op_name(s.bin_op);
        required("value", s.b);
        break;
      case K::kAnnAssign:
        open("AnnAssign");
        required("target", s.a);
        required("annotation", s.c);
        optional("value", s.b);
        field("simple");
        out += s.simple ? '1' : '0';
        break;
      case K::kFor:
        open(s.is_async ? "AsyncFor" : "For");
        required("target", s.a);
        required("iter", s.b);
        field("body");
        body(s.body);
        field("orelse");
        body(s.orelse);
        break;
      case K::kWhile:
      case K::kIf:
        open(s.kind == K::kWhile ? "While" : "If");
        required("test", s.a);
        field("body");
        body(s.body);
        field("orelse");
        body(s.orelse);
        break;
      case K::kWith:
        open(s.is_async ? "AsyncWith" : "With");
        field("items");
        list(s.with_items, [this](const ast::WithItem& w) {
          open("withitem");
          required("context_expr", w.context_expr);
          optional("optional_vars", w.optional_vars);
          close(nullptr);
        });
        field("body");
        body(s.body);
        break;
      case K::kRaise:
        open("Raise");
        optional("exc", s.a);
        optional("cause", s.b);
        break;
      case K::kTry:
      case K::kTryStar:
        open(s.kind == K::kTry ? "Try" : "TryStar");
        field("body");
        body(s.body);
        field("handlers");
        list(s.handlers, [this](const ast::ExceptHandler& h) {
          open("ExceptHandler");
          optional("type", h.type);
          if (!h.name.empty()) {
            field("name");
            text(h.name);
          }
          field("body");
          body(h.body);
          close(&h.loc);
        });
        field("orelse");
        body(s.orelse);
        field("finalbody");
        body(s.finalbody);
        break;
      case K::kAssert:
        open("Assert");
        required("test", s.a);
        optional("msg", s.b);
        break;
      case K::kImport:
      case K::kImportFrom:
        open(s.kind == K::kImport ? "Import" : "ImportFrom");
        if (s.kind == K::kImportFrom && !s.module.empty()) {
          field("module");
          text(s.module);
        }
        field("names");
        list(s.names, [this](const ast::Alias& a) {
          open("alias");
          field("name");
          text(a.name);
          if (!a.asname.empty()) {
            field("asname");
            text(a.asname);
          }
          close(&a.loc);
        });
        if (s.kind == K::kImportFrom) {
          field("level");
          out += std::to_string(s.level);
        }
        break;
      case K::kGlobal:
      case K::kNonlocal:
        open(s.kind == K::kGlobal ? "Global" : "Nonlocal");
        field("names");
        list(s.identifiers, [this](const std::string& n) { text(n); });
        break;
      case K::kExpr:
        open("Expr");
        required("value", s.a);
        break;
      case K::kPass: open("Pass"); break;
      case K::kBreak: open("Break"); break;
      case K::kContinue: open("Continue"); break;
    }
    close(&s.loc);
  }
};

}  // namespace

std::string dump_module(const vm::ast::Module& module) {
  Dumper d;
  d.module(module);
  return std::move(d.out);
}

}  // namespace concsim::python
