"""NCCI edits: procedure-to-procedure pairs, medically unlikely edits, add-on codes, and the
E/M modifier conventions of the NCCI Policy Manual.

Lines are compared per date of service and rendering provider (NCCI edits apply to
one provider, one patient, one date).
"""

from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from typing import Any

from ...findings import Finding
from ...ncci import ANATOMIC_MODIFIERS, EM_MODIFIERS, PTP_MODIFIERS, in_force, is_em
from ..registry import rules

ERROR, WARNING, INFO = "error", "warning", "info"
POLICY = "NCCI Policy Manual for Medicare Services (2026)"
_DISTINCT = frozenset(("59", "XE", "XP", "XS", "XU"))
_OTHER_BYPASS = PTP_MODIFIERS - ANATOMIC_MODIFIERS - EM_MODIFIERS - _DISTINCT
_SUM = Context(prec=50, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])
_MAI_WORDS = {1: "per line", 2: "per day (policy: not payable above it, even on appeal)",
              3: "per day (clinical: may be paid on appeal with documentation)"}


def _npi(ln: Any, default: Any) -> Any:
    rp = ln.line.rendering_provider
    return rp.npi if rp is not None else default


def _groups(claim: Any, ctx: Any) -> list[list[Any]]:
    """Lines with a code and a date, grouped by (date, rendering provider)."""
    lines = [ln for ln in ctx.lines if ln.view is not None and ln.code]
    if not lines:
        return []
    rendering = claim.rendering_provider
    default = rendering.npi if rendering is not None else None
    groups: dict[Any, list[Any]] = {}
    for ln in lines:
        groups.setdefault((ln.day, _npi(ln, default)), []).append(ln)
    return list(groups.values())


def _bypass(a: Any, b: Any) -> str | None:
    """The modifier that bypasses an indicator-1 edit of column 1 line ``a`` and column 2
    line ``b``, or None."""
    m: str
    for m in b.mods:
        if m in _DISTINCT or m in _OTHER_BYPASS:
            return m
    for m in a.mods:
        if m in _DISTINCT or m in _OTHER_BYPASS:
            return m
    if is_em(b.code):
        for m in b.mods:
            if m in EM_MODIFIERS:
                return m
    an = ANATOMIC_MODIFIERS.intersection(a.mods)
    bn = ANATOMIC_MODIFIERS.intersection(b.mods)
    if an and bn and an != bn:  # both sites named, and they differ
        return sorted(bn - an or an - bn)[0]
    return None


