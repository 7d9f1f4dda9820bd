"""Decide a JSONL file of case files with the OpenFisca model (fund_model.py); one JSON line per case.

    python run.py CASES.jsonl > decisions.jsonl

What runs per case in Python, not vectorized (OpenFisca has no reader for this case format):
reading each JSON line and flattening it into columns (money to int fen, dates as text), and
writing each output line (the reasons list is put together from the vectorized per-clause flags).
Everything that decides (refusals, missing facts, amounts, clawback, ban end) is computed by
OpenFisca formulas over whole arrays. No justification and no remedies are given.
"""
from __future__ import annotations

import json
import os
import sys
from decimal import Decimal

import numpy as np
from openfisca_core.simulation_builder import SimulationBuilder

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fund_model as fm  # noqa: E402

BOOLS = {  # OpenFisca input -> (section, key) of the case file
    "is_sme": ("applicant", "is_sme"), "in_pilot_library": ("applicant", "in_pilot_library"),
    "little_giant": ("applicant", "little_giant"),
    "central_sme_fund_received": ("applicant", "central_sme_fund_received"),
    "in_2022_pilot": ("applicant", "in_2022_pilot"), "already_awarded": (None, "already_awarded"),
}


def to_fen(v) -> int:
    """A yuan amount (string, int or Decimal) -> int fen; as oracle.to_fen, never via float."""
    if v is None:
        return 0
    if isinstance(v, bool) or isinstance(v, float):
        raise ValueError(f"not an amount: {v!r}")
    if isinstance(v, int):
        return v * 100
    fen = Decimal(str(v).strip()) * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"more than two decimals: {v!r}")
    return int(fen)


def read(path):
    """Flatten the cases into columns: one row per case, one per expense or change."""
    cols = {k: [] for k in ["case", "item", "applied_on", "applicant_kind", *BOOLS, "blacklisted_until",
                            "fraud_found_on", "selection_on", "digital_level", "disbursed",
                            "previously_granted", "requested", "accepted_on_given", "platform_given",
                            "assessed_enterprise_given", "selection_subject_given"]}
    lines = {k: [] for k in ["owner", "role", "expense_category", "expense_amount", "paid_on",
                             "change_kind", "change_approved"]}
    errors = 0
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            if not text.strip():
                continue
            try:
                c = json.loads(text, parse_float=Decimal)
                a, p, s = c.get("applicant") or {}, c.get("project") or {}, c.get("selection") or {}
                if c.get("item") not in fm.ITEM_CLAUSE:
                    raise ValueError(f"unknown item {c.get('item')!r}")
                row = {"case": c["case"], "item": c["item"], "applied_on": c["applied_on"],
                       "applicant_kind": a.get("kind") or "none",
                       "blacklisted_until": a.get("blacklisted_until"), "fraud_found_on": c.get("fraud_found_on"),
                       "selection_on": s.get("on"), "digital_level": p.get("digital_level"),
                       "disbursed": to_fen(c.get("disbursed")),
                       "previously_granted": to_fen(p.get("previously_granted")),
                       "requested": to_fen(c.get("requested")),
                       "accepted_on_given": p.get("accepted_on") is not None,
                       "platform_given": bool(p.get("platform")),
                       "assessed_enterprise_given": bool(p.get("assessed_enterprise")),
                       "selection_subject_given": bool(s.get("subject"))}
                for k, (sec, key) in BOOLS.items():
                    row[k] = bool((a if sec else c).get(key))
                rows = [("expense", e["category"], to_fen(e["amount"]), e["paid_on"], "other", False)
                        for e in p.get("expenses") or []]
                rows += [("change", "none", 0, None, ch.get("kind") or "other", bool(ch.get("approved")))
                         for ch in p.get("changes") or []]
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                print(f"{path}:{number}: error: {e}", file=sys.stderr)
                errors += 1
                continue
            owner = len(cols["case"])
            for k, v in row.items():
                cols[k].append(v)
            # OpenFisca's join_with_persons maps members through numpy.unique of the groups that
            # have members, so a case without lines would shift the others: give it an empty one.
            for r in rows or [("expense", "none", 0, None, "other", False)]:
                for k, v in zip(["role", "expense_category", "expense_amount", "paid_on", "change_kind",
                                 "change_approved"], r):
                    lines[k].append(v)
                lines["owner"].append(owner)
    return cols, lines, errors


