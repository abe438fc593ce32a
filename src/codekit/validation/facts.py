"""Cached facts about codes, for the scrubber: every (system, code, edition) resolved once.

A :class:`Store` holds, for one state of the editions (it keys on
:func:`codekit._editions.generation`, which changes when anybody loads an edition,
a CPT file or a PTP table), the views of each date of service (:class:`Day`: the
edition of every code set and edit table in force then) and small fact objects per
code and edition: the ``check()`` outcome of a diagnosis, a procedure's status and
dates, its MUE, its add-on edits, the PTP rows of a pair, the MCE rows of a
diagnosis. Per claim the scrubber then does a few dict look-ups. Everything here is
safe to share between threads: facts are immutable once stored, and dicts are only
ever filled with ``setdefault``.
"""

from __future__ import annotations

import datetime

from .. import _editions
from .. import _edittables as _et
from .._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .._editions import Edition

ICD10_START = datetime.date(2015, 10, 1)
_MEMO_LIMIT = 500_000

# the code-set modules, imported on first use
_mods: dict[str, Any] = {}


def _mod(name: str) -> Any:
    m = _mods.get(name)
    if m is None:
        import importlib

        m = _mods[name] = importlib.import_module(f"codekit.{name}")
    return m


LABELS = {
    "icd10cm": "ICD-10-CM",
    "hcpcs": "HCPCS Level II",
    "modifiers": "HCPCS modifiers",
    "cpt": "CPT",
    "pos": "place of service",
    "mce": "Medicare Code Editor",
    "ncci-mue": "NCCI MUE table",
    "ncci-aoc": "NCCI add-on code table",
    "ncci-ptp": "NCCI PTP table",
}


class EdFacts:
    """The facts of one edition of one code set: ``check()`` outcomes by code."""

    __slots__ = ("system", "edition", "check_day", "facts", "label")

    def __init__(self, system: str, edition: Edition, check_day: datetime.date) -> None:
        self.system = system
        self.edition = edition
        self.check_day = check_day
        """A date inside the edition on which ``S.check(code, as_of=)`` answers from it."""
        self.facts: dict[str, Any] = {}
        self.label = f"{system}:{edition.id}"


class Dx:
    """What one ICD-10-CM diagnosis is in one edition."""

    __slots__ = ("code", "shown", "rule", "message", "label", "obj", "day", "notes_data")

    def __init__(self, code: str, shown: str, rule: str | None, message: str, label: str,
                 obj: Any, day: datetime.date) -> None:
        self.code = code
        self.day = day
        """A date inside the edition (for look-ups in it)."""
        self.shown = shown
        self.rule = rule
        """None when the code is billable on the date; else the id of the rule it breaks."""
        self.message = message
        self.label = label
        self.obj = obj
        """The code object (None when the code is not in the edition)."""
        self.notes_data: Any = None


class Proc:
    """What one procedure code (CPT/HCPCS), modifier or place of service is in one edition."""

    __slots__ = ("code", "status", "message", "label", "added", "term")

    def __init__(self, code: str, status: str, message: str, label: str, added: int = 0,
                 term: int = 0) -> None:
        self.code = code
        self.status = status
        """``"valid"``, ``"dated"`` (valid between ``added`` and ``term``), ``"not_checked"``,
        ``"inactive"``, ``"invalid"`` or ``"bad_format"``."""
        self.message = message
        self.label = label
        self.added = added
        self.term = term


class Table:
    """An edit table in force on a date, with its per-code facts."""

    __slots__ = ("table", "edition", "label", "facts")

    def __init__(self, table: Any, edition: Edition) -> None:
        self.table = table
        self.edition = edition
        self.label = f"{edition.system}:{edition.id}"
        self.facts: dict[Any, Any] = {}


