"""Code sets and claims in DataFrames: pandas, polars and pyarrow alike.

Install with ``pip install codekit[frames]``. One code path serves every frame
library (narwhals in and out, Arrow compute in between); each function returns
the same kind of frame it was given.

>>> import pandas as pd
>>> from codekit import frames
>>> df = pd.DataFrame({"dx": ["E11.9", "I10", "E11.9", "J45"]})
>>> frames.annotate(df, "dx")[["dx", "dx_status", "dx_chapter"]]
      dx     dx_status  dx_chapter
0  E11.9         valid           4
1    I10         valid           9
2  E11.9         valid           4
3    J45  not_billable          10
"""

from __future__ import annotations

try:
    import narwhals  # noqa: F401
    import pyarrow  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        f"codekit.frames needs the optional dependencies of codekit[frames] ({exc.name} is "
        "missing): pip install 'codekit[frames]'"
    ) from exc

from ._annotate import (
    ANNOTATION_COLUMNS,
    CacheInfo,
    annotate,
    cache_info,
    clear_cache,
    preload,
)
from ._claims import FINDING_COLUMNS, check_claims, claim_columns, line_columns, to_claims
from ._common import FrameError
from ._crosswalk import crosswalk
from ._usage import edition_changes, rollup, usage

__all__ = [
    "ANNOTATION_COLUMNS",
    "FINDING_COLUMNS",
    "CacheInfo",
    "FrameError",
    "annotate",
    "cache_info",
    "check_claims",
    "claim_columns",
    "clear_cache",
    "crosswalk",
    "edition_changes",
    "line_columns",
    "preload",
    "rollup",
    "to_claims",
    "usage",
]

_SUBMODULES = ("dask", "plots", "spark", "synthetic")


def __getattr__(name: str) -> object:
    # codekit.frames.plots / .dask / .spark / .synthetic, imported on first use: each
    # needs an extra of its own (matplotlib, dask, pyspark)
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
