"""ICD-10-CM conventions across the claim's diagnoses: Excludes1 pairs, etiology and
manifestation, external causes, duplicates, "use additional code" reminders.

The notes come from the public API (``codekit.icd10cm.get(code).notes``), which
gives every code the notes of its ancestors, block and chapter too.
"""

from __future__ import annotations

from typing import Any

from ...findings import Finding
from .. import refs as _refs
from ..registry import rules

ERROR, WARNING, INFO = "error", "warning", "info"
GUIDE = "ICD-10-CM Official Guidelines for Coding and Reporting FY2026"
MCE = "CMS Definitions of Medicare Code Edits (MCE) v43.1"


class _Notes:
    __slots__ = ("excludes1", "code_first", "use_additional", "manifestation")

    def __init__(self, excludes1: tuple[tuple[tuple[_refs.Ref, ...], str, str], ...],
                 code_first: tuple[_refs.Ref, ...], use_additional: tuple[tuple[_refs.Ref, ...], str],
                 manifestation: bool) -> None:
        self.excludes1 = excludes1
        self.code_first = code_first
        self.use_additional = use_additional
        self.manifestation = manifestation


_EMPTY = _Notes((), (), ((), ""), False)


def _notes(fact: Any) -> _Notes:
    """The note references of a diagnosis fact (parsed once, kept on the fact)."""
    nd = fact.notes_data
    if nd is not None:
        return nd  # type: ignore[no-any-return]
    obj = fact.obj
    if obj is None:
        nd = _EMPTY
    else:
        notes = obj.notes
        ex1 = []
        for n in notes.excludes1:
            r = _refs.parse(n.text)
            if r:
                ex1.append((r, n.text, n.source))
        cf: list[_refs.Ref] = []
        for n in notes.code_first:
            cf.extend(_refs.parse(n.text))
        ua: list[_refs.Ref] = []
        ua_text = []
        for n in notes.use_additional_code:
            r = _refs.parse(n.text)
            if r:
                ua.extend(r)
                ua_text.append(n.text)
        manif = False
        if notes.code_first:
            descs = [obj.description or ""]
            from ... import icd10cm

            for anc in obj.ancestors:
                a = icd10cm.get(anc, as_of=fact.day)
                if a is not None:
                    descs.append(a.description or "")
            manif = any("classified elsewhere" in d for d in descs)
        nd = _Notes(tuple(ex1), tuple(cf), (tuple(ua), "; ".join(ua_text)), manif)
    fact.notes_data = nd
    return nd


def _facts(ctx: Any) -> list[Any]:
    """The fact of each diagnosis in the first edition it is judged by (None without one);
    computed once per claim."""
    got: list[Any] | None = ctx.memo.get("dx-facts")
    if got is not None:
        return got
    store = ctx.store
    out = []
    for i, norm in enumerate(ctx.dx):
        fact = None
        for view in ctx.dx_days[i]:
            if view.icd is not None:
                fact = store.dx(view.icd, norm)
                break
        out.append(fact)
    ctx.memo["dx-facts"] = out
    return out


def _pair(ctx: Any, a: Any, an: str, b: Any, bn: str) -> tuple[Any, bool, bool]:
    """For two diagnoses (facts and codes): one's Excludes1 note naming the other (or
    None), whether b is among the codes a's "use additional code" note names, and the
    reverse. Memoized per edition and pair."""
    key = ("pair", a.label, an, bn)
    memo = ctx.store.misc
    got: tuple[Any, bool, bool] | None = memo.get(key)
    if got is None:
        na, nb = _notes(a), _notes(b)
        hit = None
        for r, text, source in na.excludes1:
            if _refs.matches(r, bn):
                hit = (a.shown, b.shown, text, source)
                break
        else:
            for r, text, source in nb.excludes1:
                if _refs.matches(r, an):
                    hit = (b.shown, a.shown, text, source)
                    break
        ua, ub = na.use_additional[0], nb.use_additional[0]
        got = memo.setdefault(key, (hit, bool(ua) and _refs.matches(ua, bn),
                                    bool(ub) and _refs.matches(ub, an)))
    return got


