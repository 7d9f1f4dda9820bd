#!/usr/bin/env python3
"""The default JSON line, --no-remedies and --trace against libyaml's loop, in one run, optionally beside an earlier build.

usage: line_ratios.py CLAUSE_BINARY REPO_ROOT WORK_DIR [RUNS] [EARLIER_BINARY]

The first lines of scale_ratios.py alone (no store, no 100,000 generated cases), so a change to
reading, deciding, the remedy search or the line can be measured in a minute: CPU (user + system)
of whole processes over the 2,041 case files trace_ratios.py gathers, median of RUNS (5),
interleaved; with EARLIER_BINARY its two runs are interleaved with the others, against the same
loop in the same minutes. Before timing, the two builds' lines are compared byte for byte. Each
ratio is also given between the fastest runs, which moves less with the machine's speed.
"""
import os
import statistics
import subprocess
import sys
import time

clause, root, work = sys.argv[1], sys.argv[2], sys.argv[3]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
earlier = sys.argv[5] if len(sys.argv) > 5 else None

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
saved, sys.argv = sys.argv, sys.argv[:4]  # trace_ratios reads its own arguments when imported
import trace_ratios  # noqa: E402
sys.argv = saved
trace_ratios.work, trace_ratios.root = work, root


def main():
    os.makedirs(work, exist_ok=True)
    loop = trace_ratios.build_loop()
    files = trace_ratios.case_files()
    listing = ("\n".join(files) + "\n").encode()
    default = ["evaluate", "--format", "json", "--no-store"] + files
    lean = ["evaluate", "--format", "json", "--no-store", "--no-remedies"] + files
    traced = ["evaluate", "--format", "json", "--no-store", "--trace"] + files
    measures = {"libyaml loop": ([loop], listing), "default (remedies, no trace)": ([clause] + default, None),
                "--no-remedies": ([clause] + lean, None), "--trace": ([clause] + traced, None)}
    targets = {"default (remedies, no trace)": 2.5, "--no-remedies": 2, "--trace": 6}
    if earlier:
        for args in (default, lean, traced):
            a = subprocess.run([clause] + args, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
            b = subprocess.run([earlier] + args, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
            print(f"  lines of {' '.join(args[:5])}… {'identical' if a == b else 'DIFFER'} ({len(a):,} bytes)")
        measures["earlier: default"] = ([earlier] + default, None)
        measures["earlier: --no-remedies"] = ([earlier] + lean, None)
        measures["earlier: --trace"] = ([earlier] + traced, None)
        targets["earlier: default"], targets["earlier: --no-remedies"], targets["earlier: --trace"] = 2.5, 2, 6
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
          f"{len(files):,} case files, CPU of whole processes, median of {runs} interleaved:")
    samples = {k: [] for k in measures}
    for _ in range(runs):
        for k, (args, stdin) in measures.items():
            samples[k].append(trace_ratios.cpu_of(args, stdin))
    base = statistics.median(samples["libyaml loop"])
    # The fastest run of each as well: this VM runs a process at full speed or at about two thirds
    # of it, and a median's ratio moves with the mode the loop's runs landed in.
    fastest = min(samples["libyaml loop"])
    for k, xs in samples.items():
        m = statistics.median(xs)
        ratio = "" if k not in targets else (f"  {m / base:5.2f}× the loop (target ≤ {targets[k]}×);"
                                             f" fastest runs {min(xs) / fastest:5.2f}×")
        print(f"  {k:30} {m * 1e3:8.1f} ms{ratio}")


if __name__ == "__main__":
    main()
