"""Readers for CMS's Medicare NCCI edit files, and the table writers.

* **MUE** (``MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv`` or ``.xlsx``): a
  copyright notice, then the header ``HCPCS/CPT Code, <Setting> Services MUE
  Values, MUE Adjudication Indicator, MUE Rationale`` (the first cell holds a
  line break), then one row per code. The indicator is text with the digit first
  (``2 Date of Service Edit: Policy``).
* **Add-on codes** (``AOC_V2026Q2-MCR.xlsx``): a notice row, then the header
  ``AOC_Edit_Type, Add-On_Code, AOC_DelDT, Primary_Code, Primary_Code_DelDT,
  AOC_Edit_EffDT, AOC_Edit_DelDT, Special_Instruction_Notes``; one row per add-on /
  primary pair; dates are ``YYYYDDD`` (year and day of the year); primary
  ``CCCCC`` means "contractor-defined primary codes".
* **PTP** (``ccipra-v321r0-f1.txt`` in ``ccipra-v321r0-f1.zip``, or the ``.xlsx``):
  a preamble, a header row ``Column 1, Column 2, *=in existence prior to 1996,
  Effective Date, Deletion Date, Modifier, PTP Edit Rationale``, up to three legend
  rows, then tab-separated data rows: column 1 and 2 codes, ``*`` or blank,
  effective ``YYYYMMDD``, deletion ``YYYYMMDD`` or ``*``, modifier indicator
  ``0``/``1``/``9``, rationale.

Headers are found by their cells, not by line numbers (the preambles change
between releases). A malformed data row raises
:class:`~codekit.errors.SourceFormatError` naming the file and line.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
from array import array
from typing import Any

from .. import _store
from .._sources import decode_text, pick_by_patterns, read_bytes
from ..errors import SourceFormatError

_CODE = re.compile(r"[0-9A-Z]{5}")
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGIT = {ch: i for i, ch in enumerate(_ALPHABET)}


def pack(code: str) -> int:
    """A 5-character HCPCS/CPT code as an integer (base 36), for compact sorted arrays.

    >>> pack("00000"), pack("99213") < pack("99214") < pack("A0021")
    (0, True)
    """
    n = 0
    for ch in code:
        n = n * 36 + _DIGIT[ch]
    return n


def unpack(n: int) -> str:
    """The inverse of :func:`pack`.

    >>> unpack(pack("G0439"))
    'G0439'
    """
    out = []
    for _ in range(5):
        n, r = divmod(n, 36)
        out.append(_ALPHABET[r])
    return "".join(reversed(out))


def _key(cell: str) -> str:
    """A header cell reduced to lower-case letters and digits."""
    return re.sub(r"[^0-9a-z]", "", cell.lower())


def _is_xlsx(data: bytes) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "xl/workbook.xml" in zf.namelist() or any(
                n.startswith("xl/worksheets/") for n in zf.namelist())
    except zipfile.BadZipFile:
        return False


def _rows(path: str | os.PathLike[str], what: str, prefer: list[str]) -> tuple[list[tuple[int, list[str]]], str]:
    """(line or row number, cells) of a CSV, tab-separated text or xlsx file (plain,
    gzipped or zipped)."""
    data, name = read_bytes(path, what=what)
    if data[:4] == b"PK\x03\x04" and not _is_xlsx(data):
        # a CMS download zip: take the text member (or the workbook) inside
        data, name = read_bytes(path, pick=pick_by_patterns(prefer), what=what)
    if data[:4] == b"PK\x03\x04":
        from .._xlsx import iter_rows

        return [(n, [c.strip() for c in cells]) for n, cells in iter_rows(data, name=name)], name
    text = decode_text(data, name)
    first_data = text[:20000]
    delimiter = "\t" if first_data.count("\t") > first_data.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out = []
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                out.append((reader.line_num, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise SourceFormatError(f"malformed {what} ({exc})", path=name, line=reader.line_num) from None
    return out, name


def _header(rows: list[tuple[int, list[str]]], name: str, what: str, needed: dict[str, str],
            labels: str = "") -> tuple[int, dict[str, int]]:
    """Index of the header row and the column of each needed field (by key prefix)."""
    for i, (_, cells) in enumerate(rows[:50]):
        keys = [_key(c) for c in cells]
        cols: dict[str, int] = {}
        for field, prefix in needed.items():
            for j, k in enumerate(keys):
                if k.startswith(prefix) or (prefix.startswith("~") and prefix[1:] in k):
                    cols[field] = j
                    break
        if len(cols) == len(needed):
            return i, cols
    raise SourceFormatError(
        f"no {what} header row found in the first 50 rows (expected the columns "
        f"{labels or ', '.join(needed)})", path=name
    )


def _cell(cells: list[str], j: int) -> str:
    return cells[j] if j < len(cells) else ""


# -- MUE ----------------------------------------------------------------------------------
def read_mue(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse an MUE table: ``{"setting", "rows": [(code, value, mai, rationale)], "name"}``."""
    rows, name = _rows(path, "MUE table", [r"\.csv$", r"\.txt$", r"\.xlsx$"])
    h, cols = _header(
        rows, name, "MUE",
        {"code": "hcpcs", "value": "~muevalue", "mai": "~adjudicationindicator", "rationale": "~rationale"},
        "HCPCS/CPT Code, Practitioner Services MUE Values, MUE Adjudication Indicator, MUE Rationale",
    )
    value_head = rows[h][1][cols["value"]]
    m = re.match(r"\s*(.*?)\s+services?\s+mue", value_head, re.IGNORECASE)
    setting = (m.group(1) if m else "").lower().replace(" ", "-") or "unknown"
    out: list[tuple[str, int, int, str]] = []
    seen: set[str] = set()
    for line, cells in rows[h + 1:]:
        code = _cell(cells, cols["code"]).upper()
        value = _cell(cells, cols["value"])
        mai = _cell(cells, cols["mai"])
        if not _CODE.fullmatch(code):
            raise SourceFormatError(f"not a HCPCS/CPT code: {code[:60]!r}", path=name, line=line)
        if value.endswith(".0"):
            value = value[:-2]
        if not value.isdecimal():
            raise SourceFormatError(f"MUE value of {code} is not a whole number: {value[:60]!r}",
                                    path=name, line=line)
        if mai[:1] not in ("1", "2", "3"):
            raise SourceFormatError(f"MUE adjudication indicator of {code} is not 1, 2 or 3: "
                                    f"{mai[:60]!r}", path=name, line=line)
        if code in seen:
            raise SourceFormatError(f"{code} is listed twice", path=name, line=line)
        seen.add(code)
        out.append((code, int(value), int(mai[0]), _cell(cells, cols["rationale"])))
    if not out:
        raise SourceFormatError("the MUE table has no data rows", path=name)
    return {"setting": setting, "rows": out, "name": name}


