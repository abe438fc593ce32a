"""The generic code set and the verbs every code-system module shares.

A :class:`CodeSet` is one edition of one code system: iterable, sized,
``in``-testable, with :meth:`CodeSet.get` and the hierarchy (parent, children,
ancestors, descendants). The code-system modules (:mod:`codekit.icd10cm`, ...)
build on it and add their own code objects.

>>> from codekit import icd10cm
>>> cs = icd10cm.code_set("FY2026")
>>> "E11.9" in cs, "e119" in cs, "E11.99" in cs
(True, True, False)
>>> [c.code for c in cs.children("E11.4")]
['E11.40', 'E11.41', 'E11.42', 'E11.43', 'E11.44', 'E11.49']
"""

from __future__ import annotations

from ._normalize import clean, drop_table
from ._typing import TYPE_CHECKING, Generic, TypeVar
from .errors import (
    CodeInactive,
    CodekitError,
    CodeNotFound,
    EditionNotFound,
    InvalidCodeFormat,
)

if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterator
    from typing import Any

    from ._editions import Edition, _Registry
    from ._store import Table
    from .status import CheckResult

__all__ = ["CodeSet"]

# bits of the per-row ``flags`` section
FLAG_BILLABLE = 1
FLAG_NEEDS_7TH = 2

_MEMO_LIMIT = 200_000

C = TypeVar("C")


def _span(e: Edition) -> str:
    end = e.end.isoformat() if e.end else "open"
    return f"{e.id} ({e.effective.isoformat()} to {end})"


