"""codekit.systems() and codekit.identify() across every shipped system."""

from __future__ import annotations

import codekit
from codekit.status import CodeStatus


def test_systems_lists_every_system_with_editions() -> None:
    got = {s.id: s for s in codekit.systems()}
    assert {"icd10cm", "icd10pcs", "hcpcs", "modifiers", "cpt", "icd9cm", "icd9cm_procedures",
            "pos", "claim_frequency"} <= set(got)
    assert [e.id for e in got["icd10cm"].editions] == ["FY2024", "FY2025", "FY2026", "FY2027"]
    assert got["cpt"].editions == ()  # nothing licensed is shipped
    for s in got.values():
        for e in s.editions:
            assert e.system == s.id and e.source


def test_identify_returns_every_system_a_string_fits() -> None:
    assert [r.system for r in codekit.identify("E11.9")] == ["icd10cm"]
    assert [r.system for r in codekit.identify("250.00")] == ["icd9cm"]
    assert [r.system for r in codekit.identify("E01.00")] == []
    assert [r.system for r in codekit.identify("E0100", as_of="2026-01-15")] == ["hcpcs"]
    cpt = codekit.identify("99213")
    assert [(r.system, r.status) for r in cpt] == [("cpt", CodeStatus.NOT_CHECKED)]
    for junk in (None, b"E119", 3.5, "", "!!!"):
        assert codekit.identify(junk) == ()
