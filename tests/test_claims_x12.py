"""The 837P writer and reader: structure, pyx12 on every file written, round trips,
missing data, malformed files."""

from __future__ import annotations

import datetime
import os
import random
import time
from decimal import Decimal

import attrs
import pytest
from claims_strategies import x12_claims
from hypothesis import given, settings
from hypothesis import strategies as st
from x12check import pyx12_problems

from codekit import x12
from codekit._normalize import dotted
from codekit.claims import (
    Address,
    Claim,
    Patient,
    Payer,
    Provider,
    ServiceLine,
    Subscriber,
)
from codekit.errors import ClaimNotWritable, CodekitError, X12SyntaxError

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
SENDER = x12.Party(name="MAIN STREET CLINIC", id="MSC001", contact_name="BILLING OFFICE",
                   phone="5125550100", email="billing@example.com")
RECEIVER = x12.Party(name="ACME CLEARINGHOUSE", id="ACMECH")
WHEN = datetime.datetime(2026, 6, 16, 9, 30)
DOS = datetime.date(2026, 6, 15)
OFFICE = Address(line1="100 MAIN ST", line2="SUITE 200", city="AUSTIN", state="TX",
                 postal_code="787011234")
HOME = Address(line1="42 ELM ST", city="ROUND ROCK", state="TX", postal_code="78664")
CLINIC = Provider(npi="1234567893", organization_name="MAIN STREET CLINIC", tax_id="741234567",
                  taxonomy="207Q00000X", address=OFFICE)
SMITH = Provider(npi="1222222220", last_name="SMITH", first_name="ANN", middle_name="B",
                 taxonomy="207Q00000X")


def _claim(**kw: object) -> Claim:
    base: dict[str, object] = dict(
        patient_control_number="PCN1001",
        place_of_service="11",
        patient=Patient(last_name="DOE", first_name="JANE", birth_date=datetime.date(1961, 3, 2),
                        sex="F", address=HOME, member_id="XYZ123456789"),
        subscriber=Subscriber(relationship="18", member_id="XYZ123456789", group_number="GRP1"),
        payer=Payer(name="MEDICARE", payer_id="04412", filing_indicator="MB"),
        billing_provider=CLINIC,
        rendering_provider=SMITH,
        diagnoses=["E11.9", "I10"],
        lines=[ServiceLine(code="99214", modifiers=["25"], charge="165.00",
                           diagnosis_pointers=[1, 2], service_date=DOS),
               ServiceLine(code="G0439", charge="180.00", diagnosis_pointers=[1],
                           service_date=DOS)],
    )
    base.update(kw)
    return Claim(**base)  # type: ignore[arg-type]


def _write(claims: list[Claim], **kw: object) -> str:
    options: dict[str, object] = dict(sender=SENDER, receiver=RECEIVER, created=WHEN)
    options.update(kw)
    text = x12.write_837p(claims, **options)  # type: ignore[arg-type]
    assert pyx12_problems(text) == []  # every file the tests write passes pyx12
    return text


def _segments(text: str) -> list[str]:
    return [s.strip() for s in text.split("~") if s.strip()]


def _carried(claim: Claim) -> Claim:
    """The claim as an 837P carries it: codes normalized (diagnoses dotted), a line's
    place of service and rendering provider only when they differ from the claim's, a
    self subscriber's person in the patient, no DMG for a dependent's subscriber."""
    lines = [attrs.evolve(
        line, code=line.normalized_code, modifiers=line.normalized_modifiers, code_system=None,
        place_of_service=None if line.place_of_service == claim.place_of_service else line.place_of_service,
        rendering_provider=None if line.rendering_provider == claim.rendering_provider
        else line.rendering_provider,
        service_date_to=None if line.service_date_to == line.service_date else line.service_date_to,
    ) for line in claim.lines]
    sub, pat = claim.subscriber, claim.patient
    assert sub is not None and pat is not None
    if sub.relationship == "18":
        member = sub.member_id or pat.member_id
        sub = Subscriber(relationship="18", member_id=member, group_number=sub.group_number,
                         group_name=sub.group_name)
        pat = attrs.evolve(pat, member_id=member)
    else:
        sub = attrs.evolve(sub, birth_date=None, sex=None)
    return attrs.evolve(claim, lines=lines, subscriber=sub, patient=pat,
                        diagnoses=[dotted(d) for d in claim.normalized_diagnoses])


