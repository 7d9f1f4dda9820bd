#!/usr/bin/env python3
"""How long `clause report` takes over a store of 100,000 recorded decisions.

The store is the simulated programme (Playground/programme/records.sqlite, ~700 cases with
their histories and payments) copied until it holds N latest decisions: each copy of a case gets
its own case id and credit code, so its own case text and digest, its decision and its workflow
events. The copies keep a short justification ('{}'): the report never reads it, and 100,000
full traces would only make the file large. Then each format is timed, whole process.

    python3 Benchmarks/report_100k.py [--count 100000] [--clause .build/release/clause]
"""
import argparse, hashlib, json, os, resource, shutil, sqlite3, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def valid_code(body17):
    """The 17 characters and their GB 32100-2015 check character (the engine refuses a wrong one)."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body17, CREDIT_WEIGHTS))
    return body17 + CREDIT_ALPHABET[(31 - total % 31) % 31]


def case_text(db, value):
    """A `cases.text` value as text: older rows are text; newer ones are zlib blobs (docs/reference/trace.md, "In the store"),
    `CLC1` alone or `CLC2` against the reference case it names."""
    if isinstance(value, str):
        return value
    import zlib
    length = int.from_bytes(value[4:8], "little")
    if value[:4] == b"CLC1":
        out = zlib.decompress(value[8:])
    else:
        n = value[8]
        ref = db.execute("SELECT text FROM cases WHERE digest = ?", (value[9:9 + n].decode(),)).fetchone()[0]
        d = zlib.decompressobj(zdict=case_text(db, ref).encode())
        out = d.decompress(value[9 + n:]) + d.flush()
    assert len(out) == length
    return out.decode()


def grow(path, count):
    db = sqlite3.connect(path)
    rows = db.execute("""SELECT d.id, d.case_id, c.text FROM decisions d JOIN cases c ON c.digest = d.case_digest
                         WHERE d.id IN (SELECT max(id) FROM decisions GROUP BY case_id) ORDER BY d.id""").fetchall()
    cols = [r[1] for r in db.execute("PRAGMA table_info(decisions)") if r[1] != "id"]
    ecols = [r[1] for r in db.execute("PRAGMA table_info(workflow_events)") if r[1] not in ("id",)]
    events = {}
    for r in db.execute(f"SELECT {', '.join(ecols)} FROM workflow_events ORDER BY id"):
        events.setdefault(r[0], []).append(r)
    have, k = len(rows), 1
    while have < count:
        for did, case_id, stored in rows:
            if have >= count:
                break
            text = case_text(db, stored)
            new_id = f"{case_id}-X{k}"
            try:
                # The playground's cases are JSON: a distinct enterprise per copy (its credit code's
                # characters 14-17 carry the copy number, the 18th is its check character).
                c = json.loads(text)
                c["case"] = new_id
                a = c.get("applicant")
                if isinstance(a, dict) and isinstance(a.get("credit_code"), str) and len(a["credit_code"]) == 18:
                    a["credit_code"] = valid_code(a["credit_code"][:13] + f"{k % 10000:04d}")
                new_text = json.dumps(c, ensure_ascii=False)
            except ValueError:
                new_text = text.replace(case_id, new_id)
            digest = "sha256:" + hashlib.sha256(new_text.encode()).hexdigest()
            db.execute("INSERT OR IGNORE INTO cases (digest, text) VALUES (?, ?)", (digest, new_text))
            d = db.execute(f"SELECT {', '.join(cols)} FROM decisions WHERE id = ?", (did,)).fetchone()
            values = dict(zip(cols, d))
            values.update(case_id=new_id, case_digest=digest, decision_json="{}", registry_ban_decision=None)
            cur = db.execute(f"INSERT INTO decisions ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                             [values[c] for c in cols])
            for e in events.get(case_id, []):
                ev = dict(zip(ecols, e))
                ev.update(case_id=new_id, case_digest=digest, decision_id=cur.lastrowid)
                db.execute(f"INSERT INTO workflow_events ({', '.join(ecols)}) VALUES ({', '.join('?' * len(ecols))})",
                           [ev[c] for c in ecols])
            have += 1
        k += 1
    db.commit()
    n = db.execute("SELECT count(*) FROM decisions").fetchone()[0]
    e = db.execute("SELECT count(*) FROM workflow_events").fetchone()[0]
    db.close()
    return n, e


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--clause", default=os.path.join(ROOT, ".build/release/clause"))
    ap.add_argument("--seed-store", default=os.path.join(ROOT, "Playground/programme/records.sqlite"))
    args = ap.parse_args()
    if not os.access(args.clause, os.X_OK):
        sys.exit(f"no {args.clause}: swift build -c release first, or name a binary with --clause")
    work = tempfile.mkdtemp(prefix="clause-report-bench-")
    try:
        store = os.path.join(work, "records.sqlite")
        shutil.copy(args.seed_store, store)
        t = time.time()
        n, e = grow(store, args.count)
        print(f"store: {n} decisions, {e} workflow events, {os.path.getsize(store) / 1e6:.0f} MB (built in {time.time() - t:.1f} s)")
        for fmt in ["json", "text", "html"]:
            t = time.time()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            run = subprocess.run([args.clause, "report", "--store", store, "--as-of", "2025-12-31", "--format", fmt,
                                  "--reported", os.path.join(ROOT, "Playground/programme/reported.yaml")],
                                 cwd=ROOT, capture_output=True)
            s = time.time() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if run.returncode != 0:
                sys.exit(run.stderr.decode())
            # Wall time depends on what else the machine runs; CPU time (user + system) less so.
            print(f"clause report --format {fmt:5} {s:6.2f} s wall, {cpu:6.2f} s CPU  ({n / s:,.0f} decisions/s wall, "
                  f"{len(run.stdout) / 1e3:.0f} KB, peak {after.ru_maxrss / 1e3:.0f} MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
