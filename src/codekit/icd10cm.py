"""ICD-10-CM diagnosis codes (CDC/NCHS), several fiscal-year editions side by side.

The edition in force is chosen by the date of service (``as_of``); without it,
the newest edition. Input may have the dot or not, any case, blanks around it.

>>> from codekit import icd10cm
>>> icd10cm.normalize(" e11.9 "), icd10cm.format("e119")
('E119', 'E11.9')
>>> c = icd10cm.get("E11.9")
>>> c.description, c.billable, c.parent, c.edition.id
('Type 2 diabetes mellitus without complications', True, 'E11', 'FY2027')
>>> c.chapter.number, c.block.id
(4, 'E08-E13')
>>> icd10cm.is_valid("E11"), icd10cm.check("E11").status.value
(False, 'not_billable')
>>> import datetime
>>> icd10cm.is_valid("G35", as_of=datetime.date(2025, 6, 1)), icd10cm.is_valid("G35", as_of=datetime.date(2025, 11, 1))
(True, False)
"""

from __future__ import annotations

import datetime
import os

from . import _resources
from ._editions import Edition, _Registry
from ._icd10cm_notes import seventh_for
from ._icd10cm_tabular import (
    Block,
    Chapter,
    IntroSection,
    Note,
    Notes,
    Section,
    SeventhCharacter,
    _tabular,
    ancestors,
    chapter,
    chapters,
    common_ancestor,
    introduction,
    is_ancestor,
    is_descendant,
    notes_for,
    section,
    sections,
    walk,
)
from ._normalize import dotted
from ._record import TreeCodeRecord
from ._store import Table
from ._typing import TYPE_CHECKING
from .codeset import CodeSet, _bundled_bootstrap, _System
from .errors import CodekitError, SourceFormatError

if TYPE_CHECKING:
    from typing import Any

    from .changes import Changes
    from .status import CheckResult, CodeStatus

__all__ = [
    "Block",
    "Chapter",
    "CheckResult",
    "CodeStatus",
    "ICD10CMCode",
    "IntroSection",
    "Note",
    "Notes",
    "Section",
    "SeventhCharacter",
    "ancestors",
    "changes",
    "chapter",
    "chapters",
    "check",
    "code_set",
    "common_ancestor",
    "editions",
    "format",
    "get",
    "introduction",
    "is_ancestor",
    "is_descendant",
    "is_valid",
    "load",
    "lookup",
    "normalize",
    "search",
    "section",
    "sections",
    "validate",
    "walk",
]

SYSTEM = "icd10cm"
LABEL = "ICD-10-CM"
_PATTERN = r"[A-Z][0-9A-Z][0-9A-Z][0-9A-Z]{0,4}"
_FORMAT_HINT = "a letter, then 2 letters or digits, then up to 4 more, e.g. E11.9 or S52.521A"
ICD10_START = datetime.date(2015, 10, 1)
"""ICD-10-CM replaced ICD-9-CM for dates of service from this day."""


