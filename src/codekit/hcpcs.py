"""HCPCS Level II procedure codes (CMS Alpha-Numeric HCPCS file), by quarter.

The edition in force is chosen by the date of service (``as_of``); without it,
the newest edition. A code the file lists with a termination date is still in
the edition (``get`` returns it, with ``.terminated``), but it is not valid for a
date of service after that date: ``is_valid`` says False and ``check`` says
``inactive`` and when. Without ``as_of`` the dates are checked against the first
day of the newest edition.

>>> import datetime
>>> from codekit import hcpcs
>>> hcpcs.normalize(" e0114 "), hcpcs.format("e0114")
('E0114', 'E0114')
>>> c = hcpcs.get("E0114")
>>> c.description
'Crutches underarm, other than wood, adjustable or fixed, pair, with pads, tips and handgrips'
>>> c.short_description, c.betos, c.coverage, c.edition.id
('Crutch underarm pair no wood', 'D1E', 'D', '2026-Q1')
>>> hcpcs.is_valid("C5271", as_of=datetime.date(2026, 1, 15))
False
>>> hcpcs.check("C5271", as_of=datetime.date(2026, 1, 15)).message
'C5271 was terminated on 2025-12-31 (HCPCS Level II 2026-Q1): not valid for dates of service after that'
"""

from __future__ import annotations

import datetime
import os

from ._editions import Edition, _as_date, _Registry
from ._normalize import drop_table
from ._record import CodeRecord
from ._store import Table
from ._typing import TYPE_CHECKING, TypeVar
from .codeset import CodeSet, _bundled_bootstrap, _System
from .errors import CodekitError, EditionNotFound, InvalidCodeFormat, SourceFormatError

if TYPE_CHECKING:
    from typing import Any

    from ._parsers.hcpcs import Parsed
    from .changes import Changes
    from .status import CheckResult, CodeStatus

__all__ = [
    "CheckResult",
    "CodeStatus",
    "HCPCSCode",
    "changes",
    "check",
    "code_set",
    "editions",
    "format",
    "get",
    "is_valid",
    "load",
    "lookup",
    "normalize",
    "validate",
]

SYSTEM = "hcpcs"
LABEL = "HCPCS Level II"
_PATTERN = r"[A-V][0-9]{4}"
_FORMAT_HINT = "a letter A to V and 4 digits, e.g. E0114 or J3490"


