"""Crosswalk a column of codes between ICD-9-CM and ICD-10-CM with the CMS GEMs."""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import CodeNotFound, InvalidCodeFormat
from ._common import FrameError, attach, require_columns, text_column, to_frame

__all__ = ["crosswalk"]

_DIRECTIONS = {"icd10cm": "to_icd10cm", "icd9cm": "to_icd9cm"}

# (target, approximate, no_map, combination, scenario, choice_list, gem status)
_Entry = tuple[Any, Any, Any, Any, Any, Any, Any]
_NULL: _Entry = (None, None, None, None, None, None, None)


def _entries(convert: Any, raw: str) -> list[_Entry]:
    try:
        mapping = convert(raw)
    except InvalidCodeFormat:
        return [(None, None, None, None, None, None, "bad_format")]
    except CodeNotFound:
        return [(None, None, None, None, None, None, "not_in_gem")]
    return [
        (e.target, e.approximate, e.no_map, e.combination, e.scenario, e.choice_list,
         "no_map" if e.no_map else "mapped")
        for e in mapping
    ]


def crosswalk(frame: Any, column: str, *, to: str = "icd10cm", prefix: str | None = None) -> Any:
    """The frame with each code translated by the CMS FY2018 GEMs, one row per GEM
    entry.

    ``to="icd10cm"`` reads ``column`` as ICD-9-CM diagnoses (the forward GEM);
    ``to="icd9cm"`` reads it as ICD-10-CM (the backward GEM). A code with several
    GEM entries gives several rows (each a copy of the input row; a pandas frame
    keeps the input row's index label, so the result joins back). The columns added
    (named ``{prefix}_...``, the prefix being ``column`` unless given) are ``target``
    (display form; null for a no-map), the GEM flags ``approximate``, ``no_map``,
    ``combination``, ``scenario`` and ``choice_list``, and ``gem``: ``"mapped"``,
    ``"no_map"``, ``"not_in_gem"`` (a header, or a code the GEM does not list) or
    ``"bad_format"``. A null code gives one row of nulls.

    GEMs are a translation aid, not a billing crosswalk: check ``approximate`` and
    read every combination (``scenario``/``choice_list``) before using a target.

    >>> import pandas as pd
    >>> from codekit import frames
    >>> df = pd.DataFrame({"patient": [1, 2, 3], "icd9": ["250.00", "365.70", "250"]})
    >>> out = frames.crosswalk(df, "icd9")
    >>> out[["patient", "icd9", "icd9_target", "icd9_approximate", "icd9_gem"]]
       patient    icd9 icd9_target  icd9_approximate    icd9_gem
    0        1  250.00       E11.9              True      mapped
    1        2  365.70         NaN              True      no_map
    2        3     250         NaN              <NA>  not_in_gem
    """
    if to not in _DIRECTIONS:
        raise FrameError(f"to must be 'icd10cm' or 'icd9cm', not {to!r}")
    from .. import gems

    convert = getattr(gems, _DIRECTIONS[to])
    df = to_frame(frame)
    require_columns(df, column)
    enc = pc.dictionary_encode(text_column(df, column))
    uniq: list[str] = enc.dictionary.to_pylist()

    flat: list[_Entry] = [_NULL]  # entry 0: the row of a null code
    start = []
    lengths = []
    for raw in uniq:
        got = _entries(convert, raw)
        start.append(len(flat))
        lengths.append(len(got))
        flat.extend(got)
    index = enc.indices
    row_len = pc.fill_null(pc.take(pa.array(lengths, pa.int64()), index), 1)
    row_start = pc.fill_null(pc.take(pa.array(start, pa.int64()), index), 0)
    # one output row per (input row, entry): the list-parent trick repeats row numbers
    offsets = pa.concat_arrays(
        [pa.array([0], pa.int64()), pc.cumulative_sum(row_len).cast(pa.int64())]
    )
    total = offsets[-1].as_py()
    parents = pc.list_parent_indices(
        pa.ListArray.from_arrays(offsets, pa.nulls(total, pa.null()))
    )
    within = pc.subtract(pa.array(range(total), pa.int64()), pc.take(offsets, parents))
    entry = pc.add(pc.take(row_start, parents), within)

    stem = column if prefix is None else prefix
    names = ["target", "approximate", "no_map", "combination", "scenario", "choice_list", "gem"]
    types = [pa.string(), pa.bool_(), pa.bool_(), pa.bool_(), pa.int8(), pa.int8(), pa.string()]
    table = pa.table(
        [pc.take(pa.array([e[i] for e in flat], t), entry) for i, t in enumerate(types)],
        names=[f"{stem}_{n}" for n in names],
    )
    repeated = df if total == len(df) and lengths.count(1) == len(lengths) else df[
        nw.new_series("_row", parents.cast(pa.int64()), backend=df.implementation)
    ]
    return attach(repeated, table)
