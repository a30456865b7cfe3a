// The sweep's two hashes, both fixed algorithms so that a point's seed and a
// workload's fingerprint are the same on every machine and in every version:
// FNV-1a (64 bits) over bytes, and SplitMix64's finaliser to mix integers.
// Neither is meant to resist an adversary; they name and seed, not protect.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace concsim::sweep {

std::uint64_t fnv1a64(std::string_view bytes);
std::uint64_t mix64(std::uint64_t x);
// 16 lowercase hex digits.
std::string hex64(std::uint64_t v);

}  // namespace concsim::sweep
