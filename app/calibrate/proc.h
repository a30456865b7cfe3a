// Figures the kernel reports under /proc and /sys, parsed from their text so
// that the parsing can be tested on sample text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace concsim::calibrate {

// /proc/self/status: the process's memory (bytes) and threads; -1 when absent.
struct ProcStatus {
  std::int64_t vm_size = -1;  // VmSize: address space reserved
  std::int64_t vm_rss = -1;   // VmRSS: resident now
  std::int64_t vm_hwm = -1;   // VmHWM: resident at most (since start or clear_refs 5)
  std::int64_t threads = -1;  // Threads
};
ProcStatus parse_proc_status(std::string_view text);

// /proc/meminfo, bytes; -1 when absent.
struct MemInfo {
  std::int64_t mem_total = -1;
  std::int64_t swap_total = -1;
  std::int64_t kernel_stack = -1;  // KernelStack: every thread's kernel stack, system-wide
};
MemInfo parse_meminfo(std::string_view text);

// A file holding one integer (/proc/sys/kernel/pid_max); nullopt if it is
// anything else.
std::optional<std::int64_t> parse_single_int(std::string_view text);

// /proc/loadavg's fourth field "running/total": the kernel's scheduling
// entities (threads) system-wide, the total.
std::optional<std::int64_t> parse_loadavg_threads(std::string_view text);

// The number of lines (/proc/self/maps: one mapping per line).
std::int64_t count_lines(std::string_view text);

// The whole file, or "" when it cannot be read.
std::string read_text(const std::string& path);
std::optional<std::int64_t> read_int_file(const std::string& path);
ProcStatus read_self_status();
MemInfo read_meminfo();
std::int64_t self_mappings();

}  // namespace concsim::calibrate
