"""ICD-10-CM's tabular as objects: chapters, sections, notes, 7th characters, the
introduction, and navigation over the whole hierarchy (re-exported by
:mod:`codekit.icd10cm`).

A chapter holds sections; a section holds nested sections (the tabular has 12
that enclose others, such as ``V00-V99`` inside ``V00-X58``) or categories; a
category holds its subcategories and codes. ``code.block`` is the innermost
section of a code; :func:`ancestors` with ``sections=True`` climbs through all of
them to the chapter.

>>> from codekit import icd10cm
>>> ch = icd10cm.chapter(20)
>>> ch.description, ch.range
('External causes of morbidity', 'V00-Y99')
>>> [s.id for s in ch.sections][:3]
['V00-X58', 'X71-X83', 'X92-Y09']
>>> v = icd10cm.section("V00-V99")
>>> v.parent.id, [s.id for s in v.sections][:2], len(v.notes.excludes1)
('V00-X58', ['V00-V09', 'V10-V19'], 5)
>>> [a.id if not hasattr(a, "code") else a.code for a in icd10cm.ancestors("V00.01XA", sections=True)]
['V00.01', 'V00.0', 'V00', 'V00-V09', 'V00-V99', 'V00-X58', '20']

Every note says where it was written and which edition's tabular its text comes
from (``edition``): the FY2027 edition carries the FY2026 notes, marked
``'FY2026'``, because no FY2027 tabular XML is bundled.

>>> n = icd10cm.get("V00.01XA").notes
>>> sorted({x.source for x in n.use_additional_code})
['V00', 'section V00-V99']
>>> n.excludes1[0].edition
'FY2026'

Nothing on the code look-up path imports this module's heavier parts: the
classes are small slotted records and the data is read per key from the
memory-mapped table (one code's notes decode only the notes written at the
code, its ancestors, its sections and its chapter).
"""

from __future__ import annotations

from ._icd10cm_notes import Note, Notes, SeventhCharacter, notes_at, stored_text
from ._record import Record
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, TypeAlias

    from .codeset import CodeSet
    from .icd10cm import ICD10CMCode

    Node: TypeAlias = "Chapter | Section | ICD10CMCode"

__all__ = [
    "Block",
    "Chapter",
    "IntroSection",
    "Note",
    "Notes",
    "Section",
    "SeventhCharacter",
    "ancestors",
    "chapter",
    "chapters",
    "common_ancestor",
    "introduction",
    "is_ancestor",
    "is_descendant",
    "section",
    "sections",
    "walk",
]

_NO_CHAPTER = 255
_NO_BLOCK = 65535

class IntroSection(Record):
    """One section of the tabular's introduction (its instructional notations)."""

    __slots__ = ("type", "title", "notes")
    type: str
    """The XML's ``type``: ``"title"``, ``"subtitle"`` or ``"instruction"``."""
    title: str
    notes: tuple[str, ...]

    def __init__(self, type: str, title: str, notes: tuple[str, ...]) -> None:
        super().__init__(type=type, title=title, notes=notes)


