// The Unicode properties and case mappings of CPython 3.11's str methods
// (Unicode 14.0.0), as tables generated from Python itself
// (gen_unicode_db.py writes unicode_db.cc). ASCII is not in the tables:
// the library handles it inline. Lookups are in ops_str.cc (uc_*).
#pragma once

#include <cstdint>

namespace concsim::vm::unicode {

// What str's predicates say of one character.
enum Property : std::uint16_t {
  kAlpha = 1 << 0,
  kDecimal = 1 << 1,
  kDigit = 1 << 2,
  kNumeric = 1 << 3,
  kUpper = 1 << 4,
  kLower = 1 << 5,
  kTitle = 1 << 6,     // category Lt
  kSpace = 1 << 7,
  kPrintable = 1 << 8,
  kCased = 1 << 9,
  kCaseIgnorable = 1 << 10,
  kIdStart = 1 << 11,     // XID_Start
  kIdContinue = 1 << 12,  // XID_Continue
};

// From `first` on (to the next run), the characters have `flags`.
struct PropertyRun {
  char32_t first;
  std::uint16_t flags;
};
// Characters first, first + stride, ... last map to themselves plus delta:
// upper, lower, title, casefold.
struct CaseRun {
  char32_t first;
  char32_t last;
  int stride;
  std::int32_t delta[4];
};
// A character whose mappings are not all one character (ß -> SS).
struct SpecialCase {
  char32_t cp;
  const char32_t* map[4];
};

extern const PropertyRun kPropertyRuns[];
extern const int kPropertyRunCount;
extern const char32_t kDecimalZeros[];
extern const int kDecimalZeroCount;
extern const CaseRun kCaseRuns[];
extern const int kCaseRunCount;
extern const SpecialCase kSpecialCases[];
extern const int kSpecialCaseCount;

}  // namespace concsim::vm::unicode
