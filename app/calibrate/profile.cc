#include "app/calibrate/profile.h"

#include <array>

namespace concsim::calibrate {

std::string duration_value(sim::Duration ns) {
  std::string out;
  if (ns != 0 && ns % 1'000'000'000 == 0) {
    out = std::to_string(ns / 1'000'000'000);
    out.append("s");
  } else if (ns != 0 && ns % 1'000'000 == 0) {
    out = std::to_string(ns / 1'000'000);
    out.append("ms");
  } else if (ns != 0 && ns % 1000 == 0) {
    out = std::to_string(ns / 1000);
    out.append("us");
  } else {
    out = std::to_string(ns);
    out.append("ns");
  }
  return out;
}

std::string size_value(std::int64_t bytes) {
  std::string out;
  if (bytes != 0 && bytes % (std::int64_t{1} << 30) == 0) {
    out = std::to_string(bytes >> 30);
    out.append("GiB");
  } else if (bytes != 0 && bytes % (std::int64_t{1} << 20) == 0) {
    out = std::to_string(bytes >> 20);
    out.append("MiB");
  } else if (bytes != 0 && bytes % 1024 == 0) {
    out = std::to_string(bytes >> 10);
    out.append("KiB");
  } else {
    out = std::to_string(bytes);
    out.append("B");
  }
  return out;
}

std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string render_profile(const ProfileDoc& doc) {
  std::string out;
  for (const std::string& line : doc.comments) {
    out.append(line.empty() ? "#" : "# ");
    out.append(line);
    out.push_back('\n');
  }
  out.append("name: ");
  out.append(yaml_quote(doc.name));
  out.append("\ndescription: ");
  out.append(yaml_quote(doc.description));
  out.push_back('\n');
  static constexpr std::array<const char*, 7> kSections{"hardware", "costs",  "scheduler", "cache",
                                                        "memory",   "limits", "python"};
  for (const char* section : kSections) {
    bool first = true;
    for (const ProfileEntry& e : doc.entries) {
      if (e.section != section) continue;
      if (first) {
        out.append(section);
        out.append(":\n");
        first = false;
      }
      out.append("  ");
      out.append(e.key);
      out.append(": {value: ");
      out.append(e.value);
      out.append(", source: ");
      out.append(yaml_quote(e.source));
      out.append("}\n");
    }
  }
  return out;
}

}  // namespace concsim::calibrate
