"""The 837P reader: an X12 005010X222A1 interchange to claims.

One pass over the segments (no backtracking: time is linear in the file size). The
loops codekit's models hold are read; the others (pay-to address, other payers 2320/
2330, line adjudication 2430, supervising, ordering and ambulance loops, claim dates
other than the service dates) are passed over. Envelope counts and control numbers are
checked; a malformed file raises :class:`~codekit.errors.X12SyntaxError` with the
1-based position of the segment.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .._normalize import dotted
from ..claims.model import Address, Claim, Patient, Payer, Provider, ServiceLine, Subscriber
from ..errors import InvalidField, X12SyntaxError

__all__ = ["read_837p"]


_WIDTH = 13  # segments are padded to this many elements (HI has 12 after its id)


class _Bad(Exception):
    """A problem in the current segment (turned into X12SyntaxError with its position)."""


def _date(value: str) -> datetime.date:
    if len(value) == 8 and value.isdecimal():
        try:
            return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
    raise _Bad(f"not a CCYYMMDD date: {value[:20]!r}")


def _decimal(value: str, what: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not value or value.strip() != value:
        raise _Bad(f"{what} is not a number: {value[:20]!r}")
    return number


def _or_none(value: str) -> str | None:
    return value or None


def _name(els: list[str], into: dict[str, Any], org_ok: bool = True) -> None:
    """NM102-NM107 (and NM108/NM109 when XX, the NPI) into a provider's fields."""
    if els[2] == "2" and org_ok:
        into["organization_name"] = _or_none(els[3])
    else:
        into["last_name"] = _or_none(els[3])
        into["first_name"] = _or_none(els[4])
        into["middle_name"] = _or_none(els[5])
        into["suffix"] = _or_none(els[7])
    if els[8] == "XX":
        into["npi"] = _or_none(els[9])


def _el(els: list[str], i: int) -> str:
    return els[i] if i < len(els) else ""


