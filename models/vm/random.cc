// The random module: CPython 3.11's Mersenne Twister (Modules/_randommodule.c:
// init_genrand, init_by_array, genrand_uint32, random_random's 53-bit
// floats, getrandbits) and Lib/random.py's algorithms over it (seed,
// _randbelow_with_getrandbits, randrange, randint, choice, shuffle, sample,
// choices, uniform, triangular, normalvariate, gauss, expovariate), step for
// step, so that a seeded program draws exactly CPython's numbers.
//
// Differences, each an error rather than a silent change: ints are 64-bit
// (getrandbits(k) for k > 63 and seeds beyond 64 bits raise OverflowError),
// seeds must be ints or None (str, bytes and float seeds hash through
// SHA-512 or Python's float hash in CPython), sample() has no counts=.
// Seeding without a value (import, random.seed(), random.Random()) takes its
// seed from the run's seed instead of the OS, so a run is repeatable: see
// make_random_module.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "models/vm/random.h"

#include "models/vm/library.h"
#include "models/vm/ops.h"
#include "models/vm/vm.h"

namespace concsim::vm {

namespace {

using lib::index_error;
using lib::overflow;
using lib::type_error;
using lib::value_error;

constexpr int kN = 624;
constexpr int kM = 397;
constexpr std::uint32_t kMatrixA = 0x9908b0dfU;
constexpr std::uint32_t kUpperMask = 0x80000000U;
constexpr std::uint32_t kLowerMask = 0x7fffffffU;

struct RandomObj : NativeObj {
  explicit RandomObj(Value cls) : NativeObj(std::move(cls)) {}
  std::uint32_t mt[kN] = {};
  int index = kN + 1;
  Value gauss_next;  // None, or gauss()'s second value

