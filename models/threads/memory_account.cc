#include "models/threads/memory_account.h"

#include <algorithm>
#include <cmath>

#include "sim/detail/int128.h"

namespace concsim::models {

const char* to_string(LimitKind k) {
  switch (k) {
    case LimitKind::kNone: return "none";
    case LimitKind::kThreads: return "threads";
    case LimitKind::kMappings: return "mappings";
    case LimitKind::kAddressSpace: return "address space";
    case LimitKind::kOvercommit: return "overcommit";
    case LimitKind::kRam: return "ram";
  }
  return "?";
}

MemoryAccount::MemoryAccount(const MachineProfile& p, bool with_socket)
    : each_stack_reserved_(p.stack_reserved),
      each_stack_resident_(p.stack_resident),
      each_guard_(p.guard_bytes),
      each_kernel_(p.kernel_stack),
      each_buffers_(with_socket ? p.socket_buffer : 0),
      max_threads_(p.max_threads),
      max_map_count_(p.max_map_count),
      address_space_(p.address_space),
      mappings_per_thread_(p.mappings_per_thread),
      strict_commit_(p.overcommit == Overcommit::kNever),
      ram_(p.ram_bytes) {
  // vm.overcommit_memory = 2: CommitLimit = swap + RAM * overcommit_ratio.
  // The one floating-point product of the model, taken once here and floored
  // as the kernel's integer page arithmetic does.
  const double limit = static_cast<double>(p.swap_bytes) + std::floor(static_cast<double>(p.ram_bytes) * p.overcommit_ratio);
  commit_limit_ = limit >= 9.2e18 ? INT64_MAX : static_cast<std::int64_t>(limit);
}

LimitKind MemoryAccount::admit(std::int64_t live_threads) const {
  if (live_threads >= max_threads_) return LimitKind::kThreads;
  // 128-bit products: profiles may say "unlimited" (2^40) for every limit.
  using sim::detail::Int128;
  if (static_cast<Int128>(threads_ + 1) * mappings_per_thread_ > max_map_count_) return LimitKind::kMappings;
  // Every stack and its guard page take address space whether touched or
  // not: on a 32-bit machine the stacks run out of it long before RAM.
  if (static_cast<Int128>(reserved()) + each_stack_reserved_ + each_guard_ > address_space_) {
    return LimitKind::kAddressSpace;
  }
  // The commit charge of a private writable mapping is its size; the guard
  // page is PROT_NONE and not charged.
  if (strict_commit_ &&
      static_cast<Int128>(stack_reserved_) + buffers_ + each_stack_reserved_ + each_buffers_ > commit_limit_) {
    return LimitKind::kOvercommit;
  }
  return LimitKind::kNone;
}

void MemoryAccount::add() {
  ++threads_;
  stack_reserved_ += each_stack_reserved_;
  stack_resident_ += each_stack_resident_;
  guard_ += each_guard_;
  kernel_ += each_kernel_;
  buffers_ += each_buffers_;
  note_peaks();
}

void MemoryAccount::remove() {
  --threads_;
  stack_reserved_ -= each_stack_reserved_;
  stack_resident_ -= each_stack_resident_;
  guard_ -= each_guard_;
  kernel_ -= each_kernel_;
  buffers_ -= each_buffers_;
}

void MemoryAccount::note_peaks() {
  peak_stack_reserved_ = std::max(peak_stack_reserved_, stack_reserved_);
  peak_stack_resident_ = std::max(peak_stack_resident_, stack_resident_);
  peak_guard_ = std::max(peak_guard_, guard_);
  peak_kernel_ = std::max(peak_kernel_, kernel_);
  peak_buffers_ = std::max(peak_buffers_, buffers_);
  peak_resident_ = std::max(peak_resident_, resident());
  peak_reserved_ = std::max(peak_reserved_, reserved());
}

void MemoryAccount::peaks_by_kind(std::map<std::string, std::int64_t>& out) const {
  out["stacks.reserved"] = peak_stack_reserved_;
  out["stacks.resident"] = peak_stack_resident_;
  out["guard.reserved"] = peak_guard_;
  out["kernel_stacks.resident"] = peak_kernel_;
  out["buffers.resident"] = peak_buffers_;
}

}  // namespace concsim::models
