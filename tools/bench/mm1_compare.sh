#!/usr/bin/env bash
# mm1_compare.sh: the M/M/1 peer comparison of issue 6, concsim against SimPy,
# both run in one invocation on the same model (tools/bench/mm1.h explains
# the shared definitions), figures side by side.
#
# Interface (kept stable; tools/perf.sh calls it):
#   bash tools/bench/mm1_compare.sh [--format markdown|json] [--customers N]
#        [--seed S] [--lambda L] [--mu M] [--build DIR]
#
#   --format markdown  (default) a Markdown table on stdout
#   --format json      one JSON object on stdout:
#                      {"model": "M/M/1", "customers", "seed", "lambda", "mu",
#                       "theory_mean_time_in_system", "events_definition",
#                       "runs": [<concsim run>, <simpy run>],
#                       "concsim_over_simpy": <events/s ratio>}
#                      where each run is the JSON object printed by
#                      concsim-mm1 or mm1_simpy.py ("simulator", "version",
#                      "customers", "events", "seconds", "events_per_s",
#                      "mean_time_in_system", ...).
#   --customers N      customers per run (default 100000); events = 2 N
#   --seed S           seed of both runs (default 1)
#   --lambda L, --mu M arrival and service rates per time unit (0.8 and 1.0)
#   --build DIR        the CMake build directory holding concsim-mm1
#                      (default $CONCSIM_BUILD_DIR or ./build); the target is
#                      built there if missing
# Progress goes to stderr. Exit status: 0 success, 1 a run failed, 2 usage.
# Python: $PYTHON, else /usr/bin/python3 (Debian's, which sees python3-simpy),
# else python3. Needs the Debian package python3-simpy, installed here if
# missing when run as root or with sudo.
set -euo pipefail

cd "$(dirname "$0")/../.."

format=markdown
customers=100000
seed=1
lambda=0.8
mu=1.0
build="${CONCSIM_BUILD_DIR:-build}"
usage() {
  echo "usage: bash tools/bench/mm1_compare.sh [--format markdown|json] [--customers N]" \
       "[--seed S] [--lambda L] [--mu M] [--build DIR]" >&2
  exit 2
}
while (($#)); do
  [ $# -ge 2 ] || usage
  case "$1" in
    --format) format="$2" ;;
    --customers) customers="$2" ;;
    --seed) seed="$2" ;;
    --lambda) lambda="$2" ;;
    --mu) mu="$2" ;;
    --build) build="$2" ;;
    *) usage ;;
  esac
  shift 2
done
case "$format" in markdown|json) ;; *) usage ;; esac

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

bin="$build/tools/bench/concsim-mm1"
if [ ! -x "$bin" ]; then
  echo "mm1_compare: building concsim-mm1 in $build" >&2
  cmake --build "$build" --target concsim-mm1 >&2
fi

args=(--customers "$customers" --seed "$seed" --lambda "$lambda" --mu "$mu")
echo "mm1_compare: concsim, $customers customers" >&2
concsim_json="$("$bin" "${args[@]}")"
echo "mm1_compare: SimPy, $customers customers" >&2
simpy_json="$("$python" tools/bench/mm1_simpy.py "${args[@]}")"

FORMAT="$format" CONCSIM_RUN="$concsim_json" SIMPY_RUN="$simpy_json" "$python" - <<'PY'
import json
import os

c = json.loads(os.environ["CONCSIM_RUN"])
s = json.loads(os.environ["SIMPY_RUN"])
lam, mu = c["lambda"], c["mu"]
theory = round(1.0 / (mu - lam), 9) if lam < mu else None
ratio = c["events_per_s"] / s["events_per_s"]
definition = "2 per customer: its arrival and its departure"
if os.environ["FORMAT"] == "json":
    print(json.dumps({
        "model": "M/M/1",
        "customers": c["customers"],
        "seed": c["seed"],
        "lambda": lam,
        "mu": mu,
        "theory_mean_time_in_system": theory,
        "events_definition": definition,
        "runs": [c, s],
        "concsim_over_simpy": round(ratio, 2),
    }))
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
PY
