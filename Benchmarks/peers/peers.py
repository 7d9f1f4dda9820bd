#!/usr/bin/env python3
"""Peer comparison on one generated job: every contestant decides the same N cases as a whole process.

    python3 Benchmarks/peers/peers.py CLAUSE_BINARY REPO_ROOT WORK_DIR [N] [--repeats R] [--regorus-fork]

N defaults to 100000, R to 3. Contestants: `native` (hand-written Swift, the "= 1"), `openfisca`
(openfisca-core in a venv under WORK_DIR), `clause --no-remedies` (remedies and trace off) and
`clause default` (remedies on, trace off). regorus: the upstream package is on neither registry this
machine reaches, so it is reported as not measured; `--regorus-fork` measures the PyPI fork
`gordon-to-regorus` instead, labelled as such (see README.md).

Before timing, each contestant's output is checked against the oracle's expected.jsonl with the
normalisation of Tests/oracle/compare.py (outcome, amount, reason clauses, clawback, ban end, and
missing facts when incomplete). A contestant that disagrees is still timed, but flagged on every line.
Timing: CPU = user+sys of the child (getrusage RUSAGE_CHILDREN deltas) and wall; contestants are
interleaved, the order rotated each round, and the median of the rounds is reported.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REGORUS_FORK = "gordon-to-regorus==0.13.0"


def sh(args, **kw):
    return subprocess.run(args, check=True, **kw)


def generate(root, work, n):
    """The oracle's cases and decisions, regenerated when the generator, the oracle or N changed."""
    out = os.path.join(work, f"gen-{n}")
    stamp = hashlib.sha256(str(n).encode())
    for f in ("generate.py", "oracle.py"):
        with open(os.path.join(root, "Tests", "oracle", f), "rb") as fh:
            stamp.update(fh.read())
    stamp_path = os.path.join(out, "stamp")
    if os.path.exists(stamp_path) and open(stamp_path).read() == stamp.hexdigest():
        return out
    t = time.perf_counter()
    sh(["python3", "Tests/oracle/generate.py", "--count", str(n), "--seed", "12", "--out", out],
       cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(stamp_path, "w") as fh:
        fh.write(stamp.hexdigest())
    print(f"generated {n:,} cases (seed 12) in {time.perf_counter() - t:.1f} s -> {out}")
    return out


def build_native():
    pkg = os.path.join(HERE, "native")
    sh(["swift", "build", "-c", "release", "--package-path", pkg], stdout=subprocess.DEVNULL)
    bin_dir = sh(["swift", "build", "-c", "release", "--package-path", pkg, "--show-bin-path"],
                 capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_dir, "native-fund")


def venv(work, name, requirement_args):
    """A venv under WORK_DIR with exactly the pinned requirements (reinstalled when they change)."""
    path = os.path.join(work, name)
    py = os.path.join(path, "bin", "python")
    want = " ".join(requirement_args)
    marker = os.path.join(path, "installed.txt")
    if not (os.path.exists(marker) and open(marker).read() == want):
        shutil.rmtree(path, ignore_errors=True)
        sh([sys.executable, "-m", "venv", path])
        sh([py, "-m", "pip", "install", "-q", *requirement_args])
        with open(marker, "w") as fh:
            fh.write(want)
    return py


def regorus_status():
    """Why upstream regorus cannot be measured here (checked, not assumed: apt has no such package)."""
    apt = subprocess.run(["apt-cache", "search", "--names-only", "regorus|open-policy-agent|^opa$"],
                         capture_output=True, text=True)
    found = apt.stdout.strip() if apt.returncode == 0 else "(apt-cache failed)"
    return ("regorus: not measured. The `regorus` package is not on this machine's PyPI mirror "
            "(pip finds no version), building it needs crates.io (unreachable), and apt-cache finds "
            f"{'nothing' if not found else repr(found)} for regorus/OPA. Run with --regorus-fork to "
            f"measure the PyPI fork {REGORUS_FORK} instead.")


def load_compare(root):
    spec = importlib.util.spec_from_file_location("oracle_compare", os.path.join(root, "Tests", "oracle", "compare.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def agreement(cmp, expected, actual_path):
    """compare.py's reading: (agree, disagreeing [(case, fields)]), undecided cases counting as disagreeing."""
    actual = {}
    for d in cmp.read_jsonl(actual_path, strict=False):
        actual.setdefault(d["case"], d)
    agree, bad = 0, []
    for e in expected:
        got = actual.get(e["case"])
        if got is None:
            bad.append((e["case"], ["no decision"]))
            continue
        x, y = cmp.normalise_expected(e), cmp.normalise_actual(got)
        fields = ["outcome", "amount", "reasons", "clawback", "blacklisted_until"]
        if x["outcome"] == "incomplete":
            fields.append("missing")
        diffs = [f for f in fields if x[f] != y[f]]
        if diffs:
            bad.append((e["case"], [f"{f}: expected {x[f]!r}, got {y[f]!r}" for f in diffs]))
        else:
            agree += 1
    return agree, bad


def run_once(args, cwd, out_path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    with open(out_path, "wb") as out:
        r = subprocess.run(args, cwd=cwd, stdout=out, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, r


def count_lines(path):
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clause")
    ap.add_argument("root")
    ap.add_argument("work")
    ap.add_argument("n", nargs="?", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--regorus-fork", action="store_true", help=f"measure the PyPI fork {REGORUS_FORK}")
    a = ap.parse_args()
    root, work = os.path.abspath(a.root), os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    if not os.access(a.clause, os.X_OK):
        sys.exit(f"{a.clause}: no clause binary there (build it first: swift build -c release)")

    gen = generate(root, work, a.n)
    cases, expected_path = os.path.join(gen, "cases.jsonl"), os.path.join(gen, "expected.jsonl")
    # A private copy, so that a rebuild of the repository mid-run cannot change what is measured.
    clause = os.path.join(work, "clause-under-test")
    shutil.copy2(a.clause, clause)
    native = build_native()
    of_py = venv(work, "venv-openfisca", ["-r", os.path.join(HERE, "openfisca", "requirements.txt")])

    contestants = [
        ("native", [native, cases]),
        ("openfisca", [of_py, os.path.join(HERE, "openfisca", "run.py"), cases]),
        ("clause --no-remedies", [clause, "evaluate", "--format", "json", "--no-store", "--no-remedies", "--jsonl", cases]),
        ("clause default", [clause, "evaluate", "--format", "json", "--no-store", "--jsonl", cases]),
    ]
    notes = []
    if a.regorus_fork:
        rg_py = venv(work, "venv-regorus", [REGORUS_FORK])
        contestants.insert(2, ("regorus (fork)", [rg_py, os.path.join(HERE, "regorus", "run.py"), cases]))
        notes.append(f"regorus (fork) is the PyPI package {REGORUS_FORK} (a fork of microsoft/regorus; "
                     "upstream `regorus` is not on this machine's PyPI mirror), driven from Python one case "
                     "at a time (Benchmarks/peers/regorus/run.py)")
    else:
        notes.append(regorus_status())

    cmp = load_compare(root)
    expected = cmp.read_jsonl(expected_path, strict=True)
    print(f"\nAgreement with the oracle ({len(expected):,} cases of {cases}):")
    disagrees = {}
    for i, (name, args) in enumerate(contestants):
        out = os.path.join(work, f"check-{i}-{name.split()[0]}.jsonl")
        _, wall, r = run_once(args, root, out)
        agree, bad = agreement(cmp, expected, out)
        status = "" if r.returncode == 0 else f" (exit {r.returncode}: {r.stderr.decode()[-300:].strip()})"
        print(f"  {name:22} {agree:,} agree, {len(bad):,} disagree{status}")
        for cid, why in bad[:5]:
            print(f"      {cid}: {'; '.join(why)}")
        if bad or r.returncode:
            disagrees[name] = len(bad)

    load_before = os.getloadavg()
    samples = {name: [] for name, _ in contestants}
    for rnd in range(a.repeats):
        order = contestants[rnd % len(contestants):] + contestants[:rnd % len(contestants)]
        for name, args in order:
            out = os.path.join(work, "timed-out.jsonl")
            cpu, wall, r = run_once(args, root, out)
            lines = count_lines(out)
            if r.returncode != 0 or lines != len(expected):
                disagrees.setdefault(name, 0)
                print(f"  {name}: timed run exited {r.returncode} with {lines:,} lines (expected {len(expected):,})")
            samples[name].append((cpu, wall))
    load_after = os.getloadavg()

    med = {n: (statistics.median(c for c, _ in s), statistics.median(w for _, w in s)) for n, s in samples.items()}
    base_cpu, base_wall = med["native"]
    head = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    version = subprocess.run([clause, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"\nWhole process over {len(expected):,} cases, median of {a.repeats} interleaved rounds; "
          f"native = 1")
    print(f"  date {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"load {load_before[0]:.2f}/{load_before[1]:.2f} before, {load_after[0]:.2f}/{load_after[1]:.2f} after "
          f"(1/5 min); clause {version} at {head}")
    print(f"  {'contestant':22} {'CPU s':>8} {'wall s':>8} {'CPU ×':>8} {'wall ×':>8}")
    for name, _ in contestants:
        cpu, wall = med[name]
        flag = f"  DISAGREES with the oracle ({disagrees[name]} cases): not a valid comparison" if name in disagrees else ""
        print(f"  {name:22} {cpu:8.3f} {wall:8.3f} {cpu / base_cpu:8.2f} {wall / base_wall:8.2f}{flag}")
    d_cpu, d_wall = med["clause default"]
    for name, _ in contestants:
        if name in ("native", "clause default", "clause --no-remedies"):
            continue
        cpu, wall = med[name]
        verdict = "ahead" if d_cpu < cpu and d_wall < wall else "NOT ahead"
        print(f"  clause default vs {name}: {verdict} ({name} takes {cpu / d_cpu:.2f}× its CPU and "
              f"{wall / d_wall:.2f}× its wall)")
    for note in notes:
        print(f"  {note}")
    with open(os.path.join(work, f"peers-{a.n}.json"), "w") as fh:
        json.dump({"n": len(expected), "head": head, "cores": os.cpu_count(), "load": [load_before, load_after],
                   "samples": samples, "median": med, "disagrees": disagrees, "notes": notes}, fh, indent=1)
    return 1 if disagrees else 0


if __name__ == "__main__":
    sys.exit(main())
