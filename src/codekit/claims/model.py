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
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs

from .._normalize import clean
from ..errors import InvalidField

__all__ = [
    "Address",
    "Claim",
    "Encounter",
    "Patient",
    "Payer",
    "Procedure",
    "Provider",
    "ServiceLine",
    "Subscriber",
]

_T = TypeVar("_T")

#: metadata key under which each field keeps its check (``check(value, name)``), so that
#: the JSON converter can run every field's check and report every problem at once
CHECK = "codekit.check"


# ------------------------------------------------------------------------------------------
# field checks: check(value, field_name) -> the stored value, or InvalidField
def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_error(value: object, name: str, expected: str) -> InvalidField:
    return InvalidField(
        f"must be {expected}, not {type(value).__name__} {_shown(value)}", field=name, value=value
    )


def _text(value: object, name: str = "") -> str:
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str(value)
    raise _type_error(value, name, "a string")


def _opt_text(value: object, name: str = "") -> str | None:
    if value is None or type(value) is str:
        return value
    return _text(value, name)


def _decimal(value: object, name: str = "") -> Decimal:
    if type(value) is Decimal:
        if not value.is_finite():
            raise InvalidField(f"not a number: {_shown(value)}", field=name, value=value)
        return value
    if isinstance(value, bool):
        raise _type_error(value, name, "a decimal number (a string such as '12.50')")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise InvalidField(
            f"a float cannot hold an exact amount: give a string or a Decimal, not {_shown(value)}",
            field=name,
            value=value,
        )
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or "_" in value:
            raise InvalidField(f"not a number: {_shown(value)}", field=name, value=value)
        return number
    if isinstance(value, Decimal):
        return _decimal(Decimal(value), name)
    raise _type_error(value, name, "a decimal number (a string such as '12.50')")


def _opt_decimal(value: object, name: str = "") -> Decimal | None:
    if value is None:
        return None
    if type(value) is Decimal and value.is_finite():
        return value
    return _decimal(value, name)


def _opt_date(value: object, name: str = "") -> datetime.date | None:
    if value is None or type(value) is datetime.date:
        return value
    if isinstance(value, datetime.datetime):
        raise _type_error(value, name, "a date (not a datetime)")
    if isinstance(value, datetime.date):
        return datetime.date(value.year, value.month, value.day)
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise InvalidField(f"not a date (YYYY-MM-DD): {_shown(value)}", field=name, value=value)
    raise _type_error(value, name, "a date")


def _bool(value: object, name: str = "") -> bool:
    if value is True or value is False:
        return value
    raise _type_error(value, name, "true or false")


def _items(value: object, name: str = "") -> Iterable[Any]:
    if isinstance(value, (list, tuple)):
        return value
    raise _type_error(value, name, "a list")


def _texts(value: object, name: str = "") -> tuple[str, ...]:
    if type(value) is tuple:
        for v in value:
            if type(v) is not str:
                break
        else:
            return value
    return tuple(_text(v, f"{name}[{i}]") for i, v in enumerate(_items(value, name)))


def _modifier(value: object, name: str = "") -> str:
    text = _text(value, name)
    if len(text.strip()) != 2:
        raise InvalidField(f"a modifier is 2 characters, got {_shown(value)}", field=name, value=value)
    return text


def _modifiers(value: object, name: str = "") -> tuple[str, ...]:
    if value == ():
        return ()
    return tuple(_modifier(v, f"{name}[{i}]") for i, v in enumerate(_items(value, name)))


def _int(value: object, name: str = "") -> int:
    if type(value) is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise _type_error(value, name, "a whole number")


def _ints(value: object, name: str = "") -> tuple[int, ...]:
    if type(value) is tuple:
        for v in value:
            if type(v) is not int:
                break
        else:
            return value
    return tuple(_int(v, f"{name}[{i}]") for i, v in enumerate(_items(value, name)))


def _instance(cls: type[_T]) -> Callable[[object, str], _T | None]:
    def check(value: object, name: str = "") -> _T | None:
        if value is None or type(value) is cls or isinstance(value, cls):
            return value
        raise _type_error(value, name, f"a {cls.__name__} or None")

    return check


