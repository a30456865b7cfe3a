// Exceptions: the builtin hierarchy (CPython 3.11's Objects/exceptions.c),
// BaseException's methods, and tracebacks as CPython prints them
// (Lib/traceback.py).
#include <string>
#include <utility>

#include "models/vm/interp.h"
#include "models/vm/ops.h"

namespace concsim::vm {

namespace {

Value exc_init(Vm& vm, CallArgs& a) {
  if (!a.self.is(Kind::kException)) return vm.raise(vm.b().TypeError, "descriptor '__init__' requires an exception");
  if (a.nkw > 0) {
    return vm.raise(vm.b().TypeError, Interp::type_name(vm, a.self) + "() takes no keyword arguments");
  }
  std::vector<Value> args(a.args, a.args + a.nargs);
  a.self.as<ExceptionObj>()->args = make_tuple(std::move(args));
  return Value::none();
}

Value exc_str(Vm& vm, CallArgs& a) { return Interp::exception_str(vm, a.self.as<ExceptionObj>()); }

Value exc_repr(Vm& vm, CallArgs& a) {
  auto* e = a.self.as<ExceptionObj>();
  std::string out = str_of(e->cls.as<ClassObj>()->name);
  const auto& args = e->args.as<TupleObj>()->items;
  if (args.size() == 1) {
    std::string r;
    if (!repr_string(vm, args[0], &r)) return Value::error();
    out += "(" + r + ")";
  } else {
    std::string r;
    if (!repr_string(vm, e->args, &r)) return Value::error();
    out += r;
  }
  return make_str(std::move(out));
}

Value exc_with_traceback(Vm&, CallArgs& a) { return a.self; }

Value exc_add_note(Vm& vm, CallArgs& a) {
  if (a.nargs != 1 || !a.args[0].is(Kind::kStr)) {
    return vm.raise(vm.b().TypeError, "note must be a str, not '" +
                                          (a.nargs == 1 ? Interp::type_name(vm, a.args[0]) : std::string("?")) + "'");
  }
  auto* e = a.self.as<ExceptionObj>();
  if (e->notes.is_none() || e->notes.is_unset()) e->notes = make_list({});
  e->notes.as<ListObj>()->items.push_back(a.args[0]);
  return Value::none();
}

// BaseExceptionGroup(message, exceptions): an ExceptionGroup when every
// exception is an Exception (Objects/exceptions.c BaseExceptionGroup_new).
Value group_new(Vm& vm, CallArgs& a) {
  const Builtins& B = vm.b();
  if (a.npos() != 2 || a.nkw != 0) {
    return vm.raise(B.TypeError, "BaseExceptionGroup.__new__() takes exactly 2 arguments (" +
                                     std::to_string(a.npos()) + " given)");
  }
  if (!a.args[0].is(Kind::kStr)) {
    return vm.raise(B.TypeError, "argument 1 must be str, not " + Interp::type_name(vm, a.args[0]));
  }
  std::vector<Value> excs;
  const Value& seq = a.args[1];
  if (seq.is(Kind::kList) || seq.is(Kind::kTuple)) {
    excs = seq.is(Kind::kList) ? seq.as<ListObj>()->items : seq.as<TupleObj>()->items;
  } else {
    return vm.raise(B.TypeError, "second argument (exceptions) must be a sequence");
  }
  if (excs.empty()) return vm.raise(B.ValueError, "second argument (exceptions) must be a non-empty sequence");
  bool all_exception = true;
  for (std::size_t i = 0; i < excs.size(); ++i) {
    if (!excs[i].is(Kind::kException)) {
      return vm.raise(B.ValueError, "Item " + std::to_string(i) + " of second argument (exceptions) is not an exception");
    }
    all_exception = all_exception && vm.isinstance(excs[i], B.Exception);
  }
  Value cls = a.self;
  if (cls.same(B.BaseExceptionGroup) && all_exception) cls = B.ExceptionGroup;
  if (cls.same(B.ExceptionGroup) && !all_exception) {
    return vm.raise(B.TypeError, "Cannot nest BaseExceptions in an ExceptionGroup");
  }
  Value e = make<ExceptionObj>(cls);
  auto* x = e.as<ExceptionObj>();
  x->args = make_tuple({a.args[0], a.args[1]});
  x->group_message = a.args[0];
  x->group_exceptions = make_tuple(std::move(excs));
  return e;
}

Value group_str(Vm& vm, CallArgs& a) {
  auto* e = a.self.as<ExceptionObj>();
  (void)vm;
  const std::size_t n = e->group_exceptions.as<TupleObj>()->items.size();
  return make_str(str_of(e->group_message) + " (" + std::to_string(n) + " sub-exception" + (n == 1 ? "" : "s") + ")");
}

Value group_repr(Vm& vm, CallArgs& a) {
  auto* e = a.self.as<ExceptionObj>();
  std::string m, x;
  if (!repr_string(vm, e->group_message, &m)) return Value::error();
  // CPython prints the exceptions as given (a list stays a list).
  const Value& given = e->args.as<TupleObj>()->items[1];
  if (!repr_string(vm, given, &x)) return Value::error();
  return make_str(str_of(e->cls.as<ClassObj>()->name) + "(" + m + ", " + x + ")");
}

// ExceptionGroup.subgroup / split with a type (or a tuple of types) or a
// predicate: the groups of matching (and not matching) leaves, keeping the
// nesting (Objects/exceptions.c exceptiongroup_split_recursive).
int split_match(Vm& vm, const Value& exc, const Value& cond) {
  if (cond.is(Kind::kClass) || cond.is(Kind::kTuple)) {
    if (cond.is(Kind::kClass)) return vm.isinstance(exc, cond) ? 1 : 0;
    for (const Value& t : cond.as<TupleObj>()->items) {
      if (vm.isinstance(exc, t)) return 1;
    }
    return 0;
  }
  const Value args[1] = {exc};
  Value r = vm.call(cond, args);
  if (r.is_error()) return -1;
  return truthy(vm, r);
}

Value derive(Vm& vm, const Value& group, std::vector<Value> excs) {
  auto* g = group.as<ExceptionObj>();
  Value derive_m = vm.getattr(group, "derive");
  if (derive_m.is_error()) return derive_m;
  const Value args[1] = {make_list(std::move(excs))};
  Value r = vm.call(derive_m, args);
  if (r.is_error()) return r;
  if (r.is(Kind::kException)) {
    auto* x = r.as<ExceptionObj>();
    x->cause = g->cause;
    x->context = g->context;
    x->traceback = g->traceback;
    x->notes = g->notes;
  }
  return r;
}

bool split(Vm& vm, const Value& exc, const Value& cond, Value* match, Value* rest) {
  const int m = split_match(vm, exc, cond);
  if (m < 0) return false;
  if (m > 0) {
    *match = exc;
    *rest = Value::none();
    return true;
  }
  auto* e = exc.as<ExceptionObj>();
  if (e->group_exceptions.is_none() || e->group_exceptions.is_unset()) {
    *match = Value::none();
    *rest = exc;
    return true;
  }
  std::vector<Value> ms, rs;
  for (const Value& sub : e->group_exceptions.as<TupleObj>()->items) {
    Value sm, sr;
    if (!split(vm, sub, cond, &sm, &sr)) return false;
    if (!sm.is_none()) ms.push_back(sm);
    if (!sr.is_none()) rs.push_back(sr);
  }
  *match = Value::none();
  *rest = Value::none();
  if (!ms.empty()) {
    *match = derive(vm, exc, std::move(ms));
    if (match->is_error()) return false;
  }
  if (!rs.empty()) {
    *rest = derive(vm, exc, std::move(rs));
    if (rest->is_error()) return false;
  }
  return true;
}

Value group_split(Vm& vm, CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "split() takes exactly one argument");
  Value m, r;
  if (!split(vm, a.self, a.args[0], &m, &r)) return Value::error();
  return make_tuple({m, r});
}

Value group_subgroup(Vm& vm, CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "subgroup() takes exactly one argument");
  Value m, r;
  if (!split(vm, a.self, a.args[0], &m, &r)) return Value::error();
  return m;
}

