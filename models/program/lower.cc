// The program tree as Python (lower.h). One pass over the tree writes the
// program text: a header, the runtime of the step language's values, the
// exception classes, shared variables and sync objects, then one Python
// function per function of the tree (and one per inline task body and per
// function an executor job runs), then asyncio.run(main()).
#include "models/program/lower.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "models/program/expr.h"

namespace concsim::models {

std::string_view steps_runtime_source();  // steps_runtime.py, embedded by CMake

namespace {

struct Failure {
  SourceRef at;
  std::string message;
};

[[noreturn]] void fail(const SourceRef& at, std::string message) { throw Failure{at, std::move(message)}; }

// ---- names ----

// Names the generated code uses itself (its imports, the runtime's public
// names and the builtins the runtime calls) and Python's keywords.
const std::set<std::string, std::less<>>& reserved_names() {
  static const std::set<std::string, std::less<>> names{
      "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
      "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
      "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
      "asyncio", "time", "cpu", "io", "ns", "exponential", "uniform", "normal", "lognormal", "empirical",
      "Duration", "main", "print", "range", "isinstance", "str", "len", "ord", "zip", "divmod", "abs",
      "round", "list", "type", "int", "bool", "BaseException", "Exception", "OverflowError", "TypeError",
      "ValueError", "ZeroDivisionError", "TimeoutError", "NameError", "RuntimeError"};
  return names;
}

// The step language keeps variables, functions, sync objects and exception
// types apart; Python has one namespace. Each name of the program gets a
// Python name of its own: its own where nothing else is called so, else its
// own with a suffix ("_fn", "_sync", "_error", or "_" for a variable whose
// name is reserved; "v" in front of a name starting with "_", which is the
// runtime's), never one the program or the runtime uses for something else.
class Names {
 public:
  void add_variable(const std::string& n) { add(variables_, n); }
  void add_function(const std::string& n) { add(functions_, n); }
  void add_sync(const std::string& n) { add(syncs_, n); }
  void add_exception(const std::string& n) { add(exceptions_, n); }

  // Once every name is added: the Python names.
  void assign() {
    for (const std::string& v : variables_) {
      py_var_[v] = ok(v, {}) ? v : unique(v[0] == '_' ? "v" + v : v + "_");
    }
    for (const std::string& f : functions_) {
      py_fn_[f] = f == "main" ? "main" : ok(f, {&variables_, &syncs_, &exceptions_}) ? f : unique(f + "_fn");
    }
    for (const std::string& y : syncs_) py_sync_[y] = ok(y, {&variables_, &exceptions_}) ? y : unique(y + "_sync");
    for (const std::string& e : exceptions_) py_exc_[e] = ok(e, {&variables_}) ? e : unique(e + "_error");
  }

  [[nodiscard]] const std::string& var(const std::string& n) const { return py_var_.at(n); }
  [[nodiscard]] const std::string& fn(const std::string& n) const { return py_fn_.at(n); }
  [[nodiscard]] const std::string& sync(const std::string& n) const { return py_sync_.at(n); }
  [[nodiscard]] const std::string& exception(const std::string& n) const { return py_exc_.at(n); }
  // A name for a generated function (a thread variant of a function).
  std::string unique(std::string base) {
    while (reserved_names().count(base) != 0 || all_.count(base) != 0 || taken_.count(base) != 0) base += "_";
    taken_.insert(base);
    return base;
  }

 private:
  void add(std::set<std::string>& to, const std::string& n) {
    to.insert(n);
    all_.insert(n);
  }
  bool ok(const std::string& n, std::initializer_list<const std::set<std::string>*> others) {
    if (n.empty() || n[0] == '_' || reserved_names().count(n) != 0 || taken_.count(n) != 0) return false;
    for (const auto* o : others) {
      if (o->count(n) != 0) return false;
    }
    taken_.insert(n);
    return true;
  }

