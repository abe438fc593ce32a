"""Run by `nox -s build_check` with the installed wheel, from outside the source tree.

Looks up one code in every shipped edition of every system and checks that the
package imported is the installed one (not the source tree).
"""

from __future__ import annotations

import datetime
import importlib
import os
import sys
import warnings

import codekit
from codekit import _resources


def main() -> None:
    here = os.path.dirname(os.path.abspath(codekit.__file__))
    if "site-packages" not in here:
        sys.exit(f"codekit was imported from {here}, not from the installed wheel")

    index = _resources.edition_index()
    if not index:
        sys.exit("the wheel carries no editions")
    checked = 0
    for system, editions in sorted(index.items()):
        module = importlib.import_module(f"codekit.{system}")
        for entry in editions:
            cs = module.code_set(entry["id"])
            first = next(iter(cs.billable()), None) if hasattr(cs, "billable") else None
            if first is None:
                sys.exit(f"{system} {entry['id']}: no billable code")
            # pick the edition by date (its last day; open-ended: today)
            day = cs.edition.end or datetime.date.today()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a date past the newest edition warns
                got = module.get(first.code, as_of=day)
            if got is None or got.code != first.code or got.edition.id != entry["id"]:
                sys.exit(f"{system} {entry['id']}: look-up of {first.code} failed")
            print(f"{system:20} {entry['id']:10} {len(cs):>7} codes  {first.code}: {first.description}")
            checked += 1

    e119 = codekit.icd10cm.get("E11.9")
    assert e119 is not None and e119.billable, e119

    # claims: the bundled sample encounter -> claim -> 837P -> claim (the tour's path)
    from codekit.__main__ import _claims_tour

    _claims_tour()

    # the scrubber's edit tables are in the wheel: MCE, MUE and add-on code tables
    from codekit import mce, ncci

    assert mce.flags("Z00.129", as_of="2026-05-15") >= {"pediatric"}
    assert ncci.mue("J1885", as_of="2026-05-15").value == 8  # type: ignore[union-attr]
    assert ncci.addon("99292", as_of="2026-05-15") is not None
    print("scrubber edit tables: MCE v43.1, MUE 2026-04-01, add-on codes 2026-Q2")
    print(f"checked {checked} editions from the installed wheel at {here}")


if __name__ == "__main__":
    main()
