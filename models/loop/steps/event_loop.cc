#include "models/loop/steps/event_loop.h"

#include <algorithm>
#include <limits>

#include "sim/check.h"

namespace concsim::models {
namespace {

constexpr std::uint32_t kIdle = 0xFFFFFFFF;
// Trace ids of executor jobs: kept apart from task ids.
constexpr std::uint32_t kJobIdBase = 0x40000000;

}  // namespace

EventLoop::EventLoop(sim::Simulation& sim, const Program& program, const LoopOptions& options)
    : sim_(sim),
      program_(program),
      options_(options),
      store_(program.constants),
      interp_(program, store_, shared_, this),
      recorder_(options.record, options.record_limit),
      requests_(options.requests) {
  for (const SharedVar& v : program.shared) shared_.push_back(v.initial);
  for (const auto& [name, value] : options.shared_overrides) {
    for (std::size_t i = 0; i < program.shared.size(); ++i) {
      if (program.shared[i].name == name) shared_[i] = value;
    }
  }
  for (const SyncObject& o : program.sync) {
    SyncState s;
    s.kind = o.kind;
    switch (o.kind) {
      case SyncKind::kSemaphore:
      case SyncKind::kBoundedSemaphore: s.value = s.initial = o.value; break;
      case SyncKind::kLock: s.value = s.initial = 1; break;
      case SyncKind::kEvent: s.value = 0; break;
      case SyncKind::kQueue: s.initial = o.value; break;  // maxsize
    }
    sync_.push_back(std::move(s));
  }
  max_workers_ = options.executor_workers > 0 ? options.executor_workers
                                              : std::min(32, options.machine.cores + 4);
  cores_free_ = std::max(1, options.machine.cores);
  worker_on_core_.assign(static_cast<std::size_t>(max_workers_), false);
  interp_.set_exception_log(&exceptions_);
  interp_.set_stream_seed(sim_.seed());
  sim_.add_stall_source(this);
}

// ---------------------------------------------------------------- loop ----

void EventLoop::start(std::uint32_t function) {
  // Every other task's stream is split from its creator's; main's is the
  // root (one per process when several loops share the simulation).
  main_ = create_task(function, {}, program_.functions[function].name,
                      options_.process == 0 ? sim_.stream("task", 0) : sim_.stream("process", options_.process));
  tasks_[main_].is_main = true;
}

void EventLoop::call_soon(Callback cb) {
  cb.ready_at = sim_.now();
  ready_.push_back(cb);
  stats_.max_ready = std::max<std::uint64_t>(stats_.max_ready, ready_.size());
  wake_loop();
}

void EventLoop::wake_loop() {
  if (finished_ || iterating_) return;
  if (idle_) {
    idle_ = false;
    if (options_.trace_phases) trace(Recorder::kNoTask, "select returns");
  }
  schedule_iteration();
}

void EventLoop::schedule_iteration() {
  if (iteration_scheduled_ || finished_) return;
  iteration_scheduled_ = true;
  // Late priority: timers and I/O due at this same instant are delivered
  // first, so the iteration's poll and timer phases see them.
  sim_.schedule_in(0, *this, tag(Tag::kIterate, 0), sim::Priority::kLate);
}

void EventLoop::on_event(std::uint64_t t) {
  const auto kind = static_cast<Tag>(t >> 56);
  const auto index = static_cast<std::uint32_t>((t >> 32) & 0xFFFFFF);
  const auto gen = static_cast<std::uint32_t>(t);
  switch (kind) {
    case Tag::kIterate:
      iteration_scheduled_ = false;
      iterate();
      break;
    case Tag::kPollDone:
      stats_.busy += busy_for_;
      stats_.system += busy_for_;
      busy_task_ = Recorder::kNoTask;
      if (options_.trace_phases) trace(Recorder::kNoTask, [&] { return "timers: " + std::to_string(fired_timers_.size()) + " due"; });
      move_to_ready(fired_timers_);
      ntodo_ = ready_.size();
      run_ready();
      break;
    case Tag::kCpuDone: {
      const std::uint32_t task = busy_task_;
      const sim::Time end = sim_.now();
      account_wait(busy_since_, end, busy_blocking_, task);
      if (busy_blocking_) {
        stats_.blocked += busy_for_;
      } else {
        stats_.busy += busy_for_;
        release_core();
      }
      busy_task_ = Recorder::kNoTask;
      after_compute_ = true;
      step(task, Resume::with(Value::null()));
      if (busy_task_ == Recorder::kNoTask && iterating_) run_ready();
      break;
    }
    case Tag::kTimer:
    case Tag::kIo: {
      Future* f = get(FutRef{index, gen});
      if (f == nullptr) break;
      f->timer = sim::EventId{};
      Callback cb{CbKind::kSetResult, index, 0, gen, sim_.now()};
      if (kind == Tag::kTimer) {
        fired_timers_.push_back(cb);
      } else {
        io_ready_.push_back(cb);
      }
      wake_loop();
      break;
    }
    case Tag::kWorker:
      if (worker_on_core_[index]) {
        worker_on_core_[index] = false;
        release_core();
      }
      run_worker(index, Resume::with(Value::null()));
      break;
  }
}

void EventLoop::iterate() {
  if (finished_) return;
  iterating_ = true;
  ++stats_.iterations;
  // Phase 1: poll. I/O completions that arrived become ready callbacks.
  const std::size_t io = io_ready_.size();
  if (options_.trace_phases) {
    trace(Recorder::kNoTask, [&] { return "iteration " + std::to_string(stats_.iterations) + ": poll, " +
                                 std::to_string(io) + " I/O ready, " + std::to_string(ready_.size()) +
                                 " callbacks ready"; });
  }
  move_to_ready(io_ready_);
  const MachineProfile& m = options_.machine;
  const sim::Duration cost = m.syscall + m.poll + m.per_event * static_cast<sim::Duration>(io);
  if (cost > 0) {
    // The select() call and the handling of each event keep the loop thread
    // busy; timers that come due meanwhile are still collected below.
    busy_task_ = Recorder::kNoTask - 1;  // the loop itself
    busy_blocking_ = false;
    busy_since_ = sim_.now();
    busy_for_ = cost;
    sim_.schedule_in(cost, *this, tag(Tag::kPollDone, 0));
    return;
  }
  // Phase 2: timers that are due move to the ready queue.
  if (options_.trace_phases) trace(Recorder::kNoTask, [&] { return "timers: " + std::to_string(fired_timers_.size()) + " due"; });
  move_to_ready(fired_timers_);
  // Phase 3: run what is ready now; later arrivals wait for the next round.
  ntodo_ = ready_.size();
  if (options_.trace_phases) trace(Recorder::kNoTask, [&] { return "run: " + std::to_string(ntodo_) + " callbacks"; });
  run_ready();
}

// Moves due timers or finished I/O to the ready queue. Their ready time
// becomes now: the time they waited before now was already charged to the
// busy period that held them up, and every later period starts at or after
// now, so no lateness changes, and the ready queue stays in order of ready
// time, which account_wait relies on.
void EventLoop::move_to_ready(std::deque<Callback>& from) {
  while (!from.empty()) {
    Callback cb = from.front();
    from.pop_front();
    cb.ready_at = sim_.now();
    ready_.push_back(cb);
  }
  stats_.max_ready = std::max<std::uint64_t>(stats_.max_ready, ready_.size());
}

// Fetches into the cache what the callback `ahead` places further in the
// ready queue will touch: its task and its future. A large server's tasks
// and futures are far apart in memory, so each callback would otherwise
// wait for a cache miss or two (measured: most of the loop's time at a
// million connections). A hint only: nothing observable depends on it.
void EventLoop::prefetch_ahead() {
  constexpr std::size_t kAhead = 8;
  if (ntodo_ <= kAhead) return;
  const Callback& cb = ready_[kAhead];
  switch (cb.kind) {
    case CbKind::kWakeup:
      if (cb.a < tasks_.size()) {
        const char* t = reinterpret_cast<const char*>(&tasks_[cb.a]);
        __builtin_prefetch(t);
        __builtin_prefetch(t + 64);
      }
      if (cb.b < futures_.size()) __builtin_prefetch(&futures_[cb.b]);
      break;
    case CbKind::kStep:
      if (cb.a < tasks_.size()) {
        const char* t = reinterpret_cast<const char*>(&tasks_[cb.a]);
        __builtin_prefetch(t);
        __builtin_prefetch(t + 64);
      }
      break;
    case CbKind::kSetResult:
    case CbKind::kReleaseWaiter:
      if (cb.a < futures_.size()) __builtin_prefetch(&futures_[cb.a]);
      break;
    default:
      break;
  }
}

void EventLoop::run_ready() {
  while (ntodo_ > 0 && busy_task_ == Recorder::kNoTask && !finished_) {
    prefetch_ahead();
    const Callback cb = ready_.front();
    ready_.pop_front();
    --ntodo_;
    run_callback(cb);
  }
  if (busy_task_ != Recorder::kNoTask || finished_) return;
  end_iteration();
}

void EventLoop::end_iteration() {
  iterating_ = false;
  if (finished_) return;
  if (stop_after_iteration_) {
    stop_after_iteration_ = false;
    main_done_ = true;
    on_main_finished();
    if (finished_) return;
  }
  if (!ready_.empty() || !io_ready_.empty() || !fired_timers_.empty()) {
    schedule_iteration();
  } else {
    idle_ = true;
    idle_since_ = sim_.now();
    ++voluntary_switches_;  // the loop thread sleeps in epoll_wait
    if (options_.trace_phases) trace(Recorder::kNoTask, "select: sleep until the next timer or I/O");
  }
}

// Lateness: the work that became ready while the loop thread was held by
// `task` from `from` to `to` waited until `to`. Each of the three queues is
// in order of ready time (entries are appended as they become ready), so
// the earliest is at the front and the delayed ones are a prefix. The rest,
// what became ready at `to` itself, is a short suffix in practice: the
// search gallops from the back (O(log k) for a suffix of k) rather than
// bisecting a queue of a million callbacks, a cache miss per probe.
void EventLoop::account_wait(sim::Time from, sim::Time to, bool blocked, std::uint32_t task) {
  sim::Time earliest = to;
  std::uint64_t delayed = 0;
  auto scan = [&](const auto& queue) {
    if (queue.empty()) return;
    earliest = std::min(earliest, queue.front().ready_at);
    const std::size_t n = queue.size();
    if (queue[n - 1].ready_at < to) {
      delayed += n;
      return;
    }
    // queue[hi] is on time; find lo with queue[lo - 1] delayed (or lo = 0).
    std::size_t hi = n - 1;
    std::size_t lo = 0;
    for (std::size_t stride = 1; stride <= hi; stride *= 2) {
      if (queue[hi - stride].ready_at < to) {
        lo = hi - stride + 1;
        break;
      }
      hi -= stride;
    }
    const auto first_on_time =
        std::lower_bound(queue.begin() + static_cast<std::ptrdiff_t>(lo), queue.begin() + static_cast<std::ptrdiff_t>(hi), to,
                         [](const Callback& cb, sim::Time t) { return cb.ready_at < t; });
    delayed += static_cast<std::uint64_t>(first_on_time - queue.begin());
  };
  scan(ready_);
  scan(fired_timers_);
  scan(io_ready_);
  const sim::Duration worst = delayed > 0 ? to - std::max(earliest, from) : 0;
  if (worst > stats_.longest_stall) {
    stats_.longest_stall = worst;
    stats_.longest_stall_task = task;
    stats_.longest_stall_at = from;
  }
  if (blocked) {
    ++stats_.blocking_count;
    stats_.blocking_max_lateness = std::max(stats_.blocking_max_lateness, worst);
    if (stats_.blocking_calls.size() < LoopStats::kMaxBlockingCallsListed) {
      stats_.blocking_calls.push_back(BlockingCall{task, from, to - from, delayed, worst});
    }
  }
}

void EventLoop::run_callback(const Callback& cb) {
  switch (cb.kind) {
    case CbKind::kStep: {
      Task& t = tasks_[cb.a];
      if (t.state == TaskState::kDone || t.state == TaskState::kFailed || t.state == TaskState::kCancelled) return;
      if (t.must_cancel) {
        t.must_cancel = false;
        if (!t.started) {
          // coro.throw() into a coroutine that never ran: it ends at once,
          // before its first statement, so no handler of its body runs.
          t.started = true;
          t.start = sim_.now();
          finish(cb.a, true, exception("CancelledError", ""));
          return;
        }
        step(cb.a, Resume::raise(exception("CancelledError", "")));
        return;
      }
      step(cb.a, tasks_[cb.a].started ? Resume::with(Value::null()) : Resume::start());
      return;
    }
    case CbKind::kWakeup:
      wakeup(cb.a, FutRef{cb.b, cb.gen});
      return;
    case CbKind::kSetResult:
    case CbKind::kReleaseWaiter: {
      Future* f = get(FutRef{cb.a, cb.gen});
      if (f != nullptr && f->state == FutState::kPending) set_result(FutRef{cb.a, cb.gen}, Value::null());
      return;
    }
    case CbKind::kGatherChild: {
      GatherState& g = gathers_[cb.a];
      g.finished += 1;
      Future* outer = get(g.outer);
      if (outer == nullptr || outer->state != FutState::kPending) return;
      const std::vector<Value>& children = store_.list(g.children);
      const Task& child = tasks_[children[cb.b].index()];
      if (!g.return_exceptions) {
        if (child.state == TaskState::kCancelled) {
          set_exception(g.outer, exception("CancelledError", ""));
          return;
        }
        if (child.state == TaskState::kFailed) {
          set_exception(g.outer, child.result);
          return;
        }
      }
      if (g.finished == children.size()) {
        std::vector<Value> results;
        results.reserve(children.size());
        for (Value c : children) {
          const Task& t = tasks_[c.index()];
          results.push_back(t.state == TaskState::kCancelled ? exception("CancelledError", "") : t.result);
        }
        if (g.cancel_requested) {
          set_exception(g.outer, exception("CancelledError", ""));
        } else {
          set_result(g.outer, Value::list(store_.add_list(std::move(results))));
        }
      }
      return;
    }
    case CbKind::kWaitCompletion: {
      WaitState& w = waits_[cb.a];
      w.counter -= 1;
      const Task& child = tasks_[cb.b];
      const bool first_exc = w.when == ReturnWhen::kFirstException && child.state == TaskState::kFailed;
      if (w.counter <= 0 || w.when == ReturnWhen::kFirstCompleted || first_exc) {
        Future* waiter = get(w.waiter);
        if (waiter != nullptr && waiter->state == FutState::kPending) set_result(w.waiter, Value::null());
      }
      return;
    }
    case CbKind::kMainDone:
      stop_after_iteration_ = true;
      return;
    case CbKind::kExecutorDone: {
      Job& j = jobs_[cb.a];
      Future* f = get(j.future);
      if (f == nullptr || f->state != FutState::kPending) return;
      // The job drew from its submitter's stream (submit_job); the task,
      // still waiting for it, goes on from where the job left the stream.
      tasks_[j.owner].core.rng = j.core.rng;
      if (j.failed) {
        set_exception(j.future, j.result);
      } else {
        set_result(j.future, j.result);
      }
      return;
    }
  }
}

// ------------------------------------------------------------- futures ----

EventLoop::FutRef EventLoop::new_future(FutKind kind, std::uint32_t owner) {
  std::uint32_t index;
  if (!free_futures_.empty()) {
    index = free_futures_.back();
    free_futures_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(futures_.size());
    CONCSIM_CHECK(index < 0xFFFFFF, "more than 16 million futures pending at once");
    futures_.emplace_back();
  }
  Future& f = futures_[index];
  f.state = FutState::kPending;
  f.kind = kind;
  f.exception = false;
  f.live = true;
  f.owner = owner;
  f.set_value(Value::null());
  f.timer = sim::EventId{};
  f.callbacks.clear(callback_pool_);
  return FutRef{index, f.gen};
}

EventLoop::Future* EventLoop::get(FutRef r) {
  if (!r.valid() || r.index >= futures_.size()) return nullptr;
  Future& f = futures_[r.index];
  return f.live && f.gen == r.gen ? &f : nullptr;
}

void EventLoop::free_future(FutRef r) {
  Future* f = get(r);
  if (f == nullptr || f->kind == FutKind::kTask) return;
  if (f->timer.valid()) sim_.cancel(f->timer);
  f->timer = sim::EventId{};
  f->live = false;
  f->gen += 1;
  f->callbacks.clear(callback_pool_);
  free_futures_.push_back(r.index);
}

void EventLoop::add_done_callback(FutRef r, Callback cb) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr, "callback on a freed future");
  if (f->state != FutState::kPending) {
    call_soon(cb);
  } else {
    f->callbacks.push_back(cb, callback_pool_);
  }
}

