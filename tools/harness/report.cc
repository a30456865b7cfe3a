#include "tools/harness/report.h"

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

struct Point {
  Figure throughput, p50, p99, resident, voluntary, involuntary, overshoot, sleeps, cpu, delay, completed, switching;
};

using Key = std::tuple<std::string, std::string, long long>;  // source, model, connections

std::map<Key, Point> aggregate(const std::vector<DataRow>& rows) {
  std::map<Key, std::vector<const DataRow*>> groups;
  for (const DataRow& r : rows) groups[{r.source, r.model, r.connections}].push_back(&r);
  std::map<Key, Point> out;
  for (const auto& [key, rs] : groups) {
    auto take = [&](double DataRow::*m) {
      std::vector<double> v;
      for (const DataRow* r : rs) v.push_back(r->*m);
      return figure(v);
    };
    out[key] = Point{take(&DataRow::throughput_per_s), take(&DataRow::latency_p50_ns),
                     take(&DataRow::latency_p99_ns),   take(&DataRow::resident_bytes),
                     take(&DataRow::voluntary),        take(&DataRow::involuntary),
                     take(&DataRow::sleep_overshoot_ns), take(&DataRow::sleeps_per_request),
                     take(&DataRow::cpu_ns),           take(&DataRow::run_delay_ns),
                     take(&DataRow::completed),        take(&DataRow::switch_cpu_ns)};
  }
  return out;
}

std::string ms(double ns) { return fixed_decimal(ns / 1e6, 2) + "ms"; }
std::string us(double ns) { return fixed_decimal(ns / 1e3, 1) + "us"; }
std::string mib(double b) { return fixed_decimal(b / (1024.0 * 1024.0), 1) + "MiB"; }
std::string kib(double b) { return fixed_decimal(b / 1024.0, 1) + "KiB"; }
std::string rate(double r) { return fixed_decimal(r, 0); }
std::string pct(double e) {
  std::string s = e >= 0 ? "+" : "";
  s.append(fixed_decimal(e * 100, 1));
  s.append("%");
  return s;
}
std::string times(double r) { return fixed_decimal(r, 2) + "x"; }
std::string range(const Figure& f, std::string (*fmt)(double)) {
  if (f.n <= 1) return fmt(f.median);
  std::string s = fmt(f.median);
  s.append(" (");
  s.append(fmt(f.min));
  s.append("-");
  s.append(fmt(f.max));
  s.append(")");
  return s;
}
double rel(double sim, double measured) { return measured != 0 ? (sim - measured) / measured : 0; }


}  // namespace

std::vector<DataRow> parse_data(const std::string& csv) {
  std::istringstream in(csv);
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error("the data file is empty");
  const std::vector<std::string> header = split_csv(line);
  const std::vector<std::string> want{"source",         "model",         "connections", "throughput_per_s",
                                      "latency_p50_ns", "latency_p99_ns", "resident_bytes", "voluntary",
                                      "involuntary",    "sleep_overshoot_ns", "sleeps_per_request", "cpu_ns",
                                      "run_delay_ns",   "completed", "switch_cpu_ns"};
  if (header != want) throw std::runtime_error("unexpected header in the data file: " + line);
  std::vector<DataRow> rows;
  int n = 1;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    const std::vector<std::string> f = split_csv(line);
    if (f.size() != want.size()) throw std::runtime_error("line " + std::to_string(n) + ": expected 15 fields");
    try {
      DataRow r;
      r.source = f[0];
      r.model = f[1];
      r.connections = std::stoll(f[2]);
      r.throughput_per_s = std::stod(f[3]);
      r.latency_p50_ns = std::stod(f[4]);
      r.latency_p99_ns = std::stod(f[5]);
      r.resident_bytes = std::stod(f[6]);
      r.voluntary = std::stod(f[7]);
      r.involuntary = std::stod(f[8]);
      r.sleep_overshoot_ns = f[9].empty() ? 0 : std::stod(f[9]);
      r.sleeps_per_request = f[10].empty() ? 0 : std::stod(f[10]);
      r.cpu_ns = f[11].empty() ? 0 : std::stod(f[11]);
      r.run_delay_ns = f[12].empty() ? 0 : std::stod(f[12]);
      r.completed = f[13].empty() ? 0 : std::stod(f[13]);
      r.switch_cpu_ns = f[14].empty() ? 0 : std::stod(f[14]);
      if (r.source != "measured" && r.source != "simulated") throw std::invalid_argument("source");
      rows.push_back(r);
    } catch (const std::logic_error&) {
      throw std::runtime_error("line " + std::to_string(n) + ": malformed: " + line);
    }
  }
  return rows;
}

