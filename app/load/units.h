// Exact parsing and printing of durations and byte sizes in config files.
//
// Numbers are parsed digit by digit into integers, never through a double, so
// "0.1s" is exactly 100000000 ns and every run reads the same value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/time.h"

namespace concsim::load {

// "<number><unit>" with unit ns, us (also "µs" or "μs"), ms, s, m (minutes) or
// h; the number may carry a sign and a decimal fraction ("1.5ms"), and spaces
// may separate it from the unit ("10 ms"). A bare 0 needs no unit. Returns
// nullopt and sets *error (when error is not null) to a message without
// location when the text is not a duration, names a fraction of a nanosecond,
// or does not fit in int64 nanoseconds.
std::optional<sim::Duration> parse_duration(std::string_view text, std::string* error);

// Bytes: "<number><unit>" with unit B, KiB, MiB, GiB, TiB (powers of 1024) or
// KB, MB, GB, TB (powers of 1000), or a bare number of bytes. Decimals are
// allowed when the result is a whole number of bytes ("1.5KiB" = 1536).
// Returns nullopt and sets *error like parse_duration.
std::optional<std::int64_t> parse_size(std::string_view text, std::string* error);

// The largest binary unit (KiB..TiB) that is at most the value and shows it
// exactly with at most 3 decimals, else bytes: 8192 -> "8KiB",
// 1572864 -> "1.5MiB", 10485760000 -> "10000MiB", 1000 -> "1000B".
std::string format_size(std::int64_t bytes);

// Exact and parseable back by parse_duration: whole hours or minutes when the
// value is a multiple of one, else the largest of s, ms, us, ns that is at most
// the value, with as many decimals as needed: 5400000000000 -> "90m",
// 1500000 -> "1.5ms", 0 -> "0s". Used for limits in error messages.
std::string format_duration_exact(sim::Duration d);

}  // namespace concsim::load
