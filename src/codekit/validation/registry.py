"""The rule registry: every scrubbing rule with its stable id, severity, summary and citation.

A rule is a plain callable ``check(claim, ctx)`` that yields
:class:`~codekit.findings.Finding` objects (or nothing). Ids are ``FAMILY-NAME``
(``ICD10CM-NOT-BILLABLE``, ``NCCI-PTP``, ``MCE-AGE``); the family is the first
word. Several ids may share one callable (one pass over the lines that reports
several kinds of problem): the engine runs it once when any of its ids is enabled,
and drops the findings of disabled ids.

Users add their own rules with :func:`register` (no subclassing) and may pass
callables straight to :func:`codekit.check_claim` through ``rules=``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from ..findings import Finding, Severity

__all__ = ["Rule", "RuleCheck", "all_rules", "families", "get", "register", "rule", "rules",
           "unregister"]

RuleCheck = Callable[[Any, Any], "Iterable[Finding | None] | None"]
"""A rule's callable: ``check(claim, ctx)`` yields findings (``None`` items are skipped)."""


class Rule:
    """One rule: id, default severity, a one-line summary, a citation and its check."""

    __slots__ = ("id", "severity", "summary", "citation", "check", "builtin", "order")

    id: str
    """Stable id, ``FAMILY-NAME`` (upper case, hyphens)."""
    severity: Severity
    """Default severity of its findings."""
    summary: str
    """One line: what the rule checks."""
    citation: str
    """The source the rule implements (manual, guideline, file)."""
    check: RuleCheck
    """``check(claim, ctx)`` -> iterable of findings."""
    builtin: bool
    """True for the rules codekit ships."""
    order: int

    def __init__(self, id: str, severity: Severity | str, summary: str, citation: str,
                 check: RuleCheck, *, builtin: bool = False, order: int = 0) -> None:
        if not _valid_id(id):
            raise ValueError(
                f"a rule id is FAMILY-NAME in upper case letters, digits and hyphens, not {id!r}"
            )
        if not callable(check):
            raise TypeError(f"the check of rule {id} must be callable, not {type(check).__name__}")
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "severity", Severity.parse(severity))
        object.__setattr__(self, "summary", str(summary))
        object.__setattr__(self, "citation", str(citation))
        object.__setattr__(self, "check", check)
        object.__setattr__(self, "builtin", builtin)
        object.__setattr__(self, "order", order)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Rule objects are immutable")

    @property
    def family(self) -> str:
        """The first word of the id (``"NCCI"`` for ``"NCCI-PTP"``)."""
        return self.id.split("-", 1)[0]

    def __repr__(self) -> str:
        return f"<Rule {self.id} ({self.severity}): {self.summary}>"

    def as_dict(self) -> dict[str, str]:
        """A JSON-ready description."""
        return {"id": self.id, "family": self.family, "severity": str(self.severity),
                "summary": self.summary, "citation": self.citation}


def _valid_id(rule_id: object) -> bool:
    if not isinstance(rule_id, str) or "-" not in rule_id or len(rule_id) > 80:
        return False
    parts = rule_id.split("-")
    return all(p and p.isascii() and p.replace("_", "").isalnum() and p == p.upper()
               for p in parts)


_lock = threading.Lock()
_rules: dict[str, Rule] = {}
_generation = [0]
_counter = [0]


def generation() -> int:
    """Changes whenever a rule is registered or removed (the engine's plans key on it)."""
    return _generation[0]


def register(id: str, check: RuleCheck, *, severity: Severity | str = Severity.WARNING,
             summary: str = "", citation: str = "", replace: bool = False,
             _builtin: bool = False) -> Rule:
    """Add a rule to the registry (it then runs on every claim by default).

    ``check(claim, ctx)`` yields :class:`~codekit.findings.Finding` objects; use the
    rule's id as their ``rule``. Registering an id that exists needs ``replace=True``.

    >>> from codekit.findings import Finding
    >>> def no_test_patients(claim, ctx):
    ...     if claim.patient is not None and claim.patient.last_name == "TEST":
    ...         yield Finding("HOUSE-TEST-PATIENT", "error", "a test patient", path="patient.last_name")
    >>> r = register("HOUSE-TEST-PATIENT", no_test_patients, severity="error",
    ...              summary="No claims for the test patient")
    >>> r.family, get("HOUSE-TEST-PATIENT") is r
    ('HOUSE', True)
    >>> unregister("HOUSE-TEST-PATIENT")
    """
    with _lock:
        if id in _rules and not replace:
            raise ValueError(f"rule {id} is already registered; pass replace=True to replace it")
        _counter[0] += 1
        r = Rule(id, severity, summary or (check.__doc__ or "").strip().split("\n")[0], citation,
                 check, builtin=_builtin, order=_counter[0])
        _rules[id] = r
        _generation[0] += 1
    return r


def unregister(id: str) -> None:
    """Remove a rule from the registry (raises KeyError when there is none)."""
    with _lock:
        if id not in _rules:
            raise KeyError(f"no rule {id!r} is registered")
        del _rules[id]
        _generation[0] += 1


def engine_only(claim: Any, ctx: Any) -> None:
    """The check of rules the engine itself reports (never run as a rule)."""
    return None


def rule(id: str, severity: Severity | str, summary: str, citation: str) -> Callable[[RuleCheck], RuleCheck]:
    """Decorator registering a built-in rule (stack several for a check that reports
    several ids)."""

    def deco(fn: RuleCheck) -> RuleCheck:
        register(id, fn, severity=severity, summary=summary, citation=citation, _builtin=True)
        return fn

    return deco


def rules(*specs: tuple[str, Severity | str, str, str]) -> Callable[[RuleCheck], RuleCheck]:
    """Decorator registering several built-in rule ids (in the order given) that one
    check reports: specs are ``(id, severity, summary, citation)``."""

    def deco(fn: RuleCheck) -> RuleCheck:
        for rid, sev, summary, citation in specs:
            register(rid, fn, severity=sev, summary=summary, citation=citation, _builtin=True)
        return fn

    return deco


def _ensure_builtins() -> None:
    from . import rules  # noqa: F401  (registers the built-in families on import)


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, built-in first in family order, then the user's."""
    _ensure_builtins()
    with _lock:
        return tuple(sorted(_rules.values(), key=lambda r: (not r.builtin, r.order)))


def get(id: str) -> Rule:
    """The rule with that id (KeyError naming the near ids otherwise)."""
    _ensure_builtins()
    try:
        return _rules[id]
    except KeyError:
        fam = id.split("-", 1)[0] if isinstance(id, str) else ""
        near = [r for r in _rules if r.startswith(fam + "-")] if fam else []
        hint = f"; rules of that family: {', '.join(sorted(near))}" if near else ""
        raise KeyError(f"no rule {id!r} is registered{hint}") from None


def families() -> tuple[str, ...]:
    """The rule families, in registry order."""
    return tuple(dict.fromkeys(r.family for r in all_rules()))
