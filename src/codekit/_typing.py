"""Typing names without importing :mod:`typing` at run time.

Importing :mod:`typing` costs several milliseconds on a cold start, and
codekit's import-plus-first-look-up budget is small, so the modules on that path
take ``Generic`` and ``TypeVar`` from here: the real ones for type checkers, and
cheap stand-ins at run time (annotations are strings, never evaluated).
"""

from __future__ import annotations

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Generic, TypeVar
else:

    class Generic:
        """Run-time stand-in: ``Generic[T]`` is just ``Generic``."""

        __slots__ = ()

        def __class_getitem__(cls, item: object) -> type:
            return cls

    def TypeVar(name: str, *args: object, **kwargs: object) -> str:
        """Run-time stand-in: a type variable is only its name."""
        return name


__all__ = ["TYPE_CHECKING", "Generic", "TypeVar"]
