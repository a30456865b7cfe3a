// Python programs: a source file compiled to the VM's IR (models/vm), with
// errors as CPython reports them, and the models' own Python modules.
#pragma once

#include <memory>
#include <string>

#include "models/vm/code.h"

namespace concsim::load {

// Reads, parses and compiles a Python file. Throws ConfigError (exit code 2)
// at file:line:col for a file that cannot be read, a syntax error (as
// "SyntaxError: message", CPython's message and position) and a construct
// outside concsim's subset ("not supported by concsim: ...").
std::shared_ptr<const vm::Program> load_python_file(const std::string& path);

// The same for source text in memory; `file` names it in messages.
std::shared_ptr<const vm::Program> compile_python(const std::string& source, const std::string& file);

// The event-loop model's asyncio module (models/loop/asyncio.py), compiled
// once per process.
const vm::Program& loop_asyncio_program();

}  // namespace concsim::load
