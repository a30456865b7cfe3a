#!/bin/bash
# tools/perf.sh: measures the performance targets of issues 18 and 6 and
# writes reports/performance.md. Every figure in the report comes from the
# runs made here, with the command that made it; nothing is typed in but the
# targets themselves.
#
#   bash tools/perf.sh                 # build Release into build-perf, run, write the report
#   BUILD_DIR=build bash tools/perf.sh # reuse an existing Release build directory
#   REPORT=/tmp/p.md bash tools/perf.sh
#   PERF_QUICK=1 bash tools/perf.sh    # small runs (seconds, not minutes): to try the script
#   PERF_BASELINE=none bash tools/perf.sh  # skip building and running the baseline
#   PERF_REPS=5 bash tools/perf.sh     # repetitions of the benchmarks (default 3)
#
# The baseline (PERF_BASELINE, default 5ad62eb: the last commit before the
# work of issues 13 to 18) is checked out with `git worktree add --detach`
# in a temporary directory, built there (Release, ccache when present), and
# its concsim-bench runs interleaved with this one's (A B A B ...) on the
# benchmarks both have. Slowdowns beyond 5 % are flagged unless
# tools/perf-reasons.txt gives a reason.
#
# Needs: cmake, a C++20 compiler, Google Benchmark (libbenchmark-dev),
# python3, GNU time (/usr/bin/time), git; SimPy (python3-simpy) for the M/M/1
# comparison; valgrind for the profile of the M/M/1 workload path (left out
# without it). Takes about ten minutes, plus building the baseline: the ten
# million connections, the repeated benchmarks and SimPy's million customers
# dominate. Wall-clock figures depend on the machine and on what else runs on
# it; the report records the machine and its load.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${BUILD_DIR:-build-perf}
REPORT=${REPORT:-reports/performance.md}
QUICK=${PERF_QUICK:-0}
BASELINE=${PERF_BASELINE:-5ad62eb}
REPS=${PERF_REPS:-3}
START_S=$(date +%s)
WORK=$(mktemp -d)
cleanup() {
  if [ -d "$WORK/base" ]; then git -C "$ROOT" worktree remove --force "$WORK/base" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
  git -C "$ROOT" worktree prune >/dev/null 2>&1 || true
}
trap cleanup EXIT

say() { echo "perf.sh: $*" >&2; }

# The sizes of the runs (PERF_QUICK=1 shrinks them to try the script).
if [ "$QUICK" = 1 ]; then
  N_BIG=200000 N_MILLION=100000 N_THREADS_BIG=100000 MM1_CUSTOMERS=100000 PROFILE_CUSTOMERS=10000
  FLAT_COUNTS="1000 10000" MODELS_FILTER='BM_(Loop|Threads)Default/connections:(1000|10000)/'
else
  N_BIG=10000000 N_MILLION=1000000 N_THREADS_BIG=1000000 MM1_CUSTOMERS=1000000 PROFILE_CUSTOMERS=100000
  FLAT_COUNTS="1000 10000 100000 1000000" MODELS_FILTER='BM_LoopDefault|BM_ThreadsDefault'
fi
echo "quick=$QUICK n_big=$N_BIG n_million=$N_MILLION n_threads_big=$N_THREADS_BIG mm1_customers=$MM1_CUSTOMERS profile_customers=$PROFILE_CUSTOMERS reps=$REPS baseline=$BASELINE" \
  >"$WORK/sizes.txt"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
say "building Release in $BUILD_DIR"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target concsim concsim-bench concsim-mm1 >/dev/null
CONCSIM="$BUILD_DIR/app/concsim"
BENCH="$BUILD_DIR/tools/bench/concsim-bench"

# ---- the baseline: concsim-bench of an earlier commit, built apart ----
BASE_BENCH=""
if [ "$BASELINE" != none ]; then
  say "building the baseline $BASELINE in $WORK/base"
  base_ok=1
  git worktree add --detach "$WORK/base" "$BASELINE" >"$WORK/base-build.log" 2>&1 || base_ok=0
  if [ "$base_ok" = 1 ]; then
    git -C "$WORK/base" log -1 --format='%h %s' >"$WORK/base-commit.txt"
    # ccache's base_dir makes the paths relative, so that the objects of an
    # earlier build of the same commit elsewhere are hits.
    (export CCACHE_BASEDIR="$WORK"
     cmake -S "$WORK/base" -B "$WORK/base/build" -DCMAKE_BUILD_TYPE=Release -DCONCSIM_WERROR=ON "${launcher[@]}" &&
     cmake --build "$WORK/base/build" -j"$(nproc)" --target concsim-bench) >>"$WORK/base-build.log" 2>&1 || base_ok=0
  fi
  if [ "$base_ok" = 1 ]; then
    BASE_BENCH="$WORK/base/build/tools/bench/concsim-bench"
  else
    say "the baseline did not build; see the report"
    tail -20 "$WORK/base-build.log" >"$WORK/base-failed.txt"
  fi
fi
echo "$(( $(date +%s) - START_S ))" >"$WORK/build-seconds.txt"

# ---- the machine ----
{
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores=$(nproc)"
  echo "ram_kib=$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
  echo "kernel=$(uname -sr)"
  echo "compiler=$(c++ --version | head -1)"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit=$(git describe --always --dirty 2>/dev/null || echo unknown)"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  # The largest cache the CPU reports (its last level), and whether the
  # kernel gives transparent huge pages: both shape the cost per event of a
  # large run (see the cost-per-event section).
  llc=0
  for f in /sys/devices/system/cpu/cpu0/cache/index*/size; do
    [ -r "$f" ] || continue
    v=$(sed 's/K$//' "$f")
    case $v in *M) v=$(( ${v%M} * 1024 ));; esac
    [ "$v" -gt "$llc" ] 2>/dev/null && llc=$v
  done
  echo "llc_kib=$llc"
  echo "thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)"
} > "$WORK/machine.txt"

