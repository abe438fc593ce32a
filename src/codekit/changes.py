"""What changed between two editions of a code system: codes added, deleted, and
with revised descriptions, as :class:`Change` records.

Every code-system module offers it as ``S.changes(old_edition, new_edition)``
(a thin wrapper over :func:`compare`); GEMs do not, see :mod:`codekit.gems`.

>>> from codekit import icd10cm
>>> ch = icd10cm.changes("FY2026", "FY2027")
>>> ch
<Changes icd10cm FY2026 -> FY2027: 190 added, 30 deleted, 4 revised; 69 header changes>
>>> d = [c for c in ch.deleted if c.code == "D69.1"][0]
>>> d.kind, d.old_description, d.children
('deleted', 'Qualitative platelet defects', ('D69.11', 'D69.19'))
>>> ch.counts()["became_headers"]
15

The official addenda list the codes valid for claims (billable codes): the
``added``, ``deleted`` and ``revised`` views are exactly that. Iterating gives
every record, headers included, in the new edition's order; a code that turned
from billable into a header is a *deleted* billable record (with ``children``,
the codes to use instead) followed by an *added* header record, as the official
order-file addenda write it.

For a data frame: ``pandas.DataFrame(ch.to_dicts())``.

Membership and descriptions are compared as each system defines them: a HCPCS
code or modifier counts in an edition when the file lists it and it is in
effect on the edition's first day (a code the file keeps with a past
termination date is not), a place-of-service code when it is in effect then.
A short description is compared only when both editions have one (files
without short titles would otherwise show every code as revised).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from ._record import Record

if TYPE_CHECKING:
    from .codeset import CodeSet

__all__ = ["Change", "ChangeKind", "Changes", "compare"]

ChangeKind = Literal["added", "deleted", "revised"]
"""``"added"``: in the new edition only; ``"deleted"``: in the old one only;
``"revised"``: in both, with a different description or short description."""


class Change(Record):
    """One code added, deleted or revised between two editions (immutable).

    ``billable`` is the code's status in the edition the record is about (the new
    one for *added* and *revised*, the old one for *deleted*); the official
    addenda list the billable records. ``children`` is set on a deleted billable
    code that is a header in the new edition: its codes there.
    """

    __slots__ = (
        "system",
        "code",
        "kind",
        "billable",
        "old_edition",
        "new_edition",
        "old_description",
        "new_description",
        "old_short_description",
        "new_short_description",
        "children",
    )
    system: str
    code: str
    """Display form."""
    kind: ChangeKind
    billable: bool
    old_edition: str
    new_edition: str
    old_description: str | None
    """None for an added code."""
    new_description: str | None
    """None for a deleted code."""
    old_short_description: str | None
    new_short_description: str | None
    children: tuple[str, ...]

    def __init__(
        self,
        system: str,
        code: str,
        kind: ChangeKind,
        billable: bool,
        old_edition: str,
        new_edition: str,
        old_description: str | None = None,
        new_description: str | None = None,
        old_short_description: str | None = None,
        new_short_description: str | None = None,
        children: tuple[str, ...] = (),
    ) -> None:
        super().__init__(
            system=system, code=code, kind=kind, billable=billable, old_edition=old_edition,
            new_edition=new_edition, old_description=old_description,
            new_description=new_description, old_short_description=old_short_description,
            new_short_description=new_short_description, children=tuple(children),
        )

    @property
    def description_changed(self) -> bool:
        """A revised record whose (long) description changed."""
        return self.kind == "revised" and self.old_description != self.new_description

    @property
    def short_description_changed(self) -> bool:
        """A revised record whose short description changed (both editions have one)."""
        return (
            self.kind == "revised"
            and self.old_short_description is not None
            and self.new_short_description is not None
            and self.old_short_description != self.new_short_description
        )

    @property
    def became_header(self) -> bool:
        """A deleted billable code that is a header in the new edition."""
        return self.kind == "deleted" and bool(self.children)


class Changes(Sequence[Change]):
    """The changes between two editions: a sequence of :class:`Change`, with views."""

    def __init__(self, system: str, old: str, new: str, records: Sequence[Change]) -> None:
        self.system = system
        self.old_edition = old
        self.new_edition = new
        self._records = tuple(records)

    @overload
    def __getitem__(self, index: int) -> Change: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Change]: ...
    def __getitem__(self, index: int | slice) -> Change | Sequence[Change]:
        return self._records[index]

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Change]:
        return iter(self._records)

    def _pick(self, kind: str, billable: bool) -> tuple[Change, ...]:
        return tuple(c for c in self._records if c.kind == kind and c.billable is billable)

    @property
    def added(self) -> tuple[Change, ...]:
        """Billable codes new in the new edition (the addenda's ``Add:`` lines)."""
        return self._pick("added", True)

    @property
    def deleted(self) -> tuple[Change, ...]:
        """Billable codes of the old edition that the new one lacks or made headers."""
        return self._pick("deleted", True)

    @property
    def revised(self) -> tuple[Change, ...]:
        """Billable in both, with a description (or short description) changed."""
        return self._pick("revised", True)

    @property
    def headers(self) -> tuple[Change, ...]:
        """The records about headers (not billable codes): added, deleted, revised."""
        return tuple(c for c in self._records if not c.billable)

    @property
    def became_headers(self) -> tuple[Change, ...]:
        """Deleted billable codes that are headers in the new edition, with their children."""
        return tuple(c for c in self._records if c.became_header)

    def counts(self) -> dict[str, int]:
        """How many of each: billable added/deleted/revised, header changes, and codes that
        became headers."""
        return {
            "added": len(self.added),
            "deleted": len(self.deleted),
            "revised": len(self.revised),
            "headers_added": len(self._pick("added", False)),
            "headers_deleted": len(self._pick("deleted", False)),
            "headers_revised": len(self._pick("revised", False)),
            "became_headers": len(self.became_headers),
        }

    def to_dicts(self) -> list[dict[str, Any]]:
        """One plain dict per record (for ``pandas.DataFrame``, JSON, CSV)."""
        return [c.as_dict() for c in self._records]

    def __repr__(self) -> str:
        n = self.counts()
        head = n["headers_added"] + n["headers_deleted"] + n["headers_revised"]
        return (
            f"<Changes {self.system} {self.old_edition} -> {self.new_edition}: "
            f"{n['added']} added, {n['deleted']} deleted, {n['revised']} revised; "
            f"{head} header changes>"
        )


def _texts(cs: CodeSet[Any], short_field: str | None) -> Callable[[int], tuple[str | None, str | None]]:
    """Row -> (description, short description) read straight from the table."""
    t = cs._table
    has_long = t.has("description")
    short = short_field if short_field and t.has(short_field) else None

    def get(row: int) -> tuple[str | None, str | None]:
        if has_long:
            long = t.text("description", row)
        else:
            long = getattr(cs._obj(row), "description", None)
        return long, (t.text(short, row) if short else None)

    return get


def compare(
    old: CodeSet[Any],
    new: CodeSet[Any],
    *,
    in_force: Callable[[Any, datetime.date], bool] | None = None,
    short_field: str | None = "short_description",
) -> Changes:
    """The changes from code set ``old`` to code set ``new`` (same system).

    ``in_force(code_object, day)`` decides whether a listed code counts in an
    edition (checked on the edition's first day); without it every listed code
    counts. ``short_field`` names the table's short-description section.

    >>> from codekit import icd10cm
    >>> ch = compare(icd10cm.code_set("FY2026"), icd10cm.code_set("FY2027"))
    >>> [c.code for c in ch.added][:3]
    ['C78.31', 'C78.32', 'C79.83']
    """
    if old.system != new.system:
        raise ValueError(f"cannot compare {old.system} with {new.system}")
    show = new._system.display

    def members(cs: CodeSet[Any]) -> dict[str, int]:
        day = cs.edition.effective
        rows = {}
        for row, code in enumerate(cs._codes):
            if in_force is None or in_force(cs._obj(row), day):
                rows[code] = row
        return rows

    old_rows, new_rows = members(old), members(new)
    old_text, new_text = _texts(old, short_field), _texts(new, short_field)
    ids = (old.edition.id, new.edition.id)
    keyed: list[tuple[tuple[int, int, int], Change]] = []

    def record(code: str, kind: ChangeKind, billable: bool, o: int | None, n: int | None,
               children: tuple[str, ...] = ()) -> Change:
        od, os_ = old_text(o) if o is not None else (None, None)
        nd, ns = new_text(n) if n is not None else (None, None)
        return Change(new.system, show(code), kind, billable, *ids, od, nd, os_, ns, children)

    # a deleted code sits after the nearest earlier old code that the new edition has (a
    # code still there with another status: just before its "added" record)
    anchor = -1
    for code, o in sorted(old_rows.items(), key=lambda kv: kv[1]):
        n = new_rows.get(code)
        if n is not None:
            anchor = n
        o_bill = old._is_billable(o)
        if n is None or o_bill != new._is_billable(n):
            kids: tuple[str, ...] = ()
            if n is not None and o_bill:
                kids = tuple(show(new._code(r)) for r in new._child_rows(n))
            key = (anchor, 3, o) if n is None else (n, 0, o)
            keyed.append((key, record(code, "deleted", o_bill, o, None, kids)))
    for code, n in new_rows.items():
        was = old_rows.get(code)
        n_bill = new._is_billable(n)
        if was is None or old._is_billable(was) != n_bill:
            keyed.append(((n, 1, 0), record(code, "added", n_bill, None, n)))
            continue
        o = was
        (od, os_), (nd, ns) = old_text(o), new_text(n)
        changed = od != nd and od is not None and nd is not None
        changed = changed or (os_ is not None and ns is not None and os_ != ns)
        if changed:
            keyed.append(((n, 2, 0), record(code, "revised", n_bill, o, n)))
    keyed.sort(key=lambda kv: kv[0])
    return Changes(new.system, *ids, [c for _, c in keyed])
