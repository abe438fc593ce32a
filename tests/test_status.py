"""codekit.status: CodeStatus values and CheckResult's equality, hash, truth and copy,
each stated exactly (these are what validators and claim rules compare against)."""

from __future__ import annotations

import datetime
import pickle

import pytest

from codekit.status import CheckResult, CodeStatus

DAY = datetime.date(2025, 10, 1)


def _result(**changes: object) -> CheckResult:
    values: dict[str, object] = {
        "code": "E11.9", "system": "icd10cm", "status": CodeStatus.VALID,
        "message": "E11.9 is valid in ICD-10-CM FY2026", "edition": "FY2026",
        "valid_from": DAY, "valid_to": datetime.date(2026, 9, 30),
    }
    values.update(changes)
    return CheckResult(**values)  # type: ignore[arg-type]


def test_status_values_are_the_documented_strings() -> None:
    assert {s.name: s.value for s in CodeStatus} == {
        "VALID": "valid",
        "BAD_FORMAT": "bad_format",
        "UNKNOWN": "unknown",
        "NOT_BILLABLE": "not_billable",
        "NEEDS_7TH_CHARACTER": "needs_7th_character",
        "INACTIVE": "inactive",
        "NO_EDITION": "no_edition",
        "NOT_CHECKED": "not_checked",
    }
    assert CodeStatus("not_checked") is CodeStatus.NOT_CHECKED
    assert CodeStatus.VALID == "valid"  # a str enum: compares with its value


def test_fields_and_defaults() -> None:
    r = CheckResult("E11", "icd10cm", CodeStatus.NOT_BILLABLE, "a header")
    assert (r.code, r.system, r.status, r.message, r.edition, r.valid_from, r.valid_to) == (
        "E11", "icd10cm", CodeStatus.NOT_BILLABLE, "a header", None, None, None)
    r = _result()
    assert r.as_dict() == {
        "code": "E11.9", "system": "icd10cm", "status": CodeStatus.VALID,
        "message": "E11.9 is valid in ICD-10-CM FY2026", "edition": "FY2026",
        "valid_from": DAY, "valid_to": datetime.date(2026, 9, 30),
    }


@pytest.mark.parametrize("status", list(CodeStatus))
def test_truth_and_ok_only_for_valid(status: CodeStatus) -> None:
    r = _result(status=status)
    assert bool(r) is (status is CodeStatus.VALID)
    assert r.ok is (status is CodeStatus.VALID)


@pytest.mark.parametrize("field", ["code", "system", "status", "message", "edition",
                                   "valid_from", "valid_to"])
def test_equality_and_hash_use_every_field(field: str) -> None:
    other = {"code": "E11.8", "system": "hcpcs", "status": CodeStatus.UNKNOWN,
             "message": "other", "edition": "FY2025", "valid_from": None, "valid_to": None}
    a, b = _result(), _result()
    assert (a == b) is True and (a != b) is False and hash(a) == hash(b)
    c = _result(**{field: other[field]})
    assert (a != c) is True and (a == c) is False
    assert hash(a) != hash(c)  # (a collision here would be a 1 in 2**64 accident)
    assert len({a, b, c}) == 2


def test_compares_with_its_status_and_not_with_other_things() -> None:
    r = _result(status=CodeStatus.NEEDS_7TH_CHARACTER)
    assert r == CodeStatus.NEEDS_7TH_CHARACTER
    assert (r == CodeStatus.VALID) is False
    assert (r != CodeStatus.VALID) is True
    assert (r == "needs_7th_character") is False  # a plain string is not a status
    assert r.__eq__("E11.9") is NotImplemented
    assert r.__eq__(None) is NotImplemented


def test_replace_changes_only_what_it_is_given() -> None:
    r = _result()
    s = r.replace(message="ok", status=CodeStatus.INACTIVE)
    assert (s.message, s.status) == ("ok", CodeStatus.INACTIVE)
    assert s.as_dict() == {**r.as_dict(), "message": "ok", "status": CodeStatus.INACTIVE}
    assert type(s) is CheckResult
    assert r.message == "E11.9 is valid in ICD-10-CM FY2026"  # the original is unchanged
    assert r.replace() == r


def test_immutable_and_pickles() -> None:
    r = _result()
    with pytest.raises(AttributeError):
        r.message = "changed"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(r)) == r
    assert repr(r).startswith("CheckResult(code='E11.9', system='icd10cm', status=")
