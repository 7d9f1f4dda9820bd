#!/usr/bin/env bash
# Runs clause's libFuzzer targets for a bounded time each. From anywhere:
#   Fuzz/run.sh TARGET|all SECONDS      TARGET: yaml, case, expression, package, store
# Builds Fuzz/ (release, libFuzzer + AddressSanitizer, into Fuzz/.build), gathers the seed corpora
# from the repository's fixtures (Fuzz/seeds.py, into Fuzz/.seeds), then runs each target for
# SECONDS. What a run finds interesting is kept in Fuzz/.corpus/TARGET for the next run; a crash
# input is saved as Fuzz/crashes/TARGET-crash-…, and the script exits 1 after running every target.
# Logs: Fuzz/.logs/TARGET.log. Environment: FUZZ_JOBS=2 runs two targets at a time.
set -euo pipefail
FUZZ="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$FUZZ/.." && pwd)"
target="${1:-}"; seconds="${2:-}"
case "$target" in
    all) targets=(yaml case expression package store) ;;
    yaml|case|expression|package|store) targets=("$target") ;;
    *) echo "usage: Fuzz/run.sh yaml|case|expression|package|store|all SECONDS" >&2; exit 2 ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: Fuzz/run.sh TARGET|all SECONDS (a whole number of seconds)" >&2; exit 2; }

declare -A product=([yaml]=FuzzYAML [case]=FuzzCase [expression]=FuzzExpression [package]=FuzzPackage [store]=FuzzStore)
# The longest input each target is given: a case or a package file is small, an expression smaller.
declare -A max_len=([yaml]=65536 [case]=32768 [expression]=4096 [package]=131072 [store]=2048)

echo "== building Fuzz/ (release, -sanitize=fuzzer,address)"
start=$(date +%s)
mkdir -p "$FUZZ/crashes" "$FUZZ/.logs"
# Every Swift module of the build, the main package's included, is compiled with libFuzzer's coverage
# and AddressSanitizer: a package cannot put that flag on a dependency's targets, the command line
# can. (libyaml and swift-crypto's C code are not instrumented.) Fuzz/Package.swift links with lld.
build=(swift build --package-path "$FUZZ" --scratch-path "$FUZZ/.build" -c release -Xswiftc -sanitize=fuzzer,address)
if ! "${build[@]}" >"$FUZZ/.logs/build.log" 2>&1; then
    grep -E 'error' "$FUZZ/.logs/build.log" | head -20 >&2
    exit 1
fi
bin="$("${build[@]}" --show-bin-path)"
echo "built in $(( $(date +%s) - start )) s"

python3 "$FUZZ/seeds.py" "$FUZZ/.seeds"
export CLAUSE_ROOT="$ROOT"
# Swift's runtime keeps caches for the process's life; they are not leaks worth a finding.
# The Swift runtime's own crash backtracer trips AddressSanitizer; libFuzzer prints the stack.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"

run_one() {
    local t=$1 log="$FUZZ/.logs/$1.log"
    mkdir -p "$FUZZ/.corpus/$t"
    set +e
    "$bin/${product[$t]}" "$FUZZ/.corpus/$t" "$FUZZ/.seeds/$t" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${max_len[$t]}" \
        -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$FUZZ/crashes/$t-" >"$log" 2>&1
    local rc=$?
    set -e
    local runs last
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    # corp: the inputs libFuzzer kept (seeds and new) and their size; new: files added to .corpus.
    printf '%-10s %s  %s s  %s executions  %s  %s  new in Fuzz/.corpus/%s: %s\n' "$t" \
        "$([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)")" "$seconds" "${runs:-?}" \
        "$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' <<<"$last" || true)" "$(grep -o 'cov: [0-9]*' <<<"$last" || true)" \
        "$t" "$(find "$FUZZ/.corpus/$t" -type f | wc -l)"
    if [ $rc != 0 ]; then
        grep -E 'clause fuzz finding|ERROR: |Fatal error|Test unit written|SUMMARY' "$log" | head -8 | sed 's/^/    /'
    fi
    return $rc
}

echo "== fuzzing ${targets[*]} for $seconds s each"
failed=0
jobs_at_once="${FUZZ_JOBS:-1}"
pids=()
for t in "${targets[@]}"; do
    if [ "$jobs_at_once" -gt 1 ]; then
        run_one "$t" & pids+=($!)
        if [ ${#pids[@]} -ge "$jobs_at_once" ]; then wait "${pids[0]}" || failed=1; pids=("${pids[@]:1}"); fi
    else
        run_one "$t" || failed=1
    fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
if [ $failed != 0 ]; then
    echo "a fuzz target failed: its input is in Fuzz/crashes/, its log in Fuzz/.logs/" >&2
    exit 1
fi
