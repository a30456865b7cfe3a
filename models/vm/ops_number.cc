// Numbers: int (64-bit, overflow raises), float (IEEE double), bool as an
// int, and the YAML language's durations. Python's rules come from
// Objects/longobject.c and Objects/floatobject.c (floor division and
// modulo signs, true division correctly rounded, float_pow's special
// cases, exact int/float comparison, _Py_HashDouble); durations keep the
// YAML expression language's units (models/program/expr.cc).
#include <charconv>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "models/vm/library.h"
#include "sim/time.h"

namespace concsim::vm::lib {

using ast::BinOp;
using ast::UnaryOp;

namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::uint64_t kHashModulus = (1ULL << 61) - 1;  // _PyHASH_MODULUS
constexpr int kHashBits = 61;
constexpr std::int64_t kHashInf = 314159;

Value zero_division(Vm& vm, const char* message) { return vm.raise(vm.b().ZeroDivisionError, message); }

// Python's floor division and modulo of ints (the divisor is not 0).
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  if (b == -1) return 0;
  std::int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

// a / b correctly rounded to a double, as long_true_divide.
double int_true_divide(std::int64_t a, std::int64_t b) {
  const bool negative = (a < 0) != (b < 0);
  const std::uint64_t na = a < 0 ? 0 - static_cast<std::uint64_t>(a) : static_cast<std::uint64_t>(a);
  const std::uint64_t nb = b < 0 ? 0 - static_cast<std::uint64_t>(b) : static_cast<std::uint64_t>(b);
  if (na == 0) return negative ? -0.0 : 0.0;
  if (na < (1ULL << 53) && nb < (1ULL << 53)) {
    const double r = static_cast<double>(na) / static_cast<double>(nb);
    return negative ? -r : r;
  }
  // Scale so that the quotient has 55 or 56 bits; the lowest bit carries
  // the remainder (sticky), so the conversion to double rounds once,
  // correctly.
  const int ea = 64 - __builtin_clzll(na);
  const int eb = 64 - __builtin_clzll(nb);
  const int shift = 55 + eb - ea;
  UInt128 n = na;
  UInt128 d = nb;
  if (shift >= 0) {
    n <<= shift;
  } else {
    d <<= -shift;
  }
  UInt128 q = n / d;
  if (n % d != 0) q |= 1;
  const double r = std::ldexp(static_cast<double>(static_cast<std::uint64_t>(q)), -shift);
  return negative ? -r : r;
}

bool is_odd_integer(double x) { return std::fmod(std::fabs(x), 2.0) == 1.0; }

// float_pow of Objects/floatobject.c.
Value float_pow(Vm& vm, double iv, double iw) {
  if (iw == 0) return Value::floating(1.0);
  if (std::isnan(iv)) return Value::floating(iv);
  if (std::isnan(iw)) return Value::floating(iv == 1.0 ? 1.0 : iw);
  if (std::isinf(iw)) {
    iv = std::fabs(iv);
    if (iv == 1.0) return Value::floating(1.0);
    if ((iw > 0.0) == (iv > 1.0)) return Value::floating(std::fabs(iw));
    return Value::floating(0.0);
  }
  if (std::isinf(iv)) {
    const bool odd = is_odd_integer(iw);
    if (iw > 0.0) return Value::floating(odd ? iv : std::fabs(iv));
    return Value::floating(odd ? std::copysign(0.0, iv) : 0.0);
  }
  if (iv == 0.0) {
    const bool odd = is_odd_integer(iw);
    if (iw < 0.0) return zero_division(vm, "0.0 cannot be raised to a negative power");
    return Value::floating(odd ? iv : 0.0);
  }
  bool negate = false;
  if (iv < 0.0) {
    if (iw != std::floor(iw)) {
      return vm.raise(vm.b().ValueError,
                      "not supported by concsim: complex numbers (a negative number raised to a fractional power)");
    }
    iv = -iv;
    negate = is_odd_integer(iw);
  }
  if (iv == 1.0) return Value::floating(negate ? -1.0 : 1.0);
  double ix = std::pow(iv, iw);
  if (std::isinf(ix)) {
    Value e = vm.make_exception(vm.b().OverflowError, "");
    e.as<ExceptionObj>()->args = make_tuple({Value::integer(34), make_str("Numerical result out of range")});
    return vm.raise_value(std::move(e));
  }
  return Value::floating(negate ? -ix : ix);
}

Value int_pow(Vm& vm, std::int64_t a, std::int64_t b) {
  if (b < 0) return float_pow(vm, static_cast<double>(a), static_cast<double>(b));
  std::int64_t result = 1;
  std::int64_t base = a;
  bool base_overflowed = false;
  while (b > 0) {
    if (b & 1) {
      if (base_overflowed || __builtin_mul_overflow(result, base, &result)) return overflow(vm, "**");
    }
    b >>= 1;
    if (b > 0 && !base_overflowed) base_overflowed = __builtin_mul_overflow(base, base, &base);
  }
  return Value::integer(result);
}

Value int_binary(Vm& vm, BinOp op, const Value& av, const Value& bv) {
  const std::int64_t a = av.as_int();
  const std::int64_t b = bv.as_int();
  std::int64_t r = 0;
  switch (op) {
    case BinOp::kAdd:
      if (__builtin_add_overflow(a, b, &r)) return overflow(vm, "+");
      return Value::integer(r);
    case BinOp::kSub:
      if (__builtin_sub_overflow(a, b, &r)) return overflow(vm, "-");
      return Value::integer(r);
    case BinOp::kMult:
      if (__builtin_mul_overflow(a, b, &r)) return overflow(vm, "*");
      return Value::integer(r);
    case BinOp::kDiv:
      if (b == 0) return zero_division(vm, "division by zero");
      return Value::floating(int_true_divide(a, b));
    case BinOp::kFloorDiv:
      if (b == 0) return zero_division(vm, "integer division or modulo by zero");
      if (a == kMin && b == -1) return overflow(vm, "//");
      return Value::integer(floor_div(a, b));
    case BinOp::kMod:
      if (b == 0) return zero_division(vm, "integer modulo by zero");
      return Value::integer(floor_mod(a, b));
    case BinOp::kPow: return int_pow(vm, a, b);
    case BinOp::kLShift:
      if (b < 0) return vm.raise(vm.b().ValueError, "negative shift count");
      if (a == 0) return Value::integer(0);
      if (b >= 64) return overflow(vm, "<<");
      {
        const Int128 wide = static_cast<Int128>(a) * (static_cast<Int128>(1) << b);
        if (wide > INT64_MAX || wide < INT64_MIN) return overflow(vm, "<<");
        return Value::integer(static_cast<std::int64_t>(wide));
      }
    case BinOp::kRShift:
      if (b < 0) return vm.raise(vm.b().ValueError, "negative shift count");
      if (b >= 64) return Value::integer(a < 0 ? -1 : 0);
      return Value::integer(a >> b);
    case BinOp::kBitAnd:
    case BinOp::kBitOr:
    case BinOp::kBitXor: {
      r = op == BinOp::kBitAnd ? (a & b) : op == BinOp::kBitOr ? (a | b) : (a ^ b);
      if (av.is(Kind::kBool) && bv.is(Kind::kBool)) return Value::boolean(r != 0);
      return Value::integer(r);
    }
    case BinOp::kMatMult: return Value::not_implemented();
  }
  return Value::not_implemented();
}

// _float_div_mod of Objects/floatobject.c.
void float_divmod(double vx, double wx, double* floordiv, double* mod) {
  double m = std::fmod(vx, wx);
  double div = (vx - m) / wx;
  if (m != 0) {
    if ((wx < 0) != (m < 0)) {
      m += wx;
      div -= 1.0;
    }
  } else {
    m = std::copysign(0.0, wx);
  }
  double fd;
  if (div != 0) {
    fd = std::floor(div);
    if (div - fd > 0.5) fd += 1.0;
  } else {
    fd = std::copysign(0.0, vx / wx);
  }
  *floordiv = fd;
  *mod = m;
}

Value float_binary(Vm& vm, BinOp op, double a, double b) {
  switch (op) {
    case BinOp::kAdd: return Value::floating(a + b);
    case BinOp::kSub: return Value::floating(a - b);
    case BinOp::kMult: return Value::floating(a * b);
    case BinOp::kDiv:
      if (b == 0) return zero_division(vm, "float division by zero");
      return Value::floating(a / b);
    case BinOp::kFloorDiv: {
      if (b == 0) return zero_division(vm, "float floor division by zero");
      double q, m;
      float_divmod(a, b, &q, &m);
      return Value::floating(q);
    }
    case BinOp::kMod: {
      if (b == 0) return zero_division(vm, "float modulo");
      double m = std::fmod(a, b);
      if (m != 0) {
        if ((b < 0) != (m < 0)) m += b;
      } else {
        m = std::copysign(0.0, b);
      }
      return Value::floating(m);
    }
    case BinOp::kPow: return float_pow(vm, a, b);
    default: return Value::not_implemented();
  }
}

bool as_double(const Value& v, double* out) {
  switch (v.kind()) {
    case Kind::kInt:
    case Kind::kBool: *out = static_cast<double>(v.as_int()); return true;
    case Kind::kFloat: *out = v.as_float(); return true;
    default: return false;
  }
}

// ns * x rounded to the nearest nanosecond (ties to even); false if it
// does not fit.
bool scale_ns(std::int64_t ns, double x, std::int64_t* out) {
  const double r = std::nearbyint(static_cast<double>(ns) * x);
  if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) return false;
  *out = static_cast<std::int64_t>(r);
  return true;
}

