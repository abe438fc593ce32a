"""Readers for the CMS Alpha-Numeric HCPCS file (Level II codes and modifiers).

CMS publishes each quarter's file in three forms, all read here:

* the **fixed-width text** file (``HCPC2026_JAN_ANWEB_01122026.txt``): 320-byte
  records, RECID 3/4 for procedure first-line/continuation records and 7/8 for
  modifiers; the long description is wrapped over 80-character pieces, the
  first-line record carries every other field. Older annual files open with a
  disclaimer block, which is skipped. Lines may carry trailing blanks past
  column 320, and blank lines are ignored.
* the **xlsx** workbook with the same 48 fields as columns, one row per code
  (the long description complete in one cell);
* the **zip** CMS publishes, from which the ANWEB ``.txt`` member is read (else
  the ANWEB ``.xlsx``; the corrections, transaction-report and NOC workbooks are
  not code files).

Descriptions are whitespace-normalized (runs of blanks become one space): the
text file wraps at word boundaries and loses a double space that falls on a wrap
point, so normalizing is what makes the text and xlsx forms agree exactly.

Every reader returns a :class:`Parsed`; :func:`to_table` turns its procedure
codes or its modifiers into a codekit table. A record the reader does not
understand raises :class:`~codekit.errors.SourceFormatError` with the file and
line (for the text file, the line is the record number counted from 1).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from .. import _store
from .._sources import decode_text, read_bytes
from ..errors import SourceFormatError

PROCEDURE_RE = re.compile(r"[A-V][0-9]{4}")
MODIFIER_RE = re.compile(r"[A-Z0-9]{2}")
RECORD_LENGTH = 320

_MONTHS = {"JAN": 1, "APR": 4, "JUL": 7, "OCT": 10}

# 0-based (start, end) slices of the 320-byte record (record layout, 1-based columns)
_F = {
    "code": (0, 5),
    "seq": (5, 10),  # not kept: the xlsx form numbers records differently
    "recid": (10, 11),
    "long": (11, 91),
    "short": (91, 119),
    "price": (119, 127),
    "mult_pi": (127, 128),
    "cim": (128, 146),
    "mcm": (146, 170),
    "statute": (170, 180),
    "labcert": (180, 204),
    "xref": (204, 229),
    "coverage": (229, 230),
    "asc_group": (230, 232),
    "asc_date": (232, 240),
    "opps": (240, 243),
    "opps_pi": (243, 244),
    "opps_date": (244, 252),
    "proc_note": (252, 256),
    "betos": (256, 259),
    "tos": (260, 265),
    "anes": (265, 268),
    "added": (268, 276),
    "effective": (276, 284),
    "terminated": (284, 292),
    "action": (292, 293),
}

# the ``fields`` text of a table: these, tab-separated, in this order
EXTRA_FIELDS = (
    "multiple_pricing",
    "coverage_manual_refs",
    "carriers_manual_refs",
    "statute",
    "lab_certifications",
    "cross_references",
    "asc_group",
    "asc_effective",
    "opps_group",
    "opps_indicator",
    "opps_effective",
    "processing_note",
    "betos",
    "type_of_service",
    "anesthesia_base_units",
    "coverage",
    "action_code",
    "pricing_indicators",
)


@attrs.define
class Row:
    """One procedure code or modifier, with every field of its first-line record."""

    code: str
    """Normalized: ``"A0021"``, or ``"GA"`` for a modifier."""
    modifier: bool
    description: str
    short_description: str
    pricing_indicators: tuple[str, ...] = ()
    multiple_pricing: str = ""
    coverage_manual_refs: tuple[str, ...] = ()
    carriers_manual_refs: tuple[str, ...] = ()
    statute: str = ""
    lab_certifications: tuple[str, ...] = ()
    cross_references: tuple[str, ...] = ()
    coverage: str = ""
    asc_group: str = ""
    asc_effective: datetime.date | None = None
    opps_group: str = ""
    opps_indicator: str = ""
    opps_effective: datetime.date | None = None
    processing_note: str = ""
    betos: str = ""
    type_of_service: tuple[str, ...] = ()
    anesthesia_base_units: str = ""
    added: datetime.date | None = None
    action_effective: datetime.date | None = None
    terminated: datetime.date | None = None
    action_code: str = ""
    line: int = 0
    """Where the code's first-line record is (text: record number; xlsx: row)."""