void EventLoop::remove_done_callback(FutRef r, CbKind kind, std::uint32_t a) {
  Future* f = get(r);
  if (f == nullptr) return;
  f->callbacks.remove_if([&](const Callback& c) { return c.kind == kind && c.a == a; }, callback_pool_);
}

void EventLoop::schedule_callbacks(Future& f) {
  // The callbacks run in the order they were added, each on its own turn of
  // the ready queue (Future.__schedule_callbacks).
  if (f.timer.valid()) {
    sim_.cancel(f.timer);  // the future's timeout handle, cancelled with it
    f.timer = sim::EventId{};
  }
  f.callbacks.drain([this](const Callback& cb) { call_soon(cb); }, callback_pool_);
}

void EventLoop::set_result(FutRef r, Value v) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr && f->state == FutState::kPending, "set_result on a finished future");
  f->state = FutState::kDone;
  f->set_value(v);
  schedule_callbacks(*f);
}

void EventLoop::set_exception(FutRef r, Value exc) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr && f->state == FutState::kPending, "set_exception on a finished future");
  f->state = FutState::kDone;
  f->exception = true;
  f->set_value(exc);
  schedule_callbacks(*f);
}

bool EventLoop::cancel_future(FutRef r) {
  Future* f = get(r);
  if (f == nullptr || f->state != FutState::kPending) return false;
  if (f->kind == FutKind::kTask) return cancel_task(f->owner);
  if (f->kind == FutKind::kGather) return gather_cancel(f->owner);
  f->state = FutState::kCancelled;
  schedule_callbacks(*f);
  return true;
}

