"""Decide a JSONL file of case files with regorus (fund.rego); one JSON line per case.

    python run.py CASES.jsonl > decisions.jsonl

The policy is compiled once; each case is then one regorus evaluation with the case as input,
as a Rego engine is used per request. Python only passes each line in and each decision out
(regorus returns the decision as a Python dict, written with json.dumps). No justification, no remedies.
"""
from __future__ import annotations

import json
import os
import sys

import regorus


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    engine = regorus.Engine()
    engine.add_policy_from_file(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fund.rego"))
    errors = 0
    out = sys.stdout
    with open(argv[0], encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                engine.set_input_json(line)
                out.write(json.dumps(engine.eval_rule("data.fund.decision"), ensure_ascii=False) + "\n")
            except Exception as e:  # regorus raises on an error in the policy or an undefined decision
                print(f"{argv[0]}:{number}: error: {e}", file=sys.stderr)
                errors += 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
