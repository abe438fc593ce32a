"""codekit.frames.plots: each figure shows the numbers of the summary it is drawn from."""

from __future__ import annotations

import io

import pandas as pd
import polars as pl
import pytest

from codekit import frames
from codekit.frames import FrameError, plots

matplotlib = pytest.importorskip("matplotlib", reason="codekit[plots] is not installed")

CODES = ["E11.9", "I10", "I10", "J06.9", "E78.5", "I10", "Z99.99", "E11.65"]


def _bars(fig) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    return list(zip(labels, [p.get_width() for p in ax.patches], strict=True))


def test_usage_by_chapter_from_codes_or_summary() -> None:
    df = pd.DataFrame({"dx": CODES})
    summary = frames.usage(df, "dx", by="chapter")
    fig = plots.usage_by_chapter(df, "dx")
    want = [(("not found" if pd.isna(r.chapter) else f"{r.chapter}  {r.description}"), r.count)
            for r in summary.itertuples()]
    assert _bars(fig) == want
    assert _bars(plots.usage_by_chapter(summary)) == want
    assert fig.axes[0].get_title() == "Code usage by chapter"
    png = io.BytesIO()
    fig.savefig(png, format="png")
    assert png.getvalue()[:4] == b"\x89PNG"


def test_top_codes() -> None:
    fig = plots.top_codes(pl.DataFrame({"dx": CODES}), "dx", n=2)
    assert _bars(fig) == [("I10  Essential (primary) hypertension", 3),
                          ("E11.65  Type 2 diabetes mellitus with hyperglycemia", 1)]
    from matplotlib.figure import Figure

    own = Figure()
    ax = own.add_subplot()
    assert plots.top_codes(pd.DataFrame({"dx": CODES}), "dx", n=3, ax=ax) is own


def test_findings_by_rule_stacks_severities() -> None:
    f = pd.DataFrame({"rule": ["A", "B", "A", "A", "C"],
                      "severity": ["error", "info", "warning", "error", "warning"]})
    fig = plots.findings_by_rule(f)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C"]
    # one bar per (rule, severity) drawn, left offsets stacking them
    bars = [(round(p.get_y() + p.get_height() / 2), p.get_x(), p.get_width()) for p in ax.patches
            if p.get_width() > 0]
    assert sorted(bars) == [(0, 0, 2), (0, 2, 1), (1, 0, 1), (2, 0, 1)]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["error", "warning", "info"]


def test_bad_input() -> None:
    with pytest.raises(FrameError, match="pass column="):
        plots.usage_by_chapter(pd.DataFrame({"dx": CODES}))
    with pytest.raises(FrameError, match="'rule' and 'severity'"):
        plots.findings_by_rule(pd.DataFrame({"x": [1]}))
