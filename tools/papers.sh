#!/usr/bin/env bash
# Runs the published-figure workloads of configs/papers/ point by point and
# prints each measured figure beside the paper's, with the relative error.
#
#   tools/papers.sh [fig2|fig4|all]      (default: all)
#   tools/papers.sh ablation [DIR]       figure 2's ablation and sensitivity study,
#                                        into DIR (default: reports/papers/seda-2001-fig2-ablation)
#
# Environment:
#   CONCSIM  the concsim binary (default: build/app/concsim, then
#            build-papers/app/concsim)
#   PAPERS   the concsim-papers binary (ablation; default: beside CONCSIM,
#            ../../tools/papers/concsim-papers)
#   JOBS     points run at once (default: 2)
#
# Every point of both figures runs, the 1,024-thread point of figure 2 and
# the 1,048,576-task point of figure 4 included (the largest takes ~15-40 s
# and ~0.9 GB of the simulator's memory). tests/papers runs a subset.
# Published figures: configs/claims/README.md, section B (SEDA, SOSP 2001).
set -euo pipefail

cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
what=${1:-all}

# Figure 2's ablation (each mechanism switched off in turn, every point) and
# sensitivity study (each estimate of seda-2001 halved and doubled, at five
# points), with a fifth of the figure's tasks so that it takes a minute or
# two. LinuxThreads has no futexes: that mechanism is left out.
if [[ $what == ablation ]]; then
  out=${2:-reports/papers/seda-2001-fig2-ablation}
  papers=${PAPERS:-}
  if [[ -z "$papers" ]]; then
    for b in build/tools/papers/concsim-papers build-papers/tools/papers/concsim-papers; do
      if [[ -x "$b" ]]; then papers=$b; break; fi
    done
  fi
  [[ -n "$papers" && -x "$papers" ]] || { echo "papers.sh: no concsim-papers binary; build it or set PAPERS" >&2; exit 2; }
  exec "$papers" study configs/papers/seda-2001-fig2.yaml --out "$out" --set shared.total_tasks=12000 \
    --mechanisms none,switch,pick,lock,cache,ipi,faults --sensitivity-at 1,8,64,256,1024 --jobs "$jobs"
fi

bin=${CONCSIM:-}
if [[ -z "$bin" ]]; then
  for b in build/app/concsim build-papers/app/concsim; do
    if [[ -x "$b" ]]; then bin=$b; break; fi
  done
fi
[[ -n "$bin" && -x "$bin" ]] || { echo "papers.sh: no concsim binary; build it or set CONCSIM" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run FILE N: one point, its CSV row in $tmp/FILE-N.csv
run_point() {
  local file=$1 n=$2
  "$bin" run "$file" --connections "$n" --format csv >"$tmp/$(basename "$file" .yaml)-$n.csv"
}
export -f run_point
export bin tmp

# table FILE "N:TASKS_PER_S[:LATENCY_MS]"... : runs the points, then prints
# the table. A published figure of "-" means the paper gives none there.
table() {
  local file=$1; shift
  local ns=()
  for p in "$@"; do ns+=("${p%%:*}"); done
  printf '%s\n' "${ns[@]}" | xargs -P "$jobs" -I{} bash -c 'run_point "$0" "$1"' "$file" {}
  echo "$file"
  printf '%9s %12s %12s %8s   %12s %12s %8s %12s\n' "N" "tasks/s" "published" "error" "latency ms" "published" "error" "p99 ms"
  local worst=0
  for p in "$@"; do
    IFS=: read -r n pub lat <<<"$p"
    local csv="$tmp/$(basename "$file" .yaml)-$n.csv"
    awk -F, -v n="$n" -v pub="$pub" -v lat="${lat:--}" '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      NR == 2 {
        x = $col["throughput_per_s"]; l = $col["latency_mean_ns"] / 1e6; l99 = $col["latency_p99_ns"] / 1e6
        if ($col["status"] != "completed") { printf "%9s  run ended: %s\n", n, $col["status"]; exit 1 }
        e = pub == "-" ? "" : sprintf("%+.1f%%", (x - pub) / pub * 100)
        le = lat == "-" ? "" : sprintf("%+.1f%%", (l - lat) / lat * 100)
        printf "%9s %12.0f %12s %8s   %12.3f %12s %8s %12.3f\n", n, x, pub, e, l, lat, le, l99
      }' "$csv"
  done
  echo
}

if [[ $what == all || $what == fig2 ]]; then
  # Figure 2: threads (= tasks in the pipeline) -> tasks/s, latency in ms.
  table configs/papers/seda-2001-fig2.yaml \
    1:12899:0.1 2:18361:0.1 4:22808:0.19 8:25315:0.28 16:23894:0.65 32:22549:1.49 \
    64:21218:2.99 128:13978:9.15 256:8389:30.4 512:5098:100.4 1024:2836:361.1
fi
if [[ $what == all || $what == fig4 ]]; then
  # Figure 4: tasks in the pipeline -> tasks/s; the paper gives 13,047 at 1,
  # 28,241 at 8, and ~30,000 (within 3 %) from 128 to 1,048,576, where the
  # latency is ~35 s. (At 131,072 tasks and more each task goes round twice
  # only, and in the first round every task arrives at once at the start and
  # waits for those ahead of it, so the mean latency there is about three
  # quarters of the steady state, tasks / throughput.)
  pts=(1:13047 2:- 4:- 8:28241 16:- 32:- 64:-)
  for e in $(seq 7 19); do pts+=("$((1 << e)):30000"); done
  pts+=("1048576:30000:35000")
  table configs/papers/seda-2001-fig4.yaml "${pts[@]}"
fi
