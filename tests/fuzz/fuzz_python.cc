// libFuzzer target over the Python front end: any bytes must give a tree or
// a SyntaxError, never a crash, a hang or a sanitizer report; a tree must
// also dump. Seeds: tests/python_frontend/valid and invalid.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/python/ast_dump.h"
#include "app/python/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  concsim::vm::ast::Module module;
  concsim::python::SyntaxError error;
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  if (concsim::python::parse_module(source, "fuzz.py", &module, &error)) {
    (void)concsim::python::dump_module(module);
  } else if (error.message.empty()) {
    __builtin_trap();  // every error says what it is
  }
  return 0;
}
