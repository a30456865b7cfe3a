#include "models/vm/symtable.h"

#include <algorithm>
#include <utility>

namespace concsim::vm {

Binding Scope::binding(const std::string& name) const {
  const auto it = symbols.find(name);
  const bool function_like = kind == ScopeKind::kFunction || kind == ScopeKind::kLambda ||
                             kind == ScopeKind::kComprehension;
  if (it == symbols.end()) return function_like ? Binding::kGlobalImplicit : Binding::kName;
  const Symbol& s = it->second;
  if (s.global) return Binding::kGlobalExplicit;
  if (s.free_here) return Binding::kFree;
  if (!function_like) return Binding::kName;
  if (s.assigned || s.param) return s.captured ? Binding::kCell : Binding::kLocal;
  return Binding::kGlobalImplicit;
}

namespace {

struct Failure {
  SymtableError error;
};

[[noreturn]] void fail(const ast::Loc& loc, std::string message) { throw Failure{SymtableError{loc, std::move(message)}}; }

class Builder {
 public:
  std::unique_ptr<Scope> build(const ast::Module& m) {
    auto top = std::make_unique<Scope>();
    top->kind = ScopeKind::kModule;
    top->name = "<module>";
    top->node = &m;
    cur_ = top.get();
    for (const auto& s : m.body) stmt(*s);
    resolve(top.get());
    return top;
  }

 private:
  Scope::Symbol& sym(const std::string& name, const ast::Loc& loc) {
    auto [it, inserted] = cur_->symbols.try_emplace(name);
    if (inserted) {
      cur_->order.push_back(name);
      it->second.first_use = loc;
    }
    return it->second;
  }
  void use(const std::string& name, const ast::Loc& loc) { sym(name, loc).used = true; }
  void assign(const std::string& name, const ast::Loc& loc) { sym(name, loc).assigned = true; }

  Scope* push(ScopeKind kind, std::string name, const void* node) {
    auto s = std::make_unique<Scope>();
    s->kind = kind;
    s->name = std::move(name);
    s->node = node;
    s->parent = cur_;
    Scope* raw = s.get();
    cur_->children.push_back(std::move(s));
    cur_ = raw;
    return raw;
  }
  void pop() { cur_ = cur_->parent; }

  [[nodiscard]] bool in_function() const {
    return cur_->kind == ScopeKind::kFunction || cur_->kind == ScopeKind::kLambda ||
           cur_->kind == ScopeKind::kComprehension;
  }
  // The function (not comprehension) scope the code is in, or null.
  [[nodiscard]] Scope* enclosing_function() const {
    for (Scope* s = cur_; s != nullptr; s = s->parent) {
      if (s->kind == ScopeKind::kFunction || s->kind == ScopeKind::kLambda) return s;
      if (s->kind != ScopeKind::kComprehension) return nullptr;
    }
    return nullptr;
  }

  void params(const ast::Arguments& a) {
    auto add = [&](const ast::Arg& p) {
      if (cur_->symbols.count(p.name) != 0 && cur_->symbols[p.name].param) {
        fail(p.loc, "duplicate argument '" + p.name + "' in function definition");
      }
      Scope::Symbol& s = sym(p.name, p.loc);
      s.param = true;
      s.assigned = true;
      cur_->params.push_back(p.name);
    };
    for (const auto& p : a.posonlyargs) add(p);
    for (const auto& p : a.args) add(p);
    for (const auto& p : a.kwonlyargs) add(p);
    if (a.vararg) add(*a.vararg);
    if (a.kwarg) add(*a.kwarg);
  }

  void defaults(const ast::Arguments& a) {
    for (const auto& d : a.defaults) expr(*d);
    for (const auto& d : a.kw_defaults) {
      if (d) expr(*d);
    }
  }

  void body(const ast::Body& b) {
    for (const auto& s : b) stmt(*s);
  }

  void target(const ast::Expr& e) {
    switch (e.kind) {
      case ast::ExprKind::kName: assign(e.name, e.loc); return;
      case ast::ExprKind::kTuple:
      case ast::ExprKind::kList:
        for (const auto& i : e.items) target(*i);
        return;
      case ast::ExprKind::kStarred: target(*e.a); return;
      default: expr(e); return;
    }
  }

