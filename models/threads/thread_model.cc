// ThreadModel: thread lifecycle, cores and the requests that are not joins or
// synchronisation (those are in thread_joins.cc and thread_sync.cc).
#include "models/threads/thread_model.h"

#include <algorithm>

#include "sim/check.h"

namespace concsim::models {
namespace {

constexpr std::uint32_t kNoWatch = 0xFFFFFFFF;
// Trace lines of the model itself.
constexpr std::uint32_t kModel = Recorder::kNoTask;

}  // namespace

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
  main_ = new_thread(function, {}, program_.functions[function].name, false);
  threads_[main_].is_main = true;
  // The main thread exists with the process: no creation cost, no memory of
  // its own in the account (see memory_account.h).
  ++live_;
  stats_.peak_threads = live_;
  make_runnable(main_);
}

std::uint32_t ThreadModel::new_thread(std::uint32_t function, const std::vector<Value>& args,
                                      std::string_view name, bool executor) {
  const auto id = static_cast<std::uint32_t>(threads_.size());
  CONCSIM_CHECK(id < kModel - 1, "too many threads");
  threads_.emplace_back();
  Thread& t = threads_.back();
  interp_.init_task(t.core, function, args, sim_.stream("task", id));
  t.name = executor ? store_.intern("executor:" + std::string(name)) : store_.intern(name);
  t.created = sim_.now();
  t.watchers = kNoWatch;
  t.is_executor = executor;
  ++unfinished_;
  if (tracing()) trace(id, "created");
  return id;
}

// Gives a thread its memory and a place among the live ones. Returns false
// when that killed the process.
bool ThreadModel::create(std::uint32_t thread) {
  threads_[thread].counted = true;
  memory_.add();
  ++live_;
  stats_.peak_threads = std::max(stats_.peak_threads, live_);
  peak_tasks_ = std::max(peak_tasks_, memory_.threads());
  return check_ram();
}

bool ThreadModel::check_ram() {
  if (!memory_.over_ram()) return true;
  note_limit(LimitKind::kRam);
  if (profile_.on_oom == OnOutOfMemory::kKill) {
    kill_process();
    return false;
  }
  if (!swapping_ && tracing()) trace(kModel, "resident memory beyond RAM: swapping");
  swapping_ = true;
  stats_.swapped = true;
  return true;
}

void ThreadModel::note_limit(LimitKind which) {
  if (limit_hit_) return;
  limit_hit_ = LimitHit{to_string(which), sim_.now(), live_};
  if (tracing()) trace(kModel, std::string("limit hit: ") + to_string(which) + " at " + std::to_string(live_) + " threads");
}

void ThreadModel::kill_process() {
  stats_.killed = true;
  const Value killed = exception("Killed", "out of memory: the OOM killer ended the process");
  for (std::uint32_t i = 0; i < threads_.size(); ++i) {
    Thread& t = threads_[i];
    if (t.end >= 0) continue;
    t.state = TaskState::kFailed;
    t.result = killed;
    t.end = sim_.now();
    recorder_.close(sim_.now(), i);
    if (!t.is_main) ++failed_;
  }
  std::string detail = "out of memory: resident memory ";
  detail += std::to_string(memory_.resident());
  detail += " B is beyond RAM (";
  detail += std::to_string(profile_.ram_bytes);
  detail += " B); the OOM killer ended the process";
  end_run(std::move(detail));
}

void ThreadModel::end_run(std::string detail) {
  finished_ = true;
  finish_time_ = sim_.now();
  recorder_.line(sim_.now(), kModel, detail);
  sim_.stop(std::move(detail));
}

// ----------------------------------------------------------- scheduling ----

void ThreadModel::make_runnable(std::uint32_t thread) {
  Thread& t = threads_[thread];
  t.sched = Sched::kRunnable;
  recorder_.state(sim_.now(), thread, SpanKind::kReady);
  sched_.enqueue(thread);
  stats_.max_runnable = std::max(stats_.max_runnable, sched_.runnable());
  kick();
}