class Day:
    """Everything in force on one date of service."""

    __slots__ = ("day", "ymd", "icd", "hcpcs", "modifiers", "cpt", "pos", "mce", "mue", "aoc",
                 "ptp", "past", "missing", "cpt_loaded")

    def __init__(self, day: datetime.date) -> None:
        self.day = day
        self.ymd = day.year * 10000 + day.month * 100 + day.day
        self.icd: EdFacts | None = None
        self.hcpcs: EdFacts | None = None
        self.modifiers: EdFacts | None = None
        self.cpt: EdFacts | None = None
        self.pos: EdFacts | None = None
        self.cpt_loaded = False
        self.mce: Table | None = None
        self.mue: Table | None = None
        self.aoc: Table | None = None
        self.ptp: Table | None = None
        self.past: tuple[tuple[str, str, str], ...] = ()
        """(system, edition id, last day) of each table used past its last day."""
        self.missing: tuple[str, ...] = ()
        """Systems with no edition for the date (their checks are skipped)."""


def _pick_codeset(system: str, day: datetime.date) -> tuple[Edition | None, bool]:
    eds = _mod(system).editions()
    chosen = None
    for e in eds:
        if e.effective <= day and (e.end is None or day <= e.end):
            chosen = e
    if chosen is not None:
        return chosen, False
    if eds and eds[-1].end is not None and day > eds[-1].end:
        return eds[-1], True
    return None, False