  std::set<std::string> variables_, functions_, syncs_, exceptions_;
  std::set<std::string> all_;    // every name of the program
  std::set<std::string> taken_;  // the Python names given so far
  std::map<std::string, std::string> py_var_, py_fn_, py_sync_, py_exc_;
};

// A Python string literal for any UTF-8 text.
std::string py_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

// Whole nanoseconds as an exact decimal number of seconds ("1.5", "0.00025").
std::string seconds_literal(std::int64_t ns) {
  std::string out = ns < 0 ? "-" : "";
  const unsigned long long mag = ns < 0 ? 0ULL - static_cast<unsigned long long>(ns) : static_cast<unsigned long long>(ns);
  out += std::to_string(mag / 1'000'000'000ULL);
  unsigned long long frac = mag % 1'000'000'000ULL;
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 9 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out;
}

// A double as the shortest text that reads back as the same double.
std::string float_literal(double v) {
  std::array<char, 64> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), r.ptr);
}

// ---- expressions ----

// Whether a Python expression is a non-negative integer literal.
bool digits(const std::string& e) {
  return !e.empty() && std::all_of(e.begin(), e.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// An expression of the step language as Python. The step interpreter's own
// parser (expr.h) reads it; its postfix code is then written back as nested
// calls of the runtime's helpers (`a + b` is `_add(a, b)`), and `and`/`or`,
// whose code jumps over the right operand, as Python's.
std::string py_expr(const std::string& text, const SourceRef& at, const Names& py) {
  Store store;
  std::vector<std::string> names;  // the slot the parser was given -> the name
  const NameResolver resolve = [&names](std::string_view name) -> std::optional<VarRef> {
    names.emplace_back(name);
    return VarRef{false, static_cast<std::uint32_t>(names.size() - 1)};
  };
  ExprError error;
  const std::optional<Expr> e = parse_expr(text, store, resolve, &error);
  if (!e) fail(at, "cannot lower the expression \"" + text + "\": " + error.message);

  std::vector<std::string> stack;
  std::vector<std::pair<std::uint32_t, const char*>> joins;  // (where the right operand ends, "and"/"or")
  auto pop = [&stack] {
    std::string v = std::move(stack.back());
    stack.pop_back();
    return v;
  };
  auto call2 = [&](const char* fn) {
    std::string b = pop();
    std::string a = pop();
    stack.push_back(std::string(fn) + "(" + a + ", " + b + ")");
  };
  auto call1 = [&](const char* fn) { stack.push_back(std::string(fn) + "(" + pop() + ")"); };
  for (std::uint32_t pc = 0; pc <= e->code.size(); ++pc) {
    while (!joins.empty() && joins.back().first == pc) {
      std::string b = pop();
      std::string a = pop();
      stack.push_back("(" + a + " " + joins.back().second + " " + b + ")");
      joins.pop_back();
    }
    if (pc == e->code.size()) break;
    const ExprOp& op = e->code[pc];
    switch (op.code) {
      case ExprOp::kConst: {
        const Value v = e->constants[op.operand];
        switch (v.kind) {
          case ValueKind::kInt: stack.push_back(std::to_string(v.bits)); break;
          case ValueKind::kDuration: stack.push_back("Duration(" + std::to_string(v.bits) + ")"); break;
          case ValueKind::kString: stack.push_back(py_string(store.str(v.index()))); break;
          case ValueKind::kBool: stack.emplace_back(v.bits != 0 ? "True" : "False"); break;
          case ValueKind::kNull: stack.emplace_back("None"); break;
          default: fail(at, "cannot lower the expression \"" + text + "\"");
        }
        break;
      }
      case ExprOp::kLocal:
      case ExprOp::kShared: stack.push_back(py.var(names.at(op.operand))); break;
      case ExprOp::kNeg:
        // A negative integer literal reads as one (no overflow: its
        // magnitude fits, since the parser took it as a positive int).
        if (digits(stack.back())) {
          stack.back() = "-" + stack.back();
        } else {
          call1("_neg");
        }
        break;
      case ExprOp::kNot: stack.push_back("(not " + pop() + ")"); break;
      case ExprOp::kAdd: call2("_add"); break;
      case ExprOp::kSub: call2("_sub"); break;
      case ExprOp::kMul: call2("_mul"); break;
      case ExprOp::kDiv: call2("_div"); break;
      case ExprOp::kMod: call2("_mod"); break;
      case ExprOp::kEq: call2("_eq"); break;
      case ExprOp::kNe: call2("_eq"); stack.back() = "(not " + stack.back() + ")"; break;
      case ExprOp::kLt: call2("_lt"); break;
      case ExprOp::kLe: call2("_le"); break;
      case ExprOp::kGt: call2("_gt"); break;
      case ExprOp::kGe: call2("_ge"); break;
      case ExprOp::kAndJump: joins.emplace_back(op.operand, "and"); break;
      case ExprOp::kOrJump: joins.emplace_back(op.operand, "or"); break;
      case ExprOp::kLen: call1("_len"); break;
      case ExprOp::kStr: call1("_str"); break;
      case ExprOp::kMin: call2("_min"); break;
      case ExprOp::kMax: call2("_max"); break;
      case ExprOp::kAbs: call1("_abs"); break;
      case ExprOp::kAppend: call2("_append"); break;
      case ExprOp::kEmptyList: stack.emplace_back("[]"); break;
      case ExprOp::kNow: stack.emplace_back("_now()"); break;
    }
  }
  if (stack.size() != 1) fail(at, "cannot lower the expression \"" + text + "\"");
  return std::move(stack.back());
}

// The same without the parentheses around an outermost and/or/not, where
// the expression stands alone (an assignment, a condition, a return).
std::string bare(std::string e) {
  if (e.size() > 2 && e.front() == '(' && e.back() == ')') {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i + 1 < e.size(); ++i) {
      const char c = e[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
        continue;
      }
      if (c == '"') in_string = true;
      if (c == '(') ++depth;
      if (c == ')' && --depth == 0) return e;  // "(a) or (b)": not one group
    }
    return e.substr(1, e.size() - 2);
  }
  return e;
}

// A template ("request {id} took {elapsed}") as a Python expression of a str.
std::string py_template(const std::string& text, const SourceRef& at, const Names& py) {
  TemplateText t;
  ExprError error;
  if (!split_template(text, &t, &error)) fail(at, error.message);
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < t.literals.size(); ++k) {
    if (!t.literals[k].empty()) parts.push_back(py_string(t.literals[k]));
    if (k < t.holes.size()) parts.push_back("_fmt(" + bare(py_expr(std::string(t.holes[k]), at, py)) + ")");
  }
  if (parts.empty()) parts.push_back(py_string(""));
  std::string out;
  for (std::size_t k = 0; k < parts.size(); ++k) out += (k == 0 ? "" : " + ") + parts[k];
  return out;
}

// Exception types the runtime raises itself, and the two the step language
// treats as Python does: these stay Python's own classes. Every other type a
// program names becomes a class of its own, because the step language
// matches exception types by name only (`except: LookupError` does not catch
// a KeyError there).
bool builtin_exception(std::string_view t) {
  static constexpr std::array<std::string_view, 9> kTypes{
      "Exception", "BaseException", "TimeoutError", "TypeError", "ValueError", "ZeroDivisionError",
      "OverflowError", "NameError", "RuntimeError"};
  return std::find(kTypes.begin(), kTypes.end(), t) != kTypes.end();
}


// ---- the program ----

enum class Mode : std::uint8_t { kAsync, kThread };

struct PyFunction {
  std::string name;          // the Python name
  std::string step_name;     // the tree's name (for default task names)
  std::vector<std::string> params;
  const Steps* steps = nullptr;
  Mode mode = Mode::kAsync;
  bool is_main = false;
  SourceRef at;
};

class Lowerer {
 public:
  Lowerer(const ProgramAst& ast, bool exact) : ast_(ast), exact_(exact) {
    for (const SharedDef& s : ast.shared) {
      shared_.insert(s.name);
      names_.add_variable(s.name);
    }
    for (const SyncDef& s : ast.sync) names_.add_sync(s.name);
    for (const FunctionDef& f : ast.functions) {
      functions_.emplace(f.name, &f);
      names_.add_function(f.name);
      for (const std::string& p : f.params) names_.add_variable(p);
      collect_names(f.steps);
    }
    names_.assign();
  }

