"""Readers for CPT files a user supplies under an AMA licence (codekit ships none).

Two layouts are read, plain, gzipped or zipped:

* the **AMA data-file layout**: one code per line, then blanks or a tab, then
  the descriptor (``LONGULT.txt``, ``MEDU.txt`` and the like). A code repeated
  on the next line continues its descriptor;
* **CSV or TSV** with a header row naming a code column (``code``, ``cpt``,
  ``cpt code``, ``hcpcs``) and a description column (``description``,
  ``descriptor``, ``long description``), optionally a short description column.

Lines starting with ``#`` before the data are comments. A line the reader does
not understand raises :class:`~codekit.errors.SourceFormatError` with the file
and line.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import attrs

from .. import _store
from .._sources import decode_text, pick_by_patterns, read_bytes
from ..errors import SourceFormatError

CODE_RE = re.compile(r"[0-9]{4}[0-9FTUAM]")
_LINE_RE = re.compile(r"([0-9]{4}[0-9FTUAM])(?:\t|[ ]+)(\S.*)$")
_CODE_COLS = ("code", "cpt", "cpt code", "cpt_code", "hcpcs", "hcpcs code", "procedure code")
_DESC_COLS = ("description", "descriptor", "long description", "long descriptor",
              "long_description", "consumer friendly descriptor", "desc")
_SHORT_COLS = ("short description", "short descriptor", "short_description", "short")
ZIP_PICK = pick_by_patterns([r"\.(txt|csv|tsv)$"])


@attrs.define
class Row:
    code: str
    description: str
    short_description: str | None = None
    line: int = 0


@attrs.define
class Parsed:
    kind: str
    source: str
    rows: list[Row]


def read(path: str) -> Parsed:
    """Read a CPT file in either layout (plain, ``.gz`` or ``.zip``)."""
    data, name = read_bytes(path, pick=ZIP_PICK, what="CPT text, CSV or TSV file")
    return parse_text(decode_text(data, name).lstrip("\ufeff"), name)


def _data_lines(text: str) -> list[tuple[int, str]]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append((n, line))
    return out


def parse_text(text: str, name: str) -> Parsed:
    """Parse the content of a CPT file (layout detected from the first data line)."""
    lines = _data_lines(text)
    if not lines:
        raise SourceFormatError("no CPT codes found (the file is empty)", path=name)
    first = lines[0][1]
    if _LINE_RE.match(first.strip()) is None and ("," in first or "\t" in first):
        return _parse_table(lines, name)
    return _parse_data_file(lines, name)


def _parse_data_file(lines: list[tuple[int, str]], name: str) -> Parsed:
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for n, line in lines:
        m = _LINE_RE.match(line.strip())
        if m is None:
            raise SourceFormatError(
                f"expected a CPT code (5 digits, or 4 digits and F, T, U, A or M), blanks or a "
                f"tab, then the descriptor: {line[:60]!r}",
                path=name,
                line=n,
            )
        code, desc = m.group(1), " ".join(m.group(2).split())
        if rows and rows[-1].code == code:
            rows[-1].description += " " + desc
            continue
        if code in seen:
            raise SourceFormatError(f"code {code} appears twice (first at line {seen[code]})",
                                    path=name, line=n)
        seen[code] = n
        rows.append(Row(code, desc, None, n))
    return Parsed("data-file", name, rows)


def _col(header: list[str], names: tuple[str, ...]) -> int | None:
    keys = [" ".join(h.strip().lower().replace("_", " ").split()) for h in header]
    for want in names:
        want = want.replace("_", " ")
        if want in keys:
            return keys.index(want)
    return None


def _parse_table(lines: list[tuple[int, str]], name: str) -> Parsed:
    first = lines[0][1]
    delim = "\t" if first.count("\t") >= first.count(",") else ","
    nums = [n for n, _ in lines]
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)), delimiter=delim)
    try:
        table = list(reader)
    except csv.Error as exc:
        raise SourceFormatError(f"malformed CSV ({exc})", path=name) from None
    if len(table) != len(nums):
        nums = list(range(1, len(table) + 1))  # quoted newlines: fall back to row numbers
    header = table[0]
    ci, di = _col(header, _CODE_COLS), _col(header, _DESC_COLS)
    si = _col(header, _SHORT_COLS)
    if ci is None or di is None:
        raise SourceFormatError(
            f"the header row needs a code column ({', '.join(_CODE_COLS[:3])}) and a "
            f"description column ({', '.join(_DESC_COLS[:3])}); got {header!r}",
            path=name,
            line=nums[0],
        )
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for n, cells in zip(nums[1:], table[1:], strict=True):
        if not any(c.strip() for c in cells):
            continue
        if max(ci, di) >= len(cells):
            raise SourceFormatError(f"row has {len(cells)} cells, fewer than the header",
                                    path=name, line=n)
        code = cells[ci].strip().upper()
        if not CODE_RE.fullmatch(code):
            raise SourceFormatError(f"malformed CPT code {cells[ci]!r}", path=name, line=n)
        if code in seen:
            raise SourceFormatError(f"code {code} appears twice (first at line {seen[code]})",
                                    path=name, line=n)
        seen[code] = n
        desc = " ".join(cells[di].split())
        if not desc:
            raise SourceFormatError(f"code {code} has no description", path=name, line=n)
        short = " ".join(cells[si].split()) if si is not None and si < len(cells) else ""
        rows.append(Row(code, desc, short or None, n))
    if not rows:
        raise SourceFormatError("no CPT codes found under the header", path=name)
    return Parsed("csv" if delim == "," else "tsv", name, rows)


def to_table(parsed: Parsed, meta: dict[str, Any]) -> bytes:
    """Serialize a parsed CPT file (file order)."""
    from ..codeset import FLAG_BILLABLE

    rows = parsed.rows
    return _store.write(
        meta,
        keys={"codes": [r.code for r in rows]},
        ints={"flags": ("u8", [FLAG_BILLABLE] * len(rows)), "parent": ("i32", [-1] * len(rows))},
        texts={
            "description": [r.description for r in rows],
            "short_description": [r.short_description for r in rows],
        },
    )
