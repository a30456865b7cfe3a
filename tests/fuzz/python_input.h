// One fuzz input taken through the Python front end AND run, shared by the
// libFuzzer target (fuzz_python.cc) and the GoogleTest that replays the
// regressions found (fuzz_regression_test.cc).
//
// An input is a Python source file. It is parsed (a tree must dump, a
// syntax error must say what it is), compiled as `concsim run prog.py`
// compiles it, and run on the event-loop model on the ideal machine under
// tight budgets: 10,000 events, 100,000 instructions per step, two seconds
// of wall clock, 64 MiB of allocations (memory_budget.h). Then every writer
// renders the result. A rejected program (load::ConfigError: a syntax
// error or a construct outside the subset), a run stopped by a budget and
// an allocation refused by the budget (std::bad_alloc) are outcomes; an
// exception escaping the program is a result of the run. Anything else
// escapes and libFuzzer reports it as a crash, as do crashes, hangs and
// leaks.
#pragma once

#include <string>
#include <string_view>

namespace concsim::fuzz {

struct PythonOutcome {
  int syntax_errors = 0;  // the parser's, each with a message
  int rejected = 0;       // ConfigErrors from compiling (syntax, subset)
  int completed = 0;      // runs whose program ended by itself, normally
  int failed = 0;         // runs whose program raised
  int stopped = 0;        // runs a budget stopped
  int out_of_memory = 0;  // runs whose allocations passed the budget
  std::string first_error;
};

PythonOutcome drive_python(std::string_view data);

}  // namespace concsim::fuzz
