"""codekit.frames.dask on a real local cluster (2 worker processes): the results equal
the single-process run, and each worker loads its code sets once."""

from __future__ import annotations

import sys
import warnings

import pandas as pd
import pytest

import codekit
from codekit import frames, hcpcs, icd10cm
from codekit.errors import EditionWarning
from codekit.frames import synthetic

dd = pytest.importorskip("dask.dataframe", reason="codekit[dask] is not installed")
distributed = pytest.importorskip("distributed", reason="codekit[dask] is not installed")

from codekit.frames import dask as ckdask  # noqa: E402


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=40,
    )
    client = distributed.Client(cluster)
    client.register_plugin(ckdask.Preload(systems=("icd10cm", "hcpcs")))
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("claims")
    paths = synthetic.write_parquet(folder, 1500, seed=5, partitions=6)
    return paths, synthetic.generate(1500, seed=5)


def _read(path: str):  # type: ignore[no-untyped-def]
    return dd.read_parquet(path, index="claim_id", calculate_divisions=True)


def _validator():  # type: ignore[no-untyped-def]
    if hasattr(codekit, "check_claims"):  # pragma: no cover - once the engine is built in
        return None
    import cloudpickle
    from test_frames_claims import reference_validator

    # the workers cannot import the test module: send the function itself
    cloudpickle.register_pickle_by_value(sys.modules[reference_validator.__module__])
    return reference_validator


def _sorted(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    out = df.reset_index(drop=False) if df.index.name else df.reset_index(drop=True)
    return out.sort_values(by, kind="stable").reset_index(drop=True)


def test_cluster_has_two_workers(client) -> None:  # type: ignore[no-untyped-def]
    assert len(client.scheduler_info()["workers"]) == 2
    # the plugin ran on each worker at start-up: every ICD-10-CM and HCPCS edition loaded
    loaded = client.run(frames.cache_info)
    want = len(icd10cm.editions()) + len(hcpcs.editions())
    assert [info.code_sets for info in loaded.values()] == [want, want]


def test_annotate_equals_single_process(client, dataset) -> None:  # type: ignore[no-untyped-def]
    paths, (_, dx, lines) = dataset
    lazy = ckdask.annotate(_read(paths["lines"]), "code", system="hcpcs", date_column="service_date")
    assert lazy.npartitions == 6
    got = lazy.compute()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EditionWarning)
        want = frames.annotate(lines.to_pandas(), "code", system="hcpcs", date_column="service_date")
    cols = ["claim_id", "line_number", *[f"code_{c}" for c in frames.ANNOTATION_COLUMNS]]
    g = _sorted(got, ["claim_id", "line_number"])[cols]
    w = _sorted(want, ["claim_id", "line_number"])[cols]
    pd.testing.assert_frame_equal(g, w, check_dtype=False)
    assert set(w["code_status"]) >= {"valid", "bad_format"}  # HCPCS, and CPT numbers

    got_dx = ckdask.annotate(_read(paths["diagnoses"]), "code", as_of="2025-06-01").compute()
    want_dx = frames.annotate(dx.to_pandas(), "code", as_of="2025-06-01")
    cols = ["claim_id", "sequence", *[f"code_{c}" for c in frames.ANNOTATION_COLUMNS]]
    pd.testing.assert_frame_equal(_sorted(got_dx, ["claim_id", "sequence"])[cols],
                                  _sorted(want_dx, ["claim_id", "sequence"])[cols],
                                  check_dtype=False)


def test_workers_load_code_sets_once(client, dataset) -> None:  # type: ignore[no-untyped-def]
    paths, _ = dataset
    before = client.run(lambda: id(codekit.icd10cm.code_set("FY2026")))
    loaded_before = {w: i.code_sets for w, i in client.run(frames.cache_info).items()}
    ddf = _read(paths["diagnoses"])
    misses = {w: i.misses for w, i in client.run(frames.cache_info).items()}
    ckdask.annotate(ddf, "code").compute()  # every partition
    first = client.run(frames.cache_info)
    ckdask.annotate(ddf, "code").compute()  # every partition again
    second = client.run(frames.cache_info)
    # no code set was loaded again
    assert {w: i.code_sets for w, i in second.items()} == loaded_before
    assert client.run(lambda: id(codekit.icd10cm.code_set("FY2026"))) == before
    # over both passes (12 partition tasks) each worker looked each code up at most once
    distinct = ddf["code"].nunique().compute()
    assert sum(second[w].misses - misses[w] for w in second) <= 2 * distinct
    for w, info in second.items():
        assert info.misses - misses[w] <= distinct
    assert sum(second[w].hits - first[w].hits for w in second) > 0


def test_usage_equals_single_process(client, dataset) -> None:  # type: ignore[no-untyped-def]
    paths, (_, dx, _) = dataset
    for by in ("chapter", "category", "code"):
        got = ckdask.usage(_read(paths["diagnoses"]), "code", by=by)
        want = frames.usage(dx.to_pandas(), "code", by=by)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)


def test_check_claims_equals_single_process(client, dataset) -> None:  # type: ignore[no-untyped-def]
    paths, (claims, dx, lines) = dataset
    validator = _validator()
    options: dict[str, object] = {"submitted_column": "submitted_on"}
    if validator is not None:
        options["validator"] = validator
    lazy = ckdask.check_claims(_read(paths["claims"]), _read(paths["diagnoses"]),
                               _read(paths["lines"]), **options)
    assert lazy.npartitions == 6
    got = lazy.compute()
    want = frames.check_claims(claims.to_pandas(), dx.to_pandas(), lines.to_pandas(),
                               progress=False, **options)
    assert len(want) > 20
    cols = ["claim_id", *frames.FINDING_COLUMNS]
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True)[cols].astype(str), want[cols].astype(str)
    )
    # frames not indexed by the key are indexed (shuffled) first; (dask turns the list
    # columns of a pandas frame into text such as "[1 2]": read back as lists)
    plain = ckdask.check_claims(
        dd.from_pandas(claims.to_pandas(), npartitions=3),
        dd.from_pandas(dx.to_pandas(), npartitions=2),
        dd.from_pandas(lines.to_pandas(), npartitions=4), **options).compute()
    assert sorted(map(tuple, plain[cols].astype(str).values.tolist())) == sorted(
        map(tuple, want[cols].astype(str).values.tolist()))
