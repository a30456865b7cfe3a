// What the operating system does with a program's threads, whatever the
// program is written in: cores, time slices and cpu bursts, blocking and
// waking, system-call and futex costs, creation and exit, the memory the
// threads hold and the machine's limits on them.
//
// The program-facing side (what a thread's code asks for: a join, a lock, a
// queue) is a subclass's: ThreadHost runs programs on the VM. The kernel
// calls it back at four points: a thread on a core with nothing left to
// compute runs its program (run_program), a burst that a subclass asked to
// be told about ends (After::kProgram), a timer of a program wait fires
// (on_timeout), and a blocking system call is about to sleep with a
// cancellation pending (deliver_cancel).
//
// A thread is in one scheduling state at a time:
//
//   kCreating -> kRunnable -> kOnCore -> (kBlocked -> kWaking ->) kRunnable ...
//                                     -> kExited
//
// kQueued: waiting at a limit to be created (ThreadOptions::on_limit).
// Every transition that puts a thread on a core goes through the event
// queue, so a thread never runs inside another thread's step.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "models/machine.h"
#include "models/metrics.h"
#include "models/program/trace.h"
#include "models/requests.h"
#include "models/runaway.h"
#include "models/threads/memory_account.h"
#include "models/threads/scheduler.h"
#include "sim/simulation.h"
#include "sim/stats.h"

namespace concsim::models {

enum class OnThreadLimit : std::uint8_t {
  kRefuse,  // the spawn raises RuntimeError("can't start new thread")
  kQueue,   // the new thread waits until a thread exits
};

// Figures of this model only; the model-neutral ones are in metrics().
struct ThreadStats {
  std::int64_t peak_threads = 0;     // live threads at once, the main one included
  std::int64_t max_runnable = 0;     // runnable threads at once (queued plus on cores)
  std::uint64_t switches_in = 0;     // threads switched onto a core, each paying a switch
  std::uint64_t refused = 0;         // spawns that raised for a limit
  std::uint64_t queued = 0;          // spawns queued at a limit
  bool swapped = false;              // resident memory went beyond RAM with on_oom: swap
  bool killed = false;               // the OOM killer ended the process
};

struct KernelOptions {
  // Compute steps a thread may make in a row without blocking or yielding
  // (models/runaway.h).
  std::uint64_t compute_budget = kMaxComputeStepsWithoutWait;
  OnThreadLimit on_limit = OnThreadLimit::kRefuse;
  bool socket_per_thread = false;  // each spawned thread holds a connection's socket buffers
  std::int64_t working_set = 0;    // bytes of buffers each thread touches every time it runs (cache_model.h)
  RequestWindow requests{};        // a server workload's warm-up and stop time
  bool record = false;             // keep a trace and spans
  std::size_t record_limit = 100'000;
};

class ThreadKernel : public sim::EventHandler, public sim::StallSource {
 public:
  static constexpr const char* kFinishedDetail = "all threads finished";

  // Keeps references to the simulation and the profile; they must outlive
  // the kernel. The profile must have a positive time slice (load_machine
  // guarantees it).
  ThreadKernel(sim::Simulation& sim, const MachineProfile& profile, const KernelOptions& options);
  ThreadKernel(const ThreadKernel&) = delete;
  ThreadKernel& operator=(const ThreadKernel&) = delete;

  // True once the run is over: every thread finished (the run stops with
  // kFinishedDetail), the process was killed, or a thread ran away.
  [[nodiscard]] bool finished() const { return finished_; }
  [[nodiscard]] sim::Time finish_time() const { return finish_time_; }
  [[nodiscard]] const ThreadStats& stats() const { return stats_; }
  [[nodiscard]] bool killed() const { return stats_.killed; }
  // Closes the spans still open when the run ended.
  void close_spans(sim::Time t) { recorder_.close_all(t); }
  // The run's figures up to now (or up to the finish). Sorts the latency
  // samples, hence not const.
  Metrics metrics();
  [[nodiscard]] const Recorder& recorder() const { return recorder_; }
  [[nodiscard]] const MachineProfile& profile() const { return profile_; }

  void on_event(std::uint64_t tag) override;

 protected:
  ~ThreadKernel() = default;

