#!/usr/bin/env python3
"""An independent reading of the Shenyang SME digital-transformation fund rules.

Written from the readings alone (docs/reference/readings.md, not from the Swift engine), to check the engine
on generated cases.  See Tests/oracle/README.md for the reading it implements.

    decide(case: dict) -> dict
        {"case", "outcome", "amount", "reasons", "clawback", "blacklisted_until", "missing"}

Money is handled as integer fen throughout; never float.

Command line:  python3 Tests/oracle/oracle.py CASE.yaml|CASE.json|CASES.jsonl ...
prints one decision per case as JSON Lines.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from decimal import Decimal, InvalidOperation

PILOT_START = _dt.date(2024, 1, 1)
PILOT_END = _dt.date(2025, 12, 31)
FIRST_APPLICATION_DAY = _dt.date(2024, 1, 1)  # art16 read with the revised readings: measures_start
LAST_APPLICATION_DAY = _dt.date(2025, 12, 31)  # art16

TRANSFORMATION_CAP_FEN = 500_000_00
ELIGIBLE_CATEGORIES = {"software", "cloud", "gateway", "router", "data_acquisition"}
MIN_DIGITAL_LEVEL = 2

# item -> (clause, cap in fen)
CAPPED_ITEMS = {
    "chain_case_award": ("art4.2", 500_000_00),
    "product_award": ("art4.2", 500_000_00),
    "public_platform": ("art4.3", 5_000_000_00),
    "sector_platform": ("art4.3", 1_500_000_00),
    "diagnosis": ("art4.4", 7_000_00),
    "acceptance_monitoring": ("art4.5", 10_000_00),
    "activities": ("art4.6", 3_000_000_00),
}
ONCE_ONLY_ITEMS = {"chain_case_award", "product_award"}  # already_awarded -> art4.2
SECTOR_PLATFORMS_MAX = 3  # 工作方案 二（二）5: three pilot sector platforms
# Revised readings: an award rests on a selection (获评) and goes to the kinds the text names:
# the product award to service providers (“对于获评…的服务商”), the chain-case award to a service
# provider or an enterprise. Anything else is refused under art4.2.
AWARD_KINDS = {"chain_case_award": {"enterprise", "service_provider"}, "product_award": {"service_provider"}}

CHANGE_CLAUSE = {"subject": "art9.1", "content": "art9.2", "nature": "art9.2"}  # other -> art9.3

# 诊断 and 监测验收 are capped per enterprise served: the case names it (its credit code) in
# project.assessed_enterprise, and the applicant is the unit procured to serve it, never the
# enterprise itself.
SERVED_ITEMS = {"diagnosis", "acceptance_monitoring"}


# ---------------------------------------------------------------- values

def to_fen(value) -> int:
    """A yuan amount (string, int, Decimal; float only via its shortest repr) -> int fen."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        value = repr(value)
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    fen = d * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"more than two decimals: {value!r}")
    return int(fen)


def fen_str(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def to_date(value) -> _dt.date | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value))


def half_up_half(fen: int) -> int:
    """round_half_up(fen * 0.5) to the fen, for fen >= 0."""
    return (fen + 1) // 2 if fen >= 0 else -((-fen + 1) // 2)


def ban_end(found: _dt.date) -> _dt.date:
    """Last day of the art13 ban: three years counted as the Civil Code counts (the day of the
    finding not counted), so the corresponding day three years on, or the month's last day when
    there is none: 2024-09-01 -> 2027-09-01, 2024-02-29 -> 2027-02-28."""
    y = found.year + 3
    try:
        return found.replace(year=y)
    except ValueError:  # 29 February into a common year
        return _dt.date(y, found.month, 28)


# ---------------------------------------------------------------- decision

