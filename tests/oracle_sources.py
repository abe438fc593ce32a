"""Independent readers of the official source files, for the oracle tests.

Each reader is a few lines written from the file layout that SOURCES.md (and the
official record layouts) describe. None imports codekit: not its parsers
(``codekit._parsers``), not its xlsx reader (``codekit._xlsx``), not its build. So a
bug in the code that made the shipped data cannot hide itself by being used to
check that data.

Every file is opened through :func:`source`, which checks the sha256 its folder's
``SOURCES.json`` records (some files here are read only by tests, so the data build
does not check them) and fails, never skips, when a file is missing.

A reader returns an :class:`Expected`: the codes in file order and, per code (no
dot, upper case), the fields the file states. A field the file does not state for a
code is simply absent, so the comparison checks only what the official file says.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = os.path.join(ROOT, "data", "sources")


def source(folder: str, name: str) -> str:
    """Path of ``data/sources/<folder>/<name>`` after checking its recorded sha256."""
    path = os.path.join(SOURCES, folder, name)
    assert os.path.exists(path), f"missing source file data/sources/{folder}/{name}"
    with open(os.path.join(SOURCES, folder, "SOURCES.json"), encoding="utf-8") as fh:
        listed = {f["file"]: f for f in json.load(fh)["files"]}
    assert name in listed, f"data/sources/{folder}/{name} is not listed in its SOURCES.json"
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    assert digest == listed[name]["sha256"], f"checksum mismatch: data/sources/{folder}/{name}"
    return path


def provenance(folder: str, name: str) -> str:
    """``OFFICIAL ...`` or ``DERIVED ...`` as the folder's SOURCES.json says."""
    with open(os.path.join(SOURCES, folder, "SOURCES.json"), encoding="utf-8") as fh:
        listed = {f["file"]: f for f in json.load(fh)["files"]}
    return str(listed[name]["provenance"])


def text_lines(folder: str, name: str, encoding: str = "ascii") -> Iterator[str]:
    """The lines of a (possibly gzipped) text file, line endings removed."""
    path = source(folder, name)
    opener: Callable[..., Any] = gzip.open if name.endswith(".gz") else open
    with opener(path, "rb") as fh:
        data: bytes = fh.read()
    for line in data.decode(encoding).split("\n"):
        yield line.rstrip("\r")


@dataclass
class Expected:
    """What an official file says: codes in file order and the fields it states."""

    order: list[str] = field(default_factory=list)
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    ordered: bool = True
    """Whether the file's order is the edition's order (tabular order)."""

    def add(self, code: str, **fields: Any) -> None:
        assert code not in self.rows, f"{code} twice in the source file"
        self.order.append(code)
        self.rows[code] = fields


def squash(text: str) -> str:
    """Runs of blanks made one space, ends trimmed."""
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------
# ICD-10-CM and ICD-10-PCS flat files
def codes_file(folder: str, name: str) -> Expected:
    """A CDC/CMS "codes" file: code in columns 1-7, blank, long description from 9.
    It lists valid (billable) codes only."""
    out = Expected()
    for line in text_lines(folder, name):
        if line.strip():
            out.add(line[:7].strip(), billable=True, description=line[8:].strip())
    return out


def order_file(folder: str, name: str) -> Expected:
    """An official fixed-width order file: order 1-5, code 7-13, flag 15 (1 valid, 0
    header), short title 17-76, long title from 78."""
    out = Expected()
    for n, line in enumerate(text_lines(folder, name), 1):
        if not line.strip():
            continue
        assert int(line[0:5]) == len(out.order) + 1, f"{name} line {n}: order number"
        out.add(
            line[6:13].strip(),
            billable=line[14] == "1",
            short_description=line[16:76].strip(),
            description=line[77:].strip(),
        )
    return out


def order_tsv(folder: str, name: str) -> Expected:
    """The FY2025 ICD-10-CM order file content as TSV (DERIVED):
    ``order code billable short_description long_description``."""
    out = Expected()
    lines = text_lines(folder, name, "utf-8")
    assert next(lines).split("\t") == [
        "order", "code", "billable", "short_description", "long_description"
    ]
    for line in lines:
        if line:
            _, code, flag, short, long = line.split("\t")
            out.add(code, billable=flag == "1", short_description=short, description=long)
    return out


def mce_valid_on(name: str, day: datetime.date) -> set[str]:
    """Codes the Medicare Code Editor v43.1 master table (DERIVED, decoded from CMS's MCE
    data) holds as valid on ``day``: any row with start <= day <= end."""
    ymd = day.year * 10000 + day.month * 100 + day.day
    lines = text_lines("mce", name)
    assert next(lines) == "code\tstart_date\tend_date\tflags"
    valid = set()
    for line in lines:
        if line:
            code, start, end, _ = line.split("\t")
            if int(start) <= ymd <= int(end):
                valid.add(code)
    return valid