  void init_genrand(std::uint32_t s) {
    mt[0] = s;
    for (int i = 1; i < kN; ++i) {
      mt[i] = 1812433253U * (mt[i - 1] ^ (mt[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
    }
    index = kN;
  }

  void init_by_array(const std::vector<std::uint32_t>& key) {
    init_genrand(19650218U);
    std::size_t i = 1;
    std::size_t j = 0;
    const std::size_t n = key.size();
    for (std::size_t k = (kN > n ? kN : n); k > 0; --k) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525U)) + key[j] + static_cast<std::uint32_t>(j);
      ++i;
      ++j;
      if (i >= kN) {
        mt[0] = mt[kN - 1];
        i = 1;
      }
      if (j >= n) j = 0;
    }
    for (std::size_t k = kN - 1; k > 0; --k) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941U)) - static_cast<std::uint32_t>(i);
      ++i;
      if (i >= kN) {
        mt[0] = mt[kN - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000U;
  }

  // random_seed with an int: the absolute value's 32-bit digits, least
  // significant first (at least one).
  void seed_int(std::uint64_t n) {
    std::vector<std::uint32_t> key;
    do {
      key.push_back(static_cast<std::uint32_t>(n & 0xffffffffU));
      n >>= 32;
    } while (n != 0);
    init_by_array(key);
    gauss_next = Value::none();
  }

  std::uint32_t next32() {
    static constexpr std::uint32_t mag01[2] = {0x0U, kMatrixA};
    std::uint32_t y;
    if (index >= kN) {
      int kk;
      for (kk = 0; kk < kN - kM; ++kk) {
        y = (mt[kk] & kUpperMask) | (mt[kk + 1] & kLowerMask);
        mt[kk] = mt[kk + kM] ^ (y >> 1) ^ mag01[y & 0x1U];
      }
      for (; kk < kN - 1; ++kk) {
        y = (mt[kk] & kUpperMask) | (mt[kk + 1] & kLowerMask);
        mt[kk] = mt[kk + (kM - kN)] ^ (y >> 1) ^ mag01[y & 0x1U];
      }
      y = (mt[kN - 1] & kUpperMask) | (mt[0] & kLowerMask);
      mt[kN - 1] = mt[kM - 1] ^ (y >> 1) ^ mag01[y & 0x1U];
      index = 0;
    }
    y = mt[index++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= (y >> 18);
    return y;
  }

  // random_random: a 53-bit float in [0, 1).
  double next_double() {
    const std::uint32_t a = next32() >> 5;
    const std::uint32_t b = next32() >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  // getrandbits(k), 0 < k <= 63: 32-bit words from the least significant.
  std::uint64_t bits(int k) {
    if (k <= 32) return next32() >> (32 - k);
    std::uint64_t lo = next32();
    std::uint64_t hi = next32() >> (64 - k);
    return lo | (hi << 32);
  }

  // _randbelow_with_getrandbits(n), n > 0.
  std::int64_t below(std::int64_t n) {
    int k = 0;
    for (std::uint64_t v = static_cast<std::uint64_t>(n); v != 0; v >>= 1) ++k;
    std::uint64_t r = bits(k);
    while (r >= static_cast<std::uint64_t>(n)) r = bits(k);
    return static_cast<std::int64_t>(r);
  }

  void clear() override {
    NativeObj::clear();
    gauss_next = Value();
  }
};

RandomObj* self_of(CallArgs& a) { return a.self.as<RandomObj>(); }

// Positional i or keyword `name` (unset when absent).
Value arg(const CallArgs& a, std::uint32_t i, std::string_view name) {
  if (i < a.npos()) return a.args[i];
  for (std::uint32_t k = 0; k < a.nkw; ++k) {
    if (str_of(a.kwnames[k]) == name) return a.args[a.npos() + k];
  }
  return Value::unset();
}

bool check_args(Vm& vm, const CallArgs& a, const char* fn, std::uint32_t max_pos,
                std::initializer_list<std::string_view> keywords) {
  if (a.npos() > max_pos) {
    type_error(vm, std::string(fn) + "() takes at most " + std::to_string(max_pos) + " positional arguments (" +
                       std::to_string(a.npos()) + " given)");
    return false;
  }
  for (std::uint32_t k = 0; k < a.nkw; ++k) {
    bool known = false;
    for (std::string_view kw : keywords) known = known || str_of(a.kwnames[k]) == kw;
    if (!known) {
      type_error(vm, std::string(fn) + "() got an unexpected keyword argument '" + str_of(a.kwnames[k]) + "'");
      return false;
    }
  }
  return true;
}

bool to_double(Vm& vm, const Value& v, double* out) {
  Value f = to_float(vm, v);
  if (f.is_error()) return false;
  *out = f.as_float();
  return true;
}

Value num(Vm& vm, ast::BinOp op, const Value& x, const Value& y) { return binary_op(vm, op, x, y); }

// ---- seeding ----

// A seed for a generator seeded without a value: the run's seed and how
// many such generators came before (splitmix64, so that each differs).
std::uint64_t derived_seed(Vm& vm, const Value& cls) {
  Value base = dict_get_str(cls.as<ClassObj>()->dict, vm.intern("_concsim_seed"));
  Value count = dict_get_str(cls.as<ClassObj>()->dict, vm.intern("_concsim_unseeded"));
  const std::uint64_t b = base.is(Kind::kInt) ? static_cast<std::uint64_t>(base.as_int()) : 0;
  const std::uint64_t c = count.is(Kind::kInt) ? static_cast<std::uint64_t>(count.as_int()) : 0;
  dict_set_str(cls.as<ClassObj>()->dict, vm.intern("_concsim_unseeded"),
               Value::integer(static_cast<std::int64_t>(c + 1)));
  std::uint64_t z = b + 0x9e3779b97f4a7c15ULL * (c + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (z ^ (z >> 31)) & 0x7fffffffffffffffULL;
}

bool seed_with(Vm& vm, RandomObj* r, const Value& a) {
  if (a.is_none() || a.is_unset()) {
    r->seed_int(derived_seed(vm, r->cls));
    return true;
  }
  if (a.is(Kind::kInt) || a.is(Kind::kBool)) {
    const std::int64_t n = a.as_int();
    // abs(), as random_seed takes it (exact for INT64_MIN too).
    r->seed_int(n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n));
    return true;
  }
  if (a.is(Kind::kStr) || a.is(Kind::kFloat)) {
    type_error(vm, std::string("not supported by concsim: random.seed() of a ") + (a.is(Kind::kStr) ? "str" : "float") +
                       " (seed with an int; see the README)");
    return false;
  }
  type_error(vm, "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.");
  return false;
}

Value r_new(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "Random", 1, {})) return Value::error();
  Value v = make<RandomObj>(a.self);
  if (!seed_with(vm, v.as<RandomObj>(), arg(a, 0, "x"))) return Value::error();
  return v;
}

Value r_seed(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "seed", 2, {"a", "version"})) return Value::error();
  if (!seed_with(vm, self_of(a), arg(a, 0, "a"))) return Value::error();
  return Value::none();
}

