// Internals of the loop's native functions (futures.cc, tasks.cc,
// timers.cc, executor.cc, modules.cc): argument handling and the pieces
// they share.
#pragma once

#include "sim/random.h"

#include <string>
#include <string_view>
#include <vector>

#include "models/loop/loop.h"
#include "models/vm/object.h"
#include "models/vm/vm.h"

namespace concsim::models::loop {

// Arguments of a native, by position or keyword, with CPython's messages.
class Args {
 public:
  Args(vm::Vm& vm, vm::CallArgs& a, const char* fn) : vm_(vm), a_(a), fn_(fn) {}
  // Positional i, or keyword `name`, or `dflt` (unset: required).
  vm::Value get(std::uint32_t i, std::string_view name, vm::Value dflt = vm::Value::unset());
  vm::Value kw(std::string_view name, vm::Value dflt = vm::Value::unset());
  bool exactly(std::uint32_t n);
  bool at_most(std::uint32_t n);
  [[nodiscard]] std::uint32_t npos() const { return a_.npos(); }
  // Positional arguments from i on (for *args).
  [[nodiscard]] std::vector<vm::Value> rest(std::uint32_t i) const;
  // A duration in seconds (int, float or a YAML duration), as nanoseconds
  // rounded half to even; false after raise. *exact: it was a duration.
  bool seconds(const vm::Value& v, const char* what, double* s, std::int64_t* ns, bool* exact = nullptr);

 private:
  vm::Vm& vm_;
  vm::CallArgs& a_;
  const char* fn_;
};

// The loop of the current run's thread (one Loop per Vm), or null.
Loop* running_loop(vm::Vm& vm);
// Callbacks as futures.py's _format_callbacks shows them.
std::string format_callbacks(vm::Vm& vm, const std::vector<vm::Value>& cbs);
// The name a callable shows in reprs (_format_callback_source's short form).
std::string callable_name(vm::Vm& vm, const vm::Value& fn);
// format_helpers._format_callback_source: "name(args) at file:line"
// (exception_handler.cc).
std::string format_callback_source(vm::Vm& vm, const vm::Value& fn, const std::vector<vm::Value>& args);
// File paths in a log message reduced to their basenames.
std::string basename_paths(const std::string& text);
void install_exception_handler_methods(vm::Vm& vm, const vm::Value& loop_class);

void install_future_methods(vm::Vm& vm, const vm::Value& cls);
void install_task_methods(vm::Vm& vm, const vm::Value& cls);
void install_handle_methods(vm::Vm& vm, const vm::Value& handle, const vm::Value& timer_handle);

}  // namespace concsim::models::loop
