#include "app/sweep/report.h"

#include <cmath>
#include <set>
#include <tuple>
#include <sstream>

#include "app/report/json.h"
#include "app/report/svg.h"
#include "app/sweep/charts.h"
#include "app/sweep/csv.h"
#include "app/sweep/decimal.h"
#include "app/sweep/escape.h"
#include "app/sweep/grid.h"
#include "app/sweep/layout.h"
#include "app/sweep/metric_row.h"
#include "app/sweep/summary.h"

namespace concsim::sweep {
namespace {

std::string md(const std::string& s) { return markdown_escape(s); }

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& c : cells) {
    out += ' ';
    out += c;
    out += " |";
  }
  return out + "\n";
}

// The distinct values, in order of first appearance, joined with ", ".
std::string distinct(const std::vector<std::string>& values) {
  std::set<std::string> seen;
  std::string out;
  for (const std::string& v : values) {
    if (!seen.insert(v).second) continue;
    if (!out.empty()) out += ", ";
    out += md(v);
  }
  return out;
}

std::string units(const Layout& l) {
  std::vector<std::string> u;
  for (const Figures& f : l.figures) u.push_back(f.unit);
  return distinct(u);
}

std::string number(double v, int decimals) { return report::fixed_decimal(v, decimals); }

std::string duration_cell(const Layout& l, std::size_t g, const char* column, const std::optional<std::int64_t>& mean) {
  if (!mean) return "none";
  const Interval i = stat(l, g, column);
  std::string cell = i.has_interval() ? plus_minus_duration(i) : human_duration(*mean);
  // Fewer runs than replications measured it: say so.
  if (l.replications > 1 && i.n < l.runs[g].size()) cell += " (" + std::to_string(i.n) + " runs)";
  return cell;
}

std::string limit_cell(const Figures& f) {
  if (!f.limit) return "none";
  return md(f.limit->which) + " at " + human_duration(f.limit->at_ns) + " (" + std::to_string(f.limit->threads) +
         " threads)";
}

std::string published_value(const Definition& d, const Point& p) {
  for (const auto& [k, v] : p.values) {
    if (k == d.published->key) return v;
  }
  return "";
}

void setup(std::ostringstream& out, const Definition& d, const Layout& l, std::size_t points) {
  std::vector<std::string> machines;
  std::vector<std::string> versions;
  for (const Figures& f : l.figures) {
    machines.push_back(f.machine);
    versions.push_back(f.version);
  }
  out << "## Set-up\n\n";
  out << row({"setting", "value"}) << row({"---", "---"});
  out << row({"workload", md(d.workload) + " (" + md(d.workload_name) + ", " + md(d.workload_hash) + ")"});
  // In the table rather than as a paragraph of its own, where a description
  // starting "1. " or "- " would turn into a list.
  if (!d.description.empty()) out << row({"description", md(d.description)});
  out << row({"machine", distinct(machines)});
  out << row({"seed", std::to_string(d.seed) +
                          (d.seeding == Seeding::kCommon
                               ? "; every point runs with it (common random numbers: an entity's draws do not depend "
                                 "on the other varied values)"
                               : "; each point's seed mixes it with the point's varied values, the same for every "
                                 "model")});
  if (d.replications > 1) {
    out << row({"replications",
                std::to_string(d.replications) +
                    " runs per point, each with its own seed; every figure is the mean of the runs that measured it, "
                    "with its 95 % confidence interval (Student's t) after ±; runs.csv has every run"});
  } else {
    out << row({"replications", "1: every figure is one run's"});
  }
  std::string varied;
  for (const Vary& v : d.vary) {
    std::string values;
    for (const std::string& value : v.values) values += (values.empty() ? "" : ", ") + md(value);
    varied += (varied.empty() ? "" : "; ") + md(v.key) + ": " + values;
  }
  out << row({"varied", varied.empty() ? "nothing" : varied});
  std::string models;
  for (const std::string& m : d.models) models += (models.empty() ? "" : ", ") + md(m);
  out << row({"models", models});
  std::string overrides;
  for (const std::string& o : d.overrides) overrides += (overrides.empty() ? "" : "; ") + md(o);
  out << row({"overrides", overrides.empty() ? "none" : overrides});
  if (d.published) {
    out << row({"published", md(d.published->metric) + " by " + md(d.published->key) + ", from " +
                                 md(d.published->source)});
  }
  out << row({"points", std::to_string(points) +
                            (d.replications > 1 ? " (" + std::to_string(points * d.replications) + " runs)" : "")});
  out << row({"concsim", distinct(versions)});
  out << '\n';
}

