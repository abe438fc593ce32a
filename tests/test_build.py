"""The committed data is exactly what data/build.py makes from data/sources."""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_rebuild_is_byte_identical(tmp_path: os.PathLike[str]) -> None:
    out = os.path.join(tmp_path, "_data")
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "data", "build.py"), "--out", out],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, os.path.join(ROOT, "data"))
    try:
        import build  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    committed = os.path.join(ROOT, "src", "codekit", "_data")
    assert build.compare(out, committed) == []


def test_manifest_records_sources_and_counts() -> None:
    with open(os.path.join(ROOT, "src", "codekit", "_data", "manifest.json")) as fh:
        manifest = json.load(fh)
    eds = {e["id"]: e for e in manifest["editions"]["icd10cm"]}
    assert eds["FY2024"]["billable"] == 74_044
    assert eds["FY2025"]["billable"] == 74_260
    assert eds["FY2026"]["billable"] == 74_719
    assert "April 1, 2026" in eds["FY2026"]["note"]
    for e in eds.values():
        assert e["sources"][0]["provenance"].startswith(("OFFICIAL", "DERIVED"))
        assert len(e["sha256"]) == 64


def test_a_tampered_source_stops_the_build(tmp_path: os.PathLike[str]) -> None:
    sys.path.insert(0, os.path.join(ROOT, "data"))
    try:
        import build
    finally:
        sys.path.pop(0)
    ctx = build.Context(str(tmp_path))
    real = build.sha256
    build.sha256 = lambda path: "0" * 64
    try:
        try:
            ctx.source("icd10cm", "icd10cm-codes-2024.txt.gz")
        except build.BuildError as exc:
            assert "checksum mismatch" in str(exc)
        else:  # pragma: no cover
            raise AssertionError("a checksum mismatch was not caught")
    finally:
        build.sha256 = real
