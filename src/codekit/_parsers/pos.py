"""Readers for the transcribed place-of-service and claim-frequency tables.

Both are codekit's TSV transcriptions (there is no machine-readable CMS file):

* ``place_of_service.derived.tsv``: ``code, name, description, effective_date``
  (two-digit code; ISO date, blank when the code was in effect before 2003);
* ``claim_frequency_codes.derived.tsv``: ``code, description,
  used_on_837p_clm05_3`` (one character; ``Y`` or ``N``).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from .. import _store
from .._sources import decode_text, read_bytes
from ..errors import SourceFormatError

POS_HEADER = "code\tname\tdescription\teffective_date"
FREQ_HEADER = "code\tdescription\tused_on_837p_clm05_3"


def _rows(path: str, header: str) -> tuple[list[tuple[int, list[str]]], str]:
    data, name = read_bytes(path, what="table")
    lines = decode_text(data, name).split("\n")
    if lines[0].rstrip("\r") != header:
        raise SourceFormatError(f"expected the header {header!r}", path=name, line=1)
    width = header.count("\t") + 1
    out = []
    for n, line in enumerate(lines[1:], 2):
        line = line.rstrip("\r")
        if not line:
            continue
        parts = line.split("\t")
        if len(parts) != width:
            raise SourceFormatError(f"expected {width} tab-separated columns", path=name, line=n)
        out.append((n, parts))
    if not out:
        raise SourceFormatError("no rows", path=name)
    return out, name


def read_pos(path: str) -> list[dict[str, Any]]:
    """The place-of-service rows: code, name, description (or None), effective (ISO or None)."""
    rows, name = _rows(path, POS_HEADER)
    out = []
    seen: set[str] = set()
    for n, (code, title, desc, eff) in rows:
        if re.fullmatch(r"\d\d", code) is None or code == "00" or code in seen or not title:
            raise SourceFormatError(
                f"bad or duplicate code {code!r} (two digits 01-99) or empty name", path=name, line=n
            )
        if eff:
            try:
                datetime.date.fromisoformat(eff)
            except ValueError:
                raise SourceFormatError(f"bad date {eff!r}", path=name, line=n) from None
        seen.add(code)
        out.append({"code": code, "name": title, "description": desc or None,
                    "effective": eff or None})
    return out


def read_frequency(path: str) -> list[dict[str, Any]]:
    """The claim frequency rows: code, description, usable on the 837P (bool)."""
    rows, name = _rows(path, FREQ_HEADER)
    out = []
    seen: set[str] = set()
    for n, (code, desc, used) in rows:
        if re.fullmatch(r"[0-9A-Z]", code) is None or code in seen or not desc:
            raise SourceFormatError(
                f"bad or duplicate code {code!r} (one letter or digit) or empty description",
                path=name,
                line=n,
            )
        if used not in ("Y", "N"):
            raise SourceFormatError(f"expected Y or N, not {used!r}", path=name, line=n)
        seen.add(code)
        out.append({"code": code, "description": desc, "usable_on_837p": used == "Y"})
    return out


def to_table(rows: list[dict[str, Any]], meta: dict[str, Any], *, names: bool) -> bytes:
    """Serialize POS (``names=True``: name, description, effective) or frequency rows."""
    from ..codeset import FLAG_BILLABLE

    texts: dict[str, list[str | None]] = {"description": [r["description"] for r in rows]}
    lines: dict[str, list[str]] = {}
    ints: dict[str, tuple[str, list[int]]] = {
        "flags": ("u8", [FLAG_BILLABLE] * len(rows)),
        "parent": ("i32", [-1] * len(rows)),
    }
    if names:
        texts["name"] = [r["name"] for r in rows]
        lines["effective"] = [r["effective"] or "" for r in rows]
    else:
        ints["usable_on_837p"] = ("u8", [int(r["usable_on_837p"]) for r in rows])
    return _store.write(
        meta, keys={"codes": [r["code"] for r in rows]}, ints=ints, texts=texts, lines=lines
    )
