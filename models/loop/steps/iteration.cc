// The iteration (BaseEventLoop._run_once): the ready queue, the phases of
// one iteration (poll, timers, run), the kernel events that drive them, and
// the accounting of how long ready callbacks waited for the loop thread.
//
// This file and tasks.cc are the hot path (a kernel event, a callback, a
// task's step and its request): get() is inline in event_loop.h for it.
#include "models/loop/steps/event_loop.h"

#include <algorithm>

namespace concsim::models {

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
  const auto index = static_cast<std::uint32_t>(t >> 24);
  const auto gen = static_cast<std::uint32_t>(t) & kTagGenMask;
  switch (kind) {
    case Tag::kIterate:
      iteration_scheduled_ = false;
      iterate();
      break;
    case Tag::kPollDone:
      poll_done();
      break;
    case Tag::kCpuDone:
      cpu_done();
      break;
    case Tag::kTimer:
    case Tag::kIo:
      timer_fired(kind, index, gen);
      break;
    case Tag::kWorker:
      worker_ready(index);
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

// The select() call and its events' handling (iterate's phase 1) are over:
// phases 2 and 3 follow.
void EventLoop::poll_done() {
    stats_.busy += busy_for_;
    stats_.system += busy_for_;
    busy_task_ = Recorder::kNoTask;
    if (options_.trace_phases) trace(Recorder::kNoTask, [&] { return "timers: " + std::to_string(fired_timers_.size()) + " due"; });
    move_to_ready(fired_timers_);
    ntodo_ = ready_.size();
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
    case CbKind::kStep:
      run_step(cb.a);
      return;
    case CbKind::kWakeup:
      wakeup(cb.a, FutRef{cb.b, cb.gen});
      return;
    case CbKind::kSetResult:
    case CbKind::kReleaseWaiter: {
      Future* f = get(FutRef{cb.a, cb.gen});
      if (f != nullptr && f->state == FutState::kPending) set_result(FutRef{cb.a, cb.gen}, Value::null());
      return;
    }
    case CbKind::kGatherChild:
      on_gather_child(cb);
      return;
    case CbKind::kWaitCompletion:
      on_wait_completion(cb);
      return;
    case CbKind::kMainDone:
      stop_after_iteration_ = true;
      return;
    case CbKind::kExecutorDone:
      on_executor_done(cb);
      return;
  }
}

}  // namespace concsim::models
