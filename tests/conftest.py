"""Shared test fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = os.path.join(ROOT, "data", "sources")


@pytest.fixture
def fixtures() -> str:
    return FIXTURES


@pytest.fixture
def restore_registry() -> Iterator[Any]:
    """Snapshot the ICD-10-CM registry's editions; drop any a test registered."""
    from codekit import icd10cm

    before = {e.id for e in icd10cm.editions()}
    yield icd10cm
    for e in icd10cm.editions():
        if e.id not in before:
            icd10cm._REG.remove(e.id)


# The machines this runs on are small and shared: no per-example deadline, and slow
# data generation is not a failure (the examples still run in full).
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "codekit",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("codekit")
