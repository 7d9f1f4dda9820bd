"""The Shenyang fund's reading (Tests/oracle/README.md, ported from oracle.py) as an OpenFisca model.

Entities: an `application` (one case) is a group whose members are `line`s: each expense and each
change of project.changes is one line, with the role `expense` or `change`. Every formula below
is vectorized over all cases (or all lines) at once; nothing in this file loops over cases.

Money: OpenFisca's `int` is int32 and its `float` float32; neither holds fen exactly at the
amounts a case may carry (up to 1万亿元), so money variables are ints widened to int64 fen
(`Money`). `GroupPopulation.sum` goes through numpy.bincount, whose weights are float64: exact
for sums below 2**53 fen, far above anything the fund allows.

Absent facts: OpenFisca has no null, so each optional fact has a `*_given` boolean beside it.
"""
from __future__ import annotations

import datetime

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

START, END = np.datetime64("2024-01-01"), np.datetime64("2025-12-31")  # art16; pilot period
TRANSFORMATION_CAP = 500_000_00
PERIOD = "2024"  # see var()
CAPS = {"chain_case_award": 500_000_00, "product_award": 500_000_00,
        "public_platform": 5_000_000_00, "sector_platform": 1_500_000_00,
        "diagnosis": 7_000_00, "acceptance_monitoring": 10_000_00, "activities": 3_000_000_00}
ITEM_CLAUSE = {"transformation": "art4.1", "chain_case_award": "art4.2", "product_award": "art4.2",
               "public_platform": "art4.3", "sector_platform": "art4.3", "diagnosis": "art4.4",
               "acceptance_monitoring": "art4.5", "activities": "art4.6", "other": "art4.7"}
ELIGIBLE = ("software", "cloud", "gateway", "router", "data_acquisition")

Line = build_entity(key="line", plural="lines", label="An expense or a change of a case", is_person=True)
Application = build_entity(key="application", plural="applications", label="One case file",
                           roles=[{"key": "expense", "plural": "expenses"},
                                  {"key": "change", "plural": "changes"}])
A = Application


def _enum(name, members):
    return Enum(name, [(m, m) for m in members])  # names are the case file's words


Item = _enum("Item", ITEM_CLAUSE)
Kind = _enum("Kind", ["none", "enterprise", "service_provider", "think_tank", "platform_operator"])
Category = _enum("Category", ["none", *ELIGIBLE, "production_equipment", "construction", "consulting", "other"])
ChangeKind = _enum("ChangeKind", ["subject", "content", "nature", "other"])
Outcome = _enum("Outcome", ["granted", "refused", "incomplete", "review"])


class Money(Variable):
    """Base of the money variables: int64 fen (see the module's docstring)."""

    def __init__(self, baseline_variable=None):
        super().__init__(baseline_variable)
        self.dtype = np.int64


def var(name, entity, value_type, formula=None, base=Variable, **extra):
    """A variable class; OpenFisca reads only a class's own attributes, so each gets them all.
    Every variable is yearly and the runner uses one year (PERIOD): the cases carry their own dates,
    and an ETERNITY variable cannot have a formula (its period starts in year -1)."""
    attrs = {"entity": entity, "value_type": value_type, "definition_period": DateUnit.YEAR, **extra}
    if formula is not None:
        attrs["formula"] = formula  # called as formula(population, period)
    return type(name, (base,), attrs)


def money(name, entity, formula=None):
    return var(name, entity, int, formula, base=Money)


def enum(name, entity, cls, default, formula=None):
    return var(name, entity, Enum, formula, possible_values=cls, default_value=default)


date = datetime.date
INPUTS = [
    enum("item", A, Item, Item.other), var("applied_on", A, date), enum("applicant_kind", A, Kind, Kind.none),
    *[var(n, A, bool) for n in ["is_sme", "in_pilot_library", "little_giant", "central_sme_fund_received",
                                "in_2022_pilot", "ban_given", "fraud_given", "digital_level_given",
                                "accepted_on_given", "platform_given", "assessed_enterprise_given",
                                "selection_subject_given", "selection_on_given", "already_awarded"]],
    var("blacklisted_until", A, date), var("fraud_found_on", A, date), var("selection_on", A, date),
    var("digital_level", A, int),
    money("disbursed", A), money("previously_granted", A), money("requested", A),
    enum("expense_category", Line, Category, Category.none), money("expense_amount", Line),
    var("paid_on", Line, date),
    enum("change_kind", Line, ChangeKind, ChangeKind.other), var("change_approved", Line, bool),
]


def is_item(x, p, *names):
    item = x("item", p)
    return np.logical_or.reduce([item == Item[n] for n in names])


def eligible_expense(line, p):
    paid = line("paid_on", p)
    ok = np.isin(line("expense_category", p), [Category[n].index for n in ELIGIBLE])
    return np.where(ok & (paid >= START) & (paid <= END), line("expense_amount", p), 0)


