"""HCPCS Level II modifiers (the 2-character modifiers of the CMS HCPCS file).

Same verbs and editions as :mod:`codekit.hcpcs` (the modifiers come from the
same quarterly files). A modifier with a termination date before the date of
service is not valid on it.

Modifiers that start with a digit (``25``, ``59``, ``1P``) are CPT (Level I)
modifiers: AMA content that codekit does not ship. They are never called
invalid: ``check`` returns ``not_checked`` and ``is_valid`` is True for them
(format only), so claims are not rejected for want of a licensed list.

>>> from codekit import modifiers
>>> modifiers.get("gt").description
'Via interactive audio and video telecommunication systems'
>>> modifiers.is_valid("LT"), modifiers.is_valid("L"), modifiers.check("25").status.value
(True, False, 'not_checked')
"""

from __future__ import annotations

import datetime
import os

from ._editions import Edition, _Registry
from ._record import CodeRecord
from ._store import Table
from ._typing import TYPE_CHECKING
from .codeset import CodeSet, _bundled_bootstrap, _System
from .errors import CodekitError, CodeNotFound
from .hcpcs import _BLANKS, _DatedSystem, _loaded_edition, _resolve_dates, _tuple, _ymd

if TYPE_CHECKING:
    from typing import Any

    from ._parsers.hcpcs import Parsed
    from .changes import Changes
    from .status import CheckResult, CodeStatus

__all__ = [
    "CheckResult",
    "CodeStatus",
    "Modifier",
    "changes",
    "check",
    "code_set",
    "editions",
    "format",
    "get",
    "is_level_one",
    "is_valid",
    "load",
    "lookup",
    "normalize",
    "validate",
]

SYSTEM = "modifiers"
LABEL = "HCPCS modifier"
_PATTERN = r"[A-Z0-9]{2}"
_FORMAT_HINT = "2 letters or digits, e.g. GT, LT or 59"


class Modifier(CodeRecord):
    """One HCPCS Level II modifier of one edition.

    >>> m = get("GT")
    >>> m.short_description, m.added, m.terminated
    ('Interactivetelecommunication', datetime.date(1999, 1, 1), None)
    """

    __slots__ = (
        "_row",
        "_set",
        "action_code",
        "action_effective",
        "added",
        "billable",
        "code",
        "coverage",
        "description",
        "edition",
        "pricing_indicators",
        "short_description",
        "terminated",
    )
    code: str
    """The modifier, e.g. ``"GT"``."""
    description: str
    """The long description (continuation records joined, blanks normalized)."""
    short_description: str | None
    billable: bool
    """True for every modifier in the file; dates are checked separately."""
    added: datetime.date | None
    action_effective: datetime.date | None
    terminated: datetime.date | None
    """The last date of service on which the modifier may be used (None: not terminated)."""
    action_code: str
    coverage: str
    pricing_indicators: tuple[str, ...]
    edition: Edition
    _set: CodeSet[Modifier]
    _row: int

    def __repr__(self) -> str:
        end = f" terminated {self.terminated.isoformat()}" if self.terminated else ""
        return f"<Modifier {self.code} {self.edition.id}{end}: {self.description!r}>"

    def in_effect(self, day: datetime.date) -> bool:
        """Whether the modifier may be used on date of service ``day``."""
        return (self.added is None or self.added <= day) and (
            self.terminated is None or day <= self.terminated
        )


def _display(code: str) -> str:
    return code


def _make(cs: CodeSet[Modifier], row: int) -> Modifier:
    t = cs._table
    names: list[str] | None = cs._cache.get("field_names")
    if names is None:
        names = cs._cache["field_names"] = t.lines("field_names")
    f = dict(zip(names, (t.text("fields", row) or "").split("\t"), strict=False))
    return Modifier(
        code=cs._code(row),
        description=t.text("description", row) or "",
        short_description=t.text("short_description", row),
        billable=cs._is_billable(row),
        added=_ymd(t.ints("added")[row]),
        action_effective=_ymd(t.ints("action_effective")[row]),
        terminated=_ymd(t.ints("terminated")[row]),
        action_code=f.get("action_code", ""),
        coverage=f.get("coverage", ""),
        pricing_indicators=_tuple(f.get("pricing_indicators", "")),
        edition=cs.edition,
        _set=cs,
        _row=row,
    )