  enum class Sched : std::uint8_t {
    kQueued,    // waiting at a limit to be created
    kCreating,  // created; runnable once the parent has paid for the creation
    kRunnable,  // in the run queue
    kOnCore,    // switching in or running
    kBlocked,   // in a system call or waiting for others
    kWaking,    // woken, paying the wake-up latency
    kExited,
  };
  // What happens when the thread's cpu burst (cpu_left) is over.
  enum class After : std::uint8_t {
    kResume,   // its program goes on (run_program)
    kProgram,  // the subclass is told (after_program_burst)
    kBlock,    // the system call's cost is paid: it sleeps for block_for
    kExit,     // thread_exit is paid: it exits
  };

  // The kernel's part of a thread, about 80 bytes.
  struct KThread {
    sim::EventId timer;          // sleep or a wait's timeout
    sim::Time created = 0;
    sim::Time start = -1;        // first run
    sim::Time end = -1;
    sim::Duration cpu_left = 0;  // of the burst in progress or preempted
    sim::Duration block_for = 0; // after the system call in progress
    std::uint32_t gen = 0;       // bumped at every wake-up: older notifications are stale
    ComputeStreak compute;       // compute steps since the thread last blocked or yielded
    Sched sched = Sched::kCreating;
    After after = After::kResume;
    BurstKind burst = BurstKind::kUseful;
    SpanKind sleep_span = SpanKind::kWaiting;  // a sleep's span: waiting, or blocked (a blocking call)
    bool sleeping = false;       // blocked in a sleep (no futex: its own system call ends it)
    bool is_main = false;
    bool counted = false;        // holds memory in the account
    bool daemon = false;         // does not keep the run going
  };

  struct WaitRef {
    std::uint32_t thread;
    std::uint32_t gen;
  };

  static constexpr std::uint32_t kModel = Recorder::kNoTask;  // trace lines of the model itself

  // ---- the program side ----
  // The thread on `core` has nothing left to compute: its program goes on.
  virtual void run_program(int core, std::uint32_t thread) = 0;
  // A burst started with After::kProgram is over.
  virtual void after_program_burst(int core, std::uint32_t thread) = 0;
  // The thread on `core` is about to sleep in a system call: if a
  // cancellation is pending, resume its program with it and return true.
  virtual bool deliver_cancel(int core, std::uint32_t thread) = 0;
  // The timer of a wait other than a sleep fired (the thread is blocked).
  virtual void on_timeout(std::uint32_t thread) = 0;
  // The thread has exited and left its core: wake whoever waits for it.
  virtual void notify_exit(std::uint32_t thread) = 0;
  // The OOM killer ended the thread, unfinished.
  virtual void killed_thread(std::uint32_t thread) = 0;
  // For trace lines: the thread's name.
  [[nodiscard]] virtual std::string thread_name(std::uint32_t thread) const = 0;
  // The thread on `core` may go on with its preempted burst (a subclass may
  // take the core from it first: the GIL).
  virtual bool may_continue_burst(int core, std::uint32_t thread) {
    (void)core, (void)thread;
    return true;
  }
  // A burst cut short by interrupt_burst() has stopped: cpu_left holds the rest.
  virtual void burst_interrupted(int core, std::uint32_t thread) { (void)core, (void)thread; }
  // An event the subclass scheduled with schedule_program_event.
  virtual void on_program_event(std::uint32_t index) { (void)index; }

  // ---- threads ----
  // A new thread, not yet created (create() gives it its memory).
  std::uint32_t add_thread();
  // Gives a thread its memory and a place among the live ones. Returns false
  // when that killed the process.
  bool create(std::uint32_t thread);
  // The first limit one more thread would break (kNone if none); notes it.
  LimitKind admit_check();
  // Queues `thread` to be created when a thread exits.
  void queue_creation(std::uint32_t thread);
  // The thread on `core` exits: its memory goes, joiners are told
  // (notify_exit), threads queued at a limit are created, and the run ends
  // when no thread that keeps it going is left.
  void exit_thread(int core, std::uint32_t thread);
  void end_run(std::string detail);
  void note_limit(LimitKind which);

