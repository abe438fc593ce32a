"""The frames functions on Dask (``pip install codekit[dask]``): the same code per
partition, over a partitioned dataset too large for one machine's memory.

Each function runs :mod:`codekit.frames` on every partition (``map_partitions``);
the results equal the single-process run.

**Code sets load once per worker, not once per partition.** codekit keeps each
loaded edition (a memory-mapped table) and the answers of :func:`annotate` in
module-level state of the worker process, so the first partition a worker
handles pays for loading and every later one reuses it. Register
:class:`Preload` so that the loading happens when the worker starts, before any
task (and is paid again only by a worker that restarts)::

    from distributed import Client
    from codekit.frames.dask import Preload

    client = Client(cluster)
    client.register_plugin(Preload(systems=("icd10cm", "hcpcs")))

``client.run(codekit.frames.cache_info)`` shows, per worker, how many code sets
were loaded and how many look-ups the cache answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from . import _annotate, _claims, _usage
from ._annotate import preload
from ._common import FrameError

__all__ = ["Preload", "annotate", "check_claims", "preload", "usage"]


from distributed.diagnostics.plugin import WorkerPlugin


# (WorkerPlugin is Any where distributed is not installed, e.g. a venv without the extra)
class Preload(WorkerPlugin):  # type: ignore[misc,unused-ignore]
    """A Dask worker plugin that loads code sets when each worker starts.

    ``client.register_plugin(Preload(systems=("icd10cm",)))``: every worker, now
    and any started later, runs :func:`preload` once in its own process.
    """

    name = "codekit-preload"

    def __init__(self, systems: Iterable[str] = ("icd10cm",), editions: Sequence[str] | None = None):
        self.systems = tuple(systems)
        self.editions = None if editions is None else tuple(editions)

    def setup(self, worker: Any) -> None:
        preload(self.systems, self.editions)


def _dd() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError("codekit.frames.dask needs codekit[dask]: pip install 'codekit[dask]'") from exc
    return dd


def _require(ddf: Any, *names: str | None) -> None:
    for name in names:
        if name is not None and name not in ddf.columns:
            raise FrameError(f"no column {name!r} in the Dask frame", column=name)


def annotate(
    ddf: Any,
    column: str,
    *,
    system: str = "icd10cm",
    as_of: object = None,
    date_column: str | None = None,
    prefix: str | None = None,
) -> Any:
    """:func:`codekit.frames.annotate` on every partition of a Dask DataFrame (lazy:
    nothing runs until ``.compute()`` or a write).

    >>> import dask.dataframe as dd, pandas as pd
    >>> ddf = dd.from_pandas(pd.DataFrame({"dx": ["E11.9", "E11", "I10"]}), npartitions=2)
    >>> annotate(ddf, "dx").compute()["dx_status"].tolist()
    ['valid', 'not_billable', 'valid']
    """
    _dd()
    _require(ddf, column, date_column)
    options: dict[str, Any] = {
        "system": system, "as_of": as_of, "date_column": date_column, "prefix": prefix,
    }
    meta = _annotate.annotate(ddf._meta, column, **options)
    return ddf.map_partitions(_annotate.annotate, column, meta=meta, **options)


def _partition_usage(part: pd.DataFrame, column: str, by: Any, options: dict[str, Any]) -> pd.DataFrame:
    out: pd.DataFrame = _usage.usage(part, column, by=by, **options)
    return out


def usage(
    ddf: Any,
    column: str,
    *,
    by: str | int = "chapter",
    system: str = "icd10cm",
    as_of: object = None,
    date_column: str | None = None,
    top: int | None = None,
) -> pd.DataFrame:
    """:func:`codekit.frames.usage` over a Dask DataFrame: counted per partition,
    added up, shares taken of the total. Computes, and returns a pandas frame (a
    summary is small).

    >>> import dask.dataframe as dd, pandas as pd
    >>> ddf = dd.from_pandas(pd.DataFrame({"dx": ["E11.9", "I10", "I10", "E78.5"]}), npartitions=2)
    >>> usage(ddf, "dx", by="code")[["code", "count", "share"]]
        code  count  share
    0    I10      2    0.5
    1  E11.9      1   0.25
    2  E78.5      1   0.25
    """
    _dd()
    _require(ddf, column, date_column)
    _usage._check_level(by)
    options: dict[str, Any] = {"system": system, "as_of": as_of, "date_column": date_column}
    meta = _partition_usage(ddf._meta, column, by, options)
    parts = ddf.map_partitions(_partition_usage, column, by, options, meta=meta).compute()
    label = by if isinstance(by, str) else f"len{by}"
    grouped = (
        parts.reset_index(drop=True)
        .groupby(label, dropna=False, sort=False)
        .agg(description=("description", "first"), count=("count", "sum"))
        .reset_index()
    )
    total = grouped["count"].sum()
    grouped["share"] = grouped["count"] / total if total else 0.0
    grouped["_null"] = grouped[label].isna()
    grouped = grouped.sort_values(["_null", "count", label], ascending=[True, False, True],
                                  kind="stable").drop(columns="_null")
    if top is not None:
        grouped = grouped.head(top)
    return grouped.reset_index(drop=True).astype({"count": "int64"})


def _partition_check(
    claims: pd.DataFrame,
    diagnoses: pd.DataFrame | None,
    lines: pd.DataFrame | None,
    key: str,
    options: dict[str, Any],
) -> pd.DataFrame:
    def keyed(part: pd.DataFrame | None) -> pd.DataFrame | None:
        if part is None:
            return None
        return part.reset_index() if key not in part.columns else part

    out: pd.DataFrame = _claims.check_claims(
        keyed(claims), keyed(diagnoses), keyed(lines), key=key, progress=False, **options
    )
    return out


def check_claims(
    claims: Any,
    diagnoses: Any = None,
    lines: Any = None,
    *,
    key: str = "claim_id",
    **options: Any,
) -> Any:
    """:func:`codekit.frames.check_claims` per partition of three Dask DataFrames: a
    lazy Dask DataFrame of findings.

    The three frames must hold each claim's rows in the same partition: index them
    by ``key`` with the same divisions (``dd.read_parquet(path, index=key,
    calculate_divisions=True)`` on datasets written in key order, as
    :func:`codekit.frames.synthetic.write_parquet` writes them). Frames not indexed
    that way are indexed here (a shuffle). ``options`` are those of
    :func:`codekit.frames.check_claims` (``validator``, ``submitted_on``, ...).
    """
    dd = _dd()
    if "progress" in options:
        raise FrameError("progress bars are per process; Dask shows its own (the dashboard)")

    def indexed(frame: Any) -> Any:
        if frame is None:
            return None
        if frame.index.name == key and frame.known_divisions:
            return frame
        _require(frame, key)
        return frame.set_index(key, sorted=False)

    c = indexed(claims)
    parts = [c]
    for frame in (diagnoses, lines):
        f = indexed(frame)
        if f is not None and f.divisions != c.divisions:
            f = f.repartition(divisions=c.divisions)
        parts.append(f)
    d, li = parts[1], parts[2]
    meta = _partition_check(
        c._meta, None if d is None else d._meta, None if li is None else li._meta, key, options
    )
    return dd.map_partitions(_partition_check, c, d, li, key, options, meta=meta,
                             align_dataframes=False)
