#!/usr/bin/env bash
# mm1_compare.sh: the M/M/1 peer comparison (issues 6 and 18), concsim against
# SimPy, all run in one invocation on the same model (tools/bench/mm1.h
# explains the shared definitions), figures side by side. Three concsim rows:
# the queue hand-coded on the kernel (concsim-mm1), and the same queue as a
# workload, which is what users run (`concsim run`, one connection, Poisson
# arrivals at 900/s, exponential service of mean 1 ms), in its YAML form
# (tests/python/server/mm1.yaml) and its Python form (mm1_python.yaml).
#
# Interface (kept stable; tools/perf.sh calls it):
#   bash tools/bench/mm1_compare.sh [--format markdown|json] [--customers N]
#        [--seed S] [--lambda L] [--mu M] [--build DIR] [--workload yes|no]
#        [--json-out FILE]
#
#   --format markdown  (default) a Markdown table on stdout
#   --format json      one JSON object on stdout:
#                      {"model": "M/M/1", "customers", "seed", "lambda", "mu",
#                       "theory_mean_time_in_system", "events_definition",
#                       "runs": [<concsim run>, <simpy run>],
#                       "concsim_over_simpy": <events/s ratio>,
#                       "per_customer": [<row>, ...]}
#                      where each run is the JSON object printed by
#                      concsim-mm1 or mm1_simpy.py ("simulator", "version",
#                      "customers", "events", "seconds", "events_per_s",
#                      "mean_time_in_system", ...), and each row of
#                      per_customer is one process timed whole (start,
#                      loading, run, output): {"row", "command",
#                      "customers" (served), "wall_seconds", "ns_per_customer",
#                      "peak_rss_kib", "simpy_over_row"} (SimPy's ns per
#                      customer over the row's), kernel, yaml, python, simpy.
#   --customers N      customers per run (default 100000); events = 2 N. The
#                      workload rows run for N / 900 s of virtual time, so
#                      about N requests arrive; they report those served.
#   --seed S           seed of the kernel and SimPy runs (default 1)
#   --lambda L, --mu M arrival and service rates per time unit (0.8 and 1.0)
#                      of the kernel and SimPy runs
#   --build DIR        the CMake build directory holding concsim-mm1 and
#                      concsim (default $CONCSIM_BUILD_DIR or ./build); the
#                      targets are built there if missing
#   --workload no      leave out the workload rows
#   --json-out FILE    also write the JSON object to FILE (whatever --format)
# Progress goes to stderr. Exit status: 0 success, 1 a run failed, 2 usage.
# Python: $PYTHON, else /usr/bin/python3 (Debian's, which sees python3-simpy),
# else python3. Needs the Debian package python3-simpy, installed here if
# missing when run as root or with sudo, and GNU time (/usr/bin/time) for
# the peak resident memory of each process.
set -euo pipefail

cd "$(dirname "$0")/../.."

format=markdown
customers=100000
seed=1
lambda=0.8
mu=1.0
build="${CONCSIM_BUILD_DIR:-build}"
workload=yes
json_out=""
usage() {
  echo "usage: bash tools/bench/mm1_compare.sh [--format markdown|json] [--customers N]" \
       "[--seed S] [--lambda L] [--mu M] [--build DIR] [--workload yes|no] [--json-out FILE]" >&2
  exit 2
}
source tools/bench/mm1_args.sh
mm1_parse_args "--format --customers --seed --lambda --mu --build --workload --json-out" "$@"
case "$format" in markdown|json) ;; *) usage ;; esac
case "$workload" in yes|no) ;; *) usage ;; esac

python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; else python=python3; fi
fi

packages=(python3-simpy)
if ! "$python" -c 'import simpy' 2>/dev/null && ! "$python" -c 'import SimPy' 2>/dev/null; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "mm1_compare: installing ${missing[*]}" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
fi

