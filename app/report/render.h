// Renders a RunOutput: a readable table, JSON, CSV, a text trace, an ASCII
// timeline and Chrome Trace Event JSON for Perfetto. Every figure comes from
// the run; writers take an output stream and know nothing of the models.
#pragma once

#include <ostream>
#include <string>

#include "app/run/runner.h"

namespace concsim::report {

void write_table(std::ostream& out, const run::RunOutput& r);
void write_json(std::ostream& out, const run::RunOutput& r);
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
