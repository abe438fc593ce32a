"""codekit.hcpcs: the shipped editions against the official files, dates, loader, laws."""

from __future__ import annotations

import contextlib
import datetime
import gzip
import os
import pickle
import shutil
import warnings
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codekit import hcpcs, modifiers
from codekit._parsers import hcpcs as parser
from codekit.errors import CodeNotFound, EditionWarning, InvalidCodeFormat, SourceFormatError
from codekit.status import CodeStatus

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SRC = os.path.join(ROOT, "data", "sources", "hcpcs")
TXT_2026 = os.path.join(SRC, "HCPC2026_JAN_ANWEB_01122026.txt.gz")
TXT_2020 = os.path.join(SRC, "HCPC2020_ANWEB_w_disclaimer.txt.gz")
XLSX_2025 = os.path.join(SRC, "HCPC2025_OCT_ANWEB.xlsx")
JAN_15 = datetime.date(2026, 1, 15)


def _ymd(s: str) -> datetime.date | None:
    s = s.strip()
    return datetime.date(int(s[:4]), int(s[4:6]), int(s[6:8])) if s else None


def _raw_first_lines(path: str, encoding: str) -> list[str]:
    """First-line records straight from the file by column position (no codekit parser)."""
    text = gzip.decompress(open(path, "rb").read()).decode(encoding)  # noqa: SIM115
    return [ln for ln in text.split("\r\n") if len(ln) > 10 and ln[5:10].isdigit()
            and ln[10] in "37"]


@pytest.fixture(scope="module")
def raw2026() -> list[str]:
    return _raw_first_lines(TXT_2026, "ascii")


@pytest.fixture
def cleanup() -> Iterator[None]:
    before = {e.id for e in hcpcs.editions()}
    before_m = {e.id for e in modifiers.editions()}
    yield
    for e in hcpcs.editions():
        if e.id not in before:
            hcpcs._REG.remove(e.id)
    for e in modifiers.editions():
        if e.id not in before_m:
            modifiers._REG.remove(e.id)


# ------------------------------------------------------------------------------------------
# exact against the official files
def test_2026_q1_counts(raw2026: list[str]) -> None:
    assert sum(ln[10] == "3" for ln in raw2026) == 8623
    assert sum(ln[10] == "7" for ln in raw2026) == 383
    assert len(hcpcs.code_set("2026-Q1")) == 8623
    assert len(modifiers.code_set("2026-Q1")) == 383


def test_2026_q1_every_code_with_its_dates(raw2026: list[str]) -> None:
    cs = hcpcs.code_set("2026-Q1")
    ms = modifiers.code_set("2026-Q1")
    codes = []
    for ln in raw2026:
        code = ln[:5].strip()
        obj = (ms if ln[10] == "7" else cs).get(code)
        assert obj is not None, code
        assert obj.added == _ymd(ln[268:276]), code
        assert obj.action_effective == _ymd(ln[276:284]), code
        assert obj.terminated == _ymd(ln[284:292]), code
        assert obj.action_code == ln[292].strip(), code
        assert obj.short_description == " ".join(ln[91:119].split()), code
        if ln[10] == "3":
            codes.append(code)
    assert cs.codes() == codes  # file order, nothing else


def test_terminated_before_2026_inactive_on_jan_15(raw2026: list[str]) -> None:
    terminated = [ln for ln in raw2026 if ln[284:292].strip() and ln[284:292] < "20260101"]
    assert len(terminated) == 1320  # as counted in SOURCES.md (1,300 codes + 20 modifiers)
    for ln in terminated:
        code = ln[:5].strip()
        mod = ln[10] == "7"
        module = modifiers if mod else hcpcs
        assert module.is_valid(code, as_of=JAN_15) is False, code
        r = module.check(code, as_of=JAN_15)
        assert r.status is CodeStatus.INACTIVE, code
        assert r.valid_to == _ymd(ln[284:292])
        assert f"terminated on {r.valid_to.isoformat()}" in r.message


def test_not_terminated_valid_on_jan_15(raw2026: list[str]) -> None:
    live = [ln for ln in raw2026 if ln[10] == "3" and not ln[284:292].strip()]
    assert len(live) == 8623 - 1300
    assert all(hcpcs.is_valid(ln[:5], as_of=JAN_15) for ln in live)


