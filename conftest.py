"""Doctest namespace for the examples in src/codekit (pytest --doctest-modules)."""

from __future__ import annotations

import os
from typing import Any

import pytest

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests", "fixtures")


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["FIXTURES"] = FIXTURES


# codekit.frames needs its optional extras (pip install -e '.[frames,dask,plots]' pandas
# polars). nox installs them and sets CODEKIT_REQUIRE_EXTRAS, so in CI a missing extra
# fails; a developer venv without them leaves the frames examples and tests uncollected
# (said in the test header) instead of failing on an import.
def _frames_extras_missing() -> list[str]:
    import importlib.util

    return [m for m in ("narwhals", "pyarrow", "pandas", "polars")
            if importlib.util.find_spec(m) is None]


_MISSING = _frames_extras_missing()
collect_ignore_glob: list[str] = []
if _MISSING and not os.environ.get("CODEKIT_REQUIRE_EXTRAS"):
    collect_ignore_glob += ["src/codekit/frames/*", "docs/tutorial_*.rst", "tests/test_frames_*.py"]


def pytest_report_header() -> list[str]:
    if _MISSING and not os.environ.get("CODEKIT_REQUIRE_EXTRAS"):
        return [f"codekit.frames not tested: {', '.join(_MISSING)} not installed (nox installs them)"]
    return []
