#include "app/report/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace concsim::report {
namespace {

// Writes all of `content` to `fd`, retrying after signals; false with errno
// set on failure.
bool write_all(int fd, const std::string& content) {
  std::size_t off = 0;
  while (off < content.size()) {
    const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) {
      errno = ENOSPC;
      return false;
    }
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// The temporary file, renamed into place; `mode` is the final file's.
bool replace_atomically(const std::string& path, const std::string& content, mode_t mode, std::string* error) {
  std::string tmpl = path + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) {
    *error = path + ": cannot create a temporary file: " + std::strerror(errno);
    return false;
  }
  const std::string tmp(name.data());
  if (!write_all(fd, content)) {
    *error = path + ": write failed: " + std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  // mkstemp makes the file 0600; results are ordinary files.
  ::fchmod(fd, mode);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    *error = path + ": cannot flush: " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = path + ": cannot rename into place: " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

// A character device or a FIFO: opened as it is and written to.
bool write_through(const std::string& path, const std::string& content, std::string* error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  const bool ok = write_all(fd, content);
  const int write_errno = errno;
  if (!ok) {
    ::close(fd);
    *error = path + ": write failed: " + std::strerror(write_errno);
    return false;
  }
  if (::close(fd) != 0) {
    *error = path + ": write failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

bool write_file_atomically(const std::string& path, const std::string& content, std::string* error) {
  return replace_atomically(path, content, 0644, error);
}

bool write_output_file(const std::string& path, const std::string& content, std::string* error) {
  struct stat link {};
  if (::lstat(path.c_str(), &link) != 0) {
    if (errno == ENOENT) return replace_atomically(path, content, 0644, error);
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  struct stat target = link;
  std::string where = path;  // the regular file to replace
  if (S_ISLNK(link.st_mode)) {
    if (::stat(path.c_str(), &target) != 0) {
      *error = path + ": a symbolic link to nothing (" + std::strerror(errno) +
               "); not followed to create a file; give the path itself";
      return false;
    }
    if (S_ISREG(target.st_mode)) {
      const std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
      if (real == nullptr) {
        *error = path + ": cannot resolve the symbolic link: " + std::strerror(errno);
        return false;
      }
      where = real.get();
    }
  }
  if (S_ISCHR(target.st_mode) || S_ISFIFO(target.st_mode)) return write_through(path, content, error);
  if (!S_ISREG(target.st_mode)) {
    *error = path + ": is " + kind_of(target.st_mode) +
             "; results go to a regular file, a character device or a FIFO";
    return false;
  }
  if (::access(where.c_str(), W_OK) != 0) {
    *error = path + ": cannot write to it (" + std::strerror(errno) + "); left as it was";
    return false;
  }
  return replace_atomically(where, content, target.st_mode & 07777, error);
}

}  // namespace concsim::report
