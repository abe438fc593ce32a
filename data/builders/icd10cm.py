"""ICD-10-CM: FY2024 (codes file), FY2025 (order-file content), FY2026 (April 2026 tabular XML)."""

from __future__ import annotations

from typing import Any

from codekit._parsers import icd10cm as parser

SYSTEM = "icd10cm"

FY2024_NOTE = (
    "Built from the official FY2024 codes file, which lists billable codes only. Header codes "
    "are derived from the code structure (every proper prefix of 3 or more characters of a "
    "billable code, except a 6-character placeholder-X level); a header's descriptions are "
    "taken from the FY2025 order file where that header exists there, else left empty. "
    "Chapters and blocks come from the FY2026 tabular. No notes (the codes file has none)."
)
FY2025_NOTE = (
    "Built from the content of the official FY2025 order file (headers, billable flags, short "
    "and long descriptions). FY2025 had no April update with code changes, so it covers the "
    "whole fiscal year. Chapters and blocks come from the FY2026 tabular. No notes."
)
FY2026_NOTE = (
    "Built from the official ICD-10-CM tabular XML of the April 1, 2026 update. Codes added on "
    "April 1, 2026 appear for the whole fiscal year (from 2025-10-01). 7th-character codes are "
    "generated from sevenChrDef with X placeholders, honouring the tabular's 'do not apply' "
    "instructions (S06 6th character 7/8 take only A). Short descriptions are not in the XML: "
    "they are taken from the FY2025 order file where the long description is unchanged, else "
    "left empty."
)


def _entry(ctx: Any, edition: str, parsed: parser.Parsed, src: str, written: dict[str, Any],
           note: str, extra_sources: list[str]) -> dict[str, Any]:
    info = ctx.sources(SYSTEM)[src]
    return {
        "id": edition,
        "effective": info["effective"],
        "end": info["end"],
        "kind": parsed.kind,
        "rows": len(parsed.rows),
        "billable": sum(r.billable for r in parsed.rows),
        "headers": sum(not r.billable for r in parsed.rows),
        "note": note,
        "sources": [ctx.source_entry(SYSTEM, s) for s in [src, *extra_sources]],
        **written,
    }


def build(ctx: Any) -> list[dict[str, Any]]:
    xml_name = "icd10c-tabular-April-1-2026.xml.gz"
    order_name = "icd10cm_order_2025.derived.tsv.gz"
    codes_name = "icd10cm-codes-2024.txt.gz"
    fy26 = parser.read(ctx.source(SYSTEM, xml_name))
    fy25 = parser.read(ctx.source(SYSTEM, order_name))
    fy24 = parser.read(ctx.source(SYSTEM, codes_name))

    # chapters/blocks of the flat editions come from the tabular
    cat_block = {r.code: r.block for r in fy26.rows if len(r.code) == 3}
    ref = {"chapters": fy26.chapters, "blocks": fy26.blocks, "category_block": cat_block}

    # FY2026 short descriptions: FY2025's, where the long description is unchanged
    by25 = {r.code: r for r in fy25.rows}
    for r in fy26.rows:
        old = by25.get(r.code)
        if old is not None and old.description == r.description:
            r.short_description = old.short_description

    # FY2024 header descriptions: FY2025's header of the same code, where there is one
    for r in fy24.rows:
        if not r.billable:
            old = by25.get(r.code)
            if old is not None and not old.billable:
                r.description = old.description
                r.short_description = old.short_description

    out = []
    for edition, parsed, src, note, extra in [
        ("FY2024", fy24, codes_name, FY2024_NOTE, [order_name, xml_name]),
        ("FY2025", fy25, order_name, FY2025_NOTE, [xml_name]),
        ("FY2026", fy26, xml_name, FY2026_NOTE, [order_name]),
    ]:
        meta = {"system": SYSTEM, "edition": edition, "kind": parsed.kind, "source": src}
        data = parser.to_table(parsed, meta, **({} if parsed.chapters else ref))
        written = ctx.write(f"{SYSTEM}/{edition}.ckt", data)
        out.append(_entry(ctx, edition, parsed, src, written, note, extra))
    return out
