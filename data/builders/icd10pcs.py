"""ICD-10-PCS: FY2024 from the official codes file."""

from __future__ import annotations

from typing import Any

from codekit._parsers import icd10pcs as parser

SYSTEM = "icd10pcs"

FY2024_NOTE = (
    "Built from the official FY2024 ICD-10-PCS codes file (valid codes and long descriptions "
    "only; the order file with short descriptions was not available). Headers are the code "
    "prefixes of 1 to 4 characters (section, body system, table, body part), derived, with no "
    "description. Axis meanings are inferred from the long descriptions (see "
    "codekit._parsers.icd10pcs.infer_axes); section titles are the 17 ICD-10-PCS section names."
)


def build(ctx: Any) -> list[dict[str, Any]]:
    name = "icd10pcs-codes-2024.txt.gz"
    parsed = parser.read(ctx.source(SYSTEM, name))
    meta = {"system": SYSTEM, "edition": "FY2024", "kind": parsed.kind, "source": name}
    data = parser.to_table(parsed, meta)
    written = ctx.write(f"{SYSTEM}/FY2024.ckt", data)
    info = ctx.sources(SYSTEM)[name]
    return [
        {
            "id": "FY2024",
            "effective": info["effective"],
            "end": info["end"],
            "kind": parsed.kind,
            "rows": len(parsed.rows),
            "billable": sum(r.billable for r in parsed.rows),
            "headers": sum(not r.billable for r in parsed.rows),
            "note": FY2024_NOTE,
            "sources": [ctx.source_entry(SYSTEM, name)],
            **written,
        }
    ]
