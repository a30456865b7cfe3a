// concsim claims: runs every claim of configs/claims/README.md, prints the table
// and writes reports/claims.md.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "app/claims/claims.h"
#include "app/cli/command.h"

namespace concsim::cli {
namespace {

po::options_description claims_options() {
  po::options_description d("Options");
  d.add_options()
      ("format", po::value<std::string>()->default_value("table"), "table | json")
      ("out-dir", po::value<std::string>()->default_value("reports"),
       "DIR: write DIR/claims.md (default: reports/ under the current directory)");
  return d;
}

}  // namespace

std::string claims_help() {
  std::ostringstream out;
  out << "Usage: concsim claims [OPTIONS]\n\n"
         "Runs every claim of configs/claims/README.md (S1-S18): each claim's workloads (configs/claims/,\n"
         "configs/lectures/) are run, the measured figures computed from the runs and compared with\n"
         "the claim's by a rule. Prints id, verdict (PASS, CONDITIONAL: true only under a condition\n"
         "the report names, or FAIL), claim, expected and measured, writes DIR/claims.md, and exits 1\n"
         "if a claim is judged false.\n\n";
  out << claims_options();
  return out.str();
}

int cmd_claims(const std::vector<std::string>& args) {
  const po::variables_map vm = parse(args, claims_options(), "claims", 0);
  const std::string format = vm["format"].as<std::string>();
  if (format != "table" && format != "json") {
    throw UsageError{"--format must be table or json, got \"" + format + "\"", "claims"};
  }
  claims::Runs runs(claims::find_root());
  const std::vector<claims::Result> results = claims::check_all(runs);

  const std::filesystem::path dir = vm["out-dir"].as<std::string>();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "concsim: cannot create " << dir.string() << ": " << ec.message() << '\n';
    return kFailed;
  }
  const std::string report = (dir / "claims.md").string();
  if (!write_output(report, claims::render_markdown(results))) return kFailed;

  std::cout << (format == "json" ? claims::render_json(results) : claims::render_text(results)) << std::flush;
  std::cerr << "concsim: wrote " << report << '\n';
  return claims::all_pass(results) ? kOk : kFailed;
}

}  // namespace concsim::cli
