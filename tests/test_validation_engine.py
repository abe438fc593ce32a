"""The scrubber's engine: the contract of check_claim / validate_claim / check_claims, the
rule registry (disable, overrides, user rules), caches that follow loaded editions, and
thread safety."""

from __future__ import annotations

import datetime
import json
import os
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

import codekit
from codekit import ncci, rules
from codekit.claims import Claim, ServiceLine
from codekit.errors import ClaimInvalid, EditionWarning
from codekit.findings import Finding, Report, Severity

HERE = os.path.dirname(os.path.abspath(__file__))
SUBMITTED = datetime.date(2026, 6, 1)
DAY = datetime.date(2026, 5, 15)


def _claim(**changes: Any) -> Claim:
    with open(os.path.join(HERE, "scenarios", "_base.json"), encoding="utf-8") as fh:
        base = json.load(fh)["claim"]
    claim = codekit.serialization.structure(base, Claim)
    return attrs.evolve(claim, **changes)


def _rules(report: Report) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in report if f.severity >= Severity.WARNING]


def test_a_claim_fails_then_passes_when_fixed() -> None:
    bad = _claim(diagnoses=["E11"])
    report = codekit.check_claim(bad, submitted_on=SUBMITTED)
    assert not report.ok
    (err,) = report.errors
    assert (err.rule, err.path, err.value, err.editions) == (
        "ICD10CM-NOT-BILLABLE", "diagnoses[0]", "E11", ("icd10cm:FY2026",))
    assert "not billable" in err.message and "E11.0" in err.message
    with pytest.raises(ClaimInvalid) as info:
        codekit.validate_claim(bad, submitted_on=SUBMITTED)
    assert info.value.report == report
    assert str(info.value).startswith("1 error: ICD10CM-NOT-BILLABLE (diagnoses[0]): ")
    good = attrs.evolve(bad, diagnoses=("E11.9",))
    assert codekit.check_claim(good, submitted_on=SUBMITTED).ok
    assert codekit.validate_claim(good, submitted_on=SUBMITTED) is good


def test_report_is_json_ready() -> None:
    report = codekit.check_claim(_claim(diagnoses=["E11", "I10.9"]), submitted_on=SUBMITTED)
    text = json.dumps(report.to_dicts())
    back = json.loads(text)
    assert back[0]["rule"] == "ICD10CM-NOT-BILLABLE" and back[0]["severity"] == "error"
    assert back[0]["editions"] == ["icd10cm:FY2026"]


@pytest.mark.parametrize("junk", [None, 42, "E11.9", b"claim", [1, 2], object(), 3.5])
def test_not_a_claim(junk: object) -> None:
    report = codekit.check_claim(junk, submitted_on=SUBMITTED)
    assert [f.rule for f in report] == ["CLAIM-NOT-A-CLAIM"]
    assert not report.ok


def test_a_json_dict_is_structured_first() -> None:
    data = codekit.serialization.unstructure(_claim(diagnoses=["E11"]))
    report = codekit.check_claim(data, submitted_on=SUBMITTED)
    assert _rules(report) == [("ICD10CM-NOT-BILLABLE", "diagnoses[0]")]
    data["lines"][0]["units"] = "two"
    data["colour"] = "red"
    report = codekit.check_claim(data, submitted_on=SUBMITTED)
    assert {(f.rule, f.path) for f in report} == {
        ("CLAIM-MALFORMED", "colour"), ("CLAIM-MALFORMED", "lines[0].units")}
    fixed = codekit.serialization.unstructure(_claim())
    assert isinstance(codekit.validate_claim(fixed, submitted_on=SUBMITTED), Claim)


def test_every_rule_runs_and_nothing_stops_at_the_first_problem() -> None:
    claim = _claim(diagnoses=["E11", "W19.XXXA"], frequency_code="7", place_of_service="43",
                   lines=(ServiceLine(code="99213", modifiers=["LT", "RT"], units="0",
                                      charge="-1", diagnosis_pointers=[3],
                                      service_date=DAY),))
    got = {f.rule for f in codekit.check_claim(claim, submitted_on=SUBMITTED).errors}
    assert got >= {"ICD10CM-NOT-BILLABLE", "CLAIM-ORIGINAL-ID", "POS-INVALID", "MOD-CONFLICT",
                   "LINE-UNITS-INVALID", "LINE-CHARGE-INVALID", "LINE-POINTER-RANGE"}