// ---- draws ----

Value r_random(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "random", 0, {})) return Value::error();
  return Value::floating(self_of(a)->next_double());
}

Value r_getrandbits(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "getrandbits", 1, {}) || a.npos() != 1) {
    return type_error(vm, "getrandbits() takes exactly one argument");
  }
  std::int64_t k;
  if (!index_of(vm, a.args[0], &k)) return Value::error();
  if (k < 0) return value_error(vm, "number of bits must be non-negative");
  if (k == 0) return Value::integer(0);
  if (k > 63) return overflow(vm, "getrandbits(" + std::to_string(k) + ")");
  return Value::integer(static_cast<std::int64_t>(self_of(a)->bits(static_cast<int>(k))));
}

Value r_randrange(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "randrange", 3, {"start", "stop", "step"})) return Value::error();
  Value start = arg(a, 0, "start");
  Value stop = arg(a, 1, "stop");
  Value step = arg(a, 2, "step");
  if (start.is_unset()) return type_error(vm, "randrange() missing 1 required positional argument: 'start'");
  std::int64_t istart;
  if (!index_of(vm, start, &istart)) return Value::error();
  RandomObj* r = self_of(a);
  if (stop.is_unset() || stop.is_none()) {
    if (!step.is_unset()) return type_error(vm, "Missing a non-None stop argument");
    if (istart > 0) return Value::integer(r->below(istart));
    return value_error(vm, "empty range for randrange()");
  }
  std::int64_t istop;
  if (!index_of(vm, stop, &istop)) return Value::error();
  std::int64_t istep = 1;
  if (!step.is_unset() && !index_of(vm, step, &istep)) return Value::error();
  const std::int64_t width = istop - istart;
  if (istep == 1) {
    if (width > 0) return Value::integer(istart + r->below(width));
    return value_error(vm, "empty range for randrange() (" + std::to_string(istart) + ", " + std::to_string(istop) +
                               ", " + std::to_string(width) + ")");
  }
  std::int64_t n;
  // Python's floor division.
  auto floordiv = [](std::int64_t x, std::int64_t y) {
    std::int64_t q = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
    return q;
  };
  if (istep > 0) {
    n = floordiv(width + istep - 1, istep);
  } else if (istep < 0) {
    n = floordiv(width + istep + 1, istep);
  } else {
    return value_error(vm, "zero step for randrange()");
  }
  if (n <= 0) return value_error(vm, "empty range for randrange()");
  return Value::integer(istart + istep * r->below(n));
}

Value r_randint(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "randint", 2, {"a", "b"})) return Value::error();
  Value lo = arg(a, 0, "a");
  Value hi = arg(a, 1, "b");
  if (lo.is_unset() || hi.is_unset()) return type_error(vm, "randint() missing required arguments 'a' and 'b'");
  Value hi1 = num(vm, ast::BinOp::kAdd, hi, Value::integer(1));
  if (hi1.is_error()) return hi1;
  const Value args[2] = {lo, hi1};
  CallArgs b;
  b.self = a.self;
  b.args = args;
  b.nargs = 2;
  return r_randrange(vm, b);
}

Value r_choice(Vm& vm, CallArgs& a) {
  if (a.npos() != 1 || a.nkw != 0) return type_error(vm, "choice() takes exactly one argument");
  const std::int64_t n = length(vm, a.args[0]);
  if (n < 0) return Value::error();
  if (n == 0) return index_error(vm, "Cannot choose from an empty sequence");
  return getitem(vm, a.args[0], Value::integer(self_of(a)->below(n)));
}

