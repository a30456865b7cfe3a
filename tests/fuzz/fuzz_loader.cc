// libFuzzer target over the YAML loader and the --set parser; see
// fuzz_input.h for the input format and tests/fuzz/CMakeLists.txt for how it
// is built (clang only) and run (a bounded CTest entry).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  concsim::fuzz::drive_loader(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
