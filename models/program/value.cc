#include "models/program/value.h"

#include <utility>

#include "sim/time.h"

namespace concsim::models {

std::uint32_t Store::intern(std::string_view s) {
  const auto it = interned_.find(std::string(s));
  if (it != interned_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(strings_.size());
  strings_.emplace_back(s);
  interned_.emplace(std::string(s), id);
  return id;
}

std::uint32_t Store::add_string(std::string s) {
  const auto id = static_cast<std::uint32_t>(strings_.size());
  strings_.push_back(std::move(s));
  return id;
}

std::uint32_t Store::add_list(std::vector<Value> items) {
  const auto id = static_cast<std::uint32_t>(lists_.size());
  lists_.push_back(std::move(items));
  return id;
}

std::uint32_t Store::add_exception(std::uint32_t type, Value message) {
  const auto id = static_cast<std::uint32_t>(exceptions_.size());
  exceptions_.push_back(ExceptionObject{type, ExceptionObject::kNotLogged, message});
  return id;
}

Value Store::make_exception(std::string_view type, std::string_view message) {
  const std::uint32_t t = intern(type);
  const Value msg = message.empty() ? Value::null() : Value::string(add_string(std::string(message)));
  return Value::exception(add_exception(t, msg));
}

std::string Store::format(Value v, const TaskNamer* namer, bool quote_strings) const {
  return format_nested(v, namer, quote_strings, 0);
}

std::string Store::format_nested(Value v, const TaskNamer* namer, bool quote_strings, int depth) const {
  switch (v.kind) {
    case ValueKind::kUnset: return "<unset>";
    case ValueKind::kNull: return "None";
    case ValueKind::kBool: return v.bits ? "True" : "False";
    case ValueKind::kInt: return std::to_string(v.bits);
    case ValueKind::kDuration: return sim::format_seconds(v.bits);
    case ValueKind::kString:
      return quote_strings ? "'" + strings_[v.index()] + "'" : strings_[v.index()];
    case ValueKind::kTask:
      return namer != nullptr ? namer->task_name(v.index()) : "task#" + std::to_string(v.bits);
    case ValueKind::kList: {
      if (depth >= kMaxFormatDepth) return "[...]";
      std::string out = "[";
      const auto& items = lists_[v.index()];
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ", ";
        out += format_nested(items[i], namer, true, depth + 1);
      }
      return out + "]";
    }
    case ValueKind::kException: {
      const ExceptionObject& e = exceptions_[v.index()];
      std::string out = strings_[e.type] + "(";
      if (e.message.kind != ValueKind::kNull) out += format_nested(e.message, namer, true, depth + 1);
      return out + ")";
    }
  }
  return "?";
}

std::size_t Store::memory_bytes() const {
  std::size_t bytes = strings_.capacity() * sizeof(std::string) +
                      lists_.capacity() * sizeof(std::vector<Value>) +
                      exceptions_.capacity() * sizeof(ExceptionObject);
  for (const auto& s : strings_) bytes += s.capacity() > 15 ? s.capacity() : 0;
  for (const auto& l : lists_) bytes += l.capacity() * sizeof(Value);
  return bytes;
}

bool truthy(const Store& store, Value v) {
  switch (v.kind) {
    case ValueKind::kUnset:
    case ValueKind::kNull: return false;
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kDuration: return v.bits != 0;
    case ValueKind::kString: return !store.str(v.index()).empty();
    case ValueKind::kList: return !store.list(v.index()).empty();
    case ValueKind::kTask:
    case ValueKind::kException: return true;
  }
  return false;
}

namespace {

bool values_equal_nested(const Store& store, Value a, Value b, int depth) {
  if (a.kind != b.kind) return false;
  if (a.kind == ValueKind::kString) return store.str(a.index()) == store.str(b.index());
  if (a.kind == ValueKind::kNull) return true;
  if (a.kind == ValueKind::kList) {
    if (a.bits == b.bits) return true;  // the same list
    // Past the depth limit lists compare by identity, so that a list nested
    // a million deep cannot overflow the stack here.
    if (depth >= Store::kMaxFormatDepth) return false;
    const auto& x = store.list(a.index());
    const auto& y = store.list(b.index());
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!values_equal_nested(store, x[i], y[i], depth + 1)) return false;
    }
    return true;
  }
  return a.bits == b.bits;
}

}  // namespace

bool values_equal(const Store& store, Value a, Value b) { return values_equal_nested(store, a, b, 0); }

}  // namespace concsim::models
