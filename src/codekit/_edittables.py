"""Dated CMS edit tables (MCE, NCCI MUE, add-on and PTP edits) on the edition machinery.

Each kind of table has a :class:`TableRegistry`: the bundled
tables register at first use (their dates come from the table's metadata), and
tables a user loads at run time are added the same way, so adding one changes
:func:`codekit._editions.generation` and every cache built on the editions
notices. :func:`pick` chooses the table for a date of service.
"""

from __future__ import annotations

import _thread
import datetime
import os

from . import _editions
from ._editions import Edition
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from ._store import Table


def ymd(day: datetime.date) -> int:
    """A date as a ``YYYYMMDD`` integer."""
    return day.year * 10000 + day.month * 100 + day.day


def from_ymd(value: int) -> datetime.date | None:
    """A ``YYYYMMDD`` integer as a date (None for 0)."""
    if not value:
        return None
    return datetime.date(value // 10000, value // 100 % 100, value % 100)


def bundled(folder: str, kind: str, system: str) -> list[tuple[Edition, str, dict[str, Any]]]:
    """(edition, path, meta) of every bundled table of ``kind`` under ``_data/folder``."""
    from . import _resources

    base = _resources.data_path(folder)
    try:
        names = sorted(n for n in os.listdir(base) if n.endswith(".ckt"))
    except OSError:
        return []
    out = []
    for n in names:
        path = os.path.join(base, n)
        table = _resources.open_table(path)
        meta = table.meta
        if meta.get("kind") != kind:
            continue
        ed = Edition(
            system=system,
            id=str(meta["edition"]),
            effective=datetime.date.fromisoformat(meta["effective"]),
            end=datetime.date.fromisoformat(meta["end"]) if meta.get("end") else None,
            source=str(meta.get("source", n)),
            origin="bundled",
            note=str(meta.get("note", "")),
        )
        out.append((ed, path, meta))
    return out


def as_date(value: object) -> datetime.date:
    """A date from a date, a datetime or an ISO string (a clear error otherwise)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise ValueError(f"as_of must be a date or an ISO date string (YYYY-MM-DD), not {value!r}")
    raise TypeError(f"as_of must be a datetime.date, not {type(value).__name__}")


def in_effect(e: Edition, day: datetime.date) -> bool:
    """Whether ``day`` lies within the edition's dates."""
    return e.effective <= day and (e.end is None or day <= e.end)


class TableRegistry:
    """The editions of one kind of edit table, loaded lazily, once, under a lock.

    Adding or removing an edition changes :func:`codekit._editions.generation`, so
    every cache built on the editions (the claim scrubber's) starts afresh."""

    def __init__(self, system: str, label: str,
                 bootstrap: Callable[[TableRegistry], None] | None = None) -> None:
        self.system = system
        self.label = label
        self._bootstrap = bootstrap
        self._editions: tuple[Edition, ...] = ()
        self._loaders: dict[str, Callable[[], Any]] = {}
        self._loaded: dict[str, Any] = {}
        self._lock = _thread.RLock()

    def _ensure(self) -> None:
        if self._bootstrap is None:
            return
        with self._lock:
            boot, self._bootstrap = self._bootstrap, None
            if boot is not None:
                try:
                    boot(self)
                except BaseException:
                    self._bootstrap = boot
                    raise

    def add(self, edition: Edition, loader: Callable[[], Any], *, replace: bool = False) -> None:
        """Register an edition (``replace``: even if its id exists)."""
        self._ensure()
        with self._lock:
            if edition.id in self._loaders and not replace:
                raise ValueError(f"{self.label} {edition.id} is already loaded; pass "
                                 "replace=True to replace it")
            eds = [e for e in self._editions if e.id != edition.id]
            eds.append(edition)
            eds.sort(key=lambda e: (e.effective, e.id))
            self._loaders[edition.id] = loader
            self._loaded.pop(edition.id, None)
            self._editions = tuple(eds)
        _editions._bump()

    def remove(self, edition_id: str) -> None:
        """Forget an edition (KeyError when there is none)."""
        self._ensure()
        with self._lock:
            if edition_id not in self._loaders:
                raise KeyError(f"no {self.label} {edition_id!r} is loaded")
            self._editions = tuple(e for e in self._editions if e.id != edition_id)
            self._loaders.pop(edition_id)
            self._loaded.pop(edition_id, None)
        _editions._bump()

    def editions(self) -> tuple[Edition, ...]:
        self._ensure()
        return self._editions

    def load(self, edition: Edition) -> Any:
        """The loaded table of an edition (loads once)."""
        try:
            return self._loaded[edition.id]
        except KeyError:
            pass
        with self._lock:
            if edition.id not in self._loaded:
                self._loaded[edition.id] = self._loaders[edition.id]()
            return self._loaded[edition.id]


def registry(system: str, label: str, folder: str, kind: str,
             make: Callable[[Table, Edition], Any]) -> TableRegistry:
    """A registry of the bundled tables of one kind, loaded lazily with ``make``."""

    def boot(reg: TableRegistry) -> None:
        from . import _resources

        for ed, path, _meta in bundled(folder, kind, system):
            reg.add(ed, _loader(path, ed, make, _resources.open_table))

    return TableRegistry(system, label, boot)


def _loader(path: str, ed: Edition, make: Callable[[Table, Edition], Any],
            open_table: Callable[[str], Table]) -> Callable[[], Any]:
    return lambda: make(open_table(path), ed)


def pick(reg: TableRegistry, day: datetime.date) -> tuple[Edition | None, bool]:
    """The edition of ``reg`` for a date of service, and whether the date lies after
    the newest edition's end (the newest is then used). None when no edition covers
    the date (before the first, or no edition at all). Later editions win on overlap."""
    chosen = None
    eds = reg.editions()
    for e in eds:
        if in_effect(e, day):
            chosen = e
    if chosen is not None:
        return chosen, False
    if eds:
        newest = eds[-1]
        if newest.end is not None and day > newest.end:
            return newest, True
    return None, False