# ------------------------------------------------------------------------------------------
def test_one_claim_envelope_and_loops() -> None:
    text = _write([_claim()])
    segs = _segments(text)
    ids = [s.split("*")[0] for s in segs]
    assert ids == ["ISA", "GS", "ST", "BHT", "NM1", "PER", "NM1", "HL", "PRV", "NM1", "N3", "N4",
                   "REF", "HL", "SBR", "NM1", "N3", "N4", "DMG", "NM1", "CLM", "HI", "NM1", "PRV",
                   "LX", "SV1", "DTP", "LX", "SV1", "DTP", "SE", "GE", "IEA"]
    assert segs[0] == ("ISA*00*          *00*          *ZZ*MSC001         *ZZ*ACMECH         "
                       "*260616*0930*^*00501*000000001*0*P*:")
    assert len(segs[0]) == 105
    assert segs[1] == "GS*HC*MSC001*ACMECH*20260616*0930*1*X*005010X222A1"
    assert segs[2] == "ST*837*0001*005010X222A1"
    assert segs[3] == "BHT*0019*00*1*20260616*0930*CH"
    assert "PER*IC*BILLING OFFICE*TE*5125550100*EM*billing@example.com" in segs
    assert "NM1*85*2*MAIN STREET CLINIC*****XX*1234567893" in segs
    assert "HL*2*1*22*0" in segs and "SBR*P*18*GRP1******MB" in segs
    assert "NM1*IL*1*DOE*JANE****MI*XYZ123456789" in segs
    assert "CLM*PCN1001*345.00***11:B:1*Y*A*Y*Y" in segs
    assert "HI*ABK:E119*ABF:I10" in segs  # ICD-10-CM: ABK then ABF, never BK
    assert "NM1*82*1*SMITH*ANN*B***XX*1222222220" in segs and "PRV*PE*PXC*207Q00000X" in segs
    assert "SV1*HC:99214:25*165.00*UN*1***1:2" in segs and "SV1*HC:G0439*180.00*UN*1***1" in segs
    assert segs.count("DTP*472*D8*20260615") == 2
    assert segs[-3] == f"SE*{len(segs) - 4}*0001"  # ST..SE inclusive
    assert segs[-2:] == ["GE*1*1", "IEA*1*000000001"]
    assert x12.read_837p(text) == [_carried(_claim())]


def test_several_claims_grouped_by_billing_provider_and_dependents() -> None:
    other = attrs.evolve(CLINIC, organization_name="NORTH CLINIC", npi="1333333338")
    child = Patient(last_name="DOE", first_name="JIMMY", birth_date=datetime.date(2015, 8, 9),
                    sex="M", address=HOME, member_id="XYZ123456702")
    parent = Subscriber(relationship="19", member_id="XYZ123456789", group_number="G77",
                        last_name="DOE", first_name="JOHN", address=HOME)
    claims = [
        _claim(),
        _claim(patient_control_number="PCN1002", patient=child, subscriber=parent,
               payer=Payer(name="BLUE PLAN", payer_id="BCBS1", filing_indicator="BL")),
        _claim(patient_control_number="PCN1003", billing_provider=other),
        _claim(patient_control_number="PCN1004"),
    ]
    text = _write(claims, patient_member_id=True)
    segs = _segments(text)
    assert [s for s in segs if s.startswith("HL*")] == [
        "HL*1**20*1", "HL*2*1*22*0", "HL*3*1*22*1", "HL*4*3*23*0",
        "HL*5**20*1", "HL*6*5*22*0", "HL*7**20*1", "HL*8*7*22*0"]
    assert "PAT*19" in segs and "NM1*QC*1*DOE*JIMMY" in segs and "REF*1W*XYZ123456702" in segs
    assert "NM1*IL*1*DOE*JOHN****MI*XYZ123456789" in segs
    assert "SBR*P**G77******BL" in segs
    back = x12.read_837p(text)
    assert back == [_carried(c) for c in claims]
    assert back[1].patient is not None and back[1].patient.member_id == "XYZ123456702"
    # by default the dependent's own id goes only on property and casualty claims
    assert "REF*1W" not in _write(claims)
    casualty = attrs.evolve(claims[1], payer=Payer(name="AUTO INS", payer_id="AUTO1",
                                                   filing_indicator="AM"))
    assert "REF*1W*XYZ123456702" in _write([casualty])


