"""Hypothesis strategies for the claim models (shared by the claims tests).

``claims()`` and ``encounters()`` draw any model the constructors accept (any text,
any finite decimal); ``x12_claims()`` draws claims an 837P can carry in full (the
characters, lengths and code shapes the X12 standard allows, every part it requires).
"""

from __future__ import annotations

import datetime
import string
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

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
)

# ------------------------------------------------------------------------------------------
# anything the models accept
text = st.text(max_size=12)
opt_text = st.none() | text
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None)
opt_dates = st.none() | st.dates()
modifiers = st.lists(st.text(min_size=2, max_size=2).filter(lambda m: len(m.strip()) == 2),
                     max_size=4)

addresses = st.builds(Address, line1=opt_text, line2=opt_text, city=opt_text, state=opt_text,
                      postal_code=opt_text)
opt_addresses = st.none() | addresses
_person = dict(last_name=opt_text, first_name=opt_text, birth_date=opt_dates, sex=opt_text,
               address=opt_addresses, middle_name=opt_text, suffix=opt_text)
patients = st.builds(Patient, member_id=opt_text, **_person)
subscribers = st.builds(Subscriber, relationship=opt_text, member_id=opt_text,
                        group_number=opt_text, group_name=opt_text, **_person)
payers = st.builds(Payer, name=opt_text, payer_id=opt_text, filing_indicator=opt_text,
                   responsibility=opt_text, address=opt_addresses)
providers = st.builds(Provider, npi=opt_text, organization_name=opt_text, last_name=opt_text,
                      first_name=opt_text, middle_name=opt_text, suffix=opt_text, tax_id=opt_text,
                      taxonomy=opt_text, address=opt_addresses, tax_id_type=opt_text)
opt_providers = st.none() | providers

_service = dict(
    code=st.sampled_from(["99213", "G0439", "J3490", "E11.9", "", "0001U", " 99214 "]) | text,
    modifiers=modifiers,
    units=decimals,
    charge=st.none() | decimals,
    service_date=opt_dates,
    service_date_to=opt_dates,
    place_of_service=opt_text,
    code_system=st.none() | st.sampled_from(["cpt", "hcpcs", "CPT"]),
    unit_basis=opt_text,
    ndc=opt_text,
    ndc_quantity=st.none() | decimals,
    ndc_unit=opt_text,
    rendering_provider=opt_providers,
    control_number=opt_text,
    description=opt_text,
)
service_lines = st.builds(ServiceLine, diagnosis_pointers=st.lists(st.integers(), max_size=5),
                          **_service)
procedures = st.builds(Procedure, linked_diagnoses=st.lists(text, max_size=5), **_service)

_header = dict(
    patient_control_number=opt_text,
    frequency_code=opt_text,
    original_claim_id=opt_text,
    patient=st.none() | patients,
    subscriber=st.none() | subscribers,
    payer=st.none() | payers,
    billing_provider=opt_providers,
    rendering_provider=opt_providers,
    place_of_service=opt_text,
    referring_provider=opt_providers,
    service_facility=opt_providers,
    prior_authorization=opt_text,
    medical_record_number=opt_text,
    signature_on_file=st.booleans(),
    assignment=opt_text,
    benefits_assigned=opt_text,
    release_of_information=opt_text,
    note=opt_text,
)
claims = st.builds(Claim, diagnoses=st.lists(text, max_size=14),
                   lines=st.lists(service_lines, max_size=4), **_header)
encounters = st.builds(Encounter, date_of_service=opt_dates, date_of_service_to=opt_dates,
                       diagnoses=st.lists(text, max_size=14),
                       procedures=st.lists(procedures, max_size=4), **_header)

ALL_MODELS: dict[type, st.SearchStrategy[Any]] = {
    Address: addresses,
    Patient: patients,
    Subscriber: subscribers,
    Payer: payers,
    Provider: providers,
    ServiceLine: service_lines,
    Procedure: procedures,
    Claim: claims,
    Encounter: encounters,
}


# ------------------------------------------------------------------------------------------
# claims an 837P carries in full
_X12_CHARS = string.ascii_uppercase + string.digits + " -.,&'/#()"


def _x12_text(min_size: int = 1, max_size: int = 20) -> st.SearchStrategy[str]:
    return st.text(_X12_CHARS, min_size=min_size, max_size=max_size).map(
        lambda s: s.strip()).filter(lambda s: len(s) >= min_size)


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(string.digits, min_size=n, max_size=n)


_ID = st.text(string.ascii_uppercase + string.digits, min_size=2, max_size=15)
_NPIS = st.sampled_from(["1234567893", "1111111112", "1222222220", "1333333338", "1444444446"])
x12_dates = st.dates(datetime.date(1920, 1, 1), datetime.date(2030, 12, 31))
x12_addresses = st.builds(
    Address,
    line1=_x12_text(1, 30),
    line2=st.none() | _x12_text(1, 30),
    city=_x12_text(2, 20),
    state=st.sampled_from(["TX", "NY", "CA", "IL", "WA"]),
    postal_code=_digits(5) | _digits(9),
)
_names = dict(last_name=_x12_text(1, 20), first_name=st.none() | _x12_text(1, 15),
              middle_name=st.none() | _x12_text(1, 10),
              suffix=st.none() | st.sampled_from(["JR", "SR", "III"]))