@attrs.define
class Parsed:
    """What a reader found in one HCPCS file."""

    kind: str
    """``"txt"`` or ``"xlsx"``."""
    source: str
    procedures: list[Row]
    modifiers: list[Row]


# ---------------------------------------------------------------------------------------
# entry point
def _pick(members: list[str]) -> str | None:
    def base(m: str) -> str:
        return os.path.basename(m).lower()

    def is_code_file(m: str) -> bool:
        b = base(m)
        return "anweb" in b and not any(
            w in b for w in ("correction", "transaction", "noc", "layout", "proc_note")
        )

    for ext in (".txt", ".xlsx"):
        hits = sorted(m for m in members if base(m).endswith(ext) and is_code_file(m))
        if hits:
            return hits[0]
    return None


def read(path: str | os.PathLike[str]) -> Parsed:
    """Read an HCPCS file: fixed-width text (plain or ``.gz``), xlsx, or the CMS zip."""
    data, name = read_bytes(path)
    if data[:4] == b"PK\x03\x04" and not _is_workbook(data):
        import io
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                members = [n for n in zf.namelist() if not n.endswith("/")]
                member = _pick(members)
                if member is None:
                    raise SourceFormatError(
                        "the zip archive holds no Alpha-Numeric HCPCS file (an ANWEB .txt or "
                        f".xlsx); members: {', '.join(members)}",
                        path=name,
                    )
                data, name = zf.read(member), f"{name}!{member}"
        except zipfile.BadZipFile as exc:
            raise SourceFormatError(f"broken zip archive: {exc}", path=name) from None
    return parse_bytes(data, name)


def _is_workbook(data: bytes) -> bool:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "xl/workbook.xml" in zf.namelist() or any(
                n.startswith("xl/worksheets/") for n in zf.namelist()
            )
    except zipfile.BadZipFile:
        return False


def parse_bytes(data: bytes, name: str) -> Parsed:
    """Parse the content of an HCPCS text or xlsx file (already out of any zip)."""
    if data[:4] == b"PK\x03\x04":
        return parse_xlsx(data, name)
    return parse_text(decode_text(data, name), name)


def quarter_from_name(name: str) -> datetime.date | None:
    """The first day of the quarter a CMS file name says, e.g.
    ``HCPC2026_APR_ANWEB_04012026.txt`` or ``april-2026-alpha-numeric-hcpcs-file.zip``.

    >>> quarter_from_name("HCPC2026_APR_ANWEB_04012026.txt")
    datetime.date(2026, 4, 1)
    >>> quarter_from_name("january-2026-alpha-numeric-hcpcs-file.zip")
    datetime.date(2026, 1, 1)
    >>> quarter_from_name("HCPC2020_ANWEB_w_disclaimer.txt") is None
    True
    """
    base = os.path.basename(name).upper()
    m = re.search(r"(20\d\d)[_\- ]?(JAN|APR|JUL|OCT)", base)
    if m:
        return datetime.date(int(m.group(1)), _MONTHS[m.group(2)], 1)
    m = re.search(r"(JAN|APR|JUL|OCT)[A-Z]*[_\- ]?(20\d\d)", base)
    if m:
        return datetime.date(int(m.group(2)), _MONTHS[m.group(1)], 1)
    return None


