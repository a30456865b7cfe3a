#include "app/calibrate/memory_probe.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <numeric>
#include <random>

#include "app/calibrate/proc.h"

namespace concsim::calibrate {
namespace {

// "32K" -> 32768 (sysfs writes sizes in K).
std::int64_t parse_sysfs_size(const std::string& text) {
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (end == text.c_str() || v <= 0) return 0;
  std::int64_t bytes = v;
  if (*end == 'K') bytes <<= 10;
  if (*end == 'M') bytes <<= 20;
  return bytes;
}

}  // namespace

int count_cpu_list(const std::string& list) {
  int n = 0;
  std::size_t i = 0;
  while (i < list.size()) {
    char* end = nullptr;
    const long a = std::strtol(list.c_str() + i, &end, 10);
    if (end == list.c_str() + i) break;
    i = static_cast<std::size_t>(end - list.c_str());
    long b = a;
    if (i < list.size() && list[i] == '-') {
      b = std::strtol(list.c_str() + i + 1, &end, 10);
      i = static_cast<std::size_t>(end - list.c_str());
    }
    n += static_cast<int>(std::max(b - a + 1, 0L));
    if (i < list.size() && list[i] == ',') ++i; else break;
  }
  return std::max(n, 1);
}

std::vector<CacheLevel> read_caches() {
  std::vector<CacheLevel> out;
  for (int i = 0; i < 16; ++i) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    const std::string type = read_text(dir + "type");
    if (type.empty()) break;
    if (type.rfind("Instruction", 0) == 0) continue;
    CacheLevel c;
    c.level = static_cast<int>(read_int_file(dir + "level").value_or(0));
    c.size = parse_sysfs_size(read_text(dir + "size"));
    c.ways = read_int_file(dir + "ways_of_associativity").value_or(0);
    c.line = read_int_file(dir + "coherency_line_size").value_or(0);
    c.sharing_cpus = count_cpu_list(read_text(dir + "shared_cpu_list"));
    if (c.size > 0) out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const CacheLevel& a, const CacheLevel& b) { return a.level < b.level; });
  return out;
}

namespace {

// Times a chase through `next` (mem[i] points at the next line), from line 0.
Spread time_chase(std::vector<void*>& mem, std::size_t lines, int repetitions) {
  std::vector<double> v;
  const std::int64_t loads = std::max<std::int64_t>(2 * static_cast<std::int64_t>(lines), 1'000'000);
  void* p = mem[0];
  for (std::size_t i = 0; i < lines; ++i) p = *static_cast<void**>(p);  // warm: the chain is in the caches it fits
  for (int r = 0; r < repetitions; ++r) {
    const double t0 = thread_cpu_ns();
    for (std::int64_t i = 0; i < loads; ++i) p = *static_cast<void**>(p);
    v.push_back((thread_cpu_ns() - t0) / static_cast<double>(loads));
  }
  // Keep the chain's last pointer alive so the loop is not removed.
  static std::atomic<void*> sink;
  sink.store(p, std::memory_order_relaxed);
  return spread_of(std::move(v));
}

// Links the lines of `mem` (each `stride` pointers apart) in `order`, a cycle.
void link(std::vector<void*>& mem, const std::vector<std::size_t>& order, std::size_t stride) {
  const std::size_t n = order.size();
  for (std::size_t i = 0; i < n; ++i) mem[order[i] * stride] = &mem[order[(i + 1) % n] * stride];
}

}  // namespace

Spread measure_chase(std::int64_t bytes, std::int64_t line, int repetitions) {
  line = std::max<std::int64_t>(line, 64);
  const auto n = static_cast<std::size_t>(std::max<std::int64_t>(bytes / line, 2));
  const std::size_t stride = static_cast<std::size_t>(line) / sizeof(void*);
  std::vector<void*> mem(n * stride);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(12345);
  std::shuffle(order.begin() + 1, order.end(), rng);
  link(mem, order, stride);
  return time_chase(mem, n, repetitions);
}

