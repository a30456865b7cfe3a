// Scopes and the binding of every name (CPython's Python/symtable.c): which
// names are a function's locals, which are cells that inner functions
// capture, which are free variables, globals or a class's names. The
// compiler asks it how to load and store each name.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/vm/ast.h"

namespace concsim::vm {

enum class ScopeKind : std::uint8_t { kModule, kFunction, kClass, kLambda, kComprehension };

enum class Binding : std::uint8_t {
  kLocal,           // a function's fast local
  kCell,            // a local captured by an inner scope
  kFree,            // a variable of an enclosing function
  kGlobalExplicit,  // declared global
  kGlobalImplicit,  // not bound here: global or builtin
  kName,            // module and class bodies: their namespace
};

struct Scope {
  ScopeKind kind = ScopeKind::kFunction;
  std::string name;
  const void* node = nullptr;  // the Stmt or Expr that makes the scope
  Scope* parent = nullptr;
  std::vector<std::unique_ptr<Scope>> children;
  // Names in order of first appearance, and what is known of each.
  struct Symbol {
    bool assigned = false;
    bool param = false;
    bool used = false;
    bool global = false;
    bool nonlocal = false;
    bool captured = false;  // used free by an inner scope
    bool free_here = false;
    ast::Loc first_use;
  };
  std::map<std::string, Symbol> symbols;
  std::vector<std::string> order;
  std::vector<std::string> params;  // in order
  bool is_generator = false;
  bool is_coroutine = false;
  bool has_await = false;     // for comprehensions: await or async for inside
  bool needs_class_cell = false;  // a class whose methods use super() or __class__
  bool uses_class_cell = false;   // a function that uses super() or __class__
  std::vector<std::string> cellvars;  // resolved
  std::vector<std::string> freevars;  // resolved

  [[nodiscard]] Binding binding(const std::string& name) const;
};

struct SymtableError {
  ast::Loc loc;
  std::string message;
};

// Builds the scopes of a module. Returns null and fills *error on a scoping
// error ("no binding for nonlocal 'x' found", "'return' outside function", ...).
std::unique_ptr<Scope> build_symtable(const ast::Module& m, SymtableError* error);

}  // namespace concsim::vm
