"""codekit.cpt: format checks without a file; a user-supplied (here SYNTHETIC) file."""

from __future__ import annotations

import contextlib
import datetime
import os
import pickle
import warnings
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codekit import cpt
from codekit._parsers import cpt as parser
from codekit.errors import CodeNotFound, EditionWarning, InvalidCodeFormat, SourceFormatError
from codekit.status import CodeStatus

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
TXT = os.path.join(FIXTURES, "cpt_synthetic.txt")
CSV = os.path.join(FIXTURES, "cpt_synthetic.csv")


@pytest.fixture
def empty() -> Iterator[None]:
    """No CPT edition registered during the test (restores any that were)."""
    saved = [(e, cpt._REG._loaders[e.id]) for e in cpt.editions()]
    for e, _ in saved:
        cpt._REG.remove(e.id)
    yield
    for e in cpt.editions():
        cpt._REG.remove(e.id)
    for e, loader in saved:
        cpt._REG.add(e, loader)


def test_synthetic_fixtures_say_so() -> None:
    for path in (TXT, CSV):
        with open(path, encoding="utf-8") as fh:
            head = fh.readline()
        assert "SYNTHETIC" in head and "NOT AMA CPT" in head


def test_categories() -> None:
    assert [cpt.category(c) for c in ("99213", "3074f", "0042T", "0001U", "0001A", "0001M")] == [
        "I", "II", "III", "PLA", "I", "I"]
    with pytest.raises(InvalidCodeFormat):
        cpt.category("E0114")


def test_nothing_loaded(empty: None) -> None:
    for code in ("99213", " 3074f ", "0042T", "0001U"):
        assert cpt.is_valid(code)
        r = cpt.check(code)
        assert r.status is CodeStatus.NOT_CHECKED and "not checked" in r.message
        assert not r.ok
        assert cpt.get(code) is None
        with pytest.raises(cpt.NoCPTFile) as exc:
            cpt.lookup(code)
        assert isinstance(exc.value, LookupError)
        assert pickle.loads(pickle.dumps(exc.value)).message == exc.value.message
    for bad in ("9921", "E0114", "3074X", "", None, 99213):
        assert not cpt.is_valid(bad)
        assert cpt.check(bad).status is CodeStatus.BAD_FORMAT
    assert "codekit.hcpcs" in cpt.check("E0114").message
    with pytest.raises(cpt.NoCPTFile):
        cpt.code_set()
    assert cpt.editions() == ()


def test_load_data_file(empty: None) -> None:
    cs = cpt.load(TXT, edition="2099")
    assert cs.codes() == ["99213", "99214", "10060", "3074F", "0042T", "0001U"]
    assert cs["10060"].description == (
        "Synthetic description three, separated by a blank, invented for tests "
        "continued on a second line with the same code, invented for tests")
    day = datetime.date(2099, 3, 1)
    assert cpt.check("99213", as_of=day).status is CodeStatus.VALID
    assert cpt.is_valid("99213", as_of=day)
    assert cpt.check("99215", as_of=day).status is CodeStatus.UNKNOWN
    assert not cpt.is_valid("99215", as_of=day)
    assert cpt.get("3074F").category == "II"
    with pytest.raises(CodeNotFound):
        cpt.lookup("99215")
    r = cpt.check("99213", as_of=datetime.date(2098, 6, 1))
    assert r.status is CodeStatus.NO_EDITION
    with pytest.warns(EditionWarning):
        assert cpt.is_valid("99213", as_of=datetime.date(2100, 1, 2))


def test_load_csv(empty: None) -> None:
    cs = cpt.load(CSV, edition="2099")
    assert len(cs) == 8 and cs.meta["kind"] == "csv"
    c = cs["0001U"]
    assert (c.category, c.short_description) == ("PLA", "Synthetic short PLA")
    assert (cs.edition.effective, cs.edition.end) == (datetime.date(2099, 1, 1),
                                                       datetime.date(2099, 12, 31))


def test_load_tsv_and_year_from_name(empty: None, tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "cpt_2098_licensed.tsv")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("CPT Code\tLong Descriptor\n99213\tInvented text for a test\n")
    cs = cpt.load(path)
    assert cs.edition.id == "2098" and cs["99213"].description == "Invented text for a test"


def test_load_needs_a_year(empty: None, tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "cpt.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("99213 Invented\n")
    with pytest.raises(Exception, match="edition="):
        cpt.load(path)


@pytest.mark.parametrize(
    ("text", "line", "match"),
    [
        ("99213 ok\nnot a code line\n", 2, "expected a CPT code"),
        ("99213 a\n99214 b\n99213 c\n", 3, "twice"),
        ("code,description\n99213,x\nE0114,y\n", 3, "malformed CPT code"),
        ("code,description\n99213,\n", 2, "no description"),
        ("cpt,text\n99213,x\n", 1, "header row"),
        ("# only a comment\n", None, "empty"),
    ],
)
def test_parser_errors(text: str, line: int | None, match: str) -> None:
    with pytest.raises(SourceFormatError, match=match) as exc:
        parser.parse_text(text, "f.txt")
    assert exc.value.line == line


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_parser_never_crashes_on_garbage(text: str) -> None:
    with contextlib.suppress(SourceFormatError):
        parser.parse_text(text, "junk.txt")


junk = st.one_of(st.text(), st.binary(), st.none(), st.integers(), st.floats(allow_nan=True),
                 st.text(alphabet="0123456789FTUAMX .-", max_size=7))


@settings(max_examples=300)
@given(value=junk, day=st.one_of(st.none(), st.dates()))
def test_is_valid_and_check_never_raise(value: object, day: datetime.date | None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EditionWarning)
        assert cpt.is_valid(value, as_of=day) in (True, False)
        r = cpt.check(value, as_of=day)
    assert r.message and r.status in CodeStatus


@given(st.text(max_size=8))
def test_normalize_idempotent(text: str) -> None:
    once = cpt.normalize(text)
    assert cpt.normalize(once) == once


@given(st.from_regex(r"[0-9]{4}[0-9FTUAMftuam]", fullmatch=True))
def test_format_round_trips(code: str) -> None:
    assert cpt.normalize(cpt.format(code)) == cpt.normalize(code)
