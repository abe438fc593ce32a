"""The claim models: construction, local invariants, normalized forms, the shared bases."""

from __future__ import annotations

import datetime
import pickle
import subprocess
import sys
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import codekit
from codekit.claims import (
    Address,
    Claim,
    Encounter,
    Patient,
    Payer,
    Procedure,
    Provider,
    ServiceLine,
    Subscriber,
    infer_code_system,
)
from codekit.claims.model import CHECK
from codekit.errors import CodekitError, InvalidField

MODELS = (Address, Patient, Subscriber, Payer, Provider, ServiceLine, Procedure, Claim, Encounter)


def _contract_claim() -> Claim:
    """The claim of the JSON contract in issue 10, built in Python."""
    address = Address(line1="100 MAIN ST", city="AUSTIN", state="TX", postal_code="787011234")
    return Claim(
        patient_control_number="PCN1001",
        frequency_code="1",
        patient=Patient(
            last_name="DOE",
            first_name="JANE",
            birth_date=datetime.date(1961, 3, 2),
            sex="F",
            address=address,
            member_id="XYZ123456789",
        ),
        subscriber=Subscriber(relationship="18", member_id="XYZ123456789"),
        payer=Payer(name="MEDICARE", payer_id="04412", filing_indicator="MB"),
        billing_provider=Provider(
            npi="1234567893",
            organization_name="MAIN STREET CLINIC",
            tax_id="123456789",
            taxonomy="207Q00000X",
            address=address,
        ),
        rendering_provider=Provider(npi="1111111112", last_name="SMITH", first_name="ANN"),
        place_of_service="11",
        diagnoses=["E11.9", "I10"],
        lines=[
            ServiceLine(
                code="99214",
                modifiers=["25"],
                units="1",
                charge="165.00",
                diagnosis_pointers=[1, 2],
                service_date="2026-06-15",
            ),
            ServiceLine(
                code="G0439",
                units=1,
                charge=Decimal("180.00"),
                diagnosis_pointers=[1],
                service_date=datetime.date(2026, 6, 15),
            ),
        ],
    )


def test_contract_claim_builds_with_the_contract_names() -> None:
    c = _contract_claim()
    assert c.total_charge == Decimal("345.00")
    assert c.lines[0].code_system == "cpt" and c.lines[1].code_system == "hcpcs"
    assert c.lines[0].service_date == datetime.date(2026, 6, 15)
    assert c.lines[0].units == Decimal(1) and isinstance(c.lines[1].units, Decimal)
    assert c.diagnoses == ("E11.9", "I10") and c.normalized_diagnoses == ("E119", "I10")
    assert c.lines[0].diagnosis_pointers == (1, 2)
    assert c.patient is not None and c.patient.member_id == "XYZ123456789"
    assert c.billing_provider is not None and c.billing_provider.is_organization
    assert c.rendering_provider is not None and not c.rendering_provider.is_organization


def test_contract_keys_are_attribute_names() -> None:
    names = {cls: [a.name for a in attrs.fields(cls)] for cls in MODELS}
    claim_keys = ["patient_control_number", "frequency_code", "original_claim_id", "patient",
                  "subscriber", "payer", "billing_provider", "rendering_provider",
                  "place_of_service", "diagnoses", "lines"]
    # the contract's keys, in the contract's order
    assert [n for n in names[Claim] if n in claim_keys] == claim_keys
    assert [n for n in names[ServiceLine] if n in (
        "code", "modifiers", "units", "charge", "diagnosis_pointers", "service_date")] == [
        "code", "modifiers", "units", "charge", "service_date", "diagnosis_pointers"]
    assert names[Patient][:5] == ["last_name", "first_name", "birth_date", "sex", "address"]
    assert {"relationship", "member_id", "group_number"} <= set(names[Subscriber])
    assert names[Payer][:3] == ["name", "payer_id", "filing_indicator"]
    assert {"npi", "organization_name", "tax_id", "taxonomy", "address", "last_name",
            "first_name"} <= set(names[Provider])
    assert names[Address] == ["line1", "line2", "city", "state", "postal_code"]
    for extra in ("referring_provider", "service_facility"):
        assert extra in names[Claim] and extra in names[Encounter]
    for extra in ("service_date_to", "place_of_service", "code_system", "ndc"):
        assert extra in names[ServiceLine]
    assert {"date_of_service", "date_of_service_to", "diagnoses", "procedures"} <= set(
        names[Encounter])
    assert {"code", "modifiers", "units", "linked_diagnoses", "charge", "service_date"} <= set(
        names[Procedure])