_sex = st.sampled_from(["F", "M", "U"])
x12_billing = st.builds(
    Provider,
    npi=_NPIS,
    organization_name=_x12_text(1, 30),
    tax_id=_digits(9),
    tax_id_type=st.sampled_from(["EI", "SY"]),
    taxonomy=st.none() | st.sampled_from(["207Q00000X", "208D00000X", "261QP2300X"]),
    address=x12_addresses,
)
x12_people = st.builds(Provider, npi=st.none() | _NPIS, **_names)
x12_rendering = st.builds(Provider, npi=_NPIS,
                          taxonomy=st.none() | st.just("207Q00000X"), **_names)
x12_facility = st.builds(Provider, npi=st.none() | _NPIS, organization_name=_x12_text(1, 30),
                         address=x12_addresses)
_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
_units = st.decimals(min_value=Decimal(1), max_value=Decimal(99), places=0) | st.sampled_from(
    [Decimal("1.5"), Decimal("0.25")])
_mods = st.lists(st.sampled_from(["25", "59", "RT", "LT", "GT", "95", "26", "TC", "XS", "76"]),
                 max_size=4, unique=True)
_codes = st.sampled_from(["99213", "99214", "G0439", "J1885", "36415", "93000", "97110", "0001U"])


@st.composite
def x12_lines(draw: Any, n_dx: int, claim_pos: str) -> ServiceLine:
    start = draw(x12_dates)
    has_ndc = draw(st.booleans())
    return ServiceLine(
        code=draw(_codes),
        modifiers=draw(_mods),
        units=draw(_units),
        charge=draw(_amounts),
        service_date=start,
        service_date_to=draw(st.none() | st.just(start + datetime.timedelta(days=draw(
            st.integers(1, 5))))),
        place_of_service=draw(st.none() | st.sampled_from(["22", "02"]).filter(
            lambda p: p != claim_pos)),
        unit_basis=draw(st.sampled_from(["UN", "MJ"])),
        ndc=draw(_digits(11)) if has_ndc else None,
        ndc_quantity=draw(_amounts) if has_ndc else None,
        ndc_unit=draw(st.sampled_from(["UN", "ML", "GR", "F2", "ME"])) if has_ndc else None,
        rendering_provider=draw(st.none() | x12_rendering),
        control_number=draw(st.none() | _ID),
        description=draw(st.none() | _x12_text(1, 40)),
        diagnosis_pointers=draw(st.lists(st.integers(1, n_dx), min_size=1, max_size=4,
                                         unique=True)),
    )


_DX = ["E11.9", "I10", "Z00.00", "M54.50", "J45.909", "E78.5", "R07.9", "S52.521A", "F41.1",
       "K21.9", "N39.0", "Z23", "G43.909", "H52.4"]


@st.composite
def x12_claims(draw: Any) -> Claim:
    """A claim that an 837P carries in full (pyx12-clean when written)."""
    pos = draw(st.sampled_from(["11", "12", "19", "49"]))
    dx = draw(st.lists(st.sampled_from(_DX), min_size=1, max_size=12, unique=True))
    self_ = draw(st.booleans())
    member = draw(_ID)
    patient = Patient(
        last_name=draw(_x12_text(1, 20)),
        first_name=draw(st.none() | _x12_text(1, 15)),
        middle_name=draw(st.none() | _x12_text(1, 10)),
        suffix=draw(st.none() | st.just("JR")),
        birth_date=draw(x12_dates),
        sex=draw(_sex),
        address=draw(x12_addresses),
        member_id=(member if self_ else draw(st.none() | _ID)),
    )
    if self_:
        subscriber = Subscriber(relationship="18", member_id=member,
                                group_number=draw(st.none() | _ID),
                                group_name=draw(st.none() | _x12_text(1, 20)))
    else:
        subscriber = Subscriber(
            relationship=draw(st.sampled_from(["01", "19", "20", "21", "39", "40", "53", "G8"])),
            member_id=member,
            group_number=draw(st.none() | _ID),
            group_name=draw(st.none() | _x12_text(1, 20)),
            last_name=draw(_x12_text(1, 20)),
            first_name=draw(st.none() | _x12_text(1, 15)),
            middle_name=draw(st.none() | _x12_text(1, 10)),
            suffix=draw(st.none() | st.just("SR")),
            birth_date=draw(st.none() | x12_dates),
            sex=draw(st.none() | _sex),
            address=draw(st.none() | x12_addresses),
        )
    freq = draw(st.sampled_from(["1", "7", "8"]))
    return Claim(
        patient_control_number=draw(_ID),
        frequency_code=freq,
        original_claim_id=draw(_ID) if freq != "1" else None,
        patient=patient,
        subscriber=subscriber,
        payer=Payer(name=draw(_x12_text(1, 30)), payer_id=draw(_ID),
                    filing_indicator=draw(st.sampled_from(["MB", "MC", "CI", "BL", "16", "HM"])),
                    responsibility=draw(st.sampled_from(["P", "S", "T"])),
                    address=draw(st.none() | x12_addresses)),
        billing_provider=draw(x12_billing),
        rendering_provider=draw(st.none() | x12_rendering),
        place_of_service=pos,
        referring_provider=draw(st.none() | x12_people),
        service_facility=draw(st.none() | x12_facility),
        prior_authorization=draw(st.none() | _ID),
        medical_record_number=draw(st.none() | _ID),
        signature_on_file=draw(st.booleans()),
        assignment=draw(st.sampled_from(["A", "B", "C"])),
        benefits_assigned=draw(st.sampled_from(["Y", "N", "W"])),
        release_of_information=draw(st.sampled_from(["Y", "I"])),
        note=draw(st.none() | _x12_text(1, 60)),
        diagnoses=dx,
        lines=draw(st.lists(x12_lines(len(dx), pos), min_size=1, max_size=6)),
    )
