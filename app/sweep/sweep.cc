#include "app/sweep/sweep.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>

#include "app/report/atomic_file.h"
#include "app/sweep/interrupt.h"
#include "app/sweep/parallel.h"
#include "app/sweep/plan.h"
#include "app/sweep/point_file.h"
#include "app/sweep/report.h"
#include "app/sweep/sweep_dir.h"

namespace concsim::sweep {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t a = 0;
  while (a <= text.size()) {
    const std::size_t e = std::min(text.find('\n', a), text.size());
    lines.push_back(text.substr(a, e - a));
    a = e + 1;
  }
  return lines;
}

std::size_t indent_of(const std::string& line) {
  const std::size_t f = line.find_first_not_of(' ');
  return f == std::string::npos ? line.size() : f;
}

// The JSON member around line i of an indented definition, on one line: from
// the nearest enclosing line that names a key (at a smaller indent, or line
// i itself) to where its value closes.
std::string member_at(const std::vector<std::string>& lines, std::size_t i) {
  if (i >= lines.size()) return "(nothing)";
  auto names_key = [&](std::size_t k) { return lines[k].find("\":") != std::string::npos; };
  std::size_t start = i;
  if (!names_key(i)) {
    while (start > 0 && !(names_key(start) && indent_of(lines[start]) < indent_of(lines[i]))) --start;
  }
  std::string out;
  const std::size_t depth = indent_of(lines[start]);
  for (std::size_t k = start; k < lines.size(); ++k) {
    if (k > start && indent_of(lines[k]) <= depth) {
      out += lines[k].substr(indent_of(lines[k]));  // the closing bracket
      break;
    }
    std::string piece = lines[k].substr(indent_of(lines[k]));
    if (!out.empty() && out.back() != '[' && out.back() != '{') out += ' ';
    out += piece;
    if (k == start && piece.back() != '[' && piece.back() != '{') break;  // a scalar member
  }
  if (!out.empty() && out.back() == ',') out.pop_back();
  return out;
}

// Where two definitions (sweep.json's indented JSON) first differ, as the
// member that differs in each: what changed rather than only that something
// did.
std::string first_difference(const std::string& was, const std::string& now) {
  const std::vector<std::string> a = lines_of(was);
  const std::vector<std::string> b = lines_of(now);
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  if (i == a.size() && i == b.size()) return "";
  return "it has " + member_at(a, i) + ", this sweep " + member_at(b, i);
}

std::string missing_list(const std::vector<const Point*>& missing) {
  std::string list;
  const std::size_t shown = std::min<std::size_t>(missing.size(), 10);
  for (std::size_t i = 0; i < shown; ++i) list += (i ? ", " : "") + missing[i]->name;
  if (missing.size() > shown) list += ", and " + std::to_string(missing.size() - shown) + " more";
  return list;
}

// "completed", or "completed (main raised ...)" for a run that failed a
// check of its own: the progress line says what the summary will.
std::string outcome(const run::RunOutput& out) {
  return out.exit_code != 0 && !out.detail.empty() ? out.status + " (" + out.detail + ")" : out.status;
}

run::RunOptions sweep_run_options() {
  run::RunOptions o;
  // Sweeps keep figures, not traces: a point file stays small however many
  // events its run had.
  o.record = false;
  return o;
}

}  // namespace

SweepCounts run_sweep(const Definition& d, const SweepOptions& o, std::ostream& progress_out) {
  check_definition(d);
  const load::Document base = base_document(d);
  check_models(base, d.models);
  const std::vector<Point> points = expand(d);
  const std::vector<load::Workload> workloads = load_points(base, points);

  const std::string wanted = definition_json(d);
  // From here on this sweep owns DIR: a second one into the same directory
  // fails now rather than interleave its points with ours. The checks of
  // what DIR holds come after the lock, so that they hold for the whole run.
  make_sweep_dir(o.dir);
  const DirLock lock(o.dir);
  if (!o.resume && has_point_files(o.dir)) {
    throw InputError(o.dir + " already holds the points of a sweep; pass --resume to continue it, or choose "
                             "another --out");
  }
  if (o.resume && std::filesystem::exists(definition_path(o.dir))) {
    const std::string existing = definition_json(read_definition_file(o.dir));
    if (existing != wanted) {
      throw InputError(o.dir + " holds another sweep (" + first_difference(existing, wanted) +
                       "); choose another --out");
    }
  }
  if (o.resume) remove_temporaries(o.dir);
  write_files(o.dir, {{"sweep.json", wanted}});

  SweepCounts counts;
  counts.points = points.size();
  std::vector<std::size_t> selected;
  for (const Point& p : points) {
    if (in_shard(p, o.shard)) selected.push_back(p.index);
  }
  counts.selected = selected.size();
  Progress progress(progress_out, selected.size(), o.terminal);
  std::vector<std::size_t> to_run;
  for (std::size_t i : selected) {
    if (o.resume && read_point(o.dir, points[i])) {
      progress.skipped(points[i].name);
      ++counts.skipped;
    } else {
      to_run.push_back(i);
    }
  }
  run::RunOptions options = sweep_run_options();
  // A SIGINT or SIGTERM (interrupt.h) cuts the running points short; they
  // are not written, so every point file on disk is a finished run.
  options.should_stop = [] { return interrupt_signal() != 0; };
  options.should_stop_within_event = options.should_stop;
  std::atomic<std::size_t> written{0};
  try {
    for_each_parallel(to_run.size(), o.jobs, [&](std::size_t k) {
      if (interrupt_signal() != 0) return;
      const Point& p = points[to_run[k]];
      const auto start = std::chrono::steady_clock::now();
      const run::RunOutput out = run::run_workload(workloads[p.index], options);
      if (interrupt_signal() != 0) return;
      write_files(o.dir, {{"points/" + p.file_name, point_file_content(p, out)}});
      ++written;
      const auto wall = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
      progress.finished(p.name, outcome(out), wall.count());
    });
  } catch (...) {
    progress.close();
    throw;
  }
  progress.close();
  if (const int sig = interrupt_signal(); sig != 0) {
    throw Interrupted{sig, written.load(), counts.skipped + written.load(), counts.selected};
  }
  counts.ran = to_run.size();
  for (std::size_t i : selected) {
    const std::optional<PointResult> r = read_point(o.dir, points[i]);
    if (!r) continue;
    const std::string status = r->run.text_at("status");
    const JsonValue* code = r->run.find("exit_code");
    const bool failed = code != nullptr ? code->text() != "0" : status != "completed";
    if (!failed) continue;
    const std::string detail = r->run.text_at("detail");
    counts.failures.push_back(PointFailure{points[i].name, detail.empty() ? status : status + "; " + detail});
  }
  if (o.shard.n == 1) {
    write_sweep_report(o.dir, d);
    counts.report = true;
  }
  return counts;
}

