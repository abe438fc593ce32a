"""The code systems codekit knows, their editions, and which systems a string fits.

A code string alone is ambiguous across systems (``E0100`` is HCPCS, ``E01.00`` is
not ICD-10-CM, ``250.00`` is ICD-9-CM), so :func:`identify` returns every system
in which it is valid rather than guessing.

>>> from codekit import identify, systems
>>> [s.id for s in systems()][:3]
['icd10cm', 'icd10pcs', 'hcpcs']
>>> [(r.system, r.code) for r in identify("E11.9")]
[('icd10cm', 'E11.9')]
"""

from __future__ import annotations

import importlib

from ._record import Record
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

    from ._editions import Edition
    from .status import CheckResult

__all__ = ["SystemInfo", "identify", "systems"]

#: code-system modules, in the order they are listed; each has the shared verbs
CODE_SYSTEMS = (
    "icd10cm",
    "icd10pcs",
    "hcpcs",
    "modifiers",
    "cpt",
    "icd9cm",
    "icd9cm_procedures",
    "pos",
    "claim_frequency",
)

_LABELS = {
    "icd10cm": "ICD-10-CM diagnoses",
    "icd10pcs": "ICD-10-PCS inpatient procedures",
    "hcpcs": "HCPCS Level II",
    "modifiers": "HCPCS/CPT modifiers",
    "cpt": "CPT (from a licensed file)",
    "icd9cm": "ICD-9-CM diagnoses (legacy)",
    "icd9cm_procedures": "ICD-9-CM procedures, volume 3 (legacy)",
    "pos": "Place of service",
    "claim_frequency": "Claim frequency (type of bill, 3rd digit)",
}


class SystemInfo(Record):
    """One code system: its id (the module name), a label and its editions."""

    __slots__ = ("id", "label", "editions")
    id: str
    label: str
    editions: tuple[Edition, ...]

    def __init__(self, id: str, label: str, editions: tuple[Edition, ...]) -> None:
        super().__init__(id=id, label=label, editions=editions)


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"codekit.{name}")
    except ImportError:  # pragma: no cover - a system not in this build
        return None


def systems() -> tuple[SystemInfo, ...]:
    """Every code system with its editions (bundled and loaded), dates and sources.

    >>> for s in systems()[:3]:
    ...     print(s.id, [(e.id, str(e.effective)) for e in s.editions])
    icd10cm [('FY2024', '2023-10-01'), ('FY2025', '2024-10-01'), ('FY2026', '2025-10-01'), ('FY2027', '2026-10-01')]
    icd10pcs [('FY2024', '2023-10-01'), ('FY2025', '2024-10-01'), ('FY2026', '2025-10-01'), ('FY2027', '2026-10-01')]
    hcpcs [('2020', '2020-01-01'), ('2025-Q4', '2025-10-01'), ('2026-Q1', '2026-01-01')]
    """
    out = []
    for name in CODE_SYSTEMS:
        mod = _module(name)
        if mod is not None:
            out.append(SystemInfo(name, _LABELS[name], tuple(mod.editions())))
    return tuple(out)


def identify(code: object, *, as_of: object = None) -> tuple[CheckResult, ...]:
    """The systems in which ``code`` is a valid code on ``as_of`` (default: each
    system's newest edition), as their ``check`` results.

    A well-formed CPT code with no CPT file loaded is included with status
    ``not_checked``. Never raises for the code argument.

    ``E0100`` is a HCPCS code (a cane) and also, read as ``E010.0``, an ICD-9-CM
    external-cause code; on a date of service after ICD-9 ended only HCPCS fits:

    >>> [(r.system, r.code) for r in identify("E0100")]
    [('hcpcs', 'E0100'), ('icd9cm', 'E010.0')]
    >>> [(r.system, r.code) for r in identify("E0100", as_of="2026-01-15")]
    [('hcpcs', 'E0100')]
    >>> [(r.system, r.code) for r in identify("250.00")]
    [('icd9cm', '250.00')]
    >>> [(r.system, r.status.value) for r in identify("99213")]
    [('cpt', 'not_checked')]
    >>> identify("not a code")
    ()
    """
    import warnings

    from .errors import EditionWarning
    from .status import CodeStatus

    found = []
    for name in CODE_SYSTEMS:
        mod = _module(name)
        if mod is None:
            continue
        with warnings.catch_warnings():
            # a date past a system's newest edition is normal here: the result names
            # the edition used
            warnings.simplefilter("ignore", EditionWarning)
            r: CheckResult = mod.check(code, as_of=as_of)
        if r.status in (CodeStatus.VALID, CodeStatus.NOT_CHECKED):
            found.append(r)
    return tuple(found)
