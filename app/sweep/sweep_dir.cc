#include "app/sweep/sweep_dir.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "app/report/atomic_file.h"

namespace concsim::sweep {

namespace fs = std::filesystem;

std::string definition_path(const std::string& dir) { return (fs::path(dir) / "sweep.json").string(); }
std::string points_dir(const std::string& dir) { return (fs::path(dir) / "points").string(); }
std::string point_path(const std::string& dir, const Point& p) {
  return (fs::path(dir) / "points" / p.file_name).string();
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
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

Definition read_definition_file(const std::string& dir) {
  const std::string path = definition_path(dir);
  const std::optional<std::string> text = read_file(path);
  if (!text) throw InputError(path + ": cannot read it; is " + dir + " a sweep directory?");
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