  void stmt(const ast::Stmt& s) {
    using K = ast::StmtKind;
    switch (s.kind) {
      case K::kFunctionDef: {
        for (const auto& d : s.decorators) expr(*d);
        defaults(*s.args);
        assign(s.name, s.loc);
        Scope* f = push(ScopeKind::kFunction, s.name, &s);
        f->is_coroutine = s.is_async;
        params(*s.args);
        body(s.body);
        pop();
        return;
      }
      case K::kClassDef: {
        for (const auto& d : s.decorators) expr(*d);
        for (const auto& b : s.items) expr(*b);
        for (const auto& k : s.keywords) expr(*k.value);
        assign(s.name, s.loc);
        push(ScopeKind::kClass, s.name, &s);
        body(s.body);
        pop();
        return;
      }
      case K::kReturn:
        if (enclosing_function() == nullptr || cur_->kind == ScopeKind::kClass) fail(s.loc, "'return' outside function");
        if (s.a) expr(*s.a);
        return;
      case K::kDelete:
        for (const auto& t : s.targets) target(*t);
        return;
      case K::kAssign:
        expr(*s.a);
        for (const auto& t : s.targets) target(*t);
        return;
      case K::kAugAssign:
        expr(*s.b);
        if (s.a->kind == ast::ExprKind::kName) {
          use(s.a->name, s.a->loc);
          assign(s.a->name, s.a->loc);
        } else {
          expr(*s.a);
        }
        return;
      case K::kAnnAssign:
        if (s.b) expr(*s.b);
        if (s.a->kind == ast::ExprKind::kName) {
          if (s.b) assign(s.a->name, s.a->loc);
        } else {
          expr(*s.a);
        }
        return;
      case K::kFor:
        if (s.is_async) async_required(s.loc, "'async for' outside async function");
        expr(*s.b);
        target(*s.a);
        body(s.body);
        body(s.orelse);
        return;
      case K::kWhile:
      case K::kIf:
        expr(*s.a);
        body(s.body);
        body(s.orelse);
        return;
      case K::kWith:
        if (s.is_async) async_required(s.loc, "'async with' outside async function");
        for (const auto& w : s.with_items) {
          expr(*w.context_expr);
          if (w.optional_vars) target(*w.optional_vars);
        }
        body(s.body);
        return;
      case K::kRaise:
        if (s.a) expr(*s.a);
        if (s.b) expr(*s.b);
        return;
      case K::kTry:
      case K::kTryStar:
        body(s.body);
        for (const auto& h : s.handlers) {
          if (h.type) expr(*h.type);
          if (!h.name.empty()) assign(h.name, h.loc);
          body(h.body);
        }
        body(s.orelse);
        body(s.finalbody);
        return;
      case K::kAssert:
        expr(*s.a);
        if (s.b) expr(*s.b);
        return;
      case K::kImport:
        for (const auto& n : s.names) {
          const std::string bound = !n.asname.empty() ? n.asname : n.name.substr(0, n.name.find('.'));
          assign(bound, n.loc);
        }
        return;
      case K::kImportFrom:
        for (const auto& n : s.names) {
          if (n.name == "*") continue;
          assign(!n.asname.empty() ? n.asname : n.name, n.loc);
        }
        return;
      case K::kGlobal:
      case K::kNonlocal: {
        const bool global = s.kind == K::kGlobal;
        if (!global && cur_->kind == ScopeKind::kModule) fail(s.loc, "nonlocal declaration not allowed at module level");
        for (const std::string& n : s.identifiers) {
          auto it = cur_->symbols.find(n);
          if (it != cur_->symbols.end()) {
            const Scope::Symbol& old = it->second;
            const char* what = global ? "global" : "nonlocal";
            if (old.param) fail(s.loc, "name '" + n + "' is parameter and " + what);
            if (global && old.nonlocal) fail(s.loc, "name '" + n + "' is nonlocal and global");
            if (!global && old.global) fail(s.loc, "name '" + n + "' is nonlocal and global");
            if (old.assigned && !old.global && !old.nonlocal) {
              fail(s.loc, "name '" + n + "' is assigned to before " + what + " declaration");
            }
            if (old.used && !old.global && !old.nonlocal) {
              fail(s.loc, "name '" + n + "' is used prior to " + what + " declaration");
            }
          }
          Scope::Symbol& sy = sym(n, s.loc);
          if (global) {
            sy.global = true;
          } else {
            sy.nonlocal = true;
          }
        }
        return;
      }
      case K::kExpr:
        expr(*s.a);
        return;
      case K::kPass:
      case K::kBreak:
      case K::kContinue:
        return;
    }
  }

  void async_required(const ast::Loc& loc, const char* message) {
    Scope* f = enclosing_function();
    if (cur_->kind == ScopeKind::kComprehension) {
      cur_->has_await = true;
      return;
    }
    if (f == nullptr || !f->is_coroutine || f != cur_) fail(loc, message);
  }

