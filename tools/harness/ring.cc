#include "tools/harness/ring.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "sim/stats.h"
#include "tools/harness/csv.h"
#include "tools/harness/sched_stat.h"

namespace concsim::harness {
namespace {

using Clock = std::chrono::steady_clock;

sim::Duration since(Clock::time_point t0, Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t - t0).count();
}

// A mutex, a condition variable and the tokens waiting, with the time each
// was passed (the oldest first; a token passed while kSlots wait is not
// timed). Padded to its own cache lines, so that neighbours in the ring do
// not share one.
struct alignas(64) CondChannel {
  static constexpr int kSlots = 8;
  std::mutex m;
  std::condition_variable c;
  std::int64_t count = 0;
  bool closed = false;
  int stamped = 0;
  int head = 0;
  std::int64_t stamps[kSlots] = {};
};

// One thread's figures, written by it alone, read after it is joined.
struct Seat {
  std::vector<sim::Duration> rounds;
  std::vector<sim::Duration> handoffs;
  SchedStat sched;
};

class Ring {
 public:
  Ring(const RingSpec& s, Clock::time_point t0) : s_(s), t0_(t0), seats_(static_cast<std::size_t>(s.threads)) {
    for (Seat& seat : seats_) {
      seat.rounds.reserve(static_cast<std::size_t>(s.rounds));
      seat.handoffs.reserve(static_cast<std::size_t>(s.rounds));
    }
    if (s.channel == Channel::kCondvar) {
      conds_ = std::make_unique<CondChannel[]>(static_cast<std::size_t>(s.threads));
    } else {
      pipes_.assign(static_cast<std::size_t>(s.threads) * 2, -1);
    }
  }
  ~Ring() {
    for (int fd : pipes_) {
      if (fd >= 0) close(fd);
    }
  }
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // Opens the pipes; an error message, or "" (condvar channels need none).
  std::string open_pipes() {
    for (std::int64_t i = 0; i < s_.threads && s_.channel == Channel::kPipe; ++i) {
      int fds[2];
      if (pipe2(fds, O_CLOEXEC) != 0) {
        return "pipe2 failed at thread " + std::to_string(i) + ": " + std::strerror(errno);
      }
      pipes_[static_cast<std::size_t>(2 * i)] = fds[0];
      pipes_[static_cast<std::size_t>(2 * i + 1)] = fds[1];
    }
    return "";
  }

  // Thread i's life.
  void run(std::int64_t i) {
    Seat& seat = seats_[static_cast<std::size_t>(i)];
    const SchedStat a = sched_stat();
    const std::int64_t spacing = std::max<std::int64_t>(s_.threads / std::max<std::int64_t>(s_.tokens, 1), 1);
    const bool holder = i % spacing == 0 && i / spacing < s_.tokens;
    const std::int64_t next = (i + 1) % s_.threads;
    for (std::int64_t r = 0; r < s_.rounds; ++r) {
      const auto begin = Clock::now();
      std::int64_t stamp = -1;
      if (r == 0 && holder) {
        std::this_thread::sleep_until(t0_ + std::chrono::nanoseconds(s_.start_at));
      } else if (!take(i, &stamp)) {
        break;  // the ring was closed: a thread could not be created
      }
      const auto got = Clock::now();
      pass(next, since(t0_, Clock::now()));
      const auto done = Clock::now();
      if (since(t0_, begin) >= s_.start_at) {
        seat.rounds.push_back(since(begin, done));
        if (stamp >= 0) seat.handoffs.push_back(since(t0_, got) - stamp);
      }
    }
    const SchedStat b = sched_stat();
    seat.sched = SchedStat{b.cpu_ns - a.cpu_ns, b.delay_ns - a.delay_ns};
  }

  // Wakes every thread still waiting and makes it leave (a thread could not
  // be created, so the ring would never go round).
  void close_all() {
    if (s_.channel == Channel::kCondvar) {
      for (std::int64_t i = 0; i < s_.threads; ++i) {
        CondChannel& ch = conds_[static_cast<std::size_t>(i)];
        {
          const std::lock_guard<std::mutex> lock(ch.m);
          ch.closed = true;
        }
        ch.c.notify_all();
      }
      return;
    }
    for (std::int64_t i = 0; i < s_.threads; ++i) {
      int& w = pipes_[static_cast<std::size_t>(2 * i + 1)];
      if (w >= 0) close(w);
      w = -1;
    }
  }

  std::vector<Seat>& seats() { return seats_; }

 private:
  bool take(std::int64_t i, std::int64_t* stamp) {
    if (s_.channel == Channel::kPipe) {
      std::int64_t v = 0;
      for (;;) {
        const ssize_t n = read(pipes_[static_cast<std::size_t>(2 * i)], &v, sizeof v);
        if (n == static_cast<ssize_t>(sizeof v)) break;
        if (n < 0 && errno == EINTR) continue;
        return false;  // closed (or a short read, which 8-byte writes to a pipe never give)
      }
      *stamp = v;
      return true;
    }
    CondChannel& ch = conds_[static_cast<std::size_t>(i)];
    std::unique_lock<std::mutex> lock(ch.m);
    ch.c.wait(lock, [&] { return ch.count > 0 || ch.closed; });
    if (ch.count == 0) return false;
    --ch.count;
    if (ch.stamped > 0) {
      *stamp = ch.stamps[ch.head];
      ch.head = (ch.head + 1) % CondChannel::kSlots;
      --ch.stamped;
    }
    return true;
  }

