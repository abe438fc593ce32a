"""ICD-9-CM v32 (procedure codes), the final release, from the CMS master description files."""

from __future__ import annotations

from typing import Any

from codekit._parsers import icd9cm as parser

SYSTEM = "icd9cm_procedures"
KIND = "procedure"
LONG = "CMS32_DESC_LONG_SG.txt.gz"
SHORT = "CMS32_DESC_SHORT_SG.txt.gz"

NOTE = (
    "Built from the official CMS ICD-9-CM v32 master description files (long and short), which "
    "list valid codes only. Headers (categories and subcategories) are derived from the code "
    "structure, with no description. v32 was the final ICD-9-CM release: it is used for dates "
    "of service up to 2015-09-30 (earlier dates too, with a note); from 2015-10-01 ICD-10 applies."
)


def build(ctx: Any) -> list[dict[str, Any]]:
    long, _ = parser.read_descriptions(ctx.source(SYSTEM, LONG), KIND)
    short, _ = parser.read_descriptions(ctx.source(SYSTEM, SHORT), KIND)
    rows = parser.rows_from(long, short, KIND, (LONG, SHORT))
    meta = {"system": SYSTEM, "edition": "v32", "kind": KIND, "source": LONG}
    written = ctx.write(f"{SYSTEM}/v32.ckt", parser.to_table(rows, meta))
    info = ctx.sources(SYSTEM)[LONG]
    return [
        {
            "id": "v32",
            "effective": info["effective"],
            "end": info["end"],
            "kind": KIND,
            "rows": len(rows),
            "billable": sum(r.billable for r in rows),
            "headers": sum(not r.billable for r in rows),
            "note": NOTE,
            "sources": [ctx.source_entry(SYSTEM, LONG), ctx.source_entry(SYSTEM, SHORT)],
            **written,
        }
    ]
