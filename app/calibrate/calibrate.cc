#include "app/calibrate/calibrate.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>

#include "app/calibrate/measure.h"
#include "app/calibrate/memory_probe.h"
#include "app/calibrate/proc.h"
#include "app/calibrate/python_cost.h"
#include "app/load/config.h"
#include "app/load/machine.h"
#include "models/machine.h"

namespace concsim::calibrate {
namespace {

std::int64_t round_to(double v, std::int64_t unit) {
  if (!(v > 0)) return 0;
  return static_cast<std::int64_t>(std::llround(v / static_cast<double>(unit))) * unit;
}

sim::Duration ns(double v) { return v > 0 ? static_cast<sim::Duration>(std::llround(v)) : 0; }

std::string cat(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) out.append(p);
  return out;
}

std::string num(std::int64_t v) { return std::to_string(v); }

std::string cgroup_dir() {
  // "0::/user.slice/..." (cgroup v2).
  const std::string text = read_text("/proc/self/cgroup");
  const std::size_t at = text.find("0::");
  if (at == std::string::npos) return {};
  std::string path = text.substr(at + 3);
  const std::size_t nl = path.find('\n');
  if (nl != std::string::npos) path.resize(nl);
  std::string dir = "/sys/fs/cgroup";
  if (path != "/") dir.append(path);
  return dir;
}

std::string cpu_model() {
  const std::string text = read_text("/proc/cpuinfo");
  const std::size_t at = text.find("model name");
  if (at == std::string::npos) return "unknown CPU";
  const std::size_t colon = text.find(':', at);
  const std::size_t nl = text.find('\n', at);
  if (colon == std::string::npos || nl == std::string::npos || colon > nl) return "unknown CPU";
  std::string m = text.substr(colon + 1, nl - colon - 1);
  while (!m.empty() && m.front() == ' ') m.erase(m.begin());
  return m;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

int ilog2(int n) {
  int r = 0;
  while (n > 1) {
    n >>= 1;
    ++r;
  }
  return r;
}

}  // namespace

KernelLimits read_kernel_limits() {
  KernelLimits k;
  k.pid_max = read_int_file("/proc/sys/kernel/pid_max").value_or(-1);
  k.threads_max = read_int_file("/proc/sys/kernel/threads-max").value_or(-1);
  k.max_map_count = read_int_file("/proc/sys/vm/max_map_count").value_or(-1);
  k.overcommit_memory = read_int_file("/proc/sys/vm/overcommit_memory").value_or(-1);
  k.overcommit_ratio = read_int_file("/proc/sys/vm/overcommit_ratio").value_or(-1);
  k.system_threads = parse_loadavg_threads(read_text("/proc/loadavg")).value_or(-1);
  rlimit rl{};
  if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    k.nproc_rlimit = static_cast<std::int64_t>(rl.rlim_cur);
  }
  const std::string dir = cgroup_dir();
  if (!dir.empty()) k.cgroup_pids_max = read_int_file(dir + "/pids.max").value_or(-1);  // "max" -> -1
  return k;
}

std::int64_t safe_thread_count(const KernelLimits& k, std::int64_t wanted, std::int64_t own_mappings,
                               std::int64_t mappings_per_thread) {
  std::int64_t headroom = std::int64_t{1} << 40;
  const std::int64_t used = std::max<std::int64_t>(k.system_threads, 0);
  for (std::int64_t limit : {k.pid_max, k.threads_max, k.nproc_rlimit, k.cgroup_pids_max}) {
    if (limit > 0) headroom = std::min(headroom, limit - used);
  }
  if (k.max_map_count > 0 && mappings_per_thread > 0) {
    headroom = std::min(headroom, (k.max_map_count - own_mappings) / mappings_per_thread);
  }
  return std::clamp<std::int64_t>(headroom / 4, 0, wanted);
}

