// Memory (the model's, against the machine's RAM, and the simulator's own)
// and the figures every model reports (models/metrics.h).
#include "models/loop/steps/event_loop.h"

#include <algorithm>

namespace concsim::models {

// Resident and reserved memory now (models/loop_memory.h), their peaks and
// the RAM limit.
void EventLoop::memory_changed() {
  const MachineProfile& m = options_.machine;
  const std::int64_t resident = memory_.update(m, live_tasks_, options_.socket_per_task, workers_started_);
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
  memory_.fill(out.memory);
  fill_loop_cpu(out.cpu, end, options_.machine.cores, stats_.busy, stats_.system, worker_cpu_);
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
