"""HCPCS Level II modifiers (record ids 7/8 of the same CMS files as builders/hcpcs.py)."""

from __future__ import annotations

from typing import Any

from builders import hcpcs

SYSTEM = "modifiers"


def build(ctx: Any) -> list[dict[str, Any]]:
    return hcpcs.build_system(ctx, SYSTEM)
