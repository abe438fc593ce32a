"""Medicare NCCI edit tables: practitioner MUEs (2026-04-01) and add-on code edits (2026 Q2).

Not code sets: no edition index entry; codekit.ncci finds the tables in ncci/ by
their metadata (kind, edition, dates). The PTP tables are too large to ship:
users load the current quarter with codekit.ncci.load_ptp(path).
"""

from __future__ import annotations

from typing import Any

from codekit._parsers import ncci as parser

SYSTEM = "ncci"
MUE = "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv.gz"
AOC = "AOC_V2026Q2-MCR.xlsx"

MUE_NOTE = (
    "The official CMS Practitioner Services MUE table effective 2026-04-01 (2026 Q2), read from "
    "the CMS CSV. MUE values and adjudication indicators apply to dates of service in the quarter."
)
AOC_NOTE = (
    "The official CMS Medicare add-on code edit workbook for 2026 Q2. Each add-on/primary pair "
    "carries its own effective and deletion dates (YYYYDDD in the file)."
)


def build(ctx: Any) -> dict[str, Any]:
    extras = []
    info = ctx.sources(SYSTEM)[MUE]
    mue = parser.read_mue(ctx.source(SYSTEM, MUE))
    meta = {"system": SYSTEM, "kind": "mue", "edition": info["edition"], "source": MUE,
            "effective": info["effective"], "end": info["end"], "note": MUE_NOTE}
    written = ctx.write(f"{SYSTEM}/mue-{mue['setting']}-{info['edition']}.ckt",
                        parser.mue_table(mue, meta))
    extras.append({"id": f"mue-{mue['setting']}-{info['edition']}", "effective": info["effective"],
                   "end": info["end"], "note": MUE_NOTE, "rows": len(mue["rows"]),
                   "sources": [ctx.source_entry(SYSTEM, MUE)], **written})
    info = ctx.sources(SYSTEM)[AOC]
    aoc = parser.read_aoc(ctx.source(SYSTEM, AOC))
    # the table keeps every pair with its own dates: it covers dates of service from the
    # earliest pair's effective date to the quarter's last day
    first = min(r[5] for r in aoc["rows"] if r[5])
    covers = f"{first // 10000:04d}-{first // 100 % 100:02d}-{first % 100:02d}"
    meta = {"system": SYSTEM, "kind": "aoc", "edition": info["edition"], "source": AOC,
            "effective": covers, "end": info["end"], "quarter_start": info["effective"],
            "note": AOC_NOTE}
    written = ctx.write(f"{SYSTEM}/aoc-{info['edition']}.ckt", parser.aoc_table(aoc, meta))
    extras.append({"id": f"aoc-{info['edition']}", "effective": covers,
                   "end": info["end"], "note": AOC_NOTE, "rows": len(aoc["rows"]),
                   "sources": [ctx.source_entry(SYSTEM, AOC)], **written})
    return {"editions": [], "extras": extras}
