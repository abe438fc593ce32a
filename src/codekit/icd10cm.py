"""ICD-10-CM diagnosis codes (CDC/NCHS), several fiscal-year editions side by side.

The edition in force is chosen by the date of service (``as_of``); without it,
the newest edition. Input may have the dot or not, any case, blanks around it.

>>> from codekit import icd10cm
>>> icd10cm.normalize(" e11.9 "), icd10cm.format("e119")
('E119', 'E11.9')
>>> c = icd10cm.get("E11.9")
>>> c.description, c.billable, c.parent, c.edition.id
('Type 2 diabetes mellitus without complications', True, 'E11', 'FY2026')
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
from ._normalize import dotted
from ._record import Record, TreeCodeRecord
from ._store import Table
from ._typing import TYPE_CHECKING
from .codeset import CodeSet, _bundled_bootstrap, _System
from .errors import CodekitError, SourceFormatError

if TYPE_CHECKING:
    from typing import Any

    from .status import CheckResult, CodeStatus

__all__ = [
    "Block",
    "Chapter",
    "CheckResult",
    "CodeStatus",
    "ICD10CMCode",
    "Note",
    "Notes",
    "SeventhCharacter",
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

SYSTEM = "icd10cm"
LABEL = "ICD-10-CM"
_PATTERN = r"[A-Z][0-9A-Z][0-9A-Z][0-9A-Z]{0,4}"
_FORMAT_HINT = "a letter, then 2 letters or digits, then up to 4 more, e.g. E11.9 or S52.521A"
ICD10_START = datetime.date(2015, 10, 1)
"""ICD-10-CM replaced ICD-9-CM for dates of service from this day."""


class Chapter(Record):
    """A chapter of the tabular list.

    >>> get("E11.9").chapter
    Chapter(number=4, description='Endocrine, nutritional and metabolic diseases', first='E00', last='E89')
    """

    __slots__ = ("number", "description", "first", "last")
    number: int
    description: str
    first: str | None
    """First category of the chapter's range, e.g. ``"E00"``."""
    last: str | None

    def __init__(self, number: int, description: str, first: str | None, last: str | None):
        super().__init__(number=number, description=description, first=first, last=last)


class Block(Record):
    """A block (section) of the tabular list.

    >>> get("E11.9").block
    Block(id='E08-E13', description='Diabetes mellitus')
    """

    __slots__ = ("id", "description")
    id: str
    description: str

    def __init__(self, id: str, description: str):
        super().__init__(id=id, description=description)


class Note(Record):
    """One note of the tabular, with where it is written.

    ``source`` is the code (display form), ``"block E08-E13"`` or ``"chapter 4"``
    the note comes from: notes written at a category apply to every code in it.
    """

    __slots__ = ("text", "source")
    text: str
    source: str

    def __init__(self, text: str, source: str):
        super().__init__(text=text, source=source)


_NOTE_FIELDS = (
    "inclusion_terms",
    "includes",
    "excludes1",
    "excludes2",
    "code_first",
    "use_additional_code",
    "code_also",
    "notes",
    "seventh_character_note",
)


class Notes(Record):
    """The tabular notes that apply to a code (its own and its ancestors').

    Inclusion terms belong to the code itself; every other kind is inherited from
    the code's ancestors, block and chapter, as the tabular's conventions say.
    Each field is a tuple of :class:`Note`.

    >>> [n.text for n in get("A00.0").notes.inclusion_terms]
    ['Classical cholera']
    """

    __slots__ = _NOTE_FIELDS
    inclusion_terms: tuple[Note, ...]
    includes: tuple[Note, ...]
    excludes1: tuple[Note, ...]
    excludes2: tuple[Note, ...]
    code_first: tuple[Note, ...]
    use_additional_code: tuple[Note, ...]
    code_also: tuple[Note, ...]
    notes: tuple[Note, ...]
    seventh_character_note: tuple[Note, ...]

    def __init__(self, **kinds: tuple[Note, ...]) -> None:
        unknown = set(kinds) - set(_NOTE_FIELDS)
        if unknown:
            raise TypeError(f"unknown note kinds: {sorted(unknown)}")
        super().__init__(**{k: tuple(kinds.get(k, ())) for k in _NOTE_FIELDS})


class SeventhCharacter(Record):
    """A 7th-character value the tabular defines for a category or subcategory."""

    __slots__ = ("char", "description", "notes", "source")
    char: str
    description: str
    notes: tuple[str, ...]
    source: str
    """The code whose 7th-character definition this is."""

    def __init__(self, char: str, description: str, notes: tuple[str, ...], source: str):
        super().__init__(char=char, description=description, notes=notes, source=source)


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
        return _notes_for(self._set, self._row)

    @property
    def seventh_characters(self) -> tuple[SeventhCharacter, ...]:
        """The 7th characters defined for this code's category or subcategory."""
        return _seventh_for(self._set, self._row)

    @property
    def seventh_character(self) -> SeventhCharacter | None:
        """For a 7-character code made from a 7th-character definition: that definition."""
        if len(self.code) != 8:
            return None
        for s in _seventh_for(self._set, self._row):
            if s.char == self.code[-1]:
                return s
        return None


