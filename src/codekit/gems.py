"""General Equivalence Mappings (GEMs) between ICD-9-CM and ICD-10-CM diagnoses.

codekit ships the CMS **FY2018** diagnosis GEMs (edition ``"2018"``), the last
ones CMS published, in both directions, from the official text files. GEMs
are a translation aid, not a crosswalk to bill from: an ``approximate`` entry
is not an exact equivalent, and some codes have no match at all (``no_map``).
There is no ``gems.changes()``: CMS published no GEMs after 2018, so there is
one edition and nothing to compare (the code sets on either side have
``changes()``: :func:`codekit.icd10cm.changes`).

Each source code gives a :class:`GemMapping`, a sequence of :class:`GemEntry`
(one per GEM row, in file order) with the five flags decoded:

* ``approximate``: the target is not an exact equivalent;
* ``no_map``: there is no target (the row's target is ``NoDx``; ``target`` is None);
* ``combination``: the source needs several target codes together;
* ``scenario`` (1-9, 0 when not a combination) and ``choice_list`` (1-9): a
  combination mapping lists one or more scenarios (alternative readings); a
  scenario is satisfied by one code from each of its choice lists.

>>> from codekit import gems
>>> m = to_icd10cm("250.00")
>>> [(e.target, e.approximate) for e in m]
[('E11.9', True)]
>>> [e.target for e in to_icd9cm("E11.9")]
['250.00']
>>> m = to_icd9cm("A18.01")
>>> m.combination, len(m.scenarios), m.scenarios[0].combinations()
(True, 5, (('015.00', '737.40'),))
>>> [e.target for e in m if not e.combination]  # A18.01 also has a plain approximate entry
['015.00']
>>> n = to_icd10cm("365.70")
>>> n.no_map, n.targets, n[0].target, n[0].flags
(True, (), None, '11000')
"""

from __future__ import annotations

import _thread

from . import _resources
from ._record import Record
from ._typing import TYPE_CHECKING
from .errors import CodeNotFound

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from ._store import Table

__all__ = ["EDITION", "GemEntry", "GemMapping", "GemScenario", "to_icd9cm", "to_icd10cm"]

EDITION = "2018"
"""The GEM release codekit ships (CMS FY2018, the last one)."""

_lock = _thread.allocate_lock()
_table: Table | None = None


class GemEntry(Record):
    """One GEM row: a target code and its decoded flags.

    >>> to_icd10cm("250.00")[0]
    GemEntry(target='E11.9', approximate=True, no_map=False, combination=False, scenario=0, choice_list=0, flags='10000')
    """

    __slots__ = ("target", "approximate", "no_map", "combination", "scenario", "choice_list", "flags")
    target: str | None
    """Target code in display form (``"E11.9"``, ``"250.00"``); None for a no-map row."""
    approximate: bool
    no_map: bool
    combination: bool
    scenario: int
    """1-9 for a combination entry, else 0."""
    choice_list: int
    """1-9 for a combination entry, else 0."""
    flags: str
    """The raw 5-digit flag string of the GEM row."""

    def __init__(
        self,
        target: str | None,
        approximate: bool,
        no_map: bool,
        combination: bool,
        scenario: int,
        choice_list: int,
        flags: str,
    ) -> None:
        super().__init__(
            target=target,
            approximate=approximate,
            no_map=no_map,
            combination=combination,
            scenario=scenario,
            choice_list=choice_list,
            flags=flags,
        )


class GemScenario(Record):
    """One scenario of a combination mapping: pick one entry from each choice list.

    >>> s = to_icd9cm("A02.1").scenarios[0]
    >>> s.number, [[e.target for e in c] for c in s.choice_lists]
    (1, [['003.1'], ['995.91']])
    """

    __slots__ = ("number", "choice_lists")
    number: int
    choice_lists: tuple[tuple[GemEntry, ...], ...]
    """The choice lists, in order (list 1 first); each holds its alternative entries."""

    def __init__(self, number: int, choice_lists: tuple[tuple[GemEntry, ...], ...]) -> None:
        super().__init__(number=number, choice_lists=choice_lists)

    def combinations(self) -> tuple[tuple[str, ...], ...]:
        """Every valid combination of target codes for this scenario."""
        import itertools

        lists = [[e.target for e in c if e.target is not None] for c in self.choice_lists]
        return tuple(itertools.product(*lists))


