#include "tools/papers/study.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "app/load/machine.h"
#include "app/load/units.h"
#include "app/load/workload.h"
#include "app/report/svg.h"
#include "app/run/runner.h"
#include "app/sweep/definition.h"
#include "models/metrics.h"
#include "models/threads/ablation.h"

namespace concsim::papers {
namespace {

using report::fixed_decimal;

bool is_duration(const std::string& key) {
  return key.rfind("costs.", 0) == 0 || key == "cache.private_hit" || key == "cache.shared_hit" ||
         key == "cache.memory" ||
         (key.rfind("scheduler.", 0) == 0 && key != "scheduler.policy" && key != "scheduler.pick" &&
          key != "scheduler.runqueue_lock");
}

bool is_count(const std::string& key) {
  return key.find("_ways") != std::string::npos || key == "cache.misses_in_flight" || key == "limits.max_threads" ||
         key == "limits.max_map_count" || key == "limits.mappings_per_thread";
}

std::string format_value(const std::string& key, std::int64_t v) {
  if (is_duration(key)) return load::format_duration_exact(v);
  if (is_count(key)) return std::to_string(v);
  return load::format_size(v);
}

std::string pct(double e) {
  std::string s = e >= 0 ? "+" : "";
  s.append(fixed_decimal(e * 100, 1));
  s.append(" %");
  return s;
}
std::string points_pct(double d) {  // a change of an error, in percentage points
  std::string s = d >= 0 ? "+" : "";
  s.append(fixed_decimal(d * 100, 1));
  s.append(" pp");
  return s;
}

// A Markdown table cell: a '|' would end it.
std::string cell(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c != '\n' && c != '\r') {
      out += c;
    }
  }
  return out;
}

struct Job {
  std::string study, variant, point;
  std::vector<std::string> overrides;
  const models::MachineProfile* profile;
};

}  // namespace

std::vector<Estimate> estimated_values(const models::MachineProfile& profile) {
  std::vector<Estimate> out;
  models::MachineProfile copy = profile;
  for (const auto& [key, source] : profile.sources) {
    const bool estimate = source.rfind("estimate", 0) == 0 || source.find("sensitivity") != std::string::npos;
    if (!estimate) continue;
    const std::int64_t* v = load::numeric_value(copy, key);
    if (v == nullptr) continue;
    out.push_back(Estimate{key, format_value(key, *v), source});
  }
  return out;
}

