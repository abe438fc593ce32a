"""The CMS edit tables: the bundled MUE, add-on and MCE tables agree with their source
files row for row (read here independently of codekit's parsers), and the PTP loader
reads CMS's published layout (text, zip, xlsx) from a fixture in exactly that layout."""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import os
import zipfile
from collections import defaultdict
from collections.abc import Iterator

import pytest

from codekit import mce, ncci
from codekit._xlsx import read_rows
from codekit.errors import SourceFormatError

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NCCI_SRC = os.path.join(ROOT, "data", "sources", "ncci")
MCE_SRC = os.path.join(ROOT, "data", "sources", "mce")
FIXTURE = os.path.join(HERE, "fixtures", "ncci", "ccipra-v321r0-f1-FIXTURE.txt")
Q2 = datetime.date(2026, 5, 1)


# -- MUE ----------------------------------------------------------------------------------
def _official_mue() -> dict[str, tuple[int, int, str]]:
    path = os.path.join(NCCI_SRC, "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv.gz")
    with gzip.open(path, "rt", encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh))
    start = next(i for i, r in enumerate(rows) if r and r[0].startswith("HCPCS")) + 1
    return {r[0]: (int(r[1]), int(r[2][0]), r[3]) for r in rows[start:] if r and r[0]}


def test_every_mue_row_matches_the_official_csv() -> None:
    official = _official_mue()
    assert len(official) == 15095
    for code, (value, mai, rationale) in official.items():
        m = ncci.mue(code, as_of=Q2)
        assert m is not None, code
        assert (m.value, m.mai, m.rationale, m.edition) == (value, mai, rationale, "2026-04-01")


def test_mue_dates() -> None:
    (ed,) = ncci.editions("mue")
    assert (ed.effective, ed.end) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert ncci.mue("99213", as_of="2026-03-31") is None  # before the table's quarter
    assert ncci.mue("99213", as_of="2026-08-01").value == 2  # after it: the newest is used


# -- add-on codes -------------------------------------------------------------------------
def _julian(text: str) -> datetime.date | None:
    return datetime.datetime.strptime(text, "%Y%j").date() if text else None


def _official_aoc() -> list[list[str]]:
    with open(os.path.join(NCCI_SRC, "AOC_V2026Q2-MCR.xlsx"), "rb") as fh:
        rows = read_rows(fh.read())
    head = next(i for i, r in enumerate(rows) if r and r[0] == "AOC_Edit_Type")
    return [r + [""] * (8 - len(r)) for r in rows[head + 1:]]


@pytest.mark.parametrize("day", [datetime.date(2026, 5, 1), datetime.date(2024, 6, 1),
                                 datetime.date(2019, 1, 1), datetime.date(2016, 2, 1)])
def test_every_addon_pair_in_force_matches_the_official_workbook(day: datetime.date) -> None:
    want: dict[str, set[tuple[str, int]]] = defaultdict(set)
    rows = _official_aoc()
    assert len(rows) == 9000
    for kind, addon, addon_del, primary, _pdel, eff, dele, _note in rows:
        e, d, ad = _julian(eff), _julian(dele), _julian(addon_del)
        in_force = e is not None and e <= day and (d is None or (day <= d and d != e))
        if in_force and (ad is None or day <= ad):
            want[addon].add((primary, int(kind)))
    got: dict[str, set[tuple[str, int]]] = {}
    for addon in {r[1] for r in rows}:
        a = ncci.addon(addon, as_of=day)
        if a is not None:
            got[addon] = {(e.primary, e.edit_type) for e in a.edits}
    assert got == dict(want)


def test_addon_dates_are_year_and_day_of_year() -> None:
    edits = [e for e in ncci.addon("99292", as_of=Q2).edits]  # type: ignore[union-attr]
    assert edits[0].effective == datetime.date(2013, 4, 1)  # 2013091


