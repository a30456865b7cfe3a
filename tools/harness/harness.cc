#include "tools/harness/harness.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <boost/fiber/all.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>

#include "app/calibrate/measure.h"
#include "app/calibrate/proc.h"
#include "app/load/workload.h"
#include "sim/random.h"
#include "sim/stats.h"
#include "tools/harness/csv.h"
#include "tools/harness/sched_stat.h"

namespace concsim::harness {
namespace {

using Clock = std::chrono::steady_clock;
using models::DurationSpec;
using models::Step;

[[noreturn]] void fail_at(const load::Document& doc, const models::SourceRef& at, const std::string& message) {
  throw load::ConfigError(load::SourcePos{doc.name(), std::max(at.line, 1), std::max(at.column, 1)}, at.path,
                          message);
}

const char* step_name(models::StepKind k) {
  switch (k) {
    case models::StepKind::kCpu: return "cpu";
    case models::StepKind::kBlock: return "block";
    case models::StepKind::kSleep: return "sleep";
    case models::StepKind::kIo: return "io";
    case models::StepKind::kLog: return "log";
    case models::StepKind::kSet: return "set";
    case models::StepKind::kAcquire: return "acquire";
    case models::StepKind::kRelease: return "release";
    case models::StepKind::kGather: return "gather";
    case models::StepKind::kSpawn: return "spawn";
    case models::StepKind::kExecutor: return "run_in_executor";
    default: return "this";
  }
}

void check_duration(const load::Document& doc, const DurationSpec& d, const models::SourceRef& at) {
  if (d.kind == DurationSpec::Kind::kExpression) {
    fail_at(doc, d.at.line > 0 ? d.at : at,
            "the harness runs constant durations and distributions only, not the expression \"" + d.expression +
                "\"");
  }
}

sim::Duration sample(const DurationSpec& d, sim::RandomStream& rng) {
  if (d.kind == DurationSpec::Kind::kConstant) return d.constant;
  const double x = d.distribution.sample(rng);  // as the interpreter samples (models/program/interpreter.cc)
  if (!(x > 0)) return 0;
  if (x >= 9.2e18) return sim::kTimeMax;
  return static_cast<sim::Duration>(std::nearbyint(x));
}

sim::Duration thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<sim::Duration>(ts.tv_sec) * sim::kSecond + ts.tv_nsec;
}

void spin(sim::Duration d) {
  const sim::Duration start = thread_cpu_ns();
  while (thread_cpu_ns() - start < d) {
  }
}

sim::Duration since(Clock::time_point t0, Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t - t0).count();
}

// One connection's state; allocated before the run starts so that the
// threads and fibers allocate nothing while they are measured.
struct Connection {
  std::vector<sim::Duration> latencies;
  std::uint64_t completed = 0;
  std::uint64_t served = 0;
  double overshoot = 0;
  std::uint64_t sleeps = 0;
  SchedStat sched;  // of the connection's thread, over its life (threads only)
};

template <typename SleepFor, typename BlockFor>
void serve(const ServerSpec& s, std::int64_t k, std::int64_t n, Clock::time_point t0, Connection& c,
           SleepFor sleep_for, BlockFor block_for) {
  auto timed_sleep = [&](sim::Duration d, auto how) {
    const auto before = Clock::now();
    how(std::chrono::nanoseconds(d));
    c.overshoot += static_cast<double>(since(before, Clock::now()) - d);
    ++c.sleeps;
  };
  if (s.ramp > 0) {
    const sim::Duration open = static_cast<sim::Duration>(static_cast<double>(k) * static_cast<double>(s.ramp) /
                                                          static_cast<double>(n));
    const sim::Duration wait = open - since(t0, Clock::now());
    if (wait > 0) sleep_for(std::chrono::nanoseconds(wait));
  }
  for (std::int64_t r = 0; s.requests == 0 || r < s.requests; ++r) {
    // The simulator's streams of request r of connection k (app/load/server.cc).
    const auto key = static_cast<std::uint64_t>(k) * (std::uint64_t{1} << 32) + static_cast<std::uint64_t>(r);
    sim::RandomStream arrival_rng = sim::RandomStream::derive(s.seed, "arrival", key);
    sim::RandomStream request_rng = sim::RandomStream::derive(s.seed, "request", key);
    const sim::Duration think = sample(s.think, arrival_rng);
    const auto arrival = Clock::now() + std::chrono::nanoseconds(think);
    const sim::Time at = since(t0, arrival);
    if (at >= s.duration) break;
    if (think > 0) timed_sleep(think, sleep_for);
    for (const HandlerStep& step : s.handler) {
      const sim::Duration d = sample(step.duration, request_rng);
      if (step.kind == StepKind::kCpu) {
        spin(d);
      } else if (step.kind == StepKind::kSleep) {
        timed_sleep(d, sleep_for);
      } else {
        timed_sleep(d, block_for);
      }
    }
    ++c.served;
    if (at >= s.warmup) {
      ++c.completed;
      if (c.latencies.size() < c.latencies.capacity()) c.latencies.push_back(since(arrival, Clock::now()));
    }
  }
}

