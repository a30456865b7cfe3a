// `concsim claims`: every claim of configs/claims/README.md (S1-S18), run and
// judged.
//
// Each claim has a check: it runs workload files (configs/claims/ and the
// lecture library, configs/lectures/), computes the measured figures from
// the runs' outputs, and compares them with the figures configs/claims/README.md expects by
// a rule written in code. Expected figures are constants taken from
// configs/claims/README.md's text; measured ones only ever come from a RunOutput, so every
// figure in the printed table and in reports/claims.md is a run's.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/run/runner.h"

namespace concsim::claims {

// A table of figures that a claim adds to the report: S2's sweeps, S17's
// comparison. Every cell holding a number comes from a run.
struct Table {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// What a claim's check found. The verdict is FAIL when the rule does not
// hold, CONDITIONAL when it holds but the runs show it true only under a
// condition (`condition` says which), PASS otherwise.
struct Check {
  std::string expected;  // the claim's figures, from configs/claims/README.md
  std::string measured;  // the same figures, from the runs
  bool pass = false;     // the verdict of the claim's rule
  std::vector<Table> tables;
  std::string condition;  // when it passes: the condition it needs, or "" (true as stated)
};

enum class Verdict { kPass, kConditional, kFail };
[[nodiscard]] Verdict verdict_of(const Check& c);
const char* to_string(Verdict v);  // "PASS", "CONDITIONAL", "FAIL"

// Runs workload files and keeps their outputs, so that claims sharing a run
// (S17 reuses S1's, S8's and S10's) pay for it once.
class Runs {
 public:
  // Workload files are named relative to `root`, the repository's top folder.
  explicit Runs(std::string root);

  // The output of `file` (relative to the root) with `overrides` applied as
  // by --set. Load errors are thrown as load::ConfigError: a claims file that
  // does not load is a bug of the project, not a claim that fails.
  const run::RunOutput& get(const std::string& file, const std::vector<std::string>& overrides,
                            const run::RunOptions& options);
  // As get, without a trace: big runs go faster and need none.
  const run::RunOutput& get(const std::string& file, const std::vector<std::string>& overrides = {});
  // As get, with the trace and spans recorded up to the default limit.
  const run::RunOutput& recorded(const std::string& file, const std::vector<std::string>& overrides = {});

  // `relative` under the root.
  [[nodiscard]] std::string path(const std::string& relative) const;

  // For tests: changes every run's output right after the run, before any
  // check sees it, so that a test can show that a wrong figure fails.
  void set_perturbation(std::function<void(const std::string& file, run::RunOutput&)> perturb) {
    perturb_ = std::move(perturb);
  }

 private:
  std::string root_;
  std::map<std::string, std::unique_ptr<run::RunOutput>> cache_;
  std::function<void(const std::string& file, run::RunOutput&)> perturb_;
};

// The repository's top folder: the current directory when it holds
// configs/claims, else the source tree concsim was built from.
std::string find_root();

struct Claim {
  const char* id;     // "S1"
  const char* claim;  // the claim as configs/claims/README.md states it
  Check (*check)(Runs& runs);
};

// S1 to S18, in order.
const std::vector<Claim>& all_claims();
// The claim with that id; throws std::out_of_range for an unknown one.
const Claim& find_claim(const std::string& id);

struct Result {
  std::string id;
  std::string claim;
  Check check;
};

// Runs every claim's check, in order.
std::vector<Result> check_all(Runs& runs);
// No claim is judged false (a conditional one is not).
[[nodiscard]] bool all_pass(const std::vector<Result>& results);

// The table for a terminal: each claim's id, verdict, claim, expected and
// measured figures, then the claims' own tables.
std::string render_text(const std::vector<Result>& results);
// A list of {id, claim, expected, measured, pass, verdict, condition}:
// verdict "pass", "conditional" or "fail"; pass is false only for "fail".
std::string render_json(const std::vector<Result>& results);
// reports/claims.md.
std::string render_markdown(const std::vector<Result>& results);

}  // namespace concsim::claims
