"""The claim models: an :class:`Encounter` (what the coder recorded) and a
:class:`Claim` (what is billed), with their parts.

Every class is a frozen, slotted attrs class built with keyword arguments; the
attribute names are the JSON keys of :mod:`codekit.serialization` (a contract).
The models accept imperfect real-world data: only *local* invariants are enforced
here (types; a modifier is 2 characters; money is never a float), each failure an
:class:`~codekit.errors.InvalidField` naming the field. Everything that depends on
code sets, dates or other fields is a rule of the scrubber, so a user sees every
problem of a claim at once.

Codes keep what the user gave and expose the normalized form:

>>> import datetime
>>> from decimal import Decimal
>>> line = ServiceLine(code=" 99214", modifiers=["25"], charge="165.00",
...                    diagnosis_pointers=[1, 2], service_date=datetime.date(2026, 6, 15))
>>> line.code, line.normalized_code, line.code_system, line.units, line.charge
(' 99214', '99214', 'cpt', Decimal('1'), Decimal('165.00'))
>>> claim = Claim(diagnoses=["e11.9", "I10"], lines=[line,
...     ServiceLine(code="G0439", charge=Decimal("180.00"), diagnosis_pointers=[1])])
>>> claim.normalized_diagnoses, claim.total_charge, claim.lines[1].code_system
(('E119', 'I10'), Decimal('345.00'), 'hcpcs')

Parts that a claim needs but lacks are ``None``; the scrubber reports them:

>>> claim.patient is None, claim.frequency_code
(True, '1')
"""

# the fields are built by _f (attrs.field with the field's check): not a mutable default
# ruff: noqa: RUF009
from __future__ import annotations

import datetime
from decimal import Decimal

import attrs

from .._normalize import clean
from ._fields import (
    CHECK,
    _bool,
    _code_system,
    _code_system_value,
    _decimal,
    _f,
    _instance,
    _instances,
    _ints,
    _modifiers,
    _name_errors,
    _opt_date,
    _opt_decimal,
    _opt_text,
    _text,
    _texts,
    infer_code_system,
)

__all__ = [
    "CHECK",
    "Address",
    "Claim",
    "Encounter",
    "Patient",
    "Payer",
    "Procedure",
    "Provider",
    "ServiceLine",
    "Subscriber",
    "infer_code_system",
]

# ------------------------------------------------------------------------------------------
# parts
@attrs.frozen(kw_only=True)
class Address:
    """A postal address (``postal_code`` is the ZIP or ZIP+4, as given)."""

    line1: str | None = _f(_opt_text, None)
    line2: str | None = _f(_opt_text, None)
    city: str | None = _f(_opt_text, None)
    state: str | None = _f(_opt_text, None)
    postal_code: str | None = _f(_opt_text, None)


_address = _instance(Address)


@attrs.frozen(kw_only=True)
class _Person:
    """The fields a patient and a subscriber share (one definition, one key order)."""

    last_name: str | None = _f(_opt_text, None)
    first_name: str | None = _f(_opt_text, None)
    birth_date: datetime.date | None = _f(_opt_date, None)
    sex: str | None = _f(_opt_text, None)
    """``"F"``, ``"M"`` or ``"U"`` (unknown), as given."""
    address: Address | None = _f(_address, None)
    middle_name: str | None = _f(_opt_text, None)
    suffix: str | None = _f(_opt_text, None)


@attrs.frozen(kw_only=True)
class Patient(_Person):
    """The person who received the services."""

    member_id: str | None = _f(_opt_text, None)
    """The patient's own member id on the insurance card."""


@attrs.frozen(kw_only=True)
class Subscriber(_Person):
    """The insured person (the policy holder) and the policy.

    ``relationship`` is the patient's relationship to the subscriber as an X12 code:
    ``"18"`` self (then the name, birth date, sex and address are the patient's and are
    left empty here), ``"01"`` spouse, ``"19"`` child, ``"20"`` employee, ``"21"``
    unknown, ``"39"`` organ donor, ``"40"`` cadaver donor, ``"53"`` life partner,
    ``"G8"`` other.
    """

    relationship: str | None = _f(_opt_text, None)
    member_id: str | None = _f(_opt_text, None)
    group_number: str | None = _f(_opt_text, None)
    group_name: str | None = _f(_opt_text, None)


@attrs.frozen(kw_only=True)
class Payer:
    """The health plan billed.

    ``filing_indicator`` is the X12 claim filing indicator (``"MB"`` Medicare Part B,
    ``"MC"`` Medicaid, ``"CI"`` commercial, ``"BL"`` Blue Cross/Blue Shield, ...);
    ``responsibility`` is ``"P"`` primary, ``"S"`` secondary, ``"T"`` tertiary.
    """

    name: str | None = _f(_opt_text, None)
    payer_id: str | None = _f(_opt_text, None)
    filing_indicator: str | None = _f(_opt_text, None)
    responsibility: str | None = _f(_opt_text, "P")
    address: Address | None = _f(_address, None)