# ---------------------------------------------------------------------------------------
# fields
def _date(value: str, field: str, name: str, line: int) -> datetime.date | None:
    v = value.strip()
    if not v:
        return None
    if len(v) == 10 and v[4] == "-" and v[7] == "-":
        v = v.replace("-", "")
    if v.endswith(".0"):
        v = v[:-2]
    if len(v) == 8 and v.isdecimal():
        try:
            return datetime.date(int(v[:4]), int(v[4:6]), int(v[6:]))
        except ValueError:
            pass
    raise SourceFormatError(f"bad {field} {value!r} (expected YYYYMMDD)", path=name, line=line)


def _split(value: str, width: int) -> tuple[str, ...]:
    parts = (value[i : i + width].strip() for i in range(0, len(value), width))
    return tuple(p for p in parts if p)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _check_code(raw: str, recid: str, name: str, line: int) -> tuple[str, bool]:
    modifier = recid in "78"
    if modifier:
        code = raw.strip().upper()
        if not MODIFIER_RE.fullmatch(code) or raw[: len(raw) - 2].strip():
            raise SourceFormatError(f"malformed HCPCS modifier {raw!r}", path=name, line=line)
    else:
        code = raw.strip().upper()
        if not PROCEDURE_RE.fullmatch(code):
            raise SourceFormatError(f"malformed HCPCS code {raw!r}", path=name, line=line)
    return code, modifier