// Idle cores take the head of the run queue, the lowest-numbered core first.
void ThreadModel::kick() {
  for (;;) {
    const int core = sched_.idle_core();
    if (core < 0 || sched_.queue_empty()) return;
    dispatch(core);
  }
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
      if (threads_[index].sched == Sched::kWaking) make_runnable(index);
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
    if (!sched_.queue_empty()) {
      preempt(core, false);
      return;
    }
    sched_.renew_slice(core, now);
  }
  const Thread& t = threads_[c.thread];
  const sim::Duration len = std::min(t.cpu_left, c.slice_end - now);
  sched_.start_burst(core, now, len, t.burst);
  sim_.schedule_in(len, *this, tag(Tag::kBurstDone, static_cast<std::uint32_t>(core)));
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
  sched_.release(core);
  make_runnable(id);
}

// Voluntary: the thread leaves its core blocked.
void ThreadModel::block(int core, std::uint32_t thread, Wait wait, SpanKind span) {
  Thread& t = threads_[thread];
  t.sched = Sched::kBlocked;
  t.wait = wait;
  ++voluntary_;
  recorder_.state(sim_.now(), thread, span);
  sched_.release(core);
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
  t.wait = Wait::kNone;
  t.resume = r.value;
  t.resume_raises = r.kind == Resume::Kind::kException;
  if (profile_.wakeup_latency > 0) {
    t.sched = Sched::kWaking;
    sim_.schedule_in(profile_.wakeup_latency, *this, tag(Tag::kWake, thread));
    return;
  }
  make_runnable(thread);
}

void ThreadModel::run_interpreter(int core, Resume resume) {
  const std::uint32_t id = sched_.core(core).thread;
  Resume r = resume;
  for (;;) {
    Request req = interp_.run(threads_[id].core, r);
    if (!handle(core, id, req, &r)) return;
  }
}

// Delivers a pending cancellation at a blocking point: true, with
// CancelledError in *next, if there was one.
bool ThreadModel::take_cancel(std::uint32_t thread, Resume* next) {
  Thread& t = threads_[thread];
  if (!t.cancel_requested) return false;
  t.cancel_requested = false;
  if (tracing()) trace(thread, "CancelledError raised");
  *next = Resume::raise(exception("CancelledError", ""));
  return true;
}

bool ThreadModel::request_cancel(std::uint32_t target) {
  Thread& t = threads_[target];
  if (t.end >= 0) return false;
  if (t.sched != Sched::kBlocked) {
    t.cancel_requested = true;  // delivered at its next blocking point
    return true;
  }
  // Blocked: this is its blocking point. A wait_for passes the cancellation
  // on to the thread it waits for, as asyncio's does.
  if (t.wait == Wait::kWaitFor) request_cancel(t.op_a);
  if (tracing()) trace(target, "CancelledError raised");
  wake(target, Resume::raise(exception("CancelledError", "")));
  return true;
}

// --------------------------------------------------------------- requests ----