  std::string run(const LowerOptions& options) {
    for (const FunctionDef& f : ast_.functions) {
      PyFunction fn;
      fn.name = names_.fn(f.name);
      fn.step_name = f.name;
      fn.params = f.params;
      fn.steps = &f.steps;
      fn.is_main = f.name == "main";
      fn.at = f.at;
      queue_.push_back(fn);
    }
    std::string body;
    while (!queue_.empty()) {
      PyFunction fn = queue_.front();
      queue_.pop_front();
      body += "\n\n" + function(fn);
    }

    std::string out;
    out += "# " + options.title + "\n";
    out += "# The program of the YAML file as Python, step by step: `concsim run` on\n"
           "# this file runs it on the same models, and CPython runs it too (with\n"
           "# concsim.py, from the concsim sources' tools/python, importable).\n";
    for (const std::string& note : options.notes) out += "# " + note + "\n";
    out += "import asyncio\nimport time\n\n";
    out += exact_ ? "from concsim import cpu, io, ns" : "from concsim import cpu, io";
    for (const std::string& d : distributions_) out += ", " + d;
    out += "\n";
    // The program first: shared variables and sync objects, the functions;
    // then what the step language needs of Python (its values, its
    // exception classes), then the run.
    if (!ast_.shared.empty()) {
      out += "\n# shared\n";
      for (const SharedDef& s : ast_.shared) out += names_.var(s.name) + " = " + bare(py_expr(s.initial, s.at, names_)) + "\n";
    }
    if (!ast_.sync.empty()) {
      out += "\n# sync\n";
      for (const SyncDef& s : ast_.sync) {
        out += names_.sync(s.name) + " = ";
        switch (s.kind) {
          case SyncKind::kSemaphore: out += "asyncio.Semaphore(" + std::to_string(s.value) + ")"; break;
          case SyncKind::kBoundedSemaphore: out += "asyncio.BoundedSemaphore(" + std::to_string(s.value) + ")"; break;
          case SyncKind::kLock: out += "asyncio.Lock()"; break;
          case SyncKind::kEvent: out += "asyncio.Event()"; break;
          case SyncKind::kQueue:
            out += s.value == 0 ? "asyncio.Queue()" : "asyncio.Queue(maxsize=" + std::to_string(s.value) + ")";
            break;
        }
        out += "\n";
      }
    }
    out += body;
    out += "\n\n" + std::string(steps_runtime_source());
    std::vector<std::string> own_types;
    for (const std::string& t : exception_types_) {
      if (t != "CancelledError" && !builtin_exception(t)) own_types.push_back(t);
    }
    if (!own_types.empty()) {
      out += "\n\n# The step language matches exception types by name: each type the program\n"
             "# names is a class of its own.\n";
      for (std::size_t i = 0; i < own_types.size(); ++i) {
        const std::string& t = own_types[i];
        const std::string& c = names_.exception(t);
        out += std::string(i == 0 ? "" : "\n\n") + "class " + c + "(Exception):\n    pass\n";
        if (c != t) out += "\n\n" + c + ".__name__ = " + c + ".__qualname__ = " + py_string(t) + "\n";
      }
    }
    out += "\n\nasyncio.run(main())\n";
    return out;
  }

