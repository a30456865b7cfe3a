#include "app/sweep/progress.h"

#include <unistd.h>

#include "app/report/json.h"

namespace concsim::sweep {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void Progress::skipped(const std::string& point) {
  std::lock_guard<std::mutex> lock(mutex_);
  show(point, "done before, skipped");
}

void Progress::finished(const std::string& point, const std::string& status, std::int64_t wall_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  show(point, status + " in " + report::fixed(wall_ns, 1'000'000'000, 1) + "s");
}

void Progress::show(const std::string& point, const std::string& what) {
  ++done_;
  const std::string count = std::to_string(done_) + "/" + std::to_string(total_);
  if (!terminal_) {
    out_ << "point " << count << ' ' << point << ": " << what << '\n' << std::flush;
    return;
  }
  constexpr std::size_t kWidth = 24;
  const std::size_t filled = total_ > 0 ? done_ * kWidth / total_ : kWidth;
  std::string bar = "[";
  bar.append(filled, '#');
  bar.append(kWidth - filled, '.');
  bar += "] ";
  // \x1b[K clears what a longer previous line left behind.
  out_ << '\r' << bar << count << ' ' << point << ": " << what << "\x1b[K" << std::flush;
  drawn_ = true;
}

void Progress::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (drawn_) out_ << '\n' << std::flush;
  drawn_ = false;
}

}  // namespace concsim::sweep
