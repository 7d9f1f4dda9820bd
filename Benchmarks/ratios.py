#!/usr/bin/env python3
"""Ratios of medians from one stored ordo-one/benchmark baseline (results.json).

usage: ratios.py RESULTS_JSON CASES_JSONL

The baseline keeps each benchmark's raw HdrHistograms (time in ns per measured iteration, counts
per iteration); medians are computed from them here, so nothing is lost to the integer rounding of
the plugin's text exports. Per-case benchmarks run 1,000 cases per iteration (scalingFactor);
corpus benchmarks run the whole corpus per iteration (counted from CASES_JSONL).
"""
import json
import sys


def value_at(h, q):
    """HdrHistogram value at quantile q (midpoint of its bucket)."""
    counts = h["counts"]
    total = sum(counts)
    if total == 0:
        return None
    shm = h["subBucketHalfCountMagnitude"]
    unit = h["unitMagnitude"]
    half = 1 << shm
    target = max(1, int(q * total + 0.999999))
    seen = 0
    for i, c in enumerate(counts):
        if not c:
            continue
        seen += c
        if seen >= target:
            bucket = (i >> shm) - 1
            sub = (i & (half - 1)) + half
            if bucket < 0:
                sub -= half
                bucket = 0
            low = sub << (bucket + unit)
            size = 1 << (bucket + unit)
            return low + (size - 1) / 2
    return None


def load(path):
    data = json.load(open(path))
    r = data["results"]
    out = {}
    for k in range(0, len(r), 2):
        name = r[k]["name"]
        metrics = {}
        for m in r[k + 1]:
            metric = next(iter(m["metric"]))
            metrics[metric] = (value_at(m["statistics"]["histogram"], 0.5), m["scalingFactor"],
                               m["statistics"]["histogram"]["_totalCount"])
        out[name] = metrics
    return out, data.get("machine", {})


def main():
    results, machine = load(sys.argv[1])
    transformation = sum(1 for line in open(sys.argv[2]) if '"item":"transformation"' in line)
    cases_per_iteration = {
        "evaluate corpus (transformation cases)": transformation,
        "evaluate corpus (transformation cases, tree-walker)": transformation,
        "native corpus (transformation cases)": transformation,
        "diff (1000 cases)": 1000,
        "policy load+check": 1,
    }

    def per_case(name, metric="wallClock"):
        m = results.get(name, {}).get(metric)
        if not m or m[0] is None:
            return None
        median, scaling, _ = m
        return median / (scaling * cases_per_iteration.get(name, 1))

    print("Per benchmark (median of the samples; per case unless said)")
    print(f"{'benchmark':42} {'wall':>12} {'cases/s':>12} {'mallocs':>9} {'instr.':>10} {'samples':>8}")
    for name in sorted(results):
        wall = per_case(name)
        mallocs = per_case(name, "mallocCountTotal")
        instr = per_case(name, "instructions")
        samples = results[name].get("wallClock", (0, 0, 0))[2]
        if name == "policy load+check":
            shown, rate = f"{wall / 1e6:9.2f} ms", "-"
        else:
            shown, rate = f"{wall / 1e3:9.3f} µs", f"{1e9 / wall:,.0f}"
        print(f"{name:42} {shown:>12} {rate:>12} {mallocs if mallocs is None else f'{mallocs:.1f}':>9} "
              f"{'n/a' if instr is None else f'{instr:,.0f}':>10} {samples:>8}")
    for name in ("diff (1000 cases)", "policy load+check"):
        cpu = results.get(name, {}).get("cpuTotal")
        wall = results.get(name, {}).get("wallClock")
        if cpu and wall and cpu[0]:
            print(f"{name}: CPU {cpu[0] / 1e6:.0f} ms for {wall[0] / 1e6:.1f} ms wall per iteration "
                  f"(CPU time is sampled in 10 ms ticks here; per-case CPU figures are not meaningful)")

    pairs = [
        ("evaluate read case", "native evaluate", "≤ 2"),
        ("evaluate read case (verdict)", "native evaluate", "≤ 2"),
        ("evaluate read case (tree-walker)", "native evaluate", ""),
        ("evaluate with trace", "native evaluate", ""),
        ("evaluate corpus (transformation cases)", "native corpus (transformation cases)", "≤ 2"),
        ("evaluate corpus (transformation cases, tree-walker)", "native corpus (transformation cases)", ""),
        ("pipeline YAML→JSON", "libyaml loop YAML", "≤ 2"),
        ("pipeline YAML file→JSON", "libyaml loop YAML file", "≤ 2"),
        ("pipeline JSON→JSON", "libyaml loop JSON", ""),
        ("pipeline YAML→JSON (traced)", "libyaml loop YAML", ""),
        ("pipeline YAML file→JSON (traced)", "libyaml loop YAML file", ""),
        ("case read YAML", "libyaml loop YAML", ""),
        ("case read YAML (tree)", "libyaml loop YAML", ""),
        ("case read JSON", "libyaml loop JSON", ""),
    ]
    print()
    print("Ratios of medians (wall clock per case), one run")
    print(f"{'measured ÷ baseline':75} {'ratio':>8} {'target':>7}  {'mallocs':>15}")
    for a, b, target in pairs:
        wa, wb = per_case(a), per_case(b)
        ma, mb = per_case(a, "mallocCountTotal"), per_case(b, "mallocCountTotal")
        if wa is None or wb is None:
            print(f"{a + ' ÷ ' + b:75} {'missing':>8}")
            continue
        mal = "" if ma is None or mb is None else f"{ma:.0f} vs {mb:.0f}"
        print(f"{a + ' ÷ ' + b:75} {wa / wb:8.2f} {target:>7}  {mal:>15}")
    for title, whole_name, parts in [
        ("decision line, --no-trace", "pipeline YAML→JSON",
         [("case read YAML", "text → typed case"), ("evaluate read case", "decide, compiled"), ("render JSON line", "JSON line")]),
        ("with the whole trace", "pipeline YAML→JSON (traced)",
         [("case read YAML", "text → typed case"), ("evaluate with trace", "decide, traced"), ("render JSON line (traced)", "JSON line")]),
    ]:
        breakdown(per_case, title, whole_name, parts)
    tree, slow = per_case("YAML tree YAML"), per_case("case read YAML (tree)")
    if tree and slow:
        print(f"  the tree path (for cases the fast reader declines): libyaml events → tree {tree / 1e3:.1f} µs, "
              f"typing by the schema {(slow - tree) / 1e3:.1f} µs (libyaml's loop alone {per_case('libyaml loop YAML') / 1e3:.1f} µs)")
    ia, ib = per_case("evaluate read case", "instructions"), per_case("native evaluate", "instructions")
    if ia and ib:
        print(f"{'evaluate read case ÷ native evaluate (instructions)':75} {ia / ib:8.2f}")


def breakdown(per_case, title, whole_name, parts):
    whole = per_case(whole_name)
    if whole and all(per_case(p) for p, _ in parts):
        print()
        print(f"Where the pipeline's time goes ({title}; YAML case, in memory, per case)")
        rest = whole
        for p, label in parts:
            w = per_case(p)
            rest -= w
            print(f"  {label:38} {w / 1e3:9.1f} µs  {100 * w / whole:5.1f} %")
        print(f"  {'the rest (policy lookup, header, glue)':38} {rest / 1e3:9.1f} µs  {100 * rest / whole:5.1f} %")


if __name__ == "__main__":
    main()
