"""ICD-9-CM v32 diagnoses and procedures against the CMS files; dot rules; dates."""

from __future__ import annotations

import datetime
import gzip
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codekit import icd9cm, icd9cm_procedures
from codekit._parsers import icd9cm as parser
from codekit.errors import CodeNotFound, EditionNotFound, InvalidCodeFormat, SourceFormatError

SOURCES = os.path.join(os.path.dirname(__file__), "..", "data", "sources")


def _read(system: str, name: str, width: int) -> dict[str, str]:
    with gzip.open(os.path.join(SOURCES, system, name), "rb") as fh:
        text = fh.read().decode("latin-1")
    return {ln[:width].strip(): ln[width + 1 :].strip() for ln in text.splitlines() if ln.strip()}


@pytest.mark.parametrize(
    ("module", "system", "tag", "width", "count"),
    [
        (icd9cm, "icd9cm", "DX", 5, 14567),
        (icd9cm_procedures, "icd9cm_procedures", "SG", 4, 3882),
    ],
)
def test_every_official_code_with_both_descriptions(
    module: object, system: str, tag: str, width: int, count: int
) -> None:
    long = _read(system, f"CMS32_DESC_LONG_{tag}.txt.gz", width)
    short = _read(system, f"CMS32_DESC_SHORT_{tag}.txt.gz", width)
    assert len(long) == len(short) == count
    cs = module.code_set()  # type: ignore[attr-defined]
    assert cs.billable_count == count
    for code, desc in long.items():
        c = cs.get(code)
        assert c is not None and c.billable, code
        assert c.description == desc and c.short_description == short[code], code
    assert {module.normalize(c.code) for c in cs.billable()} == set(long)  # type: ignore[attr-defined]
    for c in cs:
        if not c.billable:  # derived headers: no text, and every one has children
            assert c.description is None and c.children


def test_latin1_description() -> None:
    texts = [c.description for c in icd9cm.code_set().billable()]
    assert any(not t.isascii() for t in texts)  # the LONG_DX file's non-ASCII text decoded


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("25000", "250.00"), ("250.00", "250.00"), ("e8809", "E880.9"), ("E880.9", "E880.9"),
     ("V010", "V01.0"), ("v01.0", "V01.0"), ("042", "042"), ("E030", "E030"), ("V08", "V08")],
)
def test_dx_formats(raw: str, shown: str) -> None:
    assert icd9cm.format(raw) == shown
    assert icd9cm.is_valid(raw)
    assert icd9cm.get(raw).code == shown


@pytest.mark.parametrize("raw", ["25.000", "2500.0", "E88.09", "V0.10", "250..00"])
def test_dx_misplaced_dot(raw: str) -> None:
    assert not icd9cm.is_valid(raw)
    assert icd9cm.check(raw).status.value == "bad_format"
    assert icd9cm.get(raw) is None
    with pytest.raises(InvalidCodeFormat):
        icd9cm.format(raw)
    with pytest.raises(InvalidCodeFormat):
        icd9cm.lookup(raw)


def test_procedures() -> None:
    assert icd9cm_procedures.format("0101") == "01.01"
    assert icd9cm_procedures.format("016") == "01.6"
    assert icd9cm_procedures.is_valid("01.01") and not icd9cm_procedures.is_valid("010.1")
    assert icd9cm_procedures.check("01").status.value == "not_billable"
    assert icd9cm_procedures.get("36.10").parent == "36.1"
    with pytest.raises(CodeNotFound):
        icd9cm_procedures.lookup("36.98")


def test_headers() -> None:
    h = icd9cm.get("250")
    assert not h.billable and h.parent is None and h.children[0] == "250.0"
    assert icd9cm.check("250").status.value == "not_billable"
    assert icd9cm.get("E880").children == ("E880.0", "E880.1", "E880.9")


def test_dates() -> None:
    assert icd9cm.is_valid("250.00", as_of=datetime.date(2015, 9, 30))
    assert not icd9cm.is_valid("250.00", as_of=datetime.date(2015, 10, 1))
    r = icd9cm.check("250.00", as_of=datetime.date(2015, 10, 1))
    assert r.status.value == "no_edition" and "codekit.icd10cm" in r.message
    with pytest.raises(EditionNotFound):
        icd9cm.get("250.00", as_of=datetime.date(2020, 1, 1))
    early = icd9cm.check("250.00", as_of=datetime.date(2012, 1, 1))
    assert early.ok and "note" in early.message and early.edition == "v32"
    assert icd9cm.check("250.00", as_of=datetime.date(1975, 1, 1)).status.value == "no_edition"
    assert "icd10pcs" in icd9cm_procedures.check("36.10", as_of="2016-01-01").message


@pytest.mark.parametrize("module", [icd9cm, icd9cm_procedures])
def test_normalize_format_laws_every_code(module: object) -> None:
    m = module
    for code in m.code_set().codes():  # type: ignore[attr-defined]
        norm = m.normalize(code)  # type: ignore[attr-defined]
        assert m.normalize(m.format(code)) == norm  # type: ignore[attr-defined]
        assert m.format(norm) == code  # type: ignore[attr-defined]
        assert m.normalize(norm) == norm  # type: ignore[attr-defined]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=30))
def test_parser_garbage(line: str) -> None:
    try:
        parser.parse_descriptions("0010  Cholera\n" + line, "f.txt", "diagnosis")
    except SourceFormatError as exc:
        assert exc.line == 2 and exc.path == "f.txt"


def test_long_and_short_must_agree() -> None:
    with pytest.raises(SourceFormatError, match="different codes"):
        parser.rows_from({"0010": "a"}, {"0011": "b"}, "diagnosis", ("l", "s"))
