// ThreadKernel: creating and ending threads, and the machine's limits on
// them: EAGAIN at the thread, mapping and commit limits (refused or queued),
// the OOM killer or swapping beyond RAM.
#include <algorithm>

#include "models/threads/thread_kernel.h"
#include "sim/check.h"

namespace concsim::models {

std::uint32_t ThreadKernel::add_thread() {
  const auto id = static_cast<std::uint32_t>(kthreads_.size());
  CONCSIM_CHECK(id < kModel - 1, "too many threads");
  kthreads_.emplace_back();
  kthreads_.back().created = sim_.now();
  ++unfinished_;
  return id;
}

bool ThreadKernel::create(std::uint32_t thread) {
  KThread& t = kthreads_[thread];
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

LimitKind ThreadKernel::admit_check() {
  // pthread_create fails before anything is charged: clone or the stack's
  // mmap returns EAGAIN.
  const LimitKind limit = memory_.admit(live_);
  if (limit != LimitKind::kNone) note_limit(limit);
  return limit;
}

void ThreadKernel::queue_creation(std::uint32_t thread) {
  ++stats_.queued;
  kthreads_[thread].sched = Sched::kQueued;
  create_queue_.push_back(thread);
}

bool ThreadKernel::check_ram() {
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

void ThreadKernel::note_limit(LimitKind which) {
  if (limit_hit_) return;
  limit_hit_ = LimitHit{to_string(which), sim_.now(), live_};
  if (tracing()) trace(kModel, std::string("limit hit: ") + to_string(which) + " at " + std::to_string(live_) + " threads");
}

void ThreadKernel::kill_process() {
  stats_.killed = true;
  for (std::uint32_t i = 0; i < kthreads_.size(); ++i) {
    KThread& t = kthreads_[i];
    if (t.end >= 0) continue;
    t.end = sim_.now();
    killed_thread(i);
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

void ThreadKernel::end_run(std::string detail) {
  finished_ = true;
  finish_time_ = sim_.now();
  recorder_.line(sim_.now(), kModel, detail);
  sim_.stop(std::move(detail));
}

void ThreadKernel::exit_thread(int core, std::uint32_t id) {
  {
    KThread& t = kthreads_[id];
    t.end = sim_.now();
    t.sched = Sched::kExited;
    recorder_.close(sim_.now(), id);
    if (t.counted) {
      t.counted = false;
      memory_.remove();
      swapping_ = swapping_ && memory_.over_ram();
    }
    if (!t.daemon) --unfinished_;
  }
  --live_;
  sched_.release(core, sim_.now());
  // Joiners are woken by the exit path's futex wake (CLONE_CHILD_CLEARTID),
  // part of thread_exit: nothing more to pay.
  waker_core_ = core;
  notify_exit(id);
  waker_core_ = -1;
  pending_wakes_ = 0;
  admit_queued();
  if (finished_) return;  // creating a queued thread killed the process, or the program ended the run
  kick();
  if (unfinished_ == 0) end_run(kFinishedDetail);
}

// Threads queued at a limit are created, in order, while the limits allow.
void ThreadKernel::admit_queued() {
  while (!create_queue_.empty() && memory_.admit(live_) == LimitKind::kNone) {
    const std::uint32_t child = create_queue_.front();
    create_queue_.pop_front();
    if (!create(child)) return;
    KThread& t = kthreads_[child];
    t.cpu_left += profile_.thread_create;
    t.burst = BurstKind::kSystem;
    t.after = After::kResume;
    if (tracing()) trace(child, "created after waiting at the limit");
    make_runnable(child, Runnable::kNew);
  }
}

}  // namespace concsim::models