  void comprehension(const ast::Expr& e, const char* name) {
    // The first iterable is evaluated in the enclosing scope.
    expr(*e.generators[0].iter);
    Scope* c = push(ScopeKind::kComprehension, name, &e);
    Scope::Symbol& dot0 = sym(".0", e.loc);
    dot0.param = true;
    dot0.assigned = true;
    c->params.push_back(".0");
    c->is_generator = e.kind == ast::ExprKind::kGeneratorExp;
    for (std::size_t i = 0; i < e.generators.size(); ++i) {
      const ast::Comprehension& g = e.generators[i];
      if (g.is_async) c->has_await = true;
      if (i > 0) expr(*g.iter);
      target(*g.target);
      for (const auto& cond : g.ifs) expr(*cond);
    }
    if (e.kind == ast::ExprKind::kDictComp) {
      expr(*e.a);
      expr(*e.b);
    } else {
      expr(*e.a);
    }
    pop();
    if (c->has_await) {
      // An asynchronous comprehension runs as a coroutine of the enclosing
      // async function (a generator expression: an async generator).
      Scope* f = enclosing_function();
      const bool outer_async = f != nullptr && f->is_coroutine;
      if (!outer_async && e.kind != ast::ExprKind::kGeneratorExp) {
        fail(e.loc, "asynchronous comprehension outside of an asynchronous function");
      }
      c->is_coroutine = true;
      if (cur_->kind == ScopeKind::kComprehension) cur_->has_await = true;
    }
  }

  void expr(const ast::Expr& e) {
    using K = ast::ExprKind;
    switch (e.kind) {
      case K::kName:
        if (e.ctx == ast::Ctx::kLoad) {
          use(e.name, e.loc);
          if (e.name == "super" || e.name == "__class__") mark_class_cell();
        } else {
          assign(e.name, e.loc);
        }
        return;
      case K::kLambda: {
        defaults(*e.args);
        push(ScopeKind::kLambda, "<lambda>", &e);
        params(*e.args);
        expr(*e.a);
        pop();
        return;
      }
      case K::kListComp: comprehension(e, "<listcomp>"); return;
      case K::kSetComp: comprehension(e, "<setcomp>"); return;
      case K::kDictComp: comprehension(e, "<dictcomp>"); return;
      case K::kGeneratorExp: comprehension(e, "<genexpr>"); return;
      case K::kAwait: {
        if (cur_->kind == ScopeKind::kComprehension) {
          cur_->has_await = true;
        } else {
          Scope* f = enclosing_function();
          if (f == nullptr) fail(e.loc, "'await' outside function");
          if (!f->is_coroutine) fail(e.loc, "'await' outside async function");
        }
        expr(*e.a);
        return;
      }
      case K::kYield:
      case K::kYieldFrom: {
        if (cur_->kind == ScopeKind::kComprehension) {
          fail(e.loc, std::string("'yield' inside ") +
                          (cur_->name == "<genexpr>" ? "generator expression"
                           : cur_->name == "<listcomp>" ? "list comprehension"
                           : cur_->name == "<setcomp>"  ? "set comprehension"
                                                        : "dict comprehension"));
        }
        Scope* f = enclosing_function();
        if (f == nullptr || f != cur_) fail(e.loc, "'yield' outside function");
        if (e.kind == K::kYieldFrom && f->is_coroutine) fail(e.loc, "'yield from' inside async function");
        f->is_generator = true;
        if (e.a) expr(*e.a);
        return;
      }
      case K::kNamedExpr: {
        expr(*e.b);
        // In a comprehension the target binds in the enclosing function.
        Scope* saved = cur_;
        while (cur_->kind == ScopeKind::kComprehension) cur_ = cur_->parent;
        if (cur_ != saved) {
          Scope::Symbol& s = sym(e.a->name, e.a->loc);
          s.assigned = true;
          cur_ = saved;
          Scope::Symbol& inner = sym(e.a->name, e.a->loc);
          inner.nonlocal = cur_->parent->kind != ScopeKind::kModule && cur_->parent->kind != ScopeKind::kClass;
          if (!inner.nonlocal) inner.global = true;
          inner.used = true;
          return;
        }
        target(*e.a);
        return;
      }
      default:
        break;
    }
    if (e.a) expr(*e.a);
    if (e.b) expr(*e.b);
    if (e.c) expr(*e.c);
    for (const auto& i : e.items) {
      if (i) expr(*i);
    }
    for (const auto& k : e.keys) {
      if (k) expr(*k);
    }
    for (const auto& k : e.keywords) expr(*k.value);
  }

