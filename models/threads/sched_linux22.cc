// Linux 2.2's scheduler (kernel/sched.c of 2.2.14): one run queue for all
// CPUs, walked whole by every schedule().
//
// schedule() takes the global runqueue_lock and calls goodness() on every
// runnable task, from the head of the list; the highest weight wins, the
// first found on a tie:
//   goodness = counter (the 10 ms ticks left of its time slice; 0: none)
//            + PROC_CHANGE_PENALTY (15) if it last ran on this CPU
//            + 1 (it shares the mm of the task leaving the CPU: one process)
// and 0 for a task whose counter is 0. add_to_runqueue() puts a woken task
// at the head, so among equal weights the task woken last wins;
// move_last_runqueue() puts a task whose slice ran out at the tail. The
// running task loses a tick of its counter per tick it runs (counted here as
// the time it ran, in 10 ms units, HZ = 100). When every runnable task's
// counter is 0, schedule() recalculates every task's: counter = counter / 2
// + priority (DEF_PRIORITY, 20 ticks). A new thread gets half its parent's
// counter (do_fork); here half of a fresh one, 10 ticks.
//
// The walk is simulated as the kernel does it (linear in the runnable
// threads); its cost in time (every task_struct read through the caches,
// serialised by runqueue_lock) is the Scheduler's (scheduler.cc).
#include <algorithm>
#include <vector>

#include "models/threads/run_queue.h"

namespace concsim::models {
namespace {

constexpr sim::Duration kTick = 10 * sim::kMillisecond;  // HZ = 100
constexpr sim::Duration kPriority = 20 * kTick;          // DEF_PRIORITY
constexpr std::int64_t kProcChangePenalty = 15;

class Linux22Queue final : public RunQueue {
 public:
  explicit Linux22Queue(const std::vector<std::int32_t>& last_core) : last_core_(last_core) {}

  [[nodiscard]] bool per_core() const override { return false; }

  void push(std::uint32_t t, int /*core*/, bool /*woken*/, bool expired) override {
    if (t >= counter_.size()) counter_.resize(static_cast<std::size_t>(t) + 1, kUnset);
    if (counter_[t] == kUnset) counter_[t] = kPriority / 2;
    if (expired) {
      list_.insert(list_.begin(), t);  // the tail of the run list
    } else {
      list_.push_back(t);  // the head
    }
  }

  std::uint32_t pop(int core) override {
    if (list_.empty()) return kNoThread;
    std::size_t best = pick(core);
    if (goodness(list_[best], core) == 0) {
      // Every runnable counter is 0: recalculate every thread's.
      for (sim::Duration& c : counter_) {
        if (c != kUnset) c = c / 2 + kPriority;
      }
      best = pick(core);
    }
    const std::uint32_t t = list_[best];
    list_.erase(list_.begin() + static_cast<std::ptrdiff_t>(best));
    return t;
  }

  void ran(std::uint32_t t, int /*core*/, sim::Duration d) override {
    if (t < counter_.size() && counter_[t] != kUnset) counter_[t] = std::max<sim::Duration>(counter_[t] - d, 0);
  }

  [[nodiscard]] std::size_t waiting(int /*core*/) const override { return list_.size(); }
  [[nodiscard]] std::size_t total() const override { return list_.size(); }
  [[nodiscard]] std::size_t memory_bytes() const override {
    return list_.capacity() * sizeof(std::uint32_t) + counter_.capacity() * sizeof(sim::Duration);
  }

 private:
  static constexpr sim::Duration kUnset = -1;

  [[nodiscard]] std::int64_t goodness(std::uint32_t t, int core) const {
    const std::int64_t ticks = (counter_[t] + kTick - 1) / kTick;
    if (ticks <= 0) return 0;
    const bool here = t < last_core_.size() && last_core_[t] == core;
    return ticks + (here ? kProcChangePenalty : 0) + 1;
  }
  // The index in list_ of the first task of highest goodness from the head.
  [[nodiscard]] std::size_t pick(int core) const {
    std::size_t best = list_.size() - 1;
    std::int64_t weight = -1;
    for (std::size_t i = list_.size(); i-- > 0;) {
      const std::int64_t g = goodness(list_[i], core);
      if (g > weight) {
        weight = g;
        best = i;
      }
    }
    return best;
  }

  const std::vector<std::int32_t>& last_core_;
  std::vector<std::uint32_t> list_;      // the run list, its head at the back
  std::vector<sim::Duration> counter_;   // by thread: the slice left
};

}  // namespace

std::unique_ptr<RunQueue> make_linux22_queue(int /*cores*/, const std::vector<std::int32_t>& last_core) {
  return std::make_unique<Linux22Queue>(last_core);
}

}  // namespace concsim::models
