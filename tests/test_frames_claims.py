"""codekit.frames: claims from long-format tables, batch validation to a findings frame,
and the synthetic dataset."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import codekit
from codekit import icd10cm, serialization
from codekit.errors import EditionWarning, StructureError
from codekit.findings import Finding, Report
from codekit.frames import FrameError, check_claims, synthetic, to_claims


@pytest.fixture(scope="module")
def dataset() -> tuple[pa.Table, pa.Table, pa.Table]:
    return synthetic.generate(600, seed=11)


def reference_validator(batch: list, **options: object) -> list[Report]:
    """A small real validator (ICD-10-CM check on the first date of service, pointers in
    range), standing in for codekit.check_claims where the engine is not built in."""
    import warnings

    reports = []
    for claim in batch:
        days = [line.service_date for line in claim.lines if line.service_date]
        day = min(days) if days else None
        found = []
        for i, code in enumerate(claim.diagnoses):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EditionWarning)
                r = icd10cm.check(code, as_of=day)
            if not r:
                found.append(Finding(f"TEST-{r.status.value.upper()}", "error", r.message,
                                     path=f"diagnoses[{i}]", value=code,
                                     editions=(f"icd10cm:{r.edition}",) if r.edition else ()))
        for j, line in enumerate(claim.lines):
            for k, p in enumerate(line.diagnosis_pointers):
                if not 1 <= p <= len(claim.diagnoses):
                    found.append(Finding("TEST-POINTER", "warning", "pointer out of range",
                                         path=f"lines[{j}].diagnosis_pointers[{k}]", value=p))
        if options.get("submitted_on") and days and max(days) > options["submitted_on"]:
            found.append(Finding("TEST-FUTURE", "info", "after submission", path="lines"))
        reports.append(Report(found))
    return reports


def test_synthetic_dataset_is_deterministic_and_synthetic(dataset) -> None:  # type: ignore[no-untyped-def]
    again = synthetic.generate(600, seed=11)
    assert all(a.equals(b) for a, b in zip(dataset, again, strict=True))
    claims, dx, lines = dataset
    assert claims.num_rows == 600
    assert all(n.startswith("SYN") for n in claims.column("patient_last_name").to_pylist())
    assert all(m.startswith("SYN") for m in claims.column("patient_member_id").to_pylist())
    # every diagnosis and line belongs to a claim; the codes are skewed like real use
    ids = set(claims.column("claim_id").to_pylist())
    assert set(dx.column("claim_id").to_pylist()) <= ids
    assert set(lines.column("claim_id").to_pylist()) <= ids
    top = pd.Series(dx.column("code").to_pylist()).value_counts()
    assert top.index[0] == "I10" and top.iloc[0] > 10 * top.iloc[20]
    # it carries mistakes for validation to find, and most claims are clean
    statuses = [icd10cm.check(c).status.value for c in dx.column("code").to_pylist()]
    assert 0 < statuses.count("not_billable") + statuses.count("needs_7th_character") < 0.1 * len(statuses)


def _luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d // 10 + d % 10
    return total % 10 == 0


def test_npi_check_digit(dataset) -> None:  # type: ignore[no-untyped-def]
    assert synthetic.npi_with_check_digit("123456789") == "1234567893"  # the CMS example NPI
    for first9 in ("000000000", "999999999", "108765432"):
        npi = synthetic.npi_with_check_digit(first9)
        assert _luhn_ok("80840" + npi)
        assert not _luhn_ok("80840" + npi[:9] + str((int(npi[9]) + 1) % 10))
    claims = dataset[0]
    npis = claims.column("rendering_provider_npi").to_pylist()
    bad = [n for n in npis if not _luhn_ok("80840" + n)]
    assert 0 < len(bad) < 0.05 * len(npis)  # a few deliberately wrong ones
    assert all(_luhn_ok("80840" + n) for n in claims.column("billing_provider_npi").to_pylist())


def test_to_claims_round_trip(dataset) -> None:  # type: ignore[no-untyped-def]
    claims, dx, lines = dataset
    built = to_claims(claims, dx, lines)
    assert list(built) == claims.column("claim_id").to_pylist()
    rows = {r["claim_id"]: r for r in claims.to_pylist()}
    dx_rows = dx.to_pylist()
    line_rows = lines.to_pylist()
    for key in ["CLM000001", "CLM000123", "CLM000600"]:
        c = built[key]
        r = rows[key]
        assert c.patient.last_name == r["patient_last_name"]
        assert c.patient.birth_date == r["patient_birth_date"]
        assert c.patient.address.postal_code == r["patient_address_postal_code"]
        assert c.payer.payer_id == r["payer_id"]
        assert c.billing_provider.address.line1 == r["billing_provider_address_line1"]
        assert c.rendering_provider.npi == r["rendering_provider_npi"]
        assert list(c.diagnoses) == [d["code"] for d in dx_rows if d["claim_id"] == key]
        mine = [line for line in line_rows if line["claim_id"] == key]
        assert [(x.code, list(x.modifiers), x.charge, list(x.diagnosis_pointers), x.service_date)
                for x in c.lines] == [
            (m["code"], m["modifiers"], m["charge"], m["diagnosis_pointers"], m["service_date"])
            for m in mine]
        # the claim survives JSON
        assert serialization.structure(serialization.unstructure(c)) == c


def test_to_claims_accepts_database_shapes() -> None:
    """Order columns, string lists, modifier_N columns, floats and ints from a driver."""
    claims = pl.DataFrame({"claim_id": [7, 8], "place_of_service": ["11", "11"],
                           "patient_birth_date": [datetime.datetime(1960, 5, 1), None]})
    dx = pl.DataFrame({"claim_id": [7, 7, 8], "sequence": [2, 1, 1], "code": ["I10", "E11.9", "J06.9"]})
    lines = pl.DataFrame({
        "claim_id": [7, 7, 8], "line_number": [2, 1, 1], "code": ["36415", "99214", "99213"],
        "modifier_1": ["25", None, None], "modifier_2": ["59", None, None],
        "diagnosis_pointers": ["[1, 2]", "{1}", "1"], "units": [1.0, 1.0, 2.0],
        "charge": [12.0, 165.5, 110.0],
        "service_date": [datetime.date(2026, 1, 5)] * 3,
    })
    got = to_claims(claims, dx, lines)
    assert got[7].diagnoses == ("E11.9", "I10")
    assert [x.code for x in got[7].lines] == ["99214", "36415"]
    assert got[7].lines[1].modifiers == ("25", "59") and got[7].lines[0].modifiers == ()
    assert got[7].lines[1].diagnosis_pointers == (1, 2)
    assert got[7].lines[0].charge == Decimal("165.5") and got[8].lines[0].units == Decimal("2.0")
    assert got[7].patient.birth_date == datetime.date(1960, 5, 1) and got[8].patient is None


def test_table_problems_are_named() -> None:
    claims = pd.DataFrame({"claim_id": ["A", "B"]})
    lines = pd.DataFrame({"claim_id": ["A", "B"], "code": ["99213", "99213"],
                          "units": ["two", "1"], "modifiers": ["25", "LTX"]})
    with pytest.raises(StructureError, match=r"claim_id='A'") as err:
        to_claims(claims, None, lines)
    assert "lines[0].units: not a number: 'two'" in err.value.problems
    found = check_claims(claims, None, lines, validator=reference_validator)
    assert found["rule"].unique().tolist() == ["FRAME-INVALID-FIELD"]
    assert found[["claim_id", "path"]].values.tolist() == [["A", "lines[0].units"],
                                                           ["B", "lines[0].modifiers[0]"]]
    with pytest.raises(FrameError, match="has rows for claim_id 'Z'"):
        to_claims(claims, pd.DataFrame({"claim_id": ["Z"], "code": ["I10"]}))
    with pytest.raises(FrameError, match="has claim_id 'A' twice"):
        to_claims(pd.DataFrame({"claim_id": ["A", "A"]}))
    with pytest.raises(FrameError, match="no column 'claim_id'"):
        to_claims(pd.DataFrame({"id": ["A"]}))
    with pytest.raises(FrameError, match="needs a column 'code'"):
        to_claims(claims, pd.DataFrame({"claim_id": ["A"], "dx": ["I10"]}))


@pytest.mark.parametrize("kind", ["pandas", "polars", "pyarrow"])
def test_findings_frame_matches_the_validator(dataset, kind: str) -> None:  # type: ignore[no-untyped-def]
    claims, dx, lines = dataset
    conv = {"pandas": lambda t: t.to_pandas(), "polars": pl.from_arrow, "pyarrow": lambda t: t}[kind]
    submitted = datetime.date(2026, 1, 31)
    found = check_claims(conv(claims), conv(dx), conv(lines), validator=reference_validator,
                         submitted_on=submitted, batch_size=97)
    table = found if kind == "pyarrow" else (found.to_arrow() if kind == "polars" else
                                             pa.Table.from_pandas(found, preserve_index=False))
    assert table.column_names == ["claim_id", *codekit.frames.FINDING_COLUMNS]
    got = table.to_pylist()
    expected = []
    for key, claim in to_claims(claims, dx, lines).items():
        for f in reference_validator([claim], submitted_on=submitted)[0].findings:
            d = f.to_dict()
            expected.append({"claim_id": key, "rule": f.rule, "severity": d["severity"],
                             "path": f.path, "value": None if d["value"] is None else str(d["value"]),
                             "message": f.message, "editions": ",".join(f.editions)})
    assert got == expected
    rules = {r["rule"] for r in got}
    assert {"TEST-NOT_BILLABLE", "TEST-POINTER", "TEST-FUTURE"} <= rules
    # joinable back to the claims
    joined = pa.Table.from_pylist(got).join(claims, "claim_id")
    assert joined.num_rows == len(got)


def test_options_reach_the_validator() -> None:
    seen: dict[str, object] = {}

    def spy(batch: list, **options: object) -> list[Report]:
        seen.update(options)
        return [Report() for _ in batch]

    claims = pd.DataFrame({"claim_id": [1]})
    out = check_claims(claims, pd.DataFrame({"claim_id": [1], "code": ["I10"]}), validator=spy,
                       submitted_on=datetime.date(2026, 2, 1), disable=["NCCI-PTP"],
                       severity_overrides={"X": "info"}, rules=["r"])
    assert seen == {"submitted_on": datetime.date(2026, 2, 1), "disable": ("NCCI-PTP",),
                    "severity_overrides": {"X": "info"}, "rules": ["r"]}
    assert len(out) == 0 and list(out.columns) == ["claim_id", *codekit.frames.FINDING_COLUMNS]

    def short(batch: list, **options: object) -> list[Report]:
        return []

    with pytest.raises(FrameError, match="returned 0 reports for 1 claims"):
        check_claims(claims, validator=short)


def test_progress_bar(capsys, dataset) -> None:  # type: ignore[no-untyped-def]
    claims, dx, lines = dataset
    check_claims(claims, dx, lines, validator=reference_validator, progress=True)
    err = capsys.readouterr().err
    assert "checking claims" in err and "600/600" in err
    check_claims(claims, dx, lines, validator=reference_validator, progress=False)
    check_claims(claims, dx, lines, validator=reference_validator)  # 600 < 2,000: no bar
    assert capsys.readouterr().err == ""


def test_default_validator_is_codekits_scrubber() -> None:
    claims = pd.DataFrame({"claim_id": [1]})
    dx = pd.DataFrame({"claim_id": [1], "code": ["E11"]})
    lines = pd.DataFrame({"claim_id": [1], "code": ["99213"], "charge": ["95.00"],
                          "diagnosis_pointers": ["1"],
                          "service_date": [datetime.date(2026, 1, 15)]})
    found = check_claims(claims, dx, lines, submitted_on=datetime.date(2026, 1, 20))
    row = found[found["rule"] == "ICD10CM-NOT-BILLABLE"].iloc[0]
    assert (row["claim_id"], row["severity"], row["path"], row["value"]) == (
        1, "error", "diagnoses[0]", "E11")
    assert "icd10cm:FY2026" in row["editions"]


def test_write_parquet(tmp_path) -> None:  # type: ignore[no-untyped-def]
    paths = synthetic.write_parquet(tmp_path, 300, seed=3, partitions=3)
    claims, dx, lines = synthetic.generate(300, seed=3)
    for name, table in (("claims", claims), ("diagnoses", dx), ("lines", lines)):
        files = sorted((tmp_path / name).glob("*.parquet"))
        assert len(files) == 3 and paths[name] == str(tmp_path / name)
        parts = [pq.read_table(f) for f in files]
        assert pa.concat_tables(parts).equals(table)
        # part i of every table covers the same claim ids
        ranges = [(p.column("claim_id")[0].as_py(), p.column("claim_id")[-1].as_py()) for p in parts]
        assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges))
    assert synthetic.main([str(tmp_path / "cli"), "--claims", "50", "--partitions", "2"]) == 0
    assert len(list((tmp_path / "cli" / "lines").glob("*.parquet"))) == 2


_JUNK = st.one_of(
    st.none(), st.text(max_size=12), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.dates(), st.lists(st.one_of(st.integers(-5, 20), st.text(max_size=3)), max_size=5),
)


@settings(max_examples=60)
# found by this test: "¹".isdigit() is True but int("¹") raises
@example(lines=[{"code": None, "units": None, "charge": None, "modifiers": None,
                 "diagnosis_pointers": "\u00b9", "service_date": None}], dx=[])
@given(st.lists(st.fixed_dictionaries({
    "code": _JUNK, "units": _JUNK, "charge": _JUNK, "modifiers": _JUNK,
    "diagnosis_pointers": _JUNK, "service_date": _JUNK,
}), min_size=1, max_size=6), st.lists(_JUNK, max_size=5))
def test_check_claims_is_total_on_junk_tables(lines: list, dx: list) -> None:
    """Whatever the lines and diagnoses hold, each claim gets findings (built or not),
    never an exception: the values are held as Python objects, as a pandas frame of
    object columns holds what a careless export gives."""
    claims = pd.DataFrame({"claim_id": ["A", "B"]})
    line_frame = pd.DataFrame([{"claim_id": "A" if i % 2 else "B", **r} for i, r in enumerate(lines)])
    dx_frame = pd.DataFrame({"claim_id": ["A"] * len(dx), "code": pd.Series(dx, dtype=object)})
    try:
        found = check_claims(claims, dx_frame, line_frame, validator=reference_validator)
    except FrameError as exc:
        # a column whose values Arrow cannot hold together is named, not a traceback
        assert exc.column in {"code", "units", "charge", "modifiers", "diagnosis_pointers",
                              "service_date"}, exc
        return
    assert set(found["claim_id"]) <= {"A", "B"}
    assert found["rule"].notna().all() and found["message"].notna().all()


def test_the_real_validator_per_claim(dataset) -> None:  # type: ignore[no-untyped-def]
    """With codekit's scrubber: the findings frame holds exactly what check_claim says
    about each claim, judged on the claim's own submission date."""
    claims, dx, lines = dataset
    found = check_claims(claims.to_pandas(), dx.to_pandas(), lines.to_pandas(),
                         submitted_column="submitted_on", disable=["NCCI"],
                         severity_overrides={"ICD10CM-USE-ADDITIONAL": "off"})
    submitted = dict(zip(claims.column("claim_id").to_pylist(),
                         claims.column("submitted_on").to_pylist(), strict=True))
    expected = []
    for key, claim in to_claims(claims, dx, lines).items():
        report = codekit.check_claim(claim, submitted_on=submitted[key], disable=["NCCI"],
                                     severity_overrides={"ICD10CM-USE-ADDITIONAL": "off"})
        expected += [(key, f.rule, str(f.severity), f.path, f.message) for f in report.findings]
    got = list(found[["claim_id", "rule", "severity", "path", "message"]].itertuples(index=False, name=None))
    assert got == expected
    rules = set(found["rule"])
    assert {"ICD10CM-NOT-BILLABLE", "PROVIDER-NPI", "LINE-POINTER-RANGE"} <= rules
    assert not any(r.startswith("NCCI") for r in rules) and "ICD10CM-USE-ADDITIONAL" not in rules
    # judged on each claim's own date, not today: no claim is past timely filing
    assert not any("timely" in m.lower() for m in found["message"])
