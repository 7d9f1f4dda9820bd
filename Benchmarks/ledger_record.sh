#!/usr/bin/env bash
# The cost of recording with the fund's ledger, in one run, as ratios:
#   1. evaluate --no-store           the cases alone (both cores, compiled, no trace shown)
#   2. ... --format json             the same with every decision's JSON line and trace
#   3. evaluate --record             into a new store: in input order, the figures read and the
#                                    decisions (with their JSON and trace) inserted in batches
#   4. replay --all                  every recorded decision re-decided on what it counted
# (all without the remedy search, which is its own cost: Benchmarks/README.md, "Where the time goes")
# over N generated cases (the oracle generator, default 2,000). From the repository root:
#   Benchmarks/ledger_record.sh [N] [BINARY]      (BINARY default .build/release/clause)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${1:-2000}"
BIN="${2:-$ROOT/.build/release/clause}"
[[ -x "$BIN" ]] || { echo "no $BIN: swift build -c release first, or name a binary" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 "$ROOT/Tests/oracle/generate.py" --count "$N" --seed 12 --out "$WORK" >/dev/null 2>&1
cd "$ROOT"
# Wall and CPU (user + sys) seconds of one command; CPU is the steadier figure on a shared machine.
run() { /usr/bin/time -f "%e %U %S" -o "$WORK/t" "$@" >/dev/null 2>&1 || true; awk '{printf "%s %.2f", $1, $2 + $3}' "$WORK/t"; }
read -r alone_w alone_c <<<"$(run "$BIN" evaluate --no-store --no-remedies --jsonl "$WORK/cases.jsonl")"
read -r json_w json_c <<<"$(run "$BIN" evaluate --no-store --no-remedies --format json --jsonl "$WORK/cases.jsonl")"
read -r record_w record_c <<<"$(run "$BIN" evaluate --record --no-remedies --store "$WORK/s.sqlite" --jsonl "$WORK/cases.jsonl")"
read -r replay_w replay_c <<<"$(run "$BIN" replay --all --store "$WORK/s.sqlite")"
echo "$N cases · $(git rev-parse --short HEAD) · $(nproc) cores · load $(cut -d' ' -f1 /proc/loadavg) · $(basename "$(dirname "$BIN")") build"
line() { printf '%-34s %7.2f s wall %7.0f cases/s · %6.2f s CPU (%4.1f× the cases alone)\n' "$1" "$2" "$(echo "$N / $2" | bc -l)" "$3" "$(echo "$3 / $alone_c" | bc -l)"; }
line "evaluate --no-store (text)" "$alone_w" "$alone_c"
line "evaluate --no-store --format json" "$json_w" "$json_c"
line "evaluate --record" "$record_w" "$record_c"
line "replay --all" "$replay_w" "$replay_c"
echo "store: $(( $(stat -c %s "$WORK/s.sqlite") / N )) bytes per decision"