StudyResult run_study(const StudyInput& in) {
  load::Document doc = load::Document::load_file(in.workload);
  for (const std::string& o : in.overrides) doc.apply_override(o);
  const load::Workload base = load::load_workload(doc);
  const sweep::SweepSection section = sweep::read_sweep_section(doc.root());
  if (!section.published) throw std::runtime_error(in.workload + ": the workload has no sweep.published figures");
  const sweep::Published& pub = *section.published;
  if (pub.metric != "throughput_per_s") {
    throw std::runtime_error(in.workload + ": the study measures throughput_per_s, not " + pub.metric);
  }
  StudyResult r;
  r.workload_name = base.name;
  r.machine = base.machine;
  r.published_source = pub.source;
  r.key = pub.key;
  r.metric = pub.metric;
  std::map<std::string, double> published;
  for (const auto& [point, figure] : pub.points) {
    r.points.push_back(point);
    published[point] = std::stod(figure);
  }
  const models::MachineProfile profile = load::load_machine(base.machine);
  r.estimates = estimated_values(profile);

  // The profiles of the sensitivity study, one per estimate and factor;
  // a factor that leaves the value where it is (a count at its minimum) is
  // not run.
  std::vector<std::pair<std::string, models::MachineProfile>> variants;
  for (const Estimate& e : r.estimates) {
    for (const double f : in.factors) {
      models::MachineProfile p = profile;
      load::scale_value(p, e.key, f);
      models::MachineProfile unchanged = profile;
      if (*load::numeric_value(p, e.key) == *load::numeric_value(unchanged, e.key)) continue;
      variants.emplace_back(e.key + " x" + fixed_decimal(f, f == std::floor(f) ? 0 : 1), std::move(p));
    }
  }

  std::vector<Job> jobs;
  for (const std::string& m : in.mechanisms) {
    for (const std::string& point : r.points) {
      jobs.push_back(Job{"ablation", m, point, {pub.key + "=" + point, "threads.without=" + m}, &profile});
    }
  }
  for (const auto& [name, p] : variants) {
    for (const std::string& point : in.sensitivity_at) {
      jobs.push_back(Job{"sensitivity", name, point, {pub.key + "=" + point}, &p});
    }
  }
  std::vector<Run> runs(jobs.size());
  std::vector<std::string> errors(jobs.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      const Job& j = jobs[i];
      try {
        load::Document d = load::Document::load_file(in.workload);
        for (const std::string& o : in.overrides) d.apply_override(o);
        for (const std::string& o : j.overrides) d.apply_override(o);
        run::RunOptions options;
        options.record = false;
        options.machine = j.profile;
        const run::RunOutput out = run::run_workload(load::load_workload(d), options);
        if (out.status != "completed") errors[i] = j.variant + " at " + j.point + ": the run ended " + out.status;
        runs[i] = Run{j.study, j.variant, j.point, models::throughput_per_second(out.metrics),
                      published.count(j.point) ? published.at(j.point) : 0};
      } catch (const std::exception& e) {
        errors[i] = j.variant + " at " + j.point + ": " + e.what();
      }
    }
  };
  std::vector<std::thread> helpers;
  for (int k = 1; k < std::max(in.jobs, 1); ++k) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  for (const std::string& e : errors) {
    if (!e.empty()) throw std::runtime_error(in.workload + ": " + e);
  }
  r.runs = std::move(runs);
  return r;
}

