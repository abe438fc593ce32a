"""Code usage: roll-ups to a hierarchy level, counts and shares, and the codes a later
edition deleted or split."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ._annotate import Lookup, _Info
from ._common import (
    FrameError,
    attach,
    from_arrow_like,
    require_columns,
    system_module,
    to_frame,
)

__all__ = ["edition_changes", "rollup", "usage"]

_NAMED_LEVELS = ("chapter", "block", "category", "code")


def _check_level(level: object) -> str | int:
    if isinstance(level, bool) or not (
        level in _NAMED_LEVELS or (isinstance(level, int) and 1 <= level <= 7)
    ):
        raise FrameError(
            f"level must be one of {', '.join(map(repr, _NAMED_LEVELS))} or a code length "
            f"from 1 to 7 (characters without the dot), not {level!r}"
        )
    return level


def _rolled(lookup: Lookup, level: str | int) -> tuple[list[Any], pa.DataType]:
    """Per (code, edition) pair: the code rolled up to ``level``."""
    answers = lookup.answers
    if level == "chapter":
        return [None if a is None else a.chapter for a in answers], pa.int16()
    if level == "block":
        return [None if a is None else a.block for a in answers], pa.string()
    if level == "category":
        return [None if a is None else a.category for a in answers], pa.string()
    if level == "code":
        return [None if a is None else a.code for a in answers], pa.string()
    assert isinstance(level, int)
    mod = lookup.mod
    memo: dict[tuple[str, str], str | None] = {}
    out: list[str | None] = []
    for a in answers:
        if a is None or a.code is None or a.edition is None or a.description is None:
            out.append(None)
            continue
        key = (a.edition, a.code)
        if key not in memo:
            memo[key] = _at_length(mod, a, level)
        out.append(memo[key])
    return out, pa.string()


def _at_length(mod: ModuleType, a: _Info, length: int) -> str | None:
    """The most specific of the code and its ancestors with at most ``length``
    characters (without the dot)."""
    rec = mod.code_set(a.edition).get(a.code)
    if rec is None:  # pragma: no cover - answers with a description come from a record
        return None
    for code in (rec.code, *getattr(rec, "ancestors", ())):
        if len(mod.normalize(code)) <= length:
            return str(code)
    return None


def rollup(
    frame: Any,
    column: str,
    level: str | int = "category",
    *,
    system: str = "icd10cm",
    as_of: object = None,
    date_column: str | None = None,
    name: str | None = None,
) -> Any:
    """The frame with one column added: each code rolled up to a level of its hierarchy.

    ``level`` is ``"chapter"`` (its number), ``"block"`` (``"E08-E13"``),
    ``"category"`` (``"E11"``), ``"code"`` (the code itself, normalized), or a length
    in characters without the dot: the most specific of the code and its ancestors
    that is at most that long (``4`` rolls ``E11.65`` up to ``E11.6`` and leaves
    ``I10`` as it is). The new column is ``name``, by default ``{column}_{level}``
    (``dx_len4`` for a length). Codes not in the edition used roll up to null
    (``"code"`` gives every well-formed code, as :func:`annotate` does).

    >>> import polars as pl
    >>> from codekit import frames
    >>> df = pl.DataFrame({"dx": ["E11.65", "E11.9", "I10", "T36.0X1A"]})
    >>> frames.rollup(df, "dx", 4)["dx_len4"].to_list()
    ['E11.6', 'E11.9', 'I10', 'T36.0']
    >>> frames.rollup(df, "dx", "block")["dx_block"].to_list()
    ['E08-E13', 'E08-E13', 'I10-I1A', 'T36-T50']
    """
    df = to_frame(frame)
    require_columns(df, column, date_column)
    level = _check_level(level)
    lookup = Lookup(df, column, system_module(system), as_of=as_of, date_column=date_column)
    values, typ = _rolled(lookup, level)
    if name is None:
        name = f"{column}_{level}" if isinstance(level, str) else f"{column}_len{level}"
    return attach(df, pa.table({name: lookup.gather(values, typ)}))


def _description_of(mod: ModuleType, level: str | int, key: Any, answer: _Info) -> str | None:
    if level == "chapter":
        return answer.chapter_title
    if level == "block":
        return answer.block_title
    if level == "code":
        return answer.description
    assert answer.edition is not None
    rec = mod.code_set(answer.edition).get(key)
    return None if rec is None else rec.description


def usage(
    frame: Any,
    column: str,
    *,
    by: str | int = "chapter",
    system: str = "icd10cm",
    as_of: object = None,
    date_column: str | None = None,
    top: int | None = None,
) -> Any:
    """How often codes are used, rolled up to a level, with descriptions.

    Returns a frame of the caller's kind with one row per ``by`` value (see
    :func:`rollup` for the levels), most used first: the value, its
    ``description`` (from the newest edition it was used in), ``count`` (rows) and
    ``share`` (of all rows with a code). Rows whose code is not in the edition used
    (unknown, inactive, malformed) are counted in one row with a null value, so
    the shares add up to 1 (by ``"code"``, each well-formed code is listed, with a
    null description when the edition does not have it; only malformed codes are
    pooled); null codes are not counted. ``top`` keeps the first
    rows only.

    >>> import pandas as pd
    >>> from codekit import frames
    >>> df = pd.DataFrame({"dx": ["E11.9", "E11.65", "I10", "E78.5", "I10", "I10", "Z99.99"]})
    >>> frames.usage(df, "dx", by="chapter")
       chapter                                    description  count     share
    0        4  Endocrine, nutritional and metabolic diseases      3  0.428571
    1        9             Diseases of the circulatory system      3  0.428571
    2     <NA>                                            NaN      1  0.142857
    >>> frames.usage(df, "dx", by="category", top=2)[["category", "description", "count"]]
      category                    description  count
    0      I10  Essential (primary) hypertension      3
    1      E11       Type 2 diabetes mellitus      2
    """
    df = to_frame(frame)
    require_columns(df, column, date_column)
    level = _check_level(by)
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise FrameError(f"top must be a positive whole number, not {top!r}")
    mod = system_module(system)
    lookup = Lookup(df, column, mod, as_of=as_of, date_column=date_column)
    values, typ = _rolled(lookup, level)
    counts = _count(lookup, values, typ)
    label = level if isinstance(level, str) else f"len{level}"
    return from_arrow_like(df, _summary(mod, level, label, counts, lookup, values, top))


def _count(lookup: Lookup, values: list[Any], typ: pa.DataType) -> dict[Any, int]:
    """Rows per rolled-up value (None: a code not in the edition used)."""
    per_pair = pc.value_counts(pc.drop_null(lookup.key))
    counts: dict[Any, int] = {}
    for item in per_pair.to_pylist():
        v = values[item["values"]]
        counts[v] = counts.get(v, 0) + item["counts"]
    return counts


def _summary(
    mod: ModuleType,
    level: str | int,
    label: str,
    counts: dict[Any, int],
    lookup: Lookup,
    values: list[Any],
    top: int | None,
) -> pa.Table:
    # the newest edition's answer describes each value
    rank = {e.id: i for i, e in enumerate(mod.editions())}
    newest: dict[Any, _Info] = {}
    for v, a in zip(values, lookup.answers, strict=True):
        if a is None or v is None or a.edition is None:
            continue
        seen = newest.get(v)
        if seen is None or rank.get(a.edition, -1) > rank.get(seen.edition or "", -1):
            newest[v] = a
    total = sum(counts.values())
    order = sorted(counts, key=lambda v: (v is None, -counts[v], v if v is not None else 0))
    if top is not None:
        order = order[:top]
    typ = pa.int16() if level == "chapter" else pa.string()
    return pa.table(
        {
            label: pa.array(order, typ),
            "description": pa.array(
                [None if v is None else _description_of(mod, level, v, newest[v]) for v in order],
                pa.string(),
            ),
            "count": pa.array([counts[v] for v in order], pa.int64()),
            "share": pa.array([counts[v] / total for v in order], pa.float64()),
        }
    )


_CHANGES: dict[tuple[str, str, str, tuple[Any, ...]], dict[str, Any]] = {}


def _changes(mod: ModuleType, old: str, new: str) -> dict[str, Any]:
    """The billable records of ``S.changes(old, new)`` by code (cached per process and
    list of editions: a comparison reads two whole editions)."""
    key = (mod.SYSTEM, old, new, tuple((e.id, e.origin) for e in mod.editions()))
    got = _CHANGES.get(key)
    if got is None:
        got = {c.code: c for c in mod.changes(old, new) if c.billable}
        if len(_CHANGES) > 64:
            _CHANGES.clear()
        _CHANGES[key] = got
    return got


def edition_changes(
    frame: Any,
    column: str,
    *,
    system: str = "icd10cm",
    to: str | None = None,
    as_of: object = None,
    date_column: str | None = None,
    descriptions: bool = False,
) -> Any:
    """The codes used in the frame that a later edition deleted or split.

    Each code is taken in the edition in force on its row's date of service and
    compared with edition ``to`` (default: the newest) by the code system's own
    ``S.changes(old, new)``, which matches the official addenda. Returns a frame of the
    caller's kind, one row per (code, edition used) that changed, most used first:
    ``code``, ``edition``, ``to_edition``, ``change`` (``"deleted"``: not in the later
    edition; ``"split"``: a header there, with more specific codes below it;
    ``"description"``: same code, new wording, listed only with
    ``descriptions=True``), ``count`` (rows), ``description`` (in
    the edition used), ``new_description`` and ``replacements`` (for a split, the
    billable codes below it in the later edition).

    >>> import pandas as pd
    >>> from codekit import frames
    >>> df = pd.DataFrame({"dx": ["G35", "E11.9", "G35"],
    ...                    "dos": ["2025-06-01", "2025-06-01", "2025-07-01"]})
    >>> ch = frames.edition_changes(df, "dx", date_column="dos")
    >>> ch[["code", "edition", "to_edition", "change", "count"]]
      code edition to_edition change  count
    0  G35  FY2025     FY2027  split      2
    >>> list(ch.loc[0, "replacements"])[:3]
    ['G35.A', 'G35.B0', 'G35.B1']
    """
    df = to_frame(frame)
    require_columns(df, column, date_column)
    mod = system_module(system)
    target_set = mod.code_set(to)
    target = target_set.edition.id
    lookup = Lookup(df, column, mod, as_of=as_of, date_column=date_column)
    per_pair = {
        item["values"]: item["counts"]
        for item in pc.value_counts(pc.drop_null(lookup.key)).to_pylist()
    }
    rows: list[tuple[Any, ...]] = []
    for k, count in per_pair.items():
        a = lookup.answers[k]
        if a is None or a.code is None or a.edition is None or a.description is None:
            continue  # not a code of the edition used: annotate's status says why
        if a.edition == target:
            continue
        change = _changes(mod, a.edition, target).get(a.code)
        if change is None:
            continue
        if change.kind == "deleted":
            new = target_set.get(a.code)
            if change.children and new is not None:
                below = [c for c in new.descendants if target_set.get(c).billable]
                rows.append((a.code, a.edition, target, "split", count, change.old_description,
                             new.description, below))
            else:
                rows.append((a.code, a.edition, target, "deleted", count,
                             change.old_description, None, []))
        elif change.kind == "revised" and descriptions:
            rows.append((a.code, a.edition, target, "description", count,
                         change.old_description, change.new_description, []))
    rows.sort(key=lambda r: (-r[4], r[0], r[1]))
    names = ["code", "edition", "to_edition", "change", "count", "description",
             "new_description", "replacements"]
    types = [pa.string(), pa.string(), pa.string(), pa.string(), pa.int64(), pa.string(),
             pa.string(), pa.list_(pa.string())]
    table = pa.table(
        [pa.array([r[i] for r in rows], t) for i, t in enumerate(types)], names=names
    )
    return from_arrow_like(df, table)

