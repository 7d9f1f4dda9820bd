#!/usr/bin/env python3
"""Speed at scale, in one run, as ratios (what the targets are stated in):

usage: scale_ratios.py CLAUSE_BINARY REPO_ROOT WORK_DIR [N]

- CPU of whole processes over the same 2,000-odd case files (Playground cases and corpus, and
  generated ones, as trace_ratios.py gathers them) against libyaml's own event loop over them:
  the default `evaluate --format json` (remedies, no trace), `--no-remedies`, and `--trace`;
- one case decided with `--no-store` and beside a store of N decisions (default 100,000);
- recording the N cases (`evaluate --record --no-remedies`) against deciding them, and the
  decisions a second of recording and of `replay --all`;
- the peak memory of `report`, `ledger` and `replay --all` over the N-decision store against a
  1,000-decision one.

CPU is user + system of the child, median of a few runs interleaved: on a shared machine the
ratios hold where the absolute figures move.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trace_ratios  # noqa: E402  (the loop and the case files)

clause, root, work = sys.argv[1], sys.argv[2], sys.argv[3]
N = int(sys.argv[4]) if len(sys.argv) > 4 else 100_000
os.makedirs(work, exist_ok=True)
trace_ratios.work = work
trace_ratios.root = root


def run(args, stdin=None):
    """(CPU seconds, wall seconds, peak KB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(args, cwd=root, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(args[:5])}…\n{r.stderr.decode()[-1500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall, after.ru_maxrss


def peak(args):
    """Peak resident KB of one command, measured alone (ru_maxrss of children is a running max)."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(out.stderr.decode().strip().split("\n")[-1])


def median_cpu(args, stdin=None, runs=3):
    return statistics.median(run(args, stdin)[0] for _ in range(runs))


def store_of(n, cases):
    path = os.path.join(work, f"store-{n}.sqlite")
    if not os.path.exists(path):
        subprocess.run(["head", "-n", str(n), cases], stdout=open(os.path.join(work, f"cases-{n}.jsonl"), "w"), check=True)
        run([clause, "evaluate", "--record", "--no-remedies", "--store", path, "--jsonl", os.path.join(work, f"cases-{n}.jsonl")])
    return path


def main():
    print(f"Speed at scale, one run, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    loop = trace_ratios.build_loop()
    files = trace_ratios.case_files()
    listing = ("\n".join(files) + "\n").encode()
    measures = {
        "libyaml loop": ([loop], listing),
        "evaluate --format json (default: remedies, no trace)": ([clause, "evaluate", "--format", "json", "--no-store"] + files, None),
        "evaluate --format json --no-remedies": ([clause, "evaluate", "--format", "json", "--no-store", "--no-remedies"] + files, None),
        "evaluate --format json --trace": ([clause, "evaluate", "--format", "json", "--no-store", "--trace"] + files, None),
    }
    targets = {"evaluate --format json (default: remedies, no trace)": 2.5, "evaluate --format json --no-remedies": 2,
               "evaluate --format json --trace": 6}
    samples = {k: [] for k in measures}
    for _ in range(5):
        for k, (args, stdin) in measures.items():
            samples[k].append(run(args, stdin)[0])
    base = statistics.median(samples["libyaml loop"])
    print(f"{len(files):,} case files, CPU of whole processes, median of 5 interleaved:")
    for k, xs in samples.items():
        m = statistics.median(xs)
        ratio = "" if k not in targets else f"  {m / base:5.2f}× the loop (target ≤ {targets[k]}×)"
        print(f"  {k:55} {m * 1e3:8.1f} ms{ratio}")

    gen = os.path.join(work, f"gen-{N}")
    cases = os.path.join(gen, "cases.jsonl")
    if not os.path.exists(cases):
        subprocess.run(["python3", "Tests/oracle/generate.py", "--count", str(N), "--seed", "12", "--out", gen], cwd=root,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    one = os.path.join(root, "Playground/cases/transformation-granted.yaml")
    big = store_of(N, cases)
    small = store_of(1000, cases)
    alone = [clause, "evaluate", "--format", "json", "--no-store", one]
    beside = [clause, "evaluate", "--format", "json", "--store", big, one]
    a, b = [], []
    for _ in range(7):
        a.append(run(alone)[0])
        b.append(run(beside)[0])
    print(f"one case: {statistics.median(a) * 1e3:.1f} ms CPU alone, {statistics.median(b) * 1e3:.1f} ms beside a {N:,}-decision store: "
          f"{statistics.median(b) / statistics.median(a):.2f}× (target ≤ 2×)")

    m = min(N, 20_000)
    subset = os.path.join(work, f"cases-{m}.jsonl")
    subprocess.run(["head", "-n", str(m), cases], stdout=open(subset, "w"), check=True)
    decide = run([clause, "evaluate", "--format", "json", "--no-store", "--no-remedies", "--jsonl", subset])
    fresh = os.path.join(work, "record-run.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(fresh + suffix):
            os.remove(fresh + suffix)
    record = run([clause, "evaluate", "--record", "--format", "json", "--no-remedies", "--store", fresh, "--jsonl", subset])
    replay = run([clause, "replay", "--all", "--store", fresh])
    print(f"{m:,} generated cases: deciding {decide[0]:.2f} s CPU; recording {record[0]:.2f} s CPU = {record[0] / decide[0]:.2f}× "
          f"(target ≤ 1.5×), {m / record[1]:,.0f} decisions/s wall (target ≥ 5,000); replay --all {m / replay[1]:,.0f}/s wall (target ≥ 5,000)")

    pol = ["--policy", os.path.join(root, "Policies/shenyang-sme-dx-fund")]
    for name, args in [("report", ["report", "--format", "json"] + pol), ("ledger", ["ledger"] + pol), ("replay --all", ["replay", "--all"])]:
        p1 = peak([clause] + args + ["--store", small])
        pn = peak([clause] + args + ["--store", big])
        print(f"peak memory of {name}: {p1 / 1024:.0f} MiB at 1,000 decisions, {pn / 1024:.0f} MiB at {N:,}: {pn / p1:.2f}× (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
