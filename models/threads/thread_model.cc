// ThreadModel: construction, moving threads between cores, the run queue and
// blocking, and the results. Requests are in thread_requests.cc (joins in
// thread_joins.cc, synchronisation in thread_sync.cc); creating and ending
// threads, and the machine's limits, in thread_lifecycle.cc.
#include "models/threads/thread_model.h"

#include <algorithm>

#include "sim/check.h"

namespace concsim::models {
ThreadModel::ThreadModel(sim::Simulation& sim, const Program& program, const MachineProfile& profile,
                         const ThreadOptions& options)
    : sim_(sim),
      program_(program),
      profile_(profile),
      options_(options),
      store_(program.constants),
      interp_(program, store_, shared_, this),
      recorder_(options.record, options.record_limit),
      sched_(profile),
      memory_(profile, options.socket_per_thread),
      free_watch_(kNoWatch) {
  sched_.add_working_set(options.working_set);
  requests_ = RequestStats(options.requests);
  interp_.set_exception_log(&exceptions_);
  interp_.set_stream_seed(sim_.seed());
  for (const SharedVar& v : program.shared) shared_.push_back(v.initial);
  for (const SyncObject& o : program.sync) {
    SyncState s;
    s.kind = o.kind;
    switch (o.kind) {
      case SyncKind::kSemaphore:
      case SyncKind::kBoundedSemaphore: s.value = s.initial = o.value; break;
      case SyncKind::kLock: s.value = s.initial = 1; break;
      case SyncKind::kEvent: s.value = 0; break;
      case SyncKind::kQueue: s.initial = o.value; break;  // maxsize, 0: unbounded
    }
    sync_.push_back(std::move(s));
  }
  sim_.add_stall_source(this);
}

// ------------------------------------------------------------ lifecycle ----

void ThreadModel::start(std::uint32_t function) {
  CONCSIM_CHECK(threads_.empty(), "start() is called once");
  // Every other thread's stream is split from its creator's; main's is the root.
  main_ = new_thread(function, {}, program_.functions[function].name, false, sim_.stream("task", 0));
  threads_[main_].is_main = true;
  // The main thread exists with the process: no creation cost, no memory of
  // its own in the account (see memory_account.h).
  ++live_;
  stats_.peak_threads = live_;
  make_runnable(main_, Runnable::kNew);
}

// ----------------------------------------------------------- scheduling ----

// `waker_core_` is the core whose thread is being handled (its request
// woke or created this one), -1 for a timer.
void ThreadModel::make_runnable(std::uint32_t thread, Runnable why) {
  Thread& t = threads_[thread];
  t.sched = Sched::kRunnable;
  recorder_.state(sim_.now(), thread, SpanKind::kReady);
  const int preempted = sched_.enqueue(thread, why, waker_core_, sim_.now());
  stats_.max_runnable = std::max(stats_.max_runnable, sched_.runnable());
  if (preempted >= 0 && preempted != waker_core_) preempt_now(preempted);
  kick();
}

// Idle cores take threads as the scheduler places them.
void ThreadModel::kick() {
  for (int core = sched_.next_dispatch(); core >= 0; core = sched_.next_dispatch()) dispatch(core);
}

// Wake-up preemption (cfs): the thread running on `core` leaves it now. The
// burst in progress is cut where it is; the event that ends it comes at
// once and finds the slice over.
void ThreadModel::preempt_now(int core) {
  Core& c = sched_.core(core);
  c.slice_end = sim_.now();
  if (!c.in_burst || c.since + c.burst <= sim_.now()) return;
  sim_.cancel(c.burst_event);
  c.burst = sim_.now() - c.since;
  c.burst_event = sim_.schedule_in(0, *this, tag(Tag::kBurstDone, static_cast<std::uint32_t>(core)));
}

void ThreadModel::dispatch(int core) {
  const sim::Duration cost = sched_.switch_in(core, sim_.now());
  if (cost < 0) return;
  ++stats_.switches_in;
  threads_[sched_.core(core).thread].sched = Sched::kOnCore;
  // Even a free switch goes through the event queue, so that a thread never
  // runs inside another thread's step.
  sim_.schedule_in(cost, *this, tag(Tag::kSwitchDone, static_cast<std::uint32_t>(core)));
}

void ThreadModel::on_event(std::uint64_t tg) {
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
      Thread& t = threads_[sched_.core(core).thread];
      t.cpu_left -= sched_.core(core).burst;
      sched_.end_burst(core, sim_.now());
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
      if (threads_[index].sched == Sched::kWaking) make_runnable(index, Runnable::kWoken);
      return;
  }
}

// The thread just switched in: the rest of a preempted burst, or its next steps.
void ThreadModel::continue_thread(int core) {
  const std::uint32_t id = sched_.core(core).thread;
  Thread& t = threads_[id];
  if (t.cpu_left > 0) {
    run_burst(core);
    return;
  }
  if (t.start < 0) {
    t.start = sim_.now();
    if (tracing()) trace(id, "started");
    run_interpreter(core, Resume::start());
    return;
  }
  run_interpreter(core, t.resume_raises ? Resume::raise(t.resume) : Resume::with(t.resume));
}

// Runs the thread's burst until it is done or its slice ends; at the end of
// a slice the thread is preempted if another one waits for a core.
void ThreadModel::run_burst(int core) {
  Core& c = sched_.core(core);
  const sim::Time now = sim_.now();
  if (now >= c.slice_end) {
    if (sched_.has_waiting(core)) {
      preempt(core, false);
      return;
    }
    sched_.renew_slice(core, now);
  }
  const Thread& t = threads_[c.thread];
  const sim::Duration len = std::min(t.cpu_left, c.slice_end - now);
  sched_.start_burst(core, now, len, t.burst);
  c.burst_event = sim_.schedule_in(len, *this, tag(Tag::kBurstDone, static_cast<std::uint32_t>(core)));
}

