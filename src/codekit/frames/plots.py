"""Plots for notebooks (matplotlib, ``pip install codekit[plots]``): code usage by
chapter, the top codes, findings by rule. Each returns the matplotlib ``Figure``.

The figures are made without pyplot, so nothing is drawn twice in a notebook and
no global state is touched: a notebook shows the returned figure; a script saves
it (``fig.savefig("usage.png")``). Pass ``ax=`` to draw into an axes of your own.

>>> import pandas as pd
>>> from codekit.frames import plots
>>> df = pd.DataFrame({"dx": ["E11.9", "I10", "I10", "J06.9"]})
>>> fig = plots.usage_by_chapter(df, "dx")
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['9  Diseases of the circulatory system', '4  Endocrine, nutritional and metabolic diseases', '10  Diseases of the respiratory system']
"""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw

from ._common import FrameError, to_frame
from ._usage import usage

__all__ = ["findings_by_rule", "top_codes", "usage_by_chapter"]

_SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#e67e22", "info": "#2e86c1"}


def _axes(ax: Any, height: float) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, height), layout="constrained")
    return fig, fig.add_subplot()


def _rows(frame: Any) -> list[dict[str, Any]]:
    return list(to_frame(frame).to_arrow().to_pylist())


def _short(text: str | None, width: int = 60) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _summary(frame: Any, column: str | None, by: str | int, **options: Any) -> list[dict[str, Any]]:
    """The rows of a usage summary: given, or made from ``frame[column]``."""
    df = to_frame(frame)
    label = by if isinstance(by, str) else f"len{by}"
    if column is None:
        if not {label, "count"} <= set(df.columns):
            raise FrameError(
                f"pass column= (the codes), or a usage summary with columns {label!r} and 'count'"
            )
        return _rows(df)
    return _rows(usage(df.to_native(), column, by=by, **options))


def usage_by_chapter(
    frame: Any, column: str | None = None, *, ax: Any = None, **options: Any
) -> Any:
    """A horizontal bar chart of rows per ICD-10-CM chapter, most used on top.

    ``frame`` is a frame of codes (with ``column``; ``options`` go to
    :func:`~codekit.frames.usage`: ``date_column``, ``as_of``, ``system``) or a
    summary :func:`~codekit.frames.usage` made by chapter. Codes not found are the
    bar "not found".
    """
    rows = _summary(frame, column, "chapter", **options)
    labels = [
        "not found" if r["chapter"] is None else f"{r['chapter']}  {_short(r['description'], 50)}"
        for r in rows
    ]
    return _barh(labels, [r["count"] for r in rows], "rows", "Code usage by chapter", ax)


def top_codes(
    frame: Any, column: str | None = None, *, n: int = 20, ax: Any = None, **options: Any
) -> Any:
    """A horizontal bar chart of the ``n`` most used codes, with their descriptions.

    ``frame`` is a frame of codes (with ``column``) or a summary made by ``"code"``.

    >>> import polars as pl
    >>> fig = top_codes(pl.DataFrame({"dx": ["I10", "I10", "E11.9"]}), "dx", n=1)
    >>> [round(p.get_width()) for p in fig.axes[0].patches]
    [2]
    """
    if column is not None:
        options["top"] = n
    rows = _summary(frame, column, "code", **options)
    rows = [r for r in rows if r["code"] is not None][:n]
    labels = [f"{r['code']}  {_short(r.get('description'), 45)}" for r in rows]
    return _barh(labels, [r["count"] for r in rows], "rows", f"Top {len(rows)} codes", ax)


def _barh(labels: list[str], values: list[int], xlabel: str, title: str, ax: Any) -> Any:
    fig, ax = _axes(ax, 1.2 + 0.32 * max(len(labels), 1))
    positions = list(range(len(labels)))
    ax.barh(positions, values, color="#2e86c1")
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return fig


def findings_by_rule(findings: Any, *, ax: Any = None, top: int | None = 25) -> Any:
    """A horizontal bar chart of findings per rule, stacked by severity, most frequent
    rule on top; ``findings`` is what :func:`~codekit.frames.check_claims` returns.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"rule": ["A", "B", "A"], "severity": ["error", "info", "warning"]})
    >>> fig = findings_by_rule(f)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()], fig.axes[0].get_legend() is not None
    (['A', 'B'], True)
    """
    df = to_frame(findings, what="findings")
    if not {"rule", "severity"} <= set(df.columns):
        raise FrameError("findings needs the columns 'rule' and 'severity' (check_claims makes them)")
    counts = df.group_by("rule", "severity").agg(nw.len().alias("n")).to_arrow().to_pylist()
    per_rule: dict[str, dict[str, int]] = {}
    for r in counts:
        per_rule.setdefault(r["rule"], {})[r["severity"]] = r["n"]
    order = sorted(per_rule, key=lambda k: (-sum(per_rule[k].values()), k))
    if top is not None:
        order = order[:top]
    fig, ax = _axes(ax, 1.2 + 0.32 * max(len(order), 1))
    positions = list(range(len(order)))
    left = [0] * len(order)
    for severity in ("error", "warning", "info"):
        values = [per_rule[k].get(severity, 0) for k in order]
        if any(values):
            ax.barh(positions, values, left=left, color=_SEVERITY_COLOURS[severity], label=severity)
            left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(positions, order)
    ax.invert_yaxis()
    ax.set_xlabel("findings")
    ax.set_title("Findings by rule")
    ax.legend(loc="lower right")
    return fig
