"""JSON for the claim models: the contract shape, strictness, every problem at once,
lossless round trips over generated models."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
from claims_strategies import ALL_MODELS
from hypothesis import given
from hypothesis import strategies as st

from codekit import serialization
from codekit.claims import Address, Claim, Encounter, ServiceLine
from codekit.errors import CodekitError, StructureError

CONTRACT = """
{"patient_control_number": "PCN1001", "frequency_code": "1", "original_claim_id": null,
 "patient": {"last_name": "DOE", "first_name": "JANE", "birth_date": "1961-03-02", "sex": "F",
             "address": {"line1": "100 MAIN ST", "line2": null, "city": "AUSTIN", "state": "TX",
                         "postal_code": "787011234"}, "member_id": "XYZ123456789"},
 "subscriber": {"relationship": "18", "member_id": "XYZ123456789", "group_number": null},
 "payer": {"name": "MEDICARE", "payer_id": "04412", "filing_indicator": "MB"},
 "billing_provider": {"npi": "1234567893", "organization_name": "MAIN STREET CLINIC", "tax_id": "123456789",
                      "taxonomy": "207Q00000X", "address": {"line1": "100 MAIN ST", "city": "AUSTIN",
                      "state": "TX", "postal_code": "787011234"}},
 "rendering_provider": {"npi": "1111111112", "last_name": "SMITH", "first_name": "ANN"},
 "place_of_service": "11",
 "diagnoses": ["E11.9", "I10"],
 "lines": [{"code": "99214", "modifiers": ["25"], "units": "1", "charge": "165.00",
            "diagnosis_pointers": [1, 2], "service_date": "2026-06-15"},
           {"code": "G0439", "modifiers": [], "units": "1", "charge": "180.00",
            "diagnosis_pointers": [1], "service_date": "2026-06-15"}]}
