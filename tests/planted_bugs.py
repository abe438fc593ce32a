"""Plant known one-line bugs in a scratch copy of the repository, one at a time, and
record which tests catch each (issue 15's list, and a few more).

    python tests/planted_bugs.py [--only ID ...] [--keep DIR]

Not collected by pytest (no ``test_`` prefix; importing it does nothing). It copies
the committed tree (``git archive HEAD``) and the built data to a temporary
directory, edits one line there, rebuilds the data when the bug is in the data build,
runs the selected test files against the copy (``PYTHONPATH`` puts the copy's
``src`` first), and prints a table: bug, tests that failed. A bug no test catches is
a survivor. The working tree is never edited. Slow: a data rebuild takes minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# the test files run for every plant (the oracle, boundary and exactness tests, and the
# pre-existing tests of the code the plants touch)
TESTS = [
    "tests/test_oracles.py",
    "tests/test_boundaries.py",
    "tests/test_exactness.py",
    "tests/test_hcpcs.py",
    "tests/test_icd10cm.py",
    "tests/test_icd10cm_data.py",
]

# id, file, the exact text, what it becomes, whether the data must be rebuilt
PLANTS: list[tuple[str, str, str, str, bool]] = [
    ("hcpcs-is_valid-termination-day", "src/codekit/hcpcs.py",
     "(not term or ymd <= term)", "(not term or ymd < term)", False),
    ("hcpcs-check-termination-day", "src/codekit/hcpcs.py",
     "if term is not None and term < day:", "if term is not None and term <= day:", False),
    ("as-a-header-wording-flipped", "src/codekit/codeset.py",
     '("" if o._is_billable(r) else " as a header")',
     '(" as a header" if o._is_billable(r) else "")', False),
    ("x-placeholder-hint-dropped", "src/codekit/icd10cm.py",
     'return f"; with the X placeholder it is {_display(padded)}"', "pass", False),
    ("suggestions-prefer-headers", "src/codekit/codeset.py",
     "(t[1], not cs._is_billable(t[2]), t[2])", "(t[1], cs._is_billable(t[2]), t[2])", False),
    ("7th-character-example-dropped", "src/codekit/codeset.py",
     'example = f", e.g. {self.display(kids[0])}" if kids else ""', 'example = ""', False),
    ("edition-end-day-excluded", "src/codekit/_editions.py",
     "(self.end is None or day <= self.end)", "(self.end is None or day < self.end)", False),
    ("hcpcs-added-day-excluded", "src/codekit/hcpcs.py",
     "(not added or added <= ymd)", "(not added or added < ymd)", False),
    # the data bugs are planted after the build's own cross-checks (which would stop a
    # bug planted earlier), just before the tables are written
    ("fy2026-descriptions-truncated-to-100", "data/builders/icd10cm.py",
     "    table.carry_tabular(fy27, xml)\n",
     "    table.carry_tabular(fy27, xml)\n"
     "    for r in fy26.rows:\n        r.description = (r.description or '')[:100]\n", True),
    ("fy2026-stale-short-descriptions", "data/builders/icd10cm.py",
     "    table.carry_tabular(fy27, xml)\n",
     "    table.carry_tabular(fy27, xml)\n"
     "    old25 = {r.code: r for r in fy25.rows}\n"
     "    for r in fy26.rows:\n"
     "        if r.code in old25 and old25[r.code].description != r.description:\n"
     "            r.short_description = old25[r.code].short_description\n", True),
]


def _copy(dest: str) -> None:
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
    shutil.copytree(os.path.join(ROOT, "src", "codekit", "_data"),
                    os.path.join(dest, "src", "codekit", "_data"))


def _plant(dest: str, path: str, old: str, new: str) -> str:
    full = os.path.join(dest, path)
    with open(full, encoding="utf-8") as fh:
        text = fh.read()
    assert text.count(old) == 1, f"{path}: the text to change is not there exactly once: {old!r}"
    with open(full, "w", encoding="utf-8") as fh:
        fh.write(text.replace(old, new))
    return text


def _failing(dest: str, tests: list[str]) -> list[str]:
    env = dict(os.environ, PYTHONPATH=os.path.join(dest, "src"))
    proc = subprocess.run(
        ["nice", sys.executable, "-m", "pytest", "-q", "--tb=no", "-rf",
         "-o", "addopts=", *tests],
        cwd=dest, env=env, capture_output=True, text=True, check=False,
    )
    return sorted({line.split()[1].split(" - ")[0] for line in proc.stdout.splitlines()
                   if line.startswith(("FAILED ", "ERROR "))})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="plant ids to run (default: all)")
    ap.add_argument("--tests", nargs="*", default=TESTS)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="codekit-plant-") as dest:
        _copy(dest)
        baseline = _failing(dest, args.tests)
        print(f"baseline failures (must be none): {baseline}", flush=True)
        if baseline:
            return 1
        survivors = 0
        for pid, path, old, new, build in PLANTS:
            if args.only and pid not in args.only:
                continue
            original = _plant(dest, path, old, new)
            try:
                if build:
                    subprocess.run(["nice", sys.executable, os.path.join(dest, "data", "build.py"),
                                    "--out", os.path.join(dest, "src", "codekit", "_data")],
                                   cwd=dest, check=True, capture_output=True,
                                   env=dict(os.environ, PYTHONPATH=os.path.join(dest, "src")))
                caught = _failing(dest, args.tests)
            finally:
                with open(os.path.join(dest, path), "w", encoding="utf-8") as fh:
                    fh.write(original)
                if build:
                    shutil.rmtree(os.path.join(dest, "src", "codekit", "_data"))
                    shutil.copytree(os.path.join(ROOT, "src", "codekit", "_data"),
                                    os.path.join(dest, "src", "codekit", "_data"))
            survivors += not caught
            print(f"| {pid} | {path} | {', '.join(caught) or 'SURVIVED'} |", flush=True)
        return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
