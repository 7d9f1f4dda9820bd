#!/usr/bin/env python3
"""Where a batch's atomic reference counting comes from: CPU samples in swift_retain and
swift_release (and their bridge-object forms), counted by the function that called them.

    python3 Benchmarks/arc_callers.py CLAUSE REPO WORK [RUNS] [-- EVALUATE-ARGS…]

Runs `clause evaluate --format json --no-store --trace` (or the evaluate arguments given after
`--`) over the same 2,041 case files as line_ratios.py, RUNS times (default 8) under
`perf record -e cpu-clock -g`, and prints the share of all samples that fell in reference
counting and the callers it came from, most first. On this 2-core VM a retain or release of an
object both deciding threads touch (a policy's texts and lists) costs many times one of the
thread's own, and instruction counts do not show it: this is how the figures in
README.md's "Fewer atomic operations" section were found. Needs `perf` (linux-perf).
"""
import collections
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
extra = []
if "--" in args:
    extra = args[args.index("--") + 1:]
    args = args[:args.index("--")]
if len(args) < 3:
    sys.exit(__doc__)
clause, root, work = os.path.abspath(args[0]), os.path.abspath(args[1]), args[2]
runs = int(args[3]) if len(args) > 3 else 8

sys.path.insert(0, here)
saved = sys.argv
sys.argv = ["trace_ratios.py", clause, root, work]
import trace_ratios  # noqa: E402
sys.argv = saved
trace_ratios.work, trace_ratios.root = work, root

ARC = ("swift_retain", "swift_release", "swift_retain_n", "swift_release_n",
       "swift_bridgeObjectRetain", "swift_bridgeObjectRelease", "swift_bridgeObjectRetain_n", "swift_bridgeObjectRelease_n")


def main():
    os.makedirs(work, exist_ok=True)
    files = trace_ratios.case_files()
    evaluate = extra or ["--format", "json", "--no-store", "--trace"]
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "runs.sh")
        with open(script, "w") as f:
            f.write('clause="$1"; shift\nfor i in $(seq %d); do "$clause" evaluate "$@" > /dev/null 2>&1; done\n' % runs)
        data = os.path.join(tmp, "perf.data")
        recorded = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "4000", "-g", "-o", data,
                                   "sh", script, clause] + evaluate + files, cwd=root,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if recorded.returncode != 0:
            sys.exit(f"perf record failed ({recorded.returncode}): {recorded.stderr.strip()[:400]}")
        text = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym"], check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    total, arc, callers = 0, 0, collections.Counter()
    for sample in text.split("\n\n"):
        frames = [line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else "?" for line in sample.strip().splitlines()]
        if not frames:
            continue
        total += 1
        if frames[0] not in ARC and "doDecrementSlow" not in frames[0]:
            continue
        arc += 1
        # The first frame that is neither counting nor the runtime's freeing of what it released.
        caller = next((f for f in frames[1:] if f not in ARC and "doDecrementSlow" not in f), "?")
        callers[caller] += 1
    print(f"{runs} runs of clause evaluate {' '.join(evaluate)} over {len(files):,} files: {total:,} samples, "
          f"{arc:,} ({arc / max(total, 1):.0%}) in reference counting; by caller:")
    for name, n in callers.most_common(25):
        print(f"  {n:6,} {n / max(total, 1):6.1%}  {name[:150]}")


if __name__ == "__main__":
    main()