class ICD10CMCode(TreeCodeRecord):
    """One ICD-10-CM code (billable or header) of one edition.

    >>> c = get("S52.521A")
    >>> c.description
    'Torus fracture of lower end of right radius, initial encounter for closed fracture'
    >>> c.seventh_character.description
    'initial encounter for closed fracture'
    >>> c.ancestors
    ('S52.521', 'S52.52', 'S52.5', 'S52')
    >>> [n.text for n in c.notes.excludes1]
    ['traumatic amputation of forearm (S58.-)']
    """

    __slots__ = (
        "code",
        "description",
        "short_description",
        "billable",
        "needs_7th_character",
        "parent",
        "chapter",
        "block",
        "edition",
        "_set",
        "_row",
    )
    code: str
    """Display form, with the dot: ``"E11.9"``."""
    description: str | None
    """The long description."""
    short_description: str | None
    """The short (60-character) description, when the edition's source has one."""
    billable: bool
    """Valid for HIPAA transactions (a complete code)."""
    needs_7th_character: bool
    """A tabular leaf that is complete only with a 7th character."""
    parent: str | None
    """Parent code (display form), None for a category."""
    chapter: Chapter | None
    block: Block | None
    edition: Edition
    _set: CodeSet[ICD10CMCode]
    _row: int

    def __init__(
        self,
        code: str,
        description: str | None,
        short_description: str | None,
        billable: bool,
        needs_7th_character: bool,
        parent: str | None,
        chapter: Chapter | None,
        block: Block | None,
        edition: Edition,
        _set: CodeSet[ICD10CMCode],
        _row: int,
    ) -> None:
        setattr_ = object.__setattr__  # direct slot writes: this runs once per code looked up
        setattr_(self, "code", code)
        setattr_(self, "description", description)
        setattr_(self, "short_description", short_description)
        setattr_(self, "billable", billable)
        setattr_(self, "needs_7th_character", needs_7th_character)
        setattr_(self, "parent", parent)
        setattr_(self, "chapter", chapter)
        setattr_(self, "block", block)
        setattr_(self, "edition", edition)
        setattr_(self, "_set", _set)
        setattr_(self, "_row", _row)

    def __repr__(self) -> str:
        kind = "billable" if self.billable else "header"
        return f"<ICD10CMCode {self.code} {kind} {self.edition.id}: {self.description!r}>"

    @property
    def notes(self) -> Notes:
        """Tabular notes that apply, own and inherited (empty for editions built from
        files that carry no notes)."""
        return notes_for(self._set, self._row)

    @property
    def seventh_characters(self) -> tuple[SeventhCharacter, ...]:
        """The 7th characters defined for this code's category or subcategory."""
        return seventh_for(self._set, self._row)

    @property
    def seventh_character(self) -> SeventhCharacter | None:
        """For a 7-character code made from a 7th-character definition: that definition."""
        if len(self.code) != 8:
            return None
        for s in seventh_for(self._set, self._row):
            if s.char == self.code[-1]:
                return s
        return None


def _display(code: str) -> str:
    return dotted(code, 3)


def _make(cs: CodeSet[ICD10CMCode], row: int) -> ICD10CMCode:
    cols = cs._cache.get("columns")
    if cols is None:
        t = cs._table
        tab = _tabular(cs)
        cols = cs._cache["columns"] = (t.ints("chapter"), t.ints("block"), tab.chapters, tab.sections)
    chapter_of, block_of, chapters, blocks = cols
    t = cs._table
    p = cs._parent_row(row)
    ch = chapter_of[row]
    bl = block_of[row]
    flags = cs._flags[row]
    return ICD10CMCode(
        _display(cs._code(row)),
        t.text("description", row),
        t.text("short_description", row),
        bool(flags & 1),
        bool(flags & 2),
        None if p is None else _display(cs._code(p)),
        None if ch == 255 else chapters[ch],
        None if bl == 65535 else blocks[bl],
        cs.edition,
        cs,
        row,
    )


# ------------------------------------------------------------------------------------------
# editions
_REG: _Registry[CodeSet[ICD10CMCode]] = _Registry(
    SYSTEM,
    LABEL,
    date_hint=lambda day: (
        "ICD-10-CM applies to dates of service from 2015-10-01; for earlier dates use "
        "codekit.icd9cm."
        if day < ICD10_START
        else ""
    ),
    bootstrap=_bundled_bootstrap(SYSTEM, lambda: _SYS),
)
class _ICD10CMSystem(_System[ICD10CMCode]):
    def missing_hint(self, cs: CodeSet[ICD10CMCode], norm: str) -> str:
        if len(norm) == 7:
            row = cs._find(norm[:6])
            if row is not None and cs._needs_7th(row):
                kids = [cs._code(r)[-1] for r in cs._child_rows(row)]
                return (
                    f"; 7th character {norm[6]} is not defined for {_display(norm[:6])}: "
                    f"use one of {', '.join(kids)}"
                )
        if 4 <= len(norm) <= 6:
            padded = norm[:-1].ljust(6, "X") + norm[-1]
            prow = cs._find(padded)
            if prow is not None and cs._is_billable(prow):
                return f"; with the X placeholder it is {_display(padded)}"
        return super().missing_hint(cs, norm)


_SYS: _System[ICD10CMCode] = _ICD10CMSystem(
    name=SYSTEM,
    label=LABEL,
    pattern=_PATTERN,
    display=_display,
    factory=_make,
    registry=_REG,
    format_hint=_FORMAT_HINT,
)


