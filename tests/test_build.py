"""The bundled data is exactly what data/build.py makes from data/sources.

The generated data is not kept in git; ``data/built.sha256`` records the sha256 of
every file the reviewed build makes. A fresh build must reproduce it byte for byte,
and the data this checkout uses must be that build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def build() -> Iterator[ModuleType]:
    sys.path.insert(0, os.path.join(ROOT, "data"))
    try:
        import build as mod  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    yield mod


def test_rebuild_is_byte_identical_to_the_recorded_build(
    tmp_path: os.PathLike[str], build: ModuleType
) -> None:
    out = os.path.join(tmp_path, "_data")
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "data", "build.py"), "--out", out],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    got, want = build.digest(out), build.read_lock()
    assert len(want) > 10
    assert build.diff_digests(got, want) == []


def test_the_data_in_use_is_the_recorded_build(build: ModuleType) -> None:
    import codekit

    data = os.path.join(os.path.dirname(codekit.__file__), "_data")
    assert build.diff_digests(build.digest(data), build.read_lock()) == [], (
        "src/codekit/_data is not the build data/built.sha256 records: run "
        "`python data/build.py` (or `--lock` after changing the data on purpose)"
    )


def test_the_stamp_tracks_the_inputs(build: ModuleType) -> None:
    import codekit

    data = os.path.join(os.path.dirname(codekit.__file__), "_data")
    assert build.is_stale(data) is False
    with open(data + build.STAMP_SUFFIX, encoding="utf-8") as fh:
        stamp = json.load(fh)
    # the build's code inputs include the parsers it imported
    assert "src/codekit/_parsers/icd10cm.py" in stamp["modules"]
    assert build.is_stale(os.path.join(data, "no-such-folder")) is True


def test_manifest_records_sources_and_counts() -> None:
    from codekit import _resources

    manifest = _resources.manifest()
    eds = {e["id"]: e for e in manifest["editions"]["icd10cm"]}
    assert eds["FY2024"]["billable"] == 74_044
    assert eds["FY2025"]["billable"] == 74_260
    assert eds["FY2026"]["billable"] == 74_719
    assert "April 1, 2026" in eds["FY2026"]["note"]
    for e in eds.values():
        assert e["sources"][0]["provenance"].startswith(("OFFICIAL", "DERIVED"))
        assert len(e["sha256"]) == 64


def test_a_tampered_source_stops_the_build(
    tmp_path: os.PathLike[str], build: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = build.Context(str(tmp_path))
    monkeypatch.setattr(build, "sha256", lambda path: "0" * 64)
    with pytest.raises(build.BuildError, match="checksum mismatch"):
        ctx.source("icd10cm", "icd10cm-codes-2024.txt.gz")
