// ThreadModel: construction, running the interpreter on a core, blocking and
// waking with an outcome, and the results. Requests are in
// thread_requests.cc (joins in thread_joins.cc, synchronisation in
// thread_sync.cc); the kernel's side in thread_kernel.cc.
#include "models/threads/thread_model.h"

#include <algorithm>

#include "sim/check.h"

namespace concsim::models {
namespace {
KernelOptions kernel_options(const ThreadOptions& o) {
  KernelOptions k;
  k.compute_budget = o.compute_budget;
  k.on_limit = o.on_limit;
  k.socket_per_thread = o.socket_per_thread;
  k.working_set = o.working_set;
  k.requests = o.requests;
  k.record = o.record;
  k.record_limit = o.record_limit;
  return k;
}
}  // namespace

ThreadModel::ThreadModel(sim::Simulation& sim, const Program& program, const MachineProfile& profile,
                         const ThreadOptions& options)
    : ThreadKernel(sim, profile, kernel_options(options)),
      program_(program),
      options_(options),
      store_(program.constants),
      interp_(program, store_, shared_, this),
      free_watch_(kNoWatch) {
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
}

// ------------------------------------------------------------ lifecycle ----

void ThreadModel::start(std::uint32_t function) {
  CONCSIM_CHECK(threads_.empty(), "start() is called once");
  // Every other thread's stream is split from its creator's; main's is the root.
  main_ = new_thread(function, {}, program_.functions[function].name, false, sim_.stream("task", 0));
  kthreads_[main_].is_main = true;
  // The main thread exists with the process: no creation cost, no memory of
  // its own in the account (see memory_account.h).
  ++live_;
  stats_.peak_threads = live_;
  make_runnable(main_, Runnable::kNew);
}

// ----------------------------------------------------------- the program ----

void ThreadModel::run_program(int core, std::uint32_t id) {
  Thread& t = threads_[id];
  if (!t.started) {
    t.started = true;
    run_interpreter(core, Resume::start());
    return;
  }
  run_interpreter(core, t.resume_raises ? Resume::raise(t.resume) : Resume::with(t.resume));
}

void ThreadModel::after_program_burst(int core, std::uint32_t id) {
  Resume next;
  if (finish_spawn(core, id, &next)) run_interpreter(core, next);
}

bool ThreadModel::deliver_cancel(int core, std::uint32_t id) {
  Resume next;
  if (!take_cancel(id, &next)) return false;
  run_interpreter(core, next);
  return true;
}

void ThreadModel::cpu(int core, std::uint32_t thread, sim::Duration d, BurstKind kind, After after) {
  Thread& t = threads_[thread];
  t.resume = Value::null();
  t.resume_raises = false;
  start_cpu(core, thread, d, kind, after);
}

void ThreadModel::block(int core, std::uint32_t thread, Wait wait, SpanKind span) {
  threads_[thread].wait = wait;
  ThreadKernel::block(core, thread, span);
}

void ThreadModel::wake(std::uint32_t thread, Resume r) {
  Thread& t = threads_[thread];
  t.wait = Wait::kNone;
  t.resume = r.value;
  t.resume_raises = r.kind == Resume::Kind::kException;
  ThreadKernel::wake(thread);
}

void ThreadModel::run_interpreter(int core, Resume resume) {
  const std::uint32_t id = sched_.core(core).thread;
  Resume r = resume;
  std::uint64_t budget = options_.step_budget;
  for (;;) {
    Request req = interp_.run(threads_[id].core, r, sim_.now(), budget);
    set_waker(core);
    const bool goes_on = handle(core, id, req, &r);
    set_waker(-1);
    if (!goes_on) {
      forget_wakes();  // a request that blocks or ends the thread pays its wakes in its own cost
      return;
    }
    // The wake-ups the request made are system calls of this thread.
    if (pay_futex_wakes(core, id)) {
      Thread& t = threads_[id];
      t.resume = r.value;
      t.resume_raises = r.kind == Resume::Kind::kException;
      return;
    }
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
  for (std::uint32_t i = 0; i < threads_.size(); ++i) {
    const Thread& t = threads_[i];
    const KThread& k = kthreads_[i];
    out.push_back(TaskSummary{store_.str(t.name), k.start, k.end, t.state,
                              k.end >= 0 ? store_.format(t.result, this, true) : "", t.is_executor});
  }
  return out;
}

void ThreadModel::describe_waiting(std::vector<sim::WaitingTask>& out) const {
  if (finished_) return;
  for (std::uint32_t i = 0; i < threads_.size(); ++i) {
    const Thread& t = threads_[i];
    const KThread& k = kthreads_[i];
    if (k.end >= 0) continue;
    std::string what;
    switch (k.sched) {
      case Sched::kQueued: what = "thread creation, queued at a limit"; break;
      case Sched::kBlocked:
        what = t.wait == Wait::kSleep && k.sleep_span == SpanKind::kBlocked ? "block" : interp_.describe_wait(t.core);
        break;
      default: what = "a core"; break;
    }
    out.push_back(sim::WaitingTask{task_name(i), what});
  }
}

std::size_t ThreadModel::memory_bytes() const {
  std::size_t bytes = kernel_memory_bytes() + threads_.capacity() * sizeof(Thread) +
                      watches_.capacity() * sizeof(Watch) + store_.memory_bytes();
  for (const Thread& t : threads_) bytes += t.core.memory_bytes(program_) - sizeof(TaskCore);
  return bytes;
}

}  // namespace concsim::models
