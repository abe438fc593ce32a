"""ICD-10-CM: FY2024 (codes file), FY2025 (order-file content), FY2026 (order file and the
April 2026 tabular XML), FY2027 (order file, with the FY2026 tabular's notes carried over).

Every flat edition gets its 7th-character flags from one rule
(:func:`codekit._parsers.icd10cm.mark_seventh`), checked here: on FY2026 the rule must
give exactly the tabular XML's flags, and in every edition each 7-character code must be
either a 7th-character code of a flagged header or a code the tabular lists as a
7-character code of its own.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from codekit._parsers import icd10cm as parser
from codekit._parsers import icd10cm_table as table

SYSTEM = "icd10cm"

XML = "icd10c-tabular-April-1-2026.xml.gz"
ORDER_2025 = "icd10cm_order_2025.derived.tsv.gz"
CODES_2024 = "icd10cm-codes-2024.txt.gz"
ORDER_2026 = "icd10cm-order-2026.txt.gz"
CODES_2026 = "icd10cm-codes-2026.txt.gz"
ORDER_2027 = "icd10cm-order-2027.txt.gz"
CODES_2027 = "icd10cm_codes_2027.txt.gz"

SEVENTH_RULE = (
    "7th characters: a header needs one when a 7th-character definition of the FY2026 "
    "tabular is in force for it and its children are it padded with X to 6 characters plus "
    "one character (the same rule for every edition, checked by the build)."
)
FY2024_NOTE = (
    "Built from the official FY2024 codes file, which lists billable codes only. Header codes "
    "are derived from the code structure (every proper prefix of 3 or more characters of a "
    "billable code, except one ending in the placeholder X that no FY2025-FY2027 order file "
    "lists as a header); a header's descriptions are "
    "taken from the FY2025 order file where that header exists there, else left empty. "
    "Chapters and sections come from the FY2026 tabular. No notes (the codes file has none). "
    + SEVENTH_RULE
)
FY2025_NOTE = (
    "Built from the content of the official FY2025 order file (headers, billable flags, short "
    "and long descriptions). FY2025 had no April update with code changes, so it covers the "
    "whole fiscal year. Chapters and sections come from the FY2026 tabular. No notes. "
    + SEVENTH_RULE
)
FY2026_NOTE = (
    "Built from the official FY2026 order file (headers, billable flags, short and long "
    "titles, as in the codes file: ASCII, so the tabular's 'Sézary' reads 'Sezary'), with "
    "chapters, sections, notes and 7th-character definitions from the official tabular XML of "
    "the April 1, 2026 update, which changed no code. The build checks that the order file, "
    "the codes file and the tabular agree code for code (billable flags, 7th-character "
    "headers, parents, titles)."
)
FY2027_NOTE = (
    "Built from the official FY2027 order file (headers, billable flags, short and long "
    "titles); the build checks it equals the FY2027 codes file. No FY2027 tabular XML is "
    "bundled: chapters, sections, notes and 7th-character definitions are those of the FY2026 "
    "tabular, carried over where the code (or chapter, or section) exists in both, and every "
    "carried note says edition 'FY2026'. New categories (J4B, K6A, QA1) take the section of "
    "the category before them. Load the FY2027 tabular XML with codekit.icd10cm.load to get "
    "the FY2027 notes. " + SEVENTH_RULE
)


class CheckFailed(Exception):
    """A cross-check between official files failed: the build stops."""


def _ascii(text: str | None) -> str | None:
    if text is None:
        return None
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _codes_file(ctx: Any, name: str) -> dict[str, str]:
    parsed = parser.read(ctx.source(SYSTEM, name))
    return {r.code: r.description or "" for r in parsed.rows if r.billable}


def _check_equals_codes_file(edition: str, parsed: parser.Parsed, codes: dict[str, str]) -> str:
    got = {r.code: r.description or "" for r in parsed.rows if r.billable}
    if got != codes:
        only = sorted(set(got) ^ set(codes))[:10]
        titles = sorted(c for c in got.keys() & codes.keys() if got[c] != codes[c])[:10]
        raise CheckFailed(f"{edition}: billable codes differ from the codes file: {only} {titles}")
    return f"billable codes and long titles equal the codes file ({len(codes)} codes)"


def _check_against_tabular(order: parser.Parsed, xml: parser.Parsed) -> list[str]:
    """FY2026: the order file and the tabular XML must agree code for code."""
    by_code = {r.code: r for r in xml.rows}
    if {r.code for r in order.rows} != set(by_code):
        diff = sorted({r.code for r in order.rows} ^ set(by_code))[:10]
        raise CheckFailed(f"FY2026 order file and tabular list different codes: {diff}")
    for r in order.rows:
        x = by_code[r.code]
        if (r.billable, r.needs_7th, r.parent) != (x.billable, x.needs_7th, x.parent):
            raise CheckFailed(
                f"FY2026 {r.code}: order file (billable {r.billable}, 7th {r.needs_7th}, "
                f"parent {r.parent}) differs from the tabular ({x.billable}, {x.needs_7th}, "
                f"{x.parent})"
            )
        if r.description != _ascii(x.description):
            raise CheckFailed(f"FY2026 {r.code}: title {r.description!r} != {x.description!r}")
    return [
        f"order file equals the tabular XML code for code ({len(order.rows)} codes: billable "
        "flags, 7th-character headers, parents, long titles up to accents)",
    ]


def _seventh_checks(edition: str, parsed: parser.Parsed, xml: parser.Parsed) -> str:
    """Every 7-character code is a 7th-character code of a flagged header, or a code of its
    own: one the tabular lists, or a new one under no 7th-character definition whose title
    does not end like a 7th-character code's (", initial encounter ..."): a new definition
    that the FY2026 tabular lacks would show here."""
    flagged = {r.code for r in parsed.rows if r.needs_7th}
    xml_flagged = {r.code for r in xml.rows if r.needs_7th}
    listed = {r.code for r in xml.rows if len(r.code) == 7 and r.parent not in xml_flagged}
    endings = tuple({f", {text}" for ext in xml.seventh.values() for _, text, _ in ext})
    own = [r for r in parsed.rows if len(r.code) == 7 and r.parent not in flagged]
    odd = [
        r.code
        for r in own
        if r.code not in listed
        and (any(r.code[:k] in xml.seventh for k in range(3, 7))
             or (r.description or "").endswith(endings))
    ]
    if odd:
        raise CheckFailed(f"{edition}: 7-character codes the 7th-character rule cannot place: "
                          f"{odd[:10]}")
    new = sum(r.code not in listed for r in own)
    n = sum(len(r.code) == 7 for r in parsed.rows)
    return (f"7th-character rule: {len(flagged)} headers need a 7th character; of {n} "
            f"7-character codes, {len(own)} are codes of their own ({new} not in the FY2026 "
            "tabular, none under a 7th-character definition or titled like one)")


def _entry(ctx: Any, edition: str, parsed: parser.Parsed, src: str, written: dict[str, Any],
           note: str, extra_sources: list[str], checks: list[str]) -> dict[str, Any]:
    info = ctx.sources(SYSTEM)[src]
    return {
        "id": edition,
        "effective": info["effective"],
        "end": info["end"],
        "kind": parsed.kind,
        "rows": len(parsed.rows),
        "billable": sum(r.billable for r in parsed.rows),
        "headers": sum(not r.billable for r in parsed.rows),
        "needs_7th_character": sum(r.needs_7th for r in parsed.rows),
        "notes_from": parsed.tabular_edition,
        "note": note,
        "checks": checks,
        "sources": [ctx.source_entry(SYSTEM, s) for s in [src, *extra_sources]],
        **written,
    }


def build(ctx: Any) -> list[dict[str, Any]]:
    xml = parser.read(ctx.source(SYSTEM, XML))
    xml.tabular_edition = "FY2026"
    defs = table.seventh_defs(xml)

    fy24 = parser.read(ctx.source(SYSTEM, CODES_2024))
    fy25 = parser.read(ctx.source(SYSTEM, ORDER_2025))
    fy26 = parser.read(ctx.source(SYSTEM, ORDER_2026))
    fy27 = parser.read(ctx.source(SYSTEM, ORDER_2027))
    # FY2024 headers: a derived header ending in the placeholder X is one only if an order
    # file lists it (T36.0X is one, M1A.9X is not)
    known = {r.code for p in (fy25, fy26, fy27) for r in p.rows if not r.billable}
    dropped = parser.drop_placeholder_headers(fy24, known)
    # FY2024 header descriptions: FY2025's header of the same code, where there is one
    by25 = {r.code: r for r in fy25.rows}
    for r in fy24.rows:
        if not r.billable:
            old = by25.get(r.code)
            if old is not None and not old.billable:
                r.description = old.description
                r.short_description = old.short_description

    checks: dict[str, list[str]] = {e: [] for e in ("FY2024", "FY2025", "FY2026", "FY2027")}
    checks["FY2024"].append(
        f"{dropped} derived headers ending in the placeholder X dropped (no order file lists them)"
    )
    for edition, parsed in (("FY2024", fy24), ("FY2025", fy25), ("FY2026", fy26),
                            ("FY2027", fy27)):
        problems = parser.mark_seventh(parsed.rows, defs)
        if problems:
            raise CheckFailed(f"{edition}: {problems[:10]}")
        checks[edition].append(_seventh_checks(edition, parsed, xml))
    checks["FY2024"].append(_check_equals_codes_file("FY2024", fy24, _codes_file(ctx, CODES_2024)))
    checks["FY2026"].append(_check_equals_codes_file("FY2026", fy26, _codes_file(ctx, CODES_2026)))
    checks["FY2026"].extend(_check_against_tabular(fy26, xml))
    checks["FY2027"].append(_check_equals_codes_file("FY2027", fy27, _codes_file(ctx, CODES_2027)))

    table.carry_tabular(fy24, xml, notes=False)
    table.carry_tabular(fy25, xml, notes=False)
    table.carry_tabular(fy26, xml)
    table.carry_tabular(fy27, xml)

    out = []
    for edition, parsed, src, note, extra in [
        ("FY2024", fy24, CODES_2024, FY2024_NOTE, [ORDER_2025, XML]),
        ("FY2025", fy25, ORDER_2025, FY2025_NOTE, [XML]),
        ("FY2026", fy26, ORDER_2026, FY2026_NOTE, [XML, CODES_2026]),
        ("FY2027", fy27, ORDER_2027, FY2027_NOTE, [XML, CODES_2027]),
    ]:
        meta = {"system": SYSTEM, "edition": edition, "kind": parsed.kind, "source": src}
        data = table.to_table(parsed, meta)
        written = ctx.write(f"{SYSTEM}/{edition}.ckt", data)
        out.append(_entry(ctx, edition, parsed, src, written, note, extra, checks[edition]))
    return out
