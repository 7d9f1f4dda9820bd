#!/usr/bin/env python3
"""统一社会信用代码 (GB 32100-2015): check them, and mend the ones the repository's files carry.

A code is 18 characters from the 31 of ALPHABET (no I, O, S, V, Z). The 18th is a check
character: with the weights of WEIGHTS for positions 1..17 and each character's value its index
in ALPHABET, c18 = 31 - (sum mod 31), where 31 stands for 0.

    python3 Tests/oracle/credit_codes.py CODE...            # prints each code: valid, or what it should be
    python3 Tests/oracle/credit_codes.py --fix FILE|DIR...  # rewrites the codes found in those files

`--fix` finds codes as the values of `credit_code` and `assessed_enterprise` keys, and anywhere
an 18-character code of the same family (a `9` then a digit, then 16 code characters) appears
in a YAML, JSON, JSONL, Markdown or expected-output file. Each is mended deterministically:
forbidden characters among the first 17 become I->1, O->0, S->5, V->U, Z->2, then the check
character is recomputed. The same code always gives the same mended code (cases in different
files that name one enterprise still name one enterprise) and a valid code is left as it is, so
running `--fix` twice changes nothing the second time.

Codes that are not 18 characters long are left alone: fixtures that test a length error keep
theirs. Files are listed with how many codes changed in each.
"""

from __future__ import annotations

import os
import re
import sys

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
FORBIDDEN = {"I": "1", "O": "0", "S": "5", "V": "U", "Z": "2"}
EXTENSIONS = (".yaml", ".yml", ".json", ".jsonl", ".md", ".expected", ".txt", ".out", ".stdout", ".stderr")

# A value under one of the keys that name a credit code, quoted or not.
KEYED = re.compile(r'("?(?:credit_code|assessed_enterprise)"?\s*:\s*"?)([0-9A-Z]{18})(?![0-9A-Za-z])')
# The family the repository's codes come from: 9 (enterprise), a digit, then 16 characters.
BARE = re.compile(r'(?<![0-9A-Za-z])(9[0-9][0-9A-Z]{16})(?![0-9A-Za-z])')


def check_character(body: str) -> str:
    """The 18th character for the first 17 (all from ALPHABET)."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    return (len(code) == 18 and all(c in ALPHABET for c in code)
            and code[17] == check_character(code[:17]))


def mended(code: str) -> str:
    """The valid code for `code` (18 characters); a valid code is returned as it is."""
    if is_valid(code):
        return code
    body = "".join(FORBIDDEN.get(c, c) for c in code[:17].upper())
    if any(c not in ALPHABET for c in body):
        raise ValueError(f"cannot mend {code!r}")
    return body + check_character(body)


def fix_text(text: str, bare: bool = True) -> tuple[str, int]:
    changed = 0

    def keyed(m: re.Match) -> str:
        nonlocal changed
        new = mended(m.group(2))
        changed += new != m.group(2)
        return m.group(1) + new

    text = KEYED.sub(keyed, text)
    if bare:
        def loose(m: re.Match) -> str:
            nonlocal changed
            code = m.group(1)
            if not re.search(r"[A-Z]", code):
                return code  # all digits: a number, not a code
            new = mended(code)
            changed += new != code
            return new
        text = BARE.sub(loose, text)
    return text, changed


def files_under(paths: list[str]):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for n in sorted(names):
                    if n.endswith(EXTENSIONS):
                        yield os.path.join(root, n)
        else:
            yield p


def fix(paths: list[str]) -> int:
    total = 0
    for path in files_under(paths):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except UnicodeDecodeError:
            continue  # not text (a fixture of binary junk)
        new, changed = fix_text(text)
        if new != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            print(f"{path}: {changed} code(s) mended")
            total += changed
    print(f"{total} code(s) mended", file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    if argv[0] == "--fix":
        return fix(argv[1:])
    bad = 0
    for code in argv:
        if is_valid(code):
            print(f"{code}: valid")
        else:
            bad += 1
            try:
                print(f"{code}: invalid (mended: {mended(code)})" if len(code) == 18 else f"{code}: invalid (not 18 characters)")
            except ValueError:
                print(f"{code}: invalid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