class _Node(Record):
    """Shared behaviour of chapters and sections (private back-reference to the set)."""

    __slots__ = ("_set", "_index")
    _set: CodeSet[ICD10CMCode]
    _index: int

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self).__name__, self._set.edition.id, self._key()))

    def _key(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _tab(self) -> _Tabular:
        return _tabular(self._set)


class Chapter(_Node):
    """A chapter of the tabular list.

    >>> from codekit import icd10cm
    >>> c = icd10cm.get("E11.9").chapter
    >>> c
    Chapter(number=4, description='Endocrine, nutritional and metabolic diseases', first='E00', last='E89')
    >>> c.id, c.range, [s.id for s in c.sections][:2]
    ('4', 'E00-E89', ['E00-E07', 'E08-E13'])
    """

    __slots__ = ("number", "description", "first", "last")
    number: int
    description: str
    first: str | None
    """First category of the chapter's range, e.g. ``"E00"``."""
    last: str | None

    def __init__(
        self,
        number: int,
        description: str,
        first: str | None,
        last: str | None,
        _set: Any = None,
        _index: int = -1,
    ) -> None:
        super().__init__(
            number=number, description=description, first=first, last=last, _set=_set,
            _index=_index,
        )

    def _key(self) -> str:
        return str(self.number)

    @property
    def id(self) -> str:
        """The chapter number as text (``"4"``), the id :func:`walk` and friends use."""
        return str(self.number)

    @property
    def range(self) -> str:
        """The chapter's range of categories, e.g. ``"E00-E89"``."""
        return f"{self.first}-{self.last}" if self.first != self.last else str(self.first)

    @property
    def parent(self) -> None:
        """Chapters are the top of the tabular."""
        return None

    @property
    def sections(self) -> tuple[Section, ...]:
        """The chapter's top-level sections, in tabular order."""
        tab = self._tab()
        return tuple(tab.sections[i] for i in tab.chapter_sections[self._index])

    @property
    def children(self) -> tuple[Section, ...]:
        """The same as :attr:`sections`."""
        return self.sections

    @property
    def notes(self) -> Notes:
        """The notes written at the chapter (they apply to every code in it)."""
        return notes_at(self._set, [(f"chapter:{self.number}", f"chapter {self.number}")], True)


class Section(_Node):
    """A section (block) of the tabular list: a range of categories, or of sections.

    >>> from codekit import icd10cm
    >>> s = icd10cm.get("E11.9").block
    >>> s
    Section(id='E08-E13', description='Diabetes mellitus')
    >>> s.first, s.last, s.chapter.number, [c.code for c in s.categories][:3]
    ('E08', 'E13', 4, ['E08', 'E09', 'E10'])
    """

    __slots__ = ("id", "description")
    id: str
    """The range as the tabular writes it, e.g. ``"E08-E13"`` (or ``"C50"``)."""
    description: str

    def __init__(self, id: str, description: str, _set: Any = None, _index: int = -1) -> None:
        super().__init__(id=id, description=description, _set=_set, _index=_index)

    def _key(self) -> str:
        return self.id

    @property
    def first(self) -> str:
        """First category of the range."""
        return self.id.partition("-")[0]

    @property
    def last(self) -> str:
        """Last category of the range."""
        first, _, last = self.id.partition("-")
        return last or first

    @property
    def chapter(self) -> Chapter:
        """The chapter the section is in."""
        tab = self._tab()
        return tab.chapters[tab.section_chapter[self._index]]

    @property
    def parent(self) -> Section | Chapter:
        """The section that encloses this one, else its chapter."""
        tab = self._tab()
        p = tab.section_parent[self._index]
        return self.chapter if p is None else tab.sections[p]

    @property
    def sections(self) -> tuple[Section, ...]:
        """The sections directly inside this one (empty for most)."""
        tab = self._tab()
        return tuple(tab.sections[i] for i in tab.section_children[self._index])

    @property
    def categories(self) -> tuple[ICD10CMCode, ...]:
        """The categories whose innermost section this is, in tabular order."""
        cs = self._set
        block_of = cs._table.ints("block")
        return tuple(
            cs._obj(r) for r in _tabular(cs).category_rows if block_of[r] == self._index
        )

    @property
    def children(self) -> tuple[Section | ICD10CMCode, ...]:
        """Nested sections, then categories."""
        return (*self.sections, *self.categories)

    @property
    def notes(self) -> Notes:
        """The notes written at the section (they apply to every code in its range)."""
        return notes_at(self._set, [(f"block:{self.id}", f"section {self.id}")], True)


Block = Section
"""The former name of :class:`Section` (``code.block`` is the innermost section)."""


def _restore(kind: str, edition: str, key: str) -> Chapter | Section:
    if kind == "Chapter":
        return chapter(int(key), edition)
    return section(key, edition)


# ------------------------------------------------------------------------------------------
# reading the table
class _Tabular:
    """Chapters and sections of one code set, with their nesting (built on first use)."""

    def __init__(self, cs: CodeSet[ICD10CMCode]) -> None:
        t = cs._table
        self.chapters: list[Chapter] = []
        for i, line in enumerate(t.lines("chapters") if t.has("chapters") else []):
            num, first, last, desc = line.split("\t")
            self.chapters.append(Chapter(int(num), desc, first or None, last or None, cs, i))
        self.sections: list[Section] = []
        self.section_chapter: list[int] = []
        for i, line in enumerate(t.lines("blocks") if t.has("blocks") else []):
            bid, _first, _last, ch, desc = line.split("\t")
            self.sections.append(Section(bid, desc, cs, i))
            self.section_chapter.append(int(ch))
        self._set = cs
        self._nested = False
        self.section_parent: list[int | None] = []
        self.section_children: list[list[int]] = []
        self.chapter_sections: list[list[int]] = []
        self.by_id: dict[str, int] = {}
        self._category_rows: list[int] | None = None

    def nest(self) -> None:
        """Each section's parent: the innermost other section of its chapter whose range
        encloses it (sections are listed outermost first, so the last one found)."""
        if self._nested:
            return
        secs = self.sections
        by_chapter: dict[int, list[int]] = {}
        parent: list[int | None] = []
        for i, s in enumerate(secs):
            same = by_chapter.setdefault(self.section_chapter[i], [])
            found = None
            first, last = s.first, s.last
            for j in same:
                o = secs[j]
                if o.first <= first and last <= o.last and (o.first, o.last) != (first, last):
                    found = j
            same.append(i)
            parent.append(found)
        children: list[list[int]] = [[] for _ in secs]
        top: list[list[int]] = [[] for _ in self.chapters]
        for i, p in enumerate(parent):
            (top[self.section_chapter[i]] if p is None else children[p]).append(i)
        self.section_parent, self.section_children, self.chapter_sections = parent, children, top
        self.by_id = {s.id: i for i, s in enumerate(secs)}
        self._nested = True

    @property
    def category_rows(self) -> list[int]:
        rows = self._category_rows
        if rows is None:
            parent = self._set._parent
            rows = self._category_rows = [r for r in range(len(parent)) if parent[r] < 0]
        return rows

    def section_chain(self, block: int) -> list[int]:
        """Section indexes from the outermost enclosing one down to ``block``."""
        self.nest()
        chain = []
        b: int | None = block
        while b is not None:
            chain.append(b)
            b = self.section_parent[b]
        chain.reverse()
        return chain


def _tabular(cs: CodeSet[ICD10CMCode]) -> _Tabular:
    tab: _Tabular | None = cs._cache.get("tabular")
    if tab is None:
        tab = cs._cache.setdefault("tabular", _Tabular(cs))
    return tab


def notes_for(cs: CodeSet[ICD10CMCode], row: int) -> Notes:
    """The notes that apply to the code in ``row``: chapter, enclosing sections
    (outermost first), ancestors (category first), the code itself."""
    if not cs._table.has("notes_keys"):
        return Notes()
    show = cs._system.display
    places: list[tuple[str, str]] = []
    ch = cs._table.ints("chapter")[row]
    bl = cs._table.ints("block")[row]
    tab = _tabular(cs)
    if ch != _NO_CHAPTER:
        num = tab.chapters[ch].number
        places.append((f"chapter:{num}", f"chapter {num}"))
    if bl != _NO_BLOCK:
        for b in tab.section_chain(bl):
            sid = tab.sections[b].id
            places.append((f"block:{sid}", f"section {sid}"))
    chain = [row]
    p = cs._parent_row(row)
    while p is not None:
        chain.append(p)
        p = cs._parent_row(p)
    for r in reversed(chain):
        code = cs._code(r)
        places.append((code, show(code)))
    return notes_at(cs, places, True)


# ------------------------------------------------------------------------------------------
# the public API
def _cs(edition: str | None, as_of: object) -> CodeSet[ICD10CMCode]:
    from . import icd10cm

    return icd10cm.code_set(edition, as_of=as_of)


def chapters(edition: str | None = None, *, as_of: object = None) -> tuple[Chapter, ...]:
    """The chapters of an edition (by id, by date, or the newest), in order.

    >>> from codekit import icd10cm
    >>> len(icd10cm.chapters()), icd10cm.chapters()[0].description
    (22, 'Certain infectious and parasitic diseases')
    """
    tab = _tabular(_cs(edition, as_of))
    tab.nest()
    return tuple(tab.chapters)


def chapter(number: int | str, edition: str | None = None, *, as_of: object = None) -> Chapter:
    """One chapter by number (``4`` or ``"4"``); raises :class:`~codekit.errors.CodeNotFound`.

    >>> from codekit import icd10cm
    >>> icd10cm.chapter(4).range
    'E00-E89'
    """
    cs = _cs(edition, as_of)
    for c in chapters(cs.edition.id):
        if str(c.number) == str(number).strip():
            return c
    raise _not_found(f"chapter {_shown(number)}", cs)


def sections(edition: str | None = None, *, as_of: object = None) -> tuple[Section, ...]:
    """Every section of an edition in tabular order (enclosing sections before the
    sections they hold).

    >>> from codekit import icd10cm
    >>> s = icd10cm.sections()
    >>> len(s), s[0].id, sum(1 for x in s if x.sections)
    (297, 'A00-A09', 12)
    """
    tab = _tabular(_cs(edition, as_of))
    tab.nest()
    return tuple(tab.sections)


def section(id: str, edition: str | None = None, *, as_of: object = None) -> Section:
    """One section by its range (``"V00-V99"``, any case, or ``"C50"``); raises
    :class:`~codekit.errors.CodeNotFound` naming the section.

    >>> from codekit import icd10cm
    >>> icd10cm.section("v00-v99").description
    'Transport accidents'
    """
    cs = _cs(edition, as_of)
    tab = _tabular(cs)
    tab.nest()
    key = id.strip().upper() if isinstance(id, str) else None
    if key is not None and key in tab.by_id:
        return tab.sections[tab.by_id[key]]
    raise _not_found(f"section {_shown(id)}", cs)


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return repr(text[:60] + ("..." if len(text) > 60 else ""))


def _not_found(what: str, cs: CodeSet[ICD10CMCode]) -> LookupError:
    from .errors import CodeNotFound

    return CodeNotFound(
        f"ICD-10-CM {cs.edition.id} has no {what}", system="icd10cm", code=what,
        edition=cs.edition.id,
    )


def _node(value: object, cs: CodeSet[ICD10CMCode]) -> Node:
    """A chapter (number), a section (a range with ``-``, or a section object) or a code."""
    if isinstance(value, Chapter | Section):
        return value
    code = getattr(value, "code", None)
    if isinstance(code, str):
        value = code
    if isinstance(value, int) and not isinstance(value, bool):
        return chapter(value, cs.edition.id)
    if isinstance(value, str):
        text = value.strip()
        if text.isdecimal():
            return chapter(text, cs.edition.id)
        if "-" in text:
            return section(text, cs.edition.id)
        tab = _tabular(cs)
        tab.nest()
        if text.upper() in tab.by_id and cs.get(text) is None:
            return tab.sections[tab.by_id[text.upper()]]
        got: ICD10CMCode = cs[text]
        return got
    raise TypeError(f"expected a code, a section id or a chapter number, not {_shown(value)}")


def _up(node: Node, sections: bool) -> list[Node]:
    if isinstance(node, Chapter):
        return []
    if isinstance(node, Section):
        out: list[Node] = []
        p: Section | Chapter = node.parent
        while isinstance(p, Section):
            out.append(p)
            p = p.parent
        out.append(p)
        return out if sections else []
    cs = node._set
    codes: list[ICD10CMCode] = list(cs.ancestors(node.code))
    got: list[Node] = list(codes)
    if sections:
        top = codes[-1] if codes else node
        if top.block is not None:
            got.append(top.block)
            got.extend(_up(top.block, True))
        elif top.chapter is not None:
            got.append(top.chapter)
    return got


def ancestors(
    code: object, *, sections: bool = False, edition: str | None = None, as_of: object = None
) -> tuple[Node, ...]:
    """Parent, grandparent, ... of a code (as code objects); with ``sections=True``
    also every section that encloses it (innermost first) and its chapter. A section
    or chapter may be given too.

    >>> from codekit import icd10cm
    >>> [a.code for a in icd10cm.ancestors("E11.9")]
    ['E11']
    >>> [getattr(a, "code", None) or a.id for a in icd10cm.ancestors("E11.9", sections=True)]
    ['E11', 'E08-E13', '4']
    """
    cs = _cs(edition, as_of)
    return tuple(_up(_node(code, cs), sections))


def _ident(node: Node) -> tuple[str, str]:
    if isinstance(node, Chapter):
        return ("chapter", node.id)
    if isinstance(node, Section):
        return ("section", node.id)
    return ("code", node.code)


def is_ancestor(
    a: object, b: object, *, edition: str | None = None, as_of: object = None
) -> bool:
    """Whether ``a`` (a code, section or chapter) encloses ``b`` (strictly).

    >>> from codekit import icd10cm
    >>> icd10cm.is_ancestor("E11", "E11.9"), icd10cm.is_ancestor("E08-E13", "E11.9")
    (True, True)
    >>> icd10cm.is_ancestor(4, "E11.9"), icd10cm.is_ancestor("E11.9", "E11")
    (True, False)
    """
    cs = _cs(edition, as_of)
    want = _ident(_node(a, cs))
    return any(_ident(n) == want for n in _up(_node(b, cs), True))


def is_descendant(
    a: object, b: object, *, edition: str | None = None, as_of: object = None
) -> bool:
    """Whether ``a`` lies (strictly) inside ``b``: ``is_ancestor(b, a)``.

    >>> from codekit import icd10cm
    >>> icd10cm.is_descendant("V00.01XA", "V00-X58")
    True
    """
    return is_ancestor(b, a, edition=edition, as_of=as_of)


def common_ancestor(
    a: object, b: object, *, edition: str | None = None, as_of: object = None
) -> Node | None:
    """The deepest code, section or chapter that is or encloses both (None: they are
    in different chapters).

    >>> from codekit import icd10cm
    >>> icd10cm.common_ancestor("E11.9", "E11.65").code
    'E11'
    >>> icd10cm.common_ancestor("E11.9", "E03.9").id
    '4'
    >>> icd10cm.common_ancestor("V00.01XA", "W01.0XXA").id
    'V00-X58'
    >>> icd10cm.common_ancestor("E11.9", "I10") is None
    True
    """
    cs = _cs(edition, as_of)
    na, nb = _node(a, cs), _node(b, cs)
    others = {_ident(n) for n in [nb, *_up(nb, True)]}
    for n in [na, *_up(na, True)]:
        if _ident(n) in others:
            return n
    return None


def walk(edition: str | None = None, *, as_of: object = None) -> Iterator[Node]:
    """The whole tabular in order: each chapter, then its sections (an enclosing
    section before those it holds) with, after each innermost section, its codes
    depth first (every code, headers and 7th-character codes included).

    >>> from codekit import icd10cm
    >>> it = icd10cm.walk()
    >>> [getattr(n, "code", None) or n.id for n in [next(it) for _ in range(5)]]
    ['1', 'A00-A09', 'A00', 'A00.0', 'A00.1']
    >>> sum(1 for n in icd10cm.walk("FY2026") if hasattr(n, "code")) == len(icd10cm.code_set("FY2026"))
    True
    """
    cs = _cs(edition, as_of)
    tab = _tabular(cs)
    tab.nest()
    ch_of = cs._table.ints("chapter")
    bl_of = cs._table.ints("block")
    by_chapter: list[list[int]] = [[] for _ in tab.chapters]
    for i, c in enumerate(tab.section_chapter):
        by_chapter[c].append(i)
    done_ch: set[int] = set()
    done_sec: set[int] = set()

    def open_sections(chapter_index: int, upto: int | None) -> Iterator[Node]:
        for i in by_chapter[chapter_index]:
            if i in done_sec:
                continue
            if upto is not None and i > upto:
                break
            done_sec.add(i)
            yield tab.sections[i]

    current_ch: int | None = None
    for row in range(len(cs)):
        ch, bl = ch_of[row], bl_of[row]
        if ch != _NO_CHAPTER and ch not in done_ch:
            if current_ch is not None:
                yield from open_sections(current_ch, None)
            done_ch.add(ch)
            current_ch = ch
            yield tab.chapters[ch]
        if bl != _NO_BLOCK and bl not in done_sec:
            yield from open_sections(tab.section_chapter[bl], bl)
        yield cs._obj(row)
    if current_ch is not None:
        yield from open_sections(current_ch, None)
    for ch in range(len(tab.chapters)):
        if ch not in done_ch:
            yield tab.chapters[ch]
            yield from open_sections(ch, None)


def introduction(edition: str | None = None, *, as_of: object = None) -> tuple[IntroSection, ...]:
    """The tabular's introduction (its instructional notations), when the edition's
    tabular has one (editions built from flat files alone have none).

    >>> from codekit import icd10cm
    >>> [s.title for s in icd10cm.introduction()][2:5]
    ['Includes:', 'Excludes Notes', 'Excludes1']
    """
    cs = _cs(edition, as_of)
    t = cs._table
    heads: list[tuple[str, str]] = []
    notes: list[list[str]] = []
    for line in t.lines("intro") if t.has("intro") else []:
        tag, _, rest = line.partition("\t")
        if tag == "T":
            typ, _, title = rest.partition("\t")
            heads.append((stored_text(typ), stored_text(title)))
            notes.append([])
        elif notes:
            notes[-1].append(stored_text(rest))
    return tuple(IntroSection(typ, title, tuple(n)) for (typ, title), n in zip(heads, notes, strict=True))
