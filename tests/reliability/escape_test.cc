// Names taken from YAML reach every writer: the workload's name, task names,
// log lines, results and shared values. Whatever they contain (markup,
// quotes, separators, newlines, control characters) the JSON outputs must
// stay valid JSON that reads back to the same strings, the CSV must keep its
// shape, and the table must keep one row per task.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "app/load/config.h"
#include "app/load/workload.h"
#include "app/report/render.h"
#include "app/report/svg.h"
#include "app/run/runner.h"
#include "app/sweep/escape.h"
#include "app/sweep/json_value.h"

namespace concsim::testing {
namespace {

// In YAML double quotes: "\n", "\r", "\t", "\"" and "\x01" are escapes.
constexpr const char* kWorkload = R"(name: "<script>alert(1)</script>|a|b\n\"q\",'s'\r\tz"
shared:
  label: "x|y"
main:
  - spawn:
      name: "<script>alert(1)</script>"
      steps: [{sleep: 1ms}, {log: "a|b\nc\"d\",e</td>"}, {return: "r<&>\"|\x01"}]
      into: t
  - spawn:
      name: "line1\nline2\"quote\",comma|pipe\ttab"
      steps: [{sleep: 2ms}, {log: "]]></svg>"}]
      into: u
  - await: t
  - await: u
  - set: {label: "back\\slash \u2028 end"}
)";

const std::string kName = "<script>alert(1)</script>|a|b\n\"q\",'s'\r\tz";
const std::string kTask1 = "<script>alert(1)</script>";
const std::string kTask2 = "line1\nline2\"quote\",comma|pipe\ttab";

run::RunOutput hostile_run() {
  const load::Document doc = load::Document::load_string(kWorkload, "hostile.yaml");
  const load::Workload w = load::load_workload(doc);
  run::RunOptions options;
  return run::run_workload(w, options);
}

// The project's strict RFC 8259 reader (no trailing commas, no raw control
// characters, escapes only as defined, no lone surrogates).
sweep::JsonValue parse_or_fail(const std::string& text) {
  std::string error;
  const std::optional<sweep::JsonValue> j = sweep::parse_json(text, &error);
  EXPECT_TRUE(j.has_value()) << error << "\n" << text.substr(0, 4000);
  return j.value_or(sweep::JsonValue{});
}

// RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines.
std::vector<std::vector<std::string>> parse_csv(const std::string& s, bool* ok) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  *ok = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      if (!field.empty() || was_quoted) *ok = false;  // a quote inside an unquoted field
      quoted = true;
      was_quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      was_quoted = false;
      rows.emplace_back();
    } else if (c == '\r') {
      *ok = false;  // a bare CR outside quotes breaks the record structure
    } else {
      if (was_quoted) *ok = false;
      field += c;
    }
  }
  if (quoted) *ok = false;
  if (rows.back().empty() && field.empty()) rows.pop_back();
  return rows;
}

TEST(Escaping, TheHostileWorkloadRuns) {
  const run::RunOutput r = hostile_run();
  EXPECT_EQ(r.status, "completed") << r.detail;
  EXPECT_EQ(r.workload, kName);
}

TEST(Escaping, JsonStaysValidAndReadsBack) {
  const run::RunOutput r = hostile_run();
  std::ostringstream out;
  report::write_json(out, r);
  const sweep::JsonValue j = parse_or_fail(out.str());
  ASSERT_NE(j.find("workload"), nullptr);
  EXPECT_EQ(j.find("workload")->text(), kName);
  std::vector<std::string> names;
  ASSERT_NE(j.find("tasks"), nullptr);
  for (const sweep::JsonValue& t : j.find("tasks")->items()) names.push_back(t.find("name")->text());
  EXPECT_NE(std::find(names.begin(), names.end(), kTask1), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), kTask2), names.end());
  bool found_log = false;
  for (const sweep::JsonValue& l : j.find("trace")->items()) found_log = found_log || l.find("event")->text() == "log: a|b\nc\"d\",e</td>";
  EXPECT_TRUE(found_log);
  // The raw markup never appears unescaped where a browser could take it:
  // JSON has no markup, but a quote or a newline left raw would break it.
  EXPECT_EQ(out.str().find("line1\nline2"), std::string::npos);
}

