"""Claim scrubbing speed: claims checked per CPU-second, and the first call's cost.

Goal (issue 11): at least 20,000 claims/s on one core for a typical claim (3 diagnoses,
3 lines) with all default rules, the MUE/add-on/MCE tables and a PTP table loaded. The
PTP table here is the test fixture (synthetic rows, CMS layout); a second figure loads a
generated PTP file of realistic size to time the loader (also synthetic).

Figures:
  * first call: a fresh process importing codekit, loading the PTP fixture and checking
    one claim (table loading, bootstraps, first look-ups), median of several runs;
  * the same typical claim, over and over (steady state);
  * a mixed batch of 20,000 different claims (common outpatient codes, 60 dates of
    service, some errors): the first pass (caches cold: every code resolved once) and the
    second (warm), in CPU time (time.process_time), best of several repeats.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import fresh_process, precompile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "ncci", "ccipra-v321r0-f1-FIXTURE.txt")
SUBMITTED = datetime.date(2026, 7, 1)

FIRST_CALL = f"""
import datetime
import codekit
from codekit import ncci
from codekit.claims import Address, Claim, Patient, Payer, Provider, ServiceLine, Subscriber
ncci.load_ptp({FIXTURE!r})
d = datetime.date(2026, 5, 15)
claim = Claim(
    patient=Patient(last_name="DOE", first_name="JANE", birth_date=datetime.date(1961, 3, 2), sex="F",
                    member_id="1EG4TE5MK73"),
    subscriber=Subscriber(relationship="18", member_id="1EG4TE5MK73"),
    payer=Payer(name="MEDICARE", payer_id="04412"),
    billing_provider=Provider(npi="1234567893", organization_name="CLINIC", tax_id="123456789",
        address=Address(line1="100 MAIN ST", city="AUSTIN", state="TX", postal_code="787011234")),
    rendering_provider=Provider(npi="1111111112", last_name="SMITH", first_name="ANN"),
    place_of_service="11", diagnoses=["M17.11", "E11.9", "I10"],
    lines=[ServiceLine(code="99213", modifiers=["25"], charge="95.00", diagnosis_pointers=[1, 2, 3], service_date=d),
           ServiceLine(code="20610", modifiers=["RT"], charge="120.00", diagnosis_pointers=[1], service_date=d),
           ServiceLine(code="J3301", units="4", charge="20.00", diagnosis_pointers=[1], service_date=d)])
RESULT = len(codekit.check_claim(claim, submitted_on=datetime.date(2026, 7, 1)))
"""

DX = ["I10", "E11.9", "E78.5", "M17.11", "M17.12", "J44.9", "K21.9", "F32.9", "G47.33", "N18.30", "E66.9", "M81.0", "H25.9", "R53.83", "Z00.00", "Z79.4", "E11.65", "I25.10", "I48.91", "J45.909", "M54.50", "M54.2", "R07.9", "R10.9", "N39.0", "J06.9", "J02.9", "B34.9", "R05.9", "L03.115", "M25.561", "M79.604", "S93.401A", "S52.521A", "Z23", "Z79.899", "E03.9", "D64.9", "F41.1", "G43.909", "I50.9", "R51.9", "E55.9", "Z68.30", "E11", "T78.40A", "G63", "F02.80", "G30.9", "C61", "Z00.129"]
PROCS = [("99213", ()), ("99214", ()), ("99212", ()), ("99215", ()), ("99213", ("25",)),
         ("99214", ("25",)), ("20610", ("RT",)), ("20610", ("LT",)), ("J3301", ()),
         ("J1885", ()), ("96372", ()), ("36415", ()), ("80053", ()), ("85025", ()),
         ("93000", ()), ("71046", ()), ("G0439", ()), ("G2211", ()), ("97110", ()),
         ("97140", ("59",)), ("97161", ()), ("11042", ()), ("45380", ()), ("45378", ()),
         ("29881", ("RT",)), ("29877", ("RT",)), ("81002", ()), ("87880", ()), ("90686", ()),
         ("G0008", ()), ("99292", ()), ("A0425", ())]


def typical(i: int, day: datetime.date) -> object:
    from codekit.claims import Address, Claim, Patient, Payer, Provider, ServiceLine, Subscriber

    return Claim(
        patient_control_number=f"PCN{i}",
        patient=Patient(last_name="DOE", first_name="JANE", birth_date=datetime.date(1961, 3, 2),
                        sex="F", member_id="1EG4TE5MK73"),
        subscriber=Subscriber(relationship="18", member_id="1EG4TE5MK73"),
        payer=Payer(name="MEDICARE", payer_id="04412", filing_indicator="MB"),
        billing_provider=Provider(npi="1234567893", organization_name="MAIN STREET CLINIC",
                                  tax_id="123456789", address=Address(
                                      line1="100 MAIN ST", city="AUSTIN", state="TX",
                                      postal_code="787011234")),
        rendering_provider=Provider(npi="1111111112", last_name="SMITH", first_name="ANN"),
        place_of_service="11",
        diagnoses=["M17.11", "E11.9", "I10"],
        lines=[ServiceLine(code="99213", modifiers=["25"], charge="95.00",
                           diagnosis_pointers=[1, 2, 3], service_date=day),
               ServiceLine(code="20610", modifiers=["RT"], charge="120.00",
                           diagnosis_pointers=[1], service_date=day),
               ServiceLine(code="J3301", units="4", charge="20.00", diagnosis_pointers=[1],
                           service_date=day)])


def mixed(n: int, seed: int = 11) -> list[object]:
    from codekit.claims import Address, Claim, Patient, Payer, Provider, ServiceLine, Subscriber

    rng = random.Random(seed)
    days = [datetime.date(2026, 4, 1) + datetime.timedelta(days=k) for k in range(60)]
    bp = Provider(npi="1234567893", organization_name="MAIN STREET CLINIC", tax_id="123456789",
                  address=Address(line1="100 MAIN ST", city="AUSTIN", state="TX",
                                  postal_code="787011234"))
    out = []
    for i in range(n):
        dxs = rng.sample(DX, 3)
        day = rng.choice(days)
        lines = []
        for k, (code, mods) in enumerate(rng.sample(PROCS, 3)):
            lines.append(ServiceLine(code=code, modifiers=mods, charge=f"{rng.randint(10, 300)}.00",
                                     units=str(rng.choice((1, 1, 1, 2))),
                                     diagnosis_pointers=[1 + (k % 3)], service_date=day))
        birth = datetime.date(rng.randint(1930, 2020), rng.randint(1, 12), rng.randint(1, 28))
        out.append(Claim(
            patient_control_number=f"PCN{i}",
            patient=Patient(last_name="DOE", first_name="PAT", birth_date=birth,
                            sex=rng.choice("FMU"), member_id=f"M{i:08d}"),
            subscriber=Subscriber(relationship="18", member_id=f"M{i:08d}"),
            payer=Payer(name="MEDICARE", payer_id="04412"),
            billing_provider=bp, place_of_service=rng.choice(("11", "11", "22", "02")),
            diagnoses=dxs, lines=lines))
    return out


def cpu_rate(fn: object, n: int, repeats: int = 5) -> tuple[float, float]:
    """(best, median) claims per CPU-second over ``repeats`` runs of ``fn()``."""
    rates = []
    for _ in range(repeats):
        t = time.process_time()
        fn()  # type: ignore[operator]
        rates.append(n / (time.process_time() - t))
    return max(rates), statistics.median(rates)


def synthetic_ptp(path: str, rows: int) -> None:
    """A PTP file in CMS's layout with ``rows`` generated rows (SYNTHETIC)."""
    rng = random.Random(5)
    with open(path, "w", encoding="ascii", newline="") as fh:
        fh.write("SYNTHETIC PTP FILE FOR A LOADER BENCHMARK - NOT CMS DATA\r\nColumn1/Column2 Edits\r\n"
                 "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\t"
                 "Modifier\tPTP Edit Rationale\r\n\t\t\t\t*=no data\t0=not allowed\t\r\n")
        for k in range(rows):
            c1 = f"{10000 + k // 40:05d}"
            c2 = f"{rng.randint(10000, 99999):05d}"
            fh.write(f"{c1}\t{c2}\t\t20150101\t*\t{rng.choice('01')}\tMisuse of column two code with column one code\r\n")