def mue_table(parsed: dict[str, Any], meta: dict[str, Any]) -> bytes:
    """The MUE table as a codekit table: keys ``codes``; ``value`` (i32), ``mai`` (u8),
    ``rationale`` (u8 index into the json ``rationales``)."""
    rows = sorted(parsed["rows"])
    rationales = sorted({r[3] for r in rows})
    if len(rationales) > 255:
        raise SourceFormatError("more than 255 distinct MUE rationales", path=parsed["name"])
    rix = {r: i for i, r in enumerate(rationales)}
    return _store.write(
        {**meta, "setting": parsed["setting"], "rows": len(rows)},
        keys={"codes": [r[0] for r in rows]},
        ints={
            "value": ("i32", [r[1] for r in rows]),
            "mai": ("u8", [r[2] for r in rows]),
            "rationale": ("u8", [rix[r[3]] for r in rows]),
        },
        jsons={"rationales": rationales},
    )


# -- add-on codes -------------------------------------------------------------------------
def julian(text: str, *, name: str, line: int) -> int:
    """A ``YYYYDDD`` date as a ``YYYYMMDD`` integer (0 for blank).

    >>> julian("2013091", name="x", line=1), julian("2023181", name="x", line=1)
    (20130401, 20230630)
    """
    text = text.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text:
        return 0
    if not (len(text) == 7 and text.isdecimal()) or not 1 <= int(text[4:]) <= 366:
        raise SourceFormatError(f"not a YYYYDDD date: {text[:60]!r}", path=name, line=line)
    day = datetime.date(int(text[:4]), 1, 1) + datetime.timedelta(days=int(text[4:]) - 1)
    return day.year * 10000 + day.month * 100 + day.day