Value r_shuffle(Vm& vm, CallArgs& a) {
  if (a.npos() != 1 || a.nkw != 0) return type_error(vm, "shuffle() takes exactly one argument");
  const Value& x = a.args[0];
  const std::int64_t n = length(vm, x);
  if (n < 0) return Value::error();
  RandomObj* r = self_of(a);
  for (std::int64_t i = n - 1; i >= 1; --i) {
    const std::int64_t j = r->below(i + 1);
    Value xi = getitem(vm, x, Value::integer(i));
    if (xi.is_error()) return xi;
    Value xj = getitem(vm, x, Value::integer(j));
    if (xj.is_error()) return xj;
    if (setitem(vm, x, Value::integer(i), xj).is_error()) return Value::error();
    if (setitem(vm, x, Value::integer(j), xi).is_error()) return Value::error();
  }
  return Value::none();
}

Value r_sample(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "sample", 2, {"population", "k", "counts"})) return Value::error();
  Value pop = arg(a, 0, "population");
  Value kv = arg(a, 1, "k");
  Value counts = arg(a, 2, "counts");
  if (pop.is_unset() || kv.is_unset()) return type_error(vm, "sample() missing required arguments 'population' and 'k'");
  if (!counts.is_unset() && !counts.is_none()) {
    return type_error(vm, "not supported by concsim: random.sample() with counts= (see the README)");
  }
  if (!(pop.is(Kind::kList) || pop.is(Kind::kTuple) || pop.is(Kind::kStr) || pop.is(Kind::kRange))) {
    return type_error(vm, "Population must be a sequence.  For dicts or sets, use sorted(d).");
  }
  const std::int64_t n = length(vm, pop);
  if (n < 0) return Value::error();
  std::int64_t k;
  if (!index_of(vm, kv, &k)) return Value::error();
  if (k < 0 || k > n) return value_error(vm, "Sample larger than population or is negative");
  RandomObj* r = self_of(a);
  std::vector<Value> result(static_cast<std::size_t>(k));
  std::int64_t setsize = 21;
  if (k > 5) {
    // 4 ** ceil(log(k * 3, 4)), math.log(x, base) being log(x) / log(base).
    const double e = std::ceil(std::log(static_cast<double>(k * 3)) / std::log(4.0));
    setsize += static_cast<std::int64_t>(std::pow(4.0, e));
  }
  if (n <= setsize) {
    std::vector<Value> pool;
    pool.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      Value v = getitem(vm, pop, Value::integer(i));
      if (v.is_error()) return v;
      pool.push_back(std::move(v));
    }
    for (std::int64_t i = 0; i < k; ++i) {
      const std::int64_t j = r->below(n - i);
      result[static_cast<std::size_t>(i)] = pool[static_cast<std::size_t>(j)];
      pool[static_cast<std::size_t>(j)] = pool[static_cast<std::size_t>(n - i - 1)];
    }
  } else {
    std::set<std::int64_t> selected;
    for (std::int64_t i = 0; i < k; ++i) {
      std::int64_t j = r->below(n);
      while (selected.count(j) != 0) j = r->below(n);
      selected.insert(j);
      Value v = getitem(vm, pop, Value::integer(j));
      if (v.is_error()) return v;
      result[static_cast<std::size_t>(i)] = std::move(v);
    }
  }
  return make_list(std::move(result));
}

