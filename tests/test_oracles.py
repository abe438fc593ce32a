"""Every shipped edition of every code system, against an independent reading of
its official source file.

The files are read by ``tests/oracle_sources.py`` (a few lines per layout, never
codekit's parsers, xlsx reader or build); codekit is read through its public API
only (``codekit.systems()``, ``<system>.code_set(edition)``, the code objects,
``gems.to_icd10cm``/``to_icd9cm``). Each comparison is exact and covers every code
the file lists: the code set, billable flags, headers where the file has them, every
long and short description, HCPCS dates and action codes, the ICD-10-CM hierarchy,
chapters, blocks and 7th characters from the tabular XML, every GEM row with its
flags, every place-of-service and claim-frequency row.

The editions come from ``codekit.systems()`` (plus the GEM release), one case each.
``ORACLES`` maps each to its source file and the check that reads it. A shipped
edition with no line here fails; a line whose edition is not shipped yet is skipped
with its reason (``pending``: an edition being added right now) and runs as soon as
the edition ships; a line for an edition that is neither shipped nor pending fails.
An edition built from another file than its line names fails too: the line must be
updated with the build.

Where the only file is DERIVED (a transcription or conversion), the check says so
and cross-checks it against every official or independent file covering the same
codes; the ICD-10-CM and ICD-10-PCS billable sets are also checked against the
Medicare Code Editor's validity dates (MCE v43.1, DERIVED from CMS's MCE data, kept
in data/sources/mce for the tests only).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import oracle_sources as src
import pytest

import codekit
from codekit import gems

# ---------------------------------------------------------------------------------------
# comparing an Expected with a shipped edition


def _norm(code: str) -> str:
    return code.replace(".", "").strip().upper()


# how to read each compared field off a public code object
EXTRACT: dict[str, Callable[[Any], Any]] = {
    "billable": lambda c: c.billable,
    "description": lambda c: c.description or None,
    "short_description": lambda c: c.short_description or None,
    "parent": lambda c: None if c.parent is None else _norm(c.parent),
    "needs_7th_character": lambda c: c.needs_7th_character,
    "added": lambda c: c.added,
    "action_effective": lambda c: c.action_effective,
    "terminated": lambda c: c.terminated,
    "action_code": lambda c: c.action_code,
    "name": lambda c: c.name,
    "effective": lambda c: c.effective,
    "usable_on_837p": lambda c: c.usable_on_837p,
    "chapter": lambda c: None if c.chapter is None else c.chapter.number,
    "block": lambda c: None if c.block is None else c.block.id,
    "seventh": lambda c: tuple((s.char, s.description, _norm(s.source))
                               for s in c.seventh_characters),
}


@dataclass
class Compared:
    """How many values each field compared (the test asserts none is zero)."""

    counts: dict[str, int]

    def __str__(self) -> str:
        return ", ".join(f"{k} {v:,}" for k, v in sorted(self.counts.items()))


def compare(system: str, edition: str, exp: src.Expected, *, exact_set: bool = True,
            extra_ok: Callable[[str], bool] | None = None) -> Compared:
    """Compare every field ``exp`` states with the shipped edition; returns the counts.

    ``exact_set``: the edition holds exactly the file's codes. Otherwise codes the
    file does not list must satisfy ``extra_ok`` (documented derived headers)."""
    mod = getattr(codekit, system)
    cs = mod.code_set(edition)
    got = {_norm(c.code): c for c in cs}
    assert len(exp.rows) > 0
    missing = sorted(set(exp.rows) - set(got))
    assert missing == [], f"{system} {edition}: {len(missing)} codes of the file missing: {missing[:10]}"
    extra = sorted(set(got) - set(exp.rows))
    if exact_set:
        assert extra == [], f"{system} {edition}: {len(extra)} codes not in the file: {extra[:10]}"
    else:
        assert extra_ok is not None
        bad = [c for c in extra if not extra_ok(c)]
        assert bad == [], f"{system} {edition}: codes neither in the file nor derived: {bad[:10]}"
    counts: dict[str, int] = {"codes": len(exp.rows)}
    wrong: dict[str, list[tuple[str, Any, Any]]] = {}
    for code, fields in exp.rows.items():
        obj = got[code]
        for name, want in fields.items():
            have = EXTRACT[name](obj)
            if name in ("description", "short_description"):
                want = want or None
            counts[name] = counts.get(name, 0) + 1
            if have != want:
                wrong.setdefault(name, []).append((code, have, want))
    summary = {k: (len(v), v[:3]) for k, v in wrong.items()}
    assert not wrong, f"{system} {edition}: wrong values (count, first three as code/got/file): {summary}"
    if exp.ordered:
        listed = set(exp.order)  # derived headers added to ``rows`` have no file order
        order = [c for c in (_norm(x.code) for x in cs) if c in listed]
        assert order == exp.order, f"{system} {edition}: not in the file's order"
        counts["order"] = len(order)
    return Compared(counts)


def billable_set(system: str, edition: str) -> set[str]:
    return {_norm(c) for c in getattr(codekit, system).code_set(edition).codes(billable_only=True)}


def edition_of(system: str, edition: str) -> Any:
    return getattr(codekit, system).code_set(edition).edition


def mce_cross_check(system: str, edition: str, table: str, days: tuple[str, ...]) -> int:
    """The edition's billable set equals the MCE's valid codes on each of ``days``
    ("start"/"end" of the edition)."""
    ed = edition_of(system, edition)
    mine = billable_set(system, edition)
    for which in days:
        day = ed.effective if which == "start" else ed.end
        mce = src.mce_valid_on(table, day)
        assert len(mce) > 70_000
        assert mine == mce, (
            f"{system} {edition} vs MCE v43.1 on {day}: only in codekit "
            f"{sorted(mine - mce)[:10]}, only in the MCE {sorted(mce - mine)[:10]}"
        )
    return len(mine)


def longest_prefix_parent(codes: set[str], code: str, shortest: int) -> str | None:
    for n in range(len(code) - 1, shortest - 1, -1):
        if code[:n] in codes:
            return code[:n]
    return None


# ---------------------------------------------------------------------------------------
# one check per kind of file
MCE_DX = "mce_v43.1_i10dx_master.derived.tsv.gz"
MCE_PCS = "mce_v43.1_i10sg_master.derived.tsv.gz"


def icd10cm_codes_file(edition: str, name: str, header_file: str,
                       x_headers_from: tuple[tuple[str, Callable[..., src.Expected]], ...],
                       ) -> list[str]:
    """An OFFICIAL codes file (billable codes and long descriptions only). The edition's
    headers are DERIVED, as its note says: every proper prefix of three or more
    characters of a billable code, except one ending in the placeholder X that none of
    the later order files (``x_headers_from``) lists as a header, with the descriptions
    of the same header in the FY2025 order file (``header_file``), else none; each
    code's parent is its longest proper prefix in the edition."""
    exp = src.codes_file("icd10cm", name)
    assert len(exp.rows) == 74_044 or edition != "FY2024"
    x_headers = {code for file, reader in x_headers_from
                 for code, row in reader("icd10cm", file).rows.items()
                 if not row["billable"] and code.endswith("X")}
    assert x_headers
    headers = {
        code[:n]
        for code in exp.rows
        for n in range(3, len(code))
        if not code[:n].endswith("X") or code[:n] in x_headers
    } - set(exp.rows)
    later = src.order_tsv("icd10cm", header_file)
    all_codes = set(exp.rows) | headers
    exp.ordered = True
    for code in headers:
        old = later.rows.get(code)
        same = old is not None and not old["billable"]
        exp.rows[code] = {
            "billable": False,
            "description": old["description"] if same else None,
            "short_description": old["short_description"] if same else None,
        }
    for code in all_codes:
        exp.rows[code]["parent"] = longest_prefix_parent(all_codes, code, 3)
    done = compare("icd10cm", edition, exp)
    n = mce_cross_check("icd10cm", edition, MCE_DX, ("start", "end"))
    return [f"{done}", f"billable set = MCE v43.1 on first and last day ({n:,})",
            f"{len(headers):,} derived headers"]