def test_shared_bases_one_definition_one_order() -> None:
    """A service line and a procedure share one base (same fields, same order, first);
    so do a claim and an encounter, and a patient and a subscriber."""
    from codekit.claims.model import _Header, _Person, _Service

    for base, subs in ((_Service, (ServiceLine, Procedure)), (_Header, (Claim, Encounter)),
                       (_Person, (Patient, Subscriber))):
        common = [a.name for a in attrs.fields(base)]
        assert len(common) >= 7
        for sub in subs:
            assert issubclass(sub, base)
            assert [a.name for a in attrs.fields(sub)][: len(common)] == common
    line_only = {a.name for a in attrs.fields(ServiceLine)} - {a.name for a in attrs.fields(_Service)}
    proc_only = {a.name for a in attrs.fields(Procedure)} - {a.name for a in attrs.fields(_Service)}
    assert line_only == {"diagnosis_pointers"} and proc_only == {"linked_diagnoses"}


def test_every_part_but_diagnoses_and_lines_may_be_missing() -> None:
    c = Claim(diagnoses=[], lines=[])
    assert c.patient is None and c.payer is None and c.billing_provider is None
    assert c.total_charge == Decimal(0)
    e = Encounter(diagnoses=[], procedures=[])
    assert e.date_of_service is None
    with pytest.raises(TypeError):
        Claim(lines=[])  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Claim(diagnoses=[])  # type: ignore[call-arg]
    assert ServiceLine(code="99213").charge is None


def test_codes_keep_what_was_given_and_expose_the_normalized_form() -> None:
    line = ServiceLine(code=" g0439 ", modifiers=["rt", " 25"])
    assert line.code == " g0439 " and line.normalized_code == "G0439"
    assert line.modifiers == ("rt", " 25") and line.normalized_modifiers == ("RT", "25")
    assert line.code_system == "hcpcs"
    e = Encounter(diagnoses=["e11.9", " I10 "], procedures=[Procedure(code="99213",
                  linked_diagnoses=["e11.9"])])
    assert e.diagnoses == ("e11.9", " I10 ") and e.normalized_diagnoses == ("E119", "I10")


@pytest.mark.parametrize(
    ("code", "system"),
    [("99213", "cpt"), ("0001U", "cpt"), ("0500T", "cpt"), ("1036F", "cpt"), ("G0439", "hcpcs"),
     ("j3490", "hcpcs"), ("A0425", "hcpcs"), ("E11.9", None), ("9921", None), ("W1234", None),
     ("", None), ("ABCDE", None)],
)
def test_code_system_inferred_from_the_shape(code: str, system: str | None) -> None:
    assert infer_code_system(code) == system
    assert ServiceLine(code=code).code_system == system
    assert Procedure(code=code).code_system == system


def test_code_system_given_is_kept_lower_case_and_checked() -> None:
    assert ServiceLine(code="99213", code_system="HCPCS").code_system == "hcpcs"
    assert ServiceLine(code="99213", code_system=None).code_system == "cpt"
    with pytest.raises(InvalidField, match=r"ServiceLine\.code_system: one of 'cpt', 'hcpcs'"):
        ServiceLine(code="99213", code_system="icd10")