class _Reader:
    """The state of one pass: the loops open at the current segment."""

    def __init__(self, comp: str) -> None:
        self.comp = comp
        self.claims: list[Claim] = []
        self.billing: dict[str, Any] | None = None
        self.billing_obj: Provider | None = None
        self.sub: dict[str, Any] | None = None
        self.claim: dict[str, Any] | None = None
        self.line: dict[str, Any] | None = None
        self.target: dict[str, Any] | None = None  # what N3/N4/REF/DMG/PRV apply to
        self.skipping = False  # inside a loop codekit does not read (2320-2330, 2430, ...)

    # -- the loops ----------------------------------------------------------------------
    def hl(self, els: list[str], pos: int) -> None:
        self.close_claim()
        level = els[3]
        self.skipping = False
        if level == "20":
            self.billing = {"address": None}
            self.billing_obj = None
            self.target = self.billing
            self.sub = None
        elif level == "22":
            if self.billing is None:
                raise _Bad("a subscriber level (HL*22) before any billing provider (HL*20)")
            self.sub = {"self": False, "subscriber": {}, "payer": {}, "patient": {},
                        "relationship": None, "pos": pos}
            self.target = None
        elif level == "23":
            if self.sub is None:
                raise _Bad("a patient level (HL*23) before any subscriber (HL*22)")
            self.sub["patient"] = {}
            self.target = None
        else:
            raise _Bad(f"HL03 {level!r} is not 20, 22 or 23 (an 837P's levels)")

    def nm1(self, els: list[str]) -> None:
        entity = els[1]
        if self.skipping:
            return
        if entity == "85" and self.billing is not None and self.sub is None:
            _name(els, self.billing)
            self.target = self.billing
        elif entity in ("IL", "PR", "QC") and self.sub is not None and self.claim is None:
            key = {"IL": "subscriber", "PR": "payer", "QC": "patient"}[entity]
            part = self.sub[key]
            if entity == "PR":
                part["name"] = _or_none(els[3])
                part["payer_id"] = _or_none(els[9])
            else:
                part["last_name"] = _or_none(els[3])
                part["first_name"] = _or_none(els[4])
                part["middle_name"] = _or_none(els[5])
                part["suffix"] = _or_none(els[7])
                if entity == "IL":
                    part["member_id"] = _or_none(els[9])
            self.target = part
        elif self.claim is not None and entity in ("DN", "P3", "82", "77"):
            provider: dict[str, Any] = {}
            _name(els, provider, org_ok=entity != "DN" and entity != "P3")
            if self.line is not None:  # 2420A-H: only the rendering provider is read
                if entity == "82":
                    self.line["rendering_provider"] = provider
                    self.target = provider
                else:
                    self.target = None
                return
            field = {"DN": "referring_provider", "P3": "referring_provider",
                     "82": "rendering_provider", "77": "service_facility"}[entity]
            if field in self.claim:  # a second referring provider (2310A repeats twice)
                self.target = None
                return
            self.claim[field] = provider
            self.target = provider
        else:
            self.target = None

    def clm(self, els: list[str], pos: int) -> None:
        self.close_claim()
        if self.sub is None:
            raise _Bad("a claim (CLM) outside a subscriber level (HL*22)")
        self.skipping = False
        location = els[5].split(self.comp)
        self.claim = {
            "pos": pos,
            "total": _decimal(els[2], "CLM02"),
            "patient_control_number": _or_none(els[1]),
            "place_of_service": _or_none(_el(location, 0)),
            "frequency_code": _or_none(_el(location, 2)),
            "signature_on_file": els[6] != "N",
            "assignment": _or_none(els[7]),
            "benefits_assigned": _or_none(els[8]),
            "release_of_information": _or_none(els[9]),
            "diagnoses": [],
            "lines": [],
        }
        self.target = None

    def lx(self, pos: int) -> None:
        if self.claim is None:
            raise _Bad("a service line (LX) outside a claim")
        self.close_line()
        self.skipping = False
        self.line = {"pos": pos, "sv1": 0}
        self.target = None

    def sv1(self, els: list[str], pos: int) -> None:
        line = self.line
        if line is None:
            raise _Bad("SV1 outside a service line (LX)")
        proc = els[1].split(self.comp)
        if _el(proc, 0) != "HC":
            raise _Bad(f"SV101-1 {_el(proc, 0)[:10]!r}: codekit reads HC (CPT and HCPCS) lines")
        line.update(
            sv1=pos,
            code=_el(proc, 1),
            modifiers=[m for m in proc[2:6] if m],
            description=_or_none(_el(proc, 6)),
            charge=_decimal(els[2], "SV102"),
            unit_basis=_or_none(els[3]),
            units=_decimal(els[4], "SV104"),
            place_of_service=_or_none(els[5]),
            diagnosis_pointers=[self.pointer(p) for p in els[7].split(self.comp) if p],
        )

    @staticmethod
    def pointer(value: str) -> int:
        if not value.isdecimal():
            raise _Bad(f"SV107 pointer is not a number: {value[:10]!r}")
        return int(value)

    def hi(self, els: list[str]) -> None:
        if self.claim is None or self.skipping:
            return
        first = els[1].split(self.comp)[0]
        if first in ("BK", "BF"):
            raise _Bad("ICD-9-CM diagnoses (HI qualifier BK): codekit's claims carry ICD-10-CM")
        if first != "ABK":
            return  # anesthesia procedures, condition codes, ...: not diagnoses
        items = els[1:]
        while items and not items[-1]:  # the padding
            items.pop()
        for i, item in enumerate(items, start=1):
            parts = item.split(self.comp)
            qualifier, code = _el(parts, 0), _el(parts, 1)
            if qualifier != ("ABK" if i == 1 else "ABF") or not code:
                raise _Bad(f"HI{i:02d} {item[:20]!r} is not an ICD-10-CM diagnosis (ABK/ABF)")
            self.claim["diagnoses"].append(dotted(code))

    def segment(self, sid: str, els: list[str], pos: int) -> None:
        """N3, N4, REF, PRV, DMG, PAT, SBR, DTP, NTE, LIN, CTP, SVD: by the open loop."""
        if sid == "SBR":
            if self.claim is not None:  # 2320: another payer of this claim
                self.skipping = True
                self.target = None
                return
            if self.sub is None:
                raise _Bad("SBR outside a subscriber level (HL*22)")
            self.sub.update(self=els[2] == "18", responsibility=_or_none(els[1]),
                            group_number=_or_none(els[3]), group_name=_or_none(els[4]),
                            filing_indicator=_or_none(els[9]))
            return
        if self.skipping:
            return
        if sid == "SVD":  # 2430 line adjudication: not read
            self.skipping = True
            return
        target = self.target
        if sid == "N3" and target is not None:
            target["address"] = {"line1": _or_none(els[1]), "line2": _or_none(els[2])}
        elif sid == "N4" and target is not None:
            address = target.get("address") or {}
            address.update(city=_or_none(els[1]), state=_or_none(els[2]),
                           postal_code=_or_none(els[3]))
            target["address"] = address
        elif sid == "DMG" and target is not None and els[1] == "D8":
            target["birth_date"] = _date(els[2]) if els[2] else None
            target["sex"] = _or_none(els[3])
        elif sid == "PAT" and self.sub is not None and self.claim is None:
            self.sub["relationship"] = _or_none(els[1])
        elif sid == "PRV" and els[2] == "PXC":
            if els[1] == "BI" and self.billing is not None and self.sub is None:
                self.billing["taxonomy"] = _or_none(els[3])
            elif els[1] == "PE" and target is not None:
                target["taxonomy"] = _or_none(els[3])
        elif sid == "REF":
            self.ref(els[1], _or_none(els[2]))
        elif sid == "DTP" and self.line is not None and els[1] == "472":
            fmt, value = els[2], els[3]
            if fmt == "D8":
                self.line["service_date"] = _date(value)
            elif fmt == "RD8" and value.count("-") == 1:
                start, end = value.split("-")
                self.line["service_date"], self.line["service_date_to"] = _date(start), _date(end)
            else:
                raise _Bad(f"DTP*472 date {fmt}*{value[:20]!r} is not D8 or RD8")
        elif sid == "NTE" and self.claim is not None and self.line is None and els[1] == "ADD":
            self.claim["note"] = _or_none(els[2])
        elif sid == "LIN" and self.line is not None and els[2] == "N4":
            self.line["ndc"] = _or_none(els[3])
        elif sid == "CTP" and self.line is not None and "ndc" in self.line:
            self.line["ndc_quantity"] = _decimal(els[4], "CTP04")
            self.line["ndc_unit"] = _or_none(els[5].split(self.comp)[0])

    def ref(self, qualifier: str, value: str | None) -> None:
        if self.line is not None:
            if qualifier == "6R" and self.target is None:
                self.line["control_number"] = value
            return
        if self.claim is not None:
            if self.target is None:
                field = {"F8": "original_claim_id", "G1": "prior_authorization",
                         "EA": "medical_record_number"}.get(qualifier)
                if field:
                    self.claim[field] = value
            return
        if qualifier in ("EI", "SY") and self.target is self.billing and self.billing is not None:
            self.billing.update(tax_id=value, tax_id_type=qualifier)
        elif qualifier == "1W" and self.sub is not None:
            patient: dict[str, Any] = self.sub["patient"]
            if self.target is patient:
                patient["member_id"] = value

    # -- building the models --------------------------------------------------------------
    def close_line(self) -> None:
        line = self.line
        if line is None:
            return
        self.line = None
        sv1 = line.pop("sv1")
        pos = line.pop("pos")
        if not sv1:
            raise _Position(pos, "LX", "a service line without SV1")
        rendering = line.pop("rendering_provider", None)
        try:
            obj = ServiceLine(**line, rendering_provider=_provider(rendering))
        except InvalidField as exc:
            raise _Position(sv1, "SV1", exc.message) from None
        assert self.claim is not None
        self.claim["lines"].append(obj)

    def close_claim(self) -> None:
        self.close_line()
        claim = self.claim
        if claim is None:
            return
        self.claim = None
        pos, total = claim.pop("pos"), claim.pop("total")
        sub = self.sub
        assert sub is not None and self.billing is not None
        if self.billing_obj is None:
            self.billing_obj = _provider(self.billing)
        for field in ("referring_provider", "rendering_provider", "service_facility"):
            claim[field] = _provider(claim.get(field))
        try:
            built = Claim(**claim, billing_provider=self.billing_obj, payer=_payer(sub),
                          patient=_patient(sub), subscriber=_subscriber(sub))
        except InvalidField as exc:
            raise _Position(pos, "CLM", exc.message) from None
        if built.total_charge != total:
            raise _Position(pos, "CLM", f"CLM02 {total} is not the sum of the line charges "
                                        f"({built.total_charge})")
        self.claims.append(built)


