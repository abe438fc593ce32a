"""Findings: what the claim mapper and the claim scrubber say about a claim, as data.

A :class:`Finding` names the rule that produced it (a stable id such as
``"ICD10CM-NOT-BILLABLE"``), its :class:`Severity`, a message for a person, the
``path`` of the offending part of the claim (``"lines[1].modifiers[0]"``), the
offending ``value`` and the editions of the code sets or edit tables the rule
used. A :class:`Report` is an ordered collection of findings; it is ``ok`` when
none is an error.

>>> from codekit.findings import Finding, Report, Severity
>>> f = Finding("STRUCT-NO-DIAGNOSIS", Severity.ERROR, "the claim has no diagnosis",
...             path="diagnoses")
>>> r = Report((f, Finding("NCCI-PTP-NOT-LOADED", Severity.INFO, "no PTP table loaded")))
>>> r.ok, len(r.errors), len(r.infos)
(False, 1, 1)
>>> r.to_dicts()[0]
{'rule': 'STRUCT-NO-DIAGNOSIS', 'severity': 'error', 'message': 'the claim has no diagnosis', 'path': 'diagnoses', 'value': None, 'editions': []}
"""

from __future__ import annotations

import datetime
import decimal
import enum
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

__all__ = ["Finding", "Report", "Severity"]


class Severity(enum.IntEnum):
    """How much a finding matters: ``INFO < WARNING < ERROR``.

    An ERROR means a payer would reject or deny the claim; a WARNING a likely
    denial or a payer-dependent edit; INFO is a reminder. The JSON form is the
    lower-case name.

    >>> Severity.parse("warning") > Severity.INFO
    True
    >>> str(Severity.ERROR)
    'error'
    """

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: Severity | str | int) -> Severity:
        """A severity from itself, its name (any case) or its number; raises
        ValueError naming the accepted values otherwise."""
        if isinstance(value, Severity):
            return value
        if isinstance(value, str):
            try:
                return cls[value.strip().upper()]
            except KeyError:
                pass
        elif isinstance(value, int) and not isinstance(value, bool):
            try:
                return cls(value)
            except ValueError:
                pass
        raise ValueError(f"not a severity: {value!r} (use 'info', 'warning' or 'error')")


def _json_value(value: object) -> Any:
    """A JSON-ready form of an offending value (dates ISO, money as a string)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _severity(value: Severity | str | int) -> Severity:
    return Severity.parse(value)


def _editions(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class Finding:
    """One problem (or reminder) about one place in a claim.

    >>> Finding("DATE-FUTURE", "error", "service date after the submission date",
    ...         path="lines[0].service_date").severity
    <Severity.ERROR: 3>
    """

    rule: str
    """The stable id of the rule, ``FAMILY-NAME`` (e.g. ``"NCCI-PTP"``)."""
    severity: Severity = attrs.field(converter=_severity)
    """INFO, WARNING or ERROR."""
    message: str
    """What is wrong and, where it helps, how to fix it."""
    path: str = ""
    """Where in the claim: ``"diagnoses[2]"``, ``"lines[1].modifiers[0]"``; ``""`` for
    the claim as a whole."""
    value: object = None
    """The offending value, as found on the claim."""
    editions: tuple[str, ...] = attrs.field(default=(), converter=_editions)
    """The code-set and edit-table editions the rule used, as ``"system:edition"``
    (e.g. ``"icd10cm:FY2027"``, ``"ncci-mue:2026-04-01"``)."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (severity as its lower-case name)."""
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "path": self.path,
            "value": _json_value(self.value),
            "editions": list(self.editions),
        }


def _findings(value: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class Report:
    """The findings about one claim, in the order the rules produced them.

    ``ok`` is True when no finding is an error (warnings and reminders do not make a
    claim invalid); a report is truthy exactly when it is ok.
    """

    findings: tuple[Finding, ...] = attrs.field(default=(), converter=_findings)

    @property
    def ok(self) -> bool:
        """No error-severity finding."""
        return all(f.severity < Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The error-severity findings."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The warning-severity findings."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def infos(self) -> tuple[Finding, ...]:
        """The info-severity findings (reminders)."""
        return tuple(f for f in self.findings if f.severity is Severity.INFO)

    def rules(self) -> tuple[str, ...]:
        """The rule ids that fired, each once, in order of first appearance."""
        return tuple(dict.fromkeys(f.rule for f in self.findings))

    def to_dicts(self) -> list[dict[str, Any]]:
        """Every finding as a JSON-ready dict."""
        return [f.to_dict() for f in self.findings]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __bool__(self) -> bool:
        return self.ok