def test_disable_by_id_and_family_and_overrides() -> None:
    claim = _claim(diagnoses=["E11"], place_of_service="43")
    base = {f.rule for f in codekit.check_claim(claim, submitted_on=SUBMITTED)}
    assert {"ICD10CM-NOT-BILLABLE", "POS-INVALID"} <= base
    r = codekit.check_claim(claim, submitted_on=SUBMITTED, disable=["POS-INVALID"])
    assert "POS-INVALID" not in {f.rule for f in r} and "ICD10CM-NOT-BILLABLE" in r.rules()
    r = codekit.check_claim(claim, submitted_on=SUBMITTED, disable=["ICD10CM", "POS"])
    assert not {f.rule for f in r} & {"ICD10CM-NOT-BILLABLE", "ICD10CM-USE-ADDITIONAL",
                                      "POS-INVALID"}
    r = codekit.check_claim(claim, submitted_on=SUBMITTED,
                            severity_overrides={"ICD10CM-NOT-BILLABLE": "warning",
                                                "POS": "off"})
    assert r.ok and [f.severity for f in r if f.rule == "ICD10CM-NOT-BILLABLE"] == [
        Severity.WARNING]
    assert "POS-INVALID" not in r.rules()
    with pytest.raises(KeyError, match="NO-SUCH-RULE"):
        codekit.check_claim(claim, disable=["NO-SUCH-RULE"])
    with pytest.raises(ValueError, match="not a severity"):
        codekit.check_claim(claim, severity_overrides={"POS-INVALID": "fatal"})
    with pytest.raises(ValueError, match="unknown option"):
        codekit.check_claim(claim, options={"timely_filling_months": 6})


def test_rules_argument_runs_only_those() -> None:
    claim = _claim(diagnoses=["E11"], place_of_service="43")
    r = codekit.check_claim(claim, submitted_on=SUBMITTED, rules=["POS-INVALID"])
    assert [f.rule for f in r] == ["POS-INVALID"]
    # one id of a check that reports several: only that id
    r = codekit.check_claim(_claim(diagnoses=["E11.9", "E10.9"]), submitted_on=SUBMITTED,
                            rules=["ICD10CM-EXCLUDES1"])
    assert [f.rule for f in r] == ["ICD10CM-EXCLUDES1"]
    r = codekit.check_claim(claim, submitted_on=SUBMITTED, rules=["ICD10CM"])
    assert set(r.rules()) <= {r.id for r in rules.all() if r.family == "ICD10CM"}
    assert "ICD10CM-NOT-BILLABLE" in r.rules()


def test_a_user_rule_without_subclassing() -> None:
    def house_charge_floor(claim: Claim, ctx: Any) -> Iterator[Finding]:
        """Lines under 5 dollars are not worth sending."""
        for line in ctx.lines:
            if line.line.charge is not None and line.line.charge < 5:
                yield Finding("HOUSE-CHARGE-FLOOR", "warning", "charge under 5 dollars",
                              path=f"{line.path}.charge", value=line.line.charge)

    claim = _claim(lines=(ServiceLine(code="99213", charge="1.00", diagnosis_pointers=[1],
                                      service_date=DAY),))
    r = codekit.check_claim(claim, submitted_on=SUBMITTED, rules=[house_charge_floor])
    assert [(f.rule, f.path) for f in r] == [("HOUSE-CHARGE-FLOOR", "lines[0].charge")]
    rules.register("HOUSE-CHARGE-FLOOR", house_charge_floor, severity="warning")
    try:
        r = codekit.check_claim(claim, submitted_on=SUBMITTED)
        assert "HOUSE-CHARGE-FLOOR" in r.rules() and "CPT-NOT-CHECKED" in r.rules()
        assert rules.get("HOUSE-CHARGE-FLOOR").summary == "Lines under 5 dollars are not worth sending."
        r = codekit.check_claim(claim, submitted_on=SUBMITTED,
                                severity_overrides={"HOUSE-CHARGE-FLOOR": "error"})
        assert [f.severity for f in r if f.rule == "HOUSE-CHARGE-FLOOR"] == [Severity.ERROR]
        assert "HOUSE-CHARGE-FLOOR" not in codekit.check_claim(
            claim, submitted_on=SUBMITTED, disable=["HOUSE"]).rules()
    finally:
        rules.unregister("HOUSE-CHARGE-FLOOR")
    assert "HOUSE-CHARGE-FLOOR" not in codekit.check_claim(claim, submitted_on=SUBMITTED).rules()


