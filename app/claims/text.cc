#include "app/claims/text.h"

#include <cstdlib>

#include "app/report/json.h"

namespace concsim::claims {

std::string thousands(std::int64_t n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string duration(sim::Duration d) {
  // format_duration writes zero as "0ns"; a figure of none reads better as 0s.
  return d == 0 ? "0s" : sim::format_duration(d);
}

std::string in_unit(std::int64_t bytes, std::int64_t unit, int decimals, const char* name) {
  std::string number = report::fixed(bytes, unit, decimals);
  // Trailing zeros say nothing: 8.0 KiB is 8 KiB.
  if (number.find('.') != std::string::npos) {
    while (number.back() == '0') number.pop_back();
    if (number.back() == '.') number.pop_back();
  }
  const std::size_t dot = number.find('.');
  const std::string whole = number.substr(0, dot);
  std::string out = whole.empty() || whole == "-" ? whole : thousands(std::stoll(whole));
  if (dot != std::string::npos) out.append(number, dot, std::string::npos);
  out.push_back(' ');
  out.append(name);
  return out;
}

std::string bytes(std::int64_t b) { return in_unit(b, 1, 0, "B"); }
std::string kib(std::int64_t b) { return in_unit(b, 1024, 1, "KiB"); }
std::string mib(std::int64_t b) { return in_unit(b, std::int64_t{1} << 20, 1, "MiB"); }
std::string gb(std::int64_t b) { return in_unit(b, 1'000'000'000, 2, "GB"); }

std::string percent(std::int64_t num, std::int64_t den) {
  std::string out = report::ratio(num * 100, den, 1);
  out.push_back('%');
  return out;
}

std::int64_t per(std::int64_t total, std::int64_t units) { return units > 0 ? (total + units / 2) / units : 0; }

bool approx(std::int64_t value, std::int64_t target) {
  // configs/claims/README.md writes "~" for figures measured on real machines, which vary by
  // a few percent between runs and kernels: 10% either side.
  return std::llabs(value - target) * 10 <= std::llabs(target);
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

Figures& Figures::exact(const std::string& label, const std::string& expected, const std::string& measured) {
  return rule(label, expected, measured, expected == measured);
}

Figures& Figures::rule(const std::string& label, const std::string& expected, const std::string& measured,
                       bool pass) {
  std::string e = label;
  e.append(": ").append(expected);
  std::string m = label;
  m.append(": ").append(measured);
  if (!pass) m.append(" (differs)");
  expected_.push_back(std::move(e));
  measured_.push_back(std::move(m));
  pass_ = pass_ && pass;
  return *this;
}

Figures& Figures::qualifier(const std::string& label, const std::string& expected, const std::string& measured,
                            bool holds, const std::string& condition) {
  std::string e = label;
  e.append(": ").append(expected);
  std::string m = label;
  m.append(": ").append(measured);
  if (!holds) {
    m.append(" (differs)");
    conditions_.push_back(condition);
  }
  expected_.push_back(std::move(e));
  measured_.push_back(std::move(m));
  return *this;
}

Figures& Figures::require(bool ok, const std::string& why) {
  if (!ok) {
    unmet_.push_back(why);
    pass_ = false;
  }
  return *this;
}

Figures& Figures::completed(const run::RunOutput& r) {
  std::string why = r.workload;
  why.append(" ").append(r.status);
  if (!r.detail.empty()) why.append(": ").append(r.detail);
  return require(r.status == "completed" && r.exit_code == 0, why);
}

Figures& Figures::table(Table t) {
  tables_.push_back(std::move(t));
  return *this;
}

Check Figures::check() const {
  Check c;
  c.expected = join(expected_, "; ");
  c.measured = join(measured_, "; ");
  if (!unmet_.empty()) {
    c.measured.append(c.measured.empty() ? "" : "; ").append("run did not complete: ").append(join(unmet_, "; "));
  }
  c.pass = pass_;
  c.tables = tables_;
  c.condition = join(conditions_, " ");
  return c;
}

}  // namespace concsim::claims