class CodeSet(Generic[C]):
    """One edition of one code system.

    Iteration yields code objects in the official (tabular) order; ``len`` counts
    every entry, headers included; ``in`` and :meth:`get` accept any input form
    (with or without the dot, any case, surrounding blanks).
    """

    def __init__(self, table: Table, edition: Edition, *, system: _System[C]) -> None:
        self._table = table
        self.edition = edition
        """The :class:`~codekit.Edition` (id, dates, source)."""
        self._system = system
        self._n = table.key_count("codes")
        self._flags = table.ints("flags")
        self._parent = table.ints("parent")
        self._codes_list: list[str] | None = None
        self._index_dict: dict[str, int] | None = None
        self._searches = 0
        self._children: list[list[int]] | None = None
        self._memo: dict[str, C] = {}
        self._valid_memo: dict[str, bool] = {}
        self._objects: dict[int, C] = {}
        self._cache: dict[str, Any] = {}

    # -- storage ------------------------------------------------------------------------
    @property
    def _codes(self) -> list[str]:
        """Every code (normalized) in official order (decoded on first use)."""
        codes = self._codes_list
        if codes is None:
            codes = self._codes_list = self._table.all_keys("codes")
        return codes

    @property
    def _index(self) -> dict[str, int]:
        """Normalized code -> row (built on first use)."""
        idx = self._index_dict
        if idx is None:
            idx = self._index_dict = dict(zip(self._codes, range(self._n), strict=True))
        return idx

    def _find(self, norm: str) -> int | None:
        """Row of a normalized code: a binary search over the mapped table until enough
        distinct look-ups make building the dict index worth it."""
        idx = self._index_dict
        if idx is not None:
            return idx.get(norm)
        self._searches += 1
        if self._searches > 2000:
            return self._index.get(norm)
        return self._table.find_key("codes", norm)

    # -- container protocol -------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[C]:
        for i in range(self._n):
            yield self._obj(i)

    def __contains__(self, code: object) -> bool:
        return self._row(code) is not None

    def __repr__(self) -> str:
        return (
            f"<CodeSet {self._system.label} {self.edition.id}: {len(self)} codes, "
            f"{self.billable_count} billable>"
        )

    @property
    def system(self) -> str:
        """The code system id, e.g. ``"icd10cm"``."""
        return self._system.name

    @property
    def billable_count(self) -> int:
        """How many codes are billable."""
        return sum(f & FLAG_BILLABLE for f in self._flags)

    @property
    def meta(self) -> dict[str, Any]:
        """The edition's build metadata (source file, kind of file)."""
        return dict(self._table.meta)

    def codes(self, *, billable_only: bool = False) -> list[str]:
        """Every code in display form, in official order.

        >>> from codekit import icd10cm
        >>> icd10cm.code_set("FY2026").codes(billable_only=True)[:3]
        ['A00.0', 'A00.1', 'A00.9']
        """
        fmt = self._system.display
        return [
            fmt(c)
            for c, f in zip(self._codes, self._flags, strict=True)
            if not billable_only or f & FLAG_BILLABLE
        ]

    def billable(self) -> Iterator[C]:
        """The billable code objects, in official order."""
        for i, f in enumerate(self._flags):
            if f & FLAG_BILLABLE:
                yield self._obj(i)

    # -- look-ups -----------------------------------------------------------------------
    def get(self, code: object, default: Any = None) -> Any:
        """The code object for ``code`` (header or billable), else ``default``."""
        try:
            return self._memo[code]  # type: ignore[index]
        except (KeyError, TypeError):
            pass
        row = self._row(code)
        if row is None:
            return default
        obj = self._obj(row)
        if isinstance(code, str):
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[code] = obj
        return obj

    def __getitem__(self, code: str) -> C:
        obj: C | None = self.get(code)
        if obj is None:
            raise self._system.not_found(code, self)
        return obj

    def _row(self, code: object) -> int | None:
        if not isinstance(code, str):
            code = getattr(code, "code", None)
            if not isinstance(code, str):
                return None
        return self._find(code.translate(self._system.drop).upper())

    def _obj(self, row: int) -> C:
        try:
            return self._objects[row]
        except KeyError:
            # setdefault is atomic: threads racing on one row all get the first object made
            return self._objects.setdefault(row, self._system.factory(self, row))

    # row-level accessors for the code-object factories
    def _code(self, row: int) -> str:
        codes = self._codes_list
        return codes[row] if codes is not None else self._table.key("codes", row)

    def _is_billable(self, row: int) -> bool:
        return bool(self._flags[row] & FLAG_BILLABLE)

    def _needs_7th(self, row: int) -> bool:
        return bool(self._flags[row] & FLAG_NEEDS_7TH)

    def _parent_row(self, row: int) -> int | None:
        p = self._parent[row]
        return None if p < 0 else p

    def _child_rows(self, row: int) -> list[int]:
        kids = self._children
        if kids is None:
            kids = [[] for _ in range(self._n)]
            for i, p in enumerate(self._parent):
                if p >= 0:
                    kids[p].append(i)
            self._children = kids
        return kids[row]

    # -- hierarchy ----------------------------------------------------------------------
    def parent(self, code: str) -> C | None:
        """The parent code object, or None for a top-level code."""
        p = self._parent_row(self._require(code))
        return None if p is None else self._obj(p)

    def children(self, code: str) -> tuple[C, ...]:
        """The direct children, in official order."""
        return tuple(self._obj(r) for r in self._child_rows(self._require(code)))

    def ancestors(self, code: str) -> tuple[C, ...]:
        """Parent, grandparent, ... up to the top-level code."""
        out = []
        p = self._parent_row(self._require(code))
        while p is not None:
            out.append(self._obj(p))
            p = self._parent_row(p)
        return tuple(out)

    def descendants(self, code: str) -> tuple[C, ...]:
        """Every code below ``code``, depth first in official order."""
        out: list[C] = []
        stack = list(reversed(self._child_rows(self._require(code))))
        while stack:
            r = stack.pop()
            out.append(self._obj(r))
            stack.extend(reversed(self._child_rows(r)))
        return tuple(out)

    def _require(self, code: str) -> int:
        row = self._row(code)
        if row is None:
            raise self._system.not_found(code, self)
        return row


def _bundled_bootstrap(system: str, get_system: Callable[[], _System[C]]) -> Callable[[_Registry[CodeSet[C]]], None]:
    """The bootstrap of a system's registry: register every bundled edition of
    ``system`` with a loader that memory-maps its table on first use.

    ``get_system`` returns the module's :class:`_System` (defined after the registry).
    """

    def boot(reg: _Registry[CodeSet[C]]) -> None:
        from . import _resources

        for edition, path in _resources.bundled_editions(system):
            reg.add(edition, _table_loader(edition, path, get_system))

    return boot


def _table_loader(
    edition: Edition, path: str, get_system: Callable[[], _System[C]]
) -> Callable[[], CodeSet[C]]:
    def load() -> CodeSet[C]:
        from . import _resources

        return CodeSet(_resources.open_table(path), edition, system=get_system())

    return load


