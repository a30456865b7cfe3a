#include "tests/fuzz/fuzz_input.h"

#include "app/load/config.h"
#include "app/load/machine.h"
#include "app/load/workload.h"

namespace concsim::fuzz {
namespace {

// At most this many assignments per input: each one re-reads a whole
// workload, and more would only slow the fuzzer down.
constexpr std::size_t kMaxAssignments = 8;

// A valid workload that touches most sections, so that assignments have
// something to replace, extend and index into.
constexpr const char* kBase = R"(name: base
seed: 3
connections: 4
shared: {counter: 0, delay: 5ms}
sync:
  pool: {kind: semaphore, value: 2}
  jobs: {kind: queue, maxsize: 3}
limits: {horizon: 10s, max_events: 100000}
functions:
  fetch:
    params: [id, delay]
    steps:
      - async_with: {resource: pool, steps: [{io: $delay}]}
      - set: {counter: "${counter + 1}"}
      - return: "${'item ' + str(id)}"
main:
  - gather:
      tasks:
        - {name: "f{i}", fn: fetch, args: {id: $i, delay: 1ms}, count: $connections, as: i}
      into: results
  - repeat: {times: 2, as: k, steps: [{sleep: {exponential: {mean: 1ms}}}]}
  - log: "results {results}"
)";

// Loads the workload and, since it is a document too, the machine profile
// reader; counts what was rejected.
void load_all(const load::Document& doc, Outcome& out) {
  try {
    const load::Workload w = load::load_workload(doc);
    ++out.accepted;
  } catch (const load::ConfigError& e) {
    if (out.config_errors++ == 0) out.first_error = e.what();
  }
  try {
    (void)load::read_machine(doc);
  } catch (const load::ConfigError& e) {
    ++out.config_errors;
  }
}

}  // namespace

std::vector<std::string_view> split_input(std::string_view data) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t nul = data.find('\0', start);
    parts.push_back(data.substr(start, nul == std::string_view::npos ? std::string_view::npos : nul - start));
    if (nul == std::string_view::npos || parts.size() > kMaxAssignments) break;
    start = nul + 1;
  }
  return parts;
}

Outcome drive_loader(std::string_view data) {
  Outcome out;
  const std::vector<std::string_view> parts = split_input(data);
  bool loaded = false;
  load::Document doc = load::Document::load_string(kBase, "base.yaml");
  try {
    doc = load::Document::load_string(std::string(parts[0]), "fuzz.yaml");
    loaded = true;
    load_all(doc, out);
  } catch (const load::ConfigError& e) {
    if (out.config_errors++ == 0) out.first_error = e.what();
  }
  load::Document base = load::Document::load_string(kBase, "base.yaml");
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string assignment(parts[i]);
    for (load::Document* target : {loaded ? &doc : nullptr, &base}) {
      if (target == nullptr) continue;
      try {
        target->apply_override(assignment);
        load_all(*target, out);
      } catch (const load::ConfigError& e) {
        if (out.config_errors++ == 0) out.first_error = e.what();
      }
    }
  }
  return out;
}

}  // namespace concsim::fuzz
