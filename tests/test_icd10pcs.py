"""ICD-10-PCS: the shipped FY2024 edition against the official codes file, axes, loader
(the FY2025-FY2027 editions: tests/test_current_editions.py)."""

from __future__ import annotations

import datetime
import gzip
import os
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codekit import icd10pcs
from codekit._parsers import icd10pcs as parser
from codekit.errors import CodeNotFound, EditionWarning, InvalidCodeFormat, SourceFormatError

SOURCE = os.path.join(
    os.path.dirname(__file__), "..", "data", "sources", "icd10pcs", "icd10pcs-codes-2024.txt.gz"
)


def _official() -> dict[str, str]:
    with gzip.open(SOURCE, "rt", encoding="ascii") as fh:
        return {line[:7]: line[8:].rstrip("\n") for line in fh}


def test_every_official_code_is_valid_with_its_description() -> None:
    official = _official()
    assert len(official) == 78603
    cs = icd10pcs.code_set("FY2024")
    assert cs.billable_count == 78603
    for code, desc in official.items():
        c = cs.get(code)
        assert c is not None and c.billable and c.description == desc, code
    # and nothing else is billable
    assert {c.code for c in cs.billable()} == set(official)


def test_headers_are_prefixes() -> None:
    cs = icd10pcs.code_set()
    headers = [c for c in cs if not c.billable]
    assert {len(h.code) for h in headers} == {1, 2, 3, 4}
    assert all(h.description is None for h in headers)
    assert icd10pcs.get("0DTJ0ZZ").ancestors == ("0DTJ", "0DT", "0D", "0")
    assert "0DTJ0ZZ" in icd10pcs.get("0DTJ").children


def test_known_answers_and_check() -> None:
    assert icd10pcs.get("0DTJ0ZZ").description == "Resection of Appendix, Open Approach"
    assert icd10pcs.check("0DTJ0ZZ").ok
    assert icd10pcs.check("0DT").status.value == "not_billable"
    assert icd10pcs.check("0DTJ0ZY").status.value == "unknown"
    assert icd10pcs.check("0DTJOZZ").status.value == "bad_format"
    assert "I and O" in icd10pcs.check("0DTJOZZ").message
    with pytest.raises(CodeNotFound):
        icd10pcs.lookup("0DTJ0ZY")
    with pytest.raises(InvalidCodeFormat):
        icd10pcs.format("0DTJ0ZZ1")


def test_dates() -> None:
    assert icd10pcs.is_valid("0DTJ0ZZ", as_of=datetime.date(2024, 3, 1))
    assert icd10pcs.check("0DTJ0ZZ", as_of=datetime.date(2014, 1, 1)).status.value == "no_edition"
    assert "icd9cm_procedures" in icd10pcs.check("0DTJ0ZZ", as_of="2014-01-01").message
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert icd10pcs.is_valid("0DTJ0ZZ", as_of=datetime.date(2028, 3, 1))
    assert any(issubclass(x.category, EditionWarning) for x in w)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("0DTJ0ZZ", ("Medical and Surgical", None, "Resection", "Appendix", "Open", None, None)),
        (
            "061247Y",
            ("Medical and Surgical", None, "Bypass", "Gastric Vein", "Percutaneous Endoscopic",
             "Autologous Tissue Substitute", "Lower Vein"),
        ),
        ("03BQ0ZX", ("Medical and Surgical", None, "Excision", "Left Vertebral Artery", "Open",
                     None, "Diagnostic")),
        ("0QS604Z", ("Medical and Surgical", None, "Reposition", "Right Upper Femur", "Open",
                     "Internal Fixation Device", None)),
        ("D0000ZZ", ("Radiation Therapy", None, "Beam Radiation", "Brain", "Photons <1 MeV",
                     None, None)),
        ("GZ10ZZZ", ("Mental Health", None, "Psychological Tests", "Developmental", None, None,
                     None)),
    ],
)
def test_axes_known(code: str, expected: tuple[str | None, ...]) -> None:
    axes = icd10pcs.get(code).axes
    assert tuple(a.meaning for a in axes.all) == expected
    assert "".join(a.char for a in axes.all) == code


def test_axes_meanings_come_from_the_description() -> None:
    """Every meaning of positions 3-7 occurs in the code's own description."""
    cs = icd10pcs.code_set()
    n = 0
    for c in cs.billable():
        for a in c.axes.all[2:]:
            if a.meaning is not None:
                assert a.meaning in c.description, (c.code, a)
                n += 1
    assert n > 250_000


def test_header_axes_are_partial() -> None:
    axes = icd10pcs.get("0DT").axes
    assert axes.body_part is None and axes.operation is not None
    assert axes.operation.meaning == "Resection"


@given(st.sampled_from(icd10pcs.code_set().codes()), st.sampled_from(["", " ", "\t"]))
def test_format_normalize_laws(code: str, pad: str) -> None:
    assert icd10pcs.normalize(icd10pcs.format(code)) == icd10pcs.normalize(code)
    assert icd10pcs.normalize(pad + code.lower() + pad) == code


def test_load_round_trip(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "icd10pcs_codes_2098.txt.gz")
    lines = [f"{c} {d}" for c, d in list(_official().items())[:50]]
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    cs = icd10pcs.load(path)
    try:
        assert cs.edition.id == "FY2098" and cs.billable_count == 50
        first = lines[0][:7]
        assert icd10pcs.get(first, as_of=datetime.date(2098, 1, 1)).edition.id == "FY2098"
        assert icd10pcs.get(first, as_of=datetime.date(2098, 1, 1)).axes.section.meaning
    finally:
        icd10pcs._REG.remove("FY2098")


def test_load_order_file(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "icd10pcs_order_2097.txt")
    rows = [
        ("0DT", 0, "Resection of Gastrointestinal System", "Resection of GI"),
        ("0DTJ0ZZ", 1, "Resection of Appendix, Open Approach", "Resection of Appendix, Open"),
    ]
    with open(path, "w") as fh:
        for i, (code, b, long, short) in enumerate(rows, 1):
            fh.write(f"{i:05d} {code:<7} {b} {short:<60} {long}\n")
    parsed = parser.read(path)
    by = {r.code: r for r in parsed.rows}
    assert by["0DT"].description == "Resection of Gastrointestinal System"
    assert by["0DTJ0ZZ"].short_description == "Resection of Appendix, Open"
    assert not by["0DT"].billable and by["0DTJ0ZZ"].billable


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=40))
def test_parser_garbage_is_a_source_format_error(line: str) -> None:
    try:
        parser.parse_codes_file("0DTJ0ZZ Resection of Appendix, Open Approach\n" + line, "x.txt")
    except SourceFormatError as exc:
        assert exc.path == "x.txt" and exc.line == 2
    else:
        assert not line.strip() or (line[7:8] == " " and line[:7].isalnum())


def test_bad_first_line(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "junk_2097.txt")
    with open(path, "w") as fh:
        fh.write("hello world\n")
    with pytest.raises(SourceFormatError, match="line 1"):
        icd10pcs.load(path)
