"""Readers for the CMS ICD-9-CM v32 description files, and the table writer.

The CMS "master descriptions" files list every valid (billable) code once:

* diagnoses (``CMS32_DESC_LONG_DX.txt``, ``CMS32_DESC_SHORT_DX.txt``): the code
  without the dot, left-justified in columns 1-5, a blank, the description
  from column 7 (3 to 5 characters; V and E codes included);
* procedures, Volume 3 (``CMS32_DESC_LONG_SG.txt``, ``..._SHORT_SG.txt``): a 3-
  or 4-digit code in columns 1-4, a blank, the description from column 6.

The long diagnosis file is ISO-8859-1; the others are ASCII. The files hold no
header (category) rows: codekit derives them from the code structure (every
proper prefix of a code down to the category: 3 characters, 4 for E codes, 2
for procedures), as non-billable entries with no description.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from .. import _store
from .._sources import read_bytes
from ..errors import SourceFormatError

DX_RE = re.compile(r"(?:\d{3}|V\d{2}|E\d{3})\d{0,2}")
"""A diagnosis code without the dot (E codes take at most one digit after the category)."""
SG_RE = re.compile(r"\d{2}\d{1,2}")
"""A procedure code without the dot (2-digit category, then 1 or 2 digits)."""


@attrs.define
class Row:
    """One entry, in official order (headers before their codes)."""

    code: str
    billable: bool
    parent: str | None
    description: str | None
    short_description: str | None = None


def category_length(code: str, kind: str) -> int:
    """Characters before the dot: 2 for procedures, 4 for E codes, else 3."""
    if kind == "procedure":
        return 2
    return 4 if code.startswith("E") else 3


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_descriptions(path: str, kind: str) -> tuple[dict[str, str], str]:
    """Code -> description of one file (plain or ``.gz``), in file order."""
    data, name = read_bytes(path, what=f"ICD-9-CM {kind} description file")
    return parse_descriptions(_decode(data, name), name, kind), name


def parse_descriptions(text: str, name: str, kind: str) -> dict[str, str]:
    """Parse the text of one description file (see the module docs for the layout)."""
    width = 5 if kind == "diagnosis" else 4
    pattern = DX_RE if kind == "diagnosis" else SG_RE
    out: dict[str, str] = {}
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        code = line[:width].rstrip(" ")
        if (
            len(line) < width + 2
            or line[width] != " "
            or not line[width + 1 :].strip()
            or " " in code
        ):
            raise SourceFormatError(
                f"expected a code in columns 1-{width}, a blank, then a description",
                path=name,
                line=n,
            )
        if pattern.fullmatch(code) is None:
            raise SourceFormatError(f"malformed ICD-9-CM {kind} code {code!r}", path=name, line=n)
        if code in out:
            raise SourceFormatError(f"duplicate code {code}", path=name, line=n)
        out[code] = line[width + 1 :].strip()
    if not out:
        raise SourceFormatError("no codes found", path=name)
    return out


def rows_from(
    long: dict[str, str], short: dict[str, str], kind: str, names: tuple[str, str]
) -> list[Row]:
    """Merge the long and short files (same codes) and derive the headers."""
    if set(long) != set(short):
        only = sorted(set(long) ^ set(short))[:5]
        raise SourceFormatError(
            f"the long and short files list different codes (e.g. {', '.join(only)})",
            path=f"{names[0]} / {names[1]}",
        )
    return with_headers(
        [Row(c, True, None, d, short[c]) for c, d in long.items()], kind
    )


def with_headers(codes: Iterable[Row], kind: str) -> list[Row]:
    """Insert every derived header before the first code under it; link parents."""
    codes = list(codes)
    billable = {r.code for r in codes}
    out: list[Row] = []
    emitted: set[str] = set()
    for r in codes:
        cat = category_length(r.code, kind)
        parent: str | None = None
        for cut in range(cat, len(r.code)):
            pre = r.code[:cut]
            if pre not in emitted and pre not in billable:
                emitted.add(pre)
                out.append(Row(pre, False, parent, None))
            parent = pre
        r.parent = parent
        out.append(r)
    return out


def to_table(rows: list[Row], meta: dict[str, Any]) -> bytes:
    """Serialize an edition."""
    from ..codeset import FLAG_BILLABLE

    index = {r.code: i for i, r in enumerate(rows)}
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
    )