void results_table(std::ostringstream& out, const Definition& d, const Layout& l) {
  out << "## Results\n\n";
  std::vector<std::string> head;
  std::vector<std::string> align;
  for (const Vary& v : d.vary) {
    head.push_back(md(v.key));
    align.push_back("---:");
  }
  const bool replicated = l.replications > 1;
  std::vector<std::pair<std::string, std::string>> fixed_columns{
      {"model", "---"},
      {"status", "---"},
      {units(l) + " completed / failed", "---:"},
      {"throughput (" + units(l) + "/s)", "---:"},
      {"p50 latency", "---:"},
      {"p99 latency", "---:"},
      {"peak resident", "---:"},
      {"peak reserved", "---:"},
      {"CPU useful / system / switching / idle", "---:"},
      {"context switches voluntary / involuntary", "---:"},
      {"limit hit", "---"}};
  if (replicated) fixed_columns.insert(fixed_columns.begin() + 2, {"runs", "---:"});
  for (const auto& [h, a] : fixed_columns) {
    head.push_back(h);
    align.push_back(a);
  }
  if (d.published) {
    head.push_back("published " + md(d.published->metric));
    align.push_back("---:");
    head.push_back("measured vs published");
    align.push_back("---:");
  }
  out << row(head) << row(align);
  for (std::size_t i = 0; i < l.results.size(); ++i) {
    const PointResult& r = *l.results[i];
    const Figures& f = l.figures[i];
    std::vector<std::string> cells;
    for (const auto& [k, v] : r.point.values) cells.push_back(md(v));
    const std::int64_t total = core_time(f);
    cells.push_back(md(r.point.model));
    // The run's own detail beside its status: a thread-per-connection server
    // whose main could not start a thread "completed" with the connections
    // it had, and the reader should see why the rest were never served.
    cells.push_back(md(f.detail.empty() ? f.status : f.status + "; " + f.detail));
    if (replicated) cells.push_back(std::to_string(l.runs[i].size()));
    cells.push_back(std::to_string(f.completed) + " / " + std::to_string(f.failed));
    const Interval tp = stat(l, i, "throughput_per_s");
    cells.push_back(md(tp.has_interval() ? plus_minus(tp, 1) : f.throughput));
    cells.push_back(duration_cell(l, i, "latency_p50_ns", f.latency_p50_ns));
    cells.push_back(duration_cell(l, i, "latency_p99_ns", f.latency_p99_ns));
    cells.push_back(human_size(f.peak_resident));
    cells.push_back(human_size(f.peak_reserved));
    cells.push_back(percent(f.useful_ns, total) + " / " + percent(f.system_ns, total) + " / " +
                    percent(f.switch_ns, total) + " / " + percent(f.idle_ns, total));
    cells.push_back(std::to_string(f.voluntary) + " / " + std::to_string(f.involuntary));
    cells.push_back(limit_cell(f));
    if (d.published) {
      const std::optional<std::string> figure = published_at(*d.published, published_value(d, r.point));
      // The point's own figure: its run's, or its mean over the replications.
      std::optional<Decimal> now;
      if (l.runs[i].size() == 1) {
        for (std::size_t c = 0; c < r.row.columns.size(); ++c) {
          if (r.row.columns[c] == d.published->metric) now = parse_decimal(r.row.cells[c]);
        }
      } else if (const Interval m = stat(l, i, d.published->metric); m.measured()) {
        now = parse_decimal(number(m.mean, 1));
      }
      const std::optional<Decimal> pub = figure ? parse_decimal(*figure) : std::nullopt;
      cells.push_back(figure ? md(*figure) : "");
      cells.push_back(pub && now ? percent_change(*pub, *now) : "");
    }
    out << row(cells);
  }
  out << '\n';
}

