#include "app/sweep/sweep_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "app/report/atomic_file.h"

namespace concsim::sweep {

namespace fs = std::filesystem;

std::string definition_path(const std::string& dir) { return (fs::path(dir) / "sweep.json").string(); }
std::string points_dir(const std::string& dir) { return (fs::path(dir) / "points").string(); }
std::string point_path(const std::string& dir, const Point& p) {
  return (fs::path(dir) / "points" / p.file_name).string();
}

std::optional<std::string> read_file(const std::string& path, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<std::string> {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fail("is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot open it: ") + std::strerror(errno));
  // In chunks up to one past the limit, so that neither a huge file nor an
  // endless one (/dev/zero, a pipe) is read whole.
  std::string text;
  char buf[64 * 1024];
  while (text.size() <= kMaxReadBytes && in.read(buf, sizeof buf)) text.append(buf, sizeof buf);
  if (in.bad()) return fail("cannot read it");
  text.append(buf, static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxReadBytes) return fail("is larger than " + std::to_string(kMaxReadBytes >> 20) + " MiB");
  return text;
}

bool has_point_files(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(points_dir(dir), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") return true;
  }
  return false;
}

void remove_temporaries(const std::string& dir) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (fs::directory_iterator it(points_dir(dir), ec), end; !ec && it != end; it.increment(ec)) {
    // report::write_file_atomically names its temporaries "<target>.tmp.XXXXXX".
    if (it->path().filename().string().find(".json.tmp.") != std::string::npos) stale.push_back(it->path());
  }
  for (const fs::path& p : stale) fs::remove(p, ec);
}

void make_sweep_dir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) throw InputError(dir + ": exists and is not a directory");
  fs::create_directories(points_dir(dir), ec);
  if (ec) throw InputError(dir + ": cannot create the directory: " + ec.message());
}

DirLock::DirLock(const std::string& dir) : path_((fs::path(dir) / ".concsim.lock").string()) {
  // The file is removed on release, so a process that opened it just before
  // may lock a file no longer in the directory: after locking, check that
  // the name still leads to the file locked, else start again.
  for (;;) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) throw std::runtime_error(path_ + ": cannot create the lock file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int lock_errno = errno;
      char buf[32] = {};
      const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      ::close(fd_);
      fd_ = -1;
      if (lock_errno != EWOULDBLOCK) {
        throw std::runtime_error(path_ + ": cannot lock: " + std::strerror(lock_errno));
      }
      std::string holder(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
      const bool pid = !holder.empty() && holder.find_first_not_of("0123456789") == std::string::npos;
      throw InputError(dir + " is in use by another concsim sweep or merge" +
                       (pid ? " (process " + holder + ")" : std::string()) +
                       "; wait for it to finish, or choose another --out");
    }
    struct stat held {};
    struct stat named {};
    if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      break;
    }
    ::close(fd_);
    fd_ = -1;
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    const ssize_t ignored = ::pwrite(fd_, pid.data(), pid.size(), 0);
    (void)ignored;  // the process id is for messages only
  }
}

DirLock::~DirLock() {
  if (fd_ < 0) return;
  // Unlink while still holding it: whoever locks next finds a new file.
  ::unlink(path_.c_str());
  ::close(fd_);
}

Definition read_definition_file(const std::string& dir) {
  const std::string path = definition_path(dir);
  std::string why;
  const std::optional<std::string> text = read_file(path, &why);
  if (!text) throw InputError(path + ": " + why + "; is " + dir + " a sweep directory?");
  std::string error;
  const std::optional<JsonValue> v = parse_json(*text, &error);
  if (!v) throw InputError(path + ": " + error);
  return read_definition(*v, path);
}

std::optional<PointResult> read_point(const std::string& dir, const Point& p) {
  const std::optional<std::string> text = read_file(point_path(dir, p));
  if (!text) return std::nullopt;
  return parse_point_file(*text, p);
}

void write_files(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [name, content] : files) {
    std::string error;
    if (!report::write_file_atomically((fs::path(dir) / name).string(), content, &error)) {
      throw std::runtime_error(error);
    }
  }
}

}  // namespace concsim::sweep