# ---- Google Benchmark: this build and the baseline, interleaved ----
# One process per group: the models' benchmarks fork a child per run and
# take its peak RSS less that of a child that does nothing, and a parent
# whose heap the hold benchmarks have churned lends the child freed memory
# that then counts against it (measured: 32 MiB instead of 19 at 1,000
# connections). Each repetition runs every group on this build, then on the
# baseline (A B A B ...), so that both see the same load.
mkdir -p "$WORK/bench"
GROUPS_=(models hold micro server)
group_filter() {
  case $1 in
    models) echo "$MODELS_FILTER" ;;
    hold) echo 'BM_Hold' ;;
    micro) echo 'BM_MM1|BM_ExponentialSample|BM_RandomNextUnit' ;;
    server) echo 'run_server' ;;
  esac
}
for rep in $(seq 1 "$REPS"); do
  for g in "${GROUPS_[@]}"; do
    for side in now base; do
      bin=$BENCH
      if [ "$side" = base ]; then
        [ -n "$BASE_BENCH" ] || continue
        bin=$BASE_BENCH
        # Only what the baseline has (run_server came later).
        [ -n "$("$bin" --benchmark_list_tests --benchmark_filter="$(group_filter "$g")" 2>/dev/null)" ] || continue
      fi
      say "concsim-bench ($side, $g, repetition $rep of $REPS)"
      "$bin" --benchmark_filter="$(group_filter "$g")" --benchmark_format=json \
        --benchmark_out="$WORK/bench/$side-$g-$rep.json" --benchmark_out_format=json >/dev/null 2>"$WORK/bench/$side-$g-$rep.err" ||
        say "concsim-bench ($side, $g) failed: $(tail -1 "$WORK/bench/$side-$g-$rep.err")"
    done
  done
done

# ---- the commands, under GNU time ----
timed() {  # NAME ARGS...: runs concsim ARGS, keeps its output and GNU time's figures
  local name=$1
  shift
  say "timing: concsim $*"
  local shown="concsim $*"
  echo "${shown//$WORK/<tmp>}" >"$WORK/$name.cmd"
  local rc=0
  /usr/bin/time -v "$CONCSIM" "$@" >"$WORK/$name.out" 2>"$WORK/$name.time" || rc=$?
  echo "$rc" >"$WORK/$name.rc"
}
# Issue 18: ten million connections of the default workload on the event
# loop, on `ideal` (linux-modern's 24 GiB would rightly kill the simulated
# server), with room to run: a failure here is a result, reported with its
# error, not the end of this script.
timed async_big run configs/default.yaml --model async --machine ideal --connections "$N_BIG" \
  --max-memory 20GiB --timeout 1h --format csv
timed async_million run configs/default.yaml --model async --machine ideal --connections "$N_MILLION" \
  --timeout 1h --format csv
# Issue 6.
timed async1m run configs/default.yaml --model async --connections "$N_MILLION" --format csv
timed threads100k run configs/default.yaml --model threads --machine ideal --connections 100000 --format csv
timed threads100k_lm run configs/default.yaml --model threads --connections 100000 --format csv
# The thread model with every mechanism on: linux-modern's cfs policy, its
# cache model, futexes, IPIs and page faults, with its thread limits lifted
# so that all 100,000 threads are created; and a million threads on ideal
# (issue 6's target, and issue 18's).
printf 'name: linux-modern-unlimited\nextends: linux-modern\nlimits: {max_threads: unlimited, max_map_count: unlimited}\n' \
  >"$WORK/unlimited.yaml"
timed threads100k_mech run configs/default.yaml --model threads --machine "$WORK/unlimited.yaml" \
  --connections 100000 --format csv
timed threads1m run configs/default.yaml --model threads --machine ideal --connections "$N_THREADS_BIG" \
  --timeout 1h --format csv
mkdir -p "$WORK/sweep"
timed sweep sweep configs/default.yaml --jobs 2 --allow-failures --out "$WORK/sweep/out"
# The cost per event at the same work per connection: the default handler
# with think time, duration, ramp and warm-up scaled with the connections
# (2 ms, 4 ms, 1 ms and 2 ms per connection), so the offered load stays at
# 500 requests/s, the loop never saturates, and each connection makes about
# two requests whatever their number. The thread model runs on `ideal`, whose
# limits allow a million threads; the event loop on the workload's machine.
# Milliseconds per connection of think time, duration, ramp and warm-up:
FLAT_THINK=2 FLAT_DURATION=4 FLAT_RAMP=1 FLAT_WARMUP=2
echo "think=$FLAT_THINK duration=$FLAT_DURATION ramp=$FLAT_RAMP warmup=$FLAT_WARMUP" >"$WORK/flat.txt"
for n in $FLAT_COUNTS; do
  for model in async threads; do
    machine=()
    [ "$model" = threads ] && machine=(--machine ideal)
    timed "flat-$model-$n" run configs/default.yaml --model "$model" "${machine[@]}" --connections "$n" \
      --set "server.think_time.exponential.mean=$((FLAT_THINK * n))ms" \
      --set "server.duration=$((FLAT_DURATION * n))ms" \
      --set "server.ramp=$((FLAT_RAMP * n))ms" --set "server.warmup=$((FLAT_WARMUP * n))ms" --format csv
  done
done