def test_claim_parts_and_line_details() -> None:
    facility = Provider(organization_name="MAIN STREET SURGERY CENTER", npi="1444444446",
                        address=Address(line1="9 OAK AVE", city="AUSTIN", state="TX",
                                        postal_code="78702"))
    referring = Provider(npi="1333333338", last_name="JONES", first_name="KIM")
    other = Provider(npi="1111111112", last_name="LEE", first_name="MAX")
    claim = _claim(
        frequency_code="7", original_claim_id="PAYER123", prior_authorization="AUTH9",
        medical_record_number="MRN55", note="CORRECTED UNITS", referring_provider=referring,
        service_facility=facility, place_of_service="24", signature_on_file=False,
        assignment="C", benefits_assigned="N", release_of_information="I",
        lines=[
            ServiceLine(code="J1885", units="2", charge="2.50", diagnosis_pointers=[1],
                        service_date=DOS, ndc="00409379301", ndc_quantity="30", ndc_unit="ME",
                        control_number="L1", modifiers=["JZ"]),
            ServiceLine(code="j3490", charge="40.00", diagnosis_pointers=[2, 1], service_date=DOS,
                        service_date_to=DOS + datetime.timedelta(days=2), description="UNLISTED DRUG",
                        place_of_service="11", rendering_provider=other, unit_basis="MJ"),
        ])
    text = _write([claim])
    segs = _segments(text)
    for s in ["CLM*PCN1001*42.50***24:B:7*N*C*N*I", "REF*G1*AUTH9", "REF*F8*PAYER123",
              "REF*EA*MRN55", "NTE*ADD*CORRECTED UNITS", "NM1*DN*1*JONES*KIM****XX*1333333338",
              "NM1*77*2*MAIN STREET SURGERY CENTER*****XX*1444444446", "N3*9 OAK AVE",
              "SV1*HC:J1885:JZ*2.50*UN*2***1", "REF*6R*L1", "LIN**N4*00409379301", "CTP****30*ME",
              "SV1*HC:J3490:::::UNLISTED DRUG*40.00*MJ*1*11**2:1",
              "DTP*472*RD8*20260615-20260617", "NM1*82*1*LEE*MAX****XX*1111111112"]:
        assert s in segs, s
    # order inside 2300: CLM, REF..., NTE, HI, then 2310A, 2310B, 2310C
    order = [segs.index(s) for s in ("REF*G1*AUTH9", "REF*F8*PAYER123", "REF*EA*MRN55",
                                     "NTE*ADD*CORRECTED UNITS", "HI*ABK:E119*ABF:I10")]
    assert order == sorted(order)
    assert x12.read_837p(text) == [_carried(claim)]


def test_envelope_options() -> None:
    claims = [_claim(patient_control_number=f"P{k}") for k in range(5)]
    d = x12.Delimiters(element="|", component=">", repetition="!", segment="\\")
    text = x12.write_837p(claims, sender=SENDER, receiver=RECEIVER, created=WHEN,
                          interchange_control_number=123456789, group_control_number=42,
                          transaction_set_control_number=7, production=False,
                          acknowledgment_requested=True, reference_id="BATCH9",
                          claims_per_transaction=2, delimiters=d, line_breaks=False)
    assert "\n" not in text and pyx12_problems(text) == []
    segs = text.split("\\")[:-1]
    assert segs[0].endswith("|123456789|1|T|>") and segs[0][82] == "!"
    assert [s for s in segs if s.startswith("ST|")] == [
        "ST|837|0007|005010X222A1", "ST|837|0008|005010X222A1", "ST|837|0009|005010X222A1"]
    assert [s for s in segs if s.startswith("SE|")][-1] == "SE|" + str(
        len(segs) - 2 - segs.index("ST|837|0009|005010X222A1")) + "|0009"
    assert segs[-2:] == ["GE|3|42", "IEA|1|123456789"]
    assert "BHT|0019|00|BATCH9|20260616|0930|CH" in segs
    assert x12.read_837p(text) == [_carried(c) for c in claims]


