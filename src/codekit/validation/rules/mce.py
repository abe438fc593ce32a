"""Medicare Code Editor edits: diagnoses that conflict with the patient's age or sex.

Age categories (MCE edit 4) and their ranges come from the MCE v43.1 tables by date
of service: newborn 0, pediatric 0-17, maternity 12-55 until 2019-09-30 and 9-64
from 2019-10-01, adult 15-124; the age is in whole years on the date of service.
The sex edits (MCE edit 5) end for diagnoses on 2024-09-30 in those tables: before
that a conflict is ``MCE-SEX`` (an error); after it ``MCE-SEX-RETIRED`` (a warning by
default, since many payers still apply the edits; change it with
``severity_overrides``).
"""

from __future__ import annotations

from typing import Any

from ...findings import Finding
from ..registry import rules

ERROR, WARNING, INFO = "error", "warning", "info"
MCE = "CMS Definitions of Medicare Code Edits (MCE) v43.1"
_AGE_GROUPS = ("newborn", "pediatric", "maternity", "adult")
_SEX = {"F": "female", "M": "male"}


def _sex(claim: Any) -> str | None:
    p = claim.patient
    s = p.sex if p is not None else None
    if not isinstance(s, str):
        return None
    return _SEX.get(s.strip().upper())


@rules(
    ("MCE-AGE", ERROR, "A diagnosis of an MCE age category (newborn 0, pediatric 0-17, maternity "
     "12-55 to 2019-09-30 then 9-64, adult 15-124) for a patient whose age on the date of "
     "service is outside it.", f"{MCE} ch. 1 edit 4 (age conflict) and its age table"),
    ("MCE-SEX", ERROR, "A diagnosis the MCE tables in force on the date of service restrict to the "
     "other sex.", f"{MCE} ch. 1 edit 5 (sex conflict); diagnosis sex flags to 2024-09-30"),
    ("MCE-SEX-RETIRED", WARNING, "A diagnosis whose MCE sex edit ended on 2024-09-30 (CMS no longer "
     "edits it; many payers still do) on a claim of the other sex.",
     f"{MCE}: diagnosis sex flags end 2024-09-30 (FY2025)"),
)
def check_mce(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    dx = ctx.dx
    if not dx or not ctx.dates:
        return out
    store = ctx.store
    sex = _sex(claim)
    raw = claim.diagnoses
    for i, norm in enumerate(dx):
        for view in ctx.dx_days[i]:
            t = view.mce
            if t is None:
                continue
            key = ("profile", norm, view.ymd)
            prof = t.facts.get(key, 0)
            if prof == 0:
                prof = t.facts.setdefault(key, _profile(store, t, norm, view.ymd))
            if prof is None:
                break
            ages, only, retired = prof
            shown = raw[i].strip()
            if ages:
                age = ctx.age(view.day)
                if age is not None:
                    for g, lo, hi in ages:
                        if not lo <= age <= hi:
                            add(ctx.finding(
                                "MCE-AGE", f"{shown} is a {g} diagnosis (ages {lo}-{hi} on "
                                f"{view.day}) but the patient is {age} on that date",
                                f"diagnoses[{i}]", raw[i], (t.label,)))
            if sex is not None:
                if only is not None and only != sex:
                    add(ctx.finding(
                        "MCE-SEX", f"{shown} is a diagnosis for {only} patients only (MCE sex "
                        f"edit in force on {view.day}); the patient's sex is {sex}",
                        f"diagnoses[{i}]", raw[i], (t.label,)))
                elif retired is not None and retired != sex:
                    add(ctx.finding(
                        "MCE-SEX-RETIRED",
                        f"{shown} was a diagnosis for {retired} patients only until the MCE ended "
                        f"its diagnosis sex edits on {_iso(t.table.sex_end)}; the patient's sex "
                        f"is {sex} (many payers still reject this)", f"diagnoses[{i}]", raw[i],
                        (t.label,)))
            break
    return out


def _profile(store: Any, t: Any, norm: str, ymd: int) -> tuple[Any, ...] | None:
    """(age categories with their ranges, sex the code is restricted to, sex of a retired
    sex edit) of a diagnosis on a date; None when the MCE has nothing on it."""
    if not store.mce_rows(t, norm):
        return None
    flags = store.mce_flags(t, norm, ymd)
    ages = []
    for g in _AGE_GROUPS:
        if g in flags:
            rng = t.table.age_range(g, ymd)
            if rng is not None:
                ages.append((g, rng[0], rng[1]))
    only = "male" if "male" in flags else "female" if "female" in flags else None
    retired = None
    if only is None:
        r = store.mce_retired_sex(t, norm)
        if r is not None and ymd > t.table.sex_end:
            retired = r
    if not ages and only is None and retired is None:
        return None
    return tuple(ages), only, retired


def _iso(ymd: int) -> str:
    return f"{ymd // 10000:04d}-{ymd // 100 % 100:02d}-{ymd % 100:02d}"
