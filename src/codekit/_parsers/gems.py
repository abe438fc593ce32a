"""Reader for the CMS diagnosis GEM text files, and the table writer.

Layout (``YYYY_I9gem.txt``, ``YYYY_I10gem.txt``): one mapping per line,
``source target flags`` separated by blanks (fixed width in the CMS files: the
source left-justified in 5 or 7 characters). ``flags`` is 5 digits:
approximate (0/1), no map (0/1), combination (0/1), scenario (0-9), choice
list (0-9). A no-map row has the target ``NoDx`` (``NoPCS`` in the procedure
GEMs). Codes are read case-insensitively: the FY2018 I10gem file writes one
target in lower case (``T8853XD v5889``), read as ``V5889``.
"""

from __future__ import annotations

import re
from typing import Any

from .. import _store
from .._sources import decode_text, read_bytes
from ..errors import SourceFormatError

_ICD9 = re.compile(r"(?:\d{3}|V\d{2}|E\d{3})\d{0,2}")
_ICD10 = re.compile(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}")
_FLAGS = re.compile(r"[01][01][01]\d\d")
NO_MAP = ("NoDx", "NoPCS")


def read(path: str, source_system: str) -> tuple[dict[str, list[tuple[str, str]]], int]:
    """Source code -> [(target, flags), ...] in file order, and the row count.

    ``source_system`` is ``"icd9cm"`` (an I9gem file) or ``"icd10cm"`` (I10gem).
    """
    data, name = read_bytes(path, what="GEM file")
    return parse(decode_text(data, name), name, source_system)


def parse(
    text: str, name: str, source_system: str
) -> tuple[dict[str, list[tuple[str, str]]], int]:
    """Parse the text of one GEM file (see the module docs)."""
    src_re, dst_re = (_ICD9, _ICD10) if source_system == "icd9cm" else (_ICD10, _ICD9)
    out: dict[str, list[tuple[str, str]]] = {}
    rows = 0
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3:
            raise SourceFormatError(
                "expected 'SOURCE TARGET FLAGS' (3 fields separated by blanks)", path=name, line=n
            )
        source, target, flags = parts
        if target not in NO_MAP:
            target = target.upper()  # the 2018 I10gem writes one target in lower case (v5889)
        if src_re.fullmatch(source) is None:
            raise SourceFormatError(f"malformed source code {source!r}", path=name, line=n)
        if _FLAGS.fullmatch(flags) is None:
            raise SourceFormatError(
                f"malformed flags {flags!r} (5 digits: approximate, no map, combination, "
                "scenario, choice list)",
                path=name,
                line=n,
            )
        no_map = flags[1] == "1"
        if no_map != (target in NO_MAP):
            raise SourceFormatError(
                f"target {target!r} and the no-map flag ({flags[1]}) disagree", path=name, line=n
            )
        if not no_map and dst_re.fullmatch(target) is None:
            raise SourceFormatError(f"malformed target code {target!r}", path=name, line=n)
        if (flags[2] == "1") != (flags[3] != "0"):
            raise SourceFormatError(
                f"flags {flags}: a combination needs a scenario and only a combination has one",
                path=name,
                line=n,
            )
        out.setdefault(source, []).append((target, flags))
        rows += 1
    if not out:
        raise SourceFormatError("no mappings found", path=name)
    return out, rows


def to_table(
    directions: dict[str, dict[str, list[tuple[str, str]]]], meta: dict[str, Any]
) -> bytes:
    """One table for both directions: per direction ``<d>.codes`` (source codes) and
    ``<d>.map`` (for each source, ``TARGET FLAGS`` pairs joined by ``;``)."""
    keys: dict[str, list[str]] = {}
    texts: dict[str, list[str | None]] = {}
    for d, mapping in directions.items():
        keys[f"{d}.codes"] = list(mapping)
        texts[f"{d}.map"] = [";".join(f"{t} {f}" for t, f in v) for v in mapping.values()]
    return _store.write(meta, keys=keys, texts=texts)
