#!/usr/bin/env python3
"""Compare the oracle's decisions with the engine's.

    python3 Tests/oracle/compare.py expected.jsonl actual.jsonl

expected.jsonl: oracle lines {"case","outcome","amount","reasons":[ids],"clawback",
                "blacklisted_until","missing":[paths]}
actual.jsonl:   `clause evaluate --format json` lines (docs/reference/json.md): reasons as objects with
                "clause", consequences{clawback, blacklisted_until}, missing as strings or
                objects with a "fact" key.  Lines that are not JSON objects are ignored.

Compares outcome, amount, the SET of reason clause ids, clawback, blacklisted_until, and
missing (only when the oracle says incomplete).  Cases are matched by id.  Prints every
mismatch, a count per field, and last `N agree, M disagree`; exit status 1 on any disagreement.
"""

from __future__ import annotations

import collections
import json
import sys


def _clause(r):
    return r.get("clause") if isinstance(r, dict) else r


def _fact(m):
    return m.get("fact") if isinstance(m, dict) else m


def normalise_actual(d: dict) -> dict:
    cons = d.get("consequences") or {}
    return {
        "outcome": d.get("outcome"),
        "amount": d.get("amount"),
        "reasons": sorted({_clause(r) for r in d.get("reasons") or []}, key=str),
        "clawback": cons.get("clawback", d.get("clawback")),
        "blacklisted_until": cons.get("blacklisted_until", d.get("blacklisted_until")),
        "missing": sorted({_fact(m) for m in d.get("missing") or []}, key=str),
    }


def normalise_expected(d: dict) -> dict:
    return {
        "outcome": d["outcome"],
        "amount": d["amount"],
        "reasons": sorted(set(d["reasons"])),
        "clawback": d["clawback"],
        "blacklisted_until": d["blacklisted_until"],
        "missing": sorted(set(d["missing"])),
    }


def read_jsonl(path: str, strict: bool) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                if strict:
                    raise SystemExit(f"{path}:{n}: not JSON")
                continue
            if isinstance(d, dict) and "case" in d:
                out.append(d)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    expected = read_jsonl(argv[0], strict=True)
    actual = {}
    for d in read_jsonl(argv[1], strict=False):
        actual.setdefault(d["case"], d)

    agree = disagree = 0
    per_field = collections.Counter()
    for e in expected:
        cid = e["case"]
        if cid not in actual:
            print(f"{cid}: no decision from the engine (expected {e['outcome']})")
            per_field["no decision"] += 1
            disagree += 1
            continue
        x, y = normalise_expected(e), normalise_actual(actual[cid])
        fields = ["outcome", "amount", "reasons", "clawback", "blacklisted_until"]
        if x["outcome"] == "incomplete":
            fields.append("missing")
        diffs = [f for f in fields if x[f] != y[f]]
        if diffs:
            disagree += 1
            per_field.update(diffs)
            detail = "; ".join(f"{f}: expected {json.dumps(x[f], ensure_ascii=False)}, "
                               f"got {json.dumps(y[f], ensure_ascii=False)}" for f in diffs)
            print(f"{cid}: {detail}")
        else:
            agree += 1
    if per_field:
        print("by field: " + ", ".join(f"{k} {v}" for k, v in per_field.most_common()))
    print(f"{agree} agree, {disagree} disagree")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