 private:
  // ---- one function ----

  std::string function(const PyFunction& fn) {
    fn_ = &fn;
    lines_.clear();
    temp_ = 0;
    const bool async = fn.mode == Mode::kAsync;
    std::string params;
    for (std::size_t i = 0; i < fn.params.size(); ++i) params += (i == 0 ? "" : ", ") + names_.var(fn.params[i]);
    line(0, std::string(async ? "async def " : "def ") + fn.name + "(" + params + "):");
    std::vector<std::string> written;
    collect_assigned(*fn.steps, written);
    const std::set<std::string> assigned(written.begin(), written.end());
    std::string globals;
    for (const std::string& n : assigned) {
      // A parameter of the shared variable's name hides it, as in the step language.
      const bool param = std::find(fn.params.begin(), fn.params.end(), n) != fn.params.end();
      if (shared_.count(n) != 0 && !param) globals += (globals.empty() ? "" : ", ") + names_.var(n);
    }
    if (!globals.empty()) line(1, "global " + globals);
    // asyncio.run() names its task Task-1; the step language calls it main.
    if (fn.is_main) line(1, "asyncio.current_task().set_name(\"main\")");
    steps(*fn.steps, 1);
    if (fn.steps->empty() && globals.empty() && !fn.is_main) line(1, "pass");
    std::string out;
    for (const std::string& l : lines_) out += l + "\n";
    return out;
  }

  void line(int indent, const std::string& text) { lines_.push_back(std::string(4 * indent, ' ') + text); }

  // `head` + the items, comma-separated, + `tail`: on one line when it fits
  // in 99 columns, else one item per line, as black would write it.
  void wrapped(int indent, const std::string& head, const std::vector<std::string>& items, const std::string& tail) {
    const std::string one = head + join(items) + tail;
    if (4 * static_cast<std::size_t>(indent) + one.size() <= 99 || items.empty()) {
      line(indent, one);
      return;
    }
    line(indent, head);
    for (const std::string& item : items) line(indent + 1, item + ",");
    line(indent, tail);
  }

  std::string temp(std::string_view base) { return "_" + std::string(base) + std::to_string(++temp_); }

  void steps(const Steps& ss, int indent) {
    for (const Step& s : ss) step(s, indent);
  }
  // A block: its steps, or `pass` when it has none.
  void block(const Steps& ss, int indent) {
    const std::size_t before = lines_.size();
    steps(ss, indent);
    if (lines_.size() == before) line(indent, "pass");
  }

  std::string assign(const std::string& into, const std::string& value) {
    return into.empty() ? value : names_.var(into) + " = " + value;
  }

  bool async() const { return fn_->mode == Mode::kAsync; }

  // ---- durations ----

  // A duration operand of sleep, io, cpu, block or a timeout (exact if asked).
  std::string wait_time(const DurationSpec& d) {
    if (!exact_) return seconds(d);
    switch (d.kind) {
      case DurationSpec::Kind::kConstant: return "ns(" + std::to_string(d.constant) + ")";
      case DurationSpec::Kind::kExpression: return "_exact(" + py_expr(d.expression, d.at, names_) + ")";
      case DurationSpec::Kind::kDistribution: return "_exact_seconds(" + seconds(d) + ")";
    }
    return seconds(d);
  }

