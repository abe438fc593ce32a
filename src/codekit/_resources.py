"""Where the bundled data lives, and lazy, locked reading of its edition index.

Nothing here runs at import time. The first look-up of a system reads the small
``editions.tsv`` index once (under a lock) and memory-maps the edition it needs.
The full provenance (sources, checksums, row counts) is in ``manifest.json``,
read only when asked for.
"""

from __future__ import annotations

import _thread
import datetime
import os

from ._editions import Edition
from ._store import Table
from ._typing import TYPE_CHECKING
from .errors import DataIntegrityError

if TYPE_CHECKING:
    from typing import Any

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_data")
INDEX = "editions.tsv"
INDEX_COLUMNS = ("system", "id", "effective", "end", "file", "sources", "note")

_lock = _thread.allocate_lock()
_index: dict[str, list[dict[str, str]]] | None = None


def _missing(what: str, exc: OSError) -> DataIntegrityError:
    return DataIntegrityError(
        f"codekit's bundled {what} is missing or unreadable ({exc.strerror}); reinstall "
        "codekit, or in a source checkout run `nox -s update_data`"
    )


def edition_index() -> dict[str, list[dict[str, str]]]:
    """The bundled editions by system, from ``editions.tsv``."""
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                try:
                    with open(os.path.join(DATA_DIR, INDEX), encoding="utf-8") as fh:
                        lines = fh.read().split("\n")
                except OSError as exc:
                    raise _missing("edition index", exc) from None
                if not lines or tuple(lines[0].split("\t")) != INDEX_COLUMNS:
                    raise DataIntegrityError(f"{INDEX}: unexpected header {lines[:1]!r}")
                out: dict[str, list[dict[str, str]]] = {}
                for line in lines[1:]:
                    if line:
                        row = dict(zip(INDEX_COLUMNS, line.split("\t"), strict=True))
                        out.setdefault(row["system"], []).append(row)
                _index = out
    return _index


def manifest() -> dict[str, Any]:
    """The generated data manifest: editions, files, sources, checksums, row counts."""
    import json

    try:
        with open(os.path.join(DATA_DIR, "manifest.json"), encoding="utf-8") as fh:
            value: dict[str, Any] = json.load(fh)
    except OSError as exc:
        raise _missing("data manifest", exc) from None
    return value


def bundled_editions(system: str) -> list[tuple[Edition, str]]:
    """(edition, data file path) for each bundled edition of ``system``."""
    out = []
    for e in edition_index().get(system, []):
        out.append(
            (
                Edition(
                    system=system,
                    id=e["id"],
                    effective=datetime.date.fromisoformat(e["effective"]),
                    end=datetime.date.fromisoformat(e["end"]) if e["end"] else None,
                    source=e["sources"],
                    origin="bundled",
                    note=e["note"],
                ),
                os.path.join(DATA_DIR, e["file"]),
            )
        )
    return out


def data_path(*parts: str) -> str:
    """Path of a file under the package's ``_data`` folder."""
    return os.path.join(DATA_DIR, *parts)


def open_table(path: str) -> Table:
    """Memory-map one bundled table, with a clear error if it is missing."""
    try:
        return Table.open(path)
    except OSError as exc:
        raise _missing(f"data file {os.path.basename(path)}", exc) from None
