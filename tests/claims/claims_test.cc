// `concsim claims`: the committed reports/claims.md is byte for byte what the
// command generates, every claim passes, the JSON lists the 18 claims with
// the right keys, and a check fed a wrong figure fails.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/claims/claims.h"
#include "app/claims/text.h"

namespace concsim::claims {
namespace {

std::string bin() {
  const char* b = std::getenv("CONCSIM_BIN");
  return b != nullptr ? b : "build/app/concsim";
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Just enough JSON to read the command's output: a value is an object, an
// array, a string, true, false or null (numbers do not occur).
struct Json {
  enum class Kind { kObject, kArray, kString, kBool, kNull } kind = Kind::kNull;
  std::vector<std::pair<std::string, Json>> members;  // in order
  std::vector<Json> items;
  std::string text;
  bool boolean = false;
};

class JsonReader {
 public:
  explicit JsonReader(std::string s) : s_(std::move(s)) {}

  Json document() {
    Json v = value();
    space();
    if (pos_ != s_.size()) fail("trailing text");
    return v;
  }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  void fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at byte " + std::to_string(pos_);
    pos_ = s_.size();
  }
  void space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_])) != 0) ++pos_;
  }
  bool take(char c) {
    space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string string() {
    std::string out;
    if (!take('"')) fail("expected a string");
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c == '\\' && pos_ < s_.size()) {
        const char e = s_[pos_++];
        c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
        if (e == 'u') {
          pos_ += 4;  // control characters only; none is expected here
          c = '?';
        }
      }
      out.push_back(c);
    }
    if (!take('"')) fail("unterminated string");
    return out;
  }
  Json value() {
    Json v;
    space();
    if (take('{')) {
      v.kind = Json::Kind::kObject;
      if (take('}')) return v;
      do {
        std::string k = string();
        if (!take(':')) fail("expected ':'");
        v.members.emplace_back(std::move(k), value());
      } while (take(','));
      if (!take('}')) fail("expected '}'");
    } else if (take('[')) {
      v.kind = Json::Kind::kArray;
      if (take(']')) return v;
      do {
        v.items.push_back(value());
      } while (take(','));
      if (!take(']')) fail("expected ']'");
    } else if (pos_ < s_.size() && s_[pos_] == '"') {
      v.kind = Json::Kind::kString;
      v.text = string();
    } else if (s_.compare(pos_, 4, "true") == 0 || s_.compare(pos_, 5, "false") == 0) {
      v.kind = Json::Kind::kBool;
      v.boolean = s_[pos_] == 't';
      pos_ += v.boolean ? 4 : 5;
    } else if (s_.compare(pos_, 4, "null") == 0) {
      pos_ += 4;
    } else {
      fail("unexpected character");
    }
    return v;
  }

  std::string s_;
  std::size_t pos_ = 0;
  std::string error_;
};