# -- MCE ----------------------------------------------------------------------------------
def _official_mce() -> dict[str, list[tuple[int, int, frozenset[str]]]]:
    out: dict[str, list[tuple[int, int, frozenset[str]]]] = defaultdict(list)
    with gzip.open(os.path.join(MCE_SRC, "mce_v43.1_i10dx_master.derived.tsv.gz"), "rt") as fh:
        next(fh)
        for line in fh:
            code, start, end, flags = line.rstrip("\n").split("\t")
            out[code].append((int(start), int(end), frozenset(f for f in flags.split(",") if f)))
    return out


@pytest.mark.parametrize("day", [datetime.date(2016, 3, 1), datetime.date(2019, 9, 30),
                                 datetime.date(2024, 9, 30), datetime.date(2024, 10, 1),
                                 datetime.date(2026, 5, 15)])
def test_every_mce_flag_matches_the_source(day: datetime.date) -> None:
    ymd = day.year * 10000 + day.month * 100 + day.day
    official = _official_mce()
    assert len(official) == 75909
    for code, rows in official.items():
        want: frozenset[str] = frozenset()
        for start, end, flags in rows:
            if start <= ymd <= end:
                want |= flags
        assert mce.flags(code, as_of=day) == want, code


def test_mce_age_table_and_sex_edit_end() -> None:
    assert mce.age_range("maternity", as_of="2019-09-30") == (12, 55)
    assert mce.age_range("maternity", as_of="2019-10-01") == (9, 64)
    assert mce.age_range("pediatric", as_of="2026-01-01") == (0, 17)
    t, past = mce.table(datetime.date(2026, 1, 1))
    assert t is not None and not past
    assert t.sex_end == 20240930
    assert mce.sex_flags_history("N40.0") == frozenset({"male"})
    assert mce.flags("N40.0", as_of="2024-09-30") >= {"male"}
    assert "male" not in mce.flags("N40.0", as_of="2024-10-01")


# -- PTP ----------------------------------------------------------------------------------
@pytest.fixture
def unload_ptp() -> Iterator[None]:
    before = {e.id for e in ncci.editions("ptp")}
    yield
    for e in ncci.editions("ptp"):
        if e.id not in before:
            ncci.unload("ptp", e.id)


def _fixture_rows() -> list[list[str]]:
    with open(FIXTURE, encoding="ascii", newline="") as fh:
        return [line.split("\t") for line in fh.read().split("\r\n") if line]


def _xlsx(rows: list[list[str]]) -> bytes:
    """A minimal workbook with the rows as CMS's xlsx holds them (numbers as numbers)."""
    def cell(ref: str, value: str) -> str:
        if value.isdigit() and not value.startswith("0"):
            return f'<c r="{ref}"><v>{value}</v></c>'
        esc = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{esc}</t></is></c>'

    body = []
    for i, row in enumerate(rows, start=1):
        cells = "".join(cell(f"{'ABCDEFG'[j]}{i}", v) for j, v in enumerate(row) if v)
        body.append(f'<row r="{i}">{cells}</row>')
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
                    '<sheet name="ccipra" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'worksheet"/></Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml",
                    f'<worksheet xmlns="{ns}"><sheetData>{"".join(body)}</sheetData></worksheet>')
    return buf.getvalue()


def _check_fixture_loaded() -> None:
    assert ncci.ptp("29881", "29877", as_of=Q2).modifier_indicator == 0  # type: ignore[union-attr]
    assert ncci.ptp("29877", "29881", as_of=Q2) is None  # the edit has a direction
    assert ncci.ptp("12001", "11042", as_of="2020-12-31") is not None  # deletion: last day
    assert ncci.ptp("12001", "11042", as_of="2021-01-01") is None
    assert ncci.ptp("99213", "G0439", as_of="2024-01-01") is None  # deleted back to its start
    assert ncci.ptp("97161", "97140", as_of="2019-12-31").modifier_indicator == 0  # type: ignore[union-attr]
    assert ncci.ptp("97161", "97140", as_of="2020-01-01").modifier_indicator == 1  # type: ignore[union-attr]
    assert ncci.ptp("80053", "80048", as_of="2000-07-01") is None  # indicator 9, eff == del


