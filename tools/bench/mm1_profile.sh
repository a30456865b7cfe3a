#!/usr/bin/env bash
# mm1_profile.sh: where the time of the M/M/1 workload path goes. Runs the
# queue of tools/bench/mm1_compare.sh as users run it (`concsim run
# mm1.yaml`, and mm1_python.yaml) under callgrind, and prints a Markdown
# table of the instructions per request served by component: the kernel's
# event queue, the loop's iterations, task wake-ups, the request bookkeeping
# (the CPU, sleeps and I/O, latency recording), the interpreter, expression
# evaluation, random draws, the trace, collecting the results, and the rest
# of the process (start, loading, output).
#
#   bash tools/bench/mm1_profile.sh [--customers N] [--build DIR]
#
#   --customers N  requests to arrive (default 100000: N / 900 s of virtual
#                  time at 900 arrivals per second)
#   --build DIR    the CMake build directory holding app/concsim (default
#                  $CONCSIM_BUILD_DIR or ./build)
#
# A component is a set of functions; each function counts its inclusive
# instructions (callgrind_annotate --inclusive=yes) less its direct calls
# into the other listed functions, so the components partition the run as
# long as the listed functions call each other directly; the table says how
# much of the process they cover. Functions the compiler inlined count in
# their callers. Needs valgrind (callgrind, callgrind_annotate); exit status
# 3 when it is missing, 2 on usage, 1 when a run fails.
set -euo pipefail

cd "$(dirname "$0")/../.."
customers=100000
build="${CONCSIM_BUILD_DIR:-build}"
usage() {
  echo "usage: bash tools/bench/mm1_profile.sh [--customers N] [--build DIR]" >&2
  exit 2
}
source tools/bench/mm1_args.sh
mm1_parse_args "--customers --build" "$@"
if ! command -v valgrind >/dev/null || ! command -v callgrind_annotate >/dev/null; then
  echo "mm1_profile: valgrind is not installed (Debian: apt-get install valgrind)" >&2
  exit 3
