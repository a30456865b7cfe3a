#include "tools/harness/prediction.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "app/report/svg.h"
#include "tools/harness/csv.h"

namespace concsim::harness {
namespace {

using report::fixed_decimal;

const std::vector<std::string> kColumns{"source",         "channel",        "series",
                                        "threads",        "tokens",         "throughput_per_s",
                                        "latency_p50_ns", "latency_p99_ns", "cpu_per_pass_ns",
                                        "run_delay_per_pass_ns", "passes",  "involuntary_per_pass",
                                        "switch_per_pass_ns", "handoff_p50_ns", "handoff_p99_ns",
                                        "failure"};

double number(const std::string& s) { return s.empty() ? 0 : std::stod(s); }

struct Point {
  Figure throughput, p50, p99, cpu, delay, involuntary, switching, handoff_p50, handoff_p99;
  double passes = 0;
  std::vector<std::string> failures;
  // False when no run passed a token (every run failed before it started,
  // e.g. out of file descriptors): there is nothing to compare.
  bool measured = true;
};

using Key = std::tuple<std::string, std::string, std::string, long long>;  // source, channel, series, threads

std::map<Key, Point> aggregate(const std::vector<RingRow>& rows) {
  std::map<Key, std::vector<const RingRow*>> groups;
  for (const RingRow& r : rows) groups[{r.source, r.channel, r.series, r.threads}].push_back(&r);
  std::map<Key, Point> out;
  for (auto& [key, all] : groups) {
    // A run that passed no token measured nothing: its zeros are left out of
    // the figures (its failure is still reported).
    std::vector<const RingRow*> rs;
    for (const RingRow* r : all) {
      if (r->passes > 0 || r->failure.empty()) rs.push_back(r);
    }
    auto take = [&](double RingRow::*m) {
      std::vector<double> v;
      for (const RingRow* r : rs) v.push_back(r->*m);
      return figure(v);
    };
    Point p{take(&RingRow::throughput_per_s), take(&RingRow::latency_p50_ns), take(&RingRow::latency_p99_ns),
            take(&RingRow::cpu_per_pass_ns),           take(&RingRow::run_delay_per_pass_ns),   take(&RingRow::involuntary_per_pass),
            take(&RingRow::switch_per_pass_ns),    take(&RingRow::handoff_p50_ns), take(&RingRow::handoff_p99_ns),
            0, {}};
    p.measured = !rs.empty();
    for (const RingRow* r : all) {
      p.passes = std::max(p.passes, r->passes);
      if (!r->failure.empty()) p.failures.push_back(r->failure);
    }
    out[key] = std::move(p);
  }
  return out;
}

std::string us(double ns) { return fixed_decimal(ns / 1e3, 2) + " us"; }
std::string ms(double ns) {
  if (ns < 1e6) return fixed_decimal(ns / 1e3, 1) + " us";
  return fixed_decimal(ns / 1e6, 2) + " ms";
}
std::string rate(double r) { return fixed_decimal(r, 0); }
std::string pct(double e) {
  std::string s = e >= 0 ? "+" : "";
  s.append(fixed_decimal(e * 100, 1));
  s.append(" %");
  return s;
}
std::string range(const Figure& f, std::string (*fmt)(double)) {
  if (f.n <= 1) return fmt(f.median);
  return fmt(f.median) + " (" + fmt(f.min) + " to " + fmt(f.max) + ")";
}
double rel(double predicted, double measured) { return measured != 0 ? (predicted - measured) / measured : 0; }
bool inside(double v, const Figure& f) { return f.n > 0 && v >= f.min && v <= f.max; }

std::string channel_title(const std::string& c) {
  return c == "pipe" ? "pipes (a blocking read(), woken by the write)"
                     : "mutex and condition variable pairs (glibc futexes)";
}

std::string series_title(const std::string& s) {
  return s == "1" ? "one token" : s + " tokens";
}

}  // namespace

std::vector<RingRow> parse_ring_data(const std::string& csv) {
  std::istringstream in(csv);
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error("the data file is empty");
  if (split_csv(line) != kColumns) throw std::runtime_error("line 1: unexpected header: " + line);
  std::vector<RingRow> rows;
  int n = 1;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    const std::vector<std::string> f = split_csv(line);
    if (f.size() != kColumns.size()) {
      throw std::runtime_error("line " + std::to_string(n) + ": expected " + std::to_string(kColumns.size()) +
                               " fields, got " + std::to_string(f.size()));
    }
    try {
      RingRow r;
      r.source = f[0];
      r.channel = f[1];
      r.series = f[2];
      r.threads = std::stoll(f[3]);
      r.tokens = std::stoll(f[4]);
      r.throughput_per_s = number(f[5]);
      r.latency_p50_ns = number(f[6]);
      r.latency_p99_ns = number(f[7]);
      r.cpu_per_pass_ns = number(f[8]);
      r.run_delay_per_pass_ns = number(f[9]);
      r.passes = number(f[10]);
      r.involuntary_per_pass = number(f[11]);
      r.switch_per_pass_ns = number(f[12]);
      r.handoff_p50_ns = number(f[13]);
      r.handoff_p99_ns = number(f[14]);
      r.failure = f[15];
      if (r.source != "measured" && r.source != "predicted" && r.source != "shipped") {
        throw std::invalid_argument("source");
      }
      rows.push_back(r);
    } catch (const std::logic_error&) {
      throw std::runtime_error("line " + std::to_string(n) + ": malformed: " + line);
    }
  }
  return rows;
}

