"""Pure code cleaning shared by the code-system modules (no data, no I/O)."""

from __future__ import annotations

from .errors import InvalidCodeFormat

_DROP_CHARS = ". \t\r\n\u00a0"
_DROP = str.maketrans("", "", _DROP_CHARS)


def drop_table() -> dict[int, int | None]:
    """The ``str.translate`` table that removes dots and blanks."""
    return dict(_DROP)


def clean(value: object, label: str, system: str = "") -> str:
    """Strip, upper-case and drop dots and blanks: ``" e11.9 "`` -> ``"E119"``.

    Raises :class:`~codekit.errors.InvalidCodeFormat` for anything but a ``str``.

    >>> clean(" e11.9 ", "ICD-10-CM", "icd10cm")
    'E119'
    """
    if not isinstance(value, str):
        raise InvalidCodeFormat(
            f"{label} code must be a str, not {type(value).__name__}",
            system=system or label,
            code=value,
        )
    return value.translate(_DROP).upper()


def dotted(code: str, at: int = 3) -> str:
    """Insert a dot after ``at`` characters when the code is longer than that.

    >>> dotted("S52521A"), dotted("E11")
    ('S52.521A', 'E11')
    """
    return code if len(code) <= at else f"{code[:at]}.{code[at:]}"