// Durations, as the YAML expression language defines them: + and - with
// durations; * by ints (exact) and floats (to the nearest ns); / and // by
// ints (floored, as YAML's `/`) and floats (/ to the nearest ns, // floored);
// duration / duration and duration // duration: an int, floored; % by
// durations and ints (YAML's remainder in ns).
Value duration_binary(Vm& vm, BinOp op, const Value& a, const Value& b) {
  const bool ad = a.is(Kind::kDuration);
  const bool bd = b.is(Kind::kDuration);
  const std::int64_t x = a.as_int();
  const std::int64_t y = b.as_int();
  std::int64_t r = 0;
  switch (op) {
    case BinOp::kAdd:
    case BinOp::kSub:
      if (!(ad && bd)) return Value::not_implemented();
      if (op == BinOp::kAdd ? __builtin_add_overflow(x, y, &r) : __builtin_sub_overflow(x, y, &r)) {
        return overflow(vm, op == BinOp::kAdd ? "+" : "-");
      }
      return Value::duration(r);
    case BinOp::kMult: {
      if (ad && bd) return Value::not_implemented();
      const Value& d = ad ? a : b;
      const Value& n = ad ? b : a;
      if (is_intlike(n)) {
        if (__builtin_mul_overflow(d.as_int(), n.as_int(), &r)) return overflow(vm, "*");
        return Value::duration(r);
      }
      if (n.is(Kind::kFloat)) {
        if (!scale_ns(d.as_int(), n.as_float(), &r)) return overflow(vm, "*");
        return Value::duration(r);
      }
      return Value::not_implemented();
    }
    case BinOp::kDiv:
    case BinOp::kFloorDiv:
    case BinOp::kMod: {
      if (!ad) return Value::not_implemented();
      if (bd || is_intlike(b)) {
        if (y == 0) return zero_division(vm, "division by zero");
        if (x == kMin && y == -1) return overflow(vm, binop_symbol(op));
        if (op == BinOp::kMod) return Value::duration(floor_mod(x, y));
        const std::int64_t q = floor_div(x, y);
        return bd ? Value::integer(q) : Value::duration(q);
      }
      if (b.is(Kind::kFloat) && op != BinOp::kMod) {
        const double f = b.as_float();
        if (f == 0) return zero_division(vm, "division by zero");
        double q = static_cast<double>(x) / f;
        q = op == BinOp::kDiv ? std::nearbyint(q) : std::floor(q);
        if (!(q >= -9223372036854775808.0 && q < 9223372036854775808.0)) return overflow(vm, binop_symbol(op));
        return Value::duration(static_cast<std::int64_t>(q));
      }
      return Value::not_implemented();
    }
    default: return Value::not_implemented();
  }
}