Resume EventLoop::outcome_of(FutRef r) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr);
  if (f->state == FutState::kCancelled) return Resume::raise(exception("CancelledError", ""));
  if (f->exception) return Resume::raise(f->value());
  return Resume::with(f->value());
}

// --------------------------------------------------------------- tasks ----

std::uint32_t EventLoop::create_task(std::uint32_t function, const std::vector<Value>& args,
                                     std::string_view name, sim::RandomStream rng) {
  const auto id = static_cast<std::uint32_t>(tasks_.size());
  CONCSIM_CHECK(id < kJobIdBase, "too many tasks");
  Task& t = tasks_.emplace_back();
  interp_.init_task(t.core, function, args, rng);
  // Names are kept apart, not interned: a million distinct "conn{i}" names
  // would cost a hash-table node each for no lookup.
  t.name = names_.add(name);
  t.created = sim_.now();
  t.future = new_future(FutKind::kTask, id);
  ++live_tasks_;
  peak_tasks_ = std::max(peak_tasks_, live_tasks_ - 1);
  memory_changed();
  recorder_.state(sim_.now(), id, SpanKind::kReady);
  trace(id, "created");
  call_soon(Callback{CbKind::kStep, id, 0, 0});
  return id;
}

void EventLoop::step(std::uint32_t task, Resume resume) {
  {
    Task& t = tasks_[task];
    if (!t.started) {
      t.started = true;
      t.start = sim_.now();
      trace(task, "started");
    }
    t.state = TaskState::kRunning;
  }
  // A task that comes back to the loop (from an await, a yield, or its
  // start) starts a new streak of compute steps.
  if (!after_compute_) compute_.reset();
  after_compute_ = false;
  recorder_.state(sim_.now(), task, SpanKind::kRunning);
  Resume r = resume;
  std::uint64_t budget = options_.step_budget;
  for (;;) {
    Request req = interp_.run(tasks_[task].core, r, sim_.now(), budget);
    Resume next;
    if (!handle(task, req, &next)) return;
    r = next;
  }
}

void EventLoop::suspend(std::uint32_t task, FutRef f, PendingOp op) {
  Task& t = tasks_[task];
  t.waiter = f;
  t.op = op;
  t.state = TaskState::kPending;
  Future* fut = get(f);
  if (fut->kind == FutKind::kPlain) fut->owner = task;
  add_done_callback(f, Callback{CbKind::kWakeup, task, f.index, f.gen});
  recorder_.state(sim_.now(), task, SpanKind::kWaiting);
  // A cancel() that found no future to cancel (the task was running) takes
  // effect at this await: the future is cancelled at once.
  if (t.must_cancel && cancel_future(f)) t.must_cancel = false;
}

