// Python 3.11 source to the program tree of models/vm/ast.h: the front
// end's entry point. The tree is the one CPython's `ast.parse` builds, with
// the same node kinds, fields and locations (1-based columns here, counting
// UTF-8 bytes as CPython's col_offset does, plus one), except what concsim
// does not keep: annotations are parsed and dropped, string kinds ('u') and
// type comments are not recorded.
//
// Errors are CPython's: for a file CPython rejects, the kind, message, line
// and column that `compile()` reports (SyntaxError.offset, which counts
// characters). For a file CPython accepts but concsim cannot run (bytes,
// complex numbers, integers beyond 64 bits, the match statement, ...), a
// SyntaxError "not supported by concsim: ..." at the construct; a real
// syntax error anywhere in the file is reported first.
//
// Not checked here, because CPython checks them after parsing (in its
// compiler and symbol table): 'return' / 'yield' / 'await' outside a
// function, 'break' / 'continue' outside a loop, nonlocal at module level,
// duplicate parameter names, and the like.
#pragma once

#include <string>
#include <string_view>

#include "models/vm/ast.h"

namespace concsim::python {

struct SyntaxError {
  std::string kind;  // "SyntaxError", "IndentationError" or "TabError"
  std::string message;
  int line = 0;
  int col = 0;  // 1-based, in characters (CPython's SyntaxError.offset)
};

// Parses `source` (the bytes of a file) into *out, whose `file` is set to
// `file`. Returns false with *error set instead; *out is then unspecified.
// Any input gives one or the other, in time linear in its size.
bool parse_module(std::string_view source, const std::string& file, vm::ast::Module* out,
                  SyntaxError* error);

// The 1-based character column of a Loc column (which counts bytes) on
// line `line` of `source`: what CPython prints for an error at a node, for
// errors found after parsing (the compiler's).
int character_column(std::string_view source, int line, int byte_col);

}  // namespace concsim::python
