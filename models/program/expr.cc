#include "models/program/expr.h"

#include <array>
#include <cctype>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <new>

#include "sim/time.h"

namespace concsim::models {
namespace {

class Parser {
 public:
  Parser(std::string_view text, Store& store, const NameResolver& resolve)
      : text_(text), store_(store), resolve_(resolve) {}

  bool parse(Expr* out, ExprError* error) {
    expr_.text = std::string(text_);
    if (!parse_or()) return fail(error);
    skip_space();
    if (pos_ != text_.size()) {
      set_error("unexpected \"" + std::string(text_.substr(pos_, 1)) + "\"");
      return fail(error);
    }
    expr_.chain = is_chain(expr_.code);
    *out = std::move(expr_);
    return true;
  }

 private:
  static bool is_operand(ExprOp::Code c) {
    return c == ExprOp::kConst || c == ExprOp::kLocal || c == ExprOp::kShared;
  }
  static bool is_chain(const std::vector<ExprOp>& code) {
    if (code.size() < 3 || code.size() % 2 == 0 || !is_operand(code[0].code)) return false;
    for (std::size_t i = 1; i < code.size(); i += 2) {
      if (!is_operand(code[i].code)) return false;
      switch (code[i + 1].code) {
        case ExprOp::kAdd: case ExprOp::kSub: case ExprOp::kMul:
        case ExprOp::kEq: case ExprOp::kNe: case ExprOp::kLt: case ExprOp::kLe: case ExprOp::kGt: case ExprOp::kGe:
          break;
        default:
          return false;
      }
    }
    return true;
  }
  bool fail(ExprError* error) {
    if (error != nullptr) *error = error_;
    return false;
  }
  void set_error(std::string message) {
    if (error_.message.empty()) error_ = ExprError{pos_, std::move(message)};
  }
  // The parser recurses once per level of parentheses, call arguments,
  // unary minus and `not`; capping the nesting keeps a hostile expression
  // (64 KiB of "(") from overflowing the stack. Real ones nest a few levels.
  static constexpr int kMaxNesting = 100;
  bool enter() {
    if (++depth_ <= kMaxNesting) return true;
    set_error("the expression nests more than " + std::to_string(kMaxNesting) + " levels deep");
    return false;
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool peek_word(std::string_view w) {
    skip_space();
    if (text_.substr(pos_, w.size()) != w) return false;
    const std::size_t end = pos_ + w.size();
    return end == text_.size() ||
           !(std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_');
  }
  bool accept_word(std::string_view w) {
    if (!peek_word(w)) return false;
    pos_ += w.size();
    return true;
  }
  bool accept(std::string_view op) {
    skip_space();
    if (text_.substr(pos_, op.size()) != op) return false;
    pos_ += op.size();
    return true;
  }
  void emit(ExprOp::Code c, std::uint32_t operand = 0) { expr_.code.push_back({c, operand}); }
  void emit_const(Value v) {
    emit(ExprOp::kConst, static_cast<std::uint32_t>(expr_.constants.size()));
    expr_.constants.push_back(v);
  }

  bool parse_or() {
    if (!parse_and()) return false;
    while (accept_word("or")) {
      const std::size_t at = expr_.code.size();
      emit(ExprOp::kOrJump);
      if (!parse_and()) return false;
      expr_.code[at].operand = static_cast<std::uint32_t>(expr_.code.size());
    }
    return true;
  }
  bool parse_and() {
    if (!parse_not()) return false;
    while (accept_word("and")) {
      const std::size_t at = expr_.code.size();
      emit(ExprOp::kAndJump);
      if (!parse_not()) return false;
      expr_.code[at].operand = static_cast<std::uint32_t>(expr_.code.size());
    }
    return true;
  }
  bool parse_not() {
    if (accept_word("not")) {
      if (!enter() || !parse_not()) return false;
      --depth_;
      emit(ExprOp::kNot);
      return true;
    }
    return parse_cmp();
  }
  bool parse_cmp() {
    if (!parse_sum()) return false;
    static constexpr std::array<std::pair<std::string_view, ExprOp::Code>, 6> kOps{{
        {"==", ExprOp::kEq}, {"!=", ExprOp::kNe}, {"<=", ExprOp::kLe},
        {">=", ExprOp::kGe}, {"<", ExprOp::kLt}, {">", ExprOp::kGt}}};
    for (const auto& [text, code] : kOps) {
      if (accept(text)) {
        if (!parse_sum()) return false;
        emit(code);
        return true;
      }
    }
    return true;
  }
  bool parse_sum() {
    if (!parse_prod()) return false;
    for (;;) {
      if (accept("+")) {
        if (!parse_prod()) return false;
        emit(ExprOp::kAdd);
      } else if (accept("-")) {
        if (!parse_prod()) return false;
        emit(ExprOp::kSub);
      } else {
        return true;
      }
    }
  }
  bool parse_prod() {
    if (!parse_unary()) return false;
    for (;;) {
      ExprOp::Code c;
      if (accept("*")) {
        c = ExprOp::kMul;
      } else if (accept("/")) {
        c = ExprOp::kDiv;
      } else if (accept("%")) {
        c = ExprOp::kMod;
      } else {
        return true;
      }
      if (!parse_unary()) return false;
      emit(c);
    }
  }
  bool parse_unary() {
    if (accept("-")) {
      if (!enter() || !parse_unary()) return false;
      --depth_;
      emit(ExprOp::kNeg);
      return true;
    }
    return parse_primary();
  }
  bool parse_primary() {
    skip_space();
    if (pos_ >= text_.size()) {
      set_error("expected a value");
      return false;
    }
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      if (!enter() || !parse_or()) return false;
      --depth_;
      if (!accept(")")) {
        set_error("expected \")\"");
        return false;
      }
      return true;
    }
    if (c == '\'' || c == '"') return parse_string(c);
    if (c == '[') {
      ++pos_;
      if (!accept("]")) {
        set_error("only the empty list [] can be written; build lists with append()");
        return false;
      }
      emit(ExprOp::kEmptyList);
      return true;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) return parse_number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return parse_name();
    set_error("unexpected \"" + std::string(1, c) + "\"");
    return false;
  }
  bool parse_string(char quote) {
    const std::size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != quote) ++pos_;
    if (pos_ >= text_.size()) {
      pos_ = start - 1;
      set_error("unterminated string");
      return false;
    }
    emit_const(Value::string(store_.intern(text_.substr(start, pos_ - start))));
    ++pos_;
    return true;
  }
  bool parse_number() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' ||
            text_[pos_] == '_')) {
      ++pos_;
    }
    std::string word;
    for (char ch : text_.substr(start, pos_ - start)) {
      if (ch != '_') word += ch;
    }
    bool all_digits = true;
    for (char ch : word) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(ch));
    if (all_digits) {
      std::int64_t v = 0;
      for (char ch : word) {
        if (!sim::checked_mul(v, 10, &v) || !sim::checked_add(v, ch - '0', &v)) {
          pos_ = start;
          set_error("integer " + word + " is too large");
          return false;
        }
      }
      emit_const(Value::integer(v));
      return true;
    }
    std::int64_t ns = 0;
    std::string why;
    if (!parse_duration_literal(word, &ns, &why)) {
      pos_ = start;
      set_error(why);
      return false;
    }
    emit_const(Value::duration(ns));
    return true;
  }
  bool parse_name() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    const std::string_view name = text_.substr(start, pos_ - start);
    if (name == "true" || name == "True") return emit_const(Value::boolean(true)), true;
    if (name == "false" || name == "False") return emit_const(Value::boolean(false)), true;
    if (name == "null" || name == "None") return emit_const(Value::null()), true;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '(') return parse_call(name, start);
    const std::optional<VarRef> ref = resolve_(name);
    if (!ref) {
      pos_ = start;
      set_error("unknown variable \"" + std::string(name) + "\"");
      return false;
    }
    emit(ref->shared ? ExprOp::kShared : ExprOp::kLocal, ref->slot);
    return true;
  }
  bool parse_call(std::string_view name, std::size_t start) {
    struct Fn {
      std::string_view name;
      ExprOp::Code code;
      int argc;
    };
    static constexpr std::array<Fn, 7> kFns{{{"append", ExprOp::kAppend, 2},
                                             {"now", ExprOp::kNow, 0},
                                             {"len", ExprOp::kLen, 1},
                                             {"str", ExprOp::kStr, 1},
                                             {"min", ExprOp::kMin, 2},
                                             {"max", ExprOp::kMax, 2},
                                             {"abs", ExprOp::kAbs, 1}}};
    const Fn* fn = nullptr;
    for (const Fn& f : kFns) {
      if (f.name == name) fn = &f;
    }
    if (fn == nullptr) {
      pos_ = start;
      set_error("unknown function \"" + std::string(name) +
                "\" (functions: append, len, now, str, min, max, abs)");
      return false;
    }
    ++pos_;  // '('
    if (!enter()) return false;
    for (int i = 0; i < fn->argc; ++i) {
      if (i > 0 && !accept(",")) {
        set_error(std::string(name) + " takes " + std::to_string(fn->argc) + " arguments");
        return false;
      }
      if (!parse_or()) return false;
    }
    if (!accept(")")) {
      set_error("expected \")\" after the arguments of " + std::string(name));
      return false;
    }
    --depth_;
    emit(fn->code);
    return true;
  }

  std::string_view text_;
  Store& store_;
  const NameResolver& resolve_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  Expr expr_;
  ExprError error_;
};