class GemMapping(Record):
    """What the GEM says for one source code: its entries, in file order.

    Iterating (``len``, indexing) gives the :class:`GemEntry` rows. Without
    ``combination``, each entry is an alternative translation; with it, use
    :attr:`scenarios`. With ``no_map`` the single entry has no target.

    >>> m = to_icd10cm("799.89")
    >>> m.no_map, m.targets, len(m), m.approximate
    (False, ('R69',), 1, True)
    """

    __slots__ = ("source", "source_system", "target_system", "edition", "entries")
    source: str
    """The source code in display form."""
    source_system: str
    """``"icd9cm"`` or ``"icd10cm"``."""
    target_system: str
    edition: str
    """``"2018"``: the GEM release."""
    entries: tuple[GemEntry, ...]

    def __init__(
        self,
        source: str,
        source_system: str,
        target_system: str,
        edition: str,
        entries: tuple[GemEntry, ...],
    ) -> None:
        super().__init__(
            source=source,
            source_system=source_system,
            target_system=target_system,
            edition=edition,
            entries=entries,
        )

    def __iter__(self) -> Iterator[GemEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i: int) -> GemEntry:
        return self.entries[i]

    @property
    def no_map(self) -> bool:
        """True when the GEM says there is no target code."""
        return all(e.no_map for e in self.entries)

    @property
    def approximate(self) -> bool:
        """True when any entry is approximate."""
        return any(e.approximate for e in self.entries)

    @property
    def combination(self) -> bool:
        """True when the source needs several target codes together."""
        return any(e.combination for e in self.entries)

    @property
    def targets(self) -> tuple[str, ...]:
        """Every distinct target code, in file order (empty for a no-map)."""
        seen: dict[str, None] = {}
        for e in self.entries:
            if e.target is not None:
                seen[e.target] = None
        return tuple(seen)

    @property
    def scenarios(self) -> tuple[GemScenario, ...]:
        """The combination scenarios, each with its choice lists (empty if not a combination)."""
        by: dict[int, dict[int, list[GemEntry]]] = {}
        for e in self.entries:
            if e.combination:
                by.setdefault(e.scenario, {}).setdefault(e.choice_list, []).append(e)
        return tuple(
            GemScenario(s, tuple(tuple(lists[c]) for c in sorted(lists)))
            for s, lists in sorted(by.items())
        )


def _open() -> Table:
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = _resources.open_table(_resources.data_path("gems", f"{EDITION}.ckt"))
    return _table


def _entries(raw: str, display: Any) -> tuple[GemEntry, ...]:
    out = []
    for item in raw.split(";"):
        target, flags = item.split(" ")
        no_map = flags[1] == "1"
        out.append(
            GemEntry(
                None if no_map else display(target),
                flags[0] == "1",
                no_map,
                flags[2] == "1",
                int(flags[3]),
                int(flags[4]),
                flags,
            )
        )
    return tuple(out)


def _map(direction: str, norm: str, shown: str, src: str, dst: str, display: Any) -> GemMapping | None:
    t = _open()
    row = t.find_key(f"{direction}.codes", norm)
    if row is None:
        return None
    raw = t.text(f"{direction}.map", row)
    assert raw is not None
    return GemMapping(shown, src, dst, EDITION, _entries(raw, display))


def to_icd10cm(icd9_code: str) -> GemMapping:
    """ICD-9-CM diagnosis -> ICD-10-CM, by the FY2018 forward GEM.

    Raises :class:`~codekit.errors.InvalidCodeFormat` for a malformed code and
    :class:`~codekit.errors.CodeNotFound` for a code the GEM does not list
    (every valid ICD-9-CM v32 diagnosis code is listed; headers are not).

    >>> m = to_icd10cm("V01.0")
    >>> m.source, m.targets, m.edition
    ('V01.0', ('Z20.09',), '2018')
    >>> to_icd10cm("250")
    Traceback (most recent call last):
    ...
    codekit.errors.CodeNotFound: 250 is not a source code of the FY2018 ICD-9-CM to ICD-10-CM GEM: it is an ICD-9-CM header; the GEMs map only complete codes, e.g. 250.00, 250.01, 250.02
    """
    from . import icd9cm
    from .icd10cm import _display as icd10_display

    norm = icd9cm._SYS.validate_format(icd9_code)
    shown = icd9cm._display(norm)
    got = _map("i9", norm, shown, "icd9cm", "icd10cm", icd10_display)
    if got is None:
        raise _unknown(shown, icd9cm, "ICD-9-CM to ICD-10-CM")
    return got


def to_icd9cm(icd10_code: str) -> GemMapping:
    """ICD-10-CM diagnosis -> ICD-9-CM, by the FY2018 backward GEM.

    Codes added to ICD-10-CM after FY2018 are not in it (CodeNotFound says so).

    >>> [(e.target, e.approximate) for e in to_icd9cm("E11.9")]
    [('250.00', True)]
    >>> to_icd9cm("U07.1")
    Traceback (most recent call last):
    ...
    codekit.errors.CodeNotFound: U07.1 is not a source code of the FY2018 ICD-10-CM to ICD-9-CM GEM: the code is in ICD-10-CM FY2024, ... but the GEMs stop at FY2018 (codes added since have no GEM)
    """
    from . import icd9cm, icd10cm

    norm = icd10cm._SYS.validate_format(icd10_code)
    shown = icd10cm._display(norm)
    got = _map("i10", norm, shown, "icd10cm", "icd9cm", icd9cm._display)
    if got is None:
        raise _unknown(shown, icd10cm, "ICD-10-CM to ICD-9-CM")
    return got


def _unknown(shown: str, module: Any, direction: str) -> CodeNotFound:
    head = f"{shown} is not a source code of the FY{EDITION} {direction} GEM"
    found = []
    for e in module.editions():
        c = module.code_set(e.id).get(shown)
        if c is not None:
            found.append((e.id, c))
    if found and not any(c.billable for _, c in found):
        kids = [k for k in found[-1][1].descendants if module.is_valid(k)][:3]
        why = (
            f"it is an {module.LABEL} header; the GEMs map only complete codes, e.g. "
            + ", ".join(kids)
        )
    elif found and module.SYSTEM == "icd10cm":
        why = (
            f"the code is in {module.LABEL} {', '.join(e for e, _ in found)} but the GEMs stop "
            f"at FY{EDITION} (codes added since have no GEM)"
        )
    elif found:
        why = "the GEM does not list it"
    else:
        why = f"it is not an {module.LABEL} code codekit knows"
    return CodeNotFound(f"{head}: {why}", system="gems", code=shown, edition=EDITION)
