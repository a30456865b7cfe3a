#include "app/load/python_program.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "app/load/config.h"
#include "app/python/parser.h"
#include "models/loop/loop.h"
#include "models/threads/thread_host.h"
#include "models/vm/compiler.h"
#include "sim/check.h"

namespace concsim::load {

namespace {

// A file larger than this is refused before it is parsed.
constexpr std::size_t kMaxSourceBytes = 16 << 20;

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '\n') {
      out.push_back(std::move(cur));
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(std::move(cur));
  return out;
}

}  // namespace

vm::ast::Module parse_python(const std::string& source, const std::string& file) {
  vm::ast::Module module;
  python::SyntaxError se;
  if (!python::parse_module(source, file, &module, &se)) {
    const bool unsupported = se.message.rfind("not supported by concsim", 0) == 0;
    throw ConfigError(SourcePos{file, se.line, se.col}, "",
                      unsupported ? se.message : se.kind + ": " + se.message);
  }
  return module;
}

std::shared_ptr<vm::Program> compile_python_tree(const vm::ast::Module& module, const std::string& source,
                                                 const std::string& file) {
  auto program = std::make_shared<vm::Program>();
  vm::CompileError ce;
  if (!vm::compile_module(module, lines_of(source), program.get(), &ce)) {
    const int col = ce.loc.line > 0 ? python::character_column(source, ce.loc.line, ce.loc.col) : 1;
    const bool unsupported = ce.message.rfind("not supported by concsim", 0) == 0;
    throw ConfigError(SourcePos{file, ce.loc.line, col}, "", unsupported ? ce.message : ce.kind + ": " + ce.message);
  }
  return program;
}

std::shared_ptr<const vm::Program> compile_python(const std::string& source, const std::string& file) {
  return compile_python_tree(parse_python(source, file), source, file);
}

std::string read_python_source(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(SourcePos{path, 0, 0}, "", "cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string source = ss.str();
  if (source.size() > kMaxSourceBytes) {
    throw ConfigError(SourcePos{path, 0, 0}, "", "the file is larger than " + std::to_string(kMaxSourceBytes >> 20) + " MiB");
  }
  return source;
}

std::shared_ptr<const vm::Program> load_python_file(const std::string& path) {
  return compile_python(read_python_source(path), path);
}

namespace {

// A model's own module: its source is part of concsim, so an error in it is
// a broken invariant, not bad input.
std::shared_ptr<const vm::Program> compile_model_module(std::string_view text, const std::string& file) {
  const std::string source(text);
  vm::ast::Module module;
  python::SyntaxError se;
  if (!python::parse_module(source, file, &module, &se)) {
    std::fprintf(stderr, "%s:%d:%d: %s\n", file.c_str(), se.line, se.col, se.message.c_str());
    CONCSIM_CHECK(false, "a model's module does not parse");
  }
  auto p = std::make_shared<vm::Program>();
  vm::CompileError ce;
  if (!vm::compile_module(module, lines_of(source), p.get(), &ce)) {
    std::fprintf(stderr, "%s:%d: %s\n", file.c_str(), ce.loc.line, ce.message.c_str());
    CONCSIM_CHECK(false, "a model's module does not compile");
  }
  return p;
}

}  // namespace

const vm::Program& loop_asyncio_program() {
  // Compiled once, then shared read-only by every run (runs keep their own
  // constants: vm::Vm materialises them per run).
  static const std::shared_ptr<const vm::Program> program =
      compile_model_module(models::loop::asyncio_source(), "asyncio.py");
  return *program;
}

std::map<std::string, const vm::Program*> thread_model_programs() {
  static const std::map<std::string, std::shared_ptr<const vm::Program>> programs = [] {
    std::map<std::string, std::shared_ptr<const vm::Program>> m;
    for (const std::string& name : models::threads::python_modules()) {
      const std::string file = name == "concurrent.futures" ? "futures.py" : name + ".py";
      m[name] = compile_model_module(models::threads::module_source(name), file);
    }
    return m;
  }();
  std::map<std::string, const vm::Program*> out;
  for (const auto& [name, p] : programs) out[name] = p.get();
  return out;
}

}  // namespace concsim::load