void ThreadModel::after_burst(int core) {
  const std::uint32_t id = sched_.core(core).thread;
  Thread& t = threads_[id];
  switch (t.after) {
    case After::kResume:
      continue_thread(core);
      return;
    case After::kSpawned:
    case After::kExecutor: {
      Resume next;
      if (finish_spawn(core, id, &next)) run_interpreter(core, next);
      return;
    }
    case After::kBlock:
      block_in_syscall(core);
      return;
    case After::kExit:
      finish_thread(core, id);
      return;
  }
}

void ThreadModel::start_cpu(int core, std::uint32_t thread, sim::Duration d, BurstKind kind, After after) {
  Thread& t = threads_[thread];
  t.cpu_left = d;
  t.burst = kind;
  t.after = after;
  t.resume = Value::null();
  t.resume_raises = false;
  run_burst(core);
}

// Involuntary: the thread is still runnable (slice over, or sched_yield).
void ThreadModel::preempt(int core, bool yielded) {
  const std::uint32_t id = sched_.core(core).thread;
  ++involuntary_;
  if (tracing()) trace(id, yielded ? "yield" : "preempted");
  sched_.release(core, sim_.now());
  make_runnable(id, yielded ? Runnable::kYielded : Runnable::kPreempted);
}

// Voluntary: the thread leaves its core blocked.
void ThreadModel::block(int core, std::uint32_t thread, Wait wait, SpanKind span) {
  Thread& t = threads_[thread];
  t.sched = Sched::kBlocked;
  t.wait = wait;
  t.compute.reset();
  ++voluntary_;
  recorder_.state(sim_.now(), thread, span);
  sched_.release(core, sim_.now());
  kick();
}

void ThreadModel::wake(std::uint32_t thread, Resume r) {
  Thread& t = threads_[thread];
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
  if (t.wait != Wait::kSleep) futex_woken(thread);
  t.wait = Wait::kNone;
  t.resume = r.value;
  t.resume_raises = r.kind == Resume::Kind::kException;
  if (profile_.wakeup_latency > 0) {
    t.sched = Sched::kWaking;
    sim_.schedule_in(profile_.wakeup_latency, *this, tag(Tag::kWake, thread));
    return;
  }
  make_runnable(thread, Runnable::kWoken);
}

void ThreadModel::run_interpreter(int core, Resume resume) {
  const std::uint32_t id = sched_.core(core).thread;
  Resume r = resume;
  std::uint64_t budget = options_.step_budget;
  for (;;) {
    Request req = interp_.run(threads_[id].core, r, sim_.now(), budget);
    waker_core_ = core;
    const bool goes_on = handle(core, id, req, &r);
    waker_core_ = -1;
    if (!goes_on) {
      pending_wakes_ = 0;  // a request that blocks or ends the thread pays its wakes in its own cost
      return;
    }
    // The wake-ups the request made are system calls of this thread.
    if (pay_futex_wakes(core, id, r)) return;
  }
}

// Delivers a pending cancellation at a blocking point: true, with
// CancelledError in *next, if there was one.
// ---------------------------------------------------------------- results ----

TaskState ThreadModel::main_state() const { return threads_.empty() ? TaskState::kPending : threads_[main_].state; }

std::string ThreadModel::main_result() const {
  return threads_.empty() ? "" : store_.format(threads_[main_].result, this, true);
}

std::string ThreadModel::task_name(std::uint32_t task) const {
  if (task == kModel) return "threads";
  return task < threads_.size() ? store_.str(threads_[task].name) : "thread#" + std::to_string(task);
}

std::vector<TaskSummary> ThreadModel::task_summaries() const {
  std::vector<TaskSummary> out;
  out.reserve(threads_.size());
  for (const Thread& t : threads_) {
    out.push_back(TaskSummary{store_.str(t.name), t.start, t.end, t.state,
                              t.end >= 0 ? store_.format(t.result, this, true) : "", t.is_executor});
  }
  return out;
}

Metrics ThreadModel::metrics() {
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

void ThreadModel::describe_waiting(std::vector<sim::WaitingTask>& out) const {
  if (finished_) return;
  for (std::uint32_t i = 0; i < threads_.size(); ++i) {
    const Thread& t = threads_[i];
    if (t.end >= 0) continue;
    std::string what;
    switch (t.sched) {
      case Sched::kQueued: what = "thread creation, queued at a limit"; break;
      case Sched::kBlocked:
        what = t.wait == Wait::kSleep && t.mode == static_cast<std::uint8_t>(SpanKind::kBlocked)
                   ? "block"
                   : interp_.describe_wait(t.core);
        break;
      default: what = "a core"; break;
    }
    out.push_back(sim::WaitingTask{task_name(i), what});
  }
}

std::size_t ThreadModel::memory_bytes() const {
  std::size_t bytes = threads_.capacity() * sizeof(Thread) + watches_.capacity() * sizeof(Watch) +
                      create_queue_.size() * sizeof(std::uint32_t) + sched_.memory_bytes() + store_.memory_bytes();
  for (const Thread& t : threads_) bytes += t.core.memory_bytes(program_) - sizeof(TaskCore);
  return bytes;
}

}  // namespace concsim::models
