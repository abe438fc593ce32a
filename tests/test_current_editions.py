"""The current editions (ICD-10-CM FY2026/FY2027, ICD-10-PCS FY2025-FY2027) equal their
official files, and answer today's dates of service.

The official files are read here with a few lines of independent code.
"""

from __future__ import annotations

import datetime
import gzip
import os
import warnings
import xml.etree.ElementTree as ET

import pytest

from codekit import icd10cm, icd10pcs
from codekit.status import CodeStatus

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "sources")
TODAY = "2026-11-30"


def order_file(*parts: str) -> list[tuple[str, bool, str, str]]:
    """(code, valid, short title, long title) per row of an official order file."""
    with gzip.open(os.path.join(DATA, *parts), "rt", encoding="ascii") as fh:
        return [
            (ln[6:13].strip(), ln[14] == "1", ln[16:76].strip(), ln[77:].strip())
            for ln in (raw.rstrip("\r\n") for raw in fh)
            if ln
        ]


def codes_file(*parts: str) -> dict[str, str]:
    with gzip.open(os.path.join(DATA, *parts), "rt", encoding="ascii") as fh:
        return {ln[:7].strip(): ln[8:].strip() for ln in (r.rstrip("\r\n") for r in fh) if ln}


@pytest.mark.parametrize(
    ("edition", "order", "codes", "rows", "billable"),
    [("FY2026", "icd10cm-order-2026.txt.gz", "icd10cm-codes-2026.txt.gz", 98_186, 74_719),
     ("FY2027", "icd10cm-order-2027.txt.gz", "icd10cm_codes_2027.txt.gz", 98_403, 74_879)],
)
def test_icd10cm_edition_is_its_order_file(
    edition: str, order: str, codes: str, rows: int, billable: int
) -> None:
    official = order_file("icd10cm", order)
    cs = icd10cm.code_set(edition)
    got = [(icd10cm.normalize(c.code), c.billable, c.short_description, c.description)
           for c in cs]
    assert len(got) == len(official) == rows
    assert got == official
    valid = codes_file("icd10cm", codes)
    assert len(valid) == billable == cs.billable_count
    assert {icd10cm.normalize(c.code): c.description for c in cs.billable()} == valid


def _xml_billable_and_seventh() -> tuple[set[str], set[str]]:
    """The FY2026 tabular's billable codes (7th characters spelled out, S06 6th character
    7/8 taking A only) and the leaves that need a 7th character."""
    with gzip.open(os.path.join(DATA, "icd10cm", "icd10c-tabular-April-1-2026.xml.gz")) as fh:
        root = ET.parse(fh).getroot()
    billable: set[str] = set()
    needs: set[str] = set()

    def walk(d: ET.Element, chars: list[str] | None) -> None:
        code = d.findtext("name", "").replace(".", "")
        sd = d.find("sevenChrDef")
        if sd is not None:
            chars = [e.get("char", "") for e in sd.findall("extension")]
        kids = d.findall("diag")
        for k in kids:
            walk(k, chars)
        if kids:
            return
        if chars is None:
            billable.add(code)
            return
        needs.add(code)
        base = code.ljust(6, "X")
        for ch in chars:
            if code.startswith("S06") and base[5] in "78" and ch != "A":
                continue
            billable.add(base + ch)

    for sec in root.iter("section"):
        for d in sec.findall("diag"):
            walk(d, None)
    return billable, needs


def test_fy2026_agrees_with_the_tabular_xml() -> None:
    billable, needs = _xml_billable_and_seventh()
    cs = icd10cm.code_set("FY2026")
    assert {icd10cm.normalize(c) for c in cs.codes(billable_only=True)} == billable
    assert {icd10cm.normalize(c.code) for c in cs if c.needs_7th_character} == needs


@pytest.mark.parametrize("edition", ["FY2024", "FY2025", "FY2026", "FY2027"])
def test_one_seventh_character_rule_for_every_edition(edition: str) -> None:
    cs = icd10cm.code_set(edition)
    assert not cs["C44.102"].needs_7th_character  # C44.1021 is a code of its own
    assert cs["M48.51"].needs_7th_character  # M48.51XA is M48.51 + X + A
    assert cs["S52.521"].needs_7th_character and cs["T36.0X1"].needs_7th_character
    for c in cs:
        if c.needs_7th_character:
            kids = c.children
            assert kids and all(len(k) == 8 and k[:7].replace(".", "") ==
                                icd10cm.normalize(c.code).ljust(6, "X") for k in kids), c.code
    assert icd10cm.check("C44.102", as_of=cs.edition.effective).status is CodeStatus.NOT_BILLABLE
    m = icd10cm.check("M48.51", as_of=cs.edition.effective)
    assert m.status is CodeStatus.NEEDS_7TH_CHARACTER and "M48.51XA" in m.message


