#include "models/loop_memory.h"

#include <algorithm>

namespace concsim::models {

std::int64_t LoopMemory::update(const MachineProfile& m, std::int64_t live_tasks, bool socket_per_task,
                                std::int64_t workers) {
  const std::int64_t frames = live_tasks * m.task_frame;
  const std::int64_t buffers = socket_per_task ? std::max<std::int64_t>(live_tasks - 1, 0) * m.socket_buffer : 0;
  const std::int64_t stacks_resident = workers * m.stack_resident;
  const std::int64_t stacks_reserved = workers * m.stack_reserved;
  const std::int64_t guard = workers * m.guard_bytes;
  const std::int64_t kernel = workers * m.kernel_stack;
  const std::int64_t resident = frames + buffers + stacks_resident + kernel;
  const std::int64_t reserved = frames + buffers + stacks_reserved + guard + kernel;
  const std::int64_t now[kKinds] = {frames, buffers, stacks_resident, stacks_reserved, guard, kernel};
  for (std::size_t i = 0; i < kKinds; ++i) peak_by_kind_[i] = std::max(peak_by_kind_[i], now[i]);
  measured_ = true;
  peak_resident_ = std::max(peak_resident_, resident);
  peak_reserved_ = std::max(peak_reserved_, reserved);
  return resident;
}

void LoopMemory::fill(MemoryMetrics& out) const {
  out.peak_resident = peak_resident_;
  out.peak_reserved = peak_reserved_;
  if (!measured_) return;
  static constexpr const char* kNames[kKinds] = {"frames.resident", "buffers.resident", "stacks.resident",
                                                 "stacks.reserved", "guard.reserved",   "kernel_stacks.resident"};
  for (std::size_t i = 0; i < kKinds; ++i) out.by_kind[kNames[i]] = peak_by_kind_[i];
}

void fill_loop_cpu(CpuMetrics& out, sim::Time end, int cores, sim::Duration busy, sim::Duration system,
                   sim::Duration worker_cpu) {
  out.cores = cores;
  out.system_ns = system;
  out.useful_ns = (busy - system) + worker_cpu;
  // Saturates, as the thread scheduler does, for a run that ends near the
  // largest representable time.
  sim::Duration total = 0;
  if (!sim::checked_mul(end, cores, &total)) total = sim::kTimeMax;
  out.idle_ns = std::max<sim::Duration>(0, total - out.useful_ns - out.system_ns);
}

}  // namespace concsim::models