PredictionFiles render_prediction(const PredictionInput& in) {
  const std::map<Key, Point> pts = aggregate(in.rows);
  std::set<long long> thread_set;
  std::vector<std::string> channels, series;
  for (const RingRow& r : in.rows) {
    thread_set.insert(r.threads);
    if (std::find(channels.begin(), channels.end(), r.channel) == channels.end()) channels.push_back(r.channel);
    if (std::find(series.begin(), series.end(), r.series) == series.end()) series.push_back(r.series);
  }
  const std::vector<long long> threads(thread_set.begin(), thread_set.end());
  auto find = [&](const std::string& source, const std::string& channel, const std::string& s,
                  long long n) -> const Point* {
    const auto it = pts.find({source, channel, s, n});
    return it == pts.end() ? nullptr : &it->second;
  };
  const std::string aim = fixed_decimal(in.aim * 100, 0) + " %";

  std::ostringstream md;
  md << "# Host prediction: the thread model against real threads on this host\n\n"
        "<!-- Generated by tools/predict.sh from its runs; every figure below comes from them. -->\n\n"
        "Generated by `tools/predict.sh`. `concsim calibrate` measured this host and wrote a machine profile "
        "(the `cfs` policy, every value measured here, read from the kernel or, where calibrate cannot probe "
        "it, kept from `linux-modern` with its source: see the profile at the end). Then, for each point, the "
        "real harness (`concsim-harness ring`, tools/harness/ring.h) passed tokens round a ring of real "
        "threads, a thread per connection, each taking tokens from its own channel and passing them to the "
        "next thread's with no work in between; and `concsim run tools/harness/ring.yaml` predicted the same "
        "ring on the calibrated profile, with nothing taken from the harness's runs. A round of a thread (its "
        "wait for a token and the pass) is one request; throughput is hand-offs per second, the latency a "
        "round's.\n\n";
  md << "## Set-up\n\n| | |\n|---|---|\n";
  for (const auto& [k, v] : in.meta) md << "| " << k << " | " << v << " |\n";
  md << "\nThe host is a shared virtual machine: its figures vary from run to run with the other work on it. "
        "Each measured figure is the median of the repetitions, with the smallest and largest in parentheses; "
        "the prediction is deterministic (one run). A point whose prediction lies between the smallest and "
        "largest measurement is marked \"in range\".\n\n";

  // ---- the tables ----
  int checks = 0, met = 0, in_range = 0, unmeasured = 0;
  int shipped_checks = 0, shipped_met = 0;
  struct Miss {
    std::string channel, series, metric;
    long long n;
    const Point* m;
    const Point* p;
  };
  std::vector<Miss> misses;
  std::vector<std::string> invalid;
  md << "## Results\n\nError is (predicted - measured) / measured, against the median of the measurements; "
        "the aim is within "
     << aim << " at every point, for throughput and for p99 latency.";
  if (!in.shipped.empty()) {
    md << " The last columns give the error of the same prediction on the shipped `" << in.shipped
       << "` profile, for comparison.";
  }
  md << "\n";
  for (const std::string& c : channels) {
    for (const std::string& s : series) {
      md << "\n### " << series_title(s) << ", " << channel_title(c) << "\n\n"
         << "| threads | tokens | hand-offs/s measured | predicted | error | p99 measured | predicted | error |";
      if (!in.shipped.empty()) md << " " << in.shipped << ": throughput | p99 |";
      md << "\n|---|---|---|---|---|---|---|---|";
      if (!in.shipped.empty()) md << "---|---|";
      md << "\n";
      for (const long long n : threads) {
        const Point* m = find("measured", c, s, n);
        const Point* p = find("predicted", c, s, n);
        if (!m || !p) continue;
        long long tokens = 0;
        for (const RingRow& r : in.rows) {
          if (r.channel == c && r.series == s && r.threads == n) tokens = r.tokens;
        }
        for (const std::string& f : m->failures) invalid.push_back(c + ", " + series_title(s) + ", " + std::to_string(n) + " threads: " + f);
        if (!m->measured) {
          md << "| " << n << " | " << tokens << " | not measured: no run passed a token (below) | "
             << rate(p->throughput.median) << " | | not measured | " << ms(p->p99.median) << " | |";
          if (!in.shipped.empty()) md << " | |";
          md << "\n";
          ++unmeasured;
          continue;
        }
        const double e_tp = rel(p->throughput.median, m->throughput.median);
        const double e_99 = rel(p->p99.median, m->p99.median);
        const bool ok_tp = std::fabs(e_tp) <= in.aim, ok_99 = std::fabs(e_99) <= in.aim;
        checks += 2;
        met += ok_tp + ok_99;
        in_range += inside(p->throughput.median, m->throughput) + inside(p->p99.median, m->p99);
        if (!ok_tp) misses.push_back({c, s, "throughput", n, m, p});
        if (!ok_99) misses.push_back({c, s, "p99", n, m, p});
        auto mark = [&](bool ok, double v, const Figure& f) {
          std::string t = ok ? "" : " **miss**";
          if (inside(v, f)) t.append(" (in range)");
          return t;
        };
        md << "| " << n << " | " << tokens << " | " << range(m->throughput, rate) << " | " << rate(p->throughput.median)
           << " | " << pct(e_tp) << mark(ok_tp, p->throughput.median, m->throughput) << " | " << range(m->p99, ms)
           << " | " << ms(p->p99.median) << " | " << pct(e_99) << mark(ok_99, p->p99.median, m->p99) << " |";
        if (!in.shipped.empty()) {
          if (const Point* sh = find("shipped", c, s, n)) {
            const double a = rel(sh->throughput.median, m->throughput.median);
            const double b = rel(sh->p99.median, m->p99.median);
            shipped_checks += 2;
            shipped_met += (std::fabs(a) <= in.aim) + (std::fabs(b) <= in.aim);
            md << " " << pct(a) << " | " << pct(b) << " |";
          } else {
            md << " | |";
          }
        }
        md << "\n";
      }
    }
  }
  md << "\n**" << met << " of " << checks << " comparisons within " << aim << "** (" << in_range
     << " predictions inside the measured range)";
  if (shipped_checks > 0) {
    md << "; on the shipped `" << in.shipped << "` profile " << shipped_met << " of " << shipped_checks;
  }
  md << ".";
  if (unmeasured > 0) {
    md << " " << unmeasured << (unmeasured == 1 ? " point" : " points")
       << " could not be measured on this host and count in neither.";
  }
  md << "\n\n";
  if (!invalid.empty()) {
    md << "Runs the harness marked as not valid (a run that passed no token is left out of the figures; the "
          "others are in the tables, but read them with this):\n\n";
    for (const std::string& f : invalid) md << "- " << f << "\n";
    md << "\n";
  }

  // ---- the charts ----
  PredictionFiles files;
  auto add_chart = [&](const std::string& id, const report::LineChart& chart, const std::string& title) {
    const std::string file = in.chart_prefix + "-" + id + ".svg";
    files.charts.emplace_back(file, report::render_line_chart(chart));
    md << "![" << title << "](" << file << ")\n\n";
  };
  auto base_chart = [&](const std::string& title, const std::string& y_label, report::AxisScale scale) {
    report::LineChart chart;
    chart.title = title;
    chart.x_label = "threads in the ring";
    chart.y_label = y_label;
    chart.y_scale = scale;
    for (const long long n : threads) chart.categories.push_back(std::to_string(n));
    return chart;
  };
  md << "## Charts\n\nSolid lines are measured (medians), dashed lines predicted.\n\n";
  for (const std::string& c : channels) {
    for (const bool p99 : {false, true}) {
      report::LineChart chart =
          base_chart(std::string(p99 ? "p99 latency of a round" : "Hand-offs per second") + ", " +
                         (c == "pipe" ? "pipes" : "mutex/condition pairs"),
                     p99 ? "p99 of a round (ms)" : "hand-offs per second", report::AxisScale::kLog);
      for (const std::string& s : series) {
        for (const char* source : {"measured", "predicted"}) {
          report::ChartSeries line;
          line.name = series_title(s) + ", " + source;
          line.dashed = std::string(source) == "predicted";
          for (std::size_t i = 0; i < threads.size(); ++i) {
            if (const Point* p = find(source, c, s, threads[i]); p && p->measured) {
              line.points.emplace_back(static_cast<double>(i), p99 ? p->p99.median / 1e6 : p->throughput.median);
            }
          }
          chart.series.push_back(std::move(line));
        }
      }
      add_chart(c + (p99 ? "-p99" : "-throughput"), chart, chart.title);
    }
  }
  for (const bool p99 : {false, true}) {
    report::LineChart chart = base_chart(std::string("Relative error of the prediction: ") + (p99 ? "p99 latency" : "throughput"),
                                         "error (%)", report::AxisScale::kLinear);
    for (const std::string& c : channels) {
      for (const std::string& s : series) {
        report::ChartSeries line;
        line.name = series_title(s) + ", " + (c == "pipe" ? "pipes" : "condvar");
        for (std::size_t i = 0; i < threads.size(); ++i) {
          const Point* m = find("measured", c, s, threads[i]);
          const Point* p = find("predicted", c, s, threads[i]);
          if (m && p && m->measured) {
            line.points.emplace_back(static_cast<double>(i),
                                     100 * rel(p99 ? p->p99.median : p->throughput.median,
                                               p99 ? m->p99.median : m->throughput.median));
          }
        }
        chart.series.push_back(std::move(line));
      }
    }
    for (const double bound : {in.aim, -in.aim}) {
      report::ChartSeries line;
      line.name = std::string(bound > 0 ? "+" : "-") + aim + " (the aim)";
      line.dashed = true;
      for (std::size_t i = 0; i < threads.size(); ++i) line.points.emplace_back(static_cast<double>(i), 100 * bound);
      chart.series.push_back(std::move(line));
    }
    add_chart(p99 ? "error-p99" : "error-throughput", chart, chart.title);
  }

  // ---- the misses ----
  md << "## Where the prediction misses, and why\n\n"
        "For each point outside the aim: the CPU a hand-off costs, measured (the ring's threads' time on a "
        "core, /proc/thread-self/schedstat, per round) and predicted (the model's busy cores per round, the "
        "threads' creation left out), which says whether the mechanisms' costs are right; and the time the "
        "measured threads spent runnable without a core (schedstat run delay), which the model, whose cores "
        "are the ring's alone, only has where the ring's own threads queue for them.\n\n";
  if (misses.empty()) md << "Every comparison is within the aim.\n\n";
  for (const Miss& x : misses) {
    const double mv = x.metric == "p99" ? x.m->p99.median : x.m->throughput.median;
    const double pv = x.metric == "p99" ? x.p->p99.median : x.p->throughput.median;
    md << "- **" << series_title(x.series) << ", " << (x.channel == "pipe" ? "pipes" : "condvar") << ", " << x.n
       << " threads, " << x.metric << "**: measured "
       << (x.metric == "p99" ? ms(mv) : rate(mv) + "/s") << ", predicted " << (x.metric == "p99" ? ms(pv) : rate(pv) + "/s")
       << " (" << pct(rel(pv, mv)) << "). ";
    const double e_cpu = rel(x.p->cpu.median, x.m->cpu.median);
    md << "CPU per hand-off: measured " << us(x.m->cpu.median) << ", predicted " << us(x.p->cpu.median) << " ("
       << pct(e_cpu) << "; " << us(x.p->switching.median) << " of it switching: the switch, the IPI and the cache "
       << "refill). Run delay per hand-off, measured: " << us(x.m->delay.median) << "; involuntary switches per "
       << "hand-off: measured " << fixed_decimal(x.m->involuntary.median, 2) << ", predicted "
       << fixed_decimal(x.p->involuntary.median, 2) << ". ";
    const bool slow_prediction = x.metric == "p99" ? pv > mv : pv < mv;
    if (std::fabs(e_cpu) <= in.aim) {
      md << "The hand-off's cost is predicted within the aim, so the miss is in the waiting: ";
      if (!slow_prediction) {
        md << "the real threads waited " << us(x.m->delay.median)
           << " per hand-off for a core while runnable, behind the host's other work (see the load average); "
              "the model's cores serve the ring alone.\n";
      } else {
        md << "the model keeps woken threads waiting longer than the host's scheduler does (its placement and "
              "wake-up preemption are CFS's, the host's kernel may schedule otherwise: see the profile's "
              "scheduler.policy source).\n";
      }
    } else if (e_cpu > 0) {
      md << "The model charges more CPU per hand-off than the host spends: ";
      if (x.p->switching.median > 0.5 * x.p->cpu.median) {
        md << "most of it is the modelled switch (context_switch, ipi and the cache refill of the woken thread's "
              "working set); the refill grows with the threads once their working sets (cache.thread_working_set, "
              "an estimate) outgrow the caches, and is priced at the measured load latencies one line at a time "
              "(cache.misses_in_flight 1), where the host overlaps misses and finds some lines still cached.\n";
      } else {
        md << "the system calls (futex or pipe) as calibrate measured them alone cost more than inside the ring.\n";
      }
    } else {
      md << "The host spends more CPU per hand-off than the model charges: on a shared machine the others' work "
            "evicts the ring's working sets between hand-offs (a cost the model's caches, which the ring has to "
            "itself, do not have), the real hand-off does work the model leaves out (glibc's mutex around the "
            "condition, the pipe's locking), and the model's refill (cache.thread_working_set, an estimate, at the "
            "page-clustered load latencies) may be too small for what a woken thread brings back.\n";
    }
  }
  md << "\n## The calibrated profile\n\n```yaml\n" << in.profile_text << "```\n";
  files.markdown = md.str();
  return files;
}

}  // namespace concsim::harness
