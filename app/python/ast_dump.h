// The program tree printed as CPython 3.11 prints its own:
// ast.dump(tree, include_attributes=True), byte for byte, so that the
// front end can be compared with CPython's parser on any source. Fields
// that concsim does not keep print as CPython prints them when absent
// (no annotations, no returns, no type comments, no string kind).
#pragma once

#include <string>

#include "models/vm/ast.h"

namespace concsim::python {

std::string dump_module(const vm::ast::Module& module);

}  // namespace concsim::python
