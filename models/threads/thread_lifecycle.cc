// ThreadModel: creating and ending threads, and the machine's limits on them:
// EAGAIN at the thread, mapping and commit limits (refused or queued), the
// OOM killer or swapping beyond RAM.
#include <algorithm>

#include "models/threads/thread_model.h"
#include "sim/check.h"

namespace concsim::models {

std::uint32_t ThreadModel::new_thread(std::uint32_t function, const std::vector<Value>& args,
                                      std::string_view name, bool executor, sim::RandomStream rng) {
  const auto id = static_cast<std::uint32_t>(threads_.size());
  CONCSIM_CHECK(id < kModel - 1, "too many threads");
  threads_.emplace_back();
  Thread& t = threads_.back();
  interp_.init_task(t.core, function, args, rng);
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
  Thread& t = threads_[thread];
  t.counted = true;
  // Its first run touches the stack pages it keeps resident, each a page
  // fault (its kernel stack was allocated by clone, in thread_create).
  if (profile_.page_fault > 0 && profile_.stack_resident > 0) {
    const std::int64_t pages = (profile_.stack_resident + profile_.page_size - 1) / profile_.page_size;
    t.cpu_left += profile_.page_fault * pages;
    t.burst = BurstKind::kSystem;
    t.after = After::kResume;
  }
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
  // A spawned thread's stream is split from its parent's; an executor job
  // draws from its submitter's, as the same steps would inline, and hands it
  // back when it is joined (on_joined).
  Thread& parent = threads_[id];
  const sim::RandomStream rng = executor ? parent.core.rng : parent.core.rng.split();
  // Until it is handed back, the submitter holds a stream split off, so that
  // one cancelled while it waits does not draw the job's numbers again.
  if (executor) parent.core.rng = parent.core.rng.split();
  const std::uint32_t child = new_thread(program_.spawns[req.spec].function, req.args, req.text, executor, rng);
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
  if (threads_[child].sched == Sched::kCreating) make_runnable(child, Runnable::kNew);
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
  sched_.release(core, sim_.now());
  // Joiners are woken by the exit path's futex wake (CLONE_CHILD_CLEARTID),
  // part of thread_exit: nothing more to pay.
  waker_core_ = core;
  notify_watchers(id);
  waker_core_ = -1;
  pending_wakes_ = 0;
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
    t.cpu_left += profile_.thread_create;
    t.burst = BurstKind::kSystem;
    t.after = After::kResume;
    if (tracing()) trace(child, "created after waiting at the limit");
    make_runnable(child, Runnable::kNew);
  }
}


}  // namespace concsim::models
