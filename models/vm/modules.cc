// Imports, and the modules the VM provides itself: sys, math and typing.
// The model provides the modules whose behaviour is the model's (asyncio,
// threading, time, concsim: Host::import_module); anything else is outside
// concsim's subset and says so.
#include <cmath>
#include <limits>
#include <string>

#include "models/vm/interp.h"
#include "models/vm/ops.h"
#include "models/vm/random.h"

namespace concsim::vm {

namespace {

bool one_number(Vm& vm, CallArgs& a, const char* name, double* out) {
  if (a.nargs != 1) {
    vm.raise(vm.b().TypeError, std::string("math.") + name + "() takes exactly one argument (" +
                                   std::to_string(a.nargs) + " given)");
    return false;
  }
  Value f = to_float(vm, a.args[0]);
  if (f.is_error()) return false;
  *out = f.as_float();
  return true;
}

Value math_domain(Vm& vm) { return vm.raise(vm.b().ValueError, "math domain error"); }

Value to_int_checked(Vm& vm, double d) {
  if (std::isnan(d)) return vm.raise(vm.b().ValueError, "cannot convert float NaN to integer");
  if (std::isinf(d)) return vm.raise(vm.b().OverflowError, "cannot convert float infinity to integer");
  if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
    return vm.raise(vm.b().OverflowError, "concsim: integer overflow: the result does not fit in 64 bits");
  }
  return Value::integer(static_cast<std::int64_t>(d));
}

#define MATH1(fname, expr)                              \
  Value math_##fname(Vm& vm, CallArgs& a) {             \
    double x;                                           \
    if (!one_number(vm, a, #fname, &x)) return Value::error(); \
    return expr;                                        \
  }
MATH1(sqrt, x < 0 ? math_domain(vm) : Value::floating(std::sqrt(x)))
MATH1(exp, Value::floating(std::exp(x)))
MATH1(fabs, Value::floating(std::fabs(x)))
MATH1(sin, Value::floating(std::sin(x)))
MATH1(cos, Value::floating(std::cos(x)))
MATH1(tan, Value::floating(std::tan(x)))
MATH1(atan, Value::floating(std::atan(x)))
MATH1(log2, x <= 0 ? math_domain(vm) : Value::floating(std::log2(x)))
MATH1(log10, x <= 0 ? math_domain(vm) : Value::floating(std::log10(x)))
MATH1(isnan, Value::boolean(std::isnan(x)))
MATH1(isinf, Value::boolean(std::isinf(x)))
MATH1(isfinite, Value::boolean(std::isfinite(x)))
#undef MATH1

Value math_floor(Vm& vm, CallArgs& a) {
  if (a.nargs == 1 && (a.args[0].is(Kind::kInt) || a.args[0].is(Kind::kBool))) return Value::integer(a.args[0].as_int());
  double x;
  if (!one_number(vm, a, "floor", &x)) return Value::error();
  return to_int_checked(vm, std::floor(x));
}
Value math_ceil(Vm& vm, CallArgs& a) {
  if (a.nargs == 1 && (a.args[0].is(Kind::kInt) || a.args[0].is(Kind::kBool))) return Value::integer(a.args[0].as_int());
  double x;
  if (!one_number(vm, a, "ceil", &x)) return Value::error();
  return to_int_checked(vm, std::ceil(x));
}
Value math_trunc(Vm& vm, CallArgs& a) {
  if (a.nargs == 1 && (a.args[0].is(Kind::kInt) || a.args[0].is(Kind::kBool))) return Value::integer(a.args[0].as_int());
  double x;
  if (!one_number(vm, a, "trunc", &x)) return Value::error();
  return to_int_checked(vm, std::trunc(x));
}
Value math_log(Vm& vm, CallArgs& a) {
  if (a.nargs < 1 || a.nargs > 2) return vm.raise(vm.b().TypeError, "log expected 1 or 2 arguments");
  Value x = to_float(vm, a.args[0]);
  if (x.is_error()) return x;
  if (x.as_float() <= 0) return math_domain(vm);
  double r = std::log(x.as_float());
  if (a.nargs == 2) {
    Value b = to_float(vm, a.args[1]);
    if (b.is_error()) return b;
    if (b.as_float() <= 0) return math_domain(vm);
    const double lb = std::log(b.as_float());
    if (lb == 0) return vm.raise(vm.b().ZeroDivisionError, "float division by zero");
    r /= lb;
  }
  return Value::floating(r);
}
Value math_pow(Vm& vm, CallArgs& a) {
  if (a.nargs != 2) return vm.raise(vm.b().TypeError, "pow expected 2 arguments, got " + std::to_string(a.nargs));
  Value x = to_float(vm, a.args[0]);
  if (x.is_error()) return x;
  Value y = to_float(vm, a.args[1]);
  if (y.is_error()) return y;
  return Value::floating(std::pow(x.as_float(), y.as_float()));
}
Value math_hypot(Vm& vm, CallArgs& a) {
  double s = 0;
  for (std::uint32_t i = 0; i < a.nargs; ++i) {
    Value x = to_float(vm, a.args[i]);
    if (x.is_error()) return x;
    s = std::hypot(s, x.as_float());
  }
  return Value::floating(s);
}
Value math_gcd(Vm& vm, CallArgs& a) {
  std::int64_t g = 0;
  for (std::uint32_t i = 0; i < a.nargs; ++i) {
    std::int64_t x;
    if (!index_of(vm, a.args[i], &x)) return Value::error();
    x = x < 0 ? -x : x;
    while (x != 0) {
      const std::int64_t t = g % x;
      g = x;
      x = t;
    }
  }
  return Value::integer(g);
}
Value math_factorial(Vm& vm, CallArgs& a) {
  std::int64_t n;
  if (a.nargs != 1 || !index_of(vm, a.args[0], &n)) return Value::error();
  if (n < 0) return vm.raise(vm.b().ValueError, "factorial() not defined for negative values");
  std::int64_t r = 1;
  for (std::int64_t i = 2; i <= n; ++i) {
    if (__builtin_mul_overflow(r, i, &r)) {
      return vm.raise(vm.b().OverflowError, "concsim: integer overflow: factorial result does not fit in 64 bits");
    }
  }
  return Value::integer(r);
}
Value math_isclose(Vm& vm, CallArgs& a) {
  if (a.npos() != 2) return vm.raise(vm.b().TypeError, "isclose() takes exactly 2 positional arguments");
  Value x = to_float(vm, a.args[0]);
  if (x.is_error()) return x;
  Value y = to_float(vm, a.args[1]);
  if (y.is_error()) return y;
  double rel = 1e-09, abs_tol = 0.0;
  for (std::uint32_t k = 0; k < a.nkw; ++k) {
    Value v = to_float(vm, a.args[a.npos() + k]);
    if (v.is_error()) return v;
    if (str_of(a.kwnames[k]) == "rel_tol") rel = v.as_float();
    if (str_of(a.kwnames[k]) == "abs_tol") abs_tol = v.as_float();
  }
  const double p = x.as_float(), q = y.as_float();
  if (p == q) return Value::boolean(true);
  if (std::isinf(p) || std::isinf(q)) return Value::boolean(false);
  const double diff = std::fabs(q - p);
  return Value::boolean((diff <= std::fabs(rel * q)) || (diff <= std::fabs(rel * p)) || (diff <= abs_tol));
}

Value make_math(Vm& vm) {
  Value m = vm.make_module("math");
  const struct {
    const char* name;
    NativeFn fn;
  } fns[] = {{"sqrt", math_sqrt},   {"exp", math_exp},       {"fabs", math_fabs},   {"sin", math_sin},
             {"cos", math_cos},     {"tan", math_tan},       {"atan", math_atan},   {"log", math_log},
             {"log2", math_log2},   {"log10", math_log10},   {"floor", math_floor}, {"ceil", math_ceil},
             {"trunc", math_trunc}, {"pow", math_pow},       {"hypot", math_hypot}, {"gcd", math_gcd},
             {"factorial", math_factorial}, {"isclose", math_isclose}, {"isnan", math_isnan},
             {"isinf", math_isinf}, {"isfinite", math_isfinite}};
  for (const auto& f : fns) vm.set_module_attr(m, f.name, vm.make_builtin(f.name, f.fn));
  vm.set_module_attr(m, "pi", Value::floating(3.141592653589793));
  vm.set_module_attr(m, "e", Value::floating(2.718281828459045));
  vm.set_module_attr(m, "tau", Value::floating(6.283185307179586));
  vm.set_module_attr(m, "inf", Value::floating(std::numeric_limits<double>::infinity()));
  vm.set_module_attr(m, "nan", Value::floating(std::numeric_limits<double>::quiet_NaN()));
  return m;
}

// sys: what programs read of it.
Value sys_getrecursionlimit(Vm& vm, CallArgs&) { return Value::integer(vm.recursion_limit()); }
Value sys_getswitchinterval(Vm& vm, CallArgs&) {
  return Value::floating(static_cast<double>(vm.switch_interval_ns()) / 1e9);
}
Value sys_setswitchinterval(Vm& vm, CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "setswitchinterval() takes exactly one argument");
  double s = 0;
  if (a.args[0].is(Kind::kFloat)) {
    s = a.args[0].as_float();
  } else if (a.args[0].is(Kind::kInt) || a.args[0].is(Kind::kBool)) {
    s = static_cast<double>(a.args[0].as_int());
  } else {
    return vm.raise(vm.b().TypeError, "must be real number, not " + Interp::type_name(vm, a.args[0]));
  }
  // CPython: "switch interval must be strictly positive"; it keeps microseconds.
  if (!(s > 0)) return vm.raise(vm.b().ValueError, "switch interval must be strictly positive");
  const double us = s * 1e6;
  vm.set_switch_interval_ns(us < 1 ? 1000 : static_cast<std::int64_t>(us) * 1000);
  return Value::none();
}
Value sys_exc_info(Vm& vm, CallArgs&) {
  Value e = vm.current_fiber() != nullptr ? Interp::current_exception(*vm.current_fiber()) : Value::none();
  if (!e.is(Kind::kException)) return make_tuple({Value::none(), Value::none(), Value::none()});
  return make_tuple({vm.type_of(e), e, Value::none()});
}
Value sys_exception(Vm& vm, CallArgs&) {
  Value e = vm.current_fiber() != nullptr ? Interp::current_exception(*vm.current_fiber()) : Value::none();
  return e.is(Kind::kException) ? e : Value::none();
}
Value sys_exit(Vm& vm, CallArgs& a) {
  Value e = make<ExceptionObj>(vm.b().SystemExit);
  std::vector<Value> args(a.args, a.args + a.npos());
  e.as<ExceptionObj>()->args = make_tuple(std::move(args));
  return vm.raise_value(std::move(e));
}
Value stream_write(Vm& vm, CallArgs& a) {
  if (a.nargs != 1 || !a.args[0].is(Kind::kStr)) {
    return vm.raise(vm.b().TypeError, "write() argument must be str, not " +
                                          (a.nargs == 1 ? Interp::type_name(vm, a.args[0]) : std::string("nothing")));
  }
  const int stream = static_cast<int>(reinterpret_cast<std::intptr_t>(a.data));
  vm.host().write(vm, stream, str_of(a.args[0]));
  return Value::integer(a.args[0].as<StrObj>()->length);
}
Value stream_flush(Vm&, CallArgs&) { return Value::none(); }

Value make_sys(Vm& vm) {
  Value m = vm.make_module("sys");
  vm.set_module_attr(m, "getrecursionlimit", vm.make_builtin("getrecursionlimit", sys_getrecursionlimit));
  vm.set_module_attr(m, "exc_info", vm.make_builtin("exc_info", sys_exc_info));
  vm.set_module_attr(m, "getswitchinterval", vm.make_builtin("getswitchinterval", sys_getswitchinterval));
  vm.set_module_attr(m, "setswitchinterval", vm.make_builtin("setswitchinterval", sys_setswitchinterval));
  vm.set_module_attr(m, "exception", vm.make_builtin("exception", sys_exception));
  vm.set_module_attr(m, "exit", vm.make_builtin("exit", sys_exit));
  vm.set_module_attr(m, "maxsize", Value::integer(std::numeric_limits<std::int64_t>::max()));
  vm.set_module_attr(m, "platform", make_str("linux"));
  vm.set_module_attr(m, "argv", make_list({make_str(vm.program().file)}));
  vm.set_module_attr(m, "version_info", make_tuple({Value::integer(3), Value::integer(11), Value::integer(2),
                                                    make_str("final"), Value::integer(0)}));
  vm.set_module_attr(m, "version", make_str("3.11.2 (concsim)"));
  // sys.stdout and sys.stderr: objects with write() and flush().
  Value stream_cls = vm.make_class("TextIOWrapper", "_io", {vm.b().object}, Kind::kNative);
  for (int stream : {1, 2}) {
    Value s = make<InstanceObj>(vm.b().object);
    Value d = make_dict();
    Value w = vm.make_builtin("write", stream_write, reinterpret_cast<void*>(static_cast<std::intptr_t>(stream)));
    dict_set_str(d, vm.intern("write"), w);
    dict_set_str(d, vm.intern("flush"), vm.make_builtin("flush", stream_flush));
    s.as<InstanceObj>()->dict = d;
    vm.set_module_attr(m, stream == 1 ? "stdout" : "stderr", s);
    vm.set_module_attr(m, stream == 1 ? "__stdout__" : "__stderr__", s);
  }
  return m;
}

// typing: the names exist, and subscribing them gives them back (type hints
// are not checked at run time, and annotations of functions are not evaluated).
Value typing_getitem(Vm&, CallArgs& a) { return a.self; }
Value typing_call(Vm& vm, CallArgs& a) {
  // cast(T, x) and NewType-like uses: return the last argument.
  if (a.nargs == 0) return vm.raise(vm.b().TypeError, "typing object is not callable without arguments");
  return a.args[a.nargs - 1];
}

Value make_typing(Vm& vm) {
  Value m = vm.make_module("typing");
  Value special = vm.make_class("_SpecialForm", "typing", {vm.b().object});
  vm.set_class_attr(special, "__getitem__", vm.make_builtin("__getitem__", typing_getitem, nullptr, true));
  for (const char* n : {"Any", "List", "Dict", "Set", "FrozenSet", "Tuple", "Optional", "Union", "Callable",
                        "Awaitable", "Coroutine", "AsyncIterator", "AsyncIterable", "AsyncGenerator", "Iterator",
                        "Iterable", "Generator", "Sequence", "Mapping", "Type", "TypeVar", "Generic", "Protocol",
                        "Literal", "Final", "ClassVar", "NoReturn", "Deque", "DefaultDict", "Counter"}) {
    Value inst = make<InstanceObj>(special);
    vm.set_module_attr(m, n, inst);
  }
  vm.set_module_attr(m, "cast", vm.make_builtin("cast", typing_call));
  vm.set_module_attr(m, "TYPE_CHECKING", Value::boolean(false));
  return m;
}

}  // namespace

