"""ICD-10-CM's whole tabular through the public API, checked against the FY2026 XML.

The XML is read here with ElementTree (not the package's parser), so a parser bug
cannot hide itself: every note element must be reachable from the public API
exactly once per place it applies (its own chapter/section/code object, and every
code below it), with its text exactly as written and the place it is written.
"""

from __future__ import annotations

import gzip
import os
import pickle
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codekit import icd10cm
from codekit.errors import CodeNotFound

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "sources", "icd10cm")
ED = "FY2026"
KINDS = {
    "inclusionTerm": "inclusion_terms",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional_code",
    "codeAlso": "code_also",
    "notes": "notes",
    "sevenChrNote": "seventh_character_note",
}
ENCLOSING = {"C00-C96", "C00-C75", "M00-M25", "M40-M54", "M60-M79", "M80-M94", "T07-T88",
             "T20-T32", "V00-X58", "V00-V99", "W00-X58", "Y62-Y84"}


class Tabular:
    """The FY2026 tabular as ElementTree reads it: notes per place, the nesting."""

    def __init__(self) -> None:
        with gzip.open(os.path.join(SRC, "icd10c-tabular-April-1-2026.xml.gz")) as fh:
            self.root = ET.parse(fh).getroot()
        self.notes: dict[str, list[tuple[str, str]]] = {}  # place label -> (kind, text)
        self.parent: dict[str, str | None] = {}  # code (display) -> parent code
        self.places: dict[str, list[str]] = {}  # category -> chapter + section labels
        self.sections: dict[str, list[str]] = {}  # section id -> labels of chapter, sections
        self.order: list[str] = []  # chapters, sections, diags in document order
        self.seventh: dict[str, list[tuple[str, str, list[str]]]] = {}
        self.note_elements = 0
        for ch in self.root.findall("chapter"):
            num = ch.findtext("name", "").strip()
            label = f"chapter {num}"
            self._own(label, ch)
            self.order.append(num)
            secs = ch.findall("section")
            for i, s in enumerate(secs):
                sid = s.get("id", "")
                # the sections whose range encloses this one come before it, outermost first
                outer = [o.get("id", "") for o in secs[:i] if _encloses(o.get("id", ""), sid)]
                chain = [label] + [f"section {o}" for o in outer] + [f"section {sid}"]
                self.sections[sid] = chain
                self._own(f"section {sid}", s)
                self.order.append(sid)
                for d in s.findall("diag"):
                    self._diag(d, None, chain)

    def _own(self, label: str, el: ET.Element) -> None:
        got = self.notes.setdefault(label, [])
        for c in el:
            if c.tag in KINDS:
                for n in c.findall("note"):
                    got.append((KINDS[c.tag], (n.text or "").strip()))
                    self.note_elements += 1

    def _diag(self, d: ET.Element, parent: str | None, chain: list[str]) -> None:
        code = d.findtext("name", "").strip()
        self.parent[code] = parent
        self.order.append(code)
        if parent is None:
            self.places[code] = chain
        self._own(code, d)
        sd = d.find("sevenChrDef")
        if sd is not None:
            ext: list[tuple[str, str, list[str]]] = []
            for e in sd:
                if e.tag == "extension":
                    ext.append((e.get("char", ""), " ".join((e.text or "").split()), []))
                else:
                    ext[-1][2].append((e.text or "").strip())
                    self.note_elements += 1
            self.seventh[code] = ext
        for k in d.findall("diag"):
            self._diag(k, code, chain)

    def chain(self, code: str) -> list[str]:
        """The places whose notes apply to a tabular code: chapter, sections, ancestors."""
        up = [code]
        while self.parent[up[-1]] is not None:
            up.append(self.parent[up[-1]])  # type: ignore[arg-type]
        return self.places[up[-1]] + list(reversed(up))


def _encloses(outer: str, inner: str) -> bool:
    a, _, b = outer.partition("-")
    c, _, d = inner.partition("-")
    return a <= c and (d or c) <= (b or a) and outer != inner


@pytest.fixture(scope="module")
def tab() -> Tabular:
    return Tabular()