def test_a_crashing_rule_is_a_finding_and_the_others_still_run() -> None:
    def broken(claim: Claim, ctx: Any) -> Iterator[Finding]:
        yield Finding("HOUSE-BROKEN", "info", "before the crash")
        raise ZeroDivisionError("oops")

    def not_findings(claim: Claim, ctx: Any) -> list[str]:
        return ["not a finding"]

    claim = _claim(diagnoses=["E11"])
    r = codekit.check_claim(claim, submitted_on=SUBMITTED,
                            rules=[broken, not_findings, "ICD10CM-NOT-BILLABLE"])
    assert [f.rule for f in r] == ["HOUSE-BROKEN", "ENGINE-RULE-FAILED", "ENGINE-RULE-FAILED",
                                   "ICD10CM-NOT-BILLABLE"]
    assert "ZeroDivisionError: oops" in r.findings[1].message
    assert r.findings[1].value == "USER-BROKEN"  # an ad hoc callable is named after itself


def test_check_claims_is_check_claim_over_a_batch() -> None:
    claims = [_claim(), _claim(diagnoses=["E11"]), None, _claim(place_of_service="43")]
    batch = codekit.check_claims(claims, submitted_on=SUBMITTED)
    assert batch == [codekit.check_claim(c, submitted_on=SUBMITTED) for c in claims]
    assert [r.ok for r in batch] == [True, False, False, False]


def test_submitted_on_defaults_to_today() -> None:
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    claim = _claim(lines=(ServiceLine(code="99213", charge="95.00", diagnosis_pointers=[1],
                                      service_date=tomorrow),))
    assert "DATE-FUTURE" in codekit.check_claim(claim).rules()


def test_no_edition_warning_escapes() -> None:
    # 2026-05-15 is past the newest HCPCS edition (2026-Q1): an INFO finding says so,
    # and no EditionWarning is raised (nor silenced per claim)
    with warnings.catch_warnings():
        warnings.simplefilter("error", EditionWarning)
        r = codekit.check_claim(_claim(), submitted_on=SUBMITTED)
    assert ("EDITION-PAST", "") in {(f.rule, f.path) for f in r}
    assert any("hcpcs:2026-Q1" in f.editions for f in r if f.rule == "EDITION-PAST")


def test_caches_follow_a_newly_loaded_ptp_table() -> None:
    claim = _claim(diagnoses=["M23.221"], lines=(
        ServiceLine(code="29881", charge="1800.00", diagnosis_pointers=[1], service_date=DAY),
        ServiceLine(code="29877", charge="900.00", diagnosis_pointers=[1], service_date=DAY)))
    before = codekit.check_claim(claim, submitted_on=SUBMITTED)
    assert "NCCI-PTP-NOT-LOADED" in before.rules() and "NCCI-PTP" not in before.rules()
    ed = ncci.load_ptp(os.path.join(HERE, "fixtures", "ncci", "ccipra-v321r0-f1-FIXTURE.txt"))
    try:
        during = codekit.check_claim(claim, submitted_on=SUBMITTED)
        assert "NCCI-PTP" in during.rules() and "NCCI-PTP-NOT-LOADED" not in during.rules()
    finally:
        ncci.unload("ptp", ed.id)
    after = codekit.check_claim(claim, submitted_on=SUBMITTED)
    assert after == before


