"""ICD-10-CM tabular notes and 7th-character definitions: the value objects, and
reading them per place from a code set's table (used by :mod:`codekit.icd10cm`).

Notes are stored per place (a code, ``block:<section>``, ``chapter:<n>``): a
``keys`` section and a ``text`` section holding one record per place, one
``<kind letter>\t<text>`` line per note, so that one code's notes decode only
the records of the places that apply to it.
"""

from __future__ import annotations

from ._record import Record
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from .codeset import CodeSet

__all__ = ["KIND_CODES", "NOTE_FIELDS", "Note", "Notes", "SeventhCharacter"]

NOTE_FIELDS = (
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

KIND_CODES = {
    "inclusion_terms": "I",
    "includes": "N",
    "excludes1": "E",
    "excludes2": "X",
    "code_first": "F",
    "use_additional_code": "U",
    "code_also": "A",
    "notes": "O",
    "seventh_character_note": "S",
}
"""One letter per note kind in the stored per-key records (``"E\\ttext"`` lines)."""
_KIND_OF = {v: k for k, v in KIND_CODES.items()}



class Note(Record):
    """One note of the tabular: its text, where it is written, and from which edition.

    ``text`` is exactly as the tabular XML writes it (inner blanks and tabs kept;
    only blanks at either end are removed). ``source`` is the code (display form),
    ``"section E08-E13"`` or ``"chapter 4"`` where it is written. ``edition`` is
    the id of the edition whose tabular the text comes from (``None`` when not
    known): it differs from the code's own edition when notes were carried over
    from an earlier tabular.

    >>> from codekit import icd10cm
    >>> icd10cm.get("S52.521A", as_of="2026-01-01").notes.excludes1[0]
    Note(text='traumatic amputation of forearm (S58.-)', source='S52', edition='FY2026')
    """

    __slots__ = ("text", "source", "edition")
    text: str
    source: str
    edition: str | None

    def __init__(self, text: str, source: str, edition: str | None = None) -> None:
        super().__init__(text=text, source=source, edition=edition)


class Notes(Record):
    """The tabular notes that apply to a code (its own and inherited), or the
    notes written at one chapter or section.

    For a code, inclusion terms are its own; every other kind is inherited from
    its chapter, every section that encloses it (outermost first), its ancestors
    (category first) and the code itself, in that order, as the tabular's
    conventions say. Each field is a tuple of :class:`Note`.

    >>> from codekit import icd10cm
    >>> [n.text for n in icd10cm.get("A00.0").notes.inclusion_terms]
    ['Classical cholera']
    """

    __slots__ = NOTE_FIELDS
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
        unknown = set(kinds) - set(NOTE_FIELDS)
        if unknown:
            raise TypeError(f"unknown note kinds: {sorted(unknown)}")
        super().__init__(**{k: tuple(kinds.get(k, ())) for k in NOTE_FIELDS})

    def __iter__(self) -> Iterator[tuple[str, Note]]:
        """Every note as ``(kind, note)``, kind by kind in field order."""
        for kind in NOTE_FIELDS:
            for note in getattr(self, kind):
                yield kind, note

    def __len__(self) -> int:
        return sum(len(getattr(self, k)) for k in NOTE_FIELDS)

    def __bool__(self) -> bool:
        return any(getattr(self, k) for k in NOTE_FIELDS)


class SeventhCharacter(Record):
    """A 7th-character value the tabular defines for a category or subcategory."""

    __slots__ = ("char", "description", "notes", "source", "edition")
    char: str
    description: str
    notes: tuple[str, ...]
    source: str
    """The code whose 7th-character definition this is."""
    edition: str | None
    """The edition whose tabular the definition comes from."""

    def __init__(
        self,
        char: str,
        description: str,
        notes: tuple[str, ...],
        source: str,
        edition: str | None = None,
    ) -> None:
        super().__init__(
            char=char, description=description, notes=notes, source=source, edition=edition
        )


def stored_text(stored: str) -> str:
    """A stored line back to the note text (newlines are stored as U+001F)."""
    return stored.replace("\x1f", "\n") if "\x1f" in stored else stored


def tabular_edition(cs: CodeSet[Any]) -> str | None:
    """The edition whose tabular gave the code set's notes (None: not recorded)."""
    try:
        got: str | None = cs._cache["tabular_edition"]
    except KeyError:
        t = cs._table
        lines = t.lines("tabular_edition") if t.has("tabular_edition") else []
        got = cs._cache.setdefault("tabular_edition", lines[0] if lines else None)
    return got


def _records(cs: CodeSet[Any], section: str, key: str) -> tuple[str, ...]:
    """The stored lines of one key of a per-key text section (cached)."""
    cache: dict[tuple[str, str], tuple[str, ...]] = cs._cache.setdefault("records", {})
    got = cache.get((section, key))
    if got is None:
        t = cs._table
        got = ()
        if t.has(section + "_keys"):
            row = t.find_key(section + "_keys", key)
            if row is not None:
                text = t.text(section + "_text", row)
                got = tuple(text.split("\n")) if text else ()
        cache[(section, key)] = got
    return got


def notes_at(
    cs: CodeSet[Any], places: list[tuple[str, str]], own_last: bool
) -> Notes:
    """The notes written at ``places`` (key, label), in order; inclusion terms only from
    the last place when ``own_last``."""
    edition = tabular_edition(cs)
    collected: dict[str, list[Note]] = {}
    last = len(places) - 1
    for i, (key, label) in enumerate(places):
        for line in _records(cs, "notes", key):
            kind = _KIND_OF[line[0]]
            if kind == "inclusion_terms" and own_last and i != last:
                continue
            collected.setdefault(kind, []).append(Note(stored_text(line[2:]), label, edition))
    return Notes(**{k: tuple(v) for k, v in collected.items()})


def seventh_for(cs: CodeSet[Any], row: int) -> tuple[SeventhCharacter, ...]:
    """The 7th-character definition in force for ``row`` (its own or an ancestor's)."""
    edition = tabular_edition(cs)
    show = cs._system.display
    r: int | None = row
    while r is not None:
        code = cs._code(r)
        lines = _records(cs, "seventh", code)
        if lines:
            out: list[list[Any]] = []
            for line in lines:
                head, _, text = line.partition("\t")
                if head == "+":
                    out[-1][2].append(stored_text(text))
                else:
                    out.append([head, stored_text(text), []])
            return tuple(
                SeventhCharacter(c, d, tuple(n), show(code), edition) for c, d, n in out
            )
        r = cs._parent_row(r)
    return ()