// bisect.bisect_right(a, x, lo, hi).
std::int64_t bisect_right(Vm& vm, const std::vector<Value>& a, const Value& x, std::int64_t lo, std::int64_t hi) {
  while (lo < hi) {
    const std::int64_t mid = (lo + hi) / 2;
    Value lt = rich_compare(vm, ast::CmpOp::kLt, x, a[static_cast<std::size_t>(mid)]);
    if (lt.is_error()) return -1;
    const int t = truthy(vm, lt);
    if (t < 0) return -1;
    if (t != 0) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

Value r_choices(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "choices", 2, {"population", "weights", "cum_weights", "k"})) return Value::error();
  Value pop = arg(a, 0, "population");
  Value weights = arg(a, 1, "weights");
  Value cum = arg(a, 2, "cum_weights");
  Value kv = arg(a, 3, "k");
  if (pop.is_unset()) return type_error(vm, "choices() missing 1 required positional argument: 'population'");
  std::int64_t k = 1;
  if (!kv.is_unset() && !index_of(vm, kv, &k)) return Value::error();
  const std::int64_t n = length(vm, pop);
  if (n < 0) return Value::error();
  RandomObj* r = self_of(a);
  std::vector<Value> out;
  const bool no_weights = weights.is_unset() || weights.is_none();
  const bool no_cum = cum.is_unset() || cum.is_none();
  if (no_cum) {
    if (no_weights) {
      const double nf = static_cast<double>(n);
      for (std::int64_t i = 0; i < k; ++i) {
        Value v = getitem(vm, pop, Value::integer(static_cast<std::int64_t>(std::floor(r->next_double() * nf))));
        if (v.is_error()) return v;
        out.push_back(std::move(v));
      }
      return make_list(std::move(out));
    }
  } else if (!no_weights) {
    return type_error(vm, "Cannot specify both weights and cumulative weights");
  }
  std::vector<Value> cw;
  Value src = no_cum ? weights : cum;
  Value it = get_iter(vm, src);
  if (it.is_error()) return it;
  Value acc = Value::unset();
  for (;;) {
    Value v = iter_next(vm, it);
    if (v.is_error()) return v;
    if (v.is_unset()) break;
    if (!no_cum) {
      cw.push_back(std::move(v));
      continue;
    }
    // itertools.accumulate(weights)
    acc = acc.is_unset() ? v : num(vm, ast::BinOp::kAdd, acc, v);
    if (acc.is_error()) return acc;
    cw.push_back(acc);
  }
  if (cw.empty()) return index_error(vm, "list index out of range");
  if (static_cast<std::int64_t>(cw.size()) != n) return value_error(vm, "The number of weights does not match the population");
  Value total_v = num(vm, ast::BinOp::kAdd, cw.back(), Value::floating(0.0));
  if (total_v.is_error()) return total_v;
  double total;
  if (!to_double(vm, total_v, &total)) return Value::error();
  if (total <= 0.0) return value_error(vm, "Total of weights must be greater than zero");
  if (!std::isfinite(total)) return value_error(vm, "Total of weights must be finite");
  for (std::int64_t i = 0; i < k; ++i) {
    const std::int64_t j = bisect_right(vm, cw, Value::floating(r->next_double() * total), 0, n - 1);
    if (j < 0) return Value::error();
    Value v = getitem(vm, pop, Value::integer(j));
    if (v.is_error()) return v;
    out.push_back(std::move(v));
  }
  return make_list(std::move(out));
}

Value r_uniform(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "uniform", 2, {"a", "b"})) return Value::error();
  Value lo = arg(a, 0, "a");
  Value hi = arg(a, 1, "b");
  if (lo.is_unset() || hi.is_unset()) return type_error(vm, "uniform() missing required arguments 'a' and 'b'");
  // a + (b - a) * self.random()
  Value w = num(vm, ast::BinOp::kSub, hi, lo);
  if (w.is_error()) return w;
  Value s = num(vm, ast::BinOp::kMult, w, Value::floating(self_of(a)->next_double()));
  if (s.is_error()) return s;
  return num(vm, ast::BinOp::kAdd, lo, s);
}

Value r_triangular(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "triangular", 3, {"low", "high", "mode"})) return Value::error();
  double low = 0.0;
  double high = 1.0;
  Value lo = arg(a, 0, "low");
  Value hi = arg(a, 1, "high");
  Value mode = arg(a, 2, "mode");
  if (!lo.is_unset() && !to_double(vm, lo, &low)) return Value::error();
  if (!hi.is_unset() && !to_double(vm, hi, &high)) return Value::error();
  double u = self_of(a)->next_double();
  double c = 0.5;
  if (!mode.is_unset() && !mode.is_none()) {
    double m;
    if (!to_double(vm, mode, &m)) return Value::error();
    if (high - low == 0.0) return lo.is_unset() ? Value::floating(low) : lo;
    c = (m - low) / (high - low);
  }
  if (u > c) {
    u = 1.0 - u;
    c = 1.0 - c;
    std::swap(low, high);
  }
  return Value::floating(low + (high - low) * std::sqrt(u * c));
}

bool mu_sigma(Vm& vm, const CallArgs& a, const char* fn, double* mu, double* sigma) {
  if (!check_args(vm, a, fn, 2, {"mu", "sigma"})) return false;
  *mu = 0.0;
  *sigma = 1.0;
  Value m = arg(a, 0, "mu");
  Value s = arg(a, 1, "sigma");
  if (!m.is_unset() && !to_double(vm, m, mu)) return false;
  if (!s.is_unset() && !to_double(vm, s, sigma)) return false;
  return true;
}