def read_aoc(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse an add-on code edit table: rows ``(add-on, type, add-on deletion,
    primary, primary deletion, edit effective, edit deletion, note)`` with dates as
    ``YYYYMMDD`` integers (0: none)."""
    rows, name = _rows(path, "add-on code table", [r"\.xlsx$", r"\.txt$", r"\.csv$"])
    h, cols = _header(
        rows, name, "add-on code",
        {"type": "aocedittype", "addon": "addoncode", "addon_del": "aocdeldt",
         "primary": "primarycode", "primary_del": "primarycodedeldt",
         "eff": "aocediteffdt", "del": "aoceditdeldt", "note": "specialinstruction"},
        "AOC_Edit_Type, Add-On_Code, AOC_DelDT, Primary_Code, Primary_Code_DelDT, AOC_Edit_EffDT, "
        "AOC_Edit_DelDT, Special_Instruction_Notes",
    )
    # "primarycode" is a prefix of "primarycodedeldt": take the exact column
    keys = [_key(c) for c in rows[h][1]]
    cols["primary"] = keys.index("primarycode") if "primarycode" in keys else cols["primary"]
    out = []
    for line, cells in rows[h + 1:]:
        addon = _cell(cells, cols["addon"]).upper()
        primary = _cell(cells, cols["primary"]).upper()
        kind = _cell(cells, cols["type"])
        if kind.endswith(".0"):
            kind = kind[:-2]
        if not _CODE.fullmatch(addon) or not _CODE.fullmatch(primary):
            raise SourceFormatError(f"not a HCPCS/CPT code pair: {addon[:20]!r}, {primary[:20]!r}",
                                    path=name, line=line)
        if kind not in ("1", "2", "3"):
            raise SourceFormatError(f"add-on edit type is not 1, 2 or 3: {kind[:20]!r}",
                                    path=name, line=line)
        out.append((
            addon, int(kind),
            julian(_cell(cells, cols["addon_del"]), name=name, line=line),
            primary,
            julian(_cell(cells, cols["primary_del"]), name=name, line=line),
            julian(_cell(cells, cols["eff"]), name=name, line=line),
            julian(_cell(cells, cols["del"]), name=name, line=line),
            _cell(cells, cols["note"]),
        ))
    if not out:
        raise SourceFormatError("the add-on code table has no data rows", path=name)
    return {"rows": out, "name": name}


def aoc_table(parsed: dict[str, Any], meta: dict[str, Any]) -> bytes:
    """The add-on table: keys ``addons`` with ``first``/``count`` into the pair rows
    (``primary`` packed i32, ``type`` u8, dates i32, ``note`` u8 index into ``notes``)."""
    rows = sorted(parsed["rows"], key=lambda r: (r[0], r[3], r[5], r[6]))
    addons: list[str] = []
    first: list[int] = []
    count: list[int] = []
    for i, r in enumerate(rows):
        if not addons or addons[-1] != r[0]:
            addons.append(r[0])
            first.append(i)
            count.append(0)
        count[-1] += 1
    notes = sorted({r[7] for r in rows})
    nix = {n: i for i, n in enumerate(notes)}
    return _store.write(
        {**meta, "rows": len(rows), "addons": len(addons)},
        keys={"addons": addons},
        ints={
            "first": ("u32", first),
            "count": ("u16", count),
            "type": ("u8", [r[1] for r in rows]),
            "addon_del": ("i32", [r[2] for r in rows]),
            "primary": ("i32", [pack(r[3]) for r in rows]),
            "primary_del": ("i32", [r[4] for r in rows]),
            "eff": ("i32", [r[5] for r in rows]),
            "del": ("i32", [r[6] for r in rows]),
            "note": ("u8", [nix[r[7]] for r in rows]),
        },
        jsons={"notes": notes},
    )


# -- PTP ----------------------------------------------------------------------------------
_VERSION = re.compile(r"v(\d{2,3})(\d)r(\d+)", re.IGNORECASE)


def ptp_version(name: str) -> tuple[str, datetime.date, datetime.date] | None:
    """(version, first day, last day) from a PTP file name such as
    ``ccipra-v321r0-f1.zip``: version 32.1 is 2026's second quarter (version 32 is
    2026, since version 1 was 1995; the digit after it is the quarter, from 0).

    >>> ptp_version("ccipra-v321r0-f1.txt")
    ('32.1', datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    """
    m = _VERSION.search(os.path.basename(name))
    if m is None or int(m.group(2)) > 3:
        return None
    year = 1994 + int(m.group(1))
    q = int(m.group(2))
    start = datetime.date(year, 3 * q + 1, 1)
    stop = (datetime.date(year + 1, 1, 1) if q == 3 else datetime.date(year, 3 * q + 4, 1))
    return f"{int(m.group(1))}.{q}", start, stop - datetime.timedelta(days=1)


def _ymd(text: str, *, name: str, line: int, blank_ok: bool) -> int:
    if text.endswith(".0"):
        text = text[:-2]
    if text in ("*", "") and blank_ok:
        return 0
    if len(text) == 8 and text.isdecimal():
        try:
            datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
        else:
            return int(text)
    raise SourceFormatError(f"not a YYYYMMDD date: {text[:60]!r}", path=name, line=line)


def _ptp_text_rows(path: str | os.PathLike[str]) -> tuple[Any, str] | None:
    """The lines of a PTP text file (or of the text member of a CMS zip), each as
    ``(line number, cells)``, lazily; None for a workbook."""
    data, name = read_bytes(path, what="PTP edit file")
    if data[:4] == b"PK\x03\x04" and not _is_xlsx(data):
        data, name = read_bytes(path, pick=pick_by_patterns([r"\.txt$", r"\.xlsx$"]),
                                what="PTP edit file")
    if data[:4] == b"PK\x03\x04":
        return None
    text = decode_text(data, name)
    return ((i, line.split("\t")) for i, line in enumerate(text.splitlines(), start=1)), name


def read_ptp(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse one PTP file (zip, text or xlsx): five parallel ``array('i')`` columns
    (column 1 and column 2 codes packed with :func:`pack`, effective and deletion dates as
    ``YYYYMMDD`` integers with 0 for "in force", modifier indicator), sorted by the
    codes."""
    got = _ptp_text_rows(path)
    if got is None:
        rows, name = _rows(path, "PTP edit file", [r"\.txt$", r"\.xlsx$"])
        it: Any = iter(rows)
    else:
        it, name = got
    head: list[tuple[int, list[str]]] = []
    for item in it:  # the header is within the first rows
        head.append(item)
        if len(head) >= 50:
            break
    h, cols = _header(
        head, name, "PTP",
        {"c1": "column1", "c2": "column2", "eff": "effective", "del": "deletion",
         "mod": "modifier"},
        "Column 1, Column 2, Effective Date, Deletion Date, Modifier",
    )
    i1, i2, ie, idl, im = cols["c1"], cols["c2"], cols["eff"], cols["del"], cols["mod"]
    width = max(i1, i2, ie, idl, im) + 1
    packed: dict[str, int] = {}
    dates: dict[str, int] = {"*": 0, "": 0}
    inds = {"0": 0, "1": 1, "9": 9, "0.0": 0, "1.0": 1, "9.0": 9}
    a1, a2, ae, ad, ai = (array("i") for _ in range(5))
    started = False
    ordered = True
    l1 = l2 = -1
    for line, cells in _chain(head[h + 1:], it):
        if len(cells) < width:
            cells = [*cells, *[""] * (width - len(cells))]
        c1 = cells[i1].strip()
        if not c1 and (not started or not "".join(cells).strip()):
            continue  # legend rows continuing the header, blank lines
        started = True
        c2 = cells[i2].strip()
        k1 = packed.get(c1)
        if k1 is None:
            k1 = packed[c1] = _pack_checked(c1, c2, name, line)
        k2 = packed.get(c2)
        if k2 is None:
            k2 = packed[c2] = _pack_checked(c2, c1, name, line)
        ind = inds.get(cells[im].strip())
        if ind is None:
            raise SourceFormatError(f"modifier indicator of {c1}/{c2} is not 0, 1 or 9: "
                                    f"{cells[im].strip()[:20]!r}", path=name, line=line)
        e = cells[ie]
        eff = dates.get(e)
        if not eff:
            eff = dates[e] = _ymd(e.strip(), name=name, line=line, blank_ok=False)
        d = cells[idl]
        dele = dates.get(d)
        if dele is None:
            dele = dates[d] = _ymd(d.strip(), name=name, line=line, blank_ok=True)
        if ordered and (k1 < l1 or (k1 == l1 and k2 < l2)):
            ordered = False
        l1, l2 = k1, k2
        a1.append(k1)
        a2.append(k2)
        ae.append(eff)
        ad.append(dele)
        ai.append(ind)
    if not a1:
        raise SourceFormatError("the PTP file has no data rows", path=name)
    cols_out = (a1, a2, ae, ad, ai)
    if not ordered:
        order = sorted(range(len(a1)), key=lambda i: (a1[i], a2[i], ae[i]))
        cols_out = tuple(array("i", (c[i] for i in order)) for c in cols_out)  # type: ignore[assignment]
    return {"columns": cols_out, "rows": len(a1), "name": name, "version": ptp_version(name)}


def _chain(first: list[Any], rest: Any) -> Any:
    yield from first
    yield from rest


def _pack_checked(code: str, other: str, name: str, line: int) -> int:
    up = code.upper()
    if len(up) == 5 and up.isascii() and up.isalnum():
        return pack(up)
    raise SourceFormatError(f"not a HCPCS/CPT code pair: {code[:20]!r}, {other[:20]!r}",
                            path=name, line=line)
