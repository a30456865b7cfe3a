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
  // Peaks by kind in a fixed array, named only in metrics(): this runs for
  // every task created, and a map keyed by strings cost a string and six
  // lookups each time (a performance trick: about a tenth of the
  // instructions of a million connections).
  const std::int64_t now[kMemoryKinds] = {frames, buffers, stacks_resident, stacks_reserved, guard, kernel};
  for (std::size_t i = 0; i < kMemoryKinds; ++i) peak_by_kind_[i] = std::max(peak_by_kind_[i], now[i]);
  memory_measured_ = true;
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
  if (memory_measured_) {
    static constexpr const char* kNames[kMemoryKinds] = {"frames.resident", "buffers.resident", "stacks.resident",
                                                         "stacks.reserved", "guard.reserved", "kernel_stacks.resident"};
    for (std::size_t i = 0; i < kMemoryKinds; ++i) out.memory.by_kind[kNames[i]] = peak_by_kind_[i];
  }
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
  for (const auto& [index, more] : more_callbacks_) bytes += more.capacity() * sizeof(Callback);
  return bytes;
}

}  // namespace concsim::models
