"""Editions of a code system, and which one is in force on a date of service.

Each code-system module keeps one :class:`_Registry`: the bundled editions are
registered at import time (metadata only, no I/O) and loaded lazily, once, under
a lock; editions a user loads from newer official files are added at run time
and take part in date selection the same way.
"""

from __future__ import annotations

import _thread
import datetime
import itertools

from ._record import Record
from ._typing import TYPE_CHECKING, Generic, TypeVar
from .errors import EditionNotFound, EditionWarning

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Edition"]

_GENERATIONS = itertools.count(1)
_generation = 0


def generation() -> int:
    """A number that changes whenever any system adds or removes an edition (a user
    loading a newer file, a PTP table, a CPT file): caches built from editions key on
    it instead of being cleared by hand."""
    return _generation


def _bump() -> None:
    global _generation
    # next() on a count is atomic under the GIL: values are unique, so any change is seen
    _generation = next(_GENERATIONS)


class Edition(Record):
    """One release of a code system and the dates it is in force.

    >>> from codekit import icd10cm
    >>> ed = icd10cm.code_set("FY2025").edition
    >>> ed.id, ed.effective.isoformat(), ed.end.isoformat()
    ('FY2025', '2024-10-01', '2025-09-30')
    """

    __slots__ = ("system", "id", "effective", "end", "source", "origin", "note")

    system: str
    """Code system id, e.g. ``"icd10cm"``."""
    id: str
    """Edition id, e.g. ``"FY2026"`` or ``"2026-01"``."""
    effective: datetime.date
    """First date of service the edition covers."""
    end: datetime.date | None
    """Last date of service it covers (None: until replaced)."""
    source: str
    """The official file(s) it was built from."""
    origin: str
    """``"bundled"`` (shipped with codekit) or the path of a file a user loaded."""
    note: str
    """Anything a user should know about how this edition was made."""

    def __init__(
        self,
        system: str,
        id: str,
        effective: datetime.date,
        end: datetime.date | None,
        source: str,
        origin: str = "bundled",
        note: str = "",
    ) -> None:
        super().__init__(
            system=system, id=id, effective=effective, end=end, source=source, origin=origin,
            note=note,
        )

    def covers(self, day: datetime.date) -> bool:
        """Whether ``day`` lies within the edition's dates."""
        return self.effective <= day and (self.end is None or day <= self.end)


def _as_date(value: object) -> datetime.date:
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