// Builds "\"text\"" + rest. Spelled out with append because GCC 12 reports a
// false -Wrestrict on the operator+ chain here.
std::string quoted(std::string_view text, std::string_view rest) {
  std::string out = "\"";
  out.append(text);
  out.append("\"");
  out.append(rest);
  return out;
}

struct Unit {
  std::string_view name;
  std::int64_t ns;
};
constexpr std::array<Unit, 7> kUnits{{{"ns", 1},
                                      {"us", 1'000},
                                      {"\xC2\xB5s", 1'000},
                                      {"ms", 1'000'000},
                                      {"s", 1'000'000'000},
                                      {"m", 60'000'000'000},
                                      {"h", 3'600'000'000'000}}};

}  // namespace

bool parse_duration_literal(std::string_view text, std::int64_t* ns, std::string* error) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string whole;
  std::string frac;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
    if (text[i] != '_') whole += text[i];
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) frac += text[i++];
  }
  const std::string_view unit = text.substr(i);
  if (whole.empty() && frac.empty()) {
    *error = "expected a duration like \"10ms\", got \"" + std::string(text) + "\"";
    return false;
  }
  std::int64_t scale = 0;
  for (const Unit& u : kUnits) {
    if (u.name == unit) scale = u.ns;
  }
  if (scale == 0) {
    *error = unit.empty() ? "expected a duration like \"10ms\"; the number " + std::string(text) +
                                " needs a unit (ns, us, ms, s, m, h)"
                          : "unknown duration unit \"" + std::string(unit) +
                                "\" (units: ns, us, ms, s, m, h)";
    return false;
  }
  std::int64_t value = 0;
  bool ok = true;
  for (char c : whole) ok = ok && sim::checked_mul(value, 10, &value) && sim::checked_add(value, c - '0', &value);
  ok = ok && sim::checked_mul(value, scale, &value);
  // The fraction: digits d1 d2 ... contribute scale * 0.d1d2... which must be
  // a whole number of nanoseconds.
  std::int64_t place = scale;
  for (char c : frac) {
    const std::int64_t digit = c - '0';
    if (place % 10 != 0) {
      if (digit != 0) {
        *error = quoted(text, " is finer than 1 ns");
        return false;
      }
      continue;
    }
    place /= 10;
    ok = ok && sim::checked_add(value, digit * place, &value);
  }
  if (!ok) {
    *error = quoted(text, " is longer than the largest time (about 292 years)");
    return false;
  }
  *ns = negative ? -value : value;
  return true;
}

