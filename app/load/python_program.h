// Python programs: a source file compiled to the VM's IR (models/vm), with
// errors as CPython reports them, and the models' own Python modules.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "models/vm/ast.h"
#include "models/vm/code.h"

namespace concsim::load {

// Reads, parses and compiles a Python file. Throws ConfigError (exit code 2)
// at file:line:col for a file that cannot be read, a syntax error (as
// "SyntaxError: message", CPython's message and position) and a construct
// outside concsim's subset ("not supported by concsim: ...").
std::shared_ptr<const vm::Program> load_python_file(const std::string& path);

// The same for source text in memory; `file` names it in messages.
std::shared_ptr<const vm::Program> compile_python(const std::string& source, const std::string& file);

// The pieces of the above, for a program built from a file and more (a
// server whose handler is a Python function, app/load/server_python.h): a
// file's text (ConfigError when it cannot be read or is too large), its
// tree (ConfigError at a syntax error), and a tree compiled with `source`
// as the text its tracebacks quote.
std::string read_python_source(const std::string& path);
vm::ast::Module parse_python(const std::string& source, const std::string& file);
std::shared_ptr<vm::Program> compile_python_tree(const vm::ast::Module& module, const std::string& source,
                                                 const std::string& file);

// The event-loop model's asyncio module (models/loop/asyncio.py), compiled
// once per process.
const vm::Program& loop_asyncio_program();

// The thread model's modules written in Python (models/threads/*.py), by
// module name, compiled once per process.
std::map<std::string, const vm::Program*> thread_model_programs();

}  // namespace concsim::load
