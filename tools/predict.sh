#!/usr/bin/env bash
# Host prediction: calibrate this host, pass tokens round a ring of real
# threads with the harness (mutex/condition pairs and pipes, 2 to 10,000
# threads), predict the same rings with concsim from the calibrated profile
# alone, and write reports/host-prediction.md (with SVG charts beside it).
#
#   tools/predict.sh                  # from the source root, after a build into ./build
#   THREADS="2 100 1000" REPS=2 tools/predict.sh
#
# Environment:
#   BUILD      the build directory (default: build)
#   CONCSIM    the concsim binary (default: $BUILD/app/concsim)
#   HARNESS    the harness binary (default: $BUILD/tools/harness/concsim-harness)
#   THREADS    the ring sizes (default: "2 10 100 1000 3000 10000")
#   CHANNELS   "condvar pipe" (default: both)
#   TOKENS     token series: "1" (one token) and "quarter" (a token per four threads)
#              (default: both)
#   REPS       harness runs per point (default: 3)
#   PASSES     hand-offs per run, about (default: 100000 with one token, twice that with more)
#   PROFILE    a calibrated profile to use instead of calibrating now
#   SHIPPED    a shipped profile to predict with too, for comparison (default:
#              linux-modern; empty: none)
#   OUT        the report (default: reports/host-prediction.md)
# Takes 10 to 20 minutes with the defaults (most of it the 10,000-thread
# rings, whose threads are created before the tokens start). The report is
# a measurement of this host, not a run of the simulator: it is not checked
# byte for byte (tools/reports.sh leaves it alone).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
CONCSIM=${CONCSIM:-$BUILD/app/concsim}
HARNESS=${HARNESS:-$BUILD/tools/harness/concsim-harness}
THREADS=${THREADS:-"2 10 100 1000 3000 10000"}
CHANNELS=${CHANNELS:-"condvar pipe"}
TOKENS=${TOKENS:-"1 quarter"}
REPS=${REPS:-3}
PASSES=${PASSES:-100000}
PROFILE=${PROFILE:-}
SHIPPED=${SHIPPED-linux-modern}
OUT=${OUT:-reports/host-prediction.md}
WORKLOAD=tools/harness/ring.yaml

for bin in "$CONCSIM" "$HARNESS"; do
  [[ -x $bin ]] || { echo "predict.sh: $bin not found; build first (cmake --build $BUILD)" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)

if [[ -n $PROFILE ]]; then
  cp "$PROFILE" "$tmp/calibrated.yaml"
  calibration="the profile given in PROFILE ($(basename "$PROFILE"))"
else
  echo "predict.sh: calibrating" >&2
  "$CONCSIM" calibrate --out "$tmp/calibrated.yaml"
  calibration="\`concsim calibrate\`, run at the start (its profile is at the end of this report)"
fi

# col FILE NAME: the value of column NAME in the second line of a CSV file.
col() {
  awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
                        NR == 2 { if (!c) exit 1; print $c }' "$1"
}
# per A B: A / B with two decimals (0 when B is 0).
per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# simulate PROFILE N TOKENS ROUNDS START HANDOFF OUT.csv
simulate() {
  "$CONCSIM" run "$WORKLOAD" --machine "$1" --connections "$2" --set "shared.tokens=$3" \
      --set "server.requests=$4" --set "shared.start_at=${5}ns" --set "server.warmup=${5}ns" \
      --set "threads.handoff=$6" --format csv > "$7"
  local status
  status=$(col "$7" status)
  [[ $status == completed ]] || { echo "predict.sh: the simulation ended $status" >&2; exit 1; }
}
busy() { echo $(( $(col "$1" cpu_useful_ns) + $(col "$1" cpu_system_ns) + $(col "$1" cpu_switch_ns) )); }

# predicted_row SOURCE PROFILE CHANNEL SERIES N T R START: one row of the data.
# The CPU per hand-off is the difference between a run of R rounds and one of
# 2, so that the threads' creation and exit are left out.
predicted_row() {
  local source=$1 profile=$2 channel=$3 series=$4 n=$5 t=$6 r=$7 start=$8 handoff=futex
  [[ $channel == pipe ]] && handoff=pipe
  simulate "$profile" "$n" "$t" "$r" "$start" "$handoff" "$tmp/s.csv"
  simulate "$profile" "$n" "$t" 2 "$start" "$handoff" "$tmp/s2.csv"
  local rounds=$(( n * (r - 2) ))
  local cpu switch inv
  cpu=$(per $(( $(busy "$tmp/s.csv") - $(busy "$tmp/s2.csv") )) "$rounds")
  switch=$(per $(( $(col "$tmp/s.csv" cpu_switch_ns) - $(col "$tmp/s2.csv" cpu_switch_ns) )) "$rounds")
  inv=$(per $(( $(col "$tmp/s.csv" involuntary_switches) - $(col "$tmp/s2.csv" involuntary_switches) )) "$rounds")
  echo "$source,$channel,$series,$n,$t,$(col "$tmp/s.csv" throughput_per_s),$(col "$tmp/s.csv" latency_p50_ns),$(col "$tmp/s.csv" latency_p99_ns),$cpu,,$(col "$tmp/s.csv" completed),$inv,$switch,,," >> "$data"
}