bool ThreadModel::handle(int core, std::uint32_t id, Request& req, Resume* next) {
  using K = Request::Kind;
  switch (req.kind) {
    case K::kLog:
      trace(id, "log: " + req.text);
      *next = Resume::with(Value::null());
      return true;
    case K::kCpu:
      if (req.duration == 0) {
        *next = Resume::with(Value::null());
        return true;
      }
      if (tracing()) trace(id, "cpu " + sim::format_duration(req.duration));
      if (swapping_) {
        sim::Duration slowed = 0;
        if (!sim::checked_mul(req.duration, sched_.slowdown(), &slowed)) slowed = sim::kTimeMax / 4;
        start_cpu(core, id, slowed, BurstKind::kSlowed, After::kResume);
      } else {
        start_cpu(core, id, req.duration, BurstKind::kUseful, After::kResume);
      }
      return false;
    case K::kSleep:
    case K::kIo:
    case K::kBlock: {
      if (req.duration == 0) {
        if (req.kind != K::kSleep) {
          *next = Resume::with(Value::null());  // a read that returns at once
          return true;
        }
        // time.sleep(0) gives the core up like sched_yield.
        req.kind = K::kYield;
        return handle(core, id, req, next);
      }
      if (take_cancel(id, next)) return true;
      if (tracing()) {
        const char* what = req.kind == K::kSleep ? "sleep " : req.kind == K::kIo ? "io " : "block ";
        trace(id, what + sim::format_duration(req.duration));
      }
      Thread& t = threads_[id];
      t.block_for = req.duration;
      t.mode = static_cast<std::uint8_t>(req.kind == K::kBlock ? SpanKind::kBlocked : SpanKind::kWaiting);
      if (profile_.syscall > 0) {
        start_cpu(core, id, profile_.syscall, BurstKind::kSystem, After::kBlock);
      } else {
        block_in_syscall(core);
      }
      return false;
    }
    case K::kYield:
      if (sched_.queue_empty()) {
        *next = Resume::with(Value::null());  // nobody waits: sched_yield returns at once
        return true;
      }
      threads_[id].resume = Value::null();
      threads_[id].resume_raises = false;
      preempt(core, true);
      return false;
    case K::kSpawn:
    case K::kExecutor:
      return spawn(core, id, req, req.kind == K::kExecutor, next);
    case K::kAwait:
    case K::kGather:
    case K::kWait:
    case K::kAsCompletedNext:
    case K::kWaitFor:
    case K::kCancel:
      return join_request(core, id, req, next);
    case K::kAcquire:
    case K::kRelease:
    case K::kEventSet:
    case K::kEventClear:
    case K::kEventWait:
    case K::kQueuePut:
    case K::kQueueGet:
    case K::kQueueTaskDone:
    case K::kQueueJoin:
      return sync_request(core, id, req, next);
    case K::kFinished: {
      Thread& t = threads_[id];
      t.result = req.value;
      t.exit_failed = req.flag;
      if (profile_.thread_exit > 0) {
        start_cpu(core, id, profile_.thread_exit, BurstKind::kSystem, After::kExit);
      } else {
        finish_thread(core, id);
      }
      return false;
    }
    case K::kRunaway: {
      trace(id, "stopped: no blocking step in " + std::to_string(Interpreter::kMaxInstructionsPerStep) + " steps");
      std::string detail = "thread ";
      detail += task_name(id);
      detail += " ran ";
      detail += std::to_string(Interpreter::kMaxInstructionsPerStep);
      detail += " instructions without a pause (an endless loop?)";
      end_run(std::move(detail));
      return false;
    }
  }
  return false;
}

// After the system call's cost: the thread blocks for block_for, unless a
// cancellation arrived meanwhile.
void ThreadModel::block_in_syscall(int core) {
  const std::uint32_t id = sched_.core(core).thread;
  Resume next;
  if (take_cancel(id, &next)) {
    run_interpreter(core, next);
    return;
  }
  Thread& t = threads_[id];
  t.timer = sim_.schedule_in(t.block_for, *this, tag(Tag::kTimer, id, t.gen));
  block(core, id, Wait::kSleep, static_cast<SpanKind>(t.mode));
}

void ThreadModel::on_timer(std::uint32_t id, std::uint32_t gen) {
  Thread& t = threads_[id];
  if (t.sched != Sched::kBlocked || (t.gen & 0xFFFFFF) != gen) return;
  t.timer = sim::EventId{};
  switch (t.wait) {
    case Wait::kSleep:
      wake(id, Resume::with(Value::null()));
      return;
    case Wait::kWait:
      wake(id, Resume::with(done_and_pending(t.op_a)));
      return;
    case Wait::kWaitFor:
      // Timed out: ask the thread to cancel and wait until it has finished.
      t.wait = Wait::kWaitForCancel;
      if (tracing()) trace(id, "wait_for timed out: cancel " + task_name(t.op_a));
      request_cancel(t.op_a);
      return;
    default:
      return;
  }
}

// --------------------------------------------------------------- spawning ----

