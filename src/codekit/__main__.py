"""``python -m codekit``: a tour of codekit on its bundled data, or check codes.

    python -m codekit                       # the quickstart tour
    python -m codekit check E11.9 G35 --as-of 2025-11-01
    python -m codekit search "heart attack"
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import sys
from collections.abc import Sequence


def _tour() -> None:
    from codekit import icd10cm

    print("codekit quickstart: ICD-10-CM, several editions side by side, chosen by date of service\n")
    for e in icd10cm.editions():
        print(f"  {e.id}: {e.effective} to {e.end}  from {e.source}")
    c = icd10cm.get("E11.9")
    print(f"\nicd10cm.get('e119') -> {c.code} {c.description!r} (billable={c.billable}, "
          f"chapter {c.chapter.number if c.chapter else '?'}, block {c.block.id if c.block else '?'})")
    print("\nicd10cm.check(code, as_of=date of service):")
    for code, day in [
        ("E11.9", "2025-06-01"),
        ("E11", "2025-06-01"),
        ("S52.521", "2025-06-01"),
        ("S52.521A", "2025-06-01"),
        ("G35", "2025-06-01"),
        ("G35", "2025-11-01"),
        ("E11.A", "2025-06-01"),
        ("E11.99", "2025-06-01"),
    ]:
        r = icd10cm.check(code, as_of=datetime.date.fromisoformat(day))
        print(f"  {code:9} on {day}: {r.status.value:20} {r.message}")
    notes = icd10cm.get("S52.521A").notes
    print("\nnotes that apply to S52.521A (inherited from S52 and chapter 19):")
    for n in notes.excludes1 + notes.excludes2[:2]:
        print(f"  excludes: {n.text}  [from {n.source}]")
    import codekit
    from codekit import cpt, gems, hcpcs, icd9cm, icd10pcs, modifiers, pos

    print("\nthe other code systems, same verbs:")
    for mod, code in [(hcpcs, "E0100"), (modifiers, "GT"), (icd10pcs, "0016070"),
                      (icd9cm, "250.00"), (pos, "11")]:
        obj = mod.get(code)
        text = getattr(obj, 'name', None) or obj.description
        print(f"  {mod.__name__.split('.')[-1]}.get({code!r}) -> {obj.code}: {text}")
    r = hcpcs.check("C5271", as_of=datetime.date(2026, 1, 15))
    print(f"  hcpcs.check('C5271', 2026-01-15) -> {r.status.value}: {r.message}")
    r = cpt.check("99213")
    print(f"  cpt.check('99213') -> {r.status.value} (no licensed CPT file loaded)")
    print(f"  gems.to_icd10cm('250.00') -> "
          f"{[(e.target, 'approximate' if e.approximate else 'exact') for e in gems.to_icd10cm('250.00')]}")
    print(f"  codekit.identify('E0100') -> "
          f"{[(x.system, x.code) for x in codekit.identify('E0100')]}")

    print("\ncodekit.search(...): lay words, abbreviations, misspellings, partial words")
    for query in ["heart attack", "CHF", "pnuemonia", "diab mel type 2", "walker"]:
        hits = codekit.search(query, limit=2)
        shown = "; ".join(f"{h.code} {h.description}" for h in hits)
        print(f"  {query!r:20} -> {shown}")


def _claims_tour() -> None:
    """Encounter -> claim -> 837P on the bundled sample encounter (synthetic)."""
    from importlib.resources import files

    from codekit import icd10cm, serialization, x12
    from codekit.claims import Encounter, encounter_to_claims

    text = (files("codekit.claims") / "sample_encounter.json").read_text(encoding="utf-8")
    enc = serialization.from_json(text, Encounter)
    print(f"\nclaims: a coded encounter (synthetic), {enc.date_of_service}:")
    for code in enc.diagnoses:
        r = icd10cm.check(code, as_of=enc.date_of_service)
        print(f"  diagnosis {code:7} {r.status.value:6} {r.message}")
    for p in enc.procedures:
        print(f"  procedure {p.code} {list(p.modifiers)} linked to {list(p.linked_diagnoses)}")
    result = encounter_to_claims(enc, fee_schedule={"G0439": "180.00", "99214": "165.00"})
    claim = result.claims[0]
    print(f"encounter_to_claims -> {len(result.claims)} claim, {len(result.findings)} findings; "
          f"total {claim.total_charge}")
    for line in claim.lines:
        print(f"  line {line.code} {list(line.modifiers)} pointers {list(line.diagnosis_pointers)} "
              f"charge {line.charge}")
    sender = x12.Party(name="MAIN STREET CLINIC", id="MSC001", phone="5125550100")
    receiver = x12.Party(name="ACME CLEARINGHOUSE", id="ACMECH")
    edi = x12.write_837p(result.claims, sender=sender, receiver=receiver)
    segments = edi.splitlines()
    start = next(i for i, seg in enumerate(segments) if seg.startswith("CLM*"))
    print(f"x12.write_837p -> {len(segments)} segments; the claim loop:")
    for seg in segments[start:-3]:
        print(f"  {seg}")
    print(f"x12.read_837p(...) gives the claim back: {x12.read_837p(edi)[0].lines == claim.lines}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m codekit", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command")
    chk = sub.add_parser("check", help="check ICD-10-CM codes on a date of service")
    chk.add_argument("codes", nargs="+")
    chk.add_argument("--as-of", type=datetime.date.fromisoformat, default=None)
    chk.add_argument("--system", default="icd10cm")
    srch = sub.add_parser("search", help="search code descriptions")
    srch.add_argument("query")
    srch.add_argument("--limit", type=int, default=10)
    args = ap.parse_args(argv)
    if args.command is None:
        _tour()
        _claims_tour()
        return 0
    if args.command == "check":
        mod = importlib.import_module(f"codekit.{args.system}")
        worst = 0
        for code in args.codes:
            r = mod.check(code, as_of=args.as_of)
            print(f"{r.code}\t{r.status.value}\t{r.message}")
            worst = worst if r.ok else 1
        return worst
    from codekit import fuzzy as search_module

    for h in search_module.search(args.query, limit=args.limit):
        print(f"{h.system}\t{h.code}\t{h.score:.1f}\t{h.description}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
