// The CPU time of interpreted Python (the profile's python.op_cost): CPython
// on this host runs a mixed benchmark, counting the bytecodes it executes
// (sys.settrace with f_trace_opcodes) and timing it untraced
// (time.process_time_ns); concsim's VM counts its own instructions for the
// same benchmark. The cost per VM instruction is CPython's time for the
// benchmark over the VM's instructions for it, so that a program charged at
// that rate costs what CPython takes, whatever the two instruction sets'
// ratio is (both counts are reported).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace concsim::calibrate {

// The benchmark, valid Python for CPython 3.11 and for concsim: bench()
// mixes arithmetic, dicts, strings, comprehensions, method calls, recursion
// and an exception.
const std::string& python_benchmark_source();

struct PythonCost {
  bool ok = false;
  std::string error;          // why not, when !ok
  std::string python;         // the interpreter's path
  std::string version;        // sys.version's first word
  std::uint64_t cpython_ops = 0;   // bytecodes bench() executes under CPython
  std::uint64_t vm_ops = 0;        // instructions concsim's VM executes for it
  std::vector<double> ns_per_bench;  // CPU time of one bench() per run
};

// The first Python found: /usr/bin/python3 (Debian's), else python3 on PATH;
// "" if none.
std::string find_python();

// Counts and times the benchmark with `python`, `runs` timed runs.
PythonCost measure_python_cost(const std::string& python, int runs);

// Instructions concsim's VM executes for one bench() call.
std::uint64_t vm_instructions_of_benchmark();

}  // namespace concsim::calibrate