def icd10cm_order(edition: str, name: str, reader: Callable[[str, str], src.Expected],
                  mce_days: tuple[str, ...] = ("start", "end")) -> list[str]:
    """An order file (or, for FY2025, its DERIVED TSV copy): every header and billable
    code in tabular order, flags, short and long titles; each code's parent is its
    longest proper prefix in the file."""
    exp = reader("icd10cm", name)
    codes = set(exp.rows)
    for code, row in exp.rows.items():
        row["parent"] = longest_prefix_parent(codes, code, 3)
    done = compare("icd10cm", edition, exp)
    n = mce_cross_check("icd10cm", edition, MCE_DX, mce_days)
    return [f"{done}", f"billable set = MCE v43.1 ({', '.join(mce_days)}: {n:,})"]


def icd10cm_between(edition: str, name: str, before: str, after: str) -> list[str]:
    """A DERIVED file of a year between two OFFICIAL ones: every code that is billable
    with the same long title in the official file before (FY2024 codes file) and the
    one after (FY2026 tabular XML) is billable with that title here too."""
    mine = src.order_tsv("icd10cm", name)
    old = src.codes_file("icd10cm", before)
    new = src.tabular_xml("icd10cm", after).expected
    stable = [c for c, row in old.rows.items()
              if c in new.rows and new.rows[c]["billable"]
              and new.rows[c]["description"] == row["description"]]
    assert len(stable) > 70_000
    wrong = [c for c in stable if c not in mine.rows or not mine.rows[c]["billable"]
             or mine.rows[c]["description"] != old.rows[c]["description"]]
    assert wrong == [], f"{edition}: {len(wrong)} codes differ from both official years: {wrong[:10]}"
    return [f"{len(stable):,} codes billable with the same title in FY2024 and FY2026 agree"]


