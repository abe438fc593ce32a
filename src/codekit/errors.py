"""Exceptions raised by codekit.

Every exception derives from :class:`CodekitError`. Those that describe a bad
value or a failed look-up also derive from :class:`ValueError` or
:class:`LookupError`, so ordinary ``except`` clauses keep working. The data
behind the message is kept in attributes, and every exception pickles (it can
cross a process boundary in a multiprocessing or Spark job).

>>> from codekit import icd10cm
>>> try:
...     icd10cm.lookup("E11.99")
... except LookupError as exc:
...     print(type(exc).__name__, exc.code, exc.suggestions[:2])
CodeNotFound E11.99 ('E11.9', 'E11.29')
"""

from __future__ import annotations

from ._typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime
    from typing import Any

    from .findings import Report

__all__ = [
    "ClaimInvalid",
    "ClaimNotWritable",
    "CodeInactive",
    "CodeNotBillable",
    "CodeNotFound",
    "CodekitError",
    "DataIntegrityError",
    "EditionNotFound",
    "EditionWarning",
    "InvalidCodeFormat",
    "InvalidField",
    "SourceFormatError",
    "StructureError",
    "X12SyntaxError",
]


def _rebuild(cls: type[CodekitError], message: str, state: dict[str, Any]) -> CodekitError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    exc.__dict__.update(state)
    return exc


class CodekitError(Exception):
    """Base class of every error codekit raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)

    @property
    def message(self) -> str:
        """The human-readable message."""
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


class InvalidCodeFormat(CodekitError, ValueError):
    """The string cannot be a code of that system (wrong shape, wrong type)."""

    def __init__(self, message: str, *, system: str, code: object) -> None:
        super().__init__(message)
        self.system = system
        self.code = code


class CodeNotFound(CodekitError, LookupError):
    """A well-formed code that the edition in force does not contain.

    ``suggestions`` holds near valid codes (display form), best first.
    """

    def __init__(
        self,
        message: str,
        *,
        system: str,
        code: str,
        edition: str | None = None,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.system = system
        self.code = code
        self.edition = edition
        self.suggestions = suggestions


class CodeInactive(CodeNotFound):
    """The code exists, but not in the edition in force on the date of service."""

    def __init__(
        self,
        message: str,
        *,
        system: str,
        code: str,
        edition: str | None = None,
        suggestions: tuple[str, ...] = (),
        valid_in: tuple[str, ...] = (),
    ) -> None:
        super().__init__(
            message, system=system, code=code, edition=edition, suggestions=suggestions
        )
        self.valid_in = valid_in


class CodeNotBillable(CodekitError, ValueError):
    """The code exists but is a header (category or subcategory), not billable."""

    def __init__(self, message: str, *, system: str, code: str, edition: str | None) -> None:
        super().__init__(message)
        self.system = system
        self.code = code
        self.edition = edition


class EditionNotFound(CodekitError, LookupError):
    """No edition of the system covers the date or name asked for."""

    def __init__(
        self,
        message: str,
        *,
        system: str,
        requested: datetime.date | str | None,
        available: tuple[str, ...],
    ) -> None:
        super().__init__(message)
        self.system = system
        self.requested = requested
        self.available = available


class SourceFormatError(CodekitError, ValueError):
    """An official source file is malformed or of an unknown layout.

    ``path`` and ``line`` (1-based, when known) say where.
    """

    def __init__(self, message: str, *, path: str, line: int | None = None) -> None:
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class DataIntegrityError(CodekitError):
    """A data file does not match its recorded checksum or row counts."""


class ClaimInvalid(CodekitError, ValueError):
    """A claim has error-severity findings (raised by ``validate_claim``).

    ``report`` is the full :class:`~codekit.findings.Report`, warnings included.
    """

    def __init__(self, message: str, *, report: Report) -> None:
        super().__init__(message)
        self.report = report


class InvalidField(CodekitError, ValueError):
    """A claim model was given a value its field cannot hold (a wrong type, a
    modifier that is not 2 characters, a float for money).

    ``model`` is the class name, ``field`` the field (with an index for an item of a
    list: ``"modifiers[1]"``), ``value`` what was given.

    >>> from codekit.claims import ServiceLine
    >>> try:
    ...     ServiceLine(code="99213", modifiers=["25", "X"])
    ... except ValueError as exc:
    ...     print(exc.model, exc.field, "|", exc)
    ServiceLine modifiers[1] | ServiceLine.modifiers[1]: a modifier is 2 characters, got 'X'
    """

    def __init__(self, message: str, *, field: str, value: object = None, model: str = "") -> None:
        super().__init__(f"{model}.{field}: {message}" if model else f"{field}: {message}")
        self.model = model
        self.field = field
        self.value = value
        self.problem = message


class StructureError(CodekitError, ValueError):
    """Data (parsed JSON) that does not make a claim model: every problem, each
    with its path (``"lines[2].units: not a number"``), in ``problems``."""

    def __init__(self, message: str, *, model: str, problems: tuple[str, ...]) -> None:
        super().__init__(message)
        self.model = model
        self.problems = problems


class ClaimNotWritable(CodekitError, ValueError):
    """A claim lacks data the file format needs (the billing provider's address, a
    line's charge) or holds what it cannot carry (a 13th diagnosis). ``problems``
    lists every one as ``"claims[0].billing_provider.address: required"``."""

    def __init__(self, message: str, *, problems: tuple[str, ...]) -> None:
        super().__init__(message)
        self.problems = problems


class X12SyntaxError(CodekitError, ValueError):
    """An X12 file that cannot be read: ``position`` is the 1-based number of the
    segment in the file (0 for the interchange header itself), ``segment`` its id."""

    def __init__(self, message: str, *, position: int, segment: str = "") -> None:
        where = f"segment {position}" + (f" ({segment})" if segment else "")
        super().__init__(f"{where}: {message}")
        self.position = position
        self.segment = segment


class EditionWarning(UserWarning):
    """The date of service lies past the newest edition codekit has.

    The newest edition is used (and recorded on every result), since refusing
    every current claim would be worse; load a newer official file to silence it.
    """