// `concsim claims` judges; it is not a test that must pass. What must hold:
// the committed report is what the command generates, every claim has a
// verdict with its figures, and the exit code is 1 exactly when a claim is
// judged false.
TEST(Claims, TheCommittedReportIsWhatTheCommandGeneratesAndEveryClaimIsJudged) {
  const auto dir = std::filesystem::temp_directory_path() / ("concsim-claims-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string json_path = (dir / "claims.json").string();
  const std::string cmd = bin() + " claims --format json --out-dir " + dir.string() + " >" + json_path + " 2>" +
                          (dir / "err").string();
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_LE(WEXITSTATUS(status), 1) << "the command failed:\n" << slurp(dir / "err");

  // Byte for byte: every figure in the committed report is a run's, so a
  // change to a model or a workload that moves one must regenerate it.
  const std::string generated = slurp(dir / "claims.md");
  ASSERT_FALSE(generated.empty());
  EXPECT_EQ(generated, slurp("reports/claims.md"))
      << "reports/claims.md is stale: run `concsim claims` from the repository's top folder and commit it";

  JsonReader reader(slurp(json_path));
  const Json doc = reader.document();
  ASSERT_EQ(reader.error(), "");
  ASSERT_EQ(doc.kind, Json::Kind::kArray);
  ASSERT_EQ(doc.items.size(), 18u);
  const std::vector<std::string> keys{"id", "claim", "expected", "measured", "pass", "verdict", "condition"};
  bool any_false = false;
  for (std::size_t i = 0; i < doc.items.size(); ++i) {
    const Json& c = doc.items[i];
    ASSERT_EQ(c.kind, Json::Kind::kObject);
    std::vector<std::string> got;
    for (const auto& [k, v] : c.members) got.push_back(k);
    ASSERT_EQ(got, keys) << "entry " << i;
    EXPECT_EQ(c.members[0].second.text, "S" + std::to_string(i + 1));
    for (std::size_t k = 0; k < 4; ++k) {
      EXPECT_EQ(c.members[k].second.kind, Json::Kind::kString);
      EXPECT_FALSE(c.members[k].second.text.empty()) << c.members[0].second.text << " " << keys[k];
    }
    ASSERT_EQ(c.members[4].second.kind, Json::Kind::kBool);
    const std::string& verdict = c.members[5].second.text;
    ASSERT_TRUE(verdict == "pass" || verdict == "conditional" || verdict == "fail") << verdict;
    EXPECT_EQ(c.members[4].second.boolean, verdict != "fail");
    // A conditional verdict names its condition; the others have none.
    EXPECT_EQ(c.members[6].second.text.empty(), verdict != "conditional") << c.members[0].second.text;
    any_false = any_false || verdict == "fail";
  }
  EXPECT_EQ(WEXITSTATUS(status), any_false ? 1 : 0);
  std::filesystem::remove_all(dir);
}

// A check judges what the runs show: the same check passes on the true run
// and fails on a run whose figure was changed.
TEST(Claims, AWrongFigureFails) {
  Runs honest(find_root());
  ASSERT_TRUE(find_claim("S5").check(honest).pass);
  ASSERT_TRUE(find_claim("S10").check(honest).pass);

  Runs perturbed(find_root());
  perturbed.set_perturbation([](const std::string& file, run::RunOutput& r) {
    // gather takes the sum, not the max.
    if (file.find("gather.yaml") != std::string::npos) r.end_time = 2'300'000'000;
    // Threads that never lose an update.
    if (file.find("atomic_between_awaits") != std::string::npos && r.model == "threads") {
      for (auto& [name, value] : r.shared) {
        if (name == "counter") value = "1000";
      }
    }
  });
  const Check s5 = find_claim("S5").check(perturbed);
  EXPECT_FALSE(s5.pass);
  EXPECT_NE(s5.measured.find("end: 2.3s (differs)"), std::string::npos) << s5.measured;
  EXPECT_EQ(s5.expected, find_claim("S5").check(honest).expected);  // the claim's figures do not move
  const Check s10 = find_claim("S10").check(perturbed);
  EXPECT_FALSE(s10.pass);
  EXPECT_NE(s10.measured.find("1000 of 1000 (differs)"), std::string::npos) << s10.measured;
}

TEST(Claims, ALectureStackThatIsNotOneMebibyteFails) {
  Runs perturbed(find_root());
  perturbed.set_perturbation([](const std::string& file, run::RunOutput& r) {
    if (file.find("s1_stacks") != std::string::npos && r.machine == "lecture") {
      r.metrics.memory.by_kind["stacks.resident"] /= 8;  // 128 KiB stacks
    }
  });
  const Check s1 = find_claim("S1").check(perturbed);
  EXPECT_FALSE(s1.pass);
  EXPECT_NE(s1.measured.find("1,250 MiB"), std::string::npos) << s1.measured;
}

TEST(Claims, TheReportShowsFailuresAndEscapesMarkdown) {
  std::vector<Result> results{
      {"S1", "a | b\nc", Check{"x: 1", "x: 2 (differs)", false, {}, {}}},
      {"S2", "d", Check{"y: 1", "y: 1", true, {Table{"t|t", {"h"}, {{"1|2"}}}}, {}}},
  };
  EXPECT_FALSE(all_pass(results));
  const std::string md = render_markdown(results);
  EXPECT_NE(md.find("| S1 | a \\| b<br>c | x: 1 | x: 2 (differs) | FAIL |"), std::string::npos) << md;
  EXPECT_NE(md.find("| S2 | d | y: 1 | y: 1 | PASS |"), std::string::npos) << md;
  EXPECT_NE(md.find("## t\\|t"), std::string::npos) << md;
  EXPECT_NE(md.find("| 1\\|2 |"), std::string::npos) << md;
  EXPECT_NE(md.find("**2 claims: 1 pass, 1 fail.**"), std::string::npos) << md;
  const std::string text = render_text(results);
  EXPECT_NE(text.find("S1   FAIL  a | b"), std::string::npos) << text;
  EXPECT_NE(text.find("2 claims: 1 pass, 1 fail"), std::string::npos) << text;
}

// A claim whose rule holds but whose runs show it true only under a
// condition is neither passed nor failed: the report says which condition.
TEST(Claims, AConditionalClaimIsReportedWithItsCondition) {
  Figures f;
  f.rule("climb", "rises", "rises", true);
  f.qualifier("cause", "the threads", "queueing", false, "Only where the threads cost more than the queue.");
  const Check c = f.check();
  EXPECT_TRUE(c.pass);
  EXPECT_EQ(verdict_of(c), Verdict::kConditional);
  EXPECT_EQ(c.condition, "Only where the threads cost more than the queue.");
  EXPECT_NE(c.measured.find("cause: queueing (differs)"), std::string::npos) << c.measured;
  const std::vector<Result> results{{"S2", "d", c}};
  EXPECT_TRUE(all_pass(results));  // not judged false
  const std::string md = render_markdown(results);
  EXPECT_NE(md.find("| CONDITIONAL |"), std::string::npos) << md;
  EXPECT_NE(md.find("## Claims true only under a condition\n\n- **S2**: Only where the threads cost more than the "
                    "queue."),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("**1 claims: 0 pass, 1 true only under a condition, 0 fail.**"), std::string::npos) << md;
  const std::string text = render_text(results);
  EXPECT_NE(text.find("S2   CONDITIONAL  d"), std::string::npos) << text;
  EXPECT_NE(text.find("only if   Only where"), std::string::npos) << text;
  EXPECT_NE(render_json(results).find("\"verdict\": \"conditional\""), std::string::npos) << render_json(results);
  // The same qualifier, met: a plain pass.
  Figures g;
  g.qualifier("cause", "the threads", "the threads", true, "unused");
  EXPECT_EQ(verdict_of(g.check()), Verdict::kPass);
}

// The claims live in the repository: configs/claims/README.md states every
// claim the command judges and the published figures the papers' workloads
// are compared with, and nothing points outside the repository for them.
TEST(Claims, TheClaimsAndTheirFiguresAreInTheRepository) {
  const std::string doc = slurp("configs/claims/README.md");
  ASSERT_FALSE(doc.empty());
  for (int id = 1; id <= 18; ++id) {
    EXPECT_NE(doc.find("\n| S" + std::to_string(id) + " | "), std::string::npos) << "S" << id;
  }
  // SEDA figure 2 as published, the same figures the workload compares
  // with (its sweep.published points, in thread order).
  const std::string fig2 = slurp("configs/papers/seda-2001-fig2.yaml");
  std::string points;  // "{1:12899,2:18361,...,1024:2836}"
  for (std::size_t i = fig2.find("points: {") + 8; i < fig2.size() && (points.empty() || points.back() != '}'); ++i) {
    if (!std::isspace(static_cast<unsigned char>(fig2[i]))) points += fig2[i];
  }
  std::string row = doc.substr(doc.find("| tasks/s |") + 11);
  row = row.substr(0, row.find('\n'));
  std::string expected = "{";
  std::size_t at = 0;
  for (const char* threads : {"1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "1024"}) {
    const std::size_t end = row.find('|', at);
    std::string published = row.substr(at, end - at);
    published.erase(std::remove_if(published.begin(), published.end(),
                                   [](char c) { return c == ',' || c == ' '; }),
                    published.end());
    at = end + 1;
    expected += std::string(expected.size() > 1 ? "," : "") + threads + ":" + published;
  }
  EXPECT_EQ(points, expected + "}");
  // No file of the repository sends a reader outside it for the claims.
  const std::string outside = std::string("..") + "/shared/";
  for (const char* dir : {"app", "configs", "models", "sim", "tests", "tools"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      EXPECT_EQ(slurp(e.path()).find(outside), std::string::npos) << e.path();
    }
  }
  EXPECT_EQ(slurp("README.md").find(outside), std::string::npos);
}

}  // namespace
}  // namespace concsim::claims
