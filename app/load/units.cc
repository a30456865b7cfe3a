#include "app/load/units.h"

#include <array>
#include <cstdint>
#include <limits>

#include "app/load/text.h"
#include "sim/detail/int128.h"

namespace concsim::load {
namespace {

using sim::detail::Int128;
using sim::detail::UInt128;

// A decimal number followed by a unit, split but not yet evaluated.
struct Quantity {
  bool negative = false;
  std::string_view int_digits;   // may be empty when the fraction is not: ".5ms"
  std::string_view frac_digits;  // digits after '.', possibly empty
  std::string_view unit;         // the rest after optional spaces; may be empty
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Splits "[+-]digits[.digits][ ]*unit". Returns false when there is no digit
// or the text has no number at its start.
bool split_quantity(std::string_view text, Quantity* q) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    q->negative = text[i] == '-';
    ++i;
  }
  const std::size_t int_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  q->int_digits = text.substr(int_start, i - int_start);
  if (i < text.size() && text[i] == '.') {
    ++i;
    const std::size_t frac_start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    q->frac_digits = text.substr(frac_start, i - frac_start);
  }
  if (q->int_digits.empty() && q->frac_digits.empty()) return false;
  while (i < text.size() && text[i] == ' ') ++i;
  q->unit = text.substr(i);
  return true;
}

bool all_zero(std::string_view digits) {
  for (char c : digits) {
    if (c != '0') return false;
  }
  return true;
}

enum class Scaled { kOk, kOverflow, kInexact, kTooPrecise };

// Evaluates q's number times `unit` exactly into *out. Every intermediate fits
// in 128 bits: the integer part has at most 19 significant digits, the
// fraction at most 18, and units are below 2^42.
Scaled scale(const Quantity& q, std::uint64_t unit, std::int64_t* out) {
  std::string_view int_digits = q.int_digits;
  while (!int_digits.empty() && int_digits.front() == '0') int_digits.remove_prefix(1);
  std::string_view frac_digits = q.frac_digits;
  while (!frac_digits.empty() && frac_digits.back() == '0') frac_digits.remove_suffix(1);
  // Ten to the 19th already exceeds int64 before any unit applies.
  if (int_digits.size() > 19) return Scaled::kOverflow;
  if (frac_digits.size() > 18) return Scaled::kTooPrecise;

  UInt128 whole = 0;
  for (char c : int_digits) whole = whole * 10 + static_cast<unsigned>(c - '0');
  UInt128 frac = 0;
  UInt128 frac_scale = 1;
  for (char c : frac_digits) {
    frac = frac * 10 + static_cast<unsigned>(c - '0');
    frac_scale *= 10;
  }
  const UInt128 frac_units = frac * unit;
  if (frac_units % frac_scale != 0) return Scaled::kInexact;
  const UInt128 magnitude = whole * unit + frac_units / frac_scale;
  const UInt128 limit = static_cast<UInt128>(std::numeric_limits<std::int64_t>::max()) +
                        (q.negative ? 1 : 0);
  if (magnitude > limit) return Scaled::kOverflow;
  *out = static_cast<std::int64_t>(q.negative ? -static_cast<Int128>(magnitude)
                                              : static_cast<Int128>(magnitude));
  return Scaled::kOk;
}

void set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

struct Unit {
  std::string_view name;
  std::uint64_t value;
};

constexpr std::array<Unit, 8> kDurationUnits{{
    {"ns", 1},
    {"us", 1'000},
    {"\u00b5s", 1'000},  // MICRO SIGN, what most keyboards produce
    {"\u03bcs", 1'000},  // GREEK SMALL LETTER MU, what some editors substitute
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

constexpr std::array<Unit, 9> kSizeUnits{{
    {"B", 1},
    {"KiB", 1ULL << 10},
    {"MiB", 1ULL << 20},
    {"GiB", 1ULL << 30},
    {"TiB", 1ULL << 40},
    {"KB", 1'000},
    {"MB", 1'000'000},
    {"GB", 1'000'000'000},
    {"TB", 1'000'000'000'000},
}};

template <std::size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view name) {
  for (const Unit& u : units) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

// Writes mag / 10^decimals exactly, trimming trailing zeros of the fraction.
std::string exact_decimal(std::uint64_t mag, int decimals) {
  std::uint64_t unit = 1;
  for (int i = 0; i < decimals; ++i) unit *= 10;
  std::string out = std::to_string(mag / unit);
  const std::uint64_t rem = mag % unit;
  if (rem == 0) return out;
  std::string digits = std::to_string(rem);
  digits.insert(0, static_cast<std::size_t>(decimals) - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

std::uint64_t magnitude_of(std::int64_t v) {
  return v < 0 ? 0ULL - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

}  // namespace

std::optional<sim::Duration> parse_duration(std::string_view text, std::string* error) {
  const std::string expected = "expected a duration like \"10ms\"";
  Quantity q;
  if (!split_quantity(text, &q)) {
    set_error(error, expected + ", got " + quote(text));
    return std::nullopt;
  }
  if (q.unit.empty()) {
    if (all_zero(q.int_digits) && all_zero(q.frac_digits)) return 0;
    set_error(error, expected + "; a bare number needs a unit");
    return std::nullopt;
  }
  const Unit* unit = find_unit(kDurationUnits, q.unit);
  if (unit == nullptr) {
    set_error(error, expected + ", got " + quote(text) + "; units are ns, us, ms, s, m, h");
    return std::nullopt;
  }
  std::int64_t ns = 0;
  switch (scale(q, unit->value, &ns)) {
    case Scaled::kOk:
      return ns;
    case Scaled::kOverflow:
      set_error(error, quote(text) +
                           " does not fit; the maximum duration is 9223372036854775807ns "
                           "(about 292 years)");
      return std::nullopt;
    case Scaled::kInexact:
    case Scaled::kTooPrecise:
      // Both mean a fraction of a nanosecond: with more than 13 significant
      // decimals no unit up to an hour (2^13 * 3^2 * 5^11 ns) can be exact.
      set_error(error, std::string(text) + ": finer than 1 ns");
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_size(std::string_view text, std::string* error) {
  const std::string expected = "expected a size like \"64KiB\"";
  Quantity q;
  if (!split_quantity(text, &q)) {
    set_error(error, expected + ", got " + quote(text));
    return std::nullopt;
  }
  const Unit bytes{"B", 1};
  const Unit* unit = q.unit.empty() ? &bytes : find_unit(kSizeUnits, q.unit);
  if (unit == nullptr) {
    set_error(error, expected + ", got " + quote(text) +
                         "; units are B, KiB, MiB, GiB, TiB, KB, MB, GB, TB");
    return std::nullopt;
  }
  std::int64_t value = 0;
  switch (scale(q, unit->value, &value)) {
    case Scaled::kOk:
      return value;
    case Scaled::kOverflow:
      set_error(error, quote(text) +
                           " does not fit; the maximum size is 9223372036854775807 bytes "
                           "(8 EiB)");
      return std::nullopt;
    case Scaled::kInexact:
      set_error(error, quote(text) + " is not a whole number of bytes");
      return std::nullopt;
    case Scaled::kTooPrecise:
      set_error(error, quote(text) + " has more than 18 decimal places");
      return std::nullopt;
  }
  return std::nullopt;
}

std::string format_size(std::int64_t bytes) {
  const std::uint64_t mag = magnitude_of(bytes);
  const std::string sign = bytes < 0 ? "-" : "";
  static constexpr std::array<Unit, 4> kBinary{{
      {"TiB", 1ULL << 40},
      {"GiB", 1ULL << 30},
      {"MiB", 1ULL << 20},
      {"KiB", 1ULL << 10},
  }};
  for (const Unit& u : kBinary) {
    // Exact with three decimals means mag * 1000 is a multiple of the unit.
    if (mag >= u.value && (static_cast<UInt128>(mag) * 1000) % u.value == 0) {
      const std::uint64_t whole = mag / u.value;
      const std::uint64_t thousandths = (mag % u.value) * 1000 / u.value;
      std::string out = sign + std::to_string(whole);
      if (thousandths != 0) {
        std::string digits = std::to_string(thousandths);
        digits.insert(0, 3 - digits.size(), '0');
        while (digits.back() == '0') digits.pop_back();
        out += "." + digits;
      }
      return out + std::string(u.name);
    }
  }
  return sign + std::to_string(mag) + "B";
}

std::string format_duration_exact(sim::Duration d) {
  const std::uint64_t mag = magnitude_of(d);
  const std::string sign = d < 0 ? "-" : "";
  if (mag == 0) return "0s";
  constexpr std::uint64_t kMinute = 60'000'000'000;
  constexpr std::uint64_t kHour = 3'600'000'000'000;
  if (mag % kHour == 0) return sign + std::to_string(mag / kHour) + "h";
  if (mag % kMinute == 0) return sign + std::to_string(mag / kMinute) + "m";
  if (mag >= 1'000'000'000) return sign + exact_decimal(mag, 9) + "s";
  if (mag >= 1'000'000) return sign + exact_decimal(mag, 6) + "ms";
  if (mag >= 1'000) return sign + exact_decimal(mag, 3) + "us";
  return sign + std::to_string(mag) + "ns";
}

}  // namespace concsim::load
