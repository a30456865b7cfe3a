#include "app/load/suggest.h"

#include <gtest/gtest.h>

namespace concsim::load {
namespace {

TEST(EditDistance, Basics) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", "abc"), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("thinktime", "think_time"), 1u);
}

TEST(EditDistance, TranspositionCostsOne) {
  EXPECT_EQ(edit_distance("clinets", "clients"), 1u);
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
  // Unrestricted Damerau-Levenshtein: swap "ca" to "ac", then insert "b".
  // The restricted (optimal string alignment) variant would say 3.
  EXPECT_EQ(edit_distance("ca", "abc"), 2u);
}

TEST(Suggest, CloseCandidate) {
  EXPECT_EQ(suggest("clinets", {"machine", "clients"}), "clients");
  EXPECT_EQ(suggest("thinktime", {"count", "think_time"}), "think_time");
}

TEST(Suggest, NothingCloseGivesEmpty) {
  EXPECT_EQ(suggest("zebra", {"machine", "clients"}), "");
  EXPECT_EQ(suggest("x", {}), "");
}

TEST(Suggest, ThresholdIsMaxOfOneAndAThirdOfTheLength) {
  // "timeout" has 7 letters: up to 2 edits qualify, 3 do not.
  EXPECT_EQ(suggest("tmeot", {"timeout"}), "timeout");
  EXPECT_EQ(suggest("tmot", {"timeout"}), "");
  // Two letters still allow one edit.
  EXPECT_EQ(suggest("ax", {"ab"}), "ab");
  EXPECT_EQ(suggest("xy", {"ab"}), "");
}

TEST(Suggest, TiesGoToTheEarlierChoice) {
  EXPECT_EQ(suggest("cat", {"bat", "cap"}), "bat");
  EXPECT_EQ(suggest("cat", {"cap", "bat"}), "cap");
  // A closer later choice still wins: 2 edits to "catsxx", 1 to "cats_".
  EXPECT_EQ(suggest("cats", {"catsxx", "cats_"}), "cats_");
}

}  // namespace
}  // namespace concsim::load