class Store:
    """The facts for one generation of the editions."""

    def __init__(self, gen: int) -> None:
        self.gen = gen
        self.days: dict[datetime.date, Day] = {}
        self.ed_facts: dict[tuple[str, str], EdFacts] = {}
        self.tables: dict[tuple[str, str], Table] = {}
        self.pos_facts: dict[tuple[datetime.date, str], Proc] = {}
        self.misc: dict[Any, Any] = {}

    # -- dates --------------------------------------------------------------------------
    def day(self, day: datetime.date) -> Day:
        got = self.days.get(day)
        if got is None:
            got = self.days.setdefault(day, self._make_day(day))
        return got

    def _ed_facts(self, system: str, day: datetime.date, past: list[tuple[str, str, str]],
                  missing: list[str]) -> EdFacts | None:
        ed, is_past = _pick_codeset(system, day)
        if ed is None:
            missing.append(system)
            return None
        if is_past:
            assert ed.end is not None
            past.append((system, ed.id, ed.end.isoformat()))
        key = (system, ed.id)
        got = self.ed_facts.get(key)
        if got is None:
            check_day = ed.end if (is_past and ed.end is not None) else day
            got = self.ed_facts.setdefault(key, EdFacts(system, ed, check_day))
        return got

    def _table(self, kind: str, reg: Any, day: datetime.date, past: list[tuple[str, str, str]],
               missing: list[str]) -> Table | None:
        ed, is_past = _et.pick(reg, day)
        if ed is None:
            missing.append(kind)
            return None
        if is_past:
            assert ed.end is not None
            past.append((kind, ed.id, ed.end.isoformat()))
        key = (kind, ed.id)
        got = self.tables.get(key)
        if got is None:
            got = self.tables.setdefault(key, Table(reg.load(ed), ed))
        return got

    def _make_day(self, day: datetime.date) -> Day:
        from .. import mce, ncci

        d = Day(day)
        past: list[tuple[str, str, str]] = []
        missing: list[str] = []
        if day >= ICD10_START:
            d.icd = self._ed_facts("icd10cm", day, past, missing)
        else:
            missing.append("icd10cm")  # ICD-9-CM's time: no ICD-10-CM check applies
        d.hcpcs = self._ed_facts("hcpcs", day, past, missing)
        d.modifiers = self._ed_facts("modifiers", day, past, missing)
        d.pos = self._ed_facts("pos", day, past, missing)
        d.cpt_loaded = bool(_mod("cpt").editions())
        if d.cpt_loaded:
            d.cpt = self._ed_facts("cpt", day, past, missing)
        if day >= ICD10_START:
            d.mce = self._table("mce", mce._REG, day, past, missing)
        d.mue = self._table("ncci-mue", ncci.tables("mue"), day, past, missing)
        d.aoc = self._table("ncci-aoc", ncci.tables("aoc"), day, past, missing)
        ptp_missing: list[str] = []
        d.ptp = self._table("ncci-ptp", ncci.tables("ptp"), day, past, ptp_missing)
        d.past = tuple(past)
        d.missing = tuple(missing)
        return d

    # -- diagnoses ----------------------------------------------------------------------
    def dx(self, ef: EdFacts, norm: str) -> Dx:
        got: Dx | None = ef.facts.get(norm)
        if got is None:
            facts = ef.facts
            if len(facts) >= _MEMO_LIMIT:
                facts.clear()
            got = facts.setdefault(norm, _make_dx(ef, norm))
        return got

    # -- procedures, modifiers, places of service ---------------------------------------
    def proc(self, ef: EdFacts, norm: str) -> Proc:
        got: Proc | None = ef.facts.get(norm)
        if got is None:
            facts = ef.facts
            if len(facts) >= _MEMO_LIMIT:
                facts.clear()
            got = facts.setdefault(norm, _make_proc(ef, norm))
        return got

    # -- edit tables ---------------------------------------------------------------------
    def mce_rows(self, t: Table, norm: str) -> tuple[tuple[int, int, int], ...]:
        got: tuple[tuple[int, int, int], ...] | None = t.facts.get(norm)
        if got is None:
            got = t.facts.setdefault(norm, t.table.rows(norm))
        return got

    def mce_flags(self, t: Table, norm: str, ymd: int) -> frozenset[str]:
        """The MCE flags of a diagnosis on a date (``ymd`` as YYYYMMDD)."""
        key = (norm, ymd)
        got: frozenset[str] | None = t.facts.get(key)
        if got is None:
            bits = 0
            for start, end, b in self.mce_rows(t, norm):
                if start <= ymd and (not end or ymd <= end):
                    bits |= b
            got = t.facts.setdefault(key, t.table.names_of(bits))
        return got

    def mce_retired_sex(self, t: Table, norm: str) -> str | None:
        key = ("sex", norm)
        got = t.facts.get(key, 0)
        if got == 0:
            got = t.facts.setdefault(key, t.table.retired_sex(norm))
        return got  # type: ignore[no-any-return]

    def mue(self, t: Table, code: str) -> tuple[int, int, str] | None:
        got = t.facts.get(code, 0)
        if got == 0:
            got = t.facts.setdefault(code, t.table.get(code))
        return got  # type: ignore[no-any-return]

    def aoc(self, t: Table, code: str) -> tuple[Any, ...]:
        got: tuple[Any, ...] | None = t.facts.get(code)
        if got is None:
            got = t.facts.setdefault(code, t.table.rows(code))
        return got

    def ptp(self, t: Table, col1: str, col2: str) -> tuple[tuple[int, int, int], ...]:
        key = (col1, col2)
        facts = t.facts
        got: tuple[tuple[int, int, int], ...] | None = facts.get(key)
        if got is None:
            if len(facts) >= _MEMO_LIMIT:
                facts.clear()
            got = facts.setdefault(key, t.table.pairs(col1, col2))
        return got

    def pos(self, day: datetime.date, code: str) -> Proc:
        key = (day, code)
        got = self.pos_facts.get(key)
        if got is None:
            if len(self.pos_facts) >= _MEMO_LIMIT:
                self.pos_facts.clear()
            r = _mod("pos").check(code, as_of=day)
            status = r.status.value
            got = self.pos_facts.setdefault(key, Proc(
                code, "valid" if status == "valid" else "invalid", r.message,
                f"pos:{r.edition}" if r.edition else "pos"))
        return got


