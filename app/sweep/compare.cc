#include "app/sweep/compare.h"

#include <algorithm>

#include "app/load/suggest.h"
#include "app/report/json.h"
#include "app/sweep/decimal.h"
#include "app/sweep/definition.h"

namespace concsim::sweep {

const Tolerance* tolerance_for(const std::string& metric, const std::vector<Tolerance>& tolerances) {
  // The last one given for the metric wins, then the last "*".
  const Tolerance* any = nullptr;
  const Tolerance* exact = nullptr;
  for (const Tolerance& t : tolerances) {
    if (t.metric == metric) exact = &t;
    if (t.metric == "*") any = &t;
  }
  return exact != nullptr ? exact : any;
}

std::string ppm_text(std::int64_t ppm) {
  // ppm / 10^4 percent, trailing zeros dropped.
  std::string s = report::fixed(ppm, 10'000, 4);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s + "%";
}

Tolerance parse_tolerance(const std::string& text, const std::vector<std::string>& metrics) {
  const std::size_t eq = text.find('=');
  const std::string bad = "--tolerance \"" + text + "\": ";
  if (eq == std::string::npos || eq == 0) throw InputError(bad + "expected METRIC=PERCENT%, e.g. latency_p99_ns=5%");
  Tolerance t;
  t.metric = text.substr(0, eq);
  std::string value = text.substr(eq + 1);
  if (value.empty() || value.back() != '%') {
    throw InputError(bad + "expected a percentage ending in %, e.g. 5% or 0.5%");
  }
  value.pop_back();
  const std::optional<Decimal> d = parse_decimal(value);
  if (!d || d->mantissa < 0 || d->scale > 4 || value.find('_') != std::string::npos || value[0] == '+') {
    throw InputError(bad + "expected a percentage >= 0 with at most 4 decimals, e.g. 5% or 0.25%");
  }
  // percent * 10^4 = ppm.
  std::int64_t ppm = d->mantissa;
  for (int i = d->scale; i < 4; ++i) {
    if (ppm > 1'000'000'000'000LL) throw InputError(bad + "the percentage is too large");
    ppm *= 10;
  }
  t.ppm = ppm;
  if (t.metric != "*" && std::find(metrics.begin(), metrics.end(), t.metric) == metrics.end()) {
    const std::string s = load::suggest(t.metric, metrics);
    throw InputError(bad + "unknown metric \"" + t.metric + "\"" +
                     (s.empty() ? std::string("; the metrics are the columns of `concsim run --format csv`, or * "
                                              "for all")
                                : "; did you mean \"" + s + "\"?"));
  }
  return t;
}

std::vector<Difference> compare_metrics(const std::string& point,
                                        const std::vector<std::pair<std::string, std::string>>& base,
                                        const std::vector<std::pair<std::string, std::string>>& now,
                                        const std::vector<Tolerance>& tolerances) {
  std::vector<Difference> out;
  for (const auto& [metric, was] : base) {
    const std::string* is = nullptr;
    for (const auto& [m, v] : now) {
      if (m == metric) is = &v;
    }
    const Tolerance* t = tolerance_for(metric, tolerances);
    const std::int64_t ppm = t != nullptr ? t->ppm : 0;
    Difference d{metric, point, was, is != nullptr ? *is : "(missing)", "", ppm_text(ppm), false};
    if (is == nullptr) {
      d.change = "missing";
      d.over = true;
      out.push_back(std::move(d));
      continue;
    }
    if (*is == was) continue;
    const std::optional<Decimal> a = parse_decimal(was);
    const std::optional<Decimal> b = parse_decimal(*is);
    if (a && b) {
      if (compare(*a, *b) == 0) continue;  // "1.0" and "1.00"
      d.change = percent_change(*a, *b);
      d.over = exceeds(*a, *b, ppm);
    } else {
      d.change = "changed";
      d.over = true;
    }
    out.push_back(std::move(d));
  }
  // A figure the run has and the baseline lacks was never checked: a
  // baseline that does not cover the run fails, whatever the tolerance.
  for (const auto& m : now) {
    const bool known = std::any_of(base.begin(), base.end(), [&](const auto& b) { return b.first == m.first; });
    if (known) continue;
    const Tolerance* t = tolerance_for(m.first, tolerances);
    out.push_back(Difference{m.first, point, "(missing)", m.second, "not in baseline",
                             ppm_text(t != nullptr ? t->ppm : 0), true});
  }
  return out;
}

}  // namespace concsim::sweep