@attrs.frozen(kw_only=True)
class Provider:
    """A billing, rendering or referring provider, or a service facility: an
    organization (``organization_name``) or a person (``last_name``, ``first_name``).

    ``tax_id`` is the EIN (``tax_id_type`` ``"EI"``) or SSN (``"SY"``); ``taxonomy``
    the provider taxonomy code.
    """

    npi: str | None = _f(_opt_text, None)
    organization_name: str | None = _f(_opt_text, None)
    last_name: str | None = _f(_opt_text, None)
    first_name: str | None = _f(_opt_text, None)
    middle_name: str | None = _f(_opt_text, None)
    suffix: str | None = _f(_opt_text, None)
    tax_id: str | None = _f(_opt_text, None)
    taxonomy: str | None = _f(_opt_text, None)
    address: Address | None = _f(_address, None)
    tax_id_type: str | None = _f(_opt_text, "EI")

    @property
    def is_organization(self) -> bool:
        """True when the provider is named as an organization (X12 entity type 2).

        >>> Provider(organization_name="MAIN STREET CLINIC").is_organization
        True
        """
        return self.organization_name is not None


_patient = _instance(Patient)
_subscriber = _instance(Subscriber)
_payer = _instance(Payer)
_provider = _instance(Provider)


# ------------------------------------------------------------------------------------------
# services: what a service line and an encounter's procedure have in common
_ONE = Decimal(1)


@attrs.frozen(kw_only=True)
class _Service:
    """The fields a :class:`ServiceLine` and a :class:`Procedure` share."""

    code: str = attrs.field(converter=_text, metadata={CHECK: _text})
    """The CPT or HCPCS code, as given."""
    modifiers: tuple[str, ...] = _f(_modifiers, ())
    """Up to four 2-character modifiers, as given, pricing modifiers first."""
    units: Decimal = _f(_decimal, _ONE)
    """Units (or minutes when ``unit_basis`` is ``"MJ"``)."""
    charge: Decimal | None = _f(_opt_decimal, None)
    """The charge for the whole line (all units), not per unit."""
    service_date: datetime.date | None = _f(_opt_date, None)
    service_date_to: datetime.date | None = _f(_opt_date, None)
    """The last date of a service that spans several days, else None."""
    place_of_service: str | None = _f(_opt_text, None)
    """Only when it differs from the claim's (or encounter's) place of service."""
    code_system: str | None = attrs.field(
        default=None,
        converter=attrs.Converter(_code_system, takes_self=True),  # type: ignore[misc]
        metadata={CHECK: _code_system_value},
    )
    """``"cpt"`` or ``"hcpcs"``; inferred from the code's shape when not given."""
    unit_basis: str | None = _f(_opt_text, "UN")
    """``"UN"`` units or ``"MJ"`` minutes (anesthesia)."""
    ndc: str | None = _f(_opt_text, None)
    """The National Drug Code (11 digits, 5-4-2) of a drug billed on the line."""
    ndc_quantity: Decimal | None = _f(_opt_decimal, None)
    ndc_unit: str | None = _f(_opt_text, None)
    """``"UN"`` unit, ``"ML"`` milliliter, ``"GR"`` gram, ``"F2"`` international unit,
    ``"ME"`` milligram."""
    rendering_provider: Provider | None = _f(_provider, None)
    """Only when it differs from the claim's rendering provider."""
    control_number: str | None = _f(_opt_text, None)
    """The line item control number (X12 REF*6R)."""
    description: str | None = _f(_opt_text, None)
    """Free text, for unlisted (not otherwise classified) codes."""

    @property
    def normalized_code(self) -> str:
        """The code stripped and upper-cased (``" g0439 "`` -> ``"G0439"``)."""
        return clean(self.code, "procedure", keep_dots=True)

    @property
    def normalized_modifiers(self) -> tuple[str, ...]:
        """The modifiers stripped and upper-cased."""
        return tuple(m.strip().upper() for m in self.modifiers)


@attrs.frozen(kw_only=True)
class ServiceLine(_Service):
    """One line of a claim (CMS-1500 item 24; X12 loop 2400)."""

    diagnosis_pointers: tuple[int, ...] = _f(_ints, ())
    """1-based positions in the claim's ``diagnoses``, most relevant first, at most 4."""


