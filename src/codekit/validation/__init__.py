"""The claim scrubber: a rule engine over :class:`~codekit.claims.Claim` objects.

:func:`check_claim` runs every rule and returns a :class:`~codekit.findings.Report`
(never raises on a bad claim); :func:`validate_claim` returns the claim or raises
:class:`~codekit.errors.ClaimInvalid`; :func:`check_claims` does a batch. The rules
live in a registry (:mod:`codekit.rules`) with stable ids, default severities, a
summary and a citation each.
"""

from __future__ import annotations

from .context import ClaimContext, Line
from .engine import DEFAULT_OPTIONS, check_claim, check_claims, iter_check_claims, validate_claim

__all__ = [
    "DEFAULT_OPTIONS",
    "ClaimContext",
    "Line",
    "check_claim",
    "check_claims",
    "iter_check_claims",
    "validate_claim",
]
