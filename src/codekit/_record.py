"""A tiny base for immutable, slotted value objects on the hot look-up path.

Code objects are created on first look-up, so they must not pay for importing
attrs (tens of milliseconds on a cold start here). A subclass lists its
``__slots__``; public fields are compared, hashed and shown in ``repr``, and
fields whose name starts with ``_`` are private back-references that are not.
Instances are immutable and pickle.
"""

from __future__ import annotations

from ._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class FrozenInstanceError(AttributeError):
    """Raised on an attempt to change an immutable codekit object."""


def _public(cls: type) -> tuple[str, ...]:
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        for n in klass.__dict__.get("__slots__", ()):
            if not n.startswith("_") and n not in names:
                names.append(n)
    return tuple(names)


class Record:
    """Immutable value object: equality, hash, repr and pickling from ``__slots__``."""

    __slots__ = ()

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def _fields(self) -> tuple[str, ...]:
        cls = type(self)
        cached: tuple[str, ...] | None = cls.__dict__.get("_public_fields")
        if cached is None:
            cached = _public(cls)
            type.__setattr__(cls, "_public_fields", cached)
        return cached

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"{type(self).__name__} objects are immutable")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"{type(self).__name__} objects are immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, n) for n in self._fields())

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields())
        return f"{type(self).__name__}({inner})"

    def __reduce__(self) -> tuple[Any, ...]:
        state = {}
        for klass in type(self).__mro__:
            for n in klass.__dict__.get("__slots__", ()):
                state[n] = getattr(self, n)
        return (_restore, (type(self), state))

    def as_dict(self) -> dict[str, Any]:
        """The public fields as a plain dict (nested records stay objects)."""
        return {n: getattr(self, n) for n in self._fields()}


def _restore(cls: type[Record], state: dict[str, Any]) -> Record:
    obj = cls.__new__(cls)
    for k, v in state.items():
        object.__setattr__(obj, k, v)
    return obj


class CodeRecord(Record):
    """Base of the code objects of every code system.

    A code object is identified by its code and edition: it compares, hashes and
    pickles by those (pickling looks the code up again in the receiving process, so
    a code object crosses a process boundary as two short strings). Subclasses have
    ``code`` and ``edition`` slots.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return str(self.code)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.code, self.edition.id))  # type: ignore[attr-defined]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        mine: tuple[Any, Any] = (self.code, self.edition)  # type: ignore[attr-defined]
        return mine == (other.code, other.edition)  # type: ignore[attr-defined]

    def __reduce__(self) -> tuple[Any, ...]:
        e = self.edition  # type: ignore[attr-defined]
        return (_lookup_code, (e.system, self.code, e.id))  # type: ignore[attr-defined]


class TreeCodeRecord(CodeRecord):
    """A code object in a hierarchy: ``children``, ``ancestors`` and ``descendants``
    as display-form code strings (subclasses have ``_set`` and ``_row`` slots)."""

    __slots__ = ()

    @property
    def children(self) -> tuple[str, ...]:
        """Direct children (display form), in official order."""
        cs = self._set  # type: ignore[attr-defined]
        show = cs._system.display
        return tuple(show(cs._code(r)) for r in cs._child_rows(self._row))  # type: ignore[attr-defined]

    @property
    def ancestors(self) -> tuple[str, ...]:
        """Parent, grandparent, ..., up to the top-level code (display form)."""
        return tuple(c.code for c in self._set.ancestors(self.code))  # type: ignore[attr-defined]

    @property
    def descendants(self) -> tuple[str, ...]:
        """Every code below this one, depth first in official order (display form)."""
        return tuple(c.code for c in self._set.descendants(self.code))  # type: ignore[attr-defined]


def _lookup_code(system: str, code: str, edition: str) -> Any:
    import importlib

    return importlib.import_module(f"codekit.{system}").code_set(edition)[code]