# ------------------------------------------------------------------------------------------
# verbs
def normalize(code: str) -> str:
    """Clean a code: strip blanks, upper-case, drop the dot.

    >>> normalize(" e11.9 ")
    'E119'
    """
    return _SYS.normalize(code)


def format(code: str) -> str:
    """The display form (with the dot); raises InvalidCodeFormat for a malformed code.

    >>> format("s52521a")
    'S52.521A'
    """
    return _SYS.format(code)


def get(code: str, *, as_of: object = None, default: Any = None) -> Any:
    """The code object (billable or header) in the edition in force, else ``default``.

    >>> get("E11.9").description
    'Type 2 diabetes mellitus without complications'
    >>> get("E11.99") is None
    True
    """
    if as_of is None:
        cs = _REG.current
        if cs is not None:
            try:
                return cs._memo[code]  # the warm path: one dict look-up
            except (KeyError, TypeError):
                return cs.get(code, default)
    return _REG.resolve(None, as_of).get(code, default)


def lookup(code: str, *, as_of: object = None) -> ICD10CMCode:
    """Like :func:`get`, but raises a specific error that suggests near codes.

    >>> lookup("E11.9").code
    'E11.9'
    >>> lookup("E11.A", as_of=datetime.date(2025, 6, 1))
    Traceback (most recent call last):
    ...
    codekit.errors.CodeInactive: E11.A is not in ICD-10-CM FY2025, ... it exists in FY2026 (2025-10-01 to 2026-09-30), FY2027 (2026-10-01 to 2027-09-30)
    """
    return _SYS.lookup(code, as_of)


def validate(code: object, *, as_of: object = None) -> str:
    """The display form of a code valid on ``as_of``; otherwise raises the precise error
    :func:`check` describes: InvalidCodeFormat, CodeNotFound (with suggestions),
    CodeNotBillable, CodeInactive or EditionNotFound.

    >>> validate(" e119 ")
    'E11.9'
    >>> validate("E11")
    Traceback (most recent call last):
    ...
    codekit.errors.CodeNotBillable: E11 is a header in ICD-10-CM FY2027, not billable; ...
    """
    return _SYS.validate(code, as_of)


def is_valid(code: object, *, as_of: object = None) -> bool:
    """True when ``code`` is billable in the edition in force; never raises.

    >>> is_valid("e11.9"), is_valid("E11"), is_valid(None), is_valid(b"E119")
    (True, False, False, False)
    """
    if as_of is None:
        cs = _REG.current
        if cs is not None:
            try:
                return cs._valid_memo[code]  # type: ignore[index]
            except (KeyError, TypeError):
                pass
    return _SYS.is_valid(code, as_of)


def check(code: object, *, as_of: object = None) -> CheckResult:
    """Why a code is or is not valid on a date; never raises for the code argument.

    >>> check("E11.A", as_of=datetime.date(2025, 6, 1)).status
    <CodeStatus.INACTIVE: 'inactive'>
    >>> check("S52.521").status, check("S52.521A").status
    (<CodeStatus.NEEDS_7TH_CHARACTER: 'needs_7th_character'>, <CodeStatus.VALID: 'valid'>)
    """
    return _SYS.check(code, as_of)


def code_set(edition: str | None = None, *, as_of: object = None) -> CodeSet[ICD10CMCode]:
    """One edition as a :class:`~codekit.codeset.CodeSet` (by id, by date, or the newest).

    >>> cs = code_set("FY2024")
    >>> len(cs), cs.billable_count
    (97296, 74044)
    """
    return _REG.resolve(edition, as_of)


def editions() -> tuple[Edition, ...]:
    """The editions available (bundled and loaded), oldest first.

    >>> [e.id for e in editions()]
    ['FY2024', 'FY2025', 'FY2026', 'FY2027']
    """
    return _REG.editions()


# ------------------------------------------------------------------------------------------
# loading official files at run time
def _fiscal_year(version: str | None, path: str) -> int | None:
    import re

    if version and re.fullmatch(r"\d{4}", version.strip()):
        return int(version)
    m = re.search(r"(?<!\d)(20\d\d)(?!\d)", os.path.basename(path))
    return int(m.group(1)) if m else None