TEST(Escaping, ChromeTraceStaysValidAndReadsBack) {
  const run::RunOutput r = hostile_run();
  std::ostringstream out;
  report::write_chrome_trace(out, r);
  const sweep::JsonValue j = parse_or_fail(out.str());
  ASSERT_NE(j.find("otherData"), nullptr);
  EXPECT_EQ(j.find("otherData")->find("workload")->text(), kName);
  std::vector<std::string> threads;
  for (const sweep::JsonValue& e : j.find("traceEvents")->items()) {
    if (e.find("ph")->text() == "M") threads.push_back(e.find("args")->find("name")->text());
  }
  EXPECT_NE(std::find(threads.begin(), threads.end(), kTask2), threads.end());
}

TEST(Escaping, CsvKeepsItsShape) {
  const run::RunOutput r = hostile_run();
  std::ostringstream out;
  report::write_csv(out, r);
  bool ok = false;
  const auto rows = parse_csv(out.str(), &ok);
  EXPECT_TRUE(ok) << out.str();
  ASSERT_EQ(rows.size(), 2u) << out.str();
  EXPECT_EQ(rows[0].size(), rows[1].size());
  EXPECT_EQ(rows[1][0], kName);
}

TEST(Escaping, TableKeepsOneLinePerTask) {
  const run::RunOutput r = hostile_run();
  std::ostringstream out;
  report::write_table(out, r);
  const std::string table = out.str();
  // No name may start a line of its own: newlines and carriage returns in
  // names are shown escaped.
  EXPECT_EQ(table.find("\nline2"), std::string::npos) << table;
  EXPECT_EQ(table.find('\r'), std::string::npos) << table;
  EXPECT_NE(table.find("line1\\nline2"), std::string::npos) << table;
  std::ostringstream trace;
  report::write_text_trace(trace, r);
  EXPECT_EQ(trace.str().find("\nline2"), std::string::npos) << trace.str();
  EXPECT_EQ(trace.str().find("\nc\"d\""), std::string::npos) << trace.str();
}

// The sweep reports put names in Markdown (sweep::markdown_escape) and SVG
// charts (report::xml_escape): neither may let markup, a table separator or
// a line break through.
TEST(Escaping, MarkdownAndSvgTextIsInert) {
  for (const std::string& name : {kName, kTask1, kTask2, std::string("a]](javascript:x)&amp;\x01")}) {
    SCOPED_TRACE(name);
    const std::string md = sweep::markdown_escape(name);
    EXPECT_EQ(md.find('<'), std::string::npos) << md;
    EXPECT_EQ(md.find('\n'), std::string::npos) << md;
    EXPECT_EQ(md.find('\r'), std::string::npos) << md;
    for (std::size_t i = md.find('|'); i != std::string::npos; i = md.find('|', i + 1)) {
      EXPECT_TRUE(i > 0 && md[i - 1] == '\\') << "unescaped | in " << md;
    }
    const std::string xml = report::xml_escape(name);
    EXPECT_EQ(xml.find_first_of("<>\"'"), std::string::npos) << xml;
    for (const char c : xml) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << xml;
    for (std::size_t i = xml.find('&'); i != std::string::npos; i = xml.find('&', i + 1)) {
      const std::string entity = xml.substr(i, xml.find(';', i) - i + 1);
      EXPECT_TRUE(entity == "&lt;" || entity == "&gt;" || entity == "&amp;" || entity == "&quot;" ||
                  entity == "&apos;")
          << entity;
    }
  }
}

}  // namespace
}  // namespace concsim::testing
