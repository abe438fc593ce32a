"""Doctest namespace for the examples in src/codekit (pytest --doctest-modules)."""

from __future__ import annotations

import os
from typing import Any

import pytest

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests", "fixtures")


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["FIXTURES"] = FIXTURES
