#!/usr/bin/env bash
# Runs .ci/run twice in a row, the second time with every core kept busy by stress-ng, to show
# that no test depends on how fast the machine is. Prints each run's time and result.
# Installs stress-ng (Debian) if missing. Usage: bench/ci_under_load.sh [WORKERS]
set -uo pipefail
cd "$(dirname "$0")/.."
workers=${1:-$(nproc)}
if ! command -v stress-ng >/dev/null; then
    apt-get update -qq && apt-get install -y -qq stress-ng >/dev/null
fi

run() {
    local label=$1 start rc
    start=$(date +%s)
    CI=true bash .ci/run >"var/ci-$label.log" 2>&1
    rc=$?
    echo "$label: exit $rc in $(($(date +%s) - start)) s; $(grep -E '^[0-9]+ passed|passed|failed' "var/ci-$label.log" | tail -1)"
    return $rc
}

mkdir -p var
run idle || exit 1
stress-ng --cpu "$workers" --cpu-load 100 --timeout 3600 --quiet &
stress=$!
trap 'kill $stress 2>/dev/null' EXIT
run busy
