#include <iostream>

#include "app/cli/command.h"
#include "app/report/atomic_file.h"

namespace concsim::cli {

po::options_description workload_options() {
  po::options_description d("Workload options");
  d.add_options()
      ("set", po::value<std::vector<std::string>>()->composing(),
       "K=V: override any value of the workload (repeatable), e.g. --set seed=7")
      ("model", po::value<std::string>(), "NAME: the concurrency model (async, threads)")
      ("machine", po::value<std::string>(), "PROFILE: the machine profile (configs/machines/PROFILE.yaml)")
      ("connections", po::value<std::string>(), "N: the workload's connections")
      ("seed", po::value<std::string>(), "N: the run's random seed");
  return d;
}

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& desc,
                        const std::string& command, int want_files) {
  po::options_description all;
  all.add(desc);
  all.add_options()("file", po::value<std::vector<std::string>>(), "");
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError{e.what(), command};
  }
  const std::vector<std::string> given = files(vm);
  if (want_files >= 0 && static_cast<int>(given.size()) != want_files) {
    throw UsageError{given.empty() ? "missing the FILE argument"
                                   : "expected " + std::to_string(want_files) + " FILE, got " +
                                         std::to_string(given.size()),
                     command};
  }
  if (want_files < 0 && given.empty()) throw UsageError{"missing the FILE argument", command};
  return vm;
}

std::vector<std::string> files(const po::variables_map& vm) {
  return vm.count("file") ? vm["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

load::Document load_document(const std::string& path, const po::variables_map& vm) {
  load::Document doc = load::Document::load_file(path);
  if (vm.count("set")) {
    for (const std::string& s : vm["set"].as<std::vector<std::string>>()) doc.apply_override(s);
  }
  // The shortcuts are overrides like any other, validated the same way.
  for (const char* key : {"model", "machine", "seed", "connections"}) {
    if (vm.count(key)) doc.apply_override(std::string(key) + "=" + vm[key].as<std::string>());
  }
  return doc;
}

bool write_output(const std::string& path, const std::string& content) {
  std::string error;
  if (!report::write_file_atomically(path, content, &error)) {
    std::cerr << "concsim: " << error << '\n';
    return false;
  }
  return true;
}

}  // namespace concsim::cli
