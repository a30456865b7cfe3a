#include "app/load/python_program.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "app/load/config.h"
#include "app/python/parser.h"
#include "models/loop/loop.h"
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

std::shared_ptr<const vm::Program> compile_python(const std::string& source, const std::string& file) {
  vm::ast::Module module;
  python::SyntaxError se;
  if (!python::parse_module(source, file, &module, &se)) {
    const bool unsupported = se.message.rfind("not supported by concsim", 0) == 0;
    throw ConfigError(SourcePos{file, se.line, se.col}, "",
                      unsupported ? se.message : se.kind + ": " + se.message);
  }
  auto program = std::make_shared<vm::Program>();
  vm::CompileError ce;
  if (!vm::compile_module(module, lines_of(source), program.get(), &ce)) {
    const int col = ce.loc.line > 0 ? python::character_column(source, ce.loc.line, ce.loc.col) : 1;
    const bool unsupported = ce.message.rfind("not supported by concsim", 0) == 0;
    throw ConfigError(SourcePos{file, ce.loc.line, col}, "", unsupported ? ce.message : ce.kind + ": " + ce.message);
  }
  return program;
}

std::shared_ptr<const vm::Program> load_python_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(SourcePos{path, 0, 0}, "", "cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string source = ss.str();
  if (source.size() > kMaxSourceBytes) {
    throw ConfigError(SourcePos{path, 0, 0}, "", "the file is larger than " + std::to_string(kMaxSourceBytes >> 20) + " MiB");
  }
  return compile_python(source, path);
}

const vm::Program& loop_asyncio_program() {
  // Compiled once, then shared read-only by every run (runs keep their own
  // constants: vm::Vm materialises them per run).
  static const std::shared_ptr<const vm::Program> program = [] {
    const std::string source(models::loop::asyncio_source());
    vm::ast::Module module;
    python::SyntaxError se;
    CONCSIM_CHECK(python::parse_module(source, "asyncio.py", &module, &se), "models/loop/asyncio.py does not parse");
    auto p = std::make_shared<vm::Program>();
    vm::CompileError ce;
    CONCSIM_CHECK(vm::compile_module(module, lines_of(source), p.get(), &ce), "models/loop/asyncio.py does not compile");
    return p;
  }();
  return *program;
}

}  // namespace concsim::load
