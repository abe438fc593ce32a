"""The codekit table of an ICD-10-CM edition: what a flat edition takes from a
tabular one, and the writer.

Notes and 7th-character definitions are stored per place (a code,
``block:<section id>`` or ``chapter:<number>``): a ``keys`` section and a
``text`` section with one record per key, one ``<kind letter>\t<text>`` line per
note, so that reading one code's notes decodes only the records of the places
that apply to it (:mod:`codekit._icd10cm_notes` reads them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import _store
from .icd10cm import Parsed


# ---------------------------------------------------------------------------------------
# tabular content for flat editions
def seventh_defs(parsed: Parsed) -> dict[str, list[str]]:
    """Code -> the 7th characters its definition lists (for :func:`mark_seventh`)."""
    return {code: [c for c, _, _ in ext] for code, ext in parsed.seventh.items()}


def carry_tabular(flat: Parsed, tabular: Parsed, *, notes: bool = True) -> None:
    """Give a flat edition the chapters and sections of a tabular edition and, with
    ``notes``, the notes and 7th-character definitions written at the places that
    exist in both (chapters, sections, and codes the flat edition has).

    A code gets the chapter and section the tabular gives the same code; a code the
    tabular lacks takes those of its 3-character category there, else those of the
    row before it in official order. ``flat.tabular_edition`` is set from the
    tabular's, so that every carried note says which edition's text it is.
    """
    flat.chapters = [dict(c) for c in tabular.chapters]
    flat.blocks = [dict(b) for b in tabular.blocks]
    placed = {r.code: (r.chapter, r.block) for r in tabular.rows}
    last = (-1, -1)
    for r in flat.rows:
        got = placed.get(r.code) or placed.get(r.code[:3]) or last
        r.chapter, r.block = got
        last = got
    if notes:
        have = {r.code for r in flat.rows}
        flat.notes = {
            k: {kind: list(v) for kind, v in kinds.items()}
            for k, kinds in tabular.notes.items()
            if k in have or k.startswith(("block:", "chapter:"))
        }
        flat.seventh = {k: [list(e) for e in v] for k, v in tabular.seventh.items() if k in have}
        flat.intro = list(tabular.intro)
        flat.tabular_edition = tabular.tabular_edition


def reference_from_tables(tables: Sequence[_store.Table]) -> dict[str, Any]:
    """Chapters, sections, the category -> section map and the 7th-character
    definitions of the newest of ``tables`` (codekit tables, oldest first) that
    has them: what a flat file loaded at run time takes from the bundled data."""
    for t in reversed(tables):
        if not (t.has("chapters") and t.has("seventh_keys")):
            continue
        codes = t.all_keys("codes")
        block_of = t.ints("block")
        cat = {c: b for c, b in zip(codes, block_of, strict=True) if len(c) == 3 and b != 65535}
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
                {"id": bid, "first": first, "last": last, "chapter": int(ch), "description": desc}
            )
        seventh: dict[str, list[str]] = {}
        for i, code in enumerate(t.all_keys("seventh_keys")):
            text = t.text("seventh_text", i) or ""
            seventh[code] = [ln[0] for ln in text.split("\n") if not ln.startswith("+")]
        return {"chapters": chapters, "blocks": blocks, "category_block": cat,
                "seventh": seventh}
    return {"seventh": {}}


def known_headers(tables: Sequence[_store.Table]) -> set[str]:
    """The header codes of the tables built from order files or the tabular."""
    out: set[str] = set()
    for t in tables:
        if t.meta.get("kind") == "codes":
            continue
        flags = t.ints("flags")
        out.update(c for c, f in zip(t.all_keys("codes"), flags, strict=True) if not f & 1)
    return out


# ---------------------------------------------------------------------------------------
# the codekit table
def _one_line(text: str) -> str:
    """A stored note is one line: a newline inside it (XML allows one) is kept as
    U+001F, which XML text can never hold (read back by codekit._icd10cm_notes)."""
    return text.replace("\n", "\x1f")


def _per_key(items: dict[str, list[str]]) -> tuple[list[str], list[str | None]]:
    """A per-key text section: the keys, and one record per key (lines joined by
    newlines), so that one key is read without decoding the others."""
    keys: list[str] = []
    texts: list[str | None] = []
    for key, lines in items.items():
        keys.append(key)
        texts.append("\n".join(lines))
    return keys, texts


def _note_records(notes: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    from .._icd10cm_notes import KIND_CODES, NOTE_FIELDS

    out: dict[str, list[str]] = {}
    for key, kinds in notes.items():
        lines = [
            f"{KIND_CODES[kind]}\t{_one_line(text)}"
            for kind in NOTE_FIELDS
            for text in kinds.get(kind, [])
        ]
        if lines:
            out[key] = lines
    return out


def _seventh_records(seventh: dict[str, list[list[Any]]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, ext in seventh.items():
        lines = []
        for char, desc, notes in ext:
            lines.append(f"{char}\t{_one_line(desc)}")
            lines.extend(f"+\t{_one_line(n)}" for n in notes)
        out[code] = lines
    return out


def to_table(
    parsed: Parsed,
    meta: dict[str, Any],
    *,
    chapters: Sequence[dict[str, Any]] | None = None,
    blocks: Sequence[dict[str, Any]] | None = None,
    category_block: dict[str, int] | None = None,
) -> bytes:
    """Serialize a parsed edition.

    For flat files with no tabular content (see :func:`carry_tabular`),
    ``chapters``/``blocks`` and ``category_block`` (3-character category ->
    block index) come from a tabular edition; a category the map lacks takes
    the block of the category before it in official order.

    Notes and 7th-character definitions are stored per place (a ``keys``
    section and a ``text`` section with one record per key), so reading one
    code's notes decodes only the records of the places that apply to it.
    """
    rows = parsed.rows
    ch_list = list(parsed.chapters or chapters or [])
    bl_list = list(parsed.blocks or blocks or [])
    if not parsed.chapters and category_block is not None:
        last = -1
        for r in rows:
            blk = category_block.get(r.code[:3], -1)
            if blk < 0:
                blk = last
            last = blk
            r.block = blk
            r.chapter = bl_list[blk]["chapter"] if blk >= 0 else -1
    index = {r.code: i for i, r in enumerate(rows)}
    from ..codeset import FLAG_BILLABLE, FLAG_NEEDS_7TH

    for c in ch_list + bl_list:
        for v in c.values():
            if isinstance(v, str) and ("\t" in v or "\n" in v):
                raise ValueError(f"tab or newline in chapter/block field {v!r}")
    keys: dict[str, list[str]] = {"codes": [r.code for r in rows]}
    texts: dict[str, list[str | None]] = {
        "description": [r.description for r in rows],
        "short_description": [r.short_description for r in rows],
    }
    for name, records in (
        ("notes", _note_records(parsed.notes)),
        ("seventh", _seventh_records(parsed.seventh)),
    ):
        if records:
            keys[f"{name}_keys"], texts[f"{name}_text"] = _per_key(records)
    lines: dict[str, list[str]] = {
        "chapters": [
            f"{c['number']}\t{c['first'] or ''}\t{c['last'] or ''}\t{c['description']}"
            for c in ch_list
        ],
        "blocks": [
            f"{b['id']}\t{b['first']}\t{b['last']}\t{b['chapter']}\t{b['description']}"
            for b in bl_list
        ],
    }
    if parsed.intro:
        intro = []
        for typ, title, notes in parsed.intro:
            intro.append(f"T\t{_one_line(typ)}\t{_one_line(title)}")
            intro.extend(f"N\t{_one_line(n)}" for n in notes)
        lines["intro"] = intro
    if parsed.tabular_edition:
        lines["tabular_edition"] = [parsed.tabular_edition]
    return _store.write(
        meta,
        keys=keys,
        lines=lines,
        ints={
            "flags": (
                "u8",
                [(FLAG_BILLABLE if r.billable else 0) | (FLAG_NEEDS_7TH if r.needs_7th else 0)
                 for r in rows],
            ),
            "parent": ("i32", [index[r.parent] if r.parent else -1 for r in rows]),
            "chapter": ("u8", [r.chapter if r.chapter >= 0 else 255 for r in rows]),
            "block": ("u16", [r.block if r.block >= 0 else 65535 for r in rows]),
        },
        texts=texts,
    )
