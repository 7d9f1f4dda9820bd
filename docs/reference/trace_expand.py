#!/usr/bin/env python3
"""Rebuild the full justification tree (trace_version 1) from a compact trace (trace_version 2).

A reference reader of docs/reference/trace.md, written apart from the Swift code that writes the trace:

    python3 docs/reference/trace_expand.py < decisions.jsonl            # each line with its trace expanded
    python3 docs/reference/trace_expand.py --check COMPACT.jsonl FULL.jsonl [--schema docs/reference/trace.schema.json]

`--check` validates every compact line against the JSON Schema (with the `jsonschema` package) and
compares its expanded trace with the full one of the same decision; it prints a summary and exits
1 on the first difference.
"""
import json
import re
import sys

PATH = re.compile(r"^[\w.]+$")


def expand_trace(trace):
    """The trace_version 1 object for a trace_version 2 one (None stays None)."""
    if trace is None or "trace_version" not in trace:
        return trace
    if trace["trace_version"] != 2:
        raise ValueError(f"unknown trace_version {trace['trace_version']}")
    reader = Reader(trace["labels"], trace["values"])
    definitions = []
    for d in trace["definitions"]:
        steps = reader.root(d["steps"])
        definitions.append({"name": d["name"], "label": d["label"], "clause": d["clause"],
                            "value": steps["value"], "steps": steps, "clauses": d["clauses"]})
    rules = []
    for r in trace["rules"]:
        out = {"rule": r["rule"], "kind": r["kind"], "clauses": r["clauses"], "status": r["status"],
               "message": r.get("message"), "amount": r.get("amount"), "capped": r.get("capped", False),
               "missing": r.get("missing", [])}
        if r["status"] == "not_in_force":
            out.update(would_fire=r["would_fire"], ended_by=r["ended_by"], starts_on=r["starts_on"])
        out["steps"] = [reader.root(s) for s in r["steps"]]
        rules.append(out)
    return {"definitions": definitions, "rules": rules}


class Reader:
    def __init__(self, labels, values):
        self.labels = labels
        self.values = values
        self.text = ""
        self.scope = []  # (variable, element value), innermost last
        self.roots = []  # every root expanded so far, for {"same": k}

    def root(self, node):
        if "same" in node:
            out = json.loads(json.dumps(self.roots[node["same"]]))
        else:
            self.text = node["expr"]
            self.scope = []
            out = self.node(node, source=None)
        self.roots.append(out)
        return out

    def node(self, n, source):
        text = n["expr"] if "expr" in n else self.text[n["at"][0]:n["at"][1]]
        out = {"expr": text}
        if "role" in n:
            out["role"] = n["role"]
        elements = n.get("elements")
        listed = [e["value"] for e in elements] if elements is not None else None
        kids = []
        if "chain" in n:
            kids = self.chain(n, text)
        else:
            for i, c in enumerate(n.get("children", [])):
                kids.append(self.node(c, listed if i == 0 else None))
        if "missing" in n:
            out["value"], out["missing"] = None, n["missing"]
        elif "value" in n:
            out["value"] = n["value"]
        elif source is not None:
            out["value"] = source  # the list an aggregation went over: its elements
        elif not kids and elements is None and PATH.match(text):
            bound = [v for (name, v) in self.scope if name == text]
            out["value"] = bound[-1] if bound else self.values[text]
        elif len(kids) == 1 and text.startswith(kids[0]["expr"] + "."):
            out["value"] = kids[0]["value"][text[len(kids[0]["expr"]) + 1:]]
        else:
            raise ValueError(f"node {text!r} has no value and none can be found")
        label = n["label"] if "label" in n else self.labels.get(text)
        if label is not None:
            out["label"] = label
        for k in ("exact", "origin"):
            if k in n:
                out[k] = n[k]
        if kids:
            out["children"] = kids
        if elements is not None:
            out["elements"] = []
            for k, e in enumerate(elements):
                x = {"index": k, "included": e["included"], "value": e["value"]}
                if "var" in n:
                    self.scope.append((n["var"], e["value"]))
                for part in ("filter", "contribution"):
                    if part in e:
                        x[part] = self.node(e[part], None)
                if "var" in n:
                    self.scope.pop()
                out["elements"].append(x)
        return out

    def chain(self, n, text):
        """The children of an and/or chain's top link, every lower link rebuilt from the terms."""
        op = n["chain"]
        start = 0 if "expr" in n else n["at"][0]
        terms = [self.node(t, None) for t in n["terms"]]
        left, k = terms[0], 1
        links = n["ends"] + [None]
        for j, end in enumerate(links):
            kids = [left]
            result = result_of(left)
            if not settles(result, op):
                kids.append(terms[k])
                result = link(result, result_of(terms[k]), op)
                k += 1
            if end is None:
                return kids
            left = {"expr": self.text[start:end], "value": result[1] if result[0] == "value" else None}
            if result[0] == "missing":
                left["missing"] = result[1]
            left["children"] = kids


def result_of(node):
    return ("missing", node["missing"]) if "missing" in node else ("value", node["value"])


def settles(result, op):
    return result[0] == "value" and result[1] is (op == "or")


def link(left, right, op):
    if settles(right, op):
        return right
    if left[0] == "value" and right[0] == "value":
        return right
    if left[0] == "missing" and right[0] == "missing":
        return ("missing", sorted(set(left[1]) | set(right[1])))
    return left if left[0] == "missing" else right


def check(compact_path, full_path, schema_path):
    validator = None
    if schema_path:
        import jsonschema
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
    with open(compact_path, encoding="utf-8") as a, open(full_path, encoding="utf-8") as b:
        compact, full = a.read().splitlines(), b.read().splitlines()
    if len(compact) != len(full):
        sys.exit(f"{len(compact)} compact lines but {len(full)} full ones")
    for i, (c, f) in enumerate(zip(compact, full), 1):
        c, f = json.loads(c), json.loads(f)
        if validator:
            errors = sorted(validator.iter_errors(c), key=lambda e: list(e.path))
            if errors:
                e = errors[0]
                sys.exit(f"line {i}: {'/'.join(map(str, e.path))}: {e.message}")
        c["trace"] = expand_trace(c["trace"])
        if c != f:
            for key in f:
                if c.get(key) != f[key]:
                    sys.exit(f"line {i} ({f.get('case')}): '{key}' differs after expansion:\n"
                             f"{json.dumps(c.get(key), ensure_ascii=False)[:3000]}\n"
                             f"{json.dumps(f[key], ensure_ascii=False)[:3000]}")
            sys.exit(f"line {i}: keys differ: {sorted(set(c) ^ set(f))}")
    print(f"{len(compact)} decisions: expanded traces equal the full ones"
          + (", every line valid against the schema" if validator else ""))


def main(argv):
    if argv[:1] == ["--check"]:
        schema = None
        if "--schema" in argv:
            i = argv.index("--schema")
            schema = argv[i + 1]
            argv = argv[:i] + argv[i + 2:]
        check(argv[1], argv[2], schema)
        return
    for line in sys.stdin:
        d = json.loads(line)
        d["trace"] = expand_trace(d.get("trace"))
        print(json.dumps(d, ensure_ascii=False, separators=(",", ":")))


if __name__ == "__main__":
    main(sys.argv[1:])
