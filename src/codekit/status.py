"""The answer of every system's ``check()``: a :class:`CodeStatus` and a message.

>>> from codekit import icd10cm
>>> r = icd10cm.check("E11")
>>> r.status, bool(r)
(<CodeStatus.NOT_BILLABLE: 'not_billable'>, False)
"""

from __future__ import annotations

import enum

from ._record import Record
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime
    from typing import Any

__all__ = ["CheckResult", "CodeStatus"]


class CodeStatus(str, enum.Enum):
    """Why a code is, or is not, valid for a date of service."""

    VALID = "valid"
    """Exists and is billable (reportable) in the edition in force."""
    BAD_FORMAT = "bad_format"
    """Not shaped like a code of the system (or not a string)."""
    UNKNOWN = "unknown"
    """Well formed, but no edition codekit has contains it."""
    NOT_BILLABLE = "not_billable"
    """A header (category/subcategory): a more specific code is required."""
    NEEDS_7TH_CHARACTER = "needs_7th_character"
    """ICD-10-CM: the code needs a 7th character to be complete."""
    INACTIVE = "inactive"
    """Exists in another edition, or was terminated, but is not in effect on that date."""
    NO_EDITION = "no_edition"
    """No edition codekit has covers the date of service."""
    NOT_CHECKED = "not_checked"
    """Well formed, but codekit has no data to check it against (CPT without a licensed
    file): downstream validation must not reject it."""


class CheckResult(Record):
    """The outcome of ``check()``: a status plus a message that says why.

    Truthy only when the code is valid; compares equal to its :class:`CodeStatus`.

    >>> from codekit import icd10cm
    >>> r = icd10cm.check("S52.521")
    >>> r == CodeStatus.NEEDS_7TH_CHARACTER, bool(r), r.ok
    (True, False, False)
    >>> r.message
    'S52.521 needs a 7th character (ICD-10-CM FY2027): one of A, D, G, K, P, S, e.g. S52.521A'
    """

    __slots__ = ("code", "system", "status", "message", "edition", "valid_from", "valid_to")

    code: str
    """The code as checked (display form when it is well formed)."""
    system: str
    """The code system id, e.g. ``"icd10cm"``."""
    status: CodeStatus
    message: str
    """A sentence for a person: what is wrong and what to use instead."""
    edition: str | None
    """The edition the answer comes from (None when no edition applies)."""
    valid_from: datetime.date | None
    """When known: first date of service the code is in effect."""
    valid_to: datetime.date | None
    """When known: last date of service the code is in effect (termination date)."""

    def __init__(
        self,
        code: str,
        system: str,
        status: CodeStatus,
        message: str,
        edition: str | None = None,
        valid_from: datetime.date | None = None,
        valid_to: datetime.date | None = None,
    ) -> None:
        # a small slotted record, not attrs: check() is often the first call a
        # validator makes, and importing attrs would cost more than the check
        super().__init__(
            code=code, system=system, status=status, message=message, edition=edition,
            valid_from=valid_from, valid_to=valid_to,
        )

    def replace(self, **changes: Any) -> CheckResult:
        """A copy with some fields changed.

        >>> from codekit import icd10cm
        >>> icd10cm.check("E11.9").replace(message="ok").message
        'ok'
        """
        values = self.as_dict()
        values.update(changes)
        return CheckResult(**values)

    @property
    def ok(self) -> bool:
        """True when the status is VALID."""
        return self.status is CodeStatus.VALID

    def __bool__(self) -> bool:
        return self.status is CodeStatus.VALID

    def _key(self) -> tuple[object, ...]:
        return (self.code, self.system, self.status, self.message, self.edition,
                self.valid_from, self.valid_to)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CheckResult):
            return self._key() == other._key()
        if isinstance(other, CodeStatus):
            return self.status is other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())