Value group_derive(Vm& vm, CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "derive() takes exactly one argument");
  auto* e = a.self.as<ExceptionObj>();
  CallArgs b;
  b.self = vm.b().BaseExceptionGroup;
  const Value args[2] = {e->group_message, a.args[0]};
  b.args = args;
  b.nargs = 2;
  return group_new(vm, b);
}

// ---- except* (Python/ceval.c CHECK_EG_MATCH, Objects/exceptions.c
// _PyExc_PrepReraiseStar) ----

bool is_group(const Value& v) {
  if (!v.is(Kind::kException)) return false;
  const Value& g = v.as<ExceptionObj>()->group_exceptions;
  return !g.is_none() && !g.is_unset();
}

// The leaves of a group (or the exception itself), by identity.
void collect_leaves(const Value& exc, std::vector<const Obj*>* out) {
  if (!is_group(exc)) {
    out->push_back(exc.obj());
    return;
  }
  for (const Value& sub : exc.as<ExceptionObj>()->group_exceptions.as<TupleObj>()->items) collect_leaves(sub, out);
}

bool has_leaf(const std::vector<const Obj*>& leaves, const Value& v) {
  for (const Obj* o : leaves) {
    if (o == v.obj()) return true;
  }
  return false;
}

// The part of `exc` whose leaves are in `keep`, keeping its nesting
// (exception_group_projection); None when there is none.
Value project(Vm& vm, const Value& exc, const std::vector<const Obj*>& keep) {
  if (!is_group(exc)) return has_leaf(keep, exc) ? exc : Value::none();
  std::vector<Value> parts;
  for (const Value& sub : exc.as<ExceptionObj>()->group_exceptions.as<TupleObj>()->items) {
    Value p = project(vm, sub, keep);
    if (p.is_error()) return p;
    if (!p.is_none()) parts.push_back(std::move(p));
  }
  if (parts.empty()) return Value::none();
  return derive(vm, exc, std::move(parts));
}