int cmp3(std::int64_t a, std::int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

// An int against a double, exactly (float_richcompare): -1, 0, 1 or 2 (NaN).
int compare_int_double(std::int64_t i, double d) {
  if (std::isnan(d)) return 2;
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  const double fl = std::floor(d);
  const auto fi = static_cast<std::int64_t>(fl);
  if (i != fi) return i < fi ? -1 : 1;
  return d > fl ? -1 : 0;
}

// ns nanoseconds against d seconds, exactly.
int compare_ns_double(std::int64_t ns, double d) {
  if (std::isnan(d)) return 2;
  if (std::isinf(d)) return d > 0 ? -1 : 1;
  const double approx = d * 1e9;
  const double nsd = static_cast<double>(ns);
  const double tolerance = 1e-6 * std::max(1.0, std::fabs(approx));
  if (nsd < approx - tolerance) return -1;
  if (nsd > approx + tolerance) return 1;
  // Close: compare ns * 2^-e with m * 10^9 exactly, d = m * 2^e.
  int e = 0;
  const double frac = std::frexp(d, &e);
  const auto m = static_cast<std::int64_t>(std::ldexp(frac, 53));
  e -= 53;
  Int128 lhs = ns;
  Int128 rhs = static_cast<Int128>(m) * 1000000000;
  if (e >= 0) {
    rhs <<= e;
  } else {
    lhs <<= -e;
  }
  return lhs < rhs ? -1 : (lhs > rhs ? 1 : 0);
}

}  // namespace