void EventLoop::start_cpu(std::uint32_t task, sim::Duration d, bool blocking) {
  busy_task_ = task;
  busy_blocking_ = blocking;
  busy_since_ = sim_.now();
  busy_for_ = d;
  recorder_.state(sim_.now(), task, blocking ? SpanKind::kBlocked : SpanKind::kRunning);
  trace(task, [&] { return std::string(blocking ? "block " : "cpu ") + sim::format_duration(d); });
  if (blocking) {
    sim_.schedule_in(d, *this, tag(Tag::kCpuDone, 0));  // a blocked thread needs no core
  } else {
    use_core(CoreUser{true, 0, d});
  }
}

// The machine's cores, shared by the loop thread's cpu steps and the
// executor's workers: a step takes a core for its whole length, and steps
// that find none wait first come first served. (The thread model preempts;
// here a step is short next to a time slice, and executor jobs are few.)
void EventLoop::use_core(const CoreUser& user) {
  if (cores_free_ > 0) {
    --cores_free_;
    run_on_core(user);
  } else {
    core_queue_.push_back(user);
  }
}

void EventLoop::run_on_core(const CoreUser& user) {
  if (user.loop) {
    sim_.schedule_in(user.duration, *this, tag(Tag::kCpuDone, 0));
  } else {
    sim_.schedule_in(user.duration, *this, tag(Tag::kWorker, user.worker));
  }
}

void EventLoop::release_core() {
  if (core_queue_.empty()) {
    ++cores_free_;
    return;
  }
  const CoreUser next = core_queue_.front();
  core_queue_.pop_front();
  run_on_core(next);
}

