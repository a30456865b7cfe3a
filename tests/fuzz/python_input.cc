#include "tests/fuzz/python_input.h"

#include <new>
#include <string>

#include "app/load/config.h"
#include "app/load/python_program.h"
#include "app/load/workload.h"
#include "app/python/ast_dump.h"
#include "app/python/parser.h"
#include "tests/fuzz/guarded_run.h"
#include "tests/fuzz/memory_budget.h"

namespace concsim::fuzz {
namespace {

constexpr std::size_t kMemoryBudget = std::size_t{64} << 20;

[[noreturn]] void fail(const char* what) {
  // Not an exception a caller could mistake for an outcome.
  (void)what;
  __builtin_trap();
}

}  // namespace

PythonOutcome drive_python(std::string_view data) {
  PythonOutcome out;
  const MemoryBudget budget(kMemoryBudget);
  try {
    // The parser on its own: a tree that dumps, or an error that says
    // what it is.
    {
      vm::ast::Module module;
      python::SyntaxError error;
      if (python::parse_module(data, "fuzz.py", &module, &error)) {
        (void)python::dump_module(module);
      } else {
        if (error.message.empty()) fail("a syntax error without a message");
        ++out.syntax_errors;
      }
    }

    // Compiled and run as `concsim run fuzz.py` would run it.
    load::Workload w;
    w.name = "fuzz";
    w.python_file = "fuzz.py";
    w.python = load::compile_python(std::string(data), "fuzz.py");
    const GuardedRun r = run_guarded(w);
    // Completed or failed (an exception escaped the program: a result);
    // anything else is a run that a budget or the guard stopped.
    if (r.output.status == "completed") {
      ++out.completed;
    } else if (r.output.status == "failed") {
      ++out.failed;
    } else {
      ++out.stopped;
    }
    write_every_report(r.output);
  } catch (const load::ConfigError& e) {
    if (out.rejected++ == 0) out.first_error = e.what();
  } catch (const std::bad_alloc&) {
    ++out.out_of_memory;
  }
  return out;
}

}  // namespace concsim::fuzz
