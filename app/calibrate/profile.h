// Writes a machine profile in the format of configs/machines/*.yaml (read by
// app/load/machine.h): every value as {value, source}, the source saying how
// it was measured (or where it was kept from) and its spread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/time.h"

namespace concsim::calibrate {

struct ProfileEntry {
  std::string section;  // hardware, costs, scheduler, memory, limits
  std::string key;      // the loader's key in that section
  std::string value;    // as the loader reads it: "1234ns", "8392704B", "logarithmic", "unlimited"
  std::string source;   // how it was measured, with its spread
};

struct ProfileDoc {
  std::string name;
  std::string description;
  std::vector<std::string> comments;  // lines of the header comment, without "# "
  std::vector<ProfileEntry> entries;  // in the order written; sections are grouped in the loader's order
};

// The profile's YAML text.
std::string render_profile(const ProfileDoc& doc);

// Value texts the loader reads back exactly.
std::string duration_value(sim::Duration ns);  // "96us", "1234ns", "12ms"
std::string size_value(std::int64_t bytes);    // "8MiB", "8600B", "4KiB"

// A double-quoted YAML scalar.
std::string yaml_quote(const std::string& s);

}  // namespace concsim::calibrate
