"""The per-claim context every rule receives: the claim prepared once, code facts pinned
by each line's date of service, and the severities of this run.

Rules read ``ctx.lines`` (one :class:`Line` per service line: normalized code and
modifiers, date, the :class:`~codekit.validation.facts.Day` in force then),
``ctx.dx`` (normalized diagnosis codes) and ``ctx.dx_days`` (the dates each
diagnosis is judged on: those of the lines pointing to it), and make findings with
:meth:`ClaimContext.finding`, which applies the run's severity overrides and returns
None for a disabled rule. Every code look-up goes through the shared, memoized
facts (:mod:`codekit.validation.facts`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ..findings import Finding, Severity
from . import facts as _facts

__all__ = ["ClaimContext", "Line"]

_new = object.__new__
_DROP_DX = str.maketrans("", "", " .\t\r\n\u00a0")
_DROP_CODE = str.maketrans("", "", " \t\r\n\u00a0")


_s_rule = Finding.rule.__set__  # type: ignore[misc,attr-defined]
_s_sev = Finding.severity.__set__  # type: ignore[misc,attr-defined]
_s_msg = Finding.message.__set__  # type: ignore[misc,attr-defined]
_s_path = Finding.path.__set__  # type: ignore[misc,attr-defined]
_s_value = Finding.value.__set__  # type: ignore[misc,attr-defined]
_s_eds = Finding.editions.__set__  # type: ignore[misc,attr-defined]


def make_finding(rule: str, severity: Severity, message: str, path: str, value: object,
                 editions: tuple[str, ...]) -> Finding:
    """A Finding without running the attrs converters (the values are already right)."""
    f = _new(Finding)
    _s_rule(f, rule)
    _s_sev(f, severity)
    _s_msg(f, message)
    _s_path(f, path)
    _s_value(f, value)
    _s_eds(f, editions)
    return f


_norm_cache: dict[str, str] = {}


def norm_code(raw: str) -> str:
    """A procedure code or modifier stripped and upper-cased (memoized)."""
    got = _norm_cache.get(raw)
    if got is None:
        got = raw.translate(_DROP_CODE).upper() if isinstance(raw, str) else ""
        if len(_norm_cache) < 100_000:
            _norm_cache[raw] = got
    return got


_dx_cache: dict[str, str] = {}
_mods_cache: dict[tuple[str, ...], tuple[str, ...]] = {}


def norm_dx(raw: str) -> str:
    """A diagnosis code without blanks and dot, upper-cased (memoized)."""
    got = _dx_cache.get(raw)
    if got is None:
        got = raw.translate(_DROP_DX).upper() if isinstance(raw, str) else ""
        if len(_dx_cache) < 100_000:
            _dx_cache[raw] = got
    return got


_PATHS = [f"lines[{i}]" for i in range(64)]


class Line:
    """One service line, prepared for the rules."""

    __slots__ = ("i", "line", "code", "system", "mods", "day", "view", "path")

    def __init__(self, i: int, line: Any, code: str, system: str | None, mods: tuple[str, ...],
                 day: datetime.date | None, view: _facts.Day | None) -> None:
        self.i = i
        """Index of the line on the claim."""
        self.line = line
        """The :class:`~codekit.claims.ServiceLine` itself."""
        self.code = code
        """The code, normalized."""
        self.system = system
        """``"cpt"``, ``"hcpcs"`` or None (neither shape)."""
        self.mods = mods
        """The modifiers, normalized."""
        self.day = day
        """The date of service (None when missing)."""
        self.view = view
        """What is in force on that date (None without a date)."""
        self.path = _PATHS[i] if i < 64 else f"lines[{i}]"
        """``"lines[i]"``, the start of the line's finding paths."""


