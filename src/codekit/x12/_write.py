"""The 837P writer: claims to an X12 005010X222A1 interchange.

Speed matters (a clearinghouse batch is tens of thousands of claims): segments are
built directly as strings, each value checked once on its way in; a missing or
unwritable value is recorded as a problem and the file is never returned.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable

from ..claims.model import Address, Claim, Patient, Payer, Provider, ServiceLine, Subscriber
from ..errors import ClaimNotWritable
from . import _common as c
from ._common import Delimiters, Party, d8

__all__ = ["write_837p"]

MAX_DIAGNOSES = 12
MAX_LINES = 50
MAX_POINTERS = 4
MAX_MODIFIERS = 4
_SHOWN = 25  # problems quoted in the message (all are in .problems)


class _Writer:
    """Segments of one interchange, and the problems found on the way."""

    __slots__ = ("bad", "cache", "comp", "el", "out", "patient_ids", "problems")

    def __init__(self, delimiters: Delimiters) -> None:
        self.el = delimiters.element
        self.comp = delimiters.component
        chars = (delimiters.element, delimiters.component, delimiters.repetition,
                 delimiters.segment)
        # a delimiter, or anything but printable ASCII (X12's character sets are ASCII)
        self.bad = re.compile("[" + re.escape("".join(chars)) + "]|[^ -~]").search
        self.cache: dict[int, tuple[object, list[str]]] = {}
        self.out: list[str] = []
        self.problems: list[str] = []
        self.patient_ids: bool | None = None

    # -- values -------------------------------------------------------------------------
    def text(self, value: str | None, at: str, maxlen: int, minlen: int = 1,
             required: bool = True) -> str:
        """A free-text value, checked: present (when required), length, no delimiter."""
        if value and len(value) <= maxlen and not self.bad(value) and len(value) >= minlen:
            return value
        if not value:
            if required:
                self.problems.append(f"{at}: required")
            return ""
        if not minlen <= len(value) <= maxlen:
            why = f"{minlen} to {maxlen} characters" if minlen > 1 else f"at most {maxlen} characters"
            self.problems.append(f"{at}: {why} in an 837P, got {len(value)}")
        else:
            self.problems.append(f"{at}: contains a delimiter or a character X12 cannot carry "
                                 f"(not printable ASCII): {_quote(value)}")
        return ""

    def code(self, value: str | None, allowed: frozenset[str], at: str,
             required: bool = True) -> str:
        """A value from a code list."""
        if value in allowed:
            return value
        if value is None or value == "":
            if required:
                self.problems.append(f"{at}: required")
            return ""
        shown = ", ".join(sorted(allowed)) if len(allowed) <= 12 else "the X12 code list"
        self.problems.append(f"{at}: {_quote(value)} is not one of {shown}")
        return ""

    def cached(self, obj: object, build: Callable[[], None]) -> None:
        """The segments ``build`` appends, made once per party object (a billing provider,
        a payer, a rendering provider shared by many claims) when they had no problem."""
        hit = self.cache.get(id(obj))
        if hit is not None and hit[0] is obj:
            self.out.extend(hit[1])
            return
        start, problems = len(self.out), len(self.problems)
        build()
        if len(self.problems) == problems:
            self.cache[id(obj)] = (obj, self.out[start:])

    def seg(self, *elements: str) -> None:
        """Append a segment; trailing empty elements are dropped."""
        self.out.append(self.el.join(elements).rstrip(self.el))


def _quote(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _amount(value: object) -> str:
    return format(value, "f")


# ------------------------------------------------------------------------------------------
# parts
def _person_name(w: _Writer, p: Provider | None, at: str, org: bool = True) -> tuple[str, ...]:
    """(NM102, NM103, NM104, NM105, NM107) of a provider: an organization or a person."""
    if p is None:
        w.problems.append(f"{at}: required")
        return ("", "", "", "", "")
    if p.organization_name is not None and org:
        return ("2", w.text(p.organization_name, f"{at}.organization_name", 60), "", "", "")
    if p.organization_name is not None and p.last_name is None:
        w.problems.append(f"{at}.last_name: required (this provider is a person in an 837P)")
        return ("", "", "", "", "")
    return ("1", w.text(p.last_name, f"{at}.last_name", 60),
            w.text(p.first_name, f"{at}.first_name", 35, required=False),
            w.text(p.middle_name, f"{at}.middle_name", 25, required=False),
            w.text(p.suffix, f"{at}.suffix", 10, required=False))


def _address(w: _Writer, a: Address | None, at: str) -> None:
    """N3 and N4."""
    if a is None:
        w.problems.append(f"{at}: required")
        return
    w.seg("N3", w.text(a.line1, f"{at}.line1", 55),
          w.text(a.line2, f"{at}.line2", 55, required=False))
    postal = a.postal_code
    if postal and not (postal.isdigit() and len(postal) in (5, 9)):
        w.problems.append(f"{at}.postal_code: 5 or 9 digits in an 837P, got {_quote(postal)}")
        postal = ""
    elif not postal:
        w.problems.append(f"{at}.postal_code: required")
    w.seg("N4", w.text(a.city, f"{at}.city", 30, 2), w.code(a.state, c.STATES, f"{at}.state"),
          postal or "")


def _npi(w: _Writer, p: Provider, at: str, required: bool) -> tuple[str, str]:
    npi = w.text(p.npi, f"{at}.npi", 80, 2, required=required)
    return ("XX", npi) if npi else ("", "")


def _billing(w: _Writer, bp: Provider | None, hl: int, at: str) -> None:
    """Loop 2000A and 2010AA."""
    w.seg("HL", str(hl), "", "20", "1")
    if bp is None:
        w.problems.append(f"{at}: required")
        return
    w.cached(bp, lambda: _billing_block(w, bp, at))


def _billing_block(w: _Writer, bp: Provider, at: str) -> None:
    if bp.taxonomy:
        w.seg("PRV", "BI", "PXC", w.text(bp.taxonomy, f"{at}.taxonomy", 50))
    kind, last, first, middle, suffix = _person_name(w, bp, at)
    w.seg("NM1", "85", kind, last, first, middle, "", suffix, *_npi(w, bp, at, True))
    _address(w, bp.address, f"{at}.address")
    w.seg("REF", w.code(bp.tax_id_type, c.TAX_ID_TYPE, f"{at}.tax_id_type"),
          w.text(bp.tax_id, f"{at}.tax_id", 50))


def _subscriber(w: _Writer, claim: Claim, hl: int, parent: int, at: str) -> int:
    """Loops 2000B, 2010BA, 2010BB and, for a dependent, 2000C and 2010CA. Returns the
    last HL number used."""
    sub, pat, payer = claim.subscriber, claim.patient, claim.payer
    if sub is None:
        w.problems.append(f"{at}.subscriber: required")
        return hl
    self_ = sub.relationship == "18"
    w.seg("HL", str(hl), str(parent), "22", "0" if self_ else "1")
    if payer is None:
        w.problems.append(f"{at}.payer: required")
        responsibility = filing = ""
    else:
        responsibility = w.code(payer.responsibility, c.RESPONSIBILITY,
                                f"{at}.payer.responsibility")
        filing = w.code(payer.filing_indicator, c.FILING_INDICATOR, f"{at}.payer.filing_indicator")
    w.seg("SBR", responsibility, "18" if self_ else "",
          w.text(sub.group_number, f"{at}.subscriber.group_number", 50, required=False),
          w.text(sub.group_name, f"{at}.subscriber.group_name", 60, required=False),
          "", "", "", "", filing)
    member = sub.member_id
    if self_ and pat is not None:
        if member is None:
            member = pat.member_id
        elif pat.member_id is not None and pat.member_id != member:
            w.problems.append(f"{at}.patient.member_id: differs from the subscriber's, and an "
                              "837P carries one member id when the patient is the subscriber")
        _same_person(w, sub, pat, at)
    person = pat if self_ else sub
    where = f"{at}.patient" if self_ else f"{at}.subscriber"
    if person is None:
        w.problems.append(f"{where}: required")
    else:
        w.seg("NM1", "IL", "1", w.text(person.last_name, f"{where}.last_name", 60),
              w.text(person.first_name, f"{where}.first_name", 35, required=False),
              w.text(person.middle_name, f"{where}.middle_name", 25, required=False), "",
              w.text(person.suffix, f"{where}.suffix", 10, required=False), "MI",
              w.text(member, f"{at}.subscriber.member_id", 80, 2))
        if self_ or person.address is not None:
            _address(w, person.address, f"{where}.address")
        if self_:  # the TR3 sends DMG in 2010BA only when the subscriber is the patient
            _demographics(w, person.birth_date, person.sex, where)
    if payer is not None:
        w.cached(payer, lambda: _payer_block(w, payer, at))
    if self_:
        return hl
    hl += 1
    w.seg("HL", str(hl), str(hl - 1), "23", "0")
    w.seg("PAT", w.code(sub.relationship, c.RELATIONSHIP, f"{at}.subscriber.relationship"))
    if pat is None:
        w.problems.append(f"{at}.patient: required")
        return hl
    w.seg("NM1", "QC", "1", w.text(pat.last_name, f"{at}.patient.last_name", 60),
          w.text(pat.first_name, f"{at}.patient.first_name", 35, required=False),
          w.text(pat.middle_name, f"{at}.patient.middle_name", 25, required=False), "",
          w.text(pat.suffix, f"{at}.patient.suffix", 10, required=False))
    _address(w, pat.address, f"{at}.patient.address")
    _demographics(w, pat.birth_date, pat.sex, f"{at}.patient")
    ids = w.patient_ids
    if ids is None:  # the TR3 sends the patient's id only on property and casualty claims
        ids = payer is not None and payer.filing_indicator in c.PROPERTY_CASUALTY
    if pat.member_id is not None and ids:
        w.seg("REF", "1W", w.text(pat.member_id, f"{at}.patient.member_id", 50))
    return hl


_PERSON = ("last_name", "first_name", "middle_name", "suffix", "birth_date", "sex", "address")


def _same_person(w: _Writer, sub: Subscriber, pat: Patient, at: str) -> None:
    """A subscriber who is the patient (relationship 18) is written once, as the
    patient: a subscriber field that says otherwise would be lost."""
    for name in _PERSON:
        value = getattr(sub, name)
        if value is not None and value != getattr(pat, name):
            w.problems.append(f"{at}.subscriber.{name}: differs from the patient's, who is the "
                              "subscriber (relationship 18); leave it empty")


def _payer_block(w: _Writer, payer: Payer, at: str) -> None:
    w.seg("NM1", "PR", "2", w.text(payer.name, f"{at}.payer.name", 60), "", "", "", "", "PI",
          w.text(payer.payer_id, f"{at}.payer.payer_id", 80, 2))
    if payer.address is not None:
        _address(w, payer.address, f"{at}.payer.address")


def _demographics(w: _Writer, birth: datetime.date | None, sex: str | None, at: str) -> None:
    if birth is None:
        w.problems.append(f"{at}.birth_date: required")
    w.seg("DMG", "D8", d8(birth) if birth is not None else "", w.code(sex, c.SEX, f"{at}.sex"))


def _claim(w: _Writer, claim: Claim, at: str) -> None:
    """Loop 2300 and its lines."""
    seg = w.seg
    pos = claim.place_of_service
    if not pos:
        w.problems.append(f"{at}.place_of_service: required")
    elif _pos_get(pos) is None:
        w.problems.append(f"{at}.place_of_service: {_quote(pos)} is not a place-of-service code")
        pos = ""
    freq = w.code(claim.frequency_code, c.FREQUENCY, f"{at}.frequency_code")
    seg("CLM", w.text(claim.patient_control_number, f"{at}.patient_control_number", 38),
        _amount(claim.total_charge), "", "", w.comp.join((pos or "", "B", freq)),
        "Y" if claim.signature_on_file else "N",
        w.code(claim.assignment, c.ASSIGNMENT, f"{at}.assignment"),
        w.code(claim.benefits_assigned, c.BENEFITS, f"{at}.benefits_assigned"),
        w.code(claim.release_of_information, c.RELEASE, f"{at}.release_of_information"))
    if claim.prior_authorization:
        seg("REF", "G1", w.text(claim.prior_authorization, f"{at}.prior_authorization", 50))
    if freq in ("7", "8"):
        seg("REF", "F8", w.text(claim.original_claim_id, f"{at}.original_claim_id", 50))
    elif claim.original_claim_id:
        w.problems.append(f"{at}.original_claim_id: only on a replacement (7) or void (8) claim")
    if claim.medical_record_number:
        seg("REF", "EA", w.text(claim.medical_record_number, f"{at}.medical_record_number", 50))
    if claim.note:
        seg("NTE", "ADD", w.text(claim.note, f"{at}.note", 80))
    _diagnoses(w, claim, at)
    _provider_loop(w, claim.referring_provider, "DN", f"{at}.referring_provider", org=False)
    _provider_loop(w, claim.rendering_provider, "82", f"{at}.rendering_provider")
    fac = claim.service_facility
    if fac is not None:
        where = f"{at}.service_facility"
        seg("NM1", "77", "2", w.text(fac.organization_name, f"{where}.organization_name", 60),
            "", "", "", "", *_npi(w, fac, where, False))
        _address(w, fac.address, f"{where}.address")
    lines = claim.lines
    if not lines:
        w.problems.append(f"{at}.lines: at least one line")
    elif len(lines) > MAX_LINES:
        w.problems.append(f"{at}.lines: at most {MAX_LINES} lines in an 837P, got {len(lines)}")
    n_dx = len(claim.diagnoses)
    for k, line in enumerate(lines, start=1):
        _line(w, line, k, n_dx, pos, claim.rendering_provider, at)


def _diagnoses(w: _Writer, claim: Claim, at: str) -> None:
    dx = claim.normalized_diagnoses
    if not dx:
        w.problems.append(f"{at}.diagnoses: at least one")
        return
    if len(dx) > MAX_DIAGNOSES:
        w.problems.append(f"{at}.diagnoses: at most {MAX_DIAGNOSES} in an 837P, got {len(dx)}")
    comp = w.comp
    items = []
    for i, code in enumerate(dx[:MAX_DIAGNOSES]):
        if not code.isalnum() or len(code) > 30:
            w.problems.append(f"{at}.diagnoses[{i}]: not an ICD-10-CM code: "
                              f"{_quote(claim.diagnoses[i])}")
        items.append(f"{'ABK' if i == 0 else 'ABF'}{comp}{code}")
    w.seg("HI", *items)


def _provider_loop(w: _Writer, p: Provider | None, entity: str, at: str, org: bool = True) -> None:
    """2310A/2310B (claim) or 2420A (line): NM1 and, for a rendering provider, PRV."""
    if p is None:
        return
    if entity == "82":  # the same rendering provider on many claims: made once
        w.cached(p, lambda: _provider_block(w, p, entity, at, org))
    else:
        _provider_block(w, p, entity, at, org)


def _provider_block(w: _Writer, p: Provider, entity: str, at: str, org: bool) -> None:
    kind, last, first, middle, suffix = _person_name(w, p, at, org)
    w.seg("NM1", entity, kind, last, first, middle, "", suffix, *_npi(w, p, at, False))
    if entity == "82" and p.taxonomy:
        w.seg("PRV", "PE", "PXC", w.text(p.taxonomy, f"{at}.taxonomy", 50))


def _line(w: _Writer, line: ServiceLine, number: int, n_dx: int, claim_pos: str | None,
          claim_rendering: Provider | None, claim_at: str) -> None:
    """Loop 2400 (LX, SV1, DTP*472, REF*6R), 2410 (LIN, CTP) and 2420A. The hot path of
    the writer: segments are built as strings; the checks are fast tests, and a
    problem's path is made only when there is a problem."""
    e, comp, problems = w.el, w.comp, w.problems
    at = f"{claim_at}.lines[{number - 1}]"
    code = line.code
    if not code.isalnum() or code != code.upper():
        code = line.normalized_code
        if not code or len(code) > 48 or w.bad(code):
            problems.append(f"{at}.code: not a procedure code: {_quote(line.code)}")
    mods = line.modifiers
    if mods:
        joined = "".join(mods)
        if not joined.isalnum() or joined != joined.upper() or len(joined) != 2 * len(mods):
            mods = line.normalized_modifiers
            if any(w.bad(m) for m in mods):
                problems.append(f"{at}.modifiers: a modifier contains a delimiter")
        if len(mods) > MAX_MODIFIERS:
            problems.append(f"{at}.modifiers: at most {MAX_MODIFIERS} in an 837P, got {len(mods)}")
            mods = mods[:MAX_MODIFIERS]
        procedure = f"HC{comp}{code}{comp}{comp.join(mods)}"
    else:
        procedure = f"HC{comp}{code}"
    if line.description:
        procedure += comp * (MAX_MODIFIERS - len(mods) + 1) + w.text(
            line.description, f"{at}.description", 80)
    pointers = line.diagnosis_pointers
    if not 0 < len(pointers) <= MAX_POINTERS or min(pointers) < 1 or max(pointers) > min(
            n_dx, MAX_DIAGNOSES):
        if not pointers:
            problems.append(f"{at}.diagnosis_pointers: at least one")
        elif len(pointers) > MAX_POINTERS:
            problems.append(f"{at}.diagnosis_pointers: at most {MAX_POINTERS}, got {len(pointers)}")
        else:
            problems.append(f"{at}.diagnosis_pointers: {list(pointers)} do not all point to one "
                            f"of the claim's {n_dx} diagnoses")
    charge = line.charge
    if charge is None:
        problems.append(f"{at}.charge: required")
    line_pos = line.place_of_service
    if line_pos == claim_pos or line_pos is None:
        line_pos = ""
    elif _pos_get(line_pos) is None:
        problems.append(f"{at}.place_of_service: {_quote(line_pos)} is not a place-of-service code")
        line_pos = ""
    basis = line.unit_basis
    if basis != "UN" and basis != "MJ":
        basis = w.code(basis, c.UNIT_BASIS, f"{at}.unit_basis")
    out = w.out
    out.append(f"LX{e}{number}")
    out.append(f"SV1{e}{procedure}{e}{'' if charge is None else format(charge, 'f')}{e}{basis}"
               f"{e}{format(line.units, 'f')}{e}{line_pos}{e}{e}{comp.join(map(str, pointers))}")
    start, end = line.service_date, line.service_date_to
    if start is None:
        problems.append(f"{at}.service_date: required")
    elif end is None or end == start:
        out.append(f"DTP{e}472{e}D8{e}{start.isoformat().replace('-', '')}")
    else:
        if end < start:
            problems.append(f"{at}.service_date_to: before the service date")
        out.append(f"DTP{e}472{e}RD8{e}{d8(start)}-{d8(end)}")
    if line.control_number:
        w.seg("REF", "6R", w.text(line.control_number, f"{at}.control_number", 50))
    if line.ndc:
        w.seg("LIN", "", "N4", w.text(line.ndc, f"{at}.ndc", 48))
        qty = line.ndc_quantity
        if qty is None:
            problems.append(f"{at}.ndc_quantity: required with an NDC")
        w.seg("CTP", "", "", "", _amount(qty) if qty is not None else "",
              w.code(line.ndc_unit, c.NDC_UNIT, f"{at}.ndc_unit"))
    elif line.ndc_quantity is not None or line.ndc_unit is not None:
        problems.append(f"{at}.ndc: required with an NDC quantity or unit")
    rendering = line.rendering_provider
    if rendering is not None and rendering is not claim_rendering and rendering != claim_rendering:
        _provider_loop(w, rendering, "82", f"{at}.rendering_provider")


