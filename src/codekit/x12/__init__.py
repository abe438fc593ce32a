"""X12 837P (005010X222A1, the professional claim) files: write and read.

>>> import datetime
>>> from codekit import x12
>>> from codekit.claims import (Address, Claim, Patient, Payer, Provider, ServiceLine,
...                             Subscriber)
>>> office = Address(line1="100 MAIN ST", city="AUSTIN", state="TX", postal_code="787011234")
>>> claim = Claim(
...     patient_control_number="PCN1001", place_of_service="11",
...     patient=Patient(last_name="DOE", first_name="JANE", birth_date=datetime.date(1961, 3, 2),
...                     sex="F", address=office, member_id="XYZ123456789"),
...     subscriber=Subscriber(relationship="18", member_id="XYZ123456789"),
...     payer=Payer(name="MEDICARE", payer_id="04412", filing_indicator="MB"),
...     billing_provider=Provider(npi="1234567893", organization_name="MAIN STREET CLINIC",
...                               tax_id="123456789", address=office),
...     diagnoses=["E11.9", "I10"],
...     lines=[ServiceLine(code="99214", modifiers=["25"], charge="165.00",
...                        diagnosis_pointers=[1, 2], service_date=datetime.date(2026, 6, 15))])
>>> text = x12.write_837p([claim], sender=x12.Party(name="MAIN STREET CLINIC", id="MSC001",
...                       phone="5125550100"), receiver=x12.Party(name="ACME CLEARINGHOUSE",
...                       id="ACME"), created=datetime.datetime(2026, 6, 16, 9, 30))
>>> print(text[text.index("CLM"):text.index("\\nSE*") + 1])
CLM*PCN1001*165.00***11:B:1*Y*A*Y*Y~
HI*ABK:E119*ABF:I10~
LX*1~
SV1*HC:99214:25*165.00*UN*1***1:2~
DTP*472*D8*20260615~
<BLANKLINE>
>>> x12.read_837p(text) == [claim]
True

A claim that lacks what an 837P needs is refused, with every missing value named:

>>> try:
...     x12.write_837p([Claim(diagnoses=["I10"], lines=[])], sender=x12.Party(
...         name="MSC", id="MSC001", phone="5125550100"), receiver=x12.Party(name="ACME", id="ACME"))
... except ValueError as exc:
...     print(*exc.problems[:4], sep="\\n")
claims[0].billing_provider: required
claims[0].subscriber: required
claims[0].place_of_service: required
claims[0].patient_control_number: required
"""

from __future__ import annotations

from ._common import Delimiters, Party
from ._read import read_837p
from ._write import write_837p

__all__ = ["Delimiters", "Party", "read_837p", "write_837p"]
