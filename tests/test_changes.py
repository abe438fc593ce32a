"""S.changes(old, new) against the official addenda, and its laws on every shipped pair.

The addenda are read here with a few lines of independent code.
"""

from __future__ import annotations

import gzip
import importlib
import itertools
import os
import re
from collections.abc import Iterable

import pytest

from codekit import _resources, icd10cm, icd10pcs
from codekit.changes import Change, Changes

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "sources")
ACTION = re.compile(r"^(Add|Delete|Revise from|Revise to):\s+")


def _lines(*parts: str) -> Iterable[tuple[str, str]]:
    with gzip.open(os.path.join(DATA, *parts), "rt", encoding="ascii") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            m = ACTION.match(line)
            if m:
                yield m.group(1), line[13:]


def codes_addenda(*parts: str) -> dict[str, list[tuple[str, str]]]:
    """action -> [(code, long title)] of a codes addenda file (code in 7 columns)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for action, rest in _lines(*parts):
        out.setdefault(action, []).append((rest[:7].strip(), rest[8:].strip()))
    return out


def order_addenda(*parts: str, flag: bool) -> list[tuple[str, str, str, str, str]]:
    """(action, flag, code, short, long) of an order addenda file; ICD-10-PCS files have
    no flag column (a 7-character code is a code, 3 characters a table header)."""
    out = []
    for action, rest in _lines(*parts):
        if flag:
            f, rest = rest[0], rest[2:]
        else:
            f = "1" if len(rest[:7].strip()) == 7 else "0"
        out.append((action, f, rest[:7].strip(), rest[8:68].strip(), rest[69:].strip()))
    return out


def _norm(c: Change) -> str:
    return c.code.replace(".", "")


def test_icd10cm_fy2026_to_fy2027_equals_the_addenda() -> None:
    add = codes_addenda("icd10cm", "icd10cm_codes_addenda_2027.derived.txt.gz")
    ch = icd10cm.changes("FY2026", "FY2027")
    assert (len(ch.added), len(ch.deleted), len(ch.revised)) == (190, 30, 4)
    assert [(_norm(c), c.new_description) for c in ch.added] == add["Add"]
    assert [(_norm(c), c.old_description) for c in ch.deleted] == add["Delete"]
    assert [(_norm(c), c.old_description) for c in ch.revised] == add["Revise from"]
    assert [(_norm(c), c.new_description) for c in ch.revised] == add["Revise to"]
    d691 = next(c for c in ch.became_headers if c.code == "D69.1")
    assert d691.children == ("D69.11", "D69.19")
    # the header record that follows: D69.1 added as a header
    i = list(ch).index(d691)
    assert (ch[i + 1].code, ch[i + 1].kind, ch[i + 1].billable) == ("D69.1", "added", False)


def test_icd10cm_fy2025_to_fy2026_equals_both_addenda() -> None:
    ch = icd10cm.changes("FY2025", "FY2026")
    add = codes_addenda("icd10cm", "icd10cm-codes-addenda-2026.txt.gz")
    assert (len(ch.added), len(ch.deleted), len(ch.revised)) == (487, 28, 38)
    assert sorted((_norm(c), c.new_description) for c in ch.added) == sorted(add["Add"])
    assert sorted((_norm(c), c.old_description) for c in ch.deleted) == sorted(add["Delete"])
    assert sorted((_norm(c), c.new_description) for c in ch.revised) == sorted(add["Revise to"])
    # the order-file addenda list headers too, with their short titles
    order = order_addenda("icd10cm", "icd10cm-order-addenda-2026.txt.gz", flag=True)
    kind = {"Add": "added", "Delete": "deleted", "Revise to": "revised"}
    want = sorted((kind[a], f == "1", code, s, lg) for a, f, code, s, lg in order if a in kind)
    got = sorted(
        (c.kind, c.billable, _norm(c),
         c.old_short_description if c.kind == "deleted" else c.new_short_description,
         c.old_description if c.kind == "deleted" else c.new_description)
        for c in ch
    )
    assert got == want
    split = {code for a, f, code, _, _ in order if a == "Delete" and f == "1"} & {
        code for a, f, code, _, _ in order if a == "Add" and f == "0"}
    assert {_norm(c) for c in ch.became_headers} == split
    assert ch.counts() == {"added": 487, "deleted": 28, "revised": 38, "headers_added": 143,
                           "headers_deleted": 0, "headers_revised": 7,
                           "became_headers": len(split)}


def test_icd10pcs_fy2025_to_fy2026_against_the_addenda() -> None:
    """The addenda compare FY2026 with the April 2025 update; codekit's FY2025 is the
    October 2024 file, so its changes are the addenda's plus April's."""
    order = order_addenda("icd10pcs", "order_addenda_2026.txt.gz", flag=False)
    with gzip.open(os.path.join(DATA, "icd10pcs", "order_addenda_2026.txt.gz"), "rt") as fh:
        april = int(re.search(r"(\d+) codes in icd10pcs_order_2025", fh.read()).group(1))  # type: ignore[union-attr]
    ch = icd10pcs.changes("FY2025", "FY2026")
    added, deleted = {_norm(c) for c in ch.added}, {_norm(c) for c in ch.deleted}
    want_added = {code for a, f, code, _, _ in order if a == "Add" and f == "1"}
    want_deleted = {code for a, f, code, _, _ in order if a == "Delete" and f == "1"}
    assert (len(want_added), len(want_deleted)) == (156, 27)
    assert want_added <= added and want_deleted <= deleted
    # what April 2025 changed: 78,948 codes in October 2024, 78,986 in April 2025
    october = icd10pcs.code_set("FY2025").billable_count
    assert len(added - want_added) - len(deleted - want_deleted) == april - october == 38
    new = icd10pcs.code_set("FY2026")
    assert all(c in new for c in added) and not any(c in new for c in deleted)
    assert {c.code for c in ch.revised} == {"XW133G8", "XW143G8"}  # renamed in April 2025
    tables = {(c.kind, _norm(c)) for c in ch.headers if len(c.code) == 3}
    want_tables = {("added" if a == "Add" else "revised", code)
                   for a, f, code, _, _ in order if f == "0" and a in ("Add", "Revise to")}
    # April 2025 added 2 tables, which the addenda count as old (910 headers, not 908)
    assert want_tables <= tables and len(tables - want_tables) == 2
    six = next(c for c in ch.headers if c.code == "6A4")
    assert six.short_description_changed and not six.description_changed


def _pairs() -> list[tuple[str, str, str]]:
    out = []
    for system, eds in sorted(_resources.edition_index().items()):
        ids = [e["id"] for e in eds]
        out.extend((system, a, b) for a, b in itertools.pairwise(ids))
    return out


@pytest.mark.parametrize(("system", "old", "new"), _pairs())
def test_changes_rebuild_the_new_edition(system: str, old: str, new: str) -> None:
    """Old edition, minus deleted, plus added, is the new edition (billable codes and
    headers apart); every revised code is in both with a different text."""
    mod = importlib.import_module(f"codekit.{system}")
    ch = mod.changes(old, new)
    assert isinstance(ch, Changes) and (ch.old_edition, ch.new_edition) == (old, new)
    def members(edition: str) -> dict[str, bool]:
        cs = mod.code_set(edition)
        day = cs.edition.effective
        got = {}
        for c in cs:
            keep = getattr(c, "in_effect", None) or getattr(c, "valid_on", None)
            if keep is None or keep(day):
                got[c.code] = c.billable
        return got

    before, after = members(old), members(new)
    assert before and after
    for billable in (True, False):
        was = {c for c, b in before.items() if b is billable}
        now = {c for c, b in after.items() if b is billable}
        gone = {c.code for c in ch if c.kind == "deleted" and c.billable is billable}
        new_ = {c.code for c in ch if c.kind == "added" and c.billable is billable}
        assert (was - gone) | new_ == now
        assert not gone & now and not new_ & was
    for c in ch:
        if c.kind == "revised":
            assert c.description_changed or c.short_description_changed
            assert c.old_description and c.new_description
    rows = ch.to_dicts()
    assert len(rows) == len(ch)
    assert all(set(r) >= {"code", "kind", "billable", "children"} for r in rows)


def test_hcpcs_changes_follow_the_file_dates() -> None:
    hcpcs = importlib.import_module("codekit.hcpcs")
    ch = hcpcs.changes("2025-Q4", "2026-Q1")
    new = hcpcs.code_set("2026-Q1")
    for c in ch.added:
        code = new[c.code]
        assert code.in_effect(new.edition.effective)
    old = hcpcs.code_set("2025-Q4")
    for c in ch.deleted:
        got = new.get(c.code)
        assert got is None or (got.terminated is not None and got.terminated < new.edition.effective)
        assert old[c.code].in_effect(old.edition.effective)
    assert "C5271" in {c.code for c in ch.deleted}  # terminated 2025-12-31


def test_cpt_changes_between_two_loaded_files(tmp_path: os.PathLike[str]) -> None:
    cpt = importlib.import_module("codekit.cpt")
    a = os.path.join(tmp_path, "cpt_2097.txt")
    b = os.path.join(tmp_path, "cpt_2098.txt")
    with open(a, "w") as fh:
        fh.write("99213 Invented one\n99214 Invented two\n0042T Invented four\n")
    with open(b, "w") as fh:
        fh.write("99213 Invented one, revised\n99215 Invented three\n0042T Invented four\n")
    try:
        cpt.load(a)
        cpt.load(b)
        ch = cpt.changes("2097", "2098")
        assert [(c.code, c.kind) for c in ch] == [
            ("99213", "revised"), ("99214", "deleted"), ("99215", "added")]
        assert ch.revised[0].old_description == "Invented one"
    finally:
        for e in ("2097", "2098"):
            cpt._REG.remove(e)


def test_hcpcs_changes_agree_with_the_action_codes() -> None:
    """The January 2026 file marks each code's latest action: A added, D discontinued,
    C/S description changed; the date-based comparison must agree."""
    hcpcs = importlib.import_module("codekit.hcpcs")
    ch = hcpcs.changes("2025-Q4", "2026-Q1")
    new = hcpcs.code_set("2026-Q1")
    action = {c.code: c.action_code for c in new}
    assert {c.code for c in ch.added} == {c for c, a in action.items() if a == "A"}
    assert {c.code for c in ch.deleted} == {c for c, a in action.items() if a == "D"}
    assert {c for c, a in action.items() if a in "CS"} <= {c.code for c in ch.revised}


def test_same_edition_has_no_changes() -> None:
    ch = icd10cm.changes("FY2027", "FY2027")
    assert len(ch) == 0 and ch.counts()["added"] == 0


def test_change_records_are_frozen() -> None:
    c = icd10cm.changes("FY2026", "FY2027").added[0]
    with pytest.raises(AttributeError):
        c.code = "X"  # type: ignore[misc]
    assert c.as_dict()["code"] == "C78.31" and c.kind == "added"


def test_gems_say_why_there_are_no_changes() -> None:
    gems = importlib.import_module("codekit.gems")
    assert not hasattr(gems, "changes")
    assert "changes" in (gems.__doc__ or "")
