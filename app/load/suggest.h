// "Did you mean" suggestions for unknown keys and enum values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace concsim::load {

// Damerau-Levenshtein distance (insertions, deletions, substitutions and
// transpositions of adjacent characters, each costing 1; unrestricted, so a
// transposed pair may be edited further). Compares bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The choice closest to `got`, or "" when none is close enough to be a likely
// typo: a choice qualifies when its distance is at most max(1, len / 3), len
// being the choice's length. Ties go to the earlier choice.
std::string suggest(std::string_view got, const std::vector<std::string>& choices);

}  // namespace concsim::load
