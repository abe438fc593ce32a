"""The encounter suite (tests/claims_data): realistic encounters mapped to claims, checked
against hand-written expectations, written to 837P (pyx12) and FHIR (fhir.resources)."""

from __future__ import annotations

import datetime
import glob
import json
import os
import sys
from decimal import Decimal
from typing import Any

import pytest
from test_claims_fhir import check_fhir
from test_claims_mapping import _check_invariants
from test_claims_x12 import RECEIVER, SENDER, WHEN, _carried
from x12check import pyx12_problems

from codekit import serialization, x12
from codekit.claims import Encounter, FeeSchedule, MappingResult, encounter_to_claims
from codekit.claims.model import _Header
from codekit.errors import ClaimNotWritable

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "claims_data")
CASES = sorted(glob.glob(os.path.join(DATA, "encounters", "*.json")))
NAMES = [os.path.splitext(os.path.basename(p))[0] for p in CASES]


def _load(name: str) -> tuple[dict[str, Any], Encounter, MappingResult]:
    with open(os.path.join(DATA, "encounters", name + ".json"), encoding="utf-8") as f:
        case = json.load(f)
    encounter = serialization.structure(case["encounter"], Encounter)
    fees = None
    if case["fee_schedule"]:
        fees = FeeSchedule.from_csv(os.path.join(HERE, "fixtures", case["fee_schedule"]))
    return case, encounter, encounter_to_claims(encounter, fee_schedule=fees)


def _mapped_json(result: MappingResult) -> str:
    data = {"claims": serialization.unstructure(list(result.claims)),
            "findings": [f.to_dict() for f in result.findings]}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def test_the_suite_covers_what_it_must() -> None:
    assert len(CASES) >= 20
    cases = [_load(n) for n in NAMES]
    encounters = [e for _, e, _ in cases]
    results = [r for _, _, r in cases]
    assert any(len(e.diagnoses) > 12 for e in encounters)
    assert any(len(e.procedures) > 50 for e in encounters)
    assert any(len(r.claims) > 1 for r in results)
    assert {e.frequency_code for e in encounters} >= {"1", "7", "8"}
    assert any(p.modifiers for e in encounters for p in e.procedures)
    assert any(e.subscriber is not None and e.subscriber.relationship != "18" for e in encounters)
    assert sum(len(r.claims) for r in results) >= 25


@pytest.mark.parametrize("name", NAMES)
def test_encounter_maps_to_the_expected_claims(name: str) -> None:
    case, enc, result = _load(name)
    expected = case["expected"]
    assert [[f.rule, f.path] for f in result.findings] == expected["findings"]
    assert len(result.claims) == len(expected["claims"])
    for claim, want in zip(result.claims, expected["claims"], strict=True):
        assert claim.patient_control_number == want.get(
            "patient_control_number", enc.patient_control_number)
        assert claim.frequency_code == want["frequency_code"]
        assert claim.original_claim_id == want["original_claim_id"]
        assert list(claim.diagnoses) == want["diagnoses"]
        assert claim.total_charge == Decimal(want["total_charge"])
        got = [[x.code, list(x.modifiers), list(x.diagnosis_pointers),
                None if x.charge is None else str(x.charge),
                None if x.service_date is None else x.service_date.isoformat()] for x in claim.lines]
        assert got == want["lines"]
        for a in _Header.__attrs_attrs__:  # type: ignore[attr-defined]
            if a.name != "patient_control_number":
                assert getattr(claim, a.name) == getattr(enc, a.name), a.name
    _check_invariants(enc, result)


@pytest.mark.parametrize("name", NAMES)
def test_mapped_output_is_byte_identical(name: str) -> None:
    _, _, result = _load(name)
    with open(os.path.join(DATA, "mapped", name + ".json"), encoding="utf-8") as f:
        assert _mapped_json(result) == f.read()


@pytest.mark.parametrize("name", NAMES)
def test_encounter_claims_to_837p_pyx12_and_back(name: str) -> None:
    case, _, result = _load(name)
    want = case["expected"]["x12"]
    if want is None:
        assert result.claims == ()
        return
    if want != "writable":
        with pytest.raises(ClaimNotWritable) as info:
            x12.write_837p(result.claims, sender=SENDER, receiver=RECEIVER, created=WHEN)
        assert list(info.value.problems) == want
        return
    text = x12.write_837p(result.claims, sender=SENDER, receiver=RECEIVER, created=WHEN,
                          patient_member_id=True)
    assert pyx12_problems(text) == []
    assert x12.read_837p(text) == [_carried(c) for c in result.claims]


def test_all_writable_claims_in_one_interchange() -> None:
    claims = []
    for name in NAMES:
        case, _, result = _load(name)
        if case["expected"]["x12"] == "writable":
            claims.extend(result.claims)
    assert len(claims) >= 20
    text = x12.write_837p(claims, sender=SENDER, receiver=RECEIVER, created=WHEN,
                          interchange_control_number=606160001, claims_per_transaction=10)
    assert pyx12_problems(text) == []
    back = x12.read_837p(text)
    assert len(back) == len(claims)
    assert [c.total_charge for c in back] == [c.total_charge for c in claims]
    assert text.count("\nST*837*") == -(-len(claims) // 10)


@pytest.mark.parametrize("name", NAMES)
def test_encounter_claims_to_fhir(name: str) -> None:
    _, _, result = _load(name)
    for claim in result.claims:
        check_fhir(claim, created=datetime.date(2026, 3, 20))


def _regen() -> None:
    os.makedirs(os.path.join(DATA, "mapped"), exist_ok=True)
    for name in NAMES:
        _, _, result = _load(name)
        with open(os.path.join(DATA, "mapped", name + ".json"), "w", encoding="utf-8") as f:
            f.write(_mapped_json(result))


if __name__ == "__main__" and "--regen" in sys.argv:
    _regen()