build="$(cd "$build" && pwd)"
bin="$build/tools/bench/concsim-mm1"
concsim="$build/app/concsim"
targets=()
[ -x "$bin" ] || targets+=(concsim-mm1)
[ "$workload" = no ] || [ -x "$concsim" ] || targets+=(concsim)
if ((${#targets[@]})); then
  echo "mm1_compare: building ${targets[*]} in $build" >&2
  cmake --build "$build" --target "${targets[@]}" >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# timed NAME DIR CMD...: runs CMD in DIR, its stdout into $tmp/NAME.out; the
# wall-clock time of the whole process (ns) into $tmp/NAME.ns and its peak
# resident set (KiB, GNU time) into $tmp/NAME.rss. Fails if CMD fails.
timed() {
  local name="$1" dir="$2"
  shift 2
  local t0 t1 rc=0
  t0="$(date +%s%N)"
  (cd "$dir" && /usr/bin/time -f '%M' -o "$tmp/$name.rss" "$@") >"$tmp/$name.out" || rc=$?
  t1="$(date +%s%N)"
  echo $((t1 - t0)) >"$tmp/$name.ns"
  if [ "$rc" -ne 0 ]; then
    echo "mm1_compare: $* failed (exit code $rc)" >&2
    return 1
  fi
}

args=(--customers "$customers" --seed "$seed" --lambda "$lambda" --mu "$mu")
echo "mm1_compare: concsim, $customers customers" >&2
timed kernel . "$bin" "${args[@]}"
echo "mm1_compare: SimPy, $customers customers" >&2
timed simpy . "$python" tools/bench/mm1_simpy.py "${args[@]}"
# The workload rows: 900 arrivals per second of virtual time, so N / 900 s
# for N customers (to the millisecond).
duration_ms=$(( (customers * 1000 + 450) / 900 ))
rows=(kernel simpy)
commands=("tools/bench/concsim-mm1 ${args[*]}" "python3 tools/bench/mm1_simpy.py ${args[*]}")
if [ "$workload" = yes ]; then
  for form in yaml python; do
    file=mm1.yaml
    [ "$form" = python ] && file=mm1_python.yaml
    echo "mm1_compare: concsim run $file, ${duration_ms} ms of virtual time" >&2
    timed "$form" tests/python/server "$concsim" run "$file" --set "server.duration=${duration_ms}ms" --format csv
    rows+=("$form")
    commands+=("cd tests/python/server && concsim run $file --set server.duration=${duration_ms}ms --format csv")
  done
fi
for i in "${!rows[@]}"; do
  r="${rows[$i]}"
  printf '%s\t%s\t%s\t%s\n' "$r" "$(cat "$tmp/$r.ns")" "$(tail -1 "$tmp/$r.rss")" "${commands[$i]}"
done >"$tmp/rows.tsv"

FORMAT="$format" TMP="$tmp" JSON_OUT="$json_out" "$python" - <<'PY'
import csv
import json
import os

tmp = os.environ["TMP"]
c = json.loads(open(os.path.join(tmp, "kernel.out")).read())
s = json.loads(open(os.path.join(tmp, "simpy.out")).read())

# One row per process timed whole: customers served, ns per customer, peak RSS.
per_customer = []
order = {"kernel": 0, "yaml": 1, "python": 2, "simpy": 3}
for line in sorted(open(os.path.join(tmp, "rows.tsv")), key=lambda l: order[l.split("\t")[0]]):
    row, ns, rss, command = line.rstrip("\n").split("\t", 3)
    if row in ("kernel", "simpy"):
        served = (c if row == "kernel" else s)["customers"]
    else:
        out = list(csv.DictReader(open(os.path.join(tmp, row + ".out"))))
        served = int(out[0]["completed"]) if out else 0
    per_customer.append({"row": row, "command": command, "customers": served,
                         "wall_seconds": int(ns) / 1e9,
                         "ns_per_customer": round(int(ns) / served, 1) if served else None,
                         "peak_rss_kib": int(rss) if rss.isdigit() else None})
simpy_ns = next(r["ns_per_customer"] for r in per_customer if r["row"] == "simpy")
for r in per_customer:
    r["simpy_over_row"] = round(simpy_ns / r["ns_per_customer"], 2) if r["ns_per_customer"] else None
lam, mu = c["lambda"], c["mu"]
theory = round(1.0 / (mu - lam), 9) if lam < mu else None
ratio = c["events_per_s"] / s["events_per_s"]
definition = "2 per customer: its arrival and its departure"
summary = {
    "model": "M/M/1",
    "customers": c["customers"],
    "seed": c["seed"],
    "lambda": lam,
    "mu": mu,
    "theory_mean_time_in_system": theory,
    "events_definition": definition,
    "runs": [c, s],
    "concsim_over_simpy": round(ratio, 2),
    "per_customer": per_customer,
}
if os.environ["JSON_OUT"]:
    with open(os.environ["JSON_OUT"], "w") as f:
        f.write(json.dumps(summary) + "\n")
if os.environ["FORMAT"] == "json":
    print(json.dumps(summary))
else:
    def row(name, a, b):
        print(f"| {name} | {a} | {b} |")
    print(f"M/M/1, lambda {lam:g}, mu {mu:g} per time unit, {c['customers']} customers, "
          f"seed {c['seed']}; events = {definition}.")
    print()
    print("| | concsim | SimPy |")
    print("|---|---:|---:|")
    row("version", c["version"], s["version"])
    row("customers", c["customers"], s["customers"])
    row("events", c["events"], s["events"])
    row("wall-clock seconds", f"{c['seconds']:.3f}", f"{s['seconds']:.3f}")
    row("events per second", f"{c['events_per_s']:,.0f}", f"{s['events_per_s']:,.0f}")
    w = f"theory {theory:g}" if theory is not None else "no steady state (lambda >= mu)"
    row(f"mean time in system ({w})", f"{c['mean_time_in_system']:.4f}",
        f"{s['mean_time_in_system']:.4f}")
    print()
    print(f"concsim ran {ratio:,.1f} times as many events per second as SimPy in this run.")
    print()
    names = {"kernel": "concsim-mm1 (the queue hand-coded on the kernel)",
             "yaml": "`concsim run mm1.yaml` (the workload, handler in YAML steps)",
             "python": "`concsim run mm1_python.yaml` (the workload, handler in Python)",
             "simpy": f"SimPy {s['version']}"}
    print("Per customer, each process timed whole (start, loading, run, output; wall clock), "
          "peak resident memory from GNU time; the workload rows run one connection with "
          "Poisson arrivals at 900/s and an exponential service time of mean 1 ms for "
          "customers / 900 s of virtual time, and count the requests served:")
    print()
    print("| row | customers served | wall | ns per customer | peak RSS | SimPy's ns per customer / the row's | command |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for r in per_customer:
        rss = f"{r['peak_rss_kib'] / 1024:,.0f} MiB" if r["peak_rss_kib"] else "?"
        print(f"| {names[r['row']]} | {r['customers']:,} | {r['wall_seconds']:.3f} s | "
              f"{r['ns_per_customer']:,.0f} | {rss} | {r['simpy_over_row']:,.1f} | `{r['command']}` |")
PY