void limits_table(std::ostringstream& out, const Layout& l) {
  out << "## Limits\n\n";
  out << "The first limit of the machine each series ran into, in the order of the x values.\n\n";
  out << row({"series", "first limit hit", "at", "time into the run", "threads then"})
      << row({"---", "---", "---", "---:", "---:"});
  for (const Series& s : l.series) {
    const std::optional<SeriesPoint> p = first_limit(l, s);
    if (!p) {
      out << row({md(s.name), "none", "", "", ""});
      continue;
    }
    const LimitFigures& lim = *l.figures[p->point].limit;
    out << row({md(s.name), md(limit_words(lim.which)) + " (" + md(lim.which) + ")",
                md(l.results[p->point]->point.name), human_duration(lim.at_ns), std::to_string(lim.threads)});
  }
  out << '\n';
}

std::string report_md(const Definition& d, const Layout& l, const std::vector<Chart>& charts) {
  std::ostringstream out;
  out << "# Sweep: " << md(d.workload_name) << "\n\n";
  setup(out, d, l, l.results.size());
  results_table(out, d, l);
  out << "## Charts\n\n";
  for (const Chart& c : charts) out << "![" << md(c.title) << "](" << c.file << ")\n\n";
  limits_table(out, l);
  out << "## Summary\n\n";
  for (const std::string& p : summary(d, l)) out << p << "\n\n";
  std::string text = out.str();
  // One newline at the end, as editors leave files.
  while (text.size() > 1 && text[text.size() - 1] == '\n' && text[text.size() - 2] == '\n') text.pop_back();
  return text;
}

// The writer's columns but the model (a column of its own here) and any
// column named like a varied key (the varied value stands for it).
std::vector<std::string> data_columns(const Definition& d) {
  std::set<std::string> keys;
  for (const Vary& v : d.vary) keys.insert(v.key);
  std::vector<std::string> out;
  for (const std::string& c : metric_columns()) {
    if (c != "model" && keys.count(c) == 0) out.push_back(c);
  }
  return out;
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_cell(cells[i]);
  }
  return out + '\n';
}

std::string cell_of(const PointResult& r, const std::string& column) {
  for (std::size_t k = 0; k < r.row.columns.size() && k < r.row.cells.size(); ++k) {
    if (r.row.columns[k] == column) return r.row.cells[k];
  }
  return "";
}

bool is_figure(const std::string& column) { return !is_identity_column(column) && !is_text_column(column); }

// One row per run: the varied values, the model, the replication when
// there are several, and every column of `run --format csv`.
std::string runs_csv(const Definition& d, const std::vector<PointResult>& results) {
  const std::vector<std::string> columns = data_columns(d);
  std::vector<std::string> head;
  for (const Vary& v : d.vary) head.push_back(v.key);
  head.push_back("model");
  if (d.replications > 1) head.push_back("replication");
  head.insert(head.end(), columns.begin(), columns.end());
  std::string out = csv_line(head);
  for (const PointResult& r : results) {
    std::vector<std::string> cells;
    for (const auto& [k, v] : r.point.values) cells.push_back(v);
    cells.push_back(r.point.model);
    if (d.replications > 1) cells.push_back(std::to_string(r.point.replication));
    for (const std::string& c : columns) cells.push_back(cell_of(r, c));
    out += csv_line(cells);
  }
  return out;
}

// One row per point. Replicated: each figure's mean over the runs that
// measured it and its 95 % interval (empty when fewer than two runs did),
// the runs it rests on, and the status as the runs' statuses.
std::string data_csv(const Definition& d, const Layout& l, const std::vector<PointResult>& results) {
  if (d.replications <= 1) return runs_csv(d, results);
  const std::vector<std::string> columns = data_columns(d);
  std::vector<std::string> head;
  for (const Vary& v : d.vary) head.push_back(v.key);
  head.push_back("model");
  head.push_back("runs");
  for (const std::string& c : columns) {
    head.push_back(c);
    if (is_figure(c)) {
      head.push_back(c + "_ci95_low");
      head.push_back(c + "_ci95_high");
      if (c.rfind("latency_", 0) == 0) head.push_back(c + "_runs");
    }
  }
  std::string out = csv_line(head);
  for (std::size_t g = 0; g < l.results.size(); ++g) {
    const PointResult& first = *l.results[g];
    std::vector<std::string> cells;
    for (const auto& [k, v] : first.point.values) cells.push_back(v);
    cells.push_back(first.point.model);
    cells.push_back(std::to_string(l.runs[g].size()));
    for (const std::string& c : columns) {
      if (!is_figure(c)) {
        cells.push_back(c == "status" ? l.figures[g].status : cell_of(first, c));
        continue;
      }
      const Interval i = stat(l, g, c);
      cells.push_back(i.measured() ? number(i.mean, 2) : "");
      cells.push_back(i.has_interval() ? number(i.low, 2) : "");
      cells.push_back(i.has_interval() ? number(i.high, 2) : "");
      if (c.rfind("latency_", 0) == 0) cells.push_back(std::to_string(i.n));
    }
    out += csv_line(cells);
  }
  return out;
}

