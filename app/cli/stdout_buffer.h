// Standard output that knows when a write failed.
//
// std::cout reports a failed write only through a state bit that nobody
// reads, so `concsim run ... > /dev/full` used to exit 0 with its results
// lost. main() installs this buffer under std::cout: it writes to file
// descriptor 1 itself, remembers the errno of the first write that failed
// (and drops what follows, which could only come out with a hole in it),
// and at the end main() turns a failure into a message and exit code 1.
#pragma once

#include <array>
#include <cstddef>
#include <streambuf>

namespace concsim::cli {

class StdoutBuffer final : public std::streambuf {
 public:
  StdoutBuffer();
  StdoutBuffer(const StdoutBuffer&) = delete;
  StdoutBuffer& operator=(const StdoutBuffer&) = delete;
  ~StdoutBuffer() override;

  // Writes out what is buffered; false when that or an earlier write failed.
  bool finish();
  // errno of the first write that failed; 0 when none did.
  [[nodiscard]] int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  // Writes data[0, n) to fd 1 whole, retrying after signals; false (and
  // error_ set) on failure.
  bool write_all(const char* data, std::size_t n);
  bool drain();

  std::array<char, 64 * 1024> buffer_;
  int error_ = 0;
};

// Makes sure descriptors 0, 1 and 2 are open before anything else opens a
// file: when one was closed by the caller (`concsim run ... >&-`), the
// next file opened would take its number, and results or messages would go
// into it. A closed stdout gets /dev/null opened read-only, so that writes
// to it still fail (EBADF) and the failure is still reported; a closed
// stdin or stderr gets /dev/null.
void keep_standard_descriptors();

}  // namespace concsim::cli