class _Builder:
    """Collects first-line rows and their continuation text, checking order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[Row] = []
        self.long: list[list[str]] = []
        self.seen: dict[tuple[str, bool], int] = {}

    def first(self, row: Row, long_text: str) -> None:
        key = (row.code, row.modifier)
        if key in self.seen:
            raise SourceFormatError(
                f"{'modifier' if row.modifier else 'code'} {row.code} appears twice (first at "
                f"line {self.seen[key]})",
                path=self.name,
                line=row.line,
            )
        self.seen[key] = row.line
        self.rows.append(row)
        self.long.append([long_text])

    def more(self, code: str, modifier: bool, text: str, line: int) -> None:
        if not self.rows or self.rows[-1].code != code or self.rows[-1].modifier != modifier:
            raise SourceFormatError(
                f"continuation record for {code} does not follow its first-line record",
                path=self.name,
                line=line,
            )
        self.long[-1].append(text)

    def parsed(self, kind: str) -> Parsed:
        procs: list[Row] = []
        mods: list[Row] = []
        for row, pieces in zip(self.rows, self.long, strict=True):
            row.description = _norm(" ".join(pieces))
            if not row.description:
                raise SourceFormatError(f"{row.code} has no long description", path=self.name,
                                        line=row.line)
            (mods if row.modifier else procs).append(row)
        return Parsed(kind=kind, source=self.name, procedures=procs, modifiers=mods)


# ---------------------------------------------------------------------------------------
# fixed-width text
def _is_record(line: str) -> bool:
    return len(line) >= 11 and line[5:10].isdigit() and line[10] in "3478"


def _lines(text: str) -> Iterable[tuple[int, str]]:
    for n, line in enumerate(text.split("\n"), 1):
        yield n, line.rstrip("\r")


def parse_text(text: str, name: str) -> Parsed:
    """The fixed-width file (RECID 3/4 procedures, 7/8 modifiers)."""
    b = _Builder(name)
    started = False
    for n, line in _lines(text):
        if not line.strip():
            continue
        if not _is_record(line):
            if not started:
                continue  # the disclaimer block of the annual files
            raise SourceFormatError(
                f"not an HCPCS record (expected code, 5-digit sequence number and record id "
                f"3, 4, 7 or 8 in columns 1-11): {line[:40]!r}",
                path=name,
                line=n,
            )
        started = True
        if len(line) > RECORD_LENGTH and line[RECORD_LENGTH:].strip():
            raise SourceFormatError(
                f"record is {len(line)} characters with text past column {RECORD_LENGTH}",
                path=name,
                line=n,
            )
        rec = line.ljust(RECORD_LENGTH)
        recid = rec[10]
        code, modifier = _check_code(rec[0:5], recid, name, n)
        if recid in "48":
            b.more(code, modifier, rec[11:91], n)
            continue

        def f(key: str, rec: str = rec) -> str:
            a, z = _F[key]
            return rec[a:z].strip()

        row = Row(
            code=code,
            modifier=modifier,
            description="",
            short_description=_norm(rec[91:119]),
            pricing_indicators=_split(rec[119:127], 2),
            multiple_pricing=f("mult_pi"),
            coverage_manual_refs=_split(rec[128:146], 6),
            carriers_manual_refs=_split(rec[146:170], 8),
            statute=f("statute"),
            lab_certifications=_split(rec[180:204], 3),
            cross_references=_split(rec[204:229], 5),
            coverage=f("coverage"),
            asc_group=f("asc_group"),
            asc_effective=_date(f("asc_date"), "ASC effective date", name, n),
            opps_group=f("opps"),
            opps_indicator=f("opps_pi"),
            opps_effective=_date(f("opps_date"), "OPPS effective date", name, n),
            processing_note=f("proc_note"),
            betos=f("betos"),
            type_of_service=_split(rec[260:265], 1),
            anesthesia_base_units=f("anes"),
            added=_date(f("added"), "code added date", name, n),
            action_effective=_date(f("effective"), "action effective date", name, n),
            terminated=_date(f("terminated"), "termination date", name, n),
            action_code=f("action"),
            line=n,
        )
        b.first(row, rec[11:91])
    if not b.rows:
        raise SourceFormatError("no HCPCS records found", path=name)
    return b.parsed("txt")


# ---------------------------------------------------------------------------------------
# xlsx
_REQUIRED = ("HCPC", "RECID", "LONG DESCRIPTION", "SHORT DESCRIPTION", "ADD DT", "ACT EFF DT",
             "TERM DT", "ACTION CD")


def _header_key(cell: str) -> str:
    return " ".join(cell.replace("_", " ").upper().split())


def parse_xlsx(data: bytes, name: str) -> Parsed:
    """The xlsx form: a header row with the 48 field names, one row per code."""
    from .._xlsx import iter_rows

    rows = iter_rows(data, name=name)
    header: dict[str, int] | None = None
    b = _Builder(name)
    for n, cells in rows:
        if header is None:
            keys = [_header_key(c) for c in cells]
            if "HCPC" in keys and "RECID" in keys:
                header = {k: i for i, k in enumerate(keys)}
                missing = [k for k in _REQUIRED if _header_key(k) not in header]
                if missing:
                    raise SourceFormatError(
                        f"HCPCS workbook header lacks {', '.join(missing)}", path=name, line=n
                    )
            continue
        hdr = header

        def cell(key: str, cells: list[str] = cells, hdr: dict[str, int] = hdr) -> str:
            i = hdr.get(_header_key(key))
            return cells[i] if i is not None and i < len(cells) else ""

        def many(prefix: str, count: int) -> tuple[str, ...]:
            vals = (cell(f"{prefix}{i}").strip() for i in range(1, count + 1))
            return tuple(v for v in vals if v)

        recid = cell("RECID").strip()
        if recid.endswith(".0"):
            recid = recid[:-2]
        if recid not in ("3", "4", "7", "8"):
            raise SourceFormatError(f"unknown RECID {recid!r}", path=name, line=n)
        raw = cell("HCPC")
        code, modifier = _check_code(raw.rjust(5) if recid in "78" else raw, recid, name, n)
        if recid in "48":
            b.more(code, modifier, cell("LONG DESCRIPTION"), n)
            continue
        row = Row(
            code=code,
            modifier=modifier,
            description="",
            short_description=_norm(cell("SHORT DESCRIPTION")),
            pricing_indicators=many("PRICE", 4),
            multiple_pricing=cell("MULT_PI").strip(),
            coverage_manual_refs=many("CIM", 3),
            carriers_manual_refs=many("MCM", 3),
            statute=cell("STATUTE").strip(),
            lab_certifications=many("LABCERT", 8),
            cross_references=many("XREF", 5),
            coverage=cell("COV").strip(),
            asc_group=cell("ASC_GRP").strip(),
            asc_effective=_date(cell("ASC_DT"), "ASC effective date", name, n),
            opps_group=cell("OPPS").strip(),
            opps_indicator=cell("OPPS_PI").strip(),
            opps_effective=_date(cell("OPPS_DT"), "OPPS effective date", name, n),
            processing_note=cell("PROCNOTE").strip(),
            betos=cell("BETOS").strip(),
            type_of_service=many("TOS", 5),
            anesthesia_base_units=cell("ANEST_BU").strip(),
            added=_date(cell("ADD DT"), "code added date", name, n),
            action_effective=_date(cell("ACT EFF DT"), "action effective date", name, n),
            terminated=_date(cell("TERM DT"), "termination date", name, n),
            action_code=cell("ACTION CD").strip(),
            line=n,
        )
        b.first(row, cell("LONG DESCRIPTION"))
    if header is None:
        raise SourceFormatError("no HCPCS header row (HCPC, SEQNUM, RECID, ...) found", path=name)
    if not b.rows:
        raise SourceFormatError("no HCPCS rows found", path=name)
    return b.parsed("xlsx")


# ---------------------------------------------------------------------------------------
# processing notes
def parse_proc_notes(text: str) -> dict[str, str]:
    """The processing-note texts by 4-digit number, from ``proc_notes_*.txt``.

    >>> parse_proc_notes('''
    ...           0002--THESE CODES (82585, 82595) PERTAIN TO PERFORMING      *
    ...                 THE ANALYSIS.                                         *
    ... ''')
    {'0002': 'THESE CODES (82585, 82595) PERTAIN TO PERFORMING THE ANALYSIS.'}
    """
    notes: dict[str, list[str]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.rstrip().removesuffix("*").rstrip()
        m = re.match(r"\s*(\d{4})--(.*)$", line)
        if m:
            current = m.group(1)
            notes[current] = [m.group(2)]
        elif current is not None and line.strip() and not set(line.strip()) <= {"_", "-"}:
            notes[current].append(line)
        elif current is not None and not line.strip():
            current = None
    return {k: _norm(" ".join(v)) for k, v in notes.items()}


# ---------------------------------------------------------------------------------------
# the codekit table
def _ymd(d: datetime.date | None) -> int:
    return 0 if d is None else d.year * 10000 + d.month * 100 + d.day


def _extra(r: Row) -> str:
    vals: list[str] = []
    for f in EXTRA_FIELDS:
        v = getattr(r, f)
        if isinstance(v, tuple):
            if any("," in item for item in v):
                raise ValueError(f"{r.code}: comma in an item of field {f}: {v!r}")
            v = ",".join(v)
        elif isinstance(v, datetime.date):
            v = v.isoformat()
        elif v is None:
            v = ""
        if "\t" in v or "\n" in v:
            raise ValueError(f"{r.code}: tab or newline in field {f}: {v!r}")
        vals.append(v)
    return "\t".join(vals)


def to_table(rows: Sequence[Row], meta: dict[str, Any], *,
             proc_notes: dict[str, str] | None = None) -> bytes:
    """Serialize the procedure codes or the modifiers of a parsed file, in file order."""
    from ..codeset import FLAG_BILLABLE

    return _store.write(
        meta,
        keys={"codes": [r.code for r in rows]},
        ints={
            "flags": ("u8", [FLAG_BILLABLE] * len(rows)),
            "parent": ("i32", [-1] * len(rows)),
            "added": ("u32", [_ymd(r.added) for r in rows]),
            "action_effective": ("u32", [_ymd(r.action_effective) for r in rows]),
            "terminated": ("u32", [_ymd(r.terminated) for r in rows]),
        },
        texts={
            "description": [r.description for r in rows],
            "short_description": [r.short_description or None for r in rows],
            "fields": [_extra(r) for r in rows],
        },
        lines={"field_names": list(EXTRA_FIELDS)},
        jsons={"proc_notes": proc_notes or {}},
    )
