#include "app/sweep/plan.h"
#include "app/load/workload.h"

#include <set>

#include "app/load/machine.h"

namespace concsim::sweep {

load::Document base_document(const Definition& d) {
  load::Document doc = load::load_program_document(d.workload);
  for (const std::string& o : d.overrides) doc.apply_override(o);
  return doc;
}

void check_models(const load::Document& base, const std::vector<std::string>& models) {
  for (const std::string& m : models) {
    load::Document doc = base;
    try {
      doc.apply_override("model=" + m);
      (void)load::read_workload(doc);
    } catch (const load::ConfigError& e) {
      // Only a bad model name is the --models option's fault; anything else
      // (a workload that is not a mapping) keeps its own location.
      if (e.key_path() == "model" && e.pos().file == "--set") {
        std::string message = e.message();
        const std::string value = "unknown value";
        if (message.rfind(value, 0) == 0) message.replace(0, value.size(), "unknown model");
        throw InputError("--models: " + message);
      }
      throw;
    }
  }
}

std::vector<load::Workload> load_points(const load::Document& base, const std::vector<Point>& points) {
  std::vector<load::Workload> out;
  out.reserve(points.size());
  std::set<std::string> machines;
  for (const Point& p : points) {
    load::Document doc = base;
    try {
      bool seed_varied = false;
      for (const auto& [key, value] : p.values) {
        doc.apply_override(key + "=" + value);
        seed_varied = seed_varied || key == "seed";
      }
      doc.apply_override("model=" + p.model);
      // A varied seed is the first replication's; the others derive from it.
      if (!seed_varied || p.replication > 1) doc.apply_override("seed=" + std::to_string(p.seed));
      out.push_back(load::load_workload(doc));
      if (machines.insert(out.back().machine).second) (void)load::load_machine(out.back().machine);
    } catch (const load::ConfigError& e) {
      throw InputError("point " + p.name + ": " + e.what());
    }
  }
  return out;
}

}  // namespace concsim::sweep
