// libFuzzer target that loads AND runs workloads under both models within
// tight budgets; see run_input.h for what one input goes through and
// tests/fuzz/CMakeLists.txt for how it is built and run.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/run_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  concsim::fuzz::drive_run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