def load(
    path: str | os.PathLike[str],
    *,
    edition: str | None = None,
    effective: datetime.date | None = None,
    end: datetime.date | None = None,
    replace: bool = False,
    register: bool = True,
) -> CodeSet[ICD10CMCode]:
    """Read an official ICD-10-CM file and add it as an edition, with no code change.

    Reads the tabular XML, the order file or the codes file, plain, gzipped or
    zipped as CDC publishes them. The fiscal year is taken from the file (the
    XML's ``<version>``, else a year in the file name) unless ``edition`` is
    given; dates default to October 1 of the year before to September 30.
    The new edition is then chosen by ``as_of`` like the bundled ones (and
    becomes the default when it is the newest); ``register=False`` only returns
    it. Loading an edition id that exists needs ``replace=True``.

    >>> import os
    >>> cs = load(os.path.join(FIXTURES, "icd10cm_order_2099.txt"), register=False)
    >>> cs.edition.id, cs.edition.effective.isoformat(), len(cs), cs.billable_count
    ('FY2099', '2098-10-01', 9, 6)
    >>> cs["E11.9"].description
    'Type 2 diabetes mellitus without complications'
    """
    from ._parsers import icd10cm as parser
    from ._parsers import icd10cm_table as table

    name = os.fspath(path)
    parsed = parser.read(name)
    year = _fiscal_year(parsed.version, name)
    if edition is None:
        if year is None:
            raise SourceFormatError(
                "cannot tell the fiscal year from the file; pass edition='FY2027' "
                "(and effective=/end= dates)",
                path=name,
            )
        edition = f"FY{year}"
    if effective is None or end is None:
        import re

        m = re.fullmatch(r"FY(\d{4})", edition)
        if m is None:
            raise CodekitError(
                f"edition {edition!r} is not of the form FY2027; pass effective= and end= dates"
            )
        fy = int(m.group(1))
        effective = effective or datetime.date(fy - 1, 10, 1)
        end = end or datetime.date(fy, 9, 30)
    meta = {"system": SYSTEM, "edition": edition, "source": name, "kind": parsed.kind}
    if parsed.kind == "tabular":
        parsed.tabular_edition = edition
        data = table.to_table(parsed, meta)
    else:
        # chapters, sections and 7th-character definitions of the newest bundled tabular
        tables = [_resources.open_table(p) for _e, p in _resources.bundled_editions(SYSTEM)]
        parser.drop_placeholder_headers(parsed, table.known_headers(tables))
        ref = table.reference_from_tables(tables)
        parser.mark_seventh(parsed.rows, ref.pop("seventh"))
        data = table.to_table(parsed, meta, **ref)
    ed = Edition(
        system=SYSTEM,
        id=edition,
        effective=effective,
        end=end,
        source=os.path.basename(name),
        origin=name,
        note=f"loaded at run time from the {parsed.kind} file",
    )
    cs: CodeSet[ICD10CMCode] = CodeSet(Table(data, origin=name), ed, system=_SYS)
    if register:
        _REG.add(ed, lambda: cs, replace=replace)
    return cs


def changes(old: str, new: str) -> Changes:
    """What changed from edition ``old`` to edition ``new`` (ids, e.g. ``"FY2026"``):
    codes added, deleted, and with revised descriptions, and the codes that became
    headers, with their new children (see :mod:`codekit.changes`).

    >>> ch = changes("FY2026", "FY2027")
    >>> len(ch.added), len(ch.deleted), len(ch.revised)
    (190, 30, 4)
    >>> [(c.code, c.children) for c in ch.became_headers][:1]
    [('D69.1', ('D69.11', 'D69.19'))]
    """
    from .changes import compare

    return compare(code_set(old), code_set(new))


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
    """Search ICD-10-CM by words: descriptions, inclusion terms, lay terms, abbreviations,
    misspellings, partial words, or a code prefix (see :func:`codekit.fuzzy.search`).

    >>> [h.code for h in search("heart attack", limit=2)]
    ['I21.9', 'I22.9']
    """
    from .fuzzy import search as _search

    return _search(query, systems=("icd10cm",), limit=limit, as_of=as_of,
                   billable_only=billable_only)
