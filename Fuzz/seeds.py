#!/usr/bin/env python3
"""Gathers the seed corpora of the fuzz targets from the repository's own files.

Usage: Fuzz/seeds.py OUT    (writes OUT/yaml, OUT/case, OUT/expression, OUT/package afresh)

Nothing is copied into the repository: the seeds are whatever the fixtures, the Playground and the
packages hold when the fuzzer runs, so new fixtures seed the fuzzers without anyone copying them.
Each seed file is named by its content's hash, so a text found twice is one seed.
"""
import glob
import hashlib
import os
import shutil
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Keys of a package whose string values are expressions (rules, definitions, parameters' values).
EXPRESSION_KEYS = {"expr", "when", "unless", "refuse_when", "review_when", "award", "cap", "clawback",
                   "ban_until", "require", "needs", "value", "default", "guard", "for"}


def rel(pattern):
    return sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def put(out, target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def case_files():
    return (rel("Playground/cases/*.yaml") + rel("Playground/corpus/*.json")[::10]
            + rel("Tests/Fixtures/invalid-cases/*.yaml")
            + rel("Policies/*/tests/**/*.yaml") + rel("Playground/proposals/*/tests/**/*.yaml"))


def oracle_lines(step):
    with open(os.path.join(ROOT, "Tests/Fixtures/oracle/cases.jsonl"), "rb") as f:
        return f.read().split(b"\n")[::step]


def package_dirs():
    dirs = rel("Policies/*/") + rel("Playground/proposals/*/") + rel("Tests/Fixtures/invalid-policies/*/")
    return [d for d in dirs if os.path.exists(os.path.join(d, "policy.yaml"))]


def expressions(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from expressions(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from expressions(v, key)
    elif isinstance(node, str) and key in EXPRESSION_KEYS:
        yield node
    elif isinstance(node, str) and "{" in node:
        # The holes of a message template (`say: 申报日期 {applied_on} …`) are expressions too.
        for part in node.split("{")[1:]:
            if "}" in part:
                yield part.split("}")[0]


STORE_EDITS = [
    "decisions amount_fen 1 0",
    "decisions outcome 2 refused",
    "decisions amount_fen 1 9223372036854775807\ndecisions amount_fen 2 9223372036854775807",
    "decisions amount_fen 3 -9223372036854775808",
    "decisions amount_fen 1 abc",
    "decisions case_id 4 SY-2024-T-0001",
    "decisions decision_json 1 x'789c'",
    "delete revocations 1",
    "copy decisions 1",
    "copy bans 1",
    "bans credit_code 1 91210112ma10b2r657",
    "bans through 1 2020-01-01",
    "delete record_chain 3",
    "record_chain digest 2 sha256:00",
    "cases text 1 nothing",
    "package_files name 1 ../x.yaml",
    "workflow_events payload 1 {}",
    "delete cases 1",
]


def main():
    out = sys.argv[1]
    # The store target's inputs are edits of a recorded store (Fuzz/Sources/FuzzStore): the hand
    # edits a clerk or an attacker would make first, for the fuzzer to vary.
    for edit in STORE_EDITS:
        put(out, "store", edit)

    for target in ("yaml", "case", "expression", "package", "store"):
        shutil.rmtree(os.path.join(out, target), ignore_errors=True)

    yaml_files = (case_files() + rel("Policies/**/*.yaml") + rel("Playground/proposals/**/*.yaml")
                  + rel("Workflows/**/*.yaml") + rel("Tests/Fixtures/**/*.yaml"))
    for path in yaml_files:
        put(out, "yaml", read(path))
    for line in oracle_lines(300):
        put(out, "yaml", line)

    for path in case_files():
        put(out, "case", read(path))
    for line in oracle_lines(100):
        put(out, "case", line)

    for d in package_dirs():
        texts = []
        for path in sorted(glob.glob(os.path.join(d, "*.yaml"))):
            texts.append("#file: %s\n" % os.path.basename(path) + read(path).decode("utf-8", "replace"))
            try:
                for e in expressions(yaml.safe_load(read(path))):
                    put(out, "expression", e.strip())
            except (yaml.YAMLError, ValueError):  # a fixture with an impossible date (2025-02-30) is meant to be refused
                pass
        put(out, "package", "".join(t if t.endswith("\n") else t + "\n" for t in texts))

    # The store target's inputs are edits of a recorded store (Fuzz/Sources/FuzzStore): the hand
    # edits a clerk or an attacker would make first, for the fuzzer to vary.
    for edit in STORE_EDITS:
        put(out, "store", edit)

    for target in ("yaml", "case", "expression", "package", "store"):
        d = os.path.join(out, target)
        print("%-10s %4d seeds" % (target, len(os.listdir(d)) if os.path.isdir(d) else 0))


if __name__ == "__main__":
    main()
