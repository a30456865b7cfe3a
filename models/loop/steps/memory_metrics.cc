// Memory (the model's, against the machine's RAM, and the simulator's own)
// and the figures every model reports (models/metrics.h).
#include "models/loop/steps/event_loop.h"

#include <algorithm>

namespace concsim::models {

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

std::size_t EventLoop::memory_bytes() const {
  std::size_t bytes = tasks_.size() * sizeof(Task) + futures_.size() * sizeof(Future) +
                      ready_.size() * sizeof(Callback) + store_.memory_bytes();
  for (const Task& t : tasks_) bytes += t.core.memory_bytes(program_) - sizeof(TaskCore);
  for (const Future& f : futures_) bytes += f.callbacks.memory_bytes(callback_pool_);
  return bytes;
}

}  // namespace concsim::models