fi
concsim="$(cd "$build" && pwd)/app/concsim"
[ -x "$concsim" ] || { echo "mm1_profile: $concsim is missing" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
duration_ms=$(( (customers * 1000 + 450) / 900 ))
for form in yaml python; do
  file=mm1.yaml
  [ "$form" = python ] && file=mm1_python.yaml
  echo "mm1_profile: callgrind, concsim run $file, ${duration_ms} ms of virtual time" >&2
  (cd tests/python/server && valgrind --tool=callgrind --callgrind-out-file="$tmp/$form.cg" \
    "$concsim" run "$file" --set "server.duration=${duration_ms}ms" --format csv) \
    >"$tmp/$form.csv" 2>"$tmp/$form.err" || { tail -5 "$tmp/$form.err" >&2; exit 1; }
  callgrind_annotate --inclusive=yes --tree=calling --threshold=100 "$tmp/$form.cg" >"$tmp/$form.tree"
  echo "cd tests/python/server && valgrind --tool=callgrind concsim run $file --set server.duration=${duration_ms}ms --format csv" \
    >"$tmp/$form.cmd"
done

python3 - "$tmp" <<'PY'
import csv, os, re, sys

tmp = sys.argv[1]
# Components: (name, substrings of the functions' demangled names). The event
# loop of the YAML steps (models::EventLoop) and the asyncio loop that runs
# Python (models::loop::Loop, the vm) have their own functions.
COMPONENTS = [
    ("the kernel: event queue and run loop", ["concsim::sim::Simulation::run("]),
    ("loop iterations (ready queue, timers, dispatch)", [
        "EventLoop::on_event(", "EventLoop::iterate(", "EventLoop::run_ready(", "EventLoop::move_to_ready(",
        "loop::Loop::on_event(", "loop::Loop::iterate(", "loop::Loop::poll_done(", "loop::Loop::run_ready(",
        "loop::Loop::timers_and_run(", "loop::Loop::run_handle("]),
    ("task wake-ups and resumption", [
        "EventLoop::wakeup(", "EventLoop::step(", "EventLoop::suspend(", "EventLoop::run_step(",
        "loop::Loop::task_run(", "loop::Loop::run_fiber(", "task_wakeup_native(", "loop::Loop::task_step(",
        "loop::Loop::await_native("]),
    ("request bookkeeping: the CPU, sleeps and I/O, latency recording", [
        "EventLoop::cpu_done(", "EventLoop::start_cpu(", "EventLoop::handle_compute(", "EventLoop::handle_sleep_io(",
        "std::pair<unsigned int const, unsigned long>", "RequestStats::arriving(", "RequestStats::done(",
        "LatencyRecorder::record(", "loop::Loop::busy_done(", "loop::Loop::occupy(", "(anonymous namespace)::c_cpu("]),
    ("the step interpreter / the Python VM", [
        "Interpreter::run(", "vm::Vm::run(", "vm::Interp::execute(", "vm::Interp::call_from_frame(",
        "vm::Interp::call_native(", "vm::Vm::call(", "vm::destroy(", "(anonymous namespace)::free_one("]),
    ("expression evaluation", ["models::eval_expr(", "models::eval_template("]),
    ("random draws", ["Interpreter::sample_duration(", "sim::Distribution::sample(", "portable_log("]),
    ("the trace (formatting its lines)", ["sim::format_duration["]),
    ("collecting the results after the run", ["anonymous namespace)::collect<"]),
]

LINE = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+([*>< ])\s+(.*)$")


def parse(path):
    """Inclusive cost per function and the direct arcs caller -> callee."""
    incl, arcs, total, cur = {}, {}, 0, None
    for line in open(path):
        m = re.match(r"^\s*([\d,]+) \([^)]*\)\s+PROGRAM TOTALS", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = LINE.match(line)
        if not m:
            continue
        cost, mark, name = int(m.group(1).replace(",", "")), m.group(2), m.group(3)
        name = re.sub(r" \[[^\]]*\]\s*$", "", name)
        name = re.sub(r" \([\d,]+x\)\s*$", "", name).strip()
        if mark == "*":
            cur = name
            incl[name] = cost
        elif mark == ">" and cur is not None:
            arcs.setdefault(cur, {})[name] = arcs.get(cur, {}).get(name, 0) + cost
    return total, incl, arcs


def component_of(name):
    for i, (_, pats) in enumerate(COMPONENTS):
        if any(p in name for p in pats):
            return i
    return None


def profile(form):
    total, incl, arcs = parse(os.path.join(tmp, form + ".tree"))
    rows = list(csv.DictReader(open(os.path.join(tmp, form + ".csv"))))
    served = int(rows[0]["completed"]) if rows else 0
    listed = {n: component_of(n) for n in incl}
    listed = {n: c for n, c in listed.items() if c is not None}
    per = [0] * len(COMPONENTS)
    for n, c in listed.items():
        inner = sum(v for callee, v in arcs.get(n, {}).items() if callee in listed and callee != n)
        per[c] += incl[n] - inner
    return total, served, per


forms = [f for f in ("yaml", "python") if os.path.exists(os.path.join(tmp, f + ".tree"))]
data = {f: profile(f) for f in forms}
print("Instructions per request served, counted by callgrind (`valgrind --tool=callgrind`; "
      "`callgrind_annotate --inclusive=yes`), by component: each component is a set of functions, each "
      "function counted with everything it calls except its direct calls into the other listed functions; "
      "functions the compiler inlined count in their callers; \"the rest of the process\" is the "
      "process's total less the components (its start, loading the workload, writing the output). "
      "Commands:")
print()
for f in forms:
    print(f"- {f}: `{open(os.path.join(tmp, f + '.cmd')).read().strip()}`")
print()
print("| component | " + " | ".join(f"{f}: instructions per request | share" for f in forms) + " |")
print("|---|" + "---:|---:|" * len(forms))
for i, (name, _) in enumerate(COMPONENTS):
    cells = []
    for f in forms:
        total, served, per = data[f]
        cells.append(f"{per[i] / served:,.0f} | {100 * per[i] / total:.1f} %" if served else "? | ?")
    print(f"| {name} | " + " | ".join(cells) + " |")
cells = []
for f in forms:
    total, served, per = data[f]
    rest = total - sum(per)
    cells.append(f"{rest / served:,.0f} | {100 * rest / total:.1f} %" if served else "? | ?")
print("| the rest of the process | " + " | ".join(cells) + " |")
cells = []
for f in forms:
    total, served, _ = data[f]
    cells.append(f"**{total / served:,.0f}** | 100 %" if served else "? | ?")
print("| the whole process | " + " | ".join(cells) + " |")
print()
print("Requests served: " + ", ".join(f"{f} {data[f][1]:,}" for f in forms) + ". A negative \"rest\" would "
      "mean a listed function reached another through an unlisted one and was counted twice.")
PY
