"""Dated CMS edit tables (MCE, NCCI MUE, add-on and PTP edits) on the edition machinery.

Each kind of table has a :class:`~codekit._editions._Registry`: the bundled
tables register at first use (their dates come from the table's metadata), and
tables a user loads at run time are added the same way, so adding one changes
:func:`codekit._editions.generation` and every cache built on the editions
notices. :func:`pick` chooses the table for a date of service.
"""

from __future__ import annotations

import datetime
import os

from ._editions import Edition, _Registry
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


def registry(system: str, label: str, folder: str, kind: str,
             make: Callable[[Table, Edition], Any]) -> _Registry[Any]:
    """A registry of the bundled tables of one kind, loaded lazily with ``make``."""

    def boot(reg: _Registry[Any]) -> None:
        from . import _resources

        for ed, path, _meta in bundled(folder, kind, system):
            reg.add(ed, _loader(path, ed, make, _resources.open_table))

    return _Registry(system, label, bootstrap=boot)


def _loader(path: str, ed: Edition, make: Callable[[Table, Edition], Any],
            open_table: Callable[[str], Table]) -> Callable[[], Any]:
    return lambda: make(open_table(path), ed)


def pick(reg: _Registry[Any], day: datetime.date) -> tuple[Edition | None, bool]:
    """The edition of ``reg`` for a date of service, and whether the date lies after
    the newest edition's end (the newest is then used). None when no edition covers
    the date (before the first, or no edition at all). Later editions win on overlap."""
    chosen = None
    eds = reg.editions()
    for e in eds:
        if e.covers(day):
            chosen = e
    if chosen is not None:
        return chosen, False
    if eds:
        newest = eds[-1]
        if newest.end is not None and day > newest.end:
            return newest, True
    return None, False