def main() -> None:
    precompile()
    import codekit
    from codekit import ncci

    print("Claim scrubbing (codekit.check_claim / check_claims), one core, CPU time")
    first = fresh_process(FIRST_CALL, runs=5)
    print(f"  first call in a fresh process (import codekit, load the PTP fixture, check one "
          f"typical claim): median {first['median_ms']:.0f} ms, peak RSS "
          f"{first['peak_rss_mb']:.0f} MB ({first['result']} findings)")

    ed = ncci.load_ptp(FIXTURE)
    day = datetime.date(2026, 5, 15)
    t = time.perf_counter()
    codekit.check_claim(typical(0, day), submitted_on=SUBMITTED)
    print(f"  first check_claim in this process (after imports): {(time.perf_counter() - t) * 1000:.0f} ms")

    same = [typical(i, day) for i in range(20_000)]
    codekit.check_claims(same[:200], submitted_on=SUBMITTED)
    best, med = cpu_rate(lambda: codekit.check_claims(same, submitted_on=SUBMITTED), len(same))
    r = codekit.check_claim(same[0], submitted_on=SUBMITTED)
    print(f"  typical claim (3 diagnoses, 3 lines, {len(r)} findings), 20,000 times: "
          f"best {best:,.0f} claims/s, median {med:,.0f} claims/s ({1e6 / best:.0f} us/claim)  "
          "[goal >= 20,000]")

    batch = mixed(20_000)
    from codekit.validation import facts

    facts._current[0] = facts.Store(-1)  # cold caches: every code resolved on first sight
    t = time.process_time()
    reports = codekit.check_claims(batch, submitted_on=SUBMITTED)
    cold = len(batch) / (time.process_time() - t)
    best, med = cpu_rate(lambda: codekit.check_claims(batch, submitted_on=SUBMITTED), len(batch))
    bad = sum(not r.ok for r in reports)
    findings = sum(len(r) for r in reports)
    print(f"  mixed batch of 20,000 claims ({len(DX)} diagnoses, {len(PROCS)} procedures, 60 "
          f"dates; {bad} with errors, {findings / len(batch):.1f} findings/claim): first pass "
          f"{cold:,.0f} claims/s; warm best {best:,.0f}, median {med:,.0f} claims/s")
    ncci.unload("ptp", ed.id)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ccipra-v321r0-f2.txt")
        rows = 500_000
        synthetic_ptp(path, rows)
        t = time.perf_counter()
        ed = ncci.load_ptp(path)
        dt = time.perf_counter() - t
        print(f"  load_ptp of a {os.path.getsize(path) / 1e6:.0f} MB PTP text file ({rows:,} "
              f"SYNTHETIC rows, CMS layout): {dt:.1f} s ({rows / dt:,.0f} rows/s)")
        best, med = cpu_rate(lambda: codekit.check_claims(same, submitted_on=SUBMITTED),
                             len(same), repeats=3)
        print(f"  typical claim with that table loaded: best {best:,.0f} claims/s")
        ncci.unload("ptp", ed.id)


if __name__ == "__main__":
    main()
