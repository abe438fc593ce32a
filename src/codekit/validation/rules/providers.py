"""Providers, patient, subscriber and payer: NPIs and the fields an 837P requires."""

from __future__ import annotations

from typing import Any

from ...findings import Finding
from ..registry import rules

ERROR, WARNING, INFO = "error", "warning", "info"
X12 = "ASC X12 005010X222A1 (837P)"
MCPM26 = "CMS Medicare Claims Processing Manual (Pub. 100-04) ch. 26 §10.2"
_npi_memo: dict[str, str | None] = {}


def _npi_problem(value: str) -> str | None:
    got = _npi_memo.get(value, "")
    if got == "":
        from ... import npi

        r = npi.check(value)
        got = None if r.ok else r.message
        if len(_npi_memo) < 100_000:
            _npi_memo[value] = got
    return got


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_zip_memo: dict[str, bool] = {}
_box_memo: dict[str, bool] = {}


def _zip_ok(value: str) -> bool:
    got = _zip_memo.get(value)
    if got is None:
        digits = value.replace("-", "").strip()
        got = len(digits) == 9 and digits.isascii() and digits.isdigit()
        if len(_zip_memo) < 100_000:
            _zip_memo[value] = got
    return got


def _po_box(line1: str) -> bool:
    got = _box_memo.get(line1)
    if got is None:
        flat = line1.upper().replace(".", "").replace(" ", "")
        got = flat.startswith(("POBOX", "POSTOFFICEBOX", "PMB", "LOCKBOX"))
        if len(_box_memo) < 100_000:
            _box_memo[line1] = got
    return got


_PROVIDERS = (("billing_provider", "billing provider"), ("rendering_provider", "rendering provider"),
              ("referring_provider", "referring provider"), ("service_facility", "service facility"))