def test_today_is_answered_by_fy2027_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f64a = icd10cm.check("F64.A", as_of=TODAY)
        d691 = icd10cm.check("D69.1", as_of=TODAY)
        hits = icd10cm.search("gender identity disorder in remission", as_of=TODAY, limit=3)
    assert f64a.status is CodeStatus.VALID and f64a.edition == "FY2027"
    assert d691.status is CodeStatus.NOT_BILLABLE
    assert "header in ICD-10-CM FY2027" in d691.message
    assert "D69.11" in d691.message and "D69.19" in d691.message
    assert "billable in" in d691.message and "FY2026" in d691.message
    assert hits[0].code == "F64.A" and hits[0].edition == "FY2027"
    # and the day before, FY2026 says the opposite
    assert icd10cm.check("D69.1", as_of="2026-09-30").status is CodeStatus.VALID
    assert icd10cm.check("F64.A", as_of="2026-09-30").status is CodeStatus.INACTIVE
    assert [e.id for e in icd10cm.editions()] == ["FY2024", "FY2025", "FY2026", "FY2027"]


def test_fy2027_notes_are_carried_from_fy2026_and_say_so() -> None:
    new = icd10cm.get("D69.11", as_of=TODAY)  # new in FY2027, under D69.1 (now a header)
    notes = new.notes
    assert notes and {n.edition for _, n in notes} == {"FY2026"}
    assert {n.source for _, n in notes} >= {"D69", "chapter 3"}
    old = icd10cm.get("D69.1", as_of="2026-01-01").notes
    assert [n.text for n in notes.excludes1] == [n.text for n in old.excludes1]
    assert icd10cm.get("F64.A", as_of=TODAY).chapter.number == 5
    s = icd10cm.get("S52.521A", as_of=TODAY)
    assert s.seventh_character is not None and s.seventh_character.edition == "FY2026"


@pytest.mark.parametrize(
    ("edition", "order", "valid"),
    [("FY2025", "icd10pcs_order_2025.txt.gz", 78_948),
     ("FY2026", "icd10pcs_order_2026.txt.gz", 79_115)],
)
def test_icd10pcs_order_file_editions(edition: str, order: str, valid: int) -> None:
    official = order_file("icd10pcs", order)
    cs = icd10pcs.code_set(edition)
    codes = {code: (short, long) for code, ok, short, long in official if ok}
    assert len(codes) == valid == cs.billable_count
    assert {c.code: (c.short_description, c.description) for c in cs.billable()} == codes
    tables = {code: long for code, ok, _, long in official if not ok}
    assert {c.code: c.description for c in cs if len(c.code) == 3} == tables


def test_icd10pcs_fy2027_and_dates() -> None:
    codes = codes_file("icd10pcs", "icd10pcs_codes_2027.derived.txt.gz")
    cs = icd10pcs.code_set("FY2027")
    assert len(codes) == 79_256 == cs.billable_count
    assert {c.code: c.description for c in cs.billable()} == codes
    assert icd10pcs.check("0DTJ0ZZ", as_of=TODAY).edition == "FY2027"
    assert icd10pcs.check("0DTJ0ZZ", as_of=datetime.date(2025, 1, 1)).edition == "FY2025"
    assert [e.id for e in icd10pcs.editions()] == ["FY2024", "FY2025", "FY2026", "FY2027"]


def test_manifest_records_the_new_editions_and_their_checks() -> None:
    from codekit import _resources

    eds = {e["id"]: e for e in _resources.manifest()["editions"]["icd10cm"]}
    assert (eds["FY2027"]["rows"], eds["FY2027"]["billable"], eds["FY2027"]["headers"]) == (
        98_403, 74_879, 23_524)
    assert eds["FY2027"]["notes_from"] == "FY2026" and eds["FY2025"]["notes_from"] is None
    assert any("codes file" in c for c in eds["FY2027"]["checks"])
    assert any("tabular XML" in c for c in eds["FY2026"]["checks"])
    files = {s["file"] for s in eds["FY2027"]["sources"]}
    assert "icd10cm/icd10cm-order-2027.txt.gz" in files
    pcs = {e["id"]: e["billable"] for e in _resources.manifest()["editions"]["icd10pcs"]}
    assert pcs == {"FY2024": 78_603, "FY2025": 78_948, "FY2026": 79_115, "FY2027": 79_256}