def dates(values):
    """Dates as datetime64[D]; an absent one as 1970-01-01 beside a `given` flag."""
    given = np.array([v is not None for v in values])
    return np.array([v or "1970-01-01" for v in values], dtype="datetime64[D]"), given


def simulate(cols, lines):
    tbs = fm.FundSystem()
    b = SimulationBuilder()
    b.create_entities(tbs)
    b.declare_person_entity("line", range(len(lines["owner"])))
    apps = b.declare_entity("application", range(len(cols["case"])))
    b.join_with_persons(apps, np.array(lines["owner"]), lines["role"])
    sim = b.build(tbs)
    period = fm.PERIOD
    put = lambda name, value: sim.set_input(name, period, value)  # noqa: E731
    for k in ["item", "applicant_kind"]:
        put(k, np.array(cols[k]))
    put("applied_on", np.array(cols["applied_on"], dtype="datetime64[D]"))
    for k, given in [("blacklisted_until", "ban_given"), ("fraud_found_on", "fraud_given"),
                     ("selection_on", "selection_on_given")]:
        value, is_given = dates(cols[k])
        put(k, value)
        put(given, is_given)
    level = cols["digital_level"]
    put("digital_level_given", np.array([v is not None for v in level]))
    put("digital_level", np.array([v or 0 for v in level], dtype=np.int32))
    for k in [*BOOLS, "accepted_on_given", "platform_given", "assessed_enterprise_given",
              "selection_subject_given"]:
        put(k, np.array(cols[k], dtype=bool))
    for k in ["disbursed", "previously_granted", "requested"]:
        put(k, np.array(cols[k], dtype=np.int64))
    put("expense_category", np.array(lines["expense_category"]))
    put("expense_amount", np.array(lines["expense_amount"], dtype=np.int64))
    put("paid_on", dates(lines["paid_on"])[0])
    put("change_kind", np.array(lines["change_kind"]))
    put("change_approved", np.array(lines["change_approved"], dtype=bool))
    calc = lambda name: sim.calculate(name, period)  # noqa: E731
    flags = {k: calc(fm.flag("refuses_", k)) for k in fm.REFUSALS}
    missing = {k: calc(fm.flag("missing_", k)) for k in fm.MISSING}
    return (calc("outcome").decode_to_str(), calc("amount"), calc("clawback"),
            np.datetime_as_string(calc("ban_end")), calc("refuses_item_clause"), flags, missing)


def fen_str(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def write(cols, results, out):
    outcome, amount, clawback, ban_end, item_refuses, flags, missing = results
    flag_rows = list(zip(*flags.values())) if flags else []
    missing_rows = list(zip(*missing.values()))
    for i, case in enumerate(cols["case"]):
        clause = fm.ITEM_CLAUSE[cols["item"][i]]
        o = outcome[i]
        if o == "refused":
            reasons = {k for k, on in zip(flags, flag_rows[i]) if on}
            if item_refuses[i]:
                reasons.add(clause)
            reasons = sorted(reasons)
        else:
            reasons = [clause]
        gone = sorted(k for k, on in zip(missing, missing_rows[i]) if on) if o == "incomplete" else []
        ban = ban_end[i] if cols["fraud_found_on"][i] is not None else None
        out.write(json.dumps({"case": case, "outcome": o, "amount": fen_str(int(amount[i])),
                              "reasons": reasons, "clawback": fen_str(int(clawback[i])),
                              "blacklisted_until": ban, "missing": gone}, ensure_ascii=False) + "\n")


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    cols, lines, errors = read(argv[0])
    if cols["case"]:
        write(cols, simulate(cols, lines), sys.stdout)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
