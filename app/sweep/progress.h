// Progress of a sweep on stderr: a bar redrawn in place (\r) when stderr is
// a terminal, plain lines otherwise (logs, CI, Slurm output files):
//   point 3/12 connections=1000 model=threads: completed in 1.2s
// Wall-clock times appear here only, never in a sweep's files, which must
// not depend on how fast the machine was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>

namespace concsim::sweep {

bool stderr_is_terminal();

class Progress {
 public:
  Progress(std::ostream& out, std::size_t total, bool terminal) : out_(out), total_(total), terminal_(terminal) {}

  // Thread-safe; each call counts one point.
  void skipped(const std::string& point);
  void finished(const std::string& point, const std::string& status, std::int64_t wall_ns);
  // Ends the bar's line; plain lines need nothing.
  void close();

 private:
  void show(const std::string& point, const std::string& what);

  std::ostream& out_;
  std::size_t total_;
  bool terminal_;
  std::size_t done_ = 0;
  bool drawn_ = false;
  std::mutex mutex_;
};

}  // namespace concsim::sweep
