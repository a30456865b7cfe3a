// cpu and block steps: the loop thread busy (on one of the machine's cores)
// or frozen in a blocking call, and the cores it shares with the executor's
// workers.
#include "models/loop/steps/event_loop.h"

#include "sim/check.h"

namespace concsim::models {

bool EventLoop::handle_compute(std::uint32_t task, Request& req, Resume* next) {
  using K = Request::Kind;
  switch (req.kind) {
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
    default:
      break;
  }
  CONCSIM_CHECK(false, "not a cpu or block request");
  return false;
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

// The loop thread's cpu or block step is over: the task goes on.
void EventLoop::cpu_done() {
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

}  // namespace concsim::models
