// The report's summary in words. Every figure in it is computed from the
// points' results and printed by the same functions as the report's table
// (figures.h), so the words can never disagree with the data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/sweep/definition.h"
#include "app/sweep/layout.h"

namespace concsim::sweep {

// The first point (in x order) of a series whose run hit a limit of the
// machine; nullopt when none did.
std::optional<SeriesPoint> first_limit(const Layout& l, const Series& s);

// Markdown paragraphs (already escaped), one per entry.
std::vector<std::string> summary(const Definition& d, const Layout& l);

}  // namespace concsim::sweep