std::optional<Expr> parse_expr(std::string_view text, Store& store, const NameResolver& resolve,
                               ExprError* error) {
  Parser p(text, store, resolve);
  Expr e;
  if (!p.parse(&e, error)) return std::nullopt;
  return e;
}

bool split_template(std::string_view text, TemplateText* out, ExprError* error) {
  std::string literal;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      i += 2;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      literal += '}';
      i += 2;
    } else if (c == '{') {
      const std::size_t close = text.find('}', i + 1);
      if (close == std::string_view::npos) {
        if (error != nullptr) *error = ExprError{i, "unclosed \"{\" in template"};
        return false;
      }
      out->literals.push_back(std::move(literal));
      literal.clear();
      out->holes.push_back(text.substr(i + 1, close - i - 1));
      out->hole_offsets.push_back(i + 1);
      i = close + 1;
    } else {
      literal += c;
      ++i;
    }
  }
  out->literals.push_back(std::move(literal));
  return true;
}

std::optional<Template> parse_template(std::string_view text, Store& store,
                                       const NameResolver& resolve, ExprError* error) {
  TemplateText parts;
  if (!split_template(text, &parts, error)) return std::nullopt;
  Template t;
  t.literals = std::move(parts.literals);
  for (std::size_t k = 0; k < parts.holes.size(); ++k) {
    ExprError inner;
    auto e = parse_expr(parts.holes[k], store, resolve, &inner);
    if (!e) {
      if (error != nullptr) *error = ExprError{parts.hole_offsets[k] + inner.offset, inner.message};
      return std::nullopt;
    }
    t.holes.push_back(std::move(*e));
  }
  return t;
}

