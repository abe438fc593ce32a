"""Codes in effect on the date of service: ICD-10-CM, HCPCS, CPT, modifiers, place of service.

Each line is judged by the editions in force on its date of service (45 CFR
162.1002: the code set valid when the service is provided); a diagnosis by the
dates of the lines that point to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Finding
from ..facts import ICD10_START, LABELS, dated_message
from ..registry import rules

ERROR, WARNING, INFO = "error", "warning", "info"
HIPAA = "45 CFR 162.1002 (the code set in effect on the date of service)"
GUIDE = "ICD-10-CM Official Guidelines for Coding and Reporting FY2026"


def _q(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@rules(
    ("ICD10CM-INVALID", ERROR, "A diagnosis that is not an ICD-10-CM code (in any edition codekit has).",
     f"{GUIDE} I.A; CMS MCE edit 1 (invalid diagnosis code); {HIPAA}"),
    ("ICD10CM-INACTIVE", ERROR, "An ICD-10-CM code that exists, but not in the edition in force on the "
     "date of service (added later, or deleted).", HIPAA),
    ("ICD10CM-NOT-BILLABLE", ERROR, "An ICD-10-CM category or subcategory (a header): a more "
     "specific code is required.", f"{GUIDE} I.A.3 and I.B.2 (level of detail)"),
    ("ICD10CM-NEEDS-7TH", ERROR, "An ICD-10-CM code that is complete only with its 7th character.",
     f"{GUIDE} I.A.5 (7th characters)"),
    ("ICD10CM-PLACEHOLDER-X", ERROR, "A 7th character added without the placeholder X "
     "(T78.40A for T78.40XA).", f"{GUIDE} I.A.4 (placeholder character)"),
    ("ICD10CM-ICD9-CODE", ERROR, "An ICD-9-CM code on a claim for services on or after 2015-10-01.",
     "45 CFR 162.1002(c)(2) (ICD-10-CM from October 1, 2015); CMS MLN ICD-10 transition"),
)
def check_diagnoses(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    store = ctx.store
    dx_days = ctx.dx_days
    raw = claim.diagnoses
    for i, norm in enumerate(ctx.dx):
        done: Any = None
        for view in dx_days[i]:
            ef = view.icd
            if ef is None or ef is done:
                continue
            done = ef
            fact = store.dx(ef, norm)
            if fact.rule is not None:
                add(ctx.finding(fact.rule, fact.message, f"diagnoses[{i}]", raw[i],
                                (ef.label,)))
                break
    return out


@rules(
    ("HCPCS-INVALID", ERROR, "A HCPCS Level II code that is not in the HCPCS file.",
     f"CMS HCPCS Level II quarterly file; CMS MCPM (Pub. 100-04) ch. 26 item 24D; {HIPAA}"),
    ("HCPCS-INACTIVE", ERROR, "A HCPCS Level II code not in effect on the date of service "
     "(terminated before it, or added after it).", f"CMS HCPCS file action and termination "
     f"dates; {HIPAA}"),
    ("CPT-INVALID", ERROR, "A CPT code that the licensed CPT file loaded (codekit.cpt.load) does not "
     "have on the date of service. Never reported without a licensed file.",
     f"AMA CPT (licensed file); {HIPAA}"),
    ("CPT-NOT-CHECKED", INFO, "CPT codes are not checked: no licensed CPT file is loaded (said once "
     "per claim).", "codekit ships no AMA CPT content; codekit.cpt.load(path)"),
    ("PROC-BAD-FORMAT", ERROR, "A procedure code shaped like neither a CPT nor a HCPCS Level II code.",
     "CMS MCPM (Pub. 100-04) ch. 26 item 24D; X12 005010X222A1 SV101-2"),
    ("MOD-INVALID", ERROR, "A HCPCS Level II modifier that is not in the HCPCS file on the date of "
     "service (CPT modifiers, which start with a digit, are not checked).",
     "CMS HCPCS Level II modifier file; CMS MCPM (Pub. 100-04) ch. 26 item 24D"),
)
def check_procedures(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    store = ctx.store
    cpt_said = False
    for ln in ctx.lines:
        view = ln.view
        if view is None or not ln.code:
            continue
        code = ln.code
        system = ln.system
        if system == "hcpcs":
            ef = view.hcpcs
        elif system == "cpt":
            ef = view.cpt
            if ef is None:
                if not view.cpt_loaded and not cpt_said:
                    cpt_said = True
                    key = ("cpt-nc", code, ln.i, ctx.severity("CPT-NOT-CHECKED"))
                    got = store.misc.get(key)
                    if got is None:
                        got = store.misc.setdefault(key, ctx.finding(
                            "CPT-NOT-CHECKED", f"CPT code {code} (and any other CPT code on the "
                            "claim) is not checked: no licensed CPT file is loaded "
                            "(codekit.cpt.load)", f"{ln.path}.code", code))
                    add(got)
                ef = None
        else:
            add(ctx.finding("PROC-BAD-FORMAT", f"{_q(ln.line.code)} is neither a CPT code (5 "
                            "digits, or 4 digits and F/T/U) nor a HCPCS Level II code (a "
                            "letter and 4 digits)", f"{ln.path}.code", ln.line.code))
            ef = None
        if ef is not None:
            p = store.proc(ef, code)
            st = p.status
            rule_base = "HCPCS" if system == "hcpcs" else "CPT"
            if st == "dated":
                ymd = view.ymd
                if (p.term and ymd > p.term) or (p.added and ymd < p.added):
                    add(ctx.finding(f"{rule_base}-INACTIVE" if rule_base == "HCPCS" else
                                    "CPT-INVALID", dated_message(p, ef, ymd),
                                    f"{ln.path}.code", ln.line.code, (ef.label,)))
            elif st == "inactive":
                add(ctx.finding(f"{rule_base}-INACTIVE" if rule_base == "HCPCS" else
                                "CPT-INVALID", p.message, f"{ln.path}.code", ln.line.code,
                                (ef.label,)))
            elif st in ("invalid", "bad_format"):
                add(ctx.finding(f"{rule_base}-INVALID", p.message, f"{ln.path}.code",
                                ln.line.code, (ef.label,)))
        mods = ln.mods
        if mods:
            mef = view.modifiers
            if mef is None:
                continue
            for k, m in enumerate(mods):
                if len(m) == 2 and m[0].isdigit() and m.isascii() and m.isalnum():
                    continue  # a CPT (Level I) modifier: AMA content, not checked
                p = store.proc(mef, m)
                st = p.status
                if st == "dated":
                    ymd = view.ymd
                    if (p.term and ymd > p.term) or (p.added and ymd < p.added):
                        add(ctx.finding("MOD-INVALID", dated_message(p, mef, ymd),
                                        f"{ln.path}.modifiers[{k}]", ln.line.modifiers[k],
                                        (mef.label,)))
                elif st not in ("valid", "not_checked"):
                    add(ctx.finding("MOD-INVALID", p.message, f"{ln.path}.modifiers[{k}]",
                                    ln.line.modifiers[k], (mef.label,)))
    return out


@rules(
    ("POS-INVALID", ERROR, "A place of service that is not an assigned CMS code on the date of "
     "service.", "CMS Place of Service Code Set; CMS MCPM (Pub. 100-04) ch. 26 §10.5 and item 24B"),
)
def check_place_of_service(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    store = ctx.store
    claim_pos = claim.place_of_service
    said: set[tuple[str, Any]] = set()
    for ln in ctx.lines:
        if ln.day is None:
            continue
        own = ln.line.place_of_service
        pos, path = (own, f"{ln.path}.place_of_service") if own else (claim_pos, "place_of_service")
        if not pos or not pos.strip():
            continue
        key = (path if own else "claim", ln.day)
        if key in said:
            continue
        said.add(key)
        p = store.pos(ln.day, pos.strip())
        if p.status != "valid":
            add(ctx.finding("POS-INVALID", p.message, path, pos, (p.label,)))
            if not own:
                claim_pos = None  # say it once for the claim's place of service
    return out


@rules(
    ("EDITION-PAST", INFO, "A date of service after the newest edition of a code set or edit table "
     "codekit has: that edition was used (load the newer files to check against them).",
     "codekit editions (each edition's dates)"),
    ("EDITION-MISSING", INFO, "No edition of a code set or edit table covers a date of service: "
     "those checks were skipped for it.", "codekit editions (each edition's dates)"),
)
def check_editions(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    dates = ctx.dates
    if not dates:
        return out
    cache = ctx.store.misc
    for view in dates:
        key = ("editions", view.day, ctx.severity("EDITION-PAST"),
               ctx.severity("EDITION-MISSING"))
        got = cache.get(key)
        if got is None:
            got = cache.setdefault(key, tuple(_edition_findings(ctx, view)))
        out.extend(got)
    return out


_LOADERS = {
    "icd10cm": "codekit.icd10cm.load", "hcpcs": "codekit.hcpcs.load",
    "modifiers": "codekit.hcpcs.load", "cpt": "codekit.cpt.load", "pos": "",
    "mce": "", "ncci-mue": "codekit.ncci.load_mue", "ncci-aoc": "codekit.ncci.load_aoc",
    "ncci-ptp": "codekit.ncci.load_ptp",
}


def _edition_findings(ctx: Any, view: Any) -> Iterator[Finding]:
    day = view.day.isoformat()
    for system, eid, end in view.past:
        label = LABELS.get(system, system)
        loader = _LOADERS.get(system, "")
        how = f"; load newer files with {loader}(path)" if loader else ""
        f = ctx.finding("EDITION-PAST", f"{day} is after the newest {label} codekit has "
                        f"({eid}, to {end}): checked against {eid}{how}", "", day,
                        (f"{system}:{eid}",))
        if f is not None:
            yield f
    for system in view.missing:
        label = LABELS.get(system, system)
        if system == "icd10cm" and view.day < ICD10_START:
            f = ctx.finding("EDITION-MISSING", f"ICD-10-CM applies to services from "
                            f"{ICD10_START}: the diagnoses on {day} (ICD-9-CM then) were not "
                            "checked", "", day)
            if f is not None:
                yield f
            continue
        loader = _LOADERS.get(system, "")
        how = f"; load the files for that date with {loader}(path)" if loader else ""
        f = ctx.finding("EDITION-MISSING", f"no {label} codekit has covers {day}: its checks "
                        f"were skipped for that date{how}", "", day)
        if f is not None:
            yield f
