#include "app/calibrate/measure.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/fiber/all.hpp>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include "app/calibrate/proc.h"

namespace concsim::calibrate {
namespace {

using Clock = std::chrono::steady_clock;

double ns_since(Clock::time_point t0) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
}

int* futex_word(std::atomic<int>& a) { return reinterpret_cast<int*>(&a); }

void futex_wait(std::atomic<int>& a, int expected) {
  syscall(SYS_futex, futex_word(a), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futex_wake(std::atomic<int>& a, int n) { syscall(SYS_futex, futex_word(a), FUTEX_WAKE_PRIVATE, n, nullptr, nullptr, 0); }

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

int first_cpu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
  for (int i = 0; i < CPU_SETSIZE; ++i) {
    if (CPU_ISSET(i, &set)) return i;
  }
  return 0;
}

bool pin_self(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

}  // namespace

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

Spread spread_of(std::vector<double> values) {
  Spread s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.n = static_cast<int>(values.size());
  s.min = values.front();
  s.max = values.back();
  const std::size_t mid = values.size() / 2;
  s.median = values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  return s;
}

std::string format_ns(double ns) {
  std::string out;
  if (ns >= 1e9) {
    out = fixed(ns / 1e9, 2);
    out.append("s");
  } else if (ns >= 1e6) {
    out = fixed(ns / 1e6, 2);
    out.append("ms");
  } else if (ns >= 1e3) {
    out = fixed(ns / 1e3, 2);
    out.append("us");
  } else {
    out = fixed(ns, 0);
    out.append("ns");
  }
  return out;
}

std::string format_bytes(double bytes) {
  std::string out;
  if (std::fabs(bytes) >= 1024.0 * 1024 * 1024) {
    out = fixed(bytes / (1024.0 * 1024 * 1024), 2);
    out.append("GiB");
  } else if (std::fabs(bytes) >= 1024.0 * 1024) {
    out = fixed(bytes / (1024.0 * 1024), 2);
    out.append("MiB");
  } else if (std::fabs(bytes) >= 1024.0) {
    out = fixed(bytes / 1024.0, 1);
    out.append("KiB");
  } else {
    out = fixed(bytes, 0);
    out.append("B");
  }
  return out;
}

namespace {
std::string describe(const Spread& s, std::string (*format)(double)) {
  std::string out = "median ";
  out.append(format(s.median));
  out.append(" (");
  out.append(format(s.min));
  out.append(" to ");
  out.append(format(s.max));
  out.append(" over ");
  out.append(std::to_string(s.n));
  out.append(s.n == 1 ? " run)" : " runs)");
  return out;
}
}  // namespace

std::string describe_ns(const Spread& s) { return describe(s, format_ns); }
std::string describe_bytes(const Spread& s) { return describe(s, format_bytes); }

Spread measure_syscall(int repetitions, int calls) {
  std::vector<double> v;
  for (int r = 0; r < repetitions; ++r) {
    const double t0 = thread_cpu_ns();
    for (int i = 0; i < calls; ++i) syscall(SYS_getppid);
    v.push_back((thread_cpu_ns() - t0) / calls);
  }
  return spread_of(std::move(v));
}

Spread measure_epoll_wait(int repetitions, int calls) {
  std::vector<double> v;
  const int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return {};
  epoll_event ev{};
  for (int r = 0; r < repetitions; ++r) {
    const double t0 = thread_cpu_ns();
    for (int i = 0; i < calls; ++i) epoll_wait(fd, &ev, 1, 0);
    v.push_back((thread_cpu_ns() - t0) / calls);
  }
  close(fd);
  return spread_of(std::move(v));
}

HandOff measure_handoff(int repetitions, int round_trips, bool pinned, bool* pinned_ok) {
  // Token values: whose turn it is (0: a, 1: b), kEnd: stop. Player a ends
  // the run after `round_trips` or after a second, whichever comes first, so
  // that a loaded machine cannot stretch the measurement without bound.
  constexpr int kEnd = 3;
  constexpr int kWaiting = 2;
  std::vector<double> v, on_cores;
  const int cpu = first_cpu();
  std::atomic<bool> all_pinned{true};
  for (int r = 0; r < repetitions; ++r) {
    std::atomic<int> token{kWaiting};
    std::atomic<int> ready{0};
    int done = 0;
    Clock::time_point deadline;
    double cpu_a = 0, cpu_b = 0;
    auto wait_for_turn = [&](int mine) {
      for (int seen = token.load(std::memory_order_acquire); seen != mine && seen != kEnd;
           seen = token.load(std::memory_order_acquire)) {
        futex_wait(token, seen);
      }
      return token.load(std::memory_order_acquire) != kEnd;
    };
    // Wakes both: at the start both players wait, and a wake-up that went to
    // the wrong one would leave the other asleep for good.
    auto pass = [&](int next) {
      token.store(next, std::memory_order_release);
      futex_wake(token, 2);
    };
    std::thread a([&] {
      if (pinned && !pin_self(cpu)) all_pinned = false;
      ready.fetch_add(1);
      const double c0 = thread_cpu_ns();
      for (int i = 0;; ++i) {
        wait_for_turn(0);
        if (i == round_trips || (i % 256 == 0 && Clock::now() > deadline)) {
          done = i;
          pass(kEnd);
          cpu_a = thread_cpu_ns() - c0;
          return;
        }
        pass(1);
      }
    });
    std::thread b([&] {
      if (pinned && !pin_self(cpu)) all_pinned = false;
      ready.fetch_add(1);
      const double c0 = thread_cpu_ns();
      while (wait_for_turn(1)) pass(0);
      cpu_b = thread_cpu_ns() - c0;
    });
    while (ready.load() < 2) std::this_thread::yield();
    const auto t0 = Clock::now();
    deadline = t0 + std::chrono::seconds(1);
    pass(0);
    a.join();
    b.join();
    if (done > 0) {
      v.push_back(ns_since(t0) / (2.0 * done));
      on_cores.push_back((cpu_a + cpu_b) / (2.0 * done));
    }
  }
  if (pinned_ok) *pinned_ok = all_pinned;
  return HandOff{spread_of(std::move(v)), spread_of(std::move(on_cores))};
}

Spread measure_create_join(int repetitions, int threads) {
  std::vector<double> v;
  for (int r = 0; r < repetitions; ++r) {
    int done = 0;
    const auto t0 = Clock::now();
    for (int i = 0; i < threads; ++i) {
      try {
        std::thread t([] {});
        t.join();
        ++done;
      } catch (const std::system_error&) {
        break;
      }
    }
    if (done > 0) v.push_back(ns_since(t0) / done);
  }
  return spread_of(std::move(v));
}

namespace {

struct BatchShared {
  std::atomic<int> release{0};
  std::atomic<std::int64_t> started{0};
};

void* blocked_thread(void* arg) {
  auto* s = static_cast<BatchShared*>(arg);
  s->started.fetch_add(1);
  while (s->release.load(std::memory_order_acquire) == 0) futex_wait(s->release, 0);
  return nullptr;
}

}  // namespace

ThreadBatch measure_thread_batch(std::int64_t count, std::size_t stack_size) {
  ThreadBatch b;
  b.requested = count;
  BatchShared shared;
  std::vector<pthread_t> ids(static_cast<std::size_t>(count));
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  if (stack_size > 0) pthread_attr_setstacksize(&attr, stack_size);
  const ProcStatus before = read_self_status();
  const std::int64_t maps_before = self_mappings();
  const MemInfo mem_before = read_meminfo();
  const double t0 = thread_cpu_ns();
  for (std::int64_t i = 0; i < count; ++i) {
    const int rc = pthread_create(&ids[static_cast<std::size_t>(i)], &attr, blocked_thread, &shared);
    if (rc != 0) {
      b.failure = "pthread_create failed at thread ";
      b.failure.append(std::to_string(i + 1));
      b.failure.append(": ");
      b.failure.append(std::strerror(rc));
      break;
    }
    ++b.created;
  }
  const double create_total = thread_cpu_ns() - t0;  // the creating thread's time on a core
  pthread_attr_destroy(&attr);
  // Wait (at most 10 s) until every thread is blocked in its futex wait.
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (shared.started.load() < b.created && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const ProcStatus after = read_self_status();
  const std::int64_t maps_after = self_mappings();
  const MemInfo mem_after = read_meminfo();
  const auto t1 = Clock::now();
  shared.release.store(1, std::memory_order_release);
  futex_wake(shared.release, INT_MAX);
  for (std::int64_t i = 0; i < b.created; ++i) pthread_join(ids[static_cast<std::size_t>(i)], nullptr);
  const double join_total = ns_since(t1);
  if (b.created > 0) {
    const auto n = static_cast<double>(b.created);
    b.create_ns = create_total / n;
    b.join_ns = join_total / n;
    b.reserved_bytes = static_cast<double>(after.vm_size - before.vm_size) / n;
    b.resident_bytes = static_cast<double>(after.vm_rss - before.vm_rss) / n;
    b.mappings = static_cast<double>(maps_after - maps_before) / n;
    if (mem_before.kernel_stack >= 0 && mem_after.kernel_stack >= 0) {
      b.kernel_stack = static_cast<double>(mem_after.kernel_stack - mem_before.kernel_stack) / n;
    }
  }
  return b;
}

FiberBatch measure_fiber_batch(std::int64_t count, std::size_t stack_size) {
  FiberBatch b;
  b.requested = count;
  // On a thread of its own, so that its fiber scheduler starts and ends here.
  std::thread runner([&] {
    std::vector<boost::fibers::fiber> fibers;
    fibers.reserve(static_cast<std::size_t>(count));
    bool stop = false;
    std::int64_t started = 0;
    const ProcStatus before = read_self_status();
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < count; ++i) {
      try {
        // Each waits as a task waiting for I/O does: in a timed sleep.
        fibers.emplace_back(std::allocator_arg, boost::fibers::fixedsize_stack(stack_size), [&] {
          ++started;
          while (!stop) boost::this_fiber::sleep_for(std::chrono::milliseconds(1));
        });
      } catch (const std::exception& e) {
        b.failure = "fiber creation failed at fiber ";
        b.failure.append(std::to_string(i + 1));
        b.failure.append(": ");
        b.failure.append(e.what());
        break;
      }
    }
    const double create_total = ns_since(t0);
    b.created = static_cast<std::int64_t>(fibers.size());
    while (started < b.created) boost::this_fiber::sleep_for(std::chrono::milliseconds(1));
    boost::this_fiber::sleep_for(std::chrono::milliseconds(5));  // every fiber has slept and woken
    const ProcStatus after = read_self_status();
    const auto t1 = Clock::now();
    stop = true;
    for (boost::fibers::fiber& f : fibers) f.join();
    const double join_total = ns_since(t1);
    if (b.created > 0) {
      const auto n = static_cast<double>(b.created);
      b.create_ns = create_total / n;
      b.join_ns = join_total / n;
      b.reserved_bytes = static_cast<double>(after.vm_size - before.vm_size) / n;
      b.resident_bytes = static_cast<double>(after.vm_rss - before.vm_rss) / n;
    }
  });
  runner.join();
  return b;
}

Spread measure_fiber_switch(int repetitions, int switches, std::size_t stack_size) {
  std::vector<double> v;
  std::thread runner([&] {
    for (int r = 0; r < repetitions; ++r) {
      const int each = switches / 2;
      auto body = [each] {
        for (int i = 0; i < each; ++i) boost::this_fiber::yield();
      };
      boost::fibers::fiber a(std::allocator_arg, boost::fibers::fixedsize_stack(stack_size), body);
      boost::fibers::fiber b(std::allocator_arg, boost::fibers::fixedsize_stack(stack_size), body);
      const double t0 = thread_cpu_ns();
      a.join();
      b.join();
      v.push_back((thread_cpu_ns() - t0) / (2.0 * each));
    }
  });
  runner.join();
  return spread_of(std::move(v));
}

bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace concsim::calibrate