def test_missing_data_names_every_field_and_writes_nothing() -> None:
    claim = _claim(billing_provider=attrs.evolve(CLINIC, address=None, tax_id=None),
                   patient=attrs.evolve(_claim().patient, birth_date=None),  # type: ignore[arg-type]
                   lines=[ServiceLine(code="99213", diagnosis_pointers=[1, 3])])
    with pytest.raises(ClaimNotWritable) as info:
        x12.write_837p([_claim(), claim], sender=SENDER, receiver=RECEIVER)
    assert isinstance(info.value, CodekitError) and isinstance(info.value, ValueError)
    assert list(info.value.problems) == [
        "claims[1].billing_provider.address: required",
        "claims[1].billing_provider.tax_id: required",
        "claims[1].patient.birth_date: required",
        "claims[1].lines[0].diagnosis_pointers: [1, 3] do not all point to one of the claim's 2 "
        "diagnoses",
        "claims[1].lines[0].charge: required",
        "claims[1].lines[0].service_date: required",
    ]
    assert "6 problems" in str(info.value)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (dict(place_of_service="30"), "claims[0].place_of_service: '30' is not a place-of-service code"),
        (dict(frequency_code="7"), "claims[0].original_claim_id: required"),
        (dict(frequency_code="2"), "claims[0].frequency_code: '2' is not one of 1, 7, 8"),
        (dict(original_claim_id="X"), "claims[0].original_claim_id: only on a replacement (7) or void (8) claim"),
        (dict(diagnoses=[f"Z{k:02d}" for k in range(13)]), "claims[0].diagnoses: at most 12 in an 837P, got 13"),
        (dict(patient_control_number="P" * 39), "claims[0].patient_control_number: at most 38 characters in an 837P, got 39"),
        (dict(payer=Payer(name="ACME*PLAN", payer_id="A1", filing_indicator="CI")),
         "claims[0].payer.name: contains a delimiter or a character X12 cannot carry (not "
         "printable ASCII): 'ACME*PLAN'"),
        (dict(payer=Payer(name="ACME", payer_id="A1", filing_indicator="XX")),
         "claims[0].payer.filing_indicator: 'XX' is not one of the X12 code list"),
        (dict(subscriber=Subscriber(relationship="02", member_id="M1", last_name="X")),
         "claims[0].subscriber.relationship: '02' is not one of 01, 19, 20, 21, 39, 40, 53, G8"),
        (dict(subscriber=None), "claims[0].subscriber: required"),
        (dict(subscriber=Subscriber(relationship="18", member_id="OTHER1")),
         "claims[0].patient.member_id: differs from the subscriber's, and an 837P carries one "
         "member id when the patient is the subscriber"),
        (dict(subscriber=Subscriber(relationship="18", member_id="XYZ123456789", last_name="ROE")),
         "claims[0].subscriber.last_name: differs from the patient's, who is the subscriber "
         "(relationship 18); leave it empty"),
        (dict(patient=attrs.evolve(_claim().patient, sex="X")),  # type: ignore[arg-type]
         "claims[0].patient.sex: 'X' is not one of F, M, U"),
        (dict(billing_provider=attrs.evolve(CLINIC, address=attrs.evolve(OFFICE, state="ZZ"))),
         "claims[0].billing_provider.address.state: 'ZZ' is not one of the X12 code list"),
        (dict(billing_provider=attrs.evolve(CLINIC, address=attrs.evolve(OFFICE, postal_code="7870"))),
         "claims[0].billing_provider.address.postal_code: 5 or 9 digits in an 837P, got '7870'"),
        (dict(lines=[ServiceLine(code="99213", charge="1", modifiers=["25", "59", "XS", "76", "GT"],
                                 diagnosis_pointers=[1], service_date=DOS)]),
         "claims[0].lines[0].modifiers: at most 4 in an 837P, got 5"),
        (dict(lines=[ServiceLine(code="99213", charge="1", diagnosis_pointers=[1, 2, 1, 2, 1],
                                 service_date=DOS)]),
         "claims[0].lines[0].diagnosis_pointers: at most 4, got 5"),
        (dict(lines=[]), "claims[0].lines: at least one line"),
        (dict(lines=[ServiceLine(code="99213", charge="1", ndc="00409379301", diagnosis_pointers=[1],
                                 service_date=DOS)]),
         "claims[0].lines[0].ndc_quantity: required with an NDC"),
        (dict(referring_provider=Provider(organization_name="REF ORG")),
         "claims[0].referring_provider.last_name: required (this provider is a person in an 837P)"),
    ],
)
def test_unwritable_values(change: dict[str, object], problem: str) -> None:
    with pytest.raises(ClaimNotWritable) as info:
        x12.write_837p([_claim(**change)], sender=SENDER, receiver=RECEIVER)
    assert problem in info.value.problems