const char* binop_symbol(BinOp op) {
  switch (op) {
    case BinOp::kAdd: return "+";
    case BinOp::kSub: return "-";
    case BinOp::kMult: return "*";
    case BinOp::kMatMult: return "@";
    case BinOp::kDiv: return "/";
    case BinOp::kMod: return "%";
    case BinOp::kPow: return "**";
    case BinOp::kLShift: return "<<";
    case BinOp::kRShift: return ">>";
    case BinOp::kBitOr: return "|";
    case BinOp::kBitXor: return "^";
    case BinOp::kBitAnd: return "&";
    case BinOp::kFloorDiv: return "//";
  }
  return "?";
}

Value number_binary(Vm& vm, BinOp op, const Value& a, const Value& b) {
  if (is_intlike(a) && is_intlike(b)) return int_binary(vm, op, a, b);
  if (a.is(Kind::kDuration) || b.is(Kind::kDuration)) {
    if (!is_number(a) || !is_number(b)) return Value::not_implemented();
    return duration_binary(vm, op, a, b);
  }
  double x, y;
  if (!as_double(a, &x) || !as_double(b, &y)) return Value::not_implemented();
  return float_binary(vm, op, x, y);
}

Value number_unary(Vm& vm, UnaryOp op, const Value& v) {
  switch (v.kind()) {
    case Kind::kInt:
    case Kind::kBool: {
      const std::int64_t i = v.as_int();
      switch (op) {
        case UnaryOp::kUSub:
          if (i == kMin) return overflow(vm, "-");
          return Value::integer(-i);
        case UnaryOp::kUAdd: return Value::integer(i);
        case UnaryOp::kInvert: return Value::integer(~i);
        case UnaryOp::kNot: return Value::boolean(i == 0);
      }
      break;
    }
    case Kind::kFloat:
      switch (op) {
        case UnaryOp::kUSub: return Value::floating(-v.as_float());
        case UnaryOp::kUAdd: return v;
        case UnaryOp::kNot: return Value::boolean(v.as_float() == 0);
        case UnaryOp::kInvert: return Value::not_implemented();
      }
      break;
    case Kind::kDuration:
      switch (op) {
        case UnaryOp::kUSub:
          if (v.as_duration() == kMin) return overflow(vm, "-");
          return Value::duration(-v.as_duration());
        case UnaryOp::kUAdd: return v;
        case UnaryOp::kNot: return Value::boolean(v.as_duration() == 0);
        case UnaryOp::kInvert: return Value::not_implemented();
      }
      break;
    default: break;
  }
  return Value::unset();
}

