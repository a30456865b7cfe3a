// Figures as text, and the record of a check's figures.
//
// Everything here is integer arithmetic or exact decimal formatting, so a
// report is byte-identical wherever it is generated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/claims/claims.h"
#include "sim/time.h"

namespace concsim::claims {

// 10000 -> "10,000".
std::string thousands(std::int64_t n);
// sim::format_duration: "950ms", "1.2s", "54.92us".
std::string duration(sim::Duration d);
// Bytes in a unit of `unit` bytes, rounded to `decimals` digits with trailing
// zeros dropped and thousands grouped: in_unit(10485760000, 1 << 20, 1, "MiB")
// is "10,000 MiB".
std::string in_unit(std::int64_t bytes, std::int64_t unit, int decimals, const char* name);
std::string bytes(std::int64_t b);  // "2,200 B"
std::string kib(std::int64_t b);    // "8.4 KiB"
std::string mib(std::int64_t b);    // "10,000 MiB"
// Decimal gigabytes, as the lecture says "~10 GB": "10.49 GB".
std::string gb(std::int64_t b);
// num / den as a percentage with one decimal: "23.9%".
std::string percent(std::int64_t num, std::int64_t den);
// Rounded integer division, for a per-unit figure.
std::int64_t per(std::int64_t total, std::int64_t units);
// Whether `value` is within 10% of `target`: configs/claims/README.md's "~".
[[nodiscard]] bool approx(std::int64_t value, std::int64_t target);

std::string join(const std::vector<std::string>& parts, const std::string& separator);
[[nodiscard]] bool starts_with(const std::string& s, const std::string& prefix);

// A check's figures, each with its label, the claim's value, the run's value
// and a verdict. The expected text lists the labels with the claim's values,
// the measured text the same labels with the runs' values; the check passes
// when every figure and every requirement does.
class Figures {
 public:
  // Passes when the run's value is exactly the claim's: the lecture figures.
  Figures& exact(const std::string& label, const std::string& expected, const std::string& measured);
  // Passes by a rule the caller evaluated.
  Figures& rule(const std::string& label, const std::string& expected, const std::string& measured, bool pass);
  // A figure that decides whether the claim holds as stated or only under a
  // condition: when `holds` is false the claim does not fail, it becomes
  // conditional on `condition` (a sentence for the report).
  Figures& qualifier(const std::string& label, const std::string& expected, const std::string& measured, bool holds,
                     const std::string& condition);
  // A condition the figures rely on (the run completed): silent when met,
  // shown in the measured text and failing the check when not.
  Figures& require(bool ok, const std::string& why);
  // The run completed without a failure of its own.
  Figures& completed(const run::RunOutput& r);
  Figures& table(Table t);

  [[nodiscard]] Check check() const;

 private:
  std::vector<std::string> expected_;
  std::vector<std::string> measured_;
  std::vector<std::string> unmet_;
  std::vector<Table> tables_;
  std::vector<std::string> conditions_;
  bool pass_ = true;
};

}  // namespace concsim::claims