# ---- M/M/1 against SimPy (tools/bench/mm1_compare.sh) ----
say "M/M/1 comparison, $MM1_CUSTOMERS customers"
echo "bash tools/bench/mm1_compare.sh --customers $MM1_CUSTOMERS" >"$WORK/mm1.cmd"
if ! bash tools/bench/mm1_compare.sh --format markdown --build "$BUILD_DIR" --customers "$MM1_CUSTOMERS" \
    --json-out "$WORK/mm1.json" >"$WORK/mm1.md" 2>"$WORK/mm1.err"; then
  { echo "tools/bench/mm1_compare.sh failed:"; echo; echo '```'; tail -20 "$WORK/mm1.err"; echo '```'; } >"$WORK/mm1.md"
  rm -f "$WORK/mm1.json"
fi

# ---- where the time of the M/M/1 workload path goes (callgrind) ----
say "profile of the M/M/1 workload path, $PROFILE_CUSTOMERS customers"
echo "bash tools/bench/mm1_profile.sh --customers $PROFILE_CUSTOMERS" >"$WORK/profile.cmd"
prc=0
bash tools/bench/mm1_profile.sh --build "$BUILD_DIR" --customers "$PROFILE_CUSTOMERS" \
  >"$WORK/profile.md" 2>"$WORK/profile.err" || prc=$?
if [ "$prc" = 3 ]; then
  echo "valgrind is not installed here: no profile in this report (Debian: apt-get install valgrind)." >"$WORK/profile.md"
elif [ "$prc" != 0 ]; then
  { echo "tools/bench/mm1_profile.sh failed (exit code $prc):"; echo; echo '```'; tail -20 "$WORK/profile.err"; echo '```'; } >"$WORK/profile.md"
fi
cp tools/perf-reasons.txt "$WORK/reasons.txt" 2>/dev/null || : >"$WORK/reasons.txt"
echo "$START_S" >"$WORK/start.txt"
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.txt"

# ---- the report ----
say "writing $REPORT"
mkdir -p "$(dirname "$REPORT")"
python3 - "$WORK" "$REPORT" <<'PY'
import csv, glob, json, math, os, re, statistics, sys, time

work, report = sys.argv[1], sys.argv[2]
machine = dict(line.rstrip("\n").split("=", 1) for line in open(os.path.join(work, "machine.txt")))
sizes = dict(kv.split("=", 1) for kv in open(os.path.join(work, "sizes.txt")).read().split())
N_BIG, N_MILLION, N_THREADS_BIG = int(sizes["n_big"]), int(sizes["n_million"]), int(sizes["n_threads_big"])
REPS = int(sizes["reps"])


def load_reps(side):
    """{benchmark name: {repetition: its Google Benchmark record}} of one side (now, base)."""
    out = {}
    for path in sorted(glob.glob(os.path.join(work, "bench", f"{side}-*-*.json"))):
        try:
            data = json.load(open(path))
        except (OSError, ValueError):
            continue
        rep = int(re.search(r"-(\d+)\.json$", path).group(1))
        for b in data.get("benchmarks", []):
            if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
                continue
            out.setdefault(b["name"], {})[rep] = b
    return out


now_reps, base_reps = load_reps("now"), load_reps("base")


def median_record(reps):
    """One record whose numbers are the medians over the repetitions."""
    recs = list(reps.values())
    m = dict(recs[0])
    for k, v in recs[0].items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            m[k] = statistics.median(r[k] for r in recs if k in r)
    return m


bench = {"benchmarks": [median_record(r) for _, r in sorted(now_reps.items())]}

def gnu_time(name):
    text = open(os.path.join(work, name + ".time")).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    seconds = None
    if wall:
        parts = [float(p) for p in wall.group(1).split(":")]
        seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rc = int(open(os.path.join(work, name + ".rc")).read().strip())
    return seconds, (int(rss.group(1)) * 1024 if rss else None), rc

def run_csv(name):
    try:
        rows = list(csv.DictReader(open(os.path.join(work, name + ".out"))))
        return rows[0] if rows else {}
    except Exception:
        return {}

def verdict(ok):
    return "**met**" if ok else "**not met**"

def log_steps(pts):
    """The criterion for cost growing at most logarithmically: each step from
    m to n connections grows by at most log(n) / log(m). Returns the steps as
    text and whether every one holds."""
    pairs = list(zip(pts, pts[1:]))
    steps = ", ".join(f"× {b / a:.2f} (bound × {math.log(nb) / math.log(na):.2f})" for (na, a), (nb, b) in pairs)
    return steps, all(b / a <= math.log(nb) / math.log(na) for (na, a), (nb, b) in pairs)

def mib(b):
    return f"{b / 2**20:,.0f} MiB"

out = []
w = out.append
w("# Performance")
w("")
w("Generated by `tools/perf.sh` from the runs it made; rerun it to refresh every figure. "
  "Wall-clock times depend on the machine and on its load at the time (below).")
w("")
w("## The machine")
w("")
w("| | |")
w("|---|---|")
w(f"| CPU | {machine['cpu']} |")
w(f"| cores | {machine['cores']} |")
w(f"| RAM | {int(machine['ram_kib']) / 2**20:.1f} GiB |")
w(f"| kernel | {machine['kernel']} |")
w(f"| compiler | {machine['compiler']} |")
w(f"| date | {machine['date']} |")
w(f"| commit | {machine['commit']} |")
w(f"| load average at the start (1, 5, 15 min) | {machine['load']} |")
llc_kib = int(machine.get("llc_kib", "0") or 0)
w(f"| last-level cache | {f'{llc_kib / 1024:,.0f} MiB' if llc_kib else 'not reported'} |")
w(f"| transparent huge pages | {machine.get('thp') or 'not reported'} |")
w("")

