"""Exact answers: the verbs agree with each other on every code of every edition,
``normalize`` agrees with a plain reference implementation, and the messages and
exception classes that are the product are compared whole, not by substring or by
``isinstance``.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import codekit
from codekit import errors, hcpcs, icd10cm
from codekit.status import CodeStatus

GOOD = {CodeStatus.VALID, CodeStatus.NOT_CHECKED}

# the exception class validate() raises for each status (exact classes: CodeInactive
# is a CodeNotFound, so isinstance would not tell them apart)
RAISES = {
    CodeStatus.BAD_FORMAT: errors.InvalidCodeFormat,
    CodeStatus.UNKNOWN: errors.CodeNotFound,
    CodeStatus.NOT_BILLABLE: errors.CodeNotBillable,
    CodeStatus.NEEDS_7TH_CHARACTER: errors.CodeNotBillable,
    CodeStatus.INACTIVE: errors.CodeInactive,
    CodeStatus.NO_EDITION: errors.EditionNotFound,
}


def _editions() -> list[tuple[str, str]]:
    return [(s.id, e.id) for s in codekit.systems() for e in s.editions]


EDITIONS = _editions()


def _near_misses(codes: list[str], every: int) -> list[str]:
    """Every ``every``-th code with its last character changed: mostly not codes."""
    out = []
    for c in codes[::every]:
        last = "Z" if c[-1] != "Z" else "0"
        out.append(c[:-1] + last)
    return out


@pytest.mark.parametrize(("system", "edition"), EDITIONS, ids=[f"{s}-{e}" for s, e in EDITIONS])
def test_is_valid_check_and_validate_agree_on_every_code(system: str, edition: str) -> None:
    mod = getattr(codekit, system)
    cs = mod.code_set(edition)
    day = cs.edition.effective
    codes = cs.codes()
    inputs = codes + _near_misses(codes, 400) + ["", "??", " ", "E11..9"]
    assert len(codes) > 10
    statuses: dict[CodeStatus, int] = {}
    wrong = []
    for code in inputs:
        r = mod.check(code, as_of=day)
        statuses[r.status] = statuses.get(r.status, 0) + 1
        if r.edition not in (edition, None):
            wrong.append((code, "edition", r.edition))
        if mod.is_valid(code, as_of=day) != (r.status in GOOD):
            wrong.append((code, "is_valid", r.status))
        if bool(r) != (r.status is CodeStatus.VALID):
            wrong.append((code, "bool", r.status))
        if r.status in GOOD:
            if mod.validate(code, as_of=day) != r.code:
                wrong.append((code, "validate", r.code))
        elif r.status is not CodeStatus.UNKNOWN or code in inputs[len(codes):][:50]:
            # (unknown codes compute suggestions: only the first 50 near misses)
            try:
                mod.validate(code, as_of=day)
            except errors.CodekitError as exc:
                if type(exc) is not RAISES[r.status] or str(exc) != r.message:
                    wrong.append((code, "validate raised", type(exc).__name__, str(exc)))
            else:
                wrong.append((code, "validate did not raise", r.status))
    assert wrong == []
    # every code of the edition was checked, and was found
    assert statuses.get(CodeStatus.BAD_FORMAT, 0) >= 3
    assert sum(n for s, n in statuses.items() if s is not CodeStatus.BAD_FORMAT) >= len(codes)


def test_not_a_string_is_bad_format_everywhere() -> None:
    for s in codekit.systems():
        mod = getattr(codekit, s.id)
        for value in (None, 119, b"E11.9", ["E11.9"]):
            assert mod.is_valid(value) is False
            assert mod.check(value).status is CodeStatus.BAD_FORMAT
            with pytest.raises(errors.InvalidCodeFormat) as info:
                mod.normalize(value)
            assert type(info.value) is errors.InvalidCodeFormat
            assert str(info.value) == f"{mod.LABEL} code must be a str, not {type(value).__name__}"
            assert (info.value.system, info.value.code) == (s.id, value)


# ---------------------------------------------------------------------------------------
# normalize against a plain reference implementation
BLANKS = " \t\r\n\u00a0"
KEEP_DOTS = {"hcpcs", "modifiers", "cpt", "pos", "claim_frequency"}
"""Systems whose codes never have a dot: a dot is kept (so that E01.00 is not E0100)."""


def reference_normalize(value: str, keep_dots: bool) -> str:
    """Drop blanks (and dots, unless kept), upper-case."""
    out = ""
    for ch in value:
        if ch in BLANKS or (ch == "." and not keep_dots):
            continue
        out += ch
    return out.upper()


SYSTEMS = [s.id for s in codekit.systems()]
code_like = st.text(alphabet="AaEeGgSsTtVvXxZz0123456789. \t\u00a0-/", max_size=12)
any_text = st.text(max_size=12)


@pytest.mark.parametrize("system", SYSTEMS)
@given(value=st.one_of(code_like, any_text))
def test_normalize_equals_the_reference(system: str, value: str) -> None:
    mod = getattr(codekit, system)
    assert mod.normalize(value) == reference_normalize(value, system in KEEP_DOTS)


def test_normalize_examples() -> None:
    assert icd10cm.normalize(" s52.521a\t") == "S52521A"
    assert hcpcs.normalize(" e01.00 ") == "E01.00"
    # the look-ups clean their input the same way (a dot dropped, or kept where codes
    # never have one)
    assert icd10cm.is_valid(" e11.9\u00a0") and icd10cm.get("e 11.9").code == "E11.9"
    assert "e11.9" in icd10cm.code_set() and "E11.9." in icd10cm.code_set()
    assert not hcpcs.is_valid("E01.00") and hcpcs.is_valid(" e0100 ")
    assert hcpcs.get("E01.00") is None and hcpcs.get("e 0100").code == "E0100"


def reference_icd10cm_format(value: str) -> str | None:
    """ICD-10-CM display form: a letter, two letters or digits, up to four more; a dot
    after the third character when there are more. None: not well formed."""
    code = reference_normalize(value, keep_dots=False)
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    if not (3 <= len(code) <= 7 and code[0].isascii() and code[0].isalpha()
            and all(ch in alnum for ch in code)):
        return None
    return code if len(code) == 3 else f"{code[:3]}.{code[3:]}"


# well-formed codes, in any case, with or without the dot: without these, random text
# rarely makes a 3-character category, and a wrong dot there went unseen
icd10cm_like = st.from_regex(r"[A-Za-z][0-9A-Za-z]{2}\.?[0-9A-Za-z]{0,4}", fullmatch=True)


@given(value=st.one_of(icd10cm_like, code_like, any_text))
@example("E11")
@example(" e11.9 ")
@example("S52.521A")
@example("E1")
@example("E11.99999")
def test_icd10cm_format_equals_the_reference(value: str) -> None:
    want = reference_icd10cm_format(value)
    if want is None:
        with pytest.raises(errors.InvalidCodeFormat) as info:
            icd10cm.format(value)
        assert type(info.value) is errors.InvalidCodeFormat
    else:
        assert icd10cm.format(value) == want


# ---------------------------------------------------------------------------------------
# messages that are the product, compared whole
FY2025 = datetime.date(2025, 6, 1)
FY2026 = datetime.date(2026, 6, 1)  # dates pinned: the default is the newest edition


@pytest.mark.parametrize(("code", "as_of", "status", "message"), [
    ("E11", FY2026, CodeStatus.NOT_BILLABLE,
     "E11 is a header in ICD-10-CM FY2026, not billable; use a more specific code: E11.0, "
     "E11.1, E11.2, E11.3, E11.4, E11.5, ..."),
    ("S52.521", FY2026, CodeStatus.NEEDS_7TH_CHARACTER,
     "S52.521 needs a 7th character (ICD-10-CM FY2026): one of A, D, G, K, P, S, e.g. S52.521A"),
    ("T36.0X1", FY2026, CodeStatus.NEEDS_7TH_CHARACTER,
     "T36.0X1 needs a 7th character (ICD-10-CM FY2026): one of A, D, S, e.g. T36.0X1A"),
    # the X-placeholder hint (the code with its placeholder is also among the near
    # codes, so only the whole message shows the hint is there)
    ("S00.00A", FY2026, CodeStatus.UNKNOWN,
     "S00.00A is not a code in any ICD-10-CM edition codekit has (FY2026 in force); with "
     "the X placeholder it is S00.00XA"),
    ("S00.00XZ", FY2026, CodeStatus.UNKNOWN,
     "S00.00XZ is not a code in any ICD-10-CM edition codekit has (FY2026 in force); near "
     "codes: S00.00, S00.00XA, S00.00XD"),
    # "as a header": C50.A exists in FY2026 only, as a header; G35.A only as a code
    ("C50.A", FY2025, CodeStatus.INACTIVE,
     "C50.A is not in effect on that date: it is not in ICD-10-CM FY2025 (2024-10-01 to "
     "2025-09-30); it exists in FY2026 (2025-10-01 to 2026-09-30) as a header, FY2027 (2026-10-01 to "
     "2027-09-30) as a header"),
    ("G35.A", FY2025, CodeStatus.INACTIVE,
     "G35.A is not in effect on that date: it is not in ICD-10-CM FY2025 (2024-10-01 to "
     "2025-09-30); it exists in FY2026 (2025-10-01 to 2026-09-30), FY2027 (2026-10-01 to "
     "2027-09-30)"),
    ("G35", FY2026, CodeStatus.NOT_BILLABLE,
     "G35 is a header in ICD-10-CM FY2026, not billable; use a more specific code: G35.A, "
     "G35.B, G35.C, G35.D (it was billable in FY2024 (2023-10-01 to 2024-09-30), FY2025 "
     "(2024-10-01 to 2025-09-30))"),
    ("E11.9", FY2026, CodeStatus.VALID, "E11.9 is valid in ICD-10-CM FY2026"),
])
def test_icd10cm_check_messages(code: str, as_of: Any, status: CodeStatus, message: str) -> None:
    r = icd10cm.check(code, as_of=as_of)
    assert (r.status, r.message) == (status, message)


@pytest.mark.parametrize(("query", "suggestions"), [
    # near codes: billable codes before headers at the same distance
    ("D04.2X", ("D04.20", "D04.21", "D04.22", "D04.2", "A04.2")),
    ("S06.334Z", ("S06.334", "S06.334A", "S06.334D", "S06.334S", "S06.304A")),
    ("S40.2797", ("S40.279", "S40.279A", "S40.279D", "S40.279S", "S00.279A")),
])
def test_lookup_suggestions_are_exact(query: str, suggestions: tuple[str, ...]) -> None:
    with pytest.raises(errors.CodeNotFound) as info:
        icd10cm.lookup(query, as_of=FY2026)
    assert type(info.value) is errors.CodeNotFound
    assert info.value.suggestions == suggestions
    assert str(info.value) == (
        f"{query} is not in ICD-10-CM FY2026; did you mean {', '.join(suggestions)}?"
    )


def test_hcpcs_messages() -> None:
    r = hcpcs.check("C5271", as_of="2026-01-15")
    assert (r.status, r.message, r.valid_to) == (
        CodeStatus.INACTIVE,
        "C5271 was terminated on 2025-12-31 (HCPCS Level II 2026-Q1): not valid for dates of "
        "service after that",
        datetime.date(2025, 12, 31),
    )
    r = hcpcs.check("E0114", as_of="2026-01-15")
    assert (r.status, r.message) == (CodeStatus.VALID, "E0114 is valid in HCPCS Level II 2026-Q1")
    with pytest.raises(errors.CodeInactive) as info:
        hcpcs.validate("C5271", as_of="2026-01-15")
    assert type(info.value) is errors.CodeInactive
