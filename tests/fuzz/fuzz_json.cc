// libFuzzer target over the JSON readers of --resume, merge, baseline and
// check; see json_input.h for what one input goes through and
// tests/fuzz/CMakeLists.txt for how it is built and run.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/json_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  concsim::fuzz::drive_json(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
