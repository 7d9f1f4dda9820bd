#!/usr/bin/env bash
# Runs every benchmark once, in release, and prints the ratios to the baselines and the
# whole-process figures. From the repository root:   Benchmarks/run.sh   (about 10–15 minutes on
# 2 cores the first time, most of it building). Extra arguments go to the benchmark run, e.g.
#   Benchmarks/run.sh --filter 'evaluate.*' --filter 'native.*'
# CLAUSE_BENCH_WORK (default /tmp/clause-bench) holds the generated cases; SKIP_WHOLE_PROCESS=1
# skips the whole-process part.
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
WORK="${CLAUSE_BENCH_WORK:-/tmp/clause-bench}"
RESULTS="$BENCH/results"
BASELINE=latest
mkdir -p "$WORK" "$RESULTS"

echo "clause benchmarks · $(date -u '+%Y-%m-%d %H:%M UTC') · $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- Sources || echo ' + uncommitted changes in Sources')"
echo "$(nproc) cores · $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') · $(swift --version 2>/dev/null | head -1)"

# Hardware instruction counts only where the kernel gives them (VMs often do not).
if command -v perf >/dev/null && perf stat -x, -e instructions true 2>&1 | grep -q '^[0-9]'; then
    export CLAUSE_BENCH_INSTRUCTIONS=1
    echo "instructions: counted"
else
    echo "instructions: not counted (perf stat -e instructions says not supported here)"
fi

export CLAUSE_ROOT="$ROOT"
export CLAUSE_BENCH_REPORT="$RESULTS/report.txt"
: > "$CLAUSE_BENCH_REPORT"

echo
echo "== building the benchmark package (release, Benchmarks/.build)"
swift build --package-path "$BENCH" --scratch-path "$BENCH/.build" -c release --product ClauseBenchmarks 2>&1 | tail -1

echo
echo "== running the benchmarks (one run, stored as baseline '$BASELINE')"
swift package --package-path "$BENCH" --scratch-path "$BENCH/.build" --allow-writing-to-package-directory \
    benchmark baseline update "$BASELINE" --no-progress "$@" 2>&1 | grep -v -e '^Building' -e '^\[' -e 'runtime interposer' -e 'LD_PRELOAD' || true
swift package --package-path "$BENCH" --scratch-path "$BENCH/.build" benchmark baseline read "$BASELINE" --no-progress 2>&1 \
    | grep -v -e 'runtime interposer' -e 'LD_PRELOAD' | tee "$RESULTS/benchmarks.txt"

echo
awk '!seen[$0]++' "$CLAUSE_BENCH_REPORT"
echo
python3 "$BENCH/ratios.py" "$BENCH/.benchmarkBaselines/ClauseBenchmarks/$BASELINE/results.json" \
    "$ROOT/Tests/Fixtures/oracle/cases.jsonl" | tee "$RESULTS/ratios.txt"

if [ "${SKIP_WHOLE_PROCESS:-}" = 1 ]; then exit 0; fi
echo
# The binary a deployment runs: the Swift runtime and Foundation linked in (README), which also
# starts in about two thirds of the CPU of a dynamically linked one.
echo "== building clause (release, static Swift libraries, from ../Package.swift into Benchmarks/.build/clause)"
swift build --package-path "$ROOT" --scratch-path "$BENCH/.build/clause" -c release --static-swift-stdlib --product clause 2>&1 | tail -1
CLAUSE="$(swift build --package-path "$ROOT" --scratch-path "$BENCH/.build/clause" -c release --static-swift-stdlib --show-bin-path)/clause"
echo
python3 "$BENCH/whole_process.py" "$CLAUSE" "$ROOT" "$WORK" | tee "$RESULTS/whole-process.txt"
echo
python3 "$BENCH/trace_ratios.py" "$CLAUSE" "$ROOT" "$WORK" | tee "$RESULTS/trace-ratios.txt"