def _display(code: str) -> str:
    return dotted(code, 3)


def _make(cs: CodeSet[ICD10CMCode], row: int) -> ICD10CMCode:
    cols = cs._cache.get("columns")
    if cols is None:
        t = cs._table
        cols = cs._cache["columns"] = (t.ints("chapter"), t.ints("block"), _chapters(cs), _blocks(cs))
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


def _chapters(cs: CodeSet[ICD10CMCode]) -> list[Chapter]:
    got: list[Chapter] | None = cs._cache.get("chapters")
    if got is None:
        got = []
        for line in cs._table.lines("chapters"):
            num, first, last, desc = line.split("\t")
            got.append(Chapter(int(num), desc, first or None, last or None))
        cs._cache["chapters"] = got
    return got


def _blocks(cs: CodeSet[ICD10CMCode]) -> list[Block]:
    got: list[Block] | None = cs._cache.get("blocks")
    if got is None:
        got = []
        for line in cs._table.lines("blocks"):
            bid, _first, _last, _ch, desc = line.split("\t")
            got.append(Block(bid, desc))
        cs._cache["blocks"] = got
    return got


def _notes_for(cs: CodeSet[ICD10CMCode], row: int) -> Notes:
    raw: dict[str, dict[str, list[str]]] = cs._table.json("notes")
    if not raw:
        return Notes()
    collected: dict[str, list[Note]] = {k: [] for k in _NOTE_FIELDS}
    chain = [row]
    p = cs._parent_row(row)
    while p is not None:
        chain.append(p)
        p = cs._parent_row(p)
    sources: list[tuple[str, str]] = []
    ch = cs._table.ints("chapter")[row]
    bl = cs._table.ints("block")[row]
    if ch != 255:
        num = _chapters(cs)[ch].number
        sources.append((f"chapter:{num}", f"chapter {num}"))
    if bl != 65535:
        bid = _blocks(cs)[bl].id
        sources.append((f"block:{bid}", f"block {bid}"))
    for r in reversed(chain):
        sources.append((cs._code(r), _display(cs._code(r))))
    for key, label in sources:
        own = key == cs._code(row)
        for kind, texts in raw.get(key, {}).items():
            if kind == "inclusion_terms" and not own:
                continue
            collected[kind].extend(Note(t, label) for t in texts)
    return Notes(**{k: tuple(v) for k, v in collected.items()})


def _seventh_for(cs: CodeSet[ICD10CMCode], row: int) -> tuple[SeventhCharacter, ...]:
    raw: dict[str, list[list[Any]]] = cs._table.json("seventh")
    r: int | None = row
    while r is not None:
        code = cs._code(r)
        if code in raw:
            return tuple(
                SeventhCharacter(c, d, tuple(n), _display(code)) for c, d, n in raw[code]
            )
        r = cs._parent_row(r)
    return ()


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
    codekit.errors.CodeInactive: E11.A is not in ICD-10-CM FY2025, ... it exists in FY2026 (2025-10-01 to 2026-09-30)
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
    codekit.errors.CodeNotBillable: E11 is a header in ICD-10-CM FY2026, not billable; ...
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
    (98499, 74044)
    """
    return _REG.resolve(edition, as_of)


def editions() -> tuple[Edition, ...]:
    """The editions available (bundled and loaded), oldest first.

    >>> [e.id for e in editions()]
    ['FY2024', 'FY2025', 'FY2026']
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
    ref = _reference_blocks()
    data = parser.to_table(
        parsed,
        {"system": SYSTEM, "edition": edition, "source": name, "kind": parsed.kind},
        **ref,
    )
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


def _reference_blocks() -> dict[str, Any]:
    """Chapters/blocks of the newest bundled tabular edition, for flat files."""
    for _edition, path in reversed(_resources.bundled_editions(SYSTEM)):
        t = _resources.open_table(path)
        if t.meta.get("kind") == "tabular":
            codes = t.all_keys("codes")
            block_of = t.ints("block")
            cat: dict[str, int] = {}
            for c, b in zip(codes, block_of, strict=True):
                if len(c) == 3 and b != 65535:
                    cat[c] = b
            chapters = []
            for line in t.lines("chapters"):
                num, first, last, desc = line.split("\t")
                chapters.append(
                    {"number": int(num), "first": first or None, "last": last or None,
                     "description": desc}
                )
            blocks = []
            for line in t.lines("blocks"):
                bid, first, last, ch, desc = line.split("\t")
                blocks.append(
                    {"id": bid, "first": first, "last": last, "chapter": int(ch),
                     "description": desc}
                )
            return {"chapters": chapters, "blocks": blocks, "category_block": cat}
    return {}



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
