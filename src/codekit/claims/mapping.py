"""Encounter to claims: the deterministic step a biller does between coding and
submission.

:func:`encounter_to_claims` keeps the coder's diagnosis order (first-listed first),
points each line at its linked diagnoses in the order given (de-duplicated, at most
4), prices lines without a charge from a fee schedule (fee per unit times units), and
splits an encounter with more than 12 diagnoses or more than 50 lines into claims
that each stand on their own: every pointer resolves on its own claim, every
procedure is billed exactly once, and the charges add up to the encounter's total.

Every lossy or impossible step is a :class:`~codekit.findings.Finding` with a
stable ``MAP-*`` rule id (:data:`MAPPING_RULES`) and the path of the encounter part
concerned; nothing is dropped silently. The same encounter always gives the same
claims and findings. The mapper does not judge codes: that is the scrubber's work.

>>> import datetime
>>> from codekit.claims import Encounter, Procedure, encounter_to_claims
>>> enc = Encounter(
...     patient_control_number="PCN1001", place_of_service="11",
...     date_of_service=datetime.date(2026, 6, 15),
...     diagnoses=["E11.9", "I10", "E78.5"],
...     procedures=[Procedure(code="99214", modifiers=["25"], linked_diagnoses=["I10", "E11.9"]),
...                 Procedure(code="93000", linked_diagnoses=["I10", "R07.9"])])
>>> result = encounter_to_claims(enc, fee_schedule={"99214": "165.00", "93000": "45.00"})
>>> claim, = result.claims
>>> claim.diagnoses, [(l.code, l.diagnosis_pointers, l.charge) for l in claim.lines]
(('E11.9', 'I10', 'E78.5'), [('99214', (2, 1), Decimal('165.00')), ('93000', (2,), Decimal('45.00'))])
>>> [(f.rule, f.path) for f in result.findings]
[('MAP-LINK-NOT-ON-ENCOUNTER', 'procedures[1].linked_diagnoses[1]')]
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter

import attrs

from ..findings import Finding, Report, Severity
from ._fields import _maker
from .fees import FeeSchedule
from .model import Claim, Encounter, Procedure, ServiceLine, _Header, _Service

__all__ = [
    "MAPPING_RULES",
    "MAX_DIAGNOSES",
    "MAX_LINES",
    "MAX_POINTERS",
    "MappingResult",
    "encounter_to_claims",
]

MAX_DIAGNOSES = 12
"""Diagnoses per claim: X12 837P HI (12 codes), CMS-1500 item 21 (A-L)."""
MAX_LINES = 50
"""Service lines per claim in an X12 837P (loop 2400 repeats 50 times)."""
MAX_POINTERS = 4
"""Diagnosis pointers per line: X12 SV107 (4 components), CMS-1500 item 24E."""

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

#: Every rule the mapper reports: id -> (severity, what it means).
MAPPING_RULES: dict[str, tuple[Severity, str]] = {
    "MAP-NO-PROCEDURES": (_E, "The encounter has no procedure: no claim is made."),
    "MAP-NO-DIAGNOSES": (_E, "The encounter has no diagnosis: its lines cannot point to one."),
    "MAP-DUPLICATE-DIAGNOSIS": (
        _I, "A diagnosis is listed twice: it is billed once, at its first position."),
    "MAP-NO-LINKED-DIAGNOSIS": (
        _E, "A procedure links no diagnosis of the encounter: its line has no diagnosis pointer."),
    "MAP-LINK-NOT-ON-ENCOUNTER": (
        _E, "A procedure links a diagnosis that is not on the encounter: the link is not billed."),
    "MAP-DUPLICATE-LINK": (
        _I, "A procedure links the same diagnosis twice: its line points to it once."),
    "MAP-POINTER-LIMIT": (
        _W, "A procedure links more than 4 diagnoses: the line points to the first 4; the "
            "diagnosis stays on the claim without this line pointing to it."),
    "MAP-NO-FEE": (
        _E, "A procedure has no charge and the fee schedule has no fee for it: the line has no "
            "charge."),
    "MAP-SPLIT": (
        _I, "The encounter has more than 12 diagnoses or more than 50 procedures: it is split "
            "into several claims."),
    "MAP-SPLIT-ADJUSTMENT": (
        _W, "A replacement or void encounter is split: every claim carries the same original "
            "claim id; the payer may need one adjustment per original claim."),
    "MAP-DIAGNOSIS-NOT-BILLED": (
        _W, "A split encounter's diagnosis that no procedure links fits on none of the claims: "
            "it is not billed."),
}

_CENT = Decimal("0.01")
_DROP = str.maketrans("", "", ". \t\r\n\u00a0")

# Claims and lines are built from the encounter's and the procedures' own (checked)
# values: the fast makers skip re-checking them. The order of the fields is
# _Header then Claim's own (diagnoses, lines); _Service then ServiceLine's own.
_header_values = attrgetter(*(a.name for a in attrs.fields(_Header)))
_service_values = attrgetter(*(a.name for a in attrs.fields(_Service)))
_SERVICE_NAMES = [a.name for a in attrs.fields(_Service)]
_CHARGE = _SERVICE_NAMES.index("charge")
assert _SERVICE_NAMES[_CHARGE:_CHARGE + 3] == ["charge", "service_date", "service_date_to"]
assert [a.name for a in attrs.fields(Claim)][-2:] == ["diagnoses", "lines"]
assert [a.name for a in attrs.fields(ServiceLine)][-1] == "diagnosis_pointers"
_make_claim = _maker(Claim)
_make_line = _maker(ServiceLine)


@attrs.frozen
class MappingResult:
    """The claims made from one encounter, and the findings about the mapping."""

    claims: tuple[Claim, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """At least one claim and no error-severity finding."""
        return bool(self.claims) and all(f.severity < Severity.ERROR for f in self.findings)

    @property
    def report(self) -> Report:
        """The findings as a :class:`~codekit.findings.Report`."""
        return Report(self.findings)


def _finding(rule: str, message: str, path: str, value: object = None) -> Finding:
    return Finding(rule, MAPPING_RULES[rule][0], message, path=path, value=value)


def _schedule(fee_schedule: FeeSchedule | Mapping[object, object] | None) -> FeeSchedule | None:
    if fee_schedule is None or isinstance(fee_schedule, FeeSchedule):
        return fee_schedule
    return FeeSchedule(fee_schedule)


def encounter_to_claims(
    encounter: Encounter,
    *,
    fee_schedule: FeeSchedule | Mapping[object, object] | None = None,
) -> MappingResult:
    """The claims for ``encounter`` and the findings about every lossy or impossible
    step (see the module documentation).

    ``fee_schedule`` prices procedures that have no ``charge`` of their own: a
    :class:`~codekit.claims.FeeSchedule` (e.g. ``FeeSchedule.from_csv(path)``), or a
    mapping of code (``"99213"``), or code plus modifier (``"93000-26"``), to the fee
    per unit. A procedure's own charge is the line's charge as given.
    """
    if not isinstance(encounter, Encounter):
        raise TypeError(f"encounter_to_claims() needs an Encounter, not {type(encounter).__name__}")
    fees = _schedule(fee_schedule)
    findings: list[Finding] = []

    # diagnoses: the coder's order, each code once. ``position`` maps a diagnosis as
    # given, and normalized, to its 1-based pointer on an unsplit claim.
    dx: list[str] = []
    dx_at: list[int] = []  # where each billed diagnosis is on the encounter
    position: dict[str, int] = {}
    for i, code in enumerate(encounter.diagnoses):
        key = _key(code)
        if key in position:
            findings.append(_finding(
                "MAP-DUPLICATE-DIAGNOSIS",
                f"{code!r} is listed twice (first at diagnoses[{dx_at[position[key] - 1]}]); "
                "billed once", f"diagnoses[{i}]", code))
            continue
        dx.append(code)
        dx_at.append(i)
        position[key] = position[code] = len(dx)
    procs = encounter.procedures
    if not procs:
        findings.append(_finding("MAP-NO-PROCEDURES", "the encounter has no procedure: no claim",
                                 "procedures"))
        return MappingResult((), tuple(findings))
    if not dx:
        findings.append(_finding("MAP-NO-DIAGNOSES", "the encounter has no diagnosis",
                                 "diagnoses"))

    # one line per procedure
    enc_dates = (encounter.date_of_service, encounter.date_of_service_to)
    fee = None if fees is None else fees.fee
    lines: list[ServiceLine] = []
    for j, proc in enumerate(procs):
        got: list[int] = []
        for code in proc.linked_diagnoses:
            d = position.get(code)
            if d is None or d in got or len(got) == MAX_POINTERS:
                got = []
                break
            got.append(d)
        if not got:  # the slow path: normalized links, and a finding for each not billed
            got = _links(proc, j, position, findings)
        charge = proc.charge
        if charge is None:
            per_unit = None if fee is None else fee(proc.code, proc.modifiers)
            if per_unit is None:
                findings.append(_no_fee(proc, j, fees))
            else:
                charge = (per_unit * proc.units).quantize(_CENT, ROUND_HALF_UP)
        v = _service_values(proc)
        dates = enc_dates if proc.service_date is None else v[_CHARGE + 1:_CHARGE + 3]
        lines.append(_make_line(*v[:_CHARGE], charge, *dates, *v[_CHARGE + 3:], tuple(got)))

    header = _header_values(encounter)
    if len(dx) <= MAX_DIAGNOSES and len(procs) <= MAX_LINES:
        claim = _make_claim(*header, tuple(dx), tuple(lines))
        return MappingResult((claim,), tuple(findings))

    # split: each claim gets the diagnoses its lines point to; pointers renumbered
    groups = _split([line.diagnosis_pointers for line in lines], dx, dx_at, findings, encounter)
    claims = []
    pcn = encounter.patient_control_number
    for number, (line_ids, dx_ids) in enumerate(groups, start=1):
        renumber = {d: n for n, d in enumerate(dx_ids, start=1)}
        claim_lines = tuple(
            attrs.evolve(lines[j], diagnosis_pointers=tuple(
                renumber[d] for d in lines[j].diagnosis_pointers))
            for j in line_ids
        )
        if number > 1 and pcn is not None:
            header = (f"{pcn}-{number}", *header[1:])
        claims.append(_make_claim(*header, tuple(dx[d - 1] for d in dx_ids), claim_lines))
    return MappingResult(tuple(claims), tuple(findings))


def _key(code: str) -> str:
    """A diagnosis code as the mapper matches it (what ``icd10cm.normalize`` gives)."""
    key = code.replace(".", "").upper()
    return key if key.isalnum() else code.translate(_DROP).upper()


def _links(proc: Procedure, j: int, position: dict[str, int],
           findings: list[Finding]) -> list[int]:
    """The pointers of one procedure, with a finding for each link not billed."""
    got: list[int] = []
    for k, code in enumerate(proc.linked_diagnoses):
        path = f"procedures[{j}].linked_diagnoses[{k}]"
        d = position.get(_key(code))
        if d is None:
            findings.append(_finding(
                "MAP-LINK-NOT-ON-ENCOUNTER",
                f"{proc.code!r} links {code!r}, which is not among the encounter's diagnoses; "
                "not billed", path, code))
        elif d in got:
            findings.append(_finding(
                "MAP-DUPLICATE-LINK", f"{proc.code!r} links {code!r} twice; pointed to once",
                path, code))
        elif len(got) == MAX_POINTERS:
            findings.append(_finding(
                "MAP-POINTER-LIMIT",
                f"{proc.code!r} links more than {MAX_POINTERS} diagnoses: {code!r} is not "
                "pointed to by this line", path, code))
        else:
            got.append(d)
    if not got:
        why = " (its links are not on the encounter)" if proc.linked_diagnoses else ""
        findings.append(_finding(
            "MAP-NO-LINKED-DIAGNOSIS",
            f"{proc.code!r} links no diagnosis{why}: its line has no diagnosis pointer",
            f"procedures[{j}].linked_diagnoses", list(proc.linked_diagnoses)))
    return got


def _no_fee(proc: Procedure, j: int, fees: FeeSchedule | None) -> Finding:
    why = "no fee schedule was given" if fees is None else "the fee schedule has no fee for it"
    return _finding("MAP-NO-FEE", f"{proc.code!r} has no charge and {why}",
                    f"procedures[{j}].charge", proc.code)


def _split(links: list[tuple[int, ...]], dx: list[str], dx_at: list[int],
           findings: list[Finding], enc: Encounter) -> list[tuple[list[int], list[int]]]:
    """Group lines into claims: ``[(line indexes, 1-based diagnosis positions)]``."""
    add = findings.append
    n_lines, n_dx = len(links), len(dx)
    if n_dx <= MAX_DIAGNOSES and n_lines <= MAX_LINES:
        return [(list(range(n_lines)), list(range(n_dx)))]
    # first fit, in the coder's line order: each line goes on the first claim with room
    # for it and for the diagnoses it points to
    groups: list[tuple[list[int], set[int]]] = []
    for j, pointed in enumerate(links):
        for lines, dxs in groups:
            if len(lines) < MAX_LINES and len(dxs.union(pointed)) <= MAX_DIAGNOSES:
                lines.append(j)
                dxs.update(pointed)
                break
        else:
            groups.append(([j], set(pointed)))
    # diagnoses no line points to: on the first claim with room, else not billed
    linked: set[int] = set().union(*links)
    for d in range(1, n_dx + 1):
        if d in linked:
            continue
        for _lines, dxs in groups:
            if len(dxs) < MAX_DIAGNOSES:
                dxs.add(d)
                break
        else:
            add(_finding("MAP-DIAGNOSIS-NOT-BILLED",
                         f"{dx[d - 1]!r} is linked by no procedure and no claim has room for "
                         "it", f"diagnoses[{dx_at[d - 1]}]", dx[d - 1]))
    if len(groups) == 1:  # every line fits one claim: no split, maybe diagnoses not billed
        return [(lines, sorted(dxs)) for lines, dxs in groups]
    why = []
    if n_dx > MAX_DIAGNOSES:
        why.append(f"{n_dx} diagnoses (at most {MAX_DIAGNOSES} a claim)")
    if n_lines > MAX_LINES:
        why.append(f"{n_lines} procedures (at most {MAX_LINES} a claim)")
    add(_finding("MAP-SPLIT",
                 f"split into {len(groups)} claims: {' and '.join(why)}", "", len(groups)))
    if enc.frequency_code in ("7", "8"):
        add(_finding("MAP-SPLIT-ADJUSTMENT",
                     f"a {'replacement' if enc.frequency_code == '7' else 'void'} split into "
                     f"{len(groups)} claims, each with original claim id "
                     f"{enc.original_claim_id!r}", "frequency_code", enc.frequency_code))
    return [(lines, sorted(dxs)) for lines, dxs in groups]