@pytest.mark.parametrize(
    ("build", "model", "field", "words"),
    [
        (lambda: ServiceLine(code="99213", modifiers=["25", "X"]), "ServiceLine", "modifiers[1]",
         "a modifier is 2 characters"),
        (lambda: ServiceLine(code="99213", modifiers=["ABC"]), "ServiceLine", "modifiers[0]",
         "2 characters"),
        (lambda: ServiceLine(code="99213", modifiers="25"), "ServiceLine", "modifiers",
         "must be a list"),
        (lambda: ServiceLine(code="99213", charge=165.0), "ServiceLine", "charge", "float"),
        (lambda: ServiceLine(code="99213", units="one"), "ServiceLine", "units", "not a number"),
        (lambda: ServiceLine(code="99213", units="NaN"), "ServiceLine", "units", "not a number"),
        (lambda: ServiceLine(code="99213", units=True), "ServiceLine", "units", "decimal"),
        (lambda: ServiceLine(code=99213), "ServiceLine", "code", "must be a string"),
        (lambda: ServiceLine(code="99213", service_date="06/15/2026"), "ServiceLine",
         "service_date", "not a date"),
        (lambda: ServiceLine(code="99213", service_date=datetime.datetime(2026, 1, 1)),
         "ServiceLine", "service_date", "not a datetime"),
        (lambda: ServiceLine(code="99213", diagnosis_pointers=[1, "2"]), "ServiceLine",
         "diagnosis_pointers[1]", "whole number"),
        (lambda: ServiceLine(code="99213", diagnosis_pointers=[True]), "ServiceLine",
         "diagnosis_pointers[0]", "whole number"),
        (lambda: Claim(diagnoses=["I10", None], lines=[]), "Claim", "diagnoses[1]", "string"),
        (lambda: Claim(diagnoses=[], lines=[{"code": "99213"}]), "Claim", "lines[0]",
         "ServiceLine"),
        (lambda: Claim(diagnoses=[], lines=[], patient=Subscriber()), "Claim", "patient",
         "Patient"),
        (lambda: Claim(diagnoses=[], lines=[], signature_on_file="Y"), "Claim",
         "signature_on_file", "true or false"),
        (lambda: Encounter(diagnoses=[], procedures=[ServiceLine(code="99213")]), "Encounter",
         "procedures[0]", "Procedure"),
        (lambda: Procedure(code="99213", linked_diagnoses="E11.9"), "Procedure",
         "linked_diagnoses", "list"),
        (lambda: Patient(birth_date="1961-02-30"), "Patient", "birth_date", "not a date"),
        (lambda: Address(postal_code=78701), "Address", "postal_code", "string"),
    ],
)
def test_local_invariants_raise_an_error_naming_the_field(
    build: object, model: str, field: str, words: str
) -> None:
    with pytest.raises(InvalidField) as info:
        build()  # type: ignore[operator]
    exc = info.value
    assert isinstance(exc, CodekitError) and isinstance(exc, ValueError)
    assert (exc.model, exc.field) == (model, field)
    assert str(exc).startswith(f"{model}.{field}: ") and words in str(exc)
    assert pickle.loads(pickle.dumps(exc)).field == field


def test_long_values_are_quoted_truncated() -> None:
    with pytest.raises(InvalidField) as info:
        ServiceLine(code="99213", units="9" * 500 + "x")
    assert len(str(info.value)) < 120


def test_money_and_units_are_decimal() -> None:
    line = ServiceLine(code="99213", units="2.5", charge="100")
    assert line.units == Decimal("2.5") and line.charge == Decimal("100")
    assert str(ServiceLine(code="99213", charge="165.00").charge) == "165.00"  # as given


def test_frozen_hashable_picklable() -> None:
    c = _contract_claim()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        c.place_of_service = "22"  # type: ignore[misc]
    assert hash(c) == hash(_contract_claim()) and c == _contract_claim()
    assert pickle.loads(pickle.dumps(c)) == c
    assert attrs.evolve(c, place_of_service="22").place_of_service == "22"
    for cls in MODELS:
        assert not hasattr(cls(**_minimal(cls)), "__dict__")  # slots


def _minimal(cls: type) -> dict[str, object]:
    return {a.name: ([] if a.name in ("diagnoses", "lines", "procedures") else "99213")
            for a in attrs.fields(cls) if a.default is attrs.NOTHING}


def test_every_field_carries_its_check() -> None:
    for cls in MODELS:
        for a in attrs.fields(cls):
            assert callable(a.metadata.get(CHECK)), (cls, a.name)


def test_top_level_exports_are_lazy() -> None:
    assert codekit.Claim is Claim and codekit.Encounter is Encounter
    assert codekit.ServiceLine is ServiceLine and codekit.Procedure is Procedure
    code = "import codekit, sys; print('attrs' in sys.modules); codekit.Claim; print('attrs' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


_junk = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
    st.decimals(allow_nan=True), st.dates(), st.datetimes(),
    st.lists(st.one_of(st.integers(), st.text(max_size=3), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@given(cls=st.sampled_from(MODELS), data=st.data())
def test_construction_is_total_on_junk(cls: type, data: st.DataObject) -> None:
    """Any value for any field: the object builds, or an InvalidField names that field."""
    fields = attrs.fields(cls)
    field = data.draw(st.sampled_from(fields))
    kwargs = _minimal(cls)
    kwargs[field.name] = data.draw(_junk)
    try:
        obj = cls(**kwargs)
    except InvalidField as exc:
        assert exc.model == cls.__name__
        assert exc.field.split("[")[0] == field.name
    else:
        assert getattr(obj, field.name) is not None or kwargs[field.name] is None or (
            field.name == "code_system")