def test_long_descriptions_join_continuations() -> None:
    text = gzip.decompress(open(TXT_2026, "rb").read()).decode("ascii")  # noqa: SIM115
    pieces: dict[str, list[str]] = {}
    for ln in text.split("\r\n"):
        if len(ln) > 10 and ln[10] in "34":
            pieces.setdefault(ln[:5], []).append(ln[11:91])
    cs = hcpcs.code_set("2026-Q1")
    multi = 0
    for code, parts in pieces.items():
        assert cs[code].description == " ".join(" ".join(parts).split())
        multi += len(parts) > 1
    assert multi > 3000  # the continuation records really are used
    g = cs["G0023"].description
    assert g.startswith("Principal illness navigation services") and g.endswith("goals")


def test_quirky_lines_of_2026_file() -> None:
    lines = gzip.decompress(open(TXT_2026, "rb").read()).decode("ascii").split("\r\n")  # noqa: SIM115
    assert len(lines[9169]) == 546 and lines[9169].startswith("G9871")
    assert lines[-2] == " " * 296 and lines[-1] == ""
    g = hcpcs.get("G9871", as_of=JAN_15)
    assert g.description == "Behavioral counseling for diabetes prevention, online, 60 minutes"
    assert g.added == datetime.date(2026, 1, 1) and g.action_code == "A"


def test_2025_q4_counts_and_dates() -> None:
    from codekit import _xlsx

    with open(XLSX_2025, "rb") as fh:
        rows = _xlsx.read_rows(fh.read())
    head = rows[0]
    i = {h: head.index(h) for h in ("HCPC", "RECID", "ADD DT", "TERM DT")}
    procs = [r for r in rows[1:] if r[i["RECID"]] == "3"]
    mods = [r for r in rows[1:] if r[i["RECID"]] == "7"]
    assert (len(procs), len(mods)) == (8463, 383)
    cs = hcpcs.code_set("2025-Q4")
    assert len(cs) == 8463 and len(modifiers.code_set("2025-Q4")) == 383
    for r in procs:
        c = cs[r[i["HCPC"]]]
        assert c.added == _ymd(r[i["ADD DT"]])
        assert c.terminated == _ymd(r[i["TERM DT"]] if i["TERM DT"] < len(r) else "")


def test_2020_counts() -> None:
    raw = _raw_first_lines(TXT_2020, "cp1252")
    assert sum(ln[10] == "3" for ln in raw) == 6710 == len(hcpcs.code_set("2020"))
    assert sum(ln[10] == "7" for ln in raw) == 369 == len(modifiers.code_set("2020"))
    cs = hcpcs.code_set("2020")
    for ln in raw:
        if ln[10] == "3":
            assert cs[ln[:5]].terminated == _ymd(ln[284:292])


def test_xlsx_2025_q4_agrees_with_2026_text_where_unchanged() -> None:
    """Codes whose action effective date did not move between the two quarters read the
    same from the October xlsx and the January text file. The one exception is L6034,
    whose long description CMS corrected (transmetacarpal -> distal to metacarpal joint)
    without a new action date."""
    old, new = hcpcs.code_set("2025-Q4"), hcpcs.code_set("2026-Q1")
    compared, differ = 0, []
    for c in new:
        o = old.get(c.code)
        if o is None or o.action_effective != c.action_effective:
            continue
        compared += 1
        if (o.description, o.short_description, o.added, o.terminated) != (
                c.description, c.short_description, c.added, c.terminated):
            differ.append(c.code)
    assert compared == 7890
    assert differ == ["L6034"]


# ------------------------------------------------------------------------------------------
# verbs and dates
def test_objects() -> None:
    c = hcpcs.get(" e0114 ")
    assert c.code == "E0114" and c.billable is True and c.edition.id == "2026-Q1"
    assert c.short_description == "Crutch underarm pair no wood"
    assert c.pricing_indicators and all(len(p) == 2 for p in c.pricing_indicators)
    assert isinstance(c.type_of_service, tuple)
    assert pickle.loads(pickle.dumps(c)) == c
    assert hcpcs.lookup("E0114") is c


def test_terminated_code_dates() -> None:
    c = hcpcs.get("C5271")
    assert c.terminated == datetime.date(2025, 12, 31)
    assert hcpcs.is_valid("C5271", as_of=datetime.date(2025, 12, 31))
    assert not hcpcs.is_valid("C5271", as_of=datetime.date(2026, 1, 1))
    assert not hcpcs.is_valid("C5271")  # no date: the first day of the newest edition
    assert hcpcs.check("C5271", as_of=datetime.date(2025, 12, 31)).status is CodeStatus.VALID