def test_envelope_problems() -> None:
    with pytest.raises(ClaimNotWritable) as info:
        x12.write_837p([_claim()], sender=x12.Party(name="X", id="A" * 16),
                       receiver=x12.Party(name="", id="R1"))
    assert set(info.value.problems) >= {
        "sender.id: 2 to 15 characters in an 837P, got 16",
        "sender.phone: a phone or an email is required (X12 PER)", "receiver.name: required"}
    with pytest.raises(ClaimNotWritable, match="claims: at least one claim"):
        x12.write_837p([], sender=SENDER, receiver=RECEIVER)
    with pytest.raises(TypeError):
        x12.write_837p([{"diagnoses": []}], sender=SENDER, receiver=RECEIVER)  # type: ignore[list-item]
    with pytest.raises(ValueError):
        x12.write_837p([_claim()], sender=SENDER, receiver=RECEIVER, interchange_control_number=0)
    with pytest.raises(ValueError):
        x12.Delimiters(element="*", component="*")


@settings(max_examples=25)
@given(claims=st.lists(x12_claims(), min_size=1, max_size=3))
def test_round_trip_keeps_every_field_the_837p_carries(claims: list[Claim]) -> None:
    text = _write(claims, patient_member_id=True)
    assert x12.read_837p(text) == [_carried(c) for c in claims]


# ------------------------------------------------------------------------------------------
# reading files codekit did not write
def test_reads_a_foreign_837p_with_loops_codekit_passes_over() -> None:
    path = os.path.join(FIXTURES, "x12", "foreign_837p.txt")
    with open(path, encoding="ascii") as f:
        text = f.read()
    assert pyx12_problems(text) == []  # a well-formed 837P
    claims = x12.read_837p(text)
    assert [c.patient_control_number for c in claims] == ["26403774A", "26407789"]
    a, b = claims
    assert a.billing_provider is not None and a.billing_provider.organization_name == "BEN KILDARE SERVICE"
    assert a.billing_provider.address == Address(line1="234 SEAWAY ST", city="MIAMI", state="FL",
                                                 postal_code="33111")
    assert a.payer == Payer(name="KEY INSURANCE COMPANY", payer_id="999996666",
                            filing_indicator="CI", responsibility="P")
    assert a.subscriber is not None and a.subscriber.member_id == "JS00111223333"
    assert a.patient is not None and a.patient.last_name == "SMITH"
    assert a.diagnoses == ("J02.9", "Z23")
    assert [(x.code, x.charge, x.diagnosis_pointers) for x in a.lines] == [
        ("99213", Decimal("40"), (1,)), ("87070", Decimal("15"), (1,)),
        ("99214", Decimal("35"), (2,))]
    assert a.total_charge == Decimal("90") and a.frequency_code == "1"
    # b: a dependent, another payer loop (2320/2330) and a line adjudication (2430)
    assert b.subscriber is not None and b.subscriber.relationship == "19"
    assert b.subscriber.last_name == "SMITH" and b.patient is not None
    assert b.patient.first_name == "TED" and b.patient.sex == "M"
    assert b.payer is not None and b.payer.name == "KEY INSURANCE COMPANY"  # not the other payer
    assert b.rendering_provider is not None and b.rendering_provider.npi == "1222222220"
    assert [x.code for x in b.lines] == ["99212"]


