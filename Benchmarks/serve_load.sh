#!/usr/bin/env bash
# The workbench under load (not run in CI): `clause serve` over a store of N recorded decisions
# (the oracle generator, default 10,000), each page hit by wrk for 10 s with 32 connections on
# loopback, then the first view of 50 cases never opened before (a replay each). Prints the
# median and 99th percentile latency per page. From the repository root:
#   Benchmarks/serve_load.sh [N] [BINARY]      (BINARY default .build/release/clause)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${1:-10000}"
BIN="${2:-$ROOT/.build/release/clause}"
[[ -x "$BIN" ]] || { echo "no $BIN: swift build -c release first, or name a binary" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
WORK="$(mktemp -d)"
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$ROOT"
python3 Tests/oracle/generate.py --count "$N" --seed 12 --out "$WORK" >/dev/null 2>&1
"$BIN" evaluate --record --no-remedies --store "$WORK/s.sqlite" --jsonl "$WORK/cases.jsonl" >/dev/null 2>&1 || true
"$BIN" serve --store "$WORK/s.sqlite" --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
BASE="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/serve.out")"
[[ -n "$BASE" ]] || { cat "$WORK/serve.err" >&2; exit 1; }
DECISIONS="$(curl -s "$BASE/healthz")"
# A case, a district and an enterprise's word taken from the store itself.
read -r CASE DISTRICT <<<"$(curl -s "$BASE/api/cases" | python3 -c 'import json,sys,urllib.parse as u; r=json.load(sys.stdin); c=[x for x in r if x["outcome"]=="granted"][0]; print(u.quote(c["case"]), u.quote(c["district"]))')"
echo "$N generated cases · $DECISIONS · $(git rev-parse --short HEAD) · $(nproc) cores · load $(cut -d' ' -f1 /proc/loadavg) · $(basename "$(dirname "$BIN")") build"
printf '%-44s %10s %10s %10s\n' page median p99 req/s
for path in "/healthz" "/cases?district=$DISTRICT" "/cases?q=$CASE" "/cases/$CASE" "/api/cases/$CASE" "/cases/$CASE/notice" \
            "/queue?district=$DISTRICT&as=district_bureau" "/api/queue?district=$DISTRICT&as=district_bureau"; do
  curl -s -o /dev/null "$BASE$path"   # the first view (replays, the index) is not what is measured here
  wrk -t2 -c32 -d10s --timeout 5s --latency "$BASE$path" >"$WORK/wrk" 2>&1 || true
  median="$(awk '$1=="50%"{print $2}' "$WORK/wrk")"
  p99="$(awk '$1=="99%"{print $2}' "$WORK/wrk")"
  rps="$(awk '$1=="Requests/sec:"{print $2}' "$WORK/wrk")"
  printf '%-44s %10s %10s %10s\n' "$(echo "$path" | cut -c1-44)" "$median" "$p99" "$rps"
done
# First views: 50 cases not opened before, one at a time (each decided again on its recorded rules).
curl -s "$BASE/api/cases" | python3 -c 'import json,sys,urllib.parse as u; [print(u.quote(x["case"])) for x in json.load(sys.stdin)[100:150]]' >"$WORK/ids"
while read -r id; do curl -s -o /dev/null -w '%{time_total}\n' "$BASE/cases/$id"; done <"$WORK/ids" | sort -n >"$WORK/first"
printf '%-44s %9.1fms %9.1fms\n' "/cases/ID first view (50 cases, 1 at a time)" "$(awk '{a[NR]=$1} END{print a[int((NR+1)/2)]*1000}' "$WORK/first")" "$(tail -1 "$WORK/first" | awk '{print $1*1000}')"