  // A duration operand in float seconds.
  std::string seconds(const DurationSpec& d) {
    switch (d.kind) {
      case DurationSpec::Kind::kConstant: return seconds_literal(d.constant);
      case DurationSpec::Kind::kExpression: return "_sec(" + py_expr(d.expression, d.at, names_) + ")";
      case DurationSpec::Kind::kDistribution: break;
    }
    const sim::Distribution& dist = d.distribution;
    auto s = [](double ns) { return float_literal(ns / 1e9); };
    auto use = [this](const char* name) {
      if (std::find(distributions_.begin(), distributions_.end(), name) == distributions_.end()) {
        distributions_.emplace_back(name);
      }
    };
    switch (dist.kind()) {
      case sim::Distribution::Kind::kConstant: return s(dist.param_a());
      case sim::Distribution::Kind::kUniform: use("uniform"); return "uniform(" + s(dist.param_a()) + ", " + s(dist.param_b()) + ")";
      case sim::Distribution::Kind::kExponential: use("exponential"); return "exponential(" + s(dist.param_a()) + ")";
      case sim::Distribution::Kind::kNormal: use("normal"); return "normal(" + s(dist.param_a()) + ", " + s(dist.param_b()) + ")";
      case sim::Distribution::Kind::kLognormal:
        use("lognormal");
        return "lognormal(" + s(std::exp(dist.param_a())) + ", " + float_literal(dist.param_b()) + ")";
      case sim::Distribution::Kind::kEmpirical: {
        use("empirical");
        std::string values;
        std::string weights;
        double last = 0;
        for (std::size_t i = 0; i < dist.values().size(); ++i) {
          values += (i == 0 ? "" : ", ") + s(dist.values()[i]);
          weights += (i == 0 ? "" : ", ") + float_literal(dist.cumulative_weights()[i] - last);
          last = dist.cumulative_weights()[i];
        }
        return "empirical([" + values + "], [" + weights + "])";
      }
    }
    fail(d.at, "cannot lower this distribution");
  }

  // ---- tasks ----

  // A call of a function of the tree, or of an inline body (which becomes a
  // function of its own), in the mode given: the Python name, and each
  // argument as (parameter, value) in the parameters' order.
  struct CallText {
    std::string fn;
    std::vector<std::pair<std::string, std::string>> args;

    [[nodiscard]] std::string keywords() const {
      std::string out = fn + "(";
      for (std::size_t i = 0; i < args.size(); ++i) out += (i == 0 ? "" : ", ") + args[i].first + "=" + args[i].second;
      return out + ")";
    }
    [[nodiscard]] std::string positional() const {
      std::string out;
      for (const auto& a : args) out += ", " + a.second;
      return out;
    }
  };

  std::string arg_value(const TaskSpec& t, std::size_t i) {
    return py_expr(t.args[i].second, t.arg_at.size() > i ? t.arg_at[i] : t.at, names_);
  }

  CallText call(const TaskSpec& t, Mode mode) {
    CallText c;
    if (!t.function.empty()) {
      const auto it = functions_.find(t.function);
      if (it == functions_.end()) fail(t.at, "unknown function \"" + t.function + "\"");
      const FunctionDef& f = *it->second;
      for (const std::string& param : f.params) {
        for (std::size_t i = 0; i < t.args.size(); ++i) {
          if (t.args[i].first == param) c.args.emplace_back(names_.var(param), arg_value(t, i));
        }
      }
      c.fn = function_name(f, mode);
      return c;
    }
    PyFunction fn;
    fn.step_name = t.name.empty() ? fn_->step_name + ".task" : t.name;
    fn.name = "_" + py_identifier(fn_->step_name) + "_" + (mode == Mode::kThread ? "job" : "task") +
              std::to_string(++inline_);
    for (const auto& [param, _] : t.args) fn.params.push_back(param);
    fn.steps = &t.steps;
    fn.mode = mode;
    fn.at = t.at;
    queue_.push_back(fn);
    for (std::size_t i = 0; i < t.args.size(); ++i) c.args.emplace_back(names_.var(t.args[i].first), arg_value(t, i));
    c.fn = fn.name;
    return c;
  }

  static std::string py_identifier(std::string_view s) {
    std::string out;
    for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
  }

