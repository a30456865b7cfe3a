#include "models/threads/cache_model.h"

#include <algorithm>

namespace concsim::models {
namespace {

std::int64_t clamp_bytes(std::int64_t v, std::int64_t hi) { return std::clamp<std::int64_t>(v, 0, hi); }

// a * b, saturated at a bound far above any run's length.
sim::Duration times(sim::Duration a, std::int64_t b) {
  constexpr sim::Duration kCap = sim::kTimeMax / 8;
  if (a <= 0 || b <= 0) return 0;
  return b > kCap / a ? kCap : a * b;
}

}  // namespace

CacheModel::CacheModel(const CacheProfile& p, int cores)
    : p_(p), enabled_(p.private_bytes > 0 && p.line > 0), core_bytes_(static_cast<std::size_t>(std::max(cores, 1)), 0) {
  p_.line = std::max<std::int64_t>(p_.line, 1);
  p_.misses_in_flight = std::max<std::int64_t>(p_.misses_in_flight, 1);
  p_.private_ways = std::max<std::int64_t>(p_.private_ways, 1);
  p_.shared_ways = std::max<std::int64_t>(p_.shared_ways, 1);
}

sim::Duration CacheModel::switch_in(std::uint32_t thread, int core, std::int64_t bytes) {
  if (!enabled_) return 0;
  if (thread >= marks_.size()) marks_.resize(static_cast<std::size_t>(thread) + 1);
  Mark& m = marks_[thread];
  const auto c = static_cast<std::size_t>(core);
  const std::int64_t w = std::max<std::int64_t>(bytes, 0);
  std::int64_t lost_private = w;  // never ran, or ran on another core: nothing of it is here
  std::int64_t lost_shared = w;   // never ran: all of it comes from memory
  if (m.core_bytes >= 0) {
    if (m.core == core) lost_private = clamp_bytes(core_bytes_[c] - m.core_bytes + w - p_.private_bytes, w);
    lost_shared = p_.shared_bytes > 0 ? clamp_bytes(shared_bytes_ - m.shared_bytes + w - p_.shared_bytes, w)
                                      : lost_private;  // no shared level: a line not here is in memory
    // Without a shared cache a migrated thread's lines come from the other
    // core's cache (or memory): priced at shared_hit, as the profile says.
    if (p_.shared_bytes == 0 && m.core != core) lost_shared = 0;
    lost_shared = std::min(lost_shared, lost_private);
  }
  const std::int64_t from_shared = (lost_private - lost_shared + p_.line - 1) / p_.line;
  const std::int64_t from_memory = (lost_shared + p_.line - 1) / p_.line;
  core_bytes_[c] += w;
  shared_bytes_ += w;
  m.core_bytes = core_bytes_[c];
  m.shared_bytes = shared_bytes_;
  m.core = core;
  return (times(p_.shared_hit, from_shared) + times(p_.memory, from_memory)) / p_.misses_in_flight;
}

std::int64_t CacheModel::capacity(std::int64_t size, std::int64_t ways, std::int64_t lines) const {
  if (size <= 0) return 0;
  lines = std::max<std::int64_t>(lines, 1);
  if (p_.task_align <= 0) return size / (lines * p_.line);
  const std::int64_t way_bytes = size / ways;
  // Objects at a stride of task_align: their line k falls into (way_bytes /
  // stride) sets, or into one when the stride is a way or more.
  const std::int64_t sets_per_offset = std::max<std::int64_t>(way_bytes / p_.task_align, 1);
  return sets_per_offset * ways;
}

sim::Duration CacheModel::per_line(std::int64_t n, std::int64_t lines) const {
  if (n <= capacity(p_.private_bytes, p_.private_ways, lines)) return p_.private_hit;
  if (p_.shared_bytes > 0 && n <= capacity(p_.shared_bytes, p_.shared_ways, lines)) return p_.shared_hit;
  return p_.memory;
}

sim::Duration CacheModel::scan(std::int64_t n, std::int64_t bytes_per_object) const {
  if (!enabled_ || n <= 0) return 0;
  const std::int64_t lines = std::max<std::int64_t>((bytes_per_object + p_.line - 1) / p_.line, 1);
  // A scan's loads depend on each other (the next pointer is in the line
  // just loaded): no misses overlap.
  return times(per_line(n, lines), n * lines);
}

sim::Duration CacheModel::access(std::int64_t n, std::int64_t bytes) const {
  if (!enabled_ || n <= 0) return 0;
  const std::int64_t lines = std::max<std::int64_t>((bytes + p_.line - 1) / p_.line, 1);
  return times(per_line(n, lines), lines);
}

}  // namespace concsim::models
