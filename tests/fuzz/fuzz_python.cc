// libFuzzer target over the Python front end: parses, compiles AND runs
// each input within tight budgets; see python_input.h for what one input
// goes through and tests/fuzz/CMakeLists.txt for how it is built and run.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/python_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  concsim::fuzz::drive_python(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