class _System(Generic[C]):
    """What one code-system module tells the generic machinery about itself."""

    def __init__(
        self,
        *,
        name: str,
        label: str,
        pattern: str,
        display: Callable[[str], str],
        factory: Callable[[CodeSet[C], int], C],
        registry: _Registry[CodeSet[C]],
        format_hint: str,
        keep_dots: bool = False,
    ) -> None:
        self.keep_dots = keep_dots
        self.drop = drop_table(keep_dots=keep_dots)
        """The ``str.translate`` table that cleans input (blanks, and dots unless kept)."""
        self.name = name
        self.label = label
        self._pattern_text = pattern
        self._pattern: re.Pattern[str] | None = None
        self.display = display
        self.factory = factory
        self.registry = registry
        self.format_hint = format_hint

    # -- normalisation ------------------------------------------------------------------
    def normalize(self, code: object) -> str:
        return clean(code, self.label, self.name, keep_dots=self.keep_dots)

    def well_formed(self, norm: str) -> bool:
        if self._pattern is None:
            import re

            self._pattern = re.compile(self._pattern_text)
        return self._pattern.fullmatch(norm) is not None

    def bad_format_message(self, code: object) -> str:
        return f"{code!r} is not a well-formed {self.label} code ({self.format_hint})"

    def validate_format(self, code: object) -> str:
        norm = clean(code, self.label, self.name, keep_dots=self.keep_dots)
        if not self.well_formed(norm):
            raise InvalidCodeFormat(self.bad_format_message(code), system=self.name, code=code)
        return norm

    def format(self, code: object) -> str:
        return self.display(self.validate_format(code))

    # -- editions -----------------------------------------------------------------------
    def code_set(self, edition: str | None = None, as_of: object = None) -> CodeSet[C]:
        return self.registry.resolve(edition, as_of)

    def other_editions(self, current: CodeSet[C]) -> list[CodeSet[C]]:
        out = []
        for e in self.registry.editions():
            if e.id != current.edition.id:
                try:
                    out.append(self.registry.load(e))
                except CodekitError:  # pragma: no cover - a broken user edition
                    continue
        return out

    # -- errors -------------------------------------------------------------------------
    def suggestions(self, norm: str, cs: CodeSet[C], limit: int = 5) -> tuple[str, ...]:
        """Near valid codes: complete codes under the longest known prefix, then codes
        one or two edits away (nearest and billable first)."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        found: list[str] = []
        for cut in range(len(norm) - 1, 0, -1):
            row = cs._find(norm[:cut])
            if row is not None:
                for r in [row, *cs._child_rows(row)]:
                    if cs._is_billable(r) or cs._needs_7th(r):
                        found.append(cs._code(r))
                break
        close = process.extract(
            norm, cs._codes, scorer=Levenshtein.distance, limit=limit * 4, score_cutoff=2
        )
        close.sort(key=lambda t: (t[1], not cs._is_billable(t[2]), t[2]))
        for c, _, _ in close:
            if c not in found:
                found.append(c)
        return tuple(self.display(c) for c in found[:limit])

    def not_found(self, code: object, cs: CodeSet[C]) -> CodeNotFound:
        norm = self.validate_format(code)
        shown = self.display(norm)
        elsewhere = [o.edition for o in self.other_editions(cs) if o._find(norm) is not None]
        sugg = self.suggestions(norm, cs)
        if elsewhere:
            return CodeInactive(
                f"{shown} is not in {self.label} {cs.edition.id}, the edition in force for that "
                f"date; it exists in {', '.join(_span(e) for e in elsewhere)}",
                system=self.name,
                code=shown,
                edition=cs.edition.id,
                suggestions=sugg,
                valid_in=tuple(e.id for e in elsewhere),
            )
        hint = f"; did you mean {', '.join(sugg)}?" if sugg else ""
        return CodeNotFound(
            f"{shown} is not in {self.label} {cs.edition.id}{hint}",
            system=self.name,
            code=shown,
            edition=cs.edition.id,
            suggestions=sugg,
        )

    # -- verbs --------------------------------------------------------------------------
    def lookup(self, code: object, as_of: object = None) -> C:
        cs = self.code_set(None, as_of)
        obj: C | None = cs.get(code)
        if obj is None:
            raise self.not_found(code, cs)
        return obj

    def validate(self, code: object, as_of: object = None) -> str:
        """The display form of a code valid on ``as_of``, else the precise error that
        :meth:`check` describes (python-stdnum's ``validate``)."""
        from .errors import CodeNotBillable
        from .status import CodeStatus

        r = self.check(code, as_of)
        s = r.status
        if s in (CodeStatus.VALID, CodeStatus.NOT_CHECKED):
            return r.code
        if s is CodeStatus.BAD_FORMAT:
            raise InvalidCodeFormat(r.message, system=self.name, code=code)
        if s in (CodeStatus.NOT_BILLABLE, CodeStatus.NEEDS_7TH_CHARACTER):
            raise CodeNotBillable(r.message, system=self.name, code=r.code, edition=r.edition)
        if s is CodeStatus.INACTIVE:
            raise CodeInactive(r.message, system=self.name, code=r.code, edition=r.edition)
        if s is CodeStatus.NO_EDITION:
            # check() turned the registry's error into a status; raise it again
            self.code_set(None, as_of)
        cs = self.code_set(None, as_of)
        raise CodeNotFound(
            r.message,
            system=self.name,
            code=r.code,
            edition=r.edition,
            suggestions=self.suggestions(self.validate_format(code), cs),
        )

    def is_valid(self, code: object, as_of: object = None) -> bool:
        if not isinstance(code, str):
            return False
        try:
            cs = self.code_set(None, as_of)
        except (CodekitError, TypeError, ValueError):
            return False
        row = cs._find(code.translate(self.drop).upper())
        ok = row is not None and bool(cs._flags[row] & FLAG_BILLABLE)
        memo = cs._valid_memo
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[code] = ok
        return ok

    def check(self, code: object, as_of: object = None) -> CheckResult:
        from .status import CheckResult, CodeStatus

        shown = code if isinstance(code, str) else repr(code)
        try:
            norm = clean(code, self.label, self.name, keep_dots=self.keep_dots)
        except InvalidCodeFormat as exc:
            return CheckResult(shown, self.name, CodeStatus.BAD_FORMAT, exc.message)
        if not self.well_formed(norm):
            return CheckResult(
                shown, self.name, CodeStatus.BAD_FORMAT, self.bad_format_message(code)
            )
        shown = self.display(norm)
        try:
            cs = self.code_set(None, as_of)
        except EditionNotFound as exc:
            return CheckResult(shown, self.name, CodeStatus.NO_EDITION, exc.message)
        row = cs._find(norm)
        if row is not None:
            return self.check_row(cs, row, shown)
        return self.check_missing(cs, norm, shown)

    def check_row(self, cs: CodeSet[C], row: int, shown: str) -> CheckResult:
        from .status import CheckResult, CodeStatus

        ed = cs.edition
        if cs._is_billable(row):
            return CheckResult(
                shown,
                self.name,
                CodeStatus.VALID,
                f"{shown} is valid in {self.label} {ed.id}",
                ed.id,
                ed.effective,
                ed.end,
            )
        kids = [cs._code(r) for r in cs._child_rows(row)]
        if cs._needs_7th(row):
            chars = ", ".join(k[-1] for k in kids)
            example = f", e.g. {self.display(kids[0])}" if kids else ""
            return CheckResult(
                shown,
                self.name,
                CodeStatus.NEEDS_7TH_CHARACTER,
                f"{shown} needs a 7th character ({self.label} {ed.id}): one of {chars}{example}",
                ed.id,
            )
        shown_kids = ", ".join(self.display(c) for c in kids[:6])
        more = ", ..." if len(kids) > 6 else ""
        return CheckResult(
            shown,
            self.name,
            CodeStatus.NOT_BILLABLE,
            f"{shown} is a header in {self.label} {ed.id}, not billable; use a more specific "
            f"code: {shown_kids}{more}" + self._elsewhere_billable(cs, row),
            ed.id,
        )

    def _elsewhere_billable(self, cs: CodeSet[C], row: int) -> str:
        norm = cs._code(row)
        spans = []
        for o in self.other_editions(cs):
            r = o._find(norm)
            if r is not None and o._is_billable(r):
                spans.append(_span(o.edition))
        return f" (it was billable in {', '.join(spans)})" if spans else ""

    def check_missing(self, cs: CodeSet[C], norm: str, shown: str) -> CheckResult:
        from .status import CheckResult, CodeStatus

        ed = cs.edition
        elsewhere = []
        for o in self.other_editions(cs):
            r = o._find(norm)
            if r is not None:
                elsewhere.append(_span(o.edition) + ("" if o._is_billable(r) else " as a header"))
        if elsewhere:
            return CheckResult(
                shown,
                self.name,
                CodeStatus.INACTIVE,
                f"{shown} is not in effect on that date: it is not in {self.label} "
                f"{_span(ed)}; it exists in {', '.join(elsewhere)}",
                ed.id,
            )
        return CheckResult(
            shown,
            self.name,
            CodeStatus.UNKNOWN,
            f"{shown} is not a code in any {self.label} edition codekit has ({ed.id} in force)"
            + self.missing_hint(cs, norm),
            ed.id,
        )

    def missing_hint(self, cs: CodeSet[C], norm: str) -> str:
        """Extra words for an unknown code (subclasses add system-specific hints)."""
        sugg = self.suggestions(norm, cs, limit=3)
        return f"; near codes: {', '.join(sugg)}" if sugg else ""