@attrs.frozen(kw_only=True)
class Procedure(_Service):
    """One procedure of an encounter: the mapper turns it into a :class:`ServiceLine`."""

    linked_diagnoses: tuple[str, ...] = _f(_texts, ())
    """The diagnosis codes the procedure treats, most relevant first."""


_line_items = _instances(ServiceLine)
_procedure_items = _instances(Procedure)


def _lines(value: object, name: str = "") -> tuple[ServiceLine, ...]:
    return _line_items(value, name)


def _procedures(value: object, name: str = "") -> tuple[Procedure, ...]:
    return _procedure_items(value, name)


# ------------------------------------------------------------------------------------------
# claim and encounter: the header fields they share
@attrs.frozen(kw_only=True)
class _Header:
    """The fields a :class:`Claim` and an :class:`Encounter` share."""

    patient_control_number: str | None = _f(_opt_text, None)
    """The practice's id for the claim (X12 CLM01), echoed on the remittance."""
    frequency_code: str | None = _f(_opt_text, "1")
    """``"1"`` original, ``"7"`` replacement, ``"8"`` void (X12 CLM05-3)."""
    original_claim_id: str | None = _f(_opt_text, None)
    """The payer's claim number being replaced or voided (frequency 7 or 8)."""
    patient: Patient | None = _f(_patient, None)
    subscriber: Subscriber | None = _f(_subscriber, None)
    payer: Payer | None = _f(_payer, None)
    billing_provider: Provider | None = _f(_provider, None)
    rendering_provider: Provider | None = _f(_provider, None)
    place_of_service: str | None = _f(_opt_text, None)
    referring_provider: Provider | None = _f(_provider, None)
    service_facility: Provider | None = _f(_provider, None)
    """Where the services were rendered, when not the billing provider's address."""
    prior_authorization: str | None = _f(_opt_text, None)
    medical_record_number: str | None = _f(_opt_text, None)
    signature_on_file: bool = _f(_bool, True)
    """The provider's signature is on file (X12 CLM06; CMS-1500 item 31)."""
    assignment: str | None = _f(_opt_text, "A")
    """Provider accepts assignment: ``"A"`` assigned, ``"B"`` lab services only,
    ``"C"`` not assigned (X12 CLM07; item 27)."""
    benefits_assigned: str | None = _f(_opt_text, "Y")
    """``"Y"``, ``"N"`` or ``"W"`` not applicable (X12 CLM08; item 13)."""
    release_of_information: str | None = _f(_opt_text, "Y")
    """``"Y"`` signed statement on file or ``"I"`` informed consent (X12 CLM09; item 12)."""
    note: str | None = _f(_opt_text, None)
    """A claim note (X12 NTE*ADD; item 19)."""

    @property
    def normalized_diagnoses(self) -> tuple[str, ...]:
        """The diagnosis codes stripped, upper-cased and without the dot."""
        diagnoses: tuple[str, ...] = self.diagnoses  # type: ignore[attr-defined]
        return tuple(clean(d, "ICD-10-CM") for d in diagnoses)


@attrs.frozen(kw_only=True)
class Claim(_Header):
    """A professional claim (CMS-1500; X12 837P). ``diagnoses`` are ICD-10-CM codes,
    first-listed first; ``lines`` point into them."""

    diagnoses: tuple[str, ...] = attrs.field(converter=_texts, metadata={CHECK: _texts})
    lines: tuple[ServiceLine, ...] = attrs.field(converter=_lines, metadata={CHECK: _lines})

    @property
    def total_charge(self) -> Decimal:
        """The sum of the line charges (lines without a charge count as nothing).

        >>> Claim(diagnoses=["I10"], lines=[ServiceLine(code="99213", charge="95.00"),
        ...       ServiceLine(code="81002", charge="12.5")]).total_charge
        Decimal('107.50')
        """
        total = Decimal(0)
        for line in self.lines:
            if line.charge is not None:
                total += line.charge
        return total


@attrs.frozen(kw_only=True)
class Encounter(_Header):
    """A coded encounter: what the coder recorded, before billing. The mapper
    (:func:`codekit.encounter_to_claims`) turns it into claims."""

    date_of_service: datetime.date | None = _f(_opt_date, None)
    date_of_service_to: datetime.date | None = _f(_opt_date, None)
    diagnoses: tuple[str, ...] = attrs.field(converter=_texts, metadata={CHECK: _texts})
    """ICD-10-CM codes in the coder's order (first-listed: the main reason)."""
    procedures: tuple[Procedure, ...] = attrs.field(
        converter=_procedures, metadata={CHECK: _procedures}
    )


for _cls in (Address, Patient, Subscriber, Payer, Provider, ServiceLine, Procedure, Claim,
             Encounter):
    attrs.resolve_types(_cls)
    _name_errors(_cls)
del _cls