def transformation_amount(x, p):
    eligible = x.sum(x.members("eligible_expense", p), role=A.EXPENSE).astype(np.int64)
    return np.minimum((eligible + 1) // 2, TRANSFORMATION_CAP - x("previously_granted", p))  # 50%, half fen up


def capped_amount(x, p):
    cap = np.select([is_item(x, p, n) for n in CAPS], list(CAPS.values()), 0)
    return np.minimum(x("requested", p), cap)


def unapproved(line, p, *kinds):
    bad = ~line("change_approved", p)
    if kinds:
        bad &= np.logical_or.reduce([line("change_kind", p) == ChangeKind[k] for k in kinds])
    return bad


def refuses_item_clause(x, p):
    """The item's own clause (art4.1 .. art4.6) refuses."""
    t = is_item(x, p, "transformation")
    t_bad = (~(x("is_sme", p) & x("in_pilot_library", p))
             | (x("digital_level_given", p) & (x("digital_level", p) < 2))
             | (x("transformation_amount", p) <= 0))
    once = is_item(x, p, "chain_case_award", "product_award")
    kind, sel_on, applied = x("applicant_kind", p), x("selection_on", p), x("applied_on", p)
    selection_ok = (x("selection_subject_given", p) & x("selection_on_given", p)
                    & (sel_on <= applied) & (sel_on >= START) & (sel_on <= END))
    kind_ok = np.where(is_item(x, p, "product_award"), kind == Kind.service_provider,
                       (kind == Kind.enterprise) | (kind == Kind.service_provider))
    capped = ~t & ~is_item(x, p, "other")
    c_bad = ((x("requested", p) <= 0)
             | (once & (x("already_awarded", p) | ~selection_ok | ~kind_ok))
             | (is_item(x, p, "sector_platform") & ~x("platform_given", p))
             | (is_item(x, p, "diagnosis", "acceptance_monitoring") & (kind == Kind.enterprise)))
    return (t & t_bad) | (capped & c_bad)


# Each clause id -> when it refuses. The item's own clause is `refuses_item_clause`.
REFUSALS = {
    "art16": lambda x, p: (x("applied_on", p) < START) | (x("applied_on", p) > END),
    "art6.1": lambda x, p: x("little_giant", p) & x("central_sme_fund_received", p),
    "art6.2": lambda x, p: x("in_2022_pilot", p),
    "art6.3": lambda x, p: x("ban_given", p) & (x("blacklisted_until", p) >= x("applied_on", p)),
    "art13": lambda x, p: x("refuses_art6_3", p) | x("fraud_given", p),
    "art9": lambda x, p: x.any(unapproved(x.members, p), role=A.CHANGE),
    "art9.1": lambda x, p: x.any(unapproved(x.members, p, "subject"), role=A.CHANGE),
    "art9.2": lambda x, p: x.any(unapproved(x.members, p, "content", "nature"), role=A.CHANGE),
    "art9.3": lambda x, p: x.any(unapproved(x.members, p, "other"), role=A.CHANGE),
}
MISSING = {
    "project.digital_level": lambda x, p: is_item(x, p, "transformation") & ~x("digital_level_given", p),
    "project.accepted_on": lambda x, p: is_item(x, p, "transformation") & ~x("accepted_on_given", p),
    "project.assessed_enterprise": lambda x, p: (is_item(x, p, "diagnosis", "acceptance_monitoring")
                                                 & ~x("assessed_enterprise_given", p)),
}


def flag(prefix, key):
    return prefix + key.replace(".", "_")


def refused(x, p):
    return np.logical_or.reduce([x(flag("refuses_", k), p) for k in REFUSALS] + [x("refuses_item_clause", p)])


def incomplete(x, p):
    return ~x("refused", p) & np.logical_or.reduce([x(flag("missing_", k), p) for k in MISSING])


def outcome(x, p):
    return np.select([x("refused", p), x("incomplete", p), is_item(x, p, "other")],
                     [Outcome.refused.index, Outcome.incomplete.index, Outcome.review.index],
                     Outcome.granted.index)


def amount(x, p):
    fig = np.where(is_item(x, p, "transformation"), x("transformation_amount", p), x("capped_amount", p))
    return np.where(x("outcome", p) == Outcome.granted, fig, 0)


def ban_end(x, p):
    """art13: the same day three years on, or the month's last day (2024-02-29 -> 2027-02-28)."""
    found = x("fraud_found_on", p)
    month = found.astype("datetime64[M]")
    day = (found - month.astype("datetime64[D]")).astype(np.int64)  # 0-based day of the month
    target = (month + np.timedelta64(36, "M")).astype("datetime64[D]")
    last = ((month + np.timedelta64(37, "M")).astype("datetime64[D]") - target).astype(np.int64) - 1
    return target + np.minimum(day, last)


FORMULAS = [
    money("eligible_expense", Line, eligible_expense),
    money("transformation_amount", A, transformation_amount),
    money("capped_amount", A, capped_amount),
    var("refuses_item_clause", A, bool, refuses_item_clause),
    *[var(flag("refuses_", k), A, bool, f) for k, f in REFUSALS.items()],
    *[var(flag("missing_", k), A, bool, f) for k, f in MISSING.items()],
    var("refused", A, bool, refused),
    var("incomplete", A, bool, incomplete),
    enum("outcome", A, Outcome, Outcome.granted, outcome),
    money("amount", A, amount),
    money("clawback", A, lambda x, p: np.where(x("fraud_given", p), x("disbursed", p), 0)),
    var("ban_end", A, date, ban_end),
]


class FundSystem(TaxBenefitSystem):
    def __init__(self):
        super().__init__([Line, Application])
        for v in INPUTS + FORMULAS:
            self.add_variable(v)