int number_compare(const Value& a, const Value& b) {
  const bool ai = is_intlike(a);
  const bool bi = is_intlike(b);
  if (ai && bi) return cmp3(a.as_int(), b.as_int());
  const bool ad = a.is(Kind::kDuration);
  const bool bd = b.is(Kind::kDuration);
  if (ad || bd) {
    if (ad && bd) return cmp3(a.as_int(), b.as_int());
    if (ad && bi) {
      const Int128 rhs = static_cast<Int128>(b.as_int()) * 1000000000;
      return a.as_int() < rhs ? -1 : (a.as_int() > rhs ? 1 : 0);
    }
    if (ai && bd) {
      const Int128 lhs = static_cast<Int128>(a.as_int()) * 1000000000;
      return lhs < b.as_int() ? -1 : (lhs > b.as_int() ? 1 : 0);
    }
    if (ad && b.is(Kind::kFloat)) return compare_ns_double(a.as_int(), b.as_float());
    if (a.is(Kind::kFloat) && bd) {
      const int c = compare_ns_double(b.as_int(), a.as_float());
      return c == 2 ? 2 : -c;
    }
    return 3;
  }
  if (a.is(Kind::kFloat) && b.is(Kind::kFloat)) {
    const double x = a.as_float();
    const double y = b.as_float();
    if (std::isnan(x) || std::isnan(y)) return 2;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (ai && b.is(Kind::kFloat)) return compare_int_double(a.as_int(), b.as_float());
  if (a.is(Kind::kFloat) && bi) {
    const int c = compare_int_double(b.as_int(), a.as_float());
    return c == 2 ? 2 : -c;
  }
  return 3;
}

// ------------------------------------------------------------- hashes ----

std::int64_t hash_int(std::int64_t i) {
  const std::uint64_t mag = i < 0 ? 0 - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
  auto h = static_cast<std::int64_t>(mag % kHashModulus);
  if (i < 0) h = -h;
  return h == -1 ? -2 : h;
}

std::int64_t hash_double(double v) {
  if (!std::isfinite(v)) {
    if (std::isinf(v)) return v > 0 ? kHashInf : -kHashInf;
    return 0;  // CPython hashes a NaN by its address; concsim by a constant
  }
  int e = 0;
  double m = std::frexp(v, &e);
  int sign = 1;
  if (m < 0) {
    sign = -1;
    m = -m;
  }
  std::uint64_t x = 0;
  while (m != 0) {
    x = ((x << 28) & kHashModulus) | x >> (kHashBits - 28);
    m *= 268435456.0;  // 2**28
    e -= 28;
    const auto y = static_cast<std::uint64_t>(m);
    m -= static_cast<double>(y);
    x += y;
    if (x >= kHashModulus) x -= kHashModulus;
  }
  e = e >= 0 ? e % kHashBits : kHashBits - 1 - ((-1 - e) % kHashBits);
  x = ((x << e) & kHashModulus) | x >> (kHashBits - e);
  auto h = static_cast<std::int64_t>(x) * sign;
  return h == -1 ? -2 : h;
}

std::int64_t hash_duration(std::int64_t ns) {
  // The hash of the rational ns / 10^9 (Fraction.__hash__), so that a
  // duration equal to an int or a float hashes as it does.
  const std::uint64_t mag = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  // The inverse of 10^9 modulo the prime 2^61 - 1, by Fermat: 10^9^(P-2).
  auto mulmod = [](std::uint64_t a, std::uint64_t b) {
    return static_cast<std::uint64_t>(static_cast<UInt128>(a) * b % kHashModulus);
  };
  std::uint64_t inv = 1;
  std::uint64_t base = 1000000000ULL;
  for (std::uint64_t e = kHashModulus - 2; e > 0; e >>= 1) {
    if (e & 1) inv = mulmod(inv, base);
    base = mulmod(base, base);
  }
  auto h = static_cast<std::int64_t>(mulmod(mag % kHashModulus, inv));
  if (ns < 0) h = -h;
  return h == -1 ? -2 : h;
}

// ------------------------------------------------------ pow, round, ... ----

Value int_pow_mod(Vm& vm, std::int64_t a, std::int64_t b, std::int64_t m) {
  if (m == 0) return vm.raise(vm.b().ValueError, "pow() 3rd argument cannot be 0");
  const Int128 mod = m < 0 ? -static_cast<Int128>(m) : static_cast<Int128>(m);
  Int128 base = a % mod;
  if (base < 0) base += mod;
  if (b < 0) {
    // The inverse of base modulo mod (extended Euclid).
    Int128 t = 0, newt = 1, r = mod, newr = base;
    while (newr != 0) {
      const Int128 q = r / newr;
      Int128 tmp = t - q * newt;
      t = newt;
      newt = tmp;
      tmp = r - q * newr;
      r = newr;
      newr = tmp;
    }
    if (r != 1) return vm.raise(vm.b().ValueError, "base is not invertible for the given modulus");
    if (t < 0) t += mod;
    base = t;
    b = b == kMin ? kMin : -b;  // -kMin overflows; its magnitude is taken below
  }
  std::uint64_t e = b == kMin ? (1ULL << 63) : static_cast<std::uint64_t>(b);
  Int128 result = 1 % mod;
  while (e > 0) {
    if (e & 1) result = result * base % mod;
    base = base * base % mod;
    e >>= 1;
  }
  if (m < 0 && result != 0) result -= mod;
  return Value::integer(static_cast<std::int64_t>(result));
}

Value float_to_int(Vm& vm, double d) {
  if (std::isnan(d)) return vm.raise(vm.b().ValueError, "cannot convert float NaN to integer");
  if (std::isinf(d)) return vm.raise(vm.b().OverflowError, "cannot convert float infinity to integer");
  const double t = std::trunc(d);
  if (!(t >= -9223372036854775808.0 && t < 9223372036854775808.0)) return overflow(vm, "int()");
  return Value::integer(static_cast<std::int64_t>(t));
}

namespace {

// round(x, ndigits) of a float: dtoa's mode 3 then back to a double
// (double_round of Objects/floatobject.c).
double float_round_digits(double x, std::int64_t ndigits) {
  if (!std::isfinite(x)) return x;
  if (ndigits > 323) return x;
  if (ndigits < -308) return 0.0 * x;
  if (ndigits >= 0) {
    std::vector<char> buf(static_cast<std::size_t>(ndigits) + 340);
    std::snprintf(buf.data(), buf.size(), "%.*f", static_cast<int>(ndigits), x);
    double r = 0;
    std::from_chars(buf.data() + (buf[0] == '-' ? 1 : 0), buf.data() + std::strlen(buf.data()), r);
    if (buf[0] == '-') r = -r;
    return r;
  }
  // Round the integer part at 10^-ndigits, half to even; the fraction
  // only breaks ties.
  const double a = std::fabs(x);
  const double whole = std::floor(a);
  const bool has_fraction = a != whole;
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.0f", whole);
  std::string digits(buf);
  const auto k = static_cast<std::size_t>(-ndigits);
  std::string result(1, '0');
  if (digits.size() < k) {
    // Below half of 10^k unless it is more than half (compare with 5 0..0).
    std::string half(k, '0');  // 5 followed by zeros: half of 10^k
    half[0] = '5';
    const bool above = digits.size() == k && (digits > half || (digits == half && has_fraction));
    if (above) {
      result.assign(k + 1, '0');
      result[0] = '1';
    }
  } else {
    std::string head = digits.substr(0, digits.size() - k);
    const std::string tail = digits.substr(digits.size() - k);
    std::string half(k, '0');
    half[0] = '5';
    bool up = tail > half || (tail == half && has_fraction);
    if (tail == half && !has_fraction) up = (head.back() - '0') % 2 == 1;
    if (up) {
      int i = static_cast<int>(head.size()) - 1;
      while (i >= 0 && head[static_cast<std::size_t>(i)] == '9') head[static_cast<std::size_t>(i--)] = '0';
      if (i < 0) {
        head.insert(head.begin(), '1');
      } else {
        ++head[static_cast<std::size_t>(i)];
      }
    }
    result = head + std::string(k, '0');
  }
  double r = 0;
  std::from_chars(result.data(), result.data() + result.size(), r);
  return std::copysign(r, x);
}

}  // namespace

Value number_round(Vm& vm, const Value& x, const Value& ndigits_value) {
  const bool has_ndigits = !ndigits_value.is_unset() && !ndigits_value.is_none();
  std::int64_t ndigits = 0;
  if (has_ndigits && !index_of(vm, ndigits_value, &ndigits)) return Value::error();
  if (is_intlike(x)) {
    const std::int64_t v = x.as_int();
    if (!has_ndigits || ndigits >= 0) return Value::integer(v);
    if (ndigits < -38) return Value::integer(0);
    Int128 p = 1;
    for (std::int64_t i = 0; i < -ndigits; ++i) p *= 10;
    const Int128 a = v;
    Int128 q = a / p;
    Int128 r = a % p;
    if (r < 0) {
      r += p;
      q -= 1;
    }
    // a = q*p + r with 0 <= r < p: round half to even.
    if (2 * r > p || (2 * r == p && (q % 2 != 0))) q += 1;
    const Int128 result = q * p;
    if (result > std::numeric_limits<std::int64_t>::max() || result < kMin) return overflow(vm, "round()");
    return Value::integer(static_cast<std::int64_t>(result));
  }
  if (x.is(Kind::kFloat)) {
    const double d = x.as_float();
    if (!has_ndigits) {
      double r = std::round(d);
      if (std::fabs(d - r) == 0.5) r = 2.0 * std::round(d / 2.0);
      return float_to_int(vm, r);
    }
    return Value::floating(float_round_digits(d, ndigits));
  }
  bool found = false;
  if (is_user(x)) {
    Value r = has_ndigits ? call_special(vm, x, "__round__", {ndigits_value}, &found)
                          : call_special(vm, x, "__round__", {}, &found);
    if (found) return r;
  }
  return type_error(vm, "type " + type_name(vm, x) + " doesn't define __round__ method");
}

Value number_divmod(Vm& vm, const Value& a, const Value& b) {
  if (is_intlike(a) && is_intlike(b)) {
    const std::int64_t x = a.as_int();
    const std::int64_t y = b.as_int();
    if (y == 0) return zero_division(vm, "integer division or modulo by zero");
    if (x == kMin && y == -1) return overflow(vm, "divmod()");
    return make_tuple({Value::integer(floor_div(x, y)), Value::integer(floor_mod(x, y))});
  }
  if (a.is(Kind::kDuration) || b.is(Kind::kDuration)) {
    Value q = number_binary(vm, BinOp::kFloorDiv, a, b);
    if (q.is_error() || q.is(Kind::kNotImplemented)) return q;
    Value r = number_binary(vm, BinOp::kMod, a, b);
    if (r.is_error() || r.is(Kind::kNotImplemented)) return r;
    return make_tuple({std::move(q), std::move(r)});
  }
  double x, y;
  if (!as_double(a, &x) || !as_double(b, &y)) return Value::not_implemented();
  if (y == 0) return zero_division(vm, "float divmod()");
  double q, m;
  float_divmod(x, y, &q, &m);
  return make_tuple({Value::floating(q), Value::floating(m)});
}

// ------------------------------------------------------------ parsing ----

namespace {

std::string_view strip_spaces(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  // Unicode whitespace, decoded: Python strips it around numbers.
  while (b < e) {
    std::size_t i = b;
    if (!uc_isspace(utf8_next(s, &i))) break;
    b = i;
  }
  while (e > b) {
    std::size_t start = e - 1;
    while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t i = start;
    if (!uc_isspace(utf8_next(s, &i))) break;
    e = start;
  }
  return s.substr(b, e - b);
}

int digit_value(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'z') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'Z') return static_cast<int>(c - 'A' + 10);
  return uc_decimal_value(c);
}

}  // namespace