// A clause re-raised (part of) the original when the exception carries the
// original's metadata: split() copies cause, context, traceback and notes
// (is_same_exception_metadata compares them by identity; the traceback is
// compared by its entries here).
bool same_metadata(const ExceptionObj* a, const ExceptionObj* b) {
  if (!a->cause.same(b->cause) || !a->context.same(b->context) || !a->notes.same(b->notes)) return false;
  if (a->traceback.size() != b->traceback.size()) return false;
  for (std::size_t i = 0; i < a->traceback.size(); ++i) {
    if (a->traceback[i].code != b->traceback[i].code || a->traceback[i].line != b->traceback[i].line) return false;
  }
  return true;
}

}  // namespace

Value Interp::exception_str(Vm& vm, ExceptionObj* e) {
  const auto& args = e->args.as<TupleObj>()->items;
  if (args.empty()) return vm.intern("");
  if (args.size() == 1) {
    // KeyError shows its key as repr (KeyError_str).
    if (vm.is_subclass(e->cls, vm.b().KeyError)) return repr(vm, args[0]);
    return str(vm, args[0]);
  }
  return str(vm, e->args);
}

void Interp::install_exceptions(Vm& vm) {
  Builtins& B = vm.b_;
  auto exc_class = [&](Value* slot, const char* name, const Value& base) {
    *slot = vm.make_class(name, "builtins", {base}, Kind::kException);
    auto* c = slot->as<ClassObj>();
    c->class_flags |= static_cast<std::uint8_t>(ClassFlag::kException) | static_cast<std::uint8_t>(ClassFlag::kBuiltin);
    vm.set_module_attr(B.builtins_module, name, *slot);
  };
  exc_class(&B.BaseException, "BaseException", B.object);
  vm.set_class_attr(B.BaseException, "__init__", vm.make_builtin("__init__", exc_init, nullptr, true));
  vm.set_class_attr(B.BaseException, "__str__", vm.make_builtin("__str__", exc_str, nullptr, true));
  vm.set_class_attr(B.BaseException, "__repr__", vm.make_builtin("__repr__", exc_repr, nullptr, true));
  vm.set_class_attr(B.BaseException, "with_traceback",
                    vm.make_builtin("with_traceback", exc_with_traceback, nullptr, true));
  vm.set_class_attr(B.BaseException, "add_note", vm.make_builtin("add_note", exc_add_note, nullptr, true));
  exc_class(&B.BaseExceptionGroup, "BaseExceptionGroup", B.BaseException);
  B.BaseExceptionGroup.as<ClassObj>()->new_fn = group_new;
  vm.set_class_attr(B.BaseExceptionGroup, "__str__", vm.make_builtin("__str__", group_str, nullptr, true));
  vm.set_class_attr(B.BaseExceptionGroup, "__repr__", vm.make_builtin("__repr__", group_repr, nullptr, true));
  vm.set_class_attr(B.BaseExceptionGroup, "split", vm.make_builtin("split", group_split, nullptr, true));
  vm.set_class_attr(B.BaseExceptionGroup, "subgroup", vm.make_builtin("subgroup", group_subgroup, nullptr, true));
  vm.set_class_attr(B.BaseExceptionGroup, "derive", vm.make_builtin("derive", group_derive, nullptr, true));
  exc_class(&B.GeneratorExit, "GeneratorExit", B.BaseException);
  exc_class(&B.KeyboardInterrupt, "KeyboardInterrupt", B.BaseException);
  exc_class(&B.SystemExit, "SystemExit", B.BaseException);
  exc_class(&B.Exception, "Exception", B.BaseException);
  // ExceptionGroup(BaseExceptionGroup, Exception).
  B.ExceptionGroup = vm.make_class("ExceptionGroup", "builtins", {B.BaseExceptionGroup, B.Exception}, Kind::kException);
  B.ExceptionGroup.as<ClassObj>()->class_flags |=
      static_cast<std::uint8_t>(ClassFlag::kException) | static_cast<std::uint8_t>(ClassFlag::kBuiltin);
  B.ExceptionGroup.as<ClassObj>()->new_fn = group_new;
  vm.set_module_attr(B.builtins_module, "ExceptionGroup", B.ExceptionGroup);
  exc_class(&B.ArithmeticError, "ArithmeticError", B.Exception);
  exc_class(&B.FloatingPointError, "FloatingPointError", B.ArithmeticError);
  exc_class(&B.OverflowError, "OverflowError", B.ArithmeticError);
  exc_class(&B.ZeroDivisionError, "ZeroDivisionError", B.ArithmeticError);
  exc_class(&B.AssertionError, "AssertionError", B.Exception);
  exc_class(&B.AttributeError, "AttributeError", B.Exception);
  Value buffer, eof, reference, system_error, syntax_error, indentation_error, unicode_decode;
  exc_class(&buffer, "BufferError", B.Exception);
  exc_class(&eof, "EOFError", B.Exception);
  exc_class(&B.ImportError, "ImportError", B.Exception);
  exc_class(&B.ModuleNotFoundError, "ModuleNotFoundError", B.ImportError);
  exc_class(&B.LookupError, "LookupError", B.Exception);
  exc_class(&B.IndexError, "IndexError", B.LookupError);
  exc_class(&B.KeyError, "KeyError", B.LookupError);
  exc_class(&B.MemoryError, "MemoryError", B.Exception);
  exc_class(&B.NameError, "NameError", B.Exception);
  exc_class(&B.UnboundLocalError, "UnboundLocalError", B.NameError);
  exc_class(&B.OSError, "OSError", B.Exception);
  vm.set_module_attr(B.builtins_module, "IOError", B.OSError);
  vm.set_module_attr(B.builtins_module, "EnvironmentError", B.OSError);
  Value os_sub;
  for (const char* n : {"BlockingIOError", "ChildProcessError", "FileExistsError", "FileNotFoundError",
                        "InterruptedError", "IsADirectoryError", "NotADirectoryError", "PermissionError",
                        "ProcessLookupError"}) {
    exc_class(&os_sub, n, B.OSError);
  }
  exc_class(&B.ConnectionError, "ConnectionError", B.OSError);
  for (const char* n : {"BrokenPipeError", "ConnectionAbortedError", "ConnectionRefusedError", "ConnectionResetError"}) {
    exc_class(&os_sub, n, B.ConnectionError);
  }
  exc_class(&B.TimeoutError, "TimeoutError", B.OSError);
  exc_class(&reference, "ReferenceError", B.Exception);
  exc_class(&B.RuntimeError, "RuntimeError", B.Exception);
  exc_class(&B.NotImplementedError, "NotImplementedError", B.RuntimeError);
  exc_class(&B.RecursionError, "RecursionError", B.RuntimeError);
  exc_class(&B.StopAsyncIteration, "StopAsyncIteration", B.Exception);
  exc_class(&B.StopIteration, "StopIteration", B.Exception);
  exc_class(&syntax_error, "SyntaxError", B.Exception);
  exc_class(&indentation_error, "IndentationError", syntax_error);
  exc_class(&os_sub, "TabError", indentation_error);
  exc_class(&system_error, "SystemError", B.Exception);
  exc_class(&B.TypeError, "TypeError", B.Exception);
  exc_class(&B.ValueError, "ValueError", B.Exception);
  exc_class(&B.UnicodeError, "UnicodeError", B.ValueError);
  exc_class(&unicode_decode, "UnicodeDecodeError", B.UnicodeError);
  exc_class(&os_sub, "UnicodeEncodeError", B.UnicodeError);
  exc_class(&B.Warning, "Warning", B.Exception);
  for (const char* n : {"DeprecationWarning", "PendingDeprecationWarning", "RuntimeWarning", "SyntaxWarning",
                        "UserWarning", "FutureWarning", "ImportWarning", "UnicodeWarning", "BytesWarning",
                        "ResourceWarning", "EncodingWarning"}) {
    exc_class(&os_sub, n, B.Warning);
  }
}

