"""Claim frequency codes: the 3rd digit of the type of bill, and the 837 ``CLM05-3``.

The data is **transcribed** (DERIVED) from CMS's public list (the NUBC code
list itself is licensed): 15 codes. A professional claim (837P) uses only 1
(original), 7 (replacement) and 8 (void/cancel): see
:attr:`ClaimFrequencyCode.usable_on_837p` and :func:`is_valid_837p`.

>>> from codekit import claim_frequency as cf
>>> c = cf.get("7")
>>> c.description, c.usable_on_837p
('Replacement of prior claim', True)
>>> cf.is_valid("2"), cf.is_valid_837p("2"), cf.is_valid("6")
(True, False, False)
"""

from __future__ import annotations

from ._editions import Edition, _Registry
from ._record import CodeRecord
from ._typing import TYPE_CHECKING
from .codeset import CodeSet, _bundled_bootstrap, _System

if TYPE_CHECKING:
    from typing import Any

    from .changes import Changes
    from .status import CheckResult, CodeStatus

__all__ = [
    "CheckResult",
    "ClaimFrequencyCode",
    "CodeStatus",
    "changes",
    "check",
    "code_set",
    "editions",
    "format",
    "get",
    "is_valid",
    "is_valid_837p",
    "lookup",
    "normalize",
    "validate",
]

SYSTEM = "claim_frequency"
LABEL = "Claim frequency"
_PATTERN = r"[0-9A-Z]"
_FORMAT_HINT = "one digit or letter, e.g. 1, 7 or 8"


class ClaimFrequencyCode(CodeRecord):
    """One claim frequency code.

    >>> get("1")
    ClaimFrequencyCode(code='1', description='Admit thru discharge claim', short_description=None, usable_on_837p=True, billable=True)
    """

    __slots__ = ("code", "description", "short_description", "usable_on_837p", "billable",
                 "edition")
    code: str
    description: str
    short_description: None
    usable_on_837p: bool
    """Accepted in CLM05-3 of a professional (837P) claim: 1, 7 and 8."""
    billable: bool
    """Always True: every listed code is a valid value."""
    edition: Edition

    def __init__(self, code: str, description: str, usable_on_837p: bool, edition: Edition):
        super().__init__(
            code=code,
            description=description,
            short_description=None,
            usable_on_837p=usable_on_837p,
            billable=True,
            edition=edition,
        )

    def __repr__(self) -> str:
        inner = ", ".join(
            f"{n}={getattr(self, n)!r}"
            for n in ("code", "description", "short_description", "usable_on_837p", "billable")
        )
        return f"ClaimFrequencyCode({inner})"


def _make(cs: CodeSet[ClaimFrequencyCode], row: int) -> ClaimFrequencyCode:
    desc = cs._table.text("description", row)
    assert desc is not None
    return ClaimFrequencyCode(
        cs._code(row), desc, bool(cs._table.ints("usable_on_837p")[row]), cs.edition
    )


_REG: _Registry[CodeSet[ClaimFrequencyCode]] = _Registry(SYSTEM, LABEL, bootstrap=_bundled_bootstrap(SYSTEM, lambda: _SYS))
_SYS: _System[ClaimFrequencyCode] = _System(
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
    """Clean a code: strip blanks, upper-case.

    >>> normalize(" g ")
    'G'
    """
    return _SYS.normalize(code)


def format(code: str) -> str:
    """The display form; raises InvalidCodeFormat when malformed.

    >>> format("h")
    'H'
    """
    return _SYS.format(code)


def get(code: str, *, as_of: object = None, default: Any = None) -> Any:
    """The code object, else ``default``.

    >>> get("8").description, get("6") is None
    ('Void/cancel prior claim', True)
    """
    return _REG.resolve(None, as_of).get(code, default)


def lookup(code: str, *, as_of: object = None) -> ClaimFrequencyCode:
    """Like :func:`get`, but raises a specific error.

    >>> lookup("1").usable_on_837p
    True
    """
    return _SYS.lookup(code, as_of)


def validate(code: object, *, as_of: object = None) -> str:
    """The display form of a code valid on ``as_of``; otherwise raises the precise error
    :func:`check` describes: InvalidCodeFormat, CodeNotFound (with suggestions),
    CodeNotBillable, CodeInactive or EditionNotFound.

    >>> validate("1")
    '1'
    """
    return _SYS.validate(code, as_of)


def is_valid(code: object, *, as_of: object = None) -> bool:
    """True for any listed claim frequency code; never raises.

    >>> is_valid("1"), is_valid("6"), is_valid(1)
    (True, False, False)
    """
    return _SYS.is_valid(code, as_of)


def is_valid_837p(code: object) -> bool:
    """True when the code may be sent in CLM05-3 of a professional claim (1, 7, 8).

    >>> [c for c in "0123456789GHIJMP" if is_valid_837p(c)]
    ['1', '7', '8']
    """
    if not _SYS.is_valid(code):
        return False
    obj: ClaimFrequencyCode = _REG.resolve(None, None).get(code)
    return obj.usable_on_837p


def check(code: object, *, as_of: object = None) -> CheckResult:
    """Why a code is or is not valid; never raises for the code argument.

    >>> check("6").status.value, check("11").status.value
    ('unknown', 'bad_format')
    """
    return _SYS.check(code, as_of)


def code_set(edition: str | None = None, *, as_of: object = None) -> CodeSet[ClaimFrequencyCode]:
    """The code set.

    >>> cs = code_set()
    >>> len(cs), cs.codes()
    (15, ['0', '1', '2', '3', '4', '5', '7', '8', '9', 'G', 'H', 'I', 'J', 'M', 'P'])
    """
    return _REG.resolve(edition, as_of)


def editions() -> tuple[Edition, ...]:
    """The editions available.

    >>> [e.id for e in editions()]
    ['2025']
    """
    return _REG.editions()


def changes(old: str, new: str) -> Changes:
    """The claim frequency codes added, deleted and revised from edition ``old`` to ``new``
    (see :mod:`codekit.changes`).

    >>> len(changes("2025", "2025"))   # one edition ships
    0
    """
    from .changes import compare

    return compare(code_set(old), code_set(new))


def __getattr__(name: str) -> Any:
    if name in ("CheckResult", "CodeStatus"):
        from . import status

        return getattr(status, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
