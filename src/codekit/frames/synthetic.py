"""A small synthetic claims dataset for the tutorials, tests and benchmarks.

**Synthetic: no real patient, provider or payer.** Names come from short invented
lists, member ids start with ``SYN``, NPIs are made to pass the check digit and
belong to no one. Codes are real (ICD-10-CM, HCPCS, CPT numbers), chosen with the
skewed frequencies of a primary-care practice, and a few percent of claims carry
the mistakes billers meet (header codes, a missing 7th character, a code a later
edition split, a bad NPI, a pointer out of range, an unknown modifier), so that
validation has something to find.

Three tables in the long format of a practice-management export: ``claims`` (one
row per claim), ``diagnoses`` (``claim_id``, ``sequence``, ``code``) and ``lines``
(``claim_id``, ``line_number``, ``code``, ``modifiers``, ``units``, ``charge``,
``diagnosis_pointers``, ``service_date``). The same seed gives the same data.

>>> from codekit.frames import synthetic
>>> claims, diagnoses, lines = synthetic.generate(200, seed=1)
>>> claims.num_rows, diagnoses.num_rows > 200, lines.num_rows > 200
(200, True, True)
>>> claims.column("claim_id")[0].as_py(), claims.column("patient_last_name")[0].as_py()[:3]
('CLM000001', 'SYN')

Write it as a partitioned Parquet dataset (each table in part files of contiguous,
sorted claim ids, so Dask reads them with known divisions), or from the shell:
``python -m codekit.frames.synthetic OUTDIR --claims 3000``.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["generate", "npi_with_check_digit", "write_parquet"]

# ---------------------------------------------------------------------------------
# invented people and organisations (synthetic: none of them exists)
_LAST = ["SYNALDER", "SYNBIRCH", "SYNCEDAR", "SYNDOGWOOD", "SYNELM", "SYNFIR", "SYNGINKGO",
         "SYNHAZEL", "SYNIRONWOOD", "SYNJUNIPER", "SYNLARCH", "SYNMAPLE", "SYNOAK", "SYNPINE",
         "SYNQUINCE", "SYNROWAN", "SYNSPRUCE", "SYNTAMARACK", "SYNWILLOW", "SYNYEW"]
_FIRST_F = ["ALEXA", "BEA", "CORA", "DINA", "EVA", "FAYE", "GIA", "HANA", "IDA", "JUNE"]
_FIRST_M = ["ARLO", "BEN", "CAL", "DEX", "ELI", "FINN", "GUS", "HUGO", "IKE", "JON"]
_CITIES = [("SAMPLETOWN", "TX", "78701"), ("EXAMPLE CITY", "TX", "78702"),
           ("TESTVILLE", "TX", "78703")]
_PAYERS = [("MEDICARE", "04412", "MB"), ("SYNTHETIC HEALTH PLAN", "SYN01", "CI"),
           ("SYNTHETIC MEDICAID", "SYN02", "MC")]
_CLINICS = [("SYNTHETIC FAMILY CLINIC", "207Q00000X"), ("SAMPLE INTERNAL MEDICINE", "207R00000X")]
_DOCTORS = [("SYNHOLLY", "ANN"), ("SYNLAUREL", "RAJ"), ("SYNMYRTLE", "LEE"),
            ("SYNOLIVE", "SAM"), ("SYNPOPLAR", "KIM"), ("SYNSUMAC", "TOM")]

# primary-care diagnoses valid in FY2024-FY2026, most used first (skewed use)
_DIAGNOSES = ["I10", "E11.9", "E78.5", "Z00.00", "J06.9", "E66.9", "M54.50", "F41.1", "K21.9",
              "E78.2", "Z23", "F32.A", "N39.0", "J45.909", "R05.9", "E03.9", "E11.65", "Z79.4",
              "M25.561", "R51.9", "G47.00", "I48.91", "N18.30", "J02.9", "B34.9", "R10.9",
              "L03.90", "H10.9", "Z71.3", "E55.9", "D64.9", "M17.11", "J30.9", "R53.83",
              "Z13.220", "E11.42", "Z79.899", "I25.10", "J44.9", "Z00.01"]
# (code, charge) for office lines; CPT numbers only (no AMA descriptors are shipped)
_VISITS = [("99213", "110.00"), ("99214", "165.00"), ("99212", "75.00"), ("99215", "220.00")]
_EXTRAS_CPT = [("36415", "12.00"), ("81002", "9.00"), ("93000", "45.00"), ("90471", "25.00")]
# HCPCS Level II, used only on dates the bundled HCPCS editions cover
_EXTRAS_HCPCS = [("G2211", "16.00"), ("J1100", "8.00"), ("J3301", "11.00"), ("G0442", "19.00")]
# mistakes billers meet: a header, a missing 7th character, a malformed code
_BAD_DIAGNOSES = ["E11", "I50", "S52.521", "M54.5", "E11.9X"]

_HCPCS_FROM = datetime.date(2025, 10, 1)
_HCPCS_TO = datetime.date(2026, 3, 31)
_OLD_FROM = datetime.date(2023, 10, 1)


def npi_with_check_digit(first9: str) -> str:
    """A 10-digit NPI from 9 digits: the Luhn check digit over ``80840`` + the digits.

    >>> npi_with_check_digit("123456789")
    '1234567893'
    """
    if len(first9) != 9 or not first9.isdigit():
        raise ValueError(f"need 9 digits, not {first9!r}")
    digits = [int(c) for c in "80840" + first9]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return first9 + str((10 - total % 10) % 10)


def _changed_codes() -> list[str]:
    """Billable FY2025 codes that FY2026 split or deleted (for the edition-change
    analysis), a few, in code order."""
    from .. import icd10cm

    old = icd10cm.code_set("FY2025")
    new = icd10cm.code_set("FY2026")
    picked = ["G35"] if old.get("G35") is not None and old["G35"].billable else []
    for code in old.codes(billable_only=True):
        if len(picked) >= 6:
            break
        rec = new.get(code)
        if (rec is None or not rec.billable) and code not in picked:
            picked.append(code)
    return picked


def _tail_codes(rng: random.Random, n: int) -> list[str]:
    from .. import icd10cm

    both = set(icd10cm.code_set("FY2024").codes(billable_only=True))
    pool = [c for c in icd10cm.code_set("FY2026").codes(billable_only=True) if c in both]
    return rng.sample(pool, n)


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def generate(
    n_claims: int = 3000, *, seed: int = 2026
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The three tables (claims, diagnoses, lines) of ``n_claims`` synthetic claims."""
    if n_claims < 1:
        raise ValueError(f"n_claims must be at least 1, not {n_claims!r}")
    rng = random.Random(seed)
    dx_weights = [1 / (i + 1) for i in range(len(_DIAGNOSES))]
    tail = _tail_codes(rng, 300)
    changed = _changed_codes()
    clinics = [
        (name, taxonomy, npi_with_check_digit(f"{1000 + i:04d}{rng.randrange(10**5):05d}"),
         f"{rng.randrange(10**8, 10**9)}")
        for i, (name, taxonomy) in enumerate(_CLINICS)
    ]
    doctors = [
        (last, first, npi_with_check_digit(f"{2000 + i:04d}{rng.randrange(10**5):05d}"))
        for i, (last, first) in enumerate(_DOCTORS)
    ]
    n_patients = max(1, n_claims // 3)
    patients = []
    for i in range(n_patients):
        sex = rng.choice("FM")
        first = rng.choice(_FIRST_F if sex == "F" else _FIRST_M)
        city, state, zip5 = rng.choice(_CITIES)
        born = _day(rng, datetime.date(1940, 1, 1), datetime.date(2020, 12, 31))
        patients.append((rng.choice(_LAST), first, born, sex, f"SYN{i:08d}",
                         f"{100 + i % 900} SAMPLE ST", city, state, zip5, rng.choice(_PAYERS)))

    claims: dict[str, list[Any]] = {k: [] for k in _CLAIM_COLUMNS}
    dx: dict[str, list[Any]] = {"claim_id": [], "sequence": [], "code": []}
    lines: dict[str, list[Any]] = {k: [] for k in _LINE_COLUMNS}
    for n in range(1, n_claims + 1):
        claim_id = f"CLM{n:06d}"
        p = rng.choice(patients)
        clinic = rng.choice(clinics)
        doctor = rng.choice(doctors)
        recent = rng.random() < 0.6
        day = _day(rng, _HCPCS_FROM, _HCPCS_TO) if recent else _day(
            rng, _OLD_FROM, _HCPCS_FROM - datetime.timedelta(days=1))
        # diagnoses: 1-5, skewed, distinct
        want = min(len(_DIAGNOSES), 1 + int(rng.expovariate(0.9)))
        codes: list[str] = []
        while len(codes) < want:
            c = rng.choice(tail) if rng.random() < 0.12 else rng.choices(_DIAGNOSES, dx_weights)[0]
            if c not in codes:
                codes.append(c)
        if not recent and rng.random() < 0.08:
            codes[-1] = rng.choice(changed)  # valid then; a later edition split or deleted it
        if rng.random() < 0.03:
            codes[rng.randrange(len(codes))] = rng.choice(_BAD_DIAGNOSES)
        if recent and rng.random() < 0.01:
            codes.append(rng.choice(changed))  # used after the change: no longer billable
        for i, c in enumerate(codes):
            dx["claim_id"].append(claim_id)
            dx["sequence"].append(i + 1)
            dx["code"].append(c)
        # lines: a visit, sometimes more
        visit = rng.choices(_VISITS, [5, 3, 2, 1])[0]
        items: list[tuple[str, str, list[str]]] = [(visit[0], visit[1], [])]
        extras = _EXTRAS_CPT + (_EXTRAS_HCPCS if recent else [])
        for _ in range(int(rng.expovariate(1.5))):
            code, charge = rng.choice(extras)
            if code not in (c for c, _, _ in items):
                items.append((code, charge, []))
        if len(items) > 1 and rng.random() < 0.5:
            items[0] = (items[0][0], items[0][1], ["25"])
        for j, (code, charge, mods) in enumerate(items):
            pointers = list(range(1, min(len(codes), 4) + 1))[: 1 + rng.randrange(min(len(codes), 4))]
            if rng.random() < 0.01:
                pointers = [len(codes) + 1]  # points past the last diagnosis
            if rng.random() < 0.005:
                mods = [*mods, "ZZ"]  # not a modifier
            lines["claim_id"].append(claim_id)
            lines["line_number"].append(j + 1)
            lines["code"].append(code)
            lines["modifiers"].append(mods)
            lines["units"].append(Decimal("1"))
            lines["charge"].append(Decimal(charge))
            lines["diagnosis_pointers"].append(pointers)
            lines["service_date"].append(day)
        place = (p[6], p[7], p[8])
        rendering_npi = doctor[2] if rng.random() > 0.01 else doctor[2][:9] + str((int(doctor[2][9]) + 1) % 10)
        replacement = rng.random() < 0.02
        for col, value in (
            ("claim_id", claim_id),
            ("patient_control_number", f"PCN{n:07d}"),
            ("frequency_code", "7" if replacement else "1"),
            ("original_claim_id", None if not replacement or rng.random() < 0.3 else f"SYNICN{n:07d}"),
            ("place_of_service", rng.choices(["11", "02", "22"], [20, 3, 1])[0]),
            ("patient_last_name", p[0]),
            ("patient_first_name", p[1]),
            ("patient_birth_date", p[2]),
            ("patient_sex", p[3]),
            ("patient_member_id", p[4]),
            ("patient_address_line1", p[5]),
            ("patient_address_city", place[0]),
            ("patient_address_state", place[1]),
            ("patient_address_postal_code", place[2]),
            ("subscriber_relationship", "18"),
            ("subscriber_member_id", p[4]),
            ("payer_name", p[9][0]),
            ("payer_id", p[9][1]),
            ("payer_filing_indicator", p[9][2]),
            ("billing_provider_npi", clinic[2]),
            ("billing_provider_organization_name", clinic[0]),
            ("billing_provider_tax_id", clinic[3]),
            ("billing_provider_taxonomy", clinic[1]),
            ("billing_provider_address_line1", "1 EXAMPLE PLAZA"),
            ("billing_provider_address_city", "SAMPLETOWN"),
            ("billing_provider_address_state", "TX"),
            ("billing_provider_address_postal_code", "787010001"),
            ("rendering_provider_npi", rendering_npi),
            ("rendering_provider_last_name", doctor[0]),
            ("rendering_provider_first_name", doctor[1]),
            ("submitted_on", day + datetime.timedelta(days=rng.randrange(2, 30))),
        ):
            claims[col].append(value)
    return (
        pa.table(claims, schema=_CLAIMS_SCHEMA),
        pa.table(dx, schema=_DX_SCHEMA),
        pa.table(lines, schema=_LINES_SCHEMA),
    )


_CLAIMS_SCHEMA = pa.schema(
    [("claim_id", pa.string()), ("patient_control_number", pa.string()),
     ("frequency_code", pa.string()), ("original_claim_id", pa.string()),
     ("place_of_service", pa.string()), ("patient_last_name", pa.string()),
     ("patient_first_name", pa.string()), ("patient_birth_date", pa.date32()),
     ("patient_sex", pa.string()), ("patient_member_id", pa.string()),
     ("patient_address_line1", pa.string()), ("patient_address_city", pa.string()),
     ("patient_address_state", pa.string()), ("patient_address_postal_code", pa.string()),
     ("subscriber_relationship", pa.string()), ("subscriber_member_id", pa.string()),
     ("payer_name", pa.string()), ("payer_id", pa.string()),
     ("payer_filing_indicator", pa.string()), ("billing_provider_npi", pa.string()),
     ("billing_provider_organization_name", pa.string()),
     ("billing_provider_tax_id", pa.string()), ("billing_provider_taxonomy", pa.string()),
     ("billing_provider_address_line1", pa.string()),
     ("billing_provider_address_city", pa.string()),
     ("billing_provider_address_state", pa.string()),
     ("billing_provider_address_postal_code", pa.string()),
     ("rendering_provider_npi", pa.string()), ("rendering_provider_last_name", pa.string()),
     ("rendering_provider_first_name", pa.string()), ("submitted_on", pa.date32())]
)
_CLAIM_COLUMNS = tuple(_CLAIMS_SCHEMA.names)
_DX_SCHEMA = pa.schema([("claim_id", pa.string()), ("sequence", pa.int16()), ("code", pa.string())])
_LINES_SCHEMA = pa.schema(
    [("claim_id", pa.string()), ("line_number", pa.int16()), ("code", pa.string()),
     ("modifiers", pa.list_(pa.string())), ("units", pa.decimal128(9, 2)),
     ("charge", pa.decimal128(11, 2)), ("diagnosis_pointers", pa.list_(pa.int16())),
     ("service_date", pa.date32())]
)
_LINE_COLUMNS = tuple(_LINES_SCHEMA.names)


def write_parquet(
    directory: str | os.PathLike[str],
    n_claims: int = 3000,
    *,
    seed: int = 2026,
    partitions: int = 4,
) -> dict[str, str]:
    """Write the dataset as ``claims/``, ``diagnoses/`` and ``lines/`` folders of
    Parquet part files under ``directory``; returns the folder of each table.

    Part ``i`` of every table holds the same contiguous range of claim ids, sorted,
    so a reader that knows the divisions (Dask with ``calculate_divisions=True``)
    lines the three tables up without a shuffle.
    """
    if partitions < 1:
        raise ValueError(f"partitions must be at least 1, not {partitions!r}")
    tables = dict(zip(("claims", "diagnoses", "lines"), generate(n_claims, seed=seed), strict=True))
    ids = tables["claims"].column("claim_id").to_pylist()
    size = -(-len(ids) // partitions)
    bounds = [ids[i] for i in range(0, len(ids), size)] + [None]
    out = {}
    for name, table in tables.items():
        folder = os.path.join(os.fspath(directory), name)
        os.makedirs(folder, exist_ok=True)
        key = table.column("claim_id")
        for part, (lo, hi) in enumerate(itertools.pairwise(bounds)):
            mask = pc.greater_equal(key, lo)
            if hi is not None:
                mask = pc.and_(mask, pc.less(key, hi))
            pq.write_table(table.filter(mask), os.path.join(folder, f"part-{part:03d}.parquet"))
        out[name] = folder
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m codekit.frames.synthetic OUTDIR [--claims N] [--seed S] [--partitions P]``"""
    parser = argparse.ArgumentParser(
        prog="python -m codekit.frames.synthetic",
        description="Write a synthetic claims dataset (no real patient data) as Parquet.",
    )
    parser.add_argument("outdir")
    parser.add_argument("--claims", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args(argv)
    paths = write_parquet(args.outdir, args.claims, seed=args.seed, partitions=args.partitions)
    for name, folder in paths.items():
        print(f"{name}: {folder}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
