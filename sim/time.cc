#include "sim/time.h"

#include "sim/detail/int128.h"

#include <cstdlib>

namespace concsim::sim {
namespace {

// Writes |v| / unit with up to `decimals` decimals, trimming trailing zeros,
// rounding half away from zero on the dropped digits. Integer-only.
std::string scaled(std::int64_t v, std::int64_t unit, int decimals, const char* suffix) {
  const bool negative = v < 0;
  // Work in unsigned to cover INT64_MIN.
  unsigned long long mag = negative ? 0ULL - static_cast<unsigned long long>(v)
                                    : static_cast<unsigned long long>(v);
  unsigned long long u = static_cast<unsigned long long>(unit);
  unsigned long long pow10 = 1;
  for (int i = 0; i < decimals; ++i) pow10 *= 10;
  // Number of decimals representable exactly for this unit.
  unsigned long long whole = mag / u;
  unsigned long long rem = mag % u;
  // frac = round(rem * pow10 / u) without overflow (u <= 1e9, pow10 <= 1e9).
  sim::detail::UInt128 num = static_cast<detail::UInt128>(rem) * pow10;
  unsigned long long frac = static_cast<unsigned long long>((num + u / 2) / u);
  if (frac >= pow10) {
    whole += 1;
    frac -= pow10;
  }
  // Digits by hand, not snprintf: traces format a duration per line, and
  // glibc's snprintf costs about a thousand instructions a call (a
  // performance trick; the text is the same as "%llu" and "%0*llu" give).
  char buf[64];
  char* end = buf + sizeof buf;
  char* p = end;
  std::size_t suffix_len = 0;
  while (suffix[suffix_len] != '\0') ++suffix_len;
  p -= suffix_len;
  for (std::size_t i = 0; i < suffix_len; ++i) p[i] = suffix[i];
  if (decimals != 0 && frac != 0) {
    // The fraction, `decimals` digits with leading zeros, trailing zeros trimmed.
    int len = decimals;
    while (len > 0 && frac % 10 == 0) {
      frac /= 10;
      --len;
    }
    for (int i = 0; i < len; ++i) {
      *--p = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    *--p = '.';
  }
  do {
    *--p = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole != 0);
  if (negative) *--p = '-';
  return std::string(p, static_cast<std::size_t>(end - p));
}

}  // namespace

std::string format_seconds(Time t) { return scaled(t, kSecond, 9, "s"); }

std::string format_duration(Duration d) {
  const unsigned long long mag =
      d < 0 ? 0ULL - static_cast<unsigned long long>(d) : static_cast<unsigned long long>(d);
  if (mag < 1'000ULL) return scaled(d, 1, 0, "ns");
  if (mag < 1'000'000ULL) return scaled(d, kMicrosecond, 3, "us");
  if (mag < 1'000'000'000ULL) return scaled(d, kMillisecond, 3, "ms");
  return scaled(d, kSecond, 3, "s");
}

}  // namespace concsim::sim
