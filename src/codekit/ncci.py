"""Medicare NCCI edits: medically unlikely edits (MUE), add-on code edits, PTP pairs.

codekit ships the official practitioner MUE table (effective 2026-04-01) and the
add-on code edit table (2026 Q2). The procedure-to-procedure (PTP) tables are too
large to ship (tens of MB a quarter): download the current quarter's practitioner
files from CMS ("Medicare NCCI Procedure to Procedure (PTP) Edits", practitioner
``ccipra-v###r0-f1.zip`` ... ``f4.zip``) and load each part with
:func:`load_ptp` — the zip as published, the tab-delimited text inside it, or the
xlsx. A table is used for dates of service in its range (a PTP or add-on table
keeps deleted edits with their dates, so it covers earlier dates too; past its
last day the newest table is used). Newer MUE and add-on tables load the same way
(:func:`load_mue`, :func:`load_aoc`).

>>> from codekit import ncci
>>> m = ncci.mue("99213", as_of="2026-05-01")
>>> m.value, m.mai, m.adjudication, m.edition
(2, 3, 'date of service (clinical)', '2026-04-01')
>>> a = ncci.addon("99292", as_of="2026-05-01")
>>> a.edit_type, [e.primary for e in a.edits]
(1, ['99291'])

An edit's deletion date is the last day it is in force; a deletion date equal to
the effective date means the edit was deleted back to its start (it never
applied), as the files write for retroactive deletions.
"""

from __future__ import annotations

import datetime
import os
from array import array
from bisect import bisect_left, bisect_right

from . import _edittables as _et
from ._editions import Edition
from ._edittables import TableRegistry
from ._edittables import as_date as _as_date
from ._parsers.ncci import pack, unpack
from ._record import Record
from ._typing import TYPE_CHECKING
from .errors import EditionNotFound

if TYPE_CHECKING:
    from typing import Any

    from ._store import Table

__all__ = [
    "MUE",
    "PTP_MODIFIERS",
    "AddOn",
    "AddOnEdit",
    "PTPEdit",
    "addon",
    "editions",
    "is_em",
    "load_aoc",
    "load_mue",
    "load_ptp",
    "mue",
    "ptp",
    "unload",
]

