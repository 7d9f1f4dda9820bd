#!/usr/bin/env python3
"""The fund as a whole: an independent reading of the fund's caps across cases over a sequence of applications.

`oracle.py` decides one case alone.  Here cases are decided in input order, as `clause evaluate
--record` records them, each seeing what the fund granted before it:

- 50万元 per enterprise (credit code) for transformation, 0.7万元 / 1万元 per enterprise served
  (`project.assessed_enterprise`, whoever applied) for diagnosis / acceptance monitoring, 150万元 per sector platform, 500万元 for the public platform
  and 300万元 for activities over the programme: the room is the cap less the grants counted, a
  grant is at most the room, and no room left refuses under the item's clause;
- at most 3 distinct sector platforms (a fourth is refused under plan.5);
- an award once per selected subject (same item, same `selection.subject`: art4.2);
- a ban registered by a fraud finding (第十三条) for a credit code applies to the code's later
  applications whatever they say (`blacklisted_until: null`), from the day of the finding through
  the corresponding day three years on (the Civil Code's count);
- a case recorded again is decided again, and its latest decision is the one that counts; a case
  never counts against itself.

Written from the contract, not from the Swift ledger.  Money in integer fen.

    python3 Tests/oracle/fund.py --count 600 --seed 7 --out DIR
writes DIR/cases.jsonl (the applications, in order) and DIR/expected.jsonl (one decision per line:
case, outcome, amount, reasons, and `counted`: the earlier cases whose grants the item's figure
counted, in the order they were recorded).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402
import oracle  # noqa: E402

PER_ENTERPRISE = {"transformation", "diagnosis", "acceptance_monitoring"}
PROGRAMME = {"public_platform", "activities"}


class Fund:
    """The record: the latest decision of each case, and the registry's bans."""

    def __init__(self):
        self.grants: dict[str, dict] = {}  # case id -> {item, code, platform, subject, fen}, in record order
        self.bans: list[tuple[str, object, object, str]] = []  # (code, from, through, case id)

    def counted(self, case: dict) -> tuple[dict, list[str]]:
        """What the record holds for `case`, and which earlier grants the item's figure counts."""
        item = case["item"]
        code = (case.get("applicant") or {}).get("credit_code")
        platform = (case.get("project") or {}).get("platform") if item == "sector_platform" else None
        subject = (case.get("selection") or {}).get("subject")
        others = [(cid, g) for cid, g in self.grants.items() if cid != case["case"]]
        if item in oracle.SERVED_ITEMS:
            # per enterprise served, whoever applied
            served = (case.get("project") or {}).get("assessed_enterprise")
            hits = [(cid, g) for cid, g in others if g["item"] == item and served and g["served"] == served]
        elif item in PER_ENTERPRISE:
            hits = [(cid, g) for cid, g in others if g["item"] == item and code and g["code"] == code]
        elif item == "sector_platform":
            hits = [(cid, g) for cid, g in others if g["item"] == item and platform and g["platform"] == platform]
        elif item in PROGRAMME:
            hits = [(cid, g) for cid, g in others if g["item"] == item]
        elif item in oracle.ONCE_ONLY_ITEMS:
            hits = [(cid, g) for cid, g in others if g["item"] == item and subject and g["subject"] == subject]
        else:
            hits = []
        record = {"spent": sum(g["fen"] for _, g in hits), "awarded": len(hits)}
        record["platforms"] = len({g["platform"] for _, g in others if g["item"] == "sector_platform" and g["platform"]})
        applied_on = oracle.to_date(case["applied_on"])
        throughs = [t for c, f, t, cid in self.bans if c == code and cid != case["case"] and f <= applied_on]
        record["ban_through"] = max(throughs) if throughs else None
        return record, [cid for cid, _ in hits]

    def decide(self, case: dict) -> dict:
        record, counted = self.counted(case)
        d = oracle.decide(case, record)
        applicant = case.get("applicant") or {}
        self.grants.pop(case["case"], None)  # decided again: the latest decision counts
        if d["outcome"] == "granted":
            self.grants[case["case"]] = {
                "item": case["item"], "code": applicant.get("credit_code"),
                "platform": (case.get("project") or {}).get("platform") if case["item"] == "sector_platform" else None,
                "subject": (case.get("selection") or {}).get("subject"), "fen": oracle.to_fen(d["amount"]),
                "served": (case.get("project") or {}).get("assessed_enterprise") if case["item"] in oracle.SERVED_ITEMS else None,
            }
        if d["blacklisted_until"] and applicant.get("credit_code"):
            self.bans.append((applicant["credit_code"], oracle.to_date(case["fraud_found_on"]),
                              oracle.to_date(d["blacklisted_until"]), case["case"]))
        return {"case": d["case"], "outcome": d["outcome"], "amount": d["amount"], "reasons": d["reasons"], "counted": counted}