@pytest.mark.parametrize(
    ("mutate", "position", "words"),
    [
        (lambda t: "HELLO" + t, 1, "not an X12 interchange"),
        (lambda t: t[:50], 1, "not an X12 interchange"),
        (lambda t: t.replace("IEA*1*000000001~\n", ""), 27, "no trailer"),
        (lambda t: t.replace("SE*24*0001", "SE*23*0001"), 26, "SE01 says '23' segments; the set has 24"),
        (lambda t: t.replace("GE*1*1", "GE*2*1"), 27, "GE01"),
        (lambda t: t.replace("IEA*1*000000001", "IEA*1*000000002"), 28, "IEA02"),
        (lambda t: t.replace("SV1*HC:99214:25*165.00", "SV1*HC:99214:25*1X5.00"), 24, "SV102 is not a number"),
        (lambda t: t.replace("DTP*472*D8*20260615", "DTP*472*D8*20261315"), 25, "not a CCYYMMDD date"),
        (lambda t: t.replace("HL*2*1*22*0", "HL*2*1*99*0"), 14, "HL03 '99'"),
        (lambda t: t.replace("HI*ABK:E119*ABF:I10", "HI*BK:2500*BF:4019"), 22, "ICD-9-CM"),
        (lambda t: t.replace("SV1*HC:99214:25", "SV1*HC:99214:2"), 24, "a modifier is 2 characters"),
        (lambda t: t.replace("CLM*PCN1001*165.00", "CLM*PCN1001*160.00"), 21, "not the sum"),
        (lambda t: t.replace("ST*837", "ST*835"), 3, "not an 837"),
        (lambda t: t.replace("~\nIEA", "~\nXYZ*1~\nIEA"), 28, "outside a transaction set"),
        (lambda t: t + "ISA*00~", 29, "after the interchange trailer"),
        (lambda t: t.replace("LX*1~\nSV1", "LX*1~\nXSV1"), 24, "not a segment id"),
        (lambda t: t.replace("SV1*HC:99214:25*165.00*UN*1***1:2~\n", ""), 23, "without SV1"),
    ],
)
def test_malformed_files_give_the_segment_position(mutate: object, position: int, words: str) -> None:
    text = _write([_claim(rendering_provider=None, lines=_claim().lines[:1])])
    with pytest.raises(X12SyntaxError) as info:
        x12.read_837p(mutate(text))  # type: ignore[operator]
    assert info.value.position == position, str(info.value)
    assert words in str(info.value) and str(info.value).startswith(f"segment {position}")


def test_reader_rejects_non_text() -> None:
    with pytest.raises(X12SyntaxError):
        x12.read_837p(b"\xff\xfe")
    with pytest.raises(TypeError):
        x12.read_837p(None)  # type: ignore[arg-type]
    text = _write([_claim()])
    assert x12.read_837p(text.encode()) == x12.read_837p(text)


_TEXT = None


def _sample() -> str:
    global _TEXT
    if _TEXT is None:
        _TEXT = x12.write_837p([_claim(), _claim(patient_control_number="P2")], sender=SENDER,
                               receiver=RECEIVER, created=WHEN)
    return _TEXT


@settings(max_examples=300)
@given(seed=st.integers(0, 2**32), kind=st.sampled_from(["cut", "drop", "char", "dup", "swap"]))
def test_mutated_files_never_crash_or_hang(seed: int, kind: str) -> None:
    """Any damage gives claims or an X12SyntaxError (never another exception), fast."""
    rnd = random.Random(seed)
    text = _sample()
    segs = text.split("~\n")
    if kind == "cut":
        text = text[: rnd.randrange(len(text))]
    elif kind == "drop":
        del segs[rnd.randrange(len(segs) - 1)]
        text = "~\n".join(segs)
    elif kind == "char":
        i = rnd.randrange(len(text))
        text = text[:i] + rnd.choice("*:~^X9 \n") + text[i + 1:]
    elif kind == "dup":
        i = rnd.randrange(len(segs) - 1)
        segs.insert(i, segs[i])
        text = "~\n".join(segs)
    else:
        i = rnd.randrange(2, len(segs) - 2)
        segs[i], segs[i + 1] = segs[i + 1], segs[i]
        text = "~\n".join(segs)
    start = time.perf_counter()
    try:
        claims = x12.read_837p(text)
    except X12SyntaxError as exc:
        assert exc.position >= 0
    else:
        assert all(isinstance(c, Claim) for c in claims)
    assert time.perf_counter() - start < 1.0


def test_the_tour_maps_writes_and_reads_the_bundled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    from codekit.__main__ import _claims_tour

    _claims_tour()
    out = capsys.readouterr().out
    assert "encounter_to_claims -> 1 claim, 0 findings; total 345.00" in out
    assert "SV1*HC:99214:25*165.00*UN*1***2:3:4~" in out
    assert out.rstrip().endswith("gives the claim back: True")
