"""The encounter-to-claims mapper: rules, splitting, fees, determinism, properties."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import codekit
from codekit import serialization
from codekit.claims import (
    MAPPING_RULES,
    Encounter,
    FeeSchedule,
    MappingResult,
    Procedure,
    encounter_to_claims,
)
from codekit.errors import InvalidField, SourceFormatError
from codekit.findings import Severity

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
DOS = datetime.date(2026, 6, 15)
DX20 = ["E11.9", "I10", "E78.5", "N18.30", "I25.10", "J44.9", "M17.11", "G47.33", "K21.9",
        "E66.9", "Z68.35", "F32.A", "H40.11X1", "M81.0", "D64.9", "R73.03", "E03.9", "I48.91",
        "N40.0", "L40.0"]


def _enc(diagnoses: list[str], procedures: list[Procedure], **kw: object) -> Encounter:
    return Encounter(patient_control_number="PCN1", date_of_service=DOS, place_of_service="11",
                     diagnoses=diagnoses, procedures=procedures, **kw)  # type: ignore[arg-type]


def _rules(result: MappingResult) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in result.findings]


def test_simple_encounter_one_claim_pointers_in_link_order() -> None:
    r = encounter_to_claims(_enc(["E11.9", "I10"], [
        Procedure(code="99214", modifiers=["25"], linked_diagnoses=["I10", "E11.9"], charge="165.00"),
        Procedure(code="G0439", linked_diagnoses=["E11.9"], charge="180.00")]))
    assert r.ok and r.findings == () and len(r.claims) == 1
    c = r.claims[0]
    assert c.diagnoses == ("E11.9", "I10")
    assert [x.diagnosis_pointers for x in c.lines] == [(2, 1), (1,)]
    assert [x.service_date for x in c.lines] == [DOS, DOS]
    assert c.total_charge == Decimal("345.00") and c.patient_control_number == "PCN1"
    assert c.lines[0].modifiers == ("25",) and c.lines[1].code_system == "hcpcs"
    assert c.place_of_service == "11" and c.frequency_code == "1"


def test_header_parts_are_carried_to_the_claim() -> None:
    from codekit.claims import Patient, Payer, Provider, Subscriber
    parts = dict(patient=Patient(last_name="ROE"), subscriber=Subscriber(relationship="18"),
                 payer=Payer(name="ACME"), billing_provider=Provider(organization_name="X"),
                 rendering_provider=Provider(last_name="Y"), referring_provider=Provider(last_name="Z"),
                 service_facility=Provider(organization_name="F"), prior_authorization="PA1",
                 medical_record_number="MRN1", note="N", frequency_code="7", original_claim_id="O1",
                 signature_on_file=False, assignment="C", benefits_assigned="N",
                 release_of_information="I")
    r = encounter_to_claims(_enc(["I10"], [Procedure(code="99213", linked_diagnoses=["I10"],
                                                     charge="1")], **parts))
    c = r.claims[0]
    for name, value in parts.items():
        assert getattr(c, name) == value, name


def test_linked_codes_match_in_any_form() -> None:
    r = encounter_to_claims(_enc(["E11.9", "I10"], [
        Procedure(code="99213", linked_diagnoses=["i10", " E119 "], charge="1")]))
    assert r.findings == () and r.claims[0].lines[0].diagnosis_pointers == (2, 1)


def test_no_linked_diagnosis() -> None:
    r = encounter_to_claims(_enc(["I10"], [Procedure(code="99213", charge="1")]))
    assert _rules(r) == [("MAP-NO-LINKED-DIAGNOSIS", "procedures[0].linked_diagnoses")]
    assert r.claims[0].lines[0].diagnosis_pointers == () and not r.ok
    assert r.findings[0].severity is Severity.ERROR


def test_link_not_on_encounter_and_then_nothing_left() -> None:
    r = encounter_to_claims(_enc(["I10"], [
        Procedure(code="99213", linked_diagnoses=["I10", "R07.9"], charge="1"),
        Procedure(code="93000", linked_diagnoses=["R07.9"], charge="1")]))
    assert _rules(r) == [
        ("MAP-LINK-NOT-ON-ENCOUNTER", "procedures[0].linked_diagnoses[1]"),
        ("MAP-LINK-NOT-ON-ENCOUNTER", "procedures[1].linked_diagnoses[0]"),
        ("MAP-NO-LINKED-DIAGNOSIS", "procedures[1].linked_diagnoses"),
    ]
    assert r.findings[0].value == "R07.9" and "R07.9" in r.findings[0].message
    assert [x.diagnosis_pointers for x in r.claims[0].lines] == [(1,), ()]


def test_fifth_pointer_dropped_with_a_finding_and_duplicates_once() -> None:
    r = encounter_to_claims(_enc(DX20[:6], [
        Procedure(code="99215", linked_diagnoses=["E78.5", "I10", "e78.5", "E11.9", "N18.30",
                                                  "I25.10", "J44.9"], charge="1")]))
    assert r.claims[0].lines[0].diagnosis_pointers == (3, 2, 1, 4)
    assert _rules(r) == [
        ("MAP-DUPLICATE-LINK", "procedures[0].linked_diagnoses[2]"),
        ("MAP-POINTER-LIMIT", "procedures[0].linked_diagnoses[5]"),
        ("MAP-POINTER-LIMIT", "procedures[0].linked_diagnoses[6]"),
    ]
    assert [f.severity for f in r.findings] == [Severity.INFO, Severity.WARNING, Severity.WARNING]
    assert r.ok  # warnings only
    assert "I25.10" in r.claims[0].diagnoses  # the diagnosis stays on the claim


def test_duplicate_diagnosis_billed_once_at_first_position() -> None:
    r = encounter_to_claims(_enc(["E11.9", "I10", "E119"], [
        Procedure(code="99213", linked_diagnoses=["E119", "I10"], charge="1")]))
    assert r.claims[0].diagnoses == ("E11.9", "I10")
    assert r.claims[0].lines[0].diagnosis_pointers == (1, 2)
    assert _rules(r) == [("MAP-DUPLICATE-DIAGNOSIS", "diagnoses[2]")]


def test_no_procedures_no_claim_and_no_diagnoses() -> None:
    r = encounter_to_claims(_enc(["I10"], []))
    assert r.claims == () and _rules(r) == [("MAP-NO-PROCEDURES", "procedures")] and not r.ok
    r = encounter_to_claims(_enc([], [Procedure(code="99213", charge="1")]))
    assert _rules(r) == [("MAP-NO-DIAGNOSES", "diagnoses"),
                         ("MAP-NO-LINKED-DIAGNOSIS", "procedures[0].linked_diagnoses")]
    assert len(r.claims) == 1 and r.claims[0].diagnoses == ()


def test_charges_own_then_fee_schedule_times_units() -> None:
    fees = {"97110": "42.00", "71046": "60.00", "71046-26": "22.50", ("J1885", ""): "1.25"}
    r = encounter_to_claims(_enc(["M54.50"], [
        Procedure(code="97110", units=3, linked_diagnoses=["M54.50"]),
        Procedure(code="71046", modifiers=["26"], linked_diagnoses=["M54.50"]),
        Procedure(code="71046", modifiers=["59"], linked_diagnoses=["M54.50"]),
        Procedure(code="J1885", units="2", linked_diagnoses=["M54.50"]),
        Procedure(code="J1885", units="0.5", linked_diagnoses=["M54.50"]),
        Procedure(code="99213", charge="99.99", linked_diagnoses=["M54.50"]),
        Procedure(code="99999", linked_diagnoses=["M54.50"]),
    ]), fee_schedule=fees)
    charges = [x.charge for x in r.claims[0].lines]
    assert charges == [Decimal("126.00"), Decimal("22.50"), Decimal("60.00"), Decimal("2.50"),
                       Decimal("0.63"), Decimal("99.99"), None]
    assert _rules(r) == [("MAP-NO-FEE", "procedures[6].charge")]
    assert "fee schedule has no fee" in r.findings[0].message
    r = encounter_to_claims(_enc(["I10"], [Procedure(code="99213", linked_diagnoses=["I10"])]))
    assert "no fee schedule was given" in r.findings[0].message


def test_fee_schedule_from_csv() -> None:
    fees = FeeSchedule.from_csv(os.path.join(FIXTURES, "fee_schedule.csv"))
    assert fees.fee("j1885") == Decimal("1.25") and fees.fee("29881") == Decimal("1850.00")
    assert fees.fee("93000", ["TC"]) == Decimal("27.00") and fees.fee("93000") == Decimal("45.00")
    assert ("93000", "26") in fees and fees.source is not None and "fee_schedule.csv" in repr(fees)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", None, "no header row"),
        ("code,price\n99213,1\n", 1, "missing: fee"),
        ("code,fee\n99213,abc\n", 2, "fee is not a number: 'abc'"),
        ("code,fee\n99213,1\n\n99213,2\n", 4, "99213 is listed twice"),
        ("code,modifier,fee\n93000,X,1\n", 2, "a modifier is 2 characters"),
        ("code,fee\n,1\n", 2, "no code"),
    ],
)
def test_fee_schedule_csv_errors_name_file_and_line(tmp_path: object, text: str,
                                                    line: int | None, words: str) -> None:
    path = os.path.join(str(tmp_path), "fees.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    with pytest.raises(SourceFormatError) as info:
        FeeSchedule.from_csv(path)
    assert info.value.line == line and words in str(info.value) and "fees.csv" in str(info.value)


def test_fee_schedule_mapping_errors() -> None:
    with pytest.raises(InvalidField, match=r"FeeSchedule.fees\['99213'\]: a float"):
        FeeSchedule({"99213": 95.0})
    with pytest.raises(InvalidField, match="a key is a code"):
        FeeSchedule({99213: "95"})


def test_thirteen_diagnoses_split_into_self_consistent_claims() -> None:
    procs = [Procedure(code=f"9921{k % 5}", linked_diagnoses=DX20[4 * k:4 * k + 4], charge="10",
                       control_number=f"L{k}") for k in range(4)]  # 16 diagnoses, 4 a line
    r = encounter_to_claims(_enc(DX20[:16], procs))
    assert [len(c.diagnoses) for c in r.claims] == [12, 4]
    assert [len(c.lines) for c in r.claims] == [3, 1]
    assert r.claims[0].diagnoses == tuple(DX20[:12]) and r.claims[1].diagnoses == tuple(DX20[12:16])
    assert [x.diagnosis_pointers for x in r.claims[1].lines] == [(1, 2, 3, 4)]
    assert [c.patient_control_number for c in r.claims] == ["PCN1", "PCN1-2"]
    assert _rules(r) == [("MAP-SPLIT", "")]
    assert "16 diagnoses" in r.findings[0].message
    _check_invariants(_enc(DX20[:16], procs), r)


def test_unlinked_diagnoses_go_where_there_is_room_or_get_a_finding() -> None:
    # 13 diagnoses; 3 lines link 4 each (12); the 13th is linked by nobody
    procs = [Procedure(code="99213", linked_diagnoses=DX20[4 * k:4 * k + 4], charge="1")
             for k in range(3)]
    r = encounter_to_claims(_enc(DX20[:13], procs))
    # every line fits one claim: no split, but the 13th diagnosis has no room
    assert len(r.claims) == 1 and _rules(r) == [("MAP-DIAGNOSIS-NOT-BILLED", "diagnoses[12]")]
    assert r.claims[0].patient_control_number == "PCN1" and len(r.claims[0].diagnoses) == 12
    # ... unless a claim has room
    procs.append(Procedure(code="99214", linked_diagnoses=["L40.0"], charge="1"))
    r = encounter_to_claims(_enc([*DX20[:13], "L40.0"], procs))
    assert [c.diagnoses[-2:] for c in r.claims][1] == ("H40.11X1", "L40.0")
    assert _rules(r) == [("MAP-SPLIT", "")]


def test_sixty_lines_split_fifty_and_ten() -> None:
    procs = [Procedure(code="97110", units=1, charge="42.00", linked_diagnoses=["M54.50"],
                       service_date=DOS + datetime.timedelta(days=k), control_number=f"L{k}")
             for k in range(60)]
    r = encounter_to_claims(_enc(["M54.50", "M62.81"], procs))
    assert [len(c.lines) for c in r.claims] == [50, 10]
    # the unlinked M62.81 goes on the first claim with room only
    assert [c.diagnoses for c in r.claims] == [("M54.50", "M62.81"), ("M54.50",)]
    assert [c.total_charge for c in r.claims] == [Decimal("2100.00"), Decimal("420.00")]
    assert r.claims[1].lines[0].service_date == DOS + datetime.timedelta(days=50)
    assert "60 procedures" in r.findings[0].message
    _check_invariants(_enc(["M54.50", "M62.81"], procs), r)


def test_split_replacement_warns() -> None:
    procs = [Procedure(code="97110", charge="1", linked_diagnoses=["M54.50"]) for _ in range(51)]
    r = encounter_to_claims(_enc(["M54.50"], procs, frequency_code="7", original_claim_id="X1"))
    assert _rules(r) == [("MAP-SPLIT", ""), ("MAP-SPLIT-ADJUSTMENT", "frequency_code")]
    assert all(c.original_claim_id == "X1" and c.frequency_code == "7" for c in r.claims)


def test_line_dates_from_procedure_or_encounter() -> None:
    end = DOS + datetime.timedelta(days=2)
    r = encounter_to_claims(_enc(["I10"], [
        Procedure(code="99213", charge="1", linked_diagnoses=["I10"]),
        Procedure(code="99231", charge="1", linked_diagnoses=["I10"],
                  service_date=DOS - datetime.timedelta(days=1))],
        date_of_service_to=end))
    a, b = r.claims[0].lines
    assert (a.service_date, a.service_date_to) == (DOS, end)
    assert (b.service_date, b.service_date_to) == (DOS - datetime.timedelta(days=1), None)


def test_rules_table_is_complete_and_stable() -> None:
    assert all(rule.startswith("MAP-") for rule in MAPPING_RULES)
    assert len(MAPPING_RULES) == 11
    for severity, text in MAPPING_RULES.values():
        assert isinstance(severity, Severity) and text.endswith(".")


def test_top_level_and_type_errors() -> None:
    assert codekit.encounter_to_claims is encounter_to_claims
    with pytest.raises(TypeError):
        encounter_to_claims({"diagnoses": []})  # type: ignore[arg-type]


def test_same_encounter_byte_identical_output_across_processes() -> None:
    code = (
        "import datetime, json\n"
        "from codekit import serialization\n"
        "from codekit.claims import Encounter, Procedure, encounter_to_claims\n"
        f"dx = {DX20!r}\n"
        "procs = [Procedure(code='9921%d' % (k % 5), linked_diagnoses=dx[k:k + 5][::-1], units=k % 3 + 1)"
        " for k in range(55)]\n"
        "e = Encounter(patient_control_number='P', date_of_service=datetime.date(2026, 1, 2),"
        " diagnoses=dx + ['I10'], procedures=procs)\n"
        "r = encounter_to_claims(e, fee_schedule={'99210': '1.10', '99211': '20', '99213': '3'})\n"
        "print(serialization.to_json(list(r.claims)))\n"
        "print(json.dumps([f.to_dict() for f in r.findings]))\n"
    )
    outs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env=env)
        outs.add(out.stdout)
    assert len(outs) == 1
    text = outs.pop()
    assert text.count('"diagnosis_pointers"') == 55 and "MAP-SPLIT" in text


# ------------------------------------------------------------------------------------------
# properties
def _check_invariants(enc: Encounter, r: MappingResult) -> None:
    """What must hold for any encounter: every procedure billed exactly once, in order
    within each claim; every pointer resolves on its own claim to a diagnosis the
    procedure links; limits; charges add up; every link either pointed to or reported."""
    if not enc.procedures:
        assert r.claims == ()
        return
    billed = Counter()
    total = Decimal(0)
    expected_total = Decimal(0)
    rules = Counter((f.rule, f.path) for f in r.findings)
    seen_lines = []
    for c in r.claims:
        assert len(c.diagnoses) <= 12 and len(c.lines) <= 50 and c.lines
        assert len(set(c.normalized_diagnoses)) == len(c.diagnoses)
        order = [enc.normalized_diagnoses.index(d) for d in c.normalized_diagnoses]
        assert order == sorted(order)  # the coder's order
        for line in c.lines:
            assert len(line.diagnosis_pointers) <= 4
            assert len(set(line.diagnosis_pointers)) == len(line.diagnosis_pointers)
            assert all(1 <= p <= len(c.diagnoses) for p in line.diagnosis_pointers)
            seen_lines.append((line, [c.normalized_diagnoses[p - 1] for p in line.diagnosis_pointers]))
        total += c.total_charge
    assert len(seen_lines) == len(enc.procedures)
    # match lines to procedures: claims keep procedure order within each claim
    remaining = list(enumerate(enc.procedures))
    for line, pointed in seen_lines:
        key = (line.control_number, line.code, line.modifiers)
        matches = [i for i, (_, p) in enumerate(remaining)
                   if (p.control_number, p.code, p.modifiers) == key]
        assert matches, f"line {line.code} matches no procedure"
        j, proc = remaining.pop(matches[0])
        billed[j] += 1
        links = [Encounter(diagnoses=[d], procedures=[]).normalized_diagnoses[0]
                 for d in proc.linked_diagnoses]
        known = [d for d in dict.fromkeys(links) if d in enc.normalized_diagnoses]
        assert pointed == known[:4]
        unreported = len(links) - len(pointed) - sum(
            rules[(rule, f"procedures[{j}].linked_diagnoses[{k}]")]
            for k in range(len(links))
            for rule in ("MAP-LINK-NOT-ON-ENCOUNTER", "MAP-DUPLICATE-LINK", "MAP-POINTER-LIMIT"))
        assert unreported == 0  # nothing dropped silently
        if not pointed:
            assert rules[("MAP-NO-LINKED-DIAGNOSIS", f"procedures[{j}].linked_diagnoses")] == 1
        if proc.charge is not None:
            assert line.charge == proc.charge
        if line.charge is None:
            assert rules[("MAP-NO-FEE", f"procedures[{j}].charge")] == 1
        else:
            expected_total += line.charge
    assert not remaining and set(billed.values()) == {1}
    assert total == expected_total
    # every distinct diagnosis is on some claim, or reported
    on_claims = {d for c in r.claims for d in c.normalized_diagnoses}
    for i, d in enumerate(enc.normalized_diagnoses):
        if d not in on_claims:
            assert any(f.rule == "MAP-DIAGNOSIS-NOT-BILLED" and f.value == enc.diagnoses[i]
                       for f in r.findings)


_DX_POOL = [*DX20, "e11.9", "I10 ", "Z99.99", ""]
_procs = st.builds(
    Procedure,
    code=st.sampled_from(["99213", "99214", "97110", "J1885", "93000", "G0439"]),
    modifiers=st.lists(st.sampled_from(["25", "26", "TC", "59", "RT"]), max_size=3),
    units=st.sampled_from([Decimal(1), Decimal(2), Decimal("1.5")]),
    charge=st.none() | st.decimals(min_value=0, max_value=1000, places=2),
    linked_diagnoses=st.lists(st.sampled_from(_DX_POOL), max_size=7),
)
_encs = st.builds(
    Encounter,
    patient_control_number=st.none() | st.just("P1"),
    date_of_service=st.just(DOS),
    diagnoses=st.lists(st.sampled_from(_DX_POOL), max_size=24),
    procedures=st.lists(_procs, max_size=8) | st.lists(_procs, min_size=45, max_size=110),
)
_FEES = FeeSchedule({"99213": "105", "99214": "165", "97110": "42", "93000": "45",
                     "93000-26": "18", "J1885": "1.25"})


def _numbered(enc: Encounter) -> Encounter:
    """Each procedure with its own control number, so lines match procedures exactly."""
    import attrs
    return attrs.evolve(enc, procedures=[attrs.evolve(p, control_number=f"L{j}")
                                         for j, p in enumerate(enc.procedures)])


@given(enc=_encs.map(_numbered))
def test_mapping_invariants_hold_for_any_encounter(enc: Encounter) -> None:
    r = encounter_to_claims(enc, fee_schedule=_FEES)
    _check_invariants(enc, r)
    again = encounter_to_claims(enc, fee_schedule=_FEES)
    assert again == r
    assert serialization.to_json(list(again.claims)) == serialization.to_json(list(r.claims))
    for f in r.findings:
        assert f.rule in MAPPING_RULES and f.severity is MAPPING_RULES[f.rule][0]


@given(enc=_encs)
def test_mapped_claims_equal_claims_built_the_slow_way(enc: Encounter) -> None:
    """The fast makers build the same objects the checked constructor does."""
    import attrs

    from codekit.claims import Claim, ServiceLine
    for c in encounter_to_claims(enc, fee_schedule=_FEES).claims:
        rebuilt = Claim(**{a.name: getattr(c, a.name) for a in attrs.fields(Claim) if a.name != "lines"},
                        lines=[ServiceLine(**attrs.asdict(x, recurse=False)) for x in c.lines])
        assert rebuilt == c and hash(rebuilt) == hash(c)
