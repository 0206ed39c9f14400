#!/usr/bin/env bash
# Benchmarks (README "Benchmarks"): builds release into its own scratch path (.build-bench, so it never waits
# on the debug builds' lock in .build), makes sure the OR-tools reference is installed, and runs studiobench,
# which starts the real service binaries in temporary data folders, prints each figure beside its reference
# measured in the same run, and writes BENCHMARKS.md. Arguments pass through to studiobench, e.g.
#   deploy/bench.sh --only intake,assignment --repetitions 1
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH="${STUDIO_BENCH_SCRATCH:-.build-bench}"
PYTHON="${PYTHON:-python3}"

# wrk: the second load generator beside studiobench's own; strace: the system-call counts of `--only counters`.
for package in libsqlite3-dev libcurl4-openssl-dev wrk strace; do
    if ! dpkg -s "$package" >/dev/null 2>&1; then
        echo "installing $package" >&2
        apt-get install -y "$package" >/dev/null || { apt-get update >/dev/null && apt-get install -y "$package" >/dev/null; }
    fi
done
if ! "$PYTHON" -c 'import ortools, numpy' >/dev/null 2>&1; then
    echo "installing ortools (PyPI) for the assignment reference" >&2
    "$PYTHON" -m pip install --quiet ortools numpy || "$PYTHON" -m pip install --quiet --break-system-packages ortools numpy
fi

# Only what the benchmark runs: the four services and studiobench.
for product in intake review funding assessment portal studiobench; do
    swift build -c release --scratch-path "$SCRATCH" --product "$product" >&2
done
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"

exec "$BIN/studiobench" --bin-dir "$BIN" --python "$PYTHON" \
    --command "deploy/bench.sh${*:+ $*}" "$@"