def _api(notes: icd10cm.Notes) -> list[tuple[str, str, str]]:
    return [(kind, n.source, n.text) for kind, n in notes]


def test_every_note_element_is_reachable_once_per_place(tab: Tabular) -> None:
    """Each code's notes are exactly the XML's notes of its chapter, enclosing sections,
    ancestors and itself (inclusion terms: its own only), in that order and kind by kind;
    each chapter and section shows exactly its own."""
    assert tab.note_elements == 25_178 - 8  # the introduction's 8 are checked below
    kind_order = list(KINDS.values())
    holder = next(d for d in tab.root.iter("diag") if d.find("visualImpairment") is not None)
    vis_code = holder.findtext("name", "")
    table = len(holder.findall("visualImpairment/visCategory"))
    cs = icd10cm.code_set(ED)
    checked = 0
    for c in cs:
        # a code made from a 7th-character definition has the notes of its tabular leaf
        leaf = c.code if c.code in tab.parent else c.parent
        chain = tab.chain(leaf)
        want = [
            (kind, place, text)
            for place in chain
            for kind, text in tab.notes.get(place, [])
            if kind != "inclusion_terms" or place == c.code
        ]
        want.sort(key=lambda w: kind_order.index(w[0]))  # stable: places stay in order
        got = _api(c.notes)
        if vis_code in chain:  # the visual impairment table, flattened into H54.8's notes
            extra = [g for g in got if g[1] == vis_code and g not in want]
            assert len(extra) == table
            got = [g for g in got if g not in extra]
        assert got == want, c.code
        assert all(n.edition == ED for _, n in c.notes)
        checked += 1
    assert checked == len(cs) == 98_186
    for label, notes in tab.notes.items():
        kind, _, key = label.partition(" ")
        if kind == "chapter":
            obj: Any = icd10cm.chapter(int(key), ED)
        elif kind == "section":
            obj = icd10cm.section(key, ED)
        else:
            continue
        want = sorted(((k, label, t) for k, t in notes), key=lambda w: kind_order.index(w[0]))
        assert _api(obj.notes) == want, label


def test_seventh_character_definitions_and_their_notes(tab: Tabular) -> None:
    for code, ext in tab.seventh.items():
        got = icd10cm.get(code, as_of="2026-01-01").seventh_characters
        assert [(s.char, s.description, list(s.notes)) for s in got] == ext, code
        assert {s.source for s in got} == {code}
    assert sum(len(n) for ext in tab.seventh.values() for _, _, n in ext) == 8


def test_introduction_is_reachable(tab: Tabular) -> None:
    want = []
    for s in tab.root.find("introduction") or []:
        notes = tuple((n.text or "").strip() for n in s.iter("note"))
        want.append((s.get("type"), " ".join(s.findtext("title", "").split()), notes))
    got = [(s.type, s.title, s.notes) for s in icd10cm.introduction(ED)]
    assert got == want and sum(len(n) for *_, n in got) == 8
    assert icd10cm.introduction("FY2025") == ()


def test_v00_01xa_inherits_every_enclosing_section() -> None:
    notes = icd10cm.get("V00.01XA", as_of="2026-01-01").notes
    by_source = Counter(n.source for _, n in notes)
    assert by_source["section V00-V99"] == 38
    assert len(icd10cm.section("V00-V99", ED).notes) == 38
    assert len(icd10cm.section("V00-X58", ED).notes) == 0  # it has none to give
    assert "Airbag injury (W22.1)" in [n.text for n in notes.use_additional_code]
    chain = ["chapter 20", "section V00-X58", "section V00-V99", "section V00-V09", "V00",
             "V00.0", "V00.01", "V00.01XA"]
    for kind in icd10cm.Notes.__slots__:  # within a kind, outermost place first
        got = [chain.index(n.source) for n in getattr(notes, kind)]
        assert got == sorted(got)


