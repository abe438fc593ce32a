"""Reader for the Medicare Code Editor (MCE) tables, and the table writer.

The code master (``mce_v43.1_i10dx_master.derived.tsv``): a header row ``code
start_date end_date flags``, then one row per span of dates a code carries a set
of MCE edit flags (``adult,male``; empty when none); dates are ``YYYYMMDD``, the
release's end date (``20270331`` for v43.1) standing for "open". A code may have
several rows (its flags changed, e.g. ``N400`` is ``adult,male`` to 2024-09-30
and ``adult`` after). The age table (``mce_v43.1_age_ranges.derived.tsv``):
``age_group start_age end_age start_date end_date``.
"""

from __future__ import annotations

import os
import re
from typing import Any

from .. import _store
from .._sources import decode_text, read_bytes
from ..errors import SourceFormatError

_CODE = re.compile(r"[A-Z0-9]{3,7}")
_DATE = re.compile(r"\d{8}")


def _lines(path: str | os.PathLike[str], what: str) -> tuple[list[str], str]:
    data, name = read_bytes(path, what=what)
    return decode_text(data, name).splitlines(), name


def read_master(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Rows ``(code, start, end, flags tuple)`` of an MCE code master."""
    lines, name = _lines(path, "MCE code master")
    if not lines or lines[0].split("\t") != ["code", "start_date", "end_date", "flags"]:
        raise SourceFormatError("expected the header 'code start_date end_date flags'", path=name,
                                line=1)
    rows = []
    for i, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        cells = line.split("\t")
        if len(cells) != 4:
            raise SourceFormatError(f"expected 4 tab-separated cells, found {len(cells)}",
                                    path=name, line=i)
        code, start, end, flags = cells
        if not _CODE.fullmatch(code) or not _DATE.fullmatch(start) or not _DATE.fullmatch(end):
            raise SourceFormatError(f"malformed row {line[:60]!r}", path=name, line=i)
        rows.append((code, int(start), int(end), tuple(f for f in flags.split(",") if f)))
    return {"rows": rows, "name": name}


def read_ages(path: str | os.PathLike[str]) -> list[list[Any]]:
    """Rows ``[group, low, high, start, end]`` of the MCE age-range table (group in
    lower case)."""
    lines, name = _lines(path, "MCE age table")
    if not lines or lines[0].split("\t") != ["age_group", "start_age", "end_age", "start_date",
                                             "end_date"]:
        raise SourceFormatError("unexpected header of the age table", path=name, line=1)
    out = []
    for i, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        cells = line.split("\t")
        if len(cells) != 5 or not all(c.isdecimal() for c in cells[1:]):
            raise SourceFormatError(f"malformed row {line[:60]!r}", path=name, line=i)
        out.append([cells[0].lower(), int(cells[1]), int(cells[2]), int(cells[3]), int(cells[4])])
    return out


def to_table(master: dict[str, Any], ages: list[list[Any]], meta: dict[str, Any]) -> bytes:
    """The MCE table: keys ``codes`` (codes with any flag) with ``first``/``count``
    into rows of ``start``/``end`` (i32 YYYYMMDD) and ``flags`` (u32 bits, names in
    the json ``flag_names``); the json ``ages``; ``meta["open_end"]`` the release's
    "open" end date."""
    rows = sorted(r for r in master["rows"] if r[3])
    names = sorted({f for r in rows for f in r[3]})
    if len(names) > 32:
        raise SourceFormatError("more than 32 distinct MCE flags", path=master["name"])
    bit = {n: 1 << i for i, n in enumerate(names)}
    codes: list[str] = []
    first: list[int] = []
    count: list[int] = []
    for i, r in enumerate(rows):
        if not codes or codes[-1] != r[0]:
            codes.append(r[0])
            first.append(i)
            count.append(0)
        count[-1] += 1
    open_end = max(r[2] for r in master["rows"])
    return _store.write(
        {**meta, "rows": len(rows), "open_end": open_end},
        keys={"codes": codes},
        ints={
            "first": ("u32", first),
            "count": ("u8", count),
            "start": ("i32", [r[1] for r in rows]),
            "end": ("i32", [r[2] for r in rows]),
            "flags": ("u32", [sum(bit[f] for f in r[3]) for r in rows]),
        },
        jsons={"flag_names": names, "ages": ages},
    )