  // The Python name of a tree's function called in `mode`: its thread
  // variant (for an executor job) is written once, when first used.
  std::string function_name(const FunctionDef& f, Mode mode) {
    if (mode == Mode::kAsync) return names_.fn(f.name);
    const auto known = thread_variants_.find(f.name);
    if (known != thread_variants_.end()) return known->second;
    const std::string name = names_.unique(names_.fn(f.name) + "_in_thread");
    thread_variants_.emplace(f.name, name);
    {
      PyFunction fn;
      fn.name = name;
      fn.step_name = f.name;
      fn.params = f.params;
      fn.steps = &f.steps;
      fn.mode = Mode::kThread;
      fn.at = f.at;
      queue_.push_back(fn);
    }
    return name;
  }

  // asyncio.create_task(...) for a spec that starts a task.
  std::string create_task(const TaskSpec& t) {
    std::string name;
    if (!t.name.empty()) {
      name = py_template(t.name, t.at, names_);
    } else {
      name = py_string(t.function.empty() ? fn_->step_name + ".task" : t.function);
    }
    return "asyncio.create_task(" + call(t, Mode::kAsync).keywords() + ", name=" + name + ")";
  }

  // The operands of gather/wait/as_completed, as Python arguments: each
  // spec's task in argument order. Specs with `count` start their tasks in a
  // loop first (so that the index variable is assigned as in the tree); a
  // reference after a spec that starts a task is read after every task has
  // started, as the step interpreter does.
  std::vector<std::string> task_operands(const std::vector<TaskSpec>& tasks, int indent) {
    bool hoist = false;
    bool started = false;
    for (const TaskSpec& t : tasks) {
      if (!t.ref.empty() && started) hoist = true;
      if (t.ref.empty()) started = true;
      if (!t.count.empty()) hoist = true;
    }
    std::vector<std::string> out;
    for (const TaskSpec& t : tasks) {
      if (!t.ref.empty()) {
        out.push_back("*_tasks(" + py_expr(t.ref, t.at, names_) + ")");
        continue;
      }
      if (!t.count.empty()) {
        const std::string list = temp("tasks");
        line(indent, list + " = []");
        const std::string index = t.index_var.empty() ? "_" : names_.var(t.index_var);
        line(indent, "for " + index + " in range(" + count_expr(t.count, t.count_at) + "):");
        line(indent + 1, list + ".append(" + create_task(t) + ")");
        out.push_back("*" + list);
        continue;
      }
      if (hoist) {
        const std::string one = temp("task");
        line(indent, one + " = " + create_task(t));
        out.push_back(one);
      } else {
        out.push_back(create_task(t));
      }
    }
    return out;
  }

  // A repeat's times, an async_for's items, a spec's count: a literal as
  // it is, else checked at run time.
  std::string count_expr(const std::string& text, const SourceRef& at) {
    const std::string e = bare(py_expr(text, at, names_));
    if (digits(e)) {
      return e;
    }
    return "_count(" + e + ")";
  }

  // Every name the steps use: variables, and exception types.
  void collect_names(const Steps& ss) {
    std::vector<std::string> assigned;
    collect_assigned(ss, assigned);
    for (const std::string& n : assigned) names_.add_variable(n);
    for (const Step& s : ss) {
      if (s.kind == StepKind::kRaise) names_.add_exception(s.text);
      for (const ExceptClause& e : s.excepts) {
        for (const std::string& t : e.types) names_.add_exception(t);
        collect_names(e.steps);
      }
      for (const TaskSpec& t : s.tasks) {
        for (const auto& [param, _] : t.args) names_.add_variable(param);
        collect_names(t.steps);
      }
      collect_names(s.body);
      collect_names(s.else_body);
      collect_names(s.exit_body);
      collect_names(s.finally_body);
    }
  }

  std::string exception_class(const std::string& t) const {
    if (t == "CancelledError") return "asyncio.CancelledError";
    if (builtin_exception(t)) return t;
    return names_.exception(t);
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : ", ") + items[i];
    return out;
  }

  // ---- steps ----

  void no_thread(const Step& s, const char* what) {
    if (!async()) fail(s.at, std::string(what) + " cannot run in an executor job");
  }

