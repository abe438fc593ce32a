"""The FY2018 diagnosis GEMs against the official text files."""

from __future__ import annotations

import gzip
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codekit import gems, icd9cm, icd10cm
from codekit._parsers import gems as parser
from codekit.errors import CodeNotFound, InvalidCodeFormat, SourceFormatError

SOURCES = os.path.join(os.path.dirname(__file__), "..", "data", "sources", "gems")


def _rows(name: str) -> list[tuple[str, str, str]]:
    with gzip.open(os.path.join(SOURCES, name), "rt", encoding="ascii") as fh:
        return [tuple(line.split()) for line in fh if line.strip()]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "rows", "sources", "no_map", "fn", "src_fmt", "dst_fmt"),
    [
        ("2018_I9gem.txt.gz", 24860, 14567, 422, gems.to_icd10cm, icd9cm._display,
         icd10cm._display),
        ("2018_I10gem.txt.gz", 81593, 71704, 731, gems.to_icd9cm, icd10cm._display,
         icd9cm._display),
    ],
)
def test_every_row(
    name: str, rows: int, sources: int, no_map: int, fn: object, src_fmt: object, dst_fmt: object
) -> None:
    data = _rows(name)
    assert len(data) == rows
    by: dict[str, list[tuple[str, str]]] = {}
    for s, t, f in data:
        by.setdefault(s, []).append((t, f))
    assert len(by) == sources
    assert sum(f[1] == "1" for _, _, f in data) == no_map
    for s, expected in by.items():
        m = fn(s)  # type: ignore[operator]
        assert m.source == src_fmt(s) and m.edition == "2018"  # type: ignore[operator]
        assert [e.flags for e in m] == [f for _, f in expected]
        assert [e.target for e in m] == [
            None if t == "NoDx" else dst_fmt(t.upper()) for t, _ in expected  # type: ignore[operator]
        ]
        for e in m:
            assert e.approximate == (e.flags[0] == "1") and e.no_map == (e.flags[1] == "1")
            assert e.combination == (e.flags[2] == "1")
            assert (e.scenario, e.choice_list) == (int(e.flags[3]), int(e.flags[4]))


def test_icd9_sources_are_all_v32_codes() -> None:
    sources = {s for s, _, _ in _rows("2018_I9gem.txt.gz")}
    assert sources == {icd9cm.normalize(c) for c in icd9cm.code_set().codes(billable_only=True)}


def test_known_answers() -> None:
    m = gems.to_icd10cm("250.00")
    assert [(e.target, e.approximate, e.no_map) for e in m] == [("E11.9", True, False)]
    assert gems.to_icd9cm("E11.9").targets == ("250.00",)
    assert gems.to_icd10cm("25000").targets == ("E11.9",)


def test_no_map_says_so() -> None:
    m = gems.to_icd10cm("365.70")
    assert m.no_map and m.targets == () and len(m) == 1 and m[0].target is None


def test_combination_scenarios() -> None:
    m = gems.to_icd9cm("A18.01")
    assert m.combination
    assert [s.number for s in m.scenarios] == [1, 2, 3, 4, 5]
    assert m.scenarios[0].combinations() == (("015.00", "737.40"),)
    for s in m.scenarios:
        assert [len(c) for c in s.choice_lists] == [1, 1]
    plain = [e.target for e in m if not e.combination]
    assert plain == ["015.00"]


def test_lowercase_target_in_official_file_is_read() -> None:
    assert gems.to_icd9cm("T88.53XD").targets == ("V58.89",)


def test_errors() -> None:
    with pytest.raises(InvalidCodeFormat):
        gems.to_icd10cm("25.000")
    with pytest.raises(InvalidCodeFormat):
        gems.to_icd9cm("1234")
    with pytest.raises(CodeNotFound, match="header"):
        gems.to_icd10cm("250")
    with pytest.raises(CodeNotFound, match="stop at FY2018"):
        gems.to_icd9cm("U07.1")
    with pytest.raises(CodeNotFound, match="not an ICD-9-CM code"):
        gems.to_icd10cm("999.99")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=30))
def test_parser_garbage(line: str) -> None:
    try:
        parser.parse("0010  A000    00000\n" + line, "g.txt", "icd9cm")
    except SourceFormatError as exc:
        assert exc.line == 2 and exc.path == "g.txt"
