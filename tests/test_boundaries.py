"""Boundary tests that reach the boundary: the last valid day and the first invalid
day of every dated code, answered by an edition that spans both days.

A termination date in the newest HCPCS file is mostly in the past, so the bundled
quarters never answer the day before and the day after it from the same edition.
Here the official January 2026 file is loaded as an extra edition in force from
2021-01-01 to 2025-09-30 (``hcpcs.load(..., effective=, end=)``, public API), so
every termination and addition inside that span is tested on both of its days, with
``is_valid`` and with ``check`` (status, exact message, dates). The expected dates
come from the file, read by ``oracle_sources`` (not by codekit).

Edition boundaries are tested the same way: on the last day of each edition and the
first day of the next, ``is_valid`` of every code of both editions is compared with
what the two editions say.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from typing import Any

import oracle_sources as src
import pytest

import codekit
from codekit import hcpcs, icd9cm, icd10cm, modifiers, pos
from codekit.status import CodeStatus

DAY = datetime.timedelta(days=1)
SPAN_START = datetime.date(2021, 1, 1)
SPAN_END = datetime.date(2025, 9, 30)
SPAN = "2021-span"
JAN_2026 = "HCPC2026_JAN_ANWEB_01122026.txt.gz"


def _unload(module: Any, edition: str) -> None:
    # Private hook: codekit has no public way yet to remove a loaded edition (issue 9
    # adds one); the tests must not leave the span edition registered for others.
    if edition in {e.id for e in module.editions()}:
        module._REG.remove(edition)


@pytest.fixture(scope="module")
def span() -> Iterator[src.HCPCS]:
    """The January 2026 file as edition "2021-span" (2021-01-01 to 2025-09-30) of
    hcpcs and modifiers; yields the file as the oracle reads it."""
    hcpcs.load(src.source("hcpcs", JAN_2026), edition=SPAN, effective=SPAN_START, end=SPAN_END)
    try:
        assert [e.id for e in hcpcs.editions()] == ["2020", SPAN, "2025-Q4", "2026-Q1"]
        assert SPAN in {e.id for e in modifiers.editions()}
        yield src.hcpcs_text(JAN_2026, "ascii")
    finally:
        _unload(hcpcs, SPAN)
        _unload(modifiers, SPAN)


def _terminations(exp: src.Expected) -> list[tuple[str, datetime.date, datetime.date | None]]:
    """(code, termination, added) with both the termination day and the day after
    inside the span."""
    out = []
    for code, row in exp.rows.items():
        term, added = row["terminated"], row["added"]
        inside = term is not None and term >= SPAN_START and term + DAY <= SPAN_END
        if inside and (added is None or added <= term):
            out.append((code, term, added))
    assert out, "no termination inside the span: the test would pass vacuously"
    return out


def _additions(exp: src.Expected) -> list[tuple[str, datetime.date, datetime.date | None]]:
    """(code, added, terminated) with the day before the addition and the addition day
    inside the span."""
    out = []
    for code, row in exp.rows.items():
        added, term = row["added"], row["terminated"]
        inside = added is not None and added - DAY >= SPAN_START and added <= SPAN_END
        if inside and (term is None or term >= added):
            out.append((code, added, term))
    assert out, "no addition inside the span: the test would pass vacuously"
    return out


# (module, label, which part of the file, terminations, additions inside the span)
DATED = [
    (hcpcs, "HCPCS Level II", "procedures", 402, 1478),
    (modifiers, "HCPCS modifier", "modifiers", 10, 12),
]


@pytest.mark.parametrize(("module", "label", "part", "n_term", "n_add"), DATED,
                         ids=["hcpcs", "modifiers"])
def test_every_termination_on_its_last_valid_and_first_invalid_day(
    span: src.HCPCS, module: Any, label: str, part: str, n_term: int, n_add: int
) -> None:
    cases = _terminations(getattr(span, part))
    assert len(cases) == n_term
    wrong = []
    for code, term, added in cases:
        last, first_bad = term, term + DAY
        if module.is_valid(code, as_of=last) is not True:
            wrong.append((code, "is_valid on the last day", last))
        if module.is_valid(code, as_of=first_bad) is not False:
            wrong.append((code, "is_valid on the day after", first_bad))
        r = module.check(code, as_of=last)
        want = (CodeStatus.VALID, f"{code} is valid in {label} {SPAN} until {term.isoformat()}",
                SPAN, added, term)
        if (r.status, r.message, r.edition, r.valid_from, r.valid_to) != want:
            wrong.append((code, "check on the last day", r))
        r = module.check(code, as_of=first_bad)
        want = (CodeStatus.INACTIVE,
                f"{code} was terminated on {term.isoformat()} ({label} {SPAN}): not valid for "
                "dates of service after that", SPAN, added, term)
        if (r.status, r.message, r.edition, r.valid_from, r.valid_to) != want:
            wrong.append((code, "check on the day after", r))
        obj = module.get(code, as_of=last)
        if (obj.in_effect(last), obj.in_effect(first_bad)) != (True, False):
            wrong.append((code, "in_effect", term))
    assert wrong == []


@pytest.mark.parametrize(("module", "label", "part", "n_term", "n_add"), DATED,
                         ids=["hcpcs", "modifiers"])
def test_every_addition_on_the_day_before_and_its_first_day(
    span: src.HCPCS, module: Any, label: str, part: str, n_term: int, n_add: int
) -> None:
    cases = _additions(getattr(span, part))
    assert len(cases) == n_add
    wrong = []
    for code, added, term in cases:
        before = added - DAY
        if module.is_valid(code, as_of=before) is not False:
            wrong.append((code, "is_valid the day before", before))
        if module.is_valid(code, as_of=added) is not True:
            wrong.append((code, "is_valid on the first day", added))
        r = module.check(code, as_of=before)
        want = (CodeStatus.INACTIVE,
                f"{code} is not in effect yet on {before.isoformat()}: it was added on "
                f"{added.isoformat()} ({label} {SPAN})", SPAN, added, term)
        if (r.status, r.message, r.edition, r.valid_from, r.valid_to) != want:
            wrong.append((code, "check the day before", r))
        r = module.check(code, as_of=added)
        if (r.status, r.edition) != (CodeStatus.VALID, SPAN):
            wrong.append((code, "check on the first day", r))
        obj = module.get(code, as_of=added)
        if (obj.in_effect(before), obj.in_effect(added)) != (False, True):
            wrong.append((code, "in_effect", added))
    assert wrong == []


# ---------------------------------------------------------------------------------------
# edition boundaries: the last day of one edition and the first of the next
def _consecutive() -> list[tuple[str, str, str]]:
    out = []
    for s in codekit.systems():
        eds = [e for e in s.editions if e.origin == "bundled"]
        for old, new in itertools.pairwise(eds):
            if old.end is not None and old.end + DAY == new.effective:
                out.append((s.id, old.id, new.id))
    return out


CONSECUTIVE = _consecutive()


def test_the_consecutive_editions_are_the_expected_ones() -> None:
    # the list below grows when editions are added: nothing here is silently skipped
    for pair in [("icd10cm", "FY2024", "FY2025"), ("icd10cm", "FY2025", "FY2026"),
                 ("hcpcs", "2025-Q4", "2026-Q1"), ("modifiers", "2025-Q4", "2026-Q1")]:
        assert pair in CONSECUTIVE


def _valid_in(module: Any, edition: str, day: datetime.date) -> set[str]:
    """The codes an edition says are valid on ``day``: billable, and for dated systems
    added on or before and not terminated before ``day``."""
    out = set()
    for c in module.code_set(edition):
        if not c.billable:
            continue
        added, term = getattr(c, "added", None), getattr(c, "terminated", None)
        if (added is None or added <= day) and (term is None or day <= term):
            out.add(c.code)
    return out


@pytest.mark.parametrize(("system", "old", "new"), CONSECUTIVE,
                         ids=[f"{s}-{a}-{b}" for s, a, b in CONSECUTIVE])
def test_every_code_on_the_last_and_first_day_of_consecutive_editions(
    system: str, old: str, new: str
) -> None:
    module = getattr(codekit, system)
    last = module.code_set(old).edition.end
    first = module.code_set(new).edition.effective
    assert module.code_set(as_of=last).edition.id == old
    assert module.code_set(as_of=first).edition.id == new
    valid_last, valid_first = _valid_in(module, old, last), _valid_in(module, new, first)
    changed = valid_last ^ valid_first
    assert valid_last and valid_first
    # every pair but the modifiers' changes validity of some code on that day
    assert changed or system == "modifiers", f"{system} {old} -> {new}: nothing changes"
    wrong = []
    for code in sorted(valid_last | valid_first):
        if module.is_valid(code, as_of=last) != (code in valid_last):
            wrong.append((code, last))
        if module.is_valid(code, as_of=first) != (code in valid_first):
            wrong.append((code, first))
    assert wrong == []
    for code in sorted(changed):
        r_last, r_first = module.check(code, as_of=last), module.check(code, as_of=first)
        assert (r_last.edition, r_first.edition) == (old, new), code
        assert (r_last.status is CodeStatus.VALID) == (code in valid_last), (code, r_last)
        assert (r_first.status is CodeStatus.VALID) == (code in valid_first), (code, r_first)


def test_icd10cm_codes_added_and_deleted_at_fy2026_by_name() -> None:
    # G35 (multiple sclerosis) became a header on 2025-10-01; G35.A is new that day
    last, first = datetime.date(2025, 9, 30), datetime.date(2025, 10, 1)
    assert (icd10cm.is_valid("G35", as_of=last), icd10cm.is_valid("G35", as_of=first)) == (
        True, False)
    assert (icd10cm.is_valid("G35.A", as_of=last), icd10cm.is_valid("G35.A", as_of=first)) == (
        False, True)
    r = icd10cm.check("G35.A", as_of=last)
    assert r.status is CodeStatus.INACTIVE
    assert r.message == (
        "G35.A is not in effect on that date: it is not in ICD-10-CM FY2025 (2024-10-01 to "
        "2025-09-30); it exists in FY2026 (2025-10-01 to 2026-09-30), FY2027 (2026-10-01 to "
        "2027-09-30)"
    )


# ---------------------------------------------------------------------------------------
# ICD-9-CM's end and place-of-service effective dates
def test_every_icd9cm_code_on_the_last_day_of_icd9_and_the_first_of_icd10() -> None:
    codes = icd9cm.code_set("v32").codes(billable_only=True)
    assert len(codes) == 14_567
    last, first = datetime.date(2015, 9, 30), datetime.date(2015, 10, 1)
    assert [c for c in codes if not icd9cm.is_valid(c, as_of=last)] == []
    assert [c for c in codes if icd9cm.is_valid(c, as_of=first)] == []
    r = icd9cm.check("250.00", as_of=first)
    assert r.status is CodeStatus.NO_EDITION
    assert r.message == (
        "ICD-9-CM is not in effect for dates of service from 2015-10-01 (ICD-10 replaced "
        "it): 2015-10-01 is outside it; use codekit.icd10cm"
    )


def test_every_place_of_service_on_the_day_before_and_its_effective_day() -> None:
    dated = [c for c in pos.code_set() if c.effective is not None]
    assert len(dated) == 23
    wrong = []
    for c in dated:
        before = c.effective - DAY
        if (pos.is_valid(c.code, as_of=before), pos.is_valid(c.code, as_of=c.effective)) != (
                False, True):
            wrong.append(c.code)
        r = pos.check(c.code, as_of=before)
        want = (f"POS {c.code} ({c.name}) is in effect from {c.effective.isoformat()}, not on "
                f"{before.isoformat()}")
        if (r.status, r.message, r.valid_from) != (CodeStatus.INACTIVE, want, c.effective):
            wrong.append((c.code, r))
    assert wrong == []
