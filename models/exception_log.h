// The exceptions a run's tasks raised, for its report: people need to see
// them (a handler that fails every request, a cancellation storm), not only
// the count of failed tasks.
//
// Each distinct (type, message, place) is one entry, counted. The place is
// the step that raised it, or, for an exception delivered by the runtime
// (CancelledError, TimeoutError, RuntimeError("can't start new thread")),
// the step that received it. An exception that propagates (out of an
// awaited task into its awaiter, or re-raised by `raise` in an except
// block) is the same exception: it is counted once, where it was first
// raised, and the tasks it ends and the requests it fails are added to that
// entry.
//
// The runtime owns the log and hands it to the interpreter, whose raise
// path calls raised(), task_failed() and request_failed(); any interpreter
// of the program IR calls the same three at the same moments. Plain data,
// no knowledge of the models.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/time.h"

namespace concsim::models {

struct RaisedException {
  std::string type;     // "ValueError"
  std::string message;  // empty when raised without one
  // Where, as the loader located the step: 1-based line and column of the
  // workload file, and the key path ("server.handler[1].raise").
  int line = 0;
  int column = 0;
  std::string path;
  sim::Time first_at = 0;             // virtual time of the first raise
  std::uint64_t count = 0;            // times raised
  std::uint64_t tasks_failed = 0;     // tasks or threads it ended
  std::uint64_t requests_failed = 0;  // server requests it failed
};

class ExceptionLog {
 public:
  // Distinct entries kept; further ones are counted in unlisted(). A message
  // built from a loop variable would otherwise make one entry per raise.
  static constexpr std::size_t kMaxEntries = 1000;
  // The entry of an exception that found the log full.
  static constexpr std::uint32_t kUnlisted = 0xFFFFFFFE;

  // A newly raised exception; returns its entry for the calls below.
  std::uint32_t raised(std::string_view type, std::string_view message, int line, int column,
                       std::string_view path, sim::Time now);
  // The exception of `entry` ended a task (it left the task's function).
  void task_failed(std::uint32_t entry);
  // The exception of `entry` failed a server request (the handler raised).
  void request_failed(std::uint32_t entry);
  // Adds another log's entries (another process of one server).
  void merge(const ExceptionLog& other);

  // In order of first raise.
  [[nodiscard]] const std::vector<RaisedException>& entries() const { return entries_; }
  [[nodiscard]] std::uint64_t total() const { return total_; }        // every raise, listed or not
  [[nodiscard]] std::uint64_t unlisted() const { return unlisted_; }  // raises beyond kMaxEntries entries

 private:
  std::uint32_t find_or_add(const RaisedException& e);

  std::vector<RaisedException> entries_;
  std::unordered_map<std::string, std::uint32_t> index_;
  std::uint64_t total_ = 0;
  std::uint64_t unlisted_ = 0;
};

}  // namespace concsim::models
