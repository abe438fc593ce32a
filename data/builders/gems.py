"""The CMS FY2018 diagnosis GEMs (ICD-9-CM <-> ICD-10-CM), both directions."""

from __future__ import annotations

from typing import Any

from codekit._parsers import gems as parser

SYSTEM = "gems"
I9 = "2018_I9gem.txt.gz"
I10 = "2018_I10gem.txt.gz"

NOTE = (
    "The CMS FY2018 diagnosis General Equivalence Mappings, the last ones CMS published, from "
    "the official text files, both directions, every row kept with its flags. One target the "
    "2018_I10gem file writes in lower case (T8853XD -> 'v5889') is read as V58.89. Not a code set: "
    "no edition index entry; codekit.gems reads gems/2018.ckt."
)


def build(ctx: Any) -> dict[str, Any]:
    i9, i9_rows = parser.read(ctx.source(SYSTEM, I9), "icd9cm")
    i10, i10_rows = parser.read(ctx.source(SYSTEM, I10), "icd10cm")
    meta = {"system": SYSTEM, "edition": "2018", "kind": "gems", "source": f"{I9}, {I10}"}
    written = ctx.write(f"{SYSTEM}/2018.ckt", parser.to_table({"i9": i9, "i10": i10}, meta))
    info = ctx.sources(SYSTEM)[I9]
    return {
        "editions": [],
        "extras": [
            {
                "id": "2018",
                "effective": info["effective"],
                "end": info["end"],
                "note": NOTE,
                "rows": {"icd9cm_to_icd10cm": i9_rows, "icd10cm_to_icd9cm": i10_rows},
                "sources_distinct": {"icd9cm_to_icd10cm": len(i9), "icd10cm_to_icd9cm": len(i10)},
                "no_map_rows": {
                    "icd9cm_to_icd10cm": sum(f[1] == "1" for v in i9.values() for _, f in v),
                    "icd10cm_to_icd9cm": sum(f[1] == "1" for v in i10.values() for _, f in v),
                },
                "sources": [ctx.source_entry(SYSTEM, I9), ctx.source_entry(SYSTEM, I10)],
                **written,
            }
        ],
    }