bool ThreadModel::spawn(int core, std::uint32_t id, const Request& req, bool executor, Resume* next) {
  // pthread_create fails before anything is charged: clone or the stack's
  // mmap returns EAGAIN.
  const LimitKind limit = memory_.admit(live_);
  if (limit != LimitKind::kNone) {
    note_limit(limit);
    if (options_.on_limit == OnThreadLimit::kRefuse) {
      ++stats_.refused;
      if (tracing()) trace(id, std::string("can't start new thread: ") + to_string(limit) + " limit");
      *next = Resume::raise(exception("RuntimeError", "can't start new thread"));
      return true;
    }
  }
  const std::uint32_t child = new_thread(program_.spawns[req.spec].function, req.args, req.text, executor);
  if (tracing()) trace(id, (executor ? "run_in_executor " : "spawn ") + task_name(child));
  threads_[id].child = child;
  if (limit != LimitKind::kNone) {
    // Queued: created when a thread exits, paying its own creation then.
    ++stats_.queued;
    threads_[child].sched = Sched::kQueued;
    create_queue_.push_back(child);
    if (tracing()) trace(child, std::string("queued for creation: ") + to_string(limit) + " limit");
    return finish_spawn(core, id, next);
  }
  if (!create(child)) return false;
  if (profile_.thread_create > 0) {
    start_cpu(core, id, profile_.thread_create, BurstKind::kSystem, executor ? After::kExecutor : After::kSpawned);
    return false;
  }
  threads_[id].after = executor ? After::kExecutor : After::kSpawned;
  return finish_spawn(core, id, next);
}

// The parent has paid for the creation: the child becomes runnable; an
// executor job is then joined.
bool ThreadModel::finish_spawn(int core, std::uint32_t id, Resume* next) {
  Thread& t = threads_[id];
  const std::uint32_t child = t.child;
  const bool executor = threads_[child].is_executor;
  t.after = After::kResume;
  if (threads_[child].sched == Sched::kCreating) make_runnable(child);
  if (!executor) {
    *next = Resume::with(Value::task(child));
    return true;
  }
  if (take_cancel(id, next)) return true;
  watch(child, id);
  threads_[id].op_a = child;
  block(core, id, Wait::kAwait, SpanKind::kWaiting);
  return false;
}

void ThreadModel::finish_thread(int core, std::uint32_t id) {
  {
    Thread& t = threads_[id];
    const bool cancelled = t.exit_failed && t.result.kind == ValueKind::kException &&
                           store_.exception_type(t.result) == "CancelledError";
    t.state = cancelled ? TaskState::kCancelled : (t.exit_failed ? TaskState::kFailed : TaskState::kDone);
    t.end = sim_.now();
    t.completion = ++completions_;
    t.sched = Sched::kExited;
    recorder_.close(sim_.now(), id);
    if (tracing()) {
      if (cancelled) {
        trace(id, "cancelled");
      } else if (t.exit_failed) {
        trace(id, "failed: " + store_.format(t.result, this));
      } else {
        trace(id, "done -> " + store_.format(t.result, this, true));
      }
    }
    if (!t.is_main) {
      if (t.state == TaskState::kDone) {
        ++completed_;
        latency_.record(t.end - t.created);
      } else {
        ++failed_;
      }
    }
    if (t.counted) {
      t.counted = false;
      memory_.remove();
      swapping_ = swapping_ && memory_.over_ram();
    }
  }
  --live_;
  --unfinished_;
  sched_.release(core);
  notify_watchers(id);
  admit_queued();
  if (finished_) return;  // creating a queued thread killed the process
  kick();
  if (unfinished_ == 0) end_run(kFinishedDetail);
}

// Threads queued at a limit are created, in order, while the limits allow.
void ThreadModel::admit_queued() {
  while (!create_queue_.empty() && memory_.admit(live_) == LimitKind::kNone) {
    const std::uint32_t child = create_queue_.front();
    create_queue_.pop_front();
    if (!create(child)) return;
    Thread& t = threads_[child];
    t.cpu_left = profile_.thread_create;
    t.burst = BurstKind::kSystem;
    t.after = After::kResume;
    if (tracing()) trace(child, "created after waiting at the limit");
    make_runnable(child);
  }
}

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
