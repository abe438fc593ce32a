"""Professional claims: the models, the encounter-to-claim mapper and fee schedules.

>>> from codekit.claims import Claim, ServiceLine
>>> Claim(diagnoses=["I10"], lines=[ServiceLine(code="99213", charge="95.00",
...       diagnosis_pointers=[1])]).total_charge
Decimal('95.00')
"""

from __future__ import annotations

from .model import (
    Address,
    Claim,
    Encounter,
    Patient,
    Payer,
    Procedure,
    Provider,
    ServiceLine,
    Subscriber,
    infer_code_system,
)

__all__ = [
    "Address",
    "Claim",
    "Encounter",
    "Patient",
    "Payer",
    "Procedure",
    "Provider",
    "ServiceLine",
    "Subscriber",
    "infer_code_system",
]