Value r_normalvariate(Vm& vm, CallArgs& a) {
  double mu, sigma;
  if (!mu_sigma(vm, a, "normalvariate", &mu, &sigma)) return Value::error();
  // Kinderman and Monahan's method, NV_MAGICCONST = 4 * exp(-0.5) / sqrt(2.0).
  const double magic = 4 * std::exp(-0.5) / std::sqrt(2.0);
  RandomObj* r = self_of(a);
  double z;
  for (;;) {
    const double u1 = r->next_double();
    const double u2 = 1.0 - r->next_double();
    z = magic * (u1 - 0.5) / u2;
    const double zz = z * z / 4.0;
    if (zz <= -std::log(u2)) break;
  }
  return Value::floating(mu + z * sigma);
}

Value r_gauss(Vm& vm, CallArgs& a) {
  double mu, sigma;
  if (!mu_sigma(vm, a, "gauss", &mu, &sigma)) return Value::error();
  RandomObj* r = self_of(a);
  Value z = std::move(r->gauss_next);
  r->gauss_next = Value::none();
  double zv;
  if (z.is_none() || z.is_unset()) {
    const double x2pi = r->next_double() * (2.0 * 3.141592653589793);
    const double g2rad = std::sqrt(-2.0 * std::log(1.0 - r->next_double()));
    zv = std::cos(x2pi) * g2rad;
    r->gauss_next = Value::floating(std::sin(x2pi) * g2rad);
  } else {
    zv = z.as_float();
  }
  return Value::floating(mu + zv * sigma);
}

Value r_expovariate(Vm& vm, CallArgs& a) {
  if (!check_args(vm, a, "expovariate", 1, {"lambd"})) return Value::error();
  Value l = arg(a, 0, "lambd");
  if (l.is_unset()) return type_error(vm, "expovariate() missing 1 required positional argument: 'lambd'");
  double lambd;
  if (!to_double(vm, l, &lambd)) return Value::error();
  if (lambd == 0.0) return vm.raise(vm.b().ZeroDivisionError, "float division by zero");
  return Value::floating(-std::log(1.0 - self_of(a)->next_double()) / lambd);
}

}  // namespace

Value make_random_module(Vm& vm, std::uint64_t run_seed) {
  Value m = vm.make_module("random");
  Value cls = vm.make_class("Random", "random", {vm.b().object}, Kind::kNative);
  cls.as<ClassObj>()->new_fn = r_new;
  const struct {
    const char* name;
    NativeFn fn;
  } methods[] = {{"seed", r_seed},
                 {"random", r_random},
                 {"getrandbits", r_getrandbits},
                 {"randrange", r_randrange},
                 {"randint", r_randint},
                 {"choice", r_choice},
                 {"shuffle", r_shuffle},
                 {"sample", r_sample},
                 {"choices", r_choices},
                 {"uniform", r_uniform},
                 {"triangular", r_triangular},
                 {"normalvariate", r_normalvariate},
                 {"gauss", r_gauss},
                 {"expovariate", r_expovariate}};
  for (const auto& f : methods) vm.set_class_attr(cls, f.name, vm.make_builtin(f.name, f.fn, nullptr, true));
  // Unseeded generators draw their seeds from the run's (derived_seed).
  vm.set_class_attr(cls, "_concsim_seed", Value::integer(static_cast<std::int64_t>(run_seed & 0x7fffffffffffffffULL)));
  vm.set_class_attr(cls, "_concsim_unseeded", Value::integer(0));
  vm.set_module_attr(m, "Random", cls);
  // The module's functions are the bound methods of one hidden instance,
  // as random.py's `_inst`.
  Value inst = make<RandomObj>(cls);
  inst.as<RandomObj>()->seed_int(derived_seed(vm, cls));
  for (const auto& f : methods) {
    Value b = vm.make_builtin(f.name, f.fn, nullptr, true);
    b.as<BuiltinObj>()->self = inst;
    vm.set_module_attr(m, f.name, b);
  }
  return m;
}

}  // namespace concsim::vm