@rules(
    ("ICD10CM-EXCLUDES1", ERROR, "Two diagnoses on the claim where one is in the other's "
     "Excludes1 note (\"not coded here\"; notes of the code's category, block and chapter count "
     "too). The guideline allows both when the conditions are unrelated: lower the severity if "
     "your payers accept that.", f"{GUIDE} I.A.12.a (Excludes1)"),
    ("ICD10CM-MANIFESTATION-FIRST", ERROR, "A manifestation code (\"in diseases classified "
     "elsewhere\", with a \"code first\" note, or on the MCE manifestation list) listed first: "
     "the underlying condition goes first.",
     f"{GUIDE} I.A.13 (etiology/manifestation); {MCE} edit 6"),
    ("ICD10CM-MANIFESTATION-NO-ETIOLOGY", WARNING, "A manifestation code with no other diagnosis "
     "on the claim that could be its etiology (its \"code first\" condition).",
     f"{GUIDE} I.A.13 and I.B.7 (multiple coding)"),
    ("ICD10CM-EXTERNAL-CAUSE-FIRST", ERROR, "An external cause code (V00-Y99) listed first: "
     "external causes are never first-listed.", f"{GUIDE} I.C.20; {MCE} edit 2"),
    ("ICD10CM-DUPLICATE", WARNING, "The same diagnosis code listed twice.",
     f"{MCE} edit 3 (duplicate)"),
    ("ICD10CM-USE-ADDITIONAL", INFO, "A reminder: the code's \"use additional code\" note names "
     "codes none of which is on the claim.", f"{GUIDE} I.A.13 and I.B.7"),
)
def check_conventions(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    dx = ctx.dx
    n = len(dx)
    if n == 0:
        return out
    raw = claim.diagnoses
    facts = _facts(ctx)
    store = ctx.store
    notes: list[_Notes] = []
    manif: list[bool] = []
    for i in range(n):
        f = facts[i]
        if f is None or f.obj is None:
            notes.append(_EMPTY)
            manif.append(False)
            continue
        nd = f.notes_data or _notes(f)
        notes.append(nd)
        m = nd.manifestation
        if not m:
            for view in ctx.dx_days[i]:
                t = view.mce
                if t is not None:
                    m = "manifestation" in store.mce_flags(t, dx[i], view.ymd)
                    break
        manif.append(m)
    ua_ok = [not nd.use_additional[0] for nd in notes]
    for j in range(1, n):
        b = facts[j]
        if b is None or b.obj is None:
            continue
        for i in range(j):
            a = facts[i]
            if a is None or a.obj is None or dx[i] == dx[j]:
                continue
            hit, a_by_b, b_by_a = _pair(ctx, a, dx[i], b, dx[j])
            if a_by_b:
                ua_ok[i] = True
            if b_by_a:
                ua_ok[j] = True
            if hit is not None:
                owner, other, text, source = hit
                add(ctx.finding(
                    "ICD10CM-EXCLUDES1",
                    f"{owner} and {other} are not coded together: {owner}'s Excludes1 note "
                    f"(at {source}) says '{text}'; report the one that applies (both only if the "
                    "conditions are unrelated)", f"diagnoses[{j}]", raw[j], (a.label,)))
    f0 = facts[0]
    if dx[0][:1] in ("V", "W", "X", "Y") and f0 is not None and f0.obj is not None:
        add(ctx.finding("ICD10CM-EXTERNAL-CAUSE-FIRST",
                        f"{f0.shown} is an external cause code (chapter 20, V00-Y99): it is never "
                        "listed first; list the injury or condition first", "diagnoses[0]",
                        raw[0], (f0.label,)))
    if manif[0] and f0 is not None:
        add(ctx.finding("ICD10CM-MANIFESTATION-FIRST",
                        f"{f0.shown} is a manifestation code: list the underlying condition (its "
                        "'code first' note) before it", "diagnoses[0]", raw[0], (f0.label,)))
    if True in manif and all(manif[i] or facts[i] is None for i in range(n)):
        for i in range(n):
            f = facts[i]
            if manif[i] and f is not None:
                add(ctx.finding("ICD10CM-MANIFESTATION-NO-ETIOLOGY",
                                f"{f.shown} is a manifestation code and the claim has no "
                                "diagnosis for its underlying condition: add it, listed first",
                                f"diagnoses[{i}]", raw[i], (f.label,)))
    if n > 1 and len(set(dx)) != n:
        seen: set[str] = set()
        for i, d in enumerate(dx):
            if d in seen:
                add(ctx.finding("ICD10CM-DUPLICATE", f"{raw[i].strip()} is listed twice: list "
                                "each diagnosis once", f"diagnoses[{i}]", raw[i]))
            seen.add(d)
    if False in ua_ok:
        sev = ctx.severity("ICD10CM-USE-ADDITIONAL")
        if sev is not None:
            cache = store.misc
            for i in range(n):
                f = facts[i]
                if ua_ok[i] or f is None:
                    continue
                ua, text = notes[i].use_additional
                if any(facts[j] is None and _refs.matches(ua, dx[j]) for j in range(n) if j != i):
                    continue
                key = ("ua-finding", f.label, dx[i], i, raw[i], sev)
                got = cache.get(key)
                if got is None:
                    got = cache.setdefault(key, ctx.finding(
                        "ICD10CM-USE-ADDITIONAL", f"{f.shown} has a 'use additional code' note: "
                        f"{text[:300]} (add one when it applies)", f"diagnoses[{i}]", raw[i],
                        (f.label,)))
                add(got)
    return out
