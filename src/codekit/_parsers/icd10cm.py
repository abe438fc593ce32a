"""Readers for the official ICD-10-CM files, and the writer of codekit tables.

Three official layouts are read, plain, gzipped or zipped:

* the **tabular XML** (``icd10cm_tabular_YYYY.xml``): the full hierarchy with
  notes; codes that need a 7th character are generated from ``sevenChrDef``
  with ``X`` placeholders, as the tabular instructs;
* the **order file** (``icd10cm_order_YYYY.txt``, fixed width): headers and
  billable codes with short and long descriptions (codekit's TSV rendering of
  the same content is read too);
* the **codes file** (``icd10cm_codes_YYYY.txt``): billable codes and long
  descriptions only; headers are derived from the code structure.

Every reader returns a :class:`Parsed` edition; :func:`to_table` turns it into
the bytes of a codekit table. A line or element the reader does not understand
raises :class:`~codekit.errors.SourceFormatError` naming the file and line.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from .. import _store
from .._sources import decode_text, pick_by_patterns, read_bytes
from ..errors import SourceFormatError

CODE_RE = re.compile(r"[A-Z][0-9A-Z][0-9A-Z][0-9A-Z]{0,4}")

NOTE_KINDS = {
    "inclusionTerm": "inclusion_terms",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional_code",
    "codeAlso": "code_also",
    "notes": "notes",
    "sevenChrNote": "seventh_character_note",
}

ZIP_PICK = pick_by_patterns(
    [r"tabular.*\.xml$", r"order.*\.txt$", r"order.*\.tsv$", r"codes.*\.txt$"]
)


@attrs.define
class Row:
    """One entry of an edition, in official order."""

    code: str
    billable: bool
    needs_7th: bool
    parent: str | None
    description: str | None
    short_description: str | None = None
    chapter: int = -1
    block: int = -1


@attrs.define
class Parsed:
    """What a reader found in one official file."""

    kind: str
    source: str
    rows: list[Row]
    version: str | None = None
    chapters: list[dict[str, Any]] = attrs.Factory(list)
    blocks: list[dict[str, Any]] = attrs.Factory(list)
    notes: dict[str, dict[str, list[str]]] = attrs.Factory(dict)
    seventh: dict[str, list[list[Any]]] = attrs.Factory(dict)


# ---------------------------------------------------------------------------------------
# entry point
def read(path: str) -> Parsed:
    """Read any of the three official layouts (plain, ``.gz`` or ``.zip``)."""
    data, name = read_bytes(path, pick=ZIP_PICK, what="ICD-10-CM tabular, order or codes file")
    head = data.lstrip()[:200]
    if head.startswith(b"<"):
        return parse_tabular_xml(data, name)
    text = decode_text(data, name)
    first = text.split("\n", 1)[0].rstrip("\r")
    if first.startswith("order\tcode\t"):
        return parse_order_tsv(text, name)
    if re.match(r"\d{5} [A-Z0-9]", first):
        return parse_order_file(text, name)
    if re.match(r"[A-Z][0-9A-Z][0-9A-Z][0-9A-Z ]{4} \S", first):
        return parse_codes_file(text, name)
    raise SourceFormatError(
        "not an ICD-10-CM tabular XML, order file or codes file "
        f"(first line: {first[:60]!r})",
        path=name,
        line=1,
    )


def _lines(text: str) -> Iterable[tuple[int, str]]:
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if line.strip():
            yield n, line


def _check_code(code: str, name: str, n: int) -> str:
    if not CODE_RE.fullmatch(code):
        raise SourceFormatError(f"malformed ICD-10-CM code {code!r}", path=name, line=n)
    return code


# ---------------------------------------------------------------------------------------
# flat files
def parse_codes_file(text: str, name: str) -> Parsed:
    """The codes file: columns 1-7 code, 8 blank, 9- long description."""
    rows: list[Row] = []
    seen: set[str] = set()
    for n, line in _lines(text):
        code = line[:7].rstrip()
        if len(line) < 9 or line[7] != " " or not line[8:].strip():
            raise SourceFormatError(
                "expected a code in columns 1-7, a blank, then a description", path=name, line=n
            )
        _check_code(code, name, n)
        if code in seen:
            raise SourceFormatError(f"duplicate code {code}", path=name, line=n)
        seen.add(code)
        rows.append(Row(code, True, False, None, line[8:].strip()))
    if not rows:
        raise SourceFormatError("no codes found", path=name)
    return Parsed("codes", name, _derive_headers(rows))


def parse_order_file(text: str, name: str) -> Parsed:
    """The order file (fixed width; see the module docs for the columns)."""
    rows: list[Row] = []
    for n, line in _lines(text):
        m = re.match(r"(\d{5}) (.{7}) ([01]) (.{60}) (.*)$", line)
        if m is None:
            # a short description shorter than 60 columns with no long part is not official
            raise SourceFormatError(
                "expected 'ORDER CODE    B SHORT(60) LONG' (order file layout)", path=name, line=n
            )
        code = _check_code(m.group(2).rstrip(), name, n)
        rows.append(
            Row(code, m.group(3) == "1", False, None, m.group(5).strip(), m.group(4).strip())
        )
    return Parsed("order", name, _link_flat(rows, name))


def parse_order_tsv(text: str, name: str) -> Parsed:
    """codekit's TSV rendering of the order file (``order, code, billable, short, long``)."""
    rows: list[Row] = []
    for n, line in _lines(text):
        if n == 1:
            continue
        parts = line.split("\t")
        if len(parts) != 5 or parts[2] not in ("0", "1") or not parts[0].isdigit():
            raise SourceFormatError(
                "expected 5 tab-separated columns: order, code, billable (0/1), short, long",
                path=name,
                line=n,
            )
        code = _check_code(parts[1].strip(), name, n)
        rows.append(Row(code, parts[2] == "1", False, None, parts[4].strip(), parts[3].strip()))
    return Parsed("order", name, _link_flat(rows, name))


