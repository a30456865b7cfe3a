// The program tree as Python: the step language's second back end.
//
// compile_program (program.h) turns the tree into the step interpreter's
// bytecode; lower_to_python turns the same tree into a Python 3.11 program
// that the Python front end (app/python, models/vm) compiles and every
// model runs, and that CPython runs too. Each step becomes the asyncio code
// it stands for (configs/README.md's tables: `sleep` is `await
// asyncio.sleep(d)`, `gather` is `await asyncio.gather(...)`, ...), and the
// step language's values (durations, checked 64-bit integers, its printing)
// come from a runtime copied into the program (steps_runtime.py). Running
// both and comparing them (tests/python/test_lowering.py) checks the step
// interpreter against the VM, and, through the harness, against CPython.
//
// Not lowered: a server workload's scaffolding (its `arrive`, `request_done`,
// `draw` and `stream` steps; a server's handler is written in Python with
// `handler: {python: ...}` instead). Random draws are lowered to concsim's
// distributions, which draw from the VM's streams, not the step
// interpreter's: the values differ, their distribution does not.
#pragma once

#include <string>
#include <vector>

#include "models/program/program.h"
#include "models/program/steps.h"

namespace concsim::models {

struct LowerOptions {
  std::string title;  // the header's first line, e.g. "gather.yaml, lowered by concsim 0.1.0"
  // Durations of sleep, io, cpu and block as float seconds (`0.004`), as a
  // person writes them, or (exact) as concsim.ns(4000000): exact nanoseconds
  // under concsim, as the step language's, where float seconds are rounded
  // as CPython rounds them (a timer at loop.time() + 0.004 may fire 1 ns
  // later than 4 ms on). The same for the timeouts of wait and wait_for.
  bool exact = false;
  // Comment lines for the header: how to run the program as the workload
  // runs it (its model, machine, seed), what of the workload it leaves out.
  std::vector<std::string> notes;
};

// Fills *out with the program's Python source. Returns false and fills
// *error with the first step that cannot be lowered.
bool lower_to_python(const ProgramAst& ast, const LowerOptions& options, std::string* out,
                     CompileError* error);

}  // namespace concsim::models
