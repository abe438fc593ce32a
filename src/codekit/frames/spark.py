"""The frames functions on Spark (PySpark 3.5+, Java 17+): Arrow batches in, Arrow
batches out.

Spark hands a Python function the rows of a partition as Arrow record batches
(``DataFrame.mapInArrow``) or pandas frames (``applyInPandas``); the functions here
wrap :mod:`codekit.frames` for exactly those two hooks. Nothing here imports
pyspark at module level: the executors need codekit[frames] and nothing else.

**Code sets load once per Python worker.** Spark reuses its Python workers between
tasks (``spark.python.worker.reuse``, on by default), and codekit keeps loaded
editions and annotation answers in module state, so a worker pays for loading in
its first batch only. :func:`annotate_batches` calls
:func:`codekit.frames.preload` at its first batch in each worker to make that cost
explicit.

Annotate a column (the worked example is in the docs, ``docs/frames.rst``)::

    from functools import partial
    from codekit.frames import spark as ckspark

    schema = ckspark.annotated_schema(df.schema, "dx")
    out = df.mapInArrow(partial(ckspark.annotate_batches, column="dx",
                                date_column="service_date"), schema)

Check claims, all of a claim's rows in one group (a bucket of many claims, so that
each Python call checks a batch)::

    buckets = 64
    claims = claims.withColumn("bucket", F.abs(F.hash("claim_id")) % buckets)
    lines = lines.withColumn("bucket", F.abs(F.hash("claim_id")) % buckets)
    findings = (claims.groupBy("bucket").cogroup(lines.groupBy("bucket"))
                .applyInPandas(ckspark.check_claims_groups(), ckspark.findings_schema()))
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa

from ._annotate import ANNOTATION_COLUMNS, annotate, preload
from ._claims import FINDING_COLUMNS, check_claims

__all__ = ["annotate_batches", "annotated_schema", "check_claims_groups", "findings_schema"]

_SPARK_TYPES = {
    "code": "string",
    "status": "string",
    "description": "string",
    "billable": "boolean",
    "chapter": "short",
    "block": "string",
    "category": "string",
    "parent": "string",
    "edition": "string",
}
_PRELOADED: set[str] = set()


def annotated_schema(schema: Any, column: str, *, prefix: str | None = None) -> Any:
    """The Spark schema (``StructType``) of ``schema`` with the columns
    :func:`codekit.frames.annotate` adds for ``column``."""
    from pyspark.sql.types import StructType, _parse_datatype_string

    stem = column if prefix is None else prefix
    out = StructType(list(schema.fields))
    for suffix in ANNOTATION_COLUMNS:
        out = out.add(f"{stem}_{suffix}", _parse_datatype_string(_SPARK_TYPES[suffix]), True)
    return out


def annotate_batches(
    batches: Iterator[pa.RecordBatch],
    column: str,
    *,
    system: str = "icd10cm",
    as_of: object = None,
    date_column: str | None = None,
    prefix: str | None = None,
) -> Iterator[pa.RecordBatch]:
    """For ``DataFrame.mapInArrow``: each batch with the annotation columns added.

    >>> import pyarrow as pa
    >>> batch = pa.RecordBatch.from_pydict({"dx": ["E11.9", "E11"]})
    >>> [b.column("dx_status").to_pylist() for b in annotate_batches(iter([batch]), "dx")]
    [['valid', 'not_billable']]
    """
    if system not in _PRELOADED:
        preload((system,))
        _PRELOADED.add(system)
    for batch in batches:
        table = annotate(pa.Table.from_batches([batch]), column, system=system, as_of=as_of,
                         date_column=date_column, prefix=prefix)
        yield from table.to_batches()


def findings_schema(key: str = "claim_id", key_type: str = "string") -> str:
    """The Spark DDL schema of a findings frame, for ``applyInPandas``.

    >>> findings_schema()
    'claim_id string, rule string, severity string, path string, value string, message string, editions string'
    """
    return ", ".join([f"{key} {key_type}", *(f"{c} string" for c in FINDING_COLUMNS)])


def _check_group(
    claims: Any, lines: Any, *, key: str, drop: tuple[str, ...], options: dict[str, Any]
) -> Any:
    claims = claims.drop(columns=[c for c in drop if c in claims.columns])
    lines = lines.drop(columns=[c for c in drop if c in lines.columns])
    found = check_claims(claims, None, lines if len(lines) else None, key=key, progress=False,
                         **options)
    return found.astype({key: "object"}) if len(found) == 0 else found


def check_claims_groups(
    key: str = "claim_id", *, drop: tuple[str, ...] = ("bucket",), **options: Any
) -> Callable[[Any, Any], Any]:
    """A function for ``cogroup(...).applyInPandas``: (claims, lines) pandas frames of
    one group -> their findings frame (:func:`codekit.frames.check_claims`).

    The claims frame carries each claim's diagnoses in a ``diagnoses`` list column
    (aggregate the diagnoses table first, ordered by ``sequence``); ``drop`` names
    grouping columns to remove; ``options`` go to :func:`codekit.frames.check_claims`
    (``submitted_on``, ``validator``, ...).

    >>> import pandas as pd
    >>> run = check_claims_groups(validator=lambda batch, **o: [__import__("codekit").findings.Report()] * len(batch))
    >>> run(pd.DataFrame({"claim_id": ["A"], "diagnoses": [["I10"]], "bucket": [0]}),
    ...     pd.DataFrame({"claim_id": ["A"], "code": ["99213"], "bucket": [0]})).shape
    (0, 7)
    """
    return functools.partial(_check_group, key=key, drop=tuple(drop), options=options)