namespace {

const char* kind_name(ValueKind k) {
  switch (k) {
    case ValueKind::kUnset: return "unset";
    case ValueKind::kNull: return "None";
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "int";
    case ValueKind::kDuration: return "duration";
    case ValueKind::kString: return "str";
    case ValueKind::kTask: return "task";
    case ValueKind::kList: return "list";
    case ValueKind::kException: return "exception";
  }
  return "?";
}

bool is_number(Value v) { return v.kind == ValueKind::kInt || v.kind == ValueKind::kDuration; }

Value operand(const Expr& e, const EvalContext& ctx, const ExprOp& op) {
  switch (op.code) {
    case ExprOp::kConst: return e.constants[op.operand];
    case ExprOp::kLocal: return ctx.locals[op.operand];
    default: return ctx.shared[op.operand];
  }
}

// The fast path of an Expr::chain expression: ints and durations only.
// Returns false, having changed nothing, for anything it does not handle;
// where it returns true its value is the one the general evaluator gives.
bool eval_chain(const Expr& e, const EvalContext& ctx, Value* out) {
  const ExprOp* op = e.code.data();
  const ExprOp* const end = op + e.code.size();
  Value a = operand(e, ctx, *op);
  for (++op; op != end; op += 2) {
    const Value b = operand(e, ctx, op[0]);
    if (!is_number(a) || !is_number(b)) return false;  // also an unset variable
    const bool same = a.kind == b.kind;
    switch (op[1].code) {
      case ExprOp::kAdd:
        if (!same || !sim::checked_add(a.bits, b.bits, &a.bits)) return false;
        break;
      case ExprOp::kSub:
        if (!same || __builtin_sub_overflow(a.bits, b.bits, &a.bits)) return false;
        break;
      case ExprOp::kMul:
        if ((a.kind == ValueKind::kDuration && b.kind == ValueKind::kDuration) ||
            !sim::checked_mul(a.bits, b.bits, &a.bits)) {
          return false;
        }
        if (!same) a.kind = ValueKind::kDuration;
        break;
      case ExprOp::kEq: a = Value::boolean(same && a.bits == b.bits); break;
      case ExprOp::kNe: a = Value::boolean(!(same && a.bits == b.bits)); break;
      case ExprOp::kLt: if (!same) return false; a = Value::boolean(a.bits < b.bits); break;
      case ExprOp::kLe: if (!same) return false; a = Value::boolean(a.bits <= b.bits); break;
      case ExprOp::kGt: if (!same) return false; a = Value::boolean(a.bits > b.bits); break;
      case ExprOp::kGe: if (!same) return false; a = Value::boolean(a.bits >= b.bits); break;
      default: return false;
    }
  }
  *out = a;
  return true;
}

// The general evaluator: a stack machine over the whole instruction set.
// Kept out of line so that the fast paths of eval_expr do not pay for its
// frame.
[[gnu::noinline]] bool eval_stack(const Expr& e, const EvalContext& ctx, Value* out, Value* exc) {
  if (e.code.empty()) {
    *out = Value::null();
    return true;
  }
  constexpr std::size_t kStack = 64;
  // Raw storage, left uninitialised: only the slots below sp are ever read,
  // and each is written first. Initialising all 64 on every call took a
  // third of this function's time (perf, a million connections). Value is an
  // aggregate, so the byte array provides its objects implicitly.
  alignas(Value) std::byte raw[kStack * sizeof(Value)];
  Value* const stack = std::launder(reinterpret_cast<Value*>(raw));
  std::size_t sp = 0;
  auto type_error = [&](const std::string& what) {
    *exc = ctx.store.make_exception("TypeError", what + " in \"" + e.text + "\"");
    return false;
  };
  auto overflow = [&]() {
    *exc = ctx.store.make_exception("OverflowError", "integer overflow in \"" + e.text + "\"");
    return false;
  };
  for (std::size_t pc = 0; pc < e.code.size(); ++pc) {
    const ExprOp& op = e.code[pc];
    if (sp + 1 >= kStack) return type_error("expression too deeply nested");
    switch (op.code) {
      case ExprOp::kConst: stack[sp++] = e.constants[op.operand]; break;
      case ExprOp::kLocal:
      case ExprOp::kShared: {
        const Value v = op.code == ExprOp::kLocal ? ctx.locals[op.operand] : ctx.shared[op.operand];
        if (v.kind == ValueKind::kUnset) {
          *exc = ctx.store.make_exception("NameError", "a variable of \"" + e.text +
                                                           "\" is read before it is assigned");
          return false;
        }
        stack[sp++] = v;
        break;
      }
      case ExprOp::kNeg: {
        Value& a = stack[sp - 1];
        if (!is_number(a)) return type_error(std::string("bad operand for -: ") + kind_name(a.kind));
        if (a.bits == std::numeric_limits<std::int64_t>::min()) return overflow();
        a.bits = -a.bits;
        break;
      }
      case ExprOp::kNot: stack[sp - 1] = Value::boolean(!truthy(ctx.store, stack[sp - 1])); break;
      case ExprOp::kAndJump:
      case ExprOp::kOrJump: {
        const bool t = truthy(ctx.store, stack[sp - 1]);
        if ((op.code == ExprOp::kAndJump) != t) {
          pc = op.operand - 1;  // keep the deciding operand as the result
        } else {
          --sp;
        }
        break;
      }
      case ExprOp::kLen: {
        Value& a = stack[sp - 1];
        if (a.kind == ValueKind::kString) {
          a = Value::integer(static_cast<std::int64_t>(ctx.store.str(a.index()).size()));
        } else if (a.kind == ValueKind::kList) {
          a = Value::integer(static_cast<std::int64_t>(ctx.store.list(a.index()).size()));
        } else {
          return type_error(std::string("len() of ") + kind_name(a.kind));
        }
        break;
      }
      case ExprOp::kNow:
        stack[sp++] = Value::duration(ctx.now);
        break;
      case ExprOp::kEmptyList:
        stack[sp++] = Value::list(ctx.store.add_list({}));
        break;
      case ExprOp::kStr:
        stack[sp - 1] = Value::string(ctx.store.add_string(ctx.store.format(stack[sp - 1], ctx.namer)));
        break;
      case ExprOp::kAbs: {
        Value& a = stack[sp - 1];
        if (!is_number(a)) return type_error(std::string("abs() of ") + kind_name(a.kind));
        if (a.bits == std::numeric_limits<std::int64_t>::min()) return overflow();
        if (a.bits < 0) a.bits = -a.bits;
        break;
      }
      default: {
        const Value b = stack[--sp];
        Value& a = stack[sp - 1];
        if (op.code == ExprOp::kAppend) {
          if (a.kind != ValueKind::kList) return type_error(std::string("append() to ") + kind_name(a.kind));
          std::vector<Value> items = ctx.store.list(a.index());
          items.push_back(b);
          a = Value::list(ctx.store.add_list(std::move(items)));
          break;
        }
        if (op.code == ExprOp::kEq || op.code == ExprOp::kNe) {
          const bool eq = values_equal(ctx.store, a, b);
          a = Value::boolean(op.code == ExprOp::kEq ? eq : !eq);
          break;
        }
        if (op.code == ExprOp::kAdd && a.kind == ValueKind::kString && b.kind == ValueKind::kString) {
          a = Value::string(ctx.store.add_string(ctx.store.str(a.index()) + ctx.store.str(b.index())));
          break;
        }
        const bool comparable =
            (is_number(a) && a.kind == b.kind) ||
            (a.kind == ValueKind::kString && b.kind == ValueKind::kString);
        if (op.code >= ExprOp::kLt && op.code <= ExprOp::kGe) {
          if (!comparable) {
            return type_error(std::string("cannot compare ") + kind_name(a.kind) + " with " +
                              kind_name(b.kind));
          }
          int c;
          if (a.kind == ValueKind::kString) {
            c = ctx.store.str(a.index()).compare(ctx.store.str(b.index()));
          } else {
            c = a.bits < b.bits ? -1 : (a.bits > b.bits ? 1 : 0);
          }
          bool r = false;
          switch (op.code) {
            case ExprOp::kLt: r = c < 0; break;
            case ExprOp::kLe: r = c <= 0; break;
            case ExprOp::kGt: r = c > 0; break;
            default: r = c >= 0; break;
          }
          a = Value::boolean(r);
          break;
        }
        if (!is_number(a) || !is_number(b)) {
          return type_error(std::string("unsupported operands ") + kind_name(a.kind) + " and " +
                            kind_name(b.kind));
        }
        // Units: duration +- duration, duration * int, int * duration,
        // duration / int (a duration), duration / duration (an int), and
        // duration % duration; int with int stays int.
        ValueKind kind = ValueKind::kInt;
        const bool ad = a.kind == ValueKind::kDuration;
        const bool bd = b.kind == ValueKind::kDuration;
        std::int64_t r = 0;
        bool ok = true;
        switch (op.code) {
          case ExprOp::kAdd:
          case ExprOp::kSub:
            if (ad != bd) return type_error("cannot add or subtract a duration and an int");
            kind = a.kind;
            ok = op.code == ExprOp::kAdd ? sim::checked_add(a.bits, b.bits, &r)
                                         : !__builtin_sub_overflow(a.bits, b.bits, &r);
            break;
          case ExprOp::kMul:
            if (ad && bd) return type_error("cannot multiply two durations");
            kind = (ad || bd) ? ValueKind::kDuration : ValueKind::kInt;
            ok = sim::checked_mul(a.bits, b.bits, &r);
            break;
          case ExprOp::kMin:
          case ExprOp::kMax:
            if (ad != bd) return type_error("min/max of a duration and an int");
            kind = a.kind;
            r = op.code == ExprOp::kMin ? std::min(a.bits, b.bits) : std::max(a.bits, b.bits);
            break;
          default:  // kDiv, kMod
            if (!ad && bd) return type_error("cannot divide an int by a duration");
            if (b.bits == 0) {
              *exc = ctx.store.make_exception("ZeroDivisionError", "division by zero in \"" + e.text + "\"");
              return false;
            }
            if (a.bits == std::numeric_limits<std::int64_t>::min() && b.bits == -1) return overflow();
            kind = (ad && !bd) || (op.code == ExprOp::kMod && ad) ? ValueKind::kDuration : ValueKind::kInt;
            // Python semantics: floor division and a remainder with the divisor's sign.
            r = a.bits / b.bits;
            if (op.code == ExprOp::kDiv) {
              if ((a.bits % b.bits != 0) && ((a.bits < 0) != (b.bits < 0))) --r;
            } else {
              r = a.bits % b.bits;
              if (r != 0 && ((r < 0) != (b.bits < 0))) r += b.bits;
            }
            break;
        }
        if (!ok) return overflow();
        a = Value{kind, r};
        break;
      }
    }
  }
  *out = stack[0];
  return true;
}

}  // namespace

bool eval_expr(const Expr& e, const EvalContext& ctx, Value* out, Value* exc) {
  // Most expressions are a single constant or variable (a step's duration,
  // a loop bound): no evaluation stack for those.
  if (e.code.size() == 1) {
    const ExprOp& op = e.code[0];
    if (op.code == ExprOp::kConst) {
      *out = e.constants[op.operand];
      return true;
    }
    if (op.code == ExprOp::kLocal && ctx.locals[op.operand].kind != ValueKind::kUnset) {
      *out = ctx.locals[op.operand];
      return true;
    }
  }
  if (e.chain && eval_chain(e, ctx, out)) return true;
  return eval_stack(e, ctx, out, exc);
}

bool eval_template(const Template& t, const EvalContext& ctx, std::string* out, Value* exc) {
  out->clear();
  for (std::size_t i = 0; i < t.holes.size(); ++i) {
    *out += t.literals[i];
    Value v;
    if (!eval_expr(t.holes[i], ctx, &v, exc)) return false;
    *out += ctx.store.format(v, ctx.namer);
  }
  *out += t.literals.back();
  return true;
}

}  // namespace concsim::models
