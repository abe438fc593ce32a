"""ICD-10-CM verbs on the shipped editions: known answers, dates, errors, notes."""

from __future__ import annotations

import datetime
import pickle
import warnings

import pytest

from codekit import icd10cm
from codekit.errors import (
    CodeInactive,
    CodekitError,
    CodeNotFound,
    EditionNotFound,
    EditionWarning,
    InvalidCodeFormat,
)
from codekit.status import CheckResult, CodeStatus

D = datetime.date


@pytest.mark.parametrize(
    ("raw", "norm", "shown"),
    [(" e11.9 ", "E119", "E11.9"), ("E119", "E119", "E11.9"), ("s52.521a", "S52521A", "S52.521A"),
     ("I10", "I10", "I10"), ("t36.0x1a\n", "T360X1A", "T36.0X1A")],
)
def test_normalize_and_format(raw: str, norm: str, shown: str) -> None:
    assert icd10cm.normalize(raw) == norm
    assert icd10cm.format(raw) == shown


@pytest.mark.parametrize("bad", ["", "E", "E1", "11.9", "E11.99999", "E11-9", "ÉE11"])
def test_format_rejects_malformed(bad: str) -> None:
    with pytest.raises(InvalidCodeFormat) as info:
        icd10cm.format(bad)
    assert isinstance(info.value, ValueError)
    assert info.value.code == bad


def test_normalize_rejects_non_strings() -> None:
    with pytest.raises(InvalidCodeFormat):
        icd10cm.normalize(b"E119")  # type: ignore[arg-type]


def test_known_answers() -> None:
    e119 = icd10cm.get("E11.9")
    assert e119.billable and e119.description == "Type 2 diabetes mellitus without complications"
    assert e119.parent == "E11" and e119.edition.id == "FY2027"
    assert e119.chapter.number == 4 and e119.block.id == "E08-E13"
    e11 = icd10cm.get("E11")
    assert not e11.billable and e11.parent is None
    assert "E11.9" in e11.children and "E11.65" in e11.descendants
    assert icd10cm.check("E11").status is CodeStatus.NOT_BILLABLE


def test_g35_changes_on_fy2026() -> None:
    assert icd10cm.is_valid("G35", as_of=D(2025, 6, 1))
    assert not icd10cm.is_valid("G35", as_of=D(2025, 11, 1))
    r = icd10cm.check("G35", as_of=D(2025, 11, 1))
    assert r.status is CodeStatus.NOT_BILLABLE and r.edition == "FY2026"
    assert "G35.A" in r.message and "billable in FY2024" in r.message


def test_e11a_only_from_fy2026() -> None:
    assert not icd10cm.is_valid("E11.A", as_of=D(2025, 9, 30))
    assert icd10cm.is_valid("E11.A", as_of=D(2025, 10, 1))
    r = icd10cm.check("E11.A", as_of=D(2025, 6, 1))
    assert r.status is CodeStatus.INACTIVE and "FY2026" in r.message
    with pytest.raises(CodeInactive) as info:
        icd10cm.lookup("E11.A", as_of=D(2025, 6, 1))
    assert info.value.valid_in == ("FY2026", "FY2027")
    assert isinstance(info.value, LookupError)


def test_seventh_character_and_placeholder() -> None:
    assert icd10cm.check("S52.521").status is CodeStatus.NEEDS_7TH_CHARACTER
    assert icd10cm.check("S52.521A").ok
    assert icd10cm.get("S52.521").needs_7th_character
    r = icd10cm.check("S52.521Z")
    assert r.status is CodeStatus.UNKNOWN and "7th character Z" in r.message
    assert icd10cm.is_valid("T36.0X1A")
    assert not icd10cm.is_valid("T36.01A")
    hint = icd10cm.check("S00.00A")
    assert "S00.00XA" in hint.message
    c = icd10cm.get("S52.521A")
    assert c.seventh_character is not None and c.seventh_character.source == "S52.52"
    assert [s.char for s in c.seventh_characters] == ["A", "D", "G", "K", "P", "S"]


def test_s06_do_not_apply_instruction() -> None:
    # the tabular: 7th characters D and S do not apply to S06 codes with 6th character 7 or 8
    assert icd10cm.is_valid("S06.1X7A")
    assert not icd10cm.is_valid("S06.1X7D")
    assert icd10cm.is_valid("S06.1X1D")


def test_u071_in_every_edition() -> None:
    for day in (D(2024, 1, 1), D(2025, 1, 1), D(2026, 1, 1)):
        assert icd10cm.is_valid("U07.1", as_of=day)


def test_notes_inherited_from_category_block_and_chapter() -> None:
    notes = icd10cm.get("S52.521A").notes
    assert [(n.text, n.source) for n in notes.excludes1] == [
        ("traumatic amputation of forearm (S58.-)", "S52")
    ]
    assert any(n.source == "chapter 19" for n in notes.excludes2)
    assert notes.inclusion_terms == ()
    own = icd10cm.get("A00.0").notes
    assert [n.text for n in own.inclusion_terms] == ["Classical cholera"]
    # flat-file editions carry no notes
    assert icd10cm.get("A00.0", as_of=D(2025, 1, 1)).notes.inclusion_terms == ()


def test_lookup_suggests_near_codes() -> None:
    with pytest.raises(CodeNotFound) as info:
        icd10cm.lookup("E11.99")
    assert info.value.suggestions[0] == "E11.9"
    assert "did you mean" in str(info.value)
    with pytest.raises(InvalidCodeFormat):
        icd10cm.lookup("nonsense!")