StudyFiles render_study(const StudyInput& in, const StudyResult& r) {
  // figure[study/variant][point]
  std::map<std::string, std::map<std::string, double>> fig;
  std::map<std::string, double> published;
  for (const Run& x : r.runs) {
    fig[x.variant][x.point] = x.figure;
    published[x.point] = x.published;
  }
  const auto error = [&](const std::string& variant, const std::string& point) {
    const double p = published.at(point);
    return p != 0 ? (fig.at(variant).at(point) - p) / p : 0.0;
  };
  StudyFiles files;
  std::ostringstream md;
  md << "# " << r.workload_name << ": what makes the prediction, and what it rests on\n\n"
     << "<!-- Generated by tools/papers.sh ablation (concsim-papers study); every figure below comes from its runs. "
        "-->\n\n"
     << "The prediction of `" << in.workload << "` on the `" << r.machine << "` profile, against " << r.published_source
     << ". Overrides of every run: ";
  if (in.overrides.empty()) md << "none";
  for (std::size_t i = 0; i < in.overrides.size(); ++i) md << (i ? ", " : "") << "`" << in.overrides[i] << "`";
  md << " (fewer tasks than the report of the figure itself, so that the study runs in a minute or two: the "
        "reference line here is the model at that length).\n\n";

  // ---- ablation ----
  md << "## Each mechanism switched off in turn\n\n"
        "`threads.without: M` zeroes the profile values of mechanism M (models/threads/ablation.h): `switch` the "
        "direct cost of a switch, `pick` the scheduler's walk, `lock` the run-queue lock, `cache` the cache "
        "model, `futex` the futex calls, `ipi` the cross-core wake-up, `faults` the stack page faults. The "
        "reference (`none`) has all of them. Throughput, "
     << r.metric << ", by " << r.key << ", with the error against the published figure:\n\n";
  md << "| " << r.key << " | published |";
  for (const std::string& m : in.mechanisms) md << " " << (m == "none" ? "all mechanisms" : "without " + m) << " |";
  md << "\n|---|---|";
  for (std::size_t i = 0; i < in.mechanisms.size(); ++i) md << "---|";
  md << "\n";
  for (const std::string& point : r.points) {
    md << "| " << point << " | " << fixed_decimal(published.at(point), 0) << " |";
    for (const std::string& m : in.mechanisms) {
      md << " " << fixed_decimal(fig.at(m).at(point), 0) << " (" << pct(error(m, point)) << ") |";
    }
    md << "\n";
  }
  md << "\nWhat each mechanism makes: the throughput without it, as a multiple of the reference, where it "
        "moves by more than 5 %:\n\n";
  for (const std::string& m : in.mechanisms) {
    if (m == "none") continue;
    std::vector<std::string> moved;
    double biggest = 1;
    std::string at;
    for (const std::string& point : r.points) {
      const double ref = fig.at("none").at(point);
      const double ratio = ref > 0 ? fig.at(m).at(point) / ref : 1;
      if (std::fabs(ratio - 1) > 0.05) moved.push_back(point);
      if (std::fabs(ratio - 1) > std::fabs(biggest - 1)) {
        biggest = ratio;
        at = point;
      }
    }
    md << "- **" << m << "**: ";
    if (moved.empty()) {
      md << "moves no point by more than 5 % (at most x" << fixed_decimal(biggest, 2) << ")";
    } else {
      md << "moves " << r.key << " ";
      for (std::size_t i = 0; i < moved.size(); ++i) md << (i ? ", " : "") << moved[i];
      md << "; most at " << at << ": x" << fixed_decimal(biggest, 2) << " ("
         << (biggest > 1 ? "the mechanism costs that much throughput there" : "the mechanism helps there") << ")";
    }
    md << "\n";
  }
  const auto chart_of = [&](const std::string& title) {
    report::LineChart c;
    c.title = title;
    c.x_label = r.key;
    c.y_label = "tasks per second";
    c.y_scale = report::AxisScale::kLog;
    for (const std::string& p : r.points) c.categories.push_back(p);
    return c;
  };
  const auto line = [&](const std::string& name, const std::vector<std::string>& at, auto value, bool dashed) {
    report::ChartSeries s;
    s.name = name;
    s.dashed = dashed;
    for (std::size_t i = 0; i < r.points.size(); ++i) {
      if (std::find(at.begin(), at.end(), r.points[i]) != at.end()) {
        s.points.emplace_back(static_cast<double>(i), value(r.points[i]));
      }
    }
    return s;
  };
  {
    report::LineChart c = chart_of("Each mechanism switched off in turn");
    c.series.push_back(line("published", r.points, [&](const std::string& p) { return published.at(p); }, true));
    for (const std::string& m : in.mechanisms) {
      c.series.push_back(line(m == "none" ? "all mechanisms" : "without " + m, r.points,
                              [&](const std::string& p) { return fig.at(m).at(p); }, false));
    }
    files.charts.emplace_back("ablation.svg", report::render_line_chart(c));
    md << "\n![Each mechanism switched off in turn](ablation.svg)\n\n";
  }

  // ---- sensitivity ----
  md << "## The values no document gives: each halved and doubled\n\n"
        "Every value of the `"
     << r.machine
     << "` profile whose source is an estimate (or asks for a sensitivity study), multiplied by ";
  for (std::size_t i = 0; i < in.factors.size(); ++i) md << (i ? " and by " : "") << fixed_decimal(in.factors[i], 1);
  md << ", at " << r.key << " ";
  for (std::size_t i = 0; i < in.sensitivity_at.size(); ++i) md << (i ? ", " : "") << in.sensitivity_at[i];
  md << ". The error is the mean of |error| against the published figure over those points; the change is "
        "against the reference, in percentage points, and the largest change at one point is given with it.\n\n";
  double ref_mean = 0;
  for (const std::string& p : in.sensitivity_at) ref_mean += std::fabs(error("none", p));
  ref_mean /= static_cast<double>(std::max<std::size_t>(in.sensitivity_at.size(), 1));
  md << "Reference (every value as the profile gives it): mean |error| " << pct(ref_mean).substr(1) << ".\n\n";
  md << "| value | as given | source |";
  for (const double f : in.factors) md << " x" << fixed_decimal(f, f == std::floor(f) ? 0 : 1) << ": mean \\|error\\| | change | largest at a point |";
  md << "\n|---|---|---|";
  for (std::size_t i = 0; i < in.factors.size(); ++i) md << "---|---|---|";
  md << "\n";
  std::string widest;
  double widest_change = -1;
  for (const Estimate& e : r.estimates) {
    md << "| `" << e.key << "` | " << e.value << " | " << cell(e.source) << " |";
    for (const double f : in.factors) {
      const std::string name = e.key + " x" + fixed_decimal(f, f == std::floor(f) ? 0 : 1);
      if (!fig.count(name)) {
        md << " unchanged (at its least) | | |";
        continue;
      }
      double mean = 0, largest = 0;
      std::string at;
      for (const std::string& p : in.sensitivity_at) {
        mean += std::fabs(error(name, p));
        const double change = error(name, p) - error("none", p);
        if (std::fabs(change) > std::fabs(largest)) {
          largest = change;
          at = p;
        }
      }
      mean /= static_cast<double>(std::max<std::size_t>(in.sensitivity_at.size(), 1));
      if (std::fabs(mean - ref_mean) > widest_change) {
        widest_change = std::fabs(mean - ref_mean);
        widest = name;
      }
      md << " " << pct(mean).substr(1) << " | " << points_pct(mean - ref_mean) << " | "
         << (at.empty() ? "none" : points_pct(largest) + " at " + at) << " |";
    }
    md << "\n";
  }
  if (!widest.empty()) {
    md << "\nThe mean error moves most with `" << widest << "` (" << points_pct(widest_change) << ").\n";
  }
  {
    report::LineChart c = chart_of("Every estimate halved and doubled: the range of the prediction");
    c.series.push_back(line("published", r.points, [&](const std::string& p) { return published.at(p); }, true));
    c.series.push_back(line("as the profile gives it", in.sensitivity_at,
                            [&](const std::string& p) { return fig.at("none").at(p); }, false));
    const auto extreme = [&](const std::string& p, bool high) {
      double v = fig.at("none").at(p);
      for (const auto& [name, byp] : fig) {
        if (name.find(" x") == std::string::npos) continue;
        const auto it = byp.find(p);
        if (it != byp.end()) v = high ? std::max(v, it->second) : std::min(v, it->second);
      }
      return v;
    };
    c.series.push_back(line("highest of the variants", in.sensitivity_at,
                            [&](const std::string& p) { return extreme(p, true); }, true));
    c.series.push_back(line("lowest of the variants", in.sensitivity_at,
                            [&](const std::string& p) { return extreme(p, false); }, true));
    files.charts.emplace_back("sensitivity.svg", report::render_line_chart(c));
    md << "\nThe band: at each point the highest and the lowest throughput over every variant (one value "
          "halved or doubled, the others as given).\n\n![Every estimate halved and doubled](sensitivity.svg)\n\n";
  }
  md << "Every run's figure is in [data.csv](data.csv).\n";

  std::ostringstream csv;
  csv << "study,variant," << r.key << ",throughput_per_s,published,error\n";
  for (const Run& x : r.runs) {
    csv << x.study << "," << x.variant << "," << x.point << "," << fixed_decimal(x.figure, 1) << ","
        << fixed_decimal(x.published, 0) << "," << fixed_decimal(x.published != 0 ? (x.figure - x.published) / x.published : 0, 4)
        << "\n";
  }
  files.markdown = md.str();
  files.csv = csv.str();
  return files;
}

}  // namespace concsim::papers