bool parse_int(std::string_view text, int base, std::int64_t* out, bool* overflowed) {
  *overflowed = false;
  const std::u32string s = to_u32(strip_spaces(text));
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  auto has_prefix = [&](char32_t lower) {
    return i + 1 < s.size() && s[i] == '0' && (s[i + 1] == lower || s[i + 1] == lower - 32);
  };
  bool prefixed = false;
  if (base == 0) {
    if (has_prefix('x')) {
      base = 16;
      prefixed = true;
    } else if (has_prefix('o')) {
      base = 8;
      prefixed = true;
    } else if (has_prefix('b')) {
      base = 2;
      prefixed = true;
    } else {
      base = 10;
      // "010" is not a valid literal with base 0; "000" is.
      if (i < s.size() && s[i] == '0') {
        for (std::size_t j = i; j < s.size(); ++j) {
          if (s[j] != '0' && s[j] != '_') return false;
        }
      }
    }
  } else if ((base == 16 && has_prefix('x')) || (base == 8 && has_prefix('o')) || (base == 2 && has_prefix('b'))) {
    prefixed = true;
  }
  if (prefixed) {
    i += 2;
    if (i < s.size() && s[i] == '_') ++i;  // "0x_1f"
  }
  if (i >= s.size()) return false;
  UInt128 acc = 0;
  bool big = false;
  bool last_underscore = true;  // no leading underscore
  std::size_t ndigits = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (last_underscore) return false;
      last_underscore = true;
      continue;
    }
    const int d = digit_value(s[i]);
    if (d < 0 || d >= base) return false;
    last_underscore = false;
    ++ndigits;
    if (!big) {
      acc = acc * static_cast<unsigned>(base) + static_cast<unsigned>(d);
      if (acc > (static_cast<UInt128>(1) << 64)) big = true;
    }
  }
  if (last_underscore || ndigits == 0) return false;
  const UInt128 limit = negative ? (static_cast<UInt128>(1) << 63)
                                           : (static_cast<UInt128>(1) << 63) - 1;
  if (big || acc > limit) {
    *overflowed = true;
    return true;
  }
  *out = negative ? static_cast<std::int64_t>(0 - static_cast<std::uint64_t>(acc)) : static_cast<std::int64_t>(acc);
  return true;
}