data="$tmp/data.csv"
echo "source,channel,series,threads,tokens,throughput_per_s,latency_p50_ns,latency_p99_ns,cpu_per_pass_ns,run_delay_per_pass_ns,passes,involuntary_per_pass,switch_per_pass_ns,handoff_p50_ns,handoff_p99_ns,failure" > "$data"
for series in $TOKENS; do
  for n in $THREADS; do
    t=1
    passes=$PASSES
    if [[ $series == quarter ]]; then
      t=$(( n / 4 > 0 ? n / 4 : 1 ))
      passes=$(( 2 * PASSES ))
      label="threads/4"
    else
      label=1
    fi
    r=$(( passes / n > 6 ? passes / n : 6 ))
    # Every thread is created before the tokens start: 300 us a thread is
    # three times what creation takes on this project's machines.
    start=$(( 20000000 + n * 300000 ))
    for channel in $CHANNELS; do
      for rep in $(seq 1 "$REPS"); do
        echo "predict.sh: harness, $channel, $n threads, $t tokens, $r rounds, run $rep of $REPS" >&2
        "$HARNESS" ring --channel "$channel" --threads "$n" --tokens "$t" --rounds "$r" --start-at "$start" \
            > "$tmp/h.csv" 2> "$tmp/h.err" || { cat "$tmp/h.err" >&2; exit 1; }
        hand_offs=$(( n * r ))
        echo "measured,$channel,$label,$n,$t,$(col "$tmp/h.csv" throughput_per_s),$(col "$tmp/h.csv" latency_p50_ns),$(col "$tmp/h.csv" latency_p99_ns),$(per "$(col "$tmp/h.csv" cpu_ns)" $hand_offs),$(per "$(col "$tmp/h.csv" run_delay_ns)" $hand_offs),$(col "$tmp/h.csv" passes),$(per "$(col "$tmp/h.csv" involuntary_switches)" $hand_offs),,$(col "$tmp/h.csv" handoff_p50_ns),$(col "$tmp/h.csv" handoff_p99_ns),$(col "$tmp/h.csv" failure)" >> "$data"
      done
      echo "predict.sh: concsim, $channel, $n threads, $t tokens" >&2
      predicted_row predicted "$tmp/calibrated.yaml" "$channel" "$label" "$n" "$t" "$r" "$start"
      [[ -n $SHIPPED ]] && predicted_row shipped "$SHIPPED" "$channel" "$label" "$n" "$t" "$r" "$start"
    done
  done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
took=$(( $(date +%s) - t0 ))
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
virt=$(systemd-detect-virt 2>/dev/null || true)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
shipped_opt=()
[[ -n $SHIPPED ]] && shipped_opt=(--shipped "$SHIPPED")
mkdir -p "$(dirname "$OUT")"
cp "$data" "${OUT%.md}.csv"
"$HARNESS" predict-report "$data" --profile "$tmp/calibrated.yaml" --out "$OUT" "${shipped_opt[@]}" \
  --meta "measured=$started, in ${took} s" \
  --meta "machine=$cpu, $(nproc) cores, $ram, $(uname -sr)${virt:+, virtual machine ($virt)}" \
  --meta "load average (1, 5, 15 min)=$load_before at the start, $load_after at the end (the machine is shared: other people's builds and tests run beside the harness)" \
  --meta "concsim=$("$CONCSIM" --version | cut -d' ' -f2), commit $commit" \
  --meta "ring=\`concsim-harness ring\`: threads $(echo $THREADS | tr ' ' '/'); channels $(echo $CHANNELS | tr ' ' '/'); tokens 1 and threads/4; about $PASSES hand-offs a run with one token, twice that with more; every thread created before the tokens start (20 ms + 300 us a thread)" \
  --meta "repetitions=$REPS harness runs per point, one prediction" \
  --meta "prediction=\`concsim run $WORKLOAD --machine PROFILE --connections N --set shared.tokens=T --set server.requests=R --set threads.handoff=futex|pipe\`, PROFILE the calibrated one" \
  --meta "calibration=$calibration" \
  --meta "data=every run's figures: $(basename "${OUT%.md}.csv") beside this report"
echo "predict.sh: wrote $OUT" >&2
