// concsim merge DIR... --out DIR: the shards of a sweep into one directory,
// with the report an unsharded sweep would have written, byte for byte.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "app/cli/command.h"
#include "app/sweep/sweep.h"

namespace concsim::cli {
namespace {

po::options_description merge_options() {
  po::options_description d("Merge options");
  d.add_options()("out", po::value<std::string>(), "DIR: where the merged sweep and its report go (required)");
  return d;
}

}  // namespace

std::string merge_help() {
  std::ostringstream out;
  out << "Usage: concsim merge DIR... --out DIR\n\n"
         "Collects the point files of the shard directories of one sweep (`concsim sweep ...\n"
         "--shard K/N`) into the --out directory and writes the report there, the same bytes as\n"
         "the sweep run unsharded. Every point must be in one of the directories.\n\n";
  out << merge_options();
  return out.str();
}

int cmd_merge(const std::vector<std::string>& args) {
  const po::variables_map vm = parse(args, merge_options(), "merge", -1, "DIR",
                                       ": the sweep directories to merge (concsim merge DIR... --out DIR)");
  if (!vm.count("out")) throw UsageError{"missing --out DIR: where the merged sweep goes", "merge"};
  const std::string out = vm["out"].as<std::string>();
  return guarded([&] {
    const std::size_t n = sweep::merge_sweeps(files(vm), out);
    std::cerr << "concsim: merged " << n << " points from " << files(vm).size() << " directories into " << out
              << "; report in " << (std::filesystem::path(out) / "report.md").string() << '\n';
    return kOk;
  });
}

}  // namespace concsim::cli