void run_object(report::JsonWriter& w, const PointResult& r, bool replicated) {
  w.begin_object();
  w.field("point", r.point.name);
  w.key("values").begin_object();
  for (const auto& [k, v] : r.point.values) w.field(k, v);
  w.end_object();
  w.field("model", r.point.model);
  if (replicated) w.field("replication", r.point.replication);
  w.field("seed", r.point.seed);
  w.field("status", r.run.text_at("status"));
  w.field("end_time_ns", r.run.int_at("end_time_ns"));
  w.key("metrics");
  if (const JsonValue* m = r.run.find("metrics")) {
    write_json_value(w, *m);
  } else {
    w.null();
  }
  for (const char* section : {"threads", "loop"}) {
    if (const JsonValue* t = r.run.find(section)) {
      w.key(section);
      write_json_value(w, *t);
    }
  }
  if (const JsonValue* e = r.run.find("exceptions")) {
    w.key("exceptions");
    write_json_value(w, *e);
  }
  w.end_object();
}

// The definition, every run ("points"), and when replicated every point's
// summary ("summaries"): per figure the runs that measured it, the mean and
// the 95 % interval (null with fewer than two runs).
std::string data_json(const Definition& d, const Layout& l, const std::vector<PointResult>& results) {
  const bool replicated = d.replications > 1;
  std::ostringstream out;
  report::JsonWriter w(out);
  w.begin_object();
  w.key("sweep");
  write_definition(w, d);
  w.key("points").begin_array();
  for (const PointResult& r : results) run_object(w, r, replicated);
  w.end_array();
  if (replicated) {
    w.key("summaries").begin_array();
    for (std::size_t g = 0; g < l.results.size(); ++g) {
      const PointResult& first = *l.results[g];
      w.begin_object();
      w.field("point", canonical_name(first.point.values, first.point.model));
      w.key("values").begin_object();
      for (const auto& [k, v] : first.point.values) w.field(k, v);
      w.end_object();
      w.field("model", first.point.model);
      w.field("runs", static_cast<std::uint64_t>(l.runs[g].size()));
      w.field("status", l.figures[g].status);
      w.key("metrics").begin_object();
      for (const std::string& c : data_columns(d)) {
        if (!is_figure(c)) continue;
        const Interval i = stat(l, g, c);
        w.key(c).begin_object();
        w.field("runs", static_cast<std::uint64_t>(i.n));
        for (const auto& [name, v, ok] : {std::tuple<const char*, double, bool>{"mean", i.mean, i.measured()},
                                          {"ci95_low", i.low, i.has_interval()},
                                          {"ci95_high", i.high, i.has_interval()}}) {
          w.key(name);
          if (ok) {
            w.raw(number(v, 2));
          } else {
            w.null();
          }
        }
        w.end_object();
      }
      w.end_object();
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  return out.str();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> build_report(const Definition& d,
                                                              const std::vector<PointResult>& results) {
  const Layout l = make_layout(d, results);
  const std::vector<Chart> charts = make_charts(d, l);
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("report.md", report_md(d, l, charts));
  files.emplace_back("data.csv", data_csv(d, l, results));
  if (d.replications > 1) files.emplace_back("runs.csv", runs_csv(d, results));
  files.emplace_back("data.json", data_json(d, l, results));
  for (const Chart& c : charts) files.emplace_back(c.file, c.svg);
  return files;
}

}  // namespace concsim::sweep
