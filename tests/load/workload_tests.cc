// Workload files: the program tree each step form builds, the VALUE / EXPR /
// DURATION rules, and the exact located messages for mistakes. Positions are
// counted by hand from the YAML text in each test (1-based, in bytes).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/load/workload.h"

namespace concsim::load {
namespace {

using models::DurationSpec;
using models::ReturnWhen;
using models::Step;
using models::StepKind;
using models::SyncKind;
using sim::Distribution;

Workload load(const std::string& text) { return load_workload(Document::load_string(text, "w.yaml")); }
// The tree alone, so that shape tests do not depend on the compiler.
Workload read(const std::string& text) { return read_workload(Document::load_string(text, "w.yaml")); }

// The message of the ConfigError loading `text` throws, or a note that it
// threw none.
std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no ConfigError>";
}

const models::FunctionDef& function(const Workload& w, const std::string& name) {
  const auto it = std::find_if(w.program.functions.begin(), w.program.functions.end(),
                               [&](const models::FunctionDef& f) { return f.name == name; });
  if (it == w.program.functions.end()) throw std::runtime_error("no function " + name);
  return *it;
}

// The steps of main for a workload whose main is `steps` (indented lines).
models::Steps main_of(const std::string& prelude, const std::string& steps) {
  const Workload w = read(prelude + "main:\n" + steps);
  return function(w, "main").steps;
}

// The only step of main.
Step only(const std::string& step, const std::string& prelude = "") {
  const models::Steps steps = main_of(prelude, "  - " + step + "\n");
  if (steps.size() != 1) throw std::runtime_error("expected one step");
  return steps[0];
}

// The expression a VALUE position turns into, read through `set:`.
std::string value(const std::string& yaml) { return only("set:\n      v: " + yaml).assignments.at(0).second; }

// ---------------------------------------------------------------------------
// Top level

TEST(Workload, Defaults) {
  const Workload w = load("main: []\n");
  EXPECT_EQ(w.name, "w");
  EXPECT_EQ(w.description, "");
  EXPECT_EQ(w.seed, 1u);
  EXPECT_EQ(w.model, "async");
  EXPECT_EQ(w.machine, "ideal");
  EXPECT_EQ(w.executor_workers, 0);
  EXPECT_EQ(w.horizon, sim::kTimeMax);
  EXPECT_EQ(w.max_events, UINT64_MAX);
  ASSERT_EQ(w.program.functions.size(), 1u);
  EXPECT_EQ(w.program.functions[0].name, "main");
  EXPECT_NE(w.compiled.find_function("main"), models::kNone);
}

TEST(Workload, NameDefaultsToTheFileStem) {
  const Workload w = load_workload(Document::load_string("main: []\n", "configs/echo.server.yaml"));
  EXPECT_EQ(w.name, "echo.server");
}

TEST(Workload, TopLevelKeys) {
  const Workload w = load(
      "name: demo\n"
      "description: a demo\n"
      "seed: 42\n"
      "model: threads\n"
      "machine: seda-2001\n"
      "limits: {horizon: 10s, max_events: 1000}\n"
      "loop: {executor_workers: 8}\n"
      "main: []\n");
  EXPECT_EQ(w.name, "demo");
  EXPECT_EQ(w.description, "a demo");
  EXPECT_EQ(w.seed, 42u);
  EXPECT_EQ(w.model, "threads");
  EXPECT_EQ(w.machine, "seda-2001");
  EXPECT_EQ(w.horizon, 10 * sim::kSecond);
  EXPECT_EQ(w.max_events, 1000u);
  EXPECT_EQ(w.executor_workers, 8);
}

// A machine the name or path of which leads to no profile is reported at
// the key, where it was written, not later as if the name were a file.
TEST(Workload, AnUnknownMachineIsReportedAtItsKey) {
  try {
    load("name: demo\nmachine: laptop\nmain: []\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("w.yaml:2:10: machine: unknown machine profile \"laptop\"; ", 0), 0u)
        << e.what();
  }
}

TEST(Workload, SharedAndSync) {
  const Workload w = load(
      "shared: {count: 0, greeting: hello, limit: 5ms}\n"
      "sync:\n"
      "  s: {kind: semaphore}\n"
      "  b: {kind: bounded_semaphore, value: 3}\n"
      "  l: {kind: lock}\n"
      "  e: {kind: event}\n"
      "  q: {kind: queue, maxsize: 10}\n"
      "  u: {kind: queue}\n"
      "main: []\n");
  ASSERT_EQ(w.program.shared.size(), 3u);
  EXPECT_EQ(w.program.shared[0].name, "count");
  EXPECT_EQ(w.program.shared[0].initial, "0");
  EXPECT_EQ(w.program.shared[1].initial, "'hello'");
  EXPECT_EQ(w.program.shared[2].initial, "5ms");
  EXPECT_EQ(w.program.shared[2].at.line, 1);
  EXPECT_EQ(w.program.shared[2].at.column, 44);
  EXPECT_EQ(w.program.shared[2].at.path, "shared.limit");
  ASSERT_EQ(w.program.sync.size(), 6u);
  EXPECT_EQ(w.program.sync[0].kind, SyncKind::kSemaphore);
  EXPECT_EQ(w.program.sync[0].value, 1);
  EXPECT_EQ(w.program.sync[1].kind, SyncKind::kBoundedSemaphore);
  EXPECT_EQ(w.program.sync[1].value, 3);
  EXPECT_EQ(w.program.sync[2].kind, SyncKind::kLock);
  EXPECT_EQ(w.program.sync[3].kind, SyncKind::kEvent);
  EXPECT_EQ(w.program.sync[4].kind, SyncKind::kQueue);
  EXPECT_EQ(w.program.sync[4].value, 10);
  EXPECT_EQ(w.program.sync[5].value, 0);
  ASSERT_EQ(w.compiled.shared.size(), 3u);
  EXPECT_EQ(w.compiled.sync.size(), 6u);
}