struct Before {
  bool reset = false;
  std::int64_t rss = 0;
  rusage usage{};
};

Before start_measuring() {
  Before b;
  b.reset = calibrate::reset_peak_rss();
  b.rss = calibrate::read_self_status().vm_rss;
  getrusage(RUSAGE_SELF, &b.usage);
  return b;
}

RunResult finish(const ServerSpec& s, const char* model, std::int64_t n, const Before& b,
                 std::vector<Connection>& conns, sim::Time end) {
  RunResult r;
  r.model = model;
  r.connections = n;
  r.end_ns = end;
  const calibrate::ProcStatus st = calibrate::read_self_status();
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  r.peak_reset = b.reset;
  r.rss_baseline_bytes = b.rss;
  r.rss_peak_bytes = std::max(st.vm_hwm, st.vm_rss);
  // The kernel's RSS counters are per-CPU and read approximately: a run that
  // grows nothing may read a little below its baseline.
  r.rss_growth_bytes = std::max<std::int64_t>(r.rss_peak_bytes - b.rss, 0);
  r.maxrss_bytes = static_cast<std::int64_t>(u.ru_maxrss) * 1024;
  r.voluntary_switches = u.ru_nvcsw - b.usage.ru_nvcsw;
  r.involuntary_switches = u.ru_nivcsw - b.usage.ru_nivcsw;
  sim::LatencyRecorder lat;
  double overshoot = 0;
  for (Connection& c : conns) {
    r.completed += c.completed;
    r.served += c.served;
    for (sim::Duration d : c.latencies) lat.record(d);
    overshoot += c.overshoot;
    r.sleeps += c.sleeps;
    r.cpu_ns += c.sched.cpu_ns;
    r.run_delay_ns += c.sched.delay_ns;
  }
  r.sleep_overshoot_ns = r.sleeps > 0 ? overshoot / static_cast<double>(r.sleeps) : 0;
  r.latency_mean_ns = lat.mean();
  r.latency_p50_ns = lat.percentile(50);
  r.latency_p90_ns = lat.percentile(90);
  r.latency_p99_ns = lat.percentile(99);
  r.latency_max_ns = lat.max();
  const sim::Time span = end - s.warmup;
  r.throughput_per_s = span > 0 ? static_cast<double>(r.completed) * 1e9 / static_cast<double>(span) : 0;
  return r;
}

std::vector<Connection> prepare(const ServerSpec& s, std::int64_t n) {
  std::vector<Connection> conns(static_cast<std::size_t>(n));
  const std::size_t cap = s.requests > 0 ? static_cast<std::size_t>(std::min<std::int64_t>(s.requests, 1 << 16))
                                         : std::size_t{1} << 12;
  for (std::int64_t k = 0; k < n; ++k) {
    conns[static_cast<std::size_t>(k)].latencies.reserve(cap);
  }
  return conns;
}

}  // namespace

SchedStat sched_stat() {
  SchedStat s;
  const int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return s;
  char buf[128];
  const ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return s;
  buf[n] = 0;
  char* end = nullptr;
  s.cpu_ns = std::strtod(buf, &end);
  s.delay_ns = std::strtod(end, nullptr);
  return s;
}

ServerSpec read_server(load::Document& doc) {
  doc.apply_override("model=threads");
  const load::Workload w = load::load_workload(doc);
  const load::Node root = doc.root();
  const std::optional<load::Node> server = root.get("server");
  if (!server) root.fail("the harness runs server workloads: this one has no server section");
  ServerSpec s;
  s.name = w.name;
  s.seed = w.seed;
  s.connections = w.connections;
  s.warmup = w.warmup;
  s.duration = w.duration;
  if (auto r = server->get("requests")) s.requests = r->as_int(1, load::kMaxRepeatLiteral);
  if (auto r = server->get("ramp")) s.ramp = r->as_duration(0, sim::kTimeMax);
  const models::FunctionDef* conn = nullptr;
  for (const models::FunctionDef& f : w.program.functions) {
    if (f.name == load::kConnectionFunction) conn = &f;
  }
  const Step* loop = nullptr;
  if (conn) {
    for (const Step& st : conn->steps) {
      if (st.kind == models::StepKind::kLoop) loop = &st;
    }
  }
  if (!loop) server->fail("the harness could not find the connection loop the loader builds");
  bool have_handler = false;
  for (const Step& st : loop->body) {
    if (st.kind == models::StepKind::kArrive) {
      check_duration(doc, st.duration, st.at);
      s.think = st.duration;
    }
    if (st.kind != models::StepKind::kTry) continue;
    have_handler = true;
    for (const Step& h : st.body) {
      if (h.kind == models::StepKind::kRequestDone) continue;
      HandlerStep hs;
      switch (h.kind) {
        case models::StepKind::kCpu: hs.kind = StepKind::kCpu; break;
        case models::StepKind::kSleep:
        case models::StepKind::kIo: hs.kind = StepKind::kSleep; break;
        case models::StepKind::kBlock: hs.kind = StepKind::kBlock; break;
        default:
          fail_at(doc, h.at,
                  std::string("the harness runs handlers of io, sleep, block and cpu steps only, not a ") +
                      step_name(h.kind) + " step");
      }
      check_duration(doc, h.duration, h.at);
      hs.duration = h.duration;
      s.handler.push_back(hs);
    }
  }
  if (!have_handler) server->fail("the harness could not find the handler");
  return s;
}