Value Interp::builtin_module(Vm& vm, std::string_view name) {
  if (name == "sys") return make_sys(vm);
  if (name == "math") return make_math(vm);
  if (name == "typing") return make_typing(vm);
  if (name == "random") return make_random_module(vm, 0);  // a host with a run seed provides its own
  if (name == "builtins") return vm.b().builtins_module;
  return Value::unset();
}

Value Interp::import(Vm& vm, std::string_view name) {
  auto it = vm.modules_.find(std::string(name));
  if (it != vm.modules_.end()) return it->second;
  // The builtins a host makes for its modules are timed (BuiltinObj::timed);
  // the VM's own modules are not.
  const bool timed = vm.timed_builtins_;
  vm.timed_builtins_ = true;
  Value m = vm.host().import_module(vm, name);
  vm.timed_builtins_ = false;
  if (!m.is_error() && m.is_unset()) m = builtin_module(vm, name);
  vm.timed_builtins_ = timed;
  if (m.is_error()) return m;
  if (m.is_unset()) {
    // A dotted name whose first part is a module of ours: import the parent.
    return vm.raise(vm.b().ModuleNotFoundError,
                    "not supported by concsim: the module '" + std::string(name) +
                        "' (concsim provides asyncio, time, concurrent.futures, random, math, os, sys, typing and "
                        "concsim; see the README)");
  }
  vm.modules_.emplace(std::string(name), m);
  return m;
}

}  // namespace concsim::vm