std::string Vm::format_exception(const Value& exc) {
  std::string out;
  std::function<void(const Value&, int)> one = [&](const Value& e, int depth) {
    if (!e.is(Kind::kException)) return;
    auto* x = e.as<ExceptionObj>();
    if (depth < 64) {
      if (x->cause.is(Kind::kException)) {
        one(x->cause, depth + 1);
        out += "\nThe above exception was the direct cause of the following exception:\n\n";
      } else if (x->context.is(Kind::kException) && !x->suppress_context) {
        one(x->context, depth + 1);
        out += "\nDuring handling of the above exception, another exception occurred:\n\n";
      }
    }
    if (!x->traceback.empty()) {
      out += "Traceback (most recent call last):\n";
      for (auto it = x->traceback.rbegin(); it != x->traceback.rend(); ++it) {
        if (it->code->is(kHidden)) continue;
        out += "  File \"" + it->code->file + "\", line " + std::to_string(it->line) + ", in " + it->code->name + "\n";
        if (it->code->file == program_.file && it->line >= 1 &&
            static_cast<std::size_t>(it->line) <= program_.source_lines.size()) {
          std::string line = program_.source_lines[static_cast<std::size_t>(it->line - 1)];
          const auto first = line.find_first_not_of(" \t");
          if (first != std::string::npos) out += "    " + line.substr(first) + "\n";
        }
      }
    }
    // "module.Type: message", the module left out for builtins and __main__.
    const auto* cls = x->cls.as<ClassObj>();
    std::string name = str_of(cls->qualname);
    if (cls->module.is(Kind::kStr)) {
      const std::string& m = str_of(cls->module);
      if (m != "builtins" && m != "__main__") name = m + "." + name;
    }
    std::string msg;
    Value s = str(*this, e);
    if (s.is_error()) {
      take_error();
      msg = "<exception str() failed>";
    } else {
      msg = str_of(s);
    }
    out += msg.empty() ? name + "\n" : name + ": " + msg + "\n";
    if (x->notes.is(Kind::kList)) {
      for (const Value& n : x->notes.as<ListObj>()->items) {
        if (n.is(Kind::kStr)) out += str_of(n) + "\n";
      }
    }
  };
  one(exc, 0);
  return out;
}

