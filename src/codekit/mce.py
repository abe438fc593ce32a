"""Medicare Code Editor (MCE) edits of ICD-10-CM diagnoses, by date of service.

The CMS MCE ("Definitions of Medicare Code Edits") flags diagnoses that conflict
with a patient's age (newborn, pediatric, maternity, adult), sex, or that may not
be the principal (first-listed) diagnosis (manifestation codes, external causes,
"unacceptable principal" codes). codekit ships the MCE v43.1 diagnosis tables:
each code's flags carry their own date spans, so a date of service gets the flags
in force then (e.g. the diagnosis sex edits end on 2024-09-30 in these tables).

>>> from codekit import mce
>>> sorted(mce.flags("N40.0", as_of="2024-06-01")), sorted(mce.flags("N40.0", as_of="2025-06-01"))
(['adult', 'male'], ['adult'])
>>> mce.age_range("maternity", as_of="2019-06-01"), mce.age_range("maternity", as_of="2020-06-01")
((12, 55), (9, 64))
>>> mce.flags("F02.80", as_of="2026-01-15")
frozenset({'manifestation'})
"""

from __future__ import annotations

import datetime

from . import _edittables as _et
from ._editions import Edition
from ._edittables import as_date as _as_date
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from ._store import Table

__all__ = ["AGE_GROUPS", "age_range", "editions", "flags", "sex_flags_history"]

AGE_GROUPS = ("newborn", "pediatric", "maternity", "adult")
"""The MCE age categories (edit 4, "age conflict")."""


class _MCETable:
    def __init__(self, table: Table, edition: Edition) -> None:
        self.table = table
        self.edition = edition
        self.cols = tuple(table.ints(n) for n in ("first", "count", "start", "end", "flags"))
        names: list[str] = table.json("flag_names")
        self.names = names
        self.bits = {n: 1 << i for i, n in enumerate(names)}
        self.open_end = int(table.meta.get("open_end", 0))
        self.ages: list[list[Any]] = table.json("ages")
        self._decoded: dict[int, frozenset[str]] = {}
        self._sex_end: int | None = None

    @property
    def sex_end(self) -> int:
        """The last day (YYYYMMDD) of the diagnosis sex edits, when they all ended (the
        v43.1 tables end them on 2024-09-30); 0 while any is open."""
        got = self._sex_end
        if got is None:
            _first, _count, _start, end, bits = self.cols
            sexbits = self.bits.get("male", 0) | self.bits.get("female", 0)
            last = 0
            for e, b in zip(end, bits, strict=True):
                if b & sexbits:
                    if e == self.open_end:
                        last = 0
                        break
                    last = max(last, e)
            got = self._sex_end = last
        return got

    def retired_sex(self, norm: str) -> str | None:
        """``"male"`` or ``"female"`` when the code's sex flag ended with the sex edits."""
        end = self.sex_end
        if not end:
            return None
        for _start, e, b in self.rows(norm):
            if e == end:
                names = self.names_of(b)
                for s in ("male", "female"):
                    if s in names:
                        return s
        return None

    def rows(self, norm: str) -> tuple[tuple[int, int, int], ...]:
        """(start, end, flag bits) of every dated row of a normalized code (end 0: open)."""
        row = self.table.find_key("codes", norm) if 3 <= len(norm) <= 7 else None
        if row is None:
            return ()
        first, count, start, end, bits = self.cols
        out = []
        for i in range(first[row], first[row] + count[row]):
            e = end[i]
            out.append((start[i], 0 if e == self.open_end else e, bits[i]))
        return tuple(out)

    def names_of(self, bits: int) -> frozenset[str]:
        got = self._decoded.get(bits)
        if got is None:
            got = frozenset(n for n, b in self.bits.items() if bits & b)
            self._decoded[bits] = got
        return got

    def age_range(self, group: str, day: int) -> tuple[int, int] | None:
        for g, lo, hi, start, end in self.ages:
            if g == group and start <= day and (day <= end or end == self.open_end):
                return int(lo), int(hi)
        return None


_REG = _et.registry("mce", "Medicare Code Editor", "mce", "mce-dx", _MCETable)


def table(as_of: datetime.date) -> tuple[_MCETable | None, bool]:
    """The MCE table for a date of service and whether the date is past its end."""
    ed, past = _et.pick(_REG, as_of)
    return (None, False) if ed is None else (_REG.load(ed), past)


def editions() -> tuple[Edition, ...]:
    """The MCE releases codekit has.

    >>> [(e.id, str(e.effective), str(e.end)) for e in editions()]
    [('v43.1', '2015-10-01', '2027-03-31')]
    """
    return _REG.editions()


def _norm(code: object) -> str:
    return code.strip().replace(".", "").upper() if isinstance(code, str) else ""


def flags(code: str, *, as_of: object) -> frozenset[str]:
    """The MCE flags of an ICD-10-CM diagnosis on a date of service (empty when none, or
    when no MCE release covers the date). Flag names are the MCE's: ``newborn``,
    ``pediatric``, ``maternity``, ``adult``, ``male``, ``female``, ``manifestation``,
    ``ecodepdx`` (external cause as principal), ``unacceptable`` (unacceptable principal
    diagnosis), and others.

    >>> sorted(flags("O80", as_of="2026-03-01"))
    ['maternity']
    """
    day = _as_date(as_of)
    t, _past = table(day)
    if t is None:
        return frozenset()
    d = _et.ymd(day)
    bits = 0
    for start, end, b in t.rows(_norm(code)):
        if start <= d and (not end or d <= end):
            bits |= b
    return t.names_of(bits)


def sex_flags_history(code: str) -> frozenset[str]:
    """The sex flags (``male``/``female``) the code carried in any MCE period, even one
    that has ended (the diagnosis sex edits end on 2024-09-30 in MCE v43.1; many payers
    still apply them).

    >>> sex_flags_history("C61")
    frozenset({'male'})
    """
    t, _ = table(datetime.date.today())
    if t is None:
        eds = _REG.editions()
        if not eds:
            return frozenset()
        t = _REG.load(eds[-1])
    bits = 0
    for _s, _e, b in t.rows(_norm(code)):
        bits |= b
    return t.names_of(bits) & {"male", "female"}


def age_range(group: str, *, as_of: object) -> tuple[int, int] | None:
    """The (lowest, highest) age in years of an MCE age category on a date of service.

    >>> age_range("adult", as_of="2026-01-01"), age_range("newborn", as_of="2026-01-01")
    ((15, 124), (0, 0))
    """
    day = _as_date(as_of)
    t, _past = table(day)
    return None if t is None else t.age_range(group.lower(), _et.ymd(day))
