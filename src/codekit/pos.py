"""Place of service (POS) codes: the two-digit CMS codes of the 837P / CMS-1500 (item 24B).

The data is **transcribed** (DERIVED: CMS publishes the code set only as a web
table; see the data manifest): 52 assigned codes with name, descriptor and
effective date. Unassigned codes (e.g. 00, 28-30, 35-40) are invalid, and a
code is not valid for a date of service before its effective date.

>>> from codekit import pos
>>> c = pos.get("11")
>>> c.name, c.billable, c.effective
('Office', True, None)
>>> pos.is_valid("11"), pos.is_valid("30"), pos.is_valid(11)
(True, False, False)
>>> import datetime
>>> pos.check("27", as_of=datetime.date(2023, 1, 1)).status.value
'inactive'
"""

from __future__ import annotations

import datetime

from ._editions import Edition, _as_date, _Registry
from ._record import CodeRecord
from ._typing import TYPE_CHECKING
from .codeset import CodeSet, _bundled_bootstrap, _System
from .errors import CodeInactive

if TYPE_CHECKING:
    from typing import Any

    from .changes import Changes
    from .status import CheckResult, CodeStatus

__all__ = [
    "CheckResult",
    "CodeStatus",
    "POSCode",
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

SYSTEM = "pos"
LABEL = "Place of Service"
_PATTERN = r"\d\d"
_FORMAT_HINT = "two digits, e.g. 11 or 02"


class POSCode(CodeRecord):
    """One place-of-service code.

    >>> get("02")
    <POSCode 02: "Telehealth Provided Other than in Patient's Home" from 2017-01-01>
    """

    __slots__ = ("code", "name", "description", "short_description", "effective", "billable",
                 "edition")
    code: str
    """Two digits, e.g. ``"11"``."""
    name: str
    """The CMS name, e.g. ``"Office"``."""
    description: str | None
    """The CMS descriptor (None where it was not transcribed: code 66)."""
    short_description: str
    """The name again (what search and short displays use)."""
    effective: datetime.date | None
    """First date of service the code is valid (None: before 2003, date not transcribed)."""
    billable: bool
    """Always True: every listed code is assigned."""
    edition: Edition

    def __init__(
        self,
        code: str,
        name: str,
        description: str | None,
        effective: datetime.date | None,
        edition: Edition,
    ) -> None:
        super().__init__(
            code=code,
            name=name,
            description=description,
            short_description=name,
            effective=effective,
            billable=True,
            edition=edition,
        )

    def __repr__(self) -> str:
        since = f" from {self.effective.isoformat()}" if self.effective else ""
        return f"<POSCode {self.code}: {self.name!r}{since}>"

    def __str__(self) -> str:
        return self.code

    def valid_on(self, day: datetime.date) -> bool:
        """Whether the code is in effect on ``day``."""
        return self.effective is None or day >= self.effective


def _make(cs: CodeSet[POSCode], row: int) -> POSCode:
    t = cs._table
    eff = t.lines("effective")[row]
    name = t.text("name", row)
    assert name is not None
    return POSCode(
        cs._code(row),
        name,
        t.text("description", row),
        datetime.date.fromisoformat(eff) if eff else None,
        cs.edition,
    )


_REG: _Registry[CodeSet[POSCode]] = _Registry(SYSTEM, LABEL, bootstrap=_bundled_bootstrap(SYSTEM, lambda: _SYS))


def _day(as_of: object) -> datetime.date | None:
    if as_of is None:
        return None
    try:
        return _as_date(as_of)
    except (TypeError, ValueError):
        return None


class _POSSystem(_System[POSCode]):
    def bad_format_message(self, code: object) -> str:
        msg = super().bad_format_message(code)
        if isinstance(code, str) and code.strip().isdigit() and len(code.strip()) == 1:
            msg += f"; did you mean 0{code.strip()}?"
        return msg

    def too_early(self, code: object, as_of: object) -> POSCode | None:
        """The code object when it exists but is not yet in effect on ``as_of``."""
        day = _day(as_of)
        if day is None:
            return None
        try:
            obj: POSCode | None = self.code_set(None, as_of).get(code)
        except (TypeError, ValueError):
            return None
        if obj is not None and not obj.valid_on(day):
            return obj
        return None

    def is_valid(self, code: object, as_of: object = None) -> bool:
        return super().is_valid(code, as_of) and self.too_early(code, as_of) is None

    def check(self, code: object, as_of: object = None) -> CheckResult:
        from .status import CheckResult, CodeStatus

        result = super().check(code, as_of)
        early = self.too_early(code, as_of) if result.ok else None
        if early is None or early.effective is None:
            return result
        return CheckResult(
            early.code,
            self.name,
            CodeStatus.INACTIVE,
            f"POS {early.code} ({early.name}) is in effect from {early.effective.isoformat()}, "
            f"not on {_as_date(as_of).isoformat()}",
            result.edition,
            early.effective,
        )

    def missing_hint(self, cs: CodeSet[POSCode], norm: str) -> str:
        return "; it is not an assigned place-of-service code"


_SYS: _System[POSCode] = _POSSystem(
    name=SYSTEM,
    label=LABEL,
    pattern=_PATTERN,
    display=lambda c: c,
    factory=_make,
    registry=_REG,
    format_hint=_FORMAT_HINT,
    keep_dots=True,
)


def normalize(code: str) -> str:
    """Clean a code: strip blanks.

    >>> normalize(" 11 ")
    '11'
    """
    return _SYS.normalize(code)


def format(code: str) -> str:
    """The display form (two digits); raises InvalidCodeFormat when malformed.

    >>> format("02")
    '02'
    >>> format("2")
    Traceback (most recent call last):
    ...
    codekit.errors.InvalidCodeFormat: '2' is not a well-formed Place of Service code (two digits, e.g. 11 or 02); did you mean 02?
    """
    return _SYS.format(code)


def get(code: str, *, as_of: object = None, default: Any = None) -> Any:
    """The code object, else ``default`` (also before the code's effective date).

    >>> get("11").name, get("30") is None
    ('Office', True)
    >>> get("10", as_of=datetime.date(2021, 6, 1)) is None
    True
    """
    if _SYS.too_early(code, as_of) is not None:  # type: ignore[attr-defined]
        return default
    return _REG.resolve(None, as_of).get(code, default)


def lookup(code: str, *, as_of: object = None) -> POSCode:
    """Like :func:`get`, but raises a specific error.

    >>> lookup("23").name
    'Emergency Room - Hospital'
    >>> lookup("30")
    Traceback (most recent call last):
    ...
    codekit.errors.CodeNotFound: 30 is not in Place of Service 2025...
    """
    early = _SYS.too_early(code, as_of)  # type: ignore[attr-defined]
    if early is not None:
        raise CodeInactive(
            f"POS {early.code} is in effect from {early.effective.isoformat()}",
            system=SYSTEM,
            code=early.code,
            edition=early.edition.id,
        )
    return _SYS.lookup(code, as_of)


def validate(code: object, *, as_of: object = None) -> str:
    """The display form of a code valid on ``as_of``; otherwise raises the precise error
    :func:`check` describes: InvalidCodeFormat, CodeNotFound (with suggestions),
    CodeNotBillable, CodeInactive or EditionNotFound.

    >>> validate("11")
    '11'
    """
    return _SYS.validate(code, as_of)


def is_valid(code: object, *, as_of: object = None) -> bool:
    """True when ``code`` is an assigned POS code in effect on that date; never raises.

    >>> is_valid("27"), is_valid("27", as_of=datetime.date(2023, 9, 30))
    (True, False)
    """
    return _SYS.is_valid(code, as_of)


def check(code: object, *, as_of: object = None) -> CheckResult:
    """Why a code is or is not valid on a date; never raises for the code argument.

    >>> print(check("66", as_of=datetime.date(2024, 1, 1)).message)
    POS 66 (Programs of All-Inclusive Care for the Elderly (PACE) Center) is in effect from 2024-08-01, not on 2024-01-01
    >>> check("00").status.value
    'unknown'
    """
    return _SYS.check(code, as_of)


def code_set(edition: str | None = None, *, as_of: object = None) -> CodeSet[POSCode]:
    """The code set (one transcribed edition).

    >>> cs = code_set()
    >>> len(cs), cs.edition.id, cs.codes()[:3]
    (52, '2025', ['01', '02', '03'])
    """
    return _REG.resolve(edition, as_of)


def editions() -> tuple[Edition, ...]:
    """The editions available.

    >>> [(e.id, e.end) for e in editions()]
    [('2025', None)]
    """
    return _REG.editions()


def changes(old: str, new: str) -> Changes:
    """The place-of-service codes added, deleted and renamed from edition ``old`` to ``new``
    (see :mod:`codekit.changes`).

    >>> len(changes("2025", "2025"))   # one edition ships
    0
    """
    from .changes import compare

    return compare(
        code_set(old), code_set(new), in_force=lambda c, day: c.valid_on(day), short_field="name"
    )


def __getattr__(name: str) -> Any:
    if name in ("CheckResult", "CodeStatus"):
        from . import status

        return getattr(status, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