def _outside_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside codekit."""
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(here):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


S = TypeVar("S")


class _Registry(Generic[S]):
    """The editions of one system, with lazy, thread-safe loading."""

    def __init__(
        self,
        system: str,
        label: str,
        *,
        date_hint: Callable[[datetime.date], str] | None = None,
        bootstrap: Callable[[_Registry[S]], None] | None = None,
    ) -> None:
        self._bootstrap = bootstrap
        self.system = system
        self.label = label
        self.date_hint = date_hint
        self._editions: list[Edition] = []
        self._loaders: dict[str, Callable[[], S]] = {}
        self._loaded: dict[str, S] = {}
        self._by_date: dict[datetime.date, Edition] = {}
        self._lock = _thread.RLock()
        self.current: S | None = None

    def _ensure(self) -> None:
        if self._bootstrap is not None:
            with self._lock:
                boot, self._bootstrap = self._bootstrap, None
                if boot is not None:
                    try:
                        boot(self)
                    except BaseException:
                        self._bootstrap = boot
                        raise

    def add(self, edition: Edition, loader: Callable[[], S], *, replace: bool = False) -> None:
        self._ensure()
        with self._lock:
            if edition.id in self._loaders and not replace:
                raise ValueError(
                    f"{self.label} edition {edition.id} is already registered; "
                    "pass replace=True to replace it"
                )
            self._editions = [e for e in self._editions if e.id != edition.id]
            self._editions.append(edition)
            self._editions.sort(key=lambda e: (e.effective, e.id))
            self._loaders[edition.id] = loader
            self._loaded.pop(edition.id, None)
            self._by_date.clear()
            self.current = None
        _bump()

    def remove(self, edition_id: str) -> None:
        """Forget an edition (tests, and users replacing a loaded file)."""
        self._ensure()
        with self._lock:
            self.by_id(edition_id)
            self._editions = [e for e in self._editions if e.id != edition_id]
            self._loaders.pop(edition_id, None)
            self._loaded.pop(edition_id, None)
            self._by_date.clear()
            self.current = None
        _bump()

    def editions(self) -> tuple[Edition, ...]:
        self._ensure()
        return tuple(self._editions)

    def newest(self) -> Edition:
        self._ensure()
        if not self._editions:
            raise EditionNotFound(
                f"no {self.label} edition is loaded", system=self.system, requested=None,
                available=(),
            )
        return self._editions[-1]

    def by_id(self, edition_id: str) -> Edition:
        self._ensure()
        for e in self._editions:
            if e.id == edition_id:
                return e
        names = ", ".join(e.id for e in self._editions)
        raise EditionNotFound(
            f"{self.label} has no edition {edition_id!r}; available: {names}",
            system=self.system,
            requested=edition_id,
            available=tuple(e.id for e in self._editions),
        )

    def for_date(self, as_of: object) -> Edition:
        """The edition in force on ``as_of`` (warns past the newest edition)."""
        day = _as_date(as_of)
        hit = self._by_date.get(day)
        if hit is not None:
            if hit.end is not None and day > hit.end:
                self._warn_past(day, hit)
            return hit
        self._ensure()
        with self._lock:
            chosen: Edition | None = None
            for e in self._editions:
                if e.covers(day):
                    chosen = e  # later (newer) editions win on overlap
            if chosen is None:
                newest = self.newest()
                if newest.end is not None and day > newest.end:
                    chosen = newest
                else:
                    raise self._not_covered(day)
            self._by_date[day] = chosen
        if chosen.end is not None and day > chosen.end:
            self._warn_past(day, chosen)
        return chosen

    def _warn_past(self, day: datetime.date, e: Edition) -> None:
        import warnings

        warnings.warn(
            f"{day.isoformat()} is after the newest {self.label} edition codekit has "
            f"({e.id}, in force {e.effective.isoformat()} to {e.end}); using {e.id}. "
            f"Load the newer official files with codekit.{self.system}.load(path) to use them.",
            EditionWarning,
            stacklevel=_outside_stacklevel(),
        )

    def _not_covered(self, day: datetime.date) -> EditionNotFound:
        spans = "; ".join(
            f"{e.id} ({e.effective.isoformat()} to {e.end.isoformat() if e.end else 'open'})"
            for e in self._editions
        )
        hint = self.date_hint(day) if self.date_hint is not None else ""
        return EditionNotFound(
            f"no {self.label} edition codekit has covers {day.isoformat()}. "
            f"Editions: {spans}. Load the official files for that date with "
            f"codekit.{self.system}.load(path).{(' ' + hint) if hint else ''}",
            system=self.system,
            requested=day,
            available=tuple(e.id for e in self._editions),
        )

    def load(self, edition: Edition) -> S:
        """The loaded code set of ``edition`` (loads once, thread-safe)."""
        try:
            return self._loaded[edition.id]
        except KeyError:
            pass
        with self._lock:
            if edition.id not in self._loaded:
                self._loaded[edition.id] = self._loaders[edition.id]()
            return self._loaded[edition.id]

    def resolve(self, edition: str | None, as_of: object) -> S:
        """The code set for an edition id, or the one in force on a date."""
        if edition is not None:
            if as_of is not None:
                raise TypeError("pass either edition or as_of, not both")
            return self.load(self.by_id(edition))
        if as_of is None:
            cur = self.current
            if cur is None:
                cur = self.current = self.load(self.newest())
            return cur
        return self.load(self.for_date(as_of))
