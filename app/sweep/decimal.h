// Exact decimal numbers as reports write them ("1234.5", "-3", "0.250000"):
// a sweep compares and plots figures read back from text, and doing that
// through integers keeps every comparison (`check`'s tolerances) exact and
// every result the same on every machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace concsim::sweep {

struct Decimal {
  std::int64_t mantissa = 0;  // value = mantissa / 10^scale
  int scale = 0;              // decimals, 0..18
};

// "-12", "3.25", "1_000" (underscores between digits, as YAML integers
// allow); no exponent, at most 18 significant digits. nullopt otherwise.
std::optional<Decimal> parse_decimal(std::string_view text);

// -1, 0 or 1.
int compare(const Decimal& a, const Decimal& b);

// Whether |now - base| exceeds `ppm` parts per million of |base|. With a
// base of 0 any other value exceeds it.
bool exceeds(const Decimal& base, const Decimal& now, std::int64_t ppm);

// (now - base) / base as a signed percentage with two decimals ("+20.00%",
// "-0.31%"), or four or six when fewer would show a change as 0
// ("+0.0043%"); "new" when base is 0 and now is not.
std::string percent_change(const Decimal& base, const Decimal& now);

// The value as a double, for plotting only.
double to_double(const Decimal& d);

}  // namespace concsim::sweep
