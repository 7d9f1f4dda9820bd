#!/usr/bin/env python3
"""The least a self-contained JSON decision line can weigh (against a goal of 4 KB).

usage: clause evaluate --format json --no-store CASE | python3 Benchmarks/trace_floor.py

For each line, the bytes of what any line that reads on its own must carry, whatever the trace's
shape: the decision's own keys (docs/reference/json.md, the trace left out), every label and every
named value the justification shows, each root expression's text once, each rule's identity
(id, kind, clauses, status) and each aggregated element's value once. All written as compact
JSON, so no shape of trace can weigh less without leaving one of them out, that is without
pointing into the package for it. Then what the line weighs now, for comparison.
"""
import json
import sys


def size(v):
    return len(json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode())


def roots(trace):
    """Each root node (a definition's steps, every rule's steps), in order."""
    for d in trace.get("definitions", []):
        yield d["steps"]
    for r in trace.get("rules", []):
        yield from r["steps"]


def elements(node):
    """Every element of every aggregation under a node."""
    if not isinstance(node, dict):
        return
    for e in node.get("elements", []):
        yield e
        for part in ("filter", "contribution"):
            yield from elements(e.get(part))
    for k in ("children", "terms"):
        for c in node.get(k, []):
            yield from elements(c)


def floor(line):
    trace = line["trace"]
    parts = {
        "decision without its trace": size({k: v for k, v in line.items() if k != "trace"}),
        "labels": size(trace["labels"]),
        "named values": size(trace["values"]),
        "expression texts, once each": sum(size(t) for t in {r["expr"] for r in roots(trace) if "expr" in r}),
        # As arrays, without keys: the identity itself, however a shape would spell it.
        "rules (id, kind, clauses, status)": size([[r[k] for k in ("rule", "kind", "clauses", "status")]
                                                   for r in trace["rules"]]),
        "element values": sum(size(e["value"]) for r in roots(trace) for e in elements(r)),
    }
    return parts


def main():
    for raw in sys.stdin:
        if not raw.strip():
            continue
        line = json.loads(raw)
        if not isinstance(line.get("trace"), dict) or line["trace"].get("trace_version") != 2:
            sys.exit("trace_floor.py reads lines with a trace_version 2 trace (run without --no-trace)")
        parts = floor(line)
        print(f"{line['case']}:")
        for k, v in parts.items():
            print(f"  {k:36} {v:7,} bytes")
        print(f"  {'floor of a self-contained line':36} {sum(parts.values()):7,} bytes")
        print(f"  {'the line as written':36} {len(raw.rstrip().encode()):7,} bytes")


if __name__ == "__main__":
    main()
