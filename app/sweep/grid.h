// The points of a sweep: the outer product of the varied keys' values (the
// first --vary outermost), the models and the replications (innermost), each
// with a canonical name, a file name and a seed that depend on the point
// alone, never on --jobs, the order points run in, or sharding. A "point"
// here is one run; the replications of one (values, model) form a group,
// which the report shows as one row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/sweep/definition.h"

namespace concsim::sweep {

struct Point {
  std::size_t index = 0;                                    // in grid order
  std::vector<std::pair<std::string, std::string>> values;  // (key, value), in --vary order
  std::string model;
  std::uint64_t replication = 1;  // 1-based
  std::size_t group = 0;          // index of its (values, model) among the groups, in grid order
  std::string name;       // canonical: "connections=100 model=async", "... model=async rep=2" when replicated
  std::string file_name;  // "connections=100,model=async.json", safe in any file system
  std::uint64_t seed = 0;
};

// A grid larger than this is refused before any point is made: at a second
// a point it is more than a day of runs, and a hostile sweep.json or
// baseline (three keys of a thousand values) would otherwise ask for a
// billion points' worth of memory.
inline constexpr std::size_t kMaxPoints = 100'000;

// The points in grid order (each replication its own point). Throws
// InputError for a key without values, a grid over kMaxPoints (replications
// counted), or two points whose names or file names coincide.
std::vector<Point> expand(const Definition& d);

// "k1=v1 k2=v2 model=m".
std::string canonical_name(const std::vector<std::pair<std::string, std::string>>& values, const std::string& model);

// A point's seed: the sweep seed (Seeding::kCommon), or the sweep seed mixed
// with the canonical text of its varied values (kPerPoint); never the model,
// so the models of a comparison face the same random draws. When `seed`
// itself is varied, its value is the seed. Replication 1 runs with that
// seed, replication r > 1 with replication_seed(seed, r).
std::uint64_t point_seed(const Definition& d, const std::vector<std::pair<std::string, std::string>>& values);
std::uint64_t replication_seed(std::uint64_t seed, std::uint64_t replication);

struct Shard {
  std::size_t k = 1;  // 1-based
  std::size_t n = 1;
};
// "K/N" with 1 <= K <= N. Throws InputError.
Shard parse_shard(const std::string& text);
// Shard K of N runs the points whose index % N == K - 1.
bool in_shard(const Point& p, const Shard& s);

}  // namespace concsim::sweep
