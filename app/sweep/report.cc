#include "app/sweep/report.h"

#include <set>
#include <sstream>

#include "app/report/json.h"
#include "app/sweep/charts.h"
#include "app/sweep/csv.h"
#include "app/sweep/decimal.h"
#include "app/sweep/escape.h"
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
                          "; each point's seed mixes it with the point's varied values, the same for every model"});
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
  out << row({"points", std::to_string(points)});
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
  const std::vector<std::pair<std::string, std::string>> fixed_columns{
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
    cells.push_back(std::to_string(f.completed) + " / " + std::to_string(f.failed));
    cells.push_back(md(f.throughput));
    cells.push_back(human_duration(f.latency_p50_ns));
    cells.push_back(human_duration(f.latency_p99_ns));
    cells.push_back(human_size(f.peak_resident));
    cells.push_back(human_size(f.peak_reserved));
    cells.push_back(percent(f.useful_ns, total) + " / " + percent(f.system_ns, total) + " / " +
                    percent(f.switch_ns, total) + " / " + percent(f.idle_ns, total));
    cells.push_back(std::to_string(f.voluntary) + " / " + std::to_string(f.involuntary));
    cells.push_back(limit_cell(f));
    if (d.published) {
      const std::optional<std::string> figure = published_at(*d.published, published_value(d, r.point));
      std::optional<Decimal> now;
      for (std::size_t c = 0; c < r.row.columns.size(); ++c) {
        if (r.row.columns[c] == d.published->metric) now = parse_decimal(r.row.cells[c]);
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

std::string data_csv(const Definition& d, const std::vector<PointResult>& results) {
  std::set<std::string> keys;
  for (const Vary& v : d.vary) keys.insert(v.key);
  // The writer's columns but the model (a column of its own here) and any
  // column named like a varied key (the varied value stands for it).
  const std::vector<std::string>& columns = metric_columns();
  std::string out;
  std::vector<std::string> head;
  for (const Vary& v : d.vary) head.push_back(v.key);
  head.push_back("model");
  for (const std::string& c : columns) {
    if (c != "model" && keys.count(c) == 0) head.push_back(c);
  }
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_cell(head[i]);
  }
  out += '\n';
  for (const PointResult& r : results) {
    std::vector<std::string> cells;
    for (const auto& [k, v] : r.point.values) cells.push_back(v);
    cells.push_back(r.point.model);
    for (const std::string& c : columns) {
      if (c == "model" || keys.count(c) != 0) continue;
      std::string cell;
      for (std::size_t k = 0; k < r.row.columns.size(); ++k) {
        if (r.row.columns[k] == c) cell = r.row.cells[k];
      }
      cells.push_back(cell);
    }
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_cell(cells[i]);
    }
    out += '\n';
  }
  return out;
}

std::string data_json(const Definition& d, const std::vector<PointResult>& results) {
  std::ostringstream out;
  report::JsonWriter w(out);
  w.begin_object();
  w.key("sweep");
  write_definition(w, d);
  w.key("points").begin_array();
  for (const PointResult& r : results) {
    w.begin_object();
    w.field("point", r.point.name);
    w.key("values").begin_object();
    for (const auto& [k, v] : r.point.values) w.field(k, v);
    w.end_object();
    w.field("model", r.point.model);
    w.field("seed", r.point.seed);
    w.field("status", r.run.text_at("status"));
    w.field("end_time_ns", r.run.int_at("end_time_ns"));
    w.key("metrics");
    if (const JsonValue* m = r.run.find("metrics")) {
      write_json_value(w, *m);
    } else {
      w.null();
    }
    if (const JsonValue* t = r.run.find("threads")) {
      w.key("threads");
      write_json_value(w, *t);
    }
    w.end_object();
  }
  w.end_array();
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
  files.emplace_back("data.csv", data_csv(d, results));
  files.emplace_back("data.json", data_json(d, results));
  for (const Chart& c : charts) files.emplace_back(c.file, c.svg);
  return files;
}

}  // namespace concsim::sweep