def test_not_yet_added_code_is_inactive(cleanup: None) -> None:
    # G9871 was added on 2026-01-01; load the fixture as an edition in force from 2025-07-01
    hcpcs.load(os.path.join(FIXTURES, "HCPC2099_APR_ANWEB_04012099.txt"),
               effective=datetime.date(2025, 7, 1), edition="early", modifiers=False)
    day = datetime.date(2025, 8, 1)
    assert not hcpcs.is_valid("G9871", as_of=day)
    r = hcpcs.check("G9871", as_of=day)
    assert r.status is CodeStatus.INACTIVE and "not in effect yet" in r.message
    assert r.valid_from == datetime.date(2026, 1, 1)
    assert hcpcs.is_valid("E0114", as_of=day)


def test_code_only_in_newer_edition_is_inactive_before() -> None:
    r = hcpcs.check("G9871", as_of=datetime.date(2025, 11, 1))
    assert r.status is CodeStatus.INACTIVE and "2026-Q1" in r.message


def test_gap_year_has_no_edition() -> None:
    r = hcpcs.check("E0114", as_of=datetime.date(2022, 6, 1))
    assert r.status is CodeStatus.NO_EDITION and "2022-06-01" in r.message
    assert hcpcs.is_valid("E0114", as_of=datetime.date(2022, 6, 1)) is False


def test_after_newest_edition_warns_and_uses_it() -> None:
    with pytest.warns(EditionWarning):
        r = hcpcs.check("E0114", as_of=datetime.date(2026, 6, 1))
    assert r.edition == "2026-Q1" and r.ok


def test_bad_format_and_hints() -> None:
    assert "codekit.cpt" in hcpcs.check("99213").message
    assert "codekit.modifiers" in hcpcs.check("GT").message
    assert "dental" in hcpcs.check("D0120").message
    with pytest.raises(InvalidCodeFormat):
        hcpcs.format("E011")
    with pytest.raises(CodeNotFound) as exc:
        hcpcs.lookup("E0119")
    assert exc.value.suggestions


def test_code_set_iterates_search_fields() -> None:
    for c in hcpcs.code_set("2026-Q1"):
        assert c.code and c.description and c.billable is True
        assert c.short_description is None or isinstance(c.short_description, str)


def test_processing_note_text() -> None:
    c = hcpcs.get("A4220")
    assert c.processing_note == "0050"
    assert c.processing_note_text is not None and c.processing_note_text.startswith("THIS CODE")


# ------------------------------------------------------------------------------------------
# the loader
def _same(a: object, b: object) -> None:
    for ca, cb in zip(a, b, strict=True):  # type: ignore[call-overload]
        assert (ca.code, ca.description, ca.short_description, ca.added, ca.terminated,
                ca.pricing_indicators, ca.betos) == (
            cb.code, cb.description, cb.short_description, cb.added, cb.terminated,
            cb.pricing_indicators, cb.betos)


def test_load_text_registers_codes_and_modifiers(cleanup: None) -> None:
    cs = hcpcs.load(os.path.join(FIXTURES, "HCPC2099_APR_ANWEB_04012099.txt"))
    assert cs.edition.id == "2099-Q2" and cs.codes() == [
        "A0021", "A0080", "C5271", "E0114", "G9871", "J3490"]
    day = datetime.date(2099, 5, 1)
    assert hcpcs.check("E0114", as_of=day).edition == "2099-Q2"
    assert modifiers.check("GT", as_of=day).edition == "2099-Q2"
    assert not hcpcs.is_valid("C5271", as_of=day)
    _same(cs, [hcpcs.get(c.code, as_of=JAN_15) for c in cs])


def test_load_xlsx_gz_and_zip_agree(cleanup: None, tmp_path: object) -> None:
    txt = hcpcs.load(os.path.join(FIXTURES, "HCPC2099_APR_ANWEB_04012099.txt"), register=False)
    xl = hcpcs.load(os.path.join(FIXTURES, "HCPC2099_JUL_ANWEB.xlsx"))
    assert xl.edition.id == "2099-Q3" and xl.meta["kind"] == "xlsx"
    zp = hcpcs.load(os.path.join(FIXTURES, "october-2099-alpha-numeric-hcpcs-file.zip"))
    assert zp.edition.id == "2099-Q4" and zp.meta["kind"] == "txt"
    gz = os.path.join(str(tmp_path), "HCPC2098_JAN_ANWEB.txt.gz")
    with open(os.path.join(FIXTURES, "HCPC2099_APR_ANWEB_04012099.txt"), "rb") as src, \
            gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    g = hcpcs.load(gz)
    assert g.edition.effective == datetime.date(2098, 1, 1)
    for other in (xl, zp, g):
        _same(txt, other)
    assert {"2098-Q1", "2099-Q3", "2099-Q4"} <= {e.id for e in modifiers.editions()}