void write_sweep_report(const std::string& dir, const Definition& d) {
  const std::vector<Point> points = expand(d);
  std::vector<PointResult> results;
  std::vector<const Point*> missing;
  for (const Point& p : points) {
    std::optional<PointResult> r = read_point(dir, p);
    if (r) {
      results.push_back(std::move(*r));
    } else {
      missing.push_back(&p);
    }
  }
  if (!missing.empty()) {
    throw InputError(dir + ": " + std::to_string(missing.size()) + " of " + std::to_string(points.size()) +
                     " points have no complete result: " + missing_list(missing));
  }
  write_files(dir, build_report(d, results));
}

std::vector<MetricRow> rerun_points(const Definition& d, const std::vector<Point>& points, unsigned jobs,
                                    Progress& progress) {
  const load::Document base = base_document(d);
  check_models(base, d.models);
  const std::vector<load::Workload> workloads = load_points(base, points);
  std::vector<MetricRow> rows(points.size());
  const run::RunOptions options = sweep_run_options();
  try {
    for_each_parallel(points.size(), jobs, [&](std::size_t i) {
      const auto start = std::chrono::steady_clock::now();
      const run::RunOutput out = run::run_workload(workloads[i], options);
      rows[i] = metric_row(out);
      const auto wall = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
      progress.finished(points[i].name, outcome(out), wall.count());
    });
  } catch (...) {
    progress.close();
    throw;
  }
  progress.close();
  return rows;
}

std::size_t merge_sweeps(const std::vector<std::string>& inputs, const std::string& out) {
  if (inputs.empty()) throw InputError("merge: no sweep directories given");
  const Definition d = read_definition_file(inputs[0]);
  const std::string wanted = definition_json(d);
  std::vector<std::string> sources = inputs;
  if (std::filesystem::exists(definition_path(out))) sources.push_back(out);
  for (const std::string& dir : sources) {
    const std::string other = definition_json(read_definition_file(dir));
    if (other != wanted) {
      throw InputError(dir + " holds another sweep than " + inputs[0] + " (" + first_difference(other, wanted) + ")");
    }
  }
  const std::vector<Point> points = expand(d);
  std::vector<std::string> contents(points.size());
  std::vector<const Point*> missing;
  for (const Point& p : points) {
    std::string found_in;
    for (const std::string& dir : sources) {
      const std::optional<std::string> text = read_file(point_path(dir, p));
      if (!text || !parse_point_file(*text, p)) continue;
      if (found_in.empty()) {
        contents[p.index] = *text;
        found_in = dir;
      } else if (*text != contents[p.index]) {
        throw InputError("the point " + p.name + " has different results in " + found_in + " and " + dir);
      }
    }
    if (found_in.empty()) missing.push_back(&p);
  }
  if (!missing.empty()) {
    throw InputError(std::to_string(missing.size()) + " of " + std::to_string(points.size()) +
                     " points are in none of the directories: " + missing_list(missing));
  }
  make_sweep_dir(out);
  const DirLock lock(out);
  // Checked again under the lock: a sweep may have started there since.
  if (std::filesystem::exists(definition_path(out)) && definition_json(read_definition_file(out)) != wanted) {
    throw InputError(out + " holds another sweep than " + inputs[0]);
  }
  write_files(out, {{"sweep.json", wanted}});
  for (const Point& p : points) {
    const std::optional<std::string> there = read_file(point_path(out, p));
    if (there && *there == contents[p.index]) continue;
    write_files(out, {{"points/" + p.file_name, contents[p.index]}});
  }
  write_sweep_report(out, d);
  return points.size();
}

}  // namespace concsim::sweep