class ClaimContext:
    """What a rule gets besides the claim. The public part: :attr:`claim`,
    :attr:`submitted_on`, :attr:`options`, :attr:`lines`, :attr:`dx`,
    :attr:`dx_days`, :attr:`dates`, :meth:`finding`, :meth:`check` and :meth:`age`."""

    __slots__ = ("claim", "submitted_on", "options", "store", "lines", "dx", "dx_days", "dates",
                 "memo", "_sev", "_off", "_ages", "_once")

    def __init__(self, claim: Any, submitted_on: datetime.date, options: dict[str, Any],
                 sev: dict[str, Severity], off: frozenset[str], store: _facts.Store) -> None:
        self.claim = claim
        self.submitted_on = submitted_on
        """The date the claim is judged as submitted on (future dates, timely filing)."""
        self.options = options
        """Rule options of this run (e.g. ``timely_filing_months``)."""
        self.store = store
        self._sev = sev
        self._off = off
        self._ages: dict[datetime.date, int | None] | None = None
        self._once: set[str] | None = None
        self.memo: dict[str, Any] = {}
        """Scratch space the rules of one claim share (e.g. each diagnosis's facts)."""
        days: dict[datetime.date, _facts.Day] = {}
        lines = []
        raw_lines = claim.lines
        for i, ln in enumerate(raw_lines):
            day = ln.service_date
            view = None
            if type(day) is datetime.date:
                view = days.get(day)
                if view is None:
                    view = days[day] = store.day(day)
            else:
                day = None
            mods = ln.modifiers
            if mods:
                nm = _mods_cache.get(mods)
                if nm is None:
                    nm = tuple(norm_code(m) for m in mods)
                    if len(_mods_cache) < 100_000:
                        _mods_cache[mods] = nm
            else:
                nm = ()
            code = ln.code
            nc = _norm_cache.get(code)
            lines.append(Line(i, ln, nc if nc is not None else norm_code(code), ln.code_system, nm,
                              day, view))
        self.lines: tuple[Line, ...] = tuple(lines)
        """The service lines, prepared (:class:`Line`)."""
        dxs = claim.diagnoses
        self.dx: tuple[str, ...] = tuple([_dx_cache.get(d) or norm_dx(d) for d in dxs])
        """The diagnosis codes, normalized (no dot), in claim order."""
        self.dates: tuple[_facts.Day, ...] = (
            tuple(days.values()) if len(days) < 2 else tuple(days[d] for d in sorted(days)))
        """What is in force on each distinct date of service on the claim, in date order."""
        n = len(self.dx)
        if len(self.dates) <= 1:
            self.dx_days: tuple[tuple[_facts.Day, ...], ...] = (self.dates,) * n
        else:
            per: list[list[_facts.Day]] = [[] for _ in range(n)]
            for ln in lines:
                if ln.view is None:
                    continue
                for p in ln.line.diagnosis_pointers:
                    if 1 <= p <= n and ln.view not in per[p - 1]:
                        per[p - 1].append(ln.view)
            self.dx_days = tuple(tuple(sorted(v, key=lambda d: d.day)) if v else self.dates
                                 for v in per)
        """For each diagnosis, the dates it is judged on: those of the lines pointing to it
        (all the claim's dates when no line does)."""

    # -- findings -----------------------------------------------------------------------
    def finding(self, rule: str, message: str, path: str = "", value: object = None,
                editions: tuple[str, ...] = (), *,
                severity: Severity | None = None) -> Finding | None:
        """A finding of ``rule`` with this run's severity for it (None when the rule is
        disabled). ``severity`` is used for ids the registry does not know."""
        sev = self._sev.get(rule)
        if sev is None:
            if rule in self._off:
                return None
            sev = severity if severity is not None else Severity.WARNING
        return make_finding(rule, sev, message, path, value, editions)

    def severity(self, rule: str) -> Severity | None:
        """This run's severity of a rule (None when it is disabled or unknown)."""
        return self._sev.get(rule)

    def once(self, key: str) -> bool:
        """True the first time ``key`` is seen on this claim (for say-it-once findings)."""
        seen = self._once
        if seen is None:
            seen = self._once = set()
        if key in seen:
            return False
        seen.add(key)
        return True

    # -- look-ups -----------------------------------------------------------------------
    def check(self, system: str, code: object, day: datetime.date) -> Any:
        """``codekit.<system>.check(code, as_of=day)``, memoized, and without the past-
        the-newest-edition warning (the edition used is on the result)."""
        key = ("check", system, code if isinstance(code, str) else repr(code), day)
        memo = self.store.misc
        got = memo.get(key)
        if got is None:
            ed, past = _facts._pick_codeset(system, day)
            as_of = ed.end if (ed is not None and past) else day
            got = memo.setdefault(key, _facts._mod(system).check(code, as_of=as_of))
        return got

    def age(self, day: datetime.date) -> int | None:
        """The patient's age in whole years on ``day`` (None without a birth date, or for a
        date before the birth)."""
        ages = self._ages
        if ages is None:
            ages = self._ages = {}
        elif day in ages:
            return ages[day]
        patient = self.claim.patient
        birth = patient.birth_date if patient is not None else None
        if type(birth) is not datetime.date or day < birth:
            ages[day] = None
            return None
        years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        ages[day] = years
        return years


ZERO = Decimal(0)