if sizes["quick"] == "1":
    w("**PERF_QUICK=1: the runs were shrunk to try the script; the sizes below are not the targets' and "
      "the verdicts do not apply.**")
    w("")


def cmd(name):
    return open(os.path.join(work, name + ".cmd")).read().strip()


def error_of(name):
    """The simulator's own message from a failed run (its stderr, kept with GNU time's)."""
    lines = [l.strip() for l in open(os.path.join(work, name + ".time"))
             if l.startswith("concsim") or "error" in l.lower() and not l.startswith("\\t")]
    return lines[-1] if lines else ""


def rng(values, fmt):
    return f"{fmt(min(values))} to {fmt(max(values))}" if len(values) > 1 else "one run"


mm1 = None
try:
    mm1 = json.load(open(os.path.join(work, "mm1.json")))
except (OSError, ValueError):
    pass
mm1_rows = {r["row"]: r for r in (mm1 or {}).get("per_customer", [])}
server = {n: r for n, r in now_reps.items() if n.startswith("run_server/")}


def server_ratios(workload):
    """Python's time per request over YAML's, per repetition (both from one run of the group)."""
    y = next((r for n, r in server.items() if f"/{workload}_yaml/" in n), {})
    p = next((r for n, r in server.items() if f"/{workload}_python/" in n), {})
    return [p[k]["ns_per_request"] / y[k]["ns_per_request"] for k in sorted(set(y) & set(p))]


reasons = {}
for line in open(os.path.join(work, "reasons.txt")):
    line = line.strip()
    if line and not line.startswith("#"):
        name, _, why = line.partition(" ")
        reasons[name] = why.strip()


def timing(rec):
    return rec["real_time"] * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[rec.get("time_unit", "ns")]


common = sorted(set(now_reps) & set(base_reps))
regressions = []
for name in common:
    b = statistics.median(timing(r) for r in base_reps[name].values())
    n = statistics.median(timing(r) for r in now_reps[name].values())
    if n > 1.05 * b:
        regressions.append(name)
unexplained = [n for n in regressions if n not in reasons]

w("## Targets of issue 18 (the second round)")
w("")
w("Each target with the command that measured it, in this run. M/M/1: the same queue (one server, Poisson "
  "arrivals, exponential service) as a workload, which is what users run, in its YAML and its Python form, "
  "each process timed whole from its start to its exit; the bound of 200 ns per customer is the issue's: "
  "40 times SimPy 4.1.2's speed on this queue, about 8 µs per customer on these machines when the issue was "
  "written. SimPy 4.1.2 is not a Debian 12 package and cannot be installed here; Debian's SimPy 2.3.1 "
  "(`python3-simpy`), which the issue found a little slower, runs beside the rows here, and the ratio to it is "
  "reported too.")
w("")
w("| target | command | measured | |")
w("|---|---|---|---|")
simpy = mm1_rows.get("simpy")
for form, label in (("yaml", "YAML"), ("python", "Python")):
    r = mm1_rows.get(form)
    if r and r.get("ns_per_customer"):
        ratio = r["simpy_over_row"]
        w(f"| 1. M/M/1 workload, {label} form: ≤ 200 ns per customer (40× SimPy 4.1.2) | `{r['command']}` "
          f"(in `{cmd('mm1')}`) | {r['ns_per_customer']:,.0f} ns per customer ({r['customers']:,} served in "
          f"{r['wall_seconds']:.2f} s); {ratio:,.1f}× SimPy {mm1['runs'][1]['version']}'s "
          f"{simpy['ns_per_customer']:,.0f} ns per customer in the same run (≥ 40×: {'yes' if ratio >= 40 else 'no'}) | "
          f"{verdict(r['ns_per_customer'] <= 200)} |")
    else:
        w(f"| 1. M/M/1 workload, {label} form: ≤ 200 ns per customer | `{cmd('mm1')}` | the run failed (below) | {verdict(False)} |")
sec, rss, rc = gnu_time("async_big")
if rc == 0 and sec is not None and rss is not None:
    per = rss / N_BIG
    w(f"| 2. {N_BIG:,} connections, event loop, in ≤ 30 s | `{cmd('async_big')}` | {sec:.1f} s, "
      f"{int(run_csv('async_big').get('events_processed', 0)):,} events | {verdict(sec <= 30)} |")
    w(f"| … at ≤ 320 B of peak resident memory per connection | (the same run) | {mib(rss)} peak RSS = "
      f"{per:.0f} B per connection | {verdict(per <= 320)} |")
else:
    err = error_of("async_big").replace("|", "\\\\|")
    w(f"| 2. {N_BIG:,} connections, event loop, in ≤ 30 s and ≤ 320 B per connection | `{cmd('async_big')}` | "
      f"did not finish: exit code {rc} after {sec or 0:.1f} s, peak RSS {mib(rss or 0)}; `{err}` | {verdict(False)} |")
sec, rss, rc = gnu_time("async_million")
if rc == 0 and sec is not None:
    w(f"| 2. {N_MILLION:,} connections, event loop, in ≤ 3 s | `{cmd('async_million')}` | {sec:.1f} s, "
      f"{int(run_csv('async_million').get('events_processed', 0)):,} events, {mib(rss)} peak RSS = "
      f"{rss / N_MILLION:.0f} B per connection | {verdict(sec <= 3)} |")
else:
    w(f"| 2. {N_MILLION:,} connections, event loop, in ≤ 3 s | `{cmd('async_million')}` | failed: exit code {rc}; "
      f"`{error_of('async_million')}` | {verdict(False)} |")
