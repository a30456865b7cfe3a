// Values of the program language, and the store that owns their payloads.
//
// A Value is 16 bytes: a kind and a 64-bit payload. Strings, lists and
// exception objects live in the run's Store and are referred to by index, so
// copying a Value never allocates. Payloads are never freed during a run:
// programs that build many strings at run time grow the store (documented in
// configs/README.md); the server handlers that scale to a million connections
// do not create any.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace concsim::models {

enum class ValueKind : std::uint8_t {
  kUnset,      // a local read before it was assigned: reading it raises NameError
  kNull,
  kBool,
  kInt,
  kDuration,   // integer nanoseconds
  kString,     // index into Store::strings
  kTask,       // a task id (the runtime knows its name and state)
  kList,       // index into Store::lists
  kException,  // index into Store::exceptions
};

struct Value {
  ValueKind kind = ValueKind::kNull;
  std::int64_t bits = 0;

  static Value null() { return {}; }
  static Value unset() { return {ValueKind::kUnset, 0}; }
  static Value boolean(bool b) { return {ValueKind::kBool, b ? 1 : 0}; }
  static Value integer(std::int64_t i) { return {ValueKind::kInt, i}; }
  static Value duration(std::int64_t ns) { return {ValueKind::kDuration, ns}; }
  static Value string(std::uint32_t id) { return {ValueKind::kString, id}; }
  static Value task(std::uint32_t id) { return {ValueKind::kTask, id}; }
  static Value list(std::uint32_t id) { return {ValueKind::kList, id}; }
  static Value exception(std::uint32_t id) { return {ValueKind::kException, id}; }

  [[nodiscard]] std::uint32_t index() const { return static_cast<std::uint32_t>(bits); }
};

struct ExceptionObject {
  std::uint32_t type;  // string id of the type name, e.g. "CancelledError"
  // Its entry in the run's ExceptionLog once raised (kNotLogged before): an
  // exception that propagates is counted once. Fills the padding before
  // `message`.
  std::uint32_t log_entry = kNotLogged;
  Value message;       // a string, or null

  static constexpr std::uint32_t kNotLogged = 0xFFFFFFFF;
};

// Names a task for printing; implemented by the runtime that owns the tasks.
class TaskNamer {
 public:
  virtual std::string task_name(std::uint32_t task) const = 0;

 protected:
  ~TaskNamer() = default;
};

class Store {
 public:
  std::uint32_t intern(std::string_view s);
  // A new string that is not interned (run-time concatenations).
  std::uint32_t add_string(std::string s);
  [[nodiscard]] const std::string& str(std::uint32_t id) const { return strings_[id]; }

  std::uint32_t add_list(std::vector<Value> items);
  [[nodiscard]] const std::vector<Value>& list(std::uint32_t id) const { return lists_[id]; }
  // Only for a list no other value refers to yet (see Op::kListAppend).
  void append_in_place(std::uint32_t id, Value v) { lists_[id].push_back(v); }
  // Returns a list's spare capacity once it is complete (what appending
  // left: up to half of it, for a list of a million tasks).
  void shrink_list(std::uint32_t id) { lists_[id].shrink_to_fit(); }

  std::uint32_t add_exception(std::uint32_t type, Value message);
  [[nodiscard]] const ExceptionObject& exception(std::uint32_t id) const {
    return exceptions_[id];
  }
  void set_log_entry(std::uint32_t id, std::uint32_t entry) { exceptions_[id].log_entry = entry; }
  // Shortcut: an exception of type `type` with a string message.
  Value make_exception(std::string_view type, std::string_view message);
  // gather(return_exceptions=True)'s entry for a cancelled child: CPython
  // 3.11 builds CancelledError('') there, an empty message rather than none
  // (asyncio/tasks.py, gather's _done_callback).
  Value gather_cancelled() {
    return Value::exception(add_exception(intern("CancelledError"), Value::string(intern(""))));
  }
  [[nodiscard]] std::string_view exception_type(Value exc) const {
    return strings_[exceptions_[exc.index()].type];
  }

  // Python-like rendering: strings bare at the top level and quoted inside
  // lists ("['a', 'b']"), None, True/False, durations as "1.5s", tasks by name,
  // exceptions as "Type('message')".
  // Lists nested deeper than kMaxFormatDepth print as "[...]" (as Python's
  // reprlib does), so that a list nested a million deep, which a loop of
  // append([], l) builds, cannot overflow the stack.
  std::string format(Value v, const TaskNamer* namer, bool quote_strings = false) const;
  static constexpr int kMaxFormatDepth = 100;

  [[nodiscard]] std::size_t memory_bytes() const;

 private:
  std::string format_nested(Value v, const TaskNamer* namer, bool quote_strings, int depth) const;

  std::vector<std::string> strings_;
  std::unordered_map<std::string, std::uint32_t> interned_;
  std::vector<std::vector<Value>> lists_;
  std::vector<ExceptionObject> exceptions_;
};

// Truthiness as in Python: null, false, 0, empty string and empty list are false.
bool truthy(const Store& store, Value v);
// Equality by kind and payload; strings compare by content.
bool values_equal(const Store& store, Value a, Value b);

}  // namespace concsim::models