def is_level_one(code: object) -> bool:
    """Whether ``code`` is shaped like a CPT (Level I) modifier: 2 characters, a digit
    first. Never raises.

    >>> is_level_one("59"), is_level_one("1P"), is_level_one("GT"), is_level_one(59)
    (True, True, False, False)
    """
    if not isinstance(code, str):
        return False
    norm = code.translate(_BLANKS).upper()
    return len(norm) == 2 and norm.isascii() and norm[0].isdigit() and norm.isalnum()


class _ModifierSystem(_DatedSystem[Modifier]):
    def is_valid(self, code: object, as_of: object = None) -> bool:
        if is_level_one(code):
            return True
        return super().is_valid(code, as_of)

    def check(self, code: object, as_of: object = None) -> CheckResult:
        if is_level_one(code):
            from .status import CheckResult, CodeStatus

            shown = self.display(self.normalize(code))
            return CheckResult(
                shown,
                self.name,
                CodeStatus.NOT_CHECKED,
                f"{shown} is a CPT (Level I) modifier: AMA content codekit does not ship, so "
                "it is not checked (format only)",
            )
        return super().check(code, as_of)

    def lookup(self, code: object, as_of: object = None) -> Modifier:
        if is_level_one(code):
            shown = self.normalize(code)
            raise CodeNotFound(
                f"{shown} is a CPT (Level I) modifier; codekit has no licensed list of them",
                system=self.name,
                code=shown,
            )
        return super().lookup(code, as_of)


# ------------------------------------------------------------------------------------------
# editions
_REG: _Registry[CodeSet[Modifier]] = _Registry(SYSTEM, LABEL, bootstrap=_bundled_bootstrap(SYSTEM, lambda: _SYS))

_SYS: _System[Modifier] = _ModifierSystem(
    name=SYSTEM,
    label=LABEL,
    pattern=_PATTERN,
    display=_display,
    factory=_make,
    registry=_REG,
    format_hint=_FORMAT_HINT,
    keep_dots=True,
)


# ------------------------------------------------------------------------------------------
# verbs
def normalize(code: str) -> str:
    """Clean a modifier: strip blanks, upper-case.

    >>> normalize(" gt ")
    'GT'
    """
    return _SYS.normalize(code)


def format(code: str) -> str:
    """The display form; raises InvalidCodeFormat for a malformed modifier.

    >>> format("lt")
    'LT'
    """
    return _SYS.format(code)


def get(code: str, *, as_of: object = None, default: Any = None) -> Any:
    """The modifier object in the edition in force, else ``default``.

    >>> get("LT").description
    'Left side (used to identify procedures performed on the left side of the body)'
    >>> get("ZZ") is None
    True
    """
    cs = _REG.current if as_of is None else None
    if cs is None:
        cs = _REG.resolve(None, as_of)
    return cs.get(code, default)


def lookup(code: str, *, as_of: object = None) -> Modifier:
    """Like :func:`get`, but raises a specific error that suggests near modifiers.

    >>> lookup("RT").short_description
    'Right side'
    """
    found: Modifier = _SYS.lookup(code, as_of)
    return found


def validate(code: object, *, as_of: object = None) -> str:
    """The display form of a code valid on ``as_of``; otherwise raises the precise error
    :func:`check` describes: InvalidCodeFormat, CodeNotFound (with suggestions),
    CodeNotBillable, CodeInactive or EditionNotFound.

    >>> validate("gt")
    'GT'
    """
    return _SYS.validate(code, as_of)


