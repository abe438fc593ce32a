"""codekit.frames: roll-ups, usage summaries, edition changes and the GEM crosswalk,
checked against the code sets and the GEMs themselves."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from codekit import frames, gems, icd10cm
from codekit.frames import FrameError

CODES = ["E11.9", "E11.65", "I10", "E78.5", "I10", "I10", "Z99.99", "T36.0X1A", "J45.909",
         "E11.65", "M54.50", None, "E1"]


def test_import_codekit_does_not_import_the_extras() -> None:
    code = (
        "import sys, codekit; codekit.icd10cm.get('E11.9'); "
        "print(sorted(m for m in ('narwhals', 'pyarrow', 'pandas', 'polars', 'dask', "
        "'distributed', 'matplotlib', 'tqdm', 'pyspark', 'codekit.frames') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    # codekit.frames is reachable from the package once asked for
    code = "import codekit; print(codekit.frames.annotate.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "annotate"


@pytest.mark.parametrize("level", ["chapter", "block", "category", "code", 3, 4, 5, 6, 7])
def test_rollup_matches_the_hierarchy(level: object) -> None:
    out = frames.rollup(pd.DataFrame({"dx": CODES}), "dx", level)  # type: ignore[arg-type]
    name = f"dx_{level}" if isinstance(level, str) else f"dx_len{level}"
    for code, got in zip(CODES, out[name], strict=True):
        rec = None if code is None else icd10cm.get(code)
        if rec is None:
            assert pd.isna(got) or (level == "code" and got == icd10cm.check(code).code), code
            continue
        chain = [rec.code, *rec.ancestors]
        if level == "chapter":
            want = rec.chapter.number
        elif level == "block":
            want = rec.block.id
        elif level == "category":
            want = chain[-1]
        elif level == "code":
            want = rec.code
        else:
            want = next(c for c in chain if len(icd10cm.normalize(c)) <= level)
        assert got == want, (code, level)


def test_rollup_bad_level() -> None:
    with pytest.raises(FrameError, match="level must be one of"):
        frames.rollup(pd.DataFrame({"dx": ["E11.9"]}), "dx", "subchapter")
    with pytest.raises(FrameError, match="level must be one of"):
        frames.rollup(pd.DataFrame({"dx": ["E11.9"]}), "dx", 9)


@pytest.mark.parametrize("by", ["chapter", "block", "category", "code", 4])
@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_usage_counts_and_shares(by: object, kind: str) -> None:
    df = pd.DataFrame({"dx": CODES}) if kind == "pandas" else pl.DataFrame({"dx": CODES})
    summary = frames.usage(df, "dx", by=by)  # type: ignore[arg-type]
    assert type(summary) is type(df)
    rows = (pa.Table.from_pandas(summary) if kind == "pandas" else summary.to_arrow()).to_pylist()
    label = by if isinstance(by, str) else f"len{by}"
    # recount by hand from the code set
    counts: Counter[object] = Counter()
    for code in CODES:
        if code is None:
            continue
        rec = icd10cm.get(code)
        if by == "code":
            r = icd10cm.check(code)
            counts[None if r.status.value == "bad_format" else r.code] += 1
            continue
        if rec is None:
            counts[None] += 1
            continue
        chain = [rec.code, *rec.ancestors]
        key = {"chapter": rec.chapter.number if rec.chapter else None,
               "block": rec.block.id if rec.block else None,
               "category": chain[-1], "code": rec.code}.get(by) if isinstance(by, str) else next(
                   c for c in chain if len(icd10cm.normalize(c)) <= by)
        counts[key] += 1
    assert {r[label]: r["count"] for r in rows} == dict(counts)
    total = sum(counts.values())
    assert abs(sum(r["share"] for r in rows) - 1) < 1e-9
    for r in rows:
        assert r["share"] == pytest.approx(r["count"] / total)
    # most used first, the codes not found last
    assert [r["count"] for r in rows if r[label] is not None] == sorted(
        (r["count"] for r in rows if r[label] is not None), reverse=True)
    assert rows[-1][label] is None and rows[-1]["description"] is None
    for r in rows[:-1]:
        assert r["description"] == (None if r[label] == "Z99.99" else r["description"])
        assert r["description"] or r[label] == "Z99.99", r


def test_usage_descriptions() -> None:
    rows = frames.usage(pl.DataFrame({"dx": CODES}), "dx", by="chapter").to_dicts()
    titles = {r["chapter"]: r["description"] for r in rows}
    assert titles[4] == icd10cm.get("E11.9").chapter.description
    rows = frames.usage(pl.DataFrame({"dx": CODES}), "dx", by="block").to_dicts()
    assert {r["block"]: r["description"] for r in rows}["E08-E13"] == "Diabetes mellitus"
    rows = frames.usage(pl.DataFrame({"dx": CODES}), "dx", by="code", top=1).to_dicts()
    assert rows == [{"code": "I10", "description": "Essential (primary) hypertension",
                     "count": 3, "share": pytest.approx(3 / 12)}]
    with pytest.raises(FrameError, match="top must be a positive whole number"):
        frames.usage(pl.DataFrame({"dx": CODES}), "dx", top=0)


def test_edition_changes_against_the_editions() -> None:
    fy25 = icd10cm.code_set("FY2025")
    fy26 = icd10cm.code_set("FY2026")
    # every FY2025 billable code that FY2026 deleted or turned into a header
    deleted = [c for c in fy25.codes(billable_only=True) if c not in fy26][:5]
    split = [c for c in fy25.codes(billable_only=True) if c in fy26 and not fy26[c].billable][:5]
    assert deleted and split
    same = ["E11.9", "I10"]
    used = deleted + split + same + split[:1]
    df = pl.DataFrame({"dx": used, "dos": ["2025-03-01"] * len(used)})
    out = frames.edition_changes(df, "dx", date_column="dos", to="FY2026").to_dicts()
    got = {(r["code"], r["change"]): r for r in out}
    assert set(got) == {(c, "deleted") for c in deleted} | {(c, "split") for c in split}
    for c in split:
        r = got[(c, "split")]
        assert r["edition"] == "FY2025" and r["to_edition"] == "FY2026"
        assert r["replacements"] == [d for d in fy26[c].descendants if fy26[d].billable]
        assert r["replacements"]
    assert got[(split[0], "split")]["count"] == 2
    for c in deleted:
        assert got[(c, "deleted")]["description"] == fy25[c].description
    # the same as S.changes says
    ch = icd10cm.changes("FY2025", "FY2026")
    assert {c.code for c in ch.deleted} >= set(deleted) | set(split)
    # compared with an older target nothing used in FY2024 itself changes
    assert frames.edition_changes(df, "dx", as_of="2024-03-01", to="FY2024").to_dicts() == []


def test_crosswalk_matches_the_gems() -> None:
    codes = ["250.00", "365.70", "250", "996.69", None, "xx", "V01.0", "038.9"]
    df = pd.DataFrame({"icd9": codes, "row": range(len(codes))})
    out = frames.crosswalk(df, "icd9")
    expected_rows = []
    for i, code in enumerate(codes):
        if code is None:
            expected_rows.append((i, None, None, None))
            continue
        try:
            m = gems.to_icd10cm(code)
        except LookupError:
            expected_rows.append((i, None, None, "not_in_gem"))
            continue
        except ValueError:
            expected_rows.append((i, None, None, "bad_format"))
            continue
        for e in m:
            expected_rows.append((i, e.target, e.approximate, "no_map" if e.no_map else "mapped"))
    got = [
        (r["row"], r["icd9_target"], r["icd9_approximate"], r["icd9_gem"])
        for r in pa.Table.from_pandas(out, preserve_index=False).to_pylist()
    ]
    assert got == expected_rows
    assert list(out.index) == [r[0] for r in expected_rows]  # pandas index joins back
    back = frames.crosswalk(pl.DataFrame({"dx": ["A18.01"]}), "dx", to="icd9cm")
    m = gems.to_icd9cm("A18.01")
    assert back.height == len(m)
    assert back.select("dx_target", "dx_scenario", "dx_choice_list").rows() == [
        (e.target, e.scenario, e.choice_list) for e in m
    ]
    with pytest.raises(FrameError, match="to must be 'icd10cm' or 'icd9cm'"):
        frames.crosswalk(df, "icd9", to="icd10pcs")
