// Determinism as a guarantee (README, "Determinism"): the same binary,
// workload and seed give byte-identical output. Fifty seeds of a small
// randomised workload (exponential I/O and think times), each run twice
// through the concsim binary, must give the same JSON bytes; and different
// seeds must give different runs, or the test would prove nothing.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/reliability/child.h"

namespace concsim::testing {
namespace {

std::string run_json(const std::string& model, int seed) {
  const ChildResult r = run_child({"run", "configs/default.yaml", "--model", model, "--connections", "20",
                                   "--set", "server.requests=2", "--seed", std::to_string(seed), "--format",
                                   "json"},
                                  120, 0);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(r.out.empty());
  return r.out;
}

void check_model(const std::string& model, int seeds) {
  std::set<std::string> distinct;
  for (int seed = 1; seed <= seeds; ++seed) {
    SCOPED_TRACE(model + " seed " + std::to_string(seed));
    const std::string a = run_json(model, seed);
    const std::string b = run_json(model, seed);
    ASSERT_EQ(a, b);
    EXPECT_NE(a.find("\"seed\": " + std::to_string(seed)), std::string::npos);
    distinct.insert(a);
  }
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(seeds)) << "seeds that give the same run";
}

TEST(Determinism, FiftySeedsTwiceOnTheEventLoop) { check_model("async", 50); }

TEST(Determinism, TenSeedsTwiceOnThreads) { check_model("threads", 10); }

}  // namespace
}  // namespace concsim::testing
