#include "app/calibrate/proc.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace concsim::calibrate {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  s = trim(s);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Calls f(key, value) for each "Key:   value" line.
template <typename F>
void each_field(std::string_view text, F f) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    f(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
}

// "123 kB" -> 125952; a bare number is taken as is.
std::int64_t kilobytes(std::string_view value) {
  std::int64_t factor = 1;
  if (value.size() > 2 && value.substr(value.size() - 2) == "kB") {
    factor = 1024;
    value.remove_suffix(2);
  }
  const std::optional<std::int64_t> v = to_int(value);
  return v && *v >= 0 ? *v * factor : -1;
}

}  // namespace

ProcStatus parse_proc_status(std::string_view text) {
  ProcStatus s;
  each_field(text, [&](std::string_view key, std::string_view value) {
    if (key == "VmSize") s.vm_size = kilobytes(value);
    if (key == "VmRSS") s.vm_rss = kilobytes(value);
    if (key == "VmHWM") s.vm_hwm = kilobytes(value);
    if (key == "Threads") s.threads = to_int(value).value_or(-1);
  });
  return s;
}

MemInfo parse_meminfo(std::string_view text) {
  MemInfo m;
  each_field(text, [&](std::string_view key, std::string_view value) {
    if (key == "MemTotal") m.mem_total = kilobytes(value);
    if (key == "SwapTotal") m.swap_total = kilobytes(value);
    if (key == "KernelStack") m.kernel_stack = kilobytes(value);
  });
  return m;
}

std::optional<std::int64_t> parse_single_int(std::string_view text) { return to_int(text); }

std::optional<std::int64_t> parse_loadavg_threads(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(slash + 1);
  const std::size_t space = rest.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  return to_int(rest.substr(0, space));
}

std::int64_t count_lines(std::string_view text) {
  std::int64_t n = 0;
  for (char c : text) n += c == '\n';
  if (!text.empty() && text.back() != '\n') ++n;
  return n;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<std::int64_t> read_int_file(const std::string& path) { return parse_single_int(read_text(path)); }

ProcStatus read_self_status() { return parse_proc_status(read_text("/proc/self/status")); }

MemInfo read_meminfo() { return parse_meminfo(read_text("/proc/meminfo")); }

std::int64_t self_mappings() { return count_lines(read_text("/proc/self/maps")); }

}  // namespace concsim::calibrate
