#!/usr/bin/env bash
# The two set-up commands of the README, as one script:
#   bash tools/quickstart.sh demo   install what is missing, build, run the default workload
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

packages=(g++ cmake make libboost-program-options-dev libyaml-cpp-dev libboost-fiber-dev
          libgtest-dev libbenchmark-dev parallel)
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
  ./build/app/concsim run configs/default.yaml
else
  ctest --test-dir build --output-on-failure -j"$jobs"
fi
