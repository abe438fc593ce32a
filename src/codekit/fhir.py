"""HL7 FHIR R4 Claim resources from claims.

:func:`claim_to_fhir` gives a plain dict (the JSON shape of a FHIR R4 ``Claim``,
``type`` professional) with the parties it refers to as contained resources (Patient,
Organization or Practitioner, Coverage, RelatedPerson, Location, ServiceRequest for the
referral). Codes carry their system URIs: ICD-10-CM diagnoses
``http://hl7.org/fhir/sid/icd-10-cm`` (dotted), CPT ``http://www.ama-assn.org/go/cpt``,
HCPCS ``https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets``, NDC, NPI, place of
service, provider taxonomy. Amounts and quantities are :class:`~decimal.Decimal` (FHIR
decimals); :func:`to_json` writes them as exact JSON numbers. It needs nothing beyond
codekit; :func:`claim_to_resource` validates the result as a ``fhir.resources`` R4B
``Claim`` (``pip install codekit[fhir]``).

>>> import datetime
>>> from codekit.claims import Claim, Patient, Payer, Provider, ServiceLine, Subscriber
>>> claim = Claim(patient_control_number="PCN1001", place_of_service="11",
...     patient=Patient(last_name="DOE", first_name="JANE", sex="F"),
...     subscriber=Subscriber(relationship="18", member_id="XYZ123456789"),
...     payer=Payer(name="MEDICARE", payer_id="04412"),
...     billing_provider=Provider(npi="1234567893", organization_name="MAIN STREET CLINIC"),
...     diagnoses=["E119", "I10"],
...     lines=[ServiceLine(code="99214", modifiers=["25"], charge="165.00",
...                        diagnosis_pointers=[1, 2], service_date=datetime.date(2026, 6, 15))])
>>> r = claim_to_fhir(claim, created=datetime.date(2026, 6, 16))
>>> r["resourceType"], r["type"]["coding"][0]["code"], r["total"]
('Claim', 'professional', {'value': Decimal('165.00'), 'currency': 'USD'})
>>> r["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]
{'system': 'http://hl7.org/fhir/sid/icd-10-cm', 'code': 'E11.9'}
>>> r["item"][0]["productOrService"]["coding"][0], r["item"][0]["diagnosisSequence"]
({'system': 'http://www.ama-assn.org/go/cpt', 'code': '99214'}, [1, 2])
>>> to_json(r["total"])
'{"value": 165.00, "currency": "USD"}'
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from typing import Any

from ._normalize import dotted
from .claims.model import Address, Claim, Patient, Provider, ServiceLine, Subscriber
from .errors import ClaimNotWritable

__all__ = ["SYSTEMS", "claim_to_fhir", "claim_to_resource", "to_json"]

#: The code system URIs used.
SYSTEMS = {
    "icd10cm": "http://hl7.org/fhir/sid/icd-10-cm",
    "cpt": "http://www.ama-assn.org/go/cpt",
    "hcpcs": "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    "ndc": "http://hl7.org/fhir/sid/ndc",
    "npi": "http://hl7.org/fhir/sid/us-npi",
    "ein": "urn:oid:2.16.840.1.113883.4.4",
    "ssn": "http://hl7.org/fhir/sid/us-ssn",
    "pos": "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
    "taxonomy": "http://nucc.org/provider-taxonomy",
    "claim-type": "http://terminology.hl7.org/CodeSystem/claim-type",
    "priority": "http://terminology.hl7.org/CodeSystem/processpriority",
    "related": "http://terminology.hl7.org/CodeSystem/related-claim-relationship",
    "careteam-role": "http://terminology.hl7.org/CodeSystem/claimcareteamrole",
    "relationship": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
    "identifier-type": "http://terminology.hl7.org/CodeSystem/v2-0203",
}

_GENDER = {"F": "female", "M": "male", "U": "unknown"}
# X12 individual relationship code -> FHIR subscriber-relationship
_RELATIONSHIP = {"18": "self", "01": "spouse", "19": "child", "53": "common"}


def _coding(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": SYSTEMS[system], "code": code}]}


def _money(value: Decimal) -> dict[str, Any]:
    return {"value": value, "currency": "USD"}


def _address(a: Address | None) -> list[dict[str, Any]]:
    if a is None:
        return []
    out: dict[str, Any] = {}
    lines = [x for x in (a.line1, a.line2) if x]
    if lines:
        out["line"] = lines
    for key, value in (("city", a.city), ("state", a.state), ("postalCode", a.postal_code)):
        if value:
            out[key] = value
    return [out] if out else []


def _human_name(p: Patient | Subscriber | Provider) -> list[dict[str, Any]]:
    name: dict[str, Any] = {}
    if p.last_name:
        name["family"] = p.last_name
    given = [x for x in (p.first_name, p.middle_name) if x]
    if given:
        name["given"] = given
    if p.suffix:
        name["suffix"] = [p.suffix]
    return [name] if name else []


def _person(kind: str, rid: str, p: Patient | Subscriber) -> dict[str, Any]:
    r: dict[str, Any] = {"resourceType": kind, "id": rid}
    if isinstance(p, Patient) and p.member_id:
        r["identifier"] = [{"type": _coding("identifier-type", "MB"), "value": p.member_id}]
    for key, value in (("name", _human_name(p)), ("address", _address(p.address))):
        if value:
            r[key] = value
    if p.sex in _GENDER:
        r["gender"] = _GENDER[p.sex]
    if p.birth_date is not None:
        r["birthDate"] = p.birth_date.isoformat()
    return r


def _provider(rid: str, p: Provider) -> dict[str, Any]:
    organization = p.organization_name is not None
    r: dict[str, Any] = {"resourceType": "Organization" if organization else "Practitioner",
                         "id": rid}
    ids = []
    if p.npi:
        ids.append({"system": SYSTEMS["npi"], "value": p.npi})
    if p.tax_id:
        ids.append({"system": SYSTEMS["ssn" if p.tax_id_type == "SY" else "ein"],
                    "value": p.tax_id})
    if ids:
        r["identifier"] = ids
    if organization:
        r["name"] = p.organization_name
    elif _human_name(p):
        r["name"] = _human_name(p)
    if _address(p.address):
        r["address"] = _address(p.address)
    return r


def _item(line: ServiceLine, n: int, care_team: dict[Provider, int],
          claim_pos: str | None) -> dict[str, Any]:
    system = line.code_system or "cpt"
    item: dict[str, Any] = {"sequence": n}
    if line.rendering_provider is not None and line.rendering_provider in care_team:
        item["careTeamSequence"] = [care_team[line.rendering_provider]]
    if line.diagnosis_pointers:
        item["diagnosisSequence"] = list(line.diagnosis_pointers)
    item["productOrService"] = _coding(system, line.normalized_code)
    if line.modifiers:
        item["modifier"] = [_coding("cpt" if m.isdigit() else "hcpcs", m)
                            for m in line.normalized_modifiers]
    if line.service_date is not None:
        end = line.service_date_to
        if end is None or end == line.service_date:
            item["servicedDate"] = line.service_date.isoformat()
        else:
            item["servicedPeriod"] = {"start": line.service_date.isoformat(),
                                      "end": end.isoformat()}
    pos = line.place_of_service or claim_pos
    if pos:
        item["locationCodeableConcept"] = _coding("pos", pos)
    quantity: dict[str, Any] = {"value": line.units}
    if line.unit_basis == "MJ":
        quantity.update(unit="minutes", system="http://unitsofmeasure.org", code="min")
    item["quantity"] = quantity
    if line.charge is not None:
        item["net"] = _money(line.charge)
    if line.ndc:
        detail: dict[str, Any] = {"sequence": 1, "productOrService": _coding("ndc", line.ndc)}
        if line.ndc_quantity is not None:
            detail["quantity"] = {"value": line.ndc_quantity}
            if line.ndc_unit:
                detail["quantity"]["unit"] = line.ndc_unit
        item["detail"] = [detail]
    return item


def claim_to_fhir(claim: Claim, *, created: datetime.date | None = None) -> dict[str, Any]:
    """A FHIR R4 ``Claim`` (use ``claim``, type ``professional``) as a dict.

    ``created`` (default: today) is the resource's creation date. A replacement or void
    (frequency 7 or 8) refers to the original claim in ``related`` (relationship
    ``prior``); a void's status is ``cancelled``. Raises
    :class:`~codekit.errors.ClaimNotWritable` when the claim lacks what a FHIR Claim
    requires (a patient, a billing provider, a payer).
    """
    problems = [f"{name}: required" for name in ("patient", "billing_provider", "payer")
                if getattr(claim, name) is None]
    if problems:
        raise ClaimNotWritable("cannot make a FHIR Claim: " + "; ".join(problems),
                               problems=tuple(problems))
    patient, payer, billing = claim.patient, claim.payer, claim.billing_provider
    assert patient is not None and payer is not None and billing is not None
    sub = claim.subscriber
    contained = [_person("Patient", "patient", patient), _provider("billing", billing)]
    payer_org: dict[str, Any] = {"resourceType": "Organization", "id": "payer"}
    if payer.payer_id:
        payer_org["identifier"] = [{"value": payer.payer_id}]
    if payer.name:
        payer_org["name"] = payer.name
    if _address(payer.address):
        payer_org["address"] = _address(payer.address)
    contained.append(payer_org)
    coverage: dict[str, Any] = {"resourceType": "Coverage", "id": "coverage", "status": "active",
                                "beneficiary": {"reference": "#patient"},
                                "payor": [{"reference": "#payer"}]}
    if sub is not None:
        if sub.relationship == "18":
            coverage["subscriber"] = {"reference": "#patient"}
        elif sub.last_name or sub.first_name:
            person = _person("RelatedPerson", "subscriber", sub)
            person["patient"] = {"reference": "#patient"}
            contained.append(person)
            coverage["subscriber"] = {"reference": "#subscriber"}
        if sub.member_id:
            coverage["subscriberId"] = sub.member_id
        if sub.relationship:
            coverage["relationship"] = _coding(
                "relationship", _RELATIONSHIP.get(sub.relationship, "other"))
        if sub.group_number or sub.group_name:
            group: dict[str, Any] = {"type": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                "code": "group"}]}, "value": sub.group_number or sub.group_name}
            if sub.group_name:
                group["name"] = sub.group_name
            coverage["class"] = [group]
    contained.append(coverage)

    resource: dict[str, Any] = {"resourceType": "Claim", "contained": contained}
    if claim.patient_control_number:
        resource["identifier"] = [{"type": _coding("identifier-type", "FILL"),
                                   "value": claim.patient_control_number}]
    resource["status"] = "cancelled" if claim.frequency_code == "8" else "active"
    resource["type"] = _coding("claim-type", "professional")
    resource["use"] = "claim"
    resource["patient"] = {"reference": "#patient"}
    dates = [d for line in claim.lines for d in (line.service_date, line.service_date_to) if d]
    if dates:
        resource["billablePeriod"] = {"start": min(dates).isoformat(), "end": max(dates).isoformat()}
    resource["created"] = (created or datetime.date.today()).isoformat()
    resource["provider"] = {"reference": "#billing"}
    resource["priority"] = _coding("priority", "normal")
    if claim.frequency_code in ("7", "8") and claim.original_claim_id:
        resource["related"] = [{"claim": {"identifier": {"value": claim.original_claim_id}},
                                "relationship": _coding("related", "prior")}]
    if claim.referring_provider is not None:
        contained.append(_provider("referring", claim.referring_provider))
        contained.append({"resourceType": "ServiceRequest", "id": "referral", "status": "active",
                          "intent": "order", "subject": {"reference": "#patient"},
                          "requester": {"reference": "#referring"}})
        resource["referral"] = {"reference": "#referral"}
    if claim.service_facility is not None:
        fac = claim.service_facility
        location: dict[str, Any] = {"resourceType": "Location", "id": "facility"}
        if fac.npi:
            location["identifier"] = [{"system": SYSTEMS["npi"], "value": fac.npi}]
        if fac.organization_name:
            location["name"] = fac.organization_name
        if _address(fac.address):
            location["address"] = _address(fac.address)[0]
        contained.append(location)
        resource["facility"] = {"reference": "#facility"}
    team, care_team = _care_team(claim, contained)
    if team:
        resource["careTeam"] = team
    resource["diagnosis"] = [
        {"sequence": i, "diagnosisCodeableConcept": _coding("icd10cm", dotted(code))}
        for i, code in enumerate(claim.normalized_diagnoses, start=1)]
    insurance: dict[str, Any] = {"sequence": 1, "focal": True,
                                 "coverage": {"reference": "#coverage"}}
    if claim.prior_authorization:
        insurance["preAuthRef"] = [claim.prior_authorization]
    resource["insurance"] = [insurance]
    resource["item"] = [_item(line, n, care_team, claim.place_of_service)
                        for n, line in enumerate(claim.lines, start=1)]
    resource["total"] = _money(claim.total_charge)
    return resource


def _care_team(claim: Claim, contained: list[dict[str, Any]]
               ) -> tuple[list[dict[str, Any]], dict[Provider, int]]:
    """The rendering providers (the claim's first, then each line's own) as care team
    members with the role ``primary``."""
    members: dict[Provider, int] = {}
    team = []
    providers = [claim.rendering_provider] + [line.rendering_provider for line in claim.lines]
    for p in providers:
        if p is None or p in members:
            continue
        n = members[p] = len(members) + 1
        rid = f"rendering{n}"
        contained.append(_provider(rid, p))
        member: dict[str, Any] = {"sequence": n, "provider": {"reference": f"#{rid}"},
                                  "role": _coding("careteam-role", "primary")}
        if p.taxonomy:
            member["qualification"] = _coding("taxonomy", p.taxonomy)
        team.append(member)
    return team, members


_MARK = "\u0000codekit-decimal:"
_MARKED = re.compile(r'"\\u0000codekit-decimal:(-?[0-9]+(?:\.[0-9]+)?(?:E[-+]?[0-9]+)?)"')


def to_json(resource: Any, *, indent: int | None = None) -> str:
    """JSON text with each Decimal written as the exact JSON number it holds.

    >>> to_json({"value": Decimal("10.50")})
    '{"value": 10.50}'
    """

    def default(value: object) -> str:
        if isinstance(value, Decimal):
            return _MARK + str(value)
        raise TypeError(f"not JSON serializable: {type(value).__name__}")

    return _MARKED.sub(r"\1", json.dumps(resource, default=default, indent=indent))


def claim_to_resource(claim: Claim, *, created: datetime.date | None = None) -> Any:
    """The claim as a validated ``fhir.resources.R4B.claim.Claim`` (needs the optional
    dependency: ``pip install codekit[fhir]``)."""
    try:
        from fhir.resources.R4B.claim import (  # type: ignore[import-not-found,unused-ignore]
            Claim as FhirClaim,
        )
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "claim_to_resource() needs fhir.resources: pip install codekit[fhir]") from exc
    return FhirClaim.model_validate(claim_to_fhir(claim, created=created))
