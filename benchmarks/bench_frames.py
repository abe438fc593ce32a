"""codekit.frames throughput: rows annotated per second and claims validated per second,
in one process and on a local Dask cluster (2 workers), in the same run.

Goal (issue 13): 1,000,000 diagnosis rows with realistic repetition annotated in at
most 1 s on one core, pandas and polars alike. The rows repeat the synthetic
dataset's diagnoses (skewed primary-care use plus a long tail) with dates of service
over FY2024-FY2026. "cold" = code sets loaded but no answer cached; "warm" = the same
frame again (answers cached, as on a Dask worker after its first partition).

    python benchmarks/bench_frames.py [--rows N] [--claims N] [--no-cluster]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import warnings

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

import codekit
from codekit import frames
from codekit.errors import EditionWarning
from codekit.findings import Finding, Report
from codekit.frames import synthetic


def _rows(n: int, seed: int = 1) -> pa.Table:
    _, dx, _ = synthetic.generate(20_000, seed=seed)
    codes = dx.column("code").to_pylist()
    rng = random.Random(seed)
    start = datetime.date(2023, 10, 1)
    days = [start + datetime.timedelta(days=d) for d in range(3 * 365)]
    return pa.table({
        "claim_id": pa.array(range(n), pa.int64()),
        "dx": rng.choices(codes, k=n),
        "dos": pa.array(rng.choices(days, k=n), pa.date32()),
    })


def _timed(fn, repeat: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(median CPU seconds, median wall seconds) over ``repeat`` runs."""
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def stand_in_validator(batch, **options):  # type: ignore[no-untyped-def]
    """Used only when codekit.check_claims is not built in: ICD-10-CM validity of every
    diagnosis on the first date of service and pointer ranges."""
    out = []
    for claim in batch:
        days = [x.service_date for x in claim.lines if x.service_date]
        day = min(days) if days else None
        found = [Finding("ICD10CM-CHECK", "error", "not valid", path=f"diagnoses[{i}]", value=d)
                 for i, d in enumerate(claim.diagnoses) if not codekit.icd10cm.is_valid(d, as_of=day)]
        for j, line in enumerate(claim.lines):
            found += [Finding("POINTER", "error", "out of range", path=f"lines[{j}]")
                      for p in line.diagnosis_pointers if not 1 <= p <= len(claim.diagnoses)]
        out.append(Report(found))
    return out


def single_process(table: pa.Table, claims: tuple[pa.Table, pa.Table, pa.Table]) -> dict[str, float]:
    n = table.num_rows
    figures: dict[str, float] = {}
    frames.preload(("icd10cm",))
    for kind, native in (("polars", pl.from_arrow(table)), ("pandas", table.to_pandas())):
        for mode, kw in (("date column", {"date_column": "dos"}), ("one date", {"as_of": "2025-06-01"})):
            frames.clear_cache()
            c, w = _timed(lambda native=native, kw=kw: frames.annotate(native, "dx", **kw), repeat=1)
            warm_c, warm_w = _timed(lambda native=native, kw=kw: frames.annotate(native, "dx", **kw))
            print(f"  annotate {n:,} rows, {kind}, {mode}: cold {c:.2f} s CPU ({w:.2f} s wall), "
                  f"warm {warm_c:.2f} s CPU ({warm_w:.2f} s wall) -> {n / warm_c:,.0f} rows/s "
                  f"warm, {n / c:,.0f} rows/s cold  [goal <= 1 s]")
            figures[f"{kind}-{mode}-cold"] = c
            figures[f"{kind}-{mode}-warm"] = warm_c
    validator = None if hasattr(codekit, "check_claims") else stand_in_validator
    which = "codekit.check_claims" if validator is None else "a stand-in validator (codekit.check_claims not built in)"
    c_tab, d_tab, l_tab = claims
    pc, pd_, pl_ = c_tab.to_pandas(), d_tab.to_pandas(), l_tab.to_pandas()
    cpu, wall = _timed(lambda: frames.check_claims(pc, pd_, pl_, validator=validator,
                                                   submitted_column="submitted_on",
                                                   progress=False), repeat=1)
    build_cpu, _ = _timed(lambda: frames.to_claims(pc, pd_, pl_), repeat=1)
    m = c_tab.num_rows
    print(f"  check_claims {m:,} claims ({which}): {cpu:.2f} s CPU, {wall:.2f} s wall -> "
          f"{m / cpu:,.0f} claims/s per CPU second, {m / wall:,.0f} claims/s wall; of which "
          f"building the Claims from the tables {build_cpu:.2f} s ({m / build_cpu:,.0f} claims/s)")
    figures["claims_per_s"] = m / cpu
    return figures


def cluster(table: pa.Table, claims_n: int, workdir: str) -> None:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from codekit.frames import dask as ckdask

    parts = 8
    rows_dir = os.path.join(workdir, "rows")
    os.makedirs(rows_dir)
    step = -(-table.num_rows // parts)
    for i in range(parts):
        pq.write_table(table.slice(i * step, step), os.path.join(rows_dir, f"part-{i}.parquet"))
    paths = synthetic.write_parquet(os.path.join(workdir, "claims"), claims_n, seed=3, partitions=parts)
    validator = None if hasattr(codekit, "check_claims") else stand_in_validator
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=40) as lc, Client(lc) as client:
        t = time.perf_counter()
        client.register_plugin(ckdask.Preload(systems=("icd10cm", "hcpcs")))
        print(f"  LocalCluster: 2 worker processes x 1 thread; Preload plugin {time.perf_counter() - t:.2f} s")
        ddf = dd.read_parquet(rows_dir)
        n = table.num_rows
        walls = []
        for _ in range(3):
            t = time.perf_counter()
            ckdask.annotate(ddf, "dx", date_column="dos")["dx_status"].value_counts().compute()
            walls.append(time.perf_counter() - t)
        print(f"  annotate {n:,} rows from Parquet ({parts} partitions), value_counts of the "
              f"status: first {walls[0]:.2f} s, then {min(walls[1:]):.2f} s wall -> "
              f"{n / min(walls[1:]):,.0f} rows/s")
        # single process, same work from the same files
        t = time.perf_counter()
        frames.annotate(pq.read_table(rows_dir).to_pandas(), "dx", date_column="dos")["dx_status"].value_counts()
        print(f"  (one process, same files and work: {time.perf_counter() - t:.2f} s wall)")
        read = {k: dd.read_parquet(v, index="claim_id", calculate_divisions=True) for k, v in paths.items()}
        opts: dict[str, object] = {"submitted_column": "submitted_on"}
        if validator is not None:
            opts["validator"] = validator
        walls = []
        for _ in range(3):
            t = time.perf_counter()
            found = ckdask.check_claims(read["claims"], read["diagnoses"], read["lines"], **opts)
            count = len(found)
            walls.append(time.perf_counter() - t)
        print(f"  check_claims {claims_n:,} claims from Parquet ({parts} partitions): first "
              f"{walls[0]:.2f} s, then {min(walls[1:]):.2f} s wall -> "
              f"{claims_n / min(walls[1:]):,.0f} claims/s wall ({count:,} findings)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--no-cluster", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", EditionWarning)
    print(f"codekit.frames (machine: {os.cpu_count()} cores; CPU seconds are of this process)")
    table = _rows(args.rows)
    claims = synthetic.generate(args.claims, seed=3)
    single_process(table, claims)
    if not args.no_cluster:
        with tempfile.TemporaryDirectory() as tmp:
            cluster(table, args.claims, tmp)


if __name__ == "__main__":
    sys.exit(main())
