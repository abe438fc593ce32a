"""The Spark worked example, run for real where PySpark and Java are installed: the
results equal the single-process run. (The one test allowed to skip: Spark needs a
Java runtime, which a Python CI image may lack.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import partial

import pandas as pd
import pytest

from codekit import frames
from codekit.frames import synthetic

pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed (pip install 'codekit[spark]')")


def _java_runs() -> bool:
    java = shutil.which("java")
    if java is None:
        return False
    return subprocess.run([java, "-version"], capture_output=True).returncode == 0


if not _java_runs():  # pragma: no cover - depends on the machine
    pytest.skip("Spark needs a Java runtime and none runs here", allow_module_level=True)

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from codekit.frames import spark as ckspark  # noqa: E402


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors use this venv
    session = (
        SparkSession.builder.master("local[2]").appName("codekit-frames-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dataset():  # type: ignore[no-untyped-def]
    return synthetic.generate(400, seed=9)


def test_annotate_with_map_in_arrow(spark, dataset) -> None:  # type: ignore[no-untyped-def]
    _, dx, lines = dataset
    # diagnoses with the claim's date of service, as an analyst would join them
    first_day = lines.group_by("claim_id").aggregate([("service_date", "min")])
    table = dx.join(first_day, "claim_id").rename_columns(
        ["claim_id", "sequence", "code", "service_date"])
    df = spark.createDataFrame(table.to_pandas()).repartition(3)
    schema = ckspark.annotated_schema(df.schema, "code")
    out = df.mapInArrow(
        partial(ckspark.annotate_batches, column="code", date_column="service_date"), schema
    ).toPandas()
    want = frames.annotate(table.to_pandas(), "code", date_column="service_date")
    cols = ["claim_id", "sequence", *[f"code_{c}" for c in frames.ANNOTATION_COLUMNS]]
    got = out.sort_values(["claim_id", "sequence"]).reset_index(drop=True)[cols]
    want = want.sort_values(["claim_id", "sequence"]).reset_index(drop=True)[cols]
    # Spark hands back a nullable short as float: compare values, nulls as None
    def plain(df: pd.DataFrame) -> list[list[object]]:
        return df.astype(object).where(df.notna(), None).values.tolist()

    assert plain(got) == plain(want)
    assert {"valid", "not_billable"} <= set(got["code_status"])


def test_check_claims_with_cogroup(spark, dataset) -> None:  # type: ignore[no-untyped-def]
    import codekit

    claims, dx, lines = dataset
    options: dict[str, object] = {"submitted_column": "submitted_on"}
    if not hasattr(codekit, "check_claims"):
        from test_frames_claims import reference_validator

        # the executors import the test module that holds the stand-in validator
        spark.sparkContext.addPyFile(sys.modules[reference_validator.__module__].__file__)
        options["validator"] = reference_validator
    want = frames.check_claims(claims, dx, lines, progress=False, **options).to_pandas()

    sc = spark.createDataFrame(claims.to_pandas())
    sd = spark.createDataFrame(dx.to_pandas())
    sl = spark.createDataFrame(lines.to_pandas())
    # the diagnoses go onto the claim as an ordered list; claims and lines meet in buckets
    per_claim = sd.groupBy("claim_id").agg(
        F.sort_array(F.collect_list(F.struct("sequence", "code"))).alias("d")
    ).select("claim_id", F.col("d.code").alias("diagnoses"))
    buckets = 4
    c = sc.join(per_claim, "claim_id", "left").withColumn("bucket", F.abs(F.hash("claim_id")) % buckets)
    li = sl.withColumn("bucket", F.abs(F.hash("claim_id")) % buckets)
    found = (
        c.groupBy("bucket").cogroup(li.groupBy("bucket"))
        .applyInPandas(ckspark.check_claims_groups(**options), ckspark.findings_schema())
        .toPandas()
    )
    cols = ["claim_id", *frames.FINDING_COLUMNS]
    key = cols[:4]
    got = found[cols].astype(str).sort_values(cols).reset_index(drop=True)
    exp = want[cols].astype(str).sort_values(cols).reset_index(drop=True)
    assert len(exp) > 10
    pd.testing.assert_frame_equal(got, exp)
    assert key == ["claim_id", "rule", "severity", "path"]
