"""Pure code cleaning shared by the code-system modules (no data, no I/O)."""

from __future__ import annotations

from .errors import InvalidCodeFormat

_BLANKS = " \t\r\n\u00a0"
_DROP = str.maketrans("", "", "." + _BLANKS)
_DROP_BLANKS = str.maketrans("", "", _BLANKS)


def drop_table(*, keep_dots: bool = False) -> dict[int, int | None]:
    """The ``str.translate`` table that removes blanks, and dots unless ``keep_dots``."""
    return dict(_DROP_BLANKS if keep_dots else _DROP)


def clean(value: object, label: str, system: str = "", *, keep_dots: bool = False) -> str:
    """Strip, upper-case and drop blanks and dots: ``" e11.9 "`` -> ``"E119"``.

    Systems whose codes never have a dot (HCPCS, CPT, modifiers, place of service)
    pass ``keep_dots=True``, so that ``"E01.00"`` is not read as ``"E0100"``.

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
    return value.translate(_DROP_BLANKS if keep_dots else _DROP).upper()


def dotted(code: str, at: int = 3) -> str:
    """Insert a dot after ``at`` characters when the code is longer than that.

    >>> dotted("S52521A"), dotted("E11")
    ('S52.521A', 'E11')
    """
    return code if len(code) <= at else f"{code[:at]}.{code[at:]}"
