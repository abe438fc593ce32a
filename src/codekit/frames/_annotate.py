"""Annotate a column of codes: each distinct (code, edition) is looked up once.

A frame of a million diagnosis rows holds a few thousand distinct codes and a few
editions. The codes are dictionary-encoded (one hashing pass in Arrow), each date
of service is mapped to the edition in force, each distinct (code, edition) pair
present is checked and described through the code system's public verbs, and the
answers are gathered back to the rows with one ``take`` per column.

The answers are cached per code-system edition, so a Dask worker that annotates
many partitions looks each code up once (see :func:`cache_info`).
"""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import CodekitError, EditionNotFound, EditionWarning
from ._common import (
    FrameError,
    attach,
    day_column,
    parse_day,
    require_columns,
    system_module,
    text_column,
    to_frame,
)

__all__ = [
    "ANNOTATION_COLUMNS",
    "CacheInfo",
    "Lookup",
    "annotate",
    "cache_info",
    "clear_cache",
    "preload",
]

ANNOTATION_COLUMNS = (
    "code",
    "status",
    "description",
    "billable",
    "chapter",
    "block",
    "category",
    "parent",
    "edition",
)
"""The suffixes of the columns :func:`annotate` adds, in order."""

_TYPES = (
    pa.string(),
    pa.string(),
    pa.string(),
    pa.bool_(),
    pa.int16(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.string(),
)

_DATED = frozenset({"valid", "inactive"})


class _Info(NamedTuple):
    code: str | None
    status: str
    description: str | None
    billable: bool
    chapter: int | None
    block: str | None
    category: str | None
    parent: str | None
    edition: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    chapter_title: str | None
    block_title: str | None


class _Slot(NamedTuple):
    """The rows whose date of service falls in one edition (or in none)."""

    edition: Any  # codekit Edition, or None when no edition covers the dates
    day: datetime.date | None  # the day the check is made on (latest day of the slot)
    first: datetime.date | None  # earliest day of the slot
    last: datetime.date | None  # latest day of the slot


class CacheInfo(NamedTuple):
    """How the per-process annotation cache has been used (see :func:`cache_info`)."""

    hits: int
    """(code, edition) answers served from the cache."""
    misses: int
    """(code, edition) answers computed (each costs one ``check`` and one ``get``)."""
    code_sets: int
    """Distinct code-set objects seen: one per edition loaded in this process, unless a
    code set was loaded again (a user edition replaced, or a fresh process)."""
    entries: int
    """Answers held now."""


class _Cache:
    """Answers per (system, edition): valid while the code set object and the list of
    editions stay the same (loading or replacing an edition starts afresh)."""

    LIMIT = 500_000

    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0
        self.code_sets = 0
        self.tables: dict[tuple[str, str], tuple[object, tuple[Any, ...], dict[str, _Info]]] = {}

    def table(self, mod: ModuleType, edition: Any, signature: tuple[Any, ...]) -> dict[str, _Info]:
        key = (mod.SYSTEM, edition.id)
        cs = mod.code_set(edition.id)
        got = self.tables.get(key)
        if got is not None and got[0] is cs and got[1] == signature:
            return got[2]
        if got is None or got[0] is not cs:
            self.code_sets += 1
        answers: dict[str, _Info] = {}
        self.tables[key] = (cs, signature, answers)
        return answers


_CACHE = _Cache()


def cache_info() -> CacheInfo:
    """How the annotation cache of this process has been used.

    Each distinct (code, edition) is looked up once per process; later frames (or
    Dask partitions on the same worker) reuse the answer.

    >>> import pandas as pd
    >>> from codekit import frames
    >>> frames.clear_cache()
    >>> _ = frames.annotate(pd.DataFrame({"dx": ["E11.9", "I10", "E11.9"]}), "dx")
    >>> _ = frames.annotate(pd.DataFrame({"dx": ["I10"]}), "dx")
    >>> info = frames.cache_info()
    >>> info.misses, info.hits, info.code_sets
    (2, 1, 1)
    """
    entries = sum(len(t[2]) for t in _CACHE.tables.values())
    return CacheInfo(_CACHE.hits, _CACHE.misses, _CACHE.code_sets, entries)


def clear_cache() -> None:
    """Forget every cached answer and reset the counters of :func:`cache_info`."""
    global _CACHE
    _CACHE = _Cache()


def _signature(mod: ModuleType) -> tuple[Any, ...]:
    return tuple((e.id, e.origin, e.effective, e.end) for e in mod.editions())


def _edition_on(mod: ModuleType, day: datetime.date | None) -> Any:
    """The edition in force on ``day`` (the newest without one), or None."""
    try:
        return mod.code_set(as_of=day).edition
    except EditionNotFound:
        return None


def _category(cs: Any, rec: Any, memo: dict[str, str | None]) -> str | None:
    """The top of the code's hierarchy (the ICD-10-CM category), None for a flat system;
    climbs through ``parent`` with a memo, since a code set has far fewer parents than
    codes."""
    if not hasattr(type(rec), "ancestors"):
        return None
    chain = []
    while True:
        parent = rec.parent
        if parent is None:
            top: str | None = rec.code
            break
        if parent in memo:
            top = memo[parent]
            break
        chain.append(parent)
        rec = cs.get(parent)
        if rec is None:  # pragma: no cover - a parent always exists in its edition
            top = None
            break
    for code in chain:
        memo[code] = top
    return top


def _describe(mod: ModuleType, raw: str, slot: _Slot, memo: dict[str, str | None]) -> _Info:
    """Check and describe one code in one slot through the public verbs."""
    r = mod.check(raw, as_of=slot.day)
    status = r.status.value
    ed = slot.edition
    if status == "bad_format":
        return _Info(None, status, None, False, None, None, None, None,
                     None if ed is None else ed.id, None, None, None, None)
    rec = None
    cs = None
    if ed is not None and status != "no_edition":
        cs = mod.code_set(ed.id)
        rec = cs.get(raw)
    if rec is None:
        return _Info(r.code, status, None, False, None, None, None, None,
                     None if ed is None else ed.id, r.valid_from, r.valid_to, None, None)
    chapter = getattr(rec, "chapter", None)
    block = getattr(rec, "block", None)
    return _Info(
        rec.code,
        status,
        rec.description,
        bool(getattr(rec, "billable", False)),
        None if chapter is None else chapter.number,
        None if block is None else block.id,
        _category(cs, rec, memo),
        getattr(rec, "parent", None),
        ed.id,
        r.valid_from,
        r.valid_to,
        None if chapter is None else chapter.description,
        None if block is None else block.description,
    )


def _cacheable(info: _Info, edition: Any) -> bool:
    """An answer that does not depend on the day within the edition."""
    if info.status not in _DATED or (info.valid_from is None and info.valid_to is None):
        return True
    return bool(info.valid_from == edition.effective and info.valid_to == edition.end)


def _windowed(info: _Info, slot: _Slot) -> bool:
    """Whether the status of this answer changes between the slot's days: the code's
    own dates (HCPCS added/terminated) fall inside them."""
    lo, hi, day = info.valid_from, info.valid_to, slot.day
    if info.status not in _DATED or (lo is None and hi is None) or day is None:
        return False
    inside = (lo is None or lo <= day) and (hi is None or day <= hi)
    if inside != (info.status == "valid"):
        return False  # the dates are the edition's span, not enforced past its end
    assert slot.first is not None and slot.last is not None
    return (lo is not None and lo > slot.first) or (hi is not None and hi < slot.last)


def _slots(
    df: Any, mod: ModuleType, as_of: object, date_column: str | None
) -> tuple[list[_Slot], pa.Array | None, pa.Array | None]:
    """The slots, each row's slot index (None: all rows in slot 0), each row's day."""
    if date_column is None:
        day = None if as_of is None else parse_day(as_of)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EditionWarning)
            ed = _edition_on(mod, day)
        _warn_past(mod, ed, [day] if day is not None else [])
        return [_Slot(ed, day, day, day)], None, None
    indices, days = day_column(df, date_column)
    position: dict[str | None, int] = {}  # edition id (None: no edition) -> slot
    editions: list[Any] = []
    days_of: list[list[datetime.date]] = []
    slot_of_day: list[int | None] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EditionWarning)
        for day in days:
            if day is None:
                slot_of_day.append(None)
                continue
            ed = _edition_on(mod, day)
            key = None if ed is None else ed.id
            i = position.get(key)
            if i is None:
                i = position[key] = len(editions)
                editions.append(ed)
                days_of.append([])
            days_of[i].append(day)
            slot_of_day.append(i)
    slots = [_Slot(ed, max(ds), min(ds), max(ds)) for ed, ds in zip(editions, days_of, strict=True)]
    for ed, ds in zip(editions, days_of, strict=True):
        _warn_past(mod, ed, ds)
    slot_index = pa.array(slot_of_day, pa.int64())
    row_slot = pc.take(slot_index, indices)
    row_day = pc.take(pa.array(days, pa.date32()), indices)
    return slots, row_slot, row_day