def is_valid(code: object, *, as_of: object = None) -> bool:
    """True when the modifier is in the edition in force and in effect on ``as_of``
    (CPT modifiers: format only); never raises.

    >>> is_valid("gt"), is_valid("ZZ"), is_valid(None), is_valid("59")
    (True, False, False, True)
    """
    return _SYS.is_valid(code, as_of)


def check(code: object, *, as_of: object = None) -> CheckResult:
    """Why a modifier is or is not valid on a date; never raises for the code argument.

    >>> check("GT").status, check("ZZ").status, check("G").status
    (<CodeStatus.VALID: 'valid'>, <CodeStatus.UNKNOWN: 'unknown'>, <CodeStatus.BAD_FORMAT: 'bad_format'>)
    """
    return _SYS.check(code, as_of)


def code_set(edition: str | None = None, *, as_of: object = None) -> CodeSet[Modifier]:
    """One edition as a :class:`~codekit.codeset.CodeSet` (by id, by date, or the newest).

    >>> len(code_set("2026-Q1")), len(code_set("2025-Q4")), len(code_set("2020"))
    (383, 383, 369)
    """
    return _REG.resolve(edition, as_of)


def editions() -> tuple[Edition, ...]:
    """The editions available (bundled and loaded), oldest first.

    >>> [e.id for e in editions()]
    ['2020', '2025-Q4', '2026-Q1']
    """
    return _REG.editions()


def changes(old: str, new: str) -> Changes:
    """The modifiers added, deleted (terminated or dropped) and with a revised description
    from edition ``old`` to ``new`` (see :mod:`codekit.changes`).

    >>> ch = changes("2020", "2025-Q4")
    >>> len(ch.added), len(ch.deleted), len(ch.revised)
    (14, 10, 6)
    """
    from .changes import compare

    return compare(code_set(old), code_set(new), in_force=lambda c, day: c.in_effect(day))


# ------------------------------------------------------------------------------------------
# loading
def _register_parsed(
    parsed: Parsed,
    eid: str,
    start: datetime.date,
    stop: datetime.date,
    name: str,
    *,
    replace: bool,
    register: bool = True,
) -> CodeSet[Modifier]:
    from ._parsers import hcpcs as parser

    if not parsed.modifiers:
        raise CodekitError(f"{name}: the file has no modifier records")
    meta = {"system": SYSTEM, "edition": eid, "source": name, "kind": parsed.kind}
    ed = _loaded_edition(SYSTEM, eid, start, stop, parsed, name)
    cs: CodeSet[Modifier] = CodeSet(
        Table(parser.to_table(parsed.modifiers, meta), origin=name), ed, system=_SYS
    )
    if register:
        _REG.add(ed, lambda: cs, replace=replace)
    return cs


def load(
    path: str | os.PathLike[str],
    *,
    edition: str | None = None,
    effective: datetime.date | None = None,
    end: datetime.date | None = None,
    replace: bool = False,
    register: bool = True,
) -> CodeSet[Modifier]:
    """Read the modifiers of an official CMS HCPCS file (text, xlsx or the zip) as an
    edition; see :func:`codekit.hcpcs.load`, which adds both the codes and the modifiers.

    >>> cs = load(os.path.join(FIXTURES, "HCPC2099_APR_ANWEB_04012099.txt"), register=False)
    >>> cs.edition.id, cs.codes()
    ('2099-Q2', ['AB', 'GT'])
    """
    from ._parsers import hcpcs as parser

    name = os.fspath(path)
    parsed = parser.read(name)
    eid, start, stop = _resolve_dates(parsed, name, edition, effective, end)
    return _register_parsed(parsed, eid, start, stop, name, replace=replace, register=register)


def __getattr__(name: str) -> Any:
    if name in ("CheckResult", "CodeStatus"):
        from . import status

        return getattr(status, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

