// What a sweep is: the workload, the overrides applied to it, the keys it
// varies and their values, the models and the seed. Everything else (the
// points, their seeds, the report) follows from it, so it is written to
// DIR/sweep.json before the first point runs: `--resume` and `merge` check
// that they continue the same sweep, and `baseline` copies it so that
// `check` can run every point again.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "app/load/config.h"
#include "app/report/json.h"
#include "app/sweep/json_value.h"

namespace concsim::sweep {

// Bad input to a sweep command (a bad --vary, an unknown model, a directory
// holding another sweep): the command prints it and exits with code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Vary {
  std::string key;                  // a --set path: "connections", "shared.x"
  std::vector<std::string> values;  // as written; each applied as "key=value"
};

// Figures from elsewhere (a paper, a benchmark) to show beside the measured
// ones: `metric` (a column of the CSV writer) at each value of `key`.
struct Published {
  std::string source;
  std::string metric;
  std::string key;
  std::vector<std::pair<std::string, std::string>> points;  // value of key -> figure
};

// How points are seeded. kCommon (the default): every point runs with the
// sweep seed, so two points that differ only in a varied knob face the same
// random draws (common random numbers: within a run each entity's draws come
// from a stream keyed by the entity, see README "Random streams"). kPerPoint:
// each point's seed mixes the sweep seed with its varied values, so points
// draw independently of each other.
enum class Seeding { kCommon, kPerPoint };
const char* to_string(Seeding s);

struct Definition {
  std::string version;        // the concsim that ran it
  std::string workload;       // the file's path as given
  std::string workload_hash;  // workload_fingerprint of the file's bytes
  std::string workload_name;  // from the loaded workload, for the report
  std::string description;
  std::vector<std::string> overrides;  // --set K=V, in the order given
  std::vector<Vary> vary;              // outermost first
  std::vector<std::string> models;
  std::uint64_t seed = 1;  // the sweep seed; each point's seed derives from it
  Seeding seeding = Seeding::kCommon;
  // Independent runs of every point, each with its own seed; the report
  // gives each figure's mean and 95 % confidence interval over them.
  std::uint64_t replications = 1;
  std::optional<Published> published;
};

// The most replications a point may have.
inline constexpr std::uint64_t kMaxReplications = 10'000;

// The defaults a workload file may give in its `sweep:` section:
//   sweep: {vary: {KEY: [V1, V2]}, models: [async, threads], replications: N,
//           seeding: common | per-point,
//           published: {source: S, metric: M, key: K, points: {V: FIGURE}}}
// Throws load::ConfigError at the offending node.
struct SweepSection {
  std::vector<Vary> vary;
  std::vector<std::string> models;
  std::optional<std::uint64_t> replications;
  std::optional<Seeding> seeding;
  std::optional<Published> published;
};
SweepSection read_sweep_section(const load::Node& root);

// "KEY=V1,V2,...": spaces around values are dropped. Throws InputError.
Vary parse_vary(const std::string& option);
// "async,threads". Throws InputError; the models themselves are checked by
// loading the workload with each.
std::vector<std::string> parse_models(const std::string& option);
// "5": 1 to kMaxReplications. Throws InputError naming `option`.
std::uint64_t parse_replications(const std::string& text, const std::string& option);
// "common" or "per-point". Throws InputError naming `option`.
Seeding parse_seeding(const std::string& text, const std::string& option);
// Keys varied twice, `model` varied (use --models), duplicate values or
// models, a published key that is not varied or a metric that is not a
// column. Throws InputError.
void check_definition(const Definition& d);

// The published figure at `value` of the published key: the same text, or
// the same number ("1000" and "1_000"); nullopt when there is none.
std::optional<std::string> published_at(const Published& p, const std::string& value);

// "fnv1a64:" and the hash of the bytes.
std::string workload_fingerprint(const std::string& bytes);

void write_definition(report::JsonWriter& w, const Definition& d);
// sweep.json's content.
std::string definition_json(const Definition& d);
// Throws InputError saying what is missing; `what` names the file.
Definition read_definition(const JsonValue& v, const std::string& what);

}  // namespace concsim::sweep
