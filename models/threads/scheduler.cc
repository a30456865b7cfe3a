#include "models/threads/scheduler.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <deque>

#include "sim/check.h"

namespace concsim::models {

std::unique_ptr<RunQueue> make_linux22_queue(int cores, const std::vector<std::int32_t>& last_core);
std::unique_ptr<RunQueue> make_o1_queue(int cores);
std::unique_ptr<RunQueue> make_cfs_queue(const MachineProfile& p, int cores, const std::vector<std::int32_t>& last_core);

namespace {

// a * b + c, saturated: absurd profiles must not wrap time around.
sim::Duration mul_add(sim::Duration a, std::int64_t b, sim::Duration c) {
  sim::Duration p = 0;
  sim::Duration s = 0;
  if (!sim::checked_mul(a, b, &p) || !sim::checked_add(p, c, &s)) return sim::kTimeMax / 4;
  return std::min(s, sim::kTimeMax / 4);
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// The simple policy: one FIFO queue for every core.
class FifoQueue final : public RunQueue {
 public:
  [[nodiscard]] bool per_core() const override { return false; }
  void push(std::uint32_t t, int /*core*/, bool /*woken*/, bool /*expired*/) override { q_.push_back(t); }
  std::uint32_t pop(int /*core*/) override {
    if (q_.empty()) return kNoThread;
    const std::uint32_t t = q_.front();
    q_.pop_front();
    return t;
  }
  [[nodiscard]] std::size_t waiting(int /*core*/) const override { return q_.size(); }
  [[nodiscard]] std::size_t total() const override { return q_.size(); }
  [[nodiscard]] std::size_t memory_bytes() const override { return q_.size() * sizeof(std::uint32_t); }

 private:
  std::deque<std::uint32_t> q_;
};

}  // namespace

std::unique_ptr<RunQueue> make_run_queue(const MachineProfile& p, int cores, const std::vector<std::int32_t>& last_core) {
  switch (p.policy) {
    case SchedPolicy::kFifo: return std::make_unique<FifoQueue>();
    case SchedPolicy::kLinux22: return make_linux22_queue(cores, last_core);
    case SchedPolicy::kO1: return make_o1_queue(cores);
    case SchedPolicy::kCfs: return make_cfs_queue(p, cores, last_core);
  }
  return std::make_unique<FifoQueue>();
}

Scheduler::Scheduler(const MachineProfile& p)
    : p_(p),
      policy_(p.policy),
      cores_(static_cast<std::size_t>(std::max(1, p.cores))),
      queue_(make_run_queue(p, std::max(1, p.cores), last_core_)),
      cache_(p.cache, std::max(1, p.cores)),
      working_set_(p.cache.thread_working_set),
      slowdown_(std::max<std::int64_t>(1, std::llround(p.swap_slowdown))) {
  // A zero slice would preempt forever without running anything.
  CONCSIM_CHECK(p.min_granularity > 0 || p.sched_latency > 0, "a machine profile needs a positive time slice");
  done_.cores = cores();
}

int Scheduler::idle_core(int prefer) const {
  if (prefer >= 0 && cores_[static_cast<std::size_t>(prefer)].phase == CorePhase::kIdle) return prefer;
  for (std::size_t i = 0; i < cores_.size(); ++i) {
    if (cores_[i].phase == CorePhase::kIdle) return static_cast<int>(i);
  }
  return -1;
}

int Scheduler::enqueue(std::uint32_t t, Runnable why, int waker, sim::Time now) {
  const bool track = policy_ != SchedPolicy::kFifo;
  if (track && t >= last_core_.size()) last_core_.resize(static_cast<std::size_t>(t) + 1, -1);
  const int last = last_core(t);
  const bool woken = why == Runnable::kWoken || why == Runnable::kNew;
  // A preempted or yielding thread stays where it is; a woken or new one
  // goes to an idle core if there is one, the one it last ran on first.
  int target = woken && policy_ != SchedPolicy::kFifo ? idle_core(last) : -1;
  if (target >= 0) {
    Core& c = core(target);
    // An idle core other than the waker's is woken by an IPI; a timer's
    // interrupt arrives on the core the thread last ran on. The first
    // thread has no waker and starts where it is.
    c.ipi = c.ipi || (waker >= 0 ? target != waker : last >= 0 && target != last);
  }
  int queue_core = target >= 0 ? target : std::max(last, 0);
  if (target < 0 && last < 0 && queue_->per_core()) {
    // A new thread with every core busy: the shortest queue (fork balancing,
    // sched_balance_fork / select_task_rq with SD_BALANCE_FORK).
    for (int j = 1; j < cores(); ++j) {
      if (queue_->waiting(j) < queue_->waiting(queue_core)) queue_core = j;
    }
  }
  queue_->push(t, queue_core, why == Runnable::kWoken, why == Runnable::kPreempted);
  if (policy_ == SchedPolicy::kCfs && why == Runnable::kWoken && target < 0 && p_.wakeup_granularity >= 0) {
    const Core& c = core(queue_core);
    if (c.phase == CorePhase::kRunning && queue_->preempts(t, c.thread, queue_core, now - c.run_start)) {
      return queue_core;
    }
  }
  return -1;
}

int Scheduler::next_dispatch() const {
  if (queue_->total() == 0) return -1;
  if (!queue_->per_core()) {
    // The core a wake-up was sent to first, then the lowest-numbered.
    for (std::size_t i = 0; i < cores_.size(); ++i) {
      if (cores_[i].phase == CorePhase::kIdle && cores_[i].ipi) return static_cast<int>(i);
    }
    return idle_core(-1);
  }
  int stealer = -1;
  bool stealable = false;
  for (std::size_t i = 0; i < cores_.size(); ++i) {
    const Core& c = cores_[i];
    const std::size_t waiting = queue_->waiting(static_cast<int>(i));
    if (c.phase == CorePhase::kIdle) {
      if (waiting > 0) return static_cast<int>(i);
      if (stealer < 0) stealer = static_cast<int>(i);
    } else if (waiting > 0) {
      stealable = true;
    }
  }
  return stealable ? stealer : -1;
}

bool Scheduler::has_waiting(int i) const { return queue_->waiting(i) > 0; }

sim::Duration Scheduler::switch_cost(std::int64_t n, bool warm) const {
  std::int64_t f = 1;
  switch (p_.pick_model) {
    case PickCost::kConstant: f = 1; break;
    case PickCost::kLogarithmic: f = std::bit_width(static_cast<std::uint64_t>(n) + 1) - 1; break;
    case PickCost::kLinear: f = n; break;
  }
  const sim::Duration pick = mul_add(p_.pick_per_thread, f, p_.pick_base);
  const sim::Duration refill =
      warm ? 0 : std::min(p_.refill_cap, mul_add(p_.refill_per_thread, ceil_div(std::max<std::int64_t>(n, 1), cores()), 0));
  // Each term is at most kTimeMax / 4 (profiles bound context_switch far
  // lower), so the sum cannot overflow.
  return std::min(p_.context_switch, sim::kTimeMax / 4) + pick + refill;
}

// The pick's cost on `core` at `now`, with runnable() threads (the chosen
// one still among them, as the kernel counts nr_running).
sim::Duration Scheduler::pick_cost(int i, sim::Time now) {
  const std::int64_t n = runnable();
  switch (policy_) {
    case SchedPolicy::kFifo: return 0;
    case SchedPolicy::kLinux22: {
      // schedule() holds runqueue_lock for the whole walk: goodness() and
      // the reads of every runnable task_struct.
      const sim::Duration walk = mul_add(p_.goodness, n, p_.pick_base) + cache_.scan(n, p_.cache.sched_bytes_per_task);
      if (!p_.runqueue_lock) return walk;
      const sim::Time start = std::max(now, lock_free_at_);
      lock_free_at_ = start + walk;
      return start - now + walk;
    }
    case SchedPolicy::kO1: return p_.pick_base;
    case SchedPolicy::kCfs: {
      // Dequeue and enqueue walk the core's tree: a node per level.
      const auto depth = static_cast<std::int64_t>(std::bit_width(queue_->waiting(i) + 1));
      return p_.pick_base + mul_add(cache_.access(n, p_.cache.sched_bytes_per_task), depth, 0);
    }
  }
  return 0;
}

sim::Duration Scheduler::switch_in(int i, sim::Time now) {
  Core& c = core(i);
  CONCSIM_CHECK(c.phase == CorePhase::kIdle && c.thread == kNoThread);
  const std::int64_t n = runnable();
  std::uint32_t t = queue_->pop(i);
  if (t == kNoThread && queue_->per_core()) {
    // Idle balancing: pull from the core with the most waiting.
    int from = -1;
    for (int j = 0; j < cores(); ++j) {
      if (j != i && queue_->waiting(j) > 0 && (from < 0 || queue_->waiting(j) > queue_->waiting(from))) from = j;
    }
    if (from >= 0) t = queue_->steal(from, i);
  }
  if (t == kNoThread) {
    c.ipi = false;
    return -1;
  }
  sim::Duration cost = 0;
  if (policy_ == SchedPolicy::kFifo) {
    cost = switch_cost(n, c.last == t);
  } else {
    // busy_ does not count this core yet: the pick sees n threads.
    cost = std::min(p_.context_switch, sim::kTimeMax / 4) + pick_cost(i, now);
  }
  if (c.ipi) cost += p_.ipi;
  cost += cache_.switch_in(t, i, working_set_);
  c.ipi = false;
  c.thread = t;
  c.phase = CorePhase::kSwitching;
  c.since = now;
  if (policy_ != SchedPolicy::kFifo) last_core_[t] = i;
  ++busy_;
  return cost;
}

void Scheduler::switch_done(int i, sim::Time now) {
  Core& c = core(i);
  CONCSIM_CHECK(c.phase == CorePhase::kSwitching);
  done_.switch_ns += now - c.since;
  c.phase = CorePhase::kRunning;
  c.since = now;
  c.run_start = now;
  c.slice_end = now + slice(i);
}

void Scheduler::release(int i, sim::Time now) {
  Core& c = core(i);
  CONCSIM_CHECK(c.phase == CorePhase::kRunning && !c.in_burst);
  queue_->ran(c.thread, i, now - c.run_start);
  c.last = c.thread;
  c.thread = kNoThread;
  c.phase = CorePhase::kIdle;
  --busy_;
}

sim::Duration Scheduler::slice(int i) const {
  const std::int64_t sharing = queue_->per_core()
                                   ? static_cast<std::int64_t>(queue_->waiting(i)) + 1
                                   : ceil_div(std::max<std::int64_t>(runnable(), 1), cores());
  // At least 1 ns, so that a slice always moves time on.
  return std::max({p_.sched_latency / sharing, p_.min_granularity, sim::Duration{1}});
}

void Scheduler::start_burst(int i, sim::Time now, sim::Duration len, BurstKind kind) {
  Core& c = core(i);
  CONCSIM_CHECK(c.phase == CorePhase::kRunning && !c.in_burst);
  c.in_burst = true;
  c.burst_kind = kind;
  c.since = now;
  c.burst = len;
}

void Scheduler::end_burst(int i, sim::Time now) {
  Core& c = core(i);
  CONCSIM_CHECK(c.in_burst);
  charge(c.burst_kind, now - c.since, done_);
  c.in_burst = false;
  c.since = now;
}

void Scheduler::charge(BurstKind kind, sim::Duration len, CpuMetrics& into) const {
  switch (kind) {
    case BurstKind::kUseful: into.useful_ns += len; break;
    case BurstKind::kSystem: into.system_ns += len; break;
    case BurstKind::kSlowed: {
      const sim::Duration useful = len / slowdown_;
      into.useful_ns += useful;
      into.swap_ns += len - useful;
      break;
    }
  }
}

CpuMetrics Scheduler::cpu(sim::Time now) const {
  CpuMetrics m = done_;
  for (const Core& c : cores_) {
    if (c.phase == CorePhase::kSwitching) m.switch_ns += now - c.since;
    if (c.in_burst) charge(c.burst_kind, now - c.since, m);
  }
  sim::Duration total = 0;
  if (!sim::checked_mul(now, cores(), &total)) total = sim::kTimeMax;
  m.idle_ns = total - m.useful_ns - m.system_ns - m.switch_ns - m.swap_ns;
  return m;
}

}  // namespace concsim::models