TEST(Workload, FunctionsComeFirstAndMainLast) {
  const Workload w = load(
      "main:\n"
      "  - call: {fn: later, args: {n: 1}}\n"
      "functions:\n"
      "  later:\n"
      "    params: [n]\n"
      "    steps: [yield]\n"
      "  other:\n"
      "    steps: []\n");
  ASSERT_EQ(w.program.functions.size(), 3u);
  EXPECT_EQ(w.program.functions[0].name, "later");
  EXPECT_EQ(w.program.functions[0].params, std::vector<std::string>{"n"});
  EXPECT_EQ(w.program.functions[0].at.path, "functions.later");
  EXPECT_EQ(w.program.functions[1].name, "other");
  EXPECT_EQ(w.program.functions[2].name, "main");
  EXPECT_EQ(w.program.functions[2].at.path, "main");
}

// ---------------------------------------------------------------------------
// Durations

TEST(Steps, DurationConstants) {
  const models::Steps s = main_of("", "  - cpu: 10ms\n  - block: 1.5s\n  - sleep: 0\n  - io: 250us\n");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].kind, StepKind::kCpu);
  EXPECT_EQ(s[0].duration.kind, DurationSpec::Kind::kConstant);
  EXPECT_EQ(s[0].duration.constant, 10 * sim::kMillisecond);
  EXPECT_EQ(s[1].kind, StepKind::kBlock);
  EXPECT_EQ(s[1].duration.constant, 1'500'000'000);
  EXPECT_EQ(s[2].kind, StepKind::kSleep);
  EXPECT_EQ(s[2].duration.constant, 0);
  EXPECT_EQ(s[3].kind, StepKind::kIo);
  EXPECT_EQ(s[3].duration.constant, 250'000);
}

TEST(Steps, PositionsAndPaths) {
  const models::Steps s = main_of("", "  - yield\n  - sleep: 10ms\n");
  EXPECT_EQ(s[0].at.line, 2);
  EXPECT_EQ(s[0].at.column, 5);
  EXPECT_EQ(s[0].at.path, "main[0]");
  EXPECT_EQ(s[1].at.line, 3);
  EXPECT_EQ(s[1].at.column, 5);
  EXPECT_EQ(s[1].at.path, "main[1].sleep");
  EXPECT_EQ(s[1].expr_at.line, 3);
  EXPECT_EQ(s[1].expr_at.column, 12);
  EXPECT_EQ(s[1].expr_at.path, "main[1].sleep");
  EXPECT_EQ(s[1].duration.at.column, 12);
}

TEST(Steps, DurationExpressions) {
  const models::Steps s = main_of("shared: {d: 1ms}\n", "  - sleep: $d\n  - cpu: ${d * 2}\n");
  EXPECT_EQ(s[0].duration.kind, DurationSpec::Kind::kExpression);
  EXPECT_EQ(s[0].duration.expression, "d");
  EXPECT_EQ(s[1].duration.kind, DurationSpec::Kind::kExpression);
  EXPECT_EQ(s[1].duration.expression, "d * 2");
}

TEST(Steps, Distributions) {
  const models::Steps s = main_of("",
                                  "  - sleep: {constant: 5ms}\n"
                                  "  - sleep: {uniform: {low: 1ms, high: 5ms}}\n"
                                  "  - sleep: {exponential: {mean: 10ms}}\n"
                                  "  - sleep: {normal: {mean: 10ms, sd: 2ms}}\n"
                                  "  - sleep: {lognormal: {median: 10ms, sigma: 0.5}}\n"
                                  "  - sleep: {empirical: {values: [1ms, 5ms], weights: [9, 1]}}\n"
                                  "  - sleep: {empirical: {values: [1ms, 2ms]}}\n");
  for (const Step& step : s) EXPECT_EQ(step.duration.kind, DurationSpec::Kind::kDistribution);
  EXPECT_EQ(s[0].duration.distribution.kind(), Distribution::Kind::kConstant);
  EXPECT_EQ(s[0].duration.distribution.param_a(), 5e6);
  EXPECT_EQ(s[1].duration.distribution.kind(), Distribution::Kind::kUniform);
  EXPECT_EQ(s[1].duration.distribution.param_a(), 1e6);
  EXPECT_EQ(s[1].duration.distribution.param_b(), 5e6);
  EXPECT_EQ(s[2].duration.distribution.kind(), Distribution::Kind::kExponential);
  EXPECT_EQ(s[2].duration.distribution.param_a(), 1e7);
  EXPECT_EQ(s[3].duration.distribution.kind(), Distribution::Kind::kNormal);
  EXPECT_EQ(s[3].duration.distribution.param_a(), 1e7);
  EXPECT_EQ(s[3].duration.distribution.param_b(), 2e6);
  EXPECT_EQ(s[4].duration.distribution.kind(), Distribution::Kind::kLognormal);
  EXPECT_EQ(s[4].duration.distribution.param_a(), std::log(1e7));
  EXPECT_EQ(s[4].duration.distribution.param_b(), 0.5);
  EXPECT_EQ(s[5].duration.distribution.kind(), Distribution::Kind::kEmpirical);
  EXPECT_EQ(s[5].duration.distribution.values(), (std::vector<double>{1e6, 5e6}));
  EXPECT_EQ(s[5].duration.distribution.cumulative_weights(), (std::vector<double>{9, 10}));
  EXPECT_EQ(s[6].duration.distribution.cumulative_weights(), (std::vector<double>{1, 2}));
}

// ---------------------------------------------------------------------------
// VALUE and EXPR

TEST(Values, QuotedScalarsAreStrings) {
  EXPECT_EQ(value("'hello'"), "'hello'");
  EXPECT_EQ(value("\"$x\""), "'$x'");
  EXPECT_EQ(value("'costs ${x}'"), "'costs ${x}'");
  EXPECT_EQ(value("'42'"), "'42'");
  EXPECT_EQ(value("\"true\""), "'true'");
  EXPECT_EQ(value("\"it's\""), "\"it's\"");
  EXPECT_EQ(value("'say \"hi\"'"), "'say \"hi\"'");
}

TEST(Values, PlainScalars) {
  EXPECT_EQ(value("$x"), "x");
  EXPECT_EQ(value("${x + 1}"), "x + 1");
  EXPECT_EQ(value("42"), "42");
  EXPECT_EQ(value("-7"), "-7");
  EXPECT_EQ(value("10_000"), "10000");
  EXPECT_EQ(value("true"), "true");
  EXPECT_EQ(value("False"), "false");
  EXPECT_EQ(value("null"), "None");
  EXPECT_EQ(value("~"), "None");
  EXPECT_EQ(value("None"), "None");
  EXPECT_EQ(value("1.5s"), "1.5s");
  EXPECT_EQ(value("10 ms"), "10ms");
  EXPECT_EQ(value("hello world"), "'hello world'");
  EXPECT_EQ(value("0.5"), "'0.5'");
  EXPECT_EQ(value("it's"), "\"it's\"");
  EXPECT_EQ(value("[]"), "[]");
}

// YAML allows no braces in a plain scalar inside a flow collection, so a
// whole "${...}" is an expression even when quoted.
TEST(Values, QuotedWholeExpressionsAreExpressions) {
  EXPECT_EQ(value("\"${x + 1}\""), "x + 1");
  EXPECT_EQ(value("'${[]}'"), "[]");
  const Step s = only("set: {n: \"${n + 1}\", m: '${append([], n)}'}", "shared: {n: 0, m: 0}\n");
  EXPECT_EQ(s.assignments.at(0).second, "n + 1");
  EXPECT_EQ(s.assignments.at(1).second, "append([], n)");
  EXPECT_EQ(only("repeat: {times: '${n}', steps: []}", "shared: {n: 2}\n").expr, "n");
}

TEST(Values, ConditionsAreTakenAsWritten) {
  const std::string prelude = "shared: {x: 1, done: false}\n";
  EXPECT_EQ(only("while: {cond: x < 5, steps: [yield]}", prelude).expr, "x < 5");
  EXPECT_EQ(only("while: {cond: $x < 5, steps: [yield]}", prelude).expr, "x < 5");
  EXPECT_EQ(only("while: {cond: '${not done}', steps: [yield]}", prelude).expr, "not done");
  EXPECT_EQ(only("while: {cond: true, steps: [yield]}", prelude).expr, "true");
}

// ---------------------------------------------------------------------------
// Simple steps

TEST(Steps, YieldLogSetReturn) {
  const models::Steps s = main_of("shared: {n: 0}\n",
                                  "  - yield\n"
                                  "  - yield:\n"
                                  "  - log: \"n is {n}\"\n"
                                  "  - set: {a: 1, b: $a, n: 'x'}\n"
                                  "  - return\n"
                                  "  - return: $a\n");
  EXPECT_EQ(s[0].kind, StepKind::kYield);
  EXPECT_EQ(s[1].kind, StepKind::kYield);
  EXPECT_EQ(s[2].kind, StepKind::kLog);
  EXPECT_EQ(s[2].text, "n is {n}");
  EXPECT_EQ(s[3].kind, StepKind::kSet);
  ASSERT_EQ(s[3].assignments.size(), 3u);
  EXPECT_EQ(s[3].assignments[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(s[3].assignments[1], (std::pair<std::string, std::string>{"b", "a"}));
  EXPECT_EQ(s[3].assignments[2], (std::pair<std::string, std::string>{"n", "'x'"}));
  ASSERT_EQ(s[3].assignment_at.size(), 3u);
  EXPECT_EQ(s[3].assignment_at[1].line, 6);
  EXPECT_EQ(s[3].assignment_at[1].column, 20);
  EXPECT_EQ(s[3].assignment_at[1].path, "main[3].set.b");
  EXPECT_EQ(s[4].kind, StepKind::kReturn);
  EXPECT_EQ(s[4].expr, "");
  EXPECT_EQ(s[5].kind, StepKind::kReturn);
  EXPECT_EQ(s[5].expr, "a");
}

TEST(Steps, RaiseForms) {
  const Step plain = only("raise: ValueError");
  EXPECT_EQ(plain.kind, StepKind::kRaise);
  EXPECT_EQ(plain.text, "ValueError");
  EXPECT_EQ(plain.message, "");
  const Step with_message = only("raise: {type: TimeoutError, message: \"late by {1}\"}");
  EXPECT_EQ(with_message.kind, StepKind::kRaise);
  EXPECT_EQ(with_message.text, "TimeoutError");
  EXPECT_EQ(with_message.message, "late by {1}");
  const Step t = only("try: {steps: [yield], except: [{steps: [raise]}]}");
  ASSERT_EQ(t.excepts.size(), 1u);
  EXPECT_EQ(t.excepts[0].steps.at(0).kind, StepKind::kReraise);
}

// ---------------------------------------------------------------------------
// Tasks

const char* const kFunctions =
    "functions:\n"
    "  fetch:\n"
    "    params: [url, n]\n"
    "    steps: [{log: '{url} {n}'}]\n"
    "  tick:\n"
    "    steps: [yield]\n";

TEST(Steps, Call) {
  const Step s = only("call: {fn: fetch, args: {url: 'a', n: 3}, into: r}", kFunctions);
  EXPECT_EQ(s.kind, StepKind::kCall);
  EXPECT_EQ(s.into, "r");
  ASSERT_EQ(s.tasks.size(), 1u);
  EXPECT_EQ(s.tasks[0].function, "fetch");
  ASSERT_EQ(s.tasks[0].args.size(), 2u);
  EXPECT_EQ(s.tasks[0].args[0], (std::pair<std::string, std::string>{"url", "'a'"}));
  EXPECT_EQ(s.tasks[0].args[1], (std::pair<std::string, std::string>{"n", "3"}));
  ASSERT_EQ(s.tasks[0].arg_at.size(), 2u);
  EXPECT_EQ(s.tasks[0].arg_at[1].path, "main[0].call.args.n");
  EXPECT_EQ(s.tasks[0].at.path, "main[0].call.fn");
}

TEST(Steps, SpawnFunctionAndInline) {
  const models::Steps s = main_of(kFunctions,
                                  "  - spawn: {name: \"t{1}\", fn: tick, into: t}\n"
                                  "  - spawn:\n"
                                  "      args: {k: 2}\n"
                                  "      steps: [{sleep: $k}]\n");
  EXPECT_EQ(s[0].kind, StepKind::kSpawn);
  EXPECT_EQ(s[0].into, "t");
  ASSERT_EQ(s[0].tasks.size(), 1u);
  EXPECT_EQ(s[0].tasks[0].name, "t{1}");
  EXPECT_EQ(s[0].tasks[0].function, "tick");
  EXPECT_EQ(s[0].tasks[0].at.path, "main[0].spawn.name");
  EXPECT_EQ(s[1].kind, StepKind::kSpawn);
  EXPECT_EQ(s[1].tasks[0].function, "");
  EXPECT_EQ(s[1].tasks[0].args.at(0), (std::pair<std::string, std::string>{"k", "2"}));
  ASSERT_EQ(s[1].tasks[0].steps.size(), 1u);
  EXPECT_EQ(s[1].tasks[0].steps[0].duration.expression, "k");
  EXPECT_EQ(s[1].tasks[0].steps[0].at.path, "main[1].spawn.steps[0].sleep");
  EXPECT_EQ(s[1].tasks[0].at.path, "main[1].spawn");
}

TEST(Steps, AwaitAndCancel) {
  const models::Steps s = main_of(kFunctions,
                                  "  - spawn: {fn: tick, into: t}\n"
                                  "  - await: $t\n"
                                  "  - await: {task: t, into: r}\n"
                                  "  - cancel: t\n"
                                  "  - cancel: ${t}\n");
  EXPECT_EQ(s[1].kind, StepKind::kAwait);
  EXPECT_EQ(s[1].expr, "t");
  EXPECT_EQ(s[1].expr_at.path, "main[1].await");
  EXPECT_EQ(s[2].kind, StepKind::kAwait);
  EXPECT_EQ(s[2].expr, "t");
  EXPECT_EQ(s[2].into, "r");
  EXPECT_EQ(s[2].expr_at.path, "main[2].await.task");
  EXPECT_EQ(s[3].kind, StepKind::kCancel);
  EXPECT_EQ(s[3].expr, "t");
  EXPECT_EQ(s[4].expr, "t");
}

TEST(Steps, GatherWaitAsCompletedWaitFor) {
  const models::Steps s =
      main_of(kFunctions,
              "  - spawn: {fn: tick, into: t}\n"
              "  - gather:\n"
              "      tasks: [{fn: tick}, $t, t, {steps: [yield]}]\n"
              "      return_exceptions: true\n"
              "      into: results\n"
              "  - wait:\n"
              "      tasks: [$t]\n"
              "      timeout: 5ms\n"
              "      return_when: FIRST_EXCEPTION\n"
              "      done: d\n"
              "      pending: p\n"
              "  - wait: {tasks: [$t]}\n"
              "  - as_completed: {tasks: [{fn: tick}, {fn: tick}], as: r, steps: [{log: '{r}'}]}\n"
              "  - wait_for: {task: {fn: tick}, timeout: 1s, into: r}\n");
  EXPECT_EQ(s[1].kind, StepKind::kGather);
  ASSERT_EQ(s[1].tasks.size(), 4u);
  EXPECT_EQ(s[1].tasks[0].function, "tick");
  EXPECT_EQ(s[1].tasks[1].ref, "t");
  EXPECT_EQ(s[1].tasks[2].ref, "t");
  EXPECT_EQ(s[1].tasks[3].steps.size(), 1u);
  EXPECT_TRUE(s[1].return_exceptions);
  EXPECT_EQ(s[1].into, "results");
  EXPECT_EQ(s[2].kind, StepKind::kWait);
  EXPECT_TRUE(s[2].has_timeout);
  EXPECT_EQ(s[2].duration.constant, 5 * sim::kMillisecond);
  EXPECT_EQ(s[2].return_when, ReturnWhen::kFirstException);
  EXPECT_EQ(s[2].done, "d");
  EXPECT_EQ(s[2].pending, "p");
  EXPECT_FALSE(s[3].has_timeout);
  EXPECT_EQ(s[3].return_when, ReturnWhen::kAllCompleted);
  EXPECT_EQ(s[4].kind, StepKind::kAsCompleted);
  EXPECT_EQ(s[4].tasks.size(), 2u);
  EXPECT_EQ(s[4].as, "r");
  EXPECT_EQ(s[4].body.size(), 1u);
  EXPECT_EQ(s[5].kind, StepKind::kWaitFor);
  ASSERT_EQ(s[5].tasks.size(), 1u);
  EXPECT_EQ(s[5].tasks[0].function, "tick");
  EXPECT_TRUE(s[5].has_timeout);
  EXPECT_EQ(s[5].duration.constant, sim::kSecond);
  EXPECT_EQ(s[5].into, "r");
}

TEST(Steps, RunInExecutor) {
  const Step s = only("run_in_executor: {fn: fetch, args: {url: u, n: 1}, into: r}", kFunctions);
  EXPECT_EQ(s.kind, StepKind::kExecutor);
  EXPECT_EQ(s.into, "r");
  ASSERT_EQ(s.tasks.size(), 1u);
  EXPECT_EQ(s.tasks[0].function, "fetch");
  const Step inline_body = only("run_in_executor: {steps: [{block: 1ms}]}");
  EXPECT_EQ(inline_body.tasks.at(0).steps.at(0).kind, StepKind::kBlock);
}

// ---------------------------------------------------------------------------
// Synchronisation

const char* const kSync =
    "sync:\n"
    "  lock: {kind: lock}\n"
    "  ev: {kind: event}\n"
    "  q: {kind: queue, maxsize: 2}\n";

TEST(Steps, SyncObjects) {
  const models::Steps s = main_of(kSync,
                                  "  - acquire: lock\n"
                                  "  - release: lock\n"
                                  "  - set_event: ev\n"
                                  "  - clear_event: ev\n"
                                  "  - wait_event: ev\n"
                                  "  - put: {queue: q, item: 5}\n"
                                  "  - get: {queue: q, into: item}\n"
                                  "  - task_done: q\n"
                                  "  - join: q\n");
  const std::vector<StepKind> kinds{StepKind::kAcquire,    StepKind::kRelease,       StepKind::kEventSet,
                                    StepKind::kEventClear, StepKind::kEventWait,     StepKind::kQueuePut,
                                    StepKind::kQueueGet,   StepKind::kQueueTaskDone, StepKind::kQueueJoin};
  ASSERT_EQ(s.size(), kinds.size());
  for (std::size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(s[i].kind, kinds[i]) << i;
  EXPECT_EQ(s[0].text, "lock");
  EXPECT_EQ(s[2].text, "ev");
  EXPECT_EQ(s[5].text, "q");
  EXPECT_EQ(s[5].expr, "5");
  EXPECT_EQ(s[5].expr_at.path, "main[5].put.item");
  EXPECT_EQ(s[6].text, "q");
  EXPECT_EQ(s[6].into, "item");
  EXPECT_EQ(s[8].text, "q");
}

TEST(Steps, AsyncWithBothForms) {
  const models::Steps s = main_of(kSync,
                                  "  - async_with: {resource: lock, steps: [yield]}\n"
                                  "  - async_with:\n"
                                  "      enter: [{sleep: 1ms}]\n"
                                  "      steps: [yield, yield]\n"
                                  "      exit: [{sleep: 2ms}]\n");
  EXPECT_EQ(s[0].kind, StepKind::kAsyncWith);
  EXPECT_EQ(s[0].text, "lock");
  EXPECT_EQ(s[0].body.size(), 1u);
  EXPECT_EQ(s[1].kind, StepKind::kAsyncWith);
  EXPECT_EQ(s[1].text, "");
  EXPECT_EQ(s[1].else_body.size(), 1u);
  EXPECT_EQ(s[1].body.size(), 2u);
  ASSERT_EQ(s[1].exit_body.size(), 1u);
  EXPECT_EQ(s[1].exit_body[0].duration.constant, 2 * sim::kMillisecond);
}

// ---------------------------------------------------------------------------
// Control flow

TEST(Steps, Loops) {
  const models::Steps s = main_of("shared: {n: 3}\n",
                                  "  - repeat: {times: 3, as: i, steps: [{log: '{i}'}]}\n"
                                  "  - repeat: {times: $n, steps: [yield]}\n"
                                  "  - async_for: {items: 4, fetch: [{io: 1ms}], as: row, steps: [yield]}\n"
                                  "  - loop: [yield, break]\n"
                                  "  - while: {cond: n > 0, steps: [{set: {n: '${n - 1}'}}, continue]}\n");
  EXPECT_EQ(s[0].kind, StepKind::kRepeat);
  EXPECT_EQ(s[0].expr, "3");
  EXPECT_EQ(s[0].as, "i");
  EXPECT_EQ(s[0].body.size(), 1u);
  EXPECT_EQ(s[0].expr_at.path, "main[0].repeat.times");
  EXPECT_EQ(s[1].expr, "n");
  EXPECT_EQ(s[2].kind, StepKind::kAsyncFor);
  EXPECT_EQ(s[2].expr, "4");
  EXPECT_EQ(s[2].as, "row");
  ASSERT_EQ(s[2].else_body.size(), 1u);
  EXPECT_EQ(s[2].else_body[0].kind, StepKind::kIo);
  EXPECT_EQ(s[2].body.size(), 1u);
  EXPECT_EQ(s[3].kind, StepKind::kLoop);
  ASSERT_EQ(s[3].body.size(), 2u);
  EXPECT_EQ(s[3].body[1].kind, StepKind::kBreak);
  EXPECT_EQ(s[4].kind, StepKind::kWhile);
  EXPECT_EQ(s[4].expr, "n > 0");
  ASSERT_EQ(s[4].body.size(), 2u);
  EXPECT_EQ(s[4].body[0].assignments.at(0).second, "n - 1");
  EXPECT_EQ(s[4].body[1].kind, StepKind::kContinue);
}

TEST(Steps, If) {
  const models::Steps s = main_of("shared: {n: 3}\n",
                                  "  - if: {cond: n == 3, then: [yield]}\n"
                                  "  - if: {cond: n == 3, then: [yield], else: [{sleep: 1ms}, yield]}\n");
  EXPECT_EQ(s[0].kind, StepKind::kIf);
  EXPECT_EQ(s[0].expr, "n == 3");
  EXPECT_EQ(s[0].expr_at.path, "main[0].if.cond");
  EXPECT_EQ(s[0].body.size(), 1u);
  EXPECT_TRUE(s[0].else_body.empty());
  EXPECT_EQ(s[1].else_body.size(), 2u);
}

TEST(Steps, Try) {
  const models::Steps s = main_of("",
                                  "  - try:\n"
                                  "      steps: [{raise: ValueError}]\n"
                                  "      except:\n"
                                  "        - {type: ValueError, as: e, steps: [{log: '{e}'}]}\n"
                                  "        - {types: [TimeoutError, KeyError]}\n"
                                  "        - {steps: [yield]}\n"
                                  "      finally: []\n"
                                  "  - try: {steps: [yield], finally: [yield]}\n");
  EXPECT_EQ(s[0].kind, StepKind::kTry);
  EXPECT_EQ(s[0].body.size(), 1u);
  ASSERT_EQ(s[0].excepts.size(), 3u);
  EXPECT_EQ(s[0].excepts[0].types, std::vector<std::string>{"ValueError"});
  EXPECT_EQ(s[0].excepts[0].as, "e");
  EXPECT_EQ(s[0].excepts[0].steps.size(), 1u);
  EXPECT_EQ(s[0].excepts[0].at.path, "main[0].try.except[0]");
  EXPECT_EQ(s[0].excepts[1].types, (std::vector<std::string>{"TimeoutError", "KeyError"}));
  EXPECT_TRUE(s[0].excepts[1].steps.empty());
  EXPECT_TRUE(s[0].excepts[2].types.empty());
  EXPECT_TRUE(s[0].has_finally);
  EXPECT_TRUE(s[0].finally_body.empty());
  EXPECT_TRUE(s[1].excepts.empty());
  EXPECT_TRUE(s[1].has_finally);
  EXPECT_EQ(s[1].finally_body.size(), 1u);
}

// ---------------------------------------------------------------------------
// The tree is what the compiler expects

TEST(Compile, StepFormsCompile) {
  const Workload w =
      load(std::string(kSync) + kFunctions +
           "shared: {n: 2, d: 1ms}\n"
           "main:\n"
           "  - cpu: 1ms\n"
           "  - block: {uniform: {low: 1ms, high: 2ms}}\n"
           "  - sleep: $d\n"
           "  - io: ${d * 2}\n"
           "  - yield\n"
           "  - log: 'n={n}'\n"
           "  - set: {x: 1, y: $n}\n"
           "  - call: {fn: fetch, args: {url: 'u', n: 1}, into: r}\n"
           "  - spawn: {name: 'w{n}', fn: tick, into: t}\n"
           "  - spawn: {args: {k: 1}, steps: [{sleep: $k}], into: t2}\n"
           "  - await: $t\n"
           "  - await: {task: t2, into: r2}\n"
           "  - cancel: t\n"
           "  - gather: {tasks: [$t, t2], return_exceptions: true, into: all}\n"
           "  - wait: {tasks: [$t], timeout: 1ms, return_when: FIRST_COMPLETED, done: dn, pending: pd}\n"
           "  - wait_for: {task: $t, timeout: 1ms, into: r3}\n"
           "  - acquire: lock\n"
           "  - release: lock\n"
           "  - set_event: ev\n"
           "  - clear_event: ev\n"
           "  - wait_event: ev\n"
           "  - put: {queue: q, item: 1}\n"
           "  - get: {queue: q, into: it}\n"
           "  - task_done: q\n"
           "  - join: q\n"
           "  - async_with: {resource: lock, steps: [yield]}\n"
           "  - async_with: {enter: [yield], steps: [yield], exit: [yield]}\n"
           "  - async_for: {items: 2, fetch: [{io: 1ms}], steps: [yield]}\n"
           "  - repeat: {times: $n, steps: [continue]}\n"
           "  - loop: [break]\n"
           "  - while:\n"
           "      cond: n > 0\n"
           "      steps:\n"
           "        - set:\n"
           "            n: ${n - 1}\n"
           "  - if: {cond: n == 2, then: [yield], else: [yield]}\n"
           "  - try:\n"
           "      steps: [{raise: {type: ValueError, message: 'bad {n}'}}]\n"
           "      except: [{type: ValueError, as: e, steps: [raise]}, {steps: []}]\n"
           "      finally: [yield]\n"
           "  - run_in_executor: {fn: tick, into: r4}\n"
           "  - return\n");
  EXPECT_NE(w.compiled.find_function("main"), models::kNone);
  EXPECT_NE(w.compiled.find_function("fetch"), models::kNone);
  EXPECT_FALSE(w.compiled.code.empty());
}

// Forms for which the compiler keeps hidden locals of its own.
TEST(Compile, StepFormsWithHiddenLocalsCompile) {
  const std::string prelude = std::string(kFunctions) + "shared: {n: 2}\n";
  for (const char* step : {"return: $n", "repeat: {times: 2, as: i, steps: [{log: '{i}'}]}",
                           "async_for: {items: 2, as: i, steps: [yield]}", "gather: {tasks: [{fn: tick}]}",
                           "wait: {tasks: [{fn: tick}]}", "wait_for: {task: {fn: tick}, timeout: 1ms}",
                           "as_completed: {tasks: [{fn: tick}], as: r}"}) {
    SCOPED_TRACE(step);
    EXPECT_NO_THROW(load(prelude + "main:\n  - " + step + "\n"));
  }
}

// ---------------------------------------------------------------------------
// Errors, with their exact messages

TEST(Errors, UnknownStepWithSuggestion) {
  EXPECT_EQ(error_of("main:\n  - slep: 1ms\n"),
            "w.yaml:2:5: main[0].slep: unknown step \"slep\"; did you mean \"sleep\"?");
  EXPECT_EQ(error_of("main:\n  - yeild\n"),
            "w.yaml:2:5: main[0]: unknown step \"yeild\"; did you mean \"yield\"?");
  EXPECT_EQ(error_of("main:\n  - sleep\n"),
            "w.yaml:2:5: main[0]: step \"sleep\" needs a value: write \"sleep: ...\"");
}

TEST(Errors, BadDuration) {
  EXPECT_EQ(error_of("main:\n  - sleep: fast\n"),
            "w.yaml:2:12: main[0].sleep: expected a duration like \"10ms\", got \"fast\"");
  EXPECT_EQ(error_of("main:\n  - cpu: -1ms\n"), "w.yaml:2:10: main[0].cpu: must be at least 0s, got -1ms");
}

TEST(Errors, BadDistribution) {
  EXPECT_EQ(error_of("main:\n  - sleep: {uniform: {low: 5ms, high: 1ms}}\n"),
            "w.yaml:2:33: main[0].sleep.uniform.high: must be at least low (5ms)");
  EXPECT_EQ(error_of("main:\n  - sleep: {exponential: {mean: 0}}\n"),
            "w.yaml:2:33: main[0].sleep.exponential.mean: must be at least 1ns, got 0");
  EXPECT_EQ(error_of("main:\n  - sleep: {gaussian: {mean: 1ms}}\n"),
            "w.yaml:2:13: main[0].sleep.gaussian: unknown key; allowed keys are \"constant\", "
            "\"uniform\", \"exponential\", \"normal\", \"lognormal\", \"empirical\"");
  EXPECT_EQ(error_of("main:\n  - sleep: {empirical: {values: [1ms, 2ms], weights: [1]}}\n"),
            "w.yaml:2:54: main[0].sleep.empirical.weights: has 1 weights for 2 values");
  EXPECT_EQ(error_of("main:\n  - sleep: {lognormal: {median: 1ms, sigma: 50}}\n"),
            "w.yaml:2:45: main[0].sleep.lognormal.sigma: must be between 0 and 10, got 50");
}

TEST(Errors, UnknownVariableFromTheCompiler) {
  EXPECT_EQ(error_of("main:\n  - sleep: ${x * 2}\n"),
            "w.yaml:2:12: main[0].sleep: unknown variable \"x\" in \"x * 2\"");
  EXPECT_EQ(error_of("main:\n  - set: {a: $b}\n"),
            "w.yaml:2:14: main[0].set.a: unknown variable \"b\" in \"b\"");
  EXPECT_EQ(error_of("main:\n  - log: 'value {v}'\n"),
            "w.yaml:2:5: main[0].log: unknown variable \"v\" in \"value {v}\"");
  EXPECT_EQ(error_of("main:\n  - if: {cond: x >, then: []}\n"),
            "w.yaml:2:16: main[0].if.cond: unknown variable \"x\" in \"x >\"");
}

TEST(Errors, UnknownFunction) {
  EXPECT_EQ(error_of(std::string(kFunctions) + "main:\n  - call: {fn: fecth}\n"),
            "w.yaml:8:16: main[0].call.fn: unknown function \"fecth\"; did you mean \"fetch\"?");
  EXPECT_EQ(error_of("main:\n  - spawn: {fn: nope}\n"),
            "w.yaml:2:17: main[0].spawn.fn: unknown function \"nope\"; known: \"main\"");
}

TEST(Errors, Arguments) {
  EXPECT_EQ(
      error_of(std::string(kFunctions) + "main:\n  - call: {fn: fetch, args: {url: 1, m: 2}}\n"),
      "w.yaml:8:38: main[0].call.args.m: function \"fetch\" has no parameter \"m\"; did you mean \"n\"?");
  EXPECT_EQ(error_of(std::string(kFunctions) + "main:\n  - call: {fn: fetch, args: {url: 1}}\n"),
            "w.yaml:8:29: main[0].call.args: missing argument \"n\" for function \"fetch\"");
  EXPECT_EQ(error_of(std::string(kFunctions) + "main:\n  - call: {fn: tick, args: {x: 1}}\n"),
            "w.yaml:8:29: main[0].call.args.x: function \"tick\" has no parameter \"x\"; it takes none");
}

TEST(Errors, UnknownSyncObject) {
  EXPECT_EQ(error_of(std::string(kSync) + "main:\n  - acquire: lokc\n"),
            "w.yaml:6:14: main[0].acquire: unknown sync object \"lokc\"; did you mean \"lock\"?");
  EXPECT_EQ(error_of(std::string(kSync) + "main:\n  - acquire: q\n"),
            "w.yaml:6:14: main[0].acquire: \"q\" is a queue, not a semaphore or lock");
  EXPECT_EQ(error_of("main:\n  - wait_event: ev\n"),
            "w.yaml:2:17: main[0].wait_event: unknown sync object \"ev\"; the workload defines none");
}

TEST(Errors, MissingMain) {
  EXPECT_EQ(error_of("name: x\n"), "w.yaml:1:1: main: missing required key \"main\"");
}

TEST(Errors, NonIdentifierNames) {
  EXPECT_EQ(
      error_of("main:\n  - set: {1x: 2}\n"),
      "w.yaml:2:11: main[0].set.1x: \"1x\" is not a valid variable name (use letters, digits and _, not "
      "starting with a digit)");
  EXPECT_EQ(error_of("functions:\n  my-fn: {steps: []}\nmain: []\n"),
            "w.yaml:2:3: functions.my-fn: \"my-fn\" is not a valid function name (use letters, digits and _, "
            "not starting with a digit)");
  EXPECT_EQ(error_of("sync:\n  a b: {kind: lock}\nmain: []\n"),
            "w.yaml:2:3: sync.a b: \"a b\" is not a valid sync object name (use letters, digits and _, not "
            "starting with a digit)");
  EXPECT_EQ(error_of("functions:\n  f: {params: [ok, 2x], steps: []}\nmain: []\n"),
            "w.yaml:2:20: functions.f.params[1]: \"2x\" is not a valid parameter name (use letters, digits "
            "and _, not starting with a digit)");
  EXPECT_EQ(error_of(std::string(kSync) + "main:\n  - get: {queue: q, into: None}\n"),
            "w.yaml:6:27: main[0].get.into: \"None\" is a reserved word of the expression language and "
            "cannot name a variable");
}

TEST(Errors, StepMapWithTwoKeys) {
  EXPECT_EQ(
      error_of("main:\n  - sleep: 1ms\n    cpu: 2ms\n"),
      "w.yaml:2:5: main[0]: a step has exactly one key, got 2: \"sleep\", \"cpu\" (put each step in its "
      "own list item)");
  EXPECT_EQ(error_of("functions: {f: {steps: []}}\nmain:\n  - spawn:\n    fn: f\n"),
            "w.yaml:3:5: main[0]: a step has exactly one key, got 2: \"spawn\", \"fn\" (should \"fn\" be "
            "indented under \"spawn\"?)");
}

TEST(Errors, TopLevelAndStepKeys) {
  EXPECT_EQ(error_of("mian: []\n"), "w.yaml:1:1: mian: unknown key; did you mean \"main\"?");
  EXPECT_EQ(error_of("model: thread\nmain: []\n"),
            "w.yaml:1:8: model: unknown value \"thread\"; did you mean \"threads\"?");
  EXPECT_EQ(error_of("loop: {executor_workers: 0}\nmain: []\n"),
            "w.yaml:1:26: loop.executor_workers: must be between 1 and 1024, got 0");
  EXPECT_EQ(error_of("limits: {horizon: 0}\nmain: []\n"),
            "w.yaml:1:19: limits.horizon: must be at least 1ns, got 0");
  EXPECT_EQ(error_of("main:\n  - repeat: {time: 3, steps: []}\n"),
            "w.yaml:2:14: main[0].repeat.time: unknown key; did you mean \"times\"?");
  EXPECT_EQ(error_of("main:\n  - spawn: {into: t}\n"),
            "w.yaml:2:12: main[0].spawn: missing \"fn\" (a function to run) or \"steps\" (an inline body)");
  EXPECT_EQ(error_of("main:\n  - try: {steps: []}\n"),
            "w.yaml:2:10: main[0].try: a try needs except clauses or a finally block");
  EXPECT_EQ(error_of("main:\n  - break: 1\n"), "w.yaml:2:12: main[0].break: \"break\" takes no value");
  EXPECT_EQ(error_of("functions:\n  main: {steps: []}\nmain: []\n"),
            "w.yaml:2:3: functions.main: \"main\" is the workload's top-level `main:`; give this function "
            "another name");
}

TEST(Errors, Sync) {
  EXPECT_EQ(error_of("sync:\n  l: {kind: lock, value: 2}\nmain: []\n"),
            "w.yaml:2:19: sync.l.value: only semaphores take a value; this is a lock");
  EXPECT_EQ(error_of("sync:\n  s: {kind: semaphore, value: -1}\nmain: []\n"),
            "w.yaml:2:31: sync.s.value: must be between 0 and 1000000000000, got -1");
  EXPECT_EQ(error_of("sync:\n  s: {kind: mutex}\nmain: []\n"),
            "w.yaml:2:13: sync.s.kind: unknown value \"mutex\"; expected one of \"semaphore\", "
            "\"bounded_semaphore\", \"lock\", \"event\", \"queue\"");
}

TEST(Errors, Values) {
  EXPECT_EQ(error_of("main:\n  - return: \"it's \\\"x\\\"\"\n"),
            "w.yaml:2:13: main[0].return: a string cannot contain both ' and \" (expression strings have no "
            "escapes)");
  EXPECT_EQ(
      error_of("main:\n  - return: $a.b\n"),
      "w.yaml:2:13: main[0].return: \"$a.b\" is not a variable reference; write $name for a variable, or "
      "put an expression in ${...}: \"${a.b}\"");
  EXPECT_EQ(error_of("main:\n  - return: ${a\n"),
            "w.yaml:2:13: main[0].return: unterminated \"${\" in \"${a\": write ${expression}");
  EXPECT_EQ(error_of("main:\n  - return: 0.5ns\n"), "w.yaml:2:13: main[0].return: 0.5ns: finer than 1 ns");
  EXPECT_EQ(
      error_of("main:\n  - return: [1]\n"),
      "w.yaml:2:13: main[0].return: expected a value (a number, duration, string, true/false, null, [], "
      "$variable or ${expression}), got a sequence");
}

TEST(Errors, Magnitudes) {
  EXPECT_EQ(error_of("main:\n  - repeat: {times: 2000000000000, steps: []}\n"),
            "w.yaml:2:21: main[0].repeat.times: must be between 0 and 1000000000000, got 2000000000000");
  EXPECT_EQ(
      error_of("main:\n  - repeat: {times: 1s, steps: []}\n"),
      "w.yaml:2:21: main[0].repeat.times: expected a whole number, $variable or ${expression}, got \"1s\"");
  // Each level calls the one below twice: 2^25 copies of the innermost body
  // once the calls are inlined.
  std::string text = "functions:\n  f0: {steps: [yield]}\n";
  for (int i = 1; i <= 25; ++i) {
    text += "  f" + std::to_string(i) + ": {steps: [{call: {fn: f" + std::to_string(i - 1) +
            "}}, {call: {fn: f" + std::to_string(i - 1) + "}}]}\n";
  }
  text += "main:\n  - call: {fn: f25}\n";
  const std::string error = error_of(text);
  // Reported at the largest function, here main's list of steps.
  EXPECT_EQ(error.substr(0, error.find(':', 10) + 1), "w.yaml:29:3:") << error;
  EXPECT_NE(error.find("main: the workload would compile to about"), std::string::npos) << error;
  EXPECT_NE(error.find("over the limit of 1000000"), std::string::npos) << error;
}

TEST(Errors, ExecutorJobsRunOnlyLoopFreeSteps) {
  EXPECT_EQ(
      error_of("main:\n  - run_in_executor:\n      steps:\n        - block: 1ms\n        - await: t\n"),
      "w.yaml:5:11: main[0].run_in_executor.steps[1].await: a run_in_executor job (started at "
      "main[0].run_in_executor) runs on a worker thread, which cannot \"await\": only cpu, block, sleep, "
      "io, yield, log, set, call and control flow run there");
  EXPECT_EQ(error_of(std::string(kSync) + "functions:\n"
                                          "  inner: {steps: [{acquire: lock}]}\n"
                                          "  job: {steps: [{block: 1ms}, {call: {fn: inner}}]}\n"
                                          "main:\n"
                                          "  - run_in_executor: {fn: job}\n"),
            "w.yaml:6:19: functions.inner.steps[0].acquire: a run_in_executor job (started at "
            "main[0].run_in_executor) runs on a worker thread, which cannot \"acquire\": only cpu, block, "
            "sleep, io, yield, log, set, call and control flow run there");
  EXPECT_NO_THROW(read(
      "main:\n  - run_in_executor:\n      steps: [{repeat: {times: 2, steps: [{cpu: 1ms}, {log: x}]}}]\n"));
}

TEST(Errors, FromTheCompiler) {
  EXPECT_EQ(error_of("main:\n  - break\n"), "w.yaml:2:5: main[0]: break outside a loop");
  EXPECT_EQ(error_of("main:\n  - raise\n"),
            "w.yaml:2:5: main[0]: a bare raise is only allowed inside except or finally");
  EXPECT_EQ(
      error_of("functions:\n  f: {steps: [{call: {fn: f}}]}\nmain:\n  - call: {fn: f}\n"),
      "w.yaml:2:27: functions.f.steps[0].call.fn: function \"f\" calls itself; recursion is not supported "
      "(spawn a task instead)");
  EXPECT_EQ(error_of("shared: {a: $b}\nmain: []\n"),
            "w.yaml:1:13: shared.a: unknown variable \"b\" in \"b\"");
  EXPECT_EQ(error_of("main:\n  - spawn: {name: 'w{n', steps: []}\n"),
            "w.yaml:2:19: main[0].spawn.name: unclosed \"{\" in template in \"w{n\"");
}

TEST(Errors, OverriddenValuesReportTheirOwnPlace) {
  Document doc = Document::load_string("main:\n  - sleep: 1ms\n", "w.yaml");
  doc.apply_override("main.0.sleep=${late}");
  try {
    load_workload(doc);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "--set:1:14: main[0].sleep: unknown variable \"late\" in \"late\"");
  }
}

// ---------------------------------------------------------------------------
// The corpus of bad workload files: each tests/data/bad_workloads/<name>.yaml
// must fail with exactly the message in <name>.expected.

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(BadWorkloads, EachFileFailsWithItsExpectedMessage) {
  namespace fs = std::filesystem;
  const fs::path corpus = "tests/data/bad_workloads";
  ASSERT_TRUE(fs::is_directory(corpus)) << "run from the source root; " << corpus << " not found";
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() == ".yaml") inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  // Guards against a silently empty or truncated corpus.
  ASSERT_GE(inputs.size(), 10u);
  for (const fs::path& input : inputs) {
    SCOPED_TRACE(input.string());
    fs::path expected_path = input;
    expected_path.replace_extension(".expected");
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
    std::string expected = read_text(expected_path);
    while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) expected.pop_back();
    std::string actual = "<no ConfigError>";
    try {
      load_workload(Document::load_file(input.string()));
    } catch (const ConfigError& e) {
      actual = e.what();
    }
    EXPECT_EQ(actual, expected);
  }
}

// Every workload shipped under configs/ loads and compiles. Files without a
// top-level main (machine profiles) are not workloads.
TEST(GoodWorkloads, EveryWorkloadUnderConfigsLoads) {
  namespace fs = std::filesystem;
  ASSERT_TRUE(fs::is_directory("configs")) << "run from the source root";
  int loaded = 0;
  for (const auto& entry : fs::recursive_directory_iterator("configs")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    try {
      const Document doc = Document::load_file(entry.path().string());
      if (!doc.root().is_map() || !doc.root().has("main")) continue;
      load_workload(doc);
      ++loaded;
    } catch (const ConfigError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GT(loaded, 0);
}

}  // namespace
}  // namespace concsim::load
