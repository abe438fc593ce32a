"""National Provider Identifiers (NPI): 10 digits, the last a Luhn check digit.

An NPI is 9 digits plus a check digit computed with the Luhn algorithm over the
number prefixed by ``80840`` (the ISO 7812 card-issuer prefix for US health
applications), as 45 CFR 162.406 and CMS's "NPI check digit" note describe. The
first digit is 1 or 2. The checksum is python-stdnum's :mod:`stdnum.luhn`; this
module adds the prefix, the format rules and messages. The same verbs as every
code system: ``compact`` (the python-stdnum name for ``normalize``), ``format``,
``is_valid`` (never raises), ``check`` (a status and a message that says why) and
``validate`` (the number, or a specific error).

>>> from codekit import npi
>>> npi.compact(" 1234-567 893 "), npi.is_valid("1234567893"), npi.is_valid("1234567890")
('1234567893', True, False)
>>> npi.check("1234567890").message
'NPI 1234567890 fails the check digit: the last digit should be 3 (Luhn with the 80840 prefix)'
>>> npi.calc_check_digit("123456789")
'3'
"""

from __future__ import annotations

from ._typing import TYPE_CHECKING
from .errors import InvalidCodeFormat

if TYPE_CHECKING:
    from .status import CheckResult

__all__ = [
    "PREFIX",
    "InvalidNPI",
    "calc_check_digit",
    "check",
    "compact",
    "format",
    "is_valid",
    "validate",
]

PREFIX = "80840"
"""The prefix the check digit is computed over (ISO 7812 issuer id for US health)."""

SYSTEM = "npi"
_SEPARATORS = str.maketrans("", "", " -\t")


class InvalidNPI(InvalidCodeFormat):
    """Not a valid NPI; ``reason`` says which rule failed: ``"type"``, ``"digits"``,
    ``"length"``, ``"first_digit"`` or ``"check_digit"``."""

    def __init__(self, message: str, *, code: object, reason: str) -> None:
        super().__init__(message, system=SYSTEM, code=code)
        self.reason = reason


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def compact(number: object) -> str:
    """The number without blanks and dashes (python-stdnum's ``compact``); raises
    :class:`InvalidNPI` for something that is not a string.

    >>> compact("1234 567 893")
    '1234567893'
    """
    if not isinstance(number, str):
        raise InvalidNPI(
            f"an NPI is a string of 10 digits, not {type(number).__name__} {_shown(number)}",
            code=number,
            reason="type",
        )
    return number.translate(_SEPARATORS).strip()


def calc_check_digit(number: str) -> str:
    """The check digit of the first 9 digits of an NPI.

    >>> calc_check_digit("199999999")
    '2'
    """
    from stdnum import luhn

    return str(luhn.calc_check_digit(PREFIX + number))


def _problem(number: object) -> tuple[str, str] | None:
    """(reason, message) of what is wrong, or None for a valid NPI."""
    try:
        digits = compact(number)
    except InvalidNPI as exc:
        return exc.reason, exc.message
    shown = _shown(digits)
    if digits and (not digits.isascii() or not digits.isdigit()):
        return "digits", f"NPI {shown!r} must be 10 digits (found other characters)"
    if len(digits) != 10:
        return "length", f"NPI {shown} must be 10 digits, not {len(digits)}"
    if digits[0] not in "12":
        return "first_digit", f"NPI {digits} must start with 1 or 2 (it starts with {digits[0]})"
    from stdnum import luhn

    if not luhn.is_valid(PREFIX + digits):
        return (
            "check_digit",
            f"NPI {digits} fails the check digit: the last digit should be "
            f"{calc_check_digit(digits[:9])} (Luhn with the 80840 prefix)",
        )
    return None


def is_valid(number: object) -> bool:
    """Whether ``number`` is a valid NPI (blanks and dashes allowed); never raises.

    >>> is_valid("1234567893"), is_valid("0123456789"), is_valid(1234567893), is_valid("")
    (True, False, False, False)
    """
    return _problem(number) is None


def check(number: object) -> CheckResult:
    """Why ``number`` is or is not a valid NPI (status ``valid`` or ``bad_format``);
    never raises.

    >>> check("1234567893").ok, check("123").message
    (True, 'NPI 123 must be 10 digits, not 3')
    """
    from .status import CheckResult, CodeStatus

    problem = _problem(number)
    if problem is None:
        digits = compact(number)
        return CheckResult(digits, SYSTEM, CodeStatus.VALID, f"NPI {digits} is valid")
    shown = number if isinstance(number, str) else repr(number)
    return CheckResult(_shown(shown), SYSTEM, CodeStatus.BAD_FORMAT, problem[1])


def validate(number: object) -> str:
    """The compact NPI, or :class:`InvalidNPI` saying what is wrong.

    >>> validate("1234-567-893")
    '1234567893'
    >>> validate("2234567893")
    Traceback (most recent call last):
    ...
    codekit.npi.InvalidNPI: NPI 2234567893 fails the check digit: the last digit should be 1 (Luhn with the 80840 prefix)
    """
    problem = _problem(number)
    if problem is not None:
        raise InvalidNPI(problem[1], code=number, reason=problem[0])
    return compact(number)


def format(number: object) -> str:
    """The display form of a valid NPI (10 digits, no separators); raises
    :class:`InvalidNPI` otherwise.

    >>> format(" 1234567893 ")
    '1234567893'
    """
    return validate(number)