def test_load_needs_a_date_when_the_name_has_none(cleanup: None, tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "hcpcs_codes.txt")
    shutil.copy(os.path.join(FIXTURES, "HCPC2099_APR_ANWEB_04012099.txt"), path)
    with pytest.raises(SourceFormatError, match="effective="):
        hcpcs.load(path)
    cs = hcpcs.load(path, effective=datetime.date(2097, 7, 1), edition="custom")
    assert (cs.edition.id, cs.edition.end) == ("custom", datetime.date(2097, 9, 30))


def test_load_twice_needs_replace(cleanup: None) -> None:
    path = os.path.join(FIXTURES, "HCPC2099_APR_ANWEB_04012099.txt")
    hcpcs.load(path)
    with pytest.raises(Exception, match="replace=True"):
        hcpcs.load(path)
    hcpcs.load(path, replace=True)


def test_malformed_record_names_file_and_line() -> None:
    path = os.path.join(FIXTURES, "bad_hcpcs_2094.txt")
    with pytest.raises(SourceFormatError) as exc:
        hcpcs.load(path)
    assert exc.value.line == 5 and exc.value.path == path


@pytest.mark.parametrize(
    ("lines", "line", "match"),
    [
        (["A0021001003" + "x" * 80], None, None),  # a single record is fine
        (["A0021001004" + "x" * 80], 1, "continuation"),
        (["A0021001003x", "A0080001004y"], 2, "continuation"),
        (["A002100100" + "3" + "x", "A0021001003y"], 2, "twice"),
        (["99213001003x"], 1, "malformed HCPCS code"),
        (["A0021001003x" + " " * 257 + "2026133100000000"], 1, "code added date"),
        (["A0021001003x" + " " * 320 + "junk"], 1, "past column 320"),
        (["A0021001003x", "garbage line"], 2, "not an HCPCS record"),
    ],
)
def test_parser_errors(lines: list[str], line: int | None, match: str | None) -> None:
    text = "\r\n".join(lines) + "\r\n"
    if match is None:
        assert parser.parse_text(text, "t.txt").procedures[0].code == "A0021"
        return
    with pytest.raises(SourceFormatError, match=match) as exc:
        parser.parse_text(text, "t.txt")
    assert exc.value.line == line


@settings(max_examples=300)
@given(st.lists(st.text(max_size=330), max_size=6))
def test_parser_never_crashes_on_garbage(lines: list[str]) -> None:
    with contextlib.suppress(SourceFormatError):
        parser.parse_text("\n".join(lines), "junk.txt")


@settings(max_examples=200)
@given(st.binary(max_size=400))
def test_reader_never_crashes_on_garbage_bytes(data: bytes) -> None:
    with contextlib.suppress(SourceFormatError):
        parser.parse_bytes(data, "junk.bin")


def test_xlsx_reader_garbage() -> None:
    with pytest.raises(SourceFormatError):
        parser.parse_bytes(b"PK\x03\x04 not really a zip", "x.xlsx")


# ------------------------------------------------------------------------------------------
# laws
junk = st.one_of(st.text(), st.binary(), st.none(), st.integers(), st.floats(allow_nan=True),
                 st.text(alphabet="ABCDEGJKLQVZ0123456789. -", max_size=7))


@settings(max_examples=300)
@given(value=junk, day=st.one_of(st.none(), st.dates()))
def test_is_valid_and_check_never_raise(value: object, day: datetime.date | None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EditionWarning)
        assert hcpcs.is_valid(value, as_of=day) in (True, False)
        r = hcpcs.check(value, as_of=day)
    assert r.message and r.status in CodeStatus


@given(st.text(max_size=10))
def test_normalize_idempotent(text: str) -> None:
    once = hcpcs.normalize(text)
    assert hcpcs.normalize(once) == once


def test_format_round_trips_every_shipped_code() -> None:
    for e in hcpcs.editions():
        for code in hcpcs.code_set(e.id).codes():
            assert hcpcs.normalize(hcpcs.format(code)) == hcpcs.normalize(code)
            assert hcpcs.normalize(hcpcs.format(code.lower())) == code
