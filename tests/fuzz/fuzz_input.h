// One fuzz input driven through the loader, shared by the libFuzzer target
// (fuzz_loader.cc) and the GoogleTest that replays the regressions found
// (fuzz_regression_test.cc), so that both exercise exactly the same calls.
//
// An input is a workload file, then optionally NUL-separated --set
// assignments: "main:\n  - log: hi\n\0seed=3\0main.0.sleep=1s". The file goes
// through Document::load_string, load_workload and read_machine; each
// assignment is applied both to that document (when it loaded) and to a
// fixed valid workload, and every document that results is loaded again.
// Everything the loader rejects must be a load::ConfigError: any other
// exception escapes, and libFuzzer reports it as a crash.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace concsim::fuzz {

struct Outcome {
  int config_errors = 0;  // ConfigErrors thrown (and caught) for this input
  int accepted = 0;       // documents that loaded and compiled without error
  std::string first_error;  // what() of the first ConfigError
};

// The file part and the assignments of an input.
std::vector<std::string_view> split_input(std::string_view data);

// Runs the input through the loader. Throws whatever is not a ConfigError.
Outcome drive_loader(std::string_view data);

}  // namespace concsim::fuzz
