"""Place of service and claim frequency codes (transcribed tables)."""

from __future__ import annotations

import csv
import datetime
import os
import tempfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codekit import _resources, claim_frequency, pos
from codekit._parsers import pos as parser
from codekit.errors import CodeInactive, CodeNotFound, SourceFormatError

SOURCES = os.path.join(os.path.dirname(__file__), "..", "data", "sources")


def _tsv(system: str, name: str) -> list[dict[str, str]]:
    with open(os.path.join(SOURCES, system, name), newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_every_pos_row() -> None:
    rows = _tsv("pos", "place_of_service.derived.tsv")
    assert len(rows) == 52
    for r in rows:
        c = pos.get(r["code"])
        assert (c.name, c.description or "") == (r["name"], r["description"])
        assert (c.effective.isoformat() if c.effective else "") == r["effective_date"]
    assigned = {r["code"] for r in rows}
    for n in range(100):
        code = f"{n:02d}"
        assert pos.is_valid(code) == (code in assigned), code


def test_pos_dates() -> None:
    assert not pos.is_valid("27", as_of=datetime.date(2023, 9, 30))
    assert pos.is_valid("27", as_of=datetime.date(2023, 10, 1))
    r = pos.check("10", as_of="2021-12-31")
    assert r.status.value == "inactive" and r.valid_from == datetime.date(2022, 1, 1)
    assert pos.get("10", as_of="2021-12-31") is None
    with pytest.raises(CodeInactive):
        pos.lookup("10", as_of="2021-12-31")
    assert pos.is_valid("11", as_of=datetime.date(1995, 1, 1))  # no date: before 2003


def test_pos_errors() -> None:
    with pytest.raises(CodeNotFound):
        pos.lookup("30")
    assert "did you mean 02" in pos.check("2").message
    assert pos.check("00").status.value == "unknown"


def test_claim_frequency() -> None:
    rows = _tsv("claim_frequency", "claim_frequency_codes.derived.tsv")
    assert len(rows) == 15
    for r in rows:
        c = claim_frequency.get(r["code"])
        assert c.description == r["description"]
        assert c.usable_on_837p == (r["used_on_837p_clm05_3"] == "Y")
    assert [c.code for c in claim_frequency.code_set() if c.usable_on_837p] == ["1", "7", "8"]
    assert not claim_frequency.is_valid("6") and claim_frequency.is_valid("g")
    assert not claim_frequency.is_valid_837p("2") and claim_frequency.is_valid_837p("7")


def test_manifest_marks_derived() -> None:
    m = _resources.manifest()
    for system in ("pos", "claim_frequency"):
        (e,) = m["editions"][system]
        assert e["provenance"].startswith("DERIVED")
        assert all(s["provenance"].startswith("DERIVED") for s in e["sources"])


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=40))
def test_parser_garbage(line: str) -> None:
    try:
        text = parser.POS_HEADER + "\n01\tPharmacy\tx\t\n" + line
        path = os.path.join(tempfile.gettempdir(), "codekit_pos_garbage.tsv")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        parser.read_pos(path)
    except SourceFormatError as exc:
        assert exc.line is not None and exc.line >= 1


@given(st.sampled_from(pos.code_set().codes() + claim_frequency.code_set().codes()))
def test_laws(code: str) -> None:
    m = pos if len(code) == 2 else claim_frequency
    assert m.normalize(m.format(code)) == m.normalize(code)
    assert m.normalize(m.normalize(" " + code.lower() + " ")) == code