sec, rss, rc = gnu_time("threads1m")
if rc == 0 and sec is not None:
    w(f"| 3. {N_THREADS_BIG:,} threads on `ideal` in ≤ 15 s | `{cmd('threads1m')}` | {sec:.1f} s, "
      f"{int(run_csv('threads1m').get('events_processed', 0)):,} events, peak RSS {mib(rss)} | {verdict(sec <= 15)} |")
else:
    w(f"| 3. {N_THREADS_BIG:,} threads on `ideal` in ≤ 15 s | `{cmd('threads1m')}` | failed: exit code {rc}; "
      f"`{error_of('threads1m')}` | {verdict(False)} |")
hold_name = {n.split("/")[1]: n for n in now_reps if n.startswith("BM_HoldSimulation/")}
if "pending:1000" in hold_name and "pending:1000000" in hold_name:
    small, big = now_reps[hold_name["pending:1000"]], now_reps[hold_name["pending:1000000"]]
    ratios = [small[k]["items_per_second"] / big[k]["items_per_second"] for k in sorted(set(small) & set(big))]
    med = statistics.median(ratios)
    w(f"| 4. `Simulation` at 1,000,000 pending at most 3× slower than at 1,000 | `concsim-bench "
      f"--benchmark_filter=BM_Hold` ({len(ratios)} run{'s' if len(ratios) > 1 else ''}) | {med:.2f}× slower (median; range "
      f"{rng(ratios, lambda v: f'{v:.2f}')}) | {verdict(med <= 3)} |")
else:
    w(f"| 4. `Simulation` at 1,000,000 pending at most 3× slower than at 1,000 | `concsim-bench --benchmark_filter=BM_Hold` "
      f"| no result | {verdict(False)} |")
for workload in ("default", "mm1"):
    ratios = server_ratios(workload)
    if ratios:
        med = statistics.median(ratios)
        w(f"| 5. a Python handler within 1.5× of its YAML twin: `run_server/{workload}_python` over "
          f"`run_server/{workload}_yaml` | `concsim-bench --benchmark_filter=run_server` ({len(ratios)} run{'s' if len(ratios) > 1 else ''}) | "
          f"{med:.2f}× the YAML handler's time per request (median; range {rng(ratios, lambda v: f'{v:.2f}')}) | "
          f"{verdict(med <= 1.5)} |")
    else:
        w(f"| 5. a Python handler within 1.5× of its YAML twin ({workload}) | `concsim-bench --benchmark_filter=run_server` "
          f"| no result | {verdict(False)} |")
if base_reps:
    w(f"| 5. no `concsim-bench` benchmark more than 5 % slower than at {sizes['baseline']} without a written reason "
      f"| both binaries, interleaved (below) | {len(common)} benchmarks compared: {len(regressions)} more than 5 % "
      f"slower, {len(unexplained)} of them without a reason | {verdict(not unexplained)} |")
else:
    why = "skipped (PERF_BASELINE=none)" if sizes["baseline"] == "none" else "the baseline did not build (below)"
    w(f"| 5. no `concsim-bench` benchmark more than 5 % slower than before issues 13 to 18 | | {why} | **not measured** |")
w("")

# Python handlers against YAML, run by run.
w("### Python handlers against their YAML twins")
w("")
w("`concsim-bench --benchmark_filter=run_server` (tools/bench/bench_models.cc: the default workload at 10,000 "
  "connections, `configs/default.yaml` against `configs/python-server/server.yaml`; the M/M/1 queue of "
  "`tests/python/server/mm1.yaml` against `mm1_python.yaml` over 200 s of virtual time), wall-clock time per "
  "request served, each repetition one run of the four:")
w("")
w("| repetition | default: YAML | default: Python | Python / YAML | mm1: YAML | mm1: Python | Python / YAML |")
w("|---|---:|---:|---:|---:|---:|---:|")
reps_seen = sorted({k for r in server.values() for k in r})
for k in reps_seen:
    cells = []
    for workload in ("default", "mm1"):
        y = next((r.get(k) for n, r in server.items() if f"/{workload}_yaml/" in n), None)
        p = next((r.get(k) for n, r in server.items() if f"/{workload}_python/" in n), None)
        if y and p:
            cells += [f"{y['ns_per_request']:,.0f} ns", f"{p['ns_per_request']:,.0f} ns",
                      f"{p['ns_per_request'] / y['ns_per_request']:.2f}"]
        else:
            cells += ["?", "?", "?"]
    w(f"| {k} | " + " | ".join(cells) + " |")
w("")

# Against the baseline.
w(f"### Against the baseline ({sizes['baseline']}, before issues 13 to 18)")
w("")
if base_reps:
    base_commit = open(os.path.join(work, "base-commit.txt")).read().strip()
    w(f"The baseline `{base_commit}` built apart (`git worktree add --detach`, Release) and its `concsim-bench` "
      f"run interleaved with this build's, group by group, {REPS} times (this build, then the baseline); time "
      "per iteration (Google Benchmark's real time), the median of the runs and their range. A benchmark more "
      "than 5 % slower is flagged unless `tools/perf-reasons.txt` gives the reason, quoted here. Where the "
      "ranges overlap, the difference is within this machine's noise.")
    w("")
    w("| benchmark | baseline | now | change | ranges overlap | simulated work (baseline → now) | |")
    w("|---|---:|---:|---:|---|---|---|")

    def t(v):
        return f"{v / 1e6:,.2f} ms" if v >= 1e6 else f"{v:,.1f} ns"

    for name in common:
        bs = [timing(r) for r in base_reps[name].values()]
        ns = [timing(r) for r in now_reps[name].values()]
        b, n = statistics.median(bs), statistics.median(ns)
        overlap = "yes" if min(ns) <= max(bs) and min(bs) <= max(ns) else "no"
        if REPS == 1:
            overlap = "one run"
        # The models' benchmarks time one run of a workload: if the simulated
        # work changed (events, requests), so did what is timed.
        work_done = ""
        for counter in ("events", "requests"):
            first_b, first_n = next(iter(base_reps[name].values())), next(iter(now_reps[name].values()))
            if counter in first_b and counter in first_n:
                work_done = f"{first_b[counter]:,.0f} → {first_n[counter]:,.0f} {counter}"
                break
        note = ""
        if name in regressions:
            note = f"slower: {reasons[name]}" if name in reasons else "slower: reason not yet written"
        w(f"| `{name}` | {t(b)} ({t(min(bs))} to {t(max(bs))}) | {t(n)} ({t(min(ns))} to {t(max(ns))}) | "
          f"{100 * (n / b - 1):+.1f} % | {overlap} | {work_done} | {note} |")
    only_now = sorted(set(now_reps) - set(base_reps))
    if only_now:
        w("")
        w("Only in this build (no baseline to compare): " + ", ".join(f"`{n}`" for n in only_now) + ".")
