#!/usr/bin/env bash
# The two set-up commands of the README, as one script:
#   bash tools/quickstart.sh demo   install what is missing, build, run the default sweep
#                                   under both models and every claim, print a summary
#   bash tools/quickstart.sh test   install what is missing, build, run the whole test suite
# Meant for a fresh Debian 12 machine as root (or with sudo), with only
# Debian's package registry reachable. Safe to run again: it installs only
# missing packages and rebuilds incrementally in ./build.
set -euo pipefail

mode="${1:-}"
case "$mode" in
  demo|test) ;;
  *) echo "usage: bash tools/quickstart.sh demo|test" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."

# python3: Debian's CPython 3.11 is the oracle of the Python front end (tests/python).
packages=(g++ cmake make libboost-program-options-dev libyaml-cpp-dev libboost-fiber-dev
          libgtest-dev libbenchmark-dev parallel python3)
# The test suite also fuzzes the loader, which needs clang's libFuzzer
# (tests/fuzz/CMakeLists.txt; without clang that one test is left out).
if [ "$mode" = test ]; then packages+=(clang-14 libclang-rt-14-dev); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "quickstart: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCONCSIM_WERROR=ON >/dev/null
cmake --build build -j"$jobs"

if [ "$mode" = demo ]; then
  # The default sweep (configs/default.yaml's sweep: section) under both
  # models, then every claim. A fresh directory each time: the sweep refuses
  # to mix its points with an older sweep's. At 100,000 connections the
  # thread model stops at the machine's thread limit: a result the sweep
  # lists, and one the story expects (--allow-failures).
  rm -rf sweeps/default
  ./build/app/concsim sweep configs/default.yaml --jobs "$jobs" --out sweeps/default --allow-failures
  claims_status=0
  ./build/app/concsim claims --out-dir sweeps || claims_status=$?
  echo
  # The report's own summary, every figure in it computed by the runs.
  sed -n '/^## Summary$/,$p' sweeps/default/report.md | tail -n +3
  echo
  echo "The sweep's report (tables, charts, summary): sweeps/default/report.md"
  echo "The claims, judged from runs:                 sweeps/claims.md"
  echo "The reference versions of both:               reports/default/report.md, reports/claims.md"
  exit "$claims_status"
else
  ctest --test-dir build --output-on-failure -j"$jobs"
  # Second pass: the whole suite again under AddressSanitizer and
  # UndefinedBehaviorSanitizer (any report fails the test), in its own build
  # directory. Tests labelled asan_slow are too slow under the sanitizers and
  # ran in the first pass, those labelled python run no C++; the fuzz run is
  # not repeated either.
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCONCSIM_SANITIZE=ON >/dev/null
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE 'asan_slow|python'
fi