def test_get_default_and_forms() -> None:
    marker = object()
    assert icd10cm.get("E11.99", default=marker) is marker
    assert icd10cm.get("e119") is icd10cm.get(" E11.9 ")
    assert icd10cm.get(None) is None  # type: ignore[arg-type]


def test_dates_before_and_after_the_editions() -> None:
    with pytest.raises(EditionNotFound) as info:
        icd10cm.lookup("E11.9", as_of=D(2014, 1, 1))
    assert "icd9cm" in str(info.value) and info.value.available == ("FY2024", "FY2025", "FY2026", "FY2027")
    with pytest.raises(EditionNotFound) as info2:
        icd10cm.lookup("E11.9", as_of=D(2020, 1, 1))
    assert "icd9cm" not in str(info2.value)
    assert icd10cm.check("E11.9", as_of=D(2014, 1, 1)).status is CodeStatus.NO_EDITION
    assert not icd10cm.is_valid("E11.9", as_of=D(2014, 1, 1))
    with pytest.warns(EditionWarning, match="after the newest"):
        r = icd10cm.check("E11.9", as_of=D(2027, 11, 1))
    assert r.ok and r.edition == "FY2027"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert icd10cm.get("E11.9", as_of=D(2026, 9, 30)).edition.id == "FY2026"


def test_as_of_accepts_datetime_and_iso_string() -> None:
    assert icd10cm.get("G35", as_of="2025-06-01").billable
    assert icd10cm.get("G35", as_of=datetime.datetime(2025, 6, 1, 9, 30)).billable
    with pytest.raises(ValueError):
        icd10cm.get("G35", as_of="June 1")
    with pytest.raises(TypeError):
        icd10cm.get("G35", as_of=20250601)


def test_code_set_by_edition_and_hierarchy() -> None:
    cs = icd10cm.code_set("FY2025")
    assert cs.edition.effective == D(2024, 10, 1) and cs.edition.end == D(2025, 9, 30)
    assert "G35" in cs and "E11.A" not in cs
    assert [c.code for c in cs.ancestors("S52.521A")] == ["S52.521", "S52.52", "S52.5", "S52"]
    assert cs.parent("E11") is None
    assert icd10cm.code_set(as_of=D(2024, 5, 1)).edition.id == "FY2024"
    with pytest.raises(TypeError):
        icd10cm.code_set("FY2025", as_of=D(2025, 1, 1))
    with pytest.raises(EditionNotFound):
        icd10cm.code_set("FY1999")
    with pytest.raises(CodeNotFound):
        cs.children("E11.99")


def test_short_descriptions_come_from_the_order_files() -> None:
    assert icd10cm.get("E11.9").short_description == "Type 2 diabetes mellitus without complications"
    # new in FY2026: the tabular XML has no short titles, the FY2026 order file has
    e11a = icd10cm.get("E11.A", as_of=D(2026, 1, 1))
    assert e11a.short_description == "Type 2 diabetes mellitus without complications in remission"
    assert icd10cm.get("E11.A", as_of=D(2024, 1, 1)) is None


def test_check_result_equality_and_bool() -> None:
    r = icd10cm.check("E11.9")
    assert r == CodeStatus.VALID and bool(r) and isinstance(r, CheckResult)
    assert r == icd10cm.check("e119") and hash(r) == hash(icd10cm.check("e119"))
    assert not icd10cm.check("E11")


def test_code_objects_pickle_and_are_immutable() -> None:
    c = icd10cm.get("E11.9")
    assert pickle.loads(pickle.dumps(c)) == c
    with pytest.raises(AttributeError):
        c.code = "X"  # type: ignore[misc]
    e = icd10cm.code_set("FY2026").edition
    assert pickle.loads(pickle.dumps(e)) == e


def test_errors_pickle_with_their_data() -> None:
    with pytest.raises(CodeNotFound) as info:
        icd10cm.lookup("E11.99")
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is CodeNotFound and again.suggestions == info.value.suggestions
    assert str(again) == str(info.value) and isinstance(again, CodekitError)


def test_editions_listing() -> None:
    eds = icd10cm.editions()
    assert [e.id for e in eds] == ["FY2024", "FY2025", "FY2026", "FY2027"]
    assert "April 1, 2026" in eds[-2].note and "carried over" in eds[-1].note
    assert all(e.origin == "bundled" for e in eds)


def test_validate_raises_the_precise_error() -> None:
    from codekit.errors import CodeNotBillable

    assert icd10cm.validate(" s52.521a ") == "S52.521A"
    with pytest.raises(InvalidCodeFormat):
        icd10cm.validate("E1")
    with pytest.raises(CodeNotFound) as unknown:
        icd10cm.validate("E11.99")
    assert unknown.value.suggestions[0] == "E11.9"
    with pytest.raises(CodeNotBillable) as header:
        icd10cm.validate("E11")
    assert isinstance(header.value, ValueError) and header.value.edition == "FY2027"
    with pytest.raises(CodeNotBillable, match="7th character"):
        icd10cm.validate("S52.521")
    with pytest.raises(CodeInactive):
        icd10cm.validate("E11.A", as_of=D(2025, 6, 1))
    with pytest.raises(EditionNotFound):
        icd10cm.validate("E11.9", as_of=D(2014, 1, 1))