def sequence(count: int, seed: int) -> list[dict]:
    """Applications by a few enterprises, platforms and selected subjects, so that caps fill up,
    platforms run out, awards repeat, bans follow their applicants and some cases come again."""
    g = generate.Gen(seed)
    r = random.Random(f"{seed}-fund")
    pool = [g.applicant("transformation", generate.D(2024, 6, 1), False) for _ in range(30)]
    platforms = ["SY-PB-AIR-COOLING", "SY-PB-MACHINE-TOOLS", "SY-PB-TRANSMISSION", "SY-PB-AUTO-PARTS", "SY-PB-CHEMICALS"]
    subjects = ["沈阳云启工业互联网平台", "沈阳数智车间改造案例", "沈阳轻量化MES产品", "沈阳设备上云方案"]
    cases: list[dict] = []
    for n in range(1, count + 1):
        c = g.case(n)
        who = r.choice(pool)
        c["applicant"].update(name=who["name"], credit_code=who["credit_code"], district=who["district"])
        c["applicant"]["blacklisted_until"] = None if r.random() < 0.9 else c["applicant"]["blacklisted_until"]
        if c.get("fraud_found_on") and r.random() < 0.7:
            c["fraud_found_on"] = None  # fewer bans, or every enterprise would soon be banned
        if c["item"] == "sector_platform" and (c.get("project") or {}).get("platform"):
            c["project"]["platform"] = r.choice(platforms)
        if c.get("selection"):
            c["selection"]["subject"] = r.choice(subjects)
        if c["item"] in oracle.SERVED_ITEMS and (c.get("project") or {}).get("assessed_enterprise"):
            # a few enterprises served by many units, so that the per-enterprise caps fill up
            c["project"]["assessed_enterprise"] = random.Random(f"{seed}-served-{n}").choice(pool[:6])["credit_code"]
        if cases and r.random() < 0.04:
            # The same application recorded again (a correction): one case id is one applicant and
            # one item, so it keeps both; another applicant's case under the id would be refused.
            same = [e for e in cases if e["item"] == c["item"]]
            if same:
                earlier = r.choice(same)
                c["case"] = earlier["case"]
                c["applicant"].update({k: earlier["applicant"][k] for k in ("name", "credit_code", "district")})
        cases.append(c)
    return cases


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    fund = Fund()
    outcomes = collections.Counter()
    with open(os.path.join(a.out, "cases.jsonl"), "w", encoding="utf-8") as cf, \
         open(os.path.join(a.out, "expected.jsonl"), "w", encoding="utf-8") as ef:
        for c in sequence(a.count, a.seed):
            line = generate.dumps(c)
            d = fund.decide(json.loads(line, parse_float=Decimal))
            cf.write(line + "\n")
            ef.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n")
            outcomes[(d["outcome"], bool(d["counted"]))] += 1
    print(f"{a.count} applications, seed {a.seed} -> {a.out}", file=sys.stderr)
    print("outcomes (with earlier grants counted?): " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