# ---------------------------------------------------------------------------------------
# ICD-10-CM tabular XML
@dataclass
class Tabular:
    """What the tabular XML says, read with ElementTree."""

    expected: Expected
    chapters: dict[str, int]
    """code -> chapter number"""
    blocks: dict[str, str]
    """code -> section (block) id"""
    seventh: dict[str, tuple[tuple[str, str, str], ...]]
    """code -> the 7th characters in force there: (char, description, defining code)"""


# The one exception to "every 7th character applies": the note at S06 says
# "7th characters D and S do not apply to codes in category S06 with 6th character 7
# ... or 8" (SOURCES.md, third pass: 76 D/S combinations are not codes).
def _seventh_applies(code: str, char: str) -> bool:
    return not (code.startswith("S06") and len(code) >= 6 and code[5] in "78" and char in "DS")


def tabular_xml(folder: str, name: str) -> Tabular:
    """Every code of the tabular: the ``diag`` elements in document order, and after
    each leaf that a ``sevenChrDef`` (its own or an ancestor's) covers, its 7-character
    codes (padded with ``X`` to six characters, description ``"<leaf>, <extension>"``).
    A leaf with no 7th character is billable; a header and a leaf that needs a 7th
    character are not."""
    with gzip.open(source(folder, name), "rb") as fh:
        root = ElementTree.fromstring(fh.read())
    assert root.tag == "ICD10CM.tabular"
    out = Expected()
    chapters: dict[str, int] = {}
    blocks: dict[str, str] = {}
    seventh: dict[str, tuple[tuple[str, str, str], ...]] = {}

    def walk(diag: ElementTree.Element, parent: str | None, chapter: int, block: str,
             inherited: tuple[tuple[str, str, str], ...]) -> None:
        code = diag.findtext("name", "").strip().replace(".", "")
        desc = squash(diag.findtext("desc", ""))
        own = diag.find("sevenChrDef")
        chars = inherited
        if own is not None:
            chars = tuple(
                (e.get("char", ""), squash(e.text or ""), code) for e in own.findall("extension")
            )
        kids = diag.findall("diag")
        needs_7th = not kids and bool(chars)
        out.add(code, billable=not kids and not chars, description=desc, parent=parent,
                needs_7th_character=needs_7th)
        chapters[code], blocks[code], seventh[code] = chapter, block, chars
        for kid in kids:
            walk(kid, code, chapter, block, chars)
        if needs_7th:
            for char, text, _ in chars:
                if _seventh_applies(code, char):
                    full = code.ljust(6, "X") + char
                    out.add(full, billable=True, description=f"{desc}, {text}", parent=code,
                            needs_7th_character=False)
                    chapters[full], blocks[full], seventh[full] = chapter, block, chars

    for chapter in root.findall("chapter"):
        number = int(chapter.findtext("name", ""))
        for section in chapter.findall("section"):
            for diag in section.findall("diag"):
                walk(diag, None, number, section.get("id", "").strip(), ())
    return Tabular(out, chapters, blocks, seventh)


# ---------------------------------------------------------------------------------------
# HCPCS Level II: the fixed-width file and the xlsx workbook
def _ymd(value: str) -> datetime.date | None:
    value = value.strip()
    return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:8])) if value else None


@dataclass
class HCPCS:
    procedures: Expected
    modifiers: Expected


def hcpcs_text(name: str, encoding: str) -> HCPCS:
    """The CMS Alpha-Numeric HCPCS file, 320-character records (HCPC2026_recordlayout):
    code 1-5 (a modifier in 4-5), sequence 6-10, record id 11 (3 procedure, 4 its
    continuation, 7 modifier, 8 its continuation), long description 12-91 (80 a
    record; the pieces are joined with blanks), short description 92-119 (codekit
    makes inner runs of blanks one blank in both descriptions, e.g. ``Urr  reading``
    in the file is ``Urr reading``; so does this reader), added date
    269-276, action effective 277-284, termination 285-292, action code 293. Lines
    that are not records (the 2020 file's disclaimer, the blank last line) are those
    whose sequence number is not five digits."""
    out = HCPCS(Expected(ordered=False), Expected(ordered=False))
    pieces: dict[str, list[str]] = {}
    for line in text_lines("hcpcs", name, encoding):
        if not line[5:10].isdigit():
            continue
        code, recid = line[0:5].strip(), line[10]
        pieces.setdefault(code, []).append(line[11:91])
        if recid in "37":
            target = out.procedures if recid == "3" else out.modifiers
            target.add(
                code,
                short_description=squash(line[91:119]),
                added=_ymd(line[268:276]),
                action_effective=_ymd(line[276:284]),
                terminated=_ymd(line[284:292]),
                action_code=line[292:293].strip(),
            )
        else:
            assert recid in "48", f"{name}: record id {recid!r}"
    for part in (out.procedures, out.modifiers):
        for code, row in part.rows.items():
            row["description"] = squash(" ".join(pieces[code]))
    return out


_SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def xlsx_rows(path: str) -> list[list[str]]:
    """The cells of the first worksheet of an xlsx file, as text, row by row: zipfile
    and ElementTree only (shared strings, inline strings and plain values)."""
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")):
                shared.append("".join(t.text or "" for t in si.iter(f"{_SHEET}t")))
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{_SHEET}row"):
        cells: dict[int, str] = {}
        for c in row.findall(f"{_SHEET}c"):
            ref = c.get("r", "")
            col = 0
            for ch in ref:
                if ch.isalpha():
                    col = col * 26 + ord(ch) - 64
            kind = c.get("t")
            if kind == "inlineStr":
                value = "".join(t.text or "" for t in c.iter(f"{_SHEET}t"))
            else:
                v = c.find(f"{_SHEET}v")
                value = "" if v is None or v.text is None else v.text
                if kind == "s":
                    value = shared[int(value)]
            cells[col - 1] = value
        rows.append([cells.get(i, "") for i in range(max(cells) + 1 if cells else 0)])
    return rows


def hcpcs_xlsx(name: str) -> HCPCS:
    """The CMS HCPCS workbook: a header row, then one row per code (RECID 3 procedure,
    7 modifier; a modifier keeps three leading blanks), the long description complete
    in one cell."""
    rows = xlsx_rows(source("hcpcs", name))
    head = rows[0]
    col = {h: i for i, h in enumerate(head)}
    out = HCPCS(Expected(ordered=False), Expected(ordered=False))
    for r in rows[1:]:
        r = r + [""] * (len(head) - len(r))
        if not r[col["HCPC"]].strip():
            continue
        target = {"3": out.procedures, "7": out.modifiers}[r[col["RECID"]].strip()]
        target.add(
            r[col["HCPC"]].strip(),
            description=squash(r[col["LONG DESCRIPTION"]]),
            short_description=squash(r[col["SHORT DESCRIPTION"]]),
            added=_ymd(r[col["ADD DT"]]),
            action_effective=_ymd(r[col["ACT EFF DT"]]),
            terminated=_ymd(r[col["TERM DT"]]),
            action_code=r[col["ACTION CD"]].strip(),
        )
    return out


# ---------------------------------------------------------------------------------------
# ICD-9-CM v32
def icd9_descriptions(folder: str, long_name: str, short_name: str, width: int) -> Expected:
    """The CMS v32 master description files: the code (no dot) left-justified in
    ``width`` columns, a blank, the description. LONG_DX is Latin-1, the others ASCII.
    They list valid codes only."""
    def read(name: str, encoding: str) -> dict[str, str]:
        found = {}
        for line in text_lines(folder, name, encoding):
            if line.strip():
                code, text = line[:width].strip(), line[width + 1:].strip()
                assert code not in found
                found[code] = text
        return found

    long = read(long_name, "latin-1")
    short = read(short_name, "latin-1")
    assert set(long) == set(short), f"{long_name} and {short_name} list different codes"
    out = Expected(ordered=False)
    for code in long:
        out.add(code, billable=True, description=long[code], short_description=short[code])
    return out


# ---------------------------------------------------------------------------------------
# GEMs
def gem_rows(name: str) -> dict[str, list[tuple[str, str]]]:
    """A CMS GEM text file: source, target, 5-digit flags, separated by blanks; one
    mapping a line. Returns source -> [(target, flags), ...] in file order."""
    by: dict[str, list[tuple[str, str]]] = {}
    for line in text_lines("gems", name):
        if line.strip():
            src, dst, flags = line.split()
            by.setdefault(src, []).append((dst, flags))
    return by


# ---------------------------------------------------------------------------------------
# place of service and claim frequency (DERIVED: transcribed, no machine-readable CMS file)
def tsv(folder: str, name: str) -> list[dict[str, str]]:
    lines = [ln for ln in text_lines(folder, name, "utf-8") if ln]
    head = lines[0].split("\t")
    return [dict(zip(head, ln.split("\t"), strict=True)) for ln in lines[1:]]


def read_bytes(folder: str, name: str) -> bytes:
    path = source(folder, name)
    with (gzip.open(path, "rb") if name.endswith(".gz") else open(path, "rb")) as fh:
        data: bytes = fh.read()
    return data


__all__ = [
    "HCPCS",
    "Expected",
    "Tabular",
    "codes_file",
    "gem_rows",
    "hcpcs_text",
    "hcpcs_xlsx",
    "icd9_descriptions",
    "mce_valid_on",
    "order_file",
    "order_tsv",
    "provenance",
    "read_bytes",
    "source",
    "squash",
    "tabular_xml",
    "text_lines",
    "tsv",
    "xlsx_rows",
]