bool EventLoop::handle(std::uint32_t task, Request& req, Resume* next) {
  using K = Request::Kind;
  switch (req.kind) {
    case K::kLog:
      trace(task, [&] { return "log: " + req.text; });
      *next = Resume::with(Value::null());
      return true;
    case K::kSpawn: {
      const std::uint32_t child =
          create_task(program_.spawns[req.spec].function, req.args, req.text, tasks_[task].core.rng.split());
      *next = Resume::with(Value::task(child));
      return true;
    }
    case K::kCpu:
    case K::kBlock:
      if (req.duration == 0) {
        *next = Resume::with(Value::null());
        return true;
      }
      if (compute_.add(options_.compute_budget)) {
        stop_runaway(task, runaway_detail("task " + task_name(task), options_.compute_budget, "awaiting"));
        return false;
      }
      start_cpu(task, req.duration, req.kind == K::kBlock);
      return false;
    case K::kSleep:
    case K::kIo: {
      if (req.kind == K::kSleep && req.duration == 0) {
        // asyncio.sleep(0) yields without a future: the task's next step is
        // queued behind everything already ready.
        trace(task, "yield");
        tasks_[task].state = TaskState::kPending;
        recorder_.state(sim_.now(), task, SpanKind::kReady);
        call_soon(Callback{CbKind::kStep, task, 0, 0});
        return false;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      futures_[f.index].timer = sim_.schedule_in(
          req.duration, *this, tag(req.kind == K::kSleep ? Tag::kTimer : Tag::kIo, f.index, f.gen));
      trace(task, [&] { return std::string(req.kind == K::kSleep ? "sleep " : "io ") + sim::format_duration(req.duration); });
      suspend(task, f, PendingOp::kFuture);
      return false;
    }
    case K::kArrive:
      // The connection waits for its client's next request: an I/O wait,
      // unless the server has stopped taking requests.
      {
        const sim::Time base = req.has_timeout ? req.value.bits : sim_.now();
        const sim::Duration wait = requests_.arriving(task, sim_.now(), base, req.duration);
        if (wait < 0) {
          *next = Resume::with(Value::boolean(true));
          return true;
        }
        req.duration = wait;
        req.has_timeout = false;
      }
      req.kind = K::kIo;
      return handle(task, req, next);
    case K::kRequestDone:
      requests_.done(task, sim_.now(), req.flag);
      *next = Resume::with(Value::null());
      return true;
    case K::kYield:
      trace(task, "yield");
      tasks_[task].state = TaskState::kPending;
      recorder_.state(sim_.now(), task, SpanKind::kReady);
      call_soon(Callback{CbKind::kStep, task, 0, 0});
      return false;
    case K::kAwait: {
      const std::uint32_t other = req.value.index();
      if (other == task) {
        *next = Resume::raise(exception("RuntimeError", "a task cannot await itself"));
        return true;
      }
      const Task& o = tasks_[other];
      if (o.state == TaskState::kDone || o.state == TaskState::kFailed || o.state == TaskState::kCancelled) {
        *next = task_outcome(o);
        return true;
      }
      trace(task, [&] { return "await " + task_name(other); });
      suspend(task, o.future, PendingOp::kFuture);
      return false;
    }
    case K::kGather: {
      const auto g = static_cast<std::uint32_t>(gathers_.size());
      gathers_.emplace_back();
      gathers_[g].children = req.value.index();
      gathers_[g].return_exceptions = req.flag;
      gathers_[g].outer = new_future(FutKind::kGather, g);
      // Registering callbacks adds no list, so the reference stays valid.
      const std::vector<Value>& children = store_.list(req.value.index());
      if (children.empty()) {
        // gather() of nothing is a finished future holding [].
        free_future(gathers_[g].outer);
        *next = Resume::with(Value::list(store_.add_list({})));
        return true;
      }
      for (std::uint32_t i = 0; i < children.size(); ++i) {
        add_done_callback(tasks_[children[i].index()].future, Callback{CbKind::kGatherChild, g, i, 0});
      }
      trace(task, [&] { return "gather " + store_.format(req.value, this); });
      suspend(task, gathers_[g].outer, PendingOp::kFuture);
      return false;
    }
    case K::kWait: {
      const std::vector<Value> children = store_.list(req.value.index());
      if (children.empty()) {
        *next = Resume::raise(exception("ValueError", "Set of Tasks/Futures is empty."));
        return true;
      }
      const auto w = static_cast<std::uint32_t>(waits_.size());
      waits_.emplace_back();
      WaitState& ws = waits_[w];
      ws.tasks = children;
      ws.counter = static_cast<std::int64_t>(children.size());
      ws.when = program_.waits[req.spec].return_when;
      ws.waiter = new_future(FutKind::kPlain, task);
      if (req.has_timeout) {
        futures_[ws.waiter.index].timer =
            sim_.schedule_in(req.duration, *this, tag(Tag::kTimer, ws.waiter.index, ws.waiter.gen));
      }
      const FutRef waiter = ws.waiter;
      for (Value c : children) {
        add_done_callback(tasks_[c.index()].future, Callback{CbKind::kWaitCompletion, w, c.index(), 0});
      }
      tasks_[task].op_a = w;
      trace(task, [&] { return "wait " + store_.format(req.value, this) +
                      (req.has_timeout ? " timeout " + sim::format_duration(req.duration) : ""); });
      suspend(task, waiter, PendingOp::kWait);
      return false;
    }
    case K::kAsCompletedNext: {
      const std::vector<Value> rest = store_.list(req.value.index());
      std::uint32_t best = kIdle;
      for (Value c : rest) {
        const Task& o = tasks_[c.index()];
        if (o.end >= 0 && (best == kIdle || o.completion < tasks_[best].completion)) best = c.index();
      }
      if (best != kIdle) {
        *next = Resume::with(Value::task(best));
        return true;
      }
      const FutRef waiter = new_future(FutKind::kPlain, task);
      for (Value c : rest) {
        add_done_callback(tasks_[c.index()].future, Callback{CbKind::kReleaseWaiter, waiter.index, 0, waiter.gen});
      }
      tasks_[task].op_a = req.value.index();
      suspend(task, waiter, PendingOp::kAsCompleted);
      return false;
    }
    case K::kWaitFor: {
      const std::uint32_t inner = req.value.index();
      const Task& o = tasks_[inner];
      if (o.end >= 0) {
        *next = task_outcome(o);
        return true;
      }
      if (req.duration == 0) {
        // timeout <= 0: cancel at once and wait for the task to finish, then
        // raise TimeoutError (asyncio 3.11); a task not yet started never runs.
        const FutRef waiter = new_future(FutKind::kPlain, task);
        add_done_callback(tasks_[inner].future, Callback{CbKind::kReleaseWaiter, waiter.index, 0, waiter.gen});
        cancel_task(inner);
        tasks_[task].op_a = inner;
        suspend(task, waiter, PendingOp::kWaitForCancel);
        return false;
      }
      const FutRef waiter = new_future(FutKind::kPlain, task);
      futures_[waiter.index].timer =
          sim_.schedule_in(req.duration, *this, tag(Tag::kTimer, waiter.index, waiter.gen));
      add_done_callback(tasks_[inner].future, Callback{CbKind::kReleaseWaiter, waiter.index, 0, waiter.gen});
      tasks_[task].op_a = inner;
      trace(task, [&] { return "wait_for " + task_name(inner) + " timeout " + sim::format_duration(req.duration); });
      suspend(task, waiter, PendingOp::kWaitFor);
      return false;
    }
    case K::kCancel: {
      bool any = false;
      std::vector<Value> targets;
      if (req.value.kind == ValueKind::kList) {
        targets = store_.list(req.value.index());
      } else {
        targets.push_back(req.value);
      }
      for (Value v : targets) {
        if (v.kind != ValueKind::kTask) continue;
        trace(task, [&] { return "cancel " + task_name(v.index()); });
        any = cancel_task(v.index()) || any;
      }
      *next = Resume::with(Value::boolean(any));
      return true;
    }
    case K::kAcquire: {
      if (acquire(task, req.object)) {
        *next = Resume::with(Value::boolean(true));
        return true;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      sync_[req.object].waiters.push_back(f);
      tasks_[task].op_a = req.object;
      trace(task, [&] { return "acquire " + program_.sync[req.object].name + " (waits)"; });
      suspend(task, f, PendingOp::kAcquire);
      return false;
    }
    case K::kRelease: {
      const Value err = release(req.object);
      *next = err.kind == ValueKind::kException ? Resume::raise(err) : Resume::with(Value::null());
      return true;
    }
    case K::kEventSet: {
      SyncState& s = sync_[req.object];
      s.value = 1;
      // Event.set wakes every waiter, in the order they began to wait.
      std::deque<FutRef> waiters;
      waiters.swap(s.waiters);
      for (FutRef f : waiters) {
        Future* fut = get(f);
        if (fut != nullptr && fut->state == FutState::kPending) set_result(f, Value::boolean(true));
      }
      *next = Resume::with(Value::null());
      return true;
    }
    case K::kEventClear:
      sync_[req.object].value = 0;
      *next = Resume::with(Value::null());
      return true;
    case K::kEventWait: {
      if (sync_[req.object].value != 0) {
        *next = Resume::with(Value::boolean(true));
        return true;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      sync_[req.object].waiters.push_back(f);
      suspend(task, f, PendingOp::kEventWait);
      return false;
    }
    case K::kQueuePut: {
      if (queue_try_put(req.object, req.value)) {
        *next = Resume::with(Value::null());
        return true;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      sync_[req.object].putters.push_back(f);
      tasks_[task].op_a = req.object;
      tasks_[task].result = req.value;  // the item to put, kept while waiting
      suspend(task, f, PendingOp::kQueuePut);
      return false;
    }
    case K::kQueueGet: {
      Value item;
      if (queue_try_get(req.object, &item)) {
        *next = Resume::with(item);
        return true;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      sync_[req.object].waiters.push_back(f);
      tasks_[task].op_a = req.object;
      suspend(task, f, PendingOp::kQueueGet);
      return false;
    }
    case K::kQueueTaskDone: {
      SyncState& s = sync_[req.object];
      if (s.unfinished <= 0) {
        *next = Resume::raise(exception("ValueError", "task_done() called too many times"));
        return true;
      }
      if (--s.unfinished == 0) {
        std::deque<FutRef> joiners;
        joiners.swap(s.joiners);
        for (FutRef f : joiners) {
          Future* fut = get(f);
          if (fut != nullptr && fut->state == FutState::kPending) set_result(f, Value::boolean(true));
        }
      }
      *next = Resume::with(Value::null());
      return true;
    }
    case K::kQueueJoin: {
      if (sync_[req.object].unfinished == 0) {
        *next = Resume::with(Value::null());
        return true;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      sync_[req.object].joiners.push_back(f);
      suspend(task, f, PendingOp::kQueueJoin);
      return false;
    }
    case K::kExecutor: {
      const FutRef f = new_future(FutKind::kPlain, task);
      submit_job(task, program_.spawns[req.spec].function, req.args, req.text, f);
      trace(task, [&] { return "run_in_executor " + req.text; });
      suspend(task, f, PendingOp::kFuture);
      return false;
    }
    case K::kFinished:
      finish(task, req.flag, req.value);
      return false;
    case K::kRunaway:
      stop_runaway(task, "task " + task_name(task) + " ran " + std::to_string(options_.step_budget) +
                             " instructions without awaiting (an endless loop?)");
      return false;
  }
  return false;
}

void EventLoop::stop_runaway(std::uint32_t task, const std::string& detail) {
  trace(task, [&] { return "stopped: " + detail; });
  sim_.stop(detail);
  finished_ = true;
  finish_time_ = sim_.now();
}

Resume EventLoop::task_outcome(const Task& t) {
  if (t.state == TaskState::kCancelled) return Resume::raise(exception("CancelledError", ""));
  if (t.state == TaskState::kFailed) return Resume::raise(t.result);
  return Resume::with(t.result);
}

void EventLoop::wakeup(std::uint32_t task, FutRef f) {
  Task& t = tasks_[task];
  if (t.waiter.index != f.index || t.waiter.gen != f.gen) return;  // a stale wake-up
  t.waiter = FutRef{};
  Resume r = outcome_of(f);
  const Future* fut = get(f);
  const bool granted = fut->state == FutState::kDone && !fut->exception;
  if (t.must_cancel) {
    // cancel() arrived after the future finished but before this step: the
    // task sees CancelledError instead of the result (Task.__step).
    t.must_cancel = false;
    r = Resume::raise(exception("CancelledError", ""));
  }
  const PendingOp op = t.op;
  t.op = PendingOp::kNone;
  const std::uint32_t a = t.op_a;
  free_future(f);
  const bool raised = r.kind == Resume::Kind::kException;
  if (raised && store_.exception_type(r.value) == "CancelledError") trace(task, "CancelledError raised");
  switch (op) {
    case PendingOp::kNone:
    case PendingOp::kFuture:
    case PendingOp::kEventWait:
    case PendingOp::kQueueJoin:
      step(task, r);
      return;
    case PendingOp::kWait: {
      WaitState& w = waits_[a];
      for (Value c : w.tasks) remove_done_callback(tasks_[c.index()].future, CbKind::kWaitCompletion, a);
      if (raised) {
        step(task, r);
        return;
      }
      // done and pending in the order the tasks were given (asyncio returns
      // sets, ordered by memory address; concsim keeps argument order).
      std::vector<Value> done;
      std::vector<Value> pending;
      for (Value c : w.tasks) (tasks_[c.index()].end >= 0 ? done : pending).push_back(c);
      const Value both = Value::list(store_.add_list(
          {Value::list(store_.add_list(std::move(done))), Value::list(store_.add_list(std::move(pending)))}));
      step(task, Resume::with(both));
      return;
    }
    case PendingOp::kAsCompleted: {
      const std::vector<Value> rest = store_.list(a);
      for (Value c : rest) remove_done_callback(tasks_[c.index()].future, CbKind::kReleaseWaiter, f.index);
      if (raised) {
        step(task, r);
        return;
      }
      std::uint32_t best = kIdle;
      for (Value c : rest) {
        const Task& o = tasks_[c.index()];
        if (o.end >= 0 && (best == kIdle || o.completion < tasks_[best].completion)) best = c.index();
      }
      CONCSIM_CHECK(best != kIdle, "as_completed woke with nothing finished");
      step(task, Resume::with(Value::task(best)));
      return;
    }
    case PendingOp::kWaitFor: {
      remove_done_callback(tasks_[a].future, CbKind::kReleaseWaiter, f.index);
      const Task& inner = tasks_[a];
      if (inner.end >= 0) {
        step(task, task_outcome(inner));
        return;
      }
      // Timed out, or this task was cancelled: cancel the inner task and wait
      // for it to finish (_cancel_and_wait), then raise.
      const FutRef waiter = new_future(FutKind::kPlain, task);
      add_done_callback(tasks_[a].future, Callback{CbKind::kReleaseWaiter, waiter.index, 0, waiter.gen});
      cancel_task(a);
      tasks_[task].op_a = a;
      suspend(task, waiter, raised ? PendingOp::kWaitForCancelled : PendingOp::kWaitForCancel);
      return;
    }
    case PendingOp::kWaitForCancel:
    case PendingOp::kWaitForCancelled: {
      remove_done_callback(tasks_[a].future, CbKind::kReleaseWaiter, f.index);
      if (raised || op == PendingOp::kWaitForCancelled) {
        step(task, raised ? r : Resume::raise(exception("CancelledError", "")));
        return;
      }
      const Task& inner = tasks_[a];
      if (inner.state == TaskState::kCancelled) {
        trace(task, "TimeoutError raised");
        step(task, Resume::raise(exception("TimeoutError", "")));
      } else {
        step(task, task_outcome(inner));  // the inner task ignored the cancellation
      }
      return;
    }
    case PendingOp::kAcquire:
      if (raised) {
        // Cancelled after the semaphore was handed over: give it back.
        if (granted) release(a);
        step(task, r);
        return;
      }
      step(task, Resume::with(Value::boolean(true)));
      return;
    case PendingOp::kQueueGet:
    case PendingOp::kQueuePut: {
      SyncState& s = sync_[a];
      if (raised) {
        // A woken getter that is cancelled passes the wake-up on, if there
        // is still an item for it (a putter: if there is still room).
        const bool full = s.initial > 0 && static_cast<std::int64_t>(s.items.size()) >= s.initial;
        if (granted && (op == PendingOp::kQueueGet ? !s.items.empty() : !full)) {
          wake_up_next(op == PendingOp::kQueueGet ? s.waiters : s.putters, Value::null());
        }
        step(task, r);
        return;
      }
      // Woken: try again, as asyncio's `while self.empty(): await getter`.
      Value item;
      if (op == PendingOp::kQueueGet ? queue_try_get(a, &item) : queue_try_put(a, tasks_[task].result)) {
        step(task, Resume::with(op == PendingOp::kQueueGet ? item : Value::null()));
        return;
      }
      const FutRef again = new_future(FutKind::kPlain, task);
      (op == PendingOp::kQueueGet ? s.waiters : s.putters).push_back(again);
      tasks_[task].op_a = a;
      suspend(task, again, op);
      return;
    }
  }
}

void EventLoop::finish(std::uint32_t task, bool failed, Value v) {
  Task& t = tasks_[task];
  const bool cancelled = failed && v.kind == ValueKind::kException && store_.exception_type(v) == "CancelledError";
  t.state = cancelled ? TaskState::kCancelled : (failed ? TaskState::kFailed : TaskState::kDone);
  t.result = v;
  t.end = sim_.now();
  t.completion = static_cast<std::uint32_t>(++completions_);
  t.waiter = FutRef{};
  interp_.release(t.core);  // its locals: nothing runs or reads them any more
  --live_tasks_;
  if (!t.is_main) {
    if (failed) {
      ++failed_;
    } else {
      ++completed_;
      latencies_.record(t.end - t.created);
    }
  }
  recorder_.close(sim_.now(), task);
  if (cancelled) {
    trace(task, "cancelled");
  } else if (failed) {
    trace(task, [&] { return "failed: " + store_.format(v, this); });
  } else {
    trace(task, [&] { return "done -> " + store_.format(v, this, true); });
  }
  Future& f = futures_[t.future.index];
  if (cancelled) {
    f.state = FutState::kCancelled;
    schedule_callbacks(f);
  } else if (failed) {
    set_exception(t.future, v);
  } else {
    set_result(t.future, v);
  }
  if (t.is_main) {
    // run_until_complete's done callback stops the loop: it runs on a later
    // turn, and the loop finishes the iteration it runs in before asyncio.run
    // cancels what is left.
    call_soon(Callback{CbKind::kMainDone, task, 0, 0});
  } else if (shutting_down_) {
    on_main_finished();
  }
}

void EventLoop::on_main_finished() {
  if (!shutting_down_) {
    shutting_down_ = true;
    // asyncio.run cancels what is still running, in creation order here
    // (asyncio walks a WeakSet, whose order follows memory addresses).
    for (std::uint32_t i = 0; i < tasks_.size(); ++i) {
      if (tasks_[i].end < 0) {
        trace(main_, [&] { return "asyncio.run: cancel " + task_name(i); });
        cancel_task(i);
      }
    }
  }
  // Counted, not scanned: this runs each time a task finishes while
  // shutting down.
  if (live_tasks_ > 0 || jobs_running_ > 0 || !job_queue_.empty()) return;  // the executor's shutdown waits for its jobs
  finished_ = true;
  finish_time_ = sim_.now();
  recorder_.line(sim_.now(), Recorder::kNoTask, "asyncio.run returns");
  if (options_.stop_when_done) sim_.stop(kFinishedDetail);
}

bool EventLoop::cancel_task(std::uint32_t task) {
  Task& t = tasks_[task];
  if (t.end >= 0) return false;
  if (t.waiter.valid() && cancel_future(t.waiter)) return true;
  t.must_cancel = true;
  return true;
}

bool EventLoop::gather_cancel(std::uint32_t gather) {
  GatherState& g = gathers_[gather];
  Future* outer = get(g.outer);
  if (outer == nullptr || outer->state != FutState::kPending) return false;
  bool any = false;
  const std::vector<Value> children = store_.list(g.children);
  for (Value c : children) any = cancel_task(c.index()) || any;
  if (any) gathers_[gather].cancel_requested = true;
  return any;
}

// ----------------------------------------------------- synchronisation ----

bool EventLoop::acquire(std::uint32_t, std::uint32_t obj) {
  SyncState& s = sync_[obj];
  // Waiters that were cancelled or already served are dropped from the
  // front, so the check below is amortised O(1).
  while (!s.waiters.empty()) {
    const Future* fut = get(s.waiters.front());
    if (fut != nullptr && fut->state == FutState::kPending) break;
    s.waiters.pop_front();
  }
  // A newcomer never overtakes a waiter (asyncio 3.11 locked()).
  if (s.value > 0 && s.waiters.empty()) {
    s.value -= 1;
    return true;
  }
  return false;
}

Value EventLoop::release(std::uint32_t obj) {
  SyncState& s = sync_[obj];
  if (s.kind == SyncKind::kLock && s.value > 0) {
    return exception("RuntimeError", "Lock is not acquired.");
  }
  if (s.kind == SyncKind::kBoundedSemaphore && s.value >= s.initial) {
    return exception("ValueError", "BoundedSemaphore released too many times");
  }
  s.value += 1;
  // Hand the unit straight to the first waiter, first come first served.
  wake_up_next(s.waiters, Value::boolean(true));
  return Value::null();
}

// Sets the first still-pending future of `waiters` and removes it. For
// semaphores and locks the unit goes with it.
void EventLoop::wake_up_next(std::deque<FutRef>& waiters, Value v) {
  while (!waiters.empty()) {
    const FutRef f = waiters.front();
    waiters.pop_front();
    Future* fut = get(f);
    if (fut == nullptr || fut->state != FutState::kPending) continue;
    const std::uint32_t owner = fut->owner;
    if (tasks_[owner].op == PendingOp::kAcquire) sync_[tasks_[owner].op_a].value -= 1;
    set_result(f, v);
    return;
  }
}

bool EventLoop::queue_try_put(std::uint32_t obj, Value item) {
  SyncState& s = sync_[obj];
  if (s.initial > 0 && static_cast<std::int64_t>(s.items.size()) >= s.initial) return false;
  s.items.push_back(item);
  s.unfinished += 1;
  wake_up_next(s.waiters, Value::null());
  return true;
}

bool EventLoop::queue_try_get(std::uint32_t obj, Value* item) {
  SyncState& s = sync_[obj];
  if (s.items.empty()) return false;
  *item = s.items.front();
  s.items.pop_front();
  wake_up_next(s.putters, Value::null());
  return true;
}

// ------------------------------------------------------------ executor ----

void EventLoop::submit_job(std::uint32_t task, std::uint32_t function, const std::vector<Value>& args,
                           std::string_view name, FutRef f) {
  const auto j = static_cast<std::uint32_t>(jobs_.size());
  jobs_.emplace_back();
  Job& job = jobs_.back();
  // The job draws from its submitter's stream, as the same steps would
  // inline: an offloaded call (model async+executor) faces the draws the
  // loop would have. The task gets the stream back when the result arrives;
  // until then it holds a stream split off, so that a task cancelled while
  // it waits does not draw the job's numbers again.
  interp_.init_task(job.core, function, args, tasks_[task].core.rng);
  tasks_[task].core.rng = tasks_[task].core.rng.split();
  job.future = f;
  job.name = store_.intern(std::string(name));
  job.owner = task;
  // ThreadPoolExecutor: an idle worker takes the job, else a new worker is
  // started while there are fewer than max_workers, else the job queues.
  for (std::uint32_t w = 0; w < worker_job_.size(); ++w) {
    if (worker_job_[w] == kIdle) {
      ++jobs_running_;
      worker_job_[w] = j;
      jobs_[j].start = sim_.now();
      run_worker(w, Resume::start());
      return;
    }
  }
  if (static_cast<int>(worker_job_.size()) < max_workers_) {
    ++jobs_running_;
    worker_job_.push_back(j);
    ++workers_started_;
    memory_changed();
    jobs_[j].start = sim_.now();
    run_worker(static_cast<std::uint32_t>(worker_job_.size() - 1), Resume::start());
    return;
  }
  job_queue_.push_back(j);
}

void EventLoop::run_worker(std::uint32_t worker, Resume resume) {
  using K = Request::Kind;
  const std::uint32_t j = worker_job_[worker];
  const std::uint32_t id = kJobIdBase + j;
  Resume r = resume;
  std::uint64_t budget = options_.step_budget;
  for (;;) {
    Request req = interp_.run(jobs_[j].core, r, sim_.now(), budget);
    switch (req.kind) {
      case K::kCpu:
      case K::kBlock:
      case K::kSleep:
      case K::kIo:
        if (req.duration == 0) {
          r = Resume::with(Value::null());
          continue;
        }
        // A worker's cpu step needs one of the machine's cores; sleeping,
        // I/O and blocking calls do not.
        recorder_.state(sim_.now(), id, req.kind == K::kCpu ? SpanKind::kRunning : SpanKind::kBlocked);
        if (req.kind != K::kCpu) {
          jobs_[j].compute.reset();
        } else if (jobs_[j].compute.add(options_.compute_budget)) {
          stop_runaway(id, runaway_detail("an executor job (" + store_.str(jobs_[j].name) + ")",
                                          options_.compute_budget, "sleeping, blocking or waiting for I/O"));
          return;
        }
        if (req.kind == K::kCpu) {
          worker_cpu_ += req.duration;
          worker_on_core_[worker] = true;
          use_core(CoreUser{false, worker, req.duration});
        } else {
          ++voluntary_switches_;  // the worker thread blocks
          sim_.schedule_in(req.duration, *this, tag(Tag::kWorker, worker));
        }
        return;
      case K::kYield:
        r = Resume::with(Value::null());
        continue;
      case K::kLog:
        trace(id, [&] { return "log: " + req.text; });
        r = Resume::with(Value::null());
        continue;
      case K::kFinished: {
        Job& job = jobs_[j];
        job.failed = req.flag;
        job.result = req.value;
        job.end = sim_.now();
        recorder_.close(sim_.now(), id);
        trace(id, [&] { return job.failed ? "failed: " + store_.format(job.result, this) : "done -> " + store_.format(job.result, this, true); });
        // The result reaches the loop with call_soon_threadsafe.
        call_soon(Callback{CbKind::kExecutorDone, j, 0, 0});
        worker_job_[worker] = kIdle;
        --jobs_running_;
        start_next_job(worker);
        if (shutting_down_) on_main_finished();
        return;
      }
      case K::kRunaway:
        stop_runaway(id, "an executor job ran " + std::to_string(options_.step_budget) +
                             " instructions without a pause (an endless loop?)");
        return;
      default:
        r = Resume::raise(exception("RuntimeError", "only cpu, block, sleep, io, yield and log can run in an executor"));
        continue;
    }
  }
}

void EventLoop::start_next_job(std::uint32_t worker) {
  // A job whose awaiting task was cancelled while it queued never runs: the
  // loop cancels the concurrent future, which succeeds while it is pending.
  while (!job_queue_.empty()) {
    const Future* f = get(jobs_[job_queue_.front()].future);
    if (f != nullptr && f->state == FutState::kPending) break;
    job_queue_.pop_front();
  }
  if (job_queue_.empty()) return;
  const std::uint32_t j = job_queue_.front();
  job_queue_.pop_front();
  ++jobs_running_;
  worker_job_[worker] = j;
  jobs_[j].start = sim_.now();
  run_worker(worker, Resume::start());
}

// -------------------------------------------------------------- memory ----

// Resident and reserved memory now, by kind; peaks and the RAM limit. The
// loop thread's own stack is the process's, as the thread model does not
// count the main thread's either.
void EventLoop::memory_changed() {
  const MachineProfile& m = options_.machine;
  const std::int64_t frames = live_tasks_ * m.task_frame;
  const std::int64_t buffers = options_.socket_per_task ? std::max<std::int64_t>(live_tasks_ - 1, 0) * m.socket_buffer : 0;
  const std::int64_t stacks_resident = workers_started_ * m.stack_resident;
  const std::int64_t stacks_reserved = workers_started_ * m.stack_reserved;
  const std::int64_t guard = workers_started_ * m.guard_bytes;
  const std::int64_t kernel = workers_started_ * m.kernel_stack;
  const std::int64_t resident = frames + buffers + stacks_resident + kernel;
  const std::int64_t reserved = frames + buffers + stacks_reserved + guard + kernel;
  auto peak = [this](const char* key, std::int64_t v) {
    std::int64_t& p = peak_by_kind_[key];
    p = std::max(p, v);
  };
  peak("frames.resident", frames);
  peak("buffers.resident", buffers);
  peak("stacks.resident", stacks_resident);
  peak("stacks.reserved", stacks_reserved);
  peak("guard.reserved", guard);
  peak("kernel_stacks.resident", kernel);
  peak_resident_ = std::max(peak_resident_, resident);
  peak_reserved_ = std::max(peak_reserved_, reserved);
  if (resident > m.ram_bytes && !limit_hit_) {
    limit_hit_ = LimitHit{"ram", sim_.now(), 1 + workers_started_};
    if (m.on_oom == OnOutOfMemory::kKill && !finished_) {
      // The OOM killer ends the process: every task still running is lost.
      killed_ = true;
      finished_ = true;
      finish_time_ = sim_.now();
      for (const Task& t : tasks_) {
        if (t.end < 0 && !t.is_main) ++failed_;
      }
      recorder_.line(sim_.now(), Recorder::kNoTask, "killed: out of memory");
      sim_.stop("killed: resident memory beyond RAM");
    }
  }
}

Metrics EventLoop::metrics() {
  Metrics out;
  const sim::Time end = finished_ ? finish_time_ : sim_.now();
  out.end_ns = end;
  out.completed = completed_;
  out.failed = failed_;
  out.latency = summarize(latencies_);
  out.peak_tasks = peak_tasks_;
  out.memory.peak_resident = peak_resident_;
  out.memory.peak_reserved = peak_reserved_;
  out.memory.by_kind = peak_by_kind_;
  out.cpu.cores = options_.machine.cores;
  out.cpu.system_ns = stats_.system;
  out.cpu.useful_ns = (stats_.busy - stats_.system) + worker_cpu_;
  // Saturates, as the thread scheduler does, for a run that ends near the
  // largest representable time.
  sim::Duration total = 0;
  if (!sim::checked_mul(end, out.cpu.cores, &total)) total = sim::kTimeMax;
  out.cpu.idle_ns = std::max<sim::Duration>(0, total - out.cpu.useful_ns - out.cpu.system_ns);
  out.context_switches.voluntary = voluntary_switches_;
  out.limit_hit = limit_hit_;
  if (requests_.any()) requests_.fill(out);
  return out;
}

// ------------------------------------------------------------- results ----

TaskState EventLoop::main_state() const { return tasks_.empty() ? TaskState::kPending : tasks_[main_].state; }

std::string EventLoop::main_result() const {
  return tasks_.empty() ? "" : store_.format(tasks_[main_].result, this, true);
}

std::string EventLoop::task_name(std::uint32_t task) const {
  if (task == Recorder::kNoTask) return "loop";
  if (task >= kJobIdBase) {
    const std::uint32_t j = task - kJobIdBase;
    return j < jobs_.size() ? "executor:" + store_.str(jobs_[j].name) : "executor";
  }
  return task < tasks_.size() ? names_.get(tasks_[task].name) : "task#" + std::to_string(task);
}

std::vector<TaskSummary> EventLoop::task_summaries() const {
  std::vector<TaskSummary> out;
  out.reserve(tasks_.size() + jobs_.size());  // no doubling: a million summaries, once
  for (std::uint32_t i = 0; i < tasks_.size(); ++i) {
    const Task& t = tasks_[i];
    out.push_back(TaskSummary{names_.get(t.name), t.start, t.end, t.state,
                              t.end >= 0 ? store_.format(t.result, this, true) : "", false});
  }
  for (std::uint32_t j = 0; j < jobs_.size(); ++j) {
    const Job& job = jobs_[j];
    const TaskState s = job.end < 0 ? TaskState::kPending : (job.failed ? TaskState::kFailed : TaskState::kDone);
    out.push_back(TaskSummary{task_name(kJobIdBase + j), job.start, job.end, s,
                              job.end >= 0 ? store_.format(job.result, this, true) : "", true});
  }
  return out;
}

void EventLoop::release_run_state() {
  futures_.clear();
  callback_pool_ = CallbackPool{};
  std::vector<std::uint32_t>().swap(free_futures_);
  std::deque<Callback>().swap(ready_);
  std::deque<Callback>().swap(io_ready_);
  std::deque<Callback>().swap(fired_timers_);
  for (Task& t : tasks_) {
    interp_.release(t.core);
    t.waiter = FutRef{};
    t.future = FutRef{};
  }
}

void EventLoop::describe_waiting(std::vector<sim::WaitingTask>& out) const {
  if (finished_) return;
  for (std::uint32_t i = 0; i < tasks_.size(); ++i) {
    const Task& t = tasks_[i];
    if (t.end >= 0) continue;
    out.push_back(sim::WaitingTask{task_name(i), interp_.describe_wait(t.core)});
  }
}

std::size_t EventLoop::memory_bytes() const {
  std::size_t bytes = tasks_.size() * sizeof(Task) + futures_.size() * sizeof(Future) +
                      ready_.size() * sizeof(Callback) + store_.memory_bytes();
  for (const Task& t : tasks_) bytes += t.core.memory_bytes(program_) - sizeof(TaskCore);
  for (const Future& f : futures_) bytes += f.callbacks.memory_bytes(callback_pool_);
  return bytes;
}

}  // namespace concsim::models