def test_the_twelve_enclosing_sections(tab: Tabular) -> None:
    got = {s.id for s in icd10cm.sections(ED) if s.sections}
    assert got == ENCLOSING
    total = 0
    for sid in ENCLOSING:
        s = icd10cm.section(sid, ED)
        assert s.categories == () and s.sections
        assert all(c.parent is s for c in s.sections)
        total += len(s.notes)
    assert total == 54


def test_block_level_inclusion_terms() -> None:
    for sid in ("P35-P39", "X71-X83", "Y21-Y33", "Z40-Z53"):
        terms = icd10cm.section(sid, ED).notes.inclusion_terms
        assert terms and all(n.source == f"section {sid}" for n in terms)
    # they describe the section, they are not the inclusion terms of each code in it
    assert icd10cm.get("X71.0XXA", as_of="2026-01-01").notes.inclusion_terms == ()


def test_note_text_is_kept_as_written(tab: Tabular) -> None:
    text = icd10cm.chapter(19, ED).notes.notes[0].text
    assert "injury.  Codes" in text
    assert text == tab.notes["chapter 19"][0][1]
    tabbed = [t for t in icd10cm.get("Y93", as_of="2026-01-01").notes.notes if "\t" in t.text]
    assert tabbed and tabbed[0].text.startswith("Y93.0\tActivities")


def test_navigation() -> None:
    chs = icd10cm.chapters(ED)
    assert [c.number for c in chs] == list(range(1, 23))
    assert icd10cm.chapter("19", ED) is chs[18] and chs[18].parent is None
    s = icd10cm.section("T20-T32", ED)
    assert s.parent.id == "T07-T88" and s.parent.parent is chs[18]
    assert [x.id for x in s.sections] == ["T20-T25", "T26-T28", "T30-T32"]
    assert s.chapter is chs[18]
    assert [c.code for c in icd10cm.section("T20-T25", ED).categories][:2] == ["T20", "T21"]
    assert icd10cm.get("E11.9").block.id == "E08-E13"  # still the innermost
    up = icd10cm.ancestors("T21.01XA", sections=True, edition=ED)
    assert [getattr(a, "code", None) or a.id for a in up] == [
        "T21.01", "T21.0", "T21", "T20-T25", "T20-T32", "T07-T88", "19"]
    assert icd10cm.is_ancestor("T20-T32", "T21.01XA", edition=ED)
    assert icd10cm.is_descendant("T21.01XA", 19, edition=ED)
    assert not icd10cm.is_ancestor("T21.01XA", "T20-T32", edition=ED)
    assert not icd10cm.is_ancestor("T21", "T21", edition=ED)
    assert icd10cm.common_ancestor("T21.01XA", "T25.011A", edition=ED).id == "T20-T25"
    assert icd10cm.common_ancestor("T21.01XA", "T31.0", edition=ED).id == "T20-T32"
    assert icd10cm.common_ancestor("T21.01XA", "T21", edition=ED).code == "T21"
    with pytest.raises(CodeNotFound, match="section"):
        icd10cm.section("A00-A99", ED)
    with pytest.raises(CodeNotFound, match="chapter"):
        icd10cm.chapter(23, ED)
    with pytest.raises(TypeError):
        icd10cm.ancestors(3.5)


def test_walk_is_the_tabular_in_document_order(tab: Tabular) -> None:
    got = []
    for node in icd10cm.walk(ED):
        code = getattr(node, "code", None)
        if code is None:
            got.append(node.id)
        elif code in tab.parent:  # codes generated from 7th characters are not in the XML
            got.append(code)
    assert got == tab.order


def test_chapters_and_sections_pickle_and_compare() -> None:
    s = icd10cm.section("V00-V99", ED)
    again = pickle.loads(pickle.dumps(s))
    assert again == s and again.parent.id == "V00-X58"
    c = icd10cm.chapter(4)
    assert pickle.loads(pickle.dumps(c)) == c
    assert repr(s) == "Section(id='V00-V99', description='Transport accidents')"


