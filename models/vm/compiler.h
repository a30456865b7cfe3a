// The compiler: the program tree (ast.h) to the IR (code.h), as CPython
// 3.11's Python/compile.c does it, with concsim's own stack conventions
// documented at each opcode.
#pragma once

#include <string>
#include <vector>

#include "models/vm/ast.h"
#include "models/vm/code.h"

namespace concsim::vm {

struct CompileError {
  ast::Loc loc;
  std::string kind = "SyntaxError";
  std::string message;
};

struct CompileOptions {
  // Code of this file is concsim's own (lowered YAML scaffolding, the
  // models' Python modules): left out of tracebacks.
  bool hidden = false;
};

// Compiles a module. `source_lines` are kept for tracebacks. Returns false
// and fills *error on the first error.
bool compile_module(const ast::Module& m, std::vector<std::string> source_lines, Program* out, CompileError* error,
                    const CompileOptions& options = {});

// Appends the code objects of another module to a program (a model's
// Python module, compiled with its own file name). Returns the index of the
// module's body code.
bool compile_into(const ast::Module& m, Program* out, std::uint32_t* module_code, CompileError* error,
                  const CompileOptions& options = {});

// A readable listing of the bytecode (`concsim validate --disassemble`).
std::string disassemble(const Program& p);

}  // namespace concsim::vm
