"""codekit.modifiers: HCPCS Level II modifiers from the same CMS files as codekit.hcpcs."""

from __future__ import annotations

import datetime
import gzip
import os
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from codekit import modifiers
from codekit.errors import CodeNotFound, EditionWarning
from codekit.status import CodeStatus

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TXT_2026 = os.path.join(ROOT, "data", "sources", "hcpcs", "HCPC2026_JAN_ANWEB_01122026.txt.gz")


def test_every_2026_modifier_with_descriptions() -> None:
    text = gzip.decompress(open(TXT_2026, "rb").read()).decode("ascii")  # noqa: SIM115
    pieces: dict[str, list[str]] = {}
    for ln in text.split("\r\n"):
        if len(ln) > 10 and ln[10] in "78":
            assert ln[:3] == "   "
            pieces.setdefault(ln[3:5], []).append(ln[11:91])
    cs = modifiers.code_set("2026-Q1")
    assert len(pieces) == 383 == len(cs)
    assert cs.codes() == list(pieces)
    for code, parts in pieces.items():
        assert cs[code].description == " ".join(" ".join(parts).split())
    assert sum(len(p) > 1 for p in pieces.values()) > 50


def test_objects_and_verbs() -> None:
    m = modifiers.get(" gt ")
    assert (m.code, m.billable, m.edition.id) == ("GT", True, "2026-Q1")
    assert m.description == "Via interactive audio and video telecommunication systems"
    assert modifiers.lookup("LT").short_description
    assert modifiers.normalize(" rt ") == "RT" and modifiers.format("rt") == "RT"
    assert modifiers.get("ZZ") is None
    assert modifiers.check("ZZ").status is CodeStatus.UNKNOWN
    assert modifiers.check("GTX").status is CodeStatus.BAD_FORMAT


def test_terminated_modifier() -> None:
    jg = modifiers.get("JG")
    assert jg.terminated == datetime.date(2024, 12, 31)
    assert jg.in_effect(datetime.date(2024, 12, 31)) and not jg.in_effect(datetime.date(2025, 1, 1))
    assert not modifiers.is_valid("JG", as_of=datetime.date(2026, 1, 15))
    r = modifiers.check("JG", as_of=datetime.date(2026, 1, 15))
    assert r.status is CodeStatus.INACTIVE and r.valid_to == datetime.date(2024, 12, 31)


def test_cpt_modifiers_are_not_checked() -> None:
    for code in ("25", "59", "1P", " 26 "):
        assert modifiers.is_valid(code)
        assert modifiers.check(code).status is CodeStatus.NOT_CHECKED
    assert modifiers.is_level_one("59") and not modifiers.is_level_one("GT")
    try:
        modifiers.lookup("25")
    except CodeNotFound as exc:
        assert "CPT" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("lookup of a CPT modifier must raise")


def test_editions_and_counts() -> None:
    assert [e.id for e in modifiers.editions()][:3] == ["2020", "2025-Q4", "2026-Q1"]
    assert [len(modifiers.code_set(e)) for e in ("2020", "2025-Q4", "2026-Q1")] == [369, 383, 383]


junk = st.one_of(st.text(), st.binary(), st.none(), st.integers(), st.floats(allow_nan=True),
                 st.text(alphabet="AGJKLTXZ0125 .-", max_size=4))


@settings(max_examples=300)
@given(value=junk, day=st.one_of(st.none(), st.dates()))
def test_is_valid_and_check_never_raise(value: object, day: datetime.date | None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EditionWarning)
        assert modifiers.is_valid(value, as_of=day) in (True, False)
        r = modifiers.check(value, as_of=day)
    assert r.message and r.status in CodeStatus


@given(st.text(max_size=6))
def test_normalize_idempotent(text: str) -> None:
    once = modifiers.normalize(text)
    assert modifiers.normalize(once) == once


def test_format_round_trips_every_shipped_modifier() -> None:
    for e in modifiers.editions():
        for code in modifiers.code_set(e.id).codes():
            assert modifiers.normalize(modifiers.format(code.lower())) == code
