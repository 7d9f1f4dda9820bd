#!/usr/bin/env python3
"""Whole-process figures of the release `clause` binary, process start included.

usage: whole_process.py CLAUSE_BINARY REPO_ROOT WORK_DIR

- `clause check Policies/shenyang-sme-dx-fund`: median wall of 20 runs (target < 50 ms);
- `clause evaluate --format json` over 10,000 generated cases, as a directory of files and as JSON
  Lines: median wall of 5 runs (target < 0.3 s on 2 cores), and the decisions compared with the
  oracle's (Tests/oracle/compare.py);
- peak RSS (`/usr/bin/time -f %M`) of `evaluate --jsonl` over 1,000 and 100,000 cases (target: the
  100,000 within 2× the 1,000).
"""
import os
import statistics
import subprocess
import sys
import time

clause, root, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)


def run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE):
    return subprocess.run(args, cwd=root, stdout=stdout, stderr=stderr, check=False)


def timed(args, runs):
    walls = []
    last = None
    for _ in range(runs):
        t = time.perf_counter()
        last = run(args)
        walls.append(time.perf_counter() - t)
        if last.returncode != 0:
            sys.exit(f"failed ({last.returncode}): {' '.join(args)}\n{last.stderr.decode()[-2000:]}")
    return statistics.median(walls), min(walls), last


def generate(count, seed, name, split=False):
    out = os.path.join(work, name)
    if not os.path.exists(os.path.join(out, "cases.jsonl")):
        args = ["python3", "Tests/oracle/generate.py", "--count", str(count), "--seed", str(seed), "--out", out]
        if split:
            args += ["--split-dir", out + "-dir"]
        t = time.perf_counter()
        subprocess.run(args, cwd=root, check=True, stdout=subprocess.DEVNULL)
        print(f"  (generated {count:,} cases in {time.perf_counter() - t:.1f} s)")
    return out


def peak_rss_kib(args):
    r = run(["/usr/bin/time", "-f", "%M"] + args)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{r.stderr.decode()[-2000:]}")
    return int(r.stderr.decode().strip().splitlines()[-1])


print("Whole process (release clause binary, process start included)")
med, best, _ = timed([clause, "check", "Policies/shenyang-sme-dx-fund"], 20)
print(f"  clause check Policies/shenyang-sme-dx-fund: median {med * 1e3:.1f} ms, best {best * 1e3:.1f} ms (20 runs; target < 50 ms)")

# Decisions alone: no store is read (one may exist at .clause/records.sqlite) and no remedy is
# searched (its cost is its own, Benchmarks/README.md, "Where the time goes"), so figures stay comparable across versions.
EVALUATE = ["evaluate", "--no-store", "--no-remedies"]

ten = generate(10_000, 10, "x10k", split=True)
dir10k, jsonl10k = ten + "-dir", os.path.join(ten, "cases.jsonl")
for flags in (["--no-trace"], []):
    for label, args in (("directory of 10,000 files", [dir10k]), ("--jsonl with 10,000 lines", ["--jsonl", jsonl10k])):
        med, best, last = timed([clause] + EVALUATE + ["--format", "json"] + flags + args, 5)
        summary = last.stderr.decode().strip().splitlines()[-1] if last.stderr else ""
        print(f"  clause evaluate --format json{' ' + ' '.join(flags) if flags else ' (whole trace)'}, {label}: median {med:.3f} s, "
              f"best {best:.3f} s ({10_000 / med:,.0f} cases/s; 5 runs; target < 0.3 s)")
        print(f"    its summary: {summary}")

# The decisions of both paths against the oracle (the measures read independently).
for flags in (["--no-trace"], []):
    out = os.path.join(work, "actual10k.jsonl")
    with open(out, "wb") as f:
        r = run([clause] + EVALUATE + ["--format", "json"] + flags + ["--jsonl", jsonl10k], stdout=f)
    cmp = run(["python3", "Tests/oracle/compare.py", os.path.join(ten, "expected.jsonl"), out], stdout=subprocess.PIPE)
    lines = cmp.stdout.decode().strip().splitlines()
    print(f"  correctness{' (' + flags[0] + ')' if flags else ' (traced)'}, 10,000 cases against the oracle: "
          f"{lines[-1] if lines else cmp.stderr.decode()[-300:]}")

small = os.path.join(generate(1_000, 11, "x1k"), "cases.jsonl")
large = os.path.join(generate(100_000, 12, "x100k"), "cases.jsonl")
a = peak_rss_kib([clause, "evaluate", "--format", "json", "--jsonl", small])
b = peak_rss_kib([clause, "evaluate", "--format", "json", "--jsonl", large])
print(f"  peak RSS, evaluate --jsonl: 1,000 cases {a / 1024:.1f} MiB, 100,000 cases {b / 1024:.1f} MiB "
      f"(ratio {b / a:.2f}; target ≤ 2)")
d1 = peak_rss_kib([clause, "evaluate", "--format", "json", dir10k])
print(f"  peak RSS, evaluate of the 10,000-file directory: {d1 / 1024:.1f} MiB")
