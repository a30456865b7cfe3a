// ThreadKernel: moving threads between cores, the run queue, bursts,
// blocking and waking, and the results. Creation, exit and the machine's
// limits are in thread_lifecycle.cc, the futexes' costs in futex.cc.
#include "models/threads/thread_kernel.h"

#include <algorithm>

#include "sim/check.h"

namespace concsim::models {

ThreadKernel::ThreadKernel(sim::Simulation& sim, const MachineProfile& profile, const KernelOptions& options)
    : sim_(sim),
      profile_(profile),
      koptions_(options),
      recorder_(options.record, options.record_limit),
      sched_(profile),
      memory_(profile, options.socket_per_thread),
      requests_(options.requests) {
  sched_.add_working_set(options.working_set);
  interrupted_.assign(static_cast<std::size_t>(sched_.cores()), false);
  sim_.add_stall_source(this);
}

// ----------------------------------------------------------- scheduling ----

// `waker_core_` is the core whose thread is being handled (its request
// woke or created this one), -1 for a timer.
void ThreadKernel::make_runnable(std::uint32_t thread, Runnable why) {
  KThread& t = kthreads_[thread];
  t.sched = Sched::kRunnable;
  recorder_.state(sim_.now(), thread, SpanKind::kReady);
  const int preempted = sched_.enqueue(thread, why, waker_core_, sim_.now());
  stats_.max_runnable = std::max(stats_.max_runnable, sched_.runnable());
  if (preempted >= 0 && preempted != waker_core_) preempt_now(preempted);
  kick();
}

// Idle cores take threads as the scheduler places them.
void ThreadKernel::kick() {
  for (int core = sched_.next_dispatch(); core >= 0; core = sched_.next_dispatch()) dispatch(core);
}

// Wake-up preemption (cfs): the thread running on `core` leaves it now. The
// burst in progress is cut where it is; the event that ends it comes at
// once and finds the slice over.
void ThreadKernel::preempt_now(int core) {
  Core& c = sched_.core(core);
  c.slice_end = sim_.now();
  if (!c.in_burst || c.since + c.burst <= sim_.now()) return;
  sim_.cancel(c.burst_event);
  c.burst = sim_.now() - c.since;
  c.burst_event = sim_.schedule_in(0, *this, tag(Tag::kBurstDone, static_cast<std::uint32_t>(core)));
}

void ThreadKernel::interrupt_burst(int core) {
  Core& c = sched_.core(core);
  CONCSIM_CHECK(c.in_burst, "interrupt_burst on a core without a burst");
  interrupted_[static_cast<std::size_t>(core)] = true;
  if (c.since + c.burst <= sim_.now()) return;  // it ends now anyway
  sim_.cancel(c.burst_event);
  c.burst = sim_.now() - c.since;
  c.burst_event = sim_.schedule_in(0, *this, tag(Tag::kBurstDone, static_cast<std::uint32_t>(core)));
}

void ThreadKernel::dispatch(int core) {
  const sim::Duration cost = sched_.switch_in(core, sim_.now());
  if (cost < 0) return;
  ++stats_.switches_in;
  kthreads_[sched_.core(core).thread].sched = Sched::kOnCore;
  // Even a free switch goes through the event queue, so that a thread never
  // runs inside another thread's step.
  sim_.schedule_in(cost, *this, tag(Tag::kSwitchDone, static_cast<std::uint32_t>(core)));
}

void ThreadKernel::on_event(std::uint64_t tg) {
  if (finished_) return;
  const auto kind = static_cast<Tag>(tg >> 56);
  const auto index = static_cast<std::uint32_t>(tg >> 24);
  const auto gen = static_cast<std::uint32_t>(tg & 0xFFFFFF);
  switch (kind) {
    case Tag::kSwitchDone:
      sched_.switch_done(static_cast<int>(index), sim_.now());
      recorder_.state(sim_.now(), sched_.core(static_cast<int>(index)).thread, SpanKind::kRunning);
      continue_thread(static_cast<int>(index));
      return;
    case Tag::kBurstDone: {
      const int core = static_cast<int>(index);
      const std::uint32_t id = sched_.core(core).thread;
      KThread& t = kthreads_[id];
      t.cpu_left -= sched_.core(core).burst;
      sched_.end_burst(core, sim_.now());
      if (interrupted_[index]) {
        interrupted_[index] = false;
        if (t.cpu_left > 0) {
          burst_interrupted(core, id);
          return;
        }
      }
      if (t.cpu_left > 0) {
        run_burst(core);  // the slice ended inside the step
      } else {
        after_burst(core);
      }
      return;
    }
    case Tag::kTimer:
      on_timer(index, gen);
      return;
    case Tag::kWake:
      if (kthreads_[index].sched == Sched::kWaking) make_runnable(index, Runnable::kWoken);
      return;
    case Tag::kProgram:
      on_program_event(index);
      return;
  }
}

// The thread just switched in: the rest of a preempted burst, or its program.
void ThreadKernel::continue_thread(int core) {
  const std::uint32_t id = sched_.core(core).thread;
  KThread& t = kthreads_[id];
  if (t.cpu_left > 0) {
    if (may_continue_burst(core, id)) run_burst(core);
    return;
  }
  if (t.start < 0) {
    t.start = sim_.now();
    if (tracing()) trace(id, "started");
  }
  run_program(core, id);
}

// Runs the thread's burst until it is done or its slice ends; at the end of
// a slice the thread is preempted if another one waits for a core.
void ThreadKernel::run_burst(int core) {
  Core& c = sched_.core(core);
  const sim::Time now = sim_.now();
  if (now >= c.slice_end) {
    if (sched_.has_waiting(core)) {
      preempt(core, false);
      return;
    }
    sched_.renew_slice(core, now);
  }
  const KThread& t = kthreads_[c.thread];
  const sim::Duration len = std::min(t.cpu_left, c.slice_end - now);
  sched_.start_burst(core, now, len, t.burst);
  c.burst_event = sim_.schedule_in(len, *this, tag(Tag::kBurstDone, static_cast<std::uint32_t>(core)));
}

void ThreadKernel::after_burst(int core) {
  const std::uint32_t id = sched_.core(core).thread;
  KThread& t = kthreads_[id];
  switch (t.after) {
    case After::kResume:
      continue_thread(core);
      return;
    case After::kProgram:
      t.after = After::kResume;
      after_program_burst(core, id);
      return;
    case After::kBlock:
      block_in_syscall(core);
      return;
    case After::kExit:
      exit_thread(core, id);
      return;
  }
}

void ThreadKernel::start_cpu(int core, std::uint32_t thread, sim::Duration d, BurstKind kind, After after) {
  KThread& t = kthreads_[thread];
  t.cpu_left = d;
  t.burst = kind;
  t.after = after;
  run_burst(core);
}

// Involuntary: the thread is still runnable (slice over, or sched_yield).
void ThreadKernel::preempt(int core, bool yielded) {
  const std::uint32_t id = sched_.core(core).thread;
  ++involuntary_;
  if (tracing()) trace(id, yielded ? "yield" : "preempted");
  sched_.release(core, sim_.now());
  make_runnable(id, yielded ? Runnable::kYielded : Runnable::kPreempted);
}

bool ThreadKernel::yield(int core) {
  // sched_yield offers the core to the others: a pause, as an await is on
  // the loop, whether or not anyone takes it.
  kthreads_[sched_.core(core).thread].compute.reset();
  if (!sched_.has_waiting(core)) return false;  // nobody waits: sched_yield returns at once
  preempt(core, true);
  return true;
}

// Voluntary: the thread leaves its core blocked.
void ThreadKernel::block(int core, std::uint32_t thread, SpanKind span) {
  KThread& t = kthreads_[thread];
  t.sched = Sched::kBlocked;
  t.compute.reset();
  ++voluntary_;
  recorder_.state(sim_.now(), thread, span);
  sched_.release(core, sim_.now());
  kick();
}

void ThreadKernel::sleep_in_syscall(int core, std::uint32_t thread, sim::Duration d, SpanKind span) {
  KThread& t = kthreads_[thread];
  t.block_for = d;
  t.sleep_span = span;
  if (profile_.syscall > 0) {
    start_cpu(core, thread, profile_.syscall, BurstKind::kSystem, After::kBlock);
    return;
  }
  t.timer = sleep_timer(thread);
  t.sleeping = true;
  block(core, thread, span);
}

// A sleep for no time ends after everything else due at this instant: every
// thread that is runnable now runs before the sleeper goes on.
sim::EventId ThreadKernel::sleep_timer(std::uint32_t thread) {
  const KThread& t = kthreads_[thread];
  return sim_.schedule_in(t.block_for, *this, tag(Tag::kTimer, thread, t.gen),
                          t.block_for == 0 ? sim::Priority::kLate : sim::Priority::kNormal);
}

// After the system call's cost: the thread sleeps for block_for, unless a
// cancellation arrived meanwhile.
void ThreadKernel::block_in_syscall(int core) {
  const std::uint32_t id = sched_.core(core).thread;
  if (deliver_cancel(core, id)) return;
  KThread& t = kthreads_[id];
  t.timer = sleep_timer(id);
  t.sleeping = true;
  block(core, id, t.sleep_span);
}

void ThreadKernel::arm_timeout(std::uint32_t thread, sim::Duration d) {
  KThread& t = kthreads_[thread];
  t.timer = sim_.schedule_in(d, *this, tag(Tag::kTimer, thread, t.gen));
}

void ThreadKernel::on_timer(std::uint32_t id, std::uint32_t gen) {
  KThread& t = kthreads_[id];
  if (t.sched != Sched::kBlocked || (t.gen & 0xFFFFFF) != gen) return;
  t.timer = sim::EventId{};
  on_timeout(id);
}

void ThreadKernel::wake(std::uint32_t thread) {
  KThread& t = kthreads_[thread];
  CONCSIM_CHECK(t.sched == Sched::kBlocked, "woke a thread that was not blocked");
  if (t.timer.valid()) {
    sim_.cancel(t.timer);
    t.timer = sim::EventId{};
  }
  ++t.gen;
  // A thread that waited for others (a lock, an event, a queue, a join)
  // slept in futex(FUTEX_WAIT): it finishes that system call before it
  // resumes, and whoever woke it pays a FUTEX_WAKE (futex.cc). A sleep or
  // an I/O wait ends in its own system call, paid when it began.
  if (!t.sleeping) futex_woken(thread);
  t.sleeping = false;
  if (profile_.wakeup_latency > 0) {
    t.sched = Sched::kWaking;
    sim_.schedule_in(profile_.wakeup_latency, *this, tag(Tag::kWake, thread));
    return;
  }
  make_runnable(thread, Runnable::kWoken);
}

// ---------------------------------------------------------------- results ----

Metrics ThreadKernel::metrics() {
  Metrics m;
  m.end_ns = finished_ ? finish_time_ : sim_.now();
  m.completed = completed_;
  m.failed = failed_;
  m.latency = summarize(latency_);
  m.peak_tasks = peak_tasks_;
  m.memory.peak_resident = memory_.peak_resident();
  m.memory.peak_reserved = memory_.peak_reserved();
  memory_.peaks_by_kind(m.memory.by_kind);
  m.cpu = sched_.cpu(m.end_ns);
  m.context_switches = ContextSwitches{voluntary_, involuntary_};
  m.limit_hit = limit_hit_;
  if (requests_.any()) requests_.fill(m);
  return m;
}

}  // namespace concsim::models