class _Position(Exception):
    """A problem found when a loop closes, at the position of the loop's first segment."""

    def __init__(self, pos: int, sid: str, message: str) -> None:
        super().__init__(message)
        self.pos, self.sid, self.message = pos, sid, message


def _address(value: dict[str, Any] | None) -> Address | None:
    return None if value is None else Address(**value)


def _provider(value: dict[str, Any] | None) -> Provider | None:
    if value is None:
        return None
    fields = dict(value)
    fields["address"] = _address(fields.get("address"))
    return Provider(**fields)


def _payer(sub: dict[str, Any]) -> Payer:
    p = sub["payer"]
    return Payer(name=p.get("name"), payer_id=p.get("payer_id"),
                 filing_indicator=sub.get("filing_indicator"),
                 responsibility=sub.get("responsibility"), address=_address(p.get("address")))


def _person(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d.get(k) for k in ("last_name", "first_name", "middle_name", "suffix",
                                   "birth_date", "sex")} | {"address": _address(d.get("address"))}


def _patient(sub: dict[str, Any]) -> Patient:
    if sub["self"]:
        s = sub["subscriber"]
        return Patient(**_person(s), member_id=s.get("member_id"))
    p = sub["patient"]
    return Patient(**_person(p), member_id=p.get("member_id"))