def test_one_codes_notes_decode_only_its_places() -> None:
    code = (
        "import codekit.icd10cm as m; c = m.get('V00.01XA'); n = c.notes;"
        "cs = c._set; print(len(cs._cache['records']), m.code_set()._table.key_count('notes_keys'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    read, stored = map(int, out.stdout.split())
    assert read == 8  # chapter 20, 3 sections, 3 ancestors and the code itself
    assert stored > 100 * read


@pytest.mark.parametrize("edition", ["FY2024", "FY2025", "FY2027"])
def test_flat_editions_have_chapters_and_sections(edition: str) -> None:
    assert len(icd10cm.chapters(edition)) == 22
    assert len(icd10cm.sections(edition)) == 297
    assert icd10cm.section("V00-V99", edition).parent.id == "V00-X58"


def test_a_loaded_tabular_gives_its_own_notes(fixtures: str) -> None:
    cs = icd10cm.load(os.path.join(fixtures, "icd10cm_tabular_2097.xml"), register=False)
    notes = cs["E11.9"].notes
    assert [(n.text, n.source, n.edition) for n in notes.excludes1] == [
        ("diabetes mellitus due to underlying condition (E08.-)", "E11", "FY2097")]
    assert cs["S52.59XB"].seventh_character.edition == "FY2097"  # type: ignore[union-attr]


def test_flat_files_loaded_at_run_time_follow_the_seventh_character_rule(
    tmp_path: os.PathLike[str],
) -> None:
    rows = [
        ("C44102", "0", "Unsp malignant neoplasm of skin of right upper eyelid"),
        ("C441021", "1", "Unsp malignant neoplasm skin/ right upper eyelid, inc canthus"),
        ("C441022", "1", "Unsp malignant neoplasm skin/ right lower eyelid, inc canthus"),
        ("M4851", "0", "Collapsed vertebra, NEC, occipito-atlanto-axial region"),
        ("M4851XA", "1", "Collapsed vert, NEC, occipt-atlan-ax region, init"),
        ("M4851XD", "1", "Collapsed vert, NEC, occipt-atlan-ax region, subs"),
    ]
    path = os.path.join(tmp_path, "icd10cm_order_2096.txt")
    with open(path, "w") as fh:
        for i, (code, flag, text) in enumerate(rows, 1):
            fh.write(f"{i:05d} {code:<7} {flag} {text[:60]:<60} {text}\n")
    cs = icd10cm.load(path, register=False)
    assert not cs["C44.102"].needs_7th_character
    assert cs["M48.51"].needs_7th_character
    # the chapters and sections come from the newest bundled tabular
    assert cs["M48.51XA"].block.id == "M45-M49"  # type: ignore[union-attr]
    assert cs["M48.51XA"].notes == icd10cm.Notes()  # flat files carry no notes


def test_a_malformed_section_id_names_the_line(tmp_path: os.PathLike[str]) -> None:
    from codekit.errors import SourceFormatError

    path = os.path.join(tmp_path, "icd10cm_tabular_2094.xml")
    with open(path, "w") as fh:
        fh.write('<ICD10CM.tabular><version>2094</version><chapter><name>1</name>'
                 '<desc>x (A00-B99)</desc>\n<section id="A 00"><desc>y</desc></section>'
                 '</chapter></ICD10CM.tabular>')
    with pytest.raises(SourceFormatError) as info:
        icd10cm.load(path, register=False)
    assert info.value.line == 2 and "A 00" in str(info.value)


junk = st.one_of(st.text(max_size=12), st.integers(), st.none(), st.floats(), st.binary(),
                 st.text(alphabet="ABCDEVWXYZ0123456789.- ", max_size=9))


@settings(max_examples=150)
@given(a=junk, b=junk)
def test_navigation_on_junk_raises_only_clear_errors(a: object, b: object) -> None:
    from codekit.errors import CodekitError

    for call in (lambda: icd10cm.ancestors(a, sections=True), lambda: icd10cm.section(a),
                 lambda: icd10cm.chapter(a), lambda: icd10cm.is_ancestor(a, b),
                 lambda: icd10cm.common_ancestor(a, b)):
        try:
            call()
        except (CodekitError, TypeError) as exc:
            assert str(exc) and len(str(exc)) < 400