def _link_flat(rows: list[Row], name: str) -> list[Row]:
    """Parents by longest known prefix; headers above 7-character codes need a 7th."""
    index = {}
    for i, r in enumerate(rows):
        if r.code in index:
            raise SourceFormatError(f"duplicate code {r.code}", path=name, line=i + 2)
        index[r.code] = i
    for r in rows:
        for cut in range(len(r.code) - 1, 2, -1):
            if r.code[:cut] in index:
                r.parent = r.code[:cut]
                break
    for r in rows:
        if len(r.code) == 7 and r.parent is not None and len(r.parent) >= 6:
            p = rows[index[r.parent]]
            if not p.billable:
                p.needs_7th = True
    for r in rows:
        if r.billable and r.needs_7th:  # pragma: no cover - inconsistent file
            raise SourceFormatError(f"{r.code} is billable but has 7th-character codes", path=name)
    return rows


def _derive_headers(rows: list[Row]) -> list[Row]:
    """For the codes file: add every header the billable codes imply.

    A header is a proper prefix of 3 or more characters of a billable code,
    except a 6-character prefix ending in the placeholder X (that level exists
    only to carry the 7th character). Headers get no description here; the
    build may fill them from another edition and says so.
    """
    billable = {r.code for r in rows}
    out: list[Row] = []
    emitted: set[str] = set()
    for r in rows:
        for cut in range(3, len(r.code)):
            pre = r.code[:cut]
            if pre in emitted or pre in billable:
                continue
            if cut == 6 and pre.endswith("X") and len(r.code) == 7:
                continue
            emitted.add(pre)
            out.append(Row(pre, False, False, None, None))
        out.append(r)
    return _link_flat(out, "")


# ---------------------------------------------------------------------------------------
# tabular XML
@attrs.define
class _Node:
    tag: str
    attributes: dict[str, str]
    line: int
    text: str = ""
    children: list[_Node] = attrs.Factory(list)

    def child(self, tag: str) -> _Node | None:
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def all(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]

    def flat_text(self) -> str:
        parts = [self.text.strip()] + [c.flat_text() for c in self.children]
        return " ".join(p for p in parts if p)


