#include "app/sweep/grid.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "app/sweep/escape.h"
#include "app/sweep/hash.h"

namespace concsim::sweep {
namespace {

// File names stay well below the usual 255-byte limit; a longer one keeps
// its start and ends in a hash of the whole name.
constexpr std::size_t kMaxFileName = 200;

std::string file_name_of(const std::vector<std::pair<std::string, std::string>>& values, const std::string& model,
                         std::uint64_t replication) {
  std::string name;
  for (const auto& [key, value] : values) {
    name += file_name_piece(key);
    name += '=';
    name += file_name_piece(value);
    name += ',';
  }
  name += "model=";
  name += file_name_piece(model);
  if (replication > 0) name += ",rep=" + std::to_string(replication);
  if (name.size() > kMaxFileName) {
    const std::string hash = hex64(fnv1a64(name));
    name.resize(kMaxFileName - 1 - hash.size());
    name += '~';
    name += hash;
  }
  name += ".json";
  return name;
}

bool parse_count(std::string_view text, std::size_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string canonical_name(const std::vector<std::pair<std::string, std::string>>& values, const std::string& model) {
  std::string name;
  for (const auto& [key, value] : values) {
    name += key;
    name += '=';
    name += value;
    name += ' ';
  }
  name += "model=";
  name += model;
  return name;
}

std::uint64_t replication_seed(std::uint64_t seed, std::uint64_t replication) {
  if (replication <= 1) return seed;
  // Workload seeds are at most INT64_MAX.
  return mix64(seed ^ mix64(0x7265706c69636174ULL + replication)) >> 1;
}

std::uint64_t point_seed(const Definition& d, const std::vector<std::pair<std::string, std::string>>& values) {
  const std::uint64_t sweep_seed = d.seed;
  std::string text;
  for (const auto& [key, value] : values) {
    if (key == "seed") {
      std::uint64_t s = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), s);
      // A value that is not a seed is reported when the point is loaded.
      return ec == std::errc() && end == value.data() + value.size() ? s : 0;
    }
    text += key;
    text += '=';
    text += value;
    text += ' ';
  }
  if (d.seeding == Seeding::kCommon) return sweep_seed;
  // Workload seeds are at most INT64_MAX.
  return mix64(sweep_seed ^ mix64(fnv1a64(text))) >> 1;
}

std::vector<Point> expand(const Definition& d) {
  std::size_t size = d.models.size();
  std::string factors;
  for (const Vary& v : d.vary) {
    if (v.values.empty()) throw InputError("--vary " + v.key + ": no values");
    size = v.values.size() > kMaxPoints ? kMaxPoints + 1 : std::min(size * v.values.size(), kMaxPoints + 1);
    factors += std::to_string(v.values.size()) + " values x ";
  }
  factors += std::to_string(d.models.size()) + " models";
  if (d.replications > 1) {
    size = std::min<std::size_t>(size * d.replications, kMaxPoints + 1);
    factors += " x " + std::to_string(d.replications) + " replications";
  }
  if (size > kMaxPoints) {
    throw InputError("the grid (" + factors + ") has more than " + std::to_string(kMaxPoints) +
                     " points; split it into several sweeps");
  }
  std::vector<Point> points;
  points.reserve(size);
  std::size_t group = 0;
  std::vector<std::size_t> at(d.vary.size(), 0);
  std::set<std::string> names;
  std::set<std::string> files;
  while (true) {
    std::vector<std::pair<std::string, std::string>> values;
    for (std::size_t k = 0; k < d.vary.size(); ++k) values.emplace_back(d.vary[k].key, d.vary[k].values[at[k]]);
    const std::uint64_t seed = point_seed(d, values);
    const bool replicated = d.replications > 1;
    for (const std::string& model : d.models) {
      const std::string name = canonical_name(values, model);
      if (!names.insert(name).second) {
        throw InputError("two points share the name \"" + name + "\"; make the values distinct");
      }
      for (std::uint64_t r = 1; r <= d.replications; ++r) {
        Point p;
        p.index = points.size();
        p.group = group;
        p.values = values;
        p.model = model;
        p.replication = r;
        p.name = replicated ? name + " rep=" + std::to_string(r) : name;
        p.file_name = file_name_of(values, model, replicated ? r : 0);
        p.seed = replication_seed(seed, r);
        if (!files.insert(p.file_name).second) {
          throw InputError("two points share the name \"" + p.name + "\"; make the values distinct");
        }
        points.push_back(std::move(p));
      }
      ++group;
    }
    // The next combination, the last key turning fastest.
    std::size_t k = d.vary.size();
    while (k > 0) {
      --k;
      if (++at[k] < d.vary[k].values.size()) break;
      at[k] = 0;
      if (k == 0) return points;
    }
    if (d.vary.empty()) return points;
  }
}

Shard parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  Shard s;
  if (slash == std::string::npos || !parse_count(std::string_view(text).substr(0, slash), s.k) ||
      !parse_count(std::string_view(text).substr(slash + 1), s.n) || s.n == 0 || s.k == 0 || s.k > s.n) {
    throw InputError("--shard \"" + text + "\": expected K/N with 1 <= K <= N, e.g. --shard 2/3");
  }
  return s;
}

bool in_shard(const Point& p, const Shard& s) { return p.index % s.n == s.k - 1; }

}  // namespace concsim::sweep
