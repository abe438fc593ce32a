"""codekit: US medical code sets (ICD-10-CM, ICD-10-PCS, HCPCS, ICD-9-CM, CPT) and claims.

Importing codekit does no I/O: each code system loads its data lazily, once,
on first use.

>>> import codekit
>>> codekit.icd10cm.get("E11.9").description
'Type 2 diabetes mellitus without complications'
"""

from __future__ import annotations

import importlib

from ._typing import TYPE_CHECKING

__version__ = "0.1.0"

_SUBMODULES = {
    "claim_frequency",
    "catalog",
    "codeset",
    "cpt",
    "errors",
    "findings",
    "frames",
    "fuzzy",
    "gems",
    "hcpcs",
    "icd9cm",
    "icd9cm_procedures",
    "icd10cm",
    "icd10pcs",
    "modifiers",
    "pos",
    "status",
}

if TYPE_CHECKING:
    from typing import Any

    from . import codeset as codeset
    from . import errors as errors
    from . import icd10cm as icd10cm
    from .catalog import identify as identify
    from .catalog import systems as systems
    from .fuzzy import Hit as Hit
    from .fuzzy import search as search

__all__ = ["Hit", "__version__", "identify", "search", "systems", *sorted(_SUBMODULES)]


# functions exported at the top level, imported on first use (import codekit stays cheap).
# search() lives in codekit.fuzzy: a submodule named "search" would replace the function
# as soon as it was imported.
_FUNCTIONS = {"systems": "catalog", "identify": "catalog", "search": "fuzzy", "Hit": "fuzzy"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(f"{__name__}.{_FUNCTIONS[name]}"), name)
    raise AttributeError(f"module 'codekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES | set(_FUNCTIONS))