ReportFiles render_report(const ReportInput& in) {
  const std::map<Key, Point> pts = aggregate(in.rows);
  std::set<long long> conn_set;
  for (const DataRow& r : in.rows) conn_set.insert(r.connections);
  const std::vector<long long> conns(conn_set.begin(), conn_set.end());
  const std::vector<std::string> models{"threads", "fibers"};
  auto find = [&](const std::string& source, const std::string& model, long long n) -> const Point* {
    const auto it = pts.find({source, model, n});
    return it == pts.end() ? nullptr : &it->second;
  };

  std::ostringstream md;
  md << "# Validation: concsim against the host it describes\n\n"
        "<!-- Generated by tools/validate.sh from its runs; every figure below comes from them. -->\n\n"
        "Generated by `tools/validate.sh`: `concsim calibrate` measured this host and wrote a machine profile; "
        "the real harness (`tools/harness/`, `concsim-harness run`) ran the workload's handler for real, with a "
        "thread per connection (`std::thread`) and with one Boost.Fiber per connection on one thread (standing "
        "in for the event loop); `concsim run` simulated the same workload on the calibrated profile, with "
        "`--model threads` and `--model async` (one event loop). Each connection draws the same durations in "
        "the harness as in the simulator (the same random streams per request).\n\n";
  md << "## Set-up\n\n| | |\n|---|---|\n";
  for (const auto& [k, v] : in.meta) md << "| " << k << " | " << v << " |\n";
  md << "\nThe machine is shared with other work, so the measured figures are noisy: each is the median of "
        "the repetitions, with the smallest and largest in parentheses. The simulator is deterministic: one run "
        "per point.\n\n"
        "**Memory, apples to apples.** The harness reports its process's resident memory growth: the peak "
        "resident set (VmHWM, reset through /proc/self/clear_refs before the run) less the resident set just "
        "before the first connection started, so the binary, the loaded workload and the harness's own "
        "per-connection bookkeeping (allocated before the baseline) are left out. The simulator's peak resident "
        "memory is the modelled memory of the server: stacks (threads), task frames (event loop), kernel stacks "
        "and socket buffers. Kernel stacks are not in a process's VmRSS and the harness opens no sockets, so the "
        "simulations here run on the calibrated profile with `memory.kernel_stack` and `memory.socket_buffer` "
        "set to 0 (neither changes any time in the model); what remains, `stack_resident` per thread or "
        "`task_frame` per task, is what calibrate measured as VmRSS growth.\n\n";

  // ---- the tables ----
  int checks = 0, passed = 0;
  struct Miss {
    std::string model, metric;
    long long n;
    double measured, simulated;
    const Point* m;
    const Point* s;
  };
  std::vector<Miss> misses;
  md << "## Results\n\n"
        "Error is (simulated - measured) / measured; the aims are throughput and resident memory within 20 % "
        "and p99 latency within a factor of 2 (ratio simulated / measured between 0.5x and 2x).\n";
  for (const std::string& model : models) {
    md << "\n### " << (model == "threads" ? "Thread per connection (harness: std::thread; concsim: --model threads)"
                                          : "One event loop (harness: Boost.Fiber on one thread; concsim: --model "
                                            "async)")
       << "\n\n"
          "| connections | throughput measured (req/s) | simulated | error | p99 measured | simulated | ratio | "
          "resident measured | simulated | error | switches measured (vol/invol) | simulated |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (long long n : conns) {
      const Point* m = find("measured", model, n);
      const Point* s = find("simulated", model, n);
      if (!m || !s) continue;
      const double e_tp = rel(s->throughput.median, m->throughput.median);
      const double r_p99 = m->p99.median > 0 ? s->p99.median / m->p99.median : 0;
      const double e_mem = rel(s->resident.median, m->resident.median);
      const bool ok_tp = std::fabs(e_tp) <= 0.2, ok_p99 = r_p99 >= 0.5 && r_p99 <= 2.0,
                 ok_mem = std::fabs(e_mem) <= 0.2;
      checks += 3;
      passed += ok_tp + ok_p99 + ok_mem;
      if (!ok_tp) misses.push_back({model, "throughput", n, m->throughput.median, s->throughput.median, m, s});
      if (!ok_p99) misses.push_back({model, "p99", n, m->p99.median, s->p99.median, m, s});
      if (!ok_mem) misses.push_back({model, "memory", n, m->resident.median, s->resident.median, m, s});
      auto mark = [](bool ok) { return ok ? "" : " **miss**"; };
      md << "| " << n << " | " << range(m->throughput, rate) << " | " << rate(s->throughput.median) << " | "
         << pct(e_tp) << mark(ok_tp) << " | " << range(m->p99, ms) << " | " << ms(s->p99.median) << " | "
         << times(r_p99) << mark(ok_p99) << " | " << range(m->resident, mib) << " | " << mib(s->resident.median)
         << " | " << pct(e_mem) << mark(ok_mem) << " | " << rate(m->voluntary.median) << "/"
         << rate(m->involuntary.median) << " | " << rate(s->voluntary.median) << "/" << rate(s->involuntary.median)
         << " |\n";
    }
  }
  md << "\n**" << passed << " of " << checks << " comparisons within their aim.** Context switches are shown "
     << "for information only (no aim): the harness counts every switch of its process (getrusage), the model "
     << "those of the modelled server.\n\n";

  // ---- the charts ----
  ReportFiles files;
  auto chart = [&](const std::string& id, const std::string& title, const std::string& y_label,
                   report::AxisScale y_scale, auto value) {
    report::LineChart c;
    c.y_scale = y_scale;
    c.title = title;
    c.x_label = "connections";
    c.y_label = y_label;
    for (long long n : conns) c.categories.push_back(std::to_string(n));
    for (const std::string& model : models) {
      for (const char* source : {"measured", "simulated"}) {
        report::ChartSeries s;
        s.name = std::string(model == "threads" ? "threads" : (std::string(source) == "measured" ? "fibers" : "async"));
        s.name.append(std::string(source) == "measured" ? ", measured" : ", simulated");
        s.dashed = std::string(source) == "simulated";
        for (std::size_t i = 0; i < conns.size(); ++i) {
          if (const Point* p = find(source, model, conns[i])) s.points.emplace_back(static_cast<double>(i), value(*p));
        }
        c.series.push_back(std::move(s));
      }
    }
    std::string file = in.chart_prefix;
    file.append("-");
    file.append(id);
    file.append(".svg");
    files.charts.emplace_back(file, report::render_line_chart(c));
    md << "![" << title << "](" << file << ")\n\n";
  };
  md << "## Charts\n\nSolid lines are measured (medians), dashed lines simulated.\n\n";
  chart("throughput", "Throughput", "requests per second", report::AxisScale::kLinear,
        [](const Point& p) { return p.throughput.median; });
  chart("p99", "p99 latency", "p99 latency (ms, log scale)", report::AxisScale::kLog,
        [](const Point& p) { return p.p99.median / 1e6; });
  chart("memory", "Resident memory of the connections", "resident (MiB)", report::AxisScale::kLinear,
        [](const Point& p) { return p.resident.median / (1024.0 * 1024.0); });

  // ---- the misses ----
  md << "## Where the model misses\n\n";
  if (misses.empty()) md << "Every comparison is within its aim.\n\n";
  for (const Miss& x : misses) {
    const std::string who = x.model == "threads" ? "threads" : "the event loop (fibers vs async)";
    md << "- **" << who << ", " << x.n << " connections, " << x.metric << "**: ";
    const double per_request = x.m->overshoot.median * x.m->sleeps.median;
    if (x.metric == "memory") {
      const double per_conn_m = x.measured / static_cast<double>(x.n);
      const double per_conn_s = x.simulated / static_cast<double>(x.n);
      md << "measured " << mib(x.measured) << " (" << kib(per_conn_m) << " per connection), simulated "
         << mib(x.simulated) << " (" << kib(per_conn_s) << "). ";
      if (x.measured > x.simulated) {
        md << "The model lacks " << kib(per_conn_m - per_conn_s)
           << " per connection that the process grows beyond what calibrate measured per "
           << (x.model == "threads" ? "blocked thread" : "sleeping fiber")
           << ". Calibrate's " << (x.model == "threads" ? "threads" : "fibers")
           << " have done nothing but wait; the harness's have run the handler (drawing from the random stream, "
              "spinning on the CPU clock, sleeping), whose deeper calls touch more stack pages, and the process's "
              "heap grows with the run (the "
           << (x.model == "threads" ? "std::thread states" : "fiber scheduler's queues")
           << ", the allocator's top pages): a cost per connection the model does not have, since it holds a "
              "fixed resident size per "
           << (x.model == "threads" ? "thread (memory.stack_resident)" : "task (memory.task_frame)")
           << " whatever the task has done.\n";
      } else {
        md << "The model counts " << kib(per_conn_s - per_conn_m)
           << " per connection more than the process touched: the calibrated per-"
           << (x.model == "threads" ? "thread" : "fiber")
           << " figure includes pages that a batch of idle ones touched and a run reuses (cached stacks, "
              "pages shared between neighbours), or the peak was reached while not every connection was alive.\n";
      }
      continue;
    }
    if (x.metric == "throughput") {
      md << "measured " << rate(x.measured) << " req/s, simulated " << rate(x.simulated) << " (" << pct(rel(x.simulated, x.measured))
         << "). ";
    } else {
      md << "measured p99 " << ms(x.measured) << ", simulated " << ms(x.simulated) << " ("
         << times(x.measured > 0 ? x.simulated / x.measured : 0) << "). ";
    }
    const bool model_slower = x.metric == "p99" ? x.simulated > x.measured : x.simulated < x.measured;
    if (model_slower) {
      const double sim_req = x.s->completed.median > 0 ? x.s->completed.median : 1;
      const double meas_req = x.m->completed.median > 0 ? x.m->completed.median : 1;
      md << "The model is slower than the host: it charged " << us(x.s->cpu.median / sim_req)
         << " of CPU per measured request, " << us(x.s->switching.median / sim_req)
         << " of it for context switches, where the harness's "
         << (x.model == "threads" ? "threads" : "loop thread") << " spent " << us(x.m->cpu.median / meas_req)
         << " per request on a core (schedstat, everything included). ";
      if (x.model == "threads") {
        md << "A modelled switch costs costs.context_switch (measured) plus scheduler.pick_* and a cache "
              "refill of scheduler.refill_per_thread x threads per core, up to refill_cap; the pick and refill "
              "figures are linux-modern's estimates, kept because calibrate cannot measure them, and the refill "
              "grows with the threads (here "
           << x.n << "). The harness's threads touch little memory between switches, so their refills are "
                     "likely far cheaper: the model lacks a pick and refill cost measured on this host.\n";
      } else {
        md << "The model's per-iteration system call and poll and its per-event cost are the candidates.\n";
      }
      continue;
    }
    {
      md << "Every sleep of the harness lasted " << us(x.m->overshoot.median)
         << " longer than asked (median over repetitions of the mean overshoot), "
         << fixed_decimal(x.m->sleeps.median, 1) << " sleeps per request: " << ms(per_request)
         << " per request that the model does not charge, since it wakes a sleeping task exactly on time"
         << (x.model == "threads" ? " plus costs.wakeup_latency (a hand-off between running threads, not a "
                                    "timer's expiry: the timer slack of 50 us and the wake-up of an idle core are "
                                    "missing)"
                                  : " (the fiber scheduler's timed wait and its timer slack are missing)")
         << ". ";
      md << "The model also lacks the other work on this shared machine: ";
      if (x.model == "threads") {
        md << "the harness's threads waited " << ms(x.m->delay.median)
           << " in all for a core while runnable (schedstat run delay; "
           << ms(x.m->completed.median > 0 ? x.m->delay.median / x.m->completed.median : 0)
           << " per measured request) and spent " << ms(x.m->cpu.median) << " on one (involuntary switches measured "
           << rate(x.m->involuntary.median) << ", simulated " << rate(x.s->involuntary.median)
           << "); the modelled server has its cores to itself.";
      } else {
        md << "the loop thread was preempted " << rate(x.m->involuntary.median)
           << " times (involuntary switches; simulated " << rate(x.s->involuntary.median) << ") and waited "
           << ms(x.m->delay.median) << " in all for a core while runnable (schedstat run delay; "
           << ms(x.m->involuntary.median > 0 ? x.m->delay.median / x.m->involuntary.median : 0)
           << " per preemption), against " << ms(x.m->cpu.median)
           << " on one. While the loop thread waits, every one of its " << x.n
           << " tasks waits with it; the modelled loop has its core to itself.";
      }
      if (x.metric == "throughput") md << " In a closed loop a longer request means fewer requests per second.";
      md << "\n";
    }
  }
  md << "\n## The calibrated profile\n\n```yaml\n" << in.profile_text << "```\n";
  files.markdown = md.str();
  return files;
}

}  // namespace concsim::harness
