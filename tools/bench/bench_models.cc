// concsim-bench: the models on the default workload (configs/default.yaml).
//
// BM_LoopDefault/N and BM_ThreadsDefault/N run `concsim run
// configs/default.yaml --model async|threads --connections N` as the
// command does (loading included, report writing excluded) and report:
//   items_per_second  simulated events per second of wall-clock time (the
//                     events the kernel counts, as `events` in the output)
//   ns_per_event      wall-clock nanoseconds per simulated event
//   events            events of one run
//   bytes_per_conn    the run's peak resident memory (the simulator's, not
//                     the simulated machine's) divided by N
//
// Each run happens in a child process (fork), so that its peak resident
// memory is its own (getrusage of the child: ru_maxrss), not the high-water
// mark of every benchmark before it; the child's RSS at the fork (the
// benchmark process itself) is measured with a child that does nothing and
// subtracted. The parent times the child, from the fork to its exit.
//
// The thread model runs on the `ideal` machine profile, up to 1,000,000
// connections: linux-modern caps threads at 32,449 (pid_max), where most
// connections would be refused and the run would measure the refusals.
#include <benchmark/benchmark.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/load/config.h"
#include "app/load/workload.h"
#include "app/run/runner.h"

#ifndef CONCSIM_SOURCE_DIR
#define CONCSIM_SOURCE_DIR "."
#endif

namespace concsim::bench {
namespace {

struct ChildRun {
  bool ok = false;
  std::uint64_t events = 0;
  long max_rss_kib = 0;
};

// Runs `work` in a child process; it writes one number (the events) to the
// pipe. Returns the number and the child's peak resident set.
template <class Work>
ChildRun in_child(Work work) {
  ChildRun out;
  int fds[2];
  if (pipe(fds) != 0) return out;
  const pid_t pid = fork();
  if (pid < 0) return out;
  if (pid == 0) {
    close(fds[0]);
    const std::uint64_t events = work();
    const ssize_t n = write(fds[1], &events, sizeof events);
    _exit(n == static_cast<ssize_t>(sizeof events) ? 0 : 1);
  }
  close(fds[1]);
  std::uint64_t events = 0;
  const ssize_t n = read(fds[0], &events, sizeof events);
  close(fds[0]);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return out;
  out.ok = n == static_cast<ssize_t>(sizeof events) && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  out.events = events;
  out.max_rss_kib = usage.ru_maxrss;
  return out;
}

std::uint64_t run_default(const std::string& model, const std::string& machine, std::int64_t connections) {
  if (chdir(CONCSIM_SOURCE_DIR) != 0) return 0;
  load::Document doc = load::Document::load_file("configs/default.yaml");
  doc.apply_override("model=" + model);
  doc.apply_override("connections=" + std::to_string(connections));
  if (!machine.empty()) doc.apply_override("machine=" + machine);
  const load::Workload w = load::load_workload(doc);
  const run::RunOutput r = run::run_workload(w, run::RunOptions{});
  return r.status == "completed" ? r.events : 0;
}

void run_model(benchmark::State& state, const std::string& model, const std::string& machine) {
  const std::int64_t connections = state.range(0);
  const long base_kib = in_child([] { return std::uint64_t{1}; }).max_rss_kib;
  std::uint64_t events = 0;
  long rss_kib = 0;
  std::int64_t wall_ns = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const ChildRun r = in_child([&] { return run_default(model, machine, connections); });
    wall_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok || r.events == 0) {
      state.SkipWithError("the run failed");
      return;
    }
    events = r.events;
    rss_kib = std::max(rss_kib, r.max_rss_kib);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events) * state.iterations());
  state.counters["events"] = static_cast<double>(events);
  state.counters["ns_per_event"] =
      static_cast<double>(wall_ns) / static_cast<double>(events * static_cast<std::uint64_t>(state.iterations()));
  state.counters["bytes_per_conn"] =
      static_cast<double>(rss_kib - base_kib) * 1024.0 / static_cast<double>(connections);
  state.counters["peak_rss_mib"] = static_cast<double>(rss_kib) / 1024.0;
}

void BM_LoopDefault(benchmark::State& state) { run_model(state, "async", ""); }
void BM_ThreadsDefault(benchmark::State& state) { run_model(state, "threads", "ideal"); }

// One iteration each: a run takes up to seconds (a million connections:
// about 4 s on the event loop, 10 s on the thread model, on a 2-core VM) and
// is deterministic, so repeating it would only measure the noise.
BENCHMARK(BM_LoopDefault)->ArgName("connections")->Arg(1'000)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)
    ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ThreadsDefault)->ArgName("connections")->Arg(1'000)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)
    ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// A server's handler in YAML steps and the same handler as a Python function
// (the step interpreter on the old event loop, against the VM on the new
// one; issue: "a Python program runs at the speed of its YAML equivalent").
// BM_ServerHandler/<workload>_<yaml|python> runs the workload as `concsim
// run` does (loading included) and reports the wall-clock time of a run and
// per request served (ns_per_request); the ratio of the two handlers' times
// is the figure. default: configs/default.yaml and configs/python-server
// at 10,000 connections; mm1: one connection, Poisson arrivals at 900/s, an
// exponential service time of mean 1 ms (tests/python/server/mm1*.yaml) for
// 200 s of virtual time (about 180,000 requests).
std::uint64_t run_server_file(const std::string& file, const std::string& overrides) {
  if (chdir(CONCSIM_SOURCE_DIR) != 0) return 0;
  load::Document doc = load::Document::load_file(file);
  std::size_t start = 0;
  while (start < overrides.size()) {
    const std::size_t end = std::min(overrides.find(';', start), overrides.size());
    doc.apply_override(overrides.substr(start, end - start));
    start = end + 1;
  }
  const load::Workload w = load::load_workload(doc);
  run::RunOptions options;
  options.record = false;
  const run::RunOutput r = run::run_workload(w, options);
  return r.status == "completed" ? r.metrics.completed : 0;
}

void run_server(benchmark::State& state, const char* file, const char* overrides) {
  std::uint64_t requests = 0;
  std::int64_t wall_ns = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const ChildRun r = in_child([&] { return run_server_file(file, overrides); });
    wall_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok || r.events == 0) {
      state.SkipWithError("the run failed");
      return;
    }
    requests = r.events;  // in_child's number: here the requests served
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(requests) * state.iterations());
  state.counters["requests"] = static_cast<double>(requests);
  state.counters["ns_per_request"] =
      static_cast<double>(wall_ns) / static_cast<double>(requests * static_cast<std::uint64_t>(state.iterations()));
}

BENCHMARK_CAPTURE(run_server, default_yaml, "configs/default.yaml", "connections=10000")
    ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(run_server, default_python, "configs/python-server/server.yaml", "connections=10000")
    ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(run_server, mm1_yaml, "tests/python/server/mm1.yaml", "server.duration=200s")
    ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(run_server, mm1_python, "tests/python/server/mm1_python.yaml", "server.duration=200s")
    ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace concsim::bench
