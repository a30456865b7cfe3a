// The Completely Fair Scheduler (Linux 2.6.23 and later; kernel/sched/fair.c
// of Linux 6.1): a run queue per CPU whose tasks are ordered by vruntime in a
// red-black tree; the leftmost (least vruntime) runs next. Every thread here
// has nice 0 (weight 1024), so vruntime advances as fast as real time on a
// core. What this queue keeps of fair.c:
//   - update_curr: the thread leaving a core is charged the time it ran;
//     min_vruntime follows the smallest vruntime of the queue and the
//     thread on the core, never going back.
//   - place_entity: a new thread starts one slice after min_vruntime
//     (START_DEBIT); a woken thread at max(its vruntime, min_vruntime -
//     sched_latency / 2) (GENTLE_FAIR_SLEEPERS), so a sleeper gains at most
//     half a latency period over the others.
//   - check_preempt_wakeup: a woken thread preempts the running one when it
//     is more than wakeup_granularity behind it in vruntime.
//   - migration: a thread moved to another CPU keeps its vruntime relative
//     to min_vruntime (vruntime - old min + new min).
// The slice (sched_slice: sched_latency / nr_running, at least
// min_granularity) is the Scheduler's. Ties in vruntime go to the thread
// queued first.
#include <algorithm>
#include <set>
#include <vector>

#include "models/threads/run_queue.h"

namespace concsim::models {
namespace {

class CfsQueue final : public RunQueue {
 public:
  CfsQueue(const MachineProfile& p, int cores, const std::vector<std::int32_t>& last_core)
      : latency_(p.sched_latency),
        min_granularity_(p.min_granularity),
        wakeup_granularity_(p.wakeup_granularity),
        last_core_(last_core),
        cpus_(static_cast<std::size_t>(cores)) {}

  [[nodiscard]] bool per_core() const override { return true; }

  void push(std::uint32_t t, int core, bool woken, bool /*expired*/) override {
    if (t >= vruntime_.size()) vruntime_.resize(static_cast<std::size_t>(t) + 1, kNew);
    Cpu& c = cpus_[static_cast<std::size_t>(core)];
    std::int64_t& v = vruntime_[t];
    if (v == kNew) {
      const auto n = static_cast<std::int64_t>(c.tree.size()) + 1;
      v = c.min_vruntime + std::max(latency_ / n, min_granularity_);
    } else {
      const std::int32_t from = t < last_core_.size() ? last_core_[t] : -1;
      if (from >= 0 && from != core) v += c.min_vruntime - cpus_[static_cast<std::size_t>(from)].min_vruntime;
      if (woken) v = std::max(v, c.min_vruntime - latency_ / 2);
    }
    c.tree.insert(Key{v, ++seq_, t});
    ++total_;
  }

  std::uint32_t pop(int core) override { return take(cpus_[static_cast<std::size_t>(core)], true); }

  std::uint32_t steal(int from, int to) override {
    Cpu& c = cpus_[static_cast<std::size_t>(from)];
    // detach_tasks() walks the source's task list from its tail: the thread
    // that has run most (the largest vruntime), the least urgent there.
    const std::uint32_t t = take(c, false);
    if (t != kNoThread) vruntime_[t] += cpus_[static_cast<std::size_t>(to)].min_vruntime - c.min_vruntime;
    return t;
  }

  void ran(std::uint32_t t, int core, sim::Duration d) override {
    if (t >= vruntime_.size()) return;
    Cpu& c = cpus_[static_cast<std::size_t>(core)];
    vruntime_[t] += d;
    std::int64_t lowest = vruntime_[t];
    if (!c.tree.empty()) lowest = std::min(lowest, c.tree.begin()->vruntime);
    c.min_vruntime = std::max(c.min_vruntime, lowest);
  }

  [[nodiscard]] bool preempts(std::uint32_t woken, std::uint32_t running, int /*core*/,
                              sim::Duration ran) const override {
    if (woken >= vruntime_.size() || running >= vruntime_.size()) return false;
    return vruntime_[running] + ran - vruntime_[woken] > wakeup_granularity_;
  }

  [[nodiscard]] std::size_t waiting(int core) const override { return cpus_[static_cast<std::size_t>(core)].tree.size(); }
  [[nodiscard]] std::size_t total() const override { return total_; }
  [[nodiscard]] std::size_t memory_bytes() const override {
    // A set node: the key and three pointers and a colour, roughly.
    return total_ * (sizeof(Key) + 32) + vruntime_.capacity() * sizeof(std::int64_t);
  }

 private:
  static constexpr std::int64_t kNew = INT64_MIN;
  struct Key {
    std::int64_t vruntime;
    std::uint64_t seq;
    std::uint32_t thread;
    bool operator<(const Key& o) const { return vruntime != o.vruntime ? vruntime < o.vruntime : seq < o.seq; }
  };
  struct Cpu {
    std::set<Key> tree;
    std::int64_t min_vruntime = 0;
  };

  std::uint32_t take(Cpu& c, bool leftmost) {
    if (c.tree.empty()) return kNoThread;
    const auto it = leftmost ? c.tree.begin() : std::prev(c.tree.end());
    const std::uint32_t t = it->thread;
    if (leftmost) c.min_vruntime = std::max(c.min_vruntime, it->vruntime);
    c.tree.erase(it);
    --total_;
    return t;
  }

  sim::Duration latency_;
  sim::Duration min_granularity_;
  sim::Duration wakeup_granularity_;
  const std::vector<std::int32_t>& last_core_;
  std::vector<Cpu> cpus_;
  std::vector<std::int64_t> vruntime_;  // by thread; kNew until first queued
  std::size_t total_ = 0;
  std::uint64_t seq_ = 0;
};

}  // namespace

std::unique_ptr<RunQueue> make_cfs_queue(const MachineProfile& p, int cores, const std::vector<std::int32_t>& last_core) {
  return std::make_unique<CfsQueue>(p, cores, last_core);
}

}  // namespace concsim::models
