// The loop's exception handler: BaseEventLoop.call_exception_handler and
// default_exception_handler (Lib/asyncio/base_events.py), the reports that
// reach it ("Exception in callback ...", "Task exception was never
// retrieved", ...) and how a callback shows in them
// (Lib/asyncio/format_helpers.py).
//
// The default handler logs through asyncio's logger to stderr: the message,
// then "key: repr(value)" for the context's other keys in sorted order, then
// the exception's traceback. concsim records each line up to the one that
// starts with "Traceback", file paths reduced to their basenames (the
// differential rules, tools/pydiff/README.md).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "models/loop/loop.h"
#include "models/loop/natives.h"
#include "models/vm/ops.h"

namespace concsim::models::loop {

using vm::Kind;
using vm::Value;

namespace {

bool path_char(char c) {
  return c != '/' && c != ':' && c != '\'' && c != '"' && c != '<' && c != '>' && c != '(' && c != ')' &&
         c != ' ' && c != '\t' && c != '\n';
}
bool word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

// reprlib.repr, as _format_args_and_kwargs uses it: strings and other
// values longer than 30 characters are cut in the middle; lists and tuples
// show 6 items at most.
std::string short_repr(vm::Vm& vm, const Value& v, int level = 6) {
  auto cut = [](std::string s, std::size_t max) {
    if (s.size() <= max) return s;
    const std::size_t i = (max - 3) / 2;
    const std::size_t j = max - 3 - i;
    return s.substr(0, i) + "..." + s.substr(s.size() - j);
  };
  if (v.is(Kind::kList) || v.is(Kind::kTuple)) {
    const auto& items = v.is(Kind::kList) ? v.as<vm::ListObj>()->items : v.as<vm::TupleObj>()->items;
    const char* open = v.is(Kind::kList) ? "[" : "(";
    const char* close = v.is(Kind::kList) ? "]" : (items.size() == 1 ? ",)" : ")");
    if (items.empty()) return std::string(open) + (v.is(Kind::kList) ? "]" : ")");
    if (level <= 0) return std::string(open) + "..." + (v.is(Kind::kList) ? "]" : ")");
    std::string out = open;
    for (std::size_t i = 0; i < items.size() && i < 6; ++i) {
      if (i > 0) out += ", ";
      out += short_repr(vm, items[i], level - 1);
    }
    if (items.size() > 6) out += ", ...";
    return out + close;
  }
  std::string r;
  if (!vm::repr_string(vm, v, &r)) {
    vm.take_error();
    return "?";
  }
  if (v.is(Kind::kInt)) return cut(std::move(r), 40);
  return cut(std::move(r), 30);
}

// traceback.format_exception_only's line: "Type: message", or "Type".
std::string exception_line(vm::Vm& vm, const Value& exc) {
  const auto* cls = exc.as<vm::ExceptionObj>()->cls.as<vm::ClassObj>();
  std::string type = vm::str_of(cls->name);
  Value mod = vm::dict_get_str(cls->dict, vm.intern("__module__"));
  if (mod.is(Kind::kStr)) {
    const std::string m = vm::str_of(mod);
    if (m != "__main__" && m != "builtins") type = m + "." + type;
  }
  std::string s;
  if (!vm::str_string(vm, exc, &s)) {
    vm.take_error();
    s = "<exception str() failed>";
  }
  return s.empty() ? type : type + ": " + s;
}

}  // namespace

std::string basename_paths(const std::string& text) {
  // A path: an optional slash, one or more "dir/", a file name; not after a
  // word character, a dot or a slash (tools/pydiff/vclock.py's _PATH_RE).
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const bool at_start = i == 0 || !(word_char(text[i - 1]) || text[i - 1] == '.' || text[i - 1] == '/');
    if (at_start) {
      std::size_t j = i;
      if (text[j] == '/') ++j;
      std::size_t dirs = 0;
      std::size_t last = j;
      for (;;) {
        std::size_t k = j;
        while (k < text.size() && path_char(text[k])) ++k;
        if (k == j) break;
        if (k < text.size() && text[k] == '/') {
          ++dirs;
          j = k + 1;
          last = j;
          continue;
        }
        last = j;
        j = k;
        break;
      }
      if (dirs > 0 && j > last) {
        out += text.substr(last, j - last);
        i = j;
        continue;
      }
    }
    out += text[i];
    ++i;
  }
  return out;
}

std::string format_callback_source(vm::Vm& vm, const Value& fn, const std::vector<Value>& args) {
  // _format_callback_source: the callable's qualified name, its arguments
  // (reprlib), and " at file:line" for a plain Python function.
  std::string out = callable_name(vm, fn) + "(";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    out += short_repr(vm, args[i]);
  }
  out += ")";
  if (fn.is(Kind::kFunction)) {
    const vm::Code* code = fn.as<vm::FunctionObj>()->code;
    if (code != nullptr) out += " at " + code->file + ":" + std::to_string(code->first_line);
  }
  return out;
}

Value Loop::exception_context(const std::string& message, const Value& exc,
                              std::vector<std::pair<const char*, Value>> more) {
  Value ctx = vm::make_dict();
  vm::dict_set_str(ctx, vm_.intern("message"), vm::make_str(message));
  if (!exc.is_none() && !exc.is_unset()) vm::dict_set_str(ctx, vm_.intern("exception"), exc);
  for (auto& [key, v] : more) vm::dict_set_str(ctx, vm_.intern(key), std::move(v));
  return ctx;
}