@rules(
    ("PROVIDER-NPI", ERROR, "An NPI that is not 10 digits starting with 1 or 2 with a valid check "
     "digit (Luhn over the number prefixed with 80840).",
     "45 CFR 162.406; CMS 'NPI check digit' requirements"),
)
def check_npis(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    for attr, label in _PROVIDERS:
        p = getattr(claim, attr)
        if p is not None and p.npi is not None:
            problem = _npi_problem(p.npi)
            if problem is not None:
                add(ctx.finding("PROVIDER-NPI", f"{label}: {problem}", f"{attr}.npi", p.npi))
    for ln in ctx.lines:
        p = ln.line.rendering_provider
        if p is not None and p.npi is not None:
            problem = _npi_problem(p.npi)
            if problem is not None:
                add(ctx.finding("PROVIDER-NPI", f"line rendering provider: {problem}",
                                f"{ln.path}.rendering_provider.npi", p.npi))
    return out


@rules(
    ("PROVIDER-BILLING-MISSING", ERROR, "No billing provider, or one without an NPI.",
     f"{MCPM26} item 33a; {X12} loop 2010AA NM109"),
    ("PROVIDER-BILLING-ADDRESS", ERROR, "The billing provider's address lacks a street line, city, "
     "state or the 9-digit ZIP code an 837P requires.", f"{X12} loop 2010AA N3/N4 (ZIP+4 "
     f"required); {MCPM26} item 33"),
    ("PROVIDER-BILLING-PO-BOX", WARNING, "A post office box as the billing provider's address (it "
     "must be a street address; a PO box goes in the pay-to address).",
     f"{X12} loop 2010AA N301"),
    ("PROVIDER-TAX-ID", ERROR, "The billing provider has no federal tax id (EIN or SSN, 9 digits).",
     f"{MCPM26} item 25; {X12} loop 2010AA REF*EI/SY"),
)
def check_billing_provider(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    bp = claim.billing_provider
    if bp is None or _blank(bp.npi):
        add(ctx.finding("PROVIDER-BILLING-MISSING", "the claim has no billing provider NPI "
                        "(the NPI of the person or group paid)",
                        "billing_provider.npi" if bp is not None else "billing_provider"))
    if bp is None:
        return out
    addr = bp.address
    if addr is None:
        add(ctx.finding("PROVIDER-BILLING-ADDRESS", "the billing provider has no address",
                        "billing_provider.address"))
    else:
        line1, city, state, zip_ = addr.line1, addr.city, addr.state, addr.postal_code
        if not (line1 and city and state and zip_) or not (
                line1.strip() and city.strip() and state.strip() and zip_.strip()):
            missing = [f for f in ("line1", "city", "state", "postal_code")
                       if _blank(getattr(addr, f))]
            add(ctx.finding("PROVIDER-BILLING-ADDRESS", "the billing provider's address lacks "
                            f"{', '.join(missing)}", f"billing_provider.address.{missing[0]}"))
        if zip_ and not _zip_ok(zip_):
            add(ctx.finding("PROVIDER-BILLING-ADDRESS", f"the billing provider's ZIP code "
                            f"{zip_.strip()[:20]!r} must be the full 9 digits (ZIP+4)",
                            "billing_provider.address.postal_code", zip_))
        if line1 and _po_box(line1):
            add(ctx.finding("PROVIDER-BILLING-PO-BOX", "the billing provider's address is a "
                            "post office box: use the street address (a PO box goes in the "
                            "pay-to address)", "billing_provider.address.line1", line1))
    tax = bp.tax_id
    if _blank(tax):
        add(ctx.finding("PROVIDER-TAX-ID", "the billing provider has no tax id (EIN or SSN)",
                        "billing_provider.tax_id"))
    else:
        if not _zip_ok(tax):  # nine digits, dashes allowed: the same test as a ZIP+4
            add(ctx.finding("PROVIDER-TAX-ID", f"tax id {tax.strip()[:20]!r} must be 9 digits",
                            "billing_provider.tax_id", tax))
    return out


@rules(
    ("PATIENT-MISSING", ERROR, "The patient's name, birth date or sex is missing.",
     f"{MCPM26} items 2-3; {X12} loops 2010BA/2010CA NM1 and DMG"),
    ("PATIENT-SEX", ERROR, "The patient's sex is not F, M or U.", f"{X12} DMG03; {MCPM26} item 3"),
    ("SUBSCRIBER-ID-MISSING", ERROR, "No member id for the insured (on the subscriber or the "
     "patient).", f"{MCPM26} item 1a; {X12} loop 2010BA NM109"),
    ("PAYER-MISSING", ERROR, "No payer name and id.", f"{X12} loop 2010BB NM1"),
)
def check_people(claim: Any, ctx: Any) -> list[Finding | None]:
    out: list[Finding | None] = []
    add = out.append
    p = claim.patient
    if p is None:
        add(ctx.finding("PATIENT-MISSING", "the claim has no patient", "patient"))
    else:
        ln_, fn_, sex_ = p.last_name, p.first_name, p.sex
        if (ln_ and fn_ and sex_ and p.birth_date is not None and ln_.strip() and fn_.strip()
                and sex_.strip()):
            missing = []
        else:
            missing = [f for f in ("last_name", "first_name", "birth_date", "sex")
                       if _blank(getattr(p, f))]
        if missing:
            add(ctx.finding("PATIENT-MISSING", f"the patient's {', '.join(missing)} "
                            f"{'is' if len(missing) == 1 else 'are'} missing",
                            f"patient.{missing[0]}"))
        sex = p.sex
        if sex not in ("F", "M", "U") and not _blank(sex) and sex.strip().upper() not in (
                "F", "M", "U"):
            add(ctx.finding("PATIENT-SEX", f"patient sex {sex.strip()[:20]!r} is not F, M or U",
                            "patient.sex", sex))
    sub = claim.subscriber
    member = (sub.member_id if sub is not None else None) or (p.member_id if p else None)
    if _blank(member):
        add(ctx.finding("SUBSCRIBER-ID-MISSING", "no member id for the insured (the id on the "
                        "insurance card)", "subscriber.member_id"))
    payer = claim.payer
    if payer is None or (_blank(payer.name) and _blank(payer.payer_id)):
        add(ctx.finding("PAYER-MISSING", "the claim names no payer (name and payer id)", "payer"))
    elif _blank(payer.payer_id) or _blank(payer.name):
        which = "payer_id" if _blank(payer.payer_id) else "name"
        add(ctx.finding("PAYER-MISSING", f"the payer's {which} is missing", f"payer.{which}"))
    return out
