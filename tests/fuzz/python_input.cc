#include "tests/fuzz/python_input.h"

#include <new>
#include <ostream>
#include <streambuf>
#include <string>

#include "app/load/config.h"
#include "app/load/python_program.h"
#include "app/load/workload.h"
#include "app/python/ast_dump.h"
#include "app/python/parser.h"
#include "app/report/render.h"
#include "app/run/guard.h"
#include "app/run/runner.h"
#include "tests/fuzz/memory_budget.h"

namespace concsim::fuzz {
namespace {

constexpr std::uint64_t kMaxEvents = 10'000;
constexpr std::uint64_t kStepBudget = 100'000;
constexpr double kSeconds = 2;
constexpr std::size_t kMemoryBudget = std::size_t{64} << 20;

class NullBuffer final : public std::streambuf {
 protected:
  int_type overflow(int_type c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

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
    w.max_events = kMaxEvents;

    run::GuardLimits limits;
    limits.max_events = kMaxEvents;
    limits.timeout_seconds = kSeconds;
    run::RunGuard guard(limits);
    run::RunOptions options;
    options.step_budget = kStepBudget;
    options.record_limit = 1'000;
    options.trace_phases = true;
    options.should_stop = [&guard] { return guard.should_stop(); };
    options.should_stop_within_event = [&guard] { return guard.should_stop_within_event(); };
    run::RunOutput r = run::run_workload(w, options);
    guard.mark(r);
    // Completed or failed (an exception escaped the program: a result);
    // anything else is a run that a budget or the guard stopped.
    if (r.status == "completed") {
      ++out.completed;
    } else if (r.status == "failed") {
      ++out.failed;
    } else {
      ++out.stopped;
    }

    NullBuffer sink;
    std::ostream null(&sink);
    report::write_table(null, r);
    report::write_json(null, r);
    report::write_json(null, r, report::JsonDetail::kFiguresOnly);
    report::write_csv(null, r);
    report::write_text_trace(null, r);
    report::write_chrome_trace(null, r);
  } catch (const load::ConfigError& e) {
    if (out.rejected++ == 0) out.first_error = e.what();
  } catch (const std::bad_alloc&) {
    ++out.out_of_memory;
  }
  return out;
}

}  // namespace concsim::fuzz
