// concsim-pyparse: the Python front end on its own, for its tests and for
// debugging.
//
//   concsim-pyparse FILE            the tree as ast.dump(include_attributes=True)
//                                   prints it, or FILE:LINE:COL: Kind: message
//                                   on stderr and exit status 2
//   concsim-pyparse --batch FILE... for each file a line "== FILE", then the
//                                   dump or "ERROR Kind|message|line|col"
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "app/python/ast_dump.h"
#include "app/python/parser.h"

namespace {

bool read_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using concsim::python::parse_module;
  if (argc < 2) {
    std::cerr << "usage: concsim-pyparse FILE | --batch FILE...\n";
    return 2;
  }
  const bool batch = std::string(argv[1]) == "--batch";
  if (!batch && argc != 2) {
    std::cerr << "usage: concsim-pyparse FILE | --batch FILE...\n";
    return 2;
  }
  int status = 0;
  for (int i = batch ? 2 : 1; i < argc; ++i) {
    const std::string path = argv[i];
    std::string text;
    if (!read_file(path, &text)) {
      std::cerr << path << ": cannot read the file\n";
      return 2;
    }
    concsim::vm::ast::Module module;
    concsim::python::SyntaxError error;
    const bool ok = parse_module(text, path, &module, &error);
    if (batch) {
      std::cout << "== " << path << '\n';
      if (ok) {
        std::cout << concsim::python::dump_module(module) << '\n';
      } else {
        std::cout << "ERROR " << error.kind << '|' << error.message << '|' << error.line << '|'
                  << error.col << '\n';
      }
      continue;
    }
    if (!ok) {
      std::cerr << path << ':' << error.line << ':' << error.col << ": " << error.kind << ": "
                << error.message << '\n';
      status = 2;
    } else {
      std::cout << concsim::python::dump_module(module) << '\n';
    }
  }
  return status;
}