_POS: dict[str, object] = {}


def _pos_get(code: str) -> object:
    """The place-of-service code (any edition), or None; memoized."""
    try:
        return _POS[code]
    except KeyError:
        from .. import pos

        hit = _POS[code] = pos.get(code) if code.isdigit() else None
        return hit


# ------------------------------------------------------------------------------------------
def write_837p(
    claims: Iterable[Claim],
    *,
    sender: Party,
    receiver: Party,
    interchange_control_number: int = 1,
    group_control_number: int | None = None,
    transaction_set_control_number: int = 1,
    created: datetime.datetime | None = None,
    production: bool = True,
    acknowledgment_requested: bool = False,
    reference_id: str | None = None,
    transaction_type: str = "CH",
    claims_per_transaction: int = 5000,
    delimiters: Delimiters | None = None,
    line_breaks: bool = True,
    patient_member_id: bool | None = None,
) -> str:
    """The claims as one X12 837P (005010X222A1) interchange: ISA/GS, one ST/SE
    transaction set per ``claims_per_transaction`` claims (the TR3 recommends at most
    5000), GE/IEA.

    Claims in a row with the same billing provider share one billing provider loop
    (2000A); each claim has its own subscriber loop (2000B) and, when the patient is not
    the subscriber, patient loop (2000C). ``created`` (default: now) dates the
    envelope; ``interchange_control_number`` (ISA13, 1 to 999999999),
    ``group_control_number`` (GS06; default the interchange's) and
    ``transaction_set_control_number`` (ST02 of the first set, then one more per set)
    are yours to choose, and ``reference_id`` is BHT03 (default the group control
    number). ``production=False`` marks a test interchange (ISA15 ``T``).

    An 837P carries one member id, the subscriber's. A dependent patient's own
    ``member_id`` has a place only in the TR3's property and casualty patient
    identifier (``REF*1W`` in loop 2010CA), which it sends only on property and
    casualty claims: by default (``patient_member_id=None``) codekit writes it when the
    payer's filing indicator is AM, LM or WC; ``True`` writes it on every claim (it
    then survives a round trip through :func:`read_837p`), ``False`` never.

    Raises :class:`~codekit.errors.ClaimNotWritable` listing every missing or
    unwritable value of every claim (``claims[0].billing_provider.address: required``);
    a broken file is never returned.
    """
    d = delimiters or Delimiters()
    w = _Writer(d)
    w.patient_ids = patient_member_id
    when = created or datetime.datetime.now()
    gcn = interchange_control_number if group_control_number is None else group_control_number
    if not 1 <= interchange_control_number <= 999_999_999 or not 1 <= gcn <= 999_999_999:
        raise ValueError("control numbers are 1 to 999999999")
    if not 1 <= claims_per_transaction <= 5000:
        raise ValueError("claims_per_transaction is 1 to 5000")
    if transaction_type not in ("CH", "RP"):
        raise ValueError("transaction_type is 'CH' (chargeable) or 'RP' (reporting)")
    isa13 = f"{interchange_control_number:09d}"
    _envelope(w, sender, receiver, when, isa13, gcn, production, acknowledgment_requested, d)
    seg = w.seg
    out = w.out
    claim_list = list(claims)
    for k in range(0, max(len(claim_list), 1), claims_per_transaction):
        st02 = f"{transaction_set_control_number + k // claims_per_transaction:04d}"
        first = len(out)
        seg("ST", "837", st02, c.VERSION)
        seg("BHT", "0019", "00", w.text(reference_id or str(gcn), "reference_id", 50),
            d8(when.date()), when.strftime("%H%M"), transaction_type)
        _parties(w, sender, receiver)
        hl = 0
        previous: object = None
        parent = 0
        for i in range(k, min(k + claims_per_transaction, len(claim_list))):
            claim = claim_list[i]
            if not isinstance(claim, Claim):
                raise TypeError(f"claims[{i}] is a {type(claim).__name__}, not a Claim")
            at = f"claims[{i}]"
            bp = claim.billing_provider
            if i == k or not (bp is previous or bp == previous):
                hl += 1
                parent = hl
                _billing(w, bp, hl, f"{at}.billing_provider")
                previous = bp
            hl = _subscriber(w, claim, hl + 1, parent, at)
            _claim(w, claim, at)
        seg("SE", str(len(out) - first + 1), st02)
    if not claim_list:
        w.problems.append("claims: at least one claim")
    seg("GE", str(-(-max(len(claim_list), 1) // claims_per_transaction)), str(gcn))
    seg("IEA", "1", isa13)
    if w.problems:
        problems = tuple(w.problems)
        shown = "\n".join(f"  {p}" for p in problems[:_SHOWN])
        more = f"\n  ... and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
        raise ClaimNotWritable(
            f"cannot write the 837P: {len(problems)} problem{'s' if len(problems) > 1 else ''}:\n"
            f"{shown}{more}", problems=problems)
    term = d.segment + "\n" if line_breaks else d.segment
    return term.join(out) + term


def _envelope(w: _Writer, sender: Party, receiver: Party, when: datetime.datetime, isa13: str,
              gcn: int, production: bool, ack: bool, d: Delimiters) -> None:
    sid = w.text(sender.id, "sender.id", 15, 2)
    rid = w.text(receiver.id, "receiver.id", 15, 2)
    isa = [
        "ISA", "00", " " * 10, "00", " " * 10,
        f"{w.text(sender.id_qualifier, 'sender.id_qualifier', 2, 2):2}", f"{sid:15}",
        f"{w.text(receiver.id_qualifier, 'receiver.id_qualifier', 2, 2):2}", f"{rid:15}",
        when.strftime("%y%m%d"), when.strftime("%H%M"), d.repetition, "00501", isa13,
        "1" if ack else "0", "P" if production else "T", d.component,
    ]
    w.out.append(d.element.join(isa))
    w.seg("GS", "HC", sid, rid, d8(when.date()), when.strftime("%H%M"), str(gcn), "X", c.VERSION)


def _parties(w: _Writer, sender: Party, receiver: Party) -> None:
    """Loops 1000A (submitter, with its contact) and 1000B (receiver)."""
    w.seg("NM1", "41", "2", w.text(sender.name, "sender.name", 60), "", "", "", "", "46",
          w.text(sender.id, "sender.id", 80, 2))
    contact = []
    if sender.phone:
        digits = sender.phone
        if not digits.isdigit() or not 10 <= len(digits) <= 20:
            w.problems.append(f"sender.phone: digits only (10 or more), got {_quote(digits)}")
        contact += ["TE", digits]
    if sender.email:
        contact += ["EM", w.text(sender.email, "sender.email", 256)]
    if not contact:
        w.problems.append("sender.phone: a phone or an email is required (X12 PER)")
    w.seg("PER", "IC", w.text(sender.contact_name, "sender.contact_name", 60, required=False),
          *contact)
    w.seg("NM1", "40", "2", w.text(receiver.name, "receiver.name", 60), "", "", "", "", "46",
          w.text(receiver.id, "receiver.id", 80, 2))