  void step(const Step& s, int in) {
    switch (s.kind) {
      case StepKind::kCpu: line(in, "cpu(" + wait_time(s.duration) + ")"); return;
      case StepKind::kBlock: line(in, "time.sleep(" + wait_time(s.duration) + ")"); return;
      case StepKind::kSleep:
      case StepKind::kIo:
        if (!async()) {
          // A worker thread has no loop: its sleep and I/O block it.
          line(in, "time.sleep(" + wait_time(s.duration) + ")");
        } else {
          line(in, std::string(s.kind == StepKind::kSleep ? "await asyncio.sleep(" : "await io(") + wait_time(s.duration) + ")");
        }
        return;
      case StepKind::kYield:
        line(in, async() ? "await asyncio.sleep(0)" : "pass  # yield: a worker thread has nothing to yield to");
        return;
      case StepKind::kLog: line(in, "print(" + py_template(s.text, s.at, names_) + ")"); return;
      case StepKind::kSet:
        for (std::size_t i = 0; i < s.assignments.size(); ++i) {
          const SourceRef& at = s.assignment_at.size() > i ? s.assignment_at[i] : s.at;
          line(in, names_.var(s.assignments[i].first) + " = " + bare(py_expr(s.assignments[i].second, at, names_)));
        }
        return;
      case StepKind::kReturn: line(in, s.expr.empty() ? "return" : "return " + bare(py_expr(s.expr, s.expr_at, names_))); return;
      case StepKind::kRaise:
        exception_types_.insert(s.text);
        line(in, "raise " + exception_class(s.text) + "(" + (s.message.empty() ? "" : py_template(s.message, s.at, names_)) + ")");
        return;
      case StepKind::kReraise: line(in, "raise"); return;
      case StepKind::kCall: {
        const Mode mode = fn_->mode;
        line(in, assign(s.into, std::string(async() ? "await " : "") + call(s.tasks.at(0), mode).keywords()));
        return;
      }
      case StepKind::kSpawn:
        no_thread(s, "spawn");
        line(in, assign(s.into, create_task(s.tasks.at(0))));
        return;
      case StepKind::kAwait:
        no_thread(s, "await");
        line(in, assign(s.into, "await " + py_expr(s.expr, s.expr_at, names_)));
        return;
      case StepKind::kGather: {
        no_thread(s, "gather");
        std::vector<std::string> args = task_operands(s.tasks, in);
        if (s.return_exceptions) args.emplace_back("return_exceptions=True");
        wrapped(in, assign(s.into, "await asyncio.gather("), args, ")");
        return;
      }
      case StepKind::kWait: {
        no_thread(s, "wait");
        const std::string tasks = temp("tasks");
        wrapped(in, tasks + " = [", task_operands(s.tasks, in), "]");
        std::string call = "await asyncio.wait(" + tasks;
        if (s.has_timeout) call += ", timeout=" + wait_time(s.duration);
        if (s.return_when == ReturnWhen::kFirstCompleted) call += ", return_when=asyncio.FIRST_COMPLETED";
        if (s.return_when == ReturnWhen::kFirstException) call += ", return_when=asyncio.FIRST_EXCEPTION";
        const std::string done = temp("done");
        line(in, done + ", _ = " + call + ")");
        // Lists in the order the tasks were given, as the step language's.
        if (!s.done.empty()) line(in, names_.var(s.done) + " = [t for t in " + tasks + " if t in " + done + "]");
        if (!s.pending.empty()) line(in, names_.var(s.pending) + " = [t for t in " + tasks + " if t not in " + done + "]");
        return;
      }
      case StepKind::kAsCompleted: {
        no_thread(s, "as_completed");
        const std::vector<std::string> tasks = task_operands(s.tasks, in);
        const std::string aw = temp("next");
        wrapped(in, "for " + aw + " in asyncio.as_completed([", tasks, "]):");
        line(in + 1, assign(s.as, "await " + aw));
        steps(s.body, in + 1);
        return;
      }
      case StepKind::kWaitFor: {
        no_thread(s, "wait_for");
        const TaskSpec& t = s.tasks.at(0);
        const std::string task = !t.ref.empty() ? py_expr(t.ref, t.at, names_) : create_task(t);
        wrapped(in, assign(s.into, "await asyncio.wait_for("), {task, wait_time(s.duration)}, ")");
        return;
      }
      case StepKind::kCancel: line(in, "_cancel(" + py_expr(s.expr, s.expr_at, names_) + ")"); return;
      case StepKind::kAcquire: no_thread(s, "acquire"); line(in, "await " + names_.sync(s.text) + ".acquire()"); return;
      case StepKind::kRelease: line(in, names_.sync(s.text) + ".release()"); return;
      case StepKind::kEventSet: line(in, names_.sync(s.text) + ".set()"); return;
      case StepKind::kEventClear: line(in, names_.sync(s.text) + ".clear()"); return;
      case StepKind::kEventWait: no_thread(s, "wait_event"); line(in, "await " + names_.sync(s.text) + ".wait()"); return;
      case StepKind::kQueuePut:
        no_thread(s, "put");
        line(in, "await " + names_.sync(s.text) + ".put(" + py_expr(s.expr, s.expr_at, names_) + ")");
        return;
      case StepKind::kQueueGet: no_thread(s, "get"); line(in, assign(s.into, "await " + names_.sync(s.text) + ".get()")); return;
      case StepKind::kQueueTaskDone: line(in, names_.sync(s.text) + ".task_done()"); return;
      case StepKind::kQueueJoin: no_thread(s, "join"); line(in, "await " + names_.sync(s.text) + ".join()"); return;
      case StepKind::kAsyncWith:
        no_thread(s, "async_with");
        if (!s.text.empty()) {
          line(in, "async with " + names_.sync(s.text) + ":");
          block(s.body, in + 1);
          return;
        }
        // async with an object whose __aenter__ and __aexit__ are these steps.
        steps(s.else_body, in);
        line(in, "try:");
        block(s.body, in + 1);
        line(in, "finally:");
        block(s.exit_body, in + 1);
        return;
      case StepKind::kAsyncFor:
      case StepKind::kRepeat: {
        const std::string var = s.as.empty() ? "_" : names_.var(s.as);
        const std::string count = count_expr(s.expr, s.expr_at);
        std::size_t before;
        if (s.kind == StepKind::kAsyncFor && !s.else_body.empty()) {
          // async for: __anext__ (the fetch steps) runs, then the name is bound.
          const std::string round = temp("round");
          line(in, "for " + round + " in range(" + count + "):");
          before = lines_.size();
          steps(s.else_body, in + 1);
          if (!s.as.empty()) line(in + 1, var + " = " + round);
        } else {
          line(in, "for " + var + " in range(" + count + "):");
          before = lines_.size();
        }
        steps(s.body, in + 1);
        if (lines_.size() == before) line(in + 1, "pass");
        return;
      }
      case StepKind::kLoop:
        line(in, "while True:");
        block(s.body, in + 1);
        return;
      case StepKind::kWhile:
        line(in, "while " + bare(py_expr(s.expr, s.expr_at, names_)) + ":");
        block(s.body, in + 1);
        return;
      case StepKind::kIf:
        line(in, "if " + bare(py_expr(s.expr, s.expr_at, names_)) + ":");
        block(s.body, in + 1);
        if (!s.else_body.empty()) {
          line(in, "else:");
          block(s.else_body, in + 1);
        }
        return;
      case StepKind::kBreak: line(in, "break"); return;
      case StepKind::kContinue: line(in, "continue"); return;
      case StepKind::kTry: {
        line(in, "try:");
        block(s.body, in + 1);
        for (const ExceptClause& e : s.excepts) {
          std::string types;
          for (const std::string& t : e.types) {
            exception_types_.insert(t);
            types += (types.empty() ? "" : ", ") + exception_class(t);
          }
          if (e.types.empty()) types = "BaseException";
          if (e.types.size() > 1) types = "(" + types + ")";
          if (e.as.empty()) {
            line(in, "except " + types + ":");
            block(e.steps, in + 1);
          } else {
            // Python unbinds `as` names after the clause; the step language
            // keeps the variable.
            const std::string caught = temp("exc");
            line(in, "except " + types + " as " + caught + ":");
            line(in + 1, names_.var(e.as) + " = " + caught);
            steps(e.steps, in + 1);
          }
        }
        if (s.has_finally) {
          line(in, "finally:");
          block(s.finally_body, in + 1);
        }
        return;
      }
      case StepKind::kExecutor: {
        no_thread(s, "run_in_executor");
        const TaskSpec& t = s.tasks.at(0);
        // run_in_executor passes arguments by position.
        const CallText c = call(t, Mode::kThread);
        line(in, assign(s.into, "await asyncio.get_running_loop().run_in_executor(None, " + c.fn + c.positional() + ")"));
        return;
      }
      case StepKind::kArrive:
      case StepKind::kRequestDone:
      case StepKind::kDraw:
      case StepKind::kStream:
        fail(s.at,
             "a server workload's connection loop cannot be lowered to Python; write the handler in "
             "Python instead (handler: {python: FILE, function: NAME})");
    }
    fail(s.at, "cannot lower this step");
  }

  const ProgramAst& ast_;
  const bool exact_;
  std::set<std::string> shared_;
  std::map<std::string, const FunctionDef*> functions_;
  std::deque<PyFunction> queue_;
  std::map<std::string, std::string> thread_variants_;  // function -> its thread variant's name
  Names names_;
  std::set<std::string> exception_types_;
  std::vector<std::string> distributions_;
  std::vector<std::string> lines_;
  const PyFunction* fn_ = nullptr;
  int temp_ = 0;
  int inline_ = 0;
};

}  // namespace

bool lower_to_python(const ProgramAst& ast, const LowerOptions& options, std::string* out, CompileError* error) {
  try {
    *out = Lowerer(ast, options.exact).run(options);
    return true;
  } catch (const Failure& f) {
    if (error != nullptr) *error = CompileError{f.at, f.message};
    return false;
  }
}

}  // namespace concsim::models
