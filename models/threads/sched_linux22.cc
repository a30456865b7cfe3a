// Linux 2.2's scheduler (kernel/sched.c of 2.2.14): one run queue for all
// CPUs, walked whole by every schedule().
//
// schedule() takes the global runqueue_lock and calls goodness() on every
// runnable task; the highest weight wins, the first found on a tie:
//   goodness = counter (the ticks left of its slice; 0: it is expired)
//            + PROC_CHANGE_PENALTY (15) if it last ran on this CPU
//            + 1 if it shares the mm of the task leaving the CPU.
// add_to_runqueue() puts a woken task at the head of the list, so among equal
// weights the task woken last wins; move_last_runqueue() puts a task whose
// slice ran out at the tail, with counter 0. The threads of one process
// share their mm and, blocking long before a 10 ms tick takes a unit of
// their counter, keep equal counters: the order is then
//   1. the newest woken thread that last ran on this CPU,
//   2. else the newest woken thread of any CPU,
//   3. else the expired threads, oldest first (when every counter is 0,
//      2.2 recalculates them all and they run in list order).
// The cost of the walk (every runnable task_struct read through the caches,
// serialised by runqueue_lock) is the Scheduler's (scheduler.cc).
#include <deque>
#include <vector>

#include "models/threads/run_queue.h"

namespace concsim::models {
namespace {

class Linux22Queue final : public RunQueue {
 public:
  Linux22Queue(int cores, const std::vector<std::int32_t>& last_core)
      : last_core_(last_core), woken_(static_cast<std::size_t>(cores) + 1) {}

  [[nodiscard]] bool per_core() const override { return false; }

  void push(std::uint32_t t, int /*core*/, bool /*woken*/, bool expired) override {
    ++total_;
    if (expired) {
      expired_.push_back(t);
      return;
    }
    // Woken (or new): at the head of the list, in the group of the CPU it
    // last ran on (slot 0: never ran).
    woken_[slot(t)].push_front(Entry{++seq_, t});
  }

  std::uint32_t pop(int core) override {
    if (total_ == 0) return kNoThread;
    std::deque<Entry>* from = &woken_[static_cast<std::size_t>(core) + 1];
    if (from->empty()) {
      from = nullptr;
      for (std::deque<Entry>& q : woken_) {
        if (!q.empty() && (from == nullptr || q.front().seq > from->front().seq)) from = &q;
      }
    }
    --total_;
    if (from == nullptr) {
      const std::uint32_t t = expired_.front();
      expired_.pop_front();
      return t;
    }
    const std::uint32_t t = from->front().thread;
    from->pop_front();
    return t;
  }

  [[nodiscard]] std::size_t waiting(int /*core*/) const override { return total_; }
  [[nodiscard]] std::size_t total() const override { return total_; }
  [[nodiscard]] std::size_t memory_bytes() const override { return total_ * sizeof(Entry); }

 private:
  struct Entry {
    std::uint64_t seq;
    std::uint32_t thread;
  };
  std::size_t slot(std::uint32_t t) const {
    return t < last_core_.size() && last_core_[t] >= 0 ? static_cast<std::size_t>(last_core_[t]) + 1 : 0;
  }

  const std::vector<std::int32_t>& last_core_;
  std::vector<std::deque<Entry>> woken_;  // by the CPU each last ran on, + 1; newest first
  std::deque<std::uint32_t> expired_;     // oldest first
  std::size_t total_ = 0;
  std::uint64_t seq_ = 0;
};

}  // namespace

std::unique_ptr<RunQueue> make_linux22_queue(int cores, const std::vector<std::int32_t>& last_core) {
  return std::make_unique<Linux22Queue>(cores, last_core);
}

}  // namespace concsim::models
