"""Loading official ICD-10-CM files at run time: every layout, zips, errors."""

from __future__ import annotations

import datetime
import gzip
import os
import shutil

import pytest

from codekit import icd10cm
from codekit.errors import SourceFormatError
from codekit.status import CodeStatus

D = datetime.date


def test_order_file_becomes_a_dated_edition(fixtures: str, restore_registry: object) -> None:
    cs = icd10cm.load(os.path.join(fixtures, "icd10cm_order_2099.txt"))
    assert cs.edition.id == "FY2099" and cs.edition.end == D(2099, 9, 30)
    assert icd10cm.check("E11.9", as_of=D(2099, 1, 1)).edition == "FY2099"
    assert icd10cm.check("E11", as_of=D(2099, 1, 1)).status is CodeStatus.NOT_BILLABLE
    assert icd10cm.check("S52.521", as_of=D(2099, 1, 1)).status is CodeStatus.NEEDS_7TH_CHARACTER
    # it is the newest edition now, so it is the default
    assert icd10cm.get("E11.9").edition.id == "FY2099"
    # chapters and blocks come from the bundled tabular
    assert icd10cm.get("I10").block.id == "I10-I1A"
    # the bundled editions still answer for their dates
    assert icd10cm.get("G35", as_of=D(2025, 1, 1)).billable
    with pytest.raises(ValueError, match="already registered"):
        icd10cm.load(os.path.join(fixtures, "icd10cm_order_2099.txt"))
    again = icd10cm.load(os.path.join(fixtures, "icd10cm_order_2099.txt"), replace=True)
    assert len(again) == 9


def test_zipped_codes_file(fixtures: str, restore_registry: object) -> None:
    cs = icd10cm.load(os.path.join(fixtures, "icd10cm_codes_2098.zip"))
    assert cs.edition.id == "FY2098" and cs.billable_count == 6
    # headers are derived from the code structure
    assert "E11" in cs and not cs["E11"].billable
    assert cs["S52.521"].needs_7th_character


def test_tabular_xml_with_seventh_characters(fixtures: str) -> None:
    cs = icd10cm.load(os.path.join(fixtures, "icd10cm_tabular_2097.xml"), register=False)
    assert cs.edition.id == "FY2097"
    assert cs.codes(billable_only=True) == [
        "E11.9", "S52.521A", "S52.521D", "S52.59XA", "S52.59XB", "S52.59XD",
    ]
    b = cs["S52.59XB"]
    assert b.seventh_character is not None
    assert b.seventh_character.notes == ("initial encounter for open fracture NOS",)
    assert [n.text for n in cs["E11.9"].notes.excludes1] == [
        "diabetes mellitus due to underlying condition (E08.-)"
    ]


def test_gzipped_file_and_explicit_edition(fixtures: str, tmp_path: os.PathLike[str]) -> None:
    src = os.path.join(fixtures, "icd10cm_order_2099.txt")
    gz = os.path.join(tmp_path, "order.txt.gz")
    with open(src, "rb") as fh, gzip.open(gz, "wb") as out:
        shutil.copyfileobj(fh, out)
    with pytest.raises(SourceFormatError, match="fiscal year"):
        icd10cm.load(gz, register=False)
    cs = icd10cm.load(gz, edition="FY2031", register=False)
    assert cs.edition.effective == D(2030, 10, 1)


def test_malformed_files_name_file_and_line(fixtures: str, tmp_path: os.PathLike[str]) -> None:
    with pytest.raises(SourceFormatError) as info:
        icd10cm.load(os.path.join(fixtures, "bad_order_2096.txt"), register=False)
    assert info.value.line == 2 and "E1!9" in str(info.value)
    with pytest.raises(SourceFormatError) as info2:
        icd10cm.load(os.path.join(fixtures, "bad_tabular_2095.xml"), register=False)
    assert "mystery" in str(info2.value) and info2.value.line == 2
    junk = os.path.join(tmp_path, "icd10cm_2030.txt")
    with open(junk, "w") as fh:
        fh.write("hello world\n")
    with pytest.raises(SourceFormatError, match="not an ICD-10-CM"):
        icd10cm.load(junk, register=False)
    with pytest.raises(SourceFormatError, match="cannot read"):
        icd10cm.load(os.path.join(tmp_path, "missing_2030.txt"), register=False)
    broken_xml = os.path.join(tmp_path, "tab_2030.xml")
    with open(broken_xml, "w") as fh:
        fh.write("<ICD10CM.tabular><chapter>\n<name>1</name>\n</oops>")
    with pytest.raises(SourceFormatError, match="XML error") as info3:
        icd10cm.load(broken_xml, register=False)
    assert info3.value.line == 3