elif os.path.exists(os.path.join(work, "base-failed.txt")):
    w("The baseline did not build; the end of its log:")
    w("")
    w("```")
    w(open(os.path.join(work, "base-failed.txt")).read().rstrip())
    w("```")
else:
    w("Not measured in this run (PERF_BASELINE=none).")
w("")

# Targets of issue 6.
w("## Targets of issue 6 (the first round)")
w("")
w("| target | measured | |")
w("|---|---|---|")
sec, rss, rc = gnu_time("async1m")
row = run_csv("async1m")
if rc == 0 and sec is not None and rss is not None:
    per = rss / N_MILLION
    w(f"| `concsim run configs/default.yaml --model async --connections {N_MILLION}` in ≤ 60 s | "
      f"{sec:.1f} s, {int(row.get('events_processed', 0)):,} events | {verdict(sec <= 60)} |")
    w(f"| … with ≤ 512 bytes of peak resident memory per connection | "
      f"{mib(rss)} peak RSS = {per:.0f} B per connection | {verdict(per <= 512)} |")
else:
    w(f"| the million-connection run | failed (exit code {rc}) | {verdict(False)} |")


def timed_row(key, target, bound, failed):
    """A row for the timed run `key`: its time, events and peak RSS against `bound` seconds."""
    sec, rss, rc = gnu_time(key)
    row = run_csv(key)
    if rc == 0 and sec is not None and rss is not None:
        w(f"| {target} | {sec:.1f} s, {int(row.get('events_processed', 0)):,} events, peak RSS {mib(rss)} | "
          f"{verdict(sec <= bound)} |")
    else:
        w(f"| {failed} | failed (exit code {rc}) | {verdict(False)} |")


timed_row("threads100k", "100,000 thread-per-connection connections in ≤ 30 s (`--model threads --machine ideal`)",
          30, "100,000 threads")
timed_row("threads100k_mech", "… and with every mechanism of the thread model on (`linux-modern`: the cfs policy, "
          "the cache model, futexes, IPIs, page faults; its thread limits lifted) in ≤ 30 s",
          30, "100,000 threads with every mechanism on")
timed_row("threads1m", f"{N_THREADS_BIG:,} thread-per-connection connections (`--model threads --machine ideal`) in ≤ 60 s",
          60, f"{N_THREADS_BIG:,} threads on ideal")
sec, rss, rc = gnu_time("sweep")
if rc == 0 and sec is not None:
    points = 0
    try:
        points = max(0, sum(1 for _ in open(os.path.join(work, "sweep", "out", "data.csv"))) - 1)
    except OSError:
        pass
    w(f"| the default sweep, `concsim sweep configs/default.yaml --jobs 2 --allow-failures` in ≤ 60 s | {sec:.1f} s, {points} points | {verdict(sec <= 60)} |")
else:
    w(f"| the default sweep, `concsim sweep configs/default.yaml --jobs 2 --allow-failures` | exit code {rc} after {sec or 0:.1f} s | {verdict(False)} |")
holds = [b for b in bench["benchmarks"] if b["name"].startswith("BM_Hold") and b.get("run_type", "iteration") == "iteration"]
if holds:
    w("")
    w(f"Kernel hold model (`BM_Hold…`, events per second, the median of {REPS} runs and their range; "
      "targets: ≥ 30 M/s at 1,000 pending, at most 3× slower at 1,000,000):")
    w("")
    w("| benchmark | events/s | range |")
    w("|---|---|---|")
    for b in holds:
        rates = [r.get("items_per_second", 0) / 1e6 for r in now_reps[b["name"]].values()]
        w(f"| `{b['name']}` | {b.get('items_per_second', 0) / 1e6:.1f} M/s | {min(rates):.1f} to {max(rates):.1f} |")
    w("")
    for kind in ("Queue", "Simulation"):
        rate = {int(m.group(1)): b.get("items_per_second", 0) for b in holds
                for m in [re.match(rf"BM_Hold{kind}/pending:(\d+)", b["name"])] if m}
        if 1000 in rate and 1000000 in rate and rate[1000000] > 0:
            slower = rate[1000] / rate[1000000]
            w(f"- `BM_Hold{kind}`: {rate[1000] / 1e6:.1f} M/s at 1,000 pending "
              f"({verdict(rate[1000] >= 30e6)}), {slower:.1f}× slower at 1,000,000 ({verdict(slower <= 3)}).")
