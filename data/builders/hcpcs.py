"""HCPCS Level II procedure codes: CY2020 (annual text file), 2025-Q4 (xlsx), 2026-Q1 (text file).

The modifiers of the same files are built by ``builders/modifiers.py``, which reuses
the parse done here (:func:`parsed`).
"""

from __future__ import annotations

from typing import Any

from codekit._parsers import hcpcs as parser

SYSTEM = "hcpcs"
SOURCE_SYSTEM = "hcpcs"  # the data/sources folder

# edition id -> (code file, processing notes file, note)
EDITIONS: dict[str, tuple[str, str, str]] = {
    "2020": (
        "HCPC2020_ANWEB_w_disclaimer.txt.gz",
        "proc_notes_2020.txt.gz",
        "Built from the official CMS 2020 annual Alpha-Numeric HCPCS file (dated 2019-11-02). "
        "Codes CMS added or changed in the 2020 quarterly updates are not in it.",
    ),
    "2025-Q4": (
        "HCPC2025_OCT_ANWEB.xlsx",
        "proc_notes_JAN2026.txt.gz",
        "Built from the official CMS October 2025 HCPCS workbook (xlsx; probably the first "
        "issue, before CMS's corrected _v2/_v3 re-issues). Processing-note texts are those "
        "shipped with the January 2026 file.",
    ),
    "2026-Q1": (
        "HCPC2026_JAN_ANWEB_01122026.txt.gz",
        "proc_notes_JAN2026.txt.gz",
        "Built from the official CMS January 2026 Alpha-Numeric HCPCS file (fixed-width text, "
        "dated 2026-01-12). The file keeps codes terminated in earlier years, with their "
        "termination dates: they are in the edition but not valid after that date.",
    ),
}

_cache: dict[str, tuple[parser.Parsed, dict[str, str]]] = {}


def parsed(ctx: Any, edition: str) -> tuple[parser.Parsed, dict[str, str]]:
    """The parsed code file and processing notes of an edition (parsed once per build)."""
    key = f"{id(ctx)}:{edition}"
    if key not in _cache:
        src, notes_src, _ = EDITIONS[edition]
        import gzip

        got = parser.read(ctx.source(SOURCE_SYSTEM, src))
        got.source = src  # a path-independent name in the built tables
        with gzip.open(ctx.source(SOURCE_SYSTEM, notes_src), "rt", encoding="cp1252") as fh:
            notes = parser.parse_proc_notes(fh.read())
        _cache[key] = (got, notes)
    return _cache[key]


def build_system(ctx: Any, system: str) -> list[dict[str, Any]]:
    out = []
    for edition, (src, notes_src, note) in EDITIONS.items():
        got, notes = parsed(ctx, edition)
        rows = got.modifiers if system == "modifiers" else got.procedures
        info = ctx.sources(SOURCE_SYSTEM)[src]
        meta = {"system": system, "edition": edition, "kind": got.kind, "source": src}
        data = parser.to_table(rows, meta, proc_notes=notes if system == "hcpcs" else None)
        written = ctx.write(f"{system}/{edition}.ckt", data)
        sources = [src] + ([notes_src] if system == "hcpcs" else [])
        out.append({
            "id": edition,
            "effective": info["effective"],
            "end": info["end"],
            "kind": got.kind,
            "rows": len(rows),
            "terminated": sum(r.terminated is not None for r in rows),
            "note": note,
            "sources": [ctx.source_entry(SOURCE_SYSTEM, s) for s in sources],
            **written,
        })
    return out


def build(ctx: Any) -> list[dict[str, Any]]:
    return build_system(ctx, SYSTEM)