@rules(
    ("NCCI-PTP", ERROR, "Two codes on the same date that an NCCI PTP edit pairs: the column 2 code "
     "is not paid with the column 1 code (modifier indicator 0: never; 1: unless an NCCI-"
     "associated modifier applies).", f"{POLICY} Introduction and ch. I §E; CMS practitioner PTP "
     "edit tables; CR 11168 (59/X{EPSU} on either code)"),
    ("NCCI-PTP-BYPASSED", INFO, "A reminder: an NCCI-associated modifier bypasses a PTP edit "
     "(indicator 1); the record must show a distinct service (X{EPSU} are preferred to 59).",
     f"{POLICY} ch. I §E; CR 8863 (modifiers XE, XP, XS, XU)"),
    ("NCCI-PTP-NOT-LOADED", INFO, "No NCCI PTP table is loaded, so code pairs are not checked (said "
     "once per claim; load the quarter's files with codekit.ncci.load_ptp).",
     "CMS practitioner PTP edit files (not shipped: tens of MB a quarter)"),
)
def check_ptp(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    lines = ctx.lines
    if not lines:
        return out
    store = ctx.store
    loaded = store.misc.get("ptp-loaded")
    if loaded is None:
        from ... import ncci

        loaded = store.misc.setdefault("ptp-loaded", bool(ncci.editions("ptp")))
    if not loaded:
        add(ctx.finding("NCCI-PTP-NOT-LOADED", "no NCCI PTP table is loaded: code pairs were "
                        "not checked (load the practitioner PTP files with "
                        "codekit.ncci.load_ptp(path))", "lines"))
        return out
    if len(lines) < 2:
        return out
    for group in _groups(claim, ctx):
        if len(group) < 2:
            continue
        t = group[0].view.ptp
        if t is None:
            continue
        ymd = group[0].view.ymd
        codes = ("group", *[ln.code for ln in group])
        hits = t.facts.get(codes)
        if hits is None:
            found = []
            for x, ca in enumerate(codes[1:]):
                for y, cb in enumerate(codes[1:]):
                    if ca != cb:
                        rows = store.ptp(t, ca, cb)
                        if rows:
                            found.append((x, y, rows))
            hits = t.facts.setdefault(codes, tuple(found))
        for x, y, rows in hits:
            a = group[x]
            b = group[y]
            if True:
                for eff, dele, ind in rows:
                    if ind == 9 or not in_force(eff, dele, ymd):
                        continue
                    if ind == 1:
                        m = _bypass(a, b)
                        if m is not None:
                            key = ("ptp-bypass", a.code, b.code, a.i, b.i, m, t.label,
                                   ctx.severity("NCCI-PTP-BYPASSED"))
                            got = store.misc.get(key)
                            if got is None:
                                got = store.misc.setdefault(key, ctx.finding(
                                    "NCCI-PTP-BYPASSED",
                                    f"{b.code} with {a.code} (line {a.i + 1}) is allowed by "
                                    f"modifier {m}: the record must show a separate service "
                                    "(different session, site or encounter)", f"{b.path}.code",
                                    b.code, (t.label,)))
                            add(got)
                            break
                        why = ("no NCCI-associated modifier (59, XE, XP, XS, XU, anatomic, or 25 "
                               "on an E/M) is reported; add one only if the services were "
                               "really distinct")
                    else:
                        why = "modifier indicator 0: no modifier allows the pair"
                    add(ctx.finding(
                      "NCCI-PTP", f"{b.code} is not paid with {a.code} (line {a.i + 1}) on "
                      f"{a.day}: NCCI PTP edit, {why}", f"{b.path}.code", b.code, (t.label,)))
                    break
    return out


@rules(
    ("NCCI-MUE", ERROR, "Units above the practitioner MUE: per line (MAI 1), or summed over the "
     "code's lines on the date of service (MAI 2 and 3).",
     f"{POLICY} ch. I §V; CMS Practitioner Services MUE table (MUE Adjudication Indicator)"),
)
def check_mue(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    store = ctx.store
    per_day: dict[Any, list[Any]] | None = None
    lines = ctx.lines
    repeated = len({(ln.code, ln.day) for ln in lines}) != len(lines)
    for ln in lines:
        view = ln.view
        if view is None or not ln.code:
            continue
        t = view.mue
        if t is None:
            continue
        got = store.mue(t, ln.code)
        if got is None:
            continue
        value, mai, rationale = got
        units = ln.line.units
        if mai == 1:
            if units > value:
                add(ctx.finding("NCCI-MUE", f"{units} units of {ln.code} on one line: the MUE is "
                                f"{value} {_MAI_WORDS[1]} ({rationale})", f"{ln.path}.units",
                                units, (t.label,)))
        elif not repeated:
            if units > value:
                add(ctx.finding("NCCI-MUE", f"{units} units of {ln.code} on {ln.day}: the MUE "
                                f"is {value} {_MAI_WORDS[mai]} ({rationale})",
                                f"{ln.path}.units", units, (t.label,)))
        else:
            if per_day is None:
                per_day = {}
            per_day.setdefault((ln.code, ln.day, t), []).append(ln)
    if per_day:
        for (code, day, t), group in per_day.items():
            value, mai, rationale = store.mue(t, code)
            total = Decimal(0)
            for ln in group:  # units may be any finite Decimal: no overflow trap here
                total = _SUM.add(total, ln.line.units)
            total = _SUM.normalize(total)
            if total > value:
                where = (f"{total} units of {code} on {day}" if len(group) == 1 else
                         f"{total} units of {code} on {day} (lines "
                         f"{', '.join(str(ln.i + 1) for ln in group)})")
                add(ctx.finding("NCCI-MUE", f"{where}: the MUE is {value} {_MAI_WORDS[mai]} "
                                f"({rationale})", f"{group[-1].path}.units", total, (t.label,)))
    return out


@rules(
    ("NCCI-ADDON-NO-PRIMARY", ERROR, "An add-on code (edit type 1) without one of its primary codes "
     "on the same date.", f"{POLICY} ch. I §R (add-on codes); CMS add-on code edit table"),
    ("NCCI-ADDON-UNLISTED-PRIMARY", WARNING, "An add-on code (edit type 3) without one of its listed "
     "primary codes on the same date: the contractor may accept another primary.",
     f"{POLICY} ch. I §R; CMS add-on code edit table (type 3)"),
)
def check_addons(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    store = ctx.store
    codes_by_day: dict[Any, set[str]] | None = None
    for ln in ctx.lines:
        view = ln.view
        if view is None or not ln.code:
            continue
        t = view.aoc
        if t is None:
            continue
        rows = store.aoc(t, ln.code)
        if not rows:
            continue
        ymd = view.ymd
        live = [r for r in rows if in_force(r[4], r[5], ymd) and (not r[2] or ymd <= r[2])]
        if not live or any(r[1] == 2 for r in live):
            continue  # not an add-on on that date, or its primaries are the contractor's
        if codes_by_day is None:
            codes_by_day = {}
            for other in ctx.lines:
                if other.day is not None:
                    codes_by_day.setdefault(other.day, set()).add(other.code)
        present = codes_by_day.get(ln.day, set()) - {ln.code}
        primaries = [r[0] for r in live if r[0] != "CCCCC" and (not r[3] or ymd <= r[3])]
        if any(p in present for p in primaries):
            continue
        typ = max(r[1] for r in live)
        listed = ", ".join(sorted(set(primaries))[:8]) + (", ..." if len(set(primaries)) > 8
                                                           else "")
        if typ == 1:
            add(ctx.finding("NCCI-ADDON-NO-PRIMARY",
                            f"{ln.code} is an add-on code: report it with its primary "
                            f"procedure on the same date ({listed})", f"{ln.path}.code",
                            ln.code, (t.label,)))
        else:
            add(ctx.finding("NCCI-ADDON-UNLISTED-PRIMARY",
                            f"{ln.code} is an add-on code and none of its listed primary codes "
                            f"({listed}) is on the claim that date; the contractor may accept "
                            "another primary", f"{ln.path}.code", ln.code, (t.label,)))
    return out


@rules(
    ("MOD-25-NOT-EM", WARNING, "Modifier 25 (significant, separately identifiable E/M) on a code that is "
     "not an E/M service.", f"{POLICY} ch. I §D and §E (modifier 25 is for E/M services)"),
    ("MOD-59-ON-EM", WARNING, "Modifier 59 (or XE/XP/XS/XU) on an E/M service: use 25 or 57 instead.",
     f"{POLICY} ch. I §E (modifier 59 is not used with E/M services)"),
)
def check_em_modifiers(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    for ln in ctx.lines:
        mods = ln.mods
        if not mods:
            continue
        em = is_em(ln.code)
        for k, m in enumerate(mods):
            if m == "25" and not em and ln.code:
                add(ctx.finding("MOD-25-NOT-EM", f"modifier 25 is for E/M services; {ln.code} "
                                "is not one", f"{ln.path}.modifiers[{k}]", ln.line.modifiers[k]))
            elif em and m in _DISTINCT:
                add(ctx.finding("MOD-59-ON-EM", f"modifier {m} is not used with E/M service "
                                f"{ln.code}: a separate E/M takes 25 (or 57)",
                                f"{ln.path}.modifiers[{k}]", ln.line.modifiers[k]))
    return out
