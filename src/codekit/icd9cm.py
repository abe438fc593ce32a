"""ICD-9-CM diagnosis codes (Volumes 1-2), v32: the final release.

ICD-9-CM was replaced by ICD-10-CM for dates of service from 2015-10-01. codekit
bundles v32 (in force 2014-10-01 to 2015-09-30), built from the CMS master
description files (long and short descriptions). For a date of service from
2015-10-01 there is no ICD-9-CM edition: :func:`check` says so and points to
:mod:`codekit.icd10cm` (and :mod:`codekit.gems` to map). For a date before
2014-10-01 v32 is used, with a note in :func:`check`'s message: ICD-9-CM
changed little after the last regular update of 2011-10-01 (the partial code
freeze), but a code deleted before v32 is unknown here.

Codes are written with a dot after 3 characters (after 4 for E codes); input
may have the dot (in that place) or not.

>>> from codekit import icd9cm
>>> icd9cm.format("25000"), icd9cm.format("e8809"), icd9cm.format("V01.0")
('250.00', 'E880.9', 'V01.0')
>>> c = icd9cm.get("250.00")
>>> c.description
'Diabetes mellitus without mention of complication, type II or unspecified type, not stated as uncontrolled'
>>> c.short_description, c.billable, c.parent
('DMII wo cmp nt st uncntr', True, '250.0')
>>> icd9cm.check("250").status.value, icd9cm.is_valid("25.000")
('not_billable', False)
>>> import datetime
>>> icd9cm.check("250.00", as_of=datetime.date(2016, 1, 1)).status.value
'no_edition'
"""

from __future__ import annotations

import datetime

from . import _resources
from ._editions import Edition, _as_date, _Registry
from ._normalize import dotted
from ._record import TreeCodeRecord
from ._typing import TYPE_CHECKING
from .codeset import CodeSet, _System
from .errors import EditionNotFound, InvalidCodeFormat

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .changes import Changes
    from .status import CheckResult, CodeStatus