  void pass(std::int64_t to, std::int64_t stamp) {
    if (s_.channel == Channel::kPipe) {
      const int w = pipes_[static_cast<std::size_t>(2 * to + 1)];
      // 8 bytes are written whole (less than PIPE_BUF); a full pipe (more
      // than 8,192 tokens queued at one thread) would block until it drains.
      while (w >= 0 && write(w, &stamp, sizeof stamp) < 0 && errno == EINTR) {
      }
      return;
    }
    CondChannel& ch = conds_[static_cast<std::size_t>(to)];
    {
      const std::lock_guard<std::mutex> lock(ch.m);
      ++ch.count;
      if (ch.stamped < CondChannel::kSlots) {
        ch.stamps[(ch.head + ch.stamped) % CondChannel::kSlots] = stamp;
        ++ch.stamped;
      }
    }
    // After unlocking: the woken thread finds the mutex free.
    ch.c.notify_one();
  }

  const RingSpec& s_;
  Clock::time_point t0_;
  std::vector<Seat> seats_;
  std::unique_ptr<CondChannel[]> conds_;
  std::vector<int> pipes_;  // thread i's read end at 2i, write end at 2i + 1
};

// Pipes need two descriptors per thread: raise the soft limit to the hard one.
void raise_file_limit(std::int64_t wanted) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  if (rl.rlim_cur != RLIM_INFINITY && static_cast<std::int64_t>(rl.rlim_cur) < wanted) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

RingResult run_ring(const RingSpec& s) {
  RingResult r;
  r.channel = s.channel == Channel::kPipe ? "pipe" : "condvar";
  r.threads = s.threads;
  r.tokens = s.tokens;
  r.rounds = s.rounds;
  r.start_at_ns = s.start_at;
  if (s.channel == Channel::kPipe) raise_file_limit(2 * s.threads + 64);
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  const auto t0 = Clock::now();
  Ring ring(s, t0);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(s.threads));
  r.failure = ring.open_pipes();
  for (std::int64_t i = 0; i < s.threads && r.failure.empty(); ++i) {
    try {
      threads.emplace_back([&ring, i] { ring.run(i); });
    } catch (const std::system_error& e) {
      r.failure = "thread creation failed at thread " + std::to_string(i) + ": " + e.what();
    }
  }
  r.created = static_cast<std::int64_t>(threads.size());
  r.created_by_ns = since(t0, Clock::now());
  if (!r.failure.empty()) ring.close_all();
  for (std::thread& t : threads) t.join();
  r.end_ns = since(t0, Clock::now());
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  r.voluntary_switches = after.ru_nvcsw - before.ru_nvcsw;
  r.involuntary_switches = after.ru_nivcsw - before.ru_nivcsw;
  if (r.failure.empty() && r.created_by_ns > s.start_at) {
    r.failure = "not every thread had been created at start_at (the last at " +
                std::to_string(r.created_by_ns / 1000) + " us): the first rounds overlap creation";
  }
  sim::LatencyRecorder rounds, handoffs;
  for (Seat& seat : ring.seats()) {
    for (const sim::Duration d : seat.rounds) rounds.record(d);
    for (const sim::Duration d : seat.handoffs) handoffs.record(d);
    r.cpu_ns += seat.sched.cpu_ns;
    r.run_delay_ns += seat.sched.delay_ns;
  }
  r.passes = rounds.count();
  r.latency_mean_ns = rounds.mean();
  r.latency_p50_ns = rounds.percentile(50);
  r.latency_p99_ns = rounds.percentile(99);
  r.handoff_p50_ns = handoffs.percentile(50);
  r.handoff_p99_ns = handoffs.percentile(99);
  const sim::Duration span = r.end_ns - s.start_at;
  r.throughput_per_s = span > 0 ? static_cast<double>(r.passes) * 1e9 / static_cast<double>(span) : 0;
  return r;
}

std::string ring_csv_header() {
  return "channel,threads,tokens,rounds,created,created_by_ns,start_at_ns,end_ns,passes,throughput_per_s,"
         "latency_mean_ns,latency_p50_ns,latency_p99_ns,handoff_p50_ns,handoff_p99_ns,voluntary_switches,"
         "involuntary_switches,cpu_ns,run_delay_ns,failure\n";
}

std::string ring_csv_row(const RingResult& r) {
  char tp[64];
  std::snprintf(tp, sizeof tp, "%.1f", r.throughput_per_s);
  return csv_line({r.channel, std::to_string(r.threads), std::to_string(r.tokens), std::to_string(r.rounds),
                   std::to_string(r.created), std::to_string(r.created_by_ns), std::to_string(r.start_at_ns),
                   std::to_string(r.end_ns), std::to_string(r.passes), std::string(tp),
                   std::to_string(r.latency_mean_ns), std::to_string(r.latency_p50_ns),
                   std::to_string(r.latency_p99_ns), std::to_string(r.handoff_p50_ns),
                   std::to_string(r.handoff_p99_ns), std::to_string(r.voluntary_switches),
                   std::to_string(r.involuntary_switches), std::to_string(std::llround(r.cpu_ns)),
                   std::to_string(std::llround(r.run_delay_ns))},
                  r.failure);
}

}  // namespace concsim::harness