def _subscriber(sub: dict[str, Any]) -> Subscriber:
    s = sub["subscriber"]
    common = dict(member_id=s.get("member_id"), group_number=sub.get("group_number"),
                  group_name=sub.get("group_name"))
    if sub["self"]:
        return Subscriber(relationship="18", **common)
    return Subscriber(relationship=sub.get("relationship"), **common, **_person(s))


# ------------------------------------------------------------------------------------------
def read_837p(text: str | bytes) -> list[Claim]:
    """The claims of an X12 837P (005010X222A1) interchange, in file order.

    Reads what codekit's models hold: billing, subscriber, payer, patient, claim
    (CLM, REF F8/G1/EA, NTE, HI), referring/rendering providers, service facility and
    the lines (SV1, DTP*472, REF*6R, LIN/CTP, line rendering provider); other loops
    are passed over. Diagnosis codes come back in their dotted form.
    Raises :class:`~codekit.errors.X12SyntaxError` (with the segment's position) for a
    file that is not a well-formed 837P interchange.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise X12SyntaxError(f"not UTF-8/ASCII text (byte {exc.start})", position=0) from None
    if not isinstance(text, str):
        raise TypeError(f"read_837p() needs the file's text, not {type(text).__name__}")
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith("ISA") or len(text) < 106:
        raise X12SyntaxError("not an X12 interchange: it does not start with a 106-character ISA",
                             position=1, segment=text[:3])
    el, comp, term = text[3], text[104], text[105]
    isa = text[:105].split(el)
    if len(isa) != 17 or el.isalnum() or term.isalnum() or len(isa[16]) != 1:
        raise X12SyntaxError("a malformed ISA segment (16 fixed-width elements)", position=1,
                             segment="ISA")
    segments = [s.strip("\r\n\t ") for s in text.split(term)]
    while segments and not segments[-1]:
        segments.pop()
    reader = _Reader(comp)
    state = _Envelope(isa[13])
    pad = [""] * _WIDTH
    for pos, raw in enumerate(segments, start=1):
        els = raw.split(el)
        if len(els) < _WIDTH:  # every element up to _WIDTH - 1 can be read as els[i]
            els += pad[len(els):]
        sid = els[0]
        try:
            if state.done:
                raise _Bad("text after the interchange trailer (IEA)")
            if state.envelope(sid, els, pos, reader):
                continue
            if sid == "HL":
                reader.hl(els, pos)
            elif sid == "NM1":
                reader.nm1(els)
            elif sid == "CLM":
                reader.clm(els, pos)
            elif sid == "LX":
                reader.lx(pos)
            elif sid == "SV1":
                reader.sv1(els, pos)
            elif sid == "HI":
                reader.hi(els)
            elif not sid or not sid.isalnum() or len(sid) > 3:
                raise _Bad(f"not a segment id: {sid[:10]!r}")
            else:
                reader.segment(sid, els, pos)
        except _Bad as exc:
            raise X12SyntaxError(str(exc), position=pos, segment=sid[:3]) from None
        except _Position as exc:
            raise X12SyntaxError(exc.message, position=exc.pos, segment=exc.sid) from None
    if not state.done:
        raise X12SyntaxError("the interchange has no trailer (IEA): the file is cut short",
                             position=len(segments), segment=segments[-1].split(el)[0][:3])
    return reader.claims


class _Envelope:
    """ISA/GS/ST ... SE/GE/IEA: order, counts and control numbers."""

    def __init__(self, isa13: str) -> None:
        self.isa13 = isa13
        self.gs: list[str] | None = None
        self.st: list[str] | None = None
        self.st_pos = 0
        self.groups = 0
        self.sets = 0
        self.done = False

    def envelope(self, sid: str, els: list[str], pos: int, reader: _Reader) -> bool:
        if sid == "ISA":
            if pos != 1:
                raise _Bad("a second ISA: one interchange per file")
            return True
        if sid == "GS":
            if self.gs is not None or self.st is not None:
                raise _Bad("GS inside a functional group")
            if els[1] != "HC":
                raise _Bad(f"GS01 {els[1][:5]!r}: not a health care claim group (HC)")
            self.gs, self.sets = els, 0
            return True
        if sid == "ST":
            if self.gs is None or self.st is not None:
                raise _Bad("ST outside a functional group, or inside a transaction set")
            if els[1] != "837":
                raise _Bad(f"ST01 {els[1][:5]!r}: not an 837")
            self.st, self.st_pos = els, pos
            reader.billing = reader.sub = reader.billing_obj = None
            return True
        if sid == "SE":
            if self.st is None:
                raise _Bad("SE without ST")
            reader.close_claim()
            count = pos - self.st_pos + 1
            if els[1] != str(count):
                raise _Bad(f"SE01 says {els[1][:10]!r} segments; the set has {count}")
            if els[2] != _el(self.st, 2):
                raise _Bad(f"SE02 {els[2][:10]!r} is not ST02 {_el(self.st, 2)[:10]!r}")
            self.st = None
            self.sets += 1
            return True
        if sid == "GE":
            if self.gs is None or self.st is not None:
                raise _Bad("GE outside a functional group, or before SE")
            if els[1] != str(self.sets):
                raise _Bad(f"GE01 says {els[1][:10]!r} transaction sets; the group has "
                           f"{self.sets}")
            if els[2] != _el(self.gs, 6):
                raise _Bad(f"GE02 {els[2][:10]!r} is not GS06 {_el(self.gs, 6)[:10]!r}")
            self.gs = None
            self.groups += 1
            return True
        if sid == "IEA":
            if self.gs is not None:
                raise _Bad("IEA before GE")
            if els[1] != str(self.groups):
                raise _Bad(f"IEA01 says {els[1][:10]!r} groups; the interchange has "
                           f"{self.groups}")
            if els[2] != self.isa13:
                raise _Bad(f"IEA02 {els[2][:10]!r} is not ISA13 {self.isa13!r}")
            self.done = True
            return True
        if self.st is None:
            raise _Bad(f"{sid[:3]} outside a transaction set (ST ... SE)")
        return False
