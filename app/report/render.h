// Renders a RunOutput: a readable table, JSON, CSV, a text trace, an ASCII
// timeline and Chrome Trace Event JSON for Perfetto. Every figure comes from
// the run; writers take an output stream and know nothing of the models.
#pragma once

#include <ostream>
#include <string>

#include "app/run/runner.h"

namespace concsim::report {

void write_table(std::ostream& out, const run::RunOutput& r);
// What write_json includes beyond the run-level figures. A sweep keeps
// figures only: a point with a million tasks would otherwise hold a
// million task records.
enum class JsonDetail { kFull, kFiguresOnly };
void write_json(std::ostream& out, const run::RunOutput& r, JsonDetail detail = JsonDetail::kFull);
void write_csv(std::ostream& out, const run::RunOutput& r);
// "virtual time  task  event", one line per trace entry.
void write_text_trace(std::ostream& out, const run::RunOutput& r);
// One row per task over [0, end]: '#' running, 'B' blocked (the loop thread
// frozen in a blocking call), '.' waiting at an await, '-' ready but not
// running, ' ' not alive. Empty when the run took no virtual time.
std::string timeline(const run::RunOutput& r, int width = 60);
// Chrome Trace Event format (JSON object form); open in ui.perfetto.dev.
void write_chrome_trace(std::ostream& out, const run::RunOutput& r);

}  // namespace concsim::report
