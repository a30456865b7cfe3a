// Renders a RunOutput: a readable table, JSON, CSV, a text trace, an ASCII
// timeline and Chrome Trace Event JSON for Perfetto. Every figure comes from
// the run; writers take an output stream and know nothing of the models.
#pragma once

#include <ostream>
#include <string>

#include "app/run/runner.h"

namespace concsim::report {

// The table fits a screen: the summary first, then the lists (exceptions,
// waiting tasks, blocking calls, output, tasks, timeline) each capped with
// "... N more"; `details` lists everything the run kept.
struct TableOptions {
  bool details = false;
  // Rows of each list without `details`.
  std::size_t max_rows = 10;
};
void write_table(std::ostream& out, const run::RunOutput& r, const TableOptions& options = {});
// What write_json includes beyond the run-level figures. kNoTrace leaves
// out the trace (it can be most of the file). A sweep keeps figures only: a
// point with a million tasks would otherwise hold a million task records.
enum class JsonDetail { kFull, kNoTrace, kFiguresOnly };
void write_json(std::ostream& out, const run::RunOutput& r, JsonDetail detail = JsonDetail::kFull);
void write_csv(std::ostream& out, const run::RunOutput& r);
// Whether the run measured its latencies: some task or request completed in
// the measured window, and the run did not stall, run away, get killed or
// interrupted. Otherwise the latency figures are left empty (CSV), null
// (JSON) or "none" (table): unmeasured is not zero.
bool latency_measured(const run::RunOutput& r);
// "virtual time  task  event", one line per trace entry.
void write_text_trace(std::ostream& out, const run::RunOutput& r);
// One row per task over [0, end]: '#' running, 'B' blocked (the loop thread
// frozen in a blocking call), '.' waiting at an await, '-' ready but not
// running, ' ' not alive. Empty when the run took no virtual time or has
// more than `max_rows` tasks.
std::string timeline(const run::RunOutput& r, int width = 60, std::size_t max_rows = 40);
// Chrome Trace Event format (JSON object form); open in ui.perfetto.dev.
void write_chrome_trace(std::ostream& out, const run::RunOutput& r);

}  // namespace concsim::report
