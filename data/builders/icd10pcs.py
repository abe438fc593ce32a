"""ICD-10-PCS: FY2024 (codes file), FY2025 and FY2026 (October order files), FY2027 (codes
file, derived)."""

from __future__ import annotations

from typing import Any

from codekit._parsers import icd10pcs as parser

SYSTEM = "icd10pcs"

_HEADERS = (
    "Headers are the code prefixes of 1 to 4 characters (section, body system, table, body "
    "part), derived"
)
_AXES = (
    "Axis meanings are inferred from the long descriptions of the FY2024-FY2027 files "
    "together, the newest title of each code (see codekit._parsers.icd10pcs.infer_axes), and "
    "shown for a code only where its own description has the words; section titles are the 17 "
    "ICD-10-PCS section names."
)
_APRIL = (
    "This is the October release: the codes CMS added or deleted in the April 1 update of "
    "the fiscal year ({april}) are not in it."
)

# edition -> (source file, expected valid codes, note)
EDITIONS: dict[str, tuple[str, int, str]] = {
    "FY2024": (
        "icd10pcs-codes-2024.txt.gz",
        78_603,
        "Built from the official FY2024 ICD-10-PCS codes file (valid codes and long "
        f"descriptions only; the order file with short descriptions was not available). {_HEADERS}, "
        f"with no description. {_AXES}",
    ),
    "FY2025": (
        "icd10pcs_order_2025.txt.gz",
        78_948,
        "Built from the official FY2025 ICD-10-PCS order file (valid codes with short and long "
        f"titles, and the 3-character table headers with theirs). {_HEADERS}; the table "
        "headers keep the file's titles, the others have none. "
        + _APRIL.format(april="April 1, 2025: 38 codes added")
        + f" {_AXES}",
    ),
    "FY2026": (
        "icd10pcs_order_2026.txt.gz",
        79_115,
        "Built from the official FY2026 ICD-10-PCS order file (valid codes with short and long "
        f"titles, and the 3-character table headers with theirs). {_HEADERS}; the table "
        "headers keep the file's titles, the others have none. "
        + _APRIL.format(april="April 1, 2026: 80 codes added, 2 deleted")
        + f" {_AXES}",
    ),
    "FY2027": (
        "icd10pcs_codes_2027.derived.txt.gz",
        79_256,
        "Built from the FY2027 ICD-10-PCS codes file (DERIVED: rebuilt from CMS data and the "
        "FY2027 addenda, length-checked against a public copy; no official checksum found). "
        f"Valid codes and long descriptions only. {_HEADERS}, with no description. {_AXES}",
    ),
}


class CheckFailed(Exception):
    """A source file does not hold what SOURCES.json says: the build stops."""


def build(ctx: Any) -> list[dict[str, Any]]:
    editions = {e: parser.read(ctx.source(SYSTEM, v[0])) for e, v in EDITIONS.items()}
    # one inference over every edition (the newest title of each code): the meanings of a
    # value hardly change between years, and inferring once keeps the build quick
    newest: dict[str, parser.Row] = {}
    for parsed in editions.values():
        newest.update({r.code: r for r in parsed.rows if r.billable})
    axes = parser.infer_axes(sorted(newest.values(), key=lambda r: r.code))
    out = []
    for edition, (name, expected, note) in EDITIONS.items():
        parsed = editions[edition]
        valid = sum(r.billable for r in parsed.rows)
        if valid != expected:
            raise CheckFailed(f"{SYSTEM} {edition}: {valid} valid codes, expected {expected}")
        meta = {"system": SYSTEM, "edition": edition, "kind": parsed.kind, "source": name}
        data = parser.to_table(parsed, meta, axes)
        written = ctx.write(f"{SYSTEM}/{edition}.ckt", data)
        info = ctx.sources(SYSTEM)[name]
        out.append(
            {
                "id": edition,
                "effective": info["effective"],
                "end": info["end"],
                "kind": parsed.kind,
                "rows": len(parsed.rows),
                "billable": valid,
                "headers": sum(not r.billable for r in parsed.rows),
                "headers_with_titles": sum(
                    (not r.billable) and r.description is not None for r in parsed.rows
                ),
                "note": note,
                "sources": [ctx.source_entry(SYSTEM, name)],
                **written,
            }
        )
    return out