void Loop::call_exception_handler(const Value& context) {
  if (exception_handler_.is_none() || exception_handler_.is_unset()) {
    default_exception_handler(context);
    return;
  }
  Value r = vm_.call(exception_handler_, std::vector<Value>{loop_object_, context});
  if (r.is_error()) {
    // An exception in the program's handler: the default handler reports
    // it with the context it was given.
    Value exc = vm_.take_error();
    default_exception_handler(exception_context("Unhandled error in exception handler", exc, {{"context", context}}));
  }
}

void Loop::default_exception_handler(const Value& context) {
  Value msg = vm::dict_get_str(context, vm_.intern("message"));
  std::string text;
  if (msg.is(Kind::kStr)) text = vm::str_of(msg);
  if (text.empty()) text = "Unhandled exception in event loop";
  Value exc = vm::dict_get_str(context, vm_.intern("exception"));
  std::vector<std::pair<std::string, Value>> rest;
  for (const auto& e : context.as<vm::DictObj>()->table.entries) {
    if (e.key.is_unset() || !e.key.is(Kind::kStr)) continue;
    const std::string k = vm::str_of(e.key);
    if (k == "message" || k == "exception") continue;
    rest.emplace_back(k, e.value);
  }
  std::sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [k, v] : rest) {
    std::string r;
    if (!vm::repr_string(vm_, v, &r)) {
      vm_.take_error();
      r = "?";
    }
    text += "\n" + k + ": " + r;
  }
  if (exc.is(Kind::kException)) {
    // logging's exc_info: the traceback, or the exception's own line when
    // it was never raised (no traceback, nothing chained).
    const auto* e = exc.as<vm::ExceptionObj>();
    const bool chained = !e->cause.is_none() && !e->cause.is_unset();
    const bool context_shown = !e->suppress_context && !e->context.is_none() && !e->context.is_unset();
    if (e->traceback.empty() && !chained && !context_shown) {
      text += "\n" + exception_line(vm_, exc);
    } else {
      text += "\nTraceback (most recent call last):";
    }
  }
  write_log(text);
}

void Loop::write_log(const std::string& text) {
  const std::string name = current_name();
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (line.rfind("Traceback", 0) == 0) break;
    output_.push_back(OutputLine{sim_.now(), name, 2, basename_paths(line)});
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

void Loop::log_never_retrieved(const Value& fut) {
  // Future.__del__ / TaskObj_finalize: "<Type> exception was never retrieved".
  const auto* f = fut.as<FutureObj>();
  const std::string type = vm::str_of(f->cls.as<vm::ClassObj>()->name);
  call_exception_handler(
      exception_context(type + " exception was never retrieved", f->exception, {{"future", fut}}));
}

void FutureObj::finalize(vm::Vm& vm) {
  (void)vm;
  if (!log_traceback || loop == nullptr) return;
  log_traceback = false;
  loop->log_never_retrieved(Value::borrow(this));
}

// ---- the loop's methods ----

namespace {

Loop& loop_of_vm(vm::Vm& vm) { return *running_loop(vm); }

Value l_call_exception_handler(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() != 1 || !a.args[0].is(Kind::kDict)) {
    return vm.raise(vm.b().TypeError, "call_exception_handler() takes a dict");
  }
  loop_of_vm(vm).call_exception_handler(a.args[0]);
  return Value::none();
}

Value l_default_exception_handler(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() != 1 || !a.args[0].is(Kind::kDict)) {
    return vm.raise(vm.b().TypeError, "default_exception_handler() takes a dict");
  }
  loop_of_vm(vm).default_exception_handler(a.args[0]);
  return Value::none();
}

Value l_set_exception_handler(vm::Vm& vm, vm::CallArgs& a) {
  if (a.npos() != 1) return vm.raise(vm.b().TypeError, "set_exception_handler() takes exactly one argument");
  const Value& h = a.args[0];
  const bool callable = h.is(Kind::kFunction) || h.is(Kind::kBuiltin) || h.is(Kind::kMethod) ||
                        h.is(Kind::kClass) || !vm.lookup_special(h, "__call__").is_unset();
  if (!h.is_none() && !callable) {
    std::string r;
    if (!vm::repr_string(vm, h, &r)) return Value::error();
    return vm.raise(vm.b().TypeError, "A callable object or None is expected, got " + r);
  }
  loop_of_vm(vm).set_exception_handler(h);
  return Value::none();
}

Value l_get_exception_handler(vm::Vm& vm, vm::CallArgs&) { return loop_of_vm(vm).exception_handler(); }

}  // namespace

void install_exception_handler_methods(vm::Vm& vm, const Value& loop_class) {
  const struct {
    const char* name;
    vm::NativeFn fn;
  } methods[] = {{"call_exception_handler", l_call_exception_handler},
                 {"default_exception_handler", l_default_exception_handler},
                 {"set_exception_handler", l_set_exception_handler},
                 {"get_exception_handler", l_get_exception_handler}};
  for (const auto& m : methods) vm.set_class_attr(loop_class, m.name, vm.make_builtin(m.name, m.fn, nullptr, true));
}

}  // namespace concsim::models::loop