def _warn_past(mod: ModuleType, ed: Any, days: list[datetime.date]) -> None:
    """One warning for all the days after the newest edition's end."""
    if ed is None or ed.end is None:
        return
    late = [d for d in days if d > ed.end]
    if late:
        span = min(late).isoformat() + ("" if len(late) == 1 else f" to {max(late).isoformat()}")
        warnings.warn(
            f"{len(late)} date(s) of service ({span}) are after the newest {mod.LABEL} "
            f"edition codekit has ({ed.id}, in force to {ed.end.isoformat()}); {ed.id} was "
            f"used for them. Load the newer official files with codekit.{mod.SYSTEM}.load(path).",
            EditionWarning,
            stacklevel=4,
        )


class Lookup:
    """The distinct (code, slot) pairs of a column, each answered once, and the row ->
    pair index (``key``) to gather any per-pair value back to the rows."""

    def __init__(
        self,
        df: Any,
        column: str,
        mod: ModuleType,
        *,
        as_of: object = None,
        date_column: str | None = None,
    ) -> None:
        if date_column is not None and as_of is not None:
            raise FrameError("pass either as_of (one date for every row) or date_column, not both")
        codes = text_column(df, column)
        enc = pc.dictionary_encode(codes)
        self.mod = mod
        self.uniq: list[str] = enc.dictionary.to_pylist()
        self.code_index = enc.indices.cast(pa.int64())
        self.slots, self.row_slot, self.row_day = _slots(df, mod, as_of, date_column)
        n = self.n = len(self.slots)
        self.key: pa.Array = (
            self.code_index
            if self.row_slot is None
            else pc.add(pc.multiply(self.code_index, n), self.row_slot)
        )
        self.answers: list[_Info | None] = [None] * (len(self.uniq) * n)
        self.windowed: list[int] = []
        self._answer(pc.unique(pc.drop_null(self.key)).to_pylist())

    def _answer(self, present: list[int]) -> None:
        mod, slots, n, uniq, answers = self.mod, self.slots, self.n, self.uniq, self.answers
        signature = _signature(mod)
        cache = _CACHE
        tables = [
            None if s.edition is None else cache.table(mod, s.edition, signature) for s in slots
        ]
        memos: list[dict[str, str | None]] = [{} for _ in slots]
        dated = self.row_day is not None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EditionWarning)
            for k in present:
                raw = uniq[k // n]
                s = k % n
                table = tables[s]
                info = None if table is None else table.get(raw)
                if info is None:
                    slot = slots[s]
                    info = _describe(mod, raw, slot, memos[s])
                    cache.misses += 1
                    if table is not None and _cacheable(info, slot.edition):
                        if len(table) >= _Cache.LIMIT:
                            table.clear()
                        table[raw] = info
                else:
                    cache.hits += 1
                answers[k] = info
                if dated and _windowed(info, slots[s]):
                    self.windowed.append(k)

    def gather(self, values: list[Any], typ: pa.DataType) -> pa.Array:
        """Per-pair ``values`` (one per entry of ``answers``) gathered to the rows."""
        return pc.take(pa.array(values, typ), self.key)

    def field(self, i: int) -> pa.Array:
        """Field ``i`` of the answers (:data:`ANNOTATION_COLUMNS` order) for every row."""
        column = self.gather([None if a is None else a[i] for a in self.answers], _TYPES[i])
        if i == 0 and self.row_slot is not None:
            # rows with a code but no date of service keep their normalized code
            n, answers, mod = self.n, self.answers, self.mod
            codes_only = [
                _first_code(answers, u, n, raw, mod) for u, raw in enumerate(self.uniq)
            ]
            column = pc.take(pa.array(codes_only, pa.string()), self.code_index)
        elif i == 1 and self.windowed:
            column = _window_status(
                column, self.key, self.row_day, self.answers, self.windowed, len(self.answers)
            )
        return column

    def columns(self) -> list[pa.Array]:
        """Every annotation column, in :data:`ANNOTATION_COLUMNS` order."""
        return [self.field(i) for i in range(len(ANNOTATION_COLUMNS))]


def _first_code(answers: list[_Info | None], u: int, n: int, raw: str, mod: ModuleType) -> str | None:
    """The normalized code of distinct code ``u`` (display form; None if malformed)."""
    for s in range(n):
        a = answers[u * n + s]
        if a is not None:
            return a.code
    try:  # every row of this code lacks a date of service
        shown: str = mod.format(raw)
    except (CodekitError, TypeError):
        return None
    return shown


def _window_status(
    status: pa.Array,
    key: pa.Array,
    row_day: pa.Array | None,
    answers: list[_Info | None],
    windowed: list[int],
    size: int,
) -> pa.Array:
    """Rows of codes with their own dates inside the slot: valid between them, else
    inactive (what ``check`` says for each day)."""
    assert row_day is not None
    lo: list[datetime.date | None] = [None] * size
    hi: list[datetime.date | None] = [None] * size
    flag = [False] * size
    for k in windowed:
        a = answers[k]
        assert a is not None
        lo[k], hi[k], flag[k] = a.valid_from, a.valid_to, True
    row_lo = pc.take(pa.array(lo, pa.date32()), key)
    row_hi = pc.take(pa.array(hi, pa.date32()), key)
    row_flag = pc.fill_null(pc.take(pa.array(flag, pa.bool_()), key), False)
    after_lo = pc.or_kleene(pc.is_null(row_lo), pc.greater_equal(row_day, row_lo))
    before_hi = pc.or_kleene(pc.is_null(row_hi), pc.less_equal(row_day, row_hi))
    inside = pc.fill_null(pc.and_kleene(after_lo, before_hi), False)
    dated = pc.if_else(inside, pa.scalar("valid"), pa.scalar("inactive"))
    return pc.if_else(row_flag, dated, status)


def annotate(
    frame: Any,
    column: str,
    *,
    system: str = "icd10cm",
    as_of: object = None,
    date_column: str | None = None,
    prefix: str | None = None,
) -> Any:
    """The frame with columns describing the codes in ``column``, as of each row's date
    of service.

    Works on pandas and polars DataFrames and pyarrow Tables alike and returns the
    same kind of frame, with nine columns added (named ``{prefix}_...``, the prefix
    being ``column`` unless given):

    ``code``
        the normalized code (display form, ``"E11.9"``); null when malformed.
    ``status``
        what ``check`` says on the row's date: ``"valid"``, ``"not_billable"``,
        ``"needs_7th_character"``, ``"inactive"``, ``"unknown"``, ``"bad_format"``,
        ``"no_edition"`` or ``"not_checked"``.
    ``description``, ``billable``, ``chapter``, ``block``, ``category``, ``parent``
        from the edition used (null, or False for ``billable``, when the code is not
        in it). ``category`` is the top of the code's hierarchy (the 3-character
        ICD-10-CM category); chapter is the chapter number.
    ``edition``
        the edition used (the one in force on the date of service).

    The date of service is ``date_column`` (dates, timestamps or ISO strings) for
    each row, else ``as_of`` for every row, else the newest edition. Rows with a
    null code (or a null date) get null annotations.

    >>> import pandas as pd
    >>> from codekit import frames
    >>> df = pd.DataFrame({"dx": ["E11.9", "e119", "E11", "G35", "G35", "E11.A", "E1"],
    ...                    "dos": ["2025-06-01"] * 3 + ["2025-06-01", "2025-11-01"] * 2})
    >>> out = frames.annotate(df, "dx", date_column="dos")
    >>> out[["dx", "dos", "dx_code", "dx_status", "dx_billable", "dx_edition"]]
          dx         dos dx_code     dx_status  dx_billable dx_edition
    0  E11.9  2025-06-01   E11.9         valid         True     FY2025
    1   e119  2025-06-01   E11.9         valid         True     FY2025
    2    E11  2025-06-01     E11  not_billable        False     FY2025
    3    G35  2025-06-01     G35         valid         True     FY2025
    4    G35  2025-11-01     G35  not_billable        False     FY2026
    5  E11.A  2025-06-01   E11.A      inactive        False     FY2025
    6     E1  2025-11-01     NaN    bad_format        False     FY2026
    >>> out.loc[0, "dx_description"], out.loc[0, "dx_chapter"], out.loc[0, "dx_block"]
    ('Type 2 diabetes mellitus without complications', np.int16(4), 'E08-E13')

    polars (and pyarrow) frames work the same way and stay polars:

    >>> import polars as pl
    >>> frames.annotate(pl.DataFrame({"dx": ["S52.521A", "S52.521"]}), "dx").select(
    ...     "dx_status", "dx_category", "dx_parent").rows()
    [('valid', 'S52', 'S52.521'), ('needs_7th_character', 'S52', 'S52.52')]
    """
    df = to_frame(frame)
    require_columns(df, column, date_column)
    mod = system_module(system)
    arrays = Lookup(df, column, mod, as_of=as_of, date_column=date_column).columns()
    stem = column if prefix is None else prefix
    names = [f"{stem}_{suffix}" for suffix in ANNOTATION_COLUMNS]
    return attach(df, pa.table(arrays, names=names))


def preload(systems: Iterable[str] = ("icd10cm",), editions: Sequence[str] | None = None) -> int:
    """Load every edition (or the named ones) of ``systems`` into this process and
    warm the annotation cache's bookkeeping; returns how many code sets are loaded.

    Call it once at start-up in any long-lived process (a web worker, a Spark
    executor's first batch); :class:`codekit.frames.dask.Preload` calls it on
    each Dask worker.

    >>> preload(("icd10cm",), ["FY2026"])
    1
    """
    loaded = 0
    for system in systems:
        mod = system_module(system)
        wanted = [e.id for e in mod.editions()] if editions is None else list(editions)
        for edition_id in wanted:
            cs = mod.code_set(edition_id)
            first = next(iter(cs), None)  # touches the mapped table
            if first is not None:
                annotate(pa.table({"c": [first.code]}), "c", system=system,
                         as_of=cs.edition.effective)
            loaded += 1
    return loaded