def _parse_xml(data: bytes, name: str) -> _Node:
    parser = xml.parsers.expat.ParserCreate()
    root = _Node("#document", {}, 0)
    stack = [root]

    def start(tag: str, attributes: dict[str, str]) -> None:
        node = _Node(tag, attributes, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chars(text: str) -> None:
        stack[-1].text += text

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise SourceFormatError(f"XML error: {exc}", path=name, line=exc.lineno) from None
    if len(root.children) != 1:  # pragma: no cover - expat refuses this already
        raise SourceFormatError("expected one root element", path=name)
    return root.children[0]


def _unknown(node: _Node, parent: str, name: str) -> SourceFormatError:
    return SourceFormatError(
        f"unknown element <{node.tag}> in <{parent}>: the ICD-10-CM tabular layout may have "
        "changed; codekit does not guess",
        path=name,
        line=node.line,
    )


def _notes_of(node: _Node, name: str) -> list[str]:
    out = []
    for c in node.children:
        if c.tag != "note":
            raise _unknown(c, node.tag, name)
        out.append(" ".join(c.text.split()))
    return out


def _vis_table(node: _Node) -> list[str]:
    """Flatten the H54 visual impairment table to one line per category."""
    lines = []
    for cat in node.all("visCategory"):
        head = cat.child("heading")
        value = cat.child("value")
        ranges = []
        for rng in cat.all("visRange"):
            mx, mn = rng.child("visMax"), rng.child("visMin")
            h = rng.child("heading")
            ranges.append(
                " ".join(
                    p
                    for p in [
                        h.flat_text() if h else "",
                        (mx.flat_text() if mx else ""),
                        "/" if mx and mn else "",
                        (mn.flat_text() if mn else ""),
                    ]
                    if p
                )
            )
        label = head.flat_text() if head else f"Category {value.flat_text() if value else '?'}"
        lines.append(f"{label}: " + "; ".join(ranges))
    return lines


def parse_tabular_xml(data: bytes, name: str) -> Parsed:
    """The tabular XML: chapters, sections, nested diags, notes and 7th characters."""
    root = _parse_xml(data, name)
    if root.tag != "ICD10CM.tabular":
        raise SourceFormatError(
            f"root element is <{root.tag}>, expected <ICD10CM.tabular>", path=name, line=root.line
        )
    version_node = root.child("version")
    parsed = Parsed("tabular", name, [], version=version_node.text.strip() if version_node else None)
    for top in root.children:
        if top.tag in ("version", "introduction"):
            continue
        if top.tag != "chapter":
            raise _unknown(top, root.tag, name)
        _chapter(top, parsed, name)
    if not parsed.rows:
        raise SourceFormatError("no codes found in the tabular", path=name)
    seen: set[str] = set()
    for r in parsed.rows:
        if r.code in seen:
            shown = f"{r.code[:3]}.{r.code[3:]}" if len(r.code) > 3 else r.code
            raise SourceFormatError(f"code {shown} is listed twice in the tabular", path=name)
        seen.add(r.code)
    return parsed


def _collect_notes(node: _Node, key: str, parsed: Parsed, name: str) -> bool:
    """Store a note container under ``key``; False if ``node`` is not one."""
    kind = NOTE_KINDS.get(node.tag)
    if kind is None:
        return False
    parsed.notes.setdefault(key, {}).setdefault(kind, []).extend(_notes_of(node, name))
    return True


def _chapter(node: _Node, parsed: Parsed, name: str) -> None:
    num_node, desc_node = node.child("name"), node.child("desc")
    if num_node is None or desc_node is None:
        raise SourceFormatError("chapter without name or desc", path=name, line=node.line)
    number = num_node.text.strip()
    if not number.isdigit():
        raise SourceFormatError(
            f"chapter number {number[:60]!r} is not a number", path=name, line=num_node.line
        )
    desc = " ".join(desc_node.text.split())
    m = re.search(r"\(([A-Z0-9]{3})-([A-Z0-9]{3})\)\s*$", desc)
    ch_index = len(parsed.chapters)
    parsed.chapters.append(
        {
            "number": int(number),
            "description": re.sub(r"\s*\([A-Z0-9]{3}-[A-Z0-9]{3}\)\s*$", "", desc),
            "first": m.group(1) if m else None,
            "last": m.group(2) if m else None,
        }
    )
    for c in node.children:
        if c.tag in ("name", "desc", "sectionIndex"):
            continue
        if _collect_notes(c, f"chapter:{number}", parsed, name):
            continue
        if c.tag != "section":
            raise _unknown(c, "chapter", name)
        _section(c, parsed, ch_index, name)


def _section(node: _Node, parsed: Parsed, ch_index: int, name: str) -> None:
    sid = node.attributes.get("id", "").strip()
    desc_node = node.child("desc")
    desc = " ".join(desc_node.text.split()) if desc_node else ""
    block_index = len(parsed.blocks)
    first, _, last = sid.partition("-")
    parsed.blocks.append(
        {
            "id": sid,
            "description": re.sub(r"\s*\([A-Z0-9]{3}(-[A-Z0-9]{3})?\)\s*$", "", desc),
            "first": first,
            "last": last or first,
            "chapter": ch_index,
        }
    )
    for c in node.children:
        if c.tag == "desc":
            continue
        if _collect_notes(c, f"block:{sid}", parsed, name):
            continue
        if c.tag != "diag":
            raise _unknown(c, "section", name)
        _diag(c, parsed, None, None, ch_index, block_index, name)


_NOT_APPLY = re.compile(
    r"7th characters? (?P<chars>[A-Z](?:(?:, | and | or |, and |, or )[A-Z])*) do(?:es)? not "
    r"apply to codes in category (?P<cat>[A-Z][0-9A-Z]{2}) with 6th characters? "
    r"(?P<sixth>[0-9A-Z](?:[^,.]*?(?:, | and | or |, and |, or )[0-9A-Z](?= |,|$))*)"
)


def _not_apply(notes: list[str]) -> list[tuple[str, set[str], set[str]]]:
    """Read the tabular's "7th characters D and S do not apply to codes in category
    S06 with 6th character 7 ..., or 8 ..." instructions as (category, sixth, seventh)."""
    out = []
    for note in notes:
        m = _NOT_APPLY.search(note)
        if m:
            chars = set(re.findall(r"\b[A-Z]\b", m.group("chars")))
            sixth = set(re.findall(r"(?:^|, | and | or )([0-9A-Z])(?= |,|$)", m.group("sixth")))
            out.append((m.group("cat"), sixth, chars))
    return out


def _diag(
    node: _Node,
    parsed: Parsed,
    parent: str | None,
    seventh: list[list[Any]] | None,
    ch: int,
    blk: int,
    name: str,
    exclusions: tuple[tuple[str, set[str], set[str]], ...] = (),
) -> None:
    name_node, desc_node = node.child("name"), node.child("desc")
    if name_node is None or desc_node is None:
        raise SourceFormatError("<diag> without <name> or <desc>", path=name, line=node.line)
    code = name_node.text.strip().replace(".", "")
    _check_code(code, name, name_node.line)
    desc = " ".join(desc_node.text.split())
    kids: list[_Node] = []
    own_seventh: list[list[Any]] | None = None
    for c in node.children:
        if c.tag in ("name", "desc"):
            continue
        if c.tag == "diag":
            kids.append(c)
        elif c.tag == "sevenChrDef":
            own_seventh = []
            for e in c.children:
                if e.tag == "extension":
                    ch_ = e.attributes.get("char", "")
                    if not re.fullmatch(r"[0-9A-Z]", ch_):
                        raise SourceFormatError(
                            f"bad 7th character {ch_!r}", path=name, line=e.line
                        )
                    own_seventh.append([ch_, " ".join(e.text.split()), []])
                elif e.tag == "note" and own_seventh:
                    own_seventh[-1][2].append(" ".join(e.text.split()))
                else:
                    raise _unknown(e, "sevenChrDef", name)
            parsed.seventh[code] = own_seventh
        elif c.tag == "visualImpairment":
            parsed.notes.setdefault(code, {}).setdefault("notes", []).extend(_vis_table(c))
        elif not _collect_notes(c, code, parsed, name):
            raise _unknown(c, "diag", name)
    active = own_seventh if own_seventh is not None else seventh
    exclusions = exclusions + tuple(_not_apply(parsed.notes.get(code, {}).get("notes", [])))
    leaf = not kids
    row = Row(code, leaf and active is None, leaf and active is not None, parent, desc, None, ch, blk)
    parsed.rows.append(row)
    for k in kids:
        _diag(k, parsed, code, active, ch, blk, name, exclusions)
    if leaf and active is not None:
        if len(code) >= 7:
            raise SourceFormatError(
                f"{code} has 7 characters but a 7th character applies", path=name, line=node.line
            )
        base = code.ljust(6, "X")
        for ch_, text, _ in active:
            if any(
                code.startswith(cat) and base[5] in sixth and ch_ in chars
                for cat, sixth, chars in exclusions
            ):
                continue
            parsed.rows.append(Row(base + ch_, True, False, code, f"{desc}, {text}", None, ch, blk))


# ---------------------------------------------------------------------------------------
# the codekit table
def to_table(
    parsed: Parsed,
    meta: dict[str, Any],
    *,
    chapters: Sequence[dict[str, Any]] | None = None,
    blocks: Sequence[dict[str, Any]] | None = None,
    category_block: dict[str, int] | None = None,
) -> bytes:
    """Serialize a parsed edition.

    For flat files (no tabular), ``chapters``/``blocks`` and ``category_block``
    (3-character category -> block index) come from a tabular edition; a
    category the map lacks takes the block of the category before it in
    official order.
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
    return _store.write(
        meta,
        keys={"codes": [r.code for r in rows]},
        lines={
            "chapters": [
                f"{c['number']}\t{c['first'] or ''}\t{c['last'] or ''}\t{c['description']}"
                for c in ch_list
            ],
            "blocks": [
                f"{b['id']}\t{b['first']}\t{b['last']}\t{b['chapter']}\t{b['description']}"
                for b in bl_list
            ],
        },
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
        texts={
            "description": [r.description for r in rows],
            "short_description": [r.short_description for r in rows],
        },
        jsons={
            "notes": parsed.notes,
            "seventh": parsed.seventh,
        },
    )
