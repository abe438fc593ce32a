"""Property test: notes and 7th-character definitions survive the per-place store
unchanged (any text XML can hold, newlines and tabs included)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from codekit._parsers import icd10cm as parser
from codekit._parsers import icd10cm_table
from codekit._store import Table
from codekit.codeset import CodeSet
from codekit.icd10cm import _SYS, Notes

# what XML 1.0 text can hold, without blanks at either end (the reader strips those)
xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
    min_size=1, max_size=40,
).map(str.strip).filter(lambda t: t and all(c >= " " or c in "\t\n" for c in t))
kinds = st.sampled_from(list(Notes.__slots__))
places = st.sampled_from(["E11", "E119", "block:E08-E13", "chapter:4"])


@given(
    notes=st.dictionaries(places, st.dictionaries(kinds, st.lists(xml_text, min_size=1,
                                                                  max_size=3))),
    seventh=st.lists(st.tuples(st.sampled_from("ADS"), xml_text, st.lists(xml_text,
                                                                           max_size=2)),
                     min_size=1, max_size=3, unique_by=lambda t: t[0]),
)
def test_notes_round_trip(notes: dict[str, dict[str, list[str]]],
                          seventh: list[tuple[str, str, list[str]]]) -> None:
    import datetime

    from codekit._editions import Edition

    rows = [parser.Row("E11", False, False, None, "Type 2 diabetes mellitus", None, 0, 0),
            parser.Row("E119", True, False, "E11", "Type 2 diabetes mellitus without", None, 0, 0)]
    parsed = parser.Parsed(
        "tabular", "t.xml", rows,
        chapters=[{"number": 4, "first": "E00", "last": "E89", "description": "Endocrine"}],
        blocks=[{"id": "E08-E13", "first": "E08", "last": "E13", "chapter": 0,
                 "description": "Diabetes mellitus"}],
        notes=notes, seventh={"E11": [[c, d, n] for c, d, n in seventh]},
        tabular_edition="FY2099",
    )
    data = icd10cm_table.to_table(parsed, {"system": "icd10cm", "edition": "FY2099"})
    ed = Edition("icd10cm", "FY2099", datetime.date(2098, 10, 1), None, "t.xml")
    cs = CodeSet(Table(data, origin="t.xml"), ed, system=_SYS)
    got = cs["E11.9"].notes
    for kind in Notes.__slots__:
        want = [(t, label) for key, label in (("chapter:4", "chapter 4"),
                                              ("block:E08-E13", "section E08-E13"),
                                              ("E11", "E11"), ("E119", "E11.9"))
                for t in notes.get(key, {}).get(kind, [])
                if kind != "inclusion_terms" or key == "E119"]
        assert [(n.text, n.source) for n in getattr(got, kind)] == want
        assert all(n.edition == "FY2099" for n in getattr(got, kind))
    assert [(s.char, s.description, list(s.notes)) for s in cs["E11.9"].seventh_characters] \
        == [(c, d, n) for c, d, n in seventh]
