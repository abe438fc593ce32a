"""FHIR R4 Claim resources, validated with fhir.resources (its R4B Claim model)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
from claims_strategies import x12_claims
from fhir.resources.R4B.claim import Claim as FhirClaim
from hypothesis import given, settings

from codekit import fhir
from codekit._normalize import dotted
from codekit.claims import Claim, Provider, ServiceLine
from codekit.errors import ClaimNotWritable

CREATED = datetime.date(2026, 6, 16)
CPT, HCPCS, ICD = fhir.SYSTEMS["cpt"], fhir.SYSTEMS["hcpcs"], fhir.SYSTEMS["icd10cm"]


def _references(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "reference":
                out.append(v)
            else:
                _references(v, out)
    elif isinstance(node, list):
        for x in node:
            _references(x, out)


def check_fhir(claim: Claim, *, created: datetime.date = CREATED) -> dict[str, Any]:
    """Make the resource, validate it with fhir.resources and check what it says."""
    r = fhir.claim_to_fhir(claim, created=created)
    FhirClaim.model_validate(r)  # raises on anything R4B does not accept
    text = fhir.to_json(r)
    FhirClaim.model_validate_json(text)
    exact = json.loads(text, parse_float=Decimal)
    assert Decimal(str(exact["total"]["value"])) == claim.total_charge
    # every reference resolves to a contained resource
    ids = {c["id"] for c in r["contained"]}
    refs: list[str] = []
    _references(r, refs)
    assert refs and all(ref.startswith("#") and ref[1:] in ids for ref in refs), refs
    assert len(ids) == len(r["contained"])
    assert r["created"] == created.isoformat() and r["type"]["coding"][0]["code"] == "professional"
    # diagnoses: ICD-10-CM, dotted, in order
    assert [(d["sequence"], d["diagnosisCodeableConcept"]["coding"][0]["system"],
             d["diagnosisCodeableConcept"]["coding"][0]["code"]) for d in r["diagnosis"]] == [
        (i, ICD, dotted(code)) for i, code in enumerate(claim.normalized_diagnoses, start=1)]
    # items: one per line with its system, pointers, units and charge
    assert len(r["item"]) == len(claim.lines)
    for item, line in zip(r["item"], claim.lines, strict=True):
        coding = item["productOrService"]["coding"][0]
        assert coding == {"system": HCPCS if line.code_system == "hcpcs" else CPT,
                          "code": line.normalized_code}
        assert item.get("diagnosisSequence", []) == list(line.diagnosis_pointers)
        assert item["quantity"]["value"] == line.units
        assert item.get("net", {}).get("value") == line.charge
        assert [m["coding"][0]["code"] for m in item.get("modifier", [])] == list(
            line.normalized_modifiers)
    assert r["total"]["value"] == sum((i["net"]["value"] for i in r["item"] if "net" in i),
                                      Decimal(0))
    return r


def _base() -> Claim:
    from test_claims_x12 import _claim
    return _claim()


def test_professional_claim_shape() -> None:
    r = check_fhir(_base())
    assert r["status"] == "active" and r["use"] == "claim"
    assert r["patient"] == {"reference": "#patient"} and r["provider"] == {"reference": "#billing"}
    assert r["billablePeriod"] == {"start": "2026-06-15", "end": "2026-06-15"}
    assert r["item"][0]["productOrService"]["coding"][0] == {"system": CPT, "code": "99214"}
    assert r["item"][1]["productOrService"]["coding"][0] == {"system": HCPCS, "code": "G0439"}
    assert r["item"][0]["modifier"] == [{"coding": [{"system": CPT, "code": "25"}]}]
    assert r["item"][0]["locationCodeableConcept"]["coding"][0]["code"] == "11"
    coverage = next(c for c in r["contained"] if c["resourceType"] == "Coverage")
    assert coverage["subscriberId"] == "XYZ123456789" and coverage["subscriber"] == {"reference": "#patient"}
    assert coverage["relationship"]["coding"][0]["code"] == "self"
    billing = next(c for c in r["contained"] if c["id"] == "billing")
    assert billing["resourceType"] == "Organization"
    assert {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"} in billing["identifier"]
    team = r["careTeam"]
    assert team[0]["role"]["coding"][0]["code"] == "primary"
    assert team[0]["qualification"]["coding"][0] == {"system": "http://nucc.org/provider-taxonomy",
                                                     "code": "207Q00000X"}


def test_dependent_void_referral_facility_ndc_and_line_rendering() -> None:
    from test_claims_x12 import HOME

    from codekit.claims import Address, Patient, Subscriber
    other = Provider(npi="1111111112", last_name="LEE", first_name="MAX")
    claim = attrs.evolve(
        _base(), frequency_code="8", original_claim_id="ORIG77", prior_authorization="PA1",
        patient=Patient(last_name="DOE", first_name="SAM", sex="M", address=HOME,
                        birth_date=datetime.date(2018, 9, 4)),
        subscriber=Subscriber(relationship="19", member_id="M1", last_name="DOE",
                              first_name="JANE", group_number="G1", group_name="ACME CORP"),
        referring_provider=Provider(npi="1333333338", last_name="JONES"),
        service_facility=Provider(organization_name="SURGERY CENTER", npi="1444444446",
                                  address=Address(line1="1 A ST", city="AUSTIN", state="TX",
                                                  postal_code="78701")),
        lines=[ServiceLine(code="J1885", units="2", charge="2.50", diagnosis_pointers=[1],
                           service_date=datetime.date(2026, 6, 15), ndc="00409379501",
                           ndc_quantity="1", ndc_unit="ML"),
               ServiceLine(code="97110", modifiers=["GP"], units="45", unit_basis="MJ",
                           charge="126.00", diagnosis_pointers=[2],
                           service_date=datetime.date(2026, 6, 15),
                           service_date_to=datetime.date(2026, 6, 17), rendering_provider=other)])
    r = check_fhir(claim)
    assert r["status"] == "cancelled"
    assert r["related"][0]["claim"]["identifier"]["value"] == "ORIG77"
    assert r["insurance"][0]["preAuthRef"] == ["PA1"]
    kinds = {c["id"]: c["resourceType"] for c in r["contained"]}
    assert kinds["subscriber"] == "RelatedPerson" and kinds["referral"] == "ServiceRequest"
    assert kinds["facility"] == "Location" and kinds["referring"] == "Practitioner"
    coverage = next(c for c in r["contained"] if c["resourceType"] == "Coverage")
    assert coverage["relationship"]["coding"][0]["code"] == "child"
    assert coverage["class"][0]["value"] == "G1" and coverage["class"][0]["name"] == "ACME CORP"
    assert r["item"][0]["detail"][0]["productOrService"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/ndc", "code": "00409379501"}
    assert r["item"][1]["careTeamSequence"] == [2]
    assert r["item"][1]["servicedPeriod"] == {"start": "2026-06-15", "end": "2026-06-17"}
    assert r["item"][1]["quantity"]["code"] == "min"
    assert r["item"][1]["modifier"][0]["coding"][0]["system"] == HCPCS


def test_missing_parts_are_named() -> None:
    with pytest.raises(ClaimNotWritable) as info:
        fhir.claim_to_fhir(Claim(diagnoses=["I10"], lines=[]))
    assert info.value.problems == ("patient: required", "billing_provider: required",
                                   "payer: required")


def test_resource_object_and_exact_decimals() -> None:
    resource = fhir.claim_to_resource(_base(), created=CREATED)
    assert isinstance(resource, FhirClaim) and resource.total.value == Decimal("345.00")
    assert '"total": {"value": 345.00, "currency": "USD"}' in fhir.to_json(
        fhir.claim_to_fhir(_base(), created=CREATED))
    assert fhir.claim_to_fhir(_base())["created"] == datetime.date.today().isoformat()


@settings(max_examples=60)
@given(claim=x12_claims())
def test_generated_claims_make_valid_fhir(claim: Claim) -> None:
    check_fhir(claim)
