"""Readers for the official ICD-10-CM files.

Three official layouts are read, plain, gzipped or zipped:

* the **tabular XML** (``icd10cm_tabular_YYYY.xml``): the full hierarchy with
  notes; codes that need a 7th character are generated from ``sevenChrDef``
  with ``X`` placeholders, as the tabular instructs;
* the **order file** (``icd10cm_order_YYYY.txt``, fixed width): headers and
  billable codes with short and long descriptions (codekit's TSV rendering of
  the same content is read too);
* the **codes file** (``icd10cm_codes_YYYY.txt``): billable codes and long
  descriptions only; headers are derived from the code structure.

Every reader returns a :class:`Parsed` edition;
:func:`codekit._parsers.icd10cm_table.to_table` turns it into the bytes of a
codekit table. A line or element the reader does not understand raises
:class:`~codekit.errors.SourceFormatError` naming the file and line.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

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
    """Notes by place (a code, ``block:<section id>`` or ``chapter:<number>``), then kind."""
    seventh: dict[str, list[list[Any]]] = attrs.Factory(dict)
    """7th-character definitions by code: ``[char, description, [notes]]``."""
    intro: list[tuple[str, str, list[str]]] = attrs.Factory(list)
    """The introduction: ``(type, title, notes)`` per introSection."""
    tabular_edition: str | None = None
    """The edition whose tabular gave the notes, chapters and sections (when known)."""


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
        if len(parts) != 5 or parts[2] not in ("0", "1") or not parts[0].isdecimal():
            raise SourceFormatError(
                "expected 5 tab-separated columns: order, code, billable (0/1), short, long",
                path=name,
                line=n,
            )
        code = _check_code(parts[1].strip(), name, n)
        rows.append(Row(code, parts[2] == "1", False, None, parts[4].strip(), parts[3].strip()))
    return Parsed("order", name, _link_flat(rows, name))


def _link_flat(rows: list[Row], name: str) -> list[Row]:
    """Parents by longest known prefix (7th characters: see :func:`mark_seventh`)."""
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
    return rows


def mark_seventh(rows: list[Row], defs: dict[str, Sequence[str]]) -> list[str]:
    """Mark the headers of a flat edition that need a 7th character; return the
    problems found (empty when the file agrees with the definitions).

    The one rule, for every edition: a header needs a 7th character when a
    7th-character definition is in force for it (in ``defs``, code -> defined
    characters: its own or its nearest ancestor's, as in the tabular) and its
    children are its 7th-character codes: the header padded with ``X`` to 6
    characters, plus one character. Structure alone cannot tell: C44.1021 is a
    7-character code of its own under C44.102, and H54.0X33 one under H54.0X3,
    while M48.51XA is M48.51 with a placeholder and a 7th character.

    A problem is a header whose children are 7th-character codes by shape while
    the definition in force lacks their character, or a billable code with
    children.
    """
    kids: dict[str, list[Row]] = {}
    for r in rows:
        if r.parent is not None:
            kids.setdefault(r.parent, []).append(r)
    problems: list[str] = []
    for r in rows:
        r.needs_7th = False
        children = kids.get(r.code)
        if not children:
            continue
        if r.billable:
            problems.append(f"{r.code} is billable but has codes below it")
            continue
        chars: Sequence[str] | None = None
        for cut in range(len(r.code), 2, -1):  # its own definition, else the nearest above
            if r.code[:cut] in defs:
                chars = defs[r.code[:cut]]
                break
        if chars is None:
            continue
        base = r.code.ljust(6, "X")
        if all(len(k.code) == 7 and k.code[:6] == base for k in children):
            r.needs_7th = True
            odd = [k.code for k in children if k.code[6] not in chars]
            if odd:
                problems.append(
                    f"{r.code}: 7th character not in the definition in force: {', '.join(odd)}"
                )
    return problems


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


def drop_placeholder_headers(parsed: Parsed, known: set[str]) -> int:
    """For a codes file: drop derived headers that end in the placeholder X unless
    ``known`` (the headers of official order files) lists them; returns how many.

    The structure cannot tell ``T36.0X`` (a header of the order file) from
    ``M1A.9X`` (only the placeholder of M1A.9XX1): a header is only what an
    official file lists. Parents are linked again.
    """
    if parsed.kind != "codes":
        return 0
    keep = [r for r in parsed.rows if r.billable or not r.code.endswith("X") or r.code in known]
    dropped = len(parsed.rows) - len(keep)
    for r in keep:
        r.parent = None
    parsed.rows = _link_flat(keep, parsed.source)
    return dropped


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
        out.append(c.text.strip())  # exactly as written, blanks at either end aside
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
        if top.tag == "version":
            continue
        if top.tag == "introduction":
            _introduction(top, parsed, name)
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


def _introduction(node: _Node, parsed: Parsed, name: str) -> None:
    for sec in node.children:
        if sec.tag != "introSection":
            raise _unknown(sec, node.tag, name)
        title, notes = "", []
        for c in sec.children:
            if c.tag == "title":
                title = " ".join(c.flat_text().split())
            elif c.tag == "instruction":
                notes.extend(_notes_of(c, name))
            else:
                raise _unknown(c, sec.tag, name)
        parsed.intro.append((sec.attributes.get("type", ""), title, notes))


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
    if not number.isdecimal():
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
    if not re.fullmatch(r"[A-Z0-9]{3}(?:-[A-Z0-9]{3})?", sid):
        raise SourceFormatError(
            f"section id {sid[:60]!r} is not a range such as A00-A09", path=name, line=node.line
        )
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
                    own_seventh[-1][2].append(e.text.strip())
                else:
                    raise _unknown(e, "sevenChrDef", name)
            parsed.seventh[code] = own_seventh
        elif c.tag == "visualImpairment":
            parsed.notes.setdefault(code, {}).setdefault("notes", []).extend(_vis_table(c))
        elif not _collect_notes(c, code, parsed, name):
            raise _unknown(c, "diag", name)
    active = own_seventh if own_seventh is not None else seventh
    own_notes = parsed.notes.get(code, {}).get("notes", [])
    exclusions = exclusions + tuple(_not_apply([" ".join(n.split()) for n in own_notes]))
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
