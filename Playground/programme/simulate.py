#!/usr/bin/env python3
"""A simulated Shenyang programme for `clause report`: the ~700 cases of Playground/corpus,
recorded in order of application with the histories a real year would give them (district and
city review, third-party acceptance, payment through 「好政策」 from a funding source), into
Playground/programme/records.sqlite.

Seeded: the same store on every machine. Two passes: the cases are recorded once into a scratch
store to learn each decision (a payment never exceeds the decided amount), then recorded again,
with their histories, into the programme's store.

    python3 Playground/programme/simulate.py [--clause .build/debug/clause]
    clause report --store Playground/programme/records.sqlite --reported Playground/programme/reported.yaml --as-of 2025-12-31
"""
import argparse, datetime, glob, json, os, random, shutil, sqlite3, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# Where the money of a payment comes from; local ÷ central comes out near, and a little under, 1.25.
SOURCES = [("central", 45), ("provincial", 8), ("city", 32), ("district", 13), (None, 2)]


def day(text):
    return datetime.date.fromisoformat(text)


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for value, w in weighted:
        x -= w
        if x <= 0:
            return value
    return weighted[-1][0]


def load_cases(rng):
    cases = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Playground/corpus/*.json"))):
        with open(path, encoding="utf-8") as f:
            c = json.load(f)
        if not isinstance(c.get("applied_on"), str) or c.get("applied_on", "") > "2025-12-31":
            continue
        a = c.setdefault("applicant", {})
        p = c.get("project")
        # The corpus tests edge cases; a programme accepts a project after it applied, within the pilot.
        if isinstance(p, dict) and isinstance(p.get("accepted_on"), str):
            try:
                if day(p["accepted_on"]) <= day(c["applied_on"]):
                    p["accepted_on"] = str(min(day(c["applied_on"]) + datetime.timedelta(days=rng.randint(40, 160)),
                                               datetime.date(2025, 12, 31)))
            except ValueError:
                pass
        if c.get("item") == "transformation" and isinstance(a, dict):
            a["above_scale"] = rng.random() < 0.7
            a["innovative"] = rng.random() < 0.3
        cases.append(c)
    cases.sort(key=lambda c: (c["applied_on"], c["case"]))
    enterprises = [c["applicant"].get("credit_code") for c in cases if c.get("item") == "transformation"]
    for c in cases:
        if c.get("item") == "diagnosis" and enterprises:
            project = c.setdefault("project", {})
            if isinstance(project, dict):
                project["assessed_enterprise"] = rng.choice(enterprises)
    return cases


def record(clause, folder, store, cwd):
    run = subprocess.run([clause, "record", folder, "--store", store], cwd=cwd, capture_output=True, text=True)
    if run.returncode not in (0, 1):  # 1: some cases are refused or incomplete, as in the corpus
        sys.stderr.write(run.stderr)
        sys.exit(run.returncode)


def write(cases, folder):
    os.makedirs(folder, exist_ok=True)
    for i, c in enumerate(cases):
        with open(os.path.join(folder, f"{i:04d}-{c['case']}.json"), "w", encoding="utf-8") as f:
            json.dump(c, f, ensure_ascii=False)


def history(c, decision, rng):
    """The events a case goes through; a granted case is accepted (transformation) and paid."""
    applied = day(c["applied_on"])
    a = c.get("applicant") if isinstance(c.get("applicant"), dict) else {}
    district = a.get("district") or "和平区"
    t = applied + datetime.timedelta(days=rng.randint(5, 20))
    events = [{"event": "submit", "on": str(applied), "by": {"role": "enterprise"}}]
    outcome, fen = decision
    if outcome == "refused" and rng.random() < 0.5:
        events.append({"event": "district_reject", "on": str(t), "by": {"role": "district_bureau", "district": district}})
        return events
    events.append({"event": "district_pass", "on": str(t), "by": {"role": "district_bureau", "district": district}})
    t += datetime.timedelta(days=rng.randint(5, 20))
    if outcome != "granted":
        events.append({"event": "city_reject", "on": str(t), "by": {"role": "city_bureau"}})
        return events
    events.append({"event": "city_pass", "on": str(t), "by": {"role": "city_bureau"}})
    project = c.get("project") if isinstance(c.get("project"), dict) else {}
    if c.get("item") == "transformation" and isinstance(project.get("accepted_on"), str):
        acc = max(day(project["accepted_on"]), t)
        events.append({"event": "accept", "on": str(acc), "by": {"role": "third_party", "name": "某评测机构"},
                       "digital_level": project.get("digital_level")})
        t = acc
    paid = t + datetime.timedelta(days=rng.randint(10, 60))
    if fen > 0 and paid <= datetime.date(2025, 12, 31):
        event = {"event": "pay", "on": str(paid), "by": {"role": "city_bureau"}, "amount": f"{fen // 100}.{fen % 100:02d}"}
        source = pick(rng, SOURCES)
        if source:
            event["source"] = source
        events.append(event)
    return events


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clause", default=os.path.join(ROOT, ".build/debug/clause"))
    ap.add_argument("--store", default=os.path.join(HERE, "records.sqlite"))
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    clause = os.path.abspath(args.clause)
    rng = random.Random(args.seed)
    cases = load_cases(rng)
    work = tempfile.mkdtemp(prefix="clause-programme-")
    try:
        first = os.path.join(work, "first.sqlite")
        write(cases, os.path.join(work, "first"))
        record(clause, os.path.join(work, "first"), first, ROOT)
        db = sqlite3.connect(first)
        decisions = {cid: (outcome, fen) for cid, outcome, fen in db.execute(
            "SELECT case_id, outcome, amount_fen FROM decisions d WHERE id = (SELECT max(id) FROM decisions WHERE case_id = d.case_id)")}
        db.close()
        for c in cases:
            c["history"] = history(c, decisions.get(c["case"], ("refused", 0)), rng)
        if os.path.exists(args.store):
            os.remove(args.store)
        write(cases, os.path.join(work, "final"))
        record(clause, os.path.join(work, "final"), os.path.abspath(args.store), ROOT)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(cases)} cases recorded in {os.path.relpath(args.store, ROOT)}")


if __name__ == "__main__":
    main()