  void mark_class_cell() {
    Scope* f = enclosing_function();
    if (f == nullptr) return;
    for (Scope* s = f->parent; s != nullptr; s = s->parent) {
      if (s->kind == ScopeKind::kClass) {
        f->uses_class_cell = true;
        Scope::Symbol& cls = sym("__class__", f->symbols.count("__class__") ? f->symbols["__class__"].first_use : ast::Loc{});
        cls.used = true;
        return;
      }
    }
  }

  // ---- resolution ----

  static bool function_like(const Scope* s) {
    return s->kind == ScopeKind::kFunction || s->kind == ScopeKind::kLambda || s->kind == ScopeKind::kComprehension;
  }
  static bool binds_locally(const Scope* s, const std::string& name) {
    auto it = s->symbols.find(name);
    if (it == s->symbols.end()) return false;
    const Scope::Symbol& y = it->second;
    return (y.assigned || y.param) && !y.global && !y.nonlocal;
  }

  // Marks `name` free in `from` and every scope up to (not including) the
  // one that defines it, and captured there.
  static void make_free(Scope* from, Scope* owner, const std::string& name) {
    for (Scope* s = from; s != owner; s = s->parent) {
      auto [it, inserted] = s->symbols.try_emplace(name);
      if (inserted) s->order.push_back(name);
      it->second.free_here = true;
    }
    owner->symbols[name].captured = true;
  }

  void resolve(Scope* s) {
    for (const std::string& name : std::vector<std::string>(s->order)) {
      Scope::Symbol& y = s->symbols[name];
      if (y.global) continue;
      if (name == "__class__" && s->kind != ScopeKind::kClass && s->uses_class_cell) {
        // The method's class provides the __class__ cell.
        for (Scope* p = s->parent; p != nullptr; p = p->parent) {
          if (p->kind == ScopeKind::kClass) {
            p->needs_class_cell = true;
            auto [it, inserted] = p->symbols.try_emplace("__class__");
            if (inserted) p->order.push_back("__class__");
            it->second.captured = true;
            make_free(s, p, name);
            break;
          }
        }
        continue;
      }
      if (y.nonlocal) {
        Scope* owner = nullptr;
        for (Scope* p = s->parent; p != nullptr; p = p->parent) {
          if (p->kind == ScopeKind::kModule) break;
          if (p->kind == ScopeKind::kClass) continue;
          if (binds_locally(p, name)) {
            owner = p;
            break;
          }
        }
        if (owner == nullptr) fail(y.first_use, "no binding for nonlocal '" + name + "' found");
        make_free(s, owner, name);
        continue;
      }
      if (function_like(s) && (y.assigned || y.param)) continue;  // a local
      if (s->kind == ScopeKind::kClass && y.assigned) continue;
      if (s->kind == ScopeKind::kModule) continue;
      if (!y.used) continue;
      // Free if an enclosing function binds it (class scopes are skipped).
      for (Scope* p = s->parent; p != nullptr; p = p->parent) {
        if (p->kind == ScopeKind::kModule) break;
        if (p->kind == ScopeKind::kClass) continue;
        if (binds_locally(p, name) || (p->symbols.count(name) && p->symbols[name].free_here && p != s)) {
          Scope* owner = p;
          if (p->symbols[name].free_here && !binds_locally(p, name)) {
            // p passes it through from further out: find the owner.
            for (Scope* q = p->parent; q != nullptr; q = q->parent) {
              if (q->kind != ScopeKind::kClass && binds_locally(q, name)) {
                owner = q;
                break;
              }
            }
          }
          make_free(s, owner, name);
          break;
        }
      }
    }
    for (auto& c : s->children) resolve(c.get());
    // Cells and free variables, in order of appearance.
    for (const std::string& name : s->order) {
      const Scope::Symbol& y = s->symbols[name];
      if (y.free_here) {
        s->freevars.push_back(name);
      } else if (y.captured && (function_like(s) || (s->kind == ScopeKind::kClass && name == "__class__"))) {
        s->cellvars.push_back(name);
      }
    }
  }

  Scope* cur_ = nullptr;
};

}  // namespace

std::unique_ptr<Scope> build_symtable(const ast::Module& m, SymtableError* error) {
  try {
    Builder b;
    return b.build(m);
  } catch (const Failure& f) {
    *error = f.error;
    return nullptr;
  }
}

}  // namespace concsim::vm
