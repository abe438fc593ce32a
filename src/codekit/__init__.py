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
    "claims",
    "catalog",
    "changes",
    "codeset",
    "cpt",
    "errors",
    "fhir",
    "findings",
    "frames",
    "fuzzy",
    "gems",
    "hcpcs",
    "icd9cm",
    "icd9cm_procedures",
    "icd10cm",
    "icd10pcs",
    "mce",
    "modifiers",
    "ncci",
    "npi",
    "pos",
    "rules",
    "serialization",
    "status",
    "validation",
    "x12",
}

if TYPE_CHECKING:
    from typing import Any

    from . import claims as claims
    from . import codeset as codeset
    from . import errors as errors
    from . import icd10cm as icd10cm
    from .catalog import identify as identify
    from .catalog import systems as systems
    from .claims import Address as Address
    from .claims import Claim as Claim
    from .claims import Encounter as Encounter
    from .claims import FeeSchedule as FeeSchedule
    from .claims import MappingResult as MappingResult
    from .claims import Patient as Patient
    from .claims import Payer as Payer
    from .claims import Procedure as Procedure
    from .claims import Provider as Provider
    from .claims import ServiceLine as ServiceLine
    from .claims import Subscriber as Subscriber
    from .claims import encounter_to_claims as encounter_to_claims
    from .fuzzy import Hit as Hit
    from .fuzzy import search as search
    from .validation import check_claim as check_claim
    from .validation import check_claims as check_claims
    from .validation import validate_claim as validate_claim

# the claim models, exported at the top level (codekit.Claim, codekit.Encounter, ...)
_CLAIM_NAMES = (
    "Address",
    "Claim",
    "Encounter",
    "FeeSchedule",
    "MappingResult",
    "Patient",
    "Payer",
    "Procedure",
    "Provider",
    "ServiceLine",
    "Subscriber",
    "encounter_to_claims",
)

_SCRUBBER_NAMES = ("check_claim", "check_claims", "validate_claim")

__all__ = [
    "Hit",
    "__version__",
    "identify",
    "search",
    "systems",
    *_CLAIM_NAMES,
    *_SCRUBBER_NAMES,
    *sorted(_SUBMODULES),
]


# functions exported at the top level, imported on first use (import codekit stays cheap).
# search() lives in codekit.fuzzy: a submodule named "search" would replace the function
# as soon as it was imported.
_FUNCTIONS = {
    "systems": "catalog",
    "identify": "catalog",
    "search": "fuzzy",
    "Hit": "fuzzy",
    **dict.fromkeys(_CLAIM_NAMES, "claims"),
    **dict.fromkeys(_SCRUBBER_NAMES, "validation"),
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(f"{__name__}.{_FUNCTIONS[name]}"), name)
    raise AttributeError(f"module 'codekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES | set(_FUNCTIONS))
