"""Readers for the official ICD-10-PCS files, axis inference, and the table writer.

Two official layouts are read, plain, gzipped or zipped:

* the **codes file** (``icd10pcs_codes_YYYY.txt``): columns 1-7 the code,
  column 8 blank, then the long description;
* the **order file** (``icd10pcs_order_YYYY.txt``, fixed width like the
  ICD-10-CM one): order number (5), blank, code (7), blank, 0/1 (header or
  valid code), blank, short description (60), blank, long description.

Headers: codekit derives a prefix hierarchy from the valid codes (section,
body system, table = section + body system + root operation, and body part:
prefixes of 1 to 4 characters). Derived headers are not billable and carry no
description (the codes file has none); an order file's own header rows of 3
characters keep their descriptions.

Axis meanings (:func:`infer_axes`) are inferred from the long descriptions:
two valid codes that differ in one character position only have descriptions
that differ only in the words that character stands for, so the words that
differ are the meaning of each of the two values. See the function for the
method and its limits.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs

from .. import _store
from .._sources import decode_text, pick_by_patterns, read_bytes
from ..errors import SourceFormatError

CODE_RE = re.compile(r"[0-9A-HJ-NP-Z]{7}")
"""A PCS code: 7 characters, digits and letters except I and O."""

ZIP_PICK = pick_by_patterns([r"order.*\.txt$", r"codes.*\.txt$", r"pcs.*\.txt$"])

SECTIONS = {
    "0": "Medical and Surgical",
    "1": "Obstetrics",
    "2": "Placement",
    "3": "Administration",
    "4": "Measurement and Monitoring",
    "5": "Extracorporeal or Systemic Assistance and Performance",
    "6": "Extracorporeal or Systemic Therapies",
    "7": "Osteopathic",
    "8": "Other Procedures",
    "9": "Chiropractic",
    "B": "Imaging",
    "C": "Nuclear Medicine",
    "D": "Radiation Therapy",
    "F": "Physical Rehabilitation and Diagnostic Audiology",
    "G": "Mental Health",
    "H": "Substance Abuse Treatment",
    "X": "New Technology",
}
"""The 17 section titles of the ICD-10-PCS tables (the codes file does not name them)."""

HEADER_LEVELS = (1, 2, 3, 4)
"""Prefix lengths that become headers: section, body system, table, body part."""


@attrs.define
class Row:
    """One entry, in official order (headers before their codes)."""

    code: str
    billable: bool
    parent: str | None
    description: str | None
    short_description: str | None = None


@attrs.define
class Parsed:
    """What a reader found in one official file."""

    kind: str
    source: str
    rows: list[Row]


def read(path: str) -> Parsed:
    """Read a codes or order file (plain, ``.gz`` or ``.zip``)."""
    data, name = read_bytes(path, pick=ZIP_PICK, what="ICD-10-PCS order or codes file")
    text = decode_text(data, name)
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if re.match(r"\d{5} [0-9A-Z]", first):
        return parse_order_file(text, name)
    if re.match(r"[0-9A-Z]{7} \S", first):
        return parse_codes_file(text, name)
    raise SourceFormatError(
        f"not an ICD-10-PCS order file or codes file (first line: {first[:60]!r})",
        path=name,
        line=1,
    )


def _lines(text: str) -> Iterable[tuple[int, str]]:
    for n, line in enumerate(text.lstrip("\ufeff").split("\n"), 1):
        line = line.rstrip("\r")
        if line.strip():
            yield n, line


def _check(code: str, name: str, n: int) -> str:
    if not CODE_RE.fullmatch(code):
        raise SourceFormatError(
            f"malformed ICD-10-PCS code {code!r} (7 letters or digits, no I or O)",
            path=name,
            line=n,
        )
    return code


def parse_codes_file(text: str, name: str) -> Parsed:
    """The codes file: columns 1-7 code, 8 blank, 9- long description."""
    rows: list[Row] = []
    seen: set[str] = set()
    for n, line in _lines(text):
        if len(line) < 9 or line[7] != " " or not line[8:].strip():
            raise SourceFormatError(
                "expected a 7-character code, a blank, then a description", path=name, line=n
            )
        code = _check(line[:7], name, n)
        if code in seen:
            raise SourceFormatError(f"duplicate code {code}", path=name, line=n)
        seen.add(code)
        rows.append(Row(code, True, None, line[8:].strip()))
    if not rows:
        raise SourceFormatError("no codes found", path=name)
    return Parsed("codes", name, with_headers(rows))


def parse_order_file(text: str, name: str) -> Parsed:
    """The order file: ``ORDER CODE    B SHORT(60) LONG`` (fixed width)."""
    rows: list[Row] = []
    own_headers: dict[str, Row] = {}
    seen: set[str] = set()
    for n, line in _lines(text):
        m = re.match(r"(\d{5}) ([0-9A-Z]{1,7}) *([01]) (.{1,60}?) *(?: (.*))?$", line)
        if m is None or len(line) < 17 or line[13] != " " or line[15] != " ":
            raise SourceFormatError(
                "expected 'ORDER CODE    B SHORT(60) LONG' (order file layout)", path=name, line=n
            )
        code = m.group(2)
        short = line[16:76].strip()
        long = line[77:].strip() or short
        if m.group(3) == "1":
            _check(code, name, n)
            if code in seen:
                raise SourceFormatError(f"duplicate code {code}", path=name, line=n)
            seen.add(code)
            rows.append(Row(code, True, None, long, short))
        else:
            if not re.fullmatch(r"[0-9A-HJ-NP-Z]{1,6}", code):
                raise SourceFormatError(f"malformed ICD-10-PCS header {code!r}", path=name, line=n)
            own_headers[code] = Row(code, False, None, long, short)
    if not rows:
        raise SourceFormatError("no valid codes found", path=name)
    out = with_headers(rows)
    for r in out:
        h = own_headers.get(r.code)
        if h is not None and not r.billable:
            r.description, r.short_description = h.description, h.short_description
    return Parsed("order", name, out)


def with_headers(codes: list[Row]) -> list[Row]:
    """Insert the prefix headers (lengths :data:`HEADER_LEVELS`) before their codes,
    and link every row to its parent (the longest header prefix)."""
    out: list[Row] = []
    emitted: set[str] = set()
    ordered = sorted(codes, key=lambda r: r.code)
    for r in ordered:
        parent: str | None = None
        for cut in HEADER_LEVELS:
            pre = r.code[:cut]
            if pre not in emitted:
                emitted.add(pre)
                out.append(Row(pre, False, parent, None))
            parent = pre
        r.parent = parent
        out.append(r)
    return out


# ---------------------------------------------------------------------------------------
# axis inference
_TOKEN = re.compile(r",|[^\s,]+")
_CONNECTORS = frozenset({"with", "using", "to", "of", "into", "from", "in", "on", "for", "at", ","})
_APPROACH = re.compile(r", ((?:[A-Z][\w-]*\s?)+?) Approach(?:,|$)")


def _phrase(tokens: list[str]) -> str:
    while tokens and tokens[0] in _CONNECTORS:
        tokens = tokens[1:]
    while tokens and tokens[-1] in _CONNECTORS:
        tokens = tokens[:-1]
    return " ".join(tokens).replace(" ,", ",")


def _diff(a: list[str], b: list[str], lo: int | None) -> tuple[str, str]:
    """The differing words of two descriptions; with ``lo`` (not None) the span is
    widened over shared words up to the nearest connector, but not left of ``lo``."""
    i = 0
    n = min(len(a), len(b))
    while i < n and a[i] == b[i]:
        i += 1
    j = 0
    while j < n - i and a[len(a) - 1 - j] == b[len(b) - 1 - j]:
        j += 1
    ea, eb = len(a) - j, len(b) - j
    if lo is not None and ea > i and eb > i:
        if a[i] not in _CONNECTORS and b[i] not in _CONNECTORS:
            while i > lo and a[i - 1] not in _CONNECTORS:
                i -= 1
        if a[ea - 1] not in _CONNECTORS and b[eb - 1] not in _CONNECTORS:
            while ea < len(a) and a[ea] not in _CONNECTORS:
                ea += 1
                eb += 1
    return _phrase(a[i:ea]), _phrase(b[i:eb])


def _groups(codes: Iterable[str], k: int) -> list[list[str]]:
    """Codes equal in every position but ``k``, in groups of 2 or more."""
    groups: dict[str, list[str]] = {}
    for c in codes:
        groups.setdefault(c[:k] + "_" + c[k + 1 :], []).append(c)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def infer_axes(rows: Iterable[Row]) -> dict[str, Any]:
    """Meanings of character positions 3 to 7, per table (3-character prefix).

    Method: for each position, valid codes that are equal in every other
    position are compared (each with up to 8 others); the words where their
    long descriptions differ are one observation of each value's meaning. For
    positions 4-7 the differing words are widened over shared words up to the
    nearest connector ("with", "using", "to", "of", "into", "from", "in", "on",
    "for", "at" or a comma) but not into the root operation, so "Left Vertebral"
    against "Right Vertebral" reads "Left Vertebral Artery"; leading and
    trailing connectors are dropped. A value's meaning is its most frequent
    non-empty observation in the table (ties: the longer phrase). The root
    operation (position 3) is preferably the words that every description
    with that section and operation character starts with, when that
    character is used with two or more body systems or body parts (else the
    pairwise reading).
    For position 5, when every code of the table with that value ends its
    description in ", ... Approach", the approach is read from the text.

    Values that never add words (typically Z, "No Device", "No Qualifier") and
    values never seen in a pair get no meaning. Where a device or qualifier
    value reads differently in different body-part rows of a table, the
    per-row reading is kept too (``"rows"``, by 4-character prefix).

    Returns ``{"tables": {table: {position: {char: meaning}}}, "rows": {...}}``,
    positions as strings "3".."7".
    """
    codes = {r.code: r.description or "" for r in rows if r.billable}
    tokens = {c: _TOKEN.findall(d) for c, d in codes.items()}
    tables: dict[str, dict[str, dict[str, str]]] = {}
    # position 3: the root operation (or the section's equivalent)
    op_obs: dict[str, Counter[str]] = {}
    for g in _groups(codes, 2):
        for i, a in enumerate(g):
            for b in g[i + 1 : i + 9]:
                pa, pb = _diff(tokens[a], tokens[b], None)
                op_obs.setdefault(a[:3], Counter())[pa] += 1
                op_obs.setdefault(b[:3], Counter())[pb] += 1
    by_op: dict[str, list[str]] = {}
    for c in codes:
        by_op.setdefault(c[0] + c[2], []).append(c)
    for members in by_op.values():
        if len({c[:2] + c[3] for c in members}) < 2:
            continue
        common = tokens[members[0]]
        for c in members[1:]:
            t = tokens[c]
            n = 0
            while n < len(common) and n < len(t) and common[n] == t[n]:
                n += 1
            common = common[:n]
        phrase = _phrase(common)
        if phrase:
            for table in {c[:3] for c in members}:
                op_obs[table] = Counter({phrase: 1})
    op_len: dict[str, int] = {}
    for table, counter in op_obs.items():
        best = _best(counter)
        if best:
            tables.setdefault(table, {})["3"] = {table[2]: best}
            op_len[table] = len(_TOKEN.findall(best))
    # positions 4-7
    obs: dict[tuple[str, int, str], Counter[str]] = {}
    for k in range(3, 7):
        for g in _groups(codes, k):
            for i, a in enumerate(g):
                for b in g[i + 1 : i + 9]:
                    ta = tokens[a]
                    lo = op_len.get(a[:3], 1)
                    if not _starts(ta, tables, a):
                        lo = 1
                    pa, pb = _diff(ta, tokens[b], lo)
                    for code, phrase in ((a, pa), (b, pb)):
                        for prefix in (code[:3], code[:4]):
                            obs.setdefault((prefix, k, code[k]), Counter())[phrase] += 1
    per_row: dict[str, dict[str, dict[str, str]]] = {}
    for (prefix, k, ch), counter in sorted(obs.items()):
        best = _best(counter)
        if best is None:
            continue
        target = tables if len(prefix) == 3 else per_row
        target.setdefault(prefix, {}).setdefault(str(k + 1), {})[ch] = best
    # approach read from the text, where consistent
    by_value: dict[tuple[str, str], set[str | None]] = {}
    for c, d in codes.items():
        m = _APPROACH.search(d)
        by_value.setdefault((c[:3], c[4]), set()).add(m.group(1) if m else None)
    for (table, ch), found in by_value.items():
        approach = found.pop() if len(found) == 1 else None
        if approach is not None:
            tables.setdefault(table, {}).setdefault("5", {})[ch] = approach
    # keep a per-row meaning only where it differs from the table's
    rows_out: dict[str, dict[str, dict[str, str]]] = {}
    for prefix, positions in per_row.items():
        tab = tables.get(prefix[:3], {})
        for pos, vals in positions.items():
            if pos in ("4", "5"):
                continue
            for ch, meaning in vals.items():
                if tab.get(pos, {}).get(ch) != meaning:
                    rows_out.setdefault(prefix, {}).setdefault(pos, {})[ch] = meaning
    return {"tables": tables, "rows": rows_out}


def _starts(tokens: list[str], tables: dict[str, dict[str, dict[str, str]]], code: str) -> bool:
    op = tables.get(code[:3], {}).get("3", {}).get(code[2])
    return op is not None and " ".join(tokens).replace(" ,", ",").startswith(op)


def _best(counter: Counter[str]) -> str | None:
    items = [(n, len(p), p) for p, n in counter.items() if p]
    if not items:
        return None
    items.sort(reverse=True)
    return items[0][2]


def axis_meanings(
    axes: dict[str, Any], code: str, description: str | None
) -> list[str | None]:
    """Meanings of positions 1..7 of ``code`` (None where unknown).

    Position 1 is the section title, 2 (body system) is never named by the
    descriptions; 3-7 come from :func:`infer_axes`, and are kept only when the
    phrase occurs in the code's own description (for a 7-character code).
    """
    out: list[str | None] = [SECTIONS.get(code[0]), None]
    tab = axes.get("tables", {}).get(code[:3], {})
    row = axes.get("rows", {}).get(code[:4], {})
    for k in range(2, 7):
        if k >= len(code):
            out.append(None)
            continue
        pos = str(k + 1)
        meaning = row.get(pos, {}).get(code[k]) or tab.get(pos, {}).get(code[k])
        if meaning is not None and description is not None and meaning not in description:
            meaning = None
        out.append(meaning)
    return out


# ---------------------------------------------------------------------------------------
# the codekit table
def to_table(parsed: Parsed, meta: dict[str, Any], axes: dict[str, Any] | None = None) -> bytes:
    """Serialize a parsed edition (with the inferred axes, computed here if not given)."""
    from ..codeset import FLAG_BILLABLE

    rows = parsed.rows
    index = {r.code: i for i, r in enumerate(rows)}
    if axes is None:
        axes = infer_axes(rows)
    return _store.write(
        meta,
        keys={"codes": [r.code for r in rows]},
        ints={
            "flags": ("u8", [FLAG_BILLABLE if r.billable else 0 for r in rows]),
            "parent": ("i32", [index[r.parent] if r.parent else -1 for r in rows]),
        },
        texts={
            "description": [r.description for r in rows],
            "short_description": [r.short_description for r in rows],
        },
        jsons={"axes": axes},
    )
