"""Professional claims: the models, the encounter-to-claim mapper and fee schedules.

>>> from codekit.claims import Claim, ServiceLine
>>> Claim(diagnoses=["I10"], lines=[ServiceLine(code="99213", charge="95.00",
...       diagnosis_pointers=[1])]).total_charge
Decimal('95.00')
"""

from __future__ import annotations

from .fees import FeeSchedule
from .mapping import MAPPING_RULES, MappingResult, encounter_to_claims
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
    "MAPPING_RULES",
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
    "infer_code_system",
]
