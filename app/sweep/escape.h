// Names from a workload or the command line (a workload called `<script>`,
// a value `a|b`) go into Markdown, file names and CSV; each has its own
// rules, and each function here makes any text inert in one of them. (XML
// escaping for SVG is report::xml_escape.)
#pragma once

#include <string>
#include <string_view>

namespace concsim::sweep {

// Text for a table cell or the middle of a Markdown line on GitHub: HTML's
// <, > and & as entities, Markdown's inline punctuation (including | and $)
// behind a backslash, line breaks and other control characters as spaces.
// (Line-start syntax such as "1. " or "- " is not escaped: the report puts
// names in table cells and mid-sentence only.)
std::string markdown_escape(std::string_view s);

// A piece of a file name: letters, digits, '.', '-' and '_' stay, every
// other byte becomes %XX (so '/', ',', '=' and '%' never appear).
std::string file_name_piece(std::string_view s);

}  // namespace concsim::sweep