w("")
sec, rss, rc = gnu_time("threads100k_lm")
row = run_csv("threads100k_lm")
w(f"For comparison, 100,000 connections under `--model threads` on `linux-modern` (which caps threads "
  f"at 32,449, so most connections are refused): {sec or 0:.1f} s, exit code {rc}, "
  f"{int(row.get('events_processed', 0) or 0):,} events, limit hit: {row.get('limit_hit', '') or 'none'}.")
w("")

# Cost per event.
w("## Cost per simulated event")
w("")
w("The default workload (`configs/default.yaml`) by connections, from `BM_LoopDefault` and "
  f"`BM_ThreadsDefault` in `concsim-bench` (one run each, in a child process, repeated {REPS} times: the medians; events are the "
  "kernel's count; bytes per connection is the child's peak RSS over the connections, which at "
  "small counts is mostly the fixed cost of the process):")
w("")
w("| model | connections | events | events per connection | wall | ns per event | events/s | peak RSS | bytes per connection |")
w("|---|---|---|---|---|---|---|---|---|")
series = {}
rss_mib = {}
events_per_conn = {}
for b in bench["benchmarks"]:
    m = re.match(r"BM_(Loop|Threads)Default/connections:(\d+)", b["name"])
    if not m or "error_occurred" in b and b["error_occurred"]:
        continue
    model = "async" if m.group(1) == "Loop" else "threads"
    n = int(m.group(2))
    series.setdefault(model, []).append((n, b["ns_per_event"]))
    rss_mib.setdefault(model, {})[n] = b["peak_rss_mib"]
    events_per_conn.setdefault(model, {})[n] = b["events"] / n
    w(f"| {model} | {n:,} | {int(b['events']):,} | {b['events'] / n:.1f} | {b['real_time'] / 1000:.2f} s | {b['ns_per_event']:.0f} | "
      f"{b['items_per_second'] / 1e6:.2f} M/s | {b['peak_rss_mib']:.0f} MiB | {b['bytes_per_conn']:.0f} |")
w("")
w("Criterion for \"grows at most logarithmically\": from each measured count of connections m to the next "
  "n, the cost per event grows at most by log(n) / log(m) (cost proportional to log n), e.g. at most "
  "× 1.2 from 100,000 to 1,000,000; every step must hold.")
w("")
for model, pts in sorted(series.items()):
    pts.sort()
    if len(pts) >= 2:
        (n0, c0), (n1, c1) = pts[0], pts[-1]
        steps, ok = log_steps(pts)
        w(f"- {model}: {c0:.0f} ns per event at {n0:,} connections, {c1:.0f} at {n1:,} "
          f"(linear growth would be × {n1 / n0:,.0f}); step by step {steps}: {verdict(ok)}.")
w("")

cache_note = ""
loop_rss = rss_mib.get("async", {})
if llc_kib and 100000 in loop_rss and 1000000 in loop_rss:
    llc_mib = llc_kib / 1024
    if loop_rss[100000] <= llc_mib < loop_rss[1000000]:
        cache_note = (f" Its working set also crosses this machine's last-level cache ({llc_mib:,.0f} MiB): "
                      f"the event loop's peak RSS is {loop_rss[100000]:,.0f} MiB at 100,000 connections, "
                      f"{loop_rss[1000000]:,.0f} MiB at 1,000,000, and a saturated model steps through every "
                      "connection before it comes back to any one, so nearly every event starts with cache "
                      "misses on the state of its connection (a task, its future and its locals; or a thread).")
drops = [(m, e[100000], e[1000000]) for m, e in sorted(events_per_conn.items()) if 100000 in e and 1000000 in e]
# Saturated: a model serves markedly fewer requests per connection at a
# million connections than at 100,000 (its events per connection fall).
saturated = [d for d in drops if d[2] < 0.8 * d[1]]
if saturated:
    w("The default workload at 1,000,000 connections is a different regime from the smaller counts for "
      + " and ".join(m for m, _, _ in saturated) + ": its clients offer more work than the cores can do (the "
      "event loop's one core; for the threads, the cores of `ideal`), so fewer requests per connection are "
      "served and the events are mostly connections opening (events per connection from 100,000 to "
      "1,000,000: " + "; ".join(f"{m}: {a:.1f} → {b:.1f}" for m, a, b in drops) + ")." + cache_note)
    w("")
flat_ms = dict(kv.split("=") for kv in open(os.path.join(work, "flat.txt")).read().split())
w(f"The same handler at the same work per connection: think time, duration, ramp and warm-up scaled "
  f"with the connections ({flat_ms['think']} ms, {flat_ms['duration']} ms, {flat_ms['ramp']} ms and "
  f"{flat_ms['warmup']} ms per connection), so the clients offer {1000 / float(flat_ms['think']):,.0f} "
  "requests/s at any count; the thread model on `--machine ideal`, whose limits allow a million threads; "
  "`concsim run` timed with GNU time, so the process's start and the loading count too:")
w("")
w("| model | connections | events | events per connection | wall | ns per event | peak RSS |")
w("|---|---|---|---|---|---|---|")
flat_epc = {}
for model in ("async", "threads"):
    flat = []
    for n in (1000, 10000, 100000, 1000000):
        if not os.path.exists(os.path.join(work, f"flat-{model}-{n}.rc")):
            continue
        try:
            sec, rss, rc = gnu_time(f"flat-{model}-{n}")
        except OSError:
            continue
        row = run_csv(f"flat-{model}-{n}")
        ev = int(row.get("events_processed", 0) or 0)
        if rc != 0 or not sec or ev == 0:
            w(f"| {model} | {n:,} | failed (exit code {rc}) | | | | |")
            continue
        flat.append((n, sec * 1e9 / ev))
        flat_epc.setdefault(model, []).append(ev / n)
        w(f"| {model} | {n:,} | {ev:,} | {ev / n:.1f} | {sec:.2f} s | {sec * 1e9 / ev:.0f} | {mib(rss) if rss else '?'} |")
    if len(flat) >= 2:
        series[f"{model}, same work per connection"] = flat