def _fold(text: str) -> str:
    """Accents removed (NFKD, then ASCII): the order and codes files are ASCII."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def icd10cm_order_and_tabular(edition: str, name: str, xml: str, *, carried: bool = False,
                              mce_days: tuple[str, ...] = ("start", "end")) -> list[str]:
    """The OFFICIAL order file (every code in order, flags, short and long titles),
    with the hierarchy and 7th characters of the OFFICIAL tabular XML (ElementTree;
    7th-character codes generated from ``sevenChrDef`` with X placeholders and the S06
    exception): for every code the tabular has, its parent, chapter, block, whether it
    needs a 7th character and the 7th characters in force there. For FY2026 the two
    files must list the same codes with the same flags and (accents folded) titles;
    for a later edition (``carried``) the tabular is the FY2026 one its notes and 7th
    characters are carried over from, compared on the codes both have."""
    exp = src.order_file("icd10cm", name)
    codes = set(exp.rows)
    tab = src.tabular_xml("icd10cm", xml)
    xml_rows = tab.expected.rows
    if not carried:
        assert set(xml_rows) == codes, "order file and tabular list different codes"
        differ = [c for c, r in xml_rows.items()
                  if (r["billable"], _fold(r["description"]))
                  != (exp.rows[c]["billable"], exp.rows[c]["description"])]
        assert differ == [], f"order file and tabular differ: {differ[:10]}"
    both = 0
    for code, row in exp.rows.items():
        row["parent"] = longest_prefix_parent(codes, code, 3)
        x = xml_rows.get(code)
        if x is None:
            continue
        both += 1
        if not carried:
            assert x["parent"] == row["parent"], code
            row["needs_7th_character"] = x["needs_7th_character"]
            row["chapter"], row["block"] = tab.chapters[code], tab.blocks[code]
        if x["billable"] == row["billable"]:
            row["seventh"] = tab.seventh[code]
    done = compare("icd10cm", edition, exp)
    n = mce_cross_check("icd10cm", edition, MCE_DX, mce_days)
    return [f"{done}", f"{both:,} codes also in the tabular {xml}",
            f"billable set = MCE v43.1 ({', '.join(mce_days)}: {n:,})"]


def icd10cm_codes_equal_order(edition: str, codes_name: str) -> list[str]:
    """The OFFICIAL codes file of the same year lists exactly the billable codes, with
    the same long titles."""
    codes = src.codes_file("icd10cm", codes_name)
    mod = codekit.icd10cm.code_set(edition)
    got = {_norm(c.code): c.description for c in mod.billable()}
    want = {c: r["description"] for c, r in codes.rows.items()}
    assert got == want, f"{edition} differs from {codes_name}"
    return [f"{len(want):,} billable codes and titles = {codes_name}"]


def _pcs_header(code: str) -> bool:
    return 1 <= len(code) <= 4


def icd10pcs_codes_file(edition: str, name: str) -> list[str]:
    """A codes file (valid codes, long titles). Headers are DERIVED, as the edition's
    note says: the 1- to 4-character prefixes, without descriptions; the parent of a
    header is the prefix one shorter, of a code its 4-character prefix."""
    exp = src.codes_file("icd10pcs", name)
    headers = {code[:n] for code in exp.rows for n in range(1, 5)}
    for code in headers:
        exp.rows[code] = {"billable": False, "description": None}
    for code, row in exp.rows.items():
        row["parent"] = None if len(code) == 1 else code[: min(len(code) - 1, 4)]
    exp.ordered = True
    done = compare("icd10pcs", edition, exp)
    n = mce_cross_check("icd10pcs", edition, MCE_PCS, ("start",))
    return [f"{done}", f"valid codes = MCE v43.1 on the first day ({n:,})"]


def icd10pcs_order(edition: str, name: str) -> list[str]:
    """An OFFICIAL order file (October release): valid codes with short and long titles,
    and the 3-character table headers with theirs. Other headers (1, 2 and 4
    characters) may be DERIVED prefixes."""
    exp = src.order_file("icd10pcs", name)
    for code, row in exp.rows.items():
        row["parent"] = code[: min(len(code) - 1, 4)]
    done = compare("icd10pcs", edition, exp, exact_set=False, extra_ok=_pcs_header)
    n = mce_cross_check("icd10pcs", edition, MCE_PCS, ("start",))
    return [f"{done}", f"valid codes = MCE v43.1 on the first day ({n:,})"]


def icd10pcs_derived_codes(edition: str, name: str, titles_from: str, revised: set[str]) -> list[str]:
    """A DERIVED codes file (rebuilt from the MCE code set, FY2026 titles and the FY2027
    addenda; no official checksum). Cross-checked: its valid codes equal the MCE's on
    the first day, and every title of a code the official FY2026 order file also has
    equals that file's, except the addenda's revised titles."""
    out = icd10pcs_codes_file(edition, name)
    mine = src.codes_file("icd10pcs", name)
    fy26 = src.order_file("icd10pcs", titles_from)
    both = [c for c in mine.rows if c in fy26.rows and fy26.rows[c]["billable"]]
    assert len(both) > 78_000
    differ = {c for c in both if mine.rows[c]["description"] != fy26.rows[c]["description"]}
    assert differ == revised
    return [*out, f"{len(both):,} titles equal to the FY2026 order file but the {len(revised)} revised"]


def hcpcs_check(system: str, edition: str, read: Callable[[], src.HCPCS]) -> list[str]:
    """The OFFICIAL HCPCS file (text records or the workbook): every procedure code
    (``hcpcs``) or modifier (``modifiers``) with its long and short descriptions, added,
    action-effective and termination dates, and action code."""
    both = read()
    exp = both.procedures if system == "hcpcs" else both.modifiers
    for row in exp.rows.values():
        row["billable"] = True
    done = compare(system, edition, exp)
    return [f"{done}"]


def _hcpcs_reader(name: str) -> Callable[[], src.HCPCS]:
    if name.endswith(".xlsx"):
        return lambda: src.hcpcs_xlsx(name)
    encoding = "cp1252" if name.startswith("HCPC2020") else "ascii"
    return lambda: src.hcpcs_text(name, encoding)


def icd9_check(system: str, folder: str, long_name: str, short_name: str, width: int) -> list[str]:
    """The OFFICIAL CMS v32 long and short description files (valid codes only). The
    headers are DERIVED, without descriptions: each is a proper prefix of a valid code
    and the parent of a code is its longest proper prefix in the edition."""
    exp = src.icd9_descriptions(folder, long_name, short_name, width)
    mod = getattr(codekit, system)
    cs = mod.code_set("v32")
    codes = {_norm(c) for c in cs.codes()}
    headers = codes - set(exp.rows)
    shortest = min(len(c) for c in codes)
    for code in headers:
        assert any(k.startswith(code) for k in exp.rows), code
        exp.rows[code] = {"billable": False, "description": None, "short_description": None}
    for code, row in exp.rows.items():
        row["parent"] = longest_prefix_parent(codes, code, shortest)
    done = compare(system, "v32", exp)
    return [f"{done}", f"{len(headers):,} derived headers"]


def gems_check(edition: str, i9: str, i10: str) -> list[str]:
    """The OFFICIAL CMS FY2018 diagnosis GEM text files: every row, in file order, with
    its target (``NoDx``: none) and all five flags. One target the I10 file writes in
    lower case (``v5889``) is compared upper-cased, as codekit documents."""
    assert edition == gems.EDITION
    counts = []
    for name, fn in ((i9, gems.to_icd10cm), (i10, gems.to_icd9cm)):
        rows = src.gem_rows(name)
        wrong = []
        n = 0
        for source_code, want in rows.items():
            got = [(None if e.target is None else _norm(e.target), e.flags,
                    e.approximate, e.no_map, e.combination, e.scenario, e.choice_list)
                   for e in fn(source_code)]
            expect = [(None if t == "NoDx" else t.upper(), f, f[0] == "1", f[1] == "1",
                       f[2] == "1", int(f[3]), int(f[4])) for t, f in want]
            n += len(expect)
            if got != expect:
                wrong.append(source_code)
        assert wrong == [], f"{name}: {len(wrong)} sources differ, e.g. {wrong[:5]}"
        counts.append(f"{name}: {len(rows):,} sources, {n:,} rows")
    return counts


def pos_check(edition: str, name: str) -> list[str]:
    """DERIVED (transcribed; CMS publishes no machine-readable place-of-service file):
    every row's code, name, descriptor and effective date. No official file to
    cross-check against."""
    exp = src.Expected(ordered=False)
    for r in src.tsv("pos", name):
        eff = r["effective_date"]
        exp.add(r["code"], name=r["name"], description=r["description"] or None,
                effective=datetime.date.fromisoformat(eff) if eff else None)
    done = compare("pos", edition, exp)
    return [f"{done}", "DERIVED only: no official file covers these codes"]


def claim_frequency_check(edition: str, name: str) -> list[str]:
    """DERIVED (transcribed from the CMS Blue Button variable page): every code, its
    description and whether it is usable on an 837P. No official file to cross-check
    against."""
    exp = src.Expected(ordered=False)
    for r in src.tsv("claim_frequency", name):
        exp.add(r["code"], description=r["description"],
                usable_on_837p=r["used_on_837p_clm05_3"] == "Y")
    done = compare("claim_frequency", edition, exp)
    return [f"{done}", "DERIVED only: no official file covers these codes"]


# ---------------------------------------------------------------------------------------
# the table: one line per edition


@dataclass(frozen=True)
class Oracle:
    source: str
    """The file the edition is built from (its ``Edition.source`` must name it)."""
    check: Callable[[], list[str]]
    pending: str = ""
    """Why the edition may not be shipped yet (it is being added); empty: must ship."""


FY2025_ORDER = "icd10cm_order_2025.derived.tsv.gz"
TABULAR_2026 = "icd10c-tabular-April-1-2026.xml.gz"

ORACLES: dict[tuple[str, str], Oracle] = {
    ("icd10cm", "FY2024"): Oracle(
        "icd10cm-codes-2024.txt.gz",
        lambda: icd10cm_codes_file("FY2024", "icd10cm-codes-2024.txt.gz", FY2025_ORDER, (
            (FY2025_ORDER, src.order_tsv), ("icd10cm-order-2026.txt.gz", src.order_file),
            ("icd10cm-order-2027.txt.gz", src.order_file)))),
    ("icd10cm", "FY2025"): Oracle(
        FY2025_ORDER, lambda: [
            *icd10cm_order("FY2025", FY2025_ORDER, src.order_tsv),
            *icd10cm_between("FY2025", FY2025_ORDER, "icd10cm-codes-2024.txt.gz",
                             "icd10c-tabular-April-1-2026.xml.gz"),
        ]),
    ("icd10cm", "FY2026"): Oracle(
        "icd10cm-order-2026.txt.gz", lambda: [
            *icd10cm_order_and_tabular("FY2026", "icd10cm-order-2026.txt.gz", TABULAR_2026),
            *icd10cm_codes_equal_order("FY2026", "icd10cm-codes-2026.txt.gz"),
        ]),
    ("icd10cm", "FY2027"): Oracle(
        "icd10cm-order-2027.txt.gz", lambda: [
            # no FY2027 tabular: 7th characters carried over from FY2026's; the MCE v43.1
            # tables end on 2027-03-31, so checked on the first day only
            *icd10cm_order_and_tabular("FY2027", "icd10cm-order-2027.txt.gz", TABULAR_2026,
                                       carried=True, mce_days=("start",)),
            *icd10cm_codes_equal_order("FY2027", "icd10cm_codes_2027.txt.gz"),
        ]),
    ("icd10pcs", "FY2024"): Oracle(
        "icd10pcs-codes-2024.txt.gz",
        lambda: icd10pcs_codes_file("FY2024", "icd10pcs-codes-2024.txt.gz")),
    ("icd10pcs", "FY2025"): Oracle(
        "icd10pcs_order_2025.txt.gz",
        lambda: icd10pcs_order("FY2025", "icd10pcs_order_2025.txt.gz")),
    ("icd10pcs", "FY2026"): Oracle(
        "icd10pcs_order_2026.txt.gz",
        lambda: icd10pcs_order("FY2026", "icd10pcs_order_2026.txt.gz")),
    ("icd10pcs", "FY2027"): Oracle(
        "icd10pcs_codes_2027.derived.txt.gz",
        lambda: icd10pcs_derived_codes("FY2027", "icd10pcs_codes_2027.derived.txt.gz",
                                       "icd10pcs_order_2026.txt.gz",
                                       # the addenda's third revision, XW0E33B, is an
                                       # April 2026 code: not in the October order file
                                       {"XW0V0P7", "XW143F8"}),
    ),
    **{
        (system, edition): Oracle(name, (lambda s=system, e=edition, n=name:
                                         hcpcs_check(s, e, _hcpcs_reader(n))))
        for system in ("hcpcs", "modifiers")
        for edition, name in (("2020", "HCPC2020_ANWEB_w_disclaimer.txt.gz"),
                              ("2025-Q4", "HCPC2025_OCT_ANWEB.xlsx"),
                              ("2026-Q1", "HCPC2026_JAN_ANWEB_01122026.txt.gz"))
    },
    ("icd9cm", "v32"): Oracle(
        "CMS32_DESC_LONG_DX.txt.gz",
        lambda: icd9_check("icd9cm", "icd9cm", "CMS32_DESC_LONG_DX.txt.gz",
                           "CMS32_DESC_SHORT_DX.txt.gz", 5)),
    ("icd9cm_procedures", "v32"): Oracle(
        "CMS32_DESC_LONG_SG.txt.gz",
        lambda: icd9_check("icd9cm_procedures", "icd9cm_procedures", "CMS32_DESC_LONG_SG.txt.gz",
                           "CMS32_DESC_SHORT_SG.txt.gz", 4)),
    ("gems", "2018"): Oracle(
        "2018_I9gem.txt.gz", lambda: gems_check("2018", "2018_I9gem.txt.gz", "2018_I10gem.txt.gz")),
    ("pos", "2025"): Oracle(
        "place_of_service.derived.tsv", lambda: pos_check("2025", "place_of_service.derived.tsv")),
    ("claim_frequency", "2025"): Oracle(
        "claim_frequency_codes.derived.tsv",
        lambda: claim_frequency_check("2025", "claim_frequency_codes.derived.tsv")),
}


def shipped() -> dict[tuple[str, str], str]:
    """Every bundled edition of every system -> the source its Edition names; the GEM
    release too (it is not a code system with editions)."""
    out = {
        (s.id, e.id): e.source
        for s in codekit.systems()
        for e in s.editions
        if e.origin == "bundled"
    }
    out[("gems", gems.EDITION)] = "2018_I9gem.txt.gz, 2018_I10gem.txt.gz"
    return out


SHIPPED = shipped()
CASES = sorted(set(SHIPPED) | set(ORACLES))


def test_the_cases_cover_every_system_with_bundled_data() -> None:
    systems = {s for s, _ in SHIPPED}
    assert systems == {"icd10cm", "icd10pcs", "hcpcs", "modifiers", "icd9cm",
                       "icd9cm_procedures", "gems", "pos", "claim_frequency"}
    assert len(SHIPPED) >= 14


@pytest.mark.parametrize(("system", "edition"), CASES, ids=[f"{s}-{e}" for s, e in CASES])
def test_edition_equals_its_official_file(system: str, edition: str) -> None:
    oracle = ORACLES.get((system, edition))
    if (system, edition) not in SHIPPED:
        assert oracle is not None
        if oracle.pending:
            pytest.skip(f"{system} {edition} not shipped yet: {oracle.pending}")
        pytest.fail(f"{system} {edition} has an oracle line but is not shipped: remove the line")
    assert oracle is not None, (
        f"{system} {edition} is shipped but has no oracle line in tests/test_oracles.py: add one "
        "naming its source file and the reader that checks it"
    )
    assert oracle.source in SHIPPED[(system, edition)], (
        f"{system} {edition} is now built from {SHIPPED[(system, edition)]!r}, not "
        f"{oracle.source!r}: update its oracle line"
    )
    for line in oracle.check():
        print(f"{system} {edition}: {line}")
