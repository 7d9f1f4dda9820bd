#!/usr/bin/env bash
# The cost of recording with the fund's ledger (issue 12), in one run, as ratios:
#   1. evaluate --no-store           the cases alone (both cores, compiled, no trace shown)
#   2. evaluate --record             into a new store: in input order, figures read and each
#                                    grant committed under the ledger lock
#   3. replay --all                  every recorded decision re-decided on what it counted
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
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
alone=$(secs "$BIN" evaluate --no-store --jsonl "$WORK/cases.jsonl")
record=$(secs "$BIN" evaluate --record --store "$WORK/s.sqlite" --jsonl "$WORK/cases.jsonl")
replay=$(secs "$BIN" replay --all --store "$WORK/s.sqlite")
echo "$N cases · $(git rev-parse --short HEAD) · $(nproc) cores · $(basename "$(dirname "$BIN")") build"
printf 'evaluate --no-store   %6.2f s  %7.0f cases/s\n' "$alone" "$(echo "$N / $alone" | bc -l)"
printf 'evaluate --record     %6.2f s  %7.0f cases/s  (%.1f× the cases alone)\n' "$record" "$(echo "$N / $record" | bc -l)" "$(echo "$record / $alone" | bc -l)"
printf 'replay --all          %6.2f s  %7.0f cases/s\n' "$replay" "$(echo "$N / $replay" | bc -l)"
