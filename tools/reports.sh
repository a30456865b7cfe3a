#!/usr/bin/env bash
# Regenerates the reference reports under reports/ from runs, or checks that
# the committed ones are what the current build generates, byte for byte.
#
#   tools/reports.sh            regenerate reports/claims.md, reports/default/
#                               and reports/papers/*/ (the figure-2 ablation
#                               and sensitivity study included) in place
#   tools/reports.sh --check    generate them into a temporary directory and
#                               compare; exit 1 (with a diff) on any difference
#
# Environment:
#   CONCSIM  the concsim binary (default: build/app/concsim)
#   PAPERS   the concsim-papers binary (default: beside CONCSIM's build)
#   JOBS     points run at once (default: 2; the bytes do not depend on it)
#
# reports/performance.md and reports/validation.md are measurements of the
# host (wall-clock speed, real threads), not runs of the simulator, so they
# are not regenerated here: tools/perf.sh and tools/validate.sh write them.
# Sweep point files (DIR/points/) are left out of reports/: report.md,
# data.csv and data.json hold every figure they hold.
set -euo pipefail

cd "$(dirname "$0")/.."
bin=${CONCSIM:-build/app/concsim}
[[ -x "$bin" ]] || { echo "reports.sh: no concsim binary at $bin; build it or set CONCSIM" >&2; exit 2; }
jobs=${JOBS:-2}
mode=${1:-write}
case "$mode" in
  write|--check) ;;
  *) echo "usage: tools/reports.sh [--check]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The sweeps behind the reports: the workload and where its report goes.
sweeps=(
  "configs/default.yaml default"
  "configs/papers/seda-2001-fig2.yaml papers/seda-2001-fig2"
  "configs/papers/seda-2001-fig4.yaml papers/seda-2001-fig4"
)

# `concsim claims` judges: a claim judged false (exit code 1) is a result
# the report records, not an error. Any other failure is.
claims_status=0
"$bin" claims --out-dir "$tmp/reports" >"$tmp/claims.txt" 2>"$tmp/claims.err" || claims_status=$?
if [[ $claims_status -gt 1 || ! -s "$tmp/reports/claims.md" ]]; then
  cat "$tmp/claims.txt" "$tmp/claims.err" >&2
  echo "reports.sh: concsim claims failed (exit $claims_status); reports/claims.md not regenerated" >&2
  exit 1
fi
for s in "${sweeps[@]}"; do
  read -r file dir <<<"$s"
  echo "reports.sh: sweep $file -> reports/$dir" >&2
  # Points that stop at a limit of the machine (the default sweep's thread
  # model at 100,000 connections) are results of the reports, listed in them.
  "$bin" sweep "$file" --jobs "$jobs" --out "$tmp/reports/$dir" --allow-failures 2>"$tmp/sweep.log" || {
    cat "$tmp/sweep.log" >&2
    exit 1
  }
  rm -rf "$tmp/reports/$dir/points"
done

# Figure 2's ablation and sensitivity study (concsim-papers, beside concsim).
papers_bin=${PAPERS:-$(dirname "$bin")/../tools/papers/concsim-papers}
echo "reports.sh: ablation and sensitivity -> reports/papers/seda-2001-fig2-ablation" >&2
PAPERS=$papers_bin JOBS=$jobs tools/papers.sh ablation "$tmp/reports/papers/seda-2001-fig2-ablation"

if [[ "$mode" == --check ]]; then
  status=0
  for path in claims.md default papers/seda-2001-fig2 papers/seda-2001-fig4 papers/seda-2001-fig2-ablation; do
    if ! diff -r -u "reports/$path" "$tmp/reports/$path"; then
      echo "reports.sh: reports/$path differs from what this build generates;" \
           "regenerate with tools/reports.sh and review the difference" >&2
      status=1
    fi
  done
  [[ $status -eq 0 ]] && echo "reports.sh: reports/ matches this build byte for byte" >&2
  exit $status
fi

cp "$tmp/reports/claims.md" reports/claims.md
for s in "${sweeps[@]}" "- papers/seda-2001-fig2-ablation"; do
  read -r _ dir <<<"$s"
  # Replace the whole directory, so a chart that is no longer drawn does
  # not linger; the new one is complete before the old one goes.
  mkdir -p "reports/$(dirname "$dir")"
  rm -rf "reports/$dir.old"
  if [[ -d "reports/$dir" ]]; then mv "reports/$dir" "reports/$dir.old"; fi
  cp -r "$tmp/reports/$dir" "reports/$dir"
  rm -rf "reports/$dir.old"
done
echo "reports.sh: regenerated reports/claims.md, reports/default/ and reports/papers/ (with the ablation)" >&2
