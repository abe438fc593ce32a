"""The built-in rule families. Importing this package registers them, in this order.

Each module is one family of rules; they never import each other: what they share
(the claim context, the code facts, note references) lives in the parent package.
"""

from __future__ import annotations

from . import claim, codes, dates, icd10cm, mce, ncci, providers  # noqa: F401

__all__: list[str] = []
