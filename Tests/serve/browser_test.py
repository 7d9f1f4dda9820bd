#!/usr/bin/env python3
"""The workbench as a person sees it: `clause serve` on a free loopback port over a store
recorded from Playground/cases (plus one case with a hostile name), each page opened in
headless Chromium (--dump-dom and --screenshot), its words checked against what the CLI says.

Usage: Tests/serve/browser_test.py [--clause .build/debug/clause] [--shots DIR]
Run from the repository root. Prints `N passed, N failed`; exits 1 when any check fails.
"""
import argparse, html as htmllib, json, os, re, shutil, signal, subprocess, sys, tempfile, time, urllib.error, urllib.parse, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOSTILE_NAME = '<script>alert(1)</script>"><img src=x onerror=alert(2)>\u202Eevil'
HOSTILE_ID = 'SY-<script>alert(3)</script>"><img src=x onerror=alert(4)>\u202E'

passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {what}")
    else:
        failed += 1
        print(f"FAIL {what}" + (f": {detail}" if detail else ""))


def chromium():
    for c in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if os.access(c, os.X_OK):
            return c
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clause", default=os.path.join(ROOT, ".build/debug/clause"))
    ap.add_argument("--shots", default=None, help="folder for the screenshots (default: a temporary one)")
    args = ap.parse_args()
    clause = os.path.abspath(args.clause)
    browser = chromium()
    if browser is None:
        print("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
        print("0 passed, 1 failed")
        return 1
    work = tempfile.mkdtemp(prefix="clause-serve-test-")
    shots = os.path.abspath(args.shots) if args.shots else os.path.join(work, "shots")
    os.makedirs(shots, exist_ok=True)
    store = os.path.join(work, "store.sqlite")
    server = None
    try:
        # The store: every playground case, and one whose applicant is named to break a page.
        cases = os.path.join(work, "cases")
        shutil.copytree(os.path.join(ROOT, "Playground/cases"), cases, ignore=shutil.ignore_patterns("README.md"))
        with open(os.path.join(ROOT, "Playground/cases/transformation-granted.yaml"), encoding="utf-8") as f:
            text = f.read()
        text = text.replace("case: SY-2024-T-0001", "case: SY-2024-T-9999")
        text = re.sub(r"(?m)^  name: .*$", lambda _: "  name: " + json.dumps(HOSTILE_NAME), text, count=1)
        with open(os.path.join(cases, "zz-hostile.yaml"), "w", encoding="utf-8") as f:
            f.write(text)
        with open(os.path.join(ROOT, "Playground/cases/transformation-level-too-low.yaml"), encoding="utf-8") as f:
            text = f.read().replace("case: SY-2024-T-0005", "case: " + json.dumps(HOSTILE_ID))
        with open(os.path.join(cases, "zz-hostile-id.yaml"), "w", encoding="utf-8") as f:
            f.write(text)
        rec = subprocess.run([clause, "record", "--store", store, cases], cwd=ROOT, capture_output=True, text=True, timeout=300)
        check(rec.returncode == 0, "the store is recorded from Playground/cases", rec.stderr[-800:])
        expected_cases = len([n for n in os.listdir(cases) if n.endswith(".yaml")])

        server = subprocess.Popen([clause, "serve", "--store", store, "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        check(m is not None, "clause serve listens on loopback by default", line + (server.stderr.read() if m is None else ""))
        if m is None:
            return 1
        base = f"http://127.0.0.1:{m.group(1)}"

        def get(path, data=None):
            req = urllib.request.Request(base + path, data=data)
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    return r.status, dict(r.headers), r.read().decode("utf-8")
            except urllib.error.HTTPError as e:
                return e.code, dict(e.headers), e.read().decode("utf-8")

        profile = os.path.join(work, "profile")
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}"]

        def dom(path):
            r = subprocess.run([browser] + flags + ["--dump-dom", base + path], capture_output=True, text=True, timeout=120)
            return r.stdout

        def shot(path, name, height=1400):
            png = os.path.join(shots, name + ".png")
            subprocess.run([browser] + flags + ["--hide-scrollbars", f"--window-size=1280,{height}", f"--screenshot={png}", base + path],
                           capture_output=True, text=True, timeout=120)
            ok = os.path.exists(png) and open(png, "rb").read(4) == b"\x89PNG" and os.path.getsize(png) > 15000
            check(ok, f"screenshot of {path} ({name}.png)", f"{os.path.getsize(png) if os.path.exists(png) else 0} bytes")

        def cli(*a):
            return subprocess.run([clause] + list(a), cwd=ROOT, capture_output=True, text=True, timeout=300)

        # healthz and the headers every page carries.
        status, headers, body = get("/healthz")
        health = json.loads(body)
        check(status == 200 and health["status"] == "ok", "/healthz answers ok")
        check(health["decisions"] == expected_cases, "/healthz counts the recorded decisions", body)
        status, headers, body = get("/cases")
        csp = headers.get("Content-Security-Policy", "")
        check("default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp, "/cases has a Content-Security-Policy without scripts", csp)
        check(headers.get("X-Content-Type-Options") == "nosniff", "nosniff on every page")
        check("<script" not in body.replace("&lt;script", ""), "no script element in a page")

        # The case list, searchable.
        d = dom("/cases")
        check("SY-2024-T-0101" in d and "沈阳示例风机有限公司" in d and "铁西区" in d, "/cases lists cases with enterprise and district")
        api = json.loads(get("/api/cases?outcome=refused")[2])
        check(api and all(r["outcome"] == "refused" for r in api), "/api/cases?outcome=refused holds refusals only", str(len(api)))
        d = dom("/cases?q=" + urllib.parse.quote("风机"))
        check("SY-2024-T-0101" in d and "SY-2024-T-0005" not in d, "/cases?q= searches enterprise names")
        shot("/cases", "cases")

        # A hostile name stays text.
        d = dom("/cases?q=SY-2024-T-9999")
        check("SY-2024-T-9999" in d, "the hostile case is listed")
        check("<img" not in d and "<script" not in d, "a name with <script> and <img onerror> builds no element", re.findall(r"<(?:img|script)[^>]*>", d)[:3])
        check("&lt;script&gt;alert(1)&lt;/script&gt;" in d, "the hostile name is shown as text")
        check("\u202e" not in d and "\\u{202E}" in d, "U+202E is shown written out, never reversing the line")
        d = dom("/cases/SY-2024-T-9999")
        check("<img" not in d and "<script" not in d and "予以支持" in d, "the hostile case's page decides and builds no element")
        shot("/cases?q=SY-2024-T-9999", "hostile", 700)
        d = dom("/cases?q=" + urllib.parse.quote("onerror=alert(4)"))
        check("&lt;script&gt;alert(3)&lt;/script&gt;" in d and "<img" not in d and "\u202e" not in d,
              "a case id with <script>, <img onerror> and U+202E is listed as text")
        link = "/cases/" + urllib.parse.quote(HOSTILE_ID, safe="")
        hrefs = [urllib.parse.unquote(htmllib.unescape(h)) for h in re.findall(r'href="/cases/([^"/?]+)"', d)]
        check(HOSTILE_ID in hrefs, "its link is the id percent-encoded as one path segment", str(hrefs))
        status, _, body = get(link)
        check(status == 200 and "不予支持" in body and "<img" not in body and "<script" not in body, "its page opens and builds no element", str(status))
        check(get(link + "/notice")[0] == 200 and "<img" not in dom(link + "/notice"), "its notice opens and builds no element")

        # A granted case: outcome, amount, reasons with the clause quoted, the arithmetic, replay.
        d = dom("/cases/SY-2024-T-0101")
        check("予以支持" in d and "¥190,000.00" in d, "/cases/SY-2024-T-0101 shows the grant and its amount")
        policy = json.loads(get("/api/policies/shenyang-sme-dx-fund")[2])
        record = json.loads(get("/api/cases/SY-2024-T-0101")[2])
        cited = [r["clause"] for r in record.get("reasons", [])]
        texts = {c["id"]: c["text"] for c in policy["clauses"]}
        quoted = [c for c in cited if c in texts and "<mark>" + texts[c].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</mark>" in d]
        check(cited and quoted, "each reason's clause is quoted verbatim and highlighted", f"cited {cited}")
        check("逐条检查" in d and "计算" in d, "every rule checked and the arithmetic are shown")
        check("与记录逐字相同" in d, "the page says the decision replays byte for byte")
        why = cli("why", "--store", store, "--format", "json", "SY-2024-T-0101")
        check(get("/api/cases/SY-2024-T-0101")[2] == why.stdout, "/api/cases/ID is the line 'clause why --format json' prints")
        shot("/cases/SY-2024-T-0101", "case", 2400)

        # A refusal: its reasons and remedies.
        d = dom("/cases/SY-2024-T-0005")
        check("不予支持" in d and "第四条" in d, "/cases/SY-2024-T-0005 shows the refusal and its clause")
        explain = cli("explain", "--store", store, "Playground/cases/transformation-level-too-low.yaml")
        block = explain.stdout.split("怎样可以获得支持\n", 1)[-1].split("\n\n", 1)[0]
        remedies = [l.strip() for l in block.splitlines() if l.strip()]
        check("怎样可以获得支持" in explain.stdout and remedies and all(r in d for r in remedies),
              "the refusal's remedies are those 'clause explain' prints", str(remedies))
        shot("/cases/SY-2024-T-0005", "refusal", 1800)

        # The notice, in Chinese and English.
        d = dom("/cases/SY-2024-T-0005/notice")
        check("不予支持告知书" in d, "/cases/ID/notice is the refusal letter")
        d_en = dom("/cases/SY-2024-T-0005/notice?lang=en")
        check("<html lang=\"en\"" in d_en or "lang=\"en\"" in d_en, "?lang=en gives the English letter")
        notice = cli("explain", "--store", store, "--format", "notice", "Playground/cases/transformation-level-too-low.yaml")
        letter = json.loads(get("/api/cases/SY-2024-T-0005/notice")[2])["text"]
        check(notice.returncode == 0 and letter == notice.stdout, "the letter is what 'clause explain --format notice' prints, remedies and all",
              f"page:\n{letter}\ncli:\n{notice.stdout}")
        shot("/cases/SY-2024-T-0005/notice", "notice", 1400)

        # The district queue and what a district reviewer may do: the same as 'workflow next'.
        d = dom("/queue?district=" + urllib.parse.quote("铁西区") + "&as=district_bureau")
        check("SY-2024-T-0101" in d and "待办" in d, "/queue lists the district's cases by state")
        lines = [json.loads(l) for l in get("/api/queue?district=" + urllib.parse.quote("铁西区") + "&as=district_bureau")[2].splitlines() if l.strip()]
        agree = 0
        for q in lines:
            nx = cli("workflow", "next", "--store", store, q["case"], "--as", "district_bureau", "--district", "铁西区", "--format", "json")
            want = json.loads(nx.stdout) if nx.stdout.strip() else {}
            same = all(q.get(k) == want.get(k) for k in ("case", "state", "next", "depends", "may_not"))
            agree += same
            if not same:
                print(f"     {q['case']}: page {q} / cli {want}")
        check(lines and agree == len(lines), f"/api/queue agrees with 'clause workflow next' on {agree} of {len(lines)} cases")
        shot("/queue?district=" + urllib.parse.quote("铁西区") + "&as=district_bureau", "queue", 1600)

        # Policy staff: the clause table, diagnostics, impact.
        d = dom("/policies/shenyang-sme-dx-fund")
        check("第四条" in d and "规则" in d and "参数" in d, "/policies/ID shows clauses with the rules and parameters citing them")
        shot("/policies/shenyang-sme-dx-fund", "policy", 2000)
        d = dom("/check")
        check("exit 0" in d, "/check shows the package checks", d[-400:])
        shot("/check", "check", 900)
        proposals = sorted(os.listdir(os.path.join(ROOT, "Playground/proposals")))
        if proposals:
            status, _, body = get("/impact?proposal=" + urllib.parse.quote(proposals[0]))
            check(status == 200 and "<table" in body, f"/impact?proposal={proposals[0]} shows the diff over the record", body[-400:])
            shot("/impact?proposal=" + urllib.parse.quote(proposals[0]), "impact", 1400)
        status, _, body = get("/impact?proposal=..%2F..%2Fetc")
        check(status == 404, "/impact takes only a proposal under Playground/proposals")

        # Developers and the programme.
        d = dom("/tests")
        check("passed" in d, "/tests shows the scenarios")
        shot("/tests", "tests", 1400)
        status, headers, body = get("/report")
        check(status == 200 and "<svg" in body, "/report is the HTML report with SVG charts")
        d = dom("/report")
        check(d.count("<svg") >= 1 and "<script" not in d, "the report's charts render in the browser")
        shot("/report", "report", 2400)
        d = dom("/ledger")
        check("SY-2024-T-0101" in d, "/ledger lists the grants behind the figures")
        ledger = cli("ledger", "--store", store, "--format", "json")
        status, _, body = get("/api/ledger")
        check(status == 200 and ledger.returncode == 0 and body.strip() == ledger.stdout.strip(),
              "/api/ledger is what 'clause ledger --format json' prints", body[:200])
        ledger_text = cli("ledger", "--store", store)
        check(ledger_text.stdout.splitlines()[0].split(" · ")[0] in d, "/ledger is what 'clause ledger' prints", ledger_text.stdout[:200])
        shot("/ledger", "ledger", 1400)

        # The playground decides and records nothing.
        with open(os.path.join(ROOT, "Playground/cases/transformation-level-too-low.yaml"), encoding="utf-8") as f:
            pasted = f.read().replace("SY-2024-T-0005", "SY-2024-T-7777")
        status, _, body = get("/playground", urllib.parse.urlencode({"case": pasted}).encode())
        check(status == 200 and "不予支持" in body and "第四条" in body, "/playground decides a pasted case")
        # The answer to the form as the browser shows it (headless Chromium cannot post a form):
        # saved with the stylesheet's address made absolute, then opened from the file.
        answer = os.path.join(work, "playground-decided.html")
        with open(answer, "w", encoding="utf-8") as f:
            f.write(body.replace('href="/static/', f'href="{base}/static/'))
        png = os.path.join(shots, "playground-decided.png")
        subprocess.run([browser] + flags + ["--hide-scrollbars", "--window-size=1280,1600", f"--screenshot={png}", "file://" + answer],
                       capture_output=True, text=True, timeout=120)
        check(os.path.exists(png) and os.path.getsize(png) > 15000, "screenshot of the playground's answer (playground-decided.png)")
        status, _, body = get("/api/playground", pasted.encode())
        check(status == 200 and json.loads(body)["outcome"] == "refused", "/api/playground answers the decision's JSON")
        status, _, body = get("/playground", urllib.parse.urlencode({"case": "case: [unclosed"}).encode())
        check(status == 422 and "playground:" in body, "a case that does not read gives located diagnostics", body[-300:])
        check(json.loads(get("/healthz")[2])["decisions"] == expected_cases, "the playground recorded nothing")
        check(get("/cases/SY-2024-T-7777")[0] == 404, "an unknown case is a 404 page")
        shot("/playground", "playground", 900)

        # Only reads: no route writes.
        check(get("/cases/SY-2024-T-0101", b"x=1")[0] in (404, 405), "a POST to a reading page is refused")

        # A guard against hand edits dropped while the workbench runs: every page says so, and
        # /healthz no longer calls the store sound, until verify puts the guard back.
        import sqlite3
        db = sqlite3.connect(store)
        db.execute("DROP TRIGGER live_grants_leave_when_replaced")
        db.commit()
        db.close()
        health = json.loads(get("/healthz")[2])
        check(health.get("status") == "unguarded" and health.get("unguarded_tables") == ["live_grants"],
              "/healthz says the store's guards were removed", json.dumps(health))
        d = dom("/cases")
        check("防改动保护已被删除或改动（live_grants）" in d and "guards against hand edits were removed or altered" in d,
              "every page warns that the store's guards were removed")
        restore = cli("verify", "--store", store, "--repair")
        check(restore.returncode == 0, "verify puts the guard back", restore.stdout + restore.stderr)
        check(json.loads(get("/healthz")[2]).get("status") == "ok", "/healthz is ok again once the guard is back")
        check("防改动保护" not in dom("/cases"), "the warning goes once the guard is back")
        # A decision the CLI records while the workbench runs is seen (the workbench once lost
        # its locks on the store and went on reading a deleted WAL).
        later = os.path.join(work, "later.yaml")
        with open(os.path.join(ROOT, "Playground/cases/transformation-granted.yaml"), encoding="utf-8") as f:
            text = f.read().replace("case: SY-2024-T-0001", "case: SY-2024-T-7777")
        with open(later, "w", encoding="utf-8") as f:
            f.write(text)
        rec = cli("record", "--store", store, later)
        check(rec.returncode == 0, "the CLI records while the workbench runs", rec.stderr[-400:])
        health = json.loads(get("/healthz")[2])
        check(health.get("decisions") == expected_cases + 1, "/healthz counts the decision the CLI just recorded", json.dumps(health))
        check("SY-2024-T-7777" in get("/api/cases/SY-2024-T-7777")[2], "the new decision's page is there")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                code = server.wait(timeout=30)
                check(code == 0, "clause serve stops cleanly on SIGTERM", f"exit {code}")
            except subprocess.TimeoutExpired:
                server.kill()
                check(False, "clause serve stops on SIGTERM within 30 s")
        leftovers = [n for n in os.listdir(tempfile.gettempdir()) if n.startswith(f"clause-replay-{server.pid}-")] if server else []
        check(not leftovers, "no replay folder is left behind", str(leftovers))
        if not args.shots:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
