"""What every frames function shares: frames in and out through narwhals, columns as
Arrow arrays, the frames error, dates and code-system modules.

One code path serves pandas, polars and pyarrow: a frame is wrapped with narwhals,
the columns codekit reads are taken as Arrow arrays (zero-copy where the library
already stores Arrow), the work is done once per distinct value with pyarrow
compute, and the new columns go back into a frame of the caller's kind.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import narwhals.stable.v2 as nw
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import CodekitError

__all__ = ["FrameError"]


class FrameError(CodekitError, ValueError):
    """A frame, column or argument that a :mod:`codekit.frames` function cannot use.

    ``column`` names the column at fault (None when the problem is not one column).

    >>> from codekit.frames import FrameError
    >>> e = FrameError("no column 'dx' in the frame", column="dx")
    >>> isinstance(e, ValueError), e.column
    (True, 'dx')
    """

    def __init__(self, message: str, *, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


def _short(value: object, limit: int = 60) -> str:
    """``repr`` of a user value, cut to about ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------------------------
# frames in and out
def to_frame(frame: Any, *, what: str = "frame") -> nw.DataFrame[Any]:
    """The caller's eager frame (pandas, polars, pyarrow, ...) wrapped by narwhals."""
    if isinstance(frame, nw.DataFrame):
        return frame
    try:
        return nw.from_native(frame, eager_only=True)
    except TypeError:
        pass
    try:
        nw.from_native(frame)  # a lazy frame (polars LazyFrame, dask, duckdb, ...)
    except TypeError:
        raise FrameError(
            f"{what} must be a pandas or polars DataFrame or a pyarrow Table, not "
            f"{type(frame).__module__}.{type(frame).__name__}"
        ) from None
    raise FrameError(
        f"{what} is a lazy frame ({type(frame).__name__}): collect it first, or for Dask "
        "use codekit.frames.dask"
    )


def require_columns(df: nw.DataFrame[Any], *names: str | None) -> None:
    have = df.columns
    for name in names:
        if name is not None and name not in have:
            shown = ", ".join(have[:12]) + (", ..." if len(have) > 12 else "")
            raise FrameError(f"no column {name!r} in the frame (columns: {shown})", column=name)


def arrow_column(df: nw.DataFrame[Any], name: str) -> pa.Array:
    """One column as a single Arrow array (chunks combined)."""
    try:
        arr = df[name].to_arrow()
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise FrameError(
            f"column {name!r} mixes kinds of values that cannot be read together: {exc}",
            column=name,
        ) from None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


def text_column(df: nw.DataFrame[Any], name: str) -> pa.Array:
    """A column of codes as an Arrow string array; nulls stay null.

    Numbers are refused: a code stored as a number has lost its leading zeros and
    trailing zeros after the dot (``250.00`` becomes ``250.0``), which cannot be
    undone reliably.
    """
    arr = arrow_column(df, name)
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_null(t):
        return pa.nulls(len(arr), pa.large_string())
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return arr
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        raise FrameError(
            f"column {name!r} holds numbers ({t}), not text: codes stored as numbers lose "
            "leading and trailing zeros (250.00 becomes 250.0); read the column as text",
            column=name,
        )
    raise FrameError(f"column {name!r} must hold codes as text, not {t}", column=name)


def attach(df: nw.DataFrame[Any], table: pa.Table) -> Any:
    """``df`` with the columns of ``table`` added on the right, as the caller's kind of
    frame (pandas index kept; whole numbers and flags stay nullable in pandas)."""
    clash = [c for c in table.column_names if c in df.columns]
    if clash:
        raise FrameError(
            f"the frame already has column {clash[0]!r}: pass prefix= to name the new "
            "columns differently",
            column=clash[0],
        )
    if df.implementation.is_pandas():
        import pandas as pd

        mapping = {
            pa.int8(): pd.Int8Dtype(),
            pa.int16(): pd.Int16Dtype(),
            pa.int32(): pd.Int32Dtype(),
            pa.int64(): pd.Int64Dtype(),
            pa.bool_(): pd.BooleanDtype(),
        }
        native = table.to_pandas(types_mapper=mapping.get)
        extra = nw.from_native(native, eager_only=True)
    else:
        extra = nw.from_arrow(table, backend=df.implementation)
    return nw.concat([df, extra], how="horizontal").to_native()


def from_arrow_like(df: nw.DataFrame[Any] | None, table: pa.Table) -> Any:
    """``table`` as the caller's kind of frame (a new frame, not added to one)."""
    if df is None or df.implementation.is_pyarrow():
        return table
    if df.implementation.is_pandas():
        import pandas as pd

        mapping = {
            pa.int16(): pd.Int16Dtype(),
            pa.int32(): pd.Int32Dtype(),
            pa.int64(): pd.Int64Dtype(),
            pa.bool_(): pd.BooleanDtype(),
        }
        return table.to_pandas(types_mapper=mapping.get)
    return nw.from_arrow(table, backend=df.implementation).to_native()


# ------------------------------------------------------------------------------------
# code systems
def system_module(system: str) -> ModuleType:
    """The codekit module of a code system named by its id (``"icd10cm"``)."""
    from ..catalog import CODE_SYSTEMS

    if system not in CODE_SYSTEMS:
        raise FrameError(
            f"unknown code system {_short(system)}: use one of {', '.join(CODE_SYSTEMS)}"
        )
    return importlib.import_module(f"codekit.{system}")


# ------------------------------------------------------------------------------------
# dates
def parse_day(value: object, *, what: str = "as_of") -> datetime.date:
    """A date from a date, a datetime or an ISO string; FrameError otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.datetime.fromisoformat(text).date()
        except ValueError:
            pass
        raise FrameError(f"{what}: {_short(value)} is not an ISO date (YYYY-MM-DD)")
    # numpy / pandas scalars
    to_py = getattr(value, "to_pydatetime", None) or getattr(value, "item", None)
    if to_py is not None:
        got = to_py()
        if isinstance(got, (datetime.date, str)):
            return parse_day(got, what=what)
    raise FrameError(f"{what} must be a date or an ISO date string, not {_short(value)}")


def day_column(df: nw.DataFrame[Any], name: str) -> tuple[pa.Array, list[datetime.date | None]]:
    """A date column read as (indices into the distinct days, the distinct days).

    Accepts dates, timestamps (their local date) and ISO strings; a value that is
    none of these is a :class:`FrameError` naming the column and the value.
    """
    arr = arrow_column(df, name)
    t = arr.type
    if pa.types.is_dictionary(t):
        arr = arr.dictionary_decode()
        t = arr.type
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            arr = pc.local_timestamp(arr)
        arr = pc.cast(arr, pa.date32())
    elif pa.types.is_date64(t):
        arr = pc.cast(arr, pa.date32())
    elif pa.types.is_null(t):
        arr = pa.nulls(len(arr), pa.date32())
    elif not (
        pa.types.is_date32(t)
        or pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_string_view(t)
    ):
        raise FrameError(
            f"column {name!r} must hold dates of service (dates, timestamps or ISO "
            f"strings), not {t}",
            column=name,
        )
    enc = pc.dictionary_encode(arr)
    days: list[datetime.date | None] = []
    for v in enc.dictionary.to_pylist():
        days.append(None if v is None else parse_day(v, what=f"column {name!r}"))
    return enc.indices, days


def take_strings(values: Sequence[str | None], indices: pa.Array) -> pa.Array:
    return pc.take(pa.array(values, pa.string()), indices)