w("")
for model in ("async", "threads"):
    flat = series.get(f"{model}, same work per connection", [])
    if len(flat) < 2:
        continue
    steps, ok = log_steps(flat)
    (n0, c0), (n1, c1) = flat[0], flat[-1]
    epc = flat_epc.get(model, [])
    spread = f" (events per connection {min(epc):.1f} to {max(epc):.1f} at every count)" if epc else ""
    w(f"- {model} at the same work per connection{spread}: {c0:.0f} ns per event at {n0:,} connections, "
      f"{c1:.0f} at {n1:,}; step by step {steps}: {verdict(ok)}.")
w("")

# SVG chart: ns per event against connections (log x). The right margin
# holds half of the last x label, centred on the axis's end ("1,000,000" is
# about 60 px wide at 12 px).
W, H, L, R, T, B = 640, 360, 70, 40, 30, 50
xs = [n for pts in series.values() for n, _ in pts]
ys = [c for pts in series.values() for _, c in pts]
svg = []
if xs:
    xmin, xmax = math.log10(min(xs)), math.log10(max(xs))
    if xmax == xmin:
        xmax = xmin + 1
    ymax = max(ys) * 1.15
    def px(n): return L + (math.log10(n) - xmin) / (xmax - xmin) * (W - L - R)
    def py(c): return H - B - c / ymax * (H - T - B)
    svg.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">')
    svg.append(f'<rect width="{W}" height="{H}" fill="white"/>')
    svg.append(f'<text x="{W/2}" y="18" text-anchor="middle" font-size="14">Cost per simulated event, default workload</text>')
    svg.append(f'<line x1="{L}" y1="{H-B}" x2="{W-R}" y2="{H-B}" stroke="black"/>')
    svg.append(f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H-B}" stroke="black"/>')
    for e in range(int(math.floor(xmin)), int(math.ceil(xmax)) + 1):
        x = px(10 ** e)
        svg.append(f'<line x1="{x:.1f}" y1="{H-B}" x2="{x:.1f}" y2="{H-B+5}" stroke="black"/>')
        svg.append(f'<text x="{x:.1f}" y="{H-B+20}" text-anchor="middle">{10**e:,}</text>')
    for i in range(6):
        v = ymax * i / 5
        y = py(v)
        svg.append(f'<line x1="{L-5}" y1="{y:.1f}" x2="{W-R}" y2="{y:.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{L-8}" y="{y+4:.1f}" text-anchor="end">{v:.0f}</text>')
    svg.append(f'<text x="{(L+W-R)/2}" y="{H-10}" text-anchor="middle">connections (log scale)</text>')
    svg.append(f'<text x="16" y="{(T+H-B)/2}" text-anchor="middle" transform="rotate(-90 16 {(T+H-B)/2})">ns per event</text>')
    colors = {"async": "#1f77b4", "threads": "#d62728", "async, same work per connection": "#2ca02c",
              "threads, same work per connection": "#ff7f0e"}
    for k, (model, pts) in enumerate(sorted(series.items())):
        pts.sort()
        c = colors.get(model, "black")
        svg.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (c, " ".join(f"{px(n):.1f},{py(v):.1f}" for n, v in pts)))
        for n, v in pts:
            svg.append(f'<circle cx="{px(n):.1f}" cy="{py(v):.1f}" r="3" fill="{c}"/>')
        svg.append(f'<text x="{W-R-230}" y="{T+16+16*k}" fill="{c}">{model}</text>')
    svg.append("</svg>")
    svg_path = os.path.splitext(report)[0] + "-cost-per-event.svg"
    with open(svg_path, "w") as f:
        f.write("\n".join(svg) + "\n")
    w(f"![cost per event]({os.path.basename(svg_path)})")
    w("")

w("## M/M/1: concsim and SimPy")
w("")
w(f"`{cmd('mm1')}`:")
w("")
w(open(os.path.join(work, "mm1.md")).read().rstrip())
w("")
w("## Where the time of the M/M/1 workload path goes")
w("")
w(f"`{cmd('profile')}`:")
w("")
w(open(os.path.join(work, "profile.md")).read().rstrip())
w("")

for title, path in [("Profiling notes: the kernel", "tools/bench/NOTES-kernel.md"),
                    ("Profiling notes: the models", "tools/bench/NOTES-models.md")]:
    w(f"## {title}")
    w("")
    if os.path.exists(path):
        text = open(path).read().rstrip()
        # Demote the notes' own headings below this section's.
        text = re.sub(r"^(#+) ", lambda m: "#" * min(6, len(m.group(1)) + 2) + " ", text, flags=re.M)
        w(f"(from `{path}`)")
        w("")
        w(text)
    else:
        w(f"`{path}` is missing.")
    w("")

w("## This run")
w("")
start = int(open(os.path.join(work, "start.txt")).read())
built = int(open(os.path.join(work, "build-seconds.txt")).read())
w(f"`tools/perf.sh` ran for {(time.time() - start) / 60:.1f} minutes from its start to writing this report, "
  f"{built / 60:.1f} of them building (this build and the baseline); load average at the end (1, 5, 15 min): "
  f"{machine.get('load_end', '?')}.")
w("")

with open(report + ".tmp", "w") as f:
    f.write("\n".join(out).rstrip() + "\n")
os.replace(report + ".tmp", report)
PY
say "done: $REPORT"
