// The O(1) scheduler of Linux 2.6.0 to 2.6.22 (Ingo Molnar; kernel/sched.c of
// 2.6.22): a run queue per CPU with two priority arrays, active and expired.
// A task whose timeslice runs out moves to the expired array; when the
// active one is empty the two are swapped (a pointer swap). Picking is
// sched_find_first_bit over a 140-bit bitmap and the head of that
// priority's list: constant time, whatever the number of tasks. All threads
// here have nice 0 and no interactivity bonus is modelled, so every task is
// in one priority list, FIFO. A woken task goes to the active array's tail.
// An idle CPU pulls from the busiest queue (idle_balance), taking from the
// expired array first, as load_balance() does: those tasks are the least
// likely to be cache-warm where they are.
#include <algorithm>
#include <deque>
#include <vector>

#include "models/threads/run_queue.h"

namespace concsim::models {
namespace {

class O1Queue final : public RunQueue {
 public:
  explicit O1Queue(int cores) : cpus_(static_cast<std::size_t>(cores)) {}

  [[nodiscard]] bool per_core() const override { return true; }

  void push(std::uint32_t t, int core, bool /*woken*/, bool expired) override {
    Cpu& c = cpus_[static_cast<std::size_t>(core)];
    (expired ? c.expired : c.active).push_back(t);
    ++total_;
  }

  std::uint32_t pop(int core) override {
    Cpu& c = cpus_[static_cast<std::size_t>(core)];
    if (c.active.empty()) std::swap(c.active, c.expired);
    if (c.active.empty()) return kNoThread;
    const std::uint32_t t = c.active.front();
    c.active.pop_front();
    --total_;
    return t;
  }

  std::uint32_t steal(int from, int /*to*/) override {
    Cpu& c = cpus_[static_cast<std::size_t>(from)];
    std::deque<std::uint32_t>& q = c.expired.empty() ? c.active : c.expired;
    if (q.empty()) return kNoThread;
    const std::uint32_t t = q.back();
    q.pop_back();
    --total_;
    return t;
  }

  [[nodiscard]] std::size_t waiting(int core) const override {
    const Cpu& c = cpus_[static_cast<std::size_t>(core)];
    return c.active.size() + c.expired.size();
  }
  [[nodiscard]] std::size_t total() const override { return total_; }
  [[nodiscard]] std::size_t memory_bytes() const override { return total_ * sizeof(std::uint32_t); }

 private:
  struct Cpu {
    std::deque<std::uint32_t> active;
    std::deque<std::uint32_t> expired;
  };
  std::vector<Cpu> cpus_;
  std::size_t total_ = 0;
};

}  // namespace

std::unique_ptr<RunQueue> make_o1_queue(int cores) { return std::make_unique<O1Queue>(cores); }

}  // namespace concsim::models