__all__ = [
    "CheckResult",
    "CodeStatus",
    "ICD9CMCode",
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

SYSTEM = "icd9cm"
LABEL = "ICD-9-CM"
_PATTERN = r"(?:\d{3}|V\d{2}|E\d{3})\d{0,2}"
_FORMAT_HINT = (
    "3 digits, V and 2 digits, or E and 3 digits, then up to 2 more digits (1 for E codes), "
    "with the dot after the category, e.g. 250.00, V01.0, E880.9"
)
ICD9_END = datetime.date(2015, 9, 30)
"""Last date of service ICD-9-CM applies to (ICD-10 from 2015-10-01)."""
ICD9_START = datetime.date(1979, 1, 1)
"""ICD-9-CM came into use for dates of service from this day."""


class ICD9CMCode(TreeCodeRecord):
    """One ICD-9-CM code (valid code, or a derived header) of v32.

    >>> get("E880.9")
    <ICD9CMCode E880.9 billable v32: 'Accidental fall on or from other stairs or steps'>
    >>> get("250").children[:3], get("250").description
    (('250.0', '250.1', '250.2'), None)
    """

    __slots__ = (
        "code",
        "description",
        "short_description",
        "billable",
        "parent",
        "edition",
        "_set",
        "_row",
    )
    code: str
    """Display form, with the dot: ``"250.00"``, ``"E880.9"``, ``"01.01"``."""
    description: str | None
    """The long description (None for a derived header)."""
    short_description: str | None
    """The short description (None for a derived header)."""
    billable: bool
    """A valid code in the CMS file (a header is not)."""
    parent: str | None
    """The next shorter header (display form), None for a category."""
    edition: Edition
    _set: CodeSet[Any]
    _row: int

    def __init__(
        self,
        code: str,
        description: str | None,
        short_description: str | None,
        billable: bool,
        parent: str | None,
        edition: Edition,
        _set: CodeSet[Any],
        _row: int,
    ) -> None:
        super().__init__(
            code=code,
            description=description,
            short_description=short_description,
            billable=billable,
            parent=parent,
            edition=edition,
            _set=_set,
            _row=_row,
        )

    def __repr__(self) -> str:
        kind = "billable" if self.billable else "header"
        return (
            f"<{type(self).__name__} {self.code} {kind} {self.edition.id}: "
            f"{self.description!r}>"
        )


def _display(code: str) -> str:
    return dotted(code, 4 if code.startswith("E") else 3)


def _factory(cls: type[ICD9CMCode]) -> Callable[[CodeSet[Any], int], Any]:
    def make(cs: CodeSet[Any], row: int) -> ICD9CMCode:
        t = cs._table
        p = cs._parent_row(row)
        show = cs._system.display
        return cls(
            show(cs._code(row)),
            t.text("description", row),
            t.text("short_description", row),
            cs._is_billable(row),
            None if p is None else show(cs._code(p)),
            cs.edition,
            cs,
            row,
        )

    return make


# ------------------------------------------------------------------------------------------
# editions: v32 only; no ICD-9-CM after 2015-09-30
class _ICD9Registry(_Registry["CodeSet[Any]"]):
    """v32 for every date up to 2015-09-30; no edition after (ICD-10 applies)."""

    def __init__(self, system: str, label: str, successor: str) -> None:
        super().__init__(system, label, bootstrap=_bootstrapper(system))
        self.successor = successor

    def for_date(self, as_of: object) -> Edition:
        day = _as_date(as_of)
        if day > ICD9_END or day < ICD9_START:
            self._ensure()
            when = (
                "from 2015-10-01 (ICD-10 replaced it)"
                if day > ICD9_END
                else "before 1979-01-01 (when it came into use)"
            )
            hint = f"; use codekit.{self.successor}" if day > ICD9_END else ""
            raise EditionNotFound(
                f"{self.label} is not in effect for dates of service {when}: "
                f"{day.isoformat()} is outside it{hint}",
                system=self.system,
                requested=day,
                available=tuple(e.id for e in self._editions),
            )
        self._ensure()
        for e in reversed(self._editions):
            if e.covers(day):
                return e
        return self._editions[0] if day < self._editions[0].effective else self.newest()


def _bootstrapper(system: str) -> Callable[[_Registry[Any]], None]:
    def boot(reg: _Registry[Any]) -> None:
        for edition, path in _resources.bundled_editions(system):
            reg.add(edition, _loader(edition, path, reg))

    return boot


def _loader(edition: Edition, path: str, reg: _Registry[Any]) -> Callable[[], Any]:
    def load() -> CodeSet[Any]:
        return CodeSet(_resources.open_table(path), edition, system=_SYSTEMS[reg.system])

    return load


_SYSTEMS: dict[str, _System[Any]] = {}


class _ICD9System(_System["Any"]):
    """ICD-9-CM rules: the dot, when given, must stand after the category."""

    def __init__(self, *, category: Callable[[str], int], **kw: Any) -> None:
        super().__init__(**kw)
        self._category = category
        _SYSTEMS[self.name] = self

    def misplaced_dot(self, code: object) -> bool:
        if not isinstance(code, str) or "." not in code:
            return False
        text = code.strip()
        head, _, tail = text.partition(".")
        head = head.replace(" ", "").upper()
        return "." in tail or len(head) != self._category(head)

    def bad_format_message(self, code: object) -> str:
        msg = super().bad_format_message(code)
        if self.misplaced_dot(code):
            msg += "; the dot is in the wrong place"
        return msg

    def validate_format(self, code: object) -> str:
        norm = super().validate_format(code)
        if self.misplaced_dot(code):
            raise InvalidCodeFormat(self.bad_format_message(code), system=self.name, code=code)
        return norm

    def well_formed(self, norm: str) -> bool:
        return super().well_formed(norm) and (
            not norm.startswith("E") or len(norm) <= 5
        )

    def is_valid(self, code: object, as_of: object = None) -> bool:
        if self.misplaced_dot(code):
            return False
        return super().is_valid(code, as_of)

    def check(self, code: object, as_of: object = None) -> CheckResult:
        from .status import CheckResult, CodeStatus

        if self.misplaced_dot(code):
            assert isinstance(code, str)
            return CheckResult(code, self.name, CodeStatus.BAD_FORMAT, self.bad_format_message(code))
        result = super().check(code, as_of)
        if as_of is not None and result.edition is not None:
            try:
                day = _as_date(as_of)
            except (TypeError, ValueError):
                return result
            ed = self.registry.by_id(result.edition)
            if day < ed.effective:
                note = (
                    f" (note: {day.isoformat()} is before {self.label} {ed.id}, in force from "
                    f"{ed.effective.isoformat()}; codekit has only this final release, and "
                    "ICD-9-CM changed little after its last regular update of 2011-10-01)"
                )
                return result.replace(message=result.message + note)
        return result


_REG = _ICD9Registry(SYSTEM, LABEL, "icd10cm")
_SYS: _System[ICD9CMCode] = _ICD9System(
    name=SYSTEM,
    label=LABEL,
    pattern=_PATTERN,
    display=_display,
    factory=_factory(ICD9CMCode),
    registry=_REG,
    format_hint=_FORMAT_HINT,
    category=lambda head: 4 if head.startswith("E") else 3,
)


# ------------------------------------------------------------------------------------------
# verbs
def normalize(code: str) -> str:
    """Clean a code: strip blanks, upper-case, drop the dot.

    >>> normalize(" 250.00 "), normalize("e880.9"), normalize("v01.0")
    ('25000', 'E8809', 'V010')
    """
    return _SYS.normalize(code)


def format(code: str) -> str:
    """The display form (dot after 3 characters, after 4 for E codes).

    Raises InvalidCodeFormat for a malformed code or a dot in the wrong place.

    >>> format("25000"), format("0389"), format("E8809"), format("042")
    ('250.00', '038.9', 'E880.9', '042')
    >>> format("25.000")
    Traceback (most recent call last):
    ...
    codekit.errors.InvalidCodeFormat: '25.000' is not a well-formed ICD-9-CM code (...); the dot is in the wrong place
    """
    return _SYS.format(code)


def get(code: str, *, as_of: object = None, default: Any = None) -> Any:
    """The code object (valid code or header), else ``default``.

    Raises :class:`~codekit.errors.EditionNotFound` for an ``as_of`` from
    2015-10-01 (ICD-9-CM is not in effect then).

    >>> get("250.00").code, get("25000").code, get("25.000") is None
    ('250.00', '250.00', True)
    """
    if _SYS.misplaced_dot(code):  # type: ignore[attr-defined]
        return default
    return _REG.resolve(None, as_of).get(code, default)


def lookup(code: str, *, as_of: object = None) -> ICD9CMCode:
    """Like :func:`get`, but raises a specific error that suggests near codes.

    >>> lookup("250.00").short_description
    'DMII wo cmp nt st uncntr'
    >>> lookup("250.09")
    Traceback (most recent call last):
    ...
    codekit.errors.CodeNotFound: 250.09 is not in ICD-9-CM v32; did you mean 250.00, 250.01, ...?
    """
    _SYS.validate_format(code)
    return _SYS.lookup(code, as_of)


def validate(code: object, *, as_of: object = None) -> str:
    """The display form of a code valid on ``as_of``; otherwise raises the precise error
    :func:`check` describes: InvalidCodeFormat, CodeNotFound (with suggestions),
    CodeNotBillable, CodeInactive or EditionNotFound.

    >>> validate("25000")
    '250.00'
    """
    return _SYS.validate(code, as_of)


def is_valid(code: object, *, as_of: object = None) -> bool:
    """True when ``code`` is a valid (billable) code on that date; never raises.

    >>> is_valid("250.00"), is_valid("250"), is_valid(None), is_valid("2500.0")
    (True, False, False, False)
    >>> is_valid("250.00", as_of=datetime.date(2015, 10, 1))
    False
    """
    return _SYS.is_valid(code, as_of)


def check(code: object, *, as_of: object = None) -> CheckResult:
    """Why a code is or is not valid on a date; never raises for the code argument.

    >>> check("250.00").message
    '250.00 is valid in ICD-9-CM v32'
    >>> print(check("250.00", as_of=datetime.date(2015, 10, 1)).message)
    ICD-9-CM is not in effect for dates of service from 2015-10-01 (ICD-10 replaced it): 2015-10-01 is outside it; use codekit.icd10cm
    >>> print(check("250.00", as_of=datetime.date(2013, 5, 1)).message)
    250.00 is valid in ICD-9-CM v32 (note: 2013-05-01 is before ICD-9-CM v32, in force from 2014-10-01; ...)
    """
    return _SYS.check(code, as_of)


def code_set(edition: str | None = None, *, as_of: object = None) -> CodeSet[ICD9CMCode]:
    """The v32 code set (by id, by date, or the newest).

    >>> cs = code_set()
    >>> cs.edition.id, cs.billable_count, len(cs) - cs.billable_count
    ('v32', 14567, 2986)
    """
    cs: CodeSet[ICD9CMCode] = _REG.resolve(edition, as_of)
    return cs


def editions() -> tuple[Edition, ...]:
    """The editions available.

    >>> [(e.id, e.effective.isoformat(), e.end.isoformat()) for e in editions()]
    [('v32', '2014-10-01', '2015-09-30')]
    """
    return _REG.editions()


def changes(old: str, new: str) -> Changes:
    """The ICD-9-CM diagnosis codes added, deleted and revised from edition ``old`` to
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


def search(
    query: str, *, limit: int = 10, as_of: object = None, billable_only: bool = False
) -> list[Any]:
    """Search this system by words (see :func:`codekit.fuzzy.search`)."""
    from .fuzzy import search as _search

    return _search(query, systems=("icd9cm",), limit=limit, as_of=as_of,
                   billable_only=billable_only)