def test_caches_follow_a_newly_loaded_cpt_file() -> None:
    from codekit import cpt

    claim = _claim(lines=(ServiceLine(code="99215", charge="95.00", diagnosis_pointers=[1],
                                      service_date=DAY),))
    assert "CPT-NOT-CHECKED" in codekit.check_claim(claim, submitted_on=SUBMITTED).rules()
    cpt.load(os.path.join(HERE, "fixtures", "cpt_synthetic.txt"), edition="2026")
    try:
        r = codekit.check_claim(claim, submitted_on=SUBMITTED)
        assert _rules(r) == [("CPT-INVALID", "lines[0].code")]
    finally:
        cpt._REG.remove("2026")
    assert codekit.check_claim(claim, submitted_on=SUBMITTED).ok


def test_threads_get_the_same_answers() -> None:
    claims = [_claim(diagnoses=[dx]) for dx in
              ["E11", "E11.9", "I10", "S52.521", "T78.40A", "G63", "C61", "Z00.129"]] * 40
    serial = codekit.check_claims(claims, submitted_on=SUBMITTED)
    from codekit.validation import facts

    facts._current[0] = facts.Store(-1)  # start cold, so threads race on the caches
    results: dict[int, list[Report]] = {}

    def work(k: int) -> None:
        results[k] = codekit.check_claims(claims, submitted_on=SUBMITTED)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[k] == serial for k in range(4))


def test_diagnoses_are_judged_by_the_dates_of_their_lines() -> None:
    # G35 was billable in FY2025 and is a header in FY2026: a claim spanning both
    claim = _claim(diagnoses=["G35", "I10"], lines=(
        ServiceLine(code="99213", charge="95.00", diagnosis_pointers=[1],
                    service_date=datetime.date(2025, 9, 30)),
        ServiceLine(code="99213", charge="95.00", diagnosis_pointers=[2],
                    service_date=datetime.date(2025, 10, 1))))
    assert codekit.check_claim(claim, submitted_on=SUBMITTED).ok
    moved = attrs.evolve(claim, lines=(claim.lines[0], attrs.evolve(
        claim.lines[1], diagnosis_pointers=(1, 2))))
    r = codekit.check_claim(moved, submitted_on=SUBMITTED)
    assert _rules(r) == [("ICD10CM-NOT-BILLABLE", "diagnoses[0]")]


def test_the_rules_page_is_generated_from_the_registry() -> None:
    from codekit.validation import _docs

    with open(os.path.join(os.path.dirname(HERE), "docs", "rules.rst"), encoding="utf-8") as fh:
        page = fh.read()
    assert page == _docs.render(), (
        "docs/rules.rst drifted from the registry: python -m codekit.validation._docs > "
        "docs/rules.rst")
    for r in rules.all():
        assert f"``{r.id}``" in page
        assert r.summary and r.citation, r.id


def test_rule_ids_are_stable_and_documented() -> None:
    ids = [r.id for r in rules.all()]
    assert len(ids) == len(set(ids))
    for r in rules.all():
        assert r.id == r.id.upper() and r.family == r.id.split("-")[0]
        assert str(r.severity) in ("error", "warning", "info")
    assert rules.table()[0] == rules.all()[0].as_dict()
    with pytest.raises(KeyError, match="NCCI-PTP"):
        rules.get("NCCI-PTPX")


def test_huge_units_summed_for_an_mue_do_not_overflow() -> None:
    # the models accept any finite Decimal: two lines of 9E+999999 units add up past
    # the default decimal context (an Overflow trap), found by the totality property
    from decimal import Decimal

    line = ServiceLine(code="99213", units=Decimal("9E+999999"), charge="95.00",
                       diagnosis_pointers=[1], service_date=DAY)
    r = codekit.check_claim(_claim(lines=(line, line)), submitted_on=SUBMITTED)
    assert "ENGINE-RULE-FAILED" not in r.rules()
    (mue,) = [f for f in r if f.rule == "NCCI-MUE"]
    assert mue.value == Decimal("1.8E+1000000") and "lines 1, 2" in mue.message


def test_rule_families_never_import_each_other() -> None:
    import ast
    import glob

    import codekit.validation.rules as pkg

    folder = os.path.dirname(pkg.__file__)
    families = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(folder, "*.py"))}
    families.discard("__init__")
    for fam in families:
        with open(os.path.join(folder, f"{fam}.py"), encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                assert node.module not in families, (fam, node.module)
                assert not (node.module is None and {a.name for a in node.names} & families), fam
