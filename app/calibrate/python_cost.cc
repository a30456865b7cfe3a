#include "app/calibrate/python_cost.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string_view>

#include "app/load/python_program.h"
#include "models/vm/vm.h"

extern char** environ;

namespace concsim::calibrate {

std::string_view opcount_source();  // tools/python/opcount.py, embedded

namespace {

// What CPython runs after the benchmark and tools/python/opcount.py (its
// count_bytecodes, embedded as opcount_source()): the bytecodes of one
// bench() call (bench calls no Python outside the file), then `runs`
// timings of 20 calls, untraced, by the process's CPU time.
constexpr std::string_view kDriver = R"(
import time

_ops, _ = count_bytecodes(bench)
bench()
_runs = int(sys.argv[1])
_times = []
for _ in range(_runs):
    t0 = time.process_time_ns()
    for _ in range(20):
        bench()
    _times.append((time.process_time_ns() - t0) / 20)
print("version", sys.version.split()[0])
print("ops", _ops)
print("ns", " ".join(str(t) for t in _times))
)";

// A host for the benchmark alone: it imports nothing and never waits.
class BenchHost final : public vm::Host {
 public:
  vm::Value import_module(vm::Vm&, std::string_view) override { return vm::Value::unset(); }
  vm::Value await_native(vm::Vm& vm, vm::Fiber&, const vm::Value&) override {
    return vm.raise(vm.b().RuntimeError, "the benchmark does not await");
  }
  void write(vm::Vm&, int, std::string_view) override {}
  std::int64_t now_ns() override { return 0; }
};

std::uint64_t module_instructions(const std::string& source) {
  const std::shared_ptr<const vm::Program> program = load::compile_python(source, "bench.py");
  BenchHost host;
  vm::Vm vm(*program, host);
  vm::Fiber fiber;
  vm.start_module(fiber);
  const vm::RunResult r = vm.run(fiber, vm::Value::none());
  if (r.status != vm::RunStatus::kReturned) return 0;
  return r.ops;
}

}  // namespace

const std::string& python_benchmark_source() {
  static const std::string kSource = R"(class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm1(self):
        return abs(self.x) + abs(self.y)


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def bench():
    total = 0
    for i in range(2000):
        total += i * i % 7
    words = {}
    for i in range(1000):
        key = "k" + str(i % 50)
        words[key] = words.get(key, 0) + 1
    items = [w for w in words if words[w] > 10]
    pts = [Point(i, -i) for i in range(500)]
    for p in pts:
        total += p.norm1()
    total += fib(15)
    parts = []
    for i in range(300):
        parts.append(f"{i}:{i * 2}")
    total += len(",".join(parts)) + len(items)
    try:
        for i in range(200):
            if i == 150:
                raise ValueError(i)
    except ValueError as e:
        total += e.args[0]
    return total
)";
  return kSource;
}

std::string find_python() {
  if (access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::istringstream dirs{std::string(path)};
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/python3";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::uint64_t vm_instructions_of_benchmark() {
  // The module with the call less the module without it: bench()'s own
  // instructions and the call's four (PushNull, LoadName, Call, PopTop).
  const std::string& src = python_benchmark_source();
  const std::uint64_t with = module_instructions(src + "\nbench()\n");
  const std::uint64_t without = module_instructions(src);
  if (with == 0 || without == 0 || with < without + 4) return 0;
  return with - without - 4;
}

PythonCost measure_python_cost(const std::string& python, int runs) {
  PythonCost c;
  c.python = python;
  const std::string script =
      python_benchmark_source() + "\n" + std::string(opcount_source()) + "\n" + std::string(kDriver);
  int out[2];
  if (pipe(out) != 0) {
    c.error = "pipe() failed";
    return c;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  posix_spawn_file_actions_addclose(&fa, out[1]);
  const std::string runs_arg = std::to_string(runs);
  std::string a0 = python, a1 = "-c", a2 = script, a3 = runs_arg;
  char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, python.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    c.error = "could not start " + python;
    return c;
  }
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    c.error = python + " failed on the benchmark";
    return c;
  }
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "version") {
      words >> c.version;
    } else if (key == "ops") {
      words >> c.cpython_ops;
    } else if (key == "ns") {
      for (double t; words >> t;) c.ns_per_bench.push_back(t);
    }
  }
  c.vm_ops = vm_instructions_of_benchmark();
  if (c.cpython_ops == 0 || c.ns_per_bench.empty() || c.vm_ops == 0) {
    c.error = "the benchmark gave no counts";
    return c;
  }
  c.ok = true;
  return c;
}

}  // namespace concsim::calibrate