"""


def _subset(small: Any, big: Any) -> bool:
    """Every key/value of ``small`` is in ``big`` (recursively)."""
    if isinstance(small, dict):
        return all(k in big and _subset(v, big[k]) for k, v in small.items())
    if isinstance(small, list):
        return len(small) == len(big) and all(_subset(a, b) for a, b in zip(small, big, strict=True))
    return bool(small == big)


def test_the_contract_json_structures_and_comes_back() -> None:
    data = json.loads(CONTRACT)
    claim = serialization.structure(data, Claim)
    assert claim.total_charge == Decimal("345.00")
    assert claim.patient is not None and claim.patient.birth_date == datetime.date(1961, 3, 2)
    assert claim.lines[1].code_system == "hcpcs" and claim.lines[0].modifiers == ("25",)
    out = serialization.unstructure(claim)
    assert _subset(data, out)  # every contract key and value is in the output
    assert [k for k in out if k in data] == list(data)  # in the contract's order
    assert serialization.structure(out, Claim) == claim
    assert json.loads(serialization.to_json(claim)) == out


def test_unstructured_values_are_json_native_and_money_is_a_string() -> None:
    claim = serialization.structure(json.loads(CONTRACT), Claim)
    out = serialization.unstructure(claim)
    assert out["lines"][0]["charge"] == "165.00" and out["lines"][0]["units"] == "1"
    assert out["lines"][0]["service_date"] == "2026-06-15"
    assert out["lines"][0]["modifiers"] == ["25"] and out["diagnoses"] == ["E11.9", "I10"]

    def walk(v: Any) -> None:
        assert not isinstance(v, (float, Decimal, datetime.date, tuple))
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(out)


def test_every_problem_at_once_with_its_path() -> None:
    data = json.loads(CONTRACT)
    data["lines"].append({"code": "93000", "units": "1", "charge": "30"})
    data["lines"][2]["units"] = "one"
    data["lines"][0]["charge"] = 165.0
    data["lines"][1]["modifiers"] = ["25", "X"]
    data["lines"][1]["service_date"] = "06/15/2026"
    data["patient"]["birth_date"] = "1961-02-30"
    data["patient"]["weight"] = 70
    data["payer"] = "MEDICARE"
    data["diagnoses"][1] = None
    del data["billing_provider"]["address"]["city"]  # optional: not a problem
    data["rendering_provider"]["npi"] = 1111111112
    with pytest.raises(StructureError) as info:
        serialization.structure(data, Claim)
    exc = info.value
    assert isinstance(exc, CodekitError) and isinstance(exc, ValueError)
    assert exc.model == "Claim"
    assert sorted(exc.problems) == sorted([
        "patient.weight: unknown key",
        "patient.birth_date: not a date (YYYY-MM-DD): '1961-02-30'",
        "payer: must be an object, not str",
        "rendering_provider.npi: must be a string, not int 1111111112",
        "diagnoses[1]: must be a string, not NoneType None",
        "lines[0].charge: a float cannot hold an exact amount: give a string or a Decimal, not 165.0",
        "lines[1].modifiers[1]: a modifier is 2 characters, got 'X'",
        "lines[1].service_date: not a date (YYYY-MM-DD): '06/15/2026'",
        "lines[2].units: not a number: 'one'",
    ])
    assert str(exc).startswith("9 problems in the Claim:\n  ")
    for p in exc.problems:
        assert p in str(exc)


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        ({}, ["diagnoses: required", "lines: required"]),
        ([], ["must be an object, not list"]),
        ({"diagnoses": "E11.9", "lines": []}, ["diagnoses: must be a list, not str 'E11.9'"]),
        ({"diagnoses": [], "lines": [{}]}, ["lines[0].code: required"]),
        ({"diagnoses": [], "lines": [{"code": "99213", "diagnosis_pointers": [1, 1.0, True]}]},
         ["lines[0].diagnosis_pointers[1]: must be a whole number, not float 1.0"]),
        ({"diagnoses": [], "lines": [{"code": "99213", "units": "NaN"}]},
         ["lines[0].units: not a number: 'NaN'"]),
        ({"diagnoses": [], "lines": [], "signature_on_file": "Y"},
         ["signature_on_file: must be true or false, not str 'Y'"]),
        ({"diagnoses": [], "lines": "99213"}, ["lines: must be a list, not str"]),
        ({"diagnoses": [], "lines": [], "total_charge": "5"}, ["total_charge: unknown key"]),
    ],
)
def test_malformed_input_problems(data: Any, problems: list[str]) -> None:
    with pytest.raises(StructureError) as info:
        serialization.structure(data, Claim)
    assert list(info.value.problems) == problems


def test_floats_never_become_money() -> None:
    for field in ("charge", "units", "ndc_quantity"):
        with pytest.raises(StructureError, match=f"lines\\[0\\].{field}: a float"):
            serialization.structure({"diagnoses": [], "lines": [{"code": "1", field: 1.1}]}, Claim)
    # an integer is exact: accepted
    c = serialization.structure({"diagnoses": [], "lines": [{"code": "1", "units": 2}]}, Claim)
    assert c.lines[0].units == Decimal(2)


def test_not_json_is_a_structure_error() -> None:
    with pytest.raises(StructureError, match=r"not JSON: .* line 1, column 2"):
        serialization.from_json("{oops", Claim)


def test_encounter_json() -> None:
    e = serialization.from_json(
        '{"date_of_service": "2026-06-15", "diagnoses": ["I10"], "procedures": [{"code": '
        '"99213", "linked_diagnoses": ["I10"]}]}', Encounter)
    assert e.procedures[0].linked_diagnoses == ("I10",) and e.procedures[0].charge is None
    assert serialization.from_json(serialization.to_json(e), Encounter) == e


def test_structure_only_models() -> None:
    with pytest.raises(TypeError):
        serialization.structure({}, dict)


def test_lenient_converter_from_the_factory() -> None:
    conv = serialization.make_converter(forbid_extra_keys=False)
    c = conv.structure({"diagnoses": [], "lines": [{"code": "99213", "x": 1}], "y": 2}, Claim)
    assert c.lines[0].code == "99213"
    assert conv is not serialization.converter
    # a factory converter is independent: a hook on it does not change the shared one
    conv.register_unstructure_hook(Address, lambda a: "addr")
    assert serialization.unstructure(Address()) != "addr"


def test_to_json_is_deterministic_and_ordered() -> None:
    c = serialization.structure(json.loads(CONTRACT), Claim)
    text = serialization.to_json(c)
    assert text == serialization.to_json(serialization.from_json(text, Claim))
    assert text.startswith('{"patient_control_number": "PCN1001", "frequency_code": "1", ')


@pytest.mark.parametrize("cls", list(ALL_MODELS), ids=lambda c: c.__name__)
@given(data=st.data())
def test_json_round_trip_is_lossless(cls: type, data: st.DataObject) -> None:
    obj = data.draw(ALL_MODELS[cls])
    text = serialization.to_json(obj)
    back = serialization.from_json(text, cls)
    assert back == obj
    # lossless down to the representation: the same Decimal digits, the same strings
    assert serialization.to_json(back) == text
    assert attrs.asdict(back, recurse=True) == attrs.asdict(obj, recurse=True)


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["code", "units", "lines", "diagnoses", "charge", "patient", "x"]),
        children, max_size=4),
    max_leaves=12))
def test_structure_is_total_on_junk(junk: Any) -> None:
    """Any parsed JSON: a Claim or one StructureError, never another exception."""
    try:
        serialization.structure(junk, Claim)
    except StructureError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)


def test_service_line_round_trip_keeps_decimal_digits() -> None:
    line = ServiceLine(code="99213", charge=Decimal("1E+2"), units=Decimal("1.50"))
    back = serialization.structure(serialization.unstructure(line), ServiceLine)
    assert str(back.charge) == "1E+2" and str(back.units) == "1.50"
