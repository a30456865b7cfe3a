// A sweep's directory:
//   DIR/sweep.json           the definition, written before the first point
//   DIR/.concsim.lock        there while a sweep or merge works in DIR (DirLock)
//   DIR/points/<point>.json  one file per finished point, written atomically
//   DIR/report.md, data.csv, data.json, *.svg   the report (report.h)
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/sweep/definition.h"
#include "app/sweep/grid.h"
#include "app/sweep/point_file.h"

namespace concsim::sweep {

std::string definition_path(const std::string& dir);
std::string points_dir(const std::string& dir);
std::string point_path(const std::string& dir, const Point& p);

// The most read_file reads: a baseline of the largest grid (grid.h's
// kMaxPoints) is about 150 MiB; anything larger is not one of our files
// (or is /dev/zero).
inline constexpr std::size_t kMaxReadBytes = std::size_t{256} << 20;

// The whole file; nullopt when it cannot be read or is larger than
// kMaxReadBytes, with the reason in *error when that is given.
std::optional<std::string> read_file(const std::string& path, std::string* error = nullptr);

// Whether DIR/points holds any point file.
bool has_point_files(const std::string& dir);
// Removes the temporary files a killed sweep left in DIR/points.
void remove_temporaries(const std::string& dir);
// Creates DIR and DIR/points. Throws InputError when DIR is a file or
// cannot be created.
void make_sweep_dir(const std::string& dir);

// The lock a sweep or a merge holds on its --out directory while it reads
// and writes there, so that two of them never interleave their points: an
// exclusive flock(2) on DIR/.concsim.lock, which also records the holder's
// process id. The kernel releases it when the process ends, however it
// ends (kill -9 included); the file is removed on a normal release, and a
// stale one left by a killed process is simply locked again.
class DirLock {
 public:
  // Takes the lock on DIR (which must exist) without waiting. Throws
  // InputError naming the holder when another process has it, and
  // std::runtime_error when the lock file cannot be made.
  explicit DirLock(const std::string& dir);
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();

 private:
  std::string path_;
  int fd_ = -1;
};

// DIR/sweep.json. Throws InputError when it is missing or not a definition.
Definition read_definition_file(const std::string& dir);
// The complete point file of `p` in DIR, or nullopt.
std::optional<PointResult> read_point(const std::string& dir, const Point& p);

// Writes each (name, content) into DIR atomically. Throws
// std::runtime_error naming the file that could not be written.
void write_files(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace concsim::sweep