bool parse_float(std::string_view text, double* out) {
  const std::u32string s = to_u32(strip_spaces(text));
  // Digits become ASCII; underscores are allowed only between digits.
  std::string clean;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c == '_') {
      const bool between = i > 0 && i + 1 < s.size() && uc_decimal_value(s[i - 1]) >= 0 && uc_decimal_value(s[i + 1]) >= 0;
      if (!between) return false;
      continue;
    }
    const int d = uc_decimal_value(c);
    if (d >= 0) {
      clean += static_cast<char>('0' + d);
    } else if (c < 128) {
      clean += static_cast<char>(c);
    } else {
      return false;
    }
  }
  std::size_t i = 0;
  bool negative = false;
  if (i < clean.size() && (clean[i] == '+' || clean[i] == '-')) negative = clean[i++] == '-';
  std::string rest = clean.substr(i);
  std::string lower;
  for (char c : rest) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "infinity") {
    *out = negative ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (lower == "nan") {
    *out = negative ? -std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  // [digits][.digits][e[sign]digits] with at least one digit in the mantissa.
  std::size_t j = 0;
  std::size_t mant = 0;
  while (j < rest.size() && std::isdigit(static_cast<unsigned char>(rest[j]))) ++j, ++mant;
  if (j < rest.size() && rest[j] == '.') {
    ++j;
    while (j < rest.size() && std::isdigit(static_cast<unsigned char>(rest[j]))) ++j, ++mant;
  }
  if (mant == 0) return false;
  if (j < rest.size() && (rest[j] == 'e' || rest[j] == 'E')) {
    ++j;
    if (j < rest.size() && (rest[j] == '+' || rest[j] == '-')) ++j;
    std::size_t exp_digits = 0;
    while (j < rest.size() && std::isdigit(static_cast<unsigned char>(rest[j]))) ++j, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  if (j != rest.size()) return false;
  double v = 0;
  const auto res = std::from_chars(rest.data(), rest.data() + rest.size(), v);
  if (res.ec == std::errc::result_out_of_range) {
    // from_chars leaves v alone on overflow and underflow; strtod says
    // which (the text is ASCII digits, a point and an exponent: no locale
    // can read it differently).
    v = std::strtod(rest.c_str(), nullptr);
  }
  *out = negative ? -v : v;
  return true;
}

std::string duration_str(std::int64_t ns) { return sim::format_seconds(ns); }

}  // namespace concsim::vm::lib
