# Writes a C++ file whose function NAMESPACE::FUNCTION() returns the text of
# INPUT (a model's Python module, compiled into the library).
# INPUT may name several files (a CMake list): their texts are joined, in
# order, as one module.
set(text "")
foreach(file IN LISTS INPUT)
  file(READ "${file}" part)
  string(APPEND text "${part}")
endforeach()
string(FIND "${text}" ")concsim_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by embed_text.cmake.\n#include <string_view>\nnamespace ${NAMESPACE} {\nstd::string_view ${FUNCTION}() {\n  static const char text[] = R\"concsim_text(${text})concsim_text\";\n  return std::string_view(text, sizeof(text) - 1);\n}\n}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