ANATOMIC_MODIFIERS = frozenset(
    ["E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "LM", "RC", "RI"]
)
"""Anatomic modifiers the NCCI Policy Manual (ch. I, sec. E) lists as PTP-associated."""
PTP_MODIFIERS = ANATOMIC_MODIFIERS | frozenset(["24", "25", "27", "57", "58", "59", "78", "79", "91", "XE", "XP", "XS", "XU"])
"""Every NCCI PTP-associated modifier (NCCI Policy Manual for Medicare Services, ch. I,
sec. E; X{EPSU} from CR 8863). 24, 25 and 57 are E/M modifiers: they bypass an edit
only when the column 2 code is an E/M service."""
EM_MODIFIERS = frozenset(("24", "25", "57"))

_MAI = {1: "line", 2: "date of service (policy)", 3: "date of service (clinical)"}


def is_em(code: object) -> bool:
    """Whether a code is a CPT evaluation and management service (99202-99499, the
    E/M section of CPT).

    >>> is_em("99213"), is_em("99499"), is_em("20610"), is_em(None)
    (True, True, False, False)
    """
    return isinstance(code, str) and len(code) == 5 and code.isdigit() and "99202" <= code <= "99499"


# -- records ------------------------------------------------------------------------------
class MUE(Record):
    """A medically unlikely edit: the most units of a code one provider reports for one
    patient (per line, or per date of service, by the adjudication indicator)."""

    __slots__ = ("code", "value", "mai", "rationale", "edition")
    code: str
    value: int
    """The MUE value (0: not payable for that provider type)."""
    mai: int
    """MUE adjudication indicator: 1 line edit, 2 date of service (policy), 3 date of
    service (clinical)."""
    rationale: str
    edition: str

    def __init__(self, code: str, value: int, mai: int, rationale: str, edition: str) -> None:
        super().__init__(code=code, value=value, mai=mai, rationale=rationale, edition=edition)

    @property
    def adjudication(self) -> str:
        """The indicator in words."""
        return _MAI.get(self.mai, str(self.mai))


class AddOnEdit(Record):
    """One add-on / primary pair of the add-on code edit table."""

    __slots__ = ("addon", "primary", "edit_type", "effective", "deleted", "primary_deleted",
                 "note")
    addon: str
    primary: str
    """An eligible primary code, or ``"CCCCC"`` (primaries defined by the contractor)."""
    edit_type: int
    """The AOC edit type: 1 only the listed primaries; 2 the contractor defines the
    primaries; 3 the listed primaries and others the contractor may allow."""
    effective: datetime.date | None
    deleted: datetime.date | None
    """Last day the pair is in force (None: in force)."""
    primary_deleted: datetime.date | None
    note: str

    def __init__(self, addon: str, primary: str, edit_type: int, effective: datetime.date | None,
                 deleted: datetime.date | None, primary_deleted: datetime.date | None,
                 note: str) -> None:
        super().__init__(addon=addon, primary=primary, edit_type=edit_type, effective=effective,
                         deleted=deleted, primary_deleted=primary_deleted, note=note)


class AddOn(Record):
    """An add-on code with the edits in force on a date."""

    __slots__ = ("code", "edit_type", "edits", "edition")
    code: str
    edit_type: int
    """The highest edit type among its edits in force (see :class:`AddOnEdit`)."""
    edits: tuple[AddOnEdit, ...]
    edition: str

    def __init__(self, code: str, edit_type: int, edits: tuple[AddOnEdit, ...],
                 edition: str) -> None:
        super().__init__(code=code, edit_type=edit_type, edits=edits, edition=edition)


class PTPEdit(Record):
    """A procedure-to-procedure edit: ``column2`` is not paid with ``column1`` on the same
    day unless the modifier indicator is 1 and an NCCI-associated modifier applies."""

    __slots__ = ("column1", "column2", "effective", "deleted", "modifier_indicator", "edition")
    column1: str
    column2: str
    effective: datetime.date
    deleted: datetime.date | None
    modifier_indicator: int
    """0: no modifier bypasses the edit; 1: an NCCI-associated modifier may; 9: not applicable."""
    edition: str

    def __init__(self, column1: str, column2: str, effective: datetime.date,
                 deleted: datetime.date | None, modifier_indicator: int, edition: str) -> None:
        super().__init__(column1=column1, column2=column2, effective=effective, deleted=deleted,
                         modifier_indicator=modifier_indicator, edition=edition)


def in_force(eff: int, dele: int, day: int) -> bool:
    """Whether an edit with ``YYYYMMDD`` effective and deletion dates (0: none) is in force
    on ``day``; a deletion date equal to the effective date means it never was."""
    return eff <= day and (not dele or (day <= dele and dele != eff))


# -- tables -------------------------------------------------------------------------------
class _MUETable:
    def __init__(self, table: Table, edition: Edition) -> None:
        self.table = table
        self.edition = edition
        self.values = table.ints("value")
        self.mai = table.ints("mai")
        self.rix = table.ints("rationale")
        self.rationales: list[str] = table.json("rationales")

    def get(self, code: str) -> tuple[int, int, str] | None:
        row = self.table.find_key("codes", code) if len(code) == 5 else None
        if row is None:
            return None
        return self.values[row], self.mai[row], self.rationales[self.rix[row]]


class _AOCTable:
    def __init__(self, table: Table, edition: Edition) -> None:
        self.table = table
        self.edition = edition
        t = table
        self.cols = tuple(t.ints(n) for n in ("first", "count", "type", "addon_del", "primary",
                                              "primary_del", "eff", "del", "note"))
        self.notes: list[str] = t.json("notes")

    def rows(self, code: str) -> tuple[tuple[str, int, int, int, int, int, str], ...]:
        """(primary, type, add-on deletion, primary deletion, effective, deletion, note)."""
        row = self.table.find_key("addons", code) if len(code) == 5 else None
        if row is None:
            return ()
        first, count, typ, adel, prim, pdel, eff, dele, note = self.cols
        out = []
        for i in range(first[row], first[row] + count[row]):
            out.append((unpack(prim[i]), typ[i], adel[i], pdel[i], eff[i], dele[i],
                        self.notes[note[i]]))
        return tuple(out)


class _PTPTable:
    """The parts (f1..f4) of one quarter's PTP edits, as sorted packed arrays."""

    def __init__(self, edition: Edition, parts: dict[str, tuple[array[int], ...]]) -> None:
        self.edition = edition
        self.parts = parts

    def pairs(self, col1: str, col2: str) -> tuple[tuple[int, int, int], ...]:
        """(effective, deletion, indicator) of every row for the pair."""
        if len(col1) != 5 or len(col2) != 5 or not (col1 + col2).isalnum() or not (col1 + col2).isascii():
            return ()
        k1, k2 = pack(col1), pack(col2)
        out: list[tuple[int, int, int]] = []
        for c1, c2, eff, dele, ind in self.parts.values():
            lo = bisect_left(c1, k1)
            if lo == len(c1) or c1[lo] != k1:
                continue
            hi = bisect_right(c1, k1, lo)
            j = bisect_left(c2, k2, lo, hi)
            while j < hi and c2[j] == k2:
                out.append((eff[j], dele[j], ind[j]))
                j += 1
        return tuple(out)

    @property
    def rows(self) -> int:
        return sum(len(p[0]) for p in self.parts.values())


_MUE: TableRegistry = _et.registry("ncci-mue", "NCCI MUE table", "ncci", "mue", _MUETable)
_AOC: TableRegistry = _et.registry("ncci-aoc", "NCCI add-on code table", "ncci", "aoc",
                                          _AOCTable)
_PTP: TableRegistry = TableRegistry("ncci-ptp", "NCCI PTP table")
_REGISTRIES: dict[str, TableRegistry] = {"mue": _MUE, "aoc": _AOC, "ptp": _PTP}


def _registry(kind: str) -> TableRegistry:
    try:
        return _REGISTRIES[kind]
    except KeyError:
        raise ValueError(f"unknown NCCI table kind {kind!r}: use 'mue', 'aoc' or 'ptp'") from None


def _table(kind: str, as_of: object) -> Any:
    reg = _registry(kind)
    if as_of is None:
        eds = reg.editions()
        return reg.load(eds[-1]) if eds else None
    ed, _past = _et.pick(reg, _as_date(as_of))
    return None if ed is None else reg.load(ed)


def editions(kind: str) -> tuple[Edition, ...]:
    """The tables of one kind (``"mue"``, ``"aoc"`` or ``"ptp"``), bundled and loaded.

    >>> [(e.id, str(e.effective), str(e.end)) for e in editions("mue")]
    [('2026-04-01', '2026-04-01', '2026-06-30')]
    """
    return _registry(kind).editions()


def tables(kind: str) -> TableRegistry:
    """The registry of one kind of table (for the claim scrubber)."""
    return _registry(kind)


# -- look-ups -----------------------------------------------------------------------------
def mue(code: str, *, as_of: object = None) -> MUE | None:
    """The MUE of a HCPCS/CPT code in the table for ``as_of`` (default: the newest), or
    None (no MUE, or no table for that date).

    >>> mue("J1885").value, mue("J1885").rationale
    (8, 'Prescribing Information')
    >>> mue("99999") is None
    True
    """
    t = _table("mue", as_of)
    if t is None or not isinstance(code, str):
        return None
    norm = code.strip().upper()
    got = t.get(norm)
    if got is None:
        return None
    return MUE(norm, got[0], got[1], got[2], t.edition.id)


def addon(code: str, *, as_of: object = None) -> AddOn | None:
    """The add-on code edits of ``code`` in force on ``as_of`` (default: the newest
    table's first day), or None when it is not an add-on code then.

    >>> a = addon("G2211", as_of="2026-05-01")
    >>> a.edit_type, [e.primary for e in a.edits][:3], len(a.edits)
    (1, ['99202', '99203', '99204'], 18)
    >>> addon("99213") is None
    True
    """
    t = _table("aoc", as_of)
    if t is None or not isinstance(code, str):
        return None
    norm = code.strip().upper()
    day = _et.ymd(_as_date(as_of)) if as_of is not None else _et.ymd(t.edition.end or t.edition.effective)
    edits = []
    for prim, typ, adel, pdel, eff, dele, note in t.rows(norm):
        if in_force(eff, dele, day) and (not adel or day <= adel):
            edits.append(AddOnEdit(norm, prim, typ, _et.from_ymd(eff), _et.from_ymd(dele),
                                   _et.from_ymd(pdel), note))
    if not edits:
        return None
    return AddOn(norm, max(e.edit_type for e in edits), tuple(edits), t.edition.id)


def ptp(column1: str, column2: str, *, as_of: object = None) -> PTPEdit | None:
    """The PTP edit in force on ``as_of`` for the pair, or None; raises EditionNotFound
    when no PTP table is loaded (see :func:`load_ptp`)."""
    reg = _PTP
    if not reg.editions():
        raise EditionNotFound(
            "no NCCI PTP table is loaded: download the practitioner PTP files from CMS and "
            "load them with codekit.ncci.load_ptp(path)",
            system="ncci-ptp", requested=None, available=(),
        )
    t = _table("ptp", as_of)
    if t is None:
        return None
    day = _et.ymd(_as_date(as_of)) if as_of is not None else _et.ymd(t.edition.end or t.edition.effective)
    c1, c2 = str(column1).strip().upper(), str(column2).strip().upper()
    for eff, dele, ind in t.pairs(c1, c2):
        if in_force(eff, dele, day):
            eff_d = _et.from_ymd(eff)
            assert eff_d is not None
            return PTPEdit(c1, c2, eff_d, _et.from_ymd(dele), ind, t.edition.id)
    return None


# -- loading ------------------------------------------------------------------------------
def load_ptp(
    path: str | os.PathLike[str],
    *,
    edition: str | None = None,
    effective: datetime.date | None = None,
    end: datetime.date | None = None,
    replace: bool = False,
) -> Edition:
    """Load one CMS practitioner PTP file (``ccipra-v321r0-f1.zip``, the ``.txt`` in it,
    or the ``.xlsx``) and use it for claims. Load every part (f1 to f4) of a quarter:
    the parts of one version make one table. The version, and so the quarter, comes from
    the file name (v321 is version 32.1, April to June 2026) unless ``edition``,
    ``effective`` and ``end`` are given. The table covers dates of service from its
    earliest edit to the quarter's last day. Loading a part again needs ``replace=True``.

    >>> import os
    >>> ed = load_ptp(os.path.join(FIXTURES, "ncci", "ccipra-v321r0-f1-FIXTURE.txt"))
    >>> ed.id, ed.end.isoformat()
    ('32.1', '2026-06-30')
    >>> ptp("29881", "29877", as_of="2026-05-01").modifier_indicator
    0
    >>> unload("ptp", "32.1")
    """
    from ._parsers import ncci as parser
    from .errors import CodekitError

    parsed = parser.read_ptp(path)
    name = os.fspath(path)
    part = os.path.basename(name).split(".")[0].lower()
    version = parsed["version"]
    if edition is None:
        if version is None:
            raise CodekitError(
                f"cannot tell the PTP version from the file name {os.path.basename(name)!r} "
                "(e.g. ccipra-v321r0-f1.txt); pass edition=, effective= and end="
            )
        edition = version[0]
    if end is None:
        if version is None:
            raise CodekitError("pass end= (the last day of the PTP table's quarter)")
        end = version[2]
    cols = parsed["columns"]  # sorted by the parser
    first = min(cols[2])
    if effective is None:
        effective = _et.from_ymd(first)
    assert effective is not None
    reg = _PTP
    with reg._lock:
        existing: _PTPTable | None = None
        for e in reg.editions():
            if e.id == edition:
                existing = reg.load(e)
        parts = dict(existing.parts) if existing is not None else {}
        if part in parts and not replace:
            raise ValueError(
                f"PTP part {part!r} of version {edition} is already loaded; pass replace=True"
            )
        parts[part] = cols
        if existing is not None:
            effective = min(effective, existing.edition.effective)
        ed = Edition("ncci-ptp", edition, effective, end, ", ".join(sorted(parts)),
                     origin=name, note=f"{sum(len(p[0]) for p in parts.values())} PTP edit rows")
        table = _PTPTable(ed, parts)
        reg.add(ed, lambda: table, replace=True)
    return ed


def _load_bundled_kind(kind: str, path: str | os.PathLike[str], edition: str | None,
                       effective: datetime.date | None, end: datetime.date | None,
                       replace: bool) -> Edition:
    from . import _store
    from ._parsers import ncci as parser
    from .errors import CodekitError

    name = os.fspath(path)
    if effective is None or end is None:
        raise CodekitError(f"pass effective= and end= (the quarter the {kind.upper()} table is for)")
    if edition is None:
        edition = effective.isoformat() if kind == "mue" else f"{effective.year}-Q{(effective.month - 1) // 3 + 1}"
    meta = {"system": "ncci", "kind": kind, "edition": edition, "source": os.path.basename(name)}
    if kind == "mue":
        data = parser.mue_table(parser.read_mue(name), meta)
        make: Any = _MUETable
    else:
        parsed = parser.read_aoc(name)
        data = parser.aoc_table(parsed, meta)
        effective = min(effective, _et.from_ymd(min(r[5] for r in parsed["rows"] if r[5])) or effective)
        make = _AOCTable
    ed = Edition(f"ncci-{kind}", edition, effective, end, os.path.basename(name), origin=name,
                 note="loaded at run time")
    table = make(_store.Table(data, origin=name), ed)
    _registry(kind).add(ed, lambda: table, replace=replace)
    return ed


def load_mue(path: str | os.PathLike[str], *, effective: datetime.date, end: datetime.date,
             edition: str | None = None, replace: bool = False) -> Edition:
    """Load a CMS MUE table (CSV or xlsx, as published) for dates of service from
    ``effective`` to ``end`` (a quarter)."""
    return _load_bundled_kind("mue", path, edition, effective, end, replace)


def load_aoc(path: str | os.PathLike[str], *, effective: datetime.date, end: datetime.date,
             edition: str | None = None, replace: bool = False) -> Edition:
    """Load a CMS add-on code edit table (xlsx or text, as published) whose quarter runs from
    ``effective`` to ``end``."""
    return _load_bundled_kind("aoc", path, edition, effective, end, replace)


def unload(kind: str, edition: str) -> None:
    """Forget a table (``kind`` ``"mue"``, ``"aoc"`` or ``"ptp"``)."""
    _registry(kind).remove(edition)
