// The memory that threads hold, by kind, and the machine limits on it.
//
// A thread the program starts reserves address space (its stack and the
// guard page below it) and keeps some of it resident: the stack pages it has
// touched, its kernel stack, and, for a thread serving a connection, that
// connection's socket buffers. The main thread is not counted: its stack is
// the process's own, set up at exec, and a run compares the threads a
// program adds.
//
// Lifecycle: admit() is asked before a thread is created and names the first
// limit that refuses it, as pthread_create would fail with EAGAIN; add() and
// remove() follow creation and exit. RAM is not a reason to refuse: Linux
// creates the thread and finds out later, when the pages are touched, so the
// caller checks over_ram() after add() and applies the profile's on_oom.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "models/machine.h"

namespace concsim::models {

enum class LimitKind : std::uint8_t { kNone, kThreads, kMappings, kAddressSpace, kOvercommit, kRam };
const char* to_string(LimitKind k);

class MemoryAccount {
 public:
  // `with_socket`: each thread also holds one connection's socket buffers.
  MemoryAccount(const MachineProfile& profile, bool with_socket);

  // The first limit that one more thread would break, checked in the order
  // pthread_create meets them: the task count (clone), the number of
  // mappings, the address space (a 32-bit process has 3 GiB: mmap of the
  // stack finds no hole) and the commit charge; kNone if none.
  // `live_threads` counts every live thread, the main one included.
  [[nodiscard]] LimitKind admit(std::int64_t live_threads) const;

  void add();     // a thread was created
  void remove();  // a thread exited

  [[nodiscard]] bool over_ram() const { return resident() > ram_; }
  [[nodiscard]] std::int64_t threads() const { return threads_; }
  [[nodiscard]] std::int64_t resident() const { return stack_resident_ + kernel_ + buffers_; }
  [[nodiscard]] std::int64_t reserved() const { return stack_reserved_ + guard_; }
  [[nodiscard]] std::int64_t peak_resident() const { return peak_resident_; }
  [[nodiscard]] std::int64_t peak_reserved() const { return peak_reserved_; }
  // Each kind's peak, keyed as models::MemoryMetrics::by_kind says.
  void peaks_by_kind(std::map<std::string, std::int64_t>& out) const;

 private:
  void note_peaks();

  // Per thread, from the profile.
  std::int64_t each_stack_reserved_;
  std::int64_t each_stack_resident_;
  std::int64_t each_guard_;
  std::int64_t each_kernel_;
  std::int64_t each_buffers_;
  // Limits.
  std::int64_t max_threads_;
  std::int64_t max_map_count_;
  std::int64_t address_space_;
  std::int64_t mappings_per_thread_;
  bool strict_commit_;
  std::int64_t commit_limit_;
  std::int64_t ram_;

  // Current totals and peaks.
  std::int64_t threads_ = 0;
  std::int64_t stack_reserved_ = 0;
  std::int64_t stack_resident_ = 0;
  std::int64_t guard_ = 0;
  std::int64_t kernel_ = 0;
  std::int64_t buffers_ = 0;
  std::int64_t peak_stack_reserved_ = 0;
  std::int64_t peak_stack_resident_ = 0;
  std::int64_t peak_guard_ = 0;
  std::int64_t peak_kernel_ = 0;
  std::int64_t peak_buffers_ = 0;
  std::int64_t peak_resident_ = 0;
  std::int64_t peak_reserved_ = 0;
};

}  // namespace concsim::models
