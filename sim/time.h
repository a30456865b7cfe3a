// Virtual time: signed 64-bit integer nanoseconds since the start of a run.
//
// Floating point appears only at the edges (parsing "1.5ms", printing "1.2 s").
// Every sum or product that could leave the int64 range goes through the
// checked helpers below, which report overflow instead of wrapping.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace concsim::sim {

using Time = std::int64_t;      // an instant, ns since the run started
using Duration = std::int64_t;  // a span, ns

inline constexpr Time kTimeMax = std::numeric_limits<Time>::max();
inline constexpr Duration kNanosecond = 1;
inline constexpr Duration kMicrosecond = 1'000;
inline constexpr Duration kMillisecond = 1'000'000;
inline constexpr Duration kSecond = 1'000'000'000;

// Returns false, and leaves *out unspecified, when a + b does not fit.
[[nodiscard]] inline bool checked_add(std::int64_t a, std::int64_t b, std::int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

// Returns false, and leaves *out unspecified, when a * b does not fit.
[[nodiscard]] inline bool checked_mul(std::int64_t a, std::int64_t b, std::int64_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}

// Exact decimal seconds with trailing zeros trimmed: 1200000000 -> "1.2s",
// 5000000 -> "0.005s", 0 -> "0s". Used by traces, where readers compare
// instants and a unit change between lines would hide the order.
std::string format_seconds(Time t);

// Human-scaled, for summaries: "350ns", "12.5us", "1.2ms", "3.04s" (three
// significant decimals at most, exact when shorter).
std::string format_duration(Duration d);

}  // namespace concsim::sim
