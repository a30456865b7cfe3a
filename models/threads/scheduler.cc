#include "models/threads/scheduler.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "sim/check.h"

namespace concsim::models {
namespace {

// a * b + c, saturated: absurd profiles must not wrap time around.
sim::Duration mul_add(sim::Duration a, std::int64_t b, sim::Duration c) {
  sim::Duration p = 0;
  sim::Duration s = 0;
  if (!sim::checked_mul(a, b, &p) || !sim::checked_add(p, c, &s)) return sim::kTimeMax / 4;
  return std::min(s, sim::kTimeMax / 4);
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace

Scheduler::Scheduler(const MachineProfile& p)
    : context_switch_(p.context_switch),
      pick_model_(p.pick_model),
      pick_base_(p.pick_base),
      pick_per_thread_(p.pick_per_thread),
      refill_per_thread_(p.refill_per_thread),
      refill_cap_(p.refill_cap),
      sched_latency_(p.sched_latency),
      min_granularity_(p.min_granularity),
      cores_(static_cast<std::size_t>(std::max(1, p.cores))),
      slowdown_(std::max<std::int64_t>(1, std::llround(p.swap_slowdown))) {
  // A zero slice would preempt forever without running anything.
  CONCSIM_CHECK(min_granularity_ > 0 || sched_latency_ > 0, "a machine profile needs a positive time slice");
  done_.cores = cores();
}

int Scheduler::idle_core() const {
  for (std::size_t i = 0; i < cores_.size(); ++i) {
    if (cores_[i].phase == CorePhase::kIdle) return static_cast<int>(i);
  }
  return -1;
}

sim::Duration Scheduler::switch_cost(std::int64_t n, bool warm) const {
  std::int64_t f = 1;
  switch (pick_model_) {
    case PickCost::kConstant: f = 1; break;
    case PickCost::kLogarithmic: f = std::bit_width(static_cast<std::uint64_t>(n) + 1) - 1; break;
    case PickCost::kLinear: f = n; break;
  }
  const sim::Duration pick = mul_add(pick_per_thread_, f, pick_base_);
  const sim::Duration refill =
      warm ? 0 : std::min(refill_cap_, mul_add(refill_per_thread_, ceil_div(std::max<std::int64_t>(n, 1), cores()), 0));
  // Each term is at most kTimeMax / 4 (profiles bound context_switch far
  // lower), so the sum cannot overflow.
  return std::min(context_switch_, sim::kTimeMax / 4) + pick + refill;
}

sim::Duration Scheduler::slice() const {
  const std::int64_t per_core = ceil_div(std::max<std::int64_t>(runnable(), 1), cores());
  // At least 1 ns, so that a slice always moves time on.
  return std::max({sched_latency_ / per_core, min_granularity_, sim::Duration{1}});
}

sim::Duration Scheduler::switch_in(int i, sim::Time now) {
  Core& c = core(i);
  CONCSIM_CHECK(c.phase == CorePhase::kIdle && c.thread == kNoThread);
  if (queue_.empty()) return -1;
  // The kernel counts the runnable threads while the chosen one is still
  // among them: it is what the pick has to look through.
  const std::int64_t n = runnable();
  const std::uint32_t t = queue_.front();
  queue_.pop_front();
  const sim::Duration cost = switch_cost(n, c.last == t);
  c.thread = t;
  c.phase = CorePhase::kSwitching;
  c.since = now;
  ++busy_;
  return cost;
}

void Scheduler::switch_done(int i, sim::Time now) {
  Core& c = core(i);
  CONCSIM_CHECK(c.phase == CorePhase::kSwitching);
  done_.switch_ns += now - c.since;
  c.phase = CorePhase::kRunning;
  c.since = now;
  c.slice_end = now + slice();
}

void Scheduler::release(int i) {
  Core& c = core(i);
  CONCSIM_CHECK(c.phase == CorePhase::kRunning && !c.in_burst);
  c.last = c.thread;
  c.thread = kNoThread;
  c.phase = CorePhase::kIdle;
  --busy_;
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
