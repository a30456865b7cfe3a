#include <filesystem>

#include "app/claims/claims.h"
#include "app/load/config.h"
#include "app/load/workload.h"

namespace concsim::claims {

Runs::Runs(std::string root) : root_(std::move(root)) {}

std::string Runs::path(const std::string& relative) const {
  return root_.empty() || root_ == "." ? relative : root_ + "/" + relative;
}

const run::RunOutput& Runs::get(const std::string& file, const std::vector<std::string>& overrides,
                                const run::RunOptions& options) {
  // The key names everything the output depends on.
  std::string key = file;
  for (const std::string& o : overrides) key.append("\n").append(o);
  key.append("\nrecord=").append(options.record ? std::to_string(options.record_limit) : "no");
  key.append(options.trace_phases ? " phases" : "");
  auto& slot = cache_[key];
  if (!slot) {
    load::Document doc = load::load_program_document(path(file));
    for (const std::string& o : overrides) doc.apply_override(o);
    const load::Workload w = load::load_workload(doc);
    slot = std::make_unique<run::RunOutput>(run::run_workload(w, options));
    if (perturb_) perturb_(file, *slot);
  }
  return *slot;
}

const run::RunOutput& Runs::get(const std::string& file, const std::vector<std::string>& overrides) {
  run::RunOptions quiet;
  quiet.record = false;
  return get(file, overrides, quiet);
}

const run::RunOutput& Runs::recorded(const std::string& file, const std::vector<std::string>& overrides) {
  return get(file, overrides, run::RunOptions{});
}

std::string find_root() {
  std::error_code ec;
  if (std::filesystem::is_directory("configs/claims", ec)) return ".";
#ifdef CONCSIM_SOURCE_DIR
  return CONCSIM_SOURCE_DIR;
#else
  return ".";
#endif
}

}  // namespace concsim::claims
