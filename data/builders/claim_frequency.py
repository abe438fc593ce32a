"""Claim frequency codes (type of bill 3rd digit, 837 CLM05-3), transcribed: DERIVED."""

from __future__ import annotations

from typing import Any

from codekit._parsers import pos as parser

SYSTEM = "claim_frequency"
SOURCE = "claim_frequency_codes.derived.tsv"

NOTE = (
    "DERIVED: transcribed from published tables (no machine-readable CMS file exists); see "
    "data/sources/claim_frequency/SOURCES.json for where each part comes from. The edition covers every "
    "date; the codes carry no dates."
)


def build(ctx: Any) -> list[dict[str, Any]]:
    rows = parser.read_frequency(ctx.source(SYSTEM, SOURCE))
    meta = {"system": SYSTEM, "edition": "2025", "kind": "derived", "source": SOURCE}
    written = ctx.write(f"{SYSTEM}/2025.ckt", parser.to_table(rows, meta, names=False))
    return [
        {
            "id": "2025",
            "effective": "0001-01-01",
            "end": None,
            "kind": "derived",
            "provenance": "DERIVED (transcribed)",
            "rows": len(rows),
            "billable": len(rows),
            "headers": 0,
            "note": NOTE,
            "sources": [ctx.source_entry(SYSTEM, SOURCE)],
            **written,
        }
    ]
