#include "app/sweep/decimal.h"

#include "app/report/json.h"
#include "sim/detail/int128.h"

namespace concsim::sweep {
namespace {

using sim::detail::Int128;

Int128 pow10(int n) {
  Int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// Both values on the larger of the two scales; 128 bits hold any int64
// times 10^18.
void align(const Decimal& a, const Decimal& b, Int128& x, Int128& y) {
  const int s = a.scale > b.scale ? a.scale : b.scale;
  x = static_cast<Int128>(a.mantissa) * pow10(s - a.scale);
  y = static_cast<Int128>(b.mantissa) * pow10(s - b.scale);
}

Int128 abs128(Int128 v) { return v < 0 ? -v : v; }

}  // namespace

std::optional<Decimal> parse_decimal(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  Int128 mantissa = 0;
  int digits = 0;
  int scale = 0;
  bool seen_point = false;
  bool last_digit = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      mantissa = mantissa * 10 + (c - '0');
      if (mantissa != 0) ++digits;
      if (seen_point) ++scale;
      if (digits > 18 || scale > 18) return std::nullopt;
      last_digit = true;
    } else if (c == '_' && last_digit && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
      last_digit = false;
    } else if (c == '.' && !seen_point && last_digit && i + 1 < text.size() && text[i + 1] >= '0' &&
               text[i + 1] <= '9') {
      seen_point = true;
      last_digit = false;
    } else {
      return std::nullopt;
    }
  }
  if (!last_digit) return std::nullopt;
  return Decimal{static_cast<std::int64_t>(negative ? -mantissa : mantissa), scale};
}

int compare(const Decimal& a, const Decimal& b) {
  Int128 x = 0;
  Int128 y = 0;
  align(a, b, x, y);
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool exceeds(const Decimal& base, const Decimal& now, std::int64_t ppm) {
  Int128 b = 0;
  Int128 n = 0;
  align(base, now, b, n);
  const Int128 diff = abs128(n - b);
  if (diff == 0) return false;
  if (b == 0) return true;
  // diff * 1e6 <= 10^18 * 2^64 * 1e6 would overflow for extreme values, so
  // compare diff / |b| > ppm / 1e6 by division when the product is too large.
  const Int128 limit = static_cast<Int128>(1) << 100;
  if (diff < limit / 1'000'000) return diff * 1'000'000 > static_cast<Int128>(ppm) * abs128(b);
  return diff / abs128(b) * 1'000'000 > static_cast<Int128>(ppm);
}

std::string percent_change(const Decimal& base, const Decimal& now) {
  Int128 b = 0;
  Int128 n = 0;
  align(base, now, b, n);
  if (b == 0) return n == 0 ? "0.00%" : "new";
  const Int128 diff = n - b;
  // Two decimals, or as many more (up to six) as a small change needs to
  // show at all: a deterministic simulator's changes can be tiny and real.
  for (int decimals = 2;; decimals += 2) {
    const Int128 scale = pow10(decimals + 2);  // percent * 10^decimals
    // Rounded half away from zero, on twice the value; a difference too
    // large to scale first is divided first.
    const Int128 limit = static_cast<Int128>(1) << 100;
    Int128 q = abs128(diff) < limit ? diff * scale * 2 / abs128(b) : diff / abs128(b) * scale * 2;
    q = q >= 0 ? (q + 1) / 2 : (q - 1) / 2;
    if (b < 0) q = -q;
    if (q == 0 && decimals < 6) continue;
    const Int128 cap = static_cast<Int128>(1) << 62;  // keeps the cast below exact
    if (q > cap) q = cap;
    if (q < -cap) q = -cap;
    std::string out = q > 0 || (q == 0 && diff > 0) ? "+" : (q == 0 ? "-" : "");
    out += report::fixed(static_cast<std::int64_t>(q), static_cast<std::int64_t>(pow10(decimals)), decimals);
    out += '%';
    return out;
  }
}

double to_double(const Decimal& d) {
  double v = static_cast<double>(d.mantissa);
  for (int i = 0; i < d.scale; ++i) v /= 10.0;
  return v;
}

}  // namespace concsim::sweep
