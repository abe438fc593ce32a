"""ICD-9-CM procedure codes (Volume 3), v32: the final release.

The same verbs and date rules as :mod:`codekit.icd9cm` (v32 in force up to
2015-09-30; from 2015-10-01 use :mod:`codekit.icd10pcs`). Codes are written
with a dot after 2 digits.

>>> from codekit import icd9cm_procedures as proc
>>> proc.format("0101"), proc.format("016")
('01.01', '01.6')
>>> c = proc.get("01.01")
>>> c.description, c.short_description, c.parent
('Cisternal puncture', 'Cisternal puncture', '01.0')
>>> proc.is_valid("01.01"), proc.is_valid("010.1"), proc.check("01").status.value
(True, False, 'not_billable')
"""

from __future__ import annotations

from ._normalize import dotted
from ._typing import TYPE_CHECKING
from .icd9cm import ICD9CMCode, _factory, _ICD9Registry, _ICD9System

if TYPE_CHECKING:
    from typing import Any

    from ._editions import Edition
    from .changes import Changes
    from .codeset import CodeSet, _System
    from .status import CheckResult, CodeStatus

__all__ = [
    "CheckResult",
    "CodeStatus",
    "ICD9CMProcedureCode",
    "changes",
    "check",
    "code_set",
    "editions",
    "format",
    "get",
    "is_valid",
    "lookup",
    "normalize",
    "validate",
]

SYSTEM = "icd9cm_procedures"
LABEL = "ICD-9-CM Volume 3"
_PATTERN = r"\d{3,4}|\d{2}"
_FORMAT_HINT = "2 digits, a dot, then 1 or 2 digits, e.g. 01.01 (2 digits alone: a category)"


class ICD9CMProcedureCode(ICD9CMCode):
    """One ICD-9-CM Volume 3 procedure code (valid code, or derived header) of v32.

    >>> get("36.10")
    <ICD9CMProcedureCode 36.10 billable v32: 'Aortocoronary bypass for heart revascularization, not otherwise specified'>
    """

    __slots__ = ()


def _display(code: str) -> str:
    return dotted(code, 2)


_REG = _ICD9Registry(SYSTEM, LABEL, "icd10pcs")
_SYS: _System[ICD9CMProcedureCode] = _ICD9System(
    name=SYSTEM,
    label=LABEL,
    pattern=_PATTERN,
    display=_display,
    factory=_factory(ICD9CMProcedureCode),
    registry=_REG,
    format_hint=_FORMAT_HINT,
    category=lambda head: 2,
)


def normalize(code: str) -> str:
    """Clean a code: strip blanks, drop the dot.

    >>> normalize(" 01.01 ")
    '0101'
    """
    return _SYS.normalize(code)


def format(code: str) -> str:
    """The display form (dot after 2 digits); raises InvalidCodeFormat when malformed.

    >>> format("3610")
    '36.10'
    """
    return _SYS.format(code)


def get(code: str, *, as_of: object = None, default: Any = None) -> Any:
    """The code object (valid code or header), else ``default``.

    >>> get("36.10").short_description, get("361.0") is None
    ('Aortocoronary bypass NOS', True)
    """
    if _SYS.misplaced_dot(code):  # type: ignore[attr-defined]
        return default
    return _REG.resolve(None, as_of).get(code, default)


def lookup(code: str, *, as_of: object = None) -> ICD9CMProcedureCode:
    """Like :func:`get`, but raises a specific error that suggests near codes.

    >>> lookup("36.19").description
    'Other bypass anastomosis for heart revascularization'
    """
    _SYS.validate_format(code)
    return _SYS.lookup(code, as_of)


def validate(code: object, *, as_of: object = None) -> str:
    """The display form of a code valid on ``as_of``; otherwise raises the precise error
    :func:`check` describes: InvalidCodeFormat, CodeNotFound (with suggestions),
    CodeNotBillable, CodeInactive or EditionNotFound.

    >>> validate("0101")
    '01.01'
    """
    return _SYS.validate(code, as_of)


def is_valid(code: object, *, as_of: object = None) -> bool:
    """True when ``code`` is a valid procedure code on that date; never raises.

    >>> is_valid("36.10"), is_valid("36.1"), is_valid(3610)
    (True, False, False)
    """
    return _SYS.is_valid(code, as_of)


def check(code: object, *, as_of: object = None) -> CheckResult:
    """Why a code is or is not valid on a date; never raises for the code argument.

    >>> import datetime
    >>> print(check("36.10", as_of=datetime.date(2016, 1, 1)).message)
    ICD-9-CM Volume 3 is not in effect for dates of service from 2015-10-01 (ICD-10 replaced it): 2016-01-01 is outside it; use codekit.icd10pcs
    """
    return _SYS.check(code, as_of)


def code_set(
    edition: str | None = None, *, as_of: object = None
) -> CodeSet[ICD9CMProcedureCode]:
    """The v32 code set.

    >>> cs = code_set()
    >>> cs.billable_count, len(cs) - cs.billable_count
    (3882, 769)
    """
    cs: CodeSet[ICD9CMProcedureCode] = _REG.resolve(edition, as_of)
    return cs


def editions() -> tuple[Edition, ...]:
    """The editions available.

    >>> [e.id for e in editions()]
    ['v32']
    """
    return _REG.editions()


def changes(old: str, new: str) -> Changes:
    """The ICD-9-CM procedure codes added, deleted and revised from edition ``old`` to
    ``new`` (see :mod:`codekit.changes`).

    >>> len(changes("v32", "v32"))   # v32 is the final edition
    0
    """
    from .changes import compare

    return compare(code_set(old), code_set(new))


def __getattr__(name: str) -> Any:
    if name in ("CheckResult", "CodeStatus"):
        from . import status

        return getattr(status, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
