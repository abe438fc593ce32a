"""Dates: not in the future, not before birth, from not after to, timely filing.

"Future" and "late" are judged against the submission date (``submitted_on``,
default today), never against the date of service's code editions.
"""

from __future__ import annotations

import datetime
from typing import Any

from ...findings import Finding
from ..registry import rules

ERROR, WARNING, INFO = "error", "warning", "info"
MCPM26 = "CMS Medicare Claims Processing Manual (Pub. 100-04) ch. 26 §10.2 item 24A"


_deadlines: dict[tuple[datetime.date, int], datetime.date] = {}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    y, m = divmod(day.month - 1 + months, 12)
    year = day.year + y
    month = m + 1
    if year > datetime.MAXYEAR:
        return datetime.date.max
    if year < datetime.MINYEAR:
        return datetime.date.min
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError("bad date")  # pragma: no cover


@rules(
    ("DATE-FUTURE", ERROR, "A date of service after the submission date.", MCPM26),
    ("DATE-RANGE", ERROR, "A line whose 'to' date is before its 'from' date.",
     f"{MCPM26}; ASC X12 005010X222A1 DTP*472 (RD8 range)"),
    ("DATE-BEFORE-BIRTH", ERROR, "A date of service before the patient's birth date.",
     f"{MCPM26} and item 3"),
)
def check_dates(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    today = ctx.submitted_on
    p = claim.patient
    birth = p.birth_date if p is not None else None
    for ln in ctx.lines:
        day = ln.day
        if day is None:
            continue
        to = ln.line.service_date_to
        if day > today:
            add(ctx.finding("DATE-FUTURE", f"date of service {day} is after the submission "
                            f"date {today}", f"{ln.path}.service_date", day))
        elif to is not None and to > today:
            add(ctx.finding("DATE-FUTURE", f"date of service 'to' {to} is after the submission "
                            f"date {today}", f"{ln.path}.service_date_to", to))
        if to is not None and to < day:
            add(ctx.finding("DATE-RANGE", f"the line's dates run backwards: from {day} to {to}",
                            f"{ln.path}.service_date_to", to))
        if birth is not None and day < birth:
            add(ctx.finding("DATE-BEFORE-BIRTH", f"date of service {day} is before the patient's "
                            f"birth date {birth}", f"{ln.path}.service_date", day))
    return out


@rules(
    ("DATE-TIMELY-FILING", ERROR, "The claim is filed after the payer's limit: 12 months after the "
     "date of service by default (Medicare); per payer with the option timely_filing_by_payer.",
     "42 CFR 424.44(a)(1); CMS MCPM (Pub. 100-04) ch. 1 §70.1 (span dates: the 'from' date)"),
)
def check_timely_filing(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    dates = ctx.dates
    if not dates:
        return out
    today = ctx.submitted_on
    opts = ctx.options
    days = None
    by_payer = opts["timely_filing_by_payer"]
    payer = claim.payer
    if by_payer and payer is not None:
        for key in (payer.payer_id, payer.name):
            if key is not None and key in by_payer:
                days = int(by_payer[key])
                break
    months = int(opts["timely_filing_months"])
    for view in dates:
        day = view.day
        if day > today:
            continue
        if days is not None:
            try:
                deadline = day + datetime.timedelta(days=days)
            except OverflowError:
                deadline = datetime.date.max if days > 0 else datetime.date.min
        else:
            key = (day, months)
            got = _deadlines.get(key)
            if got is None:
                got = _add_months(day, months)
                if len(_deadlines) < 100_000:
                    _deadlines[key] = got
            deadline = got
        if today > deadline:
            limit = f"{days} days" if days is not None else f"{months} months"
            first = next(ln for ln in ctx.lines if ln.day == day)
            add(ctx.finding("DATE-TIMELY-FILING",
                            f"services on {day} had to be filed by {deadline} ({limit}); the "
                            f"claim is submitted on {today}", f"{first.path}.service_date", day))
    return out
