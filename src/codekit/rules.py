"""The registry of claim-scrubbing rules: ids, default severities, summaries, citations.

Every rule has a stable id ``FAMILY-NAME`` (``ICD10CM-NOT-BILLABLE``, ``NCCI-PTP``,
``MCE-AGE``). Turn rules (or whole families) off with ``disable=``, change their
severity with ``severity_overrides=`` (``"off"`` too) in
:func:`codekit.check_claim`, and add your own: a plain callable taking the claim and
a context and yielding findings, registered with :func:`register` (or passed in
``rules=`` for one call).

>>> from codekit import rules
>>> r = rules.get("NCCI-PTP")
>>> r.family, str(r.severity)
('NCCI', 'error')
>>> "MCE-AGE" in [r.id for r in rules.all()]
True
"""

from __future__ import annotations

from .validation.registry import Rule, families, get, register, unregister
from .validation.registry import all_rules as all

__all__ = ["Rule", "all", "families", "get", "register", "table", "unregister"]


def table() -> list[dict[str, str]]:
    """Every rule as a dict (id, family, severity, summary, citation), in registry order.

    >>> table()[0]["id"]
    'ENGINE-RULE-FAILED'
    """
    return [r.as_dict() for r in all()]
