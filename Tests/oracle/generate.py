#!/usr/bin/env python3
"""Generate oracle-checked cases for the Shenyang SME digital-transformation fund.

    python3 Tests/oracle/generate.py --count 3000 --seed 20241105

writes Tests/Fixtures/oracle/cases.jsonl (one case file per line, as docs/reference/cases.md)
and Tests/Fixtures/oracle/expected.jsonl (the oracle's decision per case, same order).
--split-dir DIR also writes every case as DIR/<case>.json, for `clause evaluate DIR`.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import sys
from decimal import Decimal
import random

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_DIR = os.path.join(ROOT, "Tests", "Fixtures", "oracle")

D = dt.date
DAY = dt.timedelta(days=1)

DISTRICTS = ["和平区", "沈河区", "大东区", "皇姑区", "铁西区", "苏家屯区", "浑南区", "沈北新区",
             "于洪区", "辽中区", "康平县", "法库县", "新民市"]
DISTRICT_CODES = {"和平区": "210102", "沈河区": "210103", "大东区": "210104", "皇姑区": "210105",
                  "铁西区": "210106", "苏家屯区": "210111", "浑南区": "210112", "沈北新区": "210113",
                  "于洪区": "210114", "辽中区": "210115", "康平县": "210123", "法库县": "210124",
                  "新民市": "210181"}
SECTORS = ["air_cooling", "machine_tools", "transmission", "general_equipment", "auto_parts",
           "power_equipment", "other"]
SECTOR_WORDS = {"air_cooling": ["风机", "制冷设备", "空调机组", "鼓风机"],
                "machine_tools": ["机床", "数控机床", "精密机械", "刀具"],
                "transmission": ["传动", "减速机", "齿轮", "轴承"],
                "general_equipment": ["通用设备", "泵阀", "压缩机", "重型装备"],
                "auto_parts": ["汽车零部件", "汽配", "底盘系统", "车灯"],
                "power_equipment": ["电力设备", "变压器", "电缆", "开关"],
                "other": ["食品", "包装", "化工", "纺织"]}
NAME_WORDS = ["北方", "盛京", "华晨", "辽沈", "东诚", "恒信", "金桥", "远航", "鑫源", "博瑞", "中科",
              "新松", "启明", "汇通", "铁建", "宏达", "永安", "浑河", "长白", "嘉禾", "瑞丰", "腾飞"]
SUFFIXES = ["有限公司", "股份有限公司", "科技有限公司", "制造有限公司"]
KIND_BY_ITEM = {
    "transformation": ["enterprise"],
    "chain_case_award": ["enterprise", "service_provider"],
    "product_award": ["service_provider", "platform_operator"],
    "public_platform": ["platform_operator"],
    "sector_platform": ["platform_operator"],
    "diagnosis": ["service_provider", "think_tank"],
    "acceptance_monitoring": ["think_tank", "service_provider"],
    "activities": ["think_tank", "service_provider", "platform_operator"],
    "other": ["enterprise", "service_provider", "think_tank", "platform_operator"],
}
ITEM_LETTER = {"transformation": "T", "chain_case_award": "C", "product_award": "P",
               "public_platform": "U", "sector_platform": "S", "diagnosis": "D",
               "acceptance_monitoring": "A", "activities": "V", "other": "O"}
OTHER_ITEMS = ["chain_case_award", "product_award", "public_platform", "sector_platform",
               "diagnosis", "acceptance_monitoring", "activities", "other"]
ELIGIBLE = ["software", "cloud", "gateway", "router", "data_acquisition"]
INELIGIBLE = ["production_equipment", "construction", "consulting", "other"]
EXPENSE_NAMES = {"software": ["MES 软件许可", "ERP 系统订阅", "PLM 软件", "WMS 仓储系统"],
                 "cloud": ["工业云平台服务", "云主机租用", "SaaS 年费"],
                 "gateway": ["工业网关", "边缘计算网关"],
                 "router": ["5G 工业路由器", "工业交换路由设备"],
                 "data_acquisition": ["设备数据采集模块", "传感器及采集终端", "PLC 数据采集"],
                 "production_equipment": ["数控加工中心", "焊接机器人"],
                 "construction": ["厂房改造", "机房装修"],
                 "consulting": ["数字化咨询服务", "诊断评估服务"],
                 "other": ["员工培训", "差旅"]}
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

PERIOD_EDGES = [D(2024, 1, 1), D(2025, 12, 31)]
OUTSIDE_EDGES = [D(2023, 12, 31), D(2026, 1, 1), D(2023, 6, 30), D(2026, 3, 15)]
FRAUD_DATES = [D(2024, 2, 29), D(2024, 9, 1), D(2024, 12, 31), D(2025, 1, 1), D(2025, 3, 1),
               D(2023, 2, 28), D(2024, 3, 1), D(2025, 6, 30)]


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.seed = seed

    # ------------------------------------------------------------ helpers
    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def date_between(self, a: dt.date, b: dt.date) -> dt.date:
        return a + DAY * self.r.randint(0, (b - a).days)

    def money(self, fen: int):
        """Represent an amount: mostly "x.yy" strings, some JSON numbers, some integers."""
        x = self.r.random()
        if x < 0.72:
            return oracle.fen_str(fen)
        if x < 0.88:
            d = Decimal(fen) / 100  # exact; shown with 0-2 decimals
            return d.normalize() if fen % 100 else Decimal(oracle.fen_str(fen))
        if fen % 100 == 0:
            return fen // 100
        return Decimal(oracle.fen_str(fen))

    def credit_code(self, district: str) -> str:
        body = "91" + DISTRICT_CODES[district] + "".join(self.r.choice(CREDIT_CHARS) for _ in range(9))
        s = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS))
        check = (31 - s % 31) % 31
        return body + CREDIT_CHARS[check]

    # ------------------------------------------------------------ parts
    def applicant(self, item: str, applied_on: dt.date, pile_on: bool) -> dict:
        r = self.r
        district = r.choice(DISTRICTS)
        sector = r.choice(SECTORS)
        name = "沈阳" + r.choice(NAME_WORDS) + r.choice(SECTOR_WORDS[sector]) + r.choice(SUFFIXES)
        little_giant = self.chance(0.12 + (0.4 if pile_on else 0))
        bl = None
        if self.chance(0.10 + (0.4 if pile_on else 0)):
            bl = applied_on + DAY * r.choice([0, 0, -1, -1, 1, 1, -400, 300])
        return {
            "name": name,
            "credit_code": self.credit_code(district),
            "kind": r.choice(KIND_BY_ITEM[item]),
            "district": district,
            "sector": sector,
            "is_sme": not self.chance(0.04 + (0.2 if pile_on else 0)),
            "in_pilot_library": not self.chance(0.04),
            "little_giant": little_giant,
            "central_sme_fund_received": self.chance(0.5 if little_giant else 0.1),
            "in_2022_pilot": self.chance(0.04 + (0.3 if pile_on else 0)),
            "blacklisted_until": bl.isoformat() if bl else None,
        }

    def applied_on(self) -> dt.date:
        x = self.r.random()
        if x < 0.05:
            return D(2025, 12, 31)
        if x < 0.09:
            return D(2026, 1, 1)
        if x < 0.11:
            return self.date_between(D(2026, 1, 2), D(2026, 6, 30))
        return self.date_between(D(2024, 1, 15), D(2025, 12, 30))

    def eligible_target(self) -> int:
        """Eligible spending in fen, biased to rounding and cap edges."""
        r = self.r
        x = r.random()
        if x < 0.35:
            return r.choice([1, 101, 38000001, 38000000, 100000000, 100000001, 99999999,
                             99999998, 100000002, 0, 3, 12345679, 60000099, 99999997])
        if x < 0.55:
            return r.randrange(1, 2_000_000_00, 2)  # odd fen: a half fen to round
        if x < 0.65:
            return r.randint(1, 10_000_00)
        return r.randint(10_000_00, 1_600_000_00)

    def split(self, total: int, parts: int) -> list[int]:
        if parts <= 1 or total < parts:
            return [total]
        cuts = sorted(self.r.sample(range(1, total), parts - 1)) if total > parts else list(range(1, parts))
        bounds = [0] + cuts + [total]
        return [b - a for a, b in zip(bounds, bounds[1:])]

    def expenses(self) -> list[dict]:
        r = self.r
        out = []
        total = self.eligible_target()
        for amt in self.split(total, r.choice([1, 1, 2, 2, 3, 4])):
            cat = r.choice(ELIGIBLE)
            paid = r.choice(PERIOD_EDGES) if self.chance(0.25) else self.date_between(*PERIOD_EDGES)
            out.append((cat, amt, paid))
        for _ in range(r.choice([0, 0, 1, 1, 2, 3])):  # distractors that must not count
            if self.chance(0.5):
                cat = r.choice(INELIGIBLE)
                paid = self.date_between(*PERIOD_EDGES)
            else:
                cat = r.choice(ELIGIBLE)
                paid = r.choice(OUTSIDE_EDGES)
            amt = r.choice([1, 99, 50000001, r.randint(1, 500_000_00)])
            out.append((cat, amt, paid))
        r.shuffle(out)
        return [{"name": r.choice(EXPENSE_NAMES[c]), "category": c, "amount": self.money(a),
                 "paid_on": p.isoformat()} for c, a, p in out]

    def changes(self, pile_on: bool) -> list[dict] | None:
        if not pile_on and self.chance(0.82):
            return None if self.chance(0.5) else []
        return [{"kind": self.r.choice(["subject", "content", "nature", "other"]),
                 "approved": self.chance(0.45)} for _ in range(self.r.choice([1, 1, 2, 3]))]

    def project(self, applied_on: dt.date, pile_on: bool) -> dict:
        r = self.r
        p: dict = {}
        if not self.chance(0.08):
            p["digital_level"] = r.choice([1, 2, 2, 2, 3, 3, 3, 4])
        x = r.random()
        if x < 0.84:
            p["accepted_on"] = self.date_between(applied_on - 200 * DAY, applied_on).isoformat()
        elif x < 0.92:
            p["accepted_on"] = None
        x = r.random()
        if x < 0.45:
            p["previously_granted"] = self.money(0)
        elif x < 0.65:
            p["previously_granted"] = self.money(r.choice([r.randint(1, 499_999_99), 250_000_00, 310_000_01]))
        elif x < 0.72:
            p["previously_granted"] = self.money(500_000_00)
        elif x < 0.76:
            p["previously_granted"] = self.money(r.choice([500_000_01, 600_000_00]))
        elif x < 0.80:
            p["previously_granted"] = self.money(r.choice([499_999_99, 499_999_00, 490_000_00]))
        # else absent -> 0
        p["expenses"] = self.expenses()
        ch = self.changes(pile_on)
        if ch is not None:
            p["changes"] = ch
        return p

    def requested(self, item: str) -> int:
        if item == "other":
            return self.r.choice([0, self.r.randint(1, 2_000_000_00)])
        cap = oracle.CAPPED_ITEMS[item][1]
        x = self.r.random()
        if x < 0.10:
            return 0
        if x < 0.20:
            return 1
        if x < 0.35:
            return cap
        if x < 0.47:
            return cap - 1
        if x < 0.59:
            return cap + 1
        if x < 0.69:
            return cap * self.r.choice([2, 10]) + self.r.randint(0, 99)
        return self.r.randint(1, cap)

    # ------------------------------------------------------------ a case
    def case(self, n: int) -> dict:
        r = self.r
        item = "transformation" if self.chance(0.6) else r.choice(OTHER_ITEMS)
        pile_on = self.chance(0.06)
        applied_on = self.applied_on()
        if pile_on and self.chance(0.5):
            applied_on = D(2026, 1, 1)
        c: dict = {
            "case": f"SY-{applied_on.year}-{ITEM_LETTER[item]}-{n:05d}",
            "policy": "shenyang-sme-dx-fund",
            "item": item,
            "applied_on": applied_on.isoformat(),
            "applicant": self.applicant(item, applied_on, pile_on),
        }
        if item == "transformation":
            c["project"] = self.project(applied_on, pile_on)
            c["requested"] = self.money(0)
        else:
            c["requested"] = self.money(self.requested(item))
        c["already_awarded"] = self.chance(0.2)
        if item == "sector_platform":
            # Which platform (产业大脑) the money builds: the per-platform cap counts by it.
            rs = random.Random(f"{self.seed}-platform-{n}")
            if rs.random() < 0.95:
                c["project"] = {"platform": rs.choice(["SY-PB-AIR-COOLING", "SY-PB-MACHINE-TOOLS", "SY-PB-TRANSMISSION",
                                                       "SY-PB-AUTO-PARTS"])}
        if item in ("chain_case_award", "product_award"):
            # 获评 (the selection an award rests on), drawn from a stream of its own so that the
            # rest of every case stays what earlier versions of this generator wrote.
            rs = random.Random(f"{self.seed}-selection-{n}")
            if rs.random() < 0.85:
                # Mostly before applying; some on the day, after it, or before the measures began.
                x = rs.random()
                on = (applied_on if x < 0.1 else applied_on + DAY * rs.randint(1, 30) if x < 0.18
                      else rs.choice([D(2023, 12, 31), D(2024, 1, 1), D(2023, 11, 15)]) if x < 0.26
                      else applied_on - DAY * rs.randint(0, 120))
                c["selection"] = {"list": "2024年沈阳市中小企业数字化转型典型案例名单" if item == "chain_case_award"
                                  else "2024年沈阳市数字化转型优秀产品名单",
                                  "on": on.isoformat(),
                                  "subject": c["applicant"]["name"] if rs.random() < 0.9 else "某数字化转型产品"}
        if item in ("diagnosis", "acceptance_monitoring"):
            # The enterprise served (its credit code), which the per-enterprise cap counts by; now
            # and then absent (incomplete) or applied for by the enterprise itself (refused).
            rs = random.Random(f"{self.seed}-served-{n}")
            if rs.random() < 0.93:
                served = Gen(rs.randrange(1 << 30)).credit_code(rs.choice(DISTRICTS))
                c["project"] = {"assessed_enterprise": served}
            if rs.random() < 0.06:
                c["applicant"]["kind"] = "enterprise"
        fraud = None
        if self.chance(0.07 + (0.4 if pile_on else 0)):
            fraud = r.choice(FRAUD_DATES) if self.chance(0.6) else self.date_between(D(2024, 1, 1), applied_on)
        c["fraud_found_on"] = fraud.isoformat() if fraud else None
        if fraud is None and self.chance(0.85):
            c["disbursed"] = self.money(0)
        elif fraud is None or not self.chance(0.1):  # with fraud, absent only rarely (-> 0)
            c["disbursed"] = self.money(r.choice([0, 190_000_00, 3_500_00, 123_456_79, 500_000_00]))
        return c


# ---------------------------------------------------------------- JSON with exact numbers

def dumps(v) -> str:
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + dumps(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(dumps(x) for x in v) + "]"
    if isinstance(v, Decimal):
        s = format(v, "f")
        assert Decimal(s) == v
        return s
    if isinstance(v, float):
        raise TypeError("no floats in the corpus")
    return json.dumps(v, ensure_ascii=False)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20241105)
    ap.add_argument("--out", default=OUT_DIR, help="output directory (default %(default)s)")
    ap.add_argument("--split-dir", help="also write each case as DIR/<case>.json")
    a = ap.parse_args()

    g = Gen(a.seed)
    os.makedirs(a.out, exist_ok=True)
    if a.split_dir:
        os.makedirs(a.split_dir, exist_ok=True)
    outcomes = collections.Counter()
    items = collections.Counter()
    with open(os.path.join(a.out, "cases.jsonl"), "w", encoding="utf-8") as cf, \
         open(os.path.join(a.out, "expected.jsonl"), "w", encoding="utf-8") as ef:
        for n in range(1, a.count + 1):
            line = dumps(g.case(n))
            case = json.loads(line, parse_float=Decimal)  # decide on exactly what was written
            d = oracle.decide(case)
            cf.write(line + "\n")
            ef.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n")
            if a.split_dir:
                with open(os.path.join(a.split_dir, case["case"] + ".json"), "w", encoding="utf-8") as f:
                    f.write(line + "\n")
            outcomes[d["outcome"]] += 1
            items[case["item"]] += 1
    print(f"{a.count} cases, seed {a.seed} -> {a.out}", file=sys.stderr)
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()), file=sys.stderr)
    print("items: " + ", ".join(f"{k} {v}" for k, v in items.most_common()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