def _ymd(value: int) -> datetime.date | None:
    if not value:
        return None
    return datetime.date(value // 10000, value // 100 % 100, value % 100)


def _tuple(value: str) -> tuple[str, ...]:
    return tuple(value.split(",")) if value else ()


class HCPCSCode(CodeRecord):
    """One HCPCS Level II procedure code of one edition, with the file's fields.

    >>> c = get("C5271")
    >>> c.added, c.terminated, c.action_code
    (datetime.date(2014, 1, 1), datetime.date(2025, 12, 31), 'D')
    >>> c.in_effect(datetime.date(2025, 12, 31)), c.in_effect(datetime.date(2026, 1, 1))
    (True, False)
    >>> get("A4220").processing_note, get("A4220").processing_note_text[:49]
    ('0050', 'THIS CODE MUST INCLUDE NON-CORING NEEDLES, PRESSU')
    """

    __slots__ = (
        "_row",
        "_set",
        "action_code",
        "action_effective",
        "added",
        "anesthesia_base_units",
        "asc_effective",
        "asc_group",
        "betos",
        "billable",
        "carriers_manual_refs",
        "code",
        "coverage",
        "coverage_manual_refs",
        "cross_references",
        "description",
        "edition",
        "lab_certifications",
        "multiple_pricing",
        "opps_effective",
        "opps_group",
        "opps_indicator",
        "pricing_indicators",
        "processing_note",
        "short_description",
        "statute",
        "terminated",
        "type_of_service",
    )
    code: str
    """The code, e.g. ``"E0114"``."""
    description: str
    """The long description (the file's continuation records joined, blanks normalized)."""
    short_description: str | None
    """The short (28-character) description."""
    billable: bool
    """True for every procedure code in the file (reportable); dates are checked separately
    by :func:`is_valid` / :func:`check` / :meth:`in_effect`."""
    added: datetime.date | None
    """The date the code was added to HCPCS."""
    action_effective: datetime.date | None
    """Effective date of the latest action on the code (see ``action_code``)."""
    terminated: datetime.date | None
    """The last date of service on which the code may be used (None: not terminated)."""
    action_code: str
    """The latest change: A add, B both, C long description, D discontinue, F admin field,
    N no maintenance, P payment, R re-activate, S short description, T miscellaneous."""
    betos: str
    """BETOS (Berenson-Eggers type of service) code, e.g. ``"D1E"``."""
    coverage: str
    """Medicare coverage code: C carrier judgement, D special coverage instructions,
    I not payable by Medicare, M non-covered by Medicare, S non-covered by statute."""
    pricing_indicators: tuple[str, ...]
    """Pricing indicator codes (up to 4 two-character codes)."""
    multiple_pricing: str
    """Multiple pricing indicator."""
    type_of_service: tuple[str, ...]
    """Type of service codes (up to 5)."""
    coverage_manual_refs: tuple[str, ...]
    """Coverage issues manual references."""
    carriers_manual_refs: tuple[str, ...]
    """Medicare carriers manual references."""
    statute: str
    """Statute number."""
    lab_certifications: tuple[str, ...]
    """Lab certification codes (CLIA specialties)."""
    cross_references: tuple[str, ...]
    """Cross-reference codes."""
    asc_group: str
    """ASC payment group."""
    asc_effective: datetime.date | None
    """ASC payment group effective date."""
    opps_group: str
    opps_indicator: str
    opps_effective: datetime.date | None
    processing_note: str
    """Processing note number (see :attr:`processing_note_text`)."""
    anesthesia_base_units: str
    edition: Edition
    _set: CodeSet[HCPCSCode]
    _row: int

    def __repr__(self) -> str:
        end = f" terminated {self.terminated.isoformat()}" if self.terminated else ""
        return f"<HCPCSCode {self.code} {self.edition.id}{end}: {self.description!r}>"

    def in_effect(self, day: datetime.date) -> bool:
        """Whether the code may be used on date of service ``day`` (added on or before,
        not terminated before it). The edition's own dates are not considered."""
        return (self.added is None or self.added <= day) and (
            self.terminated is None or day <= self.terminated
        )

    @property
    def processing_note_text(self) -> str | None:
        """The text of the processing note, when the edition bundles the notes file."""
        if not self.processing_note:
            return None
        notes: dict[str, str] = self._set._table.json("proc_notes")
        return notes.get(self.processing_note)


def _display(code: str) -> str:
    return code


def _fields(cs: CodeSet[Any], row: int) -> dict[str, str]:
    names: list[str] | None = cs._cache.get("field_names")
    if names is None:
        names = cs._cache["field_names"] = cs._table.lines("field_names")
    return dict(zip(names, (cs._table.text("fields", row) or "").split("\t"), strict=False))


def _make(cs: CodeSet[HCPCSCode], row: int) -> HCPCSCode:
    t = cs._table
    f = _fields(cs, row)
    return HCPCSCode(
        code=cs._code(row),
        description=t.text("description", row) or "",
        short_description=t.text("short_description", row),
        billable=cs._is_billable(row),
        added=_ymd(t.ints("added")[row]),
        action_effective=_ymd(t.ints("action_effective")[row]),
        terminated=_ymd(t.ints("terminated")[row]),
        action_code=f.get("action_code", ""),
        betos=f.get("betos", ""),
        coverage=f.get("coverage", ""),
        pricing_indicators=_tuple(f.get("pricing_indicators", "")),
        multiple_pricing=f.get("multiple_pricing", ""),
        type_of_service=_tuple(f.get("type_of_service", "")),
        coverage_manual_refs=_tuple(f.get("coverage_manual_refs", "")),
        carriers_manual_refs=_tuple(f.get("carriers_manual_refs", "")),
        statute=f.get("statute", ""),
        lab_certifications=_tuple(f.get("lab_certifications", "")),
        cross_references=_tuple(f.get("cross_references", "")),
        asc_group=f.get("asc_group", ""),
        asc_effective=_iso(f.get("asc_effective", "")),
        opps_group=f.get("opps_group", ""),
        opps_indicator=f.get("opps_indicator", ""),
        opps_effective=_iso(f.get("opps_effective", "")),
        processing_note=f.get("processing_note", ""),
        anesthesia_base_units=f.get("anesthesia_base_units", ""),
        edition=cs.edition,
        _set=cs,
        _row=row,
    )


def _iso(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


# ------------------------------------------------------------------------------------------
# the date-aware system (shared with codekit.modifiers)
_C = TypeVar("_C")


class _DatedSystem(_System[_C]):
    """A flat code system whose rows carry added and termination dates (HCPCS, modifiers)."""

    def _dates(self, cs: CodeSet[_C], row: int) -> tuple[datetime.date | None, datetime.date | None]:
        t = cs._table
        return _ymd(t.ints("added")[row]), _ymd(t.ints("terminated")[row])

    def _date_arrays(self, cs: CodeSet[_C]) -> tuple[Any, Any, int]:
        """(added, terminated, edition start) as YYYYMMDD integers, cached per code set."""
        got: tuple[Any, Any, int] | None = cs._cache.get("date_arrays")
        if got is None:
            e = cs.edition.effective
            t = cs._table
            got = (t.ints("added"), t.ints("terminated"), e.year * 10000 + e.month * 100 + e.day)
            cs._cache["date_arrays"] = got
        return got

    def is_valid(self, code: object, as_of: object = None) -> bool:
        if not isinstance(code, str):
            return False
        try:
            cs = self.registry.current if as_of is None else None
            if cs is None:
                cs = self.code_set(None, as_of)
            # str.translate is slow when it drops nothing: skip it for clean input
            row = cs._find((code if code.isalnum() else code.translate(self.drop)).upper())
            if row is None:
                return False
            added_a, term_a, start = cs._cache.get("date_arrays") or self._date_arrays(cs)
            term = term_a[row]
            added = added_a[row]
            if not term and not added:
                return True
            if as_of is None:
                ymd = start
            else:
                day = _as_date(as_of)
                ymd = day.year * 10000 + day.month * 100 + day.day
            return (not term or ymd <= term) and (not added or added <= ymd)
        except (CodekitError, TypeError, ValueError):
            return False

    def check(self, code: object, as_of: object = None) -> CheckResult:
        from .status import CheckResult, CodeStatus

        shown = code if isinstance(code, str) else repr(code)
        try:
            norm = self.normalize(code)
        except InvalidCodeFormat as exc:
            return CheckResult(shown, self.name, CodeStatus.BAD_FORMAT, exc.message)
        if not self.well_formed(norm):
            return CheckResult(
                shown, self.name, CodeStatus.BAD_FORMAT, self.bad_format_message(code)
            )
        shown = self.display(norm)
        try:
            cs = self.code_set(None, as_of)
        except EditionNotFound as exc:
            return CheckResult(shown, self.name, CodeStatus.NO_EDITION, exc.message)
        row = cs._find(norm)
        if row is None:
            return self.check_missing(cs, norm, shown)
        ed = cs.edition
        day = ed.effective if as_of is None else _as_date(as_of)
        added, term = self._dates(cs, row)
        if term is not None and term < day:
            return CheckResult(
                shown,
                self.name,
                CodeStatus.INACTIVE,
                f"{shown} was terminated on {term.isoformat()} ({self.label} {ed.id}): not "
                "valid for dates of service after that",
                ed.id,
                added,
                term,
            )
        if added is not None and day < added:
            return CheckResult(
                shown,
                self.name,
                CodeStatus.INACTIVE,
                f"{shown} is not in effect yet on {day.isoformat()}: it was added on "
                f"{added.isoformat()} ({self.label} {ed.id})",
                ed.id,
                added,
                term,
            )
        until = f" until {term.isoformat()}" if term is not None else ""
        return CheckResult(
            shown,
            self.name,
            CodeStatus.VALID,
            f"{shown} is valid in {self.label} {ed.id}{until}",
            ed.id,
            added,
            term,
        )


_BLANKS = drop_table(keep_dots=True)


class _HCPCSSystem(_DatedSystem[HCPCSCode]):
    def bad_format_message(self, code: object) -> str:
        msg = super().bad_format_message(code)
        if isinstance(code, str):
            norm = code.translate(self.drop).upper()
            if len(norm) == 5 and norm[:4].isdigit() and (norm[4].isdigit() or norm[4] in "FTU"):
                msg += "; it looks like a CPT code: use codekit.cpt"
            elif len(norm) == 2 and norm.isalnum():
                msg += "; it looks like a modifier: use codekit.modifiers"
        return msg

    def missing_hint(self, cs: CodeSet[HCPCSCode], norm: str) -> str:
        if norm.startswith("D"):
            return (
                "; D codes are CDT dental codes (American Dental Association), which the CMS "
                "HCPCS file does not list"
            )
        return super().missing_hint(cs, norm)


# ------------------------------------------------------------------------------------------
# editions
_REG: _Registry[CodeSet[HCPCSCode]] = _Registry(SYSTEM, LABEL, bootstrap=_bundled_bootstrap(SYSTEM, lambda: _SYS))

_SYS: _System[HCPCSCode] = _HCPCSSystem(
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
    """Clean a code: strip blanks, upper-case (HCPCS codes have no dot, so a dot is kept
    and the result is not a HCPCS code).

    >>> normalize(" j3490 ")
    'J3490'
    """
    return _SYS.normalize(code)


def format(code: str) -> str:
    """The display form; raises InvalidCodeFormat for a malformed code.

    >>> format("e0114")
    'E0114'
    >>> format("99213")
    Traceback (most recent call last):
    ...
    codekit.errors.InvalidCodeFormat: '99213' is not a well-formed HCPCS Level II code (...); it looks like a CPT code: use codekit.cpt
    """
    return _SYS.format(code)


def get(code: str, *, as_of: object = None, default: Any = None) -> Any:
    """The code object in the edition in force, else ``default``.

    Codes the file lists as terminated are returned too (see ``.terminated``).

    >>> get("A0021").short_description
    'Outside state ambulance serv'
    >>> get("A0000") is None
    True
    """
    cs = _REG.current if as_of is None else None
    if cs is None:
        cs = _REG.resolve(None, as_of)
    return cs.get(code, default)


def lookup(code: str, *, as_of: object = None) -> HCPCSCode:
    """Like :func:`get`, but raises a specific error that suggests near codes.

    >>> lookup("E0114").code
    'E0114'
    >>> lookup("E0119")
    Traceback (most recent call last):
    ...
    codekit.errors.CodeNotFound: E0119 is not in HCPCS Level II 2026-Q1; did you mean E0110, ...
    """
    return _SYS.lookup(code, as_of)


def validate(code: object, *, as_of: object = None) -> str:
    """The display form of a code valid on ``as_of``; otherwise raises the precise error
    :func:`check` describes: InvalidCodeFormat, CodeNotFound (with suggestions),
    CodeNotBillable, CodeInactive or EditionNotFound.

    >>> validate("e0114")
    'E0114'
    >>> validate("C5271", as_of="2026-01-15")
    Traceback (most recent call last):
    ...
    codekit.errors.CodeInactive: C5271 was terminated on 2025-12-31 ...
    """
    return _SYS.validate(code, as_of)


def is_valid(code: object, *, as_of: object = None) -> bool:
    """True when ``code`` is in the edition in force and in effect on ``as_of``; never raises.

    >>> is_valid("e0114"), is_valid("C5271"), is_valid(None), is_valid(b"E0114")
    (True, False, False, False)
    >>> is_valid("C5271", as_of=datetime.date(2025, 11, 1))
    True
    """
    return _SYS.is_valid(code, as_of)


def check(code: object, *, as_of: object = None) -> CheckResult:
    """Why a code is or is not valid on a date; never raises for the code argument.

    >>> r = check("C5271", as_of=datetime.date(2026, 1, 15))
    >>> r.status, r.valid_to
    (<CodeStatus.INACTIVE: 'inactive'>, datetime.date(2025, 12, 31))
    >>> check("E0114").status, check("99213").status
    (<CodeStatus.VALID: 'valid'>, <CodeStatus.BAD_FORMAT: 'bad_format'>)
    >>> check("E0114", as_of=datetime.date(2022, 6, 1)).status
    <CodeStatus.NO_EDITION: 'no_edition'>
    """
    return _SYS.check(code, as_of)


def code_set(edition: str | None = None, *, as_of: object = None) -> CodeSet[HCPCSCode]:
    """One edition as a :class:`~codekit.codeset.CodeSet` (by id, by date, or the newest).

    >>> cs = code_set("2026-Q1")
    >>> len(cs), cs.edition.effective.isoformat(), cs.edition.end.isoformat()
    (8623, '2026-01-01', '2026-03-31')
    """
    return _REG.resolve(edition, as_of)


def editions() -> tuple[Edition, ...]:
    """The editions available (bundled and loaded), oldest first.

    >>> [e.id for e in editions()]
    ['2020', '2025-Q4', '2026-Q1']
    """
    return _REG.editions()


def changes(old: str, new: str) -> Changes:
    """The HCPCS codes added (in effect on the new edition's first day), deleted (terminated
    or dropped) and with a revised description from edition ``old`` to ``new`` (see
    :mod:`codekit.changes`).

    >>> ch = changes("2025-Q4", "2026-Q1")
    >>> len(ch.added), len(ch.deleted), len(ch.revised)
    (160, 95, 296)
    >>> "C5271" in [c.code for c in ch.deleted]   # terminated 2025-12-31
    True
    """
    from .changes import compare

    return compare(code_set(old), code_set(new), in_force=lambda c, day: c.in_effect(day))


# ------------------------------------------------------------------------------------------
# loading official files at run time
def _quarter_end(start: datetime.date) -> datetime.date:
    month = start.month + 3
    year = start.year + (month > 12)
    month = month - 12 if month > 12 else month
    return datetime.date(year, month, 1) - datetime.timedelta(days=1)


def _edition_id(start: datetime.date) -> str:
    if start.day == 1 and start.month in (1, 4, 7, 10):
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return start.isoformat()


def _resolve_dates(
    parsed: Parsed,
    name: str,
    edition: str | None,
    effective: datetime.date | None,
    end: datetime.date | None,
) -> tuple[str, datetime.date, datetime.date]:
    from ._parsers.hcpcs import quarter_from_name

    start = effective or quarter_from_name(parsed.source) or quarter_from_name(name)
    if start is None:
        raise SourceFormatError(
            "cannot tell the quarter from the file name; pass effective=datetime.date(2026, 4, 1) "
            "(and edition=, end= if they are not a calendar quarter)",
            path=name,
        )
    stop = end or _quarter_end(start)
    if stop < start:
        raise CodekitError(f"end {stop.isoformat()} is before effective {start.isoformat()}")
    return edition or _edition_id(start), start, stop


def _loaded_edition(system: str, eid: str, start: datetime.date, stop: datetime.date,
                    parsed: Parsed, name: str) -> Edition:
    return Edition(
        system=system,
        id=eid,
        effective=start,
        end=stop,
        source=os.path.basename(name),
        origin=name,
        note=f"loaded at run time from the {parsed.kind} file {os.path.basename(parsed.source)}",
    )


def load(
    path: str | os.PathLike[str],
    *,
    edition: str | None = None,
    effective: datetime.date | None = None,
    end: datetime.date | None = None,
    replace: bool = False,
    register: bool = True,
    modifiers: bool = True,
) -> CodeSet[HCPCSCode]:
    """Read an official CMS HCPCS file and add it as an edition.

    Reads the fixed-width text file (plain or gzipped), the xlsx workbook, or the
    zip as CMS publishes it (its ANWEB ``.txt`` member, else its ANWEB ``.xlsx``).
    The quarter comes from the file name (``HCPC2026_APR_ANWEB...`` is in force
    from 2026-04-01 to 2026-06-30, edition ``"2026-Q2"``) unless ``effective=``
    (and ``end=``, ``edition=``) are given. The file's modifiers are added to
    :mod:`codekit.modifiers` as an edition of the same id (``modifiers=False``
    skips that). ``register=False`` only returns the code set. A malformed record
    raises :class:`~codekit.errors.SourceFormatError` naming the file and line.

    >>> cs = load(os.path.join(FIXTURES, "HCPC2099_APR_ANWEB_04012099.txt"), register=False)
    >>> cs.edition.id, cs.edition.effective.isoformat(), cs.edition.end.isoformat()
    ('2099-Q2', '2099-04-01', '2099-06-30')
    >>> cs.get("C5271").terminated
    datetime.date(2025, 12, 31)
    """
    from ._parsers import hcpcs as parser

    name = os.fspath(path)
    parsed = parser.read(name)
    eid, start, stop = _resolve_dates(parsed, name, edition, effective, end)
    meta = {"system": SYSTEM, "edition": eid, "source": name, "kind": parsed.kind}
    ed = _loaded_edition(SYSTEM, eid, start, stop, parsed, name)
    cs: CodeSet[HCPCSCode] = CodeSet(
        Table(parser.to_table(parsed.procedures, meta), origin=name), ed, system=_SYS
    )
    if register:
        mod_reg = _modifiers_module()._REG if modifiers and parsed.modifiers else None
        if not replace:
            for reg in (_REG, mod_reg):
                if reg is not None and eid in {e.id for e in reg.editions()}:
                    raise CodekitError(
                        f"{reg.label} edition {eid} is already registered; pass replace=True "
                        "to replace it"
                    )
        _REG.add(ed, lambda: cs, replace=replace)
        if mod_reg is not None:
            _modifiers_module()._register_parsed(parsed, eid, start, stop, name, replace=replace)
    return cs


def _modifiers_module() -> Any:
    # codekit.modifiers, imported on first use
    from . import modifiers

    return modifiers


def __getattr__(name: str) -> Any:
    # CheckResult and CodeStatus live in codekit.status; imported on first use so that
    # importing this module stays cheap.
    if name in ("CheckResult", "CodeStatus"):
        from . import status

        return getattr(status, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def search(
    query: str, *, limit: int = 10, as_of: object = None, billable_only: bool = False
) -> list[Any]:
    """Search HCPCS Level II descriptions by words, lay terms, abbreviations, misspellings,
    partial words, or a code prefix (see :func:`codekit.fuzzy.search`).

    >>> [h.code for h in search("walker folding wheeled", limit=1)]
    ['E0143']
    """
    from .fuzzy import search as _search

    return _search(query, systems=("hcpcs",), limit=limit, as_of=as_of,
                   billable_only=billable_only)