std::string Vm::where(const Fiber& fiber) const {
  const Frame* f = fiber.top;
  while (f != nullptr && f->code->is(kHidden) && f->back != nullptr) f = f->back;
  if (f == nullptr) return "?";
  return f->code->file + ":" + std::to_string(f->code->line_at(lasti(f))) + " in " + f->code->name;
}

}  // namespace concsim::vm

namespace concsim::vm {

bool Interp::check_eg_match(Vm& vm, const Value& exc, const Value& type, Value* match, Value* rest) {
  const Builtins& B = vm.b();
  // check_except_star_type_valid: classes derived from BaseException, not
  // from BaseExceptionGroup.
  std::vector<Value> types;
  if (type.is(Kind::kTuple)) {
    types = type.as<TupleObj>()->items;
  } else {
    types.push_back(type);
  }
  for (const Value& t : types) {
    if (!vm.is_subclass(t, B.BaseException)) {
      vm.raise(B.TypeError, "catching classes that do not inherit from BaseException is not allowed");
      return false;
    }
    if (vm.is_subclass(t, B.BaseExceptionGroup)) {
      vm.raise(B.TypeError, "catching ExceptionGroup with except* is not allowed. Use except instead.");
      return false;
    }
  }
  *match = Value::none();
  *rest = Value::none();
  if (exc.is_none()) return true;
  bool full = false;
  for (const Value& t : types) full = full || vm.isinstance(exc, t);
  if (full) {
    if (is_group(exc)) {
      *match = exc;
    } else {
      // A naked exception is wrapped: ExceptionGroup('', (exc,)).
      CallArgs b;
      b.self = B.BaseExceptionGroup;
      const Value args[2] = {vm.intern(""), make_tuple({exc})};
      b.args = args;
      b.nargs = 2;
      *match = group_new(vm, b);
      if (match->is_error()) return false;
    }
    return true;
  }
  if (is_group(exc)) return split(vm, exc, type, match, rest);
  return true;
}

Value Interp::prep_reraise_star(Vm& vm, const Value& orig, const Value& excs) {
  const std::vector<Value>& items = excs.as<ListObj>()->items;
  if (items.empty()) return Value::none();
  if (!is_group(orig)) {
    // A naked exception was caught and wrapped: one clause ran at most.
    return items[0];
  }
  std::vector<Value> raised;
  std::vector<const Obj*> reraised_leaves;
  const auto* o = orig.as<ExceptionObj>();
  for (const Value& e : items) {
    if (e.is_none()) continue;
    if (e.is(Kind::kException) && same_metadata(e.as<ExceptionObj>(), o)) {
      collect_leaves(e, &reraised_leaves);
    } else {
      raised.push_back(e);
    }
  }
  Value reraised = project(vm, orig, reraised_leaves);
  if (reraised.is_error()) return reraised;
  if (raised.empty()) return reraised;
  if (!reraised.is_none()) raised.push_back(reraised);
  if (raised.size() == 1) return raised[0];
  CallArgs b;
  b.self = vm.b().BaseExceptionGroup;
  const Value args[2] = {vm.intern(""), make_list(std::move(raised))};
  b.args = args;
  b.nargs = 2;
  return group_new(vm, b);
}

}  // namespace concsim::vm