  // ---- cores ----
  void make_runnable(std::uint32_t thread, Runnable why);
  // Runs `d` of cpu on the thread's core, then `after`.
  void start_cpu(int core, std::uint32_t thread, sim::Duration d, BurstKind kind, After after);
  // Cuts the burst in progress on `core` now; burst_interrupted follows.
  void interrupt_burst(int core);
  // sched_yield: true if the thread gave its core up (someone waited).
  // Either way it was a pause (models/runaway.h).
  bool yield(int core);
  // The program of `thread` starts a compute step: true when that makes more
  // than KernelOptions::compute_budget in a row without blocking or yielding
  // (a runaway: the caller stops the run with runaway_detail()).
  bool compute_step(std::uint32_t thread) { return kthreads_[thread].compute.add(koptions_.compute_budget); }
  // A system call that sleeps for `d`: its cost on the core first.
  void sleep_in_syscall(int core, std::uint32_t thread, sim::Duration d, SpanKind span);
  // The thread leaves its core blocked (a program wait).
  void block(int core, std::uint32_t thread, SpanKind span);
  // Ends a block; the program resumes with what the subclass stored.
  void wake(std::uint32_t thread);
  // A timeout for the blocked `thread`'s program wait (on_timeout fires).
  void arm_timeout(std::uint32_t thread, sim::Duration d);
  sim::EventId schedule_program_event(sim::Duration d, std::uint32_t index) {
    return sim_.schedule_in(d, *this, tag(Tag::kProgram, index));
  }
  // The wake-ups the request being handled made are system calls of the
  // waker: true if it is now in that system call (its program resumes after).
  bool pay_futex_wakes(int core, std::uint32_t thread);
  // A wake-up that the thread being handled made is not paid by it (it
  // blocks or exits, and pays its wakes in that cost).
  void forget_wakes() { pending_wakes_ = 0; }
  // The core whose thread's request is being handled (its request woke or
  // created a thread), -1 for a timer.
  void set_waker(int core) { waker_core_ = core; }

  [[nodiscard]] bool tracing() const { return recorder_.enabled(); }
  void trace(std::uint32_t thread, std::string event) { recorder_.line(sim_.now(), thread, std::move(event)); }
  [[nodiscard]] std::size_t kernel_memory_bytes() const {
    return kthreads_.capacity() * sizeof(KThread) + create_queue_.size() * sizeof(std::uint32_t) +
           sched_.memory_bytes();
  }

  sim::Simulation& sim_;
  const MachineProfile& profile_;
  KernelOptions koptions_;
  Recorder recorder_;
  Scheduler sched_;
  MemoryAccount memory_;
  ThreadStats stats_;
  std::vector<KThread> kthreads_;

  std::int64_t live_ = 0;          // created and not exited, the main thread included
  std::int64_t unfinished_ = 0;    // not exited and not daemons, queued ones included
  std::int64_t peak_tasks_ = 0;    // created threads but the main one, at once
  bool swapping_ = false;
  bool finished_ = false;
  sim::Time finish_time_ = 0;

  // Results the program side fills in.
  std::uint64_t completed_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t voluntary_ = 0;
  std::uint64_t involuntary_ = 0;
  sim::LatencyRecorder latency_;
  RequestStats requests_;
  std::optional<LimitHit> limit_hit_;

 private:
  enum class Tag : std::uint8_t { kSwitchDone, kBurstDone, kTimer, kWake, kProgram };
  static std::uint64_t tag(Tag kind, std::uint32_t index, std::uint32_t gen = 0) {
    return (static_cast<std::uint64_t>(kind) << 56) | (static_cast<std::uint64_t>(index) << 24) | (gen & 0xFFFFFF);
  }

  void kick();
  void preempt_now(int core);
  void dispatch(int core);
  void continue_thread(int core);
  void run_burst(int core);
  void after_burst(int core);
  void block_in_syscall(int core);
  sim::EventId sleep_timer(std::uint32_t thread);
  void on_timer(std::uint32_t thread, std::uint32_t gen);
  void preempt(int core, bool yielded);
  void futex_woken(std::uint32_t thread);
  void admit_queued();
  bool check_ram();
  void kill_process();

  std::deque<std::uint32_t> create_queue_;
  std::vector<bool> interrupted_;  // by core: the burst in progress was cut by interrupt_burst
  int waker_core_ = -1;            // the core whose thread's request is being handled
  std::int64_t pending_wakes_ = 0; // futex wake-ups that request made, to be paid
};

}  // namespace concsim::models
