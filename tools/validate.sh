#!/usr/bin/env bash
# Validation: calibrate this host, run the workload's handler for real with the
# harness, simulate the same workload on the calibrated profile, and write
# reports/validation.md (with SVG charts beside it).
#
#   tools/validate.sh                 # from the source root, after a build into ./build
#   BUILD=build-rel CONNECTIONS="100 500" REPS=2 tools/validate.sh
#
# Environment:
#   BUILD        the build directory (default: build)
#   CONCSIM      the concsim binary (default: $BUILD/app/concsim)
#   HARNESS      the harness binary (default: $BUILD/tools/harness/concsim-harness)
#   WORKLOAD     the server workload (default: tools/harness/validation.yaml, the
#                default handler in a short closed loop)
#   CONNECTIONS  the connection counts (default: "100 250 500 1000 2000")
#   REPS         harness runs per point (default: 3)
#   CALIBRATE    extra options for `concsim calibrate` (default: none)
#   OUT          the report (default: reports/validation.md)
# Takes a minute or two with the defaults. The calibrated profile is
# host-specific: it is written to a temporary directory and quoted in the report.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
CONCSIM=${CONCSIM:-$BUILD/app/concsim}
HARNESS=${HARNESS:-$BUILD/tools/harness/concsim-harness}
WORKLOAD=${WORKLOAD:-tools/harness/validation.yaml}
CONNECTIONS=${CONNECTIONS:-"100 250 500 1000 2000"}
REPS=${REPS:-3}
CALIBRATE=${CALIBRATE:-}
OUT=${OUT:-reports/validation.md}

for bin in "$CONCSIM" "$HARNESS"; do
  [[ -x $bin ]] || { echo "validate.sh: $bin not found; build first (cmake --build $BUILD)" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)

echo "validate.sh: calibrating" >&2
# shellcheck disable=SC2086
"$CONCSIM" calibrate $CALIBRATE --out "$tmp/calibrated.yaml"
# The memory comparison: kernel stacks are not in a process's VmRSS and the
# harness opens no sockets, so the simulations leave both out.
cat > "$tmp/process.yaml" <<YAML
name: calibrated-process
description: the calibrated profile without kernel stacks and socket buffers (the process's own resident memory)
extends: $tmp/calibrated.yaml
memory:
  kernel_stack: {value: 0B, source: "left out: not in the process's VmRSS, which the harness measures"}
  socket_buffer: {value: 0B, source: "left out: the harness opens no sockets"}
YAML

# col FILE NAME: the value of column NAME in the second line of a CSV file.
col() {
  awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
                        NR == 2 { if (!c) exit 1; print $c }' "$1"
}

data="$tmp/data.csv"
echo "source,model,connections,throughput_per_s,latency_p50_ns,latency_p99_ns,resident_bytes,voluntary,involuntary,sleep_overshoot_ns,sleeps_per_request,cpu_ns,run_delay_ns,completed,switch_cpu_ns" > "$data"
for n in $CONNECTIONS; do
  for model in threads fibers; do
    for rep in $(seq 1 "$REPS"); do
      echo "validate.sh: harness $model, $n connections, run $rep of $REPS" >&2
      "$HARNESS" run "$WORKLOAD" --model "$model" --connections "$n" > "$tmp/h.csv"
      served=$(col "$tmp/h.csv" served)
      sleeps=$(col "$tmp/h.csv" sleeps)
      spr=$(awk -v s="$sleeps" -v r="$served" 'BEGIN { printf "%.3f", (r > 0 ? s / r : 0) }')
      echo "measured,$model,$n,$(col "$tmp/h.csv" throughput_per_s),$(col "$tmp/h.csv" latency_p50_ns),$(col "$tmp/h.csv" latency_p99_ns),$(col "$tmp/h.csv" rss_growth_bytes),$(col "$tmp/h.csv" voluntary_switches),$(col "$tmp/h.csv" involuntary_switches),$(col "$tmp/h.csv" sleep_overshoot_ns),$spr,$(col "$tmp/h.csv" cpu_ns),$(col "$tmp/h.csv" run_delay_ns),$(col "$tmp/h.csv" completed)," >> "$data"
    done
    sim_model=threads
    [[ $model == fibers ]] && sim_model=async
    echo "validate.sh: concsim --model $sim_model, $n connections" >&2
    "$CONCSIM" run "$WORKLOAD" --machine "$tmp/process.yaml" --model "$sim_model" --connections "$n" \
        --format csv > "$tmp/s.csv"
    cpu_sim=$(( $(col "$tmp/s.csv" cpu_useful_ns) + $(col "$tmp/s.csv" cpu_system_ns) + $(col "$tmp/s.csv" cpu_switch_ns) ))
    echo "simulated,$model,$n,$(col "$tmp/s.csv" throughput_per_s),$(col "$tmp/s.csv" latency_p50_ns),$(col "$tmp/s.csv" latency_p99_ns),$(col "$tmp/s.csv" peak_resident_bytes),$(col "$tmp/s.csv" voluntary_switches),$(col "$tmp/s.csv" involuntary_switches),,,$cpu_sim,,$(col "$tmp/s.csv" completed),$(col "$tmp/s.csv" cpu_switch_ns)" >> "$data"
  done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
took=$(( $(date +%s) - t0 ))
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
"$HARNESS" report "$data" --profile "$tmp/calibrated.yaml" --out "$OUT" \
  --meta "measured=$started, in ${took} s" \
  --meta "machine=$cpu, $(nproc) cores, $ram, $(uname -sr)" \
  --meta "load average (1, 5, 15 min)=$load_before at the start, $load_after at the end (the machine is shared)" \
  --meta "concsim=$("$CONCSIM" --version | cut -d' ' -f2), commit $commit" \
  --meta "workload=\`$WORKLOAD\` (seed, requests, think time and handler as in the file)" \
  --meta "connections=$(echo $CONNECTIONS | tr ' ' '/')" \
  --meta "repetitions=$REPS harness runs per point, one simulation" \
  --meta "harness=threads: std::thread per connection, default stack; fibers: Boost.Fiber per connection, 64 KiB fixed stack, on one thread" \
  --meta "simulation=\`concsim run $WORKLOAD --machine PROFILE --model threads|async --connections N\`, PROFILE the calibrated one without kernel stacks and socket buffers" \
  --meta "calibration=\`concsim calibrate $CALIBRATE\` (its profile is at the end of this report)"
echo "validate.sh: wrote $OUT" >&2