Spread measure_chase_paged(std::int64_t bytes, std::int64_t line, std::int64_t page, int repetitions) {
  line = std::max<std::int64_t>(line, 64);
  page = std::max(page, line);
  const auto per_page = static_cast<std::size_t>(page / line);
  const auto pages = static_cast<std::size_t>(std::max<std::int64_t>(bytes / page, 2));
  const std::size_t stride = static_cast<std::size_t>(line) / sizeof(void*);
  std::vector<void*> mem(pages * per_page * stride);
  std::vector<std::size_t> page_order(pages);
  std::iota(page_order.begin(), page_order.end(), 0);
  std::mt19937_64 rng(12345);
  std::shuffle(page_order.begin() + 1, page_order.end(), rng);
  std::vector<std::size_t> order;
  order.reserve(pages * per_page);
  std::vector<std::size_t> within(per_page);
  std::iota(within.begin(), within.end(), 0);
  for (const std::size_t pg : page_order) {
    std::shuffle(within.begin(), within.end(), rng);
    for (const std::size_t l : within) order.push_back(pg * per_page + l);
  }
  // Line 0 first, so that the warm-up and the timing start where the chain does.
  std::rotate(order.begin(), std::find(order.begin(), order.end(), std::size_t{0}), order.end());
  link(mem, order, stride);
  return time_chase(mem, order.size(), repetitions);
}

Spread measure_futex_wait_call(int repetitions, int calls) {
  std::vector<double> v;
  int word = 0;
  for (int r = 0; r < repetitions; ++r) {
    const double t0 = thread_cpu_ns();
    for (int i = 0; i < calls; ++i) syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, nullptr, nullptr, 0);
    v.push_back((thread_cpu_ns() - t0) / calls);
  }
  return spread_of(std::move(v));
}

Spread measure_futex_wake_call(int repetitions, int calls) {
  std::vector<double> v;
  int word = 0;
  for (int r = 0; r < repetitions; ++r) {
    const double t0 = thread_cpu_ns();
    for (int i = 0; i < calls; ++i) syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    v.push_back((thread_cpu_ns() - t0) / calls);
  }
  return spread_of(std::move(v));
}

PipeCalls measure_pipe_calls(int repetitions, int calls) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  // Batches that fit in the pipe's default 64 KiB, so that no write blocks.
  constexpr int kBatch = 4096;
  std::vector<double> writes, reads;
  std::int64_t v = 0;
  for (int r = 0; r < repetitions; ++r) {
    double w_ns = 0, r_ns = 0;
    int done = 0;
    while (done < calls) {
      const int n = std::min(kBatch, calls - done);
      double t0 = thread_cpu_ns();
      for (int i = 0; i < n; ++i) {
        if (write(fds[1], &v, sizeof v) != static_cast<ssize_t>(sizeof v)) break;
      }
      w_ns += thread_cpu_ns() - t0;
      t0 = thread_cpu_ns();
      for (int i = 0; i < n; ++i) {
        if (read(fds[0], &v, sizeof v) != static_cast<ssize_t>(sizeof v)) break;
      }
      r_ns += thread_cpu_ns() - t0;
      done += n;
    }
    writes.push_back(w_ns / calls);
    reads.push_back(r_ns / calls);
  }
  close(fds[0]);
  close(fds[1]);
  return PipeCalls{spread_of(std::move(writes)), spread_of(std::move(reads))};
}

Spread measure_page_fault(int repetitions, std::int64_t pages) {
  const long page = sysconf(_SC_PAGESIZE);
  std::vector<double> v;
  for (int r = 0; r < repetitions; ++r) {
    const std::size_t len = static_cast<std::size_t>(pages * page);
    void* m = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) break;
    // No transparent huge pages: a thread's stack is faulted in 4 KiB pages.
    madvise(m, len, MADV_NOHUGEPAGE);
    auto* bytes = static_cast<volatile char*>(m);
    const double t0 = thread_cpu_ns();
    for (std::int64_t i = 0; i < pages; ++i) bytes[i * page] = 1;
    v.push_back((thread_cpu_ns() - t0) / static_cast<double>(pages));
    munmap(m, len);
  }
  return spread_of(std::move(v));
}

}  // namespace concsim::calibrate