// python.op_cost's text: nanoseconds with the picoseconds as decimals.
static std::string op_cost_value(std::int64_t ps) {
  std::string frac = std::to_string(ps % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return cat({std::to_string(ps / 1000), ".", frac, "ns"});
}

static std::string fixed3(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", x);
  return buf;
}

ProfileDoc calibrate(const Options& o, const std::function<void(const std::string&)>& progress) {
  utsname u{};
  uname(&u);
  const auto u_release = [&u] { return std::string(u.release); };
  const auto started = std::chrono::steady_clock::now();
  ProfileDoc doc;
  doc.name = "calibrated";
  std::vector<ProfileEntry>& e = doc.entries;
  const int reps = std::max(1, o.repetitions);

  models::MachineProfile base;
  std::string base_name = o.base_profile;
  try {
    base = load::load_machine(o.base_profile);
  } catch (const load::ConfigError&) {
    base_name = "the loader's defaults";
  }
  auto kept = [&](const std::string& section, const std::string& key, const std::string& value,
                  const std::string& why) {
    std::string src = cat({"not measured (", why, "): kept from ", base_name});
    const auto it = base.sources.find(cat({section, ".", key}));
    if (it != base.sources.end()) src.append(cat({", whose source is: ", it->second}));
    e.push_back({section, key, value, src});
  };

  // ---- hardware ----
  progress("hardware and kernel limits");
  cpu_set_t set;
  CPU_ZERO(&set);
  int cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  std::string cores_how = "sysconf(_SC_NPROCESSORS_ONLN)";
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    cores = CPU_COUNT(&set);
    cores_how = "CPUs in this process's affinity mask (sched_getaffinity)";
  }
  cores = std::max(cores, 1);
  e.push_back({"hardware", "cores", num(cores), cat({"read: ", cores_how, "; exact"})});
  const MemInfo mem = read_meminfo();
  if (mem.mem_total > 0) {
    e.push_back({"hardware", "ram", size_value(mem.mem_total), "read: /proc/meminfo MemTotal; exact"});
  } else {
    kept("hardware", "ram", size_value(base.ram_bytes), "/proc/meminfo unreadable");
  }
  if (mem.swap_total >= 0) {
    e.push_back({"hardware", "swap", size_value(mem.swap_total), "read: /proc/meminfo SwapTotal; exact"});
  } else {
    kept("hardware", "swap", size_value(base.swap_bytes), "/proc/meminfo unreadable");
  }

  // ---- costs ----
  progress("system call and epoll_wait");
  const int calls = 200'000;
  // Interleaved, so that a burst of load elsewhere hits both alike.
  std::vector<double> sys_runs, epoll_runs;
  for (int r = 0; r < reps; ++r) {
    sys_runs.push_back(measure_syscall(1, calls).median);
    epoll_runs.push_back(measure_epoll_wait(1, calls).median);
  }
  const Spread sys = spread_of(sys_runs);
  const Spread epoll = spread_of(epoll_runs);
  progress("token hand-offs between two threads, pinned and unpinned");
  const int round_trips = 10'000;
  bool pinned_ok = false;
  const HandOff pinned = measure_handoff(reps, round_trips, true, &pinned_ok);
  const HandOff unpinned = measure_handoff(reps, round_trips, false, nullptr);
  progress("futex and pipe system calls and page faults");
  const Spread futex_wait = measure_futex_wait_call(reps, 200'000);
  const Spread futex_wake = measure_futex_wake_call(reps, 200'000);
  const Spread fault = measure_page_fault(reps, 4096);
  const PipeCalls pipe = measure_pipe_calls(reps, 200'000);
  progress("caches (sysfs) and load latency by working-set size (pointer chase)");
  const std::vector<CacheLevel> caches = read_caches();
  // The largest cache a core has to itself, and the last level if others share it.
  const CacheLevel* priv = nullptr;
  const CacheLevel* shared = nullptr;
  for (const CacheLevel& c : caches) {
    if (c.sharing_cpus <= 1) priv = &c;
  }
  if (priv == nullptr && !caches.empty()) priv = &caches.front();
  if (!caches.empty() && caches.back().sharing_cpus > 1 && &caches.back() != priv) shared = &caches.back();
  const std::int64_t line = priv != nullptr && priv->line > 0 ? priv->line : 64;
  Spread chase_private, chase_shared, chase_memory, chase_scattered, chase_shared_scattered;
  std::int64_t memory_bytes = std::int64_t{256} << 20;
  if (priv != nullptr) {
    chase_private = measure_chase(priv->size / 2, line, reps);
    // Beyond the private cache, lines come back a page at a time, as a
    // switched-in thread's working set does: the shared cache and memory are
    // both measured with the lines of each page together.
    if (shared != nullptr) {
      chase_shared = measure_chase_paged(std::min(shared->size / 2, priv->size * 8), line, 4096, reps);
      chase_shared_scattered = measure_chase(std::min(shared->size / 2, priv->size * 8), line, reps);
    }
    memory_bytes = o.memory_bytes > 0 ? o.memory_bytes
                                      : std::max(memory_bytes, 8 * (shared != nullptr ? shared->size : priv->size));
    chase_memory = measure_chase_paged(memory_bytes, line, 4096, reps);
    chase_scattered = measure_chase(memory_bytes, line, reps);
  }
  progress("thread creation and join");
  const Spread create_join = measure_create_join(reps, 500);

  const KernelLimits k = read_kernel_limits();
  const std::int64_t batch = safe_thread_count(k, o.threads, self_mappings(), 2);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  std::size_t default_stack = 0, default_guard = 0;
  pthread_attr_getstacksize(&attr, &default_stack);
  pthread_attr_getguardsize(&attr, &default_guard);
  pthread_attr_destroy(&attr);

  std::vector<double> create, join, reserved, resident, maps, kstack, reserved_1m, resident_1m;
  std::string batch_failure;
  std::int64_t batch_created = 0;
  if (batch >= 16) {
    progress(cat({"memory of ", num(batch), " blocked threads at the default stack and at 1 MiB"}));
    for (int r = 0; r < reps; ++r) {
      const ThreadBatch b = measure_thread_batch(batch, 0);
      if (!b.failure.empty()) batch_failure = b.failure;
      if (b.created < 16) continue;
      batch_created = b.created;
      create.push_back(b.create_ns);
      join.push_back(b.join_ns);
      reserved.push_back(b.reserved_bytes);
      resident.push_back(b.resident_bytes);
      maps.push_back(b.mappings);
      if (b.kernel_stack >= 0) kstack.push_back(b.kernel_stack);
      const ThreadBatch m = measure_thread_batch(batch, std::size_t{1} << 20);
      if (!m.failure.empty()) batch_failure = m.failure;
      if (m.created < 16) continue;
      reserved_1m.push_back(m.reserved_bytes);
      resident_1m.push_back(m.resident_bytes);
    }
  }
  const Spread s_create = spread_of(create), s_join = spread_of(join), s_reserved = spread_of(reserved),
               s_resident = spread_of(resident), s_maps = spread_of(maps), s_kstack = spread_of(kstack),
               s_reserved_1m = spread_of(reserved_1m), s_resident_1m = spread_of(resident_1m);
  const bool have_batch = s_create.n > 0;
  const std::string batch_how =
      cat({num(batch_created), " threads created with pthread_create and kept blocked on a futex"});

  progress(cat({"fibers: ", num(o.fibers), " at a ", format_bytes(static_cast<double>(o.fiber_stack)),
                " fixed stack, and fiber switches"}));
  std::vector<double> f_create, f_reserved, f_resident;
  std::string fiber_failure;
  std::int64_t fibers_created = 0;
  for (int r = 0; r < reps; ++r) {
    const FiberBatch f = measure_fiber_batch(o.fibers, o.fiber_stack);
    if (!f.failure.empty()) fiber_failure = f.failure;
    if (f.created == 0) continue;
    fibers_created = f.created;
    f_create.push_back(f.create_ns);
    f_reserved.push_back(f.reserved_bytes);
    f_resident.push_back(f.resident_bytes);
  }
  const Spread s_f_create = spread_of(f_create), s_f_reserved = spread_of(f_reserved),
               s_f_resident = spread_of(f_resident);
  const Spread f_switch = measure_fiber_switch(reps, 200'000, o.fiber_stack);

  if (have_batch) {
    e.push_back({"costs", "thread_create", duration_value(ns(s_create.median)),
                 cat({"measured: pthread_create, the creating thread's time on a core, ", batch_how, ", default stack; ",
                      describe_ns(s_create)})});
    e.push_back({"costs", "thread_exit", duration_value(ns(s_join.median)),
                 cat({"measured: after releasing the same blocked threads, wall time to join them all, per thread "
                      "(exit, stack release and join, on ",
                      num(cores), " cores); ", describe_ns(s_join)})});
  } else {
    kept("costs", "thread_create", duration_value(base.thread_create), "no thread batch could run here");
    kept("costs", "thread_exit", duration_value(base.thread_exit), "no thread batch could run here");
  }
  // One pinned hand-off is, in the model, the waker's FUTEX_WAKE, the
  // switch, and the woken thread's return from FUTEX_WAIT: the two threads'
  // time on the core per hand-off (their one core is never idle, so that is
  // the hand-off's whole cost when nothing else runs there).
  const double switch_ns =
      std::max(pinned.cpu.median - futex_wait.median - futex_wake.median, pinned.cpu.median / 2);
  e.push_back({"costs", "context_switch", duration_value(ns(switch_ns)),
               cat({"measured: a token handed back and forth between two threads ",
                    pinned_ok ? "pinned to one core" : "(pinning refused: unpinned)",
                    ", each sleeping on a futex until its turn, ", num(round_trips),
                    " round trips (or 1 s) per run; their time on the core per hand-off ", describe_ns(pinned.cpu),
                    " (by the wall clock ", describe_ns(pinned.wall),
                    "), less the futex wait and wake system calls measured on their own"})});
  e.push_back({"costs", "wakeup_latency", "0s",
               "the thread model's kernel policies leave it 0: a woken thread waits for a core (the scheduler), and a "
               "wake-up onto another core pays ipi"});
  e.push_back({"costs", "futex_wait", duration_value(ns(futex_wait.median)),
               cat({"measured: futex(FUTEX_WAIT_PRIVATE) on a word that does not match (EAGAIN: entry, hash bucket, "
                    "return), 200,000 calls per run; ",
                    describe_ns(futex_wait)})});
  e.push_back({"costs", "futex_wake", duration_value(ns(futex_wake.median)),
               cat({"measured: futex(FUTEX_WAKE_PRIVATE) with nobody waiting, 200,000 calls per run; ",
                    describe_ns(futex_wake)})});
  // A latency, not a core's time: by the wall clock, the fastest runs (the
  // least disturbed by other work on the machine).
  const double ipi_ns = std::max(0.0, unpinned.wall.min - pinned.wall.min);
  e.push_back({"costs", "ipi", duration_value(ns(ipi_ns)),
               cat({"measured: the same hand-off unpinned (the threads on different cores: each wake-up an IPI to an "
                    "idle core), by the wall clock ",
                    describe_ns(unpinned.wall), ", less the pinned one, ", describe_ns(pinned.wall),
                    ", the fastest runs of each (the least disturbed); 0 if not slower"})});
  e.push_back({"costs", "pipe_read", duration_value(ns(pipe.read.median)),
               cat({"measured: read() of 8 bytes waiting in a pipe, 200,000 calls per run (in batches of 4,096 "
                    "after as many writes); ",
                    describe_ns(pipe.read)})});
  e.push_back({"costs", "pipe_write", duration_value(ns(pipe.write.median)),
               cat({"measured: write() of 8 bytes into a pipe nobody reads, same runs; ", describe_ns(pipe.write)})});
  e.push_back({"costs", "page_fault", duration_value(ns(fault.median)),
               cat({"measured: first write to each 4 KiB page of a fresh anonymous mapping (huge pages off), 4,096 "
                    "pages per run; ",
                    describe_ns(fault)})});
  e.push_back({"costs", "syscall", duration_value(ns(sys.median)),
               cat({"measured: syscall(SYS_getppid), ", num(calls), " calls per run; ", describe_ns(sys)})});
  e.push_back({"costs", "poll", duration_value(ns(std::max(0.0, epoll.median - sys.median))),
               cat({"measured: epoll_wait on an empty set with timeout 0, ", describe_ns(epoll),
                    ", less one system call"})});
  e.push_back({"costs", "per_event", duration_value(ns(f_switch.median)),
               cat({"measured: one Boost.Fiber switch (two fibers yielding to each other, the user-level "
                    "task's resumption by its scheduler); ",
                    describe_ns(f_switch)})});

  // ---- scheduler ----
  e.push_back({"scheduler", "policy", "cfs",
               cat({"read: uname ", u_release(), "; Linux 2.6.23 to 6.5 schedule with CFS (6.6 and later with EEVDF, "
                    "whose per-CPU vruntime-ordered queues the cfs policy also describes)"})});
  const int factor = 1 + ilog2(std::min(cores, 8));
  e.push_back({"scheduler", "wakeup_granularity", duration_value(1'000'000LL * factor),
               cat({"computed: CFS's sysctl_sched_wakeup_granularity 1 ms x (1 + ilog2(min(cores, 8))) for ", num(cores),
                    " cores (kernel/sched/fair.c)"})});
  e.push_back({"scheduler", "pick_base", "0s",
               "inside the measured context switch: the pinned hand-off picks from a queue of one"});
  for (const char* key : {"pick_per_thread", "refill_per_thread", "refill_cap"}) {
    e.push_back({"scheduler", key, "0s", "the fifo policy's formula; the cfs policy walks its tree and the caches"});
  }
  std::optional<std::int64_t> latency = read_int_file("/sys/kernel/debug/sched/latency_ns");
  std::optional<std::int64_t> granularity = read_int_file("/sys/kernel/debug/sched/min_granularity_ns");
  if (!latency) latency = read_int_file("/proc/sys/kernel/sched_latency_ns");
  if (!granularity) granularity = read_int_file("/proc/sys/kernel/sched_min_granularity_ns");
  if (latency && *latency > 0) {
    e.push_back({"scheduler", "sched_latency", duration_value(*latency), "read: the kernel's sched latency_ns"});
  } else {
    e.push_back({"scheduler", "sched_latency", duration_value(6'000'000LL * factor),
                 cat({"computed: CFS's 6 ms x (1 + ilog2(min(cores, 8))) for ", num(cores),
                      " cores (the kernel's setting is not readable without debugfs)"})});
  }
  if (granularity && *granularity >= 1000) {
    e.push_back({"scheduler", "min_granularity", duration_value(*granularity),
                 "read: the kernel's sched min_granularity_ns"});
  } else {
    e.push_back({"scheduler", "min_granularity", duration_value(750'000LL * factor),
                 cat({"computed: CFS's 0.75 ms x (1 + ilog2(min(cores, 8))) for ", num(cores), " cores"})});
  }

  // ---- cache ----
  if (priv != nullptr) {
    const auto where = [](const CacheLevel& c) {
      return cat({"read: /sys/devices/system/cpu/cpu0/cache, L", num(c.level), " (shared by ", num(c.sharing_cpus),
                  " CPU", c.sharing_cpus == 1 ? "" : "s", ")"});
    };
    e.push_back({"cache", "line", size_value(line), where(*priv)});
    e.push_back({"cache", "private", size_value(priv->size), where(*priv)});
    e.push_back({"cache", "private_ways", num(std::max<std::int64_t>(priv->ways, 1)), where(*priv)});
    e.push_back({"cache", "private_hit", duration_value(ns(chase_private.median)),
                 cat({"measured: pointer chase over ", format_bytes(static_cast<double>(priv->size / 2)),
                      " (half the private cache), random order; ", describe_ns(chase_private)})});
    if (shared != nullptr) {
      e.push_back({"cache", "shared", size_value(shared->size), where(*shared)});
      e.push_back({"cache", "shared_ways", num(std::max<std::int64_t>(shared->ways, 1)), where(*shared)});
      e.push_back({"cache", "shared_hit", duration_value(ns(chase_shared.median)),
                   cat({"measured: pointer chase over ",
                        format_bytes(static_cast<double>(std::min(shared->size / 2, priv->size * 8))),
                        ", the lines of each 4 KiB page together in random order and the pages in random order; ",
                        describe_ns(chase_shared)})});
    } else {
      e.push_back({"cache", "shared", "0B", "read: no cache level is shared by several CPUs in sysfs"});
      e.push_back({"cache", "shared_hit", duration_value(ns(chase_memory.median)),
                   "no shared cache: a line not in this core's cache comes from memory or another core's cache, "
                   "priced as memory (the chase below)"});
    }
    e.push_back({"cache", "memory", duration_value(ns(chase_memory.median)),
                 cat({"measured: pointer chase over ", format_bytes(static_cast<double>(memory_bytes)),
                      ", the lines of each 4 KiB page together in random order and the pages in random order "
                      "(a TLB miss per page, as a working set of a few pages comes back); ",
                      describe_ns(chase_memory)})});
  } else {
    kept("cache", "private", size_value(base.cache.private_bytes), "sysfs describes no cache here");
  }
  kept("cache", "misses_in_flight", num(base.cache.misses_in_flight), "a refill's overlap of misses is not probed");
  kept("cache", "thread_working_set", size_value(base.cache.thread_working_set),
       "the bytes a switched-in thread touches are not probed");
  kept("cache", "sched_bytes_per_task", size_value(base.cache.sched_bytes_per_task), "a kernel structure's layout");

  // ---- memory ----
  const auto guard = static_cast<std::int64_t>(default_guard);
  if (have_batch) {
    const std::int64_t stack_reserved = std::max<std::int64_t>(round_to(s_reserved.median, 4096) - guard, 0);
    const std::int64_t stack_resident = std::min(round_to(s_resident.median, 8), stack_reserved);
    e.push_back({"memory", "stack_reserved", size_value(stack_reserved),
                 cat({"measured: /proc/self/status VmSize growth per thread, ", batch_how, ", less the guard; ",
                      describe_bytes(s_reserved), "; glibc's default stack is ",
                      format_bytes(static_cast<double>(default_stack)), "; at a 1 MiB stack: ",
                      describe_bytes(s_reserved_1m)})});
    e.push_back({"memory", "stack_resident", size_value(stack_resident),
                 cat({"measured: VmRSS growth per thread, same threads (stack pages touched, TLS, descriptor); ",
                      describe_bytes(s_resident), "; at a 1 MiB stack: ", describe_bytes(s_resident_1m)})});
  } else {
    kept("memory", "stack_reserved", size_value(base.stack_reserved), "no thread batch could run here");
    kept("memory", "stack_resident", size_value(base.stack_resident), "no thread batch could run here");
  }
  e.push_back({"memory", "guard", size_value(guard),
               "read: pthread_attr_getguardsize of the default attributes"});
  if (s_kstack.n > 0 && s_kstack.median >= 4096 && s_kstack.median <= 65536) {
    e.push_back({"memory", "kernel_stack", size_value(round_to(s_kstack.median, 1024)),
                 cat({"measured: /proc/meminfo KernelStack growth per blocked thread (system-wide, so other "
                      "processes add noise); ",
                      describe_bytes(s_kstack)})});
  } else {
    kept("memory", "kernel_stack", size_value(base.kernel_stack),
         s_kstack.n > 0 ? "KernelStack growth implausible on this host" : "KernelStack not readable");
  }
  kept("memory", "socket_buffer", size_value(base.socket_buffer), "calibrate opens no sockets");
  if (s_f_resident.n > 0) {
    e.push_back({"memory", "task_frame", size_value(round_to(s_f_resident.median, 8)),
                 cat({"measured: VmRSS growth per Boost.Fiber (", num(fibers_created), " fibers at a ",
                      format_bytes(static_cast<double>(o.fiber_stack)),
                      " fixed stack, each started and waiting in boost::this_fiber::sleep_for), the user-level task; ",
                      describe_bytes(s_f_resident)})});
  } else {
    kept("memory", "task_frame", size_value(base.task_frame), "no fiber could be created");
  }

  // ---- limits ----
  std::int64_t max_threads = load::kUnlimitedCount;
  std::string how = "read:";
  for (auto [name, v] : {std::pair<const char*, std::int64_t>{"pid_max", k.pid_max},
                         {"threads-max", k.threads_max},
                         {"RLIMIT_NPROC", k.nproc_rlimit},
                         {"cgroup pids.max", k.cgroup_pids_max}}) {
    if (v <= 0) continue;
    max_threads = std::min(max_threads, v);
    how.append(cat({" ", name, " ", num(v), ","}));
  }
  const std::int64_t others = std::max<std::int64_t>(k.system_threads - 1, 0);
  if (max_threads < load::kUnlimitedCount) {
    max_threads = std::max<std::int64_t>(max_threads - others, 1);
    how.append(cat({" the smallest less the ", num(others),
                    " threads the rest of the system held (/proc/loadavg); never provoked"}));
    e.push_back({"limits", "max_threads", num(max_threads), how});
  } else {
    kept("limits", "max_threads", num(base.max_threads), "no limit readable");
  }
  if (k.max_map_count > 0) {
    e.push_back({"limits", "max_map_count", num(k.max_map_count), "read: /proc/sys/vm/max_map_count"});
  } else {
    kept("limits", "max_map_count", num(base.max_map_count), "not readable");
  }
  if (s_maps.n > 0) {
    e.push_back({"limits", "mappings_per_thread", num(std::max<std::int64_t>(std::llround(s_maps.median), 0)),
                 cat({"measured: /proc/self/maps lines per blocked thread; ", "median ",
                      std::to_string(s_maps.median).substr(0, 4)})});
  } else {
    kept("limits", "mappings_per_thread", num(base.mappings_per_thread), "no thread batch could run here");
  }
  if (k.overcommit_memory >= 0 && k.overcommit_memory <= 2) {
    static const char* kModes[] = {"heuristic", "always", "never"};
    e.push_back({"limits", "overcommit", kModes[k.overcommit_memory],
                 cat({"read: vm.overcommit_memory = ", num(k.overcommit_memory)})});
  } else {
    kept("limits", "overcommit", "heuristic", "not readable");
  }
  if (k.overcommit_ratio >= 0 && k.overcommit_ratio <= 100) {
    e.push_back({"limits", "overcommit_ratio", cat({num(k.overcommit_ratio), "%"}), "read: vm.overcommit_ratio"});
  } else {
    kept("limits", "overcommit_ratio", "50%", "not readable");
  }
  kept("limits", "on_oom", base.on_oom == models::OnOutOfMemory::kSwap ? "swap" : "kill",
       "the OOM killer is not provoked");

  // ---- python ----
  const std::string python = o.python.empty() ? find_python() : o.python == "none" ? "" : o.python;
  const std::string base_op_cost = op_cost_value(base.python_op_cost_ps);
  if (python.empty()) {
    kept("python", "op_cost", base_op_cost, o.python == "none" ? "--python none" : "no python3 on this host");
  } else {
    progress(cat({"interpreted Python: a mixed benchmark under ", python}));
    const PythonCost pc = measure_python_cost(python, reps);
    if (!pc.ok) {
      kept("python", "op_cost", base_op_cost, pc.error);
    } else {
      const Spread bench = spread_of(pc.ns_per_bench);
      const double per_bytecode = bench.median / static_cast<double>(pc.cpython_ops);
      const double per_instruction = bench.median / static_cast<double>(pc.vm_ops);
      const double ratio = static_cast<double>(pc.vm_ops) / static_cast<double>(pc.cpython_ops);
      e.push_back({"python", "op_cost", op_cost_value(static_cast<std::int64_t>(std::llround(per_instruction * 1000))),
                   cat({"measured: CPython ", pc.version, " (", python, ") runs a mixed benchmark (arithmetic, dicts, "
                        "strings, comprehensions, method calls, recursion, an exception) of ", num(static_cast<std::int64_t>(pc.cpython_ops)),
                        " bytecodes (sys.settrace with f_trace_opcodes) in ", describe_ns(bench),
                        " of process CPU time untraced, ", fixed3(per_bytecode), " ns per bytecode; concsim's VM runs it in ",
                        num(static_cast<std::int64_t>(pc.vm_ops)), " instructions (", fixed3(ratio),
                        " per bytecode), so each costs the benchmark's time over that count"})});
    }
  }

  // ---- the header ----
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  doc.description = cat({num(cores), " cores, ", format_bytes(static_cast<double>(std::max<std::int64_t>(mem.mem_total, 0))),
                         ", ", u.sysname, " ", u.release, ", calibrated ", utc_now()});
  doc.comments = {
      cat({"Written by `concsim calibrate` on ", utc_now(), " in ", std::to_string(took).substr(0, 4), " s."}),
      cat({"Host: ", cpu_model(), ", ", num(cores), " cores, ", u.sysname, " ", u.release, " ", u.machine, "."}),
      cat({"Every timed figure is the median of ", num(reps),
           " runs; its source gives the spread (smallest to largest run)."}),
      "Costs are the measuring thread's time on a core (CLOCK_THREAD_CPUTIME_ID), so that other work on a",
      "shared machine does not count; the IPI, a latency, is the wall clock's. A loaded machine still spreads",
      "them wider (its caches are shared too): calibrate on a quiet one.",
      "",
      "Measured but not a key of the profile:",
      cat({"  std::thread create + join, one after another: ", describe_ns(create_join)}),
      cat({"  Boost.Fiber creation (", format_bytes(static_cast<double>(o.fiber_stack)),
           " fixed stack): ", describe_ns(s_f_create)}),
      cat({"  Boost.Fiber reserved per fiber: its ", format_bytes(static_cast<double>(o.fiber_stack)),
           " stack, malloc'd (VmSize grew ", describe_bytes(s_f_reserved),
           " per fiber: the allocator's arena was reserved beforehand)"}),
      cat({"  Boost.Fiber switch: ", describe_ns(f_switch), " (also costs.per_event)"}),
      cat({"  pointer chases with every load on a random page: over the memory chase's span (a TLB miss each) ",
           describe_ns(chase_scattered), "; over the shared cache's ", describe_ns(chase_shared_scattered)}),
      cat({"  threads at a 1 MiB stack: reserved ", describe_bytes(s_reserved_1m), ", resident ",
           describe_bytes(s_resident_1m)}),
      cat({"  kernel limits read: pid_max ", num(k.pid_max), ", threads-max ", num(k.threads_max),
           ", max_map_count ", num(k.max_map_count), ", threads alive system-wide ", num(k.system_threads)}),
  };
  if (!batch_failure.empty()) doc.comments.push_back(cat({"  thread batch stopped early: ", batch_failure}));
  if (!fiber_failure.empty()) doc.comments.push_back(cat({"  fiber batch stopped early: ", fiber_failure}));
  if (batch < 16) {
    doc.comments.push_back(cat({"  no thread batch: the kernel's limits leave room for only ", num(batch * 4),
                                " more threads"}));
  }
  return doc;
}

}  // namespace concsim::calibrate