def _instances(cls: type[_T]) -> Callable[[object, str], tuple[_T, ...]]:
    def check(value: object, name: str = "") -> tuple[_T, ...]:
        if type(value) is tuple:
            for item in value:
                if type(item) is not cls:
                    break
            else:
                return value
        items = tuple(_items(value, name))
        for i, item in enumerate(items):
            if not isinstance(item, cls):
                raise _type_error(item, f"{name}[{i}]", f"a {cls.__name__}")
        return items

    return check


_CODE_SYSTEMS = ("cpt", "hcpcs")


def _code_system(value: object, self: Any) -> str | None:
    if value is None:
        return infer_code_system(self.code)
    return _code_system_value(value)


def infer_code_system(code: str) -> str | None:
    """``"hcpcs"`` for a HCPCS Level II shape (a letter A-V and 4 digits), ``"cpt"`` for
    a CPT shape (4 digits and a digit or F, T, U), else None. Shape only: whether the
    code exists is the scrubber's question.

    >>> infer_code_system("g0439"), infer_code_system("99214"), infer_code_system("0001U")
    ('hcpcs', 'cpt', 'cpt')
    >>> infer_code_system("E11.9") is None
    True
    """
    c = code.upper() if len(code) == 5 else clean(code, "procedure", keep_dots=True)
    if len(c) != 5 or not c[1:4].isdigit():
        return None
    if "A" <= c[0] <= "V" and c[4].isdigit():
        return "hcpcs"
    if c[0].isdigit() and (c[4].isdigit() or c[4] in "FTU"):
        return "cpt"
    return None


def _code_system_value(value: object, name: str = "") -> str | None:
    if value is None:
        return None
    text = _text(value, name).strip().lower()
    if text not in _CODE_SYSTEMS:
        raise InvalidField(f"one of 'cpt', 'hcpcs', got {_shown(value)}", field=name, value=value)
    return text


# ------------------------------------------------------------------------------------------
# field factories: each field carries its check (run by __init__ and by the JSON converter)
def _f(check: Callable[..., Any], default: Any = attrs.NOTHING) -> Any:
    # __init__ calls check(value) without the field name (fast); when it fails,
    # _name_errors runs the checks again with their names to say which field failed
    return attrs.field(default=default, converter=check, metadata={CHECK: check})


def _named(cls: type[Any], kwargs: dict[str, Any]) -> InvalidField | None:
    """The first field check that fails, run with its field name."""
    for a in attrs.fields(cls):
        if a.name in kwargs:
            try:
                a.metadata[CHECK](kwargs[a.name], a.name)
            except InvalidField as exc:
                return exc
    return None


def _name_errors(cls: type[_T]) -> type[_T]:
    """Prefix the class name to the InvalidField raised while building ``cls``."""
    init = cls.__init__
    model = cls.__name__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            init(self, *args, **kwargs)
        except InvalidField as exc:
            if exc.model:
                raise
            exc = _named(cls, kwargs) or exc
            raise InvalidField(exc.problem, field=exc.field, value=exc.value, model=model) from None

    __init__.__doc__ = init.__doc__
    __init__.__wrapped__ = init  # type: ignore[attr-defined]
    cls.__init__ = __init__  # type: ignore[method-assign]
    return cls


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


def _maker(cls: type[_T]) -> Callable[..., _T]:
    """A constructor that takes every field positionally, in field order, and skips the
    checks: only for values taken from objects that passed them already (the mapper
    copies a procedure's validated fields onto a line; the 837P reader's values are
    checked where it builds them). Several times faster than ``__init__``."""
    names = [a.name for a in attrs.fields(cls)]  # type: ignore[arg-type]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    body = []
    for i, name in enumerate(names):
        namespace[f"set{i}"] = getattr(cls, name).__set__
        body.append(f"    set{i}(o, {name})\n")
    src = f"def make({', '.join(names)}):\n    o = new(cls)\n{''.join(body)}    return o\n"
    exec(src, namespace)
    make: Callable[..., _T] = namespace["make"]
    return make