def decide(case: dict, record: dict | None = None) -> dict:
    """One case.  `record` is what the fund's record holds for it (the fund as a whole, docs/reference/readings.md; fund.py
    computes it): "spent" (fen already granted against the item's cap, for this enterprise,
    platform or programme), "platforms" (distinct sector platforms funded), "awarded" (awards
    made for this selected subject) and "ban_through" (the registry's ban for this credit code).
    Without it the case is decided alone, as one case reads."""
    record = record or {}
    case_id = case.get("case")
    item = case.get("item")
    applied_on = to_date(case.get("applied_on"))
    applicant = case.get("applicant") or {}
    project = case.get("project") or {}

    refusals: list[str] = []
    missing: list[str] = []

    # art16
    if applied_on > LAST_APPLICATION_DAY or applied_on < FIRST_APPLICATION_DAY:
        refusals.append("art16")

    # art6
    if applicant.get("little_giant") and applicant.get("central_sme_fund_received"):
        refusals.append("art6.1")
    if applicant.get("in_2022_pilot"):
        refusals.append("art6.2")
    bl = to_date(applicant.get("blacklisted_until"))
    registry = record.get("ban_through")
    if registry is not None and (bl is None or registry > bl):
        bl = registry  # the registry's ban applies whatever the case says; the later end wins
    if bl is not None and bl >= applied_on:
        refusals += ["art6.3", "art13"]

    # art13
    fraud = to_date(case.get("fraud_found_on"))
    clawback = 0
    blacklisted_until = None
    if fraud is not None:
        refusals.append("art13")
        clawback = to_fen(case.get("disbursed", 0))
        blacklisted_until = ban_end(fraud).isoformat()

    # art9
    for change in project.get("changes") or []:
        if not change.get("approved"):
            kind = change.get("kind")
            refusals += ["art9", CHANGE_CLAUSE.get(kind, "art9.3")]

    amount = 0
    if item == "transformation":
        if not (applicant.get("is_sme") and applicant.get("in_pilot_library")):
            refusals.append("art4.1")
        level = project.get("digital_level")
        if level is None:
            missing.append("project.digital_level")
        elif int(level) < MIN_DIGITAL_LEVEL:
            refusals.append("art4.1")
        if project.get("accepted_on") is None:
            missing.append("project.accepted_on")
        eligible = 0
        for e in project.get("expenses") or []:
            paid = to_date(e.get("paid_on"))
            if e.get("category") in ELIGIBLE_CATEGORIES and PILOT_START <= paid <= PILOT_END:
                eligible += to_fen(e.get("amount"))
        remaining = TRANSFORMATION_CAP_FEN - to_fen(project.get("previously_granted", 0)) - record.get("spent", 0)
        amount = min(half_up_half(eligible), remaining)
        if amount <= 0:
            refusals.append("art4.1")
        item_clause = "art4.1"
    elif item in CAPPED_ITEMS:
        item_clause, cap = CAPPED_ITEMS[item]
        if item in ONCE_ONLY_ITEMS and case.get("already_awarded"):
            refusals.append("art4.2")
        if item == "sector_platform" and not (project.get("platform") or ""):
            refusals.append("art4.3")  # revised readings: the cap is per platform, so name it
        if item == "sector_platform" and record.get("spent", 0) == 0 and record.get("platforms", 0) >= SECTOR_PLATFORMS_MAX:
            refusals.append("plan.5")  # a fourth distinct sector platform
        if item in SERVED_ITEMS:
            if applicant.get("kind") == "enterprise":
                refusals.append(item_clause)  # an enterprise does not apply for its own
            if not project.get("assessed_enterprise"):
                missing.append("project.assessed_enterprise")
        if item in ONCE_ONLY_ITEMS:
            selection = case.get("selection") or {}
            if selection.get("subject"):
                # 获评 comes before the application, and within the measures
                on = to_date(selection.get("on"))
                if on is None or on > applied_on or not (FIRST_APPLICATION_DAY <= on <= LAST_APPLICATION_DAY):
                    refusals.append("art4.2")
            if record.get("awarded", 0) > 0:
                refusals.append("art4.2")  # once per selected subject
            if applicant.get("kind") not in AWARD_KINDS[item]:
                refusals.append("art4.2")
            if not (case.get("selection") or {}).get("subject"):
                refusals.append("art4.2")
        requested = to_fen(case.get("requested", 0))
        if requested <= 0:
            refusals.append(item_clause)
        room = cap if item in ONCE_ONLY_ITEMS else max(cap - record.get("spent", 0), 0)
        amount = min(requested, room)
        if requested > 0 and amount <= 0:
            refusals.append(item_clause)  # no room left under the cap
    elif item == "other":
        item_clause = "art4.7"
    else:
        raise ValueError(f"{case_id}: unknown item {item!r}")

    result = {
        "case": case_id,
        "clawback": fen_str(clawback),
        "blacklisted_until": blacklisted_until,
        "missing": [],
    }
    if refusals:
        result.update(outcome="refused", amount="0.00", reasons=sorted(set(refusals)))
    elif missing:
        result.update(outcome="incomplete", amount="0.00", reasons=[item_clause],
                      missing=sorted(set(missing)))
    elif item == "other":
        result.update(outcome="review", amount="0.00", reasons=["art4.7"])
    else:
        result.update(outcome="granted", amount=fen_str(amount), reasons=[item_clause])
    # fixed key order
    return {k: result[k] for k in
            ("case", "outcome", "amount", "reasons", "clawback", "blacklisted_until", "missing")}


# ---------------------------------------------------------------- command line

def _load(path: str):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".jsonl"):
        return [json.loads(line, parse_float=Decimal) for line in text.splitlines() if line.strip()]
    if path.endswith(".json"):
        return [json.loads(text, parse_float=Decimal)]
    import yaml  # PyYAML; YAML floats would lose fen, so read numbers as text
    class _Loader(yaml.SafeLoader):
        pass
    _Loader.add_constructor("tag:yaml.org,2002:float",
                            lambda loader, node: Decimal(loader.construct_scalar(node)))
    return [yaml.load(text, Loader=_Loader)]


def main(argv: list[str]) -> int:
    paths = list(argv)
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    for p in paths:
        for case in _load(p):
            print(json.dumps(decide(case), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
