"""Claim structure: diagnoses, lines, pointers, modifiers, units, charges, frequency.

The limits are those of the X12 005010X222A1 (837P) implementation guide and the
CMS-1500 instructions (Medicare Claims Processing Manual, Pub. 100-04, ch. 26).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...findings import Finding
from ..registry import engine_only, rules

ERROR, WARNING, INFO = "error", "warning", "info"
MCPM26 = "CMS Medicare Claims Processing Manual (Pub. 100-04) ch. 26 §10.2"
X12 = "ASC X12 005010X222A1 (837P)"

MAX_DIAGNOSES = 12
MAX_LINES = 50
MAX_POINTERS = 4
MAX_MODIFIERS = 4
_MAX_CHARGE = Decimal("9999999999.99")
# modifiers that mark a repeated or distinct service (not a duplicate line)
_REPEAT_MODIFIERS = frozenset(("76", "77", "91", "59", "XE", "XP", "XS", "XU"))
_CONFLICTS = (("LT", "RT"), ("26", "TC"), ("50", "LT"), ("50", "RT"))


def _q(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


rules(
    ("ENGINE-RULE-FAILED", ERROR, "A rule raised an exception on the claim: it is reported, and the "
     "other rules still run (the claim is not fully checked).", "codekit"),
    ("CLAIM-NOT-A-CLAIM", ERROR, "The input is not a Claim (nor a JSON dict of one).", "codekit"),
    ("CLAIM-MALFORMED", ERROR, "A JSON dict that does not make a Claim: one finding per problem, "
     "with its path.", "codekit.serialization"),
)(engine_only)


@rules(
    ("CLAIM-NO-DIAGNOSIS", ERROR, "The claim has no diagnosis code.",
     f"{MCPM26} item 21; {X12} loop 2300 HI (principal diagnosis required)"),
    ("CLAIM-TOO-MANY-DIAGNOSES", ERROR, "More than 12 diagnosis codes on one claim.",
     f"{X12} loop 2300 HI (12 codes); CMS-1500 item 21 A-L"),
    ("CLAIM-NO-LINES", ERROR, "The claim has no service line.", f"{X12} loop 2400 (required)"),
    ("CLAIM-TOO-MANY-LINES", ERROR, "More than 50 service lines on one claim.",
     f"{X12} loop 2400 (repeat 50)"),
    ("CLAIM-FREQUENCY", ERROR, "The claim frequency code is not 1 (original), 7 (replacement) or 8 "
     "(void).", f"{X12} CLM05-3; {MCPM26} item 22"),
    ("CLAIM-ORIGINAL-ID", ERROR, "A replacement (7) or void (8) claim without the payer's original "
     "claim number.", f"{X12} loop 2300 REF*F8; {MCPM26} item 22"),
    ("CLAIM-POS-MISSING", ERROR, "No place of service, on the claim or on a line.",
     f"{MCPM26} item 24B; {X12} CLM05-1 / SV105"),
)
def check_claim_header(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    n = len(ctx.dx)
    if n == 0:
        add(ctx.finding("CLAIM-NO-DIAGNOSIS", "the claim has no diagnosis: add the ICD-10-CM "
                        "code of the main reason for the services first", "diagnoses"))
    elif n > MAX_DIAGNOSES:
        add(ctx.finding("CLAIM-TOO-MANY-DIAGNOSES",
                        f"{n} diagnosis codes: an 837P claim holds at most {MAX_DIAGNOSES}; "
                        "split the claim (codekit.encounter_to_claims does)",
                        f"diagnoses[{MAX_DIAGNOSES}]", n))
    nl = len(ctx.lines)
    if nl == 0:
        add(ctx.finding("CLAIM-NO-LINES", "the claim has no service line", "lines"))
    elif nl > MAX_LINES:
        add(ctx.finding("CLAIM-TOO-MANY-LINES",
                        f"{nl} service lines: an 837P claim holds at most {MAX_LINES}; split "
                        "the claim", f"lines[{MAX_LINES}]", nl))
    freq = claim.frequency_code
    fq = freq.strip() if isinstance(freq, str) else freq
    if fq not in ("1", "7", "8"):
        add(ctx.finding("CLAIM-FREQUENCY",
                        f"claim frequency code {_q(freq)} is not 1 (original), 7 (replacement) "
                        "or 8 (void)", "frequency_code", freq))
    elif fq != "1":
        orig = claim.original_claim_id
        if orig is None or not orig.strip():
            kind = "replacement" if fq == "7" else "void"
            add(ctx.finding("CLAIM-ORIGINAL-ID",
                            f"a {kind} claim (frequency {fq}) needs the payer's claim number "
                            "of the claim it replaces or voids (original_claim_id)",
                            "original_claim_id", orig))
    pos = claim.place_of_service
    if pos is None or not pos.strip():
        for ln in ctx.lines:
            lp = ln.line.place_of_service
            if lp is None or not lp.strip():
                add(ctx.finding("CLAIM-POS-MISSING",
                                "no place of service: set the claim's place_of_service (or "
                                "the line's)", f"{ln.path}.place_of_service"))
                break
    return out


@rules(
    ("LINE-CODE-MISSING", ERROR, "A service line without a procedure code.",
     f"{MCPM26} item 24D; {X12} SV101-2"),
    ("LINE-DATE-MISSING", ERROR, "A service line without a date of service.",
     f"{MCPM26} item 24A; {X12} loop 2400 DTP*472"),
    ("LINE-POINTER-MISSING", ERROR, "A service line without a diagnosis pointer.",
     f"{MCPM26} item 24E; {X12} SV107-1"),
    ("LINE-TOO-MANY-POINTERS", ERROR, "More than 4 diagnosis pointers on a line.",
     f"{MCPM26} item 24E; {X12} SV107-1..4"),
    ("LINE-POINTER-RANGE", ERROR, "A diagnosis pointer that is not the position (1-12) of a "
     "diagnosis on the claim.", f"{MCPM26} item 24E; {X12} SV107"),
    ("LINE-POINTER-REPEATED", WARNING, "The same diagnosis pointer twice on one line.",
     f"{X12} SV107 (each pointer points to a different diagnosis)"),
    ("LINE-UNITS-INVALID", ERROR, "Units that are zero or negative.", f"{MCPM26} item 24G; {X12} SV104"),
    ("LINE-UNITS-UNLIKELY", WARNING, "Units that are fractional or implausibly large.",
     f"{MCPM26} item 24G; {X12} SV104"),
    ("LINE-CHARGE-MISSING", ERROR, "A service line without a charge.", f"{MCPM26} item 24F; {X12} SV102"),
    ("LINE-CHARGE-INVALID", ERROR, "A negative charge, one with more than 2 decimals, or one too "
     "large for an 837P amount.", f"{MCPM26} item 24F; {X12} SV102"),
)
def check_lines(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    n = len(ctx.dx)
    max_units = ctx.options["max_units"]
    for ln in ctx.lines:
        line = ln.line
        path = ln.path
        if not ln.code:
            add(ctx.finding("LINE-CODE-MISSING", "the line has no procedure code",
                            f"{path}.code", line.code))
        if ln.day is None:
            add(ctx.finding("LINE-DATE-MISSING", "the line has no date of service",
                            f"{path}.service_date"))
        ptrs = line.diagnosis_pointers
        if not ptrs:
            add(ctx.finding("LINE-POINTER-MISSING", "the line points to no diagnosis: add the "
                            "position of the diagnosis the service treats",
                            f"{path}.diagnosis_pointers"))
        else:
            if len(ptrs) > MAX_POINTERS:
                add(ctx.finding("LINE-TOO-MANY-POINTERS",
                                f"{len(ptrs)} diagnosis pointers: a line holds at most "
                                f"{MAX_POINTERS}", f"{path}.diagnosis_pointers[{MAX_POINTERS}]",
                                len(ptrs)))
            seen: set[int] = set()
            for k, p in enumerate(ptrs):
                if not 1 <= p <= min(n, MAX_DIAGNOSES):
                    add(ctx.finding(
                      "LINE-POINTER-RANGE",
                      f"diagnosis pointer {_q(p)} points to no diagnosis: the claim has "
                      f"{n} (pointers are 1 to {min(n, MAX_DIAGNOSES)})",
                      f"{path}.diagnosis_pointers[{k}]", p))
                elif p in seen:
                    add(ctx.finding("LINE-POINTER-REPEATED",
                                    f"diagnosis pointer {p} is listed twice on the line",
                                    f"{path}.diagnosis_pointers[{k}]", p))
                seen.add(p)
        units = line.units
        if max_units == 9999 and units in _units_ok:
            uv = _units_ok[units]
        else:
            uv = _units_verdict(units, max_units)
            if max_units == 9999 and len(_units_ok) < 10_000:
                _units_ok[units] = uv
        if uv is not None:
            add(ctx.finding(uv[0], uv[1], f"{path}.units", units))
        charge = line.charge
        if charge is None:
            add(ctx.finding("LINE-CHARGE-MISSING", "the line has no charge", f"{path}.charge"))
        else:
            verdict = _charge_ok.get(charge, 0)
            if verdict == 0:
                verdict = _charge_verdict(charge)
                if len(_charge_ok) < 10_000:
                    _charge_ok[charge] = verdict
            if verdict is not None:
                add(ctx.finding("LINE-CHARGE-INVALID", verdict, f"{path}.charge", charge))
    return out


# verdicts on units and charges, by value (claims repeat the same few values)
_units_ok: dict[Decimal, tuple[str, str] | None] = {}
_charge_ok: dict[Decimal, Any] = {}


def _units_verdict(units: Decimal, max_units: int) -> tuple[str, str] | None:
    if units <= 0:
        return "LINE-UNITS-INVALID", f"units must be more than 0, not {_q(str(units))}"
    if units > max_units or units != units.to_integral_value():
        why = (f"more than {max_units}" if units > max_units else
               "fractional (only some drug and time-based codes allow that)")
        return "LINE-UNITS-UNLIKELY", f"{_q(str(units))} units is {why}"
    return None


def _charge_verdict(charge: Decimal) -> str | None:
    if charge < 0:
        return f"charge {_q(str(charge))} is negative"
    if charge > _MAX_CHARGE:
        return f"charge {_q(str(charge))} is too large for an 837P amount"
    exp = charge.as_tuple().exponent
    if isinstance(exp, int) and exp < -2:
        exp2 = charge.normalize().as_tuple().exponent
        if isinstance(exp2, int) and exp2 < -2:
            return f"charge {_q(str(charge))} has more than 2 decimals"
    return None


@rules(
    ("MOD-TOO-MANY", ERROR, "More than 4 modifiers on a line.", f"{MCPM26} item 24D; {X12} SV101-3..6"),
    ("MOD-CONFLICT", ERROR, "Modifiers that cannot go together on one line: LT with RT (report 50 "
     "or two lines), 26 with TC (report neither for the global service), 50 with LT or RT.",
     "CMS MCPM (Pub. 100-04) ch. 12 §40.7 (bilateral) and §20.4.3 (professional/technical)"),
    ("MOD-REPEATED", WARNING, "The same modifier twice on one line.", f"{X12} SV101-3..6"),
)
def check_modifier_structure(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    for ln in ctx.lines:
        mods = ln.mods
        if not mods:
            continue
        if len(mods) > MAX_MODIFIERS:
            add(ctx.finding("MOD-TOO-MANY", f"{len(mods)} modifiers: a line holds at most "
                            f"{MAX_MODIFIERS}", f"{ln.path}.modifiers[{MAX_MODIFIERS}]",
                            len(mods)))
        if len(mods) > 1:
            for a, b in _CONFLICTS:
                if a in mods and b in mods:
                    add(ctx.finding("MOD-CONFLICT",
                                    f"modifiers {a} and {b} cannot go together on one line",
                                    f"{ln.path}.modifiers[{mods.index(b)}]", b))
            if len(set(mods)) != len(mods):
                seen: set[str] = set()
                for k, m in enumerate(mods):
                    if m in seen:
                        add(ctx.finding("MOD-REPEATED", f"modifier {m} is listed twice",
                                        f"{ln.path}.modifiers[{k}]", m))
                    seen.add(m)
    return out


@rules(
    ("LINE-DUPLICATE", ERROR, "The same code with the same modifiers on the same date (and rendering "
     "provider) on more than one line, without a repeat modifier (76, 77, 91) or a distinct-"
     "service modifier (59, XE, XP, XS, XU): report it once with the total units.",
     "CMS MCPM (Pub. 100-04) ch. 12 §30.6.7; NCCI Policy Manual ch. I (units of service)"),
)
def check_duplicates(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    lines = ctx.lines
    if len(lines) < 2 or len({ln.code for ln in lines}) == len(lines):
        return out
    seen: dict[tuple[Any, ...], int] = {}
    rendering = claim.rendering_provider
    default_npi = rendering.npi if rendering is not None else None
    for ln in lines:
        if not ln.code or _REPEAT_MODIFIERS.intersection(ln.mods):
            continue
        rp = ln.line.rendering_provider
        npi = rp.npi if rp is not None else default_npi
        key = (ln.code, tuple(sorted(ln.mods)), ln.day, npi)
        first = seen.get(key)
        if first is None:
            seen[key] = ln.i
        else:
            add(ctx.finding("LINE-DUPLICATE",
                            f"line {ln.i + 1} repeats line {first + 1} ({ln.code} on "
                            f"{ln.day}): report the service once with the total units, or "
                            "add 76/77/91 when it was really repeated",
                            f"{ln.path}.code", ln.code))
    return out