def _shown(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def _make_dx(ef: EdFacts, norm: str) -> Dx:
    icd10cm = _mod("icd10cm")
    r = icd10cm.check(norm, as_of=ef.check_day)
    status = r.status.value
    shown = r.code if status != "bad_format" else _shown(repr(norm))
    obj = icd10cm.get(norm, as_of=ef.check_day) if status != "bad_format" else None
    rule: str | None
    message = r.message
    if status == "valid":
        rule = None
    elif status == "not_billable":
        rule = "ICD10CM-NOT-BILLABLE"
    elif status == "needs_7th_character":
        rule = "ICD10CM-NEEDS-7TH"
    elif status == "inactive":
        rule = "ICD10CM-INACTIVE"
    else:
        rule = "ICD10CM-INVALID"
        if 4 <= len(norm) <= 7 and norm.isascii() and norm.isalnum():
            padded = norm[:-1].ljust(6, "X") + norm[-1]
            if padded != norm and icd10cm.is_valid(padded, as_of=ef.check_day):
                rule = "ICD10CM-PLACEHOLDER-X"
                message = (f"{shown} lacks the placeholder X: the complete code is "
                           f"{icd10cm.format(padded)} (ICD-10-CM {ef.edition.id}; "
                           "guideline I.A.4)")
        if rule == "ICD10CM-INVALID" and _mod("icd9cm").is_valid(norm):
            rule = "ICD10CM-ICD9-CODE"
            message = f"{_mod('icd9cm').format(norm)} is an ICD-9-CM code: " + _icd9_hint(norm)
    return Dx(norm, shown, rule, message, ef.label, obj, ef.check_day)


def _icd9_hint(norm: str) -> str:
    gems = _mod("gems")
    try:
        targets = [e.target for e in gems.to_icd10cm(norm)][:3]
    except Exception:  # pragma: no cover - gems has no entry
        targets = []
    hint = f" (the GEMs map it to {', '.join(targets)})" if targets else ""
    return (f"claims for services from {ICD10_START.isoformat()} must use ICD-10-CM"
            f"{hint}")


def _ymd(day: datetime.date | None) -> int:
    return 0 if day is None else day.year * 10000 + day.month * 100 + day.day


def _make_proc(ef: EdFacts, norm: str) -> Proc:
    m = _mod(ef.system)
    r = m.check(norm, as_of=ef.check_day)
    status = r.status.value
    if ef.system in ("hcpcs", "modifiers") and (
        status == "valid" or (status == "inactive" and (r.valid_from or r.valid_to))
    ):
        # a row of the edition with added/terminated dates: valid between them
        return Proc(r.code, "dated", r.message, ef.label, _ymd(r.valid_from), _ymd(r.valid_to))
    if status in ("unknown", "no_edition"):
        status = "invalid"
    shown = r.code if status != "bad_format" else _shown(repr(norm))
    return Proc(shown, status, r.message, ef.label)


def dated_message(p: Proc, ef: EdFacts, ymd: int) -> str:
    """Why a dated code is not valid on ``ymd`` (added later, or terminated before)."""
    label = LABELS.get(ef.system, ef.system)
    if p.term and ymd > p.term:
        return (f"{p.code} was terminated on {_et.from_ymd(p.term)} ({label} {ef.edition.id}): "
                "not valid for dates of service after that")
    return (f"{p.code} is not in effect yet on {_et.from_ymd(ymd)}: it was added on "
            f"{_et.from_ymd(p.added)} ({label} {ef.edition.id})")


_current: list[Store] = [Store(-1)]
_warmed: list[bool] = [False]


def current_generation() -> int:
    """The editions' generation now."""
    return _editions._generation


def _warm() -> None:
    """Register every system's bundled editions up front: their first registration
    changes the generation, which would otherwise discard the first store at once."""
    from .. import mce, ncci

    for name in ("icd10cm", "hcpcs", "modifiers", "pos", "cpt", "icd9cm"):
        _mod(name).editions()
    mce.editions()
    for kind in ("mue", "aoc", "ptp"):
        ncci.editions(kind)
    _warmed[0] = True


def store() -> Store:
    """The store of the current generation (a new, empty one after any edition change)."""
    if not _warmed[0]:
        _warm()
    s = _current[0]
    gen = _editions._generation
    if s.gen != gen:
        s = Store(gen)
        _current[0] = s
    return s