RunResult run_threads(const ServerSpec& s, std::int64_t n) {
  std::vector<Connection> conns = prepare(s, n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  std::string failure;
  const Before before = start_measuring();
  const auto t0 = Clock::now();
  auto sleep = [](std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); };
  for (std::int64_t k = 0; k < n; ++k) {
    try {
      threads.emplace_back([&, k] {
        Connection& c = conns[static_cast<std::size_t>(k)];
        const SchedStat a = sched_stat();
        serve(s, k, n, t0, c, sleep, sleep);
        const SchedStat b = sched_stat();
        c.sched = SchedStat{b.cpu_ns - a.cpu_ns, b.delay_ns - a.delay_ns};
      });
    } catch (const std::system_error& e) {
      failure = "thread creation failed at connection ";
      failure.append(std::to_string(k));
      failure.append(": ");
      failure.append(e.what());
      break;
    }
  }
  for (std::thread& t : threads) t.join();
  const sim::Time end = since(t0, Clock::now());
  RunResult r = finish(s, "threads", n, before, conns, end);
  r.started = static_cast<std::int64_t>(threads.size());
  r.failure = failure;
  return r;
}

RunResult run_fibers(const ServerSpec& s, std::int64_t n, std::size_t fiber_stack) {
  std::vector<Connection> conns = prepare(s, n);
  std::string failure;
  std::int64_t started = 0;
  sim::Time end = 0;
  Before before;
  SchedStat loop_sched;
  // The event loop: one thread of its own, with a fresh fiber scheduler.
  std::thread loop([&] {
    std::vector<boost::fibers::fiber> fibers;
    fibers.reserve(static_cast<std::size_t>(n));
    before = start_measuring();
    const SchedStat a = sched_stat();
    const auto t0 = Clock::now();
    auto sleep = [](std::chrono::nanoseconds d) { boost::this_fiber::sleep_for(d); };
    auto block = [](std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); };
    for (std::int64_t k = 0; k < n; ++k) {
      try {
        fibers.emplace_back(std::allocator_arg, boost::fibers::fixedsize_stack(fiber_stack),
                            [&, k] { serve(s, k, n, t0, conns[static_cast<std::size_t>(k)], sleep, block); });
      } catch (const std::exception& e) {
        failure = "fiber creation failed at connection ";
        failure.append(std::to_string(k));
        failure.append(": ");
        failure.append(e.what());
        break;
      }
    }
    started = static_cast<std::int64_t>(fibers.size());
    for (boost::fibers::fiber& f : fibers) f.join();
    end = since(t0, Clock::now());
    const SchedStat b = sched_stat();
    loop_sched = SchedStat{b.cpu_ns - a.cpu_ns, b.delay_ns - a.delay_ns};
  });
  loop.join();
  RunResult r = finish(s, "fibers", n, before, conns, end);
  r.cpu_ns = loop_sched.cpu_ns;
  r.run_delay_ns = loop_sched.delay_ns;
  r.started = started;
  r.failure = failure;
  return r;
}

std::string csv_header() {
  return "model,connections,started,completed,throughput_per_s,latency_mean_ns,latency_p50_ns,latency_p90_ns,"
         "latency_p99_ns,latency_max_ns,end_time_ns,rss_baseline_bytes,rss_peak_bytes,rss_growth_bytes,peak_reset,"
         "maxrss_bytes,voluntary_switches,involuntary_switches,served,sleeps,sleep_overshoot_ns,cpu_ns,run_delay_ns,failure\n";
}

std::string csv_row(const RunResult& r) {
  char tp[64], os[64];
  std::snprintf(tp, sizeof tp, "%.1f", r.throughput_per_s);
  std::snprintf(os, sizeof os, "%.0f", r.sleep_overshoot_ns);
  return csv_line(
      {r.model, std::to_string(r.connections), std::to_string(r.started), std::to_string(r.completed),
       std::string(tp), std::to_string(r.latency_mean_ns), std::to_string(r.latency_p50_ns),
       std::to_string(r.latency_p90_ns), std::to_string(r.latency_p99_ns), std::to_string(r.latency_max_ns),
       std::to_string(r.end_ns), std::to_string(r.rss_baseline_bytes), std::to_string(r.rss_peak_bytes),
       std::to_string(r.rss_growth_bytes), std::string(r.peak_reset ? "1" : "0"), std::to_string(r.maxrss_bytes),
       std::to_string(r.voluntary_switches), std::to_string(r.involuntary_switches), std::to_string(r.served),
       std::to_string(r.sleeps), std::string(os), std::to_string(std::llround(r.cpu_ns)),
       std::to_string(std::llround(r.run_delay_ns))},
      r.failure);
}

}  // namespace concsim::harness
