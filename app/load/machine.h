// Machine profiles: configs/machines/NAME.yaml read into models::MachineProfile.
//
// configs/README.md ("Machine profiles") is the reference for the format.
// A profile has seven sections (hardware, costs, scheduler, cache, memory,
// limits, python);
// every value may be written bare, `ram: 24GiB`, or with its source,
// `ram: {value: 24GiB, source: "free -g on the test machine"}`; sources are
// kept in MachineProfile::sources under "section.key". Keys left out keep the
// values of the profile named by `extends:`, or else MachineProfile's
// defaults. Every key is checked (did-you-mean for unknown ones, units for
// durations and sizes, ranges), and the errors are located ConfigErrors.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/load/config.h"
#include "models/machine.h"

namespace concsim::load {

// Largest values a profile may give, so that no sum over threads overflows:
// "unlimited" stands for these.
inline constexpr std::int64_t kUnlimitedCount = std::int64_t{1} << 40;
inline constexpr std::int64_t kUnlimitedBytes = std::int64_t{1} << 60;
inline constexpr std::int64_t kMaxPerThreadBytes = std::int64_t{64} << 30;

// The files a name may resolve to, in the order they are tried:
// configs/machines/NAME.yaml from the current directory, then the source
// tree's configs/machines (CONCSIM_SOURCE_DIR, set at build time).
std::vector<std::string> machine_search_path(const std::string& name);

// Why `name_or_path` names no profile file (an unknown name, with a
// did-you-mean; a path to nothing), or nullopt when it names one. For the
// loaders that read a profile's name from a file, so that the error is
// reported where the name was written.
std::optional<std::string> machine_file_error(const std::string& name_or_path);

// Loads a profile by name ("linux-modern") or by path (anything with a '/' or
// ending in .yaml). Throws ConfigError for a name that matches no file (with
// a did-you-mean among the profiles found), for a file that cannot be read,
// and for any invalid content.
models::MachineProfile load_machine(const std::string& name_or_path);

// Reads a profile from a document already loaded (tests, tools). `extends`
// is resolved by name through the search path.
models::MachineProfile read_machine(const Document& doc);

// The value of a profile's duration, size or count by its key
// ("costs.ipi", "cache.memory"), for tools that vary one value (a
// sensitivity study); nullptr for a key that names no such number.
std::int64_t* numeric_value(models::MachineProfile& profile, const std::string& key);
// Multiplies that value by `factor`, rounded, at least 1 where the profile
// needs one (ways, misses in flight, line); false for an unknown key.
bool scale_value(models::MachineProfile& profile, const std::string& key, double factor);
// "fnv1a64:" and a hash of the bytes of the profile's file and of every
// profile it extends, in order: a baseline records it, so that `check` can
// say when a profile changed. "" when the profile cannot be found or read.
std::string machine_fingerprint(const std::string& name_or_path);

}  // namespace concsim::load