def test_ptp_text_as_published(unload_ptp: None) -> None:
    ed = ncci.load_ptp(FIXTURE)
    assert (ed.id, ed.effective, ed.end) == ("32.1", datetime.date(1996, 1, 1),
                                             datetime.date(2026, 6, 30))
    _check_fixture_loaded()
    with pytest.raises(ValueError, match="already loaded"):
        ncci.load_ptp(FIXTURE)
    ncci.load_ptp(FIXTURE, replace=True)
    assert len(ncci.editions("ptp")) == 1


def test_ptp_zip_and_xlsx_give_the_same_table(unload_ptp: None, tmp_path: os.PathLike[str]) -> None:
    rows = _fixture_rows()
    xlsx = os.path.join(tmp_path, "ccipra-v321r0-f2.xlsx")
    with open(xlsx, "wb") as fh:
        fh.write(_xlsx(rows))
    zpath = os.path.join(tmp_path, "ccipra-v321r0-f3.zip")
    with zipfile.ZipFile(zpath, "w") as zf, open(FIXTURE, "rb") as src:
        data = src.read()
        zf.writestr("ccipra-v321r0-f3.TXT", data)
        zf.writestr("ccipra-v321r0-f3.xlsx", _xlsx(rows))
    for path in (xlsx, zpath):
        ed = ncci.load_ptp(path)
        _check_fixture_loaded()
        ncci.unload("ptp", ed.id)


def test_ptp_parts_of_one_version_make_one_table(unload_ptp: None, tmp_path: os.PathLike[str]) -> None:
    rows = _fixture_rows()
    part2 = os.path.join(tmp_path, "ccipra-v321r0-f2.txt")
    with open(part2, "w", encoding="ascii", newline="") as fh:
        fh.write("\r\n".join("\t".join(r) for r in [*rows[:6], ["J1885", "96372", "", "20100101", "*", "1", "fixture row"]]) + "\r\n")
    ncci.load_ptp(FIXTURE)
    ed = ncci.load_ptp(part2)
    assert [e.id for e in ncci.editions("ptp")] == ["32.1"]
    assert "f1" in ed.source and "f2" in ed.source
    _check_fixture_loaded()
    assert ncci.ptp("J1885", "96372", as_of=Q2) is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [("Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\n"
      "29881\t29877\t\t2012\t*\t0\tx\n", "line 2: not a YYYYMMDD date"),
     ("no header here\n29881\t29877\n", "no PTP header row"),
     ("Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\tModifier\n"
      "29881\t29877\t\t20120101\t*\t5\tx\n", "line 2: modifier indicator of 29881/29877"),
     ("Column 1\tColumn 2\tEffective Date\tDeletion Date\tModifier\n"
      "29881\tE11.9\t20120101\t*\t0\n", "line 2: not a HCPCS/CPT code pair"),
     ("Column 1\tColumn 2\tEffective Date\tDeletion Date\tModifier\n", "no data rows")],
)
def test_ptp_errors_name_the_file_and_line(tmp_path: os.PathLike[str], content: str,
                                           message: str) -> None:
    path = os.path.join(tmp_path, "ccipra-v321r0-f1.txt")
    with open(path, "w", encoding="ascii") as fh:
        fh.write(content)
    with pytest.raises(SourceFormatError, match=message) as info:
        ncci.load_ptp(path)
    assert info.value.path.endswith("ccipra-v321r0-f1.txt")


def test_ptp_version_from_the_file_name() -> None:
    from codekit._parsers.ncci import ptp_version

    assert ptp_version("ccipra-v310r0-f1.zip") == ("31.0", datetime.date(2025, 1, 1),
                                                   datetime.date(2025, 3, 31))
    assert ptp_version("ccipra-v323r1-f4.txt") == ("32.3", datetime.date(2026, 10, 1),
                                                   datetime.date(2026, 12, 31))
    assert ptp_version("edits.txt") is None


def test_ptp_without_a_table_loaded_says_how_to_load_one() -> None:
    from codekit.errors import EditionNotFound

    assert not ncci.editions("ptp")
    with pytest.raises(EditionNotFound, match="load_ptp"):
        ncci.ptp("29881", "29877")
