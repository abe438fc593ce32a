"""The shipped ICD-10-CM editions are exact against the official files.

The official files are read here with a few lines of independent code (not the
package's parsers), so a parser bug cannot hide itself.
"""

from __future__ import annotations

import gzip
import os

import pytest

from codekit import icd10cm

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "sources", "icd10cm")


@pytest.fixture(scope="module")
def order_2025() -> list[list[str]]:
    with gzip.open(os.path.join(SRC, "icd10cm_order_2025.derived.tsv.gz"), "rt") as fh:
        return [line.rstrip("\n").split("\t") for line in fh][1:]


def test_fy2024_billable_set_equals_the_codes_file() -> None:
    with gzip.open(os.path.join(SRC, "icd10cm-codes-2024.txt.gz"), "rt") as fh:
        official = {line.split()[0]: line[8:].strip() for line in fh if line.strip()}
    assert len(official) == 74_044
    cs = icd10cm.code_set("FY2024")
    got = {icd10cm.normalize(c.code): c.description for c in cs.billable()}
    assert got == official


def test_fy2025_billable_and_headers_equal_the_order_file(order_2025: list[list[str]]) -> None:
    billable = {r[1] for r in order_2025 if r[2] == "1"}
    headers = {r[1] for r in order_2025 if r[2] == "0"}
    assert len(billable) == 74_260
    cs = icd10cm.code_set("FY2025")
    assert {icd10cm.normalize(c) for c in cs.codes(billable_only=True)} == billable
    assert {icd10cm.normalize(c.code) for c in cs if not c.billable} == headers
    # descriptions and tabular order are kept
    assert [icd10cm.normalize(c) for c in cs.codes()] == [r[1] for r in order_2025]
    first = {r[1]: (r[3], r[4]) for r in order_2025}
    for c in list(cs)[::997]:
        assert (c.short_description, c.description) == first[icd10cm.normalize(c.code)]


def test_fy2026_counts_and_the_april_code_list() -> None:
    cs = icd10cm.code_set("FY2026")
    assert cs.billable_count == 74_719
    with gzip.open(os.path.join(SRC, "code-list-April-2026.txt.gz"), "rt") as fh:
        listed = [line.strip() for line in fh if line.strip()]
    codes = [c for c in listed if not c.isdigit() and "-" not in c]  # drop chapters, ranges
    assert len(codes) > 98_000
    missing = [c for c in codes if c not in cs]
    assert missing == []
    assert {icd10cm.normalize(c) for c in cs.codes()} == {c.replace(".", "") for c in codes}


def test_fy2026_leaves_are_exactly_the_billable_codes() -> None:
    cs = icd10cm.code_set("FY2026")
    for c in cs:
        assert c.billable == (not c.children), c.code


def test_every_fy2026_code_has_chapter_block_and_description() -> None:
    cs = icd10cm.code_set("FY2026")
    for c in cs:
        assert c.description and c.chapter is not None and c.block is not None, c.code
    assert icd10cm.get("C4A.9").block.id == "C43-C44"


def test_fy2024_and_fy2025_carry_chapters_from_the_tabular() -> None:
    for ed in ("FY2024", "FY2025"):
        cs = icd10cm.code_set(ed)
        no_chapter = [c.code for c in cs if c.chapter is None]
        assert no_chapter == [], (ed, no_chapter[:5])
    assert icd10cm.get("G35", as_of="2025-01-01").chapter.number == 6
